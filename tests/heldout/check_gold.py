"""Check the held-out gold annotations against their plans.

Run from anywhere: ``python tests/heldout/check_gold.py``. Standard library
only; exits non-zero and lists every problem if a check fails. It checks the
gold, not any extractor: JSON shape, schema types, that every relation end
and target subject is a listed entity, that every name, sentence and target
text can be found in the plan (after joining PDF-broken lines), that each
relation and target sits in the point it names, and that the ``_gbk`` plan is
GB18030 rather than UTF-8.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENTITY_TYPES = {"Agency", "Institution", "Program", "Policy", "Platform", "Event", "Place"}
RELATION_TYPES = {"LEADS", "PARTNERS_WITH", "BASED_ON", "IMPLEMENTS", "ORGANIZES", "PART_OF", "LOCATED_IN"}
QUALIFIERS = {"至少", "以上", "左右", "力争", "exact"}
DOC_KEYS = {
    "source",
    "title",
    "issuer",
    "doc_number",
    "issued_date",
    "published_date",
    "addressees",
    "n_sections",
    "n_points",
}
POINT_START = re.compile(r"^\s*(\d+)[.．、](?!\d)")
SECTION_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
PAGE_MARK = re.compile(r"—\d+—")
CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def flat(text: str) -> str:
    """Fold a span for comparison: NFKC, no whitespace, no page marks, no quotes.

    >>> flat("“新时 代”（２０２５）")
    '新时代(2025)'
    """
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    text = PAGE_MARK.sub("", text)
    return re.sub(r"[“”《》]", "", text)


def read_plan(path: Path) -> tuple[str, list[str]]:
    """Decode a plan and return it with any encoding problems."""
    raw = path.read_bytes()
    problems: list[str] = []
    if path.stem.endswith("_gbk"):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("gb18030"), problems
        problems.append(f"{path.name}: decodes as UTF-8, expected GB18030")
        return text, problems
    return raw.decode("utf-8"), problems


def split_points(text: str) -> dict[int, str]:
    """Map each point number to its flattened text (heading line to next point or section)."""
    points: dict[int, list[str]] = {}
    current: int | None = None
    for line in text.splitlines():
        m = POINT_START.match(unicodedata.normalize("NFKC", line))
        if m:
            current = int(m.group(1))
            points[current] = [line]
        elif SECTION_START.match(line) or line.startswith(("【打印】", "抄送")):
            current = None
        elif current is not None:
            points[current].append(line)
    return {n: flat("".join(lines)) for n, lines in points.items()}


def leading_number(text: str) -> float | None:
    """The first quantity in a target text, with 万/亿 applied.

    >>> leading_number("新增义务教育学位1.2万个")
    12000.0
    >>> leading_number("打造三个示范片区")
    3.0
    """
    text = unicodedata.normalize("NFKC", text)
    m = re.search(r"(\d+(?:\.\d+)?)(万|亿)?", text)
    if m:
        value = float(m.group(1))
    else:
        m = re.search(r"([一二两三四五六七八九十])(万|亿)?(?:个|所|名|项|次)", text)
        if not m:
            return None
        value = float(CN_DIGITS[m.group(1)])
    scale = {"万": 1e4, "亿": 1e8}.get(m.group(2) or "", 1)
    return value * scale


def check(gold_path: Path) -> list[str]:
    """All problems found in one gold file."""
    errors: list[str] = []
    lines = gold_path.read_text(encoding="utf-8").splitlines()
    if len(lines) != 1:
        return [f"{gold_path.name}: expected one JSON line, found {len(lines)}"]
    rec = json.loads(lines[0])
    doc = rec["document"]
    where = gold_path.name
    if set(doc) != DOC_KEYS:
        errors.append(f"{where}: document keys {sorted(set(doc) ^ DOC_KEYS)}")
    plan_path = HERE / "plans" / doc["source"]
    if plan_path.stem != gold_path.stem:
        errors.append(f"{where}: source {doc['source']} does not match the gold file name")
    text, enc_problems = read_plan(plan_path)
    errors += enc_problems
    whole = flat(text)
    points = split_points(text)
    if sorted(points) != list(range(1, doc["n_points"] + 1)):
        errors.append(f"{where}: points found {sorted(points)}, n_points {doc['n_points']}")
    n_sections = sum(1 for line in text.splitlines() if SECTION_START.match(line))
    if n_sections != doc["n_sections"]:
        errors.append(f"{where}: {n_sections} section headings, n_sections {doc['n_sections']}")
    for field in ("title", "issuer", "doc_number"):
        if doc[field] is not None and flat(doc[field]) not in whole:
            errors.append(f"{where}: document {field} {doc[field]!r} not in the plan")
    for field in ("issued_date", "published_date"):
        if doc[field] is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc[field]):
            errors.append(f"{where}: {field} {doc[field]!r} is not ISO")

    known: set[tuple[str, str]] = set()
    names: set[str] = set()
    for ent in rec["entities"]:
        key = (ent["type"], ent["name"])
        if ent["type"] not in ENTITY_TYPES:
            errors.append(f"{where}: entity type {ent['type']}")
        if ent["name"] in names:
            errors.append(f"{where}: entity {ent['name']} listed twice")
        known.add(key)
        names.add(ent["name"])
        if ent["name"] != flat(ent["name"]) or ent["name"].endswith(("。", "，", "、")):
            errors.append(f"{where}: entity name {ent['name']!r} is not normalised")
        forms = [ent["name"], *ent["aliases"]]
        if not any(flat(form) in whole for form in forms):
            errors.append(f"{where}: entity {ent['name']} not found in the plan")
    if ("Agency", doc["issuer"]) not in known:
        errors.append(f"{where}: issuer is not an Agency entity")
    for addressee in doc["addressees"]:
        if ("Agency", addressee) not in known:
            errors.append(f"{where}: addressee {addressee} is not an Agency entity")

    seen: set[tuple[str, str, str]] = set()
    for rel in rec["relations"]:
        label = f"{where}: {rel['type']} {rel['head']['name']} -> {rel['tail']['name']}"
        if rel["type"] not in RELATION_TYPES:
            errors.append(f"{label}: unknown relation type")
        for end in ("head", "tail"):
            if (rel[end]["type"], rel[end]["name"]) not in known:
                errors.append(f"{label}: {end} is not a listed entity")
        triple = (rel["type"], rel["head"]["name"], rel["tail"]["name"])
        if triple in seen:
            errors.append(f"{label}: listed twice")
        seen.add(triple)
        sentence = flat(rel["sentence"])
        if sentence not in points.get(rel["point"], ""):
            errors.append(f"{label}: sentence not in point {rel['point']}")
        if flat(rel["trigger"]) not in sentence:
            errors.append(f"{label}: trigger {rel['trigger']} not in sentence")

    for tgt in rec["targets"]:
        label = f"{where}: target {tgt['text']}"
        if tgt["qualifier"] not in QUALIFIERS:
            errors.append(f"{label}: qualifier {tgt['qualifier']}")
        if flat(tgt["text"]) not in points.get(tgt["point"], ""):
            errors.append(f"{label}: not in point {tgt['point']}")
        if tgt["value_max"] is not None and tgt["value_max"] <= tgt["value"]:
            errors.append(f"{label}: value_max not above value")
        if leading_number(tgt["text"]) != float(tgt["value"]):
            errors.append(f"{label}: value {tgt['value']} does not match the text")
        if not tgt["unit"] or flat(tgt["unit"]) not in flat(tgt["text"]):
            errors.append(f"{label}: unit {tgt['unit']!r} not in the text")
        if tgt["about"] is not None and (tgt["about"]["type"], tgt["about"]["name"]) not in known:
            errors.append(f"{label}: about is not a listed entity")
    return errors


def main() -> int:
    gold_files = sorted((HERE / "gold").glob("*.jsonl"))
    plans = sorted(p.stem for p in (HERE / "plans").glob("*.txt"))
    errors = []
    if plans != [g.stem for g in gold_files]:
        errors.append(f"plans {plans} and gold {[g.stem for g in gold_files]} differ")
    for gold_path in gold_files:
        errors += check(gold_path)
    for error in errors:
        print(error, file=sys.stderr)
    print(f"{len(gold_files)} gold files, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
