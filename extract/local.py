"""A document's place, and the local names that only mean something with it.

Plans call their own bodies generically: 市委, 市政府, 市教育局, 省教育厅,
区委教育工作领导小组. In a graph of many plans these must never merge across
places (白城's 市委 is not 宁波's), so each is named with the place the
document gives (宁波市委, the written 市委 kept as an alias), and stays
document-local when the text gives none. The document's place comes from
its issuer's name, else from the scope it speaks for (全市, 我省) and the
places it names. When no issuer is written at all, a report still names the
education authority it is about (县教育局, 陇县教体局); failing that the
issuer is inferred from the scope and place and marked as inferred.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extract.header import AUTHORITY_ENDS, LEVEL_CHARS, IssuerFinding, find_body_authority
from extract.lexicon import Lexicon

# 省 is written with the province's one-character name in document numbers: 黔教发〔2022〕2号
PROVINCE_ABBREVIATIONS = {
    "京": "北京市",
    "津": "天津市",
    "沪": "上海市",
    "渝": "重庆市",
    "冀": "河北省",
    "晋": "山西省",
    "辽": "辽宁省",
    "吉": "吉林省",
    "黑": "黑龙江省",
    "苏": "江苏省",
    "浙": "浙江省",
    "皖": "安徽省",
    "闽": "福建省",
    "赣": "江西省",
    "鲁": "山东省",
    "豫": "河南省",
    "鄂": "湖北省",
    "湘": "湖南省",
    "粤": "广东省",
    "琼": "海南省",
    "川": "四川省",
    "黔": "贵州省",
    "滇": "云南省",
    "云": "云南省",
    "陕": "陕西省",
    "甘": "甘肃省",
    "青": "青海省",
    "蒙": "内蒙古自治区",
    "桂": "广西壮族自治区",
    "藏": "西藏自治区",
    "宁": "宁夏回族自治区",
    "新": "新疆维吾尔自治区",
}
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# a level character that starts an ordinary word, not a body's name: 区域, 市场, 省级
_NOT_LEVEL = frozenset(
    [
        "区域",
        "市场",
        "市级",
        "省级",
        "县级",
        "区级",
        "州级",
        "县域",
        "市域",
        "省域",
        "市民",
        "县城",
        "市区",
        "城区",
        "省内",
        "市内",
        "县内",
        "区内",
        "省外",
        "市外",
        "区块",
        "县区",
    ]
)
_GENERIC_BODY = re.compile(r"^(中共)?(自治区|自治州|省|市|县|区|州|旗)([^(（、].*)$")
_SCOPE = re.compile(r"(?:全|我|本)(省|市|县|区|州|旗)")


@dataclass(frozen=True)
class Locale:
    """Where a document speaks from: its place and the places above it."""

    place: str | None = None
    chain: tuple[str, ...] = ()  # the place, its prefecture, its province
    level: str | None = None  # the level its scope words name: 省 市 县 区 州


def _level_of(place: str) -> str:
    """The character a generic name uses for this place's level: 宁波市 → 市, 内蒙古自治区 → 自治区."""
    for suffix in ("自治区", "自治州", "省", "市", "县", "区", "州", "旗", "盟"):
        if place.endswith(suffix):
            return suffix
    return ""


def _matches(place: str, level: str, lexicon: Lexicon) -> bool:
    own = _level_of(place)
    if level == "省":
        return lexicon.place_levels.get(place) == "province"
    if level == "州":
        return own in ("州", "自治州")
    if level == "区":
        return own in ("区",) and lexicon.place_levels.get(place) != "province"
    return own == level


