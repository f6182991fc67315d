"""The loader through a routing URI (``neo4j://``), as on a cluster or Aura, against the suite's server.

A single server answers routing requests with itself as leader, reader and
router, so the driver takes its cluster path: routing tables, writes sent to
the WRITE member, reads to a READ member, bookmarks carried between sessions.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from urllib.parse import urlsplit, urlunsplit

import neo4j
import networkx as nx
import pytest
from neo4j import GraphDatabase, RoutingControl
from neo4j.api import BookmarkManager
from typer.testing import CliRunner

from cli import app
from graph.errors import Neo4jError
from graph.files import read_graph_json
from graph.neo4j_store import Neo4jStore, open_driver, translate_errors
from tests.conftest import _free_port
from tests.graph.test_neo4j_store import graph_counts, neo4j_counts

pytestmark = pytest.mark.neo4j
runner = CliRunner()

ROUTING_SCHEMES = {"bolt": "neo4j", "bolt+s": "neo4j+s", "bolt+ssc": "neo4j+ssc"}


def routing(uri: str) -> str:
    """The same server as a routing URI: bolt://host:port → neo4j://host:port (a routing URI stays)."""
    parts = urlsplit(uri)
    scheme = ROUTING_SCHEMES.get(parts.scheme, parts.scheme)
    assert scheme.startswith("neo4j"), uri
    return urlunsplit((scheme, parts.netloc, "", "", ""))


def test_routing_uri_rewrite():
    assert routing("bolt://127.0.0.1:7687") == "neo4j://127.0.0.1:7687"
    assert routing("bolt+s://db.example:7687") == "neo4j+s://db.example:7687"
    assert routing("neo4j+s://abc.databases.neo4j.io") == "neo4j+s://abc.databases.neo4j.io"


def _open(uri: str) -> neo4j.Driver:
    return open_driver(uri, user=os.environ.get("NEO4J_USER"), password=os.environ.get("NEO4J_PASSWORD"))


@pytest.fixture(scope="module")
def G(built) -> nx.MultiDiGraph:
    return read_graph_json(built.files["graph"])


@pytest.fixture()
def routing_uri(neo4j_uri) -> str:
    return routing(neo4j_uri)


@pytest.fixture()
def routing_driver(routing_uri) -> Iterator[neo4j.Driver]:
    with _open(routing_uri) as driver:
        yield driver


@pytest.fixture()
def routing_store(routing_driver) -> Neo4jStore:
    store = Neo4jStore(routing_driver, database=os.environ.get("NEO4J_DATABASE"))
    store.clear()
    return store


def test_routing_driver_finds_a_leader(routing_driver, routing_store):
    assert isinstance(routing_driver, neo4j.Neo4jDriver)  # the routing driver, not the direct BoltDriver
    info = routing_driver.get_server_info()
    assert info.agent.startswith("Neo4j/5"), info.agent
    # Which database the store's sessions land on (the home database when none is named).
    _, summary, _ = routing_driver.execute_query(
        "RETURN 1", database_=routing_store.database, routing_=RoutingControl.WRITE
    )
    database = summary.database
    assert database
    records, _, _ = routing_driver.execute_query(
        "CALL dbms.routing.getRoutingTable({}, $db) YIELD ttl, servers RETURN ttl, servers",
        db=database,
        database_="system",
        routing_=RoutingControl.READ,
    )
    table = {s["role"]: s["addresses"] for s in records[0]["servers"]}
    assert set(table) == {"WRITE", "READ", "ROUTE"} and records[0]["ttl"] > 0
    assert len(table["WRITE"]) == 1  # one leader takes every write
    if not os.environ.get("NEO4J_URI"):  # the suite's own server: addresses as it advertises them
        assert str(summary.server.address) in table["WRITE"]  # the write went to the leader


def test_load_through_routing_equals_bolt_load(neo4j_store, routing_store, G):
    bolt_report = neo4j_store.load(G)
    bolt_counts = neo4j_counts(neo4j_store)
    assert bolt_counts == graph_counts(G)
    neo4j_store.clear()

    report = routing_store.load(G)
    assert (report.documents_loaded, report.nodes_written, report.relationships_written) == (
        bolt_report.documents_loaded,
        bolt_report.nodes_written,
        bolt_report.relationships_written,
    )
    assert report.per_type == bolt_report.per_type
    assert neo4j_counts(routing_store) == bolt_counts
    # The next load decides by what is already there: it must see the first load.
    again = routing_store.load(G)
    assert (again.documents_unchanged, again.documents_loaded, again.relationships_written) == (2, 0, 0)
    assert neo4j_counts(routing_store) == bolt_counts


class RecordingBookmarks(BookmarkManager):
    """The driver's own manager, noting what each transaction was handed and what each commit left."""

    def __init__(self) -> None:
        self.inner = GraphDatabase.bookmark_manager()
        self.handed: list[set[str]] = []
        self.committed: list[set[str]] = []

    def update_bookmarks(self, previous_bookmarks: Collection[str], new_bookmarks: Collection[str]) -> None:
        self.committed.append(set(new_bookmarks))
        self.inner.update_bookmarks(previous_bookmarks, new_bookmarks)

    def get_bookmarks(self) -> Collection[str]:
        bookmarks = self.inner.get_bookmarks()
        self.handed.append(set(bookmarks))
        return bookmarks


