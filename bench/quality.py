"""Benchmark: every quality table in one run, as the scorer of record prints it.

For each set, extraction runs once (what ``policykg extract PLANS --format
jsonl`` writes, through the same library call) and the JSONL is scored by
``shared/realdev/score.py`` itself, run with the machine's python3, and by
``extract.realdev`` (what ``policykg eval`` uses) on the same files; the
script prints score.py's table, our summary line beside it and whether the
two agree line for line. The sets:

- ``realdev all`` / ``realdev a`` / ``realdev b``: the real development set
  (``../shared/realdev``), and its slices of files ``a*`` (openings of plans
  and notices) and ``b*`` (what later points cover). A slice keeps the gold
  lines and the JSONL lines of its files; extraction is per document, so
  those lines are what extracting the slice alone writes;
- ``examples``: the two plans in ``examples/`` against
  ``tests/gold/realdev-format/examples.jsonl``;
- ``extra``: the project's eight invented plans in ``tests/extra/``.

If ``../shared/realdev`` is missing, that is said in one line and the
project's sets are scored by ``extract.realdev`` alone, in score.py's layout.

    .venv/bin/python -m bench.quality [--realdev DIR] [--set NAME GOLD PLANS …] [--no-default-sets] [--jobs N]

Exit status 1 when score.py and ``extract.realdev`` disagree on any set.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALDEV = ROOT.parent / "shared" / "realdev"


@dataclass(frozen=True)
class GoldSet:
    """A realdev-format gold file, the folder of its plans, and which of its documents to keep."""

    name: str
    gold: Path
    plans: Path
    keep: Callable[[str], bool] = lambda doc: True


def _machine_python() -> str:
    """python3 from PATH outside this virtualenv (score.py needs only the standard library)."""
    own = Path(sys.prefix, "bin").resolve()
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p).resolve() != own)
    return shutil.which("python3", path=path) or sys.executable


def _run(cmd: list[str], **kw: object) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw).stdout.strip()  # type: ignore[call-overload]


def _commit() -> str:
    commit = _run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]) or "unknown"
    dirty = _run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])
    return commit + (" + uncommitted changes" if dirty else "")


def _gold_lines(gold: Path, keep: Callable[[str], bool]) -> list[str]:
    lines = [ln for ln in gold.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return [ln for ln in lines if keep(Path(json.loads(ln)["doc"]).name)]


def _extract(files: list[Path], out: Path, jobs: int) -> tuple[int, int]:
    """Write the extraction JSONL of `files` to `out`, as `policykg extract` does; (warnings, duplicates)."""
    from extract.stream import extract_files

    warnings = duplicates = 0
    with out.open("w", encoding="utf-8") as fh:
        for item in extract_files(files, jobs=jobs, records=False):
            if item.duplicate:
                duplicates += 1
                continue
            warnings += len(item.warnings)
            item.write_line(fh)
    return warnings, duplicates


def _describe(gold: Path) -> str:
    from extract.realdev import read_gold

    docs = read_gold(gold)
    ent = sum(len(d.entities) for d in docs)
    rel = sum(len(d.relations) for d in docs)
    resp = sum(len(d.responsible) for d in docs)
    tgt = sum(len(d.targets) for d in docs)
    doubtful = sum(
        len(d.entities_doubtful) + len(d.relations_doubtful) + len(d.responsible_doubtful) + len(d.targets_doubtful)
        for d in docs
    )
    in_text = sum(d.issuer_in_text for d in docs)
    return (
        f"{len(docs)} documents ({in_text} with the issuer in the text); gold: {ent} entities, {rel} relations, "
        f"{resp} responsible units, {tgt} targets, {doubtful} doubtful items"
    )


def _score_one(name: str, gold: Path, pred: Path, score_py: Path | None, python: str) -> bool:
    """Print one set's table; False when score.py and extract.realdev disagree."""
    from extract.realdev import score_file

    ours = score_file(gold, pred)
    print(f"\n── {name}: {_describe(gold)}")
    if score_py is None:
        print("(policykg's evaluator, in score.py's layout)")
        print(ours.score_table())
        agree = True
    else:
        proc = subprocess.run(
            [python, str(score_py), str(gold), str(pred)], capture_output=True, text=True, check=False
        )
        theirs = proc.stdout.rstrip("\n")
        print(theirs)
        if proc.returncode != 0:
            print(f"score.py exited with {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}")
        agree = proc.returncode == 0 and theirs.splitlines() == ours.score_table().splitlines()
    it = ours.issuer_in_text
    print(f"policykg eval: {ours.summary_line()} issuer_in_text={it.value:.3f} ({it.correct}/{it.total})")
    if score_py is not None:
        if agree:
            print(f"agrees with score.py: all {len(theirs.splitlines())} lines identical")
        else:
            print("DIFFERS from score.py; policykg's table:")
            print(ours.score_table())
    return agree


