"""Property-based fuzzing of extraction: structure, the spaCy pipeline and decoding.

Three properties, each run over several input strategies:

- ``structure``: ``parse_structure`` never raises on any text, and every
  point (and the opening paragraph) is the exact slice of the input at its
  ``start``.
- ``extraction``: ``extract_document`` never raises (nor hangs), every
  entity mention, relation evidence and target points inside its unit's text
  with its text equal to the slice at its offsets, point, section and target
  ids are unique (they key graph nodes), and the JSONL record (``to_dict``)
  reads back as the same extraction.
- ``decode``: ``decode`` on arbitrary bytes returns ``(text, encoding)`` or
  raises ``InputError``, never anything else.

Strategies: random unicode text, documents built from fragments of the genre
(header lines, numbered points, names with suffixes, quotes, 《》, targets,
traditional characters, whitespace breaking words, stray brackets, very long
lines) and mutations of the real plans in ``examples/``; for decode, random
bytes and texts encoded, mangled and truncated.

    .venv/bin/python -m bench.fuzz [--examples 10000] [--seed 0]

Prints the examples run and the failures per property and strategy, with the
first failing input and a shrunk one, and the wall time; exits 1 on failures.
The same property functions and strategies drive ``tests/extract/test_fuzz.py``
with a small, deterministic profile.
"""

from __future__ import annotations

import argparse
import codecs
import hashlib
import json
import math
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from spacy.language import Language

from extract.read import RawDocument, decode, read_document
from extract.structure import parse_structure
from extract.targets import UNITS
from graph.errors import InputError
from graph.model import Extraction

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
PATTERNS = ROOT / "extract" / "patterns"
LEXICONS = ROOT / "extract" / "lexicons"

#: Seconds one example may take before it counts as a hang (normal: well under 0.5 s).
TIME_LIMIT = 5.0


# -- properties ---------------------------------------------------------------


class PropertyFailed(AssertionError):
    """A property does not hold; `kind` names which one, for grouping failures."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


class Hang(Exception):
    """An example ran past the time limit: an infinite loop, or a very slow path."""


class Slow(Exception):
    """A long example ran past the time limit but finished within a longer one: slow, not endless."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `Hang` in the running code after `seconds` (main thread only, SIGALRM)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no result after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


#: Inputs that ran past a time limit: (property, input) → (the limit, the Hang it raised).
_HUNG: dict[tuple[str, str | bytes], tuple[float, Hang]] = {}


def _limited(prop: str, value: str | bytes, limit: float | None, run: Callable[[], Any]) -> Any:
    """`run()` under the time limit; an input that already ran past as long a limit fails at once.

    Hypothesis replays a failing example to report it, and the shrinker tries
    an input more than once: an endless loop costs its time limit only once.
    """
    seconds = TIME_LIMIT if limit is None else limit
    earlier = _HUNG.get((prop, value))
    if earlier is not None and earlier[0] >= seconds:
        raise earlier[1]
    try:
        with time_limit(seconds):
            return run()
    except Hang as exc:
        _HUNG[(prop, value)] = (seconds, exc)
        raise


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _check_points(text: str, points: Any) -> None:
    ids = [p.id for p in points]
    if len(set(ids)) != len(ids):
        raise PropertyFailed("point ids repeat", repr(ids))
    last = -1
    for p in points:
        if not 0 <= p.start <= len(text):
            raise PropertyFailed("point start outside text", f"{p.id} start={p.start} len={len(text)}")
        if text[p.start : p.start + len(p.text)] != p.text:
            raise PropertyFailed(
                "point text != source slice",
                f"{p.id}: {p.text[:60]!r} vs {text[p.start : p.start + len(p.text)][:60]!r}",
            )
        if p.start < last:
            raise PropertyFailed("points out of order", f"{p.id} starts at {p.start} before {last}")
        last = p.start


def check_structure(text: str, *, limit: float | None = None) -> None:
    """`parse_structure` reads any text; points and the opening paragraph are slices of it."""
    s = _limited("structure", text, limit, lambda: parse_structure(text, source="fuzz.txt", sha256=_sha(text)))
    _check_points(text, s.points)
    if s.preamble and text[s.preamble_start : s.preamble_start + len(s.preamble)] != s.preamble:
        raise PropertyFailed("preamble != source slice", f"start={s.preamble_start} {s.preamble[:60]!r}")
    if s.cover and s.cover not in text:
        raise PropertyFailed("cover not in text", repr(s.cover[:60]))
    section_ids = {sec.id for sec in s.sections}
    for sec in s.sections:
        if sec.parent is not None and sec.parent not in section_ids:
            raise PropertyFailed("section parent unknown", f"{sec.id} → {sec.parent}")
    for p in s.points:
        if p.section is not None and p.section not in section_ids:
            raise PropertyFailed("point section unknown", f"{p.id} → {p.section}")


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """One pipeline per process: building it takes most of a second."""
    from extract.pipeline import build_nlp

    return build_nlp()


