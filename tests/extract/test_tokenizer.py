"""The linear char tokenizer makes exactly spaCy's char-segmenter tokens."""

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.tokenizer import CharTokenizer

_NLP = spacy.blank("zh")
_OURS = CharTokenizer(_NLP.vocab)
_ALPHABET = st.sampled_from([*"国培计划 \u3000\n\t\r ab1。“”（）", "\u00a0", "𠀀"])


def _tokens(doc):
    return [(t.text, t.whitespace_) for t in doc]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_same_tokens_as_spacy(text):
    ours = _OURS(text)
    assert _tokens(ours) == _tokens(_NLP.make_doc(text))
    assert ours.text == text


def test_same_tokens_on_the_examples():
    from tests.conftest import BAICHENG, ZHUJI

    for path in (BAICHENG, ZHUJI):
        text = path.read_text(encoding="utf-8")
        assert _tokens(_OURS(text)) == _tokens(_NLP.make_doc(text))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=30), st.integers(-2, 32), st.integers(-2, 32))
def test_candidate_bounds_are_spacys_expanded_char_span(text, start, end):
    """Candidates are placed without making Spans: the same tokens and characters as spaCy's."""
    from extract.textview import char_span

    doc = _OURS(text)
    doc.user_data["policykg_text"] = text
    ours = char_span(doc, start, end)
    if not (0 <= start < end <= len(text)):
        assert ours is None
        return
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        assert ours is None
    else:
        assert ours == (span.start, span.end, span.start_char, span.end_char)
