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

from extract.header import FULLWIDTH_DIGITS as _FULLWIDTH_DIGITS
from extract.header import META_KEY_RE as _META_KEY_RE
from extract.header import (
    IssuerFinding,
    bodies_in_title,
    choose_issuer,
    cn_small_number,
    is_date_line,
    parse_date,
    parse_doc_number,
    read_meta,
    source_body,
    split_bodies,
    title_at_line_start,
)
from extract.normalize import simplify_chars
from graph.model import DocumentMeta, Point, Section, document_id

log = logging.getLogger(__name__)

_SEC1 = re.compile(r"^[ \t\u3000]*([一二三四五六七八九十]{1,3})[ \t\u3000]*[、.．][ \t\u3000]*(?=\S)")
_SEC2 = re.compile(r"^[ \t\u3000]*[（(][ \t\u3000]*([一二三四五六七八九十]{1,3})[ \t\u3000]*[）)][ \t\u3000]*(?=\S)")
_POINT = re.compile(r"^[ \t\u3000]*(\d{1,5}|[０-９]{1,5})[ \t\u3000]*[.．、](?![\d０-９])[ \t\u3000]*(?=\S)")
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
    # what kind of writing a unit is, where it is not a plan's commitment:
    # "summary" (a 工作总结 printed with the plan) or "report" (news, a notice of results)
    parts: dict[str, str] = field(default_factory=dict)


_YEAR_IN_TITLE = re.compile(r"(?:19|20)\d\d\s*年")


# A top heading that names a part of the document (not 基本情况 or 工作任务)
_PART_HEADING = re.compile(r"总结|回顾|要点|工作计划|工作安排|工作思路")


def part_of_title(title: str | None) -> str | None:
    """What a title line opens: a plan (工作要点 …), a summary (工作总结 …), or neither.

    >>> part_of_title("2022年广州教育工作总结"), part_of_title("2023年工作要点"), part_of_title("某县召开推进会")
    ('summary', 'plan', None)
    >>> part_of_title("关于印发2022年工作总结和2023年工作要点的通知")
    'plan'
    """
    if not title:
        return None
    if re.search(r"要点|计划|安排|方案|思路|任务", title):
        return "plan"
    if re.search(r"总结|回顾|成绩|进展|情况", title):
        return "summary"
    return None


# Where a page ran a numbered heading into the text before it: after a sentence
# end (…力量。一、加强…), or a point number squeezed between two words (领导1.深化).
_INLINE_HEADING = re.compile(
    r"(?<=[。；;！？!?])[ \t\u3000]*"
    r"(?=[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,3}[.．、](?!\d))"
    r"|(?<=[\u4e00-\u9fff])(?=\d{1,2}[.．][\u4e00-\u9fff])"
)


def _split_lines(text: str) -> list[_Line]:
    """The text's lines, a run-on line cut where a numbered heading starts inside it."""
    lines, pos = [], 0
    for raw in text.split("\n"):
        start = 0
        for m in _INLINE_HEADING.finditer(raw):
            if m.end() > start:
                lines.append(_Line(pos + start, pos + m.end(), raw[start : m.end()]))
                start = m.end()
        lines.append(_Line(pos + start, pos + len(raw), raw[start:]))
        pos += len(raw) + 1
    return lines


def split_addressees(line: str) -> tuple[str, ...]:
    """Split the addressee line on separators outside parentheses.

    Commas always separate addressees; 、 separates them only after a
    body's or a school's name, since 、 also joins parts of one addressee
    (各区、县(市)教育局).

    >>> split_addressees("各县(市、区)教育局,局机关各科室、直属各单位:")
    ('各县(市、区)教育局', '局机关各科室', '直属各单位')
    >>> split_addressees("各区、县(市)教育局，市直属各学校(单位)：")
    ('各区、县(市)教育局', '市直属各学校(单位)')
    >>> split_addressees("各区委教育工委、各区教育局,各直属中小学、大中专院校:")
    ('各区委教育工委', '各区教育局', '各直属中小学', '大中专院校')
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
        # a bare head noun shares the modifier before it: 区属各学校、幼儿园
        joins = before == "、" and parts and (not _ORG_END.search(parts[-1]) or text in _BARE_HEADS)
        if joins:
            parts[-1] += "、" + text
        else:
            parts.append(text)
    return tuple(parts)


_BARE_HEADS = frozenset({"幼儿园", "学校", "中小学", "小学", "中学", "单位", "高校", "中职学校", "普通高中"})
_ORG_END = re.compile(
    r"(?:局|室|单位|学校|园|校|中心|部门|办|委|厅|政府|高校|高中|中学|小学|院校|学区|片区|机构|[)）])$"
)


def _heading(text: str) -> str:
    """The point's heading sentence: up to the first sentence end, if it comes soon."""
    m = _SENTENCE_END.search(text)
    if m and m.start() <= 80:
        return text[: m.start()].strip()
    first = text.split("\n", 1)[0].strip()
    return first[:80]


