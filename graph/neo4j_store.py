"""Loading the graph into Neo4j and reading it back, correctly, fast and repeatably.

Every node carries the extra label ``Node`` with a unique ``uid`` (the
networkx node id), so one indexed lookup finds either end of a relationship
whatever its type. Writes go in ``UNWIND $rows`` batches through managed
transactions (``execute_write``, retried by the driver), one statement per
label and relationship type; the labels and types in those statements come
from the schema's enums, never from data.

Documents are the unit of change. A document already loaded with the same
sha256 is skipped; one whose file (``source``) now has other content is
removed — its sections, points, targets and every relationship carrying its
``doc_id`` — and loaded again; entities survive while anything still links
to them. A document is marked ``complete`` only after all its parts are
written, so a load cut short (server killed, Ctrl-C) is redone on the next
run instead of being mistaken for done.

Nothing here assumes one machine. With a routing URI (``neo4j://``,
``neo4j+s://`` for Aura, ``neo4j+ssc://``) the driver sends every
``execute_write`` to the database's current leader and every ``execute_read``
to any member. Each session names its database; all the store's sessions
share one bookmark manager, so a read that follows a write in this process
waits until the member answering it has that write; and what a load decides
its writes by (documents and schema already there) is read on the leader,
which has every earlier load's writes too.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx
from neo4j import READ_ACCESS, WRITE_ACCESS, Driver, GraphDatabase, ManagedTransaction, Session, unit_of_work
from neo4j import exceptions as neo4j_exc
from neo4j.api import BookmarkManager

from graph.errors import Neo4jError, QueryError
from graph.model import ENTITY_TYPES, RELATION_TYPES, StructureRel
from graph.store import LoadReport

log = logging.getLogger(__name__)

BATCH = 5000
STRUCTURE_LABELS = ("Document", "Section", "Point", "Target")
EDGE_TYPES: tuple[str, ...] = tuple(t.value for t in StructureRel) + RELATION_TYPES


def _check(name: str, allowed: Iterable[str]) -> str:
    if name not in allowed:  # pragma: no cover - schema programming error
        raise ValueError(f"{name!r} is not in the schema")
    return name


# -- statements, built once from the schema enums ---------------------------
SCHEMA: tuple[str, ...] = (
    "CREATE CONSTRAINT node_uid IF NOT EXISTS FOR (n:Node) REQUIRE n.uid IS UNIQUE",
    "CREATE CONSTRAINT document_id IF NOT EXISTS FOR (n:Document) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT section_id IF NOT EXISTS FOR (n:Section) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT point_id IF NOT EXISTS FOR (n:Point) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT target_id IF NOT EXISTS FOR (n:Target) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT entity_key IF NOT EXISTS FOR (n:Entity) REQUIRE n.key IS UNIQUE",
    *(
        f"CREATE CONSTRAINT {t.lower()}_name IF NOT EXISTS FOR (n:{_check(t, ENTITY_TYPES)}) REQUIRE n.name IS UNIQUE"
        for t in ENTITY_TYPES
    ),
    "CREATE INDEX node_doc IF NOT EXISTS FOR (n:Node) ON (n.doc_id)",
    "CREATE INDEX point_doc IF NOT EXISTS FOR (n:Point) ON (n.doc_id)",
    "CREATE INDEX target_doc IF NOT EXISTS FOR (n:Target) ON (n.doc_id)",
    "CREATE INDEX document_source IF NOT EXISTS FOR (n:Document) ON (n.source)",
    "CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name)",
    *(
        f"CREATE INDEX rel_{t.lower()}_doc IF NOT EXISTS FOR ()-[r:{_check(t, EDGE_TYPES)}]-() ON (r.doc_id)"
        for t in EDGE_TYPES
    ),
)

WRITE_STRUCTURE = {
    label: (
        "UNWIND $rows AS row MERGE (n:Node {uid: row.uid}) "
        f"SET n:{_check(label, STRUCTURE_LABELS)}, n += row.props "
        "RETURN row.uid AS uid, elementId(n) AS eid"
    )
    for label in STRUCTURE_LABELS
}
WRITE_ENTITY = {
    etype: (
        "UNWIND $rows AS row MERGE (n:Node {uid: row.uid}) "
        f"SET n:Entity:{_check(etype, ENTITY_TYPES)}, n.key = row.uid, n.type = row.type, n.name = row.name, "
        "n.aliases = reduce(a = coalesce(n.aliases, []), x IN row.aliases | CASE WHEN x IN a THEN a ELSE a + x END) "
        "RETURN row.uid AS uid, elementId(n) AS eid"
    )
    for etype in ENTITY_TYPES
}
WRITE_EDGE = {
    rtype: (
        # element ids of nodes this load just wrote: a direct seek, ~40% faster than the uid index
        "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.a MATCH (b) WHERE elementId(b) = row.b "
        f"CREATE (a)-[r:{_check(rtype, EDGE_TYPES)}]->(b) SET r = row.props"
    )
    for rtype in EDGE_TYPES
}
DELETE_EDGES_OF_DOC = {
    rtype: f"MATCH ()-[r:{_check(rtype, EDGE_TYPES)}]->() WHERE r.doc_id = $doc_id DELETE r" for rtype in EDGE_TYPES
}
DELETE_NODES_OF_DOC = "MATCH (n:Node) WHERE n.doc_id = $doc_id DETACH DELETE n"
DELETE_DOCUMENT = "MATCH (d:Document {id: $doc_id}) DETACH DELETE d"
DELETE_ORPHAN_ENTITIES = "MATCH (e:Entity) WHERE NOT (e)--() DELETE e"
MARK_COMPLETE = "UNWIND $ids AS id MATCH (d:Document {id: id}) SET d.complete = true"
EXISTING_DOCUMENTS = (
    "MATCH (d:Document) RETURN d.id AS id, d.source AS source, d.sha256 AS sha256, d.complete AS complete"
)
MENTION_COUNTS = (
    "MATCH (e:Entity) OPTIONAL MATCH ()-[m:MENTIONS]->(e) WITH e, coalesce(sum(m.count), 0) AS c "
    "SET e.mention_count = c"
)


def _batches(rows: list[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _props(data: dict[str, Any], drop: Iterable[str] = ()) -> dict[str, Any]:
    """Node/edge attributes as Neo4j properties: no nulls, no nested lists."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        if v is None or k in drop:
            continue
        if k == "spans":  # [[start, end], …] → [start, end, start, end, …]
            out[k] = [x for pair in v for x in pair]
        else:
            out[k] = v
    return out


