"""Relations read from trigger words within a clause, each with its evidence.

Plans are written as imperatives with no subject (实施X工程, 联合Y开展…):
the subject is then the document's issuing agency. A written subject is an
agency or institution opening the clause (白城职业技术学院…为牵头学校). The
triggers and the types each one admits live in
`extract/patterns/relation_triggers.jsonl`.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from extract.lexicon import LEXICON_DIR, load_lexicon
from extract.normalize import simplify_chars
from extract.textview import CANDIDATES, Candidate, ents_of, text_of
from extract.words import is_verb, segment
from graph.model import EntityKey, Evidence, Relation, sentence_spans

PATTERN_FILE = Path(__file__).with_name("patterns") / "relation_triggers.jsonl"
_CLAUSE_BREAK = re.compile(r"[，,：:]")
SUBJECT_TYPES = ("Agency", "Institution")
_CREATE = ("创建", "建设", "打造", "组建", "成立", "筹建", "建成", "搭建", "设立", "培育")


@dataclass(frozen=True)
class TriggerRule:
    type: str
    trigger: str
    tail: tuple[str, ...]
    head_before: bool = False
    closer: tuple[str, ...] = ()
    passive: bool = False  # 某推进会在某校召开: the event before the verb, held by the issuer


@lru_cache(maxsize=2)
def load_triggers(path: Path = PATTERN_FILE) -> tuple[dict[str, list[TriggerRule]], re.Pattern[str]]:
    rules: dict[str, list[TriggerRule]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            rule = TriggerRule(
                type=obj["type"],
                trigger=obj["trigger"],
                tail=tuple(obj["tail"]),
                head_before=bool(obj.get("head_before")),
                closer=tuple(obj.get("closer", ())),
                passive=bool(obj.get("passive")),
            )
            rules.setdefault(rule.trigger, []).append(rule)
    ordered = sorted(rules, key=len, reverse=True)
    return rules, re.compile("|".join(map(re.escape, ordered)))


def _key(span: Candidate) -> EntityKey:
    return EntityKey(span.label_, span.kb_id_)


class RelationReader:
    """spaCy component: relations of one text unit into ``doc.user_data``."""

    def __init__(self, nlp: Language, name: str, lexicon_dir: str | None = None) -> None:
        self.name = name
        self.rules, self.trigger_re = load_triggers()
        # the places of the pipeline's own lexicon (the same cached object the matcher uses)
        self.place_levels = load_lexicon(Path(lexicon_dir) if lexicon_dir else LEXICON_DIR).place_levels
        # 和/与: words that join objects rather than end them
        self.joiners = frozenset(word for word, rules in self.rules.items() if all(r.closer for r in rules))

    def __call__(self, doc: Doc) -> Doc:
        unit = doc.user_data.get("policykg_unit")
        issuer: EntityKey | None = doc.user_data.get("policykg_issuer")
        out: list[Relation] = []
        original = text_of(doc)
        text = simplify_chars(original)  # triggers are simplified; offsets agree with doc.text
        ents = ents_of(doc)
        if not ents:
            doc.user_data["policykg_relations"] = out
            return doc
        starts = [e.start_char for e in ents]
        for s_start, s_end in sentence_spans(text):
            lo, hi = bisect_left(starts, s_start), bisect_left(starts, s_end)
            if lo == hi:
                continue
            in_sentence = [e for e in ents[lo:hi] if e.end_char <= s_end]
            if not in_sentence:
                continue
            found = list(self.trigger_re.finditer(text, s_start, s_end))
            if not found and len(in_sentence) < 2:
                continue  # no verb to relate by, no list to enumerate
            sentence = original[s_start:s_end].strip()
            triggers = []
            if found:
                bounds = [(e.start_char, e.end_char) for e in in_sentence]
                for m in found:
                    a, b = m.span()
                    # a trigger inside a name is no verb; nor is one that opens a noun (负责人, 组织部)
                    if not any(es < b and a < ee for es, ee in bounds) and text[b : b + 1] not in _NOUN_AFTER_TRIGGER:
                        triggers.append(m)
            if triggers:
                clauses = _clauses(text, s_start, s_end)
            for i, m in enumerate(triggers):
                m_start = m.start()
                c_start, c_end = next(((a, b) for a, b in clauses if a <= m_start < b), (s_start, s_end))
                # the next verb ends this one's objects; 和/与 join objects, they don't end them
                next_trigger = next(
                    (t.start() for t in triggers[i + 1 :] if t.start() < c_end and t.group() not in self.joiners),
                    c_end,
                )
                evidence = Evidence(unit, sentence, original[m_start : m.end()], m_start, m.end())
                for rule in self.rules[m.group()]:
                    out.extend(
                        self._apply(rule, m, in_sentence, (c_start, c_end), next_trigger, s_end, issuer, evidence, text)
                    )
            if len(in_sentence) > 1:
                out.extend(_part_of_enumerations(text, in_sentence, unit, sentence))
        out.extend(_located_in(doc, unit, self.place_levels))
        doc.user_data["policykg_relations"] = out
        return doc

    def _apply(
        self,
        rule: TriggerRule,
        m: re.Match[str],
        ents: list[Candidate],
        clause: tuple[int, int],
        next_trigger: int,
        s_end: int,
        issuer: EntityKey | None,
        evidence: Evidence,
        text: str,
    ) -> list[Relation]:
        c_start, c_end = clause
        before = [e for e in ents if c_start <= e.start_char and e.end_char <= m.start()]
        after = [e for e in ents if m.end() <= e.start_char < next_trigger]
        subject = _subject(before, c_start, text)
        head = _key(subject) if subject is not None else issuer
        out: list[Relation] = []
        if rule.type in ("IMPLEMENTS", "ORGANIZES"):
            if head is None:
                return out
            # the objects follow the verb directly, as one list (实施“A”“B”和C):
            # 启动编制X is drafting X, 巩固深化X成果 consolidates results
            pos = m.end()
            objects: list[Candidate] = []
            for e in after:
                gap = text[pos : e.start_char]
                # a list of unnamed items (教育评价改革、义务教育‘双减’改革) may stand between;
                # another verb may not (启动编制X drafts X)
                if len(gap) > 4 and (len(gap) > 60 or any(is_verb(w) for w in segment(gap))):
                    break
                pos = e.end_char
                if e.label_ in rule.tail and not text[e.end_char :].lstrip('”"」’').startswith(("成果", "成效")):
                    objects.append(e)
            # “A、B…”等八项工程: the verb acts on the container; its members are its PART_OF
            for k in range(len(objects) - 1, 0, -1):
                if _ENUM_PARENT.match(text[objects[k - 1].end_char : objects[k].start_char]):
                    objects = objects[k:]
                    break
            if not objects and rule.passive and subject is None and before:
                # 2024年某县…推进会在某校顺利召开: the meeting is the grammatical subject
                last = before[-1]
                if last.label_ in rule.tail and _PASSIVE_GAP.fullmatch(text[last.end_char : m.start()]):
                    objects = [last]
            out.extend(Relation(rule.type, head, _key(e), evidence) for e in objects)
        elif rule.type == "PARTNERS_WITH":
            if rule.closer:
                close = min(
                    (text.find(w, m.end(), c_end) for w in rule.closer if text.find(w, m.end(), c_end) >= 0), default=-1
                )
                if close < 0:
                    return out
                partners = [
                    e for e in ents if m.end() <= e.start_char and e.end_char <= close and e.label_ in rule.tail
                ]
            else:
                partners = [e for e in after if e.label_ in rule.tail and e.start_char - m.end() <= 12]
            if head is None:
                return out
            for e in partners:
                out.append(Relation(rule.type, head, _key(e), evidence))
        elif rule.type in ("LEADS", "PART_OF"):
            heads = [e for e in before if e.label_ in (*SUBJECT_TYPES, "Program")]
            tails = [e for e in ents if e.start_char >= m.end() and e.label_ in rule.tail]
            if not heads or not tails:
                return out
            if rule.type == "LEADS":
                for h in heads:
                    if h.label_ in SUBJECT_TYPES:
                        out.append(Relation("LEADS", _key(h), _key(tails[0]), evidence))
            else:  # X包括A、B → A PART_OF X
                parent = heads[-1]
                for t in tails:
                    out.append(Relation("PART_OF", _key(t), _key(parent), evidence))
        elif rule.type == "BASED_ON":
            # 以X为依托…建Y / 依托X…建Y: Y BASED_ON X
            if text[max(c_start, m.start() - 1) : m.start()] == "为":
                bases = [e for e in before if e.label_ in rule.tail]
                rest = [e for e in ents if e.start_char >= c_end]
            else:
                bases = [e for e in after if e.label_ in rule.tail][:1]
                rest = [e for e in ents if e.start_char >= (bases[0].end_char if bases else c_end)]
            dependents = [e for e in rest if e.label_ in ("Program", "Institution", "Platform", "Event")]
            # what the sentence creates (创建/建设/打造 X) is what relies on the base
            created = [e for e in dependents if text[max(0, e.start_char - 4) : e.start_char].endswith(_CREATE)]
            dependents = created or dependents
            for b in bases:
                if dependents:
                    out.append(Relation("BASED_ON", _key(dependents[0]), _key(b), evidence))
        return out


_PASSIVE_GAP = re.compile(r"\s*(?:在[^，,。；;：:]{1,30}?)?(?:顺利|隆重|正式|胜利|如期)?\s*")


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return out


def _subject(before: list[Candidate], c_start: int, text: str) -> Candidate | None:
    """A written subject: an agency or institution opening the clause (由X / X…)."""
    for e in before:
        lead = text[c_start : e.start_char].strip()
        if e.label_ in SUBJECT_TYPES and lead in ("", "由", "请", "各"):
            return e
    return None


_SPECIFIC = {"zone": 4, "county": 3, "": 3, "prefecture": 2, "province": 1}
# “A”“B”等五大工程: the container follows 等 directly (A等17所学校为某市… names no container)
_ENUM_PARENT = re.compile(r"\s*[”\"」]?\s*等\s*[“\"「]?\s*$")
_NOUN_AFTER_TRIGGER = frozenset("人者部方")


def _part_of_enumerations(text: str, ents: list[Candidate], unit: str | None, sentence: str) -> list[Relation]:
    """“A”“B”等五大工程: when the collective name is itself an entity, A and B are its parts."""
    out: list[Relation] = []
    for i, e in enumerate(ents):
        if i + 1 >= len(ents):
            break
        nxt = ents[i + 1]
        gap = text[e.end_char : nxt.start_char]
        if _ENUM_PARENT.match(gap) and len(gap) <= 10:
            members = [e]
            k = i - 1
            while k >= 0 and re.fullmatch(
                r"[”\"」]?[、，,和及与]?[“\"「]?", text[ents[k].end_char : ents[k + 1].start_char]
            ):
                members.insert(0, ents[k])
                k -= 1
            at = e.end_char + gap.index("等")
            for member in members:
                out.append(Relation("PART_OF", _key(member), _key(nxt), Evidence(unit, sentence, "等", at, at + 1)))
    return out


def _located_in(doc: Doc, unit: str | None, levels: dict[str, str]) -> list[Relation]:
    """Institutions and zones whose names carry their place: 白城职业技术学院 → 白城市.

    Only administrative places count (华东 in 华东师范大学 is a region, not
    where the university is). The place is the relation's end, not a mention
    of the document: a place inside another name is not named on its own
    (the gold guidelines), so the graph makes its node from the relation.
    """
    candidates: list[Candidate] = doc.user_data.get(CANDIDATES, [])
    if not candidates:
        return []
    places = [s for s in candidates if s.label_ == "Place" and levels.get(s.kb_id_) != "region"]
    out = []
    text = text_of(doc)
    sentences: list[tuple[int, int]] | None = None
    for ent in ents_of(doc):
        if ent.label_ not in ("Institution", "Place"):
            continue
        inside = [
            p
            for p in places
            if ent.start_char <= p.start_char and p.end_char <= ent.end_char and p.kb_id_ != ent.kb_id_
        ]
        inside.sort(key=lambda p: _SPECIFIC.get(levels.get(p.kb_id_, ""), 0), reverse=True)
        for p in inside[:1]:
            if True:
                if sentences is None:
                    sentences = sentence_spans(text)
                i = bisect_right(sentences, (ent.start_char, len(text) + 1)) - 1
                a, b = sentences[i] if i >= 0 else (0, 0)
                sentence = text[a:b].strip() if a <= ent.start_char < b else text[ent.start_char : ent.end_char]
                out.append(
                    Relation(
                        "LOCATED_IN",
                        _key(ent),
                        EntityKey("Place", p.kb_id_),
                        Evidence(unit, sentence, text[p.start_char : p.end_char], p.start_char, p.end_char),
                    )
                )
                break
    return out


@Language.factory("policykg_relations", default_config={"lexicon_dir": None})
def make_relation_reader(nlp: Language, name: str, lexicon_dir: str | None) -> RelationReader:
    return RelationReader(nlp, name, lexicon_dir)