def _is_structural(line: _Line) -> bool:
    return bool(_SEC1.match(line.text) or _SEC2.match(line.text) or _POINT.match(line.text))


# A metadata line is short; a longer one holding 发文机关: is a run-on page, and its text is kept
_META_LINE_MAX = 200


def parse_structure(text: str, *, source: str, sha256: str, encoding: str = "utf-8") -> Structure:
    """Read header, sections and points out of a plan's clean text."""
    doc_id = document_id(sha256)
    # Patterns read a simplified copy (one character for one, so offsets
    # agree); every slice a point or section keeps comes from the original.
    lines = _split_lines(simplify_chars(text))
    meta: dict[str, str] = {}
    meta_lines: set[int] = set()
    for i, line in enumerate(lines):
        found = read_meta(line.text)
        if found:
            if len(line.text) <= _META_LINE_MAX:  # a run-on page's fields are read, its text kept
                meta_lines.add(i)
            for k, v in found.items():
                if not v and i + 1 < len(lines) and k == list(found)[-1]:
                    # 信息来源: with its value on the next line
                    nxt = lines[i + 1].stripped
                    if nxt and len(nxt) <= 30 and not read_meta(nxt):
                        v = nxt
                        meta_lines.add(i + 1)
                if v:
                    meta.setdefault(k, v)

    body_start = _find_body_start(lines)
    header = [(i, ln) for i, ln in enumerate(lines[:body_start]) if i not in meta_lines]
    info = _read_header(header, meta)
    if info.fields["issuer"] is None:
        _issuer_from_first_lines(lines[body_start : body_start + 3], info)

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
    opening = part_of_title(info.fields["plan_title"])
    if opening == "summary":
        structure.parts[doc_id] = "summary"
    _read_body(lines[body_start:], text, doc_id, structure)
    if not structure.points:
        from_preamble = body_start >= len(lines)
        _paragraph_fallback(lines[body_start:] if not from_preamble else info.preamble, text, doc_id, structure)
        if from_preamble and structure.points:
            structure.preamble = ""  # its paragraphs are the points now
    titles = [t for t in (structure.document.title, structure.document.plan_title) if t]
    fallback = any("no numbered points" in w for w in structure.warnings)
    if not any(part_of_title(t) == "plan" for t in titles) and (fallback or titles):
        # a headline or notice that issues no plan, or unnumbered text: a report of what was done
        for unit in (doc_id, *(s.id for s in structure.sections), *(p.id for p in structure.points)):
            structure.parts.setdefault(unit, "report")
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


_NOTICE_TITLE = re.compile(r"关于.{2,80}?(?:通知|意见|决定|函|通报|报告|方案|要点|计划)》?")
_PLAN_TITLE = re.compile(r"(?:要点|计划|总结|安排|方案|任务|规划)》?$")
# a bracketed source before a byline: [ 某市教育局微信公众号 ] 作者:
_SOURCE_LINE = re.compile(r"^[\[【]\s*([^\]】]{2,30}?)\s*[\]】]")
# weakest last: a field naming the issuing body, a notice title, a signature,
# the plan's title, the publishing body, a source field, a bare field value
ISSUER_SOURCES = ("field", "notice", "signature", "title", "publisher", "source", "value")


