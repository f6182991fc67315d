"""Loading into a real Neo4j and the named queries, against the server the suite starts."""

from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest
from typer.testing import CliRunner

from cli import app
from extract.build import graph_from_paths
from graph.errors import QueryError
from graph.queries import load_queries
from tests.conftest import BAICHENG, EXAMPLES, TAGGED, ZHUJI, _free_port

pytestmark = pytest.mark.neo4j
runner = CliRunner()


@pytest.fixture(scope="module")
def G():
    return graph_from_paths([EXAMPLES])


def neo4j_counts(store):
    _, labels = store.read("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*)")
    _, types = store.read("MATCH ()-[r]->() RETURN type(r), count(*)")
    return dict(labels), dict(types)


def graph_counts(G):
    labels: Counter[str] = Counter()
    for _, d in G.nodes(data=True):
        labels["Node"] += 1
        labels[d["kind"]] += 1
        if d["kind"] == "Entity":
            labels[d["type"]] += 1
    types = Counter(d["type"] for _, _, d in G.edges(data=True))
    return dict(labels), dict(types)


def test_neo4j_graph_equals_networkx_graph(neo4j_store, G):
    report = neo4j_store.load(G)
    assert report.documents_loaded == 2
    assert neo4j_counts(neo4j_store) == graph_counts(G)
    # a sample of properties, node and relationship
    _, rows = neo4j_store.read(
        "MATCH (d:Document {source: $s}) RETURN d.title, d.issuer, d.doc_number, d.issued_date", {"s": BAICHENG.name}
    )
    assert rows == [["关于印发《白城市2024年教育工作要点》的通知", "白城市教育局", "白教字〔2024〕1号", "2024-02-28"]]
    for nid, data in list(G.nodes(data=True))[::17]:
        _, rows = neo4j_store.read("MATCH (n:Node {uid: $uid}) RETURN properties(n)", {"uid": nid})
        props = rows[0][0]
        for key in ("name", "title", "text", "value", "unit", "number", "issuer"):
            if data.get(key) is not None:
                assert props[key] == data[key], (nid, key)
        if data.get("aliases"):
            assert set(props["aliases"]) == set(data["aliases"])
    _, rows = neo4j_store.read(
        "MATCH (:Agency {name: $a})-[r:IMPLEMENTS]->(:Program {name: $p}) RETURN r.trigger, r.sentence",
        {"a": "白城市教育局", "p": "特岗计划"},
    )
    assert rows[0][0] == "实施" and "特岗计划" in rows[0][1]


def test_loading_twice_changes_nothing(neo4j_store, G):
    neo4j_store.load(G)
    before = neo4j_counts(neo4j_store)
    report = neo4j_store.load(G)
    assert (report.documents_unchanged, report.documents_loaded, report.relationships_written) == (2, 0, 0)
    assert neo4j_counts(neo4j_store) == before


