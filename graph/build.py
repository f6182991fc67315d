"""One networkx graph from any number of extractions.

Entities from different documents merge on (type, name): the same
programme in two plans is one node with two documents' points mentioning
it. Structure (document → sections → points), mentions, targets and
relations with their evidence all become nodes and edges; ``CO_OCCURS`` is
derived from entities sharing a sentence.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import networkx as nx

from graph.model import EntityKey, Extraction, sentence_spans


def entity_id(key: EntityKey) -> str:
    """Node id of an entity; readable in graph.json and stable across runs.

    >>> entity_id(EntityKey("Program", "国培计划"))
    'Program:国培计划'
    """
    return f"{key.type}:{key.name}"


@dataclass(slots=True)
class NodePart:
    """A node that belongs to one document (document, section, point, target)."""

    id: str
    data: dict[str, Any]


@dataclass(slots=True)
class EntityPart:
    """An entity as one document sees it; documents' views merge (aliases unite, mentions add up)."""

    id: str
    type: str
    name: str
    aliases: Iterable[str]
    mentions: int


@dataclass(slots=True)
class EdgePart:
    u: str
    v: str
    key: str
    data: dict[str, Any]


Part = NodePart | EntityPart | EdgePart


def add_extraction(G: nx.MultiDiGraph, ex: Extraction) -> None:
    """Add one document's extraction to the graph, merging shared entities."""
    for part in document_parts(ex, G.__contains__):
        if type(part) is EdgePart:
            if part.data["type"] == "CO_OCCURS" and G.has_edge(part.u, part.v, part.key):
                G.edges[part.u, part.v, part.key]["weight"] += part.data["weight"]  # another segment's sentences
            else:
                G.add_edge(part.u, part.v, key=part.key, **part.data)
        elif type(part) is NodePart:
            G.add_node(part.id, **part.data)
        else:
            assert isinstance(part, EntityPart)
            if part.id in G:
                node = G.nodes[part.id]
                node["aliases"] = sorted(set(node["aliases"]) | set(part.aliases))
                node["mention_count"] += part.mentions
            else:
                G.add_node(part.id, **entity_data(part))


def entity_data(part: EntityPart) -> dict[str, Any]:
    return {
        "kind": "Entity",
        "type": part.type,
        "name": part.name,
        "label": part.name,
        "aliases": sorted(part.aliases),
        "mention_count": part.mentions,
    }


def document_parts(ex: Extraction, known: Callable[[str], bool]) -> Iterator[Part]:
    """One document's nodes and edges, in the order the graph adds them.

    A stream, so a sink can write a huge document's graph to disk as it is
    made (`graph.spool`) as well as add it to a networkx graph. `known`
    tells whether an entity node exists already (from an earlier document
    or earlier in this one); the consumer must apply each part before
    asking for the next.
    """
    first = ex.opens_document  # later segments of a long document add points to it
    if first:
        yield from _document_node(ex)
    yield from _body_parts(ex, known, first)


def _document_node(ex: Extraction) -> Iterator[Part]:
    doc = ex.document
    yield NodePart(
        doc.id,
        {
            "kind": "Document",
            "label": doc.plan_title or doc.title or doc.source,
            "title": doc.title,
            "plan_title": doc.plan_title,
            "issuer": doc.issuer,
            "doc_number": doc.doc_number,
            "issued_date": doc.issued_date,
            "published_date": doc.published_date,
            "source": doc.source,
            "sha256": doc.sha256,
            "addressees": list(doc.addressees),
            "issuers": list(doc.issuers),
            "issuer_source": doc.issuer_source,
            "place": doc.place,
        },
    )


