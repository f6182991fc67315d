"""Benchmark: instructions per plan, counted by cachegrind — the figure the machine's noise can't move.

Wall and CPU times here move by ±20 % between identical runs (2 shared
cores), more than most single optimisations. Valgrind's cachegrind counts
the instructions a process executes, the same on every run. This extracts
N plans (read, structure, pipeline, JSON line; what `policykg extract`
does per plan) under cachegrind, once with N plans and once with none, so
start-up (imports, lexicons) is subtracted; with ``--ref REV`` it does the
same for a git revision (checked out in a temporary worktree) and prints
the ratio.

    .venv/bin/python -m bench.instructions [--n 20] [--ref 16159ae]

Needs `valgrind` (Debian package ``valgrind``); not part of the tests.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent

# Run in the child, with the tree under test first on sys.path.
_CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from extract.pipeline import build_nlp, extract_segments
from extract.read import read_document
from extract.stream import json_line
import extract.stream as stream
nlp = build_nlp()
if hasattr(stream, "_loaded"):
    stream._loaded()
files = sorted(Path(sys.argv[2]).glob("*.txt"))
for f in files[:2]:  # warm: lazily loaded tables, first-use caches
    for ex in extract_segments(read_document(f), nlp):
        json_line(ex)
for f in files[2 : 2 + int(sys.argv[3])]:
    for ex in extract_segments(read_document(f), nlp):
        json_line(ex)
"""


def _instructions(tree: Path, plans: Path, n: int) -> int:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(_CHILD)
    cmd = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        fh.name,
        str(tree),
        str(plans),
        str(n),
    ]
    # a fixed hash seed: set and dict layouts (and so the count) are then the same on every run
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=tree, env=env)
    Path(fh.name).unlink()
    m = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    if proc.returncode != 0 or m is None:
        sys.exit(f"cachegrind run failed:\n{proc.stderr[-2000:]}")
    return int(m.group(1).replace(",", ""))


def _per_plan(tree: Path, plans: Path, n: int) -> float:
    return (_instructions(tree, plans, n) - _instructions(tree, plans, 0)) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20, help="plans to extract (after 2 warm-up plans)")
    parser.add_argument("--ref", help="a git revision to compare with")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind not found: install it (apt-get install valgrind) to count instructions")
    plans = Path(tempfile.mkdtemp()) / "plans"
    write_corpus(args.n + 2, 1, plans)
    chars = sum(len(f.read_text(encoding="utf-8")) for f in sorted(plans.glob("*.txt"))[2 : 2 + args.n])
    now = _per_plan(ROOT, plans, args.n)
    print(f"{args.n} synthetic plans (bench.corpus seed 1), {chars / args.n:,.0f} characters each on average")
    print(f"working tree: {now / 1e6:,.1f} M instructions per plan, {now * args.n / chars:,.0f} per character")
    if args.ref:
        worktree = Path(tempfile.mkdtemp()) / "ref"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.ref], cwd=ROOT, check=True)
        try:
            then = _per_plan(worktree, plans, args.n)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False)
        print(f"{args.ref}: {then / 1e6:,.1f} M instructions per plan, {then * args.n / chars:,.0f} per character")
        print(f"working tree / {args.ref}: {now / then:.2f}x the instructions")


if __name__ == "__main__":
    main()
