"""The local Neo4j really starts, enforces auth, keeps data, and really stops.

These start a JVM (about 5-10 s each, more the first time, when Maven builds the
launcher), so they carry the ``neo4j`` mark for runs that want to leave them out.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import neo4j
import pytest
from neo4j import GraphDatabase

from graph import neo4j_local

pytestmark = pytest.mark.neo4j


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_password_server_accepts_the_right_password_only(tmp_path: Path) -> None:
    port = _free_port()
    data = tmp_path / "neo4j"
    try:
        uri = neo4j_local.start(port=port, data_dir=data, password="s3cret-pw")
        assert uri == f"bolt://127.0.0.1:{port}"
        state = neo4j_local.status(data_dir=data)
        assert state is not None and state["ready"] is True and state["auth"] is True
        pid = int(state["pid"])
        # A second start for the same data dir finds the running server.
        assert neo4j_local.start(port=port, data_dir=data, password="s3cret-pw") == uri
        again = neo4j_local.status(data_dir=data)
        assert again is not None and again["pid"] == pid

        with GraphDatabase.driver(uri, auth=("neo4j", "s3cret-pw")) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
            assert records[0]["one"] == 1
            names, _, _ = driver.execute_query("SHOW DATABASES YIELD name", database_="system")
            assert {r["name"] for r in names} >= {"neo4j", "system"}
            with pytest.raises(neo4j.exceptions.ClientError, match=r"not found|does not exist"):
                driver.execute_query("RETURN 1", database_="no_such_db")

        with (
            GraphDatabase.driver(uri, auth=("neo4j", "wrong-pw")) as driver,
            pytest.raises(neo4j.exceptions.AuthError),
        ):
            driver.verify_connectivity()
    finally:
        stopped = neo4j_local.stop(data_dir=data)

    assert stopped is True
    assert _gone(pid)
    assert neo4j_local.status(data_dir=data) is None
    assert not (data / neo4j_local.STATE_FILE).exists()
    assert neo4j_local.stop(data_dir=data) is False


def test_server_without_password_has_auth_off_and_keeps_data(tmp_path: Path) -> None:
    data = tmp_path / "neo4j"
    try:
        uri = neo4j_local.start(port=_free_port(), data_dir=data)
        with GraphDatabase.driver(uri, auth=None) as driver:
            driver.execute_query("CREATE (:Probe {value: 42})")
        assert neo4j_local.stop(data_dir=data) is True

        # port=0: the server picks a free port and reports it.
        uri = neo4j_local.start(port=0, data_dir=data)
        state = neo4j_local.status(data_dir=data)
        assert state is not None and state["auth"] is False
        assert uri == f"bolt://127.0.0.1:{state['port']}" and int(state["port"]) > 0
        with GraphDatabase.driver(uri, auth=None) as driver:
            records, _, _ = driver.execute_query("MATCH (p:Probe) RETURN p.value AS value")
            assert [r["value"] for r in records] == [42]
        pid = int(state["pid"])
    finally:
        neo4j_local.stop(data_dir=data)
    assert _gone(pid)
