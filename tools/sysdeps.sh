#!/usr/bin/env bash
# Install what the test suite needs from outside Python, quietly and only
# when missing: Java 17 + Maven (for the local Neo4j launcher), headless
# Chromium with its driver, and a CJK font so Chinese labels render.
set -euo pipefail

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if ! fc-list 2>/dev/null | grep -qiE 'wqy|noto sans cjk|noto serif cjk'; then
  need+=(fonts-wqy-microhei fontconfig)
fi

if ((${#need[@]})); then
  echo "installing system packages: ${need[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "could not install ${need[*]}; install them with apt-get and run again" >&2
    exit 1
  fi
  rm -f "$log"
fi
