"""The embedded store: same named queries as Neo4j (parity), read-only, atomic rebuilds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cli import app
from extract.build import graph_from_paths
from graph import embedded
from graph.embedded import open_embedded, write_store
from graph.errors import GraphFileError, OutputError, QueryError
from graph.queries import load_queries
from tests.conftest import EXAMPLES, ROOT
from tests.graph.test_neo4j_store import EXPECT

runner = CliRunner()


@pytest.fixture(scope="module")
def G():
    return graph_from_paths([EXAMPLES])


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, G):
    out = tmp_path_factory.mktemp("emb")
    write_store(G, out)
    return out


@pytest.fixture()
def store(store_dir):
    s = open_embedded(store_dir)
    yield s
    s.close()


def _norm(value):
    if isinstance(value, list):
        return sorted((_norm(v) for v in value), key=repr)  # collect() order is not defined
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal):
        return int(value)
    return value


def _rows(rows):
    return sorted(([_norm(v) for v in r] for r in rows), key=repr)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_named_queries_on_the_embedded_store(store, name):
    q = load_queries()[name]
    params, check = EXPECT[name]
    columns, rows = store.read(q.text_for(store.engine), q.bind(params))
    assert columns and rows
    assert check(rows), (name, rows[:5])


@pytest.mark.neo4j
@pytest.mark.parametrize("name", sorted(EXPECT))
def test_parity_with_neo4j(store, neo4j_store, G, name):
    """Every named query (and its engine variant) returns the same rows on both stores."""
    neo4j_store.load(G)
    q = load_queries()[name]
    params = q.bind(EXPECT[name][0])
    cols_a, rows_a = neo4j_store.read(q.text_for("neo4j"), params)
    cols_b, rows_b = store.read(q.text_for(store.engine), params)
    assert cols_a == cols_b
    if name == "path_between":
        # equally short paths may differ between engines: same length, same ends
        (path_a, _, hops_a), (path_b, _, hops_b) = rows_a[0], rows_b[0]
        assert hops_a == hops_b and (path_a[0], path_a[-1]) == (path_b[0], path_b[-1])
        return
    assert _rows(rows_a) == _rows(rows_b)
    ordered = "ORDER BY" in q.text_for("neo4j") and "ORDER BY" in q.text_for(store.engine)
    if ordered:  # the ORDER BY keys come out in the same sequence
        assert [_norm(r[0]) for r in rows_a] == [_norm(r[0]) for r in rows_b]


def test_store_is_read_only(store):
    with pytest.raises(QueryError, match="writes"):
        store.read("CREATE (:Program {uid: 'x', name: 'x'})")
    _, rows = store.read("MATCH (p:Program {uid: 'x'}) RETURN count(p) AS n")
    assert rows == [[0]]


def test_counts_equal_the_networkx_graph(store, G):
    _, rows = store.read("MATCH (n) RETURN count(n) AS n")
    assert rows[0][0] == G.number_of_nodes()
    _, rows = store.read("MATCH ()-[r]->() RETURN count(r) AS n")
    assert rows[0][0] == G.number_of_edges()


def test_query_without_a_store_is_one_line(tmp_path):
    result = runner.invoke(app, ["query", "documents", "--graph", str(tmp_path)])
    assert result.exit_code == 4 and "no embedded store" in result.stderr


def test_cli_query_embedded_formats(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(EXAMPLES), "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["query", "shared_programmes", "--graph", str(out), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "双减" in result.stdout
    write = runner.invoke(app, ["query", "--graph", str(out), "--cypher", "MATCH (n:Program) DELETE n"])
    assert write.exit_code == 6 and "read-only" in write.stderr


def test_failed_rebuild_keeps_the_previous_build(tmp_path, monkeypatch):
    """A build failing in the store's load: the earlier build stays whole, the failed one leaves nothing."""
    from extract.build import build

    build([EXAMPLES], tmp_path)
    before = {n: (tmp_path / n).read_bytes() for n in ("graph.json", "extraction.jsonl", "graph.html")}
    current = os.readlink(tmp_path / ".current")

    def broken(self, nodes, edges):
        self._conn.execute("CREATE NODE TABLE Half(uid STRING, PRIMARY KEY(uid))")
        raise RuntimeError("killed mid-load")

    monkeypatch.setattr(embedded.EmbeddedStore, "load_rows", broken)
    with pytest.raises(RuntimeError):
        build([EXAMPLES / "baicheng_2024_jiaoyu_gongzuo_yaodian.txt"], tmp_path)
    assert os.readlink(tmp_path / ".current") == current
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".gen-")] == [current]
    assert {n: (tmp_path / n).read_bytes() for n in before} == before
    s = open_embedded(tmp_path)
    try:
        _, rows = s.read("MATCH (d:Document) RETURN count(d) AS n")
        assert rows == [[2]]
    finally:
        s.close()


def test_a_store_is_never_rewritten_in_place(tmp_path, G):
    write_store(G, tmp_path)
    with pytest.raises(OutputError, match="already here"):
        write_store(G, tmp_path)


def test_open_missing_store(tmp_path):
    with pytest.raises(GraphFileError, match="policykg build"):
        open_embedded(tmp_path)


def _terminal_like() -> None:
    # a shell that runs the suite in the background ignores SIGINT, and children
    # inherit that; the CLI must see Ctrl-C as a terminal user would, who
    # interrupts the whole process group (the workers of --jobs too)
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_during_build_keeps_previous_outputs(tmp_path, jobs):
    """A real process group, a real SIGINT: one line, exit 130, the earlier outputs untouched."""
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(EXAMPLES), "--out", str(out)]).exit_code == 0
    before = {p: p.read_bytes() for p in (out / "graph.json", out / "extraction.jsonl", out / "graph.html")}
    link = os.readlink(out / ".current")
    plans = tmp_path / "many"
    plans.mkdir()
    text = (EXAMPLES / "baicheng_2024_jiaoyu_gongzuo_yaodian.txt").read_text(encoding="utf-8")
    for i in range(600):  # long enough to be interrupted while extracting
        (plans / f"p{i:03d}.txt").write_text(text.replace("2024", str(1800 + i)), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from cli import app; app()", "build", str(plans), "--out", str(out), "-j", str(jobs)],
        cwd=ROOT,
        preexec_fn=_terminal_like,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # interrupt while plans are being extracted: the extraction's temporary file
    # shows it has begun
    deadline = time.time() + 120
    while time.time() < deadline and not list(out.glob(".gen-*/.extraction.jsonl.*.tmp")) and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.5)
    assert proc.poll() is None, "the build finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert len([ln for ln in stderr.splitlines() if ln.strip()]) == 1, stderr
    assert {p: p.read_bytes() for p in before} == before
    assert os.readlink(out / ".current") == link
    assert "still holds the previous build" in stderr
    # the interrupted generation is gone: nothing but the earlier build is left
    assert [p.name for p in out.iterdir() if p.name.startswith(".gen-")] == [link]


def test_ladybug_is_pinned():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"ladybug>=0.22,<0.23"' in pyproject  # the PyPI name was reused from an unrelated project
