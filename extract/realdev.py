"""Scores against gold in the real development set's format, with the scorer of record's semantics.

The real development set (``shared/realdev``) and the project's own
regression sets (``tests/gold/realdev-format/``, ``tests/extra/``) hold one
gold line per document: ``doc`` (a file name), ``issuer {name, in_text}``,
``entities [{type, name, surface, doubtful?}]``, ``relations [{type, head,
tail, trigger, evidence, role?, doubtful?}]`` and ``targets [{text, value,
value_max, unit, qualifier, doubtful?}]``. The project is measured with
``shared/realdev/score.py``; this module computes the same numbers from
the extraction contract (the JSONL ``policykg extract`` prints), so that
``policykg eval`` and the benchmark agree with it to the last digit:

- names are compared after one normalisation (:func:`norm`), and a
  predicted entity counts under its name *or any alias*;
- a ``doubtful`` gold item is don't-care: not required, and a prediction
  matching it is not counted at all;
- entities: strict (type + name), untyped (name only, no aliases), lenient
  (same type, one name inside the other);
- relations: (type, head, tail), ends matched through the predicted
  entity's aliases, PARTNERS_WITH undirected; LOCATED_IN, MENTIONS and
  CO_OCCURS are not annotated and not scored;
- responsible: the per-document *set* of units named in responsibility
  tags, from RESPONSIBLE_FOR relations and ``points[].responsible``;
- targets: the set of (value, unit) pairs (a pair promised twice counts once);
- issuer: the predicted ``document.issuer``, or an alias of the entity of
  that name, equals the gold issuer's name. ``issuer (in_text)`` is the
  same over the documents whose issuer is written in the text.

Counts are (found, predicted, gold) rather than tp/fp/fn because the
scorer counts gold items found against distinct predictions: one predicted
entity whose aliases cover two gold entities finds both.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from graph.errors import InputError

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

NOT_SCORED = frozenset({"LOCATED_IN", "MENTIONS", "CO_OCCURS"})
RESPONSIBLE = "RESPONSIBLE_FOR"
UNDIRECTED = "PARTNERS_WITH"
_QUOTES = "“”‘’\"'《》〈〉「」『』【】"
_TRAILING = "，。；、,.;:： "

GoldFormat = Literal["project", "realdev"]
RelKey = tuple[str, str, str]


def norm(text: str | None) -> str:
    """The scorer's normal form of a name: NFKC, no surrounding quotes or trailing punctuation.

    >>> norm(" 《关于加强科学教育的意见》 ")
    '关于加强科学教育的意见'
    >>> norm("国培计划，")
    '国培计划'

    Quotes go before trailing punctuation, as in score.py, so a quote
    followed by a comma stays:

    >>> norm("“双减”，")
    '双减”'
    >>> norm("各县（市、区）教育局")
    '各县(市、区)教育局'
    """
    s = unicodedata.normalize("NFKC", text or "").strip().strip(_QUOTES).strip()
    return s.rstrip(_TRAILING).replace("（", "(").replace("）", ")")


def _end_name(end: Any) -> str:
    """A relation end or responsible unit: a {name} object or a bare name."""
    return norm(end.get("name") if isinstance(end, dict) else end)


def _names(obj: Mapping[str, Any]) -> frozenset[str]:
    """An entity's normalised name and aliases, empty ones dropped."""
    names = {norm(obj.get("name"))} | {norm(a) for a in obj.get("aliases") or ()}
    return frozenset(n for n in names if n)


def _canon(key: RelKey) -> RelKey:
    """PARTNERS_WITH is undirected: its ends in a fixed order."""
    rtype, head, tail = key
    return (rtype, *sorted((head, tail))) if rtype == UNDIRECTED else key  # type: ignore[return-value]


# -- scores ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Gold items found, distinct predictions, gold items (the scorer's three counts)."""

    found: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.found / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.found + other.found, self.predicted + other.predicted, self.gold + other.gold)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "found": self.found,
            "predicted": self.predicted,
            "gold": self.gold,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)

    def as_dict(self) -> dict[str, float | int]:
        return {"correct": self.correct, "total": self.total, "accuracy": round(self.value, 4)}


