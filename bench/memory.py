"""Benchmark: does `policykg build`'s memory stay bounded as its input grows?

Two series, every build in its own process, measured in one run:

- corpora of N synthetic plans of the examples' size (`bench.corpus`),
  100 and 1,000 by default (`--docs 100 1000 10000` for the national scale);
- one plan of M MB (`bench.huge`: a province's points pasted into one file),
  5 and 50 MB by default.

Printed per build: wall time, peak RSS (the kernel's high-water mark of the
build process and its workers), and the stage lines `policykg -v build`
logs (peak RSS after extraction, graph.json, the embedded store, the page).
Then, per series, the ratio of peak RSS between the largest and the
smallest input next to the ratio of their sizes: memory is bounded when the
first stays near 1 while the second is 10 or 100.

    .venv/bin/python -m bench.memory [--docs 100 1000] [--mb 5 50] [--jobs 2]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import write_corpus
from bench.huge import huge_plan

# runs a command and prints the peak RSS (KiB) of it and everything it waited for
_WRAP = (
    "import resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stderr.write(p.stderr)\n"
    "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)
_STAGE = re.compile(r"INFO extract\.build: (.+?): ([\d.]+) s, peak RSS so far (\d+) MB")


def _build(inputs: Path, out: Path, jobs: int) -> tuple[float, float, list[tuple[str, float, int]]]:
    cmd = [sys.executable, "-m", "cli", "-v", "build", str(inputs), "--out", str(out), "--jobs", str(jobs)]
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    code, peak_kib = proc.stdout.split()
    if code != "0":
        sys.exit(f"build of {inputs} failed ({code}):\n{proc.stderr[-3000:]}")
    stages = [(m.group(1), float(m.group(2)), int(m.group(3))) for m in _STAGE.finditer(proc.stderr)]
    return seconds, int(peak_kib) / 1024, stages


def _row(label: str, seconds: float, peak: float, stages: list[tuple[str, float, int]]) -> None:
    detail = "; ".join(f"{name} {mb:,} MB at {s:.0f} s" for name, s, mb in stages)
    print(f"{label:>22} {seconds:8.1f} {peak:10,.0f}   {detail}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--mb", type=float, nargs="*", default=[5.0, 50.0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="policykg-memory-"))
    print(f"{'input':>22} {'seconds':>8} {'peak RSS MB':>11}   peak RSS of the main process after each stage")
    corpus_peaks: list[tuple[int, float]] = []
    for n in sorted(args.docs):
        plans = work / f"plans-{n}"
        write_corpus(n, 1, plans)
        seconds, peak, stages = _build(plans, work / f"out-{n}", args.jobs)
        _row(f"{n:,} plans, jobs {args.jobs}", seconds, peak, stages)
        corpus_peaks.append((n, peak))
    file_peaks: list[tuple[float, float]] = []
    for mb in sorted(args.mb):
        text, _points = huge_plan(mb)
        plan = work / f"plan-{mb:g}mb.txt"
        plan.write_text(text, encoding="utf-8")
        seconds, peak, stages = _build(plan, work / f"out-{mb:g}mb", 1)
        _row(f"one plan of {mb:g} MB", seconds, peak, stages)
        file_peaks.append((mb, peak))
    print()
    if len(corpus_peaks) > 1:
        (n0, p0), (n1, p1) = corpus_peaks[0], corpus_peaks[-1]
        print(f"corpus: {n1 / n0:,.0f}x the plans -> {p1 / p0:.2f}x the peak RSS")
    if len(file_peaks) > 1:
        (m0, q0), (m1, q1) = file_peaks[0], file_peaks[-1]
        print(f"one plan: {m1 / m0:,.0f}x the size -> {q1 / q0:.2f}x the peak RSS")
    print(f"(inputs and outputs in {work})")


if __name__ == "__main__":
    main()
