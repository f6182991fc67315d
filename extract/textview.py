"""A view of a text with PDF breaks removed, and a way back to the original.

Plans copied out of PDFs break words with spaces and line ends (新时 代,
近\\n视检出率). Every rule runs on the view, where those gaps are gone, and
every span it finds is mapped back to offsets in the original text, so a
mention's text is always the exact source slice.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from extract.normalize import normalize_name, normalize_title, simplify_chars

CANDIDATES = "candidates"
_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\n\u3000]+(?=[\u4e00-\u9fff“”《》（(])")


@dataclass(frozen=True)
class TextView:
    text: str
    # offsets[i] is the original offset of view character i; None when identical
    offsets: tuple[int, ...] | None
    original_length: int

    @classmethod
    def build(cls, text: str) -> TextView:
        """Remove whitespace inside runs of Chinese characters.

        >>> v = TextView.build("新时 代学校")
        >>> v.text, v.to_original(2, 3)
        ('新时代学校', (3, 4))
        """
        # Traditional characters are read as simplified, one for one, so every
        # rule and lexicon sees one script and offsets stay those of the text.
        text = simplify_chars(text)
        if not _GAP.search(text):
            return cls(text, None, len(text))
        keep: list[int] = []
        pieces: list[str] = []
        pos = 0
        for m in _GAP.finditer(text):
            keep.extend(range(pos, m.start()))
            pieces.append(text[pos : m.start()])
            pos = m.end()
        keep.extend(range(pos, len(text)))
        pieces.append(text[pos:])
        return cls("".join(pieces), tuple(keep), len(text))

    @classmethod
    def of(cls, doc: Doc) -> TextView:
        """The view of a doc, built once and shared by all components."""
        view = doc.user_data.get("policykg_view")
        if view is None:
            view = cls.build(text_of(doc))
            doc.user_data["policykg_view"] = view
        return view

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if self.offsets is None:
            return start, end
        if start >= end:
            o = self.offsets[start] if start < len(self.offsets) else self.original_length
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


def text_of(doc: Doc) -> str:
    """`doc.text`, read once: spaCy rebuilds it from the tokens on every access."""
    text = doc.user_data.get("policykg_text")
    if text is None:
        text = doc.user_data["policykg_text"] = doc.text
    return text  # type: ignore[no-any-return]


def ents_of(doc: Doc) -> list[Candidate]:
    """`doc.ents`, read once after the resolver set them: spaCy rebuilds the
    tuple by walking every token (every character here) on every access."""
    ents = doc.user_data.get("policykg_ents")
    if ents is None:
        ents = doc.user_data["policykg_ents"] = [Candidate.of_span(e) for e in doc.ents]
    return ents  # type: ignore[no-any-return]


class Candidate:
    """A candidate entity: what the rules need of a spaCy `Span`, without one.

    A unit yields ~13 candidates per accepted name's worth of text, most of
    them dropped by the resolver; a `Span` for each (and a `SpanGroup` to hold
    them) was a tenth of extraction time. Only the entities the resolver
    chooses become `Span`s (``doc.ents``). Equality is a `Span`'s: same
    characters, label, name and source.
    """

    __slots__ = ("end", "end_char", "id_", "kb_id_", "label_", "start", "start_char")

    def __init__(
        self, start: int, end: int, start_char: int, end_char: int, label_: str, kb_id_: str, id_: str
    ) -> None:
        self.start = start  # token offsets, as a Span's
        self.end = end
        self.start_char = start_char
        self.end_char = end_char
        self.label_ = label_
        self.kb_id_ = kb_id_
        self.id_ = id_

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Candidate):
            return NotImplemented
        return (self.start_char, self.end_char, self.label_, self.kb_id_, self.id_) == (
            other.start_char,
            other.end_char,
            other.label_,
            other.kb_id_,
            other.id_,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, as a Span's name and source are

    def __repr__(self) -> str:
        return f"Candidate({self.start_char}, {self.end_char}, {self.label_!r}, {self.kb_id_!r}, {self.id_!r})"

    @classmethod
    def of_span(cls, span: Span) -> Candidate:
        return cls(span.start, span.end, span.start_char, span.end_char, span.label_, span.kb_id_, span.id_)

    def to_span(self, doc: Doc) -> Span:
        return Span(doc, self.start, self.end, label=self.label_, kb_id=self.kb_id_, span_id=self.id_)


def candidates_of(doc: Doc) -> list[Candidate]:
    """The candidates the rules recorded for a doc (the resolver reads them all)."""
    found = doc.user_data.get(CANDIDATES)
    if found is None:
        found = doc.user_data[CANDIDATES] = []
    return found  # type: ignore[no-any-return]


class _Tokens:
    """Where each token starts and stops (its trailing space included), for docs with whitespace."""

    __slots__ = ("ends", "idx", "stops")

    def __init__(self, text: str) -> None:
        from extract.tokenizer import char_words

        words, spaces = char_words(text)
        idx, ends, stops = [], [], []
        pos = 0
        for word, space in zip(words, spaces, strict=True):
            idx.append(pos)
            pos += len(word)
            ends.append(pos)
            pos += space
            stops.append(pos)
        self.idx, self.ends, self.stops = idx, ends, stops

    def at(self, char: int) -> int:
        """spaCy's ``token_by_char``: the token whose text or trailing space holds `char` (tokens tile the text)."""
        return bisect_right(self.stops, char)


def char_span(doc: Doc, start: int, end: int) -> tuple[int, int, int, int] | None:
    """Token and character bounds of ``doc.char_span(start, end, alignment_mode="expand")``, None if empty.

    The same answer without making a Span: every token is one character
    when a unit has no whitespace (most points), else a table per doc.
    """
    text = text_of(doc)
    n = len(text)
    if not (0 <= start < end <= n):
        return None
    if len(doc) == n:  # one token per character, no trailing spaces
        return start, end, start, end
    tokens = doc.user_data.get("policykg_tokens")
    if tokens is None:
        tokens = doc.user_data["policykg_tokens"] = _Tokens(text)
    first, last = tokens.at(start), tokens.at(end - 1) + 1
    if start == tokens.ends[first]:  # trailing whitespace is not part of the token before it
        first += 1
    if first >= last:
        return None
    return first, last, tokens.idx[first], tokens.ends[last - 1]


def add_candidate(
    doc: Doc, view: TextView, start: int, end: int, label: str, name: str, source: str
) -> Candidate | None:
    """Record a candidate entity found at view offsets [start, end)."""
    ostart, oend = view.to_original(start, end)
    bounds = char_span(doc, ostart, oend)
    if bounds is None:
        return None
    first, last, start_char, end_char = bounds
    if not text_of(doc)[start_char:end_char].strip():
        return None
    canonical = normalize_title(name) if label == "Policy" else normalize_name(name)
    candidate = Candidate(first, last, start_char, end_char, label, canonical, source)
    candidates_of(doc).append(candidate)
    return candidate
