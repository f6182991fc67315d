"""Document structure: header metadata, addressees, sections and numbered points.

Plans share a shape (ONTOLOGY.md): a header (发文机关, 成文日期, 发文字号,
标题), a cover letter to addressees, a signature, the plan's own title, an
opening paragraph, optional sections (一、 / （一）) and numbered points
(1. / 1． / 1、). This module reads that shape with line patterns only, so
it works on any plan of the genre, and keeps every point a contiguous slice
of the text so that offsets found later point into the original.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from typing import Any

from extract.normalize import simplify_chars
from graph.model import DocumentMeta, Point, Section, document_id

log = logging.getLogger(__name__)

CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
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


def cn_small_number(text: str) -> int | None:
    """Read a Chinese numeral below 100 as used for section ordinals and dates.

    >>> cn_small_number("十二"), cn_small_number("二十"), cn_small_number("九"), cn_small_number("二〇")
    (12, 20, 9, 20)
    """
    text = text.strip()
    if not text or any(ch not in CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = CN_DIGITS.get(tens, 0) if tens else 1
        o = CN_DIGITS.get(ones, 0) if ones else 0
        return t * 10 + o
    value = 0
    for ch in text:
        value = value * 10 + CN_DIGITS[ch]
    return value


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

_DATE = re.compile(
    r"(\d{4}|[〇零○Ｏ一二三四五六七八九]{4})\s*[年\-/.．]\s*"
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[月\-/.．]\s*"
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日?"
)


def parse_date(text: str) -> str | None:
    """Find the first date in a string and return it as ISO 8601.

    >>> parse_date("2024年02月28日"), parse_date("发布时间:2024-04-26 10:55")
    ('2024-02-28', '2024-04-26')
    >>> parse_date("二〇二四年三月二十日")
    '2024-03-20'
    """
    m = _DATE.search(text.translate(_FULLWIDTH_DIGITS))
    if not m:
        return None
    parts = []
    for group in m.groups():
        value = int(group) if group.isdigit() else cn_small_number(group)
        if value is None:
            return None
        parts.append(value)
    year, month, day = parts
    if not (1949 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,10})\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d{1,4})\s*号")


def parse_doc_number(text: str) -> str | None:
    """Find a 发文字号 and write it with the standard 〔〕 brackets.

    >>> parse_doc_number("发文字号: 白教字[2024]1号")
    '白教字〔2024〕1号'
    >>> parse_doc_number("诸教体〔2024〕12 号") is not None
    True
    """
    m = _DOC_NUMBER.search(text.translate(_FULLWIDTH_DIGITS))
    if not m:
        return None
    prefix = m.group(1)
    # "发文字号白教字" when the colon is missing: keep only the issuing prefix
    prefix = re.sub(r"^.*?(?:字号|文号)", "", prefix) or prefix
    return f"{prefix}〔{m.group(2)}〕{m.group(3)}号"


_META_KEYS = {
    "发文机关": "issuer",
    "发布机构": "issuer",
    "成文日期": "issued_date",
    "发文日期": "issued_date",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "标题": "title",
    "名称": "title",
    "发布日期": "published_date",
    "发布时间": "published_date",
    "公开日期": "published_date",
    "索引号": None,
    "分类": None,
    "主题分类": None,
    "信息来源": None,
    "来源": None,
    "浏览次数": None,
    "点击数": None,
    "有效性": None,
}
_META_KEY_RE = re.compile(
    "(" + "|".join(r"\s*".join(k) for k in sorted(_META_KEYS, key=len, reverse=True)) + r")\s*[:：]"
)

_SEC1 = re.compile(r"^[ \t\u3000]*([一二三四五六七八九十]{1,3})[ \t\u3000]*[、.．][ \t\u3000]*(?=\S)")
_SEC2 = re.compile(r"^[ \t\u3000]*[（(][ \t\u3000]*([一二三四五六七八九十]{1,3})[ \t\u3000]*[）)][ \t\u3000]*(?=\S)")
_POINT = re.compile(r"^[ \t\u3000]*(\d{1,5}|[０-９]{1,5})[ \t\u3000]*[.．、](?![\d０-９])[ \t\u3000]*(?=\S)")
_AGENCY_LINE = re.compile(r"^[\u4e00-\u9fff()（）]{2,40}(?:局|厅|委员会|委|政府|办公室|部|中心|院|处|科|小组)$")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_ADDRESSEE_SPLIT = re.compile(r"[,，、;；]")


@dataclass
class _Line:
    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip(" \t\u3000")


@dataclass
class Structure:
    """What the structure stage hands to extraction."""

    document: DocumentMeta
    sections: list[Section] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    preamble: str = ""
    preamble_start: int = 0
    cover: str = ""
    warnings: list[str] = field(default_factory=list)


def _split_lines(text: str) -> list[_Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def _read_meta(line: str) -> dict[str, str]:
    """Key: value pairs, several to a line as scraped portals print them."""
    found = list(_META_KEY_RE.finditer(line))
    if not found or line[: found[0].start()].strip():
        return {}
    out: dict[str, str] = {}
    for i, m in enumerate(found):
        key = re.sub(r"\s+", "", m.group(1))
        end = found[i + 1].start() if i + 1 < len(found) else len(line)
        out.setdefault(key, line[m.end() : end].strip(" \t\u3000;；"))
    return out


def split_addressees(line: str) -> tuple[str, ...]:
    """Split the addressee line on separators outside parentheses.

    Commas always separate addressees; 、 separates them only when both sides
    name a body of their own, since 、 also joins parts of one addressee
    (各区、县(市)教育局; 区属各学校、幼儿园).

    >>> split_addressees("各县(市、区)教育局,局机关各科室、直属各单位:")
    ('各县(市、区)教育局', '局机关各科室', '直属各单位')
    >>> split_addressees("各区、县(市)教育局，市直属各学校(单位)：")
    ('各区、县(市)教育局', '市直属各学校(单位)')
    """
    body = line.strip().rstrip(":：").strip()
    pieces: list[tuple[str, str]] = []  # (text, separator before it)
    current: list[str] = []
    depth, sep = 0, ""
    for ch in body:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        if depth == 0 and _ADDRESSEE_SPLIT.match(ch):
            pieces.append(("".join(current).strip(), sep))
            current, sep = [], ch
        else:
            current.append(ch)
    pieces.append(("".join(current).strip(), sep))
    parts: list[str] = []
    for text, before in pieces:
        if not text:
            continue
        joins = (
            before == "、"
            and parts
            and not (_ORG_END.search(parts[-1]) and (text.startswith(_ADDRESSEE_START) or "各" in text))
        )
        if joins:
            parts[-1] += "、" + text
        else:
            parts.append(text)
    return tuple(parts)


_ORG_END = re.compile(r"(?:局|室|单位|学校|园|校|中心|部门|科室|办公室|委员会|政府|[)）])$")
_ADDRESSEE_START = ("各", "直属", "局", "市", "县", "区", "镇", "乡", "省", "州")


def _heading(text: str) -> str:
    """The point's heading sentence: up to the first sentence end, if it comes soon."""
    m = _SENTENCE_END.search(text)
    if m and m.start() <= 80:
        return text[: m.start()].strip()
    first = text.split("\n", 1)[0].strip()
    return first[:80]


