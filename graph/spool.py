"""A build's graph on disk while it is made: memory holds the entities, not the graph.

One plan of 50 MB makes a graph of a million edges; a national corpus,
millions. Held in networkx with all its attributes that is ~60 times the
text, so `build` writes each document's nodes and edges to two spool files
as the document arrives and keeps in memory only what every sink needs
across documents: the entity table (entities merge across documents),
counts, and the page's degrees of documents and entities. The sinks then
stream the spool: graph.json is the spool's lines in order, the embedded
store copies it a slice at a time, and the page reads only the part it shows.

Spool lines: ``N<TAB>label<TAB>json`` for a document's node,
``E<TAB>json id`` where an entity first appears (its final properties are
known only at the end), ``type<TAB>from label<TAB>to label<TAB>json`` for an
edge. The JSON is exactly graph.json's node or edge object; JSON escapes
tabs and newlines, so the separators never occur inside it.
"""

from __future__ import annotations

import heapq
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import networkx as nx

from graph.build import EdgePart, EntityPart, NodePart, document_parts, entity_data
from graph.embedded import EdgeRow, NodeRow
from graph.files import atomic_write
from graph.model import Extraction
from graph.pages import SEMANTIC, mention_sentences, merge_parallel

SPOOL_PREFIX = ".spool-"
# the edges of the page's view (`graph.pages.view_graph`)
VIEW_EDGES_ALL = frozenset((*SEMANTIC, "ISSUED", "ADDRESSED_TO", "MENTIONS"))


