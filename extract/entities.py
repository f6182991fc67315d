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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from extract.lexicon import LEXICON_DIR, Lexicon, load_lexicon
from extract.normalize import normalize_name
from extract.textview import CANDIDATES, TextView, add_candidate

PATTERN_DIR = Path(__file__).with_name("patterns")

_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTE = re.compile(r"[“\"「]([^“”\"「」。\n]{1,40})[”\"」]")
_TITLE = re.compile(r"《([^《》\n]{2,80})》")
_ENUM_TAIL = re.compile(r"^(?:[、，,和及与]?)(?:等)?(?:[一二三四五六七八九十两\d]+(?:大|个|项|类|件)?)?")
_SCOPE_START = ("全国", "全省", "全市", "全县", "全区", "省", "市", "县", "区", "国家", "中央")
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


@dataclass(frozen=True)
class SuffixRule:
    label: str
    suffix: str
    anchor: str


@dataclass(frozen=True)
class Rules:
    suffixes: dict[str, SuffixRule]
    suffix_re: re.Pattern[str]
    boundaries: frozenset[str]
    boundary_lengths: tuple[int, ...]
    generic: frozenset[str]
    generic_lengths: tuple[int, ...]

    def is_generic(self, text: str) -> bool:
        """True when `text` splits entirely into generic words (or is empty).

        >>> r = load_rules()
        >>> r.is_generic("民办"), r.is_generic("白城职业技术"), r.is_generic("全市中小学")
        (True, False, True)
        """
        if "+" in text or "、" in text:
            return all(self.is_generic(part) for part in re.split(r"[+、]", text))
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
        """Length of the boundary words (verbs) a text starts with: 推动学校 → 2."""
        total = 0
        while True:
            n = next((n for n in self.boundary_lengths if n > 1 and text[total : total + n] in self.boundaries), 0)
            if not n:
                return total
            total += n

    def suffix_of(self, name: str) -> SuffixRule | None:
        """The longest known suffix `name` ends with."""
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
    ordered = sorted(suffixes, key=len, reverse=True)
    return Rules(
        suffixes=suffixes,
        suffix_re=re.compile("(?=(" + "|".join(map(re.escape, ordered)) + "))"),
        boundaries=boundaries,
        boundary_lengths=tuple(sorted({len(w) for w in boundaries}, reverse=True)),
        generic=generic,
        generic_lengths=tuple(sorted({len(w) for w in generic}, reverse=True)),
    )


MAX_PREFIX = 18


