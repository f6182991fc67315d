"""A real Neo4j 5 server on this machine, for machines with no Docker and no Neo4j install.

The server is Neo4j's own in-process test harness (community edition, from Maven
Central) wrapped in a small launcher under ``tools/neo4j-local``; it needs only
Java 17+ and Maven. The JVM runs detached from the caller, so that
``policykg neo4j start`` can return while the server keeps running, and a later
``policykg neo4j stop`` (another process) can find it again: everything needed for
that lives in ``DATA_DIR/neo4j-local.json``.

Layout of a data directory::

    neo4j-local.json   pid, port and URI of the running server (absent when stopped)
    neo4j-local.log    the JVM's stdout and stderr (the previous run's is .log.1)
    data/ logs/        Neo4j's own home: databases persist across restarts
    harness/           the harness's scratch folder, removed on a clean stop
    tmp/               the JVM's java.io.tmpdir, emptied at every start
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.errors import Neo4jError

logger = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parent.parent / "tools" / "neo4j-local"
JAR_NAME = "neo4j-local.jar"
STATE_FILE = "neo4j-local.json"
LOG_FILE = "neo4j-local.log"
LOCK_FILE = ".neo4j-local.lock"
PASSWORD_ENV = "NEO4J_LOCAL_PASSWORD"

# Small on purpose: the machine has 2 cores and tests run beside it. The page
# cache (64 MiB) is off-heap and set in the launcher. SerialGC keeps RSS ~60 MB
# lower than G1 on a heap this size. The JIT keeps its optimising tier (C2):
# C1 alone starts ~1 s sooner, but bulk loads ran at half the speed with it.
JVM_OPTIONS = (
    "-Xms64m",
    "-Xmx768m",
    "-XX:+UseSerialGC",
    "-XX:+ExitOnOutOfMemoryError",
)
MIN_JAVA = 17
BUILD_TIMEOUT = 1800.0
INSTALL_HINT = "install openjdk-17-jdk-headless and maven"
_READY = re.compile(r"^READY (bolt://\S+:(\d+))\s*$", re.MULTILINE)
_EXCEPTION = re.compile(r"^(?:Exception in thread \S+ |Caused by: )?(?:[\w$]+\.)*([\w$]+(?:Exception|Error)): (.*)")

# Children started by this process, so stop() can reap them and leave no zombie
# (a zombie still looks alive to os.kill(pid, 0)).
_children: dict[int, subprocess.Popen[bytes]] = {}


def build_launcher(*, project_dir: Path | None = None) -> Path:
    """Return the launcher jar, running Maven first only if the jar is missing or stale.

    A first build downloads the harness and its ~240 jars (~145 MB) from Maven
    Central into ~/.m2 and ``target/lib``; later builds are a few seconds, and
    usually none happens at all.
    """
    project = Path(project_dir) if project_dir is not None else PROJECT_DIR
    if not (project / "pom.xml").is_file():
        raise Neo4jError(
            f"The local Neo4j launcher sources are missing ({project / 'pom.xml'}): "
            "run policykg from a source checkout that has tools/neo4j-local"
        )
    jar = project / "target" / JAR_NAME
    (project / "target").mkdir(exist_ok=True)
    with _locked(project / "target" / ".build.lock"):
        if not _is_stale(project, jar):
            return jar
        mvn = shutil.which("mvn")
        if mvn is None:
            raise Neo4jError(f"Java {MIN_JAVA} and Maven are needed to build the local Neo4j: {INSTALL_HINT}")
        _java()  # Maven would compile, then fail obscurely at run time on an old Java.
        logger.info("Building the local Neo4j launcher in %s (first time: downloads ~145 MB)", project)
        began = time.monotonic()
        try:
            result = subprocess.run(
                [mvn, "-q", "-B", "-DskipTests", "package"],
                cwd=project,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=BUILD_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise Neo4jError(
                f"Building the local Neo4j took over {BUILD_TIMEOUT:.0f} s: "
                f"run `mvn -B package` in {project} to see where it hangs"
            ) from exc
        if result.returncode != 0 or not jar.is_file():
            reason = _last_error_line(result.stdout + "\n" + result.stderr)
            raise Neo4jError(
                f"Building the local Neo4j failed (mvn exit {result.returncode}: {reason}): "
                f"run `mvn -B package` in {project} to see the whole output"
            )
        # The jar plugin may keep an unchanged jar with its old mtime; without this,
        # every later call would think it stale and run Maven again.
        if _is_stale(project, jar):
            jar.touch()
        logger.info("Built %s in %.1f s", jar, time.monotonic() - began)
        return jar


def start(
    *,
    port: int = 7687,
    data_dir: Path,
    password: str | None = None,
    timeout: float = 180,
) -> str:
    """Start a server for ``data_dir`` in the background and return its Bolt URI.

    Idempotent per data directory: if one already runs there, its URI is returned
    (with a warning if it differs from what was asked), because two servers can't
    share a store. ``port=0`` lets the server pick a free port. With a password,
    auth is on for user ``neo4j``; without one, auth is off.
    """
    if not 0 <= port <= 65535:
        raise Neo4jError(f"Port {port} is not a TCP port: choose one from 1 to 65535, or 0 for any free port")
    if password == "":
        raise Neo4jError("The Neo4j password is empty: pass a non-empty password, or none to turn auth off")
    data_dir = _data_dir(data_dir, create=True)
    jar = build_launcher()
    java = _java()
    with _locked(data_dir / LOCK_FILE):
        running = status(data_dir=data_dir)
        if running is not None and not running.get("uri"):
            # Its starter died before READY (we hold the lock, so no live one is waiting): finish the wait.
            uri, actual_port = _wait_ready(running["pid"], Path(running["log"]), timeout)
            running.update(uri=uri, port=actual_port)
            _write_state(data_dir, {k: v for k, v in running.items() if k != "ready"})
        if running is not None:
            if (port and running["port"] != port) or running["auth"] != (password is not None):
                logger.warning(
                    "A local Neo4j already runs for %s at %s (auth %s); returning it as it is",
                    data_dir,
                    running["uri"],
                    "on" if running["auth"] else "off",
                )
            return str(running["uri"])
        if port and not _port_free(port):
            raise Neo4jError(
                f"Port {port} on 127.0.0.1 is already in use: stop whatever listens there "
                "or choose another port with --port N"
            )
        log_path = data_dir / LOG_FILE
        if log_path.exists():
            log_path.replace(log_path.with_name(LOG_FILE + ".1"))
        env = {k: v for k, v in os.environ.items() if k != PASSWORD_ENV}
        if password is not None:
            env[PASSWORD_ENV] = password  # not on the command line, where `ps` would show it
        # Neo4j leaves a log4j-*.xml in java.io.tmpdir at every start; keep those out of /tmp.
        tmp = data_dir / "tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        command = [
            java,
            *JVM_OPTIONS,
            f"-Djava.io.tmpdir={tmp}",
            "-jar",
            str(jar),
            "--port",
            str(port),
            "--data",
            str(data_dir),
        ]
        logger.info("Starting the local Neo4j for %s on port %s", data_dir, port or "(any)")
        began = time.monotonic()
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                command,
                cwd=data_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
        _children[proc.pid] = proc
        state = {
            "pid": proc.pid,
            "port": port,
            "uri": None,
            "auth": password is not None,
            "data_dir": str(data_dir),
            "log": str(log_path),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        # Written before READY, so that a server whose starter dies meanwhile can still be found and stopped.
        _write_state(data_dir, state)
        try:
            uri, actual_port = _wait_ready(proc.pid, log_path, timeout)
        except BaseException:
            _terminate(proc.pid, grace=10)
            (data_dir / STATE_FILE).unlink(missing_ok=True)
            raise
        state.update(uri=uri, port=actual_port)
        _write_state(data_dir, state)
        logger.info("Local Neo4j ready at %s after %.1f s (pid %d)", uri, time.monotonic() - began, proc.pid)
        return uri


def stop(*, data_dir: Path, timeout: float = 60) -> bool:
    """Stop the server for ``data_dir``; return whether one was running.

    SIGTERM lets Neo4j checkpoint and close its stores, so the next start needs
    no recovery; SIGKILL follows only after ``timeout`` seconds.
    """
    data_dir = _data_dir(data_dir, create=False)
    if not data_dir.is_dir():
        return False
    with _locked(data_dir / LOCK_FILE):
        state = _read_state(data_dir)
        if state is None:
            return False
        pid = int(state["pid"])
        was_running = _alive(pid) and _is_ours(pid, data_dir)
        if was_running:
            logger.info("Stopping the local Neo4j for %s (pid %d)", data_dir, pid)
            _terminate(pid, grace=timeout)
        (data_dir / STATE_FILE).unlink(missing_ok=True)
        return was_running


def status(*, data_dir: Path) -> dict[str, Any] | None:
    """Describe the server running for ``data_dir``, or None when there is none.

    The keys are those of ``neo4j-local.json`` (pid, port, uri, auth, data_dir,
    log, started_at) plus ``ready``: whether Bolt accepts connections right now.
    A state file whose process is gone (killed, machine restarted) counts as none.
    """
    data_dir = _data_dir(data_dir, create=False)
    state = _read_state(data_dir)
    if state is None:
        return None
    pid = int(state["pid"])
    if not (_alive(pid) and _is_ours(pid, data_dir)):
        logger.debug("Stale %s in %s: pid %d is gone", STATE_FILE, data_dir, pid)
        return None
    port = int(state.get("port") or 0)
    state["ready"] = bool(state.get("uri")) and port > 0 and _port_accepts(port)
    return state


# --- helpers -----------------------------------------------------------------


def _data_dir(data_dir: Path, *, create: bool) -> Path:
    path = Path(data_dir).expanduser().resolve()
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Neo4jError(
                f"Cannot create the Neo4j data directory {path} ({exc.strerror}): choose a writable directory"
            ) from exc
    return path


def _is_stale(project: Path, jar: Path) -> bool:
    if not jar.is_file() or not (project / "target" / "lib").is_dir():
        return True
    built = jar.stat().st_mtime
    sources = [project / "pom.xml", *(p for p in (project / "src").rglob("*") if p.is_file())]
    return any(p.stat().st_mtime > built for p in sources)


@functools.cache
def _java() -> str:
    """The java to run, checked once: the launcher is compiled for Java 17."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    java = str(candidate) if candidate is not None and candidate.is_file() else shutil.which("java")
    if java is None:
        raise Neo4jError(f"Java {MIN_JAVA} and Maven are needed to run the local Neo4j: {INSTALL_HINT}")
    try:
        result = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Neo4jError(f"Cannot run {java} ({exc}): {INSTALL_HINT}") from exc
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if match is None:
        logger.warning("Could not read the Java version from `%s -version`; trying it anyway", java)
        return java
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0_362" is Java 8
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise Neo4jError(
            f"The local Neo4j needs Java {MIN_JAVA} or newer, but {java} is Java {major}: "
            f"{INSTALL_HINT}, and put it first on PATH or set JAVA_HOME"
        )
    return java


