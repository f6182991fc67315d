"""The records of ONTOLOGY.md, defined once.

Every stage hands the next one of these frozen dataclasses; nothing
downstream of extraction (graph building, JSON, stores, pages) reads text
or rules, only these. Being frozen and hashable, duplicates across points
and documents collapse with a set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from enum import StrEnum
from itertools import islice
from operator import attrgetter
from typing import Any


class EntityType(StrEnum):
    """The seven entity labels; also the Neo4j labels, so only these are ever used."""

    AGENCY = "Agency"
    INSTITUTION = "Institution"
    PROGRAM = "Program"
    POLICY = "Policy"
    PLATFORM = "Platform"
    EVENT = "Event"
    PLACE = "Place"


class RelationType(StrEnum):
    """Semantic relations between entities, each read from a sentence with a trigger."""

    LEADS = "LEADS"
    PARTNERS_WITH = "PARTNERS_WITH"
    BASED_ON = "BASED_ON"
    IMPLEMENTS = "IMPLEMENTS"
    ORGANIZES = "ORGANIZES"
    PART_OF = "PART_OF"
    LOCATED_IN = "LOCATED_IN"


class StructureRel(StrEnum):
    """Relations the graph derives from structure and co-occurrence, not from triggers."""

    HAS_SECTION = "HAS_SECTION"
    HAS_POINT = "HAS_POINT"
    ISSUED = "ISSUED"
    ADDRESSED_TO = "ADDRESSED_TO"
    MENTIONS = "MENTIONS"
    SETS_TARGET = "SETS_TARGET"
    FOR = "FOR"
    CO_OCCURS = "CO_OCCURS"
    # (:Agency)-[:RESPONSIBLE_FOR {role}]->(:Point), from the point's responsibility
    # tag: it ends at a point, not at an entity, and has no trigger or sentence
    RESPONSIBLE_FOR = "RESPONSIBLE_FOR"


ENTITY_TYPES: tuple[str, ...] = tuple(t.value for t in EntityType)
RELATION_TYPES: tuple[str, ...] = tuple(t.value for t in RelationType)
QUALIFIERS: tuple[str, ...] = ("至少", "以上", "左右", "力争", "exact")
ROLES: tuple[str, ...] = ("lead", "responsible")  # of RESPONSIBLE_FOR: 牵头 or any other key


def document_id(sha256: str) -> str:
    """Stable id of a document from its bytes' sha256: renaming the file keeps it.

    >>> document_id("e5d175a7aba8405132bf17317b6eeda1956a3a541058b10035fd2527e785f0c8")
    'd-e5d175a7aba8'
    """
    return "d-" + sha256[:12]


@dataclass(frozen=True)
class DocumentMeta:
    """Header facts of one plan; `id` derives from the text so it survives renames."""

    id: str
    source: str
    sha256: str
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    issued_date: str | None = None
    published_date: str | None = None
    plan_title: str | None = None
    addressees: tuple[str, ...] = ()
    encoding: str = "utf-8"
    # every issuing body, the first being `issuer` (中共某市委教育工委, 某市教育局)
    issuers: tuple[str, ...] = ()
    # where the issuer was read: field, notice, signature, title, publisher,
    # source, value, body, or inferred (not written in the text)
    issuer_source: str | None = None
    issuer_type: str = "Agency"  # Institution for a school's own plan
    issuer_forms: tuple[str, ...] = ()  # the issuer as written where it differs (省教育厅, 市教育局)
    place: str | None = None  # the document's own place, from the gazetteer (宁波市)


def document_titles(doc: DocumentMeta) -> str:
    """A document's title lines as one text: headlines and titles name places and bodies too.

    >>> document_titles(DocumentMeta("d", "x", "0", title="关于印发某某的通知", plan_title="某县2024年工作要点"))
    '关于印发某某的通知'
    """
    return "\n".join(dict.fromkeys(t for t in (doc.title, doc.plan_title) if t and not _PLAN_TITLE_END.search(t)))


# a plan's own title (某市2024年教育工作要点) is the document itself; a notice title or a
# news headline (某县召开…推进会) names bodies, places and events
_PLAN_TITLE_END = re.compile(r"(?:要点|计划|总结|安排|方案|任务|规划)》?$")


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    doc_id: str
    level: int
    ordinal: str
    title: str
    parent: str | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class Responsible:
    """A unit its tag puts in charge of a point (责任科室：…); `name` is its Agency entity's."""

    name: str
    role: str = "responsible"  # one of ROLES


@dataclass(frozen=True, slots=True)
class Point:
    """A numbered point; `start` is its offset in the document's clean text."""

    id: str
    doc_id: str
    number: int
    title: str
    text: str
    section: str | None = None
    start: int = 0
    responsible: tuple[Responsible, ...] = ()


