"""RESPONSIBLE_FOR from tags to every sink: the graph, graph.json, both stores, the export and the site."""

from __future__ import annotations

import json
import re
from collections import Counter

import networkx as nx
import pytest
from typer.testing import CliRunner

from cli import app
from extract.build import graph_from_paths
from graph.build import summarize
from graph.embedded import REL_PAIRS, open_embedded, write_store
from graph.export import export_graphml, export_neo4j_admin, relationship_file
from graph.model import StructureRel
from graph.neo4j_store import EDGE_TYPES
from graph.queries import load_queries
from graph.site import build_site, entity_page_name
from tests.conftest import EXAMPLES, TAGGED
from tests.graph.test_neo4j_store import EXPECT_TAGGED

runner = CliRunner()
OFFICE = "西源市教育局组织人事科"


@pytest.fixture(scope="module")
def G():
    return graph_from_paths([TAGGED])


def responsible_edges(G):
    return [(u, v, d) for u, v, d in G.edges(data=True) if d["type"] == "RESPONSIBLE_FOR"]


def test_agencies_are_responsible_for_points(G):
    edges = responsible_edges(G)
    assert len(edges) == 14
    for u, v, d in edges:
        assert G.nodes[u]["kind"] == "Entity" and G.nodes[u]["type"] == "Agency"
        assert G.nodes[v]["kind"] == "Point"
        assert d["role"] in ("lead", "responsible") and d["doc_id"] == G.nodes[v]["doc_id"]
    by_point = {(G.nodes[u]["name"], G.nodes[v]["number"], d["role"]) for u, v, d in edges}
    assert {(OFFICE, 1, "lead"), (OFFICE, 2, "responsible"), ("各县(市、区)教育局", 3, "responsible")} <= by_point
    assert "组织人事科" in G.nodes[f"Agency:{OFFICE}"]["aliases"]
    assert summarize(G)["relations"]["RESPONSIBLE_FOR"] == 14


def test_the_schema_has_the_relationship_everywhere():
    assert StructureRel.RESPONSIBLE_FOR in EDGE_TYPES
    assert REL_PAIRS["RESPONSIBLE_FOR"] == [("Agency", "Point")]
    # every relationship the graph makes has a table in the embedded store
    assert {t.value for t in StructureRel} <= set(REL_PAIRS)


def test_build_writes_it_to_graph_json_and_jsonl(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(TAGGED), "--out", str(out)])
    assert result.exit_code == 0, result.output
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    edges = [e for e in graph["edges"] if e["type"] == "RESPONSIBLE_FOR"]
    assert len(edges) == 14
    assert {"source": f"Agency:{OFFICE}", "role": "lead"}.items() <= next(
        e for e in edges if e["source"] == f"Agency:{OFFICE}"
    ).items()
    (line,) = (out / "extraction.jsonl").read_text(encoding="utf-8").splitlines()
    points = json.loads(line)["points"]
    assert points[0]["responsible"][0] == {"name": OFFICE, "role": "lead"}
    stats = runner.invoke(app, ["stats", str(out), "--json"])
    assert json.loads(stats.stdout)["relations"]["RESPONSIBLE_FOR"] == 14


def test_bulk_export_has_the_relationships(G, tmp_path):
    files = export_neo4j_admin(G, tmp_path)
    lines = files[relationship_file("RESPONSIBLE_FOR")].read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith(":START_ID") and "role" in lines[0]
    assert len(lines) == 1 + 14
    graphml = export_graphml(G, tmp_path / "g.graphml")
    H = nx.read_graphml(graphml)
    assert Counter(d["role"] for *_, d in H.edges(data=True) if d["type"] == "RESPONSIBLE_FOR") == {
        "lead": 3,
        "responsible": 11,
    }


# -- the named query on both stores -----------------------------------------------------
@pytest.fixture(scope="module")
def store(tmp_path_factory, G):
    out = tmp_path_factory.mktemp("tagged-store")
    write_store(G, out)
    s = open_embedded(out)
    yield s
    s.close()


@pytest.mark.parametrize("name", sorted(EXPECT_TAGGED))
def test_tagged_queries_on_the_embedded_store(store, name):
    q = load_queries()[name]
    params, check = EXPECT_TAGGED[name]
    columns, rows = store.read(q.text_for(store.engine), q.bind(params))
    assert columns == ["unit", "role", "document", "point", "heading"]
    assert check(rows), rows