def _is_structural(line: _Line) -> bool:
    return bool(_SEC1.match(line.text) or _SEC2.match(line.text) or _POINT.match(line.text))


def parse_structure(text: str, *, source: str, sha256: str, encoding: str = "utf-8") -> Structure:
    """Read header, sections and points out of a plan's clean text."""
    doc_id = document_id(sha256)
    # Patterns read a simplified copy (one character for one, so offsets
    # agree); every slice a point or section keeps comes from the original.
    lines = _split_lines(simplify_chars(text))
    meta: dict[str, str] = {}
    meta_lines: set[int] = set()
    for i, line in enumerate(lines):
        found = _read_meta(line.text)
        if found:
            meta_lines.add(i)
            for k, v in found.items():
                if v:
                    meta.setdefault(k, v)

    body_start = _find_body_start(lines)
    header = [(i, ln) for i, ln in enumerate(lines[:body_start]) if i not in meta_lines]
    info = _read_header(header, meta)

    structure = Structure(
        document=DocumentMeta(
            id=doc_id,
            source=source,
            sha256=sha256,
            encoding=encoding,
            **info.fields,
        )
    )
    if info.preamble:
        first = info.preamble[0]
        start = first.start + len(first.text) - len(first.text.lstrip(" \t\u3000"))
        structure.preamble_start = start
        structure.preamble = text[start : info.preamble[-1].end].rstrip()
    if info.cover:
        first = info.cover[0]
        start = first.start + len(first.text) - len(first.text.lstrip(" \t\u3000"))
        structure.cover = text[start : info.cover[-1].end].rstrip()
    _read_body(lines[body_start:], text, doc_id, structure)
    if not structure.points:
        _paragraph_fallback(lines[body_start:] if body_start < len(lines) else info.preamble, text, doc_id, structure)
    return structure


