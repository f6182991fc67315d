"""One token per character, as spaCy's Chinese "char" segmenter makes them, in linear time.

spaCy's segmenter aligns its characters to the text with
``util.get_words_and_spaces``, which slices the rest of the text for every
character: quadratic, a few ms on a point but minutes on a 20,000-character
unit of a plan with no numbering. This makes the same tokens (whitespace
runs as tokens of their own, one ASCII space after a character as its
trailing space) in one pass; a test compares it with spaCy's on random text.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc
from spacy.vocab import Vocab

_SPACE = re.compile(r"\s")


def char_words(text: str) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags of `text`, as spaCy's char segmenter gives them.

    >>> char_words("国培 计划  x")
    (['国', '培', '计', '划', ' ', 'x'], [False, True, False, True, False, False])
    """
    if _SPACE.search(text) is None:  # most points: every character a token, no spaces
        return list(text), [False] * len(text)
    words: list[str] = []
    spaces: list[bool] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
            words.append(text[i:j])
            spaces.append(False)
            i = j
            continue
        words.append(ch)
        i += 1
        if i < n and text[i] == " ":
            spaces.append(True)
            i += 1
        else:
            spaces.append(False)
    return words, spaces


class CharTokenizer:
    """A drop-in for ``spacy.lang.zh.ChineseTokenizer`` with ``segmenter="char"``.

    Words go to `Doc` as their string-store ids: given a string, `Doc` encodes
    and hashes it for every token, which made building a unit's Doc a sixth
    of extraction; a plan has a few thousand distinct characters, each hashed
    once here.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._ids: dict[str, int] = {}

    def __call__(self, text: str) -> Doc:
        words, spaces = char_words(text)
        ids = self._ids
        if len(ids) > 200_000:  # whitespace runs of every length: don't grow without end
            ids.clear()
        try:
            orths = list(map(ids.__getitem__, words))  # no bytecode per character once all are known
        except KeyError:
            add = self.vocab.strings.add
            orths = [ids[w] if w in ids else ids.setdefault(w, add(w)) for w in words]
        return Doc(self.vocab, words=orths, spaces=spaces)  # type: ignore[arg-type]  # ids are words too
