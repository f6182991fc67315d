"""Exports for other tools: CSVs for ``neo4j-admin database import full``, and GraphML/GEXF for Gephi.

The transactional loader (:mod:`graph.neo4j_store`) is the reference: the
bulk-import CSVs describe the same database it leaves behind after a load —
the same labels (``Node`` + kind, ``Entity`` + type for entities), ``uid`` =
networkx node id, the same properties (no nulls, ``spans`` flattened,
``Entity.key`` and a recomputed ``mention_count``, ``Document.complete =
true``) and the same relationships (typed by their ``type``, every other
attribute a property). Entities nothing links to are left out, as the loader
leaves them out. So a graph bulk-imported this way is also one that a later
``policykg load`` recognises as already loaded.

CSV layout (documented again in the ``import.sh`` written beside the files):

* one file per label group (``nodes-Document.csv``, ``nodes-Entity-Agency.csv``
  …) and per relationship type (``relationships-MENTIONS.csv`` …), one for
  every label and type of the schema, so that an export never leaves a stale
  file of an earlier one behind; groups with no rows hold only the header;
* UTF-8 without BOM, the header in the first line (``uid:ID``, ``:LABEL``,
  ``:START_ID``, ``:END_ID``, ``:TYPE`` and typed properties such as
  ``number:long``, ``value:double``, ``aliases:string[]``, ``complete:boolean``);
  integers are ``long`` because that is what the driver stores;
* RFC 4180 quoting: every string is quoted with inner quotes doubled, so
  commas, quotes and newlines in ``text`` are safe (hence
  ``--multiline-fields=true``); a missing value is an empty *unquoted* field
  (no property) and ``""`` is the empty string, as neo4j-admin reads them;
* arrays and multiple labels are separated by U+001F (the ASCII unit
  separator), a control character no plan text contains, passed as
  ``--array-delimiter=U+001F``. Empty arrays are not written: neo4j-admin
  cannot tell them from a missing array.

``LOAD CSV`` reads the same files, except that it takes a backslash before a
quote or another backslash (``\\"``, ``\\\\``) for an escape unless the server
sets ``dbms.import.csv.legacy_quote_escaping=false``; neo4j-admin reads them
verbatim (``--legacy-style-quoting=false``, its default, said explicitly).
"""

from __future__ import annotations

import json
import logging
import math
import re
import shlex
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from graph.errors import GraphFileError, OutputError
from graph.files import atomic_write, ensure_dir, write_text
from graph.model import ENTITY_TYPES
from graph.neo4j_store import EDGE_TYPES, SCHEMA, STRUCTURE_LABELS, _props, doc_of_node

log = logging.getLogger(__name__)

ARRAY_DELIMITER = "\x1f"
ADMIN_ARRAY_DELIMITER = "U+001F"  # how neo4j-admin is told the character above
IMPORT_SCRIPT = "import.sh"
SCHEMA_FILE = "schema.cypher"
EXPORT_FORMATS: tuple[str, ...] = ("neo4j-admin", "graphml", "gexf")

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# -- neo4j-admin ----------------------------------------------------------------
def node_file(labels: tuple[str, ...]) -> str:
    """File name of a label group; the labels after ``Node`` name it.

    >>> node_file(("Node", "Entity", "Program")), node_file(("Node", "Point"))
    ('nodes-Entity-Program.csv', 'nodes-Point.csv')
    """
    return "nodes-" + "-".join(labels[1:]) + ".csv"


def relationship_file(rtype: str) -> str:
    """File name of a relationship type.

    >>> relationship_file("PARTNERS_WITH")
    'relationships-PARTNERS_WITH.csv'
    """
    return f"relationships-{rtype}.csv"


