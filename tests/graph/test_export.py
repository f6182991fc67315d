"""Exports: neo4j-admin CSVs (parsed back, LOAD CSV, and the real neo4j-admin), GraphML and GEXF."""

from __future__ import annotations

import csv
import os
import shlex
import subprocess
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from extract.build import graph_from_paths
from graph import neo4j_local
from graph.errors import GraphFileError, OutputError
from graph.export import (
    ARRAY_DELIMITER,
    IMPORT_SCRIPT,
    SCHEMA_FILE,
    export,
    export_gexf,
    export_graphml,
    export_neo4j_admin,
    import_command,
)
from graph.neo4j_store import Neo4jStore, open_driver
from tests.conftest import EXAMPLES, _free_port

TRICKY_TEXT = '第一行，含逗号,和"引号"；分号;\n第二行\r\n第三行 a\\b 结尾"'
# LOAD CSV reads \\ and \" as escapes (db.import.csv.legacy_quote_escaping is on by default); neo4j-admin doesn't.
BACKSLASHES = ' c\\\\d 他说\\"好\\"'


@pytest.fixture(scope="module")
def G():
    return graph_from_paths([EXAMPLES])


@pytest.fixture(scope="module")
def tricky(G):
    """The examples with the text that breaks naive CSV: commas, quotes, newlines, ; and \\ ."""
    H = G.copy()
    point = next(n for n, d in H.nodes(data=True) if d["kind"] == "Point")
    H.nodes[point]["text"] = TRICKY_TEXT
    entity = next(n for n, d in H.nodes(data=True) if d["kind"] == "Entity" and H.degree(n))
    H.nodes[entity]["aliases"] = ["别名,一", '别名"二"', "别名;三", "别名\n四"]
    section = next(n for n, d in H.nodes(data=True) if d["kind"] == "Section")
    H.nodes[section]["text"] = ""  # the empty string is a value, unlike a missing one
    return H


# -- helpers ------------------------------------------------------------------------
def graph_counts(G):
    labels: Counter[str] = Counter()
    for _, d in G.nodes(data=True):
        labels["Node"] += 1
        labels[d["kind"]] += 1
        if d["kind"] == "Entity":
            labels[d["type"]] += 1
    return dict(labels), dict(Counter(d["type"] for _, _, d in G.edges(data=True)))


def neo4j_counts(store):
    _, labels = store.read("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*)")
    _, types = store.read("MATCH ()-[r]->() RETURN type(r), count(*)")
    return dict(labels), dict(types)


def neo4j_contents(store):
    """Every node (by uid) and relationship with its properties; empty lists left out (CSV has none)."""
    _, nodes = store.read("MATCH (n) RETURN n.uid, labels(n), properties(n)")
    _, rels = store.read("MATCH (a)-[r]->(b) RETURN a.uid, type(r), b.uid, properties(r)")

    def props(p):
        return sorted((k, repr(v)) for k, v in p.items() if v != [])

    return (
        {uid: (sorted(labels), props(p)) for uid, labels, p in nodes},
        sorted((a, t, b, props(p)) for a, t, b, p in rels),
    )


def parse_value(text: str, ctype: str):
    """A CSV field as neo4j-admin reads it by its header type (empty = no property)."""
    if text == "":
        return None
    if ctype.endswith("[]"):
        return [parse_value(x, ctype[:-2]) for x in text.split(ARRAY_DELIMITER)]
    return {"long": int, "double": float, "boolean": lambda s: s == "true"}.get(ctype, str)(text)


