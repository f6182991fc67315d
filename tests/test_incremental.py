"""A build into a folder holding an earlier one reuses what it can, and writes what a clean build writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extract.build import build
from graph.embedded import open_embedded
from graph.queries import load_queries
from tests.conftest import BAICHENG, ZHUJI
from tests.graph.test_neo4j_store import EXPECT

OUTPUTS = ("extraction.jsonl", "graph.json")


def write_plan(folder: Path, name: str, year: int, *, base: Path = BAICHENG) -> None:
    (folder / name).write_text(base.read_text(encoding="utf-8").replace("2024", str(year)), encoding="utf-8")


def outputs(out: Path) -> dict[str, bytes]:
    return {n: (out / n).read_bytes() for n in OUTPUTS}


def query_rows(out: Path) -> dict[str, list]:
    store = open_embedded(out)
    try:
        rows = {}
        for name, q in load_queries().items():
            params = EXPECT.get(name, ({}, None))[0]
            try:
                rows[name] = store.read(q.text_for(store.engine), q.bind(params))[1]
            except Exception as e:  # a query needing a parameter the examples' table has no value for
                rows[name] = [type(e).__name__]
        return rows
    finally:
        store.close()


def clean(plans: Path, tmp: Path, **kw) -> Path:
    out = tmp / f"clean-{len(list(tmp.iterdir()))}"
    build([plans], out, **kw)
    return out


@pytest.fixture
def plans(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    for i in range(4):
        write_plan(folder, f"p{i}.txt", 2001 + i, base=(BAICHENG, ZHUJI)[i % 2])
    return folder


def test_edits_additions_removals_and_a_rule_change_give_a_clean_builds_outputs(plans, tmp_path):
    refs = tmp_path / "refs"
    refs.mkdir()
    out = tmp_path / "out"
    first = build([plans], out)
    assert (first.reused, first.extracted, first.removed) == (0, 4, 0)

    # nothing changed: the outputs are kept as they are
    again = build([plans], out)
    assert again.unchanged and again.reused == 4 and again.summary == first.summary

    # one edited, one added, one removed, one renamed (same bytes)
    write_plan(plans, "p1.txt", 1999, base=ZHUJI)
    write_plan(plans, "p9.txt", 2009)
    (plans / "p2.txt").unlink()
    shutil.move(plans / "p3.txt", plans / "p3-renamed.txt")
    step = build([plans], out)
    assert (step.reused, step.extracted, step.removed) == (1, 3, 2)
    ref = clean(plans, refs)
    assert outputs(out) == outputs(ref)
    assert query_rows(out) == query_rows(ref)

    # a duplicate file (same bytes as another) is read once, as in a clean build
    shutil.copy(plans / "p0.txt", plans / "q-copy.txt")  # after p0.txt in input order
    step = build([plans], out)
    assert step.skipped_duplicates == 1 and step.extracted == 0
    assert outputs(out) == outputs(clean(plans, refs))

    # a rule change (a --patterns file): every plan extracted again, and the summary says why
    patterns = tmp_path / "patterns.jsonl"
    patterns.write_text(json.dumps({"label": "Program", "pattern": "温馨校园"}, ensure_ascii=False) + "\n")
    step = build([plans], out, patterns=patterns)
    assert step.reused == 0 and step.extracted == 4 and "changed" in (step.full_reason or "")
    assert outputs(out) == outputs(clean(plans, refs, patterns=patterns))
    patterns.write_text(json.dumps({"label": "Program", "pattern": "平安校园"}, ensure_ascii=False) + "\n")
    step = build([plans], out, patterns=patterns)
    assert step.reused == 0 and outputs(out) == outputs(clean(plans, refs, patterns=patterns))

    # --full reuses nothing and writes the same
    before = outputs(out)
    step = build([plans], out, patterns=patterns, full=True)
    assert step.reused == 0 and step.full_reason == "--full" and outputs(out) == before


def test_the_cache_is_checked_not_trusted(plans, tmp_path):
    out = tmp_path / "out"
    build([plans], out)
    index = out / ".current" / "cache.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    data["documents"][0][3] += 5  # a byte range that no longer ends at a line's end
    index.write_text(json.dumps(data), encoding="utf-8")
    write_plan(plans, "p9.txt", 2009)
    step = build([plans], out)
    assert step.extracted == 2 and step.reused == 3  # the damaged entry is extracted again
    assert outputs(out) == outputs(clean(plans, tmp_path))