def test_responsibilities_by_name_alias_or_plan(store):
    q = load_queries()["responsibilities"]

    def run(**params):
        return store.read(q.text_for(store.engine), q.bind(params))[1]

    assert run(unit=OFFICE) == run(unit="组织人事科")  # the full name or the unit as written
    assert [r[3] for r in run(unit="人才工作处")] == [] and [r[3] for r in run(unit="教育督导办公室")] == [2]
    everything = run()
    assert len(everything) == 14 and Counter(r[1] for r in everything) == {"responsible": 11, "lead": 3}
    assert run(source="other.txt") == [] and run(source=TAGGED.name) == everything
    assert run(unit="不存在的科室") == []


@pytest.mark.neo4j
@pytest.mark.parametrize("name", sorted(EXPECT_TAGGED))
def test_tagged_queries_on_neo4j_equal_the_embedded_store(neo4j_store, store, G, name):
    neo4j_store.load(G)
    q = load_queries()[name]
    params, check = EXPECT_TAGGED[name]
    cols_a, rows_a = neo4j_store.read(q.text_for("neo4j"), q.bind(params))
    cols_b, rows_b = store.read(q.text_for(store.engine), q.bind(params))
    assert check(rows_a), rows_a
    assert (cols_a, rows_a) == (cols_b, rows_b)
    all_a = neo4j_store.read(q.text_for("neo4j"), q.bind({}))[1]
    assert all_a == store.read(q.text_for(store.engine), q.bind({}))[1] and len(all_a) == 14
    _, counts = neo4j_store.read(
        "MATCH (:Agency)-[r:RESPONSIBLE_FOR]->(:Point) RETURN r.role, count(*) ORDER BY r.role"
    )
    assert counts == [["lead", 3], ["responsible", 11]]


# -- the site -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory):
    G = graph_from_paths([TAGGED, EXAMPLES])
    site_dir = tmp_path_factory.mktemp("site") / "site"
    build_site(G, site_dir)
    return G, site_dir


def test_plan_page_shows_each_points_units(site):
    G, site_dir = site
    doc_id = next(n for n, d in G.nodes(data=True) if d.get("source") == TAGGED.name)
    html = (site_dir / f"{doc_id}.html").read_text(encoding="utf-8")
    point1 = html[html.index('id="p1"') : html.index('id="p2"')]
    charge = re.search(r'<p class="responsible">(.*?)</p>', point1, re.S)
    assert charge, point1
    shown = re.findall(
        r'<a class="chip t-Agency" href="([^"]+)">([^<]+)</a><span class="meta role">([^<]+)</span>', charge.group(1)
    )
    assert shown[0] == (entity_page_name("Agency", OFFICE), OFFICE, "牵头 lead")
    assert [s[1] for s in shown[1:]] == ["西源市教育局办公室", "西源市教育局机关党委"]
    assert {s[2] for s in shown[1:]} == {"责任 responsible"}
    # the heading lost its tag, the text kept it
    point3 = html[html.index('id="p3"') : html.index('id="p4"')]
    assert "<h4>3. 推进学前教育普惠发展</h4>" in point3 and "(责任单位:学前教育科" in point3
    # a plan without tags shows no such line
    other = next(n for n, d in G.nodes(data=True) if d.get("source") == "baicheng_2024_jiaoyu_gongzuo_yaodian.txt")
    assert 'class="responsible"' not in (site_dir / f"{other}.html").read_text(encoding="utf-8")


def test_agency_page_lists_the_points_it_is_in_charge_of(site):
    G, site_dir = site
    html = (site_dir / entity_page_name("Agency", OFFICE)).read_text(encoding="utf-8")
    section = html[html.index('class="in-charge"') :]
    rows = re.findall(r"<tr><td>([^<]+)</td><td><a href=\"([^\"]+)\">([^<]+)</a></td><td>([^<]+)</td></tr>", section)
    doc_id = next(n for n, d in G.nodes(data=True) if d.get("source") == TAGGED.name)
    assert rows == [
        ("西源市2025年教育工作要点", f"{doc_id}.html#p1", "1. 深化机关党建", "牵头 lead"),
        ("西源市2025年教育工作要点", f"{doc_id}.html#p2", "2. 加强干部队伍建设", "责任 responsible"),
    ]
    # an agency no tag names has no such section
    issuer = (site_dir / entity_page_name("Agency", "白城市教育局")).read_text(encoding="utf-8")
    assert 'class="in-charge"' not in issuer
