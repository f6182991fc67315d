"""A Neo4j that goes away in the middle of a load: the next load converges, with no duplicates."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from bench.synthetic import synthetic_graph
from graph import neo4j_local
from graph.errors import Neo4jError
from graph.neo4j_store import Neo4jStore, open_driver
from tests.conftest import _free_port
from tests.graph.test_neo4j_store import graph_counts, neo4j_counts

pytestmark = pytest.mark.neo4j


def test_server_killed_mid_load_then_rerun_converges(tmp_path):
    G = synthetic_graph(100)
    data = tmp_path / "neo4j"
    port = _free_port()
    uri = neo4j_local.start(port=port, data_dir=data)
    errors: list[BaseException] = []
    try:
        driver = open_driver(uri, retry_seconds=2)
        store = Neo4jStore(driver)

        def load() -> None:
            try:
                store.load(G)
            except BaseException as e:  # the server dies under it: that is the point
                errors.append(e)

        worker = threading.Thread(target=load)
        worker.start()
        deadline = time.time() + 120
        while time.time() < deadline:  # wait until relationships are being written
            _, rows = store.read("MATCH ()-[r]->() RETURN count(r) AS n")
            if rows[0][0] > 0:
                break
            time.sleep(0.2)
        state = neo4j_local.status(data_dir=data)
        assert state is not None
        os.kill(int(state["pid"]), signal.SIGKILL)
        worker.join(timeout=120)
        driver.close()
        assert errors and isinstance(errors[0], Neo4jError)  # one clear error, not a hang

        uri = neo4j_local.start(port=port, data_dir=data)
        with open_driver(uri) as driver:
            store = Neo4jStore(driver)
            _, partial = store.read("MATCH (d:Document) WHERE d.complete = true RETURN count(d) AS n")
            assert partial[0][0] < 100  # the first load really was cut short
            report = store.load(G)
            assert report.documents_loaded > 0
            assert neo4j_counts(store) == graph_counts(G)
            _, dupes = store.read(
                "MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, r.doc_id AS d, r.point_id AS p, r.start AS s, "
                "count(*) AS c WHERE c > 1 AND t <> 'MENTIONS' AND t <> 'CO_OCCURS' RETURN count(*) AS n"
            )
            assert dupes == [[0]]
            again = store.load(G)
            assert again.documents_unchanged == 100 and neo4j_counts(store) == graph_counts(G)
    finally:
        neo4j_local.stop(data_dir=data)