def _body_parts(ex: Extraction, known: Callable[[str], bool], first: bool) -> Iterator[Part]:
    doc = ex.document
    for s in ex.sections:
        yield NodePart(
            s.id,
            {
                "kind": "Section",
                "label": f"{s.ordinal} {s.title}",
                "doc_id": s.doc_id,
                "level": s.level,
                "ordinal": s.ordinal,
                "title": s.title,
                "text": s.text,
            },
        )
        yield EdgePart(s.parent or doc.id, s.id, "HAS_SECTION", {"type": "HAS_SECTION", "doc_id": doc.id})
    for p in ex.points:
        yield NodePart(
            p.id,
            {
                "kind": "Point",
                "label": f"{p.number}. {p.title}",
                "doc_id": p.doc_id,
                "number": p.number,
                "title": p.title,
                "text": p.text,
            },
        )
        yield EdgePart(p.section or doc.id, p.id, "HAS_POINT", {"type": "HAS_POINT", "doc_id": doc.id})

    texts = ex.unit_texts()
    sentences = _Sentences(texts)
    sentence_members: dict[tuple[str, int], set[str]] = defaultdict(set)
    for e in ex.entities:
        nid = entity_id(e.key)
        yield EntityPart(nid, e.type, e.name, e.aliases, len(e.mentions))
        per_unit: dict[str, list[list[int]]] = defaultdict(list)  # one pass: an entity may have 10⁴ mentions
        for m in e.mentions:
            if m.point:
                per_unit[m.point].append([m.start, m.end])
        for unit, spans in per_unit.items():
            count = len(spans)
            # the first mention's offset and sentence, for readers that want context
            context = {"start": spans[0][0], "sentence": sentences.at(unit, spans[0][0])}
            if unit in (ex.cover_id, ex.title_id):  # the cover letter and titles are part of the document node
                part = "cover" if unit == ex.cover_id else "title"
                yield EdgePart(
                    doc.id,
                    nid,
                    f"MENTIONS|{part}",
                    {
                        "type": "MENTIONS",
                        "count": count,
                        "spans": spans,
                        "part": part,
                        "doc_id": doc.id,
                        **context,
                    },
                )
            else:
                yield EdgePart(
                    unit,
                    nid,
                    "MENTIONS",
                    {"type": "MENTIONS", "count": count, "spans": spans, "doc_id": doc.id, **context},
                )
        for m in e.mentions:
            if m.point in texts:
                sentence_members[(m.point, sentences.index(m.point, m.start))].add(nid)
    # Extraction wrote issuer and addressees in the entities' normal form.
    for name in (doc.issuers or ((doc.issuer,) if doc.issuer else ())) if first else ():
        key = EntityKey(doc.issuer_type, name)
        issuer = entity_id(key)
        if not known(issuer):  # inferred, so named nowhere in the text: a bare node, for the ISSUED edge
            yield EntityPart(issuer, key.type, key.name, (), 0)
        data = {"type": "ISSUED", "doc_id": doc.id}
        if doc.issuer_source:
            data["read_from"] = doc.issuer_source  # (not "source": node-link JSON names the edge's ends so)
        yield EdgePart(issuer, doc.id, "ISSUED", data)
    for a in doc.addressees if first else ():
        for etype in ("Agency", "Institution"):  # schools and units are addressed too
            if known(entity_id(EntityKey(etype, a))):
                yield EdgePart(
                    doc.id, entity_id(EntityKey(etype, a)), "ADDRESSED_TO", {"type": "ADDRESSED_TO", "doc_id": doc.id}
                )

    # The units a point's tag puts in charge of it; extraction made each an Agency of the document.
    for p in ex.points:
        for charged in p.responsible:
            agency = entity_id(EntityKey("Agency", charged.name))
            if not known(agency):  # a record written by hand, with no entity for the unit
                yield EntityPart(agency, "Agency", charged.name, (), 0)
            yield EdgePart(
                agency,
                p.id,
                f"RESPONSIBLE_FOR|{charged.role}",
                {"type": "RESPONSIBLE_FOR", "role": charged.role, "doc_id": doc.id},
            )

    for t in ex.targets:
        yield NodePart(
            t.id,
            {
                "kind": "Target",
                "label": t.text,
                "doc_id": doc.id,
                "text": t.text,
                "value": t.value,
                "value_max": t.value_max,
                "unit": t.unit,
                "qualifier": t.qualifier,
                # ONTOLOGY's Target.kind; `kind` names the node's kind in graph.json
                "target_kind": t.kind,
                "point_id": t.point,
            },
        )
        if t.point:
            yield EdgePart(t.point, t.id, "SETS_TARGET", {"type": "SETS_TARGET", "doc_id": doc.id})
        if t.about is not None and known(entity_id(t.about)):
            yield EdgePart(t.id, entity_id(t.about), "FOR", {"type": "FOR", "doc_id": doc.id})

    for r in ex.relations:
        u, v = entity_id(r.head), entity_id(r.tail)
        for key in (r.head, r.tail):  # an end no mention named (rare): a bare entity
            if not known(entity_id(key)):
                yield EntityPart(entity_id(key), key.type, key.name, (), 0)
        ev = r.evidence
        yield EdgePart(
            u,
            v,
            f"{r.type}|{ev.point}|{ev.start}",
            {
                "type": r.type,
                "doc_id": doc.id,
                "point_id": ev.point,
                "sentence": ev.sentence,
                "trigger": ev.trigger,
                "start": ev.start,
                "end": ev.end,
            },
        )

    # One CO_OCCURS edge per pair and document (weight = its sentences), so a
    # document can be replaced without recounting the others; across documents
    # the weights add up. Segments of one document add to the same edge
    # (sinks sum CO_OCCURS weights under one key).
    co_key = f"CO_OCCURS|{doc.id}"
    weights: dict[tuple[str, str], int] = {}
    for members in sentence_members.values():
        for pair in combinations(sorted(members), 2):
            weights[pair] = weights.get(pair, 0) + 1
    for (a, b), weight in weights.items():
        yield EdgePart(a, b, co_key, {"type": "CO_OCCURS", "weight": weight, "doc_id": doc.id})