def _check_slice(
    texts: dict[str, str], what: str, label: str, unit: str | None, start: int, end: int, surface: str
) -> None:
    """`surface` is the slice [start:end] of its unit's text; `what` names the property, `label` the item."""
    if unit not in texts:
        raise PropertyFailed(f"{what}: unknown unit", f"{label} in {unit!r}")
    unit_text = texts[unit]
    if not 0 <= start <= end <= len(unit_text):
        raise PropertyFailed(
            f"{what}: offsets outside unit", f"{label} [{start}:{end}] in {len(unit_text)} chars of {unit}"
        )
    if unit_text[start:end] != surface:
        raise PropertyFailed(
            f"{what}: text != source slice",
            f"{label} {surface!r} vs {unit_text[start:end]!r} at [{start}:{end}] of {unit}",
        )


def check_extraction(text: str, nlp: Language | None = None, *, limit: float | None = None) -> None:
    """`extract_document` reads any text; every offset it returns points at its own text."""
    raw = RawDocument(path=Path("fuzz.txt"), text=text, encoding="utf-8", sha256=_sha(text))
    from extract.pipeline import extract_document

    ex = _limited("extraction", text, limit, lambda: extract_document(raw, nlp or get_nlp()))
    _check_points(text, ex.points)
    for what, ids in (("section", [x.id for x in ex.sections]), ("target", [t.id for t in ex.targets])):
        if len(set(ids)) != len(ids):  # ids are graph node keys: a repeat silently drops a node
            raise PropertyFailed(f"{what} ids repeat", repr(sorted({i for i in ids if ids.count(i) > 1})))
    texts = ex.unit_texts()
    for e in ex.entities:
        for m in e.mentions:
            _check_slice(texts, "mention", f"{e.type} {e.name!r}", m.point, m.start, m.end, m.text)
    for r in ex.relations:
        ev = r.evidence
        _check_slice(texts, "relation evidence", r.type, ev.point, ev.start, ev.end, ev.trigger)
    for t in ex.targets:
        _check_slice(texts, "target", t.id, t.point, t.start, t.end, t.text)
    # the JSONL contract: what is written reads back as the same extraction
    line = json.dumps(ex.to_dict(), ensure_ascii=False)
    if Extraction.from_dict(json.loads(line)) != ex:
        raise PropertyFailed("JSONL round trip changes the extraction", line[:200])


_ROUND_TRIP = ("utf-8", "utf-8-sig", "utf-16", "gb18030")


def check_decode(data: bytes, *, limit: float | None = None) -> None:
    """`decode` returns text and its encoding for any bytes, or raises `InputError`."""
    try:
        text, encoding = _limited("decode", data, limit, lambda: decode(data, name="fuzz.bin"))
    except InputError:
        return
    if not isinstance(text, str) or not isinstance(encoding, str):
        raise PropertyFailed("decode returned non-strings", f"{type(text)}, {type(encoding)}")
    if encoding in _ROUND_TRIP and text != data.decode(encoding):
        raise PropertyFailed("decoded text differs from the named encoding", encoding)


