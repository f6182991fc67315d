"""A summary printed with a plan: its quantities are achievements, apart from the commitments in every sink."""

from __future__ import annotations

import pytest

from extract.build import graph_from_paths
from graph.embedded import open_embedded, write_store
from graph.queries import load_queries

PLAN = (
    "某县教育局2023年工作总结和2024年工作要点\n"
    "一、2023年工作总结\n1.学前教育扩容。全年新建幼儿园5所,新增学位900个。\n"
    "二、2024年工作要点\n1.推进学前教育。新建幼儿园3所,力争新增学位600个。\n"
)


@pytest.fixture(scope="module")
def G(tmp_path_factory):
    path = tmp_path_factory.mktemp("kinds") / "summary_and_plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    return graph_from_paths([path])


def test_target_nodes_carry_their_kind(G):
    kinds = {(d["value"], d["target_kind"]) for _, d in G.nodes(data=True) if d.get("kind") == "Target"}
    assert kinds == {(5.0, "achievement"), (900.0, "achievement"), (3.0, "commitment"), (600.0, "commitment")}


def test_the_embedded_store_filters_by_kind(G, tmp_path):
    write_store(G, tmp_path)
    store = open_embedded(tmp_path)
    try:
        q = load_queries()["targets_by_document"]

        def values(**params):
            return sorted(r[3] for r in store.read(q.text_for(store.engine), q.bind(params))[1])

        assert values(kind="commitment") == [3.0, 600.0]
        assert values(kind="achievement") == [5.0, 900.0]
        assert values() == [3.0, 5.0, 600.0, 900.0]
        overview = load_queries()["document_overview"]
        (row,) = store.read(overview.text_for(store.engine), overview.bind({"source": "summary_and_plan.txt"}))[1]
        assert row[5] == 2  # the overview counts what the plan commits to
    finally:
        store.close()
