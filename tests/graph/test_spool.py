"""The spool `build` writes the graph through gives what the graph in memory gives."""

from __future__ import annotations

import json

import pytest

from graph.build import build_graph, summarize
from graph.files import read_graph_json
from graph.pages import _sentences, overview, view_graph
from graph.spool import SPOOL_PREFIX, GraphSpool, spool_extractions


@pytest.fixture
def both(tmp_path, extractions):
    exs = list(extractions.values())
    spool = spool_extractions(iter(exs), tmp_path)
    yield build_graph(exs), spool
    spool.close()


def _edges(G):
    return sorted(
        json.dumps([u, v, k, d], sort_keys=True, ensure_ascii=False) for u, v, k, d in G.edges(keys=True, data=True)
    )


def test_graph_json_is_the_graph_in_memory(both, tmp_path):
    G, spool = both
    spool.write_graph_json(tmp_path / "graph.json")
    R = read_graph_json(tmp_path / "graph.json")
    assert list(R.nodes(data=True)) == list(G.nodes(data=True))  # same order: entities where first seen
    assert _edges(R) == _edges(G)
    assert spool.summary() == summarize(G)
    assert spool.title() == "policykg · 2 documents"


def test_entities_merge_across_documents(both):
    G, spool = both
    shared = "Program:双减"
    assert spool.entities[shared]["mention_count"] == G.nodes[shared]["mention_count"] > 1
    assert spool.entities[shared]["aliases"] == G.nodes[shared]["aliases"]


@pytest.mark.parametrize("limit", [10**6, 40])
def test_page_view_is_the_overview(both, limit):
    G, spool = both
    H, sentences = spool.page_view(limit)
    expect = overview(G, limit)
    assert set(H.nodes) == set(expect.nodes) and len(H) == min(limit, len(view_graph(G)))
    for n in H.nodes:
        assert H.nodes[n] == expect.nodes[n]
    merged = sorted((u, v, d["type"], d["count"], d.get("sentence") or "") for u, v, d in H.edges(data=True))
    assert merged == sorted(
        (u, v, d["type"], d["count"], d.get("sentence") or "") for u, v, d in expect.edges(data=True)
    )
    assert H.graph.get("shown_of") == expect.graph.get("shown_of")
    assert sentences == _sentences(G, expect)
    assert any(sentences.values())


def test_store_rows_match_the_graph(both):
    G, spool = both
    nodes, edges = spool.store_rows()
    node_rows = {nid: (label, data) for label, nid, data in nodes}
    assert set(node_rows) == set(G.nodes)
    assert node_rows["Program:双减"][0] == "Program"
    edge_rows = list(edges)
    assert len(edge_rows) == G.number_of_edges()
    for rtype, a, b, u, v, data in edge_rows[:500]:
        assert data["type"] == rtype
        assert G.has_edge(u, v, data["key"])
        assert node_rows[u][0] == a and node_rows[v][0] == b


def test_spool_folder_is_removed_and_nothing_else(tmp_path, extractions):
    # a folder of the spool's name that the spool didn't make is not its to delete
    # (a killed build's spool is inside its generation folder, swept with it)
    theirs = tmp_path / f"{SPOOL_PREFIX}123-456"
    theirs.mkdir()
    (theirs / "nodes").write_text("a user's own folder")
    spool = GraphSpool(tmp_path)
    spool.add(next(iter(extractions.values())))
    spool.close()
    assert [p.name for p in tmp_path.iterdir()] == [theirs.name]
    assert (theirs / "nodes").read_text() == "a user's own folder"
