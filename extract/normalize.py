"""One normal form for entity names, so equal things become one node.

ONTOLOGY.md: simplified Chinese, no surrounding quotes or 《》, no trailing
punctuation, full-width digits made ASCII. Parentheses are written ASCII
(吉电能谷(白城)…) because that is how most portals print them, and a name
broken by a PDF line end (新时 代) is joined.
"""

from __future__ import annotations

import re
from functools import lru_cache

# The full-width ASCII block (０-９, Ａ-Ｚ, （）, ＋ …) maps onto ASCII.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[ord("\u3000")] = ord(" ")
_QUOTES = "“”‘’\"'「」『』〈〉"
_QUOTE_RE = re.compile("[" + re.escape(_QUOTES) + "]")
_EDGE = "《》" + _QUOTES + " \t\n\u3000，,。.；;：:、！!？?"
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\n\u3000]+(?=[\u4e00-\u9fff])")


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC  # pure Python; imported on first use to keep start-up fast

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese; a no-op on simplified text.

    >>> to_simplified("國家智慧教育平臺")
    '国家智慧教育平台'
    """
    return _t2s().convert(text)


def join_broken(text: str) -> str:
    """Remove whitespace that splits a run of Chinese characters (PDF line ends).

    >>> join_broken("新时 代近\\n视检出率")
    '新时代近视检出率'
    """
    return _CJK_GAP.sub("", text)


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """The canonical form of an entity name.

    >>> normalize_name("“国培计划”")
    '国培计划'
    >>> normalize_name("《关于加强新时代中小学科学教育工作的实施意见》")
    '关于加强新时代中小学科学教育工作的实施意见'
    >>> normalize_name("吉电能谷（白城）储能投资有限公司")
    '吉电能谷(白城)储能投资有限公司'
    >>> normalize_name("中小学校党建“示范引领”争创计划")
    '中小学校党建示范引领争创计划'
    >>> normalize_name("國家智慧教育平臺，")
    '国家智慧教育平台'
    """
    text = join_broken(name).translate(_FULLWIDTH)
    text = text.strip(_EDGE)
    # Inner 《》 of a title stay; inner quotes are emphasis, not part of the name.
    text = _QUOTE_RE.sub("", text)
    text = to_simplified(text)
    return re.sub(r"\s+", " ", text).strip()
