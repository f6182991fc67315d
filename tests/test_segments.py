"""A long document is extracted a run of points at a time, and the sinks put it back together."""

from __future__ import annotations

import json

import pytest

import extract.pipeline as pipeline
import extract.stream as stream
from extract.pipeline import extract_segments
from extract.read import read_document
from graph.build import build_graph, summarize
from graph.files import read_graph_json
from graph.model import Extraction
from graph.spool import spool_extractions
from tests.conftest import BAICHENG, ZHUJI


@pytest.fixture(scope="module")
def whole_and_parts(nlp):
    raw = read_document(BAICHENG)
    whole = next(extract_segments(raw, nlp))
    parts = list(extract_segments(raw, nlp, max_points=7))
    return whole, parts


def test_a_short_document_is_one_record(whole_and_parts):
    whole, _ = whole_and_parts
    assert whole.segment is None and len(whole.points) == 20


def test_segments_cover_the_points_once(whole_and_parts):
    whole, parts = whole_and_parts
    assert [p.segment for p in parts] == [(0, 3), (1, 3), (2, 3)]
    assert [pt for p in parts for pt in p.points] == list(whole.points)
    assert {p.document for p in parts} == {whole.document}
    first, *rest = parts
    assert first.preamble == whole.preamble and first.cover == whole.cover and first.sections == whole.sections
    assert all(not p.preamble and not p.cover and not p.sections for p in rest)
    # targets belong to their point: the same in segments as in the whole
    assert sorted(t.id for p in parts for t in p.targets) == sorted(t.id for t in whole.targets)


def test_segment_lines_round_trip(whole_and_parts):
    _, parts = whole_and_parts
    for part in parts:
        line = json.loads("".join(part.json_chunks()))
        assert line["segment"] == {"index": part.segment[0], "count": part.segment[1]}
        assert Extraction.from_dict(line) == part
    assert "segment" not in json.loads("".join(whole_and_parts[0].json_chunks()))


def test_segments_make_one_document_in_the_graph(whole_and_parts, tmp_path):
    whole, parts = whole_and_parts
    G = build_graph(parts)
    W = build_graph([whole])
    s, w = summarize(G), summarize(W)
    assert (s["documents"], s["points"], s["sections"], s["targets"]) == (1, 20, w["sections"], w["targets"])
    assert s["relations"]["HAS_POINT"] == 20
    assert s["relations"].get("ISSUED") == w["relations"].get("ISSUED")
    assert s["relations"].get("ADDRESSED_TO") == w["relations"].get("ADDRESSED_TO")

    # the spool `build` uses gives the same graph
    spool = spool_extractions(iter(parts), tmp_path)
    try:
        spool.write_graph_json(tmp_path / "graph.json")
        raw_edges = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))["edges"]
        ids = [(e["source"], e["target"], e["key"]) for e in raw_edges]
        assert len(ids) == len(set(ids))  # segments' CO_OCCURS merged before writing
        R = read_graph_json(tmp_path / "graph.json")
        assert dict(R.nodes(data=True)) == dict(G.nodes(data=True))
        key = lambda H: sorted(json.dumps([u, v, k, d], sort_keys=True) for u, v, k, d in H.edges(keys=True, data=True))  # noqa: E731
        assert key(R) == key(G)
        assert spool.summary() == s
    finally:
        spool.close()


def test_co_occurrence_weights_add_up_over_segments(tmp_path, nlp):
    from bench.huge import huge_plan  # a province's points pasted into one file

    text, points = huge_plan(0.1)
    plan = tmp_path / "long.txt"
    plan.write_text(text, encoding="utf-8")
    parts = list(extract_segments(read_document(plan), nlp, max_points=40))
    assert len(parts) == -(-points // 40) > 2

    def co_weights(H):
        return {(u, v): d["weight"] for u, v, d in H.edges(data=True) if d["type"] == "CO_OCCURS"}

    summed: dict[tuple[str, str], int] = {}
    repeated = 0
    for part in parts:
        for pair, weight in co_weights(build_graph([part])).items():
            repeated += pair in summed
            summed[pair] = summed.get(pair, 0) + weight
    assert repeated > 0  # pairs that co-occur in several segments: the case under test
    assert co_weights(build_graph(parts)) == summed
    spool = spool_extractions(iter(parts), tmp_path)
    try:
        spool.write_graph_json(tmp_path / "graph.json")
        edges = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))["edges"]
        ids = [(e["source"], e["target"], e["key"]) for e in edges]
        assert len(ids) == len(set(ids))  # one edge per pair and document in the file, not one per segment
        assert {(e["source"], e["target"]): e["weight"] for e in edges if e["type"] == "CO_OCCURS"} == summed
    finally:
        spool.close()


@pytest.mark.parametrize("inline", [False, True])
def test_stream_gives_the_same_lines_in_workers_and_in_the_main_process(monkeypatch, inline):
    monkeypatch.setattr(pipeline, "SEGMENT_POINTS", 7)
    files = [BAICHENG, ZHUJI]
    one = list(stream.extract_files(files, jobs=1))
    assert [(i.path.name, i.final) for i in one] == [
        (BAICHENG.name, False),
        (BAICHENG.name, False),
        (BAICHENG.name, True),
        (ZHUJI.name, False),
        (ZHUJI.name, False),
        (ZHUJI.name, True),
    ]
    # above INLINE_BYTES a file is extracted in the main process, in its turn
    monkeypatch.setattr(stream, "INLINE_BYTES", 0 if inline else 10**9)
    two = list(stream.extract_files(files, jobs=2, records=False))
    assert [_line(i) for i in two] == [_line(i) for i in one]
    assert [i.final for i in two] == [i.final for i in one]


def _line(item: stream.Extracted) -> str:
    if item.line is not None:
        return item.line
    assert item.extraction is not None
    return "".join(item.extraction.json_chunks()) + "\n"