# -- vocabulary of the genre ----------------------------------------------------


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _words(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            out.append(word)
    return out


def _lexicon_surfaces() -> list[str]:
    out: list[str] = []
    for path in sorted(LEXICONS.glob("*.jsonl")):
        out.extend(o["pattern"] for o in _jsonl(path) if isinstance(o.get("pattern"), str))
    return sorted(set(out))


def _places() -> list[str]:
    out: list[str] = []
    for line in (LEXICONS / "places.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        out.extend(c for c in cols[:2] if len(c) >= 2)
    return sorted(set(out))


def _s2t_table() -> dict[int, int]:
    """Simplified → traditional, one character for one (OpenCC's table, first choice)."""
    table: dict[int, int] = {}
    path = resources.files("opencc") / "dictionary" / "STCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        simp, _, trads = line.partition("\t")
        trad = trads.split(" ")[0]
        if len(simp) == 1 and len(trad) == 1 and simp != trad:
            table[ord(simp)] = ord(trad)
    return table


PLANS: tuple[str, ...] = tuple(read_document(p).text for p in EXAMPLES)
LEXICON = _lexicon_surfaces()
PLACES = _places()
SUFFIXES = sorted({o["suffix"] for o in _jsonl(PATTERNS / "entity_suffixes.jsonl")})
TRIGGERS = sorted(
    {o["trigger"] for o in _jsonl(PATTERNS / "relation_triggers.jsonl")}
    | set(_words(PATTERNS / "trigger_verbs.txt"))
    | set(_words(PATTERNS / "leading_verbs.txt"))
    | set(_words(PATTERNS / "left_boundaries.txt"))
)
GENERIC = _words(PATTERNS / "generic_words.txt")
S2T = _s2t_table()
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

AGENCIES = [
    "白城市教育局",
    "诸暨市教育体育局",
    "教育部",
    "吉林省教育厅",
    "市委宣传部",
    "团市委",
    "某市教育局",
    "市人民政府",
]
CORES = ["职业技术", "师范", "智慧教育", "科技", "新能源", "乡村教师", "国培", "特岗", "春晖", "元培", "学在诸暨"]
CORES += ["吉电能谷(白城)储能投资", "华东师范", "杭州师范", "中小学", "劳动教育实践", "第40个教师", "市域产教"]
FILLERS = ["全面", "加强", "推动", "提升", "质量", "教育", "学生", "教师", "工作", "发展", "深入", "持续", "开展"]
FILLERS += ["建设", "改革", "的", "在", "为", "和", "等", "重点", "各类", "全市", "全县", "中小学校", "课后服务"]
STRAYS = "“”‘’\"'《》〈〉（）()[]【】〔〕［］「」『』<>{}、，。；：？！…—-～·|/\\"
SPACES = [" ", "  ", "\u3000", "\t", "\n", "\n\n", "\r\n", "\r", "\xa0", "\u2028", "\x0b", "\x0c", "\x1c", "\x85"]
META_KEYS = ["发文机关", "发布机构", "成文日期", "发文日期", "发文字号", "文号", "标题", "名称", "发布日期"]
META_KEYS += ["发布时间", "公开日期", "索引号", "分类", "主题分类", "信息来源", "来源", "浏览次数", "点击数", "有效性"]
CHROME = ["登录 | 注册", "当前位置：首页 > 政务公开 > 专栏", "(此件公开发布)", "（此件主动公开）", "【打印】【关闭】"]
CHROME += ["— 2 —", "-3-", "第 1 页 共 3 页", "字号：大 中 小", "扫一扫在手机打开当前页", "返回顶部"]
BRACKETS = [("〔", "〕"), ("[", "]"), ("［", "］"), ("【", "】"), ("(", ")"), ("（", "）"), ("〔", "]"), ("", "")]
CN_UNITS = "一二三四五六七八九"
GENRE_ALPHABET = "".join(sorted(set("".join(PLANS)) | set(STRAYS) | set("０１２３４５６７８９〇零○Ｏ十百千万亿两")))


def cn_numeral(n: int) -> str:
    """0-99 written in Chinese numerals, as section ordinals and dates are."""
    if n < 10:
        return "〇一二三四五六七八九"[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_UNITS[tens - 1]) + "十" + ("" if ones == 0 else CN_UNITS[ones - 1])


# -- strategies ---------------------------------------------------------------

_random_unicode = st.text(st.characters(codec="utf-8"), max_size=300)
_genre_chars = st.text(st.sampled_from(GENRE_ALPHABET), max_size=400)
_short_unicode = st.text(st.characters(codec="utf-8"), min_size=1, max_size=8)
_spaces = st.sampled_from(SPACES)


def _digits(n: int, style: str) -> str:
    return str(n).translate(FULLWIDTH_DIGITS) if style == "full" else str(n)


@st.composite
def dates(draw: st.DrawFn) -> str:
    year, month, day = draw(st.integers(1900, 2200)), draw(st.integers(0, 15)), draw(st.integers(0, 35))
    style = draw(st.sampled_from(["ascii", "full", "cn", "iso", "slash", "time"]))
    if style == "cn":
        year_cn = "".join("〇一二三四五六七八九"[int(c)] for c in str(year))
        return f"{year_cn}年{cn_numeral(month % 100)}月{cn_numeral(day % 100)}日"
    if style == "iso":
        return f"{year}-{month:02d}-{day:02d}"
    if style == "slash":
        return f"{year}/{month}/{day}"
    if style == "time":
        return f"{year}-{month:02d}-{day:02d} {draw(st.integers(0, 23))}:{draw(st.integers(0, 59)):02d}"
    return f"{_digits(year, style)}年{_digits(month, style)}月{_digits(day, style)}日"


@st.composite
def doc_numbers(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["白教字", "诸教体", "某教", "吉教发", "教基", "发文字号白教字", ""]))
    left, right = draw(st.sampled_from(BRACKETS))
    year = _digits(draw(st.integers(1990, 2100)), draw(st.sampled_from(["ascii", "full"])))
    gap = draw(st.sampled_from(["", " ", "\u3000"]))
    return f"{prefix}{gap}{left}{year}{right}{gap}{draw(st.integers(0, 9999))}{gap}号"


@st.composite
def names(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.sampled_from(LEXICON))
    if kind == 1:
        return draw(st.sampled_from(AGENCIES))
    if kind == 2:
        return draw(st.sampled_from(PLACES))
    place = draw(st.sampled_from(["", *PLACES[:200:7], "白城", "诸暨", "全市", "省", "国家"]))
    core = (
        draw(st.sampled_from(CORES + GENERIC))
        if kind < 5
        else draw(st.text(st.sampled_from(GENRE_ALPHABET), max_size=6))
    )
    return place + core + draw(st.sampled_from(SUFFIXES))


@st.composite
def targets(draw: st.DrawFn) -> str:
    style = draw(st.integers(0, 6))
    if style == 6:  # a percentage in words: 覆盖率达到百分之九十
        lead = draw(st.sampled_from(["", "覆盖率达到", "力争", "不低于"]))
        return lead + "百分之" + cn_numeral(draw(st.integers(0, 99))) + draw(st.sampled_from(["", "以上", "。"]))
    if style == 0:
        number = cn_numeral(draw(st.integers(0, 99))) + draw(st.sampled_from(["", "百", "千"]))
    elif style == 1:
        number = f"{draw(st.integers(0, 10**6))}.{draw(st.integers(0, 99))}"
    elif style == 2:
        number = draw(st.sampled_from(["1" * 400, "9" * 30, "0", "00", "百分之九十", "百分之", "一", "十"]))
    else:
        number = _digits(draw(st.integers(0, 10**7)), draw(st.sampled_from(["ascii", "ascii", "full"])))
    if draw(st.booleans()):
        number += draw(st.sampled_from(["万", "亿", "千", ""]))
    if draw(st.integers(0, 3)) == 0:
        number += draw(st.sampled_from(["—", "-", "~", "～", "至", "到", "－", "–"])) + str(draw(st.integers(0, 500)))
    before = draw(st.sampled_from(["", "", "至少", "不少于", "不低于", "力争", "第", "届", "+", "创建", "覆盖率达到"]))
    after = draw(st.sampled_from(["", "", "以上", "左右", "以内", "年", "届", "+", "一体", "清单"]))
    unit = draw(st.sampled_from([*UNITS, "所", "个", "%", "人次", "年"]))
    return before + number + unit + after


@st.composite
def sentences(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.integers(0, 13))
        if kind <= 2:
            pieces.append(draw(names()))
        elif kind == 3:
            left, right = draw(st.sampled_from([("“", "”"), ('"', '"'), ("「", "」"), ("“", ""), ("", "”")]))
            inner = draw(st.one_of(names(), st.sampled_from(CORES + GENERIC), _short_unicode))
            pieces.append(left + inner + right)
        elif kind == 4:
            pieces.append("《" + draw(st.one_of(names(), _short_unicode)) + draw(st.sampled_from(["》", "", "》》"])))
        elif kind <= 6:
            pieces.append(draw(st.sampled_from(TRIGGERS)))
        elif kind == 7:
            pieces.append(draw(targets()))
        elif kind == 8:
            pieces.append(
                draw(st.sampled_from(["、", "，", "和", "与", "及", "等", "；", "：", "。", ",", "以", "为", "由"]))
            )
        elif kind == 9:
            pieces.append(draw(st.sampled_from(FILLERS + GENERIC)))
        elif kind == 10:
            odd = st.sampled_from(["杭师大", "，，", "  ", "“”", "《》", "。。", "、、", "A"])
            short = draw(odd if draw(st.integers(0, 7)) == 0 else names())
            pieces.append(draw(st.sampled_from(["（以下简称“", "(以下简称", "（简称", "（下简称："])) + short + "”）")
        elif kind == 11:
            quoted = draw(st.lists(names(), min_size=1, max_size=4))
            sep = draw(st.sampled_from(["", "、", "，", "和"]))
            tail = draw(st.sampled_from(["等五大工程", "等专项行动", "等系列活动", "公共服务平台", "等"]))
            pieces.append(sep.join(f"“{q}”" for q in quoted) + tail)
        elif kind == 12:
            pieces.append(draw(st.sampled_from(STRAYS)))
        else:
            pieces.append(draw(st.one_of(_short_unicode, dates(), doc_numbers())))
    return "".join(pieces) + draw(st.sampled_from(["。", "。", "；", "", "！", "?"]))


@st.composite
def point_markers(draw: st.DrawFn, number: int | None = None) -> str:
    n = draw(st.integers(0, 120)) if number is None else number
    digits = _digits(n, draw(st.sampled_from(["ascii", "ascii", "full"])))
    sep = draw(st.sampled_from([".", "．", "、", ". ", "、\u3000"]))
    indent = draw(st.sampled_from(["", "", "  ", "\u3000\u3000", "\t"]))
    return indent + digits + sep


@st.composite
def section_markers(draw: st.DrawFn, number: int | None = None, level: int | None = None) -> str:
    n = draw(st.integers(1, 30)) if number is None else number
    cn = cn_numeral(n)
    if (draw(st.integers(1, 2)) if level is None else level) == 1:
        return cn + draw(st.sampled_from(["、", "．", ".", " 、"]))
    left, right = draw(st.sampled_from([("（", "）"), ("(", ")"), ("( ", " )"), ("（", ")")]))
    return left + cn + right


@st.composite
def lines(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 15))
    if kind == 0:
        key = draw(st.sampled_from(META_KEYS))
        spaced = draw(st.booleans())
        key = " ".join(key) if spaced and draw(st.integers(0, 3)) == 0 else key
        sep = draw(st.sampled_from([":", "：", " : ", "：  ", ""]))
        value = draw(st.one_of(st.sampled_from(AGENCIES), dates(), doc_numbers(), sentences(), st.just("")))
        more = draw(st.sampled_from(["", " 浏览次数: 信息来源:市教体局", "  索引号：11220800/2024-00012"]))
        return key + sep + value + more
    if kind == 1:
        return draw(st.sampled_from(AGENCIES)) if draw(st.booleans()) else draw(names())
    if kind == 2:
        return draw(dates())
    if kind == 3:
        return draw(doc_numbers())
    if kind == 4:
        parts = draw(st.lists(st.one_of(st.sampled_from(AGENCIES), names(), st.just("各县(市、区)教育局")), max_size=5))
        return draw(st.sampled_from(["，", "、", ",", "；"])).join(parts) + draw(st.sampled_from(["：", ":", ""]))
    if kind == 5:
        return "关于印发《" + draw(names()) + "》的" + draw(st.sampled_from(["通知", "意见", "要点", "函"]))
    if kind == 6:
        return draw(st.sampled_from(CHROME))
    if kind == 7:
        return draw(section_markers()) + draw(st.one_of(st.sampled_from(FILLERS), sentences()))
    if kind <= 10:
        return draw(point_markers()) + draw(sentences()) + (draw(sentences()) if draw(st.booleans()) else "")
    if kind == 11:
        return "".join(draw(st.lists(sentences(), min_size=1, max_size=4)))
    if kind == 12:
        return draw(st.sampled_from(["", "", " ", "\u3000\u3000", "\t"]))
    if kind == 13:
        return draw(sentences()) * draw(st.integers(10, 80))  # a very long line
    if kind == 14:
        return draw(_random_unicode)
    return draw(_genre_chars)


