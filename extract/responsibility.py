"""Responsibility tags: the units a plan puts in charge of each point.

Plans end a point with the offices in charge, in brackets or on a line of
their own: (责任科室：A、B), (牵头处室：A，责任处室：B、C), (牵头单位：A；配合单位：B),
责任处室、单位(按处室、单位顺序排列,下同)：A、B、C(D)。 What makes a tag is its
shape — a key (责任/牵头/配合… + 处室/科室/单位/部门 …) and a colon, at a
bracket, a line start or a clause end — not the names of any bureau's
offices, so the rules carry over to plans of other issuers.

Tags are read here, before the entity rules: their text is blanked in what
spaCy sees (a list of office names would otherwise become junk names and
牵头 a LEADS trigger), and the units come back as Agency entities and as
``Point.responsible``. The units are the issuer's own offices, so their
names are qualified by the issuer (:func:`qualify_unit`): two bureaus'
办公室 are two nodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, replace

from extract.normalize import clean_surface, normalize_name, simplify_chars
from graph.model import EntityKey, Evidence, Mention, Point, Relation, Responsible

LEAD = "lead"
RESPONSIBLE = "responsible"

_OPEN = "(（【"
_CLOSE = ")）】"


def _spaced(word: str) -> str:
    """A word as a pattern that allows PDF spaces and line breaks between its characters."""
    return r"\s*".join(re.escape(ch) for ch in word)


def _alternatives(words: Iterable[str]) -> str:
    return "(?:" + "|".join(_spaced(w) for w in sorted(words, key=len, reverse=True)) + ")"


# The key: who (责任, 牵头 …) + what kind of unit (处室, 单位 …), more kinds joined
# by 、 (责任处室、单位), an optional note in brackets, then the colon.
_WHO = ("牵头", "责任", "配合", "协办", "协助", "协同", "参与", "主责", "主办", "承办", "负责", "分管", "联系")
_KIND = ("处室", "科室", "股室", "单位", "部门", "领导", "人", "处", "科", "室", "股")
_PERSON_KINDS = ("领导", "人")  # 责任领导, 牵头领导, 责任人: persons, not units
_KEY = re.compile(
    rf"(?:(?P<who>{_alternatives(_WHO)})\s*(?P<kind>{_alternatives(_KIND)})"
    # (牵头：A；配合：B) names no kind; (局领导：…) names persons
    rf"|(?P<bare>{_alternatives(('牵头', '配合', '协办'))})"
    rf"|(?P<person>{_alternatives(('局', '市', '县', '区', '分管', '联系', '包保', '挂钩'))}\s*{_spaced('领导')}))"
    rf"(?:\s*[、/和及与]\s*(?:{_alternatives(_WHO)})?\s*{_alternatives(_KIND)})*"
    r"(?:\s*[(（][^()（）\n:：]{0,24}[)）])?"
    r"\s*[:：]"
)
# where a tag can start without a bracket: a line start or the end of a clause
_BARE_AFTER = "\n。；;！？!?，,"
# a tag cut off inside its key at the very end of an excerpt (…\n责任处)
_CUT_KEY = re.compile(
    rf"(?:^|(?<=[\n。；;，,]))[ \t\u3000]*[(（【]?\s*{_alternatives(_WHO[:3])}[\u4e00-\u9fff、 \t\u3000]{{0,6}}\s*$"
)
_STRUCTURAL = re.compile(
    r"\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[.、．]|\s*[(（][一二三四五六七八九十]{1,3}[)）]"
)
_SEPARATORS = "、，,；;/"
_LIST_END = "。"

# What a unit's name ends with: used where a cut-off tag may have cut its last name.
_UNIT_END = re.compile(r"(?:处|科|室|办|局|委|厅|部|司|中心|组|班|所|站|院|会|股|队|馆|团|联|政府|学区|部门)$")
# Collectives of schools or units (各学校, 各中小学, 直属单位, 局直各单位, 高校附校,
# 二级机构) are no body; collectives of bodies (各县(市、区)教育局, 机关各科室) are.
_COLLECTIVE = re.compile(r"^(?:各|相关|有关|直属|局属|局直|市直|县直|区直|全)|各")
_ADMIN_HEAD = re.compile(r"(?:局|委|委员会|政府|厅|科室|处室|部门|学区|教办|教育办|办公室|街道|乡镇|[县市区旗])$")
_GENERIC_UNIT = re.compile(
    r"(?:[各全本]|相关|有关|直属|局属|局直|市直|县直|区直|二级|下属|所属|其他|高校|中职|民办|公办|职业|农村|城区|乡镇"
    r"|项目|试点|基层|各类|各级|中小)*(?:附校|学校|中小学|幼儿园|高校|院校|中学|小学|单位|机构|校|园)"
)
_SECOND_NAME = re.compile(r"(?P<name>.+?)\((?P<other>[^()、,，]+)\)")


@dataclass(frozen=True, slots=True)
class TaggedUnit:
    """One unit named in a tag; `start`/`end` index the written form in the unit text."""

    written: str
    name: str
    role: str
    start: int
    end: int
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Tag:
    """A responsibility tag: its span in the unit text (what is blanked) and its units.

    `complete` is False when the excerpt cuts the tag off (no closing bracket).
    """

    start: int
    end: int
    units: tuple[TaggedUnit, ...]
    complete: bool = True
    bracketed: bool = False


def find_tags(text: str) -> list[Tag]:
    """Every responsibility tag in a point's (or section's) text, in order.

    >>> [(u.name, u.role) for t in find_tags("加强管理。(牵头单位:市教育局;配合单位:市财政局)") for u in t.units]
    [('市教育局', 'lead'), ('市财政局', 'responsible')]
    >>> [u.name for t in find_tags("落实到位。\\n责任科室:基础\\n教育科、安全科。") for u in t.units]
    ['基础教育科', '安全科']
    >>> find_tags("明确责任单位，压实责任。")
    []
    """
    view = simplify_chars(text)  # one character for one: offsets are the text's
    tags: list[Tag] = []
    pos = 0
    for m in _KEY.finditer(view):
        if m.start() < pos:
            continue  # a key inside a tag already read (…，责任处室：…)
        tag = _tag_at(view, m)
        if tag is not None:
            tags.append(tag)
            pos = tag.end
    cut = _CUT_KEY.search(view, pos)
    if cut is not None and cut.group().strip():
        start = cut.start() + len(cut.group()) - len(cut.group().lstrip())
        tags.append(Tag(start, len(view), (), complete=False))
    return [replace(t, units=tuple(replace(u, written=text[u.start : u.end]) for u in t.units)) for t in tags]


def _tag_at(view: str, key: re.Match[str]) -> Tag | None:
    """The tag whose first key is `key`, or None where the key is prose (明确责任单位：…)."""
    before = view[: key.start()].rstrip(" \t\u3000\n")
    if before.endswith(tuple(_OPEN)):
        start = len(before) - 1
        body_end, end, complete = _bracket_end(view, start)
        return _read_lists(view, start, key.start(), body_end, end, complete, bracketed=True)
    line = view[: key.start()].rstrip(" \t\u3000")
    if not line or line[-1] in _BARE_AFTER:
        body_end, end, complete = _bare_end(view, key.end())
        return _read_lists(view, key.start(), key.start(), body_end, end, complete, bracketed=False)
    return None


def _blank_line_or_heading(view: str, i: int) -> bool:
    """At a line end: does a paragraph or a numbered heading start after it?"""
    rest = view[i + 1 :]
    line = rest.split("\n", 1)[0]
    return not line.strip() or bool(_STRUCTURAL.match(line))


def _bracket_end(view: str, open_at: int) -> tuple[int, int, bool]:
    """(end of the lists, end of the tag, closed?) for a tag opened at `open_at`; inner brackets nest."""
    depth = 0
    for i in range(open_at + 1, len(view)):
        ch = view[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                return i, i + 1, True
            depth -= 1
        elif (ch == _LIST_END and depth == 0) or (ch == "\n" and _blank_line_or_heading(view, i)):
            return i, i, False  # cut off: a sentence end or a new paragraph before the closing bracket
    return len(view), len(view), False


def _bare_end(view: str, i: int) -> tuple[int, int, bool]:
    """(end of the lists, end of the tag, ended by 。?) for a tag with no bracket.

    It ends at 。; a line break inside it is a PDF break when the line ends on
    a separator or the next line is a short tail (装备科。), else the tag ends there.
    """
    depth = 0
    while i < len(view):
        ch = view[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                return i, i, True  # the bracket the tag was written in closes
            depth -= 1
        elif ch == _LIST_END and depth == 0:
            return i, i, True
        elif ch == "\n":
            line = view[i + 1 :].split("\n", 1)[0]
            tail = line.split(_LIST_END, 1)[0].strip()
            continues = view[:i].rstrip().endswith(tuple(_SEPARATORS)) or (
                0 < len(tail) <= 20 and not _STRUCTURAL.match(line) and not _KEY.search(line)
            )
            if not continues:
                return i, i, False
        i += 1
    return len(view), len(view), False


def _read_lists(
    view: str, start: int, first_key: int, body_end: int, end: int, complete: bool, *, bracketed: bool
) -> Tag | None:
    """The units of every key in the tag: each key's list runs to the next key."""
    body = view[first_key:body_end]
    keys = [m for m in _KEY.finditer(body) if m.start() == 0 or body[m.start() - 1] in _SEPARATORS + " \t\u3000\n"]
    if not keys or keys[0].start() != 0:
        return None
    units: list[TaggedUnit] = []
    for k, m in enumerate(keys):
        list_end = keys[k + 1].start() if k + 1 < len(keys) else len(body)
        if m.group("person") or re.sub(r"\s", "", m.group("kind") or "") in _PERSON_KINDS:
            continue
        role = LEAD if "牵头" in re.sub(r"\s", "", m.group("who") or m.group("bare")) else RESPONSIBLE
        last = k + 1 == len(keys)
        units.extend(_units(view, first_key + m.end(), first_key + list_end, role, cut=last and not complete))
    return Tag(start, end, tuple(units), complete=complete, bracketed=bracketed)


