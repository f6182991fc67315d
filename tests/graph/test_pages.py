import json
import re

from graph.build import build_graph
from graph.model import (
    DocumentMeta,
    Entity,
    EntityKey,
    Evidence,
    Extraction,
    Mention,
    Point,
    Relation,
)
from graph.pages import TYPE_COLORS, display_name, render_graph_page

EVIL = '</script><img src=x onerror="alert(1)">"href"javascript:alert(2)'


def _page_data(html):
    m = re.search(r'<script type="application/json" id="policykg-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_page_is_offline_and_utf8(built):
    html = built.files["html"].read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script src" not in html and "<link" not in html
    assert "vis.Network" in html  # vis-network is inlined
    data = _page_data(html)
    assert {item["label"].split()[0] for item in data["legend"]} >= {"Agency", "Program", "Institution"}
    nodes = data["graph"]["nodes"]
    assert any(n["label"] == "\u2068国培计划\u2069" for n in nodes)  # isolated for direction
    assert all(n["color"] in TYPE_COLORS.values() for n in nodes)
    tip = next(n["title"] for n in nodes if n["label"] == "\u2068国培计划\u2069")
    assert "高质量完成" in tip  # the sentence that mentions it


def test_text_from_documents_is_escaped():
    doc = DocumentMeta(id="d-x", source="evil.txt", sha256="0" * 64, title=EVIL)
    pt = Point(id="d-x:p1", doc_id="d-x", number=1, title=EVIL, text=EVIL)
    a = Entity("Program", EVIL, mentions=(Mention("d-x:p1", 0, 5, EVIL[:5]),))
    b = Entity("Agency", "某局")
    rel = Relation("IMPLEMENTS", EntityKey("Agency", "某局"), a.key, Evidence("d-x:p1", EVIL, "实施"))
    G = build_graph([Extraction(document=doc, points=(pt,), entities=(a, b), relations=(rel,))])
    html = render_graph_page(G, title=EVIL)
    assert "</script><img" not in html
    assert "<img" not in html and "<svg" not in html  # no markup from the document anywhere
    assert "&lt;/script&gt;&lt;img" in html  # the title, escaped as text
    data = _page_data(html)
    assert any(n["label"] == display_name(EVIL) for n in data["graph"]["nodes"])  # data intact, just escaped


def test_names_are_shortened_and_isolated_for_direction():
    long = "教育" * 5000  # a name of 10,000 characters: a label of 40, not a graph shrunk to a dot
    doc = DocumentMeta(id="d-x", source="x.txt", sha256="0" * 64, title="\u202e某县计划")
    a = Entity("Program", long, mentions=(Mention("d-x:p1", 0, 2, "教育"),))
    b = Entity("Agency", "某\u202e局")
    pt = Point(id="d-x:p1", doc_id="d-x", number=1, title="t", text="教育\u202e局")
    G = build_graph([Extraction(document=doc, points=(pt,), entities=(a, b))])
    data = _page_data(render_graph_page(G, title="t"))
    labels = {n["label"] for n in data["graph"]["nodes"]}
    assert max(map(len, labels)) <= 42
    assert "\u2068某局\u2069" in labels  # the override gone, the name isolated
    assert not any("\u202e" in n["label"] + n["title"] for n in data["graph"]["nodes"])