def _find_body_start(lines: list[_Line]) -> int:
    """Index of the first line of the plan body: the first section or point 1."""
    for i, line in enumerate(lines):
        m = _POINT.match(line.text)
        if m and int(m.group(1).translate(_FULLWIDTH_DIGITS)) == 1:
            return i
        sec = _SEC1.match(line.text) or _SEC2.match(line.text)
        if sec and cn_small_number(sec.group(1)) == 1:
            return i
    return len(lines)


@dataclass
class _HeaderInfo:
    fields: dict[str, Any]
    preamble: list[_Line]
    cover: list[_Line]


def _read_header(header: list[tuple[int, _Line]], meta: dict[str, str]) -> _HeaderInfo:
    title = meta.get("标题") or meta.get("名称")
    issuer = meta.get("发文机关") or meta.get("发布机构")
    doc_number = parse_doc_number(meta.get("发文字号", "") or meta.get("文号", ""))
    issued = parse_date(meta.get("成文日期", "") or meta.get("发文日期", ""))
    published = parse_date(meta.get("发布日期", "") or meta.get("发布时间", "") or meta.get("公开日期", ""))
    addressees: tuple[str, ...] = ()
    plan_title = None
    content = [ln for _, ln in header if ln.stripped]

    signature_at = -1
    addressee_at = -1
    for k, line in enumerate(content):
        s = line.stripped
        if title is None and re.match(r"^关于.{2,80}(?:通知|意见|决定|函|通报|报告|方案|要点)$", s):
            title = s
        if doc_number is None and len(s) <= 30:
            doc_number = parse_doc_number(s)
        if not addressees and re.search(r"[:：]$", s) and len(s) <= 120 and not _META_KEY_RE.search(s):
            addressees = split_addressees(s)
            addressee_at = k
        if (
            _AGENCY_LINE.match(s)
            and k + 1 < len(content)
            and parse_date(content[k + 1].stripped)
            and len(content[k + 1].stripped) <= 16
        ):
            issuer = issuer or s
            issued = issued or parse_date(content[k + 1].stripped)
            signature_at = k + 1

    # After the signature: the plan's own title, then its opening paragraph(s).
    rest = content[signature_at + 1 :] if signature_at >= 0 else []
    if signature_at < 0:
        # No cover letter: the first short line is the title, the rest preamble.
        rest = [ln for ln in content if not _META_KEY_RE.search(ln.text)]
    preamble: list[_Line] = []
    for line in rest:
        s = line.stripped
        if (
            plan_title is None
            and len(s) <= 60
            and not _SENTENCE_END.search(s)
            and not parse_doc_number(s)
            and not (parse_date(s) and len(s) <= 16)
        ):
            plan_title = s
            continue
        preamble.append(line)
    if title is None:
        title = plan_title
    # The cover letter (现将《…》印发给你们…) between addressees and signature.
    cover = content[addressee_at + 1 : signature_at - 1] if 0 <= addressee_at < signature_at - 1 else []
    return _HeaderInfo(
        fields={
            "title": title,
            "issuer": issuer,
            "doc_number": doc_number,
            "issued_date": issued,
            "published_date": published,
            "plan_title": plan_title,
            "addressees": addressees,
        },
        preamble=preamble,
        cover=cover,
    )