class GraphSpool:
    """The graph of a stream of extractions, spooled to a folder that is removed on close."""

    def __init__(self, out_dir: Path) -> None:
        self.dir = out_dir / f"{SPOOL_PREFIX}{os.getpid()}-{time.time_ns()}"
        self.dir.mkdir()
        self._nodes_path = self.dir / "nodes"
        self._edges_path = self.dir / "edges"
        self._nodes: IO[str] | None = self._nodes_path.open("w", encoding="utf-8")
        self._edges: IO[str] | None = self._edges_path.open("w", encoding="utf-8")
        self._encode = json.JSONEncoder(ensure_ascii=False).encode
        self.entities: dict[str, dict[str, Any]] = {}
        self.kinds: Counter[str] = Counter()
        self.edge_types: Counter[str] = Counter()
        # degrees in the page's view (documents and entities), to pick its best-connected part
        self.view_degree: Counter[str] = Counter()
        self.first_document_label: str | None = None
        self.document_ids: list[str] = []
        # the current document's, kept across its segments: labels of its
        # document and section nodes, the entities it mentions (once each in
        # the view), and its CO_OCCURS edges, whose weights segments add to
        self._doc_labels: dict[str, str] = {}
        self._doc_mentions: set[str] = set()
        self._co: dict[tuple[str, str, str], dict[str, Any]] = {}

    # -- writing ---------------------------------------------------------------
    def add(self, ex: Extraction) -> None:
        """Spool one document's nodes and edges; merge its entities into the table."""
        assert self._nodes is not None and self._edges is not None, "spool is finished"
        if ex.opens_document:
            self._end_document()
        nodes, edges, encode = self._nodes, self._edges, self._encode
        entities, degree = self.entities, self.view_degree
        local: dict[str, str] = {}  # labels of this record's points and targets (edges name them)
        doc_labels, doc_mentions, co = self._doc_labels, self._doc_mentions, self._co
        for part in document_parts(ex, entities.__contains__):
            if type(part) is EdgePart:
                u, v, data = part.u, part.v, part.data
                rtype = data["type"]
                if rtype == "CO_OCCURS":
                    edge = co.get((u, v, part.key))
                    if edge is None:
                        co[(u, v, part.key)] = dict(data)
                    else:
                        edge["weight"] += data["weight"]
                    continue
                a = local.get(u) or doc_labels.get(u) or entities[u]["type"]
                b = local.get(v) or doc_labels.get(v) or entities[v]["type"]
                edges.write(f"{rtype}\t{a}\t{b}\t{encode({**data, 'source': u, 'target': v, 'key': part.key})}\n")
                self.edge_types[rtype] += 1
                if rtype == "MENTIONS":
                    if v not in doc_mentions:
                        doc_mentions.add(v)
                        degree[data["doc_id"]] += 1
                        degree[v] += 1
                elif rtype in VIEW_EDGES_ALL:
                    degree[u] += 1
                    degree[v] += 1
            elif type(part) is NodePart:
                kind = part.data["kind"]
                if kind in ("Document", "Section"):
                    doc_labels[part.id] = kind
                else:
                    local[part.id] = kind
                self.kinds[kind] += 1
                if kind == "Document":
                    self.document_ids.append(part.id)
                    if self.first_document_label is None:
                        self.first_document_label = part.data["label"]
                nodes.write(f"N\t{kind}\t{encode({**part.data, 'id': part.id})}\n")
            else:
                assert isinstance(part, EntityPart)
                node = entities.get(part.id)
                if node is None:
                    entities[part.id] = entity_data(part)
                    nodes.write(f"E\t{encode(part.id)}\n")
                else:
                    if part.aliases:
                        node["aliases"] = sorted(set(node["aliases"]) | set(part.aliases))
                    node["mention_count"] += part.mentions

    def _end_document(self) -> None:
        """Write the finished document's CO_OCCURS edges; forget its labels."""
        assert self._edges is not None
        encode, entities = self._encode, self.entities
        for (u, v, key), data in self._co.items():
            a, b = entities[u]["type"], entities[v]["type"]
            self._edges.write(f"CO_OCCURS\t{a}\t{b}\t{encode({**data, 'source': u, 'target': v, 'key': key})}\n")
            self.edge_types["CO_OCCURS"] += 1
        self._co.clear()
        self._doc_labels.clear()
        self._doc_mentions.clear()

    def finish(self) -> None:
        """Close the spool files; the sinks read them from here on."""
        if self._edges is not None:
            self._end_document()
        for fh in (self._nodes, self._edges):
            if fh is not None:
                fh.close()
        self._nodes = self._edges = None

    def close(self) -> None:
        self.finish()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- what the sinks read ------------------------------------------------------
    @property
    def documents(self) -> int:
        return self.kinds["Document"]

    def title(self) -> str:
        if self.documents == 1:
            return f"policykg · {self.first_document_label}"
        return f"policykg · {self.documents} documents"

    def summary(self) -> dict[str, object]:
        """The same counts as `graph.build.summarize` gives for the graph in memory."""
        entity_types = Counter(d["type"] for d in self.entities.values())
        return {
            "documents": self.kinds["Document"],
            "sections": self.kinds["Section"],
            "points": self.kinds["Point"],
            "targets": self.kinds["Target"],
            "entities": dict(sorted(entity_types.items())),
            "relations": dict(sorted(self.edge_types.items())),
            "nodes": sum(self.kinds.values()) + len(self.entities),
            "edges": sum(self.edge_types.values()),
        }

    def _node_lines(self) -> Iterator[tuple[str, str, str]]:
        """(label, id or '', node JSON) in graph order; entities with their final properties."""
        encode = self._encode
        with self._nodes_path.open(encoding="utf-8") as fh:
            for line in fh:
                tag, rest = line.rstrip("\n").split("\t", 1)
                if tag == "E":
                    nid = json.loads(rest)
                    data = self.entities[nid]
                    yield data["type"], nid, encode({**data, "id": nid})
                else:
                    label, obj = rest.split("\t", 1)
                    yield label, "", obj

    def _edge_lines(self) -> Iterator[tuple[str, str, str, str]]:
        with self._edges_path.open(encoding="utf-8") as fh:
            for line in fh:
                rtype, a, b, obj = line.rstrip("\n").split("\t", 3)
                yield rtype, a, b, obj

    def write_graph_json(self, path: Path) -> None:
        """graph.json in networkx's node-link layout, copied from the spool line by line."""
        with atomic_write(path) as fh:
            fh.write('{"directed": true, "multigraph": true, "graph": {}, "nodes": [')
            for i, (_label, _nid, obj) in enumerate(self._node_lines()):
                fh.write(obj if i == 0 else ", " + obj)
            fh.write('], "edges": [')
            for i, (_t, _a, _b, obj) in enumerate(self._edge_lines()):
                fh.write(obj if i == 0 else ", " + obj)
            fh.write("]}")

    def store_rows(self) -> tuple[Iterator[NodeRow], Iterator[EdgeRow]]:
        """The rows the embedded store copies, streamed from the spool."""

        def nodes() -> Iterator[NodeRow]:
            for label, _nid, obj in self._node_lines():
                data = json.loads(obj)
                yield label, data.pop("id"), data

        def edges() -> Iterator[EdgeRow]:
            for rtype, a, b, obj in self._edge_lines():
                data = json.loads(obj)
                yield rtype, a, b, data.pop("source"), data.pop("target"), data

        return nodes(), edges()

    def page_view(self, limit: int) -> tuple[nx.MultiDiGraph, dict[str, list[str]]]:
        """The page's view (as `graph.pages.overview`) and each shown entity's first sentences.

        Reads the spool three times and holds only what is shown: the
        `limit` best-connected documents and entities, the edges among them
        (parallel ones merged with a count), and the texts of the few points
        whose sentences the tooltips quote.
        """
        degree = self.view_degree
        total = len(self.document_ids) + len(self.entities)
        candidates = [*self.document_ids, *self.entities]
        keep = set(candidates if total <= limit else heapq.nsmallest(limit, candidates, key=lambda n: (-degree[n], n)))
        del candidates

        H = nx.MultiDiGraph()
        for label, nid, obj in self._node_lines():
            if label == "Document":
                d = json.loads(obj)
                nid = d.pop("id")
                if nid in keep:
                    H.add_node(nid, kind="Document", type="Document", name=d.get("label") or nid, doc=d)
            elif nid and nid in keep:
                e = self.entities[nid]
                H.add_node(
                    nid,
                    kind="Entity",
                    type=e["type"],
                    name=e["name"],
                    aliases=e.get("aliases", []),
                    mentions=e.get("mention_count", 0),
                )

        quoted = nx.MultiDiGraph()  # units and their mentions of shown entities, for the tooltips' sentences
        spans_needed = Counter({n: 3 for n, d in H.nodes(data=True) if d["kind"] == "Entity"})
        seen: set[tuple[str, str]] = set()
        for rtype, _a, _b, obj in self._edge_lines():
            if rtype not in VIEW_EDGES_ALL:
                continue
            d = json.loads(obj)
            u, v = d["source"], d["target"]
            if rtype == "MENTIONS":
                doc = d["doc_id"]
                if v in keep and doc in keep and (doc, v) not in seen:
                    seen.add((doc, v))
                    H.add_edge(doc, v, type="MENTIONS", doc_id=doc)
                if spans_needed[v] > 0 and d.get("part") not in ("cover", "title"):
                    spans = d["spans"][: spans_needed[v]]
                    spans_needed[v] -= len(spans)
                    quoted.add_edge(u, v, type="MENTIONS", spans=spans)
            elif u in keep and v in keep:
                H.add_edge(u, v, type=rtype, trigger=d.get("trigger"), sentence=d.get("sentence"), doc_id=d["doc_id"])
        if quoted.number_of_edges():
            for label, _nid, obj in self._node_lines():
                if label in ("Point", "Section"):
                    d = json.loads(obj)
                    if d["id"] in quoted:
                        quoted.add_node(d["id"], text=d.get("text"), doc_id=d.get("doc_id"), number=d.get("number"))
        sentences = {
            n: [s["sentence"] for s in mention_sentences(quoted, n, limit=3)] if n in quoted else []
            for n, d in H.nodes(data=True)
            if d["kind"] == "Entity"
        }
        S = merge_parallel(H)
        if total > limit:
            S.graph["shown_of"] = total
        return S, sentences


def spool_extractions(extractions: Iterator[Extraction], out_dir: Path) -> GraphSpool:
    """A finished spool of `extractions` (for tests and benchmarks; `build` feeds one as it goes)."""
    spool = GraphSpool(out_dir)
    try:
        for ex in extractions:
            spool.add(ex)
    except BaseException:
        spool.close()
        raise
    spool.finish()
    return spool
