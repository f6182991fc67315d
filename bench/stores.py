"""Benchmark: the embedded store (LadybugDB) vs Neo4j, on synthetic graphs of ~10k and ~100k relationships.

For each size prints the load time on each store and the median time of every
named query (5 runs each, after one warm-up run). Uses NEO4J_URI when set,
else starts the local Neo4j.

    .venv/bin/python -m bench.stores [--sizes 20,200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

from bench.neo4j_load import _free_port
from bench.synthetic import synthetic_graph
from graph import neo4j_local
from graph.embedded import open_embedded, write_store
from graph.neo4j_store import Neo4jStore, open_driver
from graph.queries import load_queries


def _params(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    programmes = sorted(
        ((d["name"], G.in_degree(n)) for n, d in G.nodes(data=True) if d.get("type") == "Program"),
        key=lambda x: -x[1],
    )
    institutions = [d["name"] for _, d in G.nodes(data=True) if d.get("type") == "Institution"]
    sources = sorted(d["source"] for _, d in G.nodes(data=True) if d.get("kind") == "Document")
    return {
        "entity_neighbourhood": {"name": programmes[0][0]},
        "programme_institutions": {"programme": programmes[0][0]},
        "path_between": {"from": institutions[0], "to": programmes[-1][0]},
        "points_mentioning": {"name": programmes[0][0]},
        "document_overview": {"source": sources[0]},
        "compare_programmes": {"a": sources[0], "b": sources[1]},
        "targets_by_document": {"source": sources[0]},
    }


def _median_ms(store: Any, text: str, params: dict[str, Any], runs: int = 5) -> float:
    store.read(text, params)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        store.read(text, params)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="20,200", help="synthetic document counts (20 ≈ 10k, 200 ≈ 100k relationships)")
    args = ap.parse_args()
    queries = load_queries()
    data = None
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        data = Path(tempfile.mkdtemp(prefix="policykg-bench-"))
        uri = neo4j_local.start(port=_free_port(), data_dir=data)
    print(f"cores: {os.cpu_count()}")
    try:
        with open_driver(uri, user=os.environ.get("NEO4J_USER"), password=os.environ.get("NEO4J_PASSWORD")) as driver:
            neo = Neo4jStore(driver, database=os.environ.get("NEO4J_DATABASE"))
            for n_docs in (int(x) for x in args.sizes.split(",")):
                G = synthetic_graph(n_docs)
                params = _params(G)
                neo.clear()
                t0 = time.perf_counter()
                neo.load(G)
                neo_load = time.perf_counter() - t0
                out = Path(tempfile.mkdtemp(prefix="policykg-emb-"))
                t0 = time.perf_counter()
                write_store(G, out)
                emb_load = time.perf_counter() - t0
                emb = open_embedded(out)
                print(f"\n{G.number_of_nodes():,} nodes, {G.number_of_edges():,} relationships")
                print(f"{'':<26}{'embedded':>12}{'Neo4j':>12}{'ratio':>8}")
                print(f"{'load (s)':<26}{emb_load:>12.2f}{neo_load:>12.2f}{neo_load / emb_load:>8.1f}")
                medians = []
                for name, q in sorted(queries.items()):
                    bound = q.bind(params.get(name, {}))
                    e = _median_ms(emb, q.text_for(emb.engine), bound)
                    n = _median_ms(neo, q.text_for(neo.engine), bound)
                    medians.append((e, n))
                    print(f"{name + ' (ms)':<26}{e:>12.1f}{n:>12.1f}{n / e:>8.1f}")
                me = statistics.median(m[0] for m in medians)
                mn = statistics.median(m[1] for m in medians)
                print(f"{'median query (ms)':<26}{me:>12.1f}{mn:>12.1f}{mn / me:>8.1f}")
                emb.close()
    finally:
        if data is not None:
            neo4j_local.stop(data_dir=data)


if __name__ == "__main__":
    main()