@dataclass(frozen=True)
class ScoreError:
    """One miss or false hit, for ``--show-errors``."""

    doc: str
    kind: str  # entity, relation, responsible, target, issuer
    error: str  # miss, false, wrong
    type: str
    name: str


# -- gold -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldDocument:
    """One gold line, normalised, split into what is required and what is don't-care."""

    doc: str
    gold_file: Path
    issuer: str = ""
    issuer_in_text: bool = False
    entities: frozenset[tuple[str, str]] = frozenset()
    entities_doubtful: frozenset[tuple[str, str]] = frozenset()
    relations: frozenset[RelKey] = frozenset()
    relations_doubtful: frozenset[RelKey] = frozenset()
    responsible: frozenset[str] = frozenset()
    responsible_doubtful: frozenset[str] = frozenset()
    targets: frozenset[tuple[float, str]] = frozenset()
    targets_doubtful: frozenset[tuple[float, str]] = frozenset()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], gold_file: Path) -> GoldDocument:
        def split(items: Iterable[tuple[Any, Mapping[str, Any]]]) -> tuple[frozenset[Any], frozenset[Any]]:
            sure: set[Any] = set()
            doubtful: set[Any] = set()
            for key, item in items:
                (doubtful if item.get("doubtful") else sure).add(key)
            return frozenset(sure), frozenset(doubtful)

        rels = data.get("relations") or []
        issuer = data.get("issuer") or {}
        entities = split(((e["type"], norm(e["name"])), e) for e in data.get("entities") or [])
        relations = split(
            (_canon((r["type"], _end_name(r["head"]), _end_name(r["tail"]))), r)
            for r in rels
            if r["type"] != RESPONSIBLE
        )
        responsible = split((_end_name(r["head"]), r) for r in rels if r["type"] == RESPONSIBLE)
        targets = split(
            ((float(t["value"]), norm(t.get("unit"))), t)
            for t in data.get("targets") or []
            if t.get("value") is not None
        )
        return cls(
            doc=Path(data["doc"]).name,
            gold_file=gold_file,
            issuer=norm(issuer.get("name")),
            issuer_in_text=bool(issuer.get("in_text")),
            entities=entities[0],
            entities_doubtful=entities[1],
            relations=relations[0],
            relations_doubtful=relations[1],
            responsible=responsible[0],
            responsible_doubtful=responsible[1],
            targets=targets[0],
            targets_doubtful=targets[1],
        )


def _gold_files(path: Path) -> list[Path]:
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not path.exists() or not files:
        raise InputError(f"{path}: no gold .jsonl files here; pass a gold file or a folder of them")
    return files


