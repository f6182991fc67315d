"""Benchmark: every hostile case of issue 16 through the real CLI, with its wall time and peak memory.

Each case is made on the fly in a temporary folder (links pointing up, out
and at /, a user's folders under output names, outputs in odd places,
run-on texts, and the reading and query cases of the test suite's
``tests/extract/hostile_cases.py`` and ``tests/graph/hostile_queries.py``
when present) and run as its own ``policykg`` process; printed per case:
exit code, wall time, peak RSS of that process (the kernel's accounting of
the waited child, workers included where they are its children), whether a
traceback appeared, and the first line it printed on stderr. The aim: every
case under 1 GB and 60 s on 2 cores, each ending in one clear line.

    .venv/bin/python -m bench.hostile [--only SUBSTRING] [--timeout 300]
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BAICHENG = EXAMPLES / "baicheng_2024_jiaoyu_gongzuo_yaodian.txt"


@dataclass
class Case:
    name: str
    # given a fresh folder, make the inputs and return the CLI's arguments (after `policykg`)
    setup: Callable[[Path], list[str]]


def _run_on(chars: int) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        body = re.sub(r"[。！？；;!?\n]", "，", BAICHENG.read_text(encoding="utf-8"))
        plan = tmp / f"run_on_{chars}.txt"
        plan.write_text("某市教育局2024年工作要点\n" + (body * (chars // len(body) + 1))[:chars], encoding="utf-8")
        return ["build", str(plan), "--out", str(tmp / "out")]

    return setup


def _link(target: str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        out = tmp / "a" / "b" / "out"
        out.mkdir(parents=True)
        os.symlink(target, out / "store")
        return ["build", str(EXAMPLES), "--out", str(out)]

    return setup


def _own(name: str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        (tmp / "out" / name).mkdir(parents=True)
        (tmp / "out" / name / "mine.txt").write_text("mine", encoding="utf-8")
        return ["build", str(EXAMPLES), "--out", str(tmp / "out")]

    return setup


def prebuild(paths: Path, out: Path) -> None:
    """A build made before the case runs (not measured)."""
    cmd = [sys.executable, "-c", "from cli import app; app()", "build", str(paths), "--out", str(out)]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)


def _inside_input(tmp: Path) -> list[str]:
    plans = tmp / "plans"
    plans.mkdir()
    (plans / BAICHENG.name).write_bytes(BAICHENG.read_bytes())
    prebuild(plans, plans / "out")
    return ["build", str(plans), "--out", str(plans / "out")]


def _built(args: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        prebuild(EXAMPLES, tmp / "out")
        return args(tmp)

    return setup


def build_cases() -> list[Case]:
    return [
        Case("store link up two levels", _link("../..")),
        Case("store link at /", _link("/")),
        Case("store link out of OUT", _link(str(EXAMPLES))),
        Case("a user's store/ folder", _own("store")),
        Case("graph.json is a folder", _own("graph.json")),
        Case("a user's .store-x folder (kept, build succeeds)", _own(".store-x")),
        Case("--out under /sys", lambda tmp: ["build", str(EXAMPLES), "--out", "/sys/policykg-out"]),
        Case("--out inside the input folder (second build)", _inside_input),
        Case("viz -o a folder", _built(lambda tmp: ["viz", str(tmp / "out"), "-o", str(tmp)])),
        Case("run-on plan, 1 MB", _run_on(1_000_000)),
        Case("run-on plan, 3 MB", _run_on(3_000_000)),
    ]


def _read_case(module: Any, name: str) -> Callable[[Path], list[str]]:
    """A reading case of the test suite, built into a folder holding the examples' build (default limits
    but for the file size, the one limit the CLI takes)."""

    def setup(tmp: Path) -> list[str]:
        prebuild(EXAMPLES, tmp / "out")
        for case, files, limits in module.hostile_read_cases(tmp / "inputs"):
            if case == name:
                extra = ["--max-file-mb", "1"] if "max_file_bytes" in limits else []
                return ["build", *map(str, files), "--out", str(tmp / "out"), *extra]
        raise LookupError(name)

    return setup


def _query(cypher: str) -> Callable[[Path], list[str]]:
    def args(tmp: Path) -> list[str]:
        return ["query", "--graph", str(tmp / "out"), "--cypher", cypher.replace("{canary}", str(tmp / "canary.csv"))]

    return args


def helper_cases() -> Iterator[Case]:
    """The reading and query cases the test suite generates, where those modules exist."""
    try:
        reading = importlib.import_module("tests.extract.hostile_cases")
    except ImportError:
        reading = None
    if reading is not None:
        with tempfile.TemporaryDirectory() as d:
            names = [name for name, _, _ in reading.hostile_read_cases(Path(d))]
        for name in names:
            yield Case(f"read: {name}", _read_case(reading, name))
    try:
        queries = importlib.import_module("tests.graph.hostile_queries")
    except ImportError:
        queries = None
    if queries is not None:
        cases = [*getattr(queries, "HOSTILE", []), *getattr(queries, "TRICKS", []), *getattr(queries, "EXPENSIVE", [])]
        for item in cases:
            yield Case(f"query: {item[0]}", _built(_query(item[1])))


def run_case(case: Case, timeout: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="policykg-hostile-") as d:
        tmp = Path(d)
        args = case.setup(tmp)
        log = tmp / "stderr.log"
        started = time.perf_counter()
        with log.open("wb") as fh:
            proc = subprocess.Popen(
                [sys.executable, "-c", "from cli import app; app()", *args],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=fh,
                start_new_session=True,
            )
        killed, status, usage = False, 0, None
        while True:  # wait4: this child's own peak RSS, not the largest of every child so far
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                os.killpg(proc.pid, 9)
                killed = True
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        peak = usage.ru_maxrss / 1024 if usage else 0.0
        err = log.read_bytes()
        text = err.decode("utf-8", "replace")
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith(("warning", "INFO"))]
        return {
            "case": case.name,
            "exit": "killed" if killed else proc.returncode,
            "wall": wall,
            "peak": peak,
            "traceback": "Traceback" in text,
            "lines": len(lines),
            "first": (lines[0] if lines else "")[:110],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="run the cases whose name holds this")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    cases = [*build_cases(), *helper_cases()]
    if args.only:
        cases = [c for c in cases if args.only in c.name]
    print(f"{len(cases)} cases, each one `policykg` process (peak RSS: that process, from wait4)")
    print(f"{'case':52} {'exit':>6} {'wall s':>7} {'peak MB':>8} {'tb':>3} {'lines':>5}  first line")
    worst_wall = worst_peak = 0.0
    for case in cases:
        r = run_case(case, args.timeout)
        worst_wall, worst_peak = max(worst_wall, float(r["wall"])), max(worst_peak, float(r["peak"]))
        print(
            f"{r['case'][:52]:52} {r['exit']!s:>6} {r['wall']:7.1f} {r['peak']:8.0f} "
            f"{'yes' if r['traceback'] else 'no':>3} {r['lines']:>5}  {r['first']}",
            flush=True,
        )
    print(f"slowest case {worst_wall:.1f} s (aim < 60 s); largest peak RSS {worst_peak:.0f} MB (aim < 1024 MB)")


if __name__ == "__main__":
    main()
