"""Benchmark: graph pages of ~1k, 5k and 20k nodes — time to generate, time until the browser has drawn.

Generation is `render_graph_page` (positions from Python above the layout
threshold); drawing is measured in headless Chromium as the time from
navigation start to vis-network's first `afterDrawing`.

    .venv/bin/python -m bench.pages [--sizes 1000,5000,20000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from selenium.webdriver.support.ui import WebDriverWait

from bench.synthetic import synthetic_graph
from graph.pages import select_subgraph, view_graph, write_graph_page
from tests.graph.test_browser import _browser


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,5000,20000", help="target node counts")
    args = ap.parse_args()
    driver = _browser()
    out = Path(tempfile.mkdtemp(prefix="policykg-pages-"))
    print(f"cores: {os.cpu_count()}")
    print(f"{'nodes':>8}{'edges':>9}{'generate (s)':>14}{'page MB':>9}{'drawn (s)':>11}")
    try:
        for target in (int(x) for x in args.sizes.split(",")):
            G = synthetic_graph(max(2, target // 50), pool=int(target * 1.3), points=20)
            H = view_graph(G)
            keep = sorted(H.nodes, key=lambda n: -H.degree(n))[:target]
            H = select_subgraph(H.subgraph(keep).copy())
            path = out / f"g{target}.html"
            t0 = time.perf_counter()
            write_graph_page(G, path, H=H)
            gen = time.perf_counter() - t0
            driver.get(path.resolve().as_uri())
            WebDriverWait(driver, 600).until(
                lambda d: d.execute_script("return !!(window.policykg && window.policykg.drawn)")
            )
            drawn_ms = driver.execute_script("return window.policykg.drawnMs")
            print(
                f"{H.number_of_nodes():>8,}{H.number_of_edges():>9,}{gen:>14.2f}"
                f"{path.stat().st_size / 1e6:>9.1f}{drawn_ms / 1000:>11.2f}"
            )
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
