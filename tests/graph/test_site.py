"""The static site without a browser: every page is there, linked, UTF-8, and names never become paths."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from cli import app
from graph.build import build_graph
from graph.model import DocumentMeta, Entity, Extraction, Mention, Point
from graph.site import build_site, entity_page_name
from tests.conftest import EXAMPLES

runner = CliRunner()


def test_site_pages_and_links(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(EXAMPLES), "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["site", str(out)])
    assert result.exit_code == 0, result.output
    site = out / "site"
    names = {p.name for p in site.iterdir()}
    assert {"index.html", "compare.html", "assets"} <= names
    assert {"vis-network.min.js", "vis-network.css", "policykg.js", "site.css"} <= {
        p.name for p in (site / "assets").iterdir()
    }
    assert entity_page_name("Program", "国培计划") in names
    assert entity_page_name("Institution", "华东师范大学") in names
    # every local link points at a page that exists
    for page in site.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"#]+)', html):
            assert (site / href).exists(), (page.name, href)
        assert "http://" not in html and "https://" not in html
    compare = (site / "compare.html").read_text(encoding="utf-8")
    assert "双减" in compare and "1 programmes in every plan" in compare


def test_names_never_become_paths(tmp_path):
    evil = "../../../../tmp/pwned"
    doc = DocumentMeta(id="d-0123456789ab", source="x.txt", sha256="0" * 64, title="x")
    pt = Point(id="d-0123456789ab:p1", doc_id=doc.id, number=1, title="t", text=evil)
    ent = Entity("Program", evil, mentions=(Mention(pt.id, 0, len(evil), evil),))
    G = build_graph([Extraction(document=doc, points=(pt,), entities=(ent,))])
    site = tmp_path / "site"
    build_site(G, site)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(site in p.parents for p in written)
    assert (site / entity_page_name("Program", evil)).is_file()