def run_sets(
    groups: Iterable[tuple[str, list[GoldSet]]], *, score_py: Path | None, python: str, jobs: int, work: Path
) -> bool:
    """Extract each group's plans once and score every set of it; True when all sets agree with score.py."""
    from extract.realdev import read_gold

    agree = True
    for i, (label, sets) in enumerate(groups):
        base = sets[0]
        docs = [g.doc for g in read_gold(base.gold)]
        files = [base.plans / d for d in docs]
        missing = [f.name for f in files if not f.is_file()]
        if missing:
            print(f"\n── {label}: skipped, plans not found in {base.plans}: {', '.join(missing)}")
            agree = False
            continue
        pred_all = work / f"{i}.jsonl"
        warnings, duplicates = _extract(files, pred_all, jobs)
        print(
            f"\n{label}: extracted {len(files)} plans from {base.plans} once ({warnings} extraction warnings"
            + (f", {duplicates} files repeating an earlier one" if duplicates else "")
            + ")"
        )
        records = [ln for ln in pred_all.read_text(encoding="utf-8").splitlines() if ln.strip()]
        for j, s in enumerate(sets):
            gold = work / f"{i}-{j}-gold.jsonl"
            pred = work / f"{i}-{j}-pred.jsonl"
            gold.write_text("".join(ln + "\n" for ln in _gold_lines(s.gold, s.keep)), encoding="utf-8")
            kept = [ln for ln in records if s.keep(Path(json.loads(ln)["document"]["source"]).name)]
            pred.write_text("".join(ln + "\n" for ln in kept), encoding="utf-8")
            agree &= _score_one(s.name, gold, pred, score_py, python)
    return agree


def default_groups(realdev: Path | None, *, project: bool = True) -> list[tuple[str, list[GoldSet]]]:
    """The real dev set and its slices (when `realdev` is given), then the project's own sets."""
    groups = []
    if realdev is not None:
        gold, docs = realdev / "gold.jsonl", realdev / "docs"
        groups.append(
            (
                "realdev",
                [
                    GoldSet("realdev all", gold, docs),
                    GoldSet("realdev a (files a*)", gold, docs, lambda d: d.startswith("a")),
                    GoldSet("realdev b (files b*)", gold, docs, lambda d: d.startswith("b")),
                ],
            )
        )
    if project:
        examples = ROOT / "tests" / "gold" / "realdev-format" / "examples.jsonl"
        groups.append(("examples", [GoldSet("examples", examples, ROOT / "examples")]))
        extra = ROOT / "tests" / "extra"
        groups.append(("extra", [GoldSet("extra (invented)", extra / "gold.jsonl", extra / "plans")]))
    return groups


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--realdev", type=Path, default=REALDEV, help="the real development set (gold.jsonl, docs/, score.py)"
    )
    parser.add_argument(
        "--set",
        nargs=3,
        action="append",
        default=[],
        metavar=("NAME", "GOLD", "PLANS"),
        help="another realdev-format gold file and the folder of its plans (repeatable)",
    )
    parser.add_argument("--no-default-sets", action="store_true", help="leave out the examples and extra sets")
    parser.add_argument("--jobs", type=int, default=1, help="extraction worker processes (the output is the same)")
    args = parser.parse_args(argv)

    score_py = args.realdev / "score.py"
    has_realdev = score_py.is_file() and (args.realdev / "gold.jsonl").is_file()
    python = _machine_python()
    python_version = _run([python, "-c", "import sys; print(sys.version.split()[0])"]) if has_realdev else ""
    print(f"policykg {_commit()} · bench Python {sys.version.split()[0]} ({sys.executable})")
    if has_realdev:
        print(f"scorer: {python} {score_py} (Python {python_version})")
    else:
        print(
            f"{args.realdev}: not found; the real dev set is skipped and the project's sets are scored by policykg only"
        )

    groups = default_groups(args.realdev if has_realdev else None, project=not args.no_default_sets)
    groups += [(name, [GoldSet(name, Path(gold), Path(plans))]) for name, gold, plans in args.set]

    with tempfile.TemporaryDirectory(prefix="policykg-quality-") as tmp:
        agree = run_sets(
            groups, score_py=score_py if has_realdev else None, python=python, jobs=args.jobs, work=Path(tmp)
        )
    if not agree:
        print("\nscore.py and policykg's evaluator disagree on a set above (or a set was skipped)")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
