"""The project's realdev-format gold is consistent with its texts and with the guidelines' format.

Checks the gold, not the extractor: every surface, trigger, evidence and
target text is in the plan as written; relation ends are annotated
entities (or the issuer); one relation per (type, head, tail); types and
qualifiers are the guidelines' own; the invented plans are 600–1500
characters.
"""

import json

import pytest

from tests.conftest import EXAMPLES, ROOT

ENTITY_TYPES = {"Agency", "Institution", "Program", "Policy", "Platform", "Event", "Place"}
RELATION_TYPES = {"IMPLEMENTS", "ORGANIZES", "BASED_ON", "PART_OF", "PARTNERS_WITH", "LEADS", "RESPONSIBLE_FOR"}
QUALIFIERS = {"至少", "以上", "左右", "力争", "exact"}
EXTRA = ROOT / "tests" / "extra"
SETS = [
    (ROOT / "tests" / "gold" / "realdev-format" / "examples.jsonl", EXAMPLES),
    (EXTRA / "gold.jsonl", EXTRA / "plans"),
]


def gold_lines():
    for gold, plans in SETS:
        for line in gold.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            yield pytest.param(doc, (plans / doc["doc"]).read_text(encoding="utf-8"), id=doc["doc"])


@pytest.mark.parametrize("gold,text", list(gold_lines()))
def test_gold_matches_its_text(gold, text):
    names = {e["name"] for e in gold["entities"]}
    keys = [(e["type"], e["name"]) for e in gold["entities"]]
    assert len(keys) == len(set(keys)), "an entity is listed twice"
    for e in gold["entities"]:
        assert e["type"] in ENTITY_TYPES, e
        assert e["surface"] and all(s in text for s in e["surface"]), e
        assert "《" not in e["name"] and "“" not in e["name"], e
    issuer = gold["issuer"]
    assert set(issuer) >= {"name", "in_text"}
    if issuer["in_text"]:
        assert issuer["name"] in names and any(
            e["type"] in {"Agency", "Institution"} for e in gold["entities"] if e["name"] == issuer["name"]
        )
    rels = [(r["type"], r["head"], r["tail"]) for r in gold["relations"]]
    assert len(rels) == len(set(rels)), "one relation per (type, head, tail)"
    for r in gold["relations"]:
        assert r["type"] in RELATION_TYPES, r
        assert {r["head"], r["tail"]} <= names | {issuer["name"]}, r
        assert r["evidence"] in text, r
        assert all(part in r["evidence"] for part in r["trigger"].split("…")), r
        if r["type"] == "RESPONSIBLE_FOR":
            assert r["tail"] == issuer["name"] and r["role"] in {"lead", "responsible"}, r
    for t in gold["targets"]:
        assert t["text"] in text and t["qualifier"] in QUALIFIERS, t
        assert isinstance(t["value"], int | float) and (t["value_max"] is None or t["value_max"] > t["value"]), t


def test_every_invented_plan_has_gold_and_a_plausible_length():
    plans = {p.name: p for p in (EXTRA / "plans").glob("*.txt")}
    gold = {json.loads(line)["doc"] for line in (EXTRA / "gold.jsonl").read_text(encoding="utf-8").splitlines()}
    assert len(plans) == 8 and set(plans) == gold
    for name, path in plans.items():
        assert 600 <= len(path.read_text(encoding="utf-8")) <= 1500, name