def _first_object(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(f"{path}:{lineno}: not JSON; fix the line or remove it") from e
                if not isinstance(obj, dict):
                    break
                return obj
    raise InputError(f"{path}: no gold document in this file; pass a gold .jsonl with one document per line")


def gold_format(path: Path) -> GoldFormat:
    """Which gold format a file (or every file of a folder) is in, from its first line.

    ``project``: the extraction contract's shape (``document.source``, as in
    ``tests/gold/``); ``realdev``: one line per ``doc`` (this module).

    Raises:
        InputError: no gold files, a line that is neither, or a folder mixing both.
    """
    formats: dict[GoldFormat, Path] = {}
    for f in _gold_files(path):
        obj = _first_object(f)
        if "document" in obj:
            formats["project"] = f
        elif "doc" in obj:
            formats["realdev"] = f
        else:
            raise InputError(
                f"{f}: neither gold format (a line needs `doc` and `issuer`, or `document.source`); fix the file"
            )
    if len(formats) > 1:
        raise InputError(
            f"{path}: mixes the realdev format ({formats['realdev'].name}) and the project's "
            f"({formats['project'].name}); pass one file or a folder of one format"
        )
    return next(iter(formats))


def read_gold(path: Path) -> list[GoldDocument]:
    """Realdev-format gold documents from a .jsonl file or every .jsonl in a folder.

    Raises:
        InputError: missing path, a malformed line, or a document given twice.
    """
    docs: dict[str, GoldDocument] = {}
    for f in _gold_files(path):
        for lineno, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                gold = GoldDocument.from_dict(json.loads(line), f)
            except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as e:
                raise InputError(
                    f"{f}:{lineno}: not a realdev gold document (needs doc, issuer, entities with type and name, "
                    "relations with type/head/tail, targets with value); fix the line or remove it"
                ) from e
            if gold.doc in docs:
                # the scorer of record would silently keep the later line
                raise InputError(f"{f}:{lineno}: {gold.doc} has a gold line already; keep one line per document")
            docs[gold.doc] = gold
    return list(docs.values())


# -- predictions ----------------------------------------------------------------------


@dataclass(frozen=True)
class PredictedEntity:
    type: str
    name: str  # normalised
    names: frozenset[str]  # name and aliases, normalised


@dataclass(frozen=True)
class PredictedRelation:
    type: str
    head: str
    tail: str
    head_names: frozenset[str] = frozenset()  # aliases written on the end itself, if any
    tail_names: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Prediction:
    """What the scorer reads of one document's extraction (all its segments merged)."""

    doc: str
    issuer: str = ""
    entities: tuple[PredictedEntity, ...] = ()
    relations: tuple[PredictedRelation, ...] = ()
    responsible: tuple[str, ...] = ()  # units from points[].responsible
    targets: frozenset[tuple[float, str]] = frozenset()

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Prediction:
        """From extraction JSONL objects of one document; the first one's header counts."""
        records = list(records)
        if not records:
            raise ValueError("no records")
        document = records[0].get("document") or {}
        entities: list[PredictedEntity] = []
        relations: list[PredictedRelation] = []
        responsible: list[str] = []
        targets: set[tuple[float, str]] = set()
        for rec in records:
            for e in rec.get("entities") or []:
                entities.append(PredictedEntity(str(e.get("type") or ""), norm(e.get("name")), _names(e)))
            for r in rec.get("relations") or []:
                head, tail = r.get("head"), r.get("tail")
                relations.append(
                    PredictedRelation(
                        str(r.get("type") or ""),
                        _end_name(head),
                        _end_name(tail),
                        _names(head) if isinstance(head, dict) else frozenset(),
                        _names(tail) if isinstance(tail, dict) else frozenset(),
                    )
                )
            for p in rec.get("points") or []:
                responsible.extend(_end_name(x) for x in p.get("responsible") or [])
            for t in rec.get("targets") or []:
                try:
                    targets.add((float(t["value"]), norm(t.get("unit"))))
                except (KeyError, TypeError, ValueError):
                    log.warning("%s: a target without a numeric value is not scored: %r", document.get("source"), t)
        return cls(
            doc=Path(document.get("source") or "").name,
            issuer=norm(document.get("issuer")),
            entities=tuple(entities),
            relations=tuple(relations),
            responsible=tuple(responsible),
            targets=frozenset(targets),
        )


def group_records(records: Iterable[Mapping[str, Any]]) -> dict[str, Prediction]:
    """Predictions by document file name; the segments of one long document are merged."""
    by_doc: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for rec in records:
        by_doc[Path((rec.get("document") or {}).get("source") or "").name].append(rec)
    return {doc: Prediction.from_records(recs) for doc, recs in by_doc.items()}


def read_predictions(path: Path) -> dict[str, Prediction]:
    """Predictions from an extraction JSONL file (what ``policykg extract --format jsonl`` prints).

    Raises:
        InputError: the file is missing or a line is not JSON.
    """

    def records() -> Iterator[dict[str, Any]]:
        try:
            with path.open(encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, start=1):
                    if line.strip():
                        try:
                            yield json.loads(line)
                        except json.JSONDecodeError as e:
                            raise InputError(
                                f"{path}:{lineno}: not a JSON line; write it with policykg extract --format jsonl"
                            ) from e
        except OSError as e:
            raise InputError(f"{path}: cannot read predictions ({e.strerror}); check the path") from e

    return group_records(records())


# -- scoring --------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentScore:
    doc: str
    entities: Mapping[str, Counts]  # strict, per type
    untyped: Counts
    lenient: Counts
    relations: Mapping[str, Counts]  # per type
    responsible: Counts
    targets: Counts
    issuer: Accuracy
    issuer_in_text: Accuracy
    errors: tuple[ScoreError, ...] = ()


def score_document(gold: GoldDocument, pred: Prediction | None) -> DocumentScore:
    """One document's counts; a document with no prediction scores as an empty one."""
    pred = pred or Prediction(doc=gold.doc)
    errors: list[ScoreError] = []

    def err(kind: str, error: str, type_: str, name: str) -> None:
        errors.append(ScoreError(gold.doc, kind, error, type_, name))

    # entities: a prediction that matches a don't-care item, by any of its names, is dropped
    kept = [e for e in pred.entities if not any((e.type, n) in gold.entities_doubtful for n in e.names)]
    pred_keys: dict[tuple[str, str], PredictedEntity] = {(e.type, e.name): e for e in kept}
    covered = {(e.type, n) for e in kept for n in e.names}
    names_by_type: dict[str, set[str]] = defaultdict(set)
    for e in kept:
        names_by_type[e.type] |= e.names
    found = gold.entities & covered
    entities = {
        t: Counts(
            sum(1 for g in found if g[0] == t),
            sum(1 for k in pred_keys if k[0] == t),
            sum(1 for g in gold.entities if g[0] == t),
        )
        for t in {t for t, _ in gold.entities} | {t for t, _ in pred_keys}
    }
    gold_names, pred_names = {n for _, n in gold.entities}, {n for _, n in pred_keys}
    untyped = Counts(len(gold_names & pred_names), len(pred_names), len(gold_names))
    lenient = Counts(
        sum(1 for t, n in gold.entities if any(m and (n in m or m in n) for m in names_by_type.get(t, ()))),
        len(pred_keys),
        len(gold.entities),
    )
    for t, n in sorted(gold.entities - found):
        err("entity", "miss", t, n)
    for key, e in sorted(pred_keys.items()):
        if not any((key[0], n) in gold.entities for n in e.names):
            err("entity", "false", *key)

    # every name an entity goes by, keyed by its name (all predictions, don't-care ones too)
    aliases: dict[str, set[str]] = defaultdict(set)
    for e in pred.entities:
        aliases[e.name] |= e.names

    # relations: each distinct (type, head, tail) predicted, with every combination of the ends' names
    combos_by_key: dict[RelKey, set[RelKey]] = {}
    for r in pred.relations:
        if r.type in NOT_SCORED or r.type == RESPONSIBLE:
            continue
        heads = {r.head} | aliases.get(r.head, set()) | r.head_names
        tails = {r.tail} | aliases.get(r.tail, set()) | r.tail_names
        combos_by_key.setdefault(_canon((r.type, r.head, r.tail)), set()).update(
            _canon((r.type, h, t)) for h in heads for t in tails
        )
    combos_by_key = {k: v for k, v in combos_by_key.items() if not v & gold.relations_doubtful}
    all_combos = set().union(*combos_by_key.values())
    rel_found = gold.relations & all_combos
    relations = {
        t: Counts(
            sum(1 for g in rel_found if g[0] == t),
            sum(1 for k in combos_by_key if k[0] == t),
            sum(1 for g in gold.relations if g[0] == t),
        )
        for t in {g[0] for g in gold.relations} | {k[0] for k in combos_by_key}
    }
    for g in sorted(gold.relations - rel_found):
        err("relation", "miss", g[0], f"{g[1]} → {g[2]}")
    for k, v in sorted(combos_by_key.items()):
        if not v & gold.relations:
            err("relation", "false", k[0], f"{k[1]} → {k[2]}")

    # responsibility: the set of units per document, a unit matching by its name or any alias
    units = {r.head for r in pred.relations if r.type == RESPONSIBLE} | set(pred.responsible)
    unit_names = {u: {u} | aliases.get(u, set()) for u in units if u}
    unit_names = {u: ns for u, ns in unit_names.items() if not ns & gold.responsible_doubtful}
    resp_found = {unit for unit in gold.responsible if any(unit in ns for ns in unit_names.values())}
    responsible = Counts(len(resp_found), len(unit_names), len(gold.responsible))
    for unit in sorted(gold.responsible - resp_found):
        err("responsible", "miss", RESPONSIBLE, unit)
    for u, ns in sorted(unit_names.items()):
        if not ns & gold.responsible:
            err("responsible", "false", RESPONSIBLE, u)

    # targets: sets of (value, unit); a don't-care pair is dropped unless it is also required
    pred_targets = pred.targets - (gold.targets_doubtful - gold.targets)
    targets = Counts(len(gold.targets & pred_targets), len(pred_targets), len(gold.targets))
    for value, unit in sorted(gold.targets - pred_targets):
        err("target", "miss", "Target", f"{value:g}{unit}")
    for value, unit in sorted(pred_targets - gold.targets):
        err("target", "false", "Target", f"{value:g}{unit}")

    # issuer: the predicted issuer, or any alias of the predicted entity of that name
    issuer = issuer_in_text = Accuracy()
    if gold.issuer:
        ok = bool(pred.issuer) and gold.issuer in {pred.issuer} | aliases.get(pred.issuer, set())
        issuer = Accuracy(int(ok), 1)
        if gold.issuer_in_text:
            issuer_in_text = issuer
        if not ok:
            err("issuer", "wrong", "issuer", f"gold={gold.issuer} pred={pred.issuer or '-'}")

    return DocumentScore(
        doc=gold.doc,
        entities=entities,
        untyped=untyped,
        lenient=lenient,
        relations=relations,
        responsible=responsible,
        targets=targets,
        issuer=issuer,
        issuer_in_text=issuer_in_text,
        errors=tuple(errors),
    )


def _sum(items: Iterable[Counts]) -> Counts:
    total = Counts()
    for c in items:
        total += c
    return total


def _merge(tables: Iterable[Mapping[str, Counts]]) -> dict[str, Counts]:
    merged: dict[str, Counts] = defaultdict(Counts)
    for table in tables:
        for k, c in table.items():
            merged[k] += c
    return dict(sorted(merged.items()))


@dataclass(frozen=True)
class RealdevReport:
    """Every quality figure of one gold set, summed over its documents."""

    documents: tuple[str, ...]
    missing: tuple[str, ...]  # gold documents with no prediction (scored as empty)
    entities: Mapping[str, Counts]  # strict, per type
    untyped: Counts
    lenient: Counts
    relations_by_type: Mapping[str, Counts]
    responsible: Counts
    targets: Counts
    issuer: Accuracy
    issuer_in_text: Accuracy
    per_document: tuple[DocumentScore, ...] = field(default=(), repr=False)

    @property
    def strict(self) -> Counts:
        return _sum(self.entities.values())

    @property
    def relations(self) -> Counts:
        return _sum(self.relations_by_type.values())

    @property
    def errors(self) -> tuple[ScoreError, ...]:
        return tuple(e for d in self.per_document for e in d.errors)

    def summary_line(self) -> str:
        """The scorer of record's last line."""
        return (
            f"entity_f1_strict={self.strict.f1:.3f} relation_f1={self.relations.f1:.3f} "
            f"target_f1={self.targets.f1:.3f} issuer_acc={self.issuer.value:.3f} "
            f"responsible_f1={self.responsible.f1:.3f}"
        )

    def score_table(self) -> str:
        """The scores laid out line for line as ``score.py GOLD PRED`` prints them."""
        lines = [f"no prediction for: {', '.join(self.missing)}"] if self.missing else []
        lines.append(f"{'type':12s} {'P':>6s} {'R':>6s} {'F1':>6s} {'gold':>6s}")

        def row(label: str, c: Counts, *, gold: bool = True) -> str:
            text = f"{label:12s} {c.precision:6.2f} {c.recall:6.2f} {c.f1:6.2f}"
            return text + (f" {c.gold:6d}" if gold else "")

        lines += [row(t, c) for t, c in self.entities.items()]
        lines += [
            row("ALL strict", self.strict),
            row("ALL untyped", self.untyped, gold=False),
            row("ALL lenient", self.lenient, gold=False),
            row("relations", self.relations),
            row("responsible", self.responsible),
            row("targets", self.targets),
            f"{'issuer':12s} {self.issuer.correct}/{self.issuer.total} = {self.issuer.value:.2f}",
            self.summary_line(),
        ]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": "realdev",
            "documents": list(self.documents),
            "missing": list(self.missing),
            "entities": {t: c.as_dict() for t, c in self.entities.items()},
            "entities_all": {
                "strict": self.strict.as_dict(),
                "untyped": self.untyped.as_dict(),
                "lenient": self.lenient.as_dict(),
            },
            "relations": {
                **{t: c.as_dict() for t, c in self.relations_by_type.items()},
                "ALL": self.relations.as_dict(),
            },
            "responsible": self.responsible.as_dict(),
            "targets": self.targets.as_dict(),
            "issuer": self.issuer.as_dict(),
            "issuer_in_text": self.issuer_in_text.as_dict(),
            "summary": self.summary_line(),
        }


