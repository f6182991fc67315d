"""The word finder reports exactly the occurrences a naive scan finds, in scan order."""

from hypothesis import given, settings
from hypothesis import strategies as st

from extract.automaton import WordFinder

_CHARS = st.sampled_from([*"国培计划学校教育局", "𠀀", "𠀁", " ", "\n"])
_WORDS = st.lists(st.text(alphabet=_CHARS, min_size=1, max_size=4), max_size=8)


def _naive(words: list[str], text: str) -> list[tuple[int, int, str]]:
    hits = {(i, i + len(w), w) for w in set(words) for i in range(len(text)) if text.startswith(w, i)}
    return sorted(hits, key=lambda h: (h[1], h[0]))


@settings(max_examples=400, deadline=None)
@given(_WORDS, st.text(alphabet=_CHARS, max_size=30))
def test_same_occurrences_as_a_naive_scan(words, text):
    """Offsets are characters (code points), also past the Basic Multilingual Plane."""
    assert WordFinder(words).find(text) == _naive(words, text)


def test_no_words_find_nothing():
    assert WordFinder([]).find("国培计划") == []


@settings(max_examples=200, deadline=None)
@given(_WORDS, st.text(alphabet=_CHARS, max_size=30))
def test_spans_are_the_same_occurrences(words, text):
    """`spans` (unordered, by word index) holds exactly what `find` reports."""
    finder = WordFinder(words)
    assert sorted((s, e, finder.words[i]) for i, s, e in finder.spans(text)) == sorted(finder.find(text))
    assert WordFinder([]).spans(text) == []