def chain_of(place: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The place and those above it in the gazetteer.

    >>> from extract.lexicon import load_lexicon
    >>> chain_of("慈溪市", load_lexicon())
    ('慈溪市', '宁波市', '浙江省')
    """
    out = [place]
    while len(out) < 4 and (parent := lexicon.place_parents.get(out[-1])) and parent not in out:
        out.append(parent)
    return tuple(out)


def scope_level(text: str) -> str | None:
    """The level a text speaks for: the most frequent of 全市/我市/本市, 全省 …

    Scope words inside a formula (全国、全省教育大会精神) count less than
    the text's own (全市教育系统).

    >>> scope_level("全市教育系统要贯彻全国、全省教育大会精神，推动全市教育发展。")
    '市'
    """
    counts: Counter[str] = Counter()
    for m in _SCOPE.finditer(text):
        if text.startswith("教育大会", m.end()) or text[m.end() : m.end() + 1] in "、和":
            continue
        counts[m.group(1)] += 1
    return counts.most_common(1)[0][0] if counts else None


def find_locale(text: str, *, issuers: tuple[str, ...], doc_number: str | None, lexicon: Lexicon) -> Locale:
    """The document's place: from its issuer's name, else its document number and scope and the places it names."""
    for name in issuers:
        body = name.removeprefix("中共")
        n = lexicon.place_at(body, 0)
        if n:
            entry = lexicon.places[body[:n]]
            return Locale(entry.name, chain_of(entry.name, lexicon), _level_of(entry.name))
    first = issuers[0].removeprefix("中共") if issuers else ""
    level = first[:3] if first.startswith(("自治区", "自治州")) else (first[:1] if first[:1] in LEVEL_CHARS else None)
    level = level or scope_level(text)
    if level is None:
        return Locale()
    if level == "省" and doc_number and doc_number[0] in PROVINCE_ABBREVIATIONS:
        province = PROVINCE_ABBREVIATIONS[doc_number[0]]
        return Locale(province, chain_of(province, lexicon), level)
    place = _place_at_level(text, level, lexicon)
    return Locale(place, chain_of(place, lexicon) if place else (), level)


def _place_at_level(text: str, level: str, lexicon: Lexicon) -> str | None:
    """The place of that level the text names most; else the one ≥ 2 named places share as parent."""
    named: Counter[str] = Counter()
    first_at: dict[str, int] = {}
    for start, _end, entry in lexicon.find(text):
        if entry.label == "Place" and lexicon.place_levels.get(entry.name) != "region":
            named[entry.name] += 1
            first_at.setdefault(entry.name, start)

    def best(places: list[str]) -> str | None:
        return min(places, key=lambda p: (-named[p], first_at[p])) if places else None

    levels = lexicon.place_levels
    wanted = [p for p in named if _matches(p, level, lexicon)]
    upper = best([p for p in wanted if levels.get(p) in ("province", "prefecture")])
    if upper:
        return upper
    parents = Counter(lexicon.place_parents.get(p) for p in named if lexicon.place_parents.get(p))
    shared = [p for p, n in parents.items() if p and n >= 2 and _matches(p, level, lexicon)]
    if shared:
        return max(shared, key=lambda p: parents[p])
    return best(wanted)


def qualify(name: str, locale: Locale, doc_id: str) -> str:
    """A generic local body named with the document's place; document-local without one.

    >>> loc = Locale("慈溪市", ("慈溪市", "宁波市", "浙江省"), "市")
    >>> qualify("市委", loc, "d-1"), qualify("省教育厅", loc, "d-1"), qualify("中共市委教育工委", loc, "d-1")
    ('慈溪市委', '浙江省教育厅', '中共慈溪市委教育工委')
    >>> qualify("区委", loc, "d-1"), qualify("区域教育中心", loc, "d-1"), qualify("宁波市委", loc, "d-1")
    ('区委@d-1', '区域教育中心', '宁波市委')
    """
    m = _GENERIC_BODY.match(name)
    if not m or name[:2] in _NOT_LEVEL or (m.group(1) and name[2:4] in _NOT_LEVEL):
        return name
    party, level, rest = m.groups()
    for place in locale.chain:
        if _level_of(place) == level or (level == "市" and place in MUNICIPALITIES):
            return f"{party or ''}{place}{rest}"
    return f"{name}@{doc_id}"


def is_generic_local(name: str) -> bool:
    """Is this a body written without its place (市委, 县教育局, 自治区党委)?

    >>> is_generic_local("市委"), is_generic_local("白城市委"), is_generic_local("市场监管")
    (True, False, False)
    """
    m = _GENERIC_BODY.match(name)
    if m is None or "@" in name:
        return False
    return name[:2] not in _NOT_LEVEL and not (m.group(1) and name[2:4] in _NOT_LEVEL)


def issuer_from_body(text: str, lexicon: Lexicon) -> IssuerFinding | None:
    """A report's issuer: the education authority it names (县教育局, 陇县教体局)."""
    ends: dict[int, int] = {}
    for start, end, entry in lexicon.find(text):
        if entry.label == "Place":
            ends[end] = max(ends.get(end, 0), end - start)
    name = find_body_authority(text, lambda _t, pos: ends.get(pos, 0))
    return IssuerFinding((name,), "body") if name else None


def infer_issuer(text: str, title: str | None, locale: Locale) -> IssuerFinding | None:
    """The education authority of the document's scope and place, when no text names it.

    A 全市 plan of 大连 is 大连市教育局's; a 全省 plan is the 教育厅's; a plan
    of 教育和体育 work is the 教育和体育局's. Marked ``inferred``: it is not
    written in the text.
    """
    level = locale.level
    if level is None:
        return None
    words = f"{title or ''}{text[:400]}"
    if level in ("省", "自治区"):
        bureau = "教育委员会" if locale.place in MUNICIPALITIES else "教育厅"
    else:
        bureau = next(
            (
                b
                for w, b in (("教育和体育", "教育和体育局"), ("教育体育", "教育体育局"), ("教体", "教体局"))
                if w in words
            ),
            "教育局",
        )
    assert bureau in AUTHORITY_ENDS
    place = locale.place if locale.place and _matches_level(locale.place, level) else None
    return IssuerFinding((f"{place}{bureau}" if place else f"{level}{bureau}",), "inferred")


def _matches_level(place: str, level: str) -> bool:
    own = _level_of(place)
    return own == level or (level == "省" and own in ("省", "自治区")) or (level == "市" and place in MUNICIPALITIES)
