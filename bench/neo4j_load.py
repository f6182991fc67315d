"""Benchmark: the policykg Neo4j loader vs a naive per-row MERGE loader, in one run.

Prints relationships/s for both (the naive one on a subset), their ratio, and
the time of an unchanged re-load vs the first load. Uses NEO4J_URI when set,
else starts the local Neo4j (tools/neo4j-local) on a free port.

    .venv/bin/python -m bench.neo4j_load [--docs 200] [--naive 3000]
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import time
from pathlib import Path

from bench.synthetic import synthetic_graph
from graph import neo4j_local
from graph.neo4j_store import EDGE_TYPES, Neo4jStore, _props, open_driver

# One statement per relationship type, one row per call: how a loader
# without batching writes.
NAIVE_EDGE = {
    t: f"MATCH (a:Node {{uid: $u}}) MATCH (b:Node {{uid: $v}}) MERGE (a)-[r:{t} {{k: $k}}]->(b) SET r += $props"
    for t in EDGE_TYPES
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=200, help="synthetic documents (200 → ~100k relationships)")
    ap.add_argument("--naive", type=int, default=3000, help="relationships for the naive loader")
    ap.add_argument("--warmup", type=int, default=2, help="untimed loads between the cold and the timed one")
    args = ap.parse_args()

    G = synthetic_graph(args.docs)
    n_rels = G.number_of_edges()
    print(f"synthetic graph: {G.number_of_nodes():,} nodes, {n_rels:,} relationships, cores: {os.cpu_count()}")

    data = None
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        data = Path(tempfile.mkdtemp(prefix="policykg-bench-"))
        uri = neo4j_local.start(port=_free_port(), data_dir=data)
    try:
        with open_driver(uri, user=os.environ.get("NEO4J_USER"), password=os.environ.get("NEO4J_PASSWORD")) as driver:
            store = Neo4jStore(driver, database=os.environ.get("NEO4J_DATABASE"))
            store.clear()
            store.ensure_schema()
            # A fresh JVM runs Cypher interpreted until its JIT has compiled the
            # hot paths: time that once, as a cold load, then the steady state.
            t0 = time.perf_counter()
            cold = store.load(G)
            cold_s = time.perf_counter() - t0
            for _ in range(args.warmup):  # more loads of the same graph until the JIT settles
                store.clear()
                store.load(G)
            store.clear()

            t0 = time.perf_counter()
            first = store.load(G)
            first_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            again = store.load(G)
            again_s = time.perf_counter() - t0
            assert again.documents_unchanged == args.docs and again.relationships_written == 0

            # naive: the same nodes exist; write a subset of relationships one MERGE at a time
            edges = list(G.edges(data=True))[: args.naive]
            with driver.session(database=store.database, bookmark_manager=store.bookmarks) as session:
                session.run("MATCH ()-[r]->() WHERE r.k IS NOT NULL DELETE r").consume()
                t0 = time.perf_counter()
                for i, (u, v, d) in enumerate(edges):
                    session.run(
                        NAIVE_EDGE[d["type"]], u=u, v=v, k=f"naive{i}", props=_props(d, drop=("type",))
                    ).consume()
                naive_s = time.perf_counter() - t0

        ours = first.relationships_written / first_s
        naive = len(edges) / naive_s
        print()
        print(f"{'loader':<34}{'relationships':>14}{'seconds':>10}{'rel/s':>12}")
        cold_rate = cold.relationships_written / cold_s
        print(f"{'policykg, fresh JVM (cold)':<34}{cold.relationships_written:>14,}{cold_s:>10.2f}{cold_rate:>12,.0f}")
        warm = f"policykg, warm (after 1+{args.warmup} loads)"
        print(f"{warm:<34}{first.relationships_written:>14,}{first_s:>10.2f}{ours:>12,.0f}")
        print(f"{'naive (one MERGE per row)':<34}{len(edges):>14,}{naive_s:>10.2f}{naive:>12,.0f}")
        print(f"{'policykg unchanged re-load':<34}{0:>14,}{again_s:>10.2f}{'':>12}")
        print()
        print(f"speed-up over naive: {ours / naive:.1f}x   (aim ≥ 20x)")
        print(f"first load / unchanged re-load: {first_s / again_s:.1f}x   (aim ≥ 50x)")
        print(f"policykg relationships/s: {ours:,.0f}   (aim ≥ 30,000)")
    finally:
        if data is not None:
            neo4j_local.stop(data_dir=data)


if __name__ == "__main__":
    main()