@st.composite
def shaped_documents(draw: st.DrawFn) -> str:
    """Header, addressees, cover, signature, title, opening, sections and points in order."""
    out = [draw(lines()) for _ in range(draw(st.integers(0, 4)))]
    out += [f"{draw(st.sampled_from(META_KEYS[:9]))}：{draw(st.one_of(dates(), doc_numbers(), names()))}"]
    if draw(st.booleans()):
        out += [
            "各县(市、区)教育局,局机关各科室、直属各单位:",
            "现将《" + draw(names()) + "》印发给你们，请认真贯彻落实。",
        ]
        out += [draw(st.sampled_from(AGENCIES)), draw(dates())]
    out += [draw(names()) + "2024年工作要点", draw(sentences())]
    number = 0
    for s in range(1, draw(st.integers(0, 5)) + 1):
        out.append(draw(section_markers(number=s, level=1)) + draw(st.sampled_from(FILLERS)) + "工作")
        if draw(st.booleans()):
            number = 0
        for _ in range(draw(st.integers(0, 4))):
            number += draw(st.sampled_from([1, 1, 1, 0, 2, -1]))
            out.append(draw(point_markers(number=max(number, 0))) + draw(sentences()))
            if draw(st.integers(0, 3)) == 0:
                out.append(draw(sentences()))
            if draw(st.integers(0, 5)) == 0:
                out.append(draw(lines()))
    return "\n".join(out)