def _read_body(lines: list[_Line], text: str, doc_id: str, out: Structure) -> None:
    current_l1: Section | None = None
    current_l2: Section | None = None
    # The open unit (a point, or a section's own text) collects continuation lines.
    open_point: tuple[int, int, str | None] | None = None  # (text start, number, section id)
    open_point_end = 0
    open_section: tuple[str, int] | None = None  # (section id, text start)
    open_section_end = 0
    last_number = 0
    section_texts: dict[str, tuple[int, int]] = {}

    def close_point() -> None:
        nonlocal open_point
        if open_point is None:
            return
        start, number, section = open_point
        body = text[start:open_point_end].rstrip()
        index = len(out.points) + 1
        out.points.append(
            Point(
                id=f"{doc_id}:p{index}",
                doc_id=doc_id,
                number=number,
                title=_heading(simplify_chars(body)),
                text=body,
                section=section,
                start=start,
            )
        )
        open_point = None

    def close_section_text() -> None:
        nonlocal open_section
        if open_section is None:
            return
        sid, start = open_section
        if open_section_end > start:
            section_texts[sid] = (start, open_section_end)
        open_section = None

    for line in lines:
        m1, m2, mp = _SEC1.match(line.text), _SEC2.match(line.text), _POINT.match(line.text)
        if mp:
            number = int(mp.group(1).translate(_FULLWIDTH_DIGITS))
            # Sequence guards against a stray "3、" inside a point's text; a
            # new section may restart numbering at 1.
            if number in (last_number + 1, 1):
                close_point()
                close_section_text()
                holder = current_l2 or current_l1
                section = holder.id if holder is not None else None
                open_point = (line.start + mp.end(), number, section)
                open_point_end = line.end
                last_number = number
                continue
        if m1 or m2:
            m = m1 or m2
            assert m is not None
            close_point()
            close_section_text()
            level = 1 if m1 else 2
            ordinal = m.group(1)
            rest = line.text[m.end() :].strip()
            title = _heading(rest)
            parent = current_l1.id if level == 2 and current_l1 else None
            sec = Section(
                id=f"{doc_id}:s{len(out.sections) + 1}",
                doc_id=doc_id,
                level=level,
                ordinal=ordinal,
                title=title,
                parent=parent,
            )
            out.sections.append(sec)
            if level == 1:
                current_l1, current_l2 = sec, None
            else:
                current_l2 = sec
            # Text on the heading line after the title belongs to the section.
            after = line.start + m.end() + len(title)
            open_section = (sec.id, after)
            open_section_end = line.end
            continue
        if not line.stripped:
            continue
        if open_point is not None:
            open_point_end = line.end
        elif open_section is not None:
            open_section_end = line.end
    close_point()
    close_section_text()
    if section_texts:
        out.sections = [
            replace(s, text=text[slice(*section_texts[s.id])].strip(" \t\u3000\n。")) if s.id in section_texts else s
            for s in out.sections
        ]


def _paragraph_fallback(lines: list[_Line], text: str, doc_id: str, out: Structure) -> None:
    """No numbered points: every paragraph becomes a point, and the user is told."""
    paragraphs = [ln for ln in lines if ln.stripped and len(ln.stripped) > 10]
    for k, line in enumerate(paragraphs, start=1):
        start = line.start + (len(line.text) - len(line.text.lstrip(" \t\u3000")))
        body = text[start : line.end].rstrip()
        out.points.append(
            Point(
                id=f"{doc_id}:p{k}",
                doc_id=doc_id,
                number=k,
                title=_heading(simplify_chars(body)),
                text=body,
                start=start,
            )
        )
    if out.points:
        out.warnings.append(
            f"{out.document.source}: no numbered points (1. 2. …) found; "
            f"read {len(out.points)} paragraphs as points instead"
        )
        out.preamble = ""
