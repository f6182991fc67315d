"""Shortcuts in normalisation give exactly what the slow path gives."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from extract.normalize import _has_traditional, _t2s, _t2s_changes, _traditional, to_simplified


def _phrase_keys(limit: int) -> list[str]:
    keys: list[str] = []
    for item in _t2s()._dict_chain_data[0]:
        keys.extend(k for k in item[2] if len(k) > 1)
    random.Random(1).shuffle(keys)
    return keys[:limit]


# simplified text, traditional characters, and the dictionaries' own phrases (乾燥 → 干燥,
# where 燥 is simplified already and only 乾 changes)
_PIECES = st.sampled_from(["国培计划", "学校", "。", "，", " ", "乾", "燥", "國", "臺", "后", "後", *_phrase_keys(300)])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12))
def test_to_simplified_is_opencc(pieces):
    text = "".join(pieces)
    assert to_simplified(text) == _t2s().convert(text)


def test_the_shortcut_is_taken_on_simplified_text():
    changes = _t2s_changes()
    assert changes is not None
    assert changes.isdisjoint("白城职业技术学院实施国培计划")
    assert "乾" in changes and "國" in changes


# simplified text, GB2312's own traditional characters (乾, 後), others (國), and text GB2312 can't encode
_CHARS = st.sampled_from(
    ["国", "培", "。", " ", "\n", "“", "乾", "後", "麽", "國", "臺", "犍", "𠀀", "é", *sorted(_traditional())[::97]]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_CHARS, max_size=20))
def test_traditional_check_is_the_set_test(chars):
    """The GB2312 shortcut answers as a test against the whole traditional set."""
    text = "".join(chars)
    _has_traditional.cache_clear()
    assert _has_traditional(text) == (not _traditional().isdisjoint(text))