def _read_header(header: list[tuple[int, _Line]], meta: dict[str, str]) -> _HeaderInfo:
    title = meta.get("标题") or meta.get("名称")
    doc_number = parse_doc_number(meta.get("发文字号", "") or meta.get("文号", "") or meta.get("备注/文号", ""))
    issued = parse_date(meta.get("成文日期", "") or meta.get("发文日期", "") or meta.get("公文生成日期", ""))
    published = next(
        (d for k in ("发布日期", "发布时间", "公开日期", "更新时间", "时间") if (d := parse_date(meta.get(k, "")))),
        None,
    )
    content = _split_run_on_title([ln for _, ln in header if ln.stripped])
    findings: dict[str, list[IssuerFinding]] = {}

    def found(source: str, names: list[str], kind: str = "Agency") -> None:
        if names:
            findings.setdefault(source, []).append(IssuerFinding(tuple(names), source, kind))

    for key in ("发文机关", "发文单位"):
        found("field", split_bodies(meta.get(key, "")))
    for source, keys in (("publisher", ("发布机构", "发布单位")), ("source", ("来源", "信息来源", "录入"))):
        for key in keys:
            body = source_body(meta.get(key, ""))
            found(source, [body] if body else [])

    addressees: tuple[str, ...] = ()
    signature_at = addressee_at = -1
    for k, line in enumerate(content):
        s = line.stripped
        notice = _NOTICE_TITLE.search(s)
        if notice and len(s) <= 120 and not _SENTENCE_END.search(s[: notice.start()]):
            title = title or _join_broken_title(content, k)
            found("notice", *bodies_in_title(s))
        if doc_number is None and len(s) <= 40:
            doc_number = parse_doc_number(s)
        if not addressees and re.search(r"[:：]$", s) and len(s) <= 120 and not _META_KEY_RE.search(s):
            addressees = split_addressees(s)
            addressee_at = k
        if k > 0 and is_date_line(s):
            names = _names_above(content, k)
            if names:
                found("signature", names)
                issued = issued or parse_date(s)
                signature_at = k
        if signature_at < 0 and len(s) > 16 and (inline := _inline_signature(s)):
            found("signature", inline[0])
            issued = issued or parse_date(inline[1])
        bracket = _SOURCE_LINE.search(s)
        if bracket and (body := source_body(bracket.group(1))):
            found("source", [body])
    # a bare field value: a line that is only one body's name, among the metadata above the letter
    for k, line in enumerate(content[: addressee_at if addressee_at >= 0 else len(content)]):
        bodies = split_bodies(line.stripped)
        if len(bodies) == 1 and len(line.stripped) <= 20 and not (0 <= signature_at - k <= 2):
            found("value", bodies)

    # After the signature: the plan's own title, then its opening paragraph(s).
    if signature_at >= 0:
        rest = content[signature_at + 1 :]
    else:  # no cover letter: the first short line is the title, the rest preamble
        rest = [ln for ln in content if len(ln.text) > _META_LINE_MAX or not _META_KEY_RE.search(ln.text)]
    plan_title = None
    names_above: list[str] = []
    preamble: list[_Line] = []
    for line in rest:
        s = line.stripped
        if len(s) <= 60 and (bodies := split_bodies(s)):
            names_above = bodies  # 中共某省委高校工委 某省教育厅 above 2020年工作要点
            continue
        if _is_title_line(s):
            named, kind = bodies_in_title(s)
            if not named and names_above and _PLAN_TITLE.search(s):
                named, kind = names_above, "Agency"
            found("title", named, kind)
            names_above = []
            if plan_title is None:
                plan_title = s
                continue
        preamble.append(line)
    title = title or plan_title
    chosen = choose_issuer([f for source in ISSUER_SOURCES for f in findings.get(source, [])])
    # The cover letter (现将《…》印发给你们…) between addressees and signature.
    cover = content[addressee_at + 1 : signature_at - 1] if 0 <= addressee_at < signature_at - 1 else []
    return _HeaderInfo(
        fields={
            "title": title,
            "issuer": chosen.names[0] if chosen else None,
            "issuers": chosen.names if chosen else (),
            "issuer_forms": chosen.forms if chosen else (),
            "issuer_source": chosen.source if chosen else None,
            "issuer_type": chosen.type if chosen else "Agency",
            "doc_number": doc_number,
            "issued_date": issued,
            "published_date": published,
            "plan_title": plan_title,
            "addressees": addressees,
        },
        preamble=preamble,
        cover=cover,
    )


def _is_title_line(s: str) -> bool:
    """A short line that can be a title: words, no sentence, no date, number, field, link or contact."""
    return (
        len(s) <= 60
        and len(re.findall(r"[\u4e00-\u9fff]", s)) >= 4
        and not _SENTENCE_END.search(s)
        and not parse_doc_number(s)
        and not is_date_line(s)
        and not _META_KEY_RE.search(s)
        and not re.search(r"联系人|电话|https?:|www\.|\.(?:jpg|png|xls|doc|pdf)|记者|通讯员|本报讯|编辑|主编", s)
        and not (s[0] in "(（" and s[-1] in ")）")
        and s[-1] not in ":："
    )


_INLINE_SIGNATURE = re.compile(
    r"(?:^|[。！；])[ \t\u3000]*([\u4e00-\u9fff()（）]{3,30}?)[ \t\u3000]+"
    r"((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
)