def score(gold: Iterable[GoldDocument], predictions: Mapping[str, Prediction]) -> RealdevReport:
    """Score predictions (by document file name) against gold documents."""
    gold = sorted(gold, key=lambda g: g.doc)
    per_doc = tuple(score_document(g, predictions.get(g.doc)) for g in gold)
    issuer, in_text = Accuracy(), Accuracy()
    for d in per_doc:
        issuer += d.issuer
        in_text += d.issuer_in_text
    return RealdevReport(
        documents=tuple(g.doc for g in gold),
        missing=tuple(g.doc for g in gold if g.doc not in predictions),
        entities=_merge(d.entities for d in per_doc),
        untyped=_sum(d.untyped for d in per_doc),
        lenient=_sum(d.lenient for d in per_doc),
        relations_by_type=_merge(d.relations for d in per_doc),
        responsible=_sum(d.responsible for d in per_doc),
        targets=_sum(d.targets for d in per_doc),
        issuer=issuer,
        issuer_in_text=in_text,
        per_document=per_doc,
    )


def score_file(gold_path: Path, predictions_path: Path) -> RealdevReport:
    """Score an extraction JSONL against realdev-format gold, as ``score.py GOLD PRED`` does."""
    return score(read_gold(gold_path), read_predictions(predictions_path))