@st.composite
def soup_documents(draw: st.DrawFn) -> str:
    return "\n".join(draw(st.lists(lines(), max_size=30)))


def _cut(draw: st.DrawFn, text: str, longest: int = 400) -> tuple[int, int]:
    i = draw(st.integers(0, len(text)))
    return i, draw(st.integers(i, min(len(text), i + longest)))


def _traditional(text: str) -> str:
    return text.translate(S2T)


@st.composite
def _mutate(draw: st.DrawFn, text: str, rounds: tuple[int, int]) -> str:
    """Damage a text the ways copy-paste, PDF export and bad tools do."""
    for _ in range(draw(st.integers(*rounds))):
        op = draw(st.integers(0, 11))
        i, j = _cut(draw, text)
        if op == 0:  # delete a slice
            text = text[:i] + text[j:]
        elif op == 1:  # duplicate a slice somewhere
            k = draw(st.integers(0, len(text)))
            text = text[:k] + text[i:j] + text[k:]
        elif op == 2:  # swap two slices
            k, m = _cut(draw, text)
            if j <= k:
                text = text[:i] + text[k:m] + text[j:k] + text[i:j] + text[m:]
        elif op == 3:  # insert random characters
            text = text[:i] + draw(st.one_of(_short_unicode, _genre_chars.map(lambda s: s[:20]))) + text[i:]
        elif op == 4:  # cut the text at random places
            text = text[i:j] if draw(st.booleans()) else text[:i]
        elif op == 5:  # traditional characters
            text = text[:i] + _traditional(text[i:j]) + text[j:]
        elif op == 6:  # whitespace inside words (PDF line ends)
            text = text[:i] + draw(_spaces) + text[i:]
        elif op == 7:  # stray brackets and quotes
            text = text[:i] + draw(st.sampled_from(STRAYS)) + text[i:]
        elif op == 8:  # join lines
            text = text[:i] + text[i:j].replace("\n", "") + text[j:]
        elif op == 9:  # full-width digits
            text = text[:i] + text[i:j].translate(FULLWIDTH_DIGITS) + text[j:]
        elif op == 10:  # a genre fragment dropped in
            text = text[:i] + draw(st.one_of(lines(), sentences(), point_markers())) + text[i:]
        else:  # a very long line
            text = text[:i] + text[i:j].replace("\n", "") * draw(st.integers(2, 8)) + text[j:]
    return text


