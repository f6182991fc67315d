#!/usr/bin/env python3
"""Check the lexicons in this folder; exit 1 on any problem.

JSONL files (spaCy EntityRuler phrase patterns):
  * every line json-loads to exactly {"label", "pattern", "id"}, all strings;
  * label is one of the seven entity types and matches the file;
  * pattern and id are at least two characters, stripped, simplified text;
  * no duplicate lines; lines sorted by (id, pattern);
  * a pattern never maps to two ids (across all files);
  * every id is also a pattern of its own (the canonical form matches itself).
places.tsv:
  * header name/short/level/parent, four tab-separated columns;
  * level in province/prefecture/county/zone/region;
  * short empty or >= 2 characters and different from name;
  * a short belongs to one row only; every parent is the name of a row.

    python validate.py          # check
    python validate.py --fix    # also rewrite the JSONL files sorted and de-duplicated
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = {
    "agencies.jsonl": "Agency",
    "institutions.jsonl": "Institution",
    "programs.jsonl": "Program",
    "platforms.jsonl": "Platform",
    "events.jsonl": "Event",
    "policies.jsonl": "Policy",
}
LABELS = {"Agency", "Institution", "Program", "Policy", "Platform", "Event", "Place"}
LEVELS = {"province", "prefecture", "county", "zone", "region"}
# traditional characters that must not appear (a small guard, not a converter)
TRADITIONAL = set("學國會廣東華師範與體團職業區縣們這對於發過會計劃動")


def check_jsonl(fix: bool) -> tuple[list[str], dict[str, int]]:
    errors: list[str] = []
    counts: dict[str, int] = {}
    pattern_ids: dict[str, set[str]] = defaultdict(set)
    for fname, label in FILES.items():
        path = HERE / fname
        if not path.exists():
            errors.append(f"{fname}: missing")
            continue
        rows = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{fname}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{where}: not JSON ({e})")
                continue
            if set(obj) != {"label", "pattern", "id"} or not all(isinstance(v, str) for v in obj.values()):
                errors.append(f"{where}: keys must be label, pattern, id (strings)")
                continue
            if obj["label"] not in LABELS:
                errors.append(f"{where}: unknown label {obj['label']}")
            elif obj["label"] != label:
                errors.append(f"{where}: label {obj['label']} in a {label} file")
            for key in ("pattern", "id"):
                v = obj[key]
                if len(v) < 2:
                    errors.append(f"{where}: {key} {v!r} shorter than 2 characters")
                if v != v.strip():
                    errors.append(f"{where}: {key} {v!r} has surrounding space")
                if set(v) & TRADITIONAL:
                    errors.append(f"{where}: {key} {v!r} has traditional characters")
                wrapped = (v[:1], v[-1:]) in {("《", "》"), ("“", "”"), ('"', '"'), ("「", "」")}
                if wrapped or v[:1] in "《" or v[-1:] in "》。，、；：":
                    errors.append(f"{where}: {key} {v!r} has surrounding quotes or punctuation")
            rows.append((obj["id"], obj["pattern"], obj["label"]))
            pattern_ids[obj["pattern"]].add(obj["id"])
        uniq = sorted(set(rows))
        if len(uniq) != len(rows):
            errors.append(f"{fname}: {len(rows) - len(uniq)} duplicate lines")
        if rows != uniq and len(uniq) == len(rows):
            errors.append(f"{fname}: lines not sorted by (id, pattern)")
        ids = {r[0] for r in uniq}
        pats = {r[1] for r in uniq}
        for i in sorted(ids - pats):
            errors.append(f"{fname}: id {i!r} has no pattern of its own")
        if fix:
            with path.open("w", encoding="utf-8", newline="\n") as f:
                for cid, pat, lab in uniq:
                    f.write(json.dumps({"label": lab, "pattern": pat, "id": cid}, ensure_ascii=False) + "\n")
        counts[fname] = len(uniq)
    for pat, ids in sorted(pattern_ids.items()):
        if len(ids) > 1:
            errors.append(f"pattern {pat!r} maps to several ids: {sorted(ids)}")
    return errors, counts


def check_places() -> tuple[list[str], dict[str, int]]:
    errors: list[str] = []
    path = HERE / "places.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != "name\tshort\tlevel\tparent":
        return ["places.tsv: bad header"], {}
    rows = []
    for n, line in enumerate(lines[1:], 2):
        cols = line.split("\t")
        if len(cols) != 4:
            errors.append(f"places.tsv:{n}: {len(cols)} columns")
            continue
        rows.append((n, *cols))
    names = {r[1] for r in rows}
    shorts: dict[str, list[int]] = defaultdict(list)
    seen = set()
    counts: dict[str, int] = defaultdict(int)
    for n, name, short, level, parent in rows:
        if (name, parent) in seen:
            errors.append(f"places.tsv:{n}: duplicate {name} under {parent!r}")
        seen.add((name, parent))
        counts[level] += 1
        if level not in LEVELS:
            errors.append(f"places.tsv:{n}: level {level!r}")
        if len(name) < 2:
            errors.append(f"places.tsv:{n}: name {name!r} too short")
        if short:
            if len(short) < 2 or short == name:
                errors.append(f"places.tsv:{n}: short {short!r}")
            shorts[short].append(n)
            if short in names:
                errors.append(f"places.tsv:{n}: short {short!r} is the name of another row")
        if parent and parent not in names:
            errors.append(f"places.tsv:{n}: parent {parent!r} is not a row")
        if level in ("prefecture", "county", "zone") and not parent:
            errors.append(f"places.tsv:{n}: {level} without parent")
    for s, ns in shorts.items():
        if len(ns) > 1:
            errors.append(f"places.tsv: short {s!r} on lines {ns}")
    return errors, dict(counts)


def main() -> int:
    fix = "--fix" in sys.argv[1:]
    errors, counts = check_jsonl(fix)
    perrors, pcounts = check_places()
    errors += perrors
    for fname, c in counts.items():
        print(f"{fname:20} {c:5} lines")
    print(f"{'places.tsv':20} {sum(pcounts.values()):5} rows  {pcounts}")
    for e in errors:
        print("ERROR", e)
    print(f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