def neo4j_records(
    G: nx.MultiDiGraph,
) -> tuple[dict[tuple[str, ...], list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """Nodes by label group and relationships by type, with the properties the loader writes.

    Node records carry ``uid`` and their properties; relationship records
    ``:START_ID`` and ``:END_ID`` (node uids) and their properties. Every
    label group and type of the schema is present, if only with no rows.

    Raises:
        GraphFileError: a node kind, entity type or edge type outside the schema.
    """
    nodes: dict[tuple[str, ...], list[dict[str, Any]]] = {
        **{("Node", kind): [] for kind in STRUCTURE_LABELS},
        **{("Node", "Entity", etype): [] for etype in ENTITY_TYPES},
    }
    for kind, props in _structure_records(G):
        nodes[("Node", kind)].append(props)
    exported = {r["uid"] for rows in nodes.values() for r in rows}
    documents = {r["uid"] for r in nodes[("Node", "Document")]}
    edges: dict[str, list[dict[str, Any]]] = {rtype: [] for rtype in EDGE_TYPES}
    for rtype, props in _edge_records(G, exported, documents):
        edges[rtype].append(props)
    for etype, props in _entity_records(G, edges):
        nodes[("Node", "Entity", etype)].append(props)
    return nodes, edges


def _structure_records(G: nx.MultiDiGraph) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, properties) of documents, sections, points and targets; entities are checked only."""
    documents = {n for n, d in G.nodes(data=True) if d.get("kind") == "Document"}
    for nid, data in G.nodes(data=True):
        kind = data.get("kind")
        if kind == "Entity":
            _in_schema(data.get("type"), ENTITY_TYPES, f"entity {nid!r} has type")
            continue
        _in_schema(kind, STRUCTURE_LABELS, f"node {nid!r} has kind")
        if doc_of_node(G, nid) not in documents:
            continue  # the loader writes only parts of the documents it loads
        props = _props(data, drop=("kind", "label"))
        props["uid"] = nid
        props.setdefault("id", nid)
        if kind == "Document":
            props["complete"] = True  # what the loader sets once every part is written
        yield kind, props


def _edge_records(G: nx.MultiDiGraph, exported: set[str], documents: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(type, properties) of the relationships of exported documents, between exported nodes or entities."""
    for u, v, data in G.edges(data=True):
        rtype = _in_schema(data.get("type"), EDGE_TYPES, f"edge {u!r} → {v!r} has type")
        if data.get("doc_id") not in documents:
            continue
        if any(n not in exported and G.nodes[n].get("kind") != "Entity" for n in (u, v)):
            continue
        yield rtype, {":START_ID": u, ":END_ID": v, **_props(data, drop=("type",))}


def _entity_records(G: nx.MultiDiGraph, edges: dict[str, list[dict[str, Any]]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(type, properties) of the entities some relationship links, in graph order.

    ``mention_count`` is recomputed from the MENTIONS relationships, as the loader does.
    """
    linked = {r[end] for rows in edges.values() for r in rows for end in (":START_ID", ":END_ID")}
    mentions: dict[str, int] = defaultdict(int)
    for r in edges["MENTIONS"]:
        mentions[r[":END_ID"]] += r.get("count") or 0
    for nid, data in G.nodes(data=True):
        if data.get("kind") == "Entity" and nid in linked:
            yield (
                data["type"],
                {
                    "uid": nid,
                    "key": nid,
                    "type": data["type"],
                    "name": data["name"],
                    "aliases": list(data.get("aliases") or []),
                    "mention_count": mentions[nid],
                },
            )


def _in_schema(name: Any, allowed: Iterable[str], what: str) -> str:
    if name not in allowed:
        raise GraphFileError(f"{what} {name!r}, which is not in the schema; rebuild the graph with `policykg build`")
    return str(name)


def column_type(values: Iterable[Any], *, name: str = "a property") -> str:
    """The neo4j-admin type of a column from its values (None left out).

    >>> column_type([3, 4]), column_type([3, 0.5]), column_type(["国培计划"]), column_type([True])
    ('long', 'double', 'string', 'boolean')
    >>> column_type([["白城"], []]), column_type([[12, 15, 30, 33]]), column_type([])
    ('string[]', 'long[]', 'string')

    Raises:
        GraphFileError: values of kinds that one typed column cannot hold.
    """
    scalars: set[str] = set()
    elements: set[str] = set()
    arrays = False
    for v in values:
        if isinstance(v, list | tuple):
            arrays = True
            elements.update(_scalar_type(x) for x in v)
        elif v is not None:
            scalars.add(_scalar_type(v))
    if arrays and scalars:
        raise GraphFileError(f"{name} mixes lists and single values; rebuild the graph with `policykg build`")
    kinds = elements if arrays else scalars
    if kinds == {"long", "double"}:
        kinds = {"double"}
    if len(kinds) > 1:
        raise GraphFileError(f"{name} mixes value types {sorted(kinds)}; rebuild the graph with `policykg build`")
    base = next(iter(kinds), "string")
    return base + "[]" if arrays else base


def _scalar_type(v: Any) -> str:
    if isinstance(v, bool):  # before int: bool is an int
        return "boolean"
    if isinstance(v, int):
        return "long"
    if isinstance(v, float):
        return "double"
    if isinstance(v, str):
        return "string"
    raise GraphFileError(f"a property holds a {type(v).__name__}, which Neo4j cannot store; rebuild the graph")


def csv_field(value: Any, ctype: str) -> str:
    """One CSV field as neo4j-admin reads it: strings always quoted, nothing for a missing value.

    Python's csv module cannot write this on 3.11 (QUOTE_NOTNULL came in 3.12):
    QUOTE_ALL writes None as ``""``, which neo4j-admin stores as an empty string.

    >>> csv_field('他说"好",然后\\n', "string")
    '"他说""好"",然后\\n"'
    >>> csv_field(None, "string"), csv_field("", "string"), csv_field(3, "double"), csv_field(True, "boolean")
    ('', '""', '3.0', 'true')
    >>> csv_field(["诸暨", "暨阳"], "string[]") == '"诸暨\\x1f暨阳"'
    True
    """
    if value is None:
        return ""
    if ctype.endswith("[]"):
        if not value:
            return ""  # an empty array cannot be told from a missing one
        base = ctype[:-2]
        parts = [_scalar_text(x, base) for x in value]
        if any(ARRAY_DELIMITER in p for p in parts):
            raise GraphFileError("a list value contains the control character U+001F; rebuild the graph")
        return _quoted(ARRAY_DELIMITER.join(parts)) if base == "string" else ARRAY_DELIMITER.join(parts)
    text = _scalar_text(value, ctype)
    return _quoted(text) if ctype == "string" else text


def _scalar_text(v: Any, ctype: str) -> str:
    if ctype == "boolean":
        return "true" if v else "false"
    if ctype == "long":
        return str(int(v))
    if ctype == "double":
        x = float(v)
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"  # what Java's Double.parseDouble reads
        return repr(x)
    return str(v)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _columns(rows: list[dict[str, Any]], fixed: tuple[str, ...]) -> list[tuple[str, str]]:
    """(property, type) of every property column, in the order properties first appear."""
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(k for k in row if k not in fixed))
    for k in keys:
        if not _KEY.match(k):
            raise GraphFileError(f"property name {k!r} cannot be a CSV header; rebuild the graph with `policykg build`")
    return [(k, column_type((row.get(k) for row in rows), name=f"property {k!r}")) for k in keys]


def _write_csv(path: Path, header: list[str], lines: Iterable[list[str]]) -> None:
    with atomic_write(path) as fh:
        fh.write(",".join(header) + "\n")
        for fields in lines:
            fh.write(",".join(fields) + "\n")


def _write_nodes(path: Path, labels: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    columns = _columns(rows, ("uid",))
    header = ["uid:ID", ":LABEL", *(f"{k}:{t}" for k, t in columns)]
    label_field = ARRAY_DELIMITER.join(labels)
    _write_csv(
        path,
        header,
        ([_quoted(str(r["uid"])), label_field, *(csv_field(r.get(k), t) for k, t in columns)] for r in rows),
    )


def _write_relationships(path: Path, rtype: str, rows: list[dict[str, Any]]) -> None:
    columns = _columns(rows, (":START_ID", ":END_ID"))
    header = [":START_ID", ":END_ID", ":TYPE", *(f"{k}:{t}" for k, t in columns)]
    _write_csv(
        path,
        header,
        (
            [
                _quoted(str(r[":START_ID"])),
                _quoted(str(r[":END_ID"])),
                rtype,
                *(csv_field(r.get(k), t) for k, t in columns),
            ]
            for r in rows
        ),
    )


def import_command(
    node_files: Iterable[str], relationship_files: Iterable[str], *, database: str = "neo4j"
) -> list[str]:
    """The ``neo4j-admin database import full`` arguments for these files (relative to their folder).

    The database comes right after ``full``: ``--nodes`` takes several files,
    so a name after it would be read as one more file.
    """
    return [
        "neo4j-admin",
        "database",
        "import",
        "full",
        database,
        "--id-type=string",
        f"--array-delimiter={ADMIN_ARRAY_DELIMITER}",
        "--multiline-fields=true",
        "--legacy-style-quoting=false",
        *(f"--nodes={f}" for f in node_files),
        *(f"--relationships={f}" for f in relationship_files),
    ]


def _import_script(command: list[str]) -> str:
    args = " \\\n    ".join(shlex.quote(a) for a in command[5:])
    return f"""#!/bin/sh
# Bulk-import this policykg graph into an empty Neo4j 5 database (written by `policykg export`).
#
# Usage: stop Neo4j, then   ./import.sh [DATABASE] [more neo4j-admin options]   (DATABASE defaults to neo4j)
#        NEO4J_ADMIN=/path/to/neo4j/bin/neo4j-admin ./import.sh   when neo4j-admin is not on PATH
# The database must not exist yet or be empty; pass --overwrite-destination=true to replace it.
# Then start Neo4j and create the loader's constraints and indexes:
#        cypher-shell -d DATABASE -f {SCHEMA_FILE}
#
# Files: nodes-<labels>.csv and relationships-<TYPE>.csv, UTF-8, the header in the first line
# (uid:ID, :LABEL, :START_ID, :END_ID, :TYPE, typed properties such as number:long, value:double,
# aliases:string[], complete:boolean). Strings are quoted RFC 4180 style ("" inside) and may span
# lines; an empty unquoted field is no property; arrays and labels are separated by U+001F.
set -eu
cd "$(dirname "$0")"
database=neo4j
case "${{1-}}" in ''|-*) ;; *) database="$1"; shift ;; esac
exec "${{NEO4J_ADMIN:-neo4j-admin}}" database import full "$database" \\
    {args} \\
    "$@"
"""


def export_neo4j_admin(G: nx.MultiDiGraph, out_dir: Path) -> dict[str, Path]:
    """Write the CSVs of `G` for ``neo4j-admin database import full``, an ``import.sh`` and a ``schema.cypher``.

    Every file is written atomically; an interrupted export leaves earlier
    files whole. Returns every file written, by file name.

    Raises:
        OutputError: `out_dir` cannot be created or written.
        GraphFileError: `G` has labels, types or values outside the schema.
    """
    out_dir = ensure_dir(Path(out_dir))
    nodes, edges = neo4j_records(G)
    written: dict[str, Path] = {}
    for labels, rows in nodes.items():
        path = out_dir / node_file(labels)
        _write_nodes(path, labels, rows)
        written[path.name] = path
    for rtype, rows in edges.items():
        path = out_dir / relationship_file(rtype)
        _write_relationships(path, rtype, rows)
        written[path.name] = path
    command = import_command([node_file(labels) for labels in nodes], [relationship_file(rtype) for rtype in edges])
    schema = out_dir / SCHEMA_FILE
    write_text(schema, "".join(statement + ";\n" for statement in SCHEMA))
    written[schema.name] = schema
    script = out_dir / IMPORT_SCRIPT
    write_text(script, _import_script(command))
    mode = script.stat().st_mode
    script.chmod(mode | ((mode & 0o444) >> 2))  # executable wherever it is readable
    written[script.name] = script
    log.info(
        "exported %d nodes and %d relationships for neo4j-admin to %s",
        sum(len(r) for r in nodes.values()),
        sum(len(r) for r in edges.values()),
        out_dir,
    )
    return written


# -- Gephi ------------------------------------------------------------------------
def gephi_value(value: Any) -> Any:
    """An attribute value GraphML and GEXF can hold: lists become text, None stays None.

    >>> gephi_value(["国培计划", "特岗计划"]), gephi_value([[12, 16], [30, 34]]), gephi_value(3)
    ('国培计划、特岗计划', '12,16、30,34', 3)
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return _NOT_XML.sub("", value)  # XML 1.0 has no place for most control characters
    if isinstance(value, list | tuple):
        return "、".join(",".join(map(str, x)) if isinstance(x, list | tuple) else str(x) for x in value)
    return _NOT_XML.sub("", json.dumps(value, ensure_ascii=False, default=str))


def gephi_graph(G: nx.MultiDiGraph, *, gexf: bool = False) -> nx.MultiDiGraph:
    """A copy of `G` with scalar attributes only, one type per attribute, and unique edge ids.

    Edge keys become ``e0``, ``e1`` … because both formats write the key as the
    edge id and Gephi merges edges with the same id. In GEXF the words
    ``type``, ``start``, ``end`` are edge fields of the format itself (edge
    direction, time interval): there the relation type is the edge ``label``
    and the attribute ``relation``, and offsets are ``offset_start``/``offset_end``.
    """
    H = nx.MultiDiGraph()
    for nid, data in G.nodes(data=True):
        attrs = {k: gephi_value(v) for k, v in data.items()}
        attrs = {k: v for k, v in attrs.items() if v is not None and v != ""}
        attrs.setdefault("label", data.get("name") or str(nid))
        H.add_node(nid, **attrs)
    for i, (u, v, data) in enumerate(G.edges(data=True)):
        attrs = {k: gephi_value(x) for k, x in data.items()}
        attrs = {k: x for k, x in attrs.items() if x is not None and x != ""}
        if gexf:
            if "type" in attrs:
                attrs["relation"] = attrs.pop("type")
                attrs["label"] = attrs["relation"]
            for k in ("start", "end"):
                if k in attrs:
                    attrs[f"offset_{k}"] = attrs.pop(k)
        H.add_edge(u, v, key=f"e{i}", **attrs)
    _one_type_per_attribute([d for _, d in H.nodes(data=True)])
    _one_type_per_attribute([d for _, _, d in H.edges(data=True)])
    return H


def _one_type_per_attribute(records: list[dict[str, Any]]) -> None:
    """Make each attribute one type: ints become floats beside floats, anything mixed becomes text.

    Both formats declare one type per attribute; GEXF readers cast every value to it.
    """
    kinds: dict[str, set[type]] = defaultdict(set)
    for d in records:
        for k, v in d.items():
            kinds[k].add(type(v))
    for k, ts in kinds.items():
        if len(ts) == 1:
            continue
        cast: type = float if ts <= {int, float} else str
        for d in records:
            if k in d:
                d[k] = cast(d[k])


def _check_file_path(path: Path) -> Path:
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; pass a file name such as {path / 'graph'}.graphml")
    return path


def export_graphml(G: nx.MultiDiGraph, path: Path) -> Path:
    """Write `G` as GraphML (UTF-8) for Gephi and other tools; colour by ``kind`` or ``type``.

    Raises:
        OutputError: `path` is a directory or cannot be written.
    """
    path = _check_file_path(path)
    H = gephi_graph(G)
    with atomic_write(path, mode="wb") as fh:
        nx.write_graphml(H, fh, encoding="utf-8", infer_numeric_types=True)
    log.info("exported %d nodes and %d edges as GraphML to %s", H.number_of_nodes(), H.number_of_edges(), path)
    return path


def export_gexf(G: nx.MultiDiGraph, path: Path) -> Path:
    """Write `G` as GEXF 1.2 (UTF-8), Gephi's own format; node labels are the names.

    Raises:
        OutputError: `path` is a directory or cannot be written.
    """
    path = _check_file_path(path)
    H = gephi_graph(G, gexf=True)
    with atomic_write(path, mode="wb") as fh:
        nx.write_gexf(H, fh, encoding="utf-8")
    log.info("exported %d nodes and %d edges as GEXF to %s", H.number_of_nodes(), H.number_of_edges(), path)
    return path


def export(G: nx.MultiDiGraph, out_dir: Path, *, fmt: str) -> dict[str, Path]:
    """Write `G` in one of :data:`EXPORT_FORMATS` into `out_dir`; returns the files by name.

    GraphML and GEXF go to ``graph.graphml`` / ``graph.gexf`` in `out_dir`.

    Raises:
        OutputError: unknown format, or `out_dir` cannot be written.
        GraphFileError: `G` holds labels, types or values outside the schema.
    """
    out_dir = Path(out_dir)
    if fmt == "neo4j-admin":
        return export_neo4j_admin(G, out_dir)
    if fmt == "graphml":
        path = export_graphml(G, ensure_dir(out_dir) / "graph.graphml")
    elif fmt == "gexf":
        path = export_gexf(G, ensure_dir(out_dir) / "graph.gexf")
    else:
        raise OutputError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    return {path.name: path}
