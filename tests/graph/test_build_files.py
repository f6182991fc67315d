import json

import networkx as nx
import pytest

from graph.build import build_graph, entity_id, summarize
from graph.errors import GraphFileError, OutputError
from graph.files import atomic_write, read_graph_json, write_graph_json
from graph.model import EntityKey, Extraction
from tests.conftest import BAICHENG, ZHUJI


def test_structure_in_the_graph(extractions):
    G = build_graph([extractions[ZHUJI.name]])
    doc_id = extractions[ZHUJI.name].document.id
    top = [v for _, v, k in G.out_edges(doc_id, keys=True) if k == "HAS_SECTION"]
    assert len(top) == 2
    points = [n for n, d in G.nodes(data=True) if d["kind"] == "Point"]
    assert len(points) == 20
    # every point hangs under a sub-section
    for p in points:
        (parent,) = [u for u, _, k in G.in_edges(p, keys=True) if k == "HAS_POINT"]
        assert G.nodes[parent]["kind"] == "Section" and G.nodes[parent]["level"] == 2
    assert G.has_edge(entity_id(EntityKey("Agency", "诸暨市教育体育局")), doc_id, key="ISSUED")


def test_entities_merge_across_documents(extractions):
    G = build_graph(extractions.values())
    shared = entity_id(EntityKey("Program", "双减"))
    docs = {G.nodes[u].get("doc_id", u) for u, _, k in G.in_edges(shared, keys=True) if k == "MENTIONS"}
    assert len(docs) == 2
    assert summarize(G)["documents"] == 2
    assert summarize(G)["points"] == 40


def test_co_occurs_weights(extractions):
    G = build_graph(extractions.values())
    co = [(u, v, d) for u, v, d in G.edges(data=True) if d["type"] == "CO_OCCURS"]
    assert co and min(d["weight"] for _, _, d in co) >= 1
    # one edge per pair and document: 双减 and 教育部 share sentences in both plans? at least one pair spans two
    assert {d["doc_id"] for _, _, d in co} == {ex.document.id for ex in extractions.values()}


def test_graph_json_round_trips(tmp_path, extractions):
    G = build_graph(extractions.values())
    path = tmp_path / "graph.json"
    write_graph_json(G, path)
    H = read_graph_json(path)
    assert nx.utils.graphs_equal(G, H)
    assert "白城市教育局" in path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes


def test_extraction_dict_round_trips(extractions):
    for ex in extractions.values():
        again = Extraction.from_dict(json.loads(json.dumps(ex.to_dict(), ensure_ascii=False)))
        assert again == ex


@pytest.mark.parametrize("content", ["{not json", '{"nodes": 3}', "[]"])
def test_malformed_graph_json(tmp_path, content):
    path = tmp_path / "graph.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GraphFileError, match="rebuild it"):
        read_graph_json(path)


def test_missing_graph_json(tmp_path):
    with pytest.raises(GraphFileError, match="policykg build"):
        read_graph_json(tmp_path)


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / "graph.json"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(path) as fh:
        fh.write("half")
        raise RuntimeError("interrupted")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]


def test_unwritable_output(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match=r"(?i)not a directory"):
        write_graph_json(nx.MultiDiGraph(), blocker / "sub" / "graph.json")


def test_built_files(built):
    assert set(built.files) == {"extraction", "graph", "store", "html"}
    lines = built.files["extraction"].read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert set(first) >= {"document", "points", "entities", "relations", "targets"}
    assert set(first["document"]) >= {"id", "source", "title", "issuer", "doc_number", "issued_date"}
    assert first["document"]["source"] == BAICHENG.name
    point = first["points"][0]
    assert set(point) >= {"id", "number", "section", "title", "text"}
    ent = first["entities"][0]
    assert set(ent) >= {"type", "name", "aliases", "mentions"}
    rel = first["relations"][0]
    assert set(rel["evidence"]) >= {"point", "sentence", "trigger"}
    tgt = first["targets"][0]
    assert set(tgt) >= {"text", "value", "value_max", "unit", "qualifier", "point"}
