"""Extraction quality against hand-made gold: precision, recall, F1.

Gold files are JSONL in the extraction contract's shape (one document per
line: ``document.source``, ``entities [{type, name, aliases}]``, ``relations
[{type, head, tail}]``, ``targets [{value, unit, …}]``), document-level:
each distinct entity once per document. Extraction runs on the plan named
by ``document.source``, found beside the gold or in the folders given.

Entities are scored strictly (type + normalised name; a gold alias counts
as the name) and leniently (same type, names overlapping). Relations are
(type, head name, tail name), PARTNERS_WITH undirected. Targets are
(value, unit) pairs, counted with multiplicity.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language

from extract.normalize import normalize_name
from extract.pipeline import build_nlp, extract_document
from extract.read import read_document
from graph.errors import InputError
from graph.model import ENTITY_TYPES, Extraction


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Report:
    documents: list[str] = field(default_factory=list)
    entities: dict[str, Score] = field(default_factory=dict)  # per type + "ALL"
    entities_lenient: dict[str, Score] = field(default_factory=dict)
    relations: dict[str, Score] = field(default_factory=dict)
    targets: Score = field(default_factory=Score)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "entities": {k: v.as_dict() for k, v in self.entities.items()},
            "entities_lenient": {k: v.as_dict() for k, v in self.entities_lenient.items()},
            "relations": {k: v.as_dict() for k, v in self.relations.items()},
            "targets": self.targets.as_dict(),
        }


def read_gold(path: Path) -> list[dict[str, Any]]:
    """Gold documents from a .jsonl file or every .jsonl in a folder.

    Raises:
        InputError: missing path or a line that is not a gold document.
    """
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not path.exists() or not files:
        raise InputError(f"{path}: no gold .jsonl files here; pass a gold file or a folder of them")
    docs = []
    for f in files:
        for lineno, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                doc["document"]["source"]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise InputError(
                    f"{f}:{lineno}: not a gold document (needs document.source, entities, relations, targets); "
                    "fix the line or remove it"
                ) from e
            doc["_gold_file"] = str(f)
            docs.append(doc)
    return docs


def _find_plan(source: str, gold_file: Path, plan_dirs: Iterable[Path]) -> Path:
    candidates = [
        gold_file.parent / source,
        gold_file.parent.parent / "plans" / source,
        *(Path(d) / source for d in plan_dirs),
    ]
    for c in candidates:
        if c.is_file():
            return c
    raise InputError(f"{source}: plan file for this gold document not found; pass its folder with --plans")


def _pair(name_a: str, name_b: str, rel_type: str) -> tuple[str, str]:
    return tuple(sorted((name_a, name_b))) if rel_type == "PARTNERS_WITH" else (name_a, name_b)  # type: ignore[return-value]


def evaluate(
    gold_path: Path, *, plan_dirs: Iterable[Path] = (), nlp: Language | None = None, patterns: Path | None = None
) -> Report:
    """Run extraction on the gold's documents and score it."""
    nlp = nlp or build_nlp(patterns=patterns)
    report = Report()
    ent_scores = {t: Score() for t in (*ENTITY_TYPES, "ALL")}
    len_scores = {t: Score() for t in (*ENTITY_TYPES, "ALL")}
    rel_scores: dict[str, Score] = {}
    for gold in read_gold(gold_path):
        source = gold["document"]["source"]
        plan = _find_plan(source, Path(gold["_gold_file"]), plan_dirs)
        ex = extract_document(read_document(plan), nlp)
        report.documents.append(source)
        _score_entities(gold, ex, ent_scores, len_scores, report.errors, source)
        _score_relations(gold, ex, rel_scores, report.errors, source)
        _score_targets(gold, ex, report.targets, report.errors, source)
    report.entities = ent_scores
    report.entities_lenient = len_scores
    total = Score()
    for s in rel_scores.values():
        total.add(s)
    report.relations = {**dict(sorted(rel_scores.items())), "ALL": total}
    return report


def _score_entities(
    gold: dict[str, Any],
    ex: Extraction,
    strict: dict[str, Score],
    lenient: dict[str, Score],
    errors: list[dict[str, Any]],
    source: str,
) -> None:
    gold_ents = [
        (e["type"], normalize_name(e["name"]), {normalize_name(a) for a in e.get("aliases", [])})
        for e in gold.get("entities", [])
    ]
    pred = {(e.type, e.name): {e.name, *e.aliases} for e in ex.entities}
    matched_pred: set[tuple[str, str]] = set()
    for etype, name, aliases in gold_ents:
        forms = {name} | aliases
        hit = next(
            (
                k
                for k, pforms in pred.items()
                if k[0] == etype and k not in matched_pred and (k[1] in forms or name in pforms)
            ),
            None,
        )
        if hit is not None:
            matched_pred.add(hit)
            strict[etype].tp += 1
        else:
            strict[etype].fn += 1
            errors.append({"doc": source, "kind": "entity", "error": "miss", "type": etype, "name": name})
    for key in pred:
        if key not in matched_pred:
            strict.setdefault(key[0], Score()).fp += 1
            errors.append({"doc": source, "kind": "entity", "error": "false", "type": key[0], "name": key[1]})
    # lenient: names overlap (one contains the other), same type, one-to-one
    used: set[tuple[str, str]] = set()
    for etype, name, _aliases in gold_ents:
        hit = next((k for k in pred if k[0] == etype and k not in used and (k[1] in name or name in k[1])), None)
        if hit is not None:
            used.add(hit)
            lenient[etype].tp += 1
        else:
            lenient[etype].fn += 1
    for key in pred:
        if key not in used:
            lenient.setdefault(key[0], Score()).fp += 1
    for table in (strict, lenient):
        table["ALL"] = Score()
        for t, s in table.items():
            if t != "ALL":
                table["ALL"].add(s)


def _score_relations(
    gold: dict[str, Any], ex: Extraction, scores: dict[str, Score], errors: list[dict[str, Any]], source: str
) -> None:
    def key(t: str, h: str, tl: str) -> tuple[str, tuple[str, str]]:
        return t, _pair(normalize_name(h), normalize_name(tl), t)

    gold_set = {key(r["type"], r["head"]["name"], r["tail"]["name"]) for r in gold.get("relations", [])}
    pred_set = {key(r.type, r.head.name, r.tail.name) for r in ex.relations}
    for k in gold_set | pred_set:
        s = scores.setdefault(k[0], Score())
        if k in gold_set and k in pred_set:
            s.tp += 1
        elif k in gold_set:
            s.fn += 1
            errors.append({"doc": source, "kind": "relation", "error": "miss", "type": k[0], "name": " → ".join(k[1])})
        else:
            s.fp += 1
            errors.append({"doc": source, "kind": "relation", "error": "false", "type": k[0], "name": " → ".join(k[1])})


def _score_targets(
    gold: dict[str, Any], ex: Extraction, score: Score, errors: list[dict[str, Any]], source: str
) -> None:
    gold_c = Counter((float(t["value"]), t["unit"]) for t in gold.get("targets", []))
    pred_c = Counter((float(t.value), t.unit) for t in ex.targets)
    for k in gold_c | pred_c:
        tp = min(gold_c[k], pred_c[k])
        score.tp += tp
        score.fn += gold_c[k] - tp
        score.fp += pred_c[k] - tp
        label = f"{k[0]:g}{k[1]}"
        for _ in range(gold_c[k] - tp):
            errors.append({"doc": source, "kind": "target", "error": "miss", "type": "Target", "name": label})
        for _ in range(pred_c[k] - tp):
            errors.append({"doc": source, "kind": "target", "error": "false", "type": "Target", "name": label})