def _pieces(view: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the list's items: split at separators outside brackets (各县(市、区)教育局 is one)."""
    out, depth, begin = [], 0, start
    for i in range(start, end):
        ch = view[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _SEPARATORS and depth == 0:
            out.append((begin, i))
            begin = i + 1
    out.append((begin, end))
    return out


def _units(view: str, start: int, end: int, role: str, *, cut: bool) -> list[TaggedUnit]:
    pieces = _pieces(view, start, end)
    out = []
    for n, (a, b) in enumerate(pieces):
        while a < b and (view[a].isspace() or view[a] in "。"):
            a += 1
        while b > a and (view[b - 1].isspace() or view[b - 1] in "。.等"):
            b -= 1
        compact = re.sub(r"\s+", "", view[a:b])
        if not compact or len(compact) > 40:
            continue
        if cut and n == len(pieces) - 1 and not _UNIT_END.search(compact):
            continue  # the excerpt ends inside this name (学生工作…)
        unit = read_unit(compact)
        if unit is not None:
            name, aliases = unit
            out.append(TaggedUnit(view[a:b], name, role, a, b, aliases))
    return out


def read_unit(written: str) -> tuple[str, tuple[str, ...]] | None:
    """A unit's name and other names, or None when it is not a unit (schools, persons' lists).

    >>> read_unit("人事处（人才工作处）")
    ('人事处', ('人事处(人才工作处)', '人才工作处'))
    >>> read_unit("各县（市、区）教育局")
    ('各县(市、区)教育局', ())
    >>> read_unit("各项目学校"), read_unit("高校附校"), read_unit("直属单位"), read_unit("机关各科室")
    (None, None, None, ('机关各科室', ()))
    """
    full = normalize_name(re.sub(r"\s+", "", written))
    if not full:
        return None
    bare = re.sub(r"\([^()]*\)", "", full)
    if _GENERIC_UNIT.fullmatch(bare) or (_COLLECTIVE.search(bare) and not _ADMIN_HEAD.search(bare)):
        return None
    m = _SECOND_NAME.fullmatch(full)
    if m and _UNIT_END.search(m.group("name")) and _UNIT_END.search(m.group("other")):
        return m.group("name"), (full, m.group("other"))  # 人事处(人才工作处): one office, two names
    return full, ()


# -- names ---------------------------------------------------------------------
_PLACE_PREFIX = re.compile(r"^(?:中共)?(?P<place>[\u4e00-\u9fff]{1,12}?)(?:自治区|省|市|县|区|州|盟|旗)")
_LEVELS = "省市县区州盟旗乡镇"
_NATIONAL = re.compile(r"^(?:中共中央|中央|国务院|国家|教育部|中华人民共和国)")
# A unit that is a body in its own right (another bureau, a collective of
# bureaus), not one of the issuer's offices: its name stands as written.
_OWN_BODY = re.compile(
    rf"^(?:[{_LEVELS}各全].*(?:局|委|委员会|政府|办|院|部|厅|中心|会|团|联|馆|所|站)|中共.*|国家.*|国务院.*|教育部.*)$"
    r"|(?:局|政府|委员会|管委会|人大|政协|法院|检察院|大学|学院|学校|中学|小学|幼儿园)$"
)


def qualify_unit(unit: str, *, issuer: str | None, doc_id: str) -> str:
    """The graph name of a unit named in a tag: one office of one issuer.

    A tag names the issuer's own offices (办公室, 人事处), and every bureau
    has a 办公室; so the unit is named after a known issuer, and where the
    issuer is missing or a bare short form (市教育局, X市教育局) it stays local
    to its document. A unit that is a body of its own (市财政局, 各县(市、区)
    教育局, a college, a name that starts with the issuer's place) keeps its
    name, so it is the node the rest of the text names so.
    The written unit is always kept as an alias by the caller.

    >>> qualify_unit("办公室", issuer="安徽省教育厅", doc_id="d-0123456789ab")
    '安徽省教育厅办公室'
    >>> qualify_unit("办公室", issuer="市教育局", doc_id="d-0123456789ab")
    '办公室@d-0123456789ab'
    >>> qualify_unit("基教科", issuer=None, doc_id="d-0123456789ab")
    '基教科@d-0123456789ab'
    >>> qualify_unit("办公厅", issuer="教育部", doc_id="d-0123456789ab")
    '教育部办公厅'
    >>> qualify_unit("市财政局", issuer="西源市教育局", doc_id="d-0123456789ab")
    '市财政局'
    """
    place = _place_of(issuer)
    if unit == issuer or _OWN_BODY.search(unit) or (place and unit.startswith(place)):
        return unit
    if issuer and (place or _NATIONAL.match(issuer)):
        # what the unit repeats of the issuer is written once: 局办公室, 市教育局办公室 → 西源市教育局办公室
        overlap = next((k for k in range(len(unit) - 1, 0, -1) if issuer.endswith(unit[:k])), 0)
        return issuer + unit[overlap:]
    return f"{unit}@{doc_id}"


def _place_of(issuer: str | None) -> str | None:
    """The place an issuer's name begins with; None for a bare short form (市教育局, X市教育局).

    >>> _place_of("安徽省教育厅"), _place_of("中共西源市委教育工委"), _place_of("市教育局"), _place_of("X市教育局")
    ('安徽', '西源', None, None)
    """
    m = _PLACE_PREFIX.match(issuer or "")
    return m.group("place") if m and m.group("place")[0] not in _LEVELS + "某" else None


def untag_title(title: str, text: str) -> str:
    """A point's heading without its tag; a heading that was only a tag gives way to the text after it.

    >>> untag_title("做好校服配套服务(责任单位:基建科)", "做好校服配套服务(责任单位:基建科)")
    '做好校服配套服务'
    >>> untag_title("(责任科室:安全科)", "(责任科室:安全科)\\n加强校园安全管理。落实责任。")
    '加强校园安全管理'
    """
    tags = find_tags(title)
    if not tags:
        return title
    ends_line = not title[tags[0].end :].split("\n", 1)[0].strip()
    kept = title[: tags[0].start] if ends_line else _cut(title, tags)  # a tag that ends the heading line ends it
    kept = re.sub(r"[ \t\u3000]+", " ", kept).strip(" \t\u3000\n。；;，,")
    if kept:
        return kept
    rest = _cut(simplify_chars(text), find_tags(simplify_chars(text))).strip()
    sentence = re.split(r"[。！？!?；;]", rest, maxsplit=1)[0]
    return (sentence if len(sentence) <= 80 else rest.split("\n", 1)[0][:80]).strip()


def _cut(text: str, tags: list[Tag]) -> str:
    out, pos = [], 0
    for t in tags:
        out.append(text[pos : t.start])
        pos = t.end
    out.append(text[pos:])
    return "".join(out)


def blank(text: str, tags: Iterable[Tag]) -> str:
    """The text with its tags made blank, so every offset stays valid.

    A tag's first and last characters become commas and the rest spaces (line
    ends stay): the rules, which join Chinese across PDF spaces and read
    names with brackets in them (吉电能谷(白城)…), never join the words on
    either side of a tag into one name, and no sentence ends where none did.

    >>> blank("推进工作(责任科室:甲科)。", find_tags("推进工作(责任科室:甲科)。"))
    '推进工作，       ，。'
    """
    chars = list(text)
    for t in tags:
        for i in range(t.start, t.end):
            if chars[i] != "\n":
                chars[i] = " "
        for i in {t.start, t.end - 1}:
            if t.start <= i < t.end and chars[i] != "\n":
                chars[i] = "，"
    return "".join(chars)


# -- one document ----------------------------------------------------------------
@dataclass(frozen=True)
class DocumentTags:
    """The tags of one document's units and what extraction does with them."""

    doc_id: str
    issuer: str | None
    tags: Mapping[str, tuple[Tag, ...]]  # by unit id; only units that have tags
    texts: Mapping[str, str]  # the original text of those units
    blanked: Mapping[str, str]  # and as the rules read it
    # names a generic local body (市教育装备中心) with the document's place; None: as qualify_unit does
    local: Callable[[str], str | None] | None = None

    def blank(self, unit_id: str, text: str) -> str:
        """The unit's text as the entity rules should read it."""
        return self.blanked.get(unit_id, text)

    def overlaps(self, unit_id: str, start: int, end: int) -> bool:
        """Does [start, end) of the unit reach into one of its tags?"""
        tags = self.tags.get(unit_id)
        return tags is not None and any(t.start < end and start < t.end for t in tags)

    def name(self, unit: TaggedUnit) -> str:
        placed = self.local(unit.name) if self.local is not None else None
        return placed or qualify_unit(unit.name, issuer=self.issuer, doc_id=self.doc_id)

    def add_entities(
        self, mentions: MutableMapping[EntityKey, list[Mention]], aliases: MutableMapping[EntityKey, set[str]]
    ) -> None:
        """Each unit as an Agency of the document: its mention, every written form an alias."""
        for unit_id, tags in self.tags.items():
            for tag in tags:
                for u in tag.units:
                    key = EntityKey("Agency", self.name(u))
                    mentions.setdefault(key, []).append(Mention(unit_id, u.start, u.end, u.written))
                    forms = {u.name, *u.aliases, clean_surface(re.sub(r"\s+", "", u.written))} - {key.name}
                    aliases.setdefault(key, set()).update(forms)

    def points(self, points: Iterable[Point]) -> tuple[Point, ...]:
        """The points with their responsible units, and headings without tags."""
        out = []
        for p in points:
            tags = self.tags.get(p.id, ())
            responsible: dict[Responsible, None] = {}
            for tag in tags:
                for u in tag.units:
                    responsible.setdefault(Responsible(self.name(u), u.role))
            out.append(replace(p, title=untag_title(p.title, p.text), responsible=tuple(responsible)) if tags else p)
        return tuple(out)

    def restore_evidence(self, relations: Iterable[Relation]) -> list[Relation]:
        """Evidence sentences as written: a sentence read around a blanked tag gets the tag's text back."""
        out = []
        for r in relations:
            ev = r.evidence
            text = self.texts.get(ev.point or "")
            if text is not None and ev.sentence:
                blanked = self.blanked[ev.point or ""]
                at = blanked.find(ev.sentence, max(0, ev.end - len(ev.sentence)))
                if 0 <= at <= ev.start:
                    written = text[at : at + len(ev.sentence)]
                    if written != ev.sentence:
                        r = Relation(r.type, r.head, r.tail, Evidence(ev.point, written, ev.trigger, ev.start, ev.end))
            out.append(r)
        return out


def read_tags(
    units: Iterable[tuple[str, str]],
    *,
    doc_id: str,
    issuer: str | None,
    local: Callable[[str], str | None] | None = None,
) -> DocumentTags:
    """Find the tags of every (unit id, text) of a document."""
    tags: dict[str, tuple[Tag, ...]] = {}
    texts: dict[str, str] = {}
    blanked: dict[str, str] = {}
    for unit_id, text in units:
        # every tag has a colon, or is cut off at the very end: most units have neither
        maybe = ":" in text or "：" in text or _CUT_KEY.search(text, max(0, len(text) - 16)) is not None
        found = find_tags(text) if maybe else []
        if found:
            tags[unit_id] = tuple(found)
            texts[unit_id] = text
            blanked[unit_id] = blank(text, found)
    return DocumentTags(doc_id=doc_id, issuer=issuer, tags=tags, texts=texts, blanked=blanked, local=local)


__all__ = ["DocumentTags", "Tag", "TaggedUnit", "find_tags", "qualify_unit", "read_tags", "read_unit", "untag_title"]
