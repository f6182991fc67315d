"""Entity rules that generalise: suffixes, quotes, book-title marks, enumerations.

Chinese has no spaces, so a name's right edge is its suffix (…学院, …计划,
…平台) and its left edge is where the text before it ends with a trigger
verb or preposition (实施, 联合, 依托 …) or punctuation. A candidate made
only of generic words (民办学校, 职业院校) is not a name. Quotes “…” and
《…》 mark names directly; a run of quoted names ending in 等…活动 takes the
type of that noun. The data (suffixes, boundary words, generic words) sits
in `extract/patterns/` so it can grow without code changes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from extract.automaton import WordFinder
from extract.header import split_bodies
from extract.lexicon import LEXICON_DIR, Lexicon, load_lexicon
from extract.normalize import normalize_name
from extract.textview import Candidate, TextView, add_candidate, candidates_of, text_of
from extract.words import is_verb, opens_name, segment, tag

PATTERN_DIR = Path(__file__).with_name("patterns")

_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTE = re.compile(r"[“\"「]([^“”\"「」。\n]{1,40})[”\"」]|‘([^‘’“”。\n]{1,20})’")
_TITLE = re.compile(r"《([^《》\n]{2,80})》")
_ENUM_TAIL = re.compile(r"(?:[、，,和及与]?)(?:等)?(?:[一二三四五六七八九十两\d]+(?:大|个|项|类|件)?)?")
_CN_NUMERAL_RUN = re.compile(r"[一二三四五六七八九十两百千]+(?=[个项大类部批])|[一二三四五六七八九十两百千]{2,}")
_SCOPE_START = ("全国", "全省", "全市", "全县", "全区", "省", "市", "县", "区", "国家", "中央")
MEMO_SIZE = 50_000  # remembered word-test answers (a few MB), cleared when full
_AGENCY_START = ("省", "市", "县", "区", "镇", "乡", "各", "国家", "中央", "全国", "中共", "国务院")

# Sources in order of trust when candidates overlap.
PRIORITY = {"user": 5, "lexicon": 4, "title": 3, "quote": 3, "enum": 3, "suffix": 2, "place": 1, "structure": 4}


def _read_words(path: Path) -> frozenset[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line)
    return frozenset(words)


# Verbs after which a name of generic words is still a name: 开展劳动教育实践行动,
# 举办科技艺术大赛. Only for programmes and events, which plans name that way.
TRIGGERS = _read_words(PATTERN_DIR / "trigger_verbs.txt")


@dataclass(frozen=True)
class SuffixRule:
    label: str
    suffix: str
    anchor: str


@dataclass(frozen=True)
class Marks:
    boundary_ends: set[int]
    leading_starts: dict[int, int]  # start → shortest leading word there


@dataclass(frozen=True)
class Rules:
    suffixes: dict[str, SuffixRule]
    suffix_ac: WordFinder
    boundaries: frozenset[str]
    boundary_lengths: tuple[int, ...]
    generic: frozenset[str]
    generic_lengths: tuple[int, ...]
    leading: frozenset[str]
    leading_lengths: tuple[int, ...]
    # Aho-Corasick automata over the boundary words and the leading words,
    # so a text is scanned once instead of probing every length at every position
    boundary_ac: WordFinder
    leading_ac: WordFinder
    # answers of the pure word tests below, by string: a corpus asks about the
    # same few thousand name prefixes (职业, 中小学 …) again and again
    _memo: dict[tuple[int, str], object] = field(default_factory=dict, compare=False, repr=False)

    def _remember(self, kind: int, text: str, value: object) -> object:
        memo = self._memo
        if len(memo) > MEMO_SIZE:
            memo.clear()
        memo[(kind, text)] = value
        return value

    def marks(self, text: str) -> Marks:
        """Where boundary words end and where leading words (2+ chars) start, in one pass each."""
        ends = {end for _i, _start, end in self.boundary_ac.spans(text)}
        starts: dict[int, int] = {}
        for _i, start, end in self.leading_ac.spans(text):
            n = end - start
            if n < starts.get(start, n + 1):
                starts[start] = n
        return Marks(ends, starts)

    def suffix_starts(self, text: str) -> list[tuple[int, str]]:
        """(start, suffix) in text order, the longest suffix at each start: one automaton pass.

        >>> load_rules().suffix_starts("实施国培计划，建设华东师范大学附属中学")
        [(4, '计划'), (11, '师范大学'), (13, '大学'), (15, '附属中学'), (17, '中学')]
        """
        longest: dict[int, tuple[int, int]] = {}  # start → (length, word index) of the longest suffix there
        for i, start, end in self.suffix_ac.spans(text):
            if end - start > longest.get(start, (0, 0))[0]:
                longest[start] = (end - start, i)
        words = self.suffix_ac.words
        return [(start, words[i]) for start, (_n, i) in sorted(longest.items())]

    def is_generic(self, text: str) -> bool:
        """True when `text` splits entirely into generic words (or is empty).

        >>> r = load_rules()
        >>> r.is_generic("民办"), r.is_generic("白城职业技术"), r.is_generic("全市中小学")
        (True, False, True)
        """
        found = self._memo.get((0, text))
        if found is not None:
            return found  # type: ignore[return-value]
        return self._remember(0, text, self._is_generic(text))  # type: ignore[return-value]

    def _is_generic(self, text: str) -> bool:
        if "+" in text or "、" in text:
            return all(self.is_generic(part) for part in re.split(r"[+、]", text))
        text = _CN_NUMERAL_RUN.sub("", text)  # 十一部门, 三项: numbers name nothing
        n = len(text)
        ok = [False] * (n + 1)
        ok[0] = True
        for i in range(n):
            if not ok[i]:
                continue
            for length in self.generic_lengths:
                if i + length <= n and text[i : i + length] in self.generic:
                    ok[i + length] = True
        return ok[n]

    def boundary_before(self, text: str, pos: int) -> bool:
        return any(text[max(0, pos - n) : pos] in self.boundaries for n in self.boundary_lengths)

    def leading_boundary(self, text: str) -> int:
        """Length of the verbs a text starts with: 推动学校 → 2, 建设智慧校园平台 → 2."""
        found = self._memo.get((1, text))
        if found is not None:
            return found  # type: ignore[return-value]
        return self._remember(1, text, self._leading_boundary(text))  # type: ignore[return-value]

    def _leading_boundary(self, text: str) -> int:
        total = 0
        while True:
            n = next(
                (
                    n
                    for n in self.leading_lengths
                    if n > 1
                    and total + n <= len(text)
                    and (text[total : total + n] in self.leading or text[total : total + n] in self.boundaries)
                ),
                0,
            )
            if not n:
                return total
            total += n
            if total == len(text):
                return total

    def suffix_of(self, name: str) -> SuffixRule | None:
        """The longest known suffix `name` ends with."""
        key = (2, name)
        memo = self._memo
        if key in memo:
            return memo[key]  # type: ignore[return-value]
        return self._remember(2, name, self._suffix_of(name))  # type: ignore[return-value]

    def _suffix_of(self, name: str) -> SuffixRule | None:
        for n in range(min(len(name), 10), 0, -1):
            rule = self.suffixes.get(name[-n:])
            if rule is not None:
                return rule
        return None


@lru_cache(maxsize=4)
def load_rules(directory: Path = PATTERN_DIR) -> Rules:
    suffixes: dict[str, SuffixRule] = {}
    with (directory / "entity_suffixes.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                obj = json.loads(line)
                suffixes[obj["suffix"]] = SuffixRule(obj["label"], obj["suffix"], obj.get("anchor", "name"))
    boundaries = _read_words(directory / "left_boundaries.txt")
    generic = _read_words(directory / "generic_words.txt")
    leading = _read_words(directory / "leading_verbs.txt")
    return Rules(
        suffixes=suffixes,
        suffix_ac=WordFinder(suffixes),
        boundaries=boundaries,
        boundary_lengths=tuple(sorted({len(w) for w in boundaries}, reverse=True)),
        generic=generic,
        generic_lengths=tuple(sorted({len(w) for w in generic}, reverse=True)),
        leading=leading,
        leading_lengths=tuple(sorted({len(w) for w in leading | boundaries}, reverse=True)),
        boundary_ac=WordFinder(sorted(boundaries)),
        leading_ac=WordFinder(sorted(w for w in leading | boundaries if len(w) > 1)),
    )


MAX_PREFIX = 24


class EntityRules:
    """spaCy component: candidates from quotes, 《titles》 and suffix rules."""

    def __init__(self, nlp: Language, name: str, lexicon_dir: str | None) -> None:
        self.name = name
        self.rules = load_rules()
        self.lexicon: Lexicon = load_lexicon(Path(lexicon_dir) if lexicon_dir else LEXICON_DIR)
        self._known_ends: dict[str, bool] = {}

    def __call__(self, doc: Doc) -> Doc:
        view = TextView.of(doc)
        text = view.text
        for m in _TITLE.finditer(text):
            title = m.group(1)
            if len(title) <= 6 and not _DOCUMENT_WORDS.search(title):
                continue  # 《青春飞扬》: a song's or a show's title, not a document
            add_candidate(doc, view, m.start(1), m.end(1), "Policy", title, "title")
        for m in _UNMARKED_TITLE.finditer(text):
            # 关于实施某某工程的意见 written without 《》: a named document all the same
            add_candidate(doc, view, m.start(), m.end(), "Policy", m.group(), "title")
        self._quotes(doc, view, text)
        self._suffixes(doc, view, text)
        self._local_bodies(doc, view, text)
        self._numbered_schools(doc, view, text)
        return doc

    def _numbered_schools(self, doc: Doc, view: TextView, text: str) -> None:
        """Schools plans name by number: 市二中, 某县一中, 38中, 某县9中, 某市二十四中."""
        for m in _NUMBERED_SCHOOL.finditer(text):
            start = m.start()
            chinese = not m.group("num")[0].isdigit()
            while start > 0 and text[start - 1] in " \u3000":
                start -= 1  # a PDF's space: 某县 9 中
            n = 0
            for k in range(max(0, start - 8), start):
                if text[k:start] in self.lexicon.places:
                    n = start - k
                    break
            if n:
                start -= n
            elif start > 0 and text[start - 1] in "市县区":
                start -= 1
            elif chinese or (m.start() > 0 and "\u4e00" <= text[m.start() - 1] <= "\u9fff"):
                continue  # 一中 alone is a word (其一中), and 第9中 inside a longer word is not a school
            else:
                start = m.start()
            add_candidate(doc, view, start, m.end(), "Institution", normalize_name(text[start : m.end()]), "suffix")

    def _local_bodies(self, doc: Doc, view: TextView, text: str) -> None:
        """Party committees and governments written by level: 市委, 省政府, 宁波市委, 中共县委.

        The pipeline names a bare one with the document's place. Inside a
        formula (市委十二届五次全会精神) the body is only part of the formula.
        """
        places = self.lexicon.places
        for m in _LOCAL_BODY.finditer(text):
            start = m.start()
            if text[m.end() : m.end() + 6].startswith(_LOCAL_BODY_FORMULA) or _PLENUM.match(text, m.end()):
                continue
            # a place written before the level character: 宁波市委, 内蒙古自治区党委
            level_end = m.start("level") + len(m.group("level"))
            for k in range(max(0, m.start("level") - 8), m.start("level")):
                if text[k:level_end] in places:
                    start = k
                    break
            if start > 1 and text[start - 2 : start] == "中共":
                start -= 2
            add_candidate(doc, view, start, m.end(), "Agency", normalize_name(text[start : m.end()]), "suffix")

    # -- quotes ---------------------------------------------------------------
    def _quotes(self, doc: Doc, view: TextView, text: str) -> None:
        quotes = list(_QUOTE.finditer(text))
        i = 0
        while i < len(quotes):
            # group adjacent quotes: “A”“B”、“C”等…
            j = i
            while j + 1 < len(quotes) and re.fullmatch(
                r"[、，,和及与]?", text[quotes[j].end() : quotes[j + 1].start()]
            ):
                j += 1
            group = quotes[i : j + 1]
            tail_label = self._label_after(text, group[-1].end())
            for m in group:
                inner_at = 1 if m.group(1) is not None else 2
                inner = m.group(inner_at).strip()
                listed = re.search(r"[、，,]", inner) and self.lexicon.get(inner) is None
                if not _CJK.search(inner) or (listed and not (tail_label == "Event" and len(inner) <= 20)):
                    continue  # a quoted list of topics is not one name (a quoted slogan of an activity is)
                label = None
                entry = self.lexicon.get(inner)
                rule = self.rules.suffix_of(inner)
                if entry is not None:
                    label = entry.label
                elif rule is not None and not self.rules.is_generic(inner[: -len(rule.suffix)]):
                    label = rule.label
                elif tail_label is not None:
                    label = tail_label
                elif text.startswith("改革", m.end()):
                    label = "Program"  # ‘双减’改革: a reform counts through its quoted core
                elif len(group) == 1 and self._whole_object(text, m.start(), m.end()):
                    label = "Program"  # 深入推进“两大革命”。: a quoted name that is all the verb acts on
                if label is not None:
                    source = "quote" if len(group) == 1 else "enum"
                    add_candidate(doc, view, m.start(inner_at), m.end(inner_at), label, inner, source)
            i = j + 1

    def _whole_object(self, text: str, start: int, end: int) -> bool:
        """Is the quote all a trigger verb acts on (深入实施教育“某某”。), with no other verb between?"""
        after = text[end : end + 1]
        if after and after not in "。，,；;、":
            return False
        before = text[max(0, start - 8) : start]
        for t in ("实施", "推进", "深化", "落实", "开展", "启动"):
            at = before.rfind(t)
            if at >= 0:
                between = before[at + len(t) :]
                return not re.search(r"[，,。；;：:]", between) and not any(is_verb(w) for w in segment(between))
        return False

    def _label_after(self, text: str, pos: int) -> str | None:
        """Type named by the words right after a quote: “学在诸暨”公共服务平台 → Platform.

        Only when those words are generic, so that “示范引领”争创计划 is left
        to the suffix rule, which reads the whole name.
        """
        m = _ENUM_TAIL.match(text, pos)
        after = text[m.end() if m else pos : pos + 16]
        run = len(after)
        for n, ch in enumerate(after):
            if not _CJK.match(ch):
                run = n
                break
        # the longest head ending in a suffix: 中小学阅读推广项目 is a 项目, not a 小学
        for n in range(run, 0, -1):
            head = after[:n]
            rule = self.rules.suffix_of(head)
            if rule is None:
                continue
            middle = head[: -len(rule.suffix)]
            enumerated = m is not None and m.end() > pos
            if enumerated and (middle == "" or self.rules.is_generic(middle)):
                return rule.label  # “A”“B”等专项行动: each quote is one
            if rule.anchor == "quote" and (middle == "" or self.rules.is_generic(middle)):
                return rule.label  # “学宪法 讲宪法”系列活动: a type word that follows quotes
            # “学在诸暨”公共服务平台: a plain type word after a quoted event or
            # platform; a programme keeps its words (“活动操场”建设项目).
            if rule.label in ("Event", "Platform") and middle and len(middle) <= 4 and self.rules.is_generic(middle):
                return rule.label
            return None
        return None

    # -- suffixes -------------------------------------------------------------
    def _suffixes(self, doc: Doc, view: TextView, text: str) -> None:
        rules = self.rules
        seen_ends: set[int] = set()
        marks: Marks | None = None
        for at, suffix in rules.suffix_starts(text):
            end = at + len(suffix)
            if end in seen_ends:
                continue  # a longer suffix ending here was already tried
            rule = rules.suffixes[suffix]
            if marks is None:
                marks = rules.marks(text)
            start = self._left_edge(text, at, marks, rule.label)
            if start is None:
                continue
            seen_ends.add(end)
            name = text[start:end]
            prefix = name[: -len(suffix)]
            if rule.anchor == "quote":
                continue  # only types the words after a quote
            closing = prefix.rfind("”")
            between = prefix[closing + 1 :] if closing >= 0 else ""
            if between and self.rules.is_generic(between) and rule.label in ("Event", "Platform") and len(between) <= 4:
                continue  # “学在诸暨”公共服务平台: the quote rule names the core
            if rule.suffix == "系统" and not _SYSTEM_WORDS.search(prefix):
                continue  # 市直教育系统, 党建生态系统: a sector, not a named information system
            if rule.suffix == "规划" and _FIVE_YEAR_START.match(prefix):
                continue  # “十四五”教育事业规划: the generic five-year plan, not a named document
            if rule.label == "Agency" and len(bodies := split_bodies(name)) > 1 and name.endswith(bodies[-1]):
                # 市委市政府, 中共某市委教育工委某市教育局: two bodies; this suffix names the last
                start = end - len(bodies[-1])
                name, prefix = bodies[-1], bodies[-1][: -len(suffix)]
            accepted = self._accept(prefix, rule, text, start, end)
            if accepted is None and rule.label in ("Event", "Program"):
                # 数字校园创建工作推进会: a listed verb inside the name cut it to generic words;
                # the name runs on to the boundary before that verb
                verb = next(
                    (n for n in rules.boundary_lengths if n > 1 and text[start - n : start] in rules.boundaries), 0
                )
                wider = self._left_edge(text, start - verb, marks, rule.label) if verb else None
                if wider is not None and wider < start - verb:
                    start, prefix = wider, text[wider:at]
                    accepted = self._accept(prefix, rule, text, start, end)
            if accepted is not None:
                s = start + accepted
                add_candidate(doc, view, s, end, rule.label, text[s:end], "suffix")

    def _left_edge(self, text: str, s: int, marks: Marks, label: str) -> int | None:
        pos = s
        ends, starts = marks.boundary_ends, marks.leading_starts
        boundaries = self.rules.boundaries
        limit = max(0, s - MAX_PREFIX)
        while pos > limit:
            # Function characters (等, 和, 的 …) always end a name; verbs only
            # once the name has two characters, so that a name may itself end
            # in one (学生体质健康提升行动). Verbs swallowed that way are
            # stripped again in _accept (推动学校 → 学校 → generic).
            ch = text[pos - 1]
            if (ch in boundaries and text[max(0, pos - 2) : pos] not in _WORDS_WITH_FUNCTION_CHAR) or (
                s - pos >= 2 and pos in ends
            ):
                break
            if s - pos >= 2 and starts.get(pos, s) <= s - pos and self._known_ends_at(text, pos):
                break  # 宁德时代|共建新能源产业学院: a known name, then a verb, then this name
            if ch in ")）":
                opening = max(text.rfind("(", limit, pos - 1), text.rfind("（", limit, pos - 1))
                if opening < 0 or pos - 1 - opening > 10:
                    break
                pos = opening
                continue
            if ch == "”":
                opening = text.rfind("“", max(0, pos - 45), pos - 1)
                # a quoted list (“党员发展、德育工作”) is not part of one name
                if opening < 0 or re.search(r"[、，,]", text[opening:pos]):
                    break
                pos = opening
                continue
            if ch.isdigit():
                # an ordinal belongs to the name (第40个教师节…); other numbers end it
                k = pos - 1
                while k > 0 and text[k - 1].isdigit():
                    k -= 1
                if k > 0 and text[k - 1] == "第":
                    pos = k - 1
                    continue
                if text.startswith("年", pos) and pos - k == 4:
                    # a year is part of an unquoted event's or programme's name
                    # (2024年度某县…推进会, 某县2021年…运动会), else cut after it
                    # (年滨海新区, 2020年“某某”行动): never split at 年
                    after = pos + (2 if text.startswith("年度", pos) else 1)
                    if label in ("Event", "Program") and text[after : after + 1] not in '“"「':
                        pos = k
                        continue
                    pos = after
                break
            if ch == " " and pos >= 2 and text[pos - 2] in "XYZ" and not text[pos - 3 : pos - 2].isalpha():
                pos -= 2  # an anonymised copy's placeholder: X 市教育局
                break
            if not ("\u4e00" <= ch <= "\u9fff" or (ch.isascii() and ch.isalpha())):  # _CJK, without a call
                break
            pos -= 1
        # a place name the scan cut through (犍为县 broken at 为) is whole again;
        # such a name holds the two characters either side of the cut
        if text[pos - 1 : pos + 1] in self.lexicon.place_bigrams:
            places = self.lexicon.places
            for k in range(1, 4):
                for n in range(3, 9):
                    if pos - (n - k) >= 0 and text[pos - (n - k) : pos + k] in places and n > k:
                        return pos - (n - k)
        return pos

    def _known_ends_at(self, text: str, pos: int) -> bool:
        """Does a known institution or agency end at `pos`? (It depends on the 16 characters before.)"""
        window = text[max(0, pos - 16) : pos]
        found = self._known_ends.get(window)
        if found is None:
            if len(self._known_ends) > MEMO_SIZE:
                self._known_ends.clear()
            found = self._known_ends[window] = any(
                (entry := self.lexicon.get(window[-n:])) is not None and entry.label in ("Institution", "Agency")
                for n in range(2, len(window) + 1)
            )
        return found

    def _accept(self, prefix: str, rule: SuffixRule, text: str, start: int, end: int) -> int | None:
        """Offset into the candidate where the name starts, or None if not a name.

        The scan stopped at punctuation or a listed boundary word; the words
        it took in are then cut by jieba's dictionary, and words that cannot
        open a name (verbs, adverbs, prepositions, conjunctions, pronouns)
        are dropped from the front, unless the whole is a known name.
        """
        name = text[start:end]
        if not prefix or self.lexicon.get(name) is not None:
            return self._accept_rest(prefix, rule, text, start, end)
        cut = self._opening_cut(name, len(prefix), rule.label)
        if cut is None:
            return None
        rest = self._accept_rest(prefix[cut:], rule, text, start + cut, end)
        return None if rest is None else cut + rest

    def _opening_cut(self, name: str, prefix_len: int, label: str) -> int | None:
        """Characters to drop from a candidate's front by part of speech; None: it is no name."""
        words = segment(name)
        cut, i = 0, 0
        leading = self.rules.leading
        while i < len(words) and cut + len(words[i]) <= prefix_len:
            w = words[i]
            # a fixed phrase the dictionary calls a noun may still open with an adverb or a
            # listed verb (充分发挥, 举办活动)
            phrase_opens = len(w) >= 4 and (tag(w[:2]) in ("d", "ad") or w[:2] in self.rules.boundaries)
            if opens_name(w) and w not in leading and not phrase_opens:
                break
            cut += len(w)
            i += 1
        if label in ("Institution", "Agency", "Platform"):
            # a verb whose object is all generic words is a verb phrase (完成学校, 希望职业学校)
            pos = cut
            for j in range(i, len(words)):
                pos += len(words[j])
                verb_phrase = is_verb(words[j]) and j + 1 < len(words) and pos <= prefix_len
                if verb_phrase and self.rules.is_generic(normalize_name(name[pos:prefix_len])):
                    return None
        return cut

    def _accept_rest(self, prefix: str, rule: SuffixRule, text: str, start: int, end: int) -> int | None:
        acting = _PERSON_ACTING.search(prefix) if rule.label in ("Agency", "Institution") else None
        if acting:
            # 某局党组副书记张三代表某局: a person's post and name, then what they act for
            rest = self._accept_rest(prefix[acting.end() :], rule, text, start + acting.end(), end)
            return None if rest is None else acting.end() + rest
        # after a number, the measure word is not part of the name: 3个…中心
        lead = len(prefix) - len(prefix.lstrip("个所项名批家位条支只座"))
        if lead and start > 0 and text[start - 1].isdigit():
            return None
        if rule.label == "Institution" and rule.suffix[-1] == "学" and text[end : end + 1] in _AFTER_XUE:
            return None  # 小学生, 中学阶段, 大学校园: the suffix is inside a longer word
        if rule.label == "Institution" and prefix.endswith(_CATEGORY_WORDS):
            return None  # 科学教育试点学校, “幸福行动”示范学校: a category of schools, not one
        if rule.label == "Program" and text[end : end + 1] in _AFTER_PROGRAM:
            return None
        if rule.label in ("Institution", "Platform"):
            # 某学校建设某中心, 某公司合作共建某学院: a unit named inside the
            # prefix and followed by more words ends there; the name starts after
            inner = None
            for im in _INNER_UNIT.finditer(prefix):
                inner = im
            if inner is not None and (
                prefix.startswith(_COMPOUND_LINKS, inner.end())
                or (rule.suffix in _PART_SUFFIXES and not any(is_verb(w) for w in segment(prefix[inner.end() :])))
            ):
                inner = None  # 某师范大学附属外国语学校, 某小学东校区, 某大学教育学院: one compound name
            if inner is not None:
                head = len(prefix[: inner.end()]) if inner.end() < len(prefix) else 0
                if head:
                    cut_inner = self._accept_rest(prefix[head:], rule, text, start + head, end)
                    return None if cut_inner is None else head + cut_inner
        lead_verb = self.rules.leading_boundary(prefix)
        if lead_verb and lead_verb not in _word_starts(text[start:end]):
            lead_verb = 0  # 建设路小学: 建设 is part of the word 建设路, not a verb before the name
        if lead_verb:
            prefix = prefix[lead_verb:]
        plain = normalize_name(prefix)
        if not plain:
            return None
        if (
            rule.label == "Institution"
            and len(plain) >= 4
            and not self.lexicon.place_at(prefix, 0)
            and self.rules.is_generic(plain[2:])
            and not self.rules.is_generic(plain[:2])
        ):
            return None  # 新增省级示范性幼儿园, 改善农村学校: an unknown verb before generic words
        # Cut to a place name inside the prefix: 对接白城市… → 白城市…
        lexicon = self.lexicon
        cut = 0
        if not lexicon.place_at(prefix, 0):
            # 对接白城市…: at most two unknown characters before a place are a
            # verb, not part of the name (but 第五届长三角… keeps its ordinal)
            for k in range(1, min(3, len(prefix) - 1)):
                n = lexicon.place_at(prefix, k)
                if (n >= 3 or (n and prefix[k : k + n] in _REGIONS)) and not prefix.startswith(
                    ("第", "首", "全", "中共")
                ):
                    cut = k
                    break
        cut += lead_verb
        if cut > lead_verb:
            prefix = prefix[cut - lead_verb :]
            plain = normalize_name(prefix)
        if rule.anchor == "place":
            if not (lexicon.place_at(prefix, 0) or prefix.startswith(_AGENCY_START)):
                return None
            return cut
        if rule.anchor == "placename":
            n = lexicon.place_at(prefix, 0)
            if not n or self.rules.is_generic(normalize_name(prefix[n:])):
                return None
            return cut
        if rule.anchor == "scope" and not (lexicon.place_at(prefix, 0) or prefix.startswith(_SCOPE_START)):
            return None
        if rule.anchor == "short":
            if not (2 <= len(plain) <= 3) or self.rules.is_generic(plain):
                return None
            return cut
        if len(plain) < 2 and not lexicon.place_at(prefix, 0):
            return None
        if rule.label == "Institution" and "各" in plain:
            return None  # 市直各学校, 各赛点学校: a collective of schools, not one
        n_place = self.lexicon.place_at(plain, 0)
        if rule.suffix == "学校" and n_place and self.rules.is_generic(plain[n_place:]):
            return None  # 杭州学校, 某县义务教育学校: a place's schools, not one school
        if rule.label == "Institution" and _LOCAL_SCHOOL.match(plain):
            return cut  # 市实验小学, 县第二中学: the city's own school, named with its place later
        if self.rules.is_generic(plain):
            # generic words name a programme or event only as the object of a
            # trigger verb, or as the collective of an enumeration (…等五大重点工程)
            if rule.label not in ("Program", "Event"):
                return None
            collective = text[max(0, start + cut - 1) : start + cut] == "等" and _CN_NUMERAL_RUN.match(plain)
            if not collective and (len(plain) < 4 or not self._after_trigger(text, start + cut)):
                return None
        return cut

    def _after_trigger(self, text: str, start: int) -> bool:
        """Is the name the object of a trigger verb, directly or as the next item of a 、 list?"""
        pos = start
        for _ in range(4):
            before = text[max(0, pos - 4) : pos]
            if any(before.endswith(t) for t in TRIGGERS):
                return True
            if not before.endswith("、"):
                return False
            # step over the previous list item
            k = pos - 1
            while k > 0 and _CJK.match(text[k - 1]) and pos - k < 20:
                k -= 1
                if any(text[max(0, k - 4) : k].endswith(t) for t in TRIGGERS):
                    return True
            pos = k
        return False