def test_a_read_after_the_load_waits_for_the_load(routing_store, G):
    """On a cluster the read may land on a follower: the load's last bookmark makes it wait for the load."""
    recording = RecordingBookmarks()
    routing_store.bookmarks = recording
    routing_store.load(G)
    assert recording.committed, "the load's write transactions did not report to the store's bookmark manager"
    last_write = recording.committed[-1]
    assert last_write
    before = len(recording.handed)
    _, rows = routing_store.read("MATCH (d:Document) WHERE d.complete RETURN count(d)")
    assert rows == [[2]]  # read-your-writes: every document, marked complete by the load's last write
    handed = recording.handed[before:]
    assert handed, "the read did not ask the store's bookmark manager for bookmarks"
    assert all(last_write <= b for b in handed), (last_write, handed)


def test_every_session_names_the_database_and_shares_the_bookmarks(routing_driver, G):
    """What routing relies on: reads and writes in sessions of the right mode, on a named database."""
    database = os.environ.get("NEO4J_DATABASE") or "neo4j"
    spy = SessionSpy(routing_driver)
    store = Neo4jStore(spy, database=database)  # type: ignore[arg-type]
    store.clear()
    store.load(G)
    store.read("MATCH (n) RETURN count(n)")
    assert spy.sessions and {s["database"] for s in spy.sessions} == {database}
    assert all(s["bookmark_manager"] is store.bookmarks for s in spy.sessions)
    assert {s["default_access_mode"] for s in spy.sessions} == {neo4j.READ_ACCESS, neo4j.WRITE_ACCESS}
    assert spy.calls["execute_write"] > 0 and spy.calls["execute_read"] > 0
    assert set(spy.calls) == {"execute_write", "execute_read"}  # no auto-commit run(), no explicit transaction
    # What a load decides its writes by is read on the leader: a follower may lag behind an earlier load.
    spy.calls.clear()
    assert len(store._existing()) == 2
    store.ensure_schema()
    assert spy.calls == {"execute_write": 3}


class SessionSpy:
    """A driver whose sessions note how they were opened and which transaction functions they ran."""

    def __init__(self, driver: neo4j.Driver) -> None:
        self._driver = driver
        self.sessions: list[dict[str, object]] = []
        self.calls: dict[str, int] = {}

    def session(self, **config: object) -> _SpiedSession:
        self.sessions.append(config)
        return _SpiedSession(self._driver.session(**config), self.calls)  # type: ignore[arg-type]


class _SpiedSession:
    def __init__(self, session: neo4j.Session, calls: dict[str, int]) -> None:
        self._session = session
        self._calls = calls

    def __enter__(self) -> _SpiedSession:
        self._session.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._session.__exit__(*exc)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:
        self._calls[name] = self._calls.get(name, 0) + 1
        return getattr(self._session, name)


def test_wrong_database_is_one_line(routing_driver, routing_uri, G):
    store = Neo4jStore(routing_driver, database="nosuchdb")
    with pytest.raises(Neo4jError, match="database does not exist; pass --database"):
        store.read("RETURN 1")
    with pytest.raises(Neo4jError, match="database does not exist; pass --database"):
        store.load(G)
    result = runner.invoke(app, ["query", "documents", "--uri", routing_uri, "--database", "nosuchdb"])
    assert result.exit_code == 5, result.output
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr and "Traceback" not in result.output


def test_cli_load_and_query_through_routing_uri(routing_uri, routing_store, built):
    loaded = runner.invoke(app, ["load", str(built.files["graph"]), "--uri", routing_uri])
    assert loaded.exit_code == 0, loaded.output
    assert "loaded 2 documents (0 unchanged" in loaded.stdout
    result = runner.invoke(app, ["query", "documents", "-f", "csv", "--uri", routing_uri])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 3  # header and both plans


@pytest.mark.parametrize("scheme", ["neo4j", "neo4j+s", "neo4j+ssc"])
def test_routing_schemes_are_accepted_and_unreachable_is_one_line(scheme):
    uri = f"{scheme}://127.0.0.1:{_free_port()}"
    with pytest.raises(Neo4jError) as caught:
        open_driver(uri, retry_seconds=1)
    message = str(caught.value)
    assert "cannot reach Neo4j at " + uri in message and "not a Neo4j URI" not in message


@pytest.mark.parametrize(
    "error",
    [neo4j.exceptions.SessionExpired("no leader"), neo4j.exceptions.TransientError("election in progress")],
    ids=["session-expired", "transient"],
)
def test_retries_spent_on_a_cluster_is_one_line(error):
    """What the driver raises once max_transaction_retry_time is spent, e.g. while a cluster elects a leader."""
    with pytest.raises(Neo4jError, match=r"transient error .*run the command again"), translate_errors():
        raise error