def _last_error_line(output: str) -> str:
    """The most telling line of Maven's output: its first real [ERROR] (headings skipped)."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in output.splitlines()]
    errors = [line.removeprefix("[ERROR]").strip() for line in lines if line.startswith("[ERROR]")]
    skip = ("", "COMPILATION ERROR :", "-> [Help 1]")
    errors = [e for e in errors if e not in skip and not e.startswith(("To see the full", "Re-run Maven", "For more"))]
    picked = (errors or [line for line in lines if line] or ["no output"])[0]
    return picked[:300]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An advisory lock, so concurrent starts (say, pytest-xdist workers) don't race."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_state(data_dir: Path) -> dict[str, Any] | None:
    try:
        state = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        logger.warning("Ignoring unreadable %s: %s", data_dir / STATE_FILE, exc)
        return None
    return state if isinstance(state, dict) and isinstance(state.get("pid"), int) else None


def _write_state(data_dir: Path, state: dict[str, Any]) -> None:
    tmp = data_dir / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    tmp.replace(data_dir / STATE_FILE)


def _wait_ready(pid: int, log_path: Path, timeout: float) -> tuple[str, int]:
    deadline = time.monotonic() + timeout
    proc = _children.get(pid)
    while True:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        match = _READY.search(text)
        if match:
            return match.group(1), int(match.group(2))
        code = proc.poll() if proc is not None else (None if _alive(pid) else "unknown")
        if code is not None:
            _children.pop(pid, None)
            cause = _startup_cause(log_path.read_text(encoding="utf-8", errors="replace"))
            raise Neo4jError(
                f"The local Neo4j exited during startup (exit code {code}{': ' + cause if cause else ''}): "
                f"read {log_path} (and logs/debug.log beside it) for the details"
            )
        if time.monotonic() > deadline:
            raise Neo4jError(
                f"The local Neo4j was not ready within {timeout:.0f} s: "
                f"read {log_path} for the cause, or allow a longer timeout"
            )
        time.sleep(0.1)


def _startup_cause(log_text: str) -> str:
    """The innermost exception in a Java stack trace is the one a user can act on."""
    cause = ""
    for line in log_text.splitlines():
        if line.startswith("neo4j-local: "):  # the launcher's own usage errors
            return line.removeprefix("neo4j-local: ")
        match = re.match(
            r"^(?:Exception in thread \S+ |Caused by: )?(?:[\w$]+\.)*([\w$]+(?:Exception|Error)): (.*)", line
        )
        if match:
            cause = f"{match.group(1)}: {match.group(2)}"
    return cause[:240]


def _terminate(pid: int, *, grace: float) -> None:
    _signal(pid, signal.SIGTERM)
    if not _wait_gone(pid, grace):
        logger.warning("The local Neo4j (pid %d) ignored SIGTERM for %.0f s; killing it", pid, grace)
        _signal(pid, signal.SIGKILL)
        _wait_gone(pid, 10)
    _children.pop(pid, None)


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    proc = _children.get(pid)
    while time.monotonic() < deadline:
        if proc is not None:
            try:
                proc.wait(timeout=0.2)
                return True
            except subprocess.TimeoutExpired:
                continue
        if not _alive(pid):
            return True
        time.sleep(0.2)
    return not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            _children.pop(pid, None)
            return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (macOS): trust kill(0)
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _is_ours(pid: int, data_dir: Path) -> bool:
    """Guard against a reused pid: the process must be our launcher for this data dir."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: the pid file is all we have
    words = [a.decode(errors="replace") for a in args]
    return any(w.endswith(JAR_NAME) for w in words) and str(data_dir) in words


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Neo4j binds with SO_REUSEADDR too, so a previous server's TIME_WAIT is no obstacle.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _port_accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