def test_changed_document_is_replaced_and_others_untouched(neo4j_store, G, tmp_path):
    neo4j_store.load(G)
    _, zhuji_points = neo4j_store.read(
        "MATCH (d:Document {source: $s}) MATCH (p:Point {doc_id: d.id}) RETURN elementId(p) ORDER BY p.number",
        {"s": ZHUJI.name},
    )
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(ZHUJI, plans / ZHUJI.name)
    # Baicheng edited: point 13 (国培计划, 特岗计划) and the 双减 point are gone.
    text = BAICHENG.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith(("13.", "8."))]
    (plans / BAICHENG.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    G2 = graph_from_paths([plans])

    report = neo4j_store.load(G2)
    assert (report.documents_replaced, report.documents_unchanged, report.documents_loaded) == (1, 1, 1)
    assert neo4j_counts(neo4j_store) == graph_counts(G2)
    _, again = neo4j_store.read(
        "MATCH (d:Document {source: $s}) MATCH (p:Point {doc_id: d.id}) RETURN elementId(p) ORDER BY p.number",
        {"s": ZHUJI.name},
    )
    assert again == zhuji_points  # the other document was not touched
    _, rows = neo4j_store.read("MATCH (e:Program) WHERE e.name IN ['国培计划', '双减'] RETURN e.name ORDER BY e.name")
    assert rows == [["双减"]]  # 国培计划 went with its only document; 双减 survives through Zhuji
    _, docs = neo4j_store.read("MATCH (d:Document) RETURN count(d)")
    assert docs == [[2]]


def test_prune_removes_the_documents_no_longer_built_and_nothing_else(neo4j_store, G):
    neo4j_store.load(G)
    only_zhuji = graph_from_paths([ZHUJI])
    report = neo4j_store.load(only_zhuji)  # without --prune the removed plan stays
    assert report.documents_removed == 0 and neo4j_counts(neo4j_store) == graph_counts(G)
    report = neo4j_store.load(only_zhuji, prune=True)
    assert (report.documents_removed, report.documents_unchanged, report.documents_loaded) == (1, 1, 0)
    # its sections, points, targets, mentions and the entities only it named are gone: a fresh load's counts
    assert neo4j_counts(neo4j_store) == graph_counts(only_zhuji)
    _, rows = neo4j_store.read("MATCH (e:Program {name: '国培计划'}) RETURN count(e)")
    assert rows == [[0]]
    again = neo4j_store.load(only_zhuji, prune=True)
    assert (again.documents_removed, again.documents_unchanged) == (0, 1)


def test_interrupted_document_is_redone(neo4j_store, G):
    neo4j_store.load(G)
    neo4j_store._run_write("MATCH (d:Document {source: $s}) SET d.complete = false", {"s": BAICHENG.name})
    neo4j_store._run_write("MATCH (p:Point) WITH p LIMIT 3 DETACH DELETE p", {})
    report = neo4j_store.load(G)
    assert report.documents_loaded == 1 and report.documents_unchanged == 1
    assert neo4j_counts(neo4j_store) == graph_counts(G)


# Expected rows of every named query on the examples; a new query without a line here fails.
EXPECT = {
    "shared_programmes": ({}, lambda rows: ["双减", 2] in [r[:2] for r in rows]),
    "entity_neighbourhood": (
        {"name": "特岗计划"},
        lambda rows: any(
            r[0] == "IMPLEMENTS" and r[1] == "in" and r[3] == "白城市教育局" and r[4] == "实施" for r in rows
        ),
    ),
    "partners": ({}, lambda rows: ["诸暨市教育体育局", "华东师范大学"] in [r[:2] for r in rows]),
    "leaders": ({}, lambda rows: ["白城职业技术学院", "Institution", "新能源市域产教联合体"] in [r[:3] for r in rows]),
    "programme_institutions": (
        {"programme": "特岗计划"},
        lambda rows: ["白城市教育局", "Agency", "IMPLEMENTS", 1] in rows,
    ),
    "targets_by_document": (
        {"source": BAICHENG.name},
        lambda rows: (
            any(r[2] == "创建温馨校园14所" and r[3] == 14 and r[5] == "所" and r[7] == "commitment" for r in rows)
            and {r[0] for r in rows} == {"白城市2024年教育工作要点"}
        ),
    ),
    "path_between": (
        {"from": "白城职业技术学院", "to": "华东师范大学"},
        lambda rows: len(rows) == 1 and rows[0][0][0] == "白城职业技术学院" and rows[0][0][-1] == "华东师范大学",
    ),
    "top_entities": (
        {"type": "Program", "limit": 5},
        lambda rows: len(rows) == 5 and all(r[0] == "Program" for r in rows) and rows[0][2] >= rows[-1][2],
    ),
    "points_mentioning": (
        {"name": "华东师范大学"},
        lambda rows: len(rows) == 1 and rows[0][1] == 12 and "华东师范大学" in rows[0][3],
    ),
    "document_overview": (
        {"source": BAICHENG.name},
        lambda rows: rows[0][:5] == ["白城市2024年教育工作要点", "白城市教育局", "2024-02-28", "白教字〔2024〕1号", 20],
    ),
    "compare_programmes": (
        {"a": BAICHENG.name, "b": ZHUJI.name},
        lambda rows: ["双减", True, True, "both"] in rows and ["国培计划", True, False, "only a"] in rows,
    ),
    "documents": ({}, lambda rows: sorted(r[0] for r in rows) == sorted([BAICHENG.name, ZHUJI.name])),
}


# Queries the examples cannot answer (no point of theirs has a responsibility tag): they
# run on the invented tagged plan (tests/graph/test_responsibility.py, both stores).
EXPECT_TAGGED = {
    "responsibilities": (
        {"unit": "组织人事科"},
        lambda rows: (
            [r[:4] for r in rows]
            == [
                ["西源市教育局组织人事科", "lead", TAGGED.name, 1],
                ["西源市教育局组织人事科", "responsible", TAGGED.name, 2],
            ]
            and rows[0][4] == "深化机关党建"
        ),
    ),
}


def test_every_named_query_is_covered():
    queries = load_queries()
    assert len(queries) >= 10
    assert set(EXPECT) | set(EXPECT_TAGGED) == set(queries)
    assert not set(EXPECT) & set(EXPECT_TAGGED)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_named_query_rows(neo4j_store, G, name):
    neo4j_store.load(G)
    q = load_queries()[name]
    params, check = EXPECT[name]
    columns, rows = neo4j_store.read(q.text_for("neo4j"), q.bind(params))
    assert columns and rows, name
    assert check(rows), (name, rows[:5])


def test_reads_refuse_writes(neo4j_store):
    with pytest.raises(QueryError, match="writes"):
        neo4j_store.read("CREATE (n:Intruder) RETURN n")
    _, rows = neo4j_store.read("MATCH (n:Intruder) RETURN count(n)")
    assert rows == [[0]]


def test_cli_load_and_query(neo4j_uri, neo4j_store, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(EXAMPLES), "--out", str(out)]).exit_code == 0
    loaded = runner.invoke(app, ["load", str(out), "--uri", neo4j_uri])
    assert loaded.exit_code == 0, loaded.output
    assert "loaded 2 documents (0 unchanged" in loaded.stdout
    again = runner.invoke(app, ["load", str(out), "--uri", neo4j_uri])
    assert "loaded 0 documents (2 unchanged" in again.stdout
    result = runner.invoke(app, ["query", "top_entities", "-p", "type=Program", "-f", "json", "--uri", neo4j_uri])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["type"] == "Program"
    csv = runner.invoke(app, ["query", "documents", "-f", "csv", "--uri", neo4j_uri])
    assert csv.stdout.splitlines()[0] == "source,plan,issuer,issued,doc_number,points"
    listed = runner.invoke(app, ["query", "--list"])
    assert "shared_programmes" in listed.stdout
    write = runner.invoke(app, ["query", "--cypher", "CREATE (n:X) RETURN n", "--uri", neo4j_uri])
    assert write.exit_code == 6 and "read-only" in write.stderr
    missing = runner.invoke(app, ["query", "entity_neighbourhood", "--uri", neo4j_uri])
    assert missing.exit_code == 6 and "needs parameter 'name'" in missing.stderr
    bad = runner.invoke(app, ["query", "--cypher", "MATC (n) RETURN n", "--uri", neo4j_uri])
    assert bad.exit_code == 6 and "syntax" in bad.stderr.lower()


