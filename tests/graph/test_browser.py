"""The pages in a real headless Chromium: they draw, search, stay offline, and run no injected script."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from typer.testing import CliRunner

from cli import app
from graph.files import read_graph_json
from graph.pages import select_subgraph, view_graph
from graph.site import entity_page_name
from tests.conftest import EXAMPLES, TAGGED

pytestmark = pytest.mark.browser
runner = CliRunner()

EVIL_PLAN = """关于印发测试县2025年教育工作要点的通知
各学校:
现将《测试县2025年教育工作要点》印发给你们。
测试县教育局
2025年1月2日
测试县2025年教育工作要点
1.实施“<script>window.__pwned=1</script>计划”。联合<img src=x onerror="window.__pwned=2">大学开展合作。
2.落实《<svg onload="window.__pwned=3">意见》，深化“javascript:window.__pwned=4”平台应用。
推进"href"=javascript:alert(1) 工程。
3.举办“</title><script>window.__pwned=5</script>”大赛，创建“a</script><b>”学校。
4.加强管理。(责任科室:<img src=x onerror="window.__pwned=6">科、办公室)
"""


def _browser() -> webdriver.Chrome:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    chromedriver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
    ):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=chromedriver), options=opts)


@pytest.fixture(scope="module")
def browser():
    driver = _browser()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    plans = root / "plans"
    plans.mkdir()
    for p in EXAMPLES.glob("*.txt"):
        shutil.copy(p, plans / p.name)
    shutil.copy(TAGGED, plans / TAGGED.name)  # points with responsibility tags
    (plans / "evil.txt").write_text(EVIL_PLAN, encoding="utf-8")
    out = root / "out"
    assert runner.invoke(app, ["build", str(plans), "--out", str(out)]).exit_code == 0
    assert runner.invoke(app, ["site", str(out)]).exit_code == 0
    return out


def _open(driver, path: Path) -> None:
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return !!(window.policykg && window.policykg.drawn)"))


def _network_requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if not url.startswith(("file:", "data:")):
                urls.append(url)
    return urls


def _check_page(driver, path: Path, expected_nodes: int, shots: Path, name: str) -> None:
    _open(driver, path)
    assert driver.execute_script("return window.policykg.nodes.length") == expected_nodes
    # the canvas has really been painted: some pixels are not blank
    painted = driver.execute_script(
        "var c = document.querySelector('#graph canvas'); var ctx = c.getContext('2d');"
        "var d = ctx.getImageData(0, 0, c.width, c.height).data; var n = 0;"
        "for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n;"
    )
    assert painted > 1000
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    assert _network_requests(driver) == []
    assert driver.execute_script("return window.__pwned") is None
    driver.save_screenshot(str(shots / f"{name}.png"))


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    where = os.environ.get("POLICYKG_SCREENSHOTS")
    path = Path(where) if where else tmp_path_factory.mktemp("shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_index_document_and_entity_pages(browser, site, shots):
    G = read_graph_json(site)
    H = view_graph(G)
    site_dir = site / "site"
    # index: documents plus the most connected entities (all of them on a small graph)
    data = json.loads(_page_json(site_dir / "index.html"))
    _check_page(browser, site_dir / "index.html", len(data["graph"]["nodes"]), shots, "index")
    # a document page: that plan's subgraph
    doc_id = next(n for n, d in G.nodes(data=True) if d.get("source") == "baicheng_2024_jiaoyu_gongzuo_yaodian.txt")
    expected = select_subgraph(H, documents=[doc_id]).number_of_nodes()
    _check_page(browser, site_dir / f"{doc_id}.html", expected, shots, "document")
    # the page of 国培计划: its neighbourhood
    page = site_dir / entity_page_name("Program", "国培计划")
    import networkx as nx

    expected = len(nx.ego_graph(nx.Graph(H), "Program:国培计划", radius=1))
    _check_page(browser, page, expected, shots, "entity")
    assert "高质量完成" in browser.find_element(By.CSS_SELECTOR, "ul.sentences").text
    assert browser.find_element(By.CSS_SELECTOR, "ul.sentences mark").text == "国培计划"


def test_search_finds_a_programme(browser, site):
    _open(browser, site / "site" / "index.html")
    box = browser.find_element(By.ID, "search")
    box.send_keys("国培")
    links = browser.find_elements(By.CSS_SELECTOR, "#results a")
    assert "国培计划" in [a.text for a in links]
    links[[a.text for a in links].index("国培计划")].click()
    WebDriverWait(browser, 10).until(lambda d: "国培计划" in d.title)


def test_injected_markup_renders_as_text(browser, site):
    G = read_graph_json(site)
    evil_doc = next(n for n, d in G.nodes(data=True) if d.get("source") == "evil.txt")
    site_dir = site / "site"
    for page in [site_dir / f"{evil_doc}.html", site_dir / "index.html", site / "graph.html"]:
        _open(browser, page)
        assert browser.execute_script("return window.__pwned") is None, page
        assert browser.find_elements(By.CSS_SELECTOR, "main img, main svg, main b") == []
    _open(browser, site_dir / f"{evil_doc}.html")
    body = browser.find_element(By.TAG_NAME, "main").text
    assert "<script>window.__pwned=1</script>" in body  # shown as the characters it is
    # tooltips carry the text too, as text
    titles = browser.execute_script("return window.policykg.nodes.get().map(function (n) { return n.title; })")
    assert any("<script>" in (t or "") for t in titles)
    # hover each node whose tooltip holds markup: vis-network shows it as text, nothing runs
    canvas = browser.find_element(By.CSS_SELECTOR, "#graph canvas")
    points = browser.execute_script(
        "var n = window.policykg.network; var rect = n.body.container.getBoundingClientRect();"
        "return window.policykg.nodes.get().filter(function (x) { return (x.title || '').indexOf('<') >= 0; })"
        ".map(function (x) { var p = n.canvasToDOM(n.getPosition(x.id)); return [p.x, p.y]; });"
    )
    assert points
    shown = []
    for x, y in points:
        ActionChains(browser).move_to_element_with_offset(
            canvas, int(x - canvas.size["width"] / 2), int(y - canvas.size["height"] / 2)
        ).perform()
        try:
            WebDriverWait(browser, 3).until(
                lambda d: d.execute_script(
                    "var t = document.querySelector('div.vis-tooltip');"
                    "return t && t.style.visibility !== 'hidden' && t.innerText.length > 0;"
                )
            )
        except TimeoutException:
            continue
        shown.append(browser.execute_script("return document.querySelector('div.vis-tooltip').innerText"))
        # text only: vis-network turns line breaks into <br>, and nothing else becomes an element
        inside = browser.find_elements(By.CSS_SELECTOR, "div.vis-tooltip *")
        assert {e.tag_name.lower() for e in inside} <= {"br"}
    assert any("<" in t for t in shown)
    assert browser.execute_script("return window.__pwned") is None


def test_units_in_charge_on_plan_and_agency_pages(browser, site, shots):
    G = read_graph_json(site)
    site_dir = site / "site"
    doc_id = next(n for n, d in G.nodes(data=True) if d.get("source") == TAGGED.name)
    expected = select_subgraph(view_graph(G), documents=[doc_id]).number_of_nodes()
    _check_page(browser, site_dir / f"{doc_id}.html", expected, shots, "tagged-document")
    charge = browser.find_element(By.CSS_SELECTOR, "#p1 p.responsible").text
    assert "西源市教育局组织人事科" in charge and "牵头 lead" in charge and "西源市教育局办公室" in charge
    assert browser.find_element(By.CSS_SELECTOR, "#p3 h4").text == "3. 推进学前教育普惠发展"
    # a unit's chip opens its page, which lists the points it is in charge of
    browser.find_element(By.CSS_SELECTOR, "#p1 p.responsible a").click()
    WebDriverWait(browser, 10).until(lambda d: "组织人事科" in d.title)
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return !!(window.policykg && window.policykg.drawn)"))
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "section.in-charge tbody tr")]
    assert len(rows) == 2 and "1. 深化机关党建" in rows[0] and "牵头 lead" in rows[0]
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    # a unit named with markup is text on the page of its plan
    evil_doc = next(n for n, d in G.nodes(data=True) if d.get("source") == "evil.txt")
    _open(browser, site_dir / f"{evil_doc}.html")
    # (names lose their spaces and quotes: <imgsrc=xonerror=…>科)
    assert "<imgsrc=xonerror=window.__pwned=6>科" in browser.find_element(By.CSS_SELECTOR, "#p4 p.responsible").text
    assert browser.find_elements(By.CSS_SELECTOR, "main img") == []
    assert browser.execute_script("return window.__pwned") is None


def test_viz_page(browser, site, tmp_path):
    out = tmp_path / "gp.html"
    result = runner.invoke(
        app,
        [
            "viz",
            str(site),
            "--focus",
            "国培计划",
            "--hops",
            "2",
            "--types",
            "Program,Institution,Agency",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    H = select_subgraph(
        view_graph(read_graph_json(site)), focus="国培计划", hops=2, types=["Program", "Institution", "Agency"]
    )
    _open(browser, out)
    assert browser.execute_script("return window.policykg.nodes.length") == H.number_of_nodes()
    legend = browser.find_element(By.ID, "legend").text
    assert "Program" in legend and "Document" in legend
    bad = runner.invoke(app, ["viz", str(site), "--focus", "不存在的计划", "-o", str(tmp_path / "x.html")])
    assert bad.exit_code == 1 and "not in the graph" in bad.stderr


def _page_json(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    start = html.index('<script type="application/json" id="policykg-data">') + len(
        '<script type="application/json" id="policykg-data">'
    )
    return html[start : html.index("</script>", start)]
