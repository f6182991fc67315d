"""Benchmark: what each stage of extraction costs, in characters/s per core, measured in one run.

`bench.extract` gives one end-to-end figure. This splits it, so the
distance to an aim such as 1,000,000 characters/s per core can be read per
stage: at that rate the whole pipeline may spend 1 µs per character, and a
single stage slower than it rules the aim out however fast the others get.

Every stage is timed alone, by CPU time of this process (not wall time:
the machine is shared), best of `--reps`: reading the files, cutting them
into units (structure), making each unit's spaCy `Doc` (the char
tokenizer), each pipeline component run on Docs that went through the
components before it (untimed), assembling the document's record (from
Docs made beforehand), and its JSON line. Beside them: the same plans end
to end in one pass (what `policykg extract` does per plan), whose excess
over the sum is the cost between stages, and `spacy.blank("zh")` over the
same texts.

    .venv/bin/python -m bench.stages [--n 100] [--reps 5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench.corpus import write_corpus

AIM = 1_000_000  # characters/s per core, issue 8


def _best(fn: Callable[[], float | None], reps: int) -> float:
    """Least CPU seconds of `reps` calls; `fn` may return its own measured seconds."""
    best = float("inf")
    for _ in range(reps):
        t0 = time.process_time()
        own = fn()
        best = min(best, own if own is not None else time.process_time() - t0)
    return best


def _pieces(structure: Any) -> list[tuple[str, str]]:
    """(unit id, text) of what the pipeline runs on, as `extract.pipeline._extract` cuts it."""
    from extract.pipeline import _chunks, _units

    return [(unit_id, c) for unit_id, text in _units(structure) for _o, c in _chunks(text)]


class _Replay:
    """Stands in for the pipeline: hands back Docs it already made, so only assembly is timed."""

    def __init__(self) -> None:
        self.docs: list[Any] = []

    def make_doc(self, text: str) -> Any:
        return SimpleNamespace(user_data={})

    def pipe(self, docs: Iterator[Any]) -> Iterator[Any]:
        for _ in docs:
            pass
        return iter(self.docs)


def measure(files: list[Path], reps: int) -> tuple[int, list[tuple[str, float]]]:
    """(characters, [(stage, CPU seconds)]) for extracting `files` stage by stage."""
    import spacy

    from extract.pipeline import _extract, _read, _with_context, build_nlp, extract_segments
    from extract.read import read_document
    from extract.stream import _loaded, json_line
    from extract.structure import parse_structure

    nlp = build_nlp()
    _loaded()
    raws = [read_document(f) for f in files]
    chars = sum(len(r.text) for r in raws)
    read = [_read(r, nlp) for r in raws]  # structure, with the issuer named with its place
    structures = [s for s, _locale in read]
    locales = [locale for _s, locale in read]
    chunks = [piece for s in structures for piece in _pieces(s)]
    issuer = None
    stages: list[tuple[str, float]] = []
    stages.append(("read (decode, checks)", _best(lambda: [read_document(f) for f in files] and None, reps)))

    def structure() -> None:
        for r in raws:
            parse_structure(r.text, source=r.path.name, sha256=r.sha256, encoding=r.encoding)

    stages.append(("structure (units, numbering)", _best(structure, reps)))
    stages.append(
        ("Doc (char tokenizer)", _best(lambda: [_with_context(nlp, c, u, issuer) for u, c in chunks] and None, reps))
    )
    for k, (name, proc) in enumerate(nlp.pipeline):
        before = [p for _n, p in nlp.pipeline[:k]]

        def component(proc: Any = proc, before: list[Any] = before) -> float:
            spent = 0.0
            for unit_id, c in chunks:
                doc = _with_context(nlp, c, unit_id, issuer)
                for p in before:
                    doc = p(doc)
                t0 = time.process_time()
                proc(doc)
                spent += time.process_time() - t0
            return spent

        stages.append((name, _best(component, reps)))
    # assembly alone: the pipeline's Docs made beforehand, handed back by a stand-in
    done = [list(nlp.pipe(_with_context(nlp, c, u, issuer) for u, c in _pieces(s))) for s in structures]
    stand_in = _Replay()

    def assembly() -> None:
        for s, locale, docs in zip(structures, locales, done, strict=True):
            stand_in.docs = docs
            _extract(s, stand_in, locale)  # type: ignore[arg-type]

    stages.append(("assembly (records, merging)", _best(assembly, reps)))
    records = [_extract(s, nlp, locale) for s, locale in zip(structures, locales, strict=True)]
    stages.append(("JSON line", _best(lambda: [json_line(r) for r in records] and None, reps)))

    def end_to_end() -> None:
        for f in files:
            for ex in extract_segments(read_document(f), nlp):
                json_line(ex)

    stages.append(("(end to end, in one pass)", _best(end_to_end, reps)))
    blank = spacy.blank("zh")
    texts = [r.text for r in raws]
    stages.append(("(spacy.blank('zh') alone)", _best(lambda: [blank(t) for t in texts] and None, reps)))
    return chars, stages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "policykg-bench-plans")
    args = parser.parse_args(argv)
    have = len(list(args.cache.glob("*.txt"))) if args.cache.is_dir() else 0
    if have < args.n:
        write_corpus(args.n, 1, args.cache)
    files = sorted(args.cache.glob("*.txt"))[: args.n]
    chars, stages = measure(files, args.reps)
    print(f"{len(files)} plans (bench.corpus seed 1), {chars:,} characters; CPU time, best of {args.reps}\n")
    print(f"{'stage':<30} {'CPU s':>7} {'chars/s':>12} {'share':>6} {'µs/1k chars':>12}")
    total = sum(sec for name, sec in stages if not name.startswith("("))
    for name, sec in stages:
        share = "" if name.startswith("(") else f"{sec / total:6.0%}"
        print(f"{name:<30} {sec:>7.3f} {chars / sec:>12,.0f} {share:>6} {1e6 * sec / chars * 1000:>12,.0f}")
    print(f"{'sum of the stages':<30} {total:>7.3f} {chars / total:>12,.0f} {'100%':>6} {1e9 * total / chars:>12,.0f}")
    whole = dict(stages)["(end to end, in one pass)"]
    print(f"in one pass the stages take {whole / total:.2f}x their sum (the pipe's machinery, the collector, caches)")
    budget = chars / AIM
    over = [name for name, sec in stages if not name.startswith("(") and sec > budget]
    print(
        f"\naim {AIM:,} chars/s per core = {1e9 / AIM:,.0f} µs per 1k chars for everything; "
        f"end to end is {max(total, whole) / budget:.1f}x that"
    )
    if over:
        print(f"stages slower than the whole budget on their own: {', '.join(over)}")


if __name__ == "__main__":
    main()