class _Sentences:
    """Sentence bounds of each unit, found once: a unit may be a long paragraph with 10⁴ mentions."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.bounds: dict[str, tuple[list[int], list[int]]] = {}

    def _of(self, unit: str) -> tuple[list[int], list[int]]:
        b = self.bounds.get(unit)
        if b is None:
            spans = sentence_spans(self.texts.get(unit, ""))
            b = self.bounds[unit] = ([a for a, _ in spans], [e for _, e in spans])
        return b

    def index(self, unit: str, offset: int) -> int:
        """Which sentence of the unit holds `offset` (-1: none).

        >>> _Sentences({"p": "开展行动。联合华东师范大学开展试点。"}).index("p", 7)
        1
        """
        starts, ends = self._of(unit)
        i = bisect_right(starts, offset) - 1
        return i if i >= 0 and offset < ends[i] else -1

    def at(self, unit: str, offset: int) -> str:
        """The sentence around `offset`.

        >>> _Sentences({"p": "开展行动。联合华东师范大学开展试点。"}).at("p", 7)
        '联合华东师范大学开展试点。'
        """
        i = self.index(unit, offset)
        if i < 0:
            return ""
        starts, ends = self._of(unit)
        return self.texts[unit][starts[i] : ends[i]].strip()


def build_graph(extractions: Iterable[Extraction]) -> nx.MultiDiGraph:
    """The graph of all documents; extractions may be a stream."""
    G = nx.MultiDiGraph()
    for ex in extractions:
        add_extraction(G, ex)
    return G


def summarize(G: nx.MultiDiGraph) -> dict[str, object]:
    """Counts a user checks first: documents, points, entities and relations by type."""
    kinds = Counter(d.get("kind") for _, d in G.nodes(data=True))
    entity_types = Counter(d["type"] for _, d in G.nodes(data=True) if d.get("kind") == "Entity")
    relation_types = Counter(d.get("type") for _, _, d in G.edges(data=True))
    return {
        "documents": kinds.get("Document", 0),
        "sections": kinds.get("Section", 0),
        "points": kinds.get("Point", 0),
        "targets": kinds.get("Target", 0),
        "entities": dict(sorted(entity_types.items())),
        "relations": dict(sorted(relation_types.items())),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
    }