@st.composite
def genre_documents(draw: st.DrawFn) -> str:
    """Texts built from fragments of the genre, then lightly damaged."""
    text = draw(st.one_of(shaped_documents(), soup_documents(), sentences(), lines()))
    if draw(st.booleans()):
        text = _traditional(text)
    return draw(_mutate(text, (0, 3)))


@st.composite
def mutated_plans(draw: st.DrawFn) -> str:
    """The real plans, cut, shuffled and damaged."""
    return draw(_mutate(draw(st.sampled_from(PLANS)), (1, 6)))


@st.composite
def _random_lines(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(_random_unicode, point_markers(), section_markers(), _spaces), max_size=20))
    return "\n".join(parts)


#: Random text: any unicode, the characters of the genre, and random lines with numbering.
random_text = st.one_of(_random_unicode, _genre_chars, _random_lines())

ENCODINGS = ["utf-8", "gb18030", "gbk", "gb2312", "big5", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]
ENCODINGS += ["shift_jis", "euc-kr", "latin-1", "cp1252", "koi8-r", "utf-7"]
BOMS = [b"", b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]


@st.composite
def encoded_texts(draw: st.DrawFn) -> bytes:
    text = draw(st.one_of(random_text, genre_documents(), st.sampled_from(PLANS)))
    data = draw(st.sampled_from(BOMS)) + text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(data)))
        op = draw(st.integers(0, 3))
        if op == 0:
            data = data[:i]
        elif op == 1:
            data = data[:i] + draw(st.binary(min_size=1, max_size=8)) + data[i:]
        elif op == 2:
            data = data[:i] + data[i + 1 :]
        else:
            data = data[:i] + b"\x00" + data[i:]
    return data


