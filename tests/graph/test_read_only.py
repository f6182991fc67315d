"""A read can't touch the machine: the statement check, the engine's limits, --timeout and --max-rows.

Every hostile query of tests/graph/hostile_queries.py is refused with one
line; after each, every file of the store and a canary file outside it are
unchanged and the store still answers. Expensive reads end by the timeout or
the memory cap (run in a subprocess with a generous safety-net timeout; no
wall-clock assertions).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from extract.build import graph_from_paths
from graph.embedded import open_embedded, write_store
from graph.errors import QueryError
from graph.guard import ALLOWED_FUNCTIONS, MAX_QUERY_BYTES, check_query, run_read
from graph.queries import load_queries
from tests.conftest import EXAMPLES, ROOT
from tests.graph.hostile_queries import EXPENSIVE, HOSTILE, TRICKS

runner = CliRunner()


@pytest.fixture(scope="module")
def G():
    return graph_from_paths([EXAMPLES])


@pytest.fixture(scope="module")
def out(tmp_path_factory, G):
    out = tmp_path_factory.mktemp("ro")
    write_store(G, out)
    return out


@pytest.fixture()
def canary(tmp_path):
    path = tmp_path / "canary.csv"
    path.write_text("policykg canary\n", encoding="utf-8")
    return path


def _hashes(folder: Path) -> dict[str, str]:
    """Every file under `folder` (links followed: the store is reached through one) and its sha256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _fill(cypher: str, canary: Path) -> str:
    return cypher.replace("{canary}", str(canary))


def _one_line_refusal(result, word: str | None = None) -> str:
    assert result.exit_code == 6, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    if word is not None:
        assert word in lines[0], lines[0]
    return lines[0]


def _still_answers(out: Path) -> None:
    ok = runner.invoke(app, ["query", "documents", "--graph", str(out), "-f", "json"])
    assert ok.exit_code == 0, ok.output
    assert len(json.loads(ok.stdout)) == 2


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_named_queries_pass_the_check(name):
    q = load_queries()[name]
    for text in (q.cypher, *q.variants.values()):
        assert check_query(text, source=name).text


