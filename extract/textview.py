"""A view of a text with PDF breaks removed, and a way back to the original.

Plans copied out of PDFs break words with spaces and line ends (新时 代,
近\\n视检出率). Every rule runs on the view, where those gaps are gone, and
every span it finds is mapped back to offsets in the original text, so a
mention's text is always the exact source slice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from extract.normalize import normalize_name, simplify_chars

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


def ents_of(doc: Doc) -> list[Span]:
    """`doc.ents`, read once after the resolver set them: spaCy rebuilds the
    tuple by walking every token (every character here) on every access."""
    ents = doc.user_data.get("policykg_ents")
    if ents is None:
        ents = doc.user_data["policykg_ents"] = list(doc.ents)
    return ents  # type: ignore[no-any-return]


def add_candidate(doc: Doc, view: TextView, start: int, end: int, label: str, name: str, source: str) -> Span | None:
    """Record a candidate entity found at view offsets [start, end)."""
    ostart, oend = view.to_original(start, end)
    span = doc.char_span(ostart, oend, label=label, alignment_mode="expand")
    if span is None or not text_of(doc)[span.start_char : span.end_char].strip():
        return None
    span.kb_id_ = normalize_name(name)
    span.id_ = source
    group = doc.spans.get(CANDIDATES, None)
    if group is None:
        doc.spans[CANDIDATES] = [span]
    else:
        group.append(span)
    return span
