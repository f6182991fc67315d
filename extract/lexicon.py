"""Lexicons of things that exist beyond any one plan, matched in one pass.

National programmes (国培计划), ministries (教育部), universities with their
abbreviations (杭师大 → 杭州师范大学), platforms, events, laws and a gazetteer
of places. The files live in `extract/lexicons/` in spaCy's EntityRuler
phrase format (`{"label", "pattern", "id"}`; `id` is the canonical name),
plus `places.tsv`. One Aho-Corasick automaton finds all of them in a text
in a single pass, whatever the lexicon size.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from extract.automaton import WordFinder
from extract.textview import TextView, add_candidate
from extract.words import segment
from graph.errors import InputError

log = logging.getLogger(__name__)

LEXICON_DIR = Path(__file__).with_name("lexicons")
_FUNCTION_CHARS = frozenset("和与及的在为是有了而或之以于对把被从向")


@dataclass(frozen=True)
class LexEntry:
    label: str
    name: str  # canonical
    surface: str
    level: str = ""  # places: province, prefecture, county, zone, region
    parent: str = ""  # places: the province or prefecture it belongs to


class Lexicon:
    """Surface form → canonical entity, with a one-pass matcher over any text."""

    def __init__(self, entries: Iterable[LexEntry]) -> None:
        self._by_surface: dict[str, LexEntry] = {}
        for entry in entries:
            # First writer wins: files are read in a fixed order, and a
            # surface that two files claim keeps its more specific type.
            self._by_surface.setdefault(entry.surface, entry)
        self._finder = WordFinder(self._by_surface)
        self.places = {e.surface: e for e in self._by_surface.values() if e.label == "Place"}
        self.place_levels = {e.name: e.level for e in self.places.values()}
        self.place_parents = {e.name: e.parent for e in self.places.values() if e.parent}
        self.place_bigrams = frozenset(p[i : i + 2] for p in self.places for i in range(len(p) - 1))

    def __len__(self) -> int:
        return len(self._by_surface)

    def get(self, surface: str) -> LexEntry | None:
        return self._by_surface.get(surface)

    def find(self, text: str) -> Iterator[tuple[int, int, LexEntry]]:
        """All occurrences, overlapping ones included; the resolver picks."""
        by_surface = self._by_surface
        for start, end, surface in self._finder.find(text):
            entry = by_surface[surface]
            if _plausible(text, start, end, entry):
                yield start, end, entry

    def place_at(self, text: str, start: int) -> int:
        """Length of the longest place name starting at `start` in text (0 if none)."""
        if text[start : start + 2] not in self.place_bigrams:
            return 0  # every place name is 2+ characters: most positions end here
        best = 0
        for n in range(2, min(12, len(text) - start) + 1):
            if text[start : start + n] in self.places:
                best = n
        return best


_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
# What follows a name and shows it is only the start of another word.
_WRONG_NEXT = {"部": "门委属", "法": "治规律人定", "局": "部面势限", "县": "域级城"}


def _plausible(text: str, start: int, end: int, entry: LexEntry) -> bool:
    """Reject hits that are the front or back of an ordinary word.

    教育部门 is not 教育部, 教育法治 not 教育法, and the two-character county
    范县 is not in 示范县: a two-character full name must not follow another
    Chinese character that forms a word with it.
    """
    surface = entry.surface
    nxt = text[end : end + 1]
    if entry.label == "Event" and text[end : end + 2] == "精神":
        return False  # 党的二十大精神: the spirit of a congress, a formula, not the event
    if nxt and nxt in _WRONG_NEXT.get(surface[-1], ""):
        return False
    if (
        entry.label == "Place"
        and len(surface) == 2
        and surface == entry.name
        and surface[-1] in "县区市旗"
        and start > 0
    ):
        prev = text[start - 1]
        if _CJK_CHAR.match(prev) and prev not in _FUNCTION_CHARS and prev not in "、省市州":
            return False
    # 章贡 in 文章贡献, 利通 in 顺利通过, 新邵 in 新邵阳讯: a word runs across the hit
    return not (entry.label == "Place" and len(surface) == 2 and not _on_word_bounds(text, start, end))


def _on_word_bounds(text: str, start: int, end: int) -> bool:
    """Do jieba's words of the text around [start, end) start at `start` and end at `end`?

    >>> _on_word_bounds("顺利通过验收", 1, 3), _on_word_bounds("考察安徽重要讲话", 2, 4)
    (False, True)
    """
    if (start == 0 or not _CJK_CHAR.match(text[start - 1])) and (end >= len(text) or not _CJK_CHAR.match(text[end])):
        return True  # nothing to run across
    lo = max(0, start - 4)
    window = text[lo : min(len(text), end + 4)]
    bounds, pos = {0}, 0
    for word in segment(window):
        pos += len(word)
        bounds.add(pos)
    return (start - lo) in bounds and (end - lo) in bounds


def _read_jsonl(path: Path) -> Iterator[LexEntry]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                obj = json.loads(line)
                pattern = obj["pattern"]
                label = obj["label"]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise InputError(
                    f"{path}:{lineno}: not a pattern line ({e}); "
                    'each line must be {"label": "...", "pattern": "...", "id": "..."}'
                ) from e
            if not isinstance(pattern, str) or len(pattern) < 2:
                continue  # token patterns are for the span ruler, not the lexicon
            yield LexEntry(label=label, name=obj.get("id") or pattern, surface=pattern)


def _read_places(path: Path) -> Iterator[LexEntry]:
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if not row or row[0].startswith("#") or row[0] == "name":
                continue
            name = row[0].strip()
            short = row[1].strip() if len(row) > 1 else ""
            level = row[2].strip() if len(row) > 2 else ""
            parent = row[3].strip() if len(row) > 3 else ""
            if len(name) >= 2:
                yield LexEntry("Place", name, name, level, parent)
            # A short form with a function character (和政, 兴和) reads as
            # ordinary words in running text (…和政治…); only full names count.
            if len(short) >= 2 and not any(ch in _FUNCTION_CHARS for ch in short):
                yield LexEntry("Place", name, short, level, parent)
                if name.endswith("自治州") and len(short) <= 3:
                    # an autonomous prefecture is written with its short name and 州: 恩施州, 延边州
                    yield LexEntry("Place", name, short + "州", level, parent)


@lru_cache(maxsize=4)
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """Read every lexicon file in `directory` (JSONL in name order, then places)."""
    entries: list[LexEntry] = []
    if directory.is_dir():
        for path in sorted(directory.glob("*.jsonl")):
            entries.extend(_read_jsonl(path))
        places = directory / "places.tsv"
        if places.exists():
            entries.extend(_read_places(places))
    lexicon = Lexicon(entries)
    log.debug("lexicon: %d surface forms from %s", len(lexicon), directory)
    return lexicon


class LexiconMatcher:
    """spaCy component: every lexicon hit becomes a candidate span."""

    def __init__(self, nlp: Language, name: str, lexicon_dir: str | None) -> None:
        self.name = name
        self.lexicon = load_lexicon(Path(lexicon_dir) if lexicon_dir else LEXICON_DIR)

    def __call__(self, doc: Doc) -> Doc:
        view = TextView.of(doc)
        for start, end, entry in self.lexicon.find(view.text):
            source = "place" if entry.label == "Place" else "lexicon"
            add_candidate(doc, view, start, end, entry.label, entry.name, source)
        return doc


@Language.factory("policykg_lexicon", default_config={"lexicon_dir": None})
def make_lexicon_matcher(nlp: Language, name: str, lexicon_dir: str | None) -> LexiconMatcher:
    return LexiconMatcher(nlp, name, lexicon_dir)