@pytest.mark.parametrize(("name", "cypher", "word"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_query_is_refused_and_nothing_changes(out, canary, name, cypher, word):
    store_before = _hashes(out)
    folder_before = sorted(p.name for p in canary.parent.iterdir())
    result = runner.invoke(app, ["query", "--graph", str(out), "--cypher", _fill(cypher, canary)])
    line = _one_line_refusal(result, word)
    assert line.startswith("error: --cypher: ")
    assert _hashes(out) == store_before
    assert canary.read_text(encoding="utf-8") == "policykg canary\n"
    assert sorted(p.name for p in canary.parent.iterdir()) == folder_before
    _still_answers(out)


@pytest.mark.parametrize(("name", "cypher"), TRICKS, ids=[t[0] for t in TRICKS])
def test_lexing_tricks_reach_nothing(out, canary, name, cypher):
    """Where an engine could read a comment or string differently, the query fails harmlessly."""
    store_before = _hashes(out)
    folder_before = sorted(p.name for p in canary.parent.iterdir())
    result = runner.invoke(app, ["query", "--graph", str(out), "--cypher", _fill(cypher, canary)])
    if result.exit_code != 0:
        _one_line_refusal(result)
    assert _hashes(out) == store_before
    assert canary.read_text(encoding="utf-8") == "policykg canary\n"
    assert sorted(p.name for p in canary.parent.iterdir()) == folder_before
    _still_answers(out)


def test_hostile_file_names_the_file(out, canary, tmp_path):
    path = tmp_path / "evil.cypher"
    path.write_text(f"MATCH (n) RETURN n LIMIT 1;\nCOPY (MATCH (n) RETURN n) TO '{canary}'\n", encoding="utf-8")
    line = _one_line_refusal(runner.invoke(app, ["query", "--graph", str(out), "--file", str(path)]), "statement")
    assert str(path) in line


def test_query_file_size_is_checked_before_reading(out, tmp_path):
    path = tmp_path / "huge.cypher"
    path.write_text("MATCH (n) RETURN n // " + "x" * MAX_QUERY_BYTES, encoding="utf-8")
    line = _one_line_refusal(runner.invoke(app, ["query", "--graph", str(out), "--file", str(path)]), "bytes")
    assert str(path) in line


def test_keywords_in_strings_and_comments_are_no_clauses(out):
    cypher = (
        "MATCH (p:Program) // COPY (MATCH (n) RETURN n) TO '/tmp/x'\n"
        "WHERE p.name <> 'COPY' AND p.name <> \"LOAD FROM 'x'\" AND p.name <> 'it\\'s; CHECKPOINT' /* LOAD */\n"
        "RETURN count(p) AS n;"
    )
    result = runner.invoke(app, ["query", "--graph", str(out), "--cypher", cypher, "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["n"] > 0


def test_a_variable_named_like_a_clause_is_refused_with_a_way_out(out):
    line = _one_line_refusal(
        runner.invoke(app, ["query", "--graph", str(out), "--cypher", "MATCH (set:Program) RETURN set.name"]), "SET"
    )
    assert "`set`" in line
    quoted = runner.invoke(
        app, ["query", "--graph", str(out), "--cypher", "MATCH (`set`:Program) RETURN `set`.name AS n", "-f", "json"]
    )
    assert quoted.exit_code == 0, quoted.output
    # property names and map keys named like clauses are fine
    ok = runner.invoke(
        app,
        ["query", "--graph", str(out), "--cypher", "MATCH ()-[r:MENTIONS]->() RETURN {start: r.start} AS s LIMIT 1"],
    )
    assert ok.exit_code == 0, ok.output


def test_schema_listing_is_allowed(out):
    result = runner.invoke(app, ["query", "--graph", str(out), "--cypher", "CALL show_tables() RETURN *", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert any(row["name"] == "Program" for row in json.loads(result.stdout))


def test_readme_lists_what_a_read_may_use_and_the_limits():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("**A read can't touch the machine.**")
    paragraph = readme[start : readme.index("\n\n", start)].lower()
    listed = set(re.findall(r"[a-z_][a-z0-9_]*", paragraph))
    assert listed >= ALLOWED_FUNCTIONS, sorted(ALLOWED_FUNCTIONS - listed)
    for text in ("--timeout", "--max-rows", "--max-memory", f"{MAX_QUERY_BYTES:,}", "show_tables()", "db.labels()"):
        assert text.lower() in paragraph, text


def test_functions_of_the_named_queries_are_allowed():
    used = {"collect", "size", "count", "type", "startnode", "coalesce", "shortestpath", "nodes", "relationships"}
    used |= {"length", "label", "list_transform", "rels", "sum"}
    assert used <= ALLOWED_FUNCTIONS


def test_checkpoint_straight_to_the_engine_is_what_the_check_prevents(out, tmp_path):
    """Why CHECKPOINT is refused: on a read-only database it still writes files and breaks every later open."""
    import shutil

    from graph.embedded import store_path

    copy = tmp_path / "copy"
    shutil.copytree(out, copy, symlinks=True)
    store = open_embedded(copy)
    with pytest.raises(QueryError):
        store.read("CHECKPOINT")
    store.close()
    assert {p.name for p in store_path(copy).parent.iterdir()} != {"graph.lbdb"}  # a .wal/.shadow appeared
    # and the guard stops it before the engine: the real store keeps answering
    line = _one_line_refusal(runner.invoke(app, ["query", "--graph", str(out), "--cypher", "CHECKPOINT"]))
    assert "CHECKPOINT" in line
    _still_answers(out)


def test_reader_switches_off_what_the_engine_allows(out):
    store = open_embedded(out, max_memory_mb=64)
    try:
        _, rows = store.read("CALL current_setting('spill_to_disk') RETURN *")
        assert str(rows[0][0]).lower() == "false"
        assert store.max_memory_mb == 64
    finally:
        store.close()


def test_max_rows_cuts_and_says_so(out):
    result = runner.invoke(
        app,
        [
            "query",
            "--graph",
            str(out),
            "--cypher",
            "MATCH (a), (b) RETURN a.uid, b.uid",
            "--max-rows",
            "7",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 7
    assert "first 7 rows of more; raise --max-rows or add LIMIT" in result.stderr


def test_run_read_fetches_at_most_max_rows_plus_one(out):
    store = open_embedded(out)
    try:
        # a UNION keeps its text (no LIMIT added): rows are still fetched only up to the cap
        cypher = "MATCH (a), (b) RETURN a.uid AS x UNION ALL MATCH (a), (b) RETURN b.uid AS x"
        result = run_read(store, cypher, source="--cypher", max_rows=3)
        assert len(result.rows) == 3 and result.truncated
        small = run_read(store, "MATCH (d:Document) RETURN d.id", source="--cypher", max_rows=3)
        assert len(small.rows) == 2 and not small.truncated
    finally:
        store.close()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process: what a query costs ends with it (120 s is a safety net, not a benchmark)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_ten_million_rows_are_not_materialised(out):
    done = _cli("query", "--graph", str(out), "--cypher", "MATCH (a), (b), (c) RETURN a.uid, b.uid, c.uid", "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 10_001  # header + the default 10,000 rows
    assert "first 10,000 rows of more" in done.stderr


@pytest.mark.parametrize(("name", "cypher"), EXPENSIVE, ids=[e[0] for e in EXPENSIVE])
def test_expensive_reads_end_with_one_line(out, name, cypher):
    done = _cli("query", "--graph", str(out), "--cypher", cypher, "--timeout", "1")
    assert done.returncode == 6, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, lines
    assert "ran past 1 s and was stopped; narrow it or raise --timeout" in lines[0] or "memory cap" in lines[0]
    _still_answers(out)


# -- Neo4j: the same check, READ mode, the transaction's timeout -------------------------------


@pytest.fixture()
def loaded(neo4j_store, G):
    neo4j_store.load(G)
    return neo4j_store


@pytest.mark.neo4j
def test_neo4j_refuses_load_csv_and_procedures(loaded, neo4j_uri):
    for cypher, word in (
        ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD"),
        ("CALL dbms.listConfig() YIELD name RETURN name", "CALL dbms.listConfig"),
        ("CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value", "CALL apoc.load.json"),
        ("SHOW TRANSACTIONS", "SHOW"),
        ("MATCH (n) RETURN n LIMIT 1; MATCH (n) DETACH DELETE n", "statement"),
    ):
        _one_line_refusal(runner.invoke(app, ["query", "--uri", neo4j_uri, "--cypher", cypher]), word)
    ok = runner.invoke(app, ["query", "documents", "--uri", neo4j_uri, "-f", "json"])
    assert ok.exit_code == 0 and len(json.loads(ok.stdout)) == 2, ok.output
    labels = runner.invoke(app, ["query", "--uri", neo4j_uri, "--cypher", "CALL db.labels()", "-f", "json"])
    assert labels.exit_code == 0, labels.output


@pytest.mark.neo4j
def test_neo4j_timeout_and_max_rows(loaded, neo4j_uri):
    slow = runner.invoke(app, ["query", "--uri", neo4j_uri, "--cypher", EXPENSIVE[0][1], "--timeout", "1"])
    line = _one_line_refusal(slow)
    assert "ran past 1 s and was stopped; narrow it or raise --timeout" in line
    many = runner.invoke(
        app,
        [
            "query",
            "--uri",
            neo4j_uri,
            "--cypher",
            "MATCH (a), (b) RETURN a.uid, b.uid",
            "--max-rows",
            "5",
            "-f",
            "json",
        ],
    )
    assert many.exit_code == 0, many.output
    assert len(json.loads(many.stdout)) == 5
    assert "first 5 rows of more" in many.stderr
