"""Self-check of the blind gold files (structure and evidence only).

Run:  python3 tests/blind/check_gold.py
Independent of the extractor: it imports nothing from the project.
"""

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENTITY_TYPES = {"Agency", "Institution", "Program", "Policy", "Platform", "Event", "Place"}
REL_TYPES = {"LEADS", "PARTNERS_WITH", "BASED_ON", "IMPLEMENTS", "ORGANIZES", "PART_OF", "LOCATED_IN"}
QUALIFIERS = {"至少", "以上", "左右", "力争", "exact"}
TAIL_TYPES = {"IMPLEMENTS": {"Program", "Policy"}, "ORGANIZES": {"Event"}, "LOCATED_IN": {"Place"}}
HEAD_TYPES = {"LOCATED_IN": {"Institution", "Place"}}
FW = str.maketrans("０１２３４５６７８９（）", "0123456789()")


def norm(s):
    return re.sub('[“”《》"]', "", s.translate(FW))


SECTION_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
POINT_RE = re.compile(r"^\s*(\d+)[.、．]")


def split_points(text):
    """Return (n_sections, [point text, ...]) in document order."""
    n_sections, points, cur = 0, [], None
    for line in text.splitlines():
        if SECTION_RE.match(line):
            n_sections += 1
            cur = None
            continue
        m = POINT_RE.match(line)
        if m:
            cur = [line]
            points.append(cur)
        elif cur is not None and line.strip().startswith("（") and re.match(r"^\s*（\d+）", line):
            cur.append(line)  # sub-item of the current point, not a point
        elif cur is not None and line.strip() == "":
            continue
        else:
            cur = None
    return n_sections, ["\n".join(p) for p in points]


def check(path):
    errs = []
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) != 1:
        errs.append(f"expected one line, got {len(lines)}")
    rec = json.loads(lines[0])
    doc = rec["document"]
    plan = (HERE / "plans" / doc["source"]).read_text(encoding="utf-8")
    if Path(doc["source"]).stem != path.stem:
        errs.append("source does not match gold stem")
    ntext = norm(plan)
    n_sec, points = split_points(plan)
    if n_sec != doc["n_sections"]:
        errs.append(f"n_sections {doc['n_sections']} but counted {n_sec}")
    if len(points) != doc["n_points"]:
        errs.append(f"n_points {doc['n_points']} but counted {len(points)}")
    for k in ("title", "doc_number"):
        if doc[k] and doc[k] not in plan:
            errs.append(f"{k} not in plan: {doc[k]}")
    for k in ("issued_date", "published_date"):
        if doc[k] and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc[k]):
            errs.append(f"bad {k}")

    ents = {}
    for e in rec["entities"]:
        t, n = e["type"], e["name"]
        if t not in ENTITY_TYPES:
            errs.append(f"bad entity type {t}")
        if (t, n) in ents or any(n == m for (_, m) in ents):
            errs.append(f"duplicate entity {n}")
        ents[(t, n)] = e
        if n != norm(n) or n != n.strip() or re.search(r"[，。；、：！？,.;:]$", n):
            errs.append(f"name not normalised: {n}")
        if n not in ntext:
            errs.append(f"entity name not in plan: {n}")
        for a in e["aliases"]:
            if norm(a) not in ntext:
                errs.append(f"alias not in plan: {a}")
    names = {n: t for (t, n) in ents}
    if names.get(doc["issuer"]) != "Agency":
        errs.append("issuer is not an Agency entity")
    for a in doc["addressees"]:
        if a not in names:
            errs.append(f"addressee not an entity: {a}")

    def forms(n):
        e = ents[(names[n], n)]
        return [n] + [norm(a) for a in e["aliases"]]

    def where(s):
        if s is None:
            return plan
        if not (1 <= s <= len(points)):
            errs.append(f"point out of range: {s}")
            return ""
        return points[s - 1]

    for r in rec["relations"]:
        if r["type"] not in REL_TYPES:
            errs.append(f"bad relation type {r['type']}")
        for side in ("head", "tail"):
            x = r[side]
            if (x["type"], x["name"]) not in ents:
                errs.append(f"{side} not in entities: {x}")
        if r["tail"]["type"] not in TAIL_TYPES.get(r["type"], ENTITY_TYPES):
            errs.append(f"bad tail type for {r['type']}: {r['tail']}")
        if r["head"]["type"] not in HEAD_TYPES.get(r["type"], ENTITY_TYPES):
            errs.append(f"bad head type for {r['type']}: {r['head']}")
        s = r["sentence"]
        if s not in plan:
            errs.append(f"sentence not in plan: {s}")
        if s not in where(r["point"]):
            errs.append(f"sentence not in point {r['point']}: {s}")
        for part in r["trigger"].split("…"):
            if part and part not in s:
                errs.append(f"trigger {r['trigger']} not in sentence: {s}")
        ns = norm(s)
        if r["head"]["name"] != doc["issuer"] and not any(f in ns for f in forms(r["head"]["name"])):
            errs.append(f"head not in sentence: {r['head']['name']} / {s}")
        if r["type"] != "LOCATED_IN" and not any(f in ns for f in forms(r["tail"]["name"])):
            errs.append(f"tail not in sentence: {r['tail']['name']} / {s}")
        if r["type"] == "LOCATED_IN" and r["trigger"] not in r["head"]["name"]:
            errs.append(f"LOCATED_IN trigger not in head name: {r}")
    for t in rec["targets"]:
        if t["qualifier"] not in QUALIFIERS:
            errs.append(f"bad qualifier {t['qualifier']}")
        if t["text"] not in plan:
            errs.append(f"target text not in plan: {t['text']}")
        if t["text"] not in where(t["point"]):
            errs.append(f"target not in point {t['point']}: {t['text']}")
        if not isinstance(t["value"], (int, float)):
            errs.append(f"bad value {t}")
        if t["unit"] not in t["text"]:
            errs.append(f"unit not in text: {t}")
        if t["about"] and (t["about"]["type"], t["about"]["name"]) not in ents:
            errs.append(f"about not an entity: {t}")
    return rec, errs


def main():
    bad = 0
    for path in sorted((HERE / "gold").glob("*.jsonl")):
        rec, errs = check(path)

        def by(xs):
            return dict(sorted(__import__("collections").Counter(x["type"] for x in xs).items()))

        print(
            f"{path.name}: {len(rec['entities'])} entities {by(rec['entities'])}; "
            f"{len(rec['relations'])} relations {by(rec['relations'])}; {len(rec['targets'])} targets"
        )
        for e in errs:
            print("   ERROR", e)
        bad += len(errs)
    print("OK" if not bad else f"{bad} errors")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