def read_csv(path: Path) -> tuple[list[tuple[str, str]], list[dict]]:
    """Header as (name, type) and rows as typed dicts, through Python's csv module."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        header = [(h, "") if h.startswith(":") else tuple(h.split(":", 1)) for h in next(reader)]
        rows = []
        for fields in reader:
            assert len(fields) == len(header), (path.name, fields)
            rows.append({name: parse_value(value, ctype) for (name, ctype), value in zip(header, fields, strict=True)})
    return header, rows


# -- (a) the CSVs, parsed back --------------------------------------------------------
def test_csvs_parse_back_to_the_graph(tricky, tmp_path):
    files = export_neo4j_admin(tricky, tmp_path)
    assert {
        IMPORT_SCRIPT,
        SCHEMA_FILE,
        "nodes-Point.csv",
        "nodes-Entity-Program.csv",
        "relationships-MENTIONS.csv",
    } <= set(files)
    labels: Counter[str] = Counter()
    types: Counter[str] = Counter()
    nodes: dict[str, dict] = {}
    headers: dict[str, list[tuple[str, str]]] = {}
    for name, path in files.items():
        if not name.endswith(".csv"):
            continue
        header, rows = read_csv(path)
        headers[name] = header
        for row in rows:
            if name.startswith("nodes-"):
                for label in row[":LABEL"].split(ARRAY_DELIMITER):
                    labels[label] += 1
                assert row["uid"] not in nodes, row["uid"]
                nodes[row["uid"]] = row
            else:
                types[row[":TYPE"]] += 1
                assert row[":START_ID"] in tricky and row[":END_ID"] in tricky
    # counts equal the networkx graph's (no isolated entities in the examples)
    assert (dict(labels), dict(types)) == graph_counts(tricky)
    # the header types
    assert ("number", "long") in headers["nodes-Point.csv"]
    assert ("value", "double") in headers["nodes-Target.csv"]
    assert ("complete", "boolean") in headers["nodes-Document.csv"]
    assert ("aliases", "string[]") in headers["nodes-Entity-Program.csv"]
    assert ("spans", "long[]") in headers["relationships-MENTIONS.csv"]
    assert headers["nodes-Point.csv"][:2] == [("uid", "ID"), (":LABEL", "")]
    assert headers["relationships-LEADS.csv"][:3] == [(":START_ID", ""), (":END_ID", ""), (":TYPE", "")]
    # values survive, Chinese, quotes, newlines and all
    for nid, data in tricky.nodes(data=True):
        row = nodes[nid]
        for key in ("name", "title", "number", "value", "unit", "issuer", "doc_number"):
            if data.get(key) not in (None, ""):
                assert row[key] == data[key], (nid, key)
        if data["kind"] == "Point":
            assert row["text"] == data["text"]
        if data["kind"] == "Entity":
            assert row["key"] == nid and row["type"] == data["type"]
            assert (row["aliases"] or []) == list(data["aliases"])
        if data["kind"] == "Document":
            assert row["complete"] is True and row["addressees"] == list(data["addressees"])
    assert TRICKY_TEXT in {row.get("text") for row in nodes.values()}


def test_strings_are_quoted_and_missing_values_are_empty(tricky, tmp_path):
    export_neo4j_admin(tricky, tmp_path)
    lines = (tmp_path / "nodes-Section.csv").read_text(encoding="utf-8").splitlines()
    assert any(line.endswith(',""') or ',"",' in line for line in lines[1:])  # the empty text
    targets = (tmp_path / "nodes-Target.csv").read_text(encoding="utf-8").splitlines()
    assert targets[0].endswith(",value_max:double")
    assert any(line.endswith(",") for line in targets[1:])  # value_max missing: an empty field, no property
    assert '""引号""' in (tmp_path / "nodes-Point.csv").read_text(encoding="utf-8")


def test_import_script_has_the_exact_command(G, tmp_path):
    files = export_neo4j_admin(G, tmp_path)
    script = files[IMPORT_SCRIPT].read_text(encoding="utf-8")
    assert os.access(files[IMPORT_SCRIPT], os.X_OK)
    nodes = sorted(n for n in files if n.startswith("nodes-"))
    rels = sorted(n for n in files if n.startswith("relationships-"))
    command = import_command(nodes, rels)
    assert command[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]
    for arg in command[5:]:
        assert f"    {shlex.quote(arg)} \\\n" in script, arg
    for option in ("--array-delimiter=U+001F", "--multiline-fields=true", "--id-type=string"):
        assert option in script
    assert "CREATE CONSTRAINT node_uid" in files[SCHEMA_FILE].read_text(encoding="utf-8")


def test_graph_outside_the_schema_is_refused(G, tmp_path):
    H = G.copy()
    H.add_node("x", kind="Mystery")
    with pytest.raises(GraphFileError, match="not in the schema"):
        export_neo4j_admin(H, tmp_path)
    H = G.copy()
    u, v = next(iter(H.edges()))
    H.add_edge(u, v, key="bad", type="LIKES; DROP", doc_id=H.nodes[u].get("doc_id", u))
    with pytest.raises(GraphFileError, match="rebuild"):
        export_neo4j_admin(H, tmp_path)


def test_unwritable_output_is_an_output_error(G, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="choose another"):
        export_neo4j_admin(G, tmp_path / "file")
    with pytest.raises(OutputError, match="is a directory"):
        export_graphml(G, tmp_path)
    with pytest.raises(OutputError, match="choose one of"):
        export(G, tmp_path, fmt="dot")


# -- (b) into a real Neo4j ------------------------------------------------------------------
NODES_CSV = """
LOAD CSV WITH HEADERS FROM $url AS row
CREATE (n:$(split(row[':LABEL'], $delimiter)))
SET n.uid = row['uid:ID']
FOREACH (c IN $columns | SET n[c.name] = CASE c.type
    WHEN 'long' THEN toInteger(row[c.header])
    WHEN 'double' THEN toFloat(row[c.header])
    WHEN 'boolean' THEN row[c.header] = 'true'
    WHEN 'long[]' THEN [x IN split(row[c.header], $delimiter) | toInteger(x)]
    WHEN 'double[]' THEN [x IN split(row[c.header], $delimiter) | toFloat(x)]
    WHEN 'string[]' THEN split(row[c.header], $delimiter)
    ELSE row[c.header] END)