class EntityRules:
    """spaCy component: candidates from quotes, 《titles》 and suffix rules."""

    def __init__(self, nlp: Language, name: str, lexicon_dir: str | None) -> None:
        self.name = name
        self.rules = load_rules()
        self.lexicon: Lexicon = load_lexicon(Path(lexicon_dir) if lexicon_dir else LEXICON_DIR)

    def __call__(self, doc: Doc) -> Doc:
        view = TextView.of(doc)
        text = view.text
        for m in _TITLE.finditer(text):
            add_candidate(doc, view, m.start(1), m.end(1), "Policy", m.group(1), "title")
        self._quotes(doc, view, text)
        self._suffixes(doc, view, text)
        return doc

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
                inner = m.group(1).strip()
                if not _CJK.search(inner) or (re.search(r"[、，,]", inner) and self.lexicon.get(inner) is None):
                    continue  # a quoted list of topics is not one name
                label = None
                entry = self.lexicon.get(inner)
                rule = self.rules.suffix_of(inner)
                if entry is not None:
                    label = entry.label
                elif rule is not None and not self.rules.is_generic(inner[: -len(rule.suffix)]):
                    label = rule.label
                elif tail_label is not None:
                    label = tail_label
                if label is not None:
                    source = "quote" if len(group) == 1 else "enum"
                    add_candidate(doc, view, m.start(1), m.end(1), label, inner, source)
            i = j + 1

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
            if len(middle) <= 4 and (middle == "" or self.rules.is_generic(middle)):
                # a direct suffix (“银龄”计划) names X+suffix: the suffix rule's job
                if middle == "" and (m is None or m.end() == pos):
                    return None
                return rule.label
            return None
        return None

    # -- suffixes -------------------------------------------------------------
    def _suffixes(self, doc: Doc, view: TextView, text: str) -> None:
        rules = self.rules
        seen_ends: set[int] = set()
        for m in rules.suffix_re.finditer(text):
            suffix = m.group(1)
            end = m.start() + len(suffix)
            if end in seen_ends:
                continue  # a longer suffix ending here was already tried
            rule = rules.suffixes[suffix]
            start = self._left_edge(text, m.start())
            if start is None:
                continue
            seen_ends.add(end)
            name = text[start:end]
            prefix = name[: -len(suffix)]
            closing = prefix.rfind("”")
            if (
                closing >= 0
                and len(prefix) - closing - 1 <= 4
                and self.rules.is_generic(prefix[closing + 1 :])
                and closing + 1 < len(prefix)
            ):
                continue  # “学在诸暨”公共服务平台: the quote rule names it 学在诸暨
            accepted = self._accept(prefix, rule, text, start, end)
            if accepted is not None:
                s = start + accepted
                add_candidate(doc, view, s, end, rule.label, text[s:end], "suffix")

    def _left_edge(self, text: str, s: int) -> int | None:
        pos = s
        limit = max(0, s - MAX_PREFIX)
        while pos > limit:
            # Function characters (等, 和, 的 …) always end a name; verbs only
            # once the name has two characters, so that a name may itself end
            # in one (学生体质健康提升行动). Verbs swallowed that way are
            # stripped again in _accept (推动学校 → 学校 → generic).
            if text[pos - 1] in self.rules.boundaries or (s - pos >= 2 and self.rules.boundary_before(text, pos)):
                break
            ch = text[pos - 1]
            if ch in ")）":
                opening = max(text.rfind("(", limit, pos - 1), text.rfind("（", limit, pos - 1))
                if opening < 0 or pos - 1 - opening > 10:
                    break
                pos = opening
                continue
            if ch == "”":
                opening = text.rfind("“", limit, pos - 1)
                # a quoted list (“党员发展、德育工作”) is not part of one name
                if opening < 0 or re.search(r"[、，,]", text[opening:pos]):
                    break
                pos = opening
                continue
            if not (_CJK.match(ch) or (ch.isascii() and ch.isalpha())):
                break
            pos -= 1
        return pos

    def _accept(self, prefix: str, rule: SuffixRule, text: str, start: int, end: int) -> int | None:
        """Offset into the candidate where the name starts, or None if not a name."""
        # after a number, the measure word is not part of the name: 3个…中心
        lead = len(prefix) - len(prefix.lstrip("个所项名批家位条支只座"))
        if lead and start > 0 and text[start - 1].isdigit():
            return None
        if rule.label == "Institution" and rule.suffix[-1] == "学" and text[end : end + 1] in _AFTER_XUE:
            return None  # 小学生, 中学阶段, 大学校园: the suffix is inside a longer word
        lead_verb = self.rules.leading_boundary(prefix)
        if lead_verb:
            prefix = prefix[lead_verb:]
        plain = normalize_name(prefix)
        if not plain:
            return None
        # Cut to a place name inside the prefix: 对接白城市… → 白城市…
        lexicon = self.lexicon
        cut = 0
        if not lexicon.place_at(prefix, 0):
            for k in range(1, len(prefix) - 1):
                n = lexicon.place_at(prefix, k)
                if n >= 3 or (n and prefix[k : k + n] in _REGIONS):
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
        if rule.anchor == "scope" and not (lexicon.place_at(prefix, 0) or prefix.startswith(_SCOPE_START)):
            return None
        if rule.anchor == "short":
            if not (2 <= len(plain) <= 3) or self.rules.is_generic(plain):
                return None
            return cut
        if self.rules.is_generic(plain) or (len(plain) < 2 and not lexicon.place_at(prefix, 0)):
            return None
        return cut


_AFTER_XUE = frozenset("生校段阶教部习科年类期")
_REGIONS = frozenset({"东北", "华北", "华东", "华南", "华中", "西南", "西北"})


@Language.factory("policykg_entity_rules", default_config={"lexicon_dir": None})
def make_entity_rules(nlp: Language, name: str, lexicon_dir: str | None) -> EntityRules:
    return EntityRules(nlp, name, lexicon_dir)


class EntityResolver:
    """spaCy component: choose non-overlapping entities from all candidates.

    Longer spans win (白城职业技术学院 over the place 白城 inside it), trusted
    sources break ties; a rule span that merely adds words to the left of a
    lexicon name ending at the same place (深化国家智慧教育平台) yields to it.
    Every candidate stays in ``doc.spans["candidates"]`` for relations that
    need nested names (LOCATED_IN).
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = list(doc.spans[CANDIDATES]) if CANDIDATES in doc.spans else []
        for key in ("user",):
            if key in doc.spans:
                for span in doc.spans[key]:
                    # the pattern's "id" is its canonical name
                    span.kb_id_ = normalize_name(span.id_ or span.text)
                    span.id_ = "user"
                    spans.append(span)
        trusted_ends = {
            (s.end_char, s.start_char) for s in spans if s.id_ in ("lexicon", "user", "title", "quote", "enum")
        }
        kept: list[Span] = []
        for span in spans:
            if span.id_ == "suffix" and any(e == span.end_char and st > span.start_char for e, st in trusted_ends):
                continue
            kept.append(span)
        kept.sort(key=lambda s: (-(s.end_char - s.start_char), -PRIORITY.get(s.id_, 0), s.start_char))
        taken = [False] * (len(doc) + 1)
        chosen: list[Span] = []
        for span in kept:
            if any(taken[i] for i in range(span.start, span.end)):
                continue
            for i in range(span.start, span.end):
                taken[i] = True
            chosen.append(span)
        doc.ents = sorted(chosen, key=lambda s: s.start)  # type: ignore[assignment]
        return doc


@Language.factory("policykg_entity_resolver")
def make_entity_resolver(nlp: Language, name: str) -> EntityResolver:
    return EntityResolver(nlp, name)