def doc_of_node(G: nx.MultiDiGraph, nid: str) -> str | None:
    data = G.nodes[nid]
    return nid if data.get("kind") == "Document" else data.get("doc_id")


class Neo4jStore:
    """A policykg graph in Neo4j, through a driver the caller opened and owns."""

    engine = "neo4j"

    def __init__(self, driver: Driver, *, database: str | None = None) -> None:
        self.driver = driver
        self.database = database
        # One per store, not the driver's execute_query manager: the store's
        # writes and reads are causally chained without making unrelated work
        # on the same driver wait for them. Callers opening their own sessions
        # pass it too (``bookmark_manager=store.bookmarks``) to see the load.
        self.bookmarks: BookmarkManager = GraphDatabase.bookmark_manager()

    # -- loading ---------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create the constraints and indexes that are missing (two reads when none are)."""
        _, constraints = self._read_on_leader("SHOW CONSTRAINTS YIELD name RETURN name")
        _, indexes = self._read_on_leader("SHOW INDEXES YIELD name RETURN name")
        present = {row[0] for row in constraints + indexes}
        for statement in SCHEMA:
            if statement.split()[2] not in present:  # CREATE CONSTRAINT|INDEX <name> …
                self._run_write(statement, {})

    def load(self, G: nx.MultiDiGraph, *, prune: bool = False) -> LoadReport:
        """Write `G`, skipping unchanged documents and replacing changed ones.

        With `prune`, the documents in Neo4j that `G` no longer has (a plan
        removed from the corpus) are removed too — their sections, points,
        targets and mentions, and the entities left with no mention — and
        nothing else.
        """
        started = time.perf_counter()
        report = LoadReport()
        self.ensure_schema()
        existing = self._existing()
        by_source = {row["source"]: row for row in existing}
        by_id = {row["id"]: row for row in existing}
        docs = [n for n, d in G.nodes(data=True) if d.get("kind") == "Document"]
        todo: set[str] = set()
        for doc_id in docs:
            data = G.nodes[doc_id]
            old = by_id.get(doc_id) or by_source.get(data.get("source"))
            if old is not None and old["sha256"] == data.get("sha256") and old.get("complete"):
                report.documents_unchanged += 1
                continue
            if old is not None:
                self._delete_document(old["id"])
                if old["sha256"] != data.get("sha256"):
                    report.documents_replaced += 1
            todo.add(doc_id)
        gone: list[str] = []
        if prune:
            kept = set(docs) | {
                by_source[G.nodes[d].get("source")]["id"] for d in docs if G.nodes[d].get("source") in by_source
            }
            gone = sorted(row["id"] for row in existing if row["id"] not in kept)
            for doc_id in gone:
                self._delete_document(doc_id)
            report.documents_removed = len(gone)
        if todo or gone:
            self._write(G, todo, report)
            self._run_write(DELETE_ORPHAN_ENTITIES, {})
            self._run_write(MENTION_COUNTS, {})
            if todo:
                self._run_write(MARK_COMPLETE, {"ids": sorted(todo)})
        report.documents_loaded = len(todo)
        report.seconds = time.perf_counter() - started
        log.info(
            "loaded %d documents (%d unchanged, %d replaced, %d removed): %d nodes, %d relationships in %.2fs",
            report.documents_loaded,
            report.documents_unchanged,
            report.documents_replaced,
            report.documents_removed,
            report.nodes_written,
            report.relationships_written,
            report.seconds,
        )
        return report

    def _write(self, G: nx.MultiDiGraph, todo: set[str], report: LoadReport) -> None:
        structure: dict[str, list[dict[str, Any]]] = defaultdict(list)
        entities: dict[str, list[dict[str, Any]]] = defaultdict(list)
        needed_entities: set[str] = set()
        for nid, data in G.nodes(data=True):
            kind = data.get("kind")
            if kind in STRUCTURE_LABELS and doc_of_node(G, nid) in todo:
                props = _props(data, drop=("kind", "label"))
                props["uid"] = nid
                props.setdefault("id", nid)
                if kind == "Document":
                    props["complete"] = False
                structure[kind].append({"uid": nid, "props": props})
        edges: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for u, v, data in G.edges(data=True):
            if data.get("doc_id") not in todo:
                continue
            rtype = data["type"]
            edges[rtype].append({"u": u, "v": v, "props": _props(data, drop=("type",))})
            for n in (u, v):
                if G.nodes[n].get("kind") == "Entity":
                    needed_entities.add(n)
        for nid in needed_entities:
            data = G.nodes[nid]
            entities[data["type"]].append(
                {"uid": nid, "type": data["type"], "name": data["name"], "aliases": list(data.get("aliases", []))}
            )
        eids: dict[str, str] = {}
        for label in STRUCTURE_LABELS:
            eids.update(self._write_nodes(WRITE_STRUCTURE[label], structure.get(label, [])))
        for etype in ENTITY_TYPES:
            eids.update(self._write_nodes(WRITE_ENTITY[etype], entities.get(etype, [])))
        report.nodes_written += len(eids)
        for rtype in EDGE_TYPES:
            rows = [{"a": eids[r["u"]], "b": eids[r["v"]], "props": r["props"]} for r in edges.get(rtype, [])]
            n = self._write_rows(WRITE_EDGE[rtype], rows)
            report.relationships_written += n
            if n:
                report.per_type[rtype] = report.per_type.get(rtype, 0) + n

    def _write_nodes(self, statement: str, rows: list[dict[str, Any]]) -> dict[str, str]:
        """Write node rows; returns each uid's element id for the relationships that follow."""

        def work(tx: ManagedTransaction, batch: list[dict[str, Any]]) -> list[tuple[str, str]]:
            return [(r["uid"], r["eid"]) for r in tx.run(statement, rows=batch)]

        out: dict[str, str] = {}
        for batch in _batches(rows):
            with translate_errors(), self._session() as session:
                out.update(session.execute_write(work, batch))
        return out

    def _write_rows(self, statement: str, rows: list[dict[str, Any]]) -> int:
        for batch in _batches(rows):
            self._run_write(statement, {"rows": batch})
        return len(rows)

    def _delete_document(self, doc_id: str) -> None:
        for statement in DELETE_EDGES_OF_DOC.values():
            self._run_write(statement, {"doc_id": doc_id})
        self._run_write(DELETE_NODES_OF_DOC, {"doc_id": doc_id})
        self._run_write(DELETE_DOCUMENT, {"doc_id": doc_id})

    def _existing(self) -> list[dict[str, Any]]:
        _, rows = self._read_on_leader(EXISTING_DOCUMENTS)
        return [dict(zip(("id", "source", "sha256", "complete"), row, strict=True)) for row in rows]

    # -- transactions ------------------------------------------------------------
    def _session(self, *, read: bool = False) -> Session:
        """Every session the store opens, so none can forget the database or the bookmarks.

        ``database=None`` leaves the choice to the server (the user's home
        database), at the cost of a lookup; a name skips it and fails fast if
        wrong.
        """
        return self.driver.session(
            database=self.database,
            bookmark_manager=self.bookmarks,
            default_access_mode=READ_ACCESS if read else WRITE_ACCESS,
        )

    def _run_write(self, statement: str, params: dict[str, Any]) -> None:
        def work(tx: ManagedTransaction) -> None:
            tx.run(statement, params).consume()

        with translate_errors(), self._session() as session:
            session.execute_write(work)

    def read(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> tuple[list[str], list[list[Any]]]:
        """Run `cypher` in a READ transaction: Neo4j itself refuses any write.

        Args:
            timeout: the transaction's timeout in seconds; the server stops it then.
            max_rows: fetch at most this many rows plus one; the server streams
                rows in batches, so the rest are never sent.
        """
        work = unit_of_work(timeout=timeout)(_rows) if timeout else _rows
        try:
            with translate_errors(), self._session(read=True) as session:
                return session.execute_read(work, cypher, params or {}, max_rows)
        except neo4j_exc.ClientError as e:
            if timeout and "TransactionTimedOut" in (e.code or ""):
                raise QueryError(
                    f"the query ran past {timeout:g} s and was stopped; narrow it or raise --timeout"
                ) from e
            raise

    def _read_on_leader(self, cypher: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[list[Any]]]:
        """A read the load decides its writes by, asked of the leader.

        Bookmarks chain only this process's transactions; a follower may not
        yet have what an earlier ``policykg load`` wrote, and a load that
        trusted it would take loaded documents for new and create their
        relationships a second time.
        """
        with translate_errors(), self._session() as session:
            return session.execute_write(_rows, cypher, params or {})

    def close(self) -> None:
        """The driver belongs to the caller, who closes it."""

    def clear(self) -> None:
        """Remove every node and relationship (tests, `load --replace`)."""
        while True:
            _, rows = self.read("MATCH (n) RETURN count(n) AS c")
            if not rows or rows[0][0] == 0:
                return
            self._run_write("MATCH (n) WITH n LIMIT 20000 DETACH DELETE n", {})


def _rows(
    tx: ManagedTransaction, cypher: str, params: dict[str, Any], max_rows: int | None = None
) -> tuple[list[str], list[list[Any]]]:
    result = tx.run(cypher, params)
    keys = list(result.keys())
    rows: list[list[Any]] = []
    for record in result:
        rows.append([_plain(v) for v in record.values()])
        if max_rows is not None and len(rows) > max_rows:
            break  # the transaction's end discards the rest on the server
    return keys, rows


def _plain(value: Any) -> Any:
    """Driver values (nodes, relationships, paths) as plain JSON-able data."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return dict(value)
    if isinstance(value, Relationship):
        return {"type": value.type, **dict(value)}
    if isinstance(value, Path):
        return [dict(n) for n in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@contextmanager
def translate_errors(uri: str | None = None) -> Iterator[None]:
    """Driver exceptions a user can fix become one-line Neo4jError/QueryError messages."""
    try:
        yield
    except neo4j_exc.AuthError as exc:
        raise Neo4jError("Neo4j refused the login; set NEO4J_USER/NEO4J_PASSWORD or pass --user/--password") from exc
    except neo4j_exc.ServiceUnavailable as exc:
        where = f" at {uri}" if uri else ""
        raise Neo4jError(
            f"cannot reach Neo4j{where}; start one with `policykg neo4j start` or set NEO4J_URI to a running server"
        ) from exc
    except (neo4j_exc.SessionExpired, neo4j_exc.TransientError) as exc:
        # What the driver still raises once its retries (max_transaction_retry_time)
        # are spent: a cluster with no leader, a member restarting, lock contention.
        what = getattr(exc, "code", None) or type(exc).__name__
        raise Neo4jError(
            f"Neo4j kept failing with a transient error ({what}); wait until the database is available "
            "and run the command again (a load cut short is redone, never doubled)"
        ) from exc
    except neo4j_exc.ClientError as exc:
        code = exc.code or ""
        message = str(exc.message or "")
        if "DatabaseNotFound" in code or "database does not exist" in message.lower():
            raise Neo4jError("that Neo4j database does not exist; pass --database neo4j or create it first") from exc
        if "AccessMode" in code or "ForbiddenDueToTransactionType" in code or "read access mode" in message:
            raise QueryError(
                "this query writes; ad-hoc Cypher runs read-only — use `policykg load` to change the graph"
            ) from exc
        if "SyntaxError" in code:
            first = message.splitlines()[0] if message else code
            raise QueryError(f"Cypher syntax error: {first}; fix the query and run it again") from exc
        if "ParameterMissing" in code:
            raise QueryError(f"{message}; pass it with -p name=value") from exc
        raise


def open_driver(
    uri: str, *, user: str | None = None, password: str | None = None, retry_seconds: float = 15.0
) -> Driver:
    """A driver that has reached the server, or a one-line error saying what to do.

    The caller owns it: ``with open_driver(...) as driver:``. Authentication is
    sent only when a password is given (a server with auth off needs none).
    """
    auth = (user or "neo4j", password) if password else None
    try:
        # Managed transactions retry transient failures (a leader change, a
        # deadlock, a restarting server) with backoff, for at most retry_seconds.
        driver = GraphDatabase.driver(
            uri, auth=auth, notifications_min_severity="OFF", max_transaction_retry_time=retry_seconds
        )
    except (ValueError, neo4j_exc.ConfigurationError) as e:
        raise Neo4jError(f"{uri!r} is not a Neo4j URI; use bolt://host:7687 or neo4j+s://… for Aura") from e
    try:
        with translate_errors(uri):
            driver.verify_connectivity()
    except BaseException:
        driver.close()
        raise
    return driver