@dataclass(frozen=True, slots=True)
class EntityKey:
    """What makes two entities the same node: type plus normalised name."""

    type: str
    name: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A surface occurrence; offsets index `Point.text` (or the preamble when point is None)."""

    point: str | None
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Entity:
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()

    @property
    def key(self) -> EntityKey:
        return EntityKey(self.type, self.name)


# A sentence quoted as evidence or context is at most this long: a text without
# sentence punctuation (a run-on page, a table flattened to one line) is read in
# pieces, so what the outputs quote grows with the text, not with entities × its length.
SENTENCE_MAX = 500
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_SOFT_CUT = re.compile(r"[，,、：:\s]")


def sentence_spans(text: str, *, limit: int = SENTENCE_MAX) -> list[tuple[int, int]]:
    """The sentences of a unit's text as (start, end), none longer than `limit`.

    A longer run is cut at its last comma, 、 or space in the second half of
    each piece, else at the limit.

    >>> sentence_spans("开展行动。联合华东师范大学开展试点。")
    [(0, 5), (5, 18)]
    >>> sentence_spans("甲，乙，丙丁戊己", limit=4)
    [(0, 4), (4, 8)]
    """
    out = []
    for m in _SENTENCE.finditer(text):
        a, b = m.span()
        while b - a > limit:
            cut = a + limit
            soft = [c.end() for c in _SOFT_CUT.finditer(text, a + limit // 2, a + limit)]
            if soft:
                cut = soft[-1]
            out.append((a, cut))
            a = cut
        out.append((a, b))
    return out


@dataclass(frozen=True, slots=True)
class Evidence:
    point: str | None
    sentence: str
    trigger: str
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Relation:
    type: str
    head: EntityKey
    tail: EntityKey
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Target:
    """A quantified commitment such as 创建温馨校园14所."""

    id: str
    text: str
    value: float
    unit: str
    qualifier: str = "exact"
    value_max: float | None = None
    point: str | None = None
    start: int = 0
    end: int = 0
    about: EntityKey | None = None
    # commitment: a number the plan promises; achievement: one it reports as done
    kind: str = "commitment"


_JSON_BATCH = 256
_FIELDS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _asdict(obj: Any) -> dict[str, Any]:
    """`dataclasses.asdict` for records of plain values, without its deep copies.

    The JSON line was a fifth of extraction time with the stdlib's (it copies
    every string); these records hold only strings, numbers and tuples of them.
    """
    known = _FIELDS.get(type(obj))
    if known is None:
        names = tuple(f.name for f in fields(obj))
        # all fields read in one C call (attrgetter of one name gives the value, not a tuple)
        getter = attrgetter(*names) if len(names) > 1 else (lambda o: (getattr(o, names[0]),))
        known = _FIELDS[type(obj)] = (names, getter)
    names, getter = known
    return dict(zip(names, getter(obj), strict=True))


@dataclass(frozen=True)
class Extraction:
    """Everything read out of one document: the unit every sink consumes."""

    document: DocumentMeta
    sections: tuple[Section, ...] = ()
    points: tuple[Point, ...] = ()
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()
    targets: tuple[Target, ...] = ()
    preamble: str = ""
    cover: str = ""
    warnings: tuple[str, ...] = field(default=(), compare=False)
    # (index, count) when a long document is extracted in runs of points
    # (`extract.pipeline.extract_segments`); None: the whole document
    segment: tuple[int, int] | None = None

    @property
    def opens_document(self) -> bool:
        """The whole document, or its first segment: the one that carries the header."""
        return self.segment is None or self.segment[0] == 0

    @property
    def cover_id(self) -> str:
        """Unit id of the cover letter (现将《…》印发给你们), whose mentions hang on the document."""
        return f"{self.document.id}:cover"

    @property
    def title_id(self) -> str:
        """Unit id of the document's title lines (its notice title, then its plan title)."""
        return f"{self.document.id}:title"

    def title_text(self) -> str:
        """The title lines as one unit: the notice title and the plan title, each once."""
        return document_titles(self.document)

    def unit_texts(self) -> dict[str, str]:
        """Text of every unit a mention can point into, by unit id."""
        texts = {self.document.id: self.preamble, self.cover_id: self.cover, self.title_id: self.title_text()}
        texts.update({s.id: s.text for s in self.sections})
        texts.update({p.id: p.text for p in self.points})
        return texts

    def to_dict(self) -> dict[str, Any]:
        """The extraction JSONL contract (issue 2); extend, don't break."""
        return {k: list(v) if isinstance(v, Iterator) else v for k, v in self._parts()}

    def json_chunks(self) -> Iterator[str]:
        """``json.dumps(self.to_dict(), ensure_ascii=False)`` in pieces, one list item at a time.

        A plan of tens of thousands of points has a JSON line of hundreds of
        MB; encoding it item by item never holds that line, nor the dicts
        behind it, whole.
        """
        encode = json.JSONEncoder(ensure_ascii=False).encode
        yield "{"
        for i, (key, value) in enumerate(self._parts()):
            yield (", " if i else "") + encode(key) + ": "
            if isinstance(value, Iterator):
                # a few hundred items per encoder call: the same text as one
                # call for the list ("[a, b]"), a bounded piece at a time
                yield "["
                first = True
                while batch := list(islice(value, _JSON_BATCH)):
                    yield ("" if first else ", ") + encode(batch)[1:-1]
                    first = False
                yield "]"
            else:
                yield encode(value)
        yield "}"

    def _parts(self) -> Iterator[tuple[str, Any]]:
        doc = _asdict(self.document)
        for name in ("addressees", "issuers", "issuer_forms"):
            doc[name] = list(doc[name])
        yield "document", doc
        if self.segment is not None:
            yield "segment", {"index": self.segment[0], "count": self.segment[1]}
        yield "preamble", self.preamble
        yield "cover", self.cover
        yield "sections", (_asdict(s) for s in self.sections)
        yield (
            "points",
            (
                {
                    "id": p.id,
                    "number": p.number,
                    "section": p.section,
                    "title": p.title,
                    "text": p.text,
                    "start": p.start,
                    "responsible": [{"name": r.name, "role": r.role} for r in p.responsible],
                }
                for p in self.points
            ),
        )
        yield (
            "entities",
            (
                {
                    "type": e.type,
                    "name": e.name,
                    "aliases": list(e.aliases),
                    "mentions": [_asdict(m) for m in e.mentions],
                }
                for e in self.entities
            ),
        )
        yield (
            "relations",
            (
                {"type": r.type, "head": _asdict(r.head), "tail": _asdict(r.tail), "evidence": _asdict(r.evidence)}
                for r in self.relations
            ),
        )
        # the extraction's targets are the commitments; what a text reports as done is apart
        for name, wanted in (("targets", "commitment"), ("achievements", "achievement")):
            yield (
                name,
                (
                    {
                        "id": t.id,
                        "text": t.text,
                        "value": t.value,
                        "value_max": t.value_max,
                        "unit": t.unit,
                        "qualifier": t.qualifier,
                        "kind": t.kind,
                        "point": t.point,
                        "start": t.start,
                        "end": t.end,
                        "about": _asdict(t.about) if t.about else None,
                    }
                    for t in self.targets
                    if (t.kind == "achievement") == (wanted == "achievement")
                ),
            )
        yield "warnings", list(self.warnings)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        """Inverse of :meth:`to_dict`, so sinks can run from a saved JSONL."""
        d = dict(data["document"])
        for name in ("addressees", "issuers", "issuer_forms"):
            d[name] = tuple(d.get(name) or ())
        known = DocumentMeta.__dataclass_fields__
        document = DocumentMeta(**{k: v for k, v in d.items() if k in known})

        def key(obj: dict[str, Any]) -> EntityKey:
            return EntityKey(obj["type"], obj["name"])

        return cls(
            document=document,
            preamble=data.get("preamble", ""),
            cover=data.get("cover", ""),
            sections=tuple(Section(**s) for s in data.get("sections", [])),
            points=tuple(
                Point(
                    doc_id=document.id,
                    **{k: v for k, v in p.items() if k != "responsible"},
                    # lines written before the field have none
                    responsible=tuple(
                        Responsible(r["name"], r.get("role", "responsible")) for r in p.get("responsible") or ()
                    ),
                )
                for p in data.get("points", [])
            ),
            entities=tuple(
                Entity(
                    type=e["type"],
                    name=e["name"],
                    aliases=tuple(e.get("aliases", [])),
                    mentions=tuple(Mention(**m) for m in e.get("mentions", [])),
                )
                for e in data.get("entities", [])
            ),
            relations=tuple(
                Relation(
                    type=r["type"],
                    head=key(r["head"]),
                    tail=key(r["tail"]),
                    evidence=Evidence(**r["evidence"]),
                )
                for r in data.get("relations", [])
            ),
            targets=tuple(
                Target(**{**t, "about": key(t["about"]) if t.get("about") else None})
                for t in [*data.get("targets", []), *data.get("achievements", [])]
            ),
            warnings=tuple(data.get("warnings", [])),
            segment=(data["segment"]["index"], data["segment"]["count"]) if data.get("segment") else None,
        )