def test_unreachable_server_is_one_line(tmp_path):
    result = runner.invoke(app, ["load", str(EXAMPLES), "--uri", f"bolt://127.0.0.1:{_free_port()}"])
    assert result.exit_code == 5
    assert result.stderr.count("\n") == 1 and "cannot reach Neo4j" in result.stderr and "Traceback" not in result.output


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    from graph import neo4j_local

    data = tmp_path_factory.mktemp("neo4j-auth")
    uri = neo4j_local.start(port=_free_port(), data_dir=data, password="right-pw-1")
    try:
        yield uri
    finally:
        neo4j_local.stop(data_dir=data)


def test_login(auth_server, monkeypatch):
    wrong = runner.invoke(app, ["load", str(EXAMPLES), "--uri", auth_server, "--password", "wrong-pw"])
    assert wrong.exit_code == 5 and "refused the login" in wrong.stderr
    assert "wrong-pw" not in wrong.output
    monkeypatch.setenv("NEO4J_PASSWORD", "right-pw-1")
    ok = runner.invoke(app, ["load", str(EXAMPLES), "--uri", auth_server])
    assert ok.exit_code == 0, ok.output
    nodb = runner.invoke(app, ["query", "documents", "--uri", auth_server, "--database", "nosuchdb"])
    assert nodb.exit_code == 5 and "does not exist" in nodb.stderr
