"""One normal form for entity names, so equal things become one node.

ONTOLOGY.md: simplified Chinese, no surrounding quotes or 《》, no trailing
punctuation, full-width digits made ASCII. Parentheses are written ASCII
(吉电能谷(白城)…) because that is how most portals print them, and a name
broken by a PDF line end (新时 代) is joined.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# The full-width ASCII block (０-９, Ａ-Ｚ, （）, ＋ …) maps onto ASCII.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[ord("\u3000")] = ord(" ")
_QUOTES = "“”‘’\"'「」『』〈〉"
_QUOTE_RE = re.compile("[" + re.escape(_QUOTES) + "]")
_EDGE = "《》" + _QUOTES + " \t\n\u3000，,。.；;：:、！!？?"
# a PDF's line end or inner space between two characters; also after an
# anonymised copy's placeholder letter (X 市教育局)
_CJK_GAP = re.compile(
    r"(?:(?<=[\u4e00-\u9fff])|(?<=[XYZ\d])(?<![A-Za-z][XYZ]))[ \t\n\u3000]+(?=[\u4e00-\u9fff])"
    r"|(?<=[\u4e00-\u9fff])[ \t\n\u3000]+(?=\d)"
)


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC  # pure Python; imported on first use to keep start-up fast

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese; a no-op on simplified text.

    >>> to_simplified("國家智慧教育平臺")
    '国家智慧教育平台'
    """
    changes = _t2s_changes()
    if changes is not None and changes.isdisjoint(text):
        return text  # nothing OpenCC would change: skip its pure-Python phrase search
    return _t2s().convert(text)


@lru_cache(maxsize=1)
def _t2s_changes() -> frozenset[str] | None:
    """Characters some t2s dictionary entry changes; a text with none of them converts to itself.

    An entry (乾燥 → 干燥) can only match where all its characters are, so
    marking the characters it changes (乾) is enough; an entry whose length
    changes marks all of its characters. Read from the converter's own loaded
    dictionaries, so it always agrees with them (None: not readable, no shortcut).
    """
    converter = _t2s()
    converter.convert("")  # loads the dictionaries
    marked: set[str] = set()

    def walk(chain: Any) -> None:
        for item in chain:
            if isinstance(item, list):
                walk(item)
                continue
            for key, value in item[2].items():
                first = value.split(" ")[0]  # the converter uses the first choice
                if first == key:
                    continue
                if len(first) == len(key):
                    marked.update(k for k, v in zip(key, first, strict=True) if k != v)
                else:
                    marked.update(key)

    try:
        walk(converter._dict_chain_data)
    except (AttributeError, TypeError, IndexError):
        return None
    return frozenset(marked)


@lru_cache(maxsize=1)
def _t2s_chars() -> dict[int, int]:
    """OpenCC's character table, one character to one: offsets survive conversion."""
    from importlib import resources

    table: dict[int, int] = {}
    path = resources.files("opencc") / "dictionary" / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        simp = simp.split(" ")[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[ord(trad)] = ord(simp)
    return table


def simplify_chars(text: str) -> str:
    """Traditional to simplified character by character, keeping every offset.

    >>> simplify_chars("實施國培計劃")
    '实施国培计划'
    """
    if not _has_traditional(text):
        return text  # the usual case: a set test is faster than a dict lookup per character
    return text.translate(_t2s_chars())


@lru_cache(maxsize=1024)
def _has_traditional(text: str) -> bool:
    # the rules ask about the same unit text many times; a str caches its hash
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return not _traditional().isdisjoint(text)
    # GB2312 is the simplified set: of its characters only a handful (乾, 後 …)
    # are ones t2s changes, and encoding runs in C without a str per character
    return _traditional_in_gb2312().search(text) is not None


@lru_cache(maxsize=1)
def _traditional_in_gb2312() -> re.Pattern[str]:
    inside = []
    for ch in sorted(_traditional()):
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        inside.append(re.escape(ch))
    return re.compile("[" + "".join(inside) + "]" if inside else "(?!)")


@lru_cache(maxsize=1)
def _traditional() -> frozenset[str]:
    return frozenset(chr(c) for c in _t2s_chars())


def join_broken(text: str) -> str:
    """Remove whitespace that splits a run of Chinese characters (PDF line ends).

    >>> join_broken("新时 代近\\n视检出率"), join_broken("某县 9 中")
    ('新时代近视检出率', '某县9中')
    """
    return _CJK_GAP.sub("", text)


@lru_cache(maxsize=65536)
def clean_surface(name: str, keep_quotes: bool = False) -> str:
    """A written form tidied but kept in its own script: the form an alias keeps.

    >>> clean_surface("“國培計劃”")
    '國培計劃'
    """
    text = join_broken(name).translate(_FULLWIDTH)
    text = text.strip(_EDGE)
    # Inner 《》 of a title stay; inner quotes are emphasis, not part of the name,
    # except in a document's title, where they are its own punctuation.
    if not keep_quotes:
        text = _QUOTE_RE.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


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
    return to_simplified(clean_surface(name))


@lru_cache(maxsize=65536)
def normalize_title(name: str) -> str:
    """The canonical form of a document's title: as `normalize_name`, inner quotes kept.

    >>> normalize_title("《某区教育发展“十四五”规划》")
    '某区教育发展“十四五”规划'
    """
    return to_simplified(clean_surface(name, keep_quotes=True))
