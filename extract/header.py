"""Who issued a plan, read from the many shapes real headers take.

The issuer is the subject of every imperative point, so most IMPLEMENTS and
ORGANIZES relations hang on it. Published texts name it in one of several
places, and this module reads each as a rule of its kind, strongest first:

1. a portal's issuing-body field (``发文机关:``, ``发文单位:``);
2. a notice title ``X关于印发…的通知`` (X may be two bodies: 中共X市委教育工委X市教育局);
3. a signature block: one or two names right above a date in any form
   (2024年3月27日, 2024-03-27, a page's squashed 2022218);
4. the plan's own title ``X2024年工作要点``, or a line of names above it;
5. the portal's publishing and source fields (``发布机构``, ``来源``,
   ``信息来源``, ``录入``, ``[ X微信公众号 ]``), an office standing for its bureau;
6. a bare field value (a line that is only a body's name among metadata);
7. in news and reports, the education authority the text itself names.

What is found is the issuer as written (市教育局, 省委教育工委); qualifying a
short form with the document's place is `extract.local`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "O": 0,
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


FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

_DATE = re.compile(
    r"(\d{4}|[〇零○Ｏ一二三四五六七八九]{4})\s*[年\-/.．]\s*"
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[月\-/.．]\s*"
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日?"
)
# a page that dropped the date's separators: 2022218, 20230120
_SQUASHED_DATE = re.compile(r"^\s*((?:19|20)\d{2})(\d{3,4})\s*$")


def _valid(year: int, month: int, day: int) -> str | None:
    if 1949 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def parse_date(text: str) -> str | None:
    """Find the first date in a string and return it as ISO 8601.

    >>> parse_date("2024年02月28日"), parse_date("发布时间:2024-04-26 10:55")
    ('2024-02-28', '2024-04-26')
    >>> parse_date("二〇二四年三月二十日")
    '2024-03-20'
    >>> parse_date("2022218"), parse_date("20230120")
    ('2022-02-18', '2023-01-20')
    """
    text = text.translate(FULLWIDTH_DIGITS)
    m = _DATE.search(text)
    if m:
        parts = []
        for group in m.groups():
            value = int(group) if group.isdigit() else cn_small_number(group)
            if value is None:
                return None
            parts.append(value)
        return _valid(*parts)
    sq = _SQUASHED_DATE.match(text)
    if sq:
        year, rest = int(sq.group(1)), sq.group(2)
        # 2022218: 2-18 (21-8 is no month); 2023111 stays ambiguous and reads 1-11
        splits = (
            [(rest[:2], rest[2:]), (rest[:1], rest[1:])]
            if len(rest) == 4
            else [(rest[:1], rest[1:]), (rest[:2], rest[2:])]
        )
        for month, day in splits:
            found = _valid(year, int(month), int(day)) if day else None
            if found:
                return found
    return None


def is_date_line(text: str) -> bool:
    """A line that is a date and little else (a signature's date).

    >>> is_date_line("2023年1月20日"), is_date_line(" 2022218 "), is_date_line("2024年是关键之年")
    (True, True, False)
    """
    s = text.strip(" \t\u3000")
    return len(s) <= 16 and parse_date(s) is not None


_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,10})\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d{1,4})\s*号")


def parse_doc_number(text: str) -> str | None:
    """Find a 发文字号 and write it with the standard 〔〕 brackets.

    >>> parse_doc_number("发文字号: 白教字[2024]1号")
    '白教字〔2024〕1号'
    >>> parse_doc_number("诸教体〔2024〕12 号") is not None
    True
    """
    m = _DOC_NUMBER.search(text.translate(FULLWIDTH_DIGITS))
    if not m:
        return None
    prefix = m.group(1)
    # "发文字号白教字" when the colon is missing: keep only the issuing prefix
    prefix = re.sub(r"^.*?(?:字号|文号)", "", prefix) or prefix
    return f"{prefix}〔{m.group(2)}〕{m.group(3)}号"


# Portal fields: key → what it tells. Keys are matched with any spaces inside
# (名  称) and before a colon; several may share a line.
META_KEYS = {
    "发文机关": "issuer",
    "发文单位": "issuer",
    "发布机构": "publisher",
    "发布单位": "publisher",
    "信息来源": "source",
    "来源": "source",
    "录入": "source",
    "成文日期": "issued_date",
    "发文日期": "issued_date",
    "公文生成日期": "issued_date",
    "发文字号": "doc_number",
    "备注/文号": "doc_number",
    "文号": "doc_number",
    "标题": "title",
    "名称": "title",
    "发布日期": "published_date",
    "发布时间": "published_date",
    "公开日期": "published_date",
    "更新时间": "published_date",
    "时间": "published_date",
    "索引号": None,
    "分类": None,
    "主题分类": None,
    "浏览次数": None,
    "浏览量": None,
    "点击数": None,
    "点击": None,
    "有效性": None,
    "作者": None,
    "编辑": None,
    "责任编辑": None,
    "字体": None,
}
META_KEY_RE = re.compile(
    "(" + "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(META_KEYS, key=len, reverse=True)) + r")\s*[:：]"
)


def read_meta(line: str) -> dict[str, str]:
    """Key: value pairs, several to a line as scraped portals print them.

    >>> read_meta("来源:厦门市教育局办公室 时间:2021-03-10 16:56")
    {'来源': '厦门市教育局办公室', '时间': '2021-03-10 16:56'}
    >>> read_meta("作者:xiaoban来源:四十中学更新时间:2018-03-14")["来源"]
    '四十中学'
    >>> read_meta("[ 某市教育局微信公众号 ] 作者:")
    {'来源': '某市教育局微信公众号', '作者': ''}
    """
    found = list(META_KEY_RE.finditer(line))
    if not found:
        return {}
    lead = line[: found[0].start()].strip(" \t\u3000•·")
    bracket = _SOURCE_BRACKET.fullmatch(lead)
    if lead and not bracket:
        return {}
    out: dict[str, str] = {"来源": bracket.group(1)} if bracket else {}
    for i, m in enumerate(found):
        key = re.sub(r"\s+", "", m.group(1))
        end = found[i + 1].start() if i + 1 < len(found) else len(line)
        out.setdefault(key, line[m.end() : end].strip(" \t\u3000;；|"))
    return out


# A page's source shown in brackets before the byline: [ 某市教育局微信公众号 ] 作者:
_SOURCE_BRACKET = re.compile(r"[\[【]\s*([^\]】]{2,30}?)\s*[\]】]")

# The words a body's name ends with. Longest first, so 教育工委 wins over 委.
AGENCY_ENDS = (
    "教育和体育局",
    "教育体育局",
    "教育文体局",
    "教育工作委员会",
    "教育工作领导小组",
    "教育工委",
    "高校工委",
    "人民政府",
    "委员会",
    "教育局",
    "教体局",
    "教育厅",
    "教委",
    "党委",
    "党组",
    "工委",
    "政府",
    "办公室",
    "领导小组",
    "总工会",
    "局",
    "厅",
    "委",
    "部",
    "署",
    "办",
)
_AGENCY_END = re.compile("(?:" + "|".join(AGENCY_ENDS) + ")$")
# an education authority: the body a news report or a bare header most likely means
AUTHORITY_ENDS = ("教育和体育局", "教育体育局", "教育文体局", "教育局", "教体局", "教育厅", "教委", "教育委员会")
INSTITUTION_ENDS = ("学校", "小学", "中学", "大学", "学院", "幼儿园", "职业中学", "职中", "职高", "中心校", "分校")
_INSTITUTION_END = re.compile("(?:" + "|".join(INSTITUTION_ENDS) + ")$")
# words no body's name holds: they belong to the title or the sentence around it
_NOT_IN_NAME = re.compile(r"关于|印发|通知|要点|计划|工作|召开|举行|开展|年|[，,。；;：:！？“”《》]")
# where a second body's name may begin, right after a first one ends
# (a place-like run ends in a level character within a few characters, and holds no body word)
_NAME_START = re.compile(r"^(?:中共|共青团|国家|教育部|[^委局厅部办处室]{0,6}?(?:省|市|县|区|州|盟|旗))")
LEVEL_CHARS = "省市县区州旗"


def is_body_name(name: str, *, institution: bool = False) -> bool:
    """Could this string be one body's name (an agency, or a school for a school's plan)?

    >>> is_body_name("省委教育工委"), is_body_name("市教育局"), is_body_name("关于印发")
    (True, True, False)
    >>> is_body_name("山东省实验小学", institution=True), is_body_name("2024年度工作")
    (True, False)
    """
    if not 2 <= len(name) <= 30 or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z()（）]+", name):
        return False
    if _NOT_IN_NAME.search(_strip_parens(name)):
        return False
    if institution and _INSTITUTION_END.search(name):
        return True
    return (bool(_AGENCY_END.search(name)) and len(name) >= 3) or name in ("市委", "省委", "县委", "区委", "州委")


def _strip_parens(name: str) -> str:
    return re.sub(r"[(（][^()（）]*[)）]", "", name)


def split_bodies(text: str, *, institution: bool = False) -> list[str]:
    """Names of one or more bodies written together, with or without separators.

    >>> split_bodies("中共厦门市委教育工委厦门市教育局")
    ['中共厦门市委教育工委', '厦门市教育局']
    >>> split_bodies("省委教育工委省教育厅"), split_bodies("中共西安市教育局委员会  西安市教育局")
    (['省委教育工委', '省教育厅'], ['中共西安市教育局委员会', '西安市教育局'])
    >>> split_bodies("内蒙古自治区党委高校工委、内蒙古自治区教育厅")
    ['内蒙古自治区党委高校工委', '内蒙古自治区教育厅']
    >>> split_bodies("市委市政府"), split_bodies("厦门市教育局办公室"), split_bodies("某市教育和体育局")
    (['市委', '市政府'], ['厦门市教育局办公室'], ['某市教育和体育局'])
    """
    out: list[str] = []
    for piece in re.split(r"[\s\u3000、,，]+", text.strip()):
        if not piece:
            continue
        parts = _split_adjacent(piece, institution)
        if parts is None:
            # 某局和某局: 和 joins two bodies only where it does not sit inside one (教育和体育局)
            halves = [_split_adjacent(h, institution) for h in re.split(r"[和与及]", piece)]
            if len(halves) < 2 or any(h is None for h in halves):
                return []
            parts = [name for h in halves for name in h or ()]
        out.extend(parts)
    return out


def _split_adjacent(piece: str, institution: bool) -> list[str] | None:
    """One piece as one name or as names written back to back; None when it is no body."""
    # try the longest first part that leaves a remainder made of names
    for i in range(len(piece) - 2, 1, -1):
        head, rest = piece[:i], piece[i:]
        if _NAME_START.match(rest) and is_body_name(head) and not head.endswith(("中共", "自治")):
            tail = _split_adjacent(rest, institution)
            if tail is not None:
                return [head, *tail]
    return [piece] if is_body_name(piece, institution=institution) else None


_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?|[〇零○一二三四五六七八九]{4}年度?")
_PLAN_WORDS = ("工作要点", "要点", "工作计划", "计划", "工作总结", "工作安排", "安排", "实施方案", "方案", "任务")
_TITLE_JUNK = re.compile(
    r"^(?:\s*\d{1,3}\s*[、.．]\s*)?(?:[\u4e00-\u9fff]{1,8}[〔\[［(（]?\s*(?:19|20)\d{2}\s*[〕\]］)）]?\s*\d{1,4}\s*号)?"
)


def bodies_in_title(title: str) -> tuple[list[str], str]:
    """The bodies a title names as its author, and their type.

    A notice ``X关于印发…的通知`` is X's; a plan ``X2024年工作要点`` is X's;
    a school's plan names the school. Titles that only name the year and
    scope (``2024年全区教育工作要点``) name no body.

    >>> bodies_in_title("中共厦门市委教育工委厦门市教育局关于印发2021年教育工作要点的通知")
    (['中共厦门市委教育工委', '厦门市教育局'], 'Agency')
    >>> bodies_in_title("区教育体育局2024年教育工作要点")
    (['区教育体育局'], 'Agency')
    >>> bodies_in_title("山东省实验小学2024年度工作计划")
    (['山东省实验小学'], 'Institution')
    >>> bodies_in_title("关于印发《2022年全市教育工作要点》的通知")
    ([], 'Agency')
    >>> bodies_in_title("1、滨教函202011号滨州市教育局关于印发某方案的通知")
    (['滨州市教育局'], 'Agency')
    """
    t = _TITLE_JUNK.sub("", title.strip(' \t\u3000《》“”"')).strip()
    head = ""
    if "关于" in t[:40]:
        head = t[: t.index("关于")]
    else:
        m = _YEAR.search(t)
        if m and m.start() > 0 and any(w in t[m.end() : m.end() + 24] for w in _PLAN_WORDS):
            head = t[: m.start()]
    head = head.strip(' \t\u3000《》“”"·—-')
    if not head:
        return [], "Agency"
    found = split_bodies(head)
    if found:
        return found, "Agency"
    found = split_bodies(head, institution=True)
    if len(found) == 1 and _INSTITUTION_END.search(found[0]):
        return found, "Institution"
    return [], "Agency"


def title_at_line_start(line: str) -> str | None:
    """A plan title that opens a longer line (a page that ran title and text together).

    >>> title_at_line_start("区教育体育局2024年教育工作要点2024年全区教育工作的总体思路是:坚持…")
    '区教育体育局2024年教育工作要点'
    >>> title_at_line_start("2024年是关键之年") is None
    True
    """
    m = re.match(
        r"^[\s\u3000]*([^。，,；;：:]{0,30}?(?:19|20)\d{2}\s*年度?[^。，,；;：:]{0,24}?(?:"
        + "|".join(_PLAN_WORDS)
        + "))",
        line,
    )
    return m.group(1).strip() if m else None


def office_parent(name: str) -> str:
    """An office named for its bureau stands for the bureau: 某市教育局办公室 → 某市教育局.

    >>> office_parent("厦门市教育局办公室"), office_parent("教育局办公室"), office_parent("政治工作科")
    ('厦门市教育局', '教育局办公室', '政治工作科')
    """
    m = re.match(r"^(.{3,}?(?:" + "|".join(AUTHORITY_ENDS) + "))(?:办公室|[\u4e00-\u9fff]{1,6}[处科室股])$", name)
    return m.group(1) if m and is_body_name(m.group(1)) and m.group(1)[0] not in "教" else name


_MEDIA_TAIL = re.compile(r"(?:门户网站|官方网站|官网|网站|微信公众号|公众号|微博|发布)$")


def source_body(value: str) -> str | None:
    """The body a source field names, if it names one (not a newspaper, a person or a site).

    >>> source_body("内蒙古自治区教育厅网站 内蒙古教育发布"), source_body("新乡市教育局微信公众号")
    ('内蒙古自治区教育厅', '新乡市教育局')
    >>> source_body("四十中学") is None, source_body("教育局办公室")
    (True, '教育局办公室')
    """
    first = re.split(r"[\s\u3000|｜]+", value.strip())[0] if value.strip() else ""
    first = _MEDIA_TAIL.sub("", first)
    name = office_parent(first)
    return name if is_body_name(name) else None


@dataclass(frozen=True)
class IssuerFinding:
    """The issuer as the header writes it, and where it was read (shown to users, so they can judge it)."""

    names: tuple[str, ...]  # first = the issuer; more for joint issuers
    source: str  # field | notice | signature | title | publisher | source | value | body | inferred
    type: str = "Agency"
    forms: tuple[str, ...] = ()  # other written forms of the first name (省教育厅 beside 贵州省教育厅)


def find_body_authority(text: str, place_before: Callable[[str, int], int] | None = None) -> str | None:
    """The education authority a report names, as written: 县教育局, 陇县教体局, 泉州市教育局.

    The left edge is a place name ending right before the bureau word
    (found by `place_before`, the gazetteer's), else a single level
    character; a bare 教育局 with neither is not taken.

    >>> find_body_authority("该县教育局局长指出，要加强管理。")
    '县教育局'
    >>> find_body_authority("会议由教育局主持。") is None
    True
    """
    best: tuple[int, int, str] | None = None  # (-count, first position, name)
    counts: dict[str, list[int]] = {}
    for m in re.finditer("|".join(AUTHORITY_ENDS), text):
        start = m.start()
        n = place_before(text, start) if place_before else 0
        if n:
            name = text[start - n : m.end()]
        elif start > 0 and text[start - 1] in LEVEL_CHARS:
            name = text[start - 1 : m.end()]
        else:
            continue
        counts.setdefault(name, []).append(start)
    for name, positions in counts.items():
        rank = (-len(positions), positions[0], name)
        if best is None or rank < best:
            best = rank
    return best[2] if best else None


def choose_issuer(findings: Sequence[IssuerFinding]) -> IssuerFinding | None:
    """The strongest finding, with the names of weaker findings for the same body folded in.

    A signature's 贵州省教育厅 and a title's 省教育厅 are one body: the longer
    form names it and the shorter stays a written form (an alias).

    >>> f = choose_issuer([IssuerFinding(("省教育厅",), "notice"), IssuerFinding(("贵州省教育厅",), "signature")])
    >>> f.names, f.source, f.forms
    (('贵州省教育厅',), 'notice', ('省教育厅',))
    """
    if not findings:
        return None
    best = findings[0]
    first, forms = best.names[0], list(best.forms)
    for other in findings[1:]:
        if other.type != best.type:
            continue
        for name in (*other.names, *other.forms):
            if name != first and (name.endswith(first) or first.endswith(name)):
                if len(name) > len(first):
                    forms.append(first)
                    first = name
                else:
                    forms.append(name)
    forms = [f for f in dict.fromkeys(forms) if f != first]
    return IssuerFinding((first, *best.names[1:]), best.source, best.type, tuple(forms))
