"""`--jobs`, a user's own .cypher files, and the page of a big graph: same outputs, clear errors."""

import shutil

import pytest
from typer.testing import CliRunner

from cli import app
from tests.conftest import BAICHENG, EXAMPLES, ZHUJI

runner = CliRunner()


def _outputs(out):
    return {name: (out / name).read_bytes() for name in ("graph.json", "extraction.jsonl")}


def _one_line_error(result, code, needle):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert needle in lines[0], lines[0]


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    """The two examples, one of them twice under another name."""
    folder = tmp_path_factory.mktemp("plans")
    shutil.copy(BAICHENG, folder / "a.txt")
    shutil.copy(ZHUJI, folder / "b.txt")
    shutil.copy(BAICHENG, folder / "c_copy.txt")
    return folder


def test_jobs_give_byte_identical_outputs(tmp_path, plans):
    one = runner.invoke(app, ["build", str(plans), "--out", str(tmp_path / "j1"), "--jobs", "1"])
    two = runner.invoke(app, ["build", str(plans), "--out", str(tmp_path / "j2"), "-j", "2"])
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    assert _outputs(tmp_path / "j1") == _outputs(tmp_path / "j2")
    assert "same content as an earlier file" in " ".join(two.stderr.split())
    assert (tmp_path / "j2" / "extraction.jsonl").read_text(encoding="utf-8").count("\n") == 2


def test_extract_with_jobs_matches_one_process(plans):
    one = runner.invoke(app, ["extract", str(plans)])
    two = runner.invoke(app, ["extract", str(plans), "--jobs", "2"])
    assert one.exit_code == 0 and two.exit_code == 0
    assert one.stdout == two.stdout and one.stdout.count("\n") == 2


def test_a_bad_file_in_a_worker_is_one_line_and_loses_nothing(tmp_path, plans):
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(EXAMPLES), "--out", str(out)]).exit_code == 0
    before = _outputs(out)
    bad = tmp_path / "bad"
    shutil.copytree(plans, bad)
    (bad / "b2_empty.txt").write_bytes(b"")
    # named, a bad file fails the run; found in a folder, it is skipped with a warning (below)
    named = [str(p) for p in sorted(bad.iterdir())]
    _one_line_error(runner.invoke(app, ["build", *named, "--out", str(out), "-j", "2"]), 2, "b2_empty.txt")
    patterns = tmp_path / "p.jsonl"
    patterns.write_text('{"label": "Program"\n', encoding="utf-8")
    result = runner.invoke(app, ["build", str(plans), "--out", str(out), "-j", "2", "--patterns", str(patterns)])
    _one_line_error(result, 2, "p.jsonl:1")
    _one_line_error(runner.invoke(app, ["build", str(plans), "--out", str(out), "-j", "0"]), 2, "--jobs")
    assert _outputs(out) == before
    folder = runner.invoke(app, ["build", str(bad), "--out", str(tmp_path / "out2"), "-j", "2"])
    assert folder.exit_code == 0, folder.output
    assert "b2_empty.txt: the file is empty" in folder.stderr and "(skipped)" in folder.stderr


