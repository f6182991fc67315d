"""Benchmark: one huge plan (50 MB by default) through `policykg build`, for time and peak memory.

The plan is the first synthetic plan of :mod:`bench.corpus` with the
numbered points of the following plans appended, renumbered, until the
file reaches the size asked: one document of tens of thousands of points,
the shape of a whole province's plans pasted into one file. `build` runs in
its own process; printed: size, points, wall time, peak RSS of that
process (from the kernel's accounting of the waited child), and the graph's
node and edge counts.

    .venv/bin/python -m bench.huge [--mb 50] [--jobs 1]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import generate_plans

_POINT = re.compile(r"^(\s*)(\d+)([．.、])", re.M)


def huge_plan(megabytes: float) -> tuple[str, int]:
    """A plan of about `megabytes` MB (UTF-8) and its number of points."""
    plans = generate_plans(10**6, seed=1)
    head = next(plans).text
    parts = [head.rstrip("\n")]
    size = len(head.encode("utf-8"))
    number = len(_POINT.findall(head))
    limit = megabytes * 1e6
    for plan in plans:
        for line in plan.text.splitlines():
            m = _POINT.match(line)
            if not m:
                continue
            number += 1
            line = f"{m.group(1)}{number}{m.group(3)}{line[m.end() :]}"
            parts.append(line)
            size += len(line.encode("utf-8")) + 1
        if size >= limit:
            break
    return "\n".join(parts) + "\n", number


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="policykg-huge-"))
    text, points = huge_plan(args.mb)
    plan = work / "huge_plan.txt"
    plan.write_text(text, encoding="utf-8")
    print(f"plan: {plan.stat().st_size / 1e6:.1f} MB, {len(text):,} characters, {points:,} numbered points", flush=True)
    out = work / "out"
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "cli", "build", str(plan), "--out", str(out), "--jobs", str(args.jobs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        sys.exit(f"build failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    stats = subprocess.run(
        [sys.executable, "-m", "cli", "stats", str(out), "--json"], capture_output=True, text=True, check=True
    )
    summary = json.loads(stats.stdout)
    sizes = {p.name: p.stat().st_size / 1e6 for p in out.iterdir() if p.is_file()}
    print(f"build: {seconds:.0f} s, peak RSS {peak:,.0f} MB")
    print(f"graph: {summary['nodes']:,} nodes, {summary['edges']:,} edges, {summary['points']:,} points")
    print("files: " + ", ".join(f"{k} {v:.1f} MB" for k, v in sorted(sizes.items())))
    print(f"(outputs in {out})")


if __name__ == "__main__":
    main()