#: Bytes for `decode`: random bytes, BOMs with junk, and texts encoded every which way.
byte_inputs = st.one_of(
    st.binary(max_size=600),
    st.tuples(st.sampled_from(BOMS), st.binary(max_size=200)).map(lambda t: t[0] + t[1]),
    encoded_texts(),
)

STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "random": random_text,
    "genre": genre_documents(),
    "plans": mutated_plans(),
    "bytes": byte_inputs,
}


# -- the bench ----------------------------------------------------------------

#: (property, strategy, share of the examples)
PLAN_OF_RUNS: list[tuple[str, str, float]] = [
    ("structure", "random", 0.10),
    ("structure", "genre", 0.15),
    ("structure", "plans", 0.08),
    ("extraction", "random", 0.12),
    ("extraction", "genre", 0.25),
    ("extraction", "plans", 0.12),
    ("decode", "bytes", 0.18),
]
CHECKS: dict[str, Callable[..., None]] = {
    "structure": check_structure,
    "extraction": check_extraction,
    "decode": check_decode,
}


def failure_kind(exc: BaseException) -> str:
    """A name for a failure that groups the same bug: the property, or where the exception came from."""
    if isinstance(exc, PropertyFailed):
        return exc.kind
    if isinstance(exc, Slow):
        return "Slow (past the time limit on a long input, but finishes)"
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(str(ROOT)) and "/.venv/" not in f.filename]
    ours = [f for f in ours if Path(f.filename).name != "fuzz.py"] or ours
    if isinstance(exc, Hang):
        # a loop is stopped anywhere inside it: name the step of the entry point that was running
        named = [f for f in ours if not f.name.startswith("<")]
        step = named[1] if len(named) > 1 else named[-1] if named else None
        return f"Hang (time limit) in {Path(step.filename).name}:{step.name}" if step else "Hang (time limit)"
    where = (ours or frames)[-1] if (ours or frames) else None
    at = f" at {Path(where.filename).name}:{where.lineno} in {where.name}" if where else ""
    return f"{type(exc).__name__}{at}"


@dataclass
class Failure:
    kind: str
    count: int
    first: Any
    tail: str


@dataclass
class Tally:
    prop: str
    strategy: str
    runs: int = 0
    seconds: float = 0.0
    slowest: float = 0.0  # the slowest passing example, to see how far the time limit is
    failures: dict[str, Failure] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return sum(f.count for f in self.failures.values())

    def record(self, value: Any, exc: BaseException) -> None:
        kind = failure_kind(exc)
        if kind in self.failures:
            self.failures[kind].count += 1
            return
        lines = traceback.format_exception(exc)
        self.failures[kind] = Failure(kind, 1, value, "".join(lines[-3:]).rstrip())


#: Inputs longer than this that pass the time limit are run again with a longer one (`CONFIRM` × the limit),
#: to tell an endless loop from a slow path; a short input never takes seconds.
LONG_INPUT = 2000
CONFIRM = 4


def _confirmed(check: Callable[..., None], value: Any) -> None:
    """`check(value)`, telling a slow path (`Slow`) from an endless loop (`Hang`) on long inputs."""
    try:
        check(value)
    except Hang:
        if len(value) <= LONG_INPUT:
            raise
        began = time.perf_counter()
        check(value, limit=CONFIRM * TIME_LIMIT)  # raises Hang again if it is endless
        raise Slow(
            f"{len(value)} chars took {time.perf_counter() - began:.1f} s, over the {TIME_LIMIT:g} s limit"
        ) from None


def run_property(prop: str, strategy: str, examples: int, *, seed_value: int = 0) -> Tally:
    """Run one property over one strategy for `examples` examples, counting failures instead of stopping."""
    tally = Tally(prop, strategy)
    check = CHECKS[prop]

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(seed_value)
    @given(STRATEGIES[strategy])
    def run(value: Any) -> None:
        tally.runs += 1
        began = time.perf_counter()
        try:
            _confirmed(check, value)
        except Exception as exc:  # every failure is counted; the run goes on
            tally.record(value, exc)
        else:
            tally.slowest = max(tally.slowest, time.perf_counter() - began)

    started = time.perf_counter()
    run()
    tally.seconds = time.perf_counter() - started
    return tally