def test_own_cypher_files(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(EXAMPLES), "--out", str(out)]).exit_code == 0
    before = _outputs(out)

    plain = tmp_path / "programmes.cypher"
    plain.write_text("MATCH (p:Program) WHERE p.name = $name RETURN p.name AS name", encoding="utf-8")
    ok = runner.invoke(app, ["query", "--file", str(plain), "-p", "name=国培计划", "--graph", str(out), "-f", "json"])
    assert ok.exit_code == 0, ok.output
    assert "国培计划" in ok.stdout

    named = tmp_path / "named.cypher"
    named.write_text(
        "// name: one_programme\n// param name: a programme (default: '双减')\n"
        "MATCH (p:Program {name: $name}) RETURN p.name AS name\n",
        encoding="utf-8",
    )
    ok = runner.invoke(app, ["query", "--file", str(named), "--graph", str(out), "-f", "json"])
    assert ok.exit_code == 0 and "双减" in ok.stdout, ok.output

    broken = tmp_path / "broken.cypher"
    broken.write_text("MATCH (n:Program RETURN n.name", encoding="utf-8")
    _one_line_error(runner.invoke(app, ["query", "--file", str(broken), "--graph", str(out)]), 6, "broken.cypher")
    undeclared = tmp_path / "undeclared.cypher"
    undeclared.write_text("// name: x\nMATCH (n:Program {name: $who}) RETURN n", encoding="utf-8")
    _one_line_error(runner.invoke(app, ["query", "--file", str(undeclared), "--graph", str(out)]), 6, "$who")
    writes = tmp_path / "writes.cypher"
    writes.write_text("CREATE (:Program {name: 'x'})", encoding="utf-8")
    _one_line_error(runner.invoke(app, ["query", "--file", str(writes), "--graph", str(out)]), 6, "writes.cypher")
    _one_line_error(
        runner.invoke(app, ["query", "--file", str(tmp_path / "none.cypher"), "--graph", str(out)]), 6, "no such"
    )
    empty = tmp_path / "empty.cypher"
    empty.write_text("  \n", encoding="utf-8")
    _one_line_error(runner.invoke(app, ["query", "--file", str(empty), "--graph", str(out)]), 6, "empty")
    assert _outputs(out) == before


def test_the_page_of_a_big_graph_shows_its_hubs():
    from bench.synthetic import synthetic_graph
    from graph.pages import overview, render_graph_page, view_graph

    G = synthetic_graph(20)
    full = view_graph(G)
    assert full.number_of_nodes() > 200
    H = overview(G, limit=120)
    assert H.number_of_nodes() == 120 and H.graph["shown_of"] == full.number_of_nodes()
    degree = dict(full.degree())
    kept = min(degree[n] for n in H)
    dropped = max(degree[n] for n in full if n not in H)
    assert kept >= dropped  # the best-connected stay
    page = render_graph_page(G, H=H)
    assert f"best-connected of {full.number_of_nodes()} nodes" in page
    assert overview(G, limit=10_000).number_of_nodes() == full.number_of_nodes()


def test_parallel_edges_are_one_arrow_with_a_count():
    import networkx as nx

    from graph.pages import merge_parallel, vis_data

    H = nx.MultiDiGraph()
    H.add_node("a", kind="Entity", type="Agency", name="甲局")
    H.add_node("p", kind="Entity", type="Program", name="国培计划")
    for i in range(5):
        H.add_edge("a", "p", type="IMPLEMENTS", trigger="实施", sentence=f"实施国培计划{i}。")
    H.add_edge("a", "p", type="ORGANIZES", trigger="举办", sentence="举办。")
    M = merge_parallel(H)
    assert M.number_of_edges() == 2
    counts = sorted(d["count"] for _, _, d in M.edges(data=True))
    assert counts == [1, 5]
    tips = [e["title"] for e in vis_data(M)["edges"]]
    assert any(t.startswith("IMPLEMENTS ×5") for t in tips) and any(t.startswith("ORGANIZES  ·") for t in tips)


def test_build_logs_its_stages_and_leaves_no_spool(tmp_path, caplog):
    import logging

    from extract.build import build

    with caplog.at_level(logging.INFO, logger="extract.build"):
        build([BAICHENG], tmp_path)
    stages = [r.getMessage() for r in caplog.records if "peak RSS so far" in r.getMessage()]
    assert [s.split(":")[0] for s in stages] == ["extraction and spool", "graph.json", "embedded store", "graph.html"]
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "extraction.jsonl",
        "graph.html",
        "graph.json",
        "store",
    ]
    (gen,) = tmp_path.glob(".gen-*")
    assert sorted(p.name for p in gen.iterdir()) == [
        ".policykg-generation",
        "cache.json",
        "extraction.jsonl",
        "graph.html",
        "graph.json",
        "store",
    ]