def _inline_signature(s: str) -> tuple[list[str], str] | None:
    """A signature a page ran into the text: …请遵照执行。 某市教育局 2020年1月8日…."""
    for m in _INLINE_SIGNATURE.finditer(s):
        bodies = split_bodies(m.group(1))
        if bodies:
            return bodies, m.group(2)
    return None


def _issuer_from_first_lines(lines: list[_Line], info: _HeaderInfo) -> None:
    """A page that numbered its notice as the first point (1、某市教育局关于印发…的通知…某市教育局 2020年1月8日)."""
    for line in lines:
        s = line.stripped
        notice = _NOTICE_TITLE.search(s)
        named, kind = bodies_in_title(s) if notice else ([], "Agency")
        source = "notice"
        if not named and (inline := _inline_signature(s)):
            named, kind, source = inline[0], "Agency", "signature"
        if named:
            info.fields.update(
                issuer=named[0], issuers=tuple(named), issuer_source=source, issuer_type=kind, issuer_forms=()
            )
            return


def _names_above(content: list[_Line], k: int) -> list[str]:
    """The one or two lines of names right above line k (a signature block)."""
    names: list[str] = []
    for above in content[max(0, k - 2) : k][::-1]:
        bodies = split_bodies(above.stripped)
        if not bodies:
            break
        names[:0] = bodies
    return names


def _join_broken_title(content: list[_Line], k: int) -> str:
    """A notice title a page broke over lines (关于印发《某区教育体育 / 工作要点》的通知)."""
    s = content[k].stripped
    if s.count("《") > s.count("》") and k + 1 < len(content):
        return s + content[k + 1].stripped
    return s


def _split_run_on_title(content: list[_Line]) -> list[_Line]:
    """A first line that runs the plan's title into its text is two lines: title, then text."""
    if not content:
        return content
    first = content[0]
    s = first.stripped
    head = title_at_line_start(s)
    if head is None or len(s) - len(head) < 20 or not _SENTENCE_END.search(s[len(head) :]):
        return content
    lead = len(first.text) - len(first.text.lstrip(" \t\u3000"))
    cut = first.start + lead + len(head)
    return [
        _Line(first.start, cut, first.text[: lead + len(head)]),
        _Line(cut, first.end, first.text[lead + len(head) :]),
        *content[1:],
    ]


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
        if point_part:
            out.parts[f"{doc_id}:p{index}"] = point_part
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

    style = _point_style(lines)
    point_part: str | None = None
    part = out.parts.get(doc_id)  # the part the opening belongs to, carried into the body
    for line in lines:
        m1, m2, mp = _SEC1.match(line.text), _SEC2.match(line.text), _POINT.match(line.text)
        heading = line.stripped
        part_title = not (m1 or m2 or mp) and _is_title_line(heading) and _YEAR_IN_TITLE.search(heading)
        if part_title and (opens := part_of_title(heading)):
            # 2023年工作要点 after a 2022年工作总结: the points from here on are of a new part
            part = opens if opens != "plan" else None
        if style == "sec2":  # no 1. 2. …: the （一）（二） items are the points
            mp, m2 = m2, None
        elif style == "sec1":  # only 一、二、: those are the points
            mp, m1, m2 = m1, None, None
        if mp:
            number = (
                int(mp.group(1).translate(_FULLWIDTH_DIGITS))
                if style == "arabic"
                else cn_small_number(mp.group(1)) or 0
            )
            # Sequence guards against a stray "3、" inside a point's text; a
            # new section may restart numbering at 1.
            if number in (last_number + 1, 1):
                close_point()
                close_section_text()
                holder = current_l2 or current_l1
                section = holder.id if holder is not None else None
                open_point = (line.start + mp.end(), number, section)
                point_part = part
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
            if level == 1 and _PART_HEADING.search(title):
                # 一、2023年工作总结 … 二、2024年工作要点: a top heading that names a part opens it
                opens = part_of_title(title)
                part = opens if opens != "plan" else None
            if part:
                out.parts[sec.id] = part
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


def _point_style(lines: list[_Line]) -> str:
    """Which numbering makes the points: 1. 2. …, else （一）（二）…, else 一、二、….

    Plans number their points in Arabic figures under sections; a plan
    without them still has numbered items, one level up.
    """
    if any((m := _POINT.match(ln.text)) and int(m.group(1).translate(_FULLWIDTH_DIGITS)) == 1 for ln in lines):
        return "arabic"
    if any((m := _SEC2.match(ln.text)) and cn_small_number(m.group(1)) == 1 for ln in lines):
        return "sec2"
    if sum(1 for ln in lines if _SEC1.match(ln.text)) >= 2:
        return "sec1"
    return "arabic"


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