_DOCUMENT_WORDS = re.compile(
    r"法|规|条例|纲要|意见|通知|办法|方案|规定|标准|指南|计划|要点|决定|细则|制度|章程|文本|读本|清单|目录|报告|大纲|公约"
)
_UNMARKED_TITLE = re.compile(
    r"(?<!《)关于(?!印发|转发)[^。，,；;：:《》\n]{4,80}?的(?:实施意见|指导意见|意见|通知|决定|实施方案|办法)(?![》\w])"
)
_SYSTEM_WORDS = re.compile(r"管理|信息|服务|监测|监管|数据|网络|智慧|智能|数字|考试|报名|预警|办公|应用|资源|云")
_FIVE_YEAR_START = re.compile(r"^[“\"]?十[一二三四五六七八九]五")
_LOCAL_BODY = re.compile(r"(?P<level>自治区|自治州|省|市|县|区|州|旗)(?:党委|委|人民政府|政府)(?![员会托])")
_LOCAL_BODY_FORMULA = ("全会", "常委会", "全体会议")
_PLENUM = re.compile(r"[一二三四五六七八九十]+届|[一二三四五六七八九十]+次(?:全会|党代会)")
_AFTER_XUE = frozenset("生校段阶教部习科年类期位")
_WORDS_WITH_FUNCTION_CHAR = frozenset({"中等", "高等", "初等", "同等", "平等", "对等", "均等", "相等", "优等", "以及"})
_AFTER_PROGRAM = frozenset("式性师力化")  # 项目式学习, 计划性, 工程师: the suffix is inside a word
_PERSON_ACTING = re.compile(
    r"(?:书记|局长|主任|部长|处长|科长|股长|主席|县长|市长|省长|州长|区长|院长|校长|委员|常委|成员|同志)"
    r"[\u4e00-\u9fff]{1,4}?(?:代表|率领|率|出席|主持|陪同|带领)"
)
_NUMBERED_SCHOOL = re.compile(
    r"(?<![第\d一二三四五六七八九十])(?P<num>[一二三四五六七八九十]{1,3}|\d{1,3})\s*中(?![全心央国华层等级期旬间文外学小职专共医药部型高段标秋考断止毒奖性选方\d])"
)
_LOCAL_SCHOOL = re.compile(
    r"^[市县区](?:第?[一二三四五六七八九十\d]+|实验|第[一二三四五六七八九十]+实验|实验第[一二三四五六七八九十]+)$"
)
_COMPOUND_LINKS = ("附属", "附设", "第一附属", "第二附属")
_PART_SUFFIXES = frozenset({"校区", "分校", "学院", "研究院", "研究所", "研究中心", "附属中学", "附属小学"})
_INNER_UNIT = re.compile(r"(?:学校|学院|大学|公司|中心|幼儿园|中学|小学)(?=.{2,})")
_CATEGORY_WORDS = ("优秀", "先进", "示范", "试点", "特色", "品牌", "定点", "基地", "标杆", "样板", "达标", "星级")
_REGIONS = frozenset({"东北", "华北", "华东", "华南", "华中", "西南", "西北"})