"""
RELATIONSHIPS_CSV = """
LOAD CSV WITH HEADERS FROM $url AS row
MATCH (a:Node {uid: row[':START_ID']})
MATCH (b:Node {uid: row[':END_ID']})
CREATE (a)-[r:$(row[':TYPE'])]->(b)
FOREACH (c IN $columns | SET r[c.name] = CASE c.type
    WHEN 'long' THEN toInteger(row[c.header])
    WHEN 'double' THEN toFloat(row[c.header])
    WHEN 'boolean' THEN row[c.header] = 'true'
    WHEN 'long[]' THEN [x IN split(row[c.header], $delimiter) | toInteger(x)]
    WHEN 'double[]' THEN [x IN split(row[c.header], $delimiter) | toFloat(x)]
    WHEN 'string[]' THEN split(row[c.header], $delimiter)
    ELSE row[c.header] END)
"""


def load_csv(store: Neo4jStore, out: Path) -> None:
    """Load the export with LOAD CSV, typing each column by its header.

    The suite's own server reads ``file:///abs/path`` (the harness leaves
    ``dbms.security.allow_csv_import_from_file_urls`` on and sets no import
    directory). A server given by NEO4J_URI may be elsewhere: it gets the same
    rows as a parameter instead (``""`` and missing then both read as null).
    """
    remote = bool(os.environ.get("NEO4J_URI"))
    with store.driver.session(database=store.database, bookmark_manager=store.bookmarks) as session:
        for prefix, statement in (("nodes-", NODES_CSV), ("relationships-", RELATIONSHIPS_CSV)):
            for path in sorted(out.glob(prefix + "*.csv")):
                with path.open(encoding="utf-8", newline="") as fh:
                    header = next(csv.reader(fh))
                columns = [
                    {"header": h, "name": h.split(":")[0], "type": h.split(":")[1]}
                    for h in header
                    if not h.startswith(":") and not h.endswith(":ID")
                ]
                params = {"url": path.as_uri(), "delimiter": ARRAY_DELIMITER, "columns": columns}
                if remote:
                    with path.open(encoding="utf-8", newline="") as fh:
                        params["rows"] = [{k: (v or None) for k, v in r.items()} for r in csv.DictReader(fh)]
                    session.run(statement.replace("LOAD CSV WITH HEADERS FROM $url", "UNWIND $rows"), params).consume()
                else:
                    session.run(statement, params).consume()


@pytest.mark.neo4j
def test_load_csv_gives_the_transactional_load(neo4j_store, tricky, tmp_path):
    neo4j_store.load(tricky)
    expected = neo4j_contents(neo4j_store)
    expected_counts = neo4j_counts(neo4j_store)
    assert expected_counts == graph_counts(tricky)
    neo4j_store.clear()
    neo4j_store.ensure_schema()  # the loader's uniqueness constraints must hold for the CSV rows too
    export_neo4j_admin(tricky, tmp_path)
    load_csv(neo4j_store, tmp_path)
    assert neo4j_counts(neo4j_store) == expected_counts
    nodes, rels = neo4j_contents(neo4j_store)
    if os.environ.get("NEO4J_URI"):  # rows as parameters: an empty string arrives as null
        nodes, expected_nodes = without_empty_strings(nodes), without_empty_strings(expected[0])
    else:
        expected_nodes = expected[0]
    assert nodes == expected_nodes
    assert rels == expected[1]


def without_empty_strings(nodes):
    return {uid: (labels, [p for p in props if p[1] != "''"]) for uid, (labels, props) in nodes.items()}


@pytest.mark.neo4j
def test_import_sh_with_the_real_neo4j_admin(neo4j_store, tricky, tmp_path):
    """Run the written import.sh with neo4j-admin from the launcher's own jars, then open that database."""
    H = tricky.copy()
    point = next(n for n, d in H.nodes(data=True) if d["kind"] == "Point")
    H.nodes[point]["text"] = TRICKY_TEXT + BACKSLASHES
    out, home = tmp_path / "export", tmp_path / "home"
    home.mkdir()
    files = export_neo4j_admin(H, out)
    lib = neo4j_local.build_launcher().parent / "lib"
    admin = tmp_path / "neo4j-admin"
    admin.write_text(
        "#!/bin/sh\n"
        f"exec {shlex.quote(neo4j_local._java())} -Xmx256m -XX:+UseSerialGC "
        f'-cp {shlex.quote(str(lib) + "/*")} org.neo4j.cli.AdminTool "$@"\n'
    )
    admin.chmod(0o755)
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf"), "NEO4J_ADMIN": str(admin)}
    result = subprocess.run(
        [str(files[IMPORT_SCRIPT]), "--max-off-heap-memory=256m"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"{H.number_of_nodes()} nodes" in result.stdout and f"{H.number_of_edges()} relationships" in result.stdout

    neo4j_store.load(H)
    expected = neo4j_contents(neo4j_store)
    uri = neo4j_local.start(port=_free_port(), data_dir=home)
    try:
        with open_driver(uri) as driver:
            imported = Neo4jStore(driver)
            assert neo4j_counts(imported) == neo4j_counts(neo4j_store) == graph_counts(H)
            assert neo4j_contents(imported) == expected
            _, rows = imported.read("MATCH (p:Point {uid: $uid}) RETURN p.text", {"uid": point})
            assert rows == [[H.nodes[point]["text"]]]
    finally:
        neo4j_local.stop(data_dir=home)


# -- (c) Gephi ----------------------------------------------------------------------------
@pytest.mark.parametrize(("write", "read"), [(export_graphml, nx.read_graphml), (export_gexf, nx.read_gexf)])
def test_gephi_files_load_back_with_the_same_counts(tricky, tmp_path, write, read):
    H = tricky.copy()
    entity = next(n for n, d in H.nodes(data=True) if d["kind"] == "Entity")
    H.nodes[entity]["name"] = H.nodes[entity]["name"] + "\x0b"  # not allowed in XML: dropped, not fatal
    path = write(H, tmp_path / "graph.out")
    back = read(path)
    assert back.number_of_nodes() == H.number_of_nodes()
    assert back.number_of_edges() == H.number_of_edges()
    kinds = Counter(d["kind"] for _, d in back.nodes(data=True))
    assert kinds == Counter(d["kind"] for _, d in H.nodes(data=True))
    types = Counter(d["type"] for _, d in back.nodes(data=True) if d["kind"] == "Entity")
    assert types == Counter(d["type"] for _, d in H.nodes(data=True) if d["kind"] == "Entity")
    relation = "type" if read is nx.read_graphml else "relation"  # GEXF's own `type` is the edge direction
    assert Counter(d[relation] for _, _, d in back.edges(data=True)) == graph_counts(H)[1]
    label = {n: d.get("label") for n, d in back.nodes(data=True)}
    assert all(label.values())
    point = next(n for n, d in H.nodes(data=True) if d["kind"] == "Point" and d["text"] == TRICKY_TEXT)
    assert back.nodes[point]["text"] in (TRICKY_TEXT, TRICKY_TEXT.replace("\r\n", "\n"))  # XML may normalise \r\n
    aliases = next(d["aliases"] for n, d in back.nodes(data=True) if "别名,一" in str(d.get("aliases")))
    assert aliases.startswith("别名,一、")


def test_export_dispatches_on_the_format(G, tmp_path):
    assert set(export(G, tmp_path, fmt="graphml")) == {"graph.graphml"}
    assert set(export(G, tmp_path, fmt="gexf")) == {"graph.gexf"}
    assert IMPORT_SCRIPT in export(G, tmp_path / "admin", fmt="neo4j-admin")