def find_plan(doc: str, gold_file: Path, plan_dirs: Iterable[Path] = ()) -> Path:
    """The plan a gold line names: beside the gold, in its ``docs/`` or ``plans/``, or in `plan_dirs`.

    Raises:
        InputError: the file is in none of them.
    """
    here = gold_file.parent
    candidates = [here / doc, here / "docs" / doc, here / "plans" / doc, here.parent / "plans" / doc]
    candidates += [Path(d) / doc for d in plan_dirs]
    for c in candidates:
        if c.is_file():
            return c
    raise InputError(f"{doc}: plan file for this gold document not found; pass its folder with --plans")


def evaluate_realdev(
    gold_path: Path, *, plan_dirs: Iterable[Path] = (), nlp: Language | None = None, patterns: Path | None = None
) -> RealdevReport:
    """Extract the plans a realdev-format gold names and score them.

    The extraction is read through its JSONL contract (``Extraction.to_dict``),
    so fields a pipeline adds (``points[].responsible``) count as soon as they
    are written, exactly as for ``score.py`` on ``policykg extract`` output.
    """
    from extract.pipeline import build_nlp, extract_segments
    from extract.read import read_document

    gold = read_gold(gold_path)
    plan_dirs = list(plan_dirs)
    nlp = nlp or build_nlp(patterns=patterns)
    predictions: dict[str, Prediction] = {}
    for g in gold:
        plan = find_plan(g.doc, g.gold_file, plan_dirs)
        log.info("extracting %s", plan)
        records = [ex.to_dict() for ex in extract_segments(read_document(plan), nlp)]
        predictions[g.doc] = Prediction.from_records(records)
    return score(gold, predictions)


__all__ = [
    "Accuracy",
    "Counts",
    "DocumentScore",
    "GoldDocument",
    "Prediction",
    "RealdevReport",
    "ScoreError",
    "evaluate_realdev",
    "find_plan",
    "gold_format",
    "group_records",
    "norm",
    "read_gold",
    "read_predictions",
    "score",
    "score_file",
]