def _word_starts(name: str) -> set[int]:
    """Offsets where jieba's words of `name` start."""
    out, pos = set(), 0
    for w in segment(name):
        out.add(pos)
        pos += len(w)
    return out


@Language.factory("policykg_entity_rules", default_config={"lexicon_dir": None})
def make_entity_rules(nlp: Language, name: str, lexicon_dir: str | None) -> EntityRules:
    return EntityRules(nlp, name, lexicon_dir)


class EntityResolver:
    """spaCy component: choose non-overlapping entities from all candidates.

    Longer spans win (白城职业技术学院 over the place 白城 inside it), trusted
    sources break ties. A known name followed by a unit suffix becomes one
    name (教育部教育技术与资源发展中心培训中心). A quoted name inside a chosen
    one that names a thing of its own (元培计划 in 第四期“元培计划”培训班) is
    kept in ``doc.user_data["policykg_nested"]``. Every candidate stays in
    ``doc.spans["candidates"]`` for relations that need nested names.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.rules = load_rules()

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Candidate] = list(candidates_of(doc))
        if "user" in doc.spans:
            for span in doc.spans["user"]:
                # the pattern's "id" is its canonical name
                user = Candidate.of_span(span)
                user.kb_id_ = normalize_name(span.id_ or span.text)
                user.id_ = "user"
                spans.append(user)
        text = text_of(doc)
        spans = [self._relabel(text, s) for s in spans if not _is_formula(text, s)]
        spans.extend(self._extend_known(text, spans))
        spans = self._split_possessor(spans)
        spans.sort(key=lambda s: (-(s.end_char - s.start_char), -PRIORITY.get(s.id_, 0), s.start_char))
        taken = [False] * (len(doc) + 1)
        chosen: list[Candidate] = []
        for span in spans:
            if any(taken[i] for i in range(span.start, span.end)):
                continue
            for i in range(span.start, span.end):
                taken[i] = True
            chosen.append(span)
        chosen.sort(key=lambda s: s.start)
        # Tokens outside the names stay unannotated (spaCy's "missing", not
        # "O"): rules find names, they don't rule text out; and marking every
        # character "O" was 4% of extraction's instructions.
        doc.set_ents([c.to_span(doc) for c in chosen], default="unmodified")
        doc.user_data["policykg_ents"] = chosen
        nested = [
            s
            for s in spans
            if s.id_ in ("quote", "enum")
            and s not in chosen
            and self.rules.suffix_of(s.kb_id_) is not None
            and any(c.start_char < s.start_char and s.end_char < c.end_char for c in chosen)
        ]
        doc.user_data.setdefault("policykg_nested", []).extend(nested)
        return doc

    def _relabel(self, text: str, span: Candidate) -> Candidate:
        """A known plan outside 《》 is implemented as a programme: 实施“十四五”…行动计划."""
        if (
            span.label_ == "Policy"
            and span.id_ == "lexicon"
            and span.kb_id_.endswith(_PROGRAM_ENDS)
            and text[max(0, span.start_char - 1) : span.start_char] != "《"
        ):
            name = normalize_name(span.kb_id_)  # a programme's name drops the quotes a title keeps
            return Candidate(span.start, span.end, span.start_char, span.end_char, "Program", name, span.id_)
        return span

    def _split_possessor(self, spans: list[Candidate]) -> list[Candidate]:
        """教育部国家中小学智慧教育平台 is two names: the owner, then the known platform."""
        known = [s for s in spans if s.id_ == "lexicon"]
        drop = set()
        for s in spans:
            if s.id_ != "suffix":
                continue
            for k in known:
                if (
                    k.end_char == s.end_char
                    and k.start_char > s.start_char
                    and any(
                        o.start_char == s.start_char
                        and o.end_char == k.start_char
                        and o.label_ in ("Agency", "Institution")
                        for o in known
                    )
                ):
                    drop.add(id(s))
        return [s for s in spans if id(s) not in drop]

    def _extend_known(self, text: str, spans: list[Candidate]) -> list[Candidate]:
        """A known name with a unit or type word after it: …资源发展中心培训中心, …能力提升项目."""
        known = [s for s in spans if s.id_ == "lexicon" and s.label_ != "Place"]
        out = []
        for s in spans:
            if s.id_ != "suffix":
                continue
            for k in known:
                if k.start_char < s.start_char < k.end_char < s.end_char:
                    name = normalize_name(text[k.start_char : s.end_char])
                    out.append(Candidate(k.start, s.end, k.start_char, s.end_char, s.label_, name, "suffix"))
        return out


_PROGRAM_ENDS = ("计划", "行动", "工程", "项目", "规划")
# a meeting cited for its spirit or its demands, alone or as the last of a list
_CITED = re.compile(r"[^。，,；;：:]{0,16}?(?:精神|要求|重要讲话|决策部署)")  # .match(text, pos): no ^


@lru_cache(maxsize=4)
def load_formulas(directory: Path = PATTERN_DIR) -> re.Pattern[str]:
    """The ideological formulas of `formulas.txt` as one pattern (matched against whole names)."""
    lines = [
        line.strip()
        for line in (directory / "formulas.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return re.compile("|".join(f"(?:{line})" for line in lines))


def is_formula(name: str) -> bool:
    """Is this name one of the formulas every plan cites (not an entity)?

    >>> is_formula("中国共产党第十九次全国代表大会"), is_formula("十九届四中全会"), is_formula("全市教育大会")
    (True, True, False)
    >>> is_formula("不忘初心、牢记使命主题教育"), is_formula("国培计划")
    (True, False)
    """
    return load_formulas().fullmatch(name) is not None


def _is_formula(text: str, span: Candidate) -> bool:
    """Formulas, and meetings cited for their spirit (全国、全省教育大会精神): not events."""
    if is_formula(span.kb_id_) or is_formula(normalize_name(text[span.start_char : span.end_char])):
        return True
    return span.label_ == "Event" and bool(_CITED.match(text, span.end_char))


@Language.factory("policykg_entity_resolver")
def make_entity_resolver(nlp: Language, name: str) -> EntityResolver:
    return EntityResolver(nlp, name)
