"""The embedded graph store: Cypher with no server, on LadybugDB.

LadybugDB (the maintained successor of Kùzu; in-process, MIT, one file plus
WAL) answers the same named queries as Neo4j. Its costs shape this module:
tables are declared up front (our schema is fixed), a node has exactly one
label, relationship tables list their FROM/TO pairs, and bulk loading goes
through ``COPY`` (here from in-memory Arrow tables, no files or escaping).
Every node table carries the union of node properties and every
relationship table the union of relationship properties, so a query may
read ``n.name`` or ``r.weight`` on any of them, as it can in Neo4j.

`build` writes the store into its new generation folder with every other
output and switches them together (`graph.outdir`): a crash mid-build leaves
the previous store in use. Readers open it read-only, so ad-hoc Cypher can
never write, with a buffer pool cap and the engine's query timeout; what a
read-only database still lets Cypher do to the machine (COPY TO, LOAD FROM,
LOAD EXTENSION, CHECKPOINT) is refused by `graph.guard` before it runs.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import product
from pathlib import Path
from typing import Any

import networkx as nx

from graph.errors import GraphFileError, OutputError, QueryError
from graph.model import ENTITY_TYPES, RELATION_TYPES
from graph.store import LoadReport

log = logging.getLogger(__name__)

ENGINE = "ladybug"
STORE_LINK = "store"
DB_FILE = "graph.lbdb"
STRUCTURE = ("Document", "Section", "Point", "Target")

NODE_PROPS: dict[str, str] = {
    "uid": "STRING",
    "id": "STRING",
    "kind": "STRING",
    "doc_id": "STRING",
    "title": "STRING",
    "plan_title": "STRING",
    "issuer": "STRING",
    "doc_number": "STRING",
    "issued_date": "STRING",
    "published_date": "STRING",
    "source": "STRING",
    "sha256": "STRING",
    "addressees": "STRING[]",
    "issuers": "STRING[]",
    "issuer_source": "STRING",
    "target_kind": "STRING",
    "place": "STRING",
    "level": "INT64",
    "ordinal": "STRING",
    "number": "INT64",
    "text": "STRING",
    "key": "STRING",
    "type": "STRING",
    "name": "STRING",
    "aliases": "STRING[]",
    "mention_count": "INT64",
    "value": "DOUBLE",
    "value_max": "DOUBLE",
    "unit": "STRING",
    "qualifier": "STRING",
    "point_id": "STRING",
    "complete": "BOOLEAN",
}
REL_PROPS: dict[str, str] = {
    "doc_id": "STRING",
    "point_id": "STRING",
    "sentence": "STRING",
    "trigger": "STRING",
    "role": "STRING",
    "part": "STRING",
    "read_from": "STRING",
    "start": "INT64",
    "end": "INT64",
    "count": "INT64",
    "weight": "INT64",
    "spans": "INT64[]",
}
UNITS = ("Document", "Section", "Point")
NODE_TABLES = frozenset((*STRUCTURE, *ENTITY_TYPES))
REL_PAIRS: dict[str, list[tuple[str, str]]] = {
    "HAS_SECTION": [("Document", "Section"), ("Section", "Section")],
    "HAS_POINT": [("Document", "Point"), ("Section", "Point")],
    "ISSUED": [("Agency", "Document"), ("Institution", "Document")],  # a school issues its own plan
    "ADDRESSED_TO": [("Document", "Agency"), ("Document", "Institution")],
    "MENTIONS": list(product(UNITS, ENTITY_TYPES)),
    "SETS_TARGET": [("Point", "Target")],
    "FOR": [("Target", e) for e in ENTITY_TYPES],
    "CO_OCCURS": list(product(ENTITY_TYPES, ENTITY_TYPES)),
    "RESPONSIBLE_FOR": [("Agency", "Point")],
    **{r: list(product(ENTITY_TYPES, ENTITY_TYPES)) for r in RELATION_TYPES},
}


def _ddl() -> list[str]:
    """CREATE statements from the schema constants (never from data)."""
    node_cols = ", ".join(f"`{k}` {t}" for k, t in NODE_PROPS.items())
    rel_cols = ", ".join(f"`{k}` {t}" for k, t in REL_PROPS.items())
    out = [f"CREATE NODE TABLE `{label}`({node_cols}, PRIMARY KEY(uid))" for label in (*STRUCTURE, *ENTITY_TYPES)]
    for rtype, pairs in REL_PAIRS.items():
        ends = ", ".join(f"FROM `{a}` TO `{b}`" for a, b in pairs)
        out.append(f"CREATE REL TABLE `{rtype}`({ends}, {rel_cols})")  # `FOR` is a keyword
    return out


def _label(data: dict[str, Any]) -> str:
    return data["type"] if data.get("kind") == "Entity" else data["kind"]


def _node_row(nid: str, data: dict[str, Any]) -> dict[str, Any]:
    row = {k: data.get(k) for k in NODE_PROPS}
    row["uid"] = nid
    row["id"] = data.get("id", nid)
    if data.get("kind") == "Entity":
        row["key"] = nid
    if data.get("kind") == "Document":
        row["complete"] = True
    for k in ("addressees", "aliases", "issuers"):
        value = row[k]
        row[k] = list(value) if value is not None else None
    return row


def _rel_row(u: str, v: str, data: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"from": u, "to": v}
    for k in REL_PROPS:
        value = data.get(k)
        if k == "spans" and value is not None:
            value = [x for pair in value for x in pair]
        row[k] = value
    return row


# A reader's buffer pool. The engine counts space it reserves, not what it
# touches: path_between (a SHORTEST path with nodes(p)) is refused below
# ~1.7 GB on the 216-node examples while the process stays under 150 MB, and
# a 30-hop variable-length path over them is refused at 4 GB within 0.6 s at
# 180 MB. So the cap is set well above what the named queries reserve.
DEFAULT_MAX_MEMORY_MB = 4096
READER_SETTINGS = "CALL spill_to_disk=false"

COPY_ROWS = 20_000  # rows per COPY: bounds the rows held per table, few enough COPYs to stay fast
SESSION_EDGES = 60_000  # relationships per database session (see EmbeddedStore.load_rows)

# (label, node id, properties) and (type, from label, to label, from id, to id, properties)
NodeRow = tuple[str, str, dict[str, Any]]
EdgeRow = tuple[str, str, str, str, str, dict[str, Any]]


def graph_rows(G: nx.MultiDiGraph) -> tuple[Iterator[NodeRow], Iterator[EdgeRow]]:
    """The rows of an in-memory graph, for :meth:`EmbeddedStore.load_rows`."""
    nodes = ((_label(d), nid, d) for nid, d in G.nodes(data=True))
    edges = ((d["type"], _label(G.nodes[u]), _label(G.nodes[v]), u, v, d) for u, v, d in G.edges(data=True))
    return nodes, edges


def _arrow(rows: list[dict[str, Any]], columns: dict[str, str], *, rel: bool = False) -> Any:
    import pyarrow as pa  # only the loader needs it

    types = {
        "STRING": pa.string(),
        "INT64": pa.int64(),
        "DOUBLE": pa.float64(),
        "BOOLEAN": pa.bool_(),
        "STRING[]": pa.list_(pa.string()),
        "INT64[]": pa.list_(pa.int64()),
    }
    fields = [pa.field("from", pa.string()), pa.field("to", pa.string())] if rel else []
    fields += [pa.field(k, types[t]) for k, t in columns.items()]
    schema = pa.schema(fields)
    return pa.Table.from_pylist(rows, schema=schema)


class EmbeddedStore:
    """A LadybugDB database in a folder: loaded once by `build`, then read."""

    engine = ENGINE

    def __init__(self, path: Path, *, read_only: bool = True, max_memory_mb: int | None = None) -> None:
        """Open the database; a reader gets the engine's own limits too.

        Args:
            read_only: readers open it read-only (the engine refuses writes).
            max_memory_mb: the engine's buffer pool, which bounds what a query
                may hold (intermediate results, the result itself); the
                engine's default is ~80% of the machine. Readers default to
                DEFAULT_MAX_MEMORY_MB.
        """
        self.path = path
        self._read_only = read_only
        self._session_edges = 0  # relationships copied since the database was opened
        if max_memory_mb is None and read_only:
            max_memory_mb = DEFAULT_MAX_MEMORY_MB
        self.max_memory_mb = max_memory_mb
        try:
            self._open()
        except RuntimeError as e:
            raise GraphFileError(
                f"{path}: cannot open the embedded store ({str(e).splitlines()[0]}); rebuild it with `policykg build`"
            ) from e

    def _open(self) -> None:
        import ladybug  # heavy native module: imported when a store is opened

        options: dict[str, Any] = {"read_only": self._read_only}
        if self.max_memory_mb:
            options["buffer_pool_size"] = self.max_memory_mb * 1024 * 1024
        if self._read_only:
            options["auto_checkpoint"] = False  # a reader never writes the store's files
        self._db = ladybug.Database(str(self.path), **options)
        self._conn = ladybug.Connection(self._db)
        if self._read_only:
            # The engine has no switch for its file functions (COPY TO, LOAD FROM,
            # LOAD EXTENSION run on a read-only database; graph.guard stops them).
            # What it does let us switch off: spilling query state to temp files.
            self._conn.execute(READER_SETTINGS)

    def _reopen(self) -> None:
        """Close and open the database: the engine frees a table's working memory only on close."""
        self._conn.close()
        self._db.close()
        self._open()
        self._session_edges = 0

    def load(self, G: nx.MultiDiGraph) -> LoadReport:
        """Create the tables and COPY the whole graph into this (empty) store."""
        return self.load_rows(*graph_rows(G))

    def load_rows(self, nodes: Iterable[NodeRow], edges: Iterable[EdgeRow]) -> LoadReport:
        """Create the tables and COPY rows in, a slice of each table at a time.

        Rows may come from a graph in memory or stream from disk (`build`'s
        spool); at most COPY_ROWS rows per table are held. All nodes come
        before edges: a relationship's ends must exist when it is copied.
        The engine keeps what it built for every table it wrote until the
        database closes (measured: +950 MB for a 1,000-plan graph in one
        session), so the database is reopened after each node table and
        every SESSION_EDGES relationships.
        """
        started = time.perf_counter()
        report = LoadReport()
        for statement in _ddl():
            self._conn.execute(statement)
        node_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        copied: str | None = None  # the node table this session has written
        for label, nid, data in nodes:
            if label not in NODE_TABLES:
                raise GraphFileError(f"node label {label!r} is not in the schema; rebuild the graph with policykg")
            batch = node_rows[label]
            batch.append(_node_row(nid, data))
            report.nodes_written += 1
            if data.get("kind") == "Document":
                report.documents_loaded += 1
            if len(batch) >= COPY_ROWS:
                copied = self._copy_nodes(label, batch, copied)
        for label, batch in node_rows.items():
            copied = self._copy_nodes(label, batch, copied)
        del node_rows
        self._reopen()
        edge_rows: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for rtype, a, b, u, v, data in edges:
            group = (rtype, a, b)
            batch = edge_rows.get(group)  # type: ignore[assignment]
            if batch is None:
                if (a, b) not in REL_PAIRS.get(rtype, ()):
                    raise GraphFileError(
                        f"{rtype} from {a} to {b} is not in the schema; rebuild the graph with policykg"
                    )
                batch = edge_rows[group]
            batch.append(_rel_row(u, v, data))
            report.relationships_written += 1
            report.per_type[rtype] = report.per_type.get(rtype, 0) + 1
            if len(batch) >= COPY_ROWS:
                self._copy_edges(group, batch)
        for group, batch in edge_rows.items():
            self._copy_edges(group, batch)
        report.seconds = time.perf_counter() - started
        return report

    def _copy_nodes(self, label: str, batch: list[dict[str, Any]], copied: str | None) -> str | None:
        """COPY a slice of a node table; returns the table this session has now written."""
        if not batch:
            return copied
        if copied is not None and copied != label:
            self._reopen()
        arrow_rows = _arrow(batch, NODE_PROPS)  # noqa: F841 - COPY reads the Python variable by name
        self._conn.execute(f"COPY `{label}` FROM arrow_rows")
        batch.clear()
        return label

    def _copy_edges(self, group: tuple[str, str, str], batch: list[dict[str, Any]]) -> None:
        if batch:
            if self._session_edges >= SESSION_EDGES:
                self._reopen()
            self._session_edges += len(batch)
            rtype, a, b = group
            arrow_rows = _arrow(batch, REL_PROPS, rel=True)  # noqa: F841 - COPY reads the Python variable by name
            self._conn.execute(f"COPY `{rtype}` FROM arrow_rows (from='{a}', to='{b}')")
            batch.clear()

    def read(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> tuple[list[str], list[list[Any]]]:
        """Run a query on the read-only database; the engine itself refuses writes.

        Args:
            timeout: seconds after which the engine interrupts the query (None: no limit).
            max_rows: fetch at most this many rows plus one, so the caller can
                tell that there were more without holding them all.

        Raises:
            QueryError: the query writes, is malformed, ran past `timeout` or
                needed more than the memory cap.
        """
        self._conn.set_query_timeout(round(timeout * 1000) if timeout else 0)
        try:
            result = self._conn.execute(cypher, params or {})
            if isinstance(result, list):  # several statements: the last one's rows
                result = result[-1]
            columns = list(result.get_column_names())
            rows: list[list[Any]] = []
            while result.has_next() and (max_rows is None or len(rows) <= max_rows):
                rows.append([_plain(v) for v in result.get_next()])
        except RuntimeError as e:
            raise _query_error(e, timeout=timeout, max_memory_mb=self.max_memory_mb) from e
        return columns, rows

    def close(self) -> None:
        self._conn.close()
        self._db.close()


def _query_error(e: RuntimeError, *, timeout: float | None, max_memory_mb: int | None) -> QueryError:
    """The engine's error as one line saying what to do."""
    message = (str(e).splitlines() or [""])[0]
    if message.startswith("Interrupted"):
        if timeout is None:
            return QueryError("the query was interrupted; run it again")
        return QueryError(f"the query ran past {timeout:g} s and was stopped; narrow it or raise --timeout")
    if "Unable to allocate memory" in message or "buffer pool is full" in message:
        return QueryError(
            f"the query needed more than the store's memory cap ({max_memory_mb} MB) and was stopped; "
            "narrow it or raise --max-memory"
        )
    if "read-only" in message or "read only" in message:
        return QueryError("this query writes; ad-hoc Cypher runs read-only — rebuild the graph to change it")
    return QueryError(f"the embedded store rejected the query: {message}; fix the query")


def _plain(value: Any) -> Any:
    """Engine values as the JSON-able values Neo4j gives: sum() of integers comes back as Decimal."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def store_path(out_dir: Path) -> Path:
    return out_dir / STORE_LINK / DB_FILE


def write_store(source: nx.MultiDiGraph | tuple[Iterable[NodeRow], Iterable[EdgeRow]], out_dir: Path) -> Path:
    """Write a new store into ``out_dir/store``, which must not exist yet.

    `source` is a graph in memory or its rows as streams (see `graph.spool`).
    A build writes it into a fresh generation folder and switches every
    output at once (`graph.outdir`); a store is never rewritten in place.

    Raises:
        OutputError: ``out_dir/store`` already exists.
    """
    nodes, edges = graph_rows(source) if isinstance(source, nx.MultiDiGraph) else source
    folder = out_dir / STORE_LINK
    try:
        folder.mkdir(parents=True)
    except FileExistsError as e:
        raise OutputError(f"{folder}: a store is already here; write the new one into another folder") from e
    store = EmbeddedStore(folder / DB_FILE, read_only=False)
    try:
        store.load_rows(nodes, edges)
    finally:
        store.close()
    return folder


def open_embedded(out_dir: Path, *, max_memory_mb: int | None = None) -> EmbeddedStore:
    """The store `build` wrote into `out_dir`, opened read-only with a memory cap.

    Raises:
        GraphFileError: there is no store there yet.
    """
    path = store_path(out_dir)
    if not path.exists():
        raise GraphFileError(
            f"{out_dir}: no embedded store here; run `policykg build PLANS --out {out_dir}` "
            "or pass --uri to query Neo4j"
        )
    return EmbeddedStore(path, read_only=True, max_memory_mb=max_memory_mb)
