"""Quantified commitments: 创建温馨校园14所, 培育3—5个, 年培训500人次以上, 覆盖率达到100%.

A target is a number (Arabic or Chinese, with 万/亿), optionally a range,
followed by a measure word or %, with a qualifier read from the words
around it (至少/不少于 → 至少; 以上; 左右; 力争; else exact). Years, dates,
ordinals (第二批), numbers inside quotes (“1+5+X”) and section numbers are
not commitments.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from extract.normalize import simplify_chars
from extract.textview import ents_of, text_of
from graph.model import EntityKey, Target

_CN_NUM = "零〇一二两三四五六七八九十百千"
_NUM = rf"(?:\d+(?:\.\d+)?|[{_CN_NUM}]+)"
UNITS = (
    "个百分点",
    "万人次",
    "人次",
    "平方米",
    "万元",
    "亿元",
    "元",
    "所",
    "个",
    "人",
    "名",
    "次",
    "项",
    "家",
    "支",
    "场",
    "期",
    "批",
    "门",
    "节",
    "课时",
    "学时",
    "小时",
    "天",
    "套",
    "台",
    "间",
    "条",
    "件",
    "处",
    "座",
    "公里",
    "册",
    "篇",
    "类",
    "轮",
    "户",
    "班",
    "位",
    "%",
    "％",
)
_UNIT = "|".join(map(re.escape, UNITS))
_TARGET = re.compile(
    rf"(?P<lo>{_NUM})(?P<lomag>[万亿千])?"
    rf"(?:\s*[—\-~～至到－–]+\s*(?P<hi>{_NUM})(?P<himag>[万亿千])?)?"
    rf"\s*(?P<unit>{_UNIT})(?P<after>以上|左右|以内)?"
)
_PERCENT_CN = re.compile(rf"百分之(?P<lo>{_NUM})")
_CN_UNITS = frozenset({"个", "所", "项", "名", "次", "支", "家", "场", "批", "人", "万人次", "人次"})
_BEFORE_ATLEAST = re.compile(r"(?:至少|不少于|不低于|最少)\s*$")
_CLAUSE_START = re.compile(r"[，,。；;：:、\n]")


def cn_to_number(text: str) -> float | None:
    """Chinese numeral to a number.

    >>> cn_to_number("三"), cn_to_number("十二"), cn_to_number("二十"), cn_to_number("一百二十")
    (3.0, 12.0, 20.0, 120.0)
    >>> cn_to_number("两千")
    2000.0
    """
    digits = {
        "零": 0,
        "〇": 0,
        "一": 1,
        "二": 2,
        "两": 2,
        "三": 3,
        "四": 4,
        "五": 5,
        "六": 6,
        "七": 7,
        "八": 8,
        "九": 9,
    }
    scales = {"十": 10, "百": 100, "千": 1000}
    total, current = 0, 0
    if not text:
        return None
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch in scales:
            total += (current or 1) * scales[ch]
            current = 0
        else:
            return None
    return float(total + current)


def to_number(text: str, magnitude: str | None) -> float | None:
    """A number with an optional 万/亿/千.

    >>> to_number("1", "万"), to_number("1.5", "亿"), to_number("三", None)
    (10000.0, 150000000.0, 3.0)
    """
    value = float(text) if text[0].isdigit() else cn_to_number(text)
    if value is None:
        return None
    return value * {"万": 1e4, "亿": 1e8, "千": 1e3}.get(magnitude or "", 1)


def find_targets(text: str, unit: str | None, original: str | None = None) -> list[Target]:
    """All quantified commitments in one unit's text.

    `text` is read (simplified characters); a target's own text is sliced
    from `original`, the unit as written, when given.
    """
    out: list[Target] = []
    quoted = [(m.start(), m.end()) for m in re.finditer(r"“[^”]*”|\"[^\"]*\"", text)]
    for m in _TARGET.finditer(text):
        start, end = m.span()
        lo_text = m.group("lo")
        cn = not lo_text[0].isdigit()
        unit_word = m.group("unit")
        if any(a <= start < b for a, b in quoted):
            continue
        prev = text[start - 1] if start else ""
        if prev in ("第", "届") or prev.isdigit() or (prev and prev in "+＋"):
            continue  # 第二批, 十二届四次全会: ordinals and sessions
        nxt = text[end : end + 1]
        if (nxt and nxt in "+＋") or text[start:end].endswith("年") or nxt in ("年", "届"):
            continue
        if cn:
            if unit_word not in _CN_UNITS or lo_text in ("一", "十", "百", "千") or len(lo_text) > 4:
                continue
            follow = text[end : end + 3]
            if follow.startswith(("一体", "方面", "清单", "全面", "结合", "重点")):
                continue
        lo = to_number(lo_text, m.group("lomag"))
        if lo is None or not math.isfinite(lo) or lo > 1e15:
            continue  # a run of hundreds of digits is not a commitment (and would be Infinity in JSON)
        hi = to_number(m.group("hi"), m.group("himag")) if m.group("hi") else None
        if m.group("hi") and not m.group("himag") and m.group("lomag"):
            hi = to_number(m.group("hi"), m.group("lomag"))
        clause_start = _clause_start(text, start)
        before = text[clause_start:start]
        if m.group("after") in ("以上",):
            qualifier = "以上"
        elif m.group("after") == "左右":
            qualifier = "左右"
        elif _BEFORE_ATLEAST.search(before) or re.search(r"至少|不少于|不低于", before[-6:]):
            qualifier = "至少"
        elif "力争" in before:
            qualifier = "力争"
        else:
            qualifier = "exact"
        unit_norm = "%" if unit_word in ("%", "％") else unit_word
        t_start = clause_start + (len(before) - len(before.lstrip()))
        out.append(
            Target(
                id=f"{unit}:t{end}",
                text=original[t_start:end] if original is not None else text[clause_start:end].strip(),
                value=lo,
                value_max=hi,
                unit=unit_norm,
                qualifier=qualifier,
                point=unit,
                start=t_start,
                end=end,
            )
        )
    for m in _PERCENT_CN.finditer(text):
        value = to_number(m.group("lo"), None)
        if value is not None:
            cs = _clause_start(text, m.start())
            out.append(
                Target(
                    id=f"{unit}:t{m.end()}",
                    text=original[cs : m.end()] if original is not None else text[cs : m.end()].strip(),
                    value=value,
                    unit="%",
                    point=unit,
                    start=cs,
                    end=m.end(),
                )
            )
    return out


def _clause_start(text: str, pos: int) -> int:
    for i in range(pos - 1, max(-1, pos - 40), -1):
        if _CLAUSE_START.match(text[i]):
            return i + 1
    return max(0, pos - 40)


class TargetReader:
    """spaCy component: targets of one unit, linked to the entity they are about."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        unit = doc.user_data.get("policykg_unit")
        # read the simplified characters, keep the original words as the target's text
        text = text_of(doc)
        targets = find_targets(simplify_chars(text), unit, original=text)
        if not targets:
            doc.user_data["policykg_targets"] = []
            return doc
        linked = []
        ents = ents_of(doc)
        # a number inside a name (中央八项规定) is part of the name, not a commitment
        targets = [t for t in targets if not any(e.start_char < t.end <= e.end_char for e in ents)]
        for t in targets:
            about = None
            for ent in ents:
                # named in the clause before the number (…项目覆盖100所), or
                # counted right after it (培育12所艺术定点项目基地学校)
                if (t.start <= ent.start_char and ent.end_char <= t.end) or 0 <= ent.start_char - t.end <= 1:
                    about = EntityKey(ent.label_, ent.kb_id_)
            if about is not None:
                t = replace(t, about=about)
            linked.append(t)
        doc.user_data["policykg_targets"] = linked
        return doc


@Language.factory("policykg_targets")
def make_target_reader(nlp: Language, name: str) -> TargetReader:
    return TargetReader(nlp, name)
