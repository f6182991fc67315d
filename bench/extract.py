"""Benchmark: extraction throughput and memory at 100, 1,000 and 10,000 plans, with 1 and 2 jobs.

Each run is its own process (so its peak memory is its own) doing what
`policykg extract PLANS -o out.jsonl --jobs J` does: read, structure,
entities, relations, targets, one JSON line per plan, streamed. Printed per
run: documents/s, MB/s (of plan files), characters/s per core, peak RSS of
the main process and of the largest worker, and the steady-state time per
document (from the first result to the last, so start-up is not spread over
the documents). Then the ratio of time per document at the largest size to
the smallest (≈ 1 means cost grows linearly), and, over the same texts,
spaCy's `spacy.blank("zh")` alone (the char tokenizer every unit goes
through) and policykg's throughput as a fraction of it.

Plans come from :mod:`bench.corpus` (seed 1), written once into a cache
folder. The machine is shared: compare ratios measured in one run.

    .venv/bin/python -m bench.extract [--sizes 100,1000,10000] [--jobs 1,2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import write_corpus


def _peak_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(plans: Path, n: int, jobs: int, blank: bool) -> dict[str, float]:
    """The child's side: one measured extraction of the first `n` plans."""
    from extract.stream import extract_files

    files = sorted(plans.glob("*.txt"))[:n]
    size = sum(f.stat().st_size for f in files)
    out = Path(tempfile.mkdtemp()) / "out.jsonl"
    started = time.perf_counter()
    first = None
    with out.open("w", encoding="utf-8") as fh:
        # as `policykg extract -o`: JSONL lines only, the records stay in the workers
        for item in extract_files(files, jobs=jobs, records=False):
            if first is None:
                first = time.perf_counter()
            assert not item.duplicate
            item.write_line(fh)
    ended = time.perf_counter()
    text_chars = sum(len(f.read_text(encoding="utf-8")) for f in files)
    result = {
        "n": n,
        "jobs": jobs,
        "seconds": ended - started,
        "steady_per_doc": (ended - (first or started)) / max(n - 1, 1),
        "bytes": size,
        "chars": text_chars,
        "peak_main_mb": _peak_mb(),
        "peak_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    out.unlink()
    if blank:
        import spacy

        nlp = spacy.blank("zh")
        texts = [f.read_text(encoding="utf-8") for f in files]
        t0 = time.perf_counter()
        for text in texts:
            nlp(text)
        result["blank_seconds"] = time.perf_counter() - t0
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "policykg-bench-plans")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        n, jobs, blank = int(args.child[0]), int(args.child[1]), args.child[2] == "1"
        print(json.dumps(_run(args.cache, n, jobs, blank)))
        return

    sizes = [int(x) for x in args.sizes.split(",")]
    jobs_list = [int(x) for x in args.jobs.split(",")]
    have = len(list(args.cache.glob("*.txt"))) if args.cache.is_dir() else 0
    if have < max(sizes):
        print(f"writing {max(sizes):,} plans into {args.cache} …", flush=True)
        write_corpus(max(sizes), 1, args.cache)
    cores = len(os.sched_getaffinity(0))
    print(f"machine: {cores} cores usable, Python {sys.version.split()[0]}; plans from bench.corpus seed 1\n")
    header = (
        f"{'docs':>7} {'jobs':>4} {'seconds':>8} {'docs/s':>7} {'MB/s':>6} {'chars/s/core':>13} "
        f"{'ms/doc':>7} {'peak RSS main':>14} {'worker':>7}"
    )
    print(header)
    results: list[dict[str, float]] = []
    for n in sizes:
        for jobs in jobs_list:
            blank = jobs == jobs_list[0]
            cmd = [sys.executable, "-m", "bench.extract", "--cache", str(args.cache), "--child", str(n), str(jobs)]
            cmd.append("1" if blank else "0")
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                sys.exit(f"run n={n} jobs={jobs} failed:\n{proc.stderr[-2000:]}")
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            results.append(r)
            per_core = r["chars"] / r["seconds"] / min(jobs, cores)
            worker = f"{r['peak_worker_mb']:6.0f}M" if jobs > 1 else "      -"
            print(
                f"{n:>7,} {jobs:>4} {r['seconds']:>8.1f} {n / r['seconds']:>7.1f} "
                f"{r['bytes'] / 1e6 / r['seconds']:>6.2f} {per_core:>13,.0f} "
                f"{1000 * r['steady_per_doc']:>7.1f} {r['peak_main_mb']:>13.0f}M {worker}",
                flush=True,
            )
    print()
    for jobs in jobs_list:
        runs = [r for r in results if r["jobs"] == jobs]
        small, large = runs[0], runs[-1]
        ratio = large["steady_per_doc"] / small["steady_per_doc"]
        print(f"jobs {jobs}: time per document at {large['n']:,.0f} vs {small['n']:,.0f} docs: {ratio:.2f}x")
    for r in results:
        if "blank_seconds" in r:
            ours = r["chars"] / r["seconds"] / min(r["jobs"], cores)  # per core, as blank runs on one
            blank = r["chars"] / r["blank_seconds"]
            print(
                f"{r['n']:>7,.0f} docs: spacy.blank('zh') alone {blank:,.0f} chars/s; "
                f"policykg (jobs {r['jobs']:.0f}) {ours:,.0f} chars/s per core = {ours / blank:.2f} of it"
            )
    best = max(r["chars"] / r["seconds"] / min(r["jobs"], cores) for r in results)
    print(f"\naim ≥ 1,000,000 chars/s per core end to end: best measured {best:,.0f}")
    tenk = [r for r in results if r["n"] >= 10_000 and r["jobs"] == min(2, cores)]
    for r in tenk:
        print(f"aim 10,000 plans in < 180 s on 2 cores: {r['seconds']:.0f} s (jobs {r['jobs']:.0f})")


if __name__ == "__main__":
    main()