def shrink(value: Any, still_fails: Callable[[Any], bool], *, budget: float = 60.0) -> Any:
    """Delta debugging: drop chunks (lines first, then characters) while the failure stays the same."""
    deadline = time.monotonic() + budget

    def ddmin(items: list[Any], test: Callable[[list[Any]], bool]) -> list[Any]:
        n = 2
        while len(items) >= 2 and time.monotonic() < deadline:
            size = math.ceil(len(items) / n)
            for i in range(0, len(items), size):
                candidate = items[:i] + items[i + size :]
                if test(candidate):
                    items, n = candidate, max(n - 1, 2)
                    break
            else:
                if n >= len(items):
                    break
                n = min(len(items), n * 2)
        return items

    if isinstance(value, str):
        as_text: Callable[[list[Any]], bool] = lambda items: still_fails("".join(items))  # noqa: E731
        kept = ddmin(value.splitlines(keepends=True), as_text)
        return "".join(ddmin(list("".join(kept)), as_text))
    return bytes(ddmin(list(value), lambda items: still_fails(bytes(items))))


def _fails_the_same(prop: str, kind: str) -> Callable[[Any], bool]:
    check = CHECKS[prop]
    limit = 2.0 if kind.startswith("Hang") else None

    def fails(value: Any) -> bool:
        try:
            check(value, limit=limit)
        except Exception as exc:
            return failure_kind(exc) == kind
        return False

    return fails


def _show(value: Any, width: int = 300) -> str:
    text = repr(value)
    return (
        text
        if len(text) <= width
        else f"{text[:width]}… ({len(value)} {'chars' if isinstance(value, str) else 'bytes'})"
    )


def _jsonable(value: Any) -> Any:
    return {"hex": value.hex()} if isinstance(value, bytes) else value


def main(argv: list[str] | None = None) -> int:
    global TIME_LIMIT
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--examples", type=int, default=10_000, help="examples in total, split over the properties")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=TIME_LIMIT, help="seconds per example before it is a hang")
    ap.add_argument("--no-shrink", action="store_true", help="do not shrink the first failing inputs")
    ap.add_argument("--only", default="", help="comma-separated properties to run (structure,extraction,decode)")
    ap.add_argument("--failures", type=Path, help="write each failure (first and minimal input) to this JSONL file")
    args = ap.parse_args(argv)
    TIME_LIMIT = args.time_limit

    started = time.perf_counter()
    only = {p for p in args.only.split(",") if p}
    plan = [(p, s, share) for p, s, share in PLAN_OF_RUNS if not only or p in only]
    total_share = sum(share for _, _, share in plan)
    print(f"policykg fuzz: {args.examples} examples, seed {args.seed}, time limit {args.time_limit:g} s per example")
    get_nlp()
    tallies = []
    print(f"{'property':<12}{'strategy':<10}{'examples':>10}{'failures':>10}{'seconds':>10}{'slowest':>10}")
    for prop, strategy, share in plan:
        tally = run_property(prop, strategy, math.ceil(args.examples * share / total_share), seed_value=args.seed)
        tallies.append(tally)
        row = f"{prop:<12}{strategy:<10}{tally.runs:>10}{tally.failed:>10}{tally.seconds:>10.1f}{tally.slowest:>10.2f}"
        print(row, flush=True)
    for prop in dict.fromkeys(t.prop for t in tallies):
        mine = [t for t in tallies if t.prop == prop]
        runs, failed = sum(t.runs for t in mine), sum(t.failed for t in mine)
        print(f"{prop:<12}{'(all)':<10}{runs:>10}{failed:>10}{sum(t.seconds for t in mine):>10.1f}")
    runs, failed = sum(t.runs for t in tallies), sum(t.failed for t in tallies)
    print(f"{'total':<22}{runs:>10}{failed:>10}")

    records = []
    for tally in tallies:
        for f in tally.failures.values():
            print(f"\nFAIL {tally.prop}/{tally.strategy}: {f.kind} ×{f.count}")
            print(f"  first input: {_show(f.first)}")
            print("  " + f.tail.replace("\n", "\n  "))
            minimal = None
            if not args.no_shrink and not f.kind.startswith("Slow"):  # smaller slow inputs are only faster
                minimal = shrink(f.first, _fails_the_same(tally.prop, f.kind))
                print(f"  minimal:     {_show(minimal)}")
            records.append(
                {
                    "property": tally.prop,
                    "strategy": tally.strategy,
                    "kind": f.kind,
                    "count": f.count,
                    "first": _jsonable(f.first),
                    "minimal": _jsonable(minimal),
                    "traceback": f.tail,
                }
            )
    if args.failures:
        with args.failures.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    print(f"\nwall time: {time.perf_counter() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
