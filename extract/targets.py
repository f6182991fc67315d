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
from decimal import Decimal, InvalidOperation

from spacy.language import Language
from spacy.tokens import Doc

from extract.normalize import simplify_chars
from extract.textview import ents_of, text_of
from graph.model import SENTENCE_MAX, EntityKey, Target

_CN_NUM = "零〇一二两三四五六七八九十百千"
_NUM = rf"(?:\d+(?:\.\d+)?|[{_CN_NUM}]+)"
UNITS = (
    "个百分点",
    "人次",
    "平方米",
    "亩",
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
    rf"(?P<lo>{_NUM})\s*(?P<lomag>[万亿千])?"
    rf"(?:\s*[—\-~～至到－–]+\s*(?P<hi>{_NUM})\s*(?P<himag>[万亿千])?)?"
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
    """A number with an optional 万/亿/千, multiplied out exactly (decimal arithmetic).

    >>> to_number("1", "万"), to_number("1.5", "亿"), to_number("三", None)
    (10000.0, 150000000.0, 3.0)
    >>> to_number("3.03", "万"), to_number("3.2", "万"), to_number("4.4", "亿")
    (30300.0, 32000.0, 440000000.0)
    """
    if text[0].isdigit():
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
    else:
        cn = cn_to_number(text)
        if cn is None:
            return None
        value = Decimal(int(cn))
    value *= _MAGNITUDES.get(magnitude or "", 1)
    # one type for every value, so stores and CSV columns stay DOUBLE
    return float(value)


_MAGNITUDES = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1000)}


def find_targets(
    text: str, unit: str | None, original: str | None = None, *, part: str | None = None, year: int | None = None
) -> list[Target]:
    """All quantities in one unit's text, each a commitment or an achievement.

    `text` is read (simplified characters); a target's own text is sliced
    from `original`, the unit as written, when given. `part` is the kind of
    writing the unit is (None: a plan; "summary"; "report"), `year` the
    document's own year: they decide a quantity's kind where its words don't.
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
            if _CATEGORY.match(text, end):
                continue  # 两项创建, 四个重点, 八项改革: a count of kinds of work, not a number to reach
        if prev == "等" or (text[max(0, start - 2) : start] in ("等共", "共计") and _CATEGORY.match(text, end)):
            continue  # A、B等17所学校: the count only sums up a list
        if _SESSION.match(text, end):
            continue  # 十一届七次、八次全会: sessions, however numbered
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
                kind=quantity_kind(text, clause_start, start, part=part, year=year),
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
                    kind=quantity_kind(text, cs, m.start(), part=part, year=year),
                )
            )
    return out


# A count of kinds of work right after a Chinese numeral: 两项创建, 四个重点, 八项改革
_CATEGORY = re.compile(
    r"(?:重点|方面|保障|创建|改革|工程|行动|任务|举措|措施|工作|要求|清单|目标|原则|理念|体系|机制|意识|自信|维护|建设|要点|大赛|活动)"
)
_SESSION = re.compile(r"(?:[、和]?[一二三四五六七八九十\d]+次)*\s*(?:全会|全体会议|党代会|代表大会|常委会)")
# Words before a number, in its clause, that report it as done (建成后 is a condition, not a report)
_ACHIEVED = re.compile(
    r"(?:已经?|累计|共有|共计|共(?=[\d一二三四五六七八九十两])|先后|截至|截止|完成了|实现了|达到了|建成了|拥有|现有"
    r"|入选|获评|荣获|获得|成功|培育出|建成|完成|开工|落成|投用|评出|(?<=[\u4e00-\u9fff])(?<!为)(?<!除)了(?!解))"
    r"(?!后|以后|之后|时)"
)
# Words that make a number something still to do: in its clause they outweigh a report's words
_FORWARD = re.compile(
    r"力争|确保|将(?![“\"]|其|之)|(?<!投资)(?<!年度)计划(?![的中内])(?=[\u4e00-\u9fff])|预计|拟|目标|争取|承担"
    r"|规划(?=建设|新建|投资|总投资)|到(?:19|20)\d\d年|年底前|年内|每年"
)
_SENTENCE_START = re.compile(r"[。！？；\n]")
_YEAR_AT = re.compile(r"((?:19|20)\d\d)年")


def quantity_kind(text: str, clause_start: int, start: int, *, part: str | None = None, year: int | None = None) -> str:
    """Is the number at `start` a commitment (still to reach) or an achievement (reported done)?

    Words in its clause that report it done win; then words in its sentence
    that look forward; then a past year opening the sentence; then the kind
    of writing the unit is (a plan's points promise, a summary and a report
    tell).

    >>> quantity_kind("新增学位3000个", 0, 4)
    'commitment'
    >>> quantity_kind("已完成新增学位26155个", 0, 7)
    'achievement'
    >>> quantity_kind("全年召开党委会53次", 0, 7, part="summary")
    'achievement'
    >>> quantity_kind("建成后将新增学位3.2万个", 0, 8, part="report")
    'commitment'
    >>> quantity_kind("2022年，新建学校9所", 6, 10, year=2023)
    'achievement'
    """
    if _FORWARD.search(text, clause_start, start):
        return "commitment"
    if _ACHIEVED.search(text, clause_start, start):
        return "achievement"
    # the sentence around it, at most SENTENCE_MAX // 2 either side (a run-on text has no ends)
    floor = max(0, start - SENTENCE_MAX // 2)
    s = max(text.rfind(c, floor, start) for c in "。！？；\n") + 1 or floor
    e = _SENTENCE_START.search(text, start, start + SENTENCE_MAX // 2)
    sentence_end = e.start() if e else min(len(text), start + SENTENCE_MAX // 2)
    if _FORWARD.search(text, s, sentence_end):
        return "commitment"
    opening = _YEAR_AT.match(text, s)
    if opening and year and int(opening.group(1)) < year:
        return "achievement"
    return "achievement" if part in ("summary", "report") else "commitment"


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
        targets = find_targets(
            simplify_chars(text),
            unit,
            original=text,
            part=doc.user_data.get("policykg_part"),
            year=doc.user_data.get("policykg_year"),
        )
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
