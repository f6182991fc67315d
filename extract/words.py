"""Words and their parts of speech, from jieba's dictionary: where a name may start.

Chinese writes no spaces, so a rule that finds a name by its suffix (…学校,
…工程) must decide where the name begins, and the text before it is as
often a verb, an adverb or a conjunction (随着, 充分发挥, 希望, 纳入, 坚持)
as it is part of the name. No hand list covers those. jieba's dictionary
(349,046 words, each with a frequency and a part-of-speech tag, on PyPI)
does: its segmenter cuts a candidate into words and the tags tell which
words cannot open a name. Only the dictionary and the segmenter's
deterministic route are used (no HMM, nothing downloaded, nothing cached on
disk).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources
from typing import Any

log = logging.getLogger(__name__)

# Tags of words that never open a name: verbs, adverbs, prepositions,
# conjunctions, pronouns, auxiliaries. vn (建设, 发展), nouns and fixed
# phrases (基础教育 l) may. One-character words are left to the boundary
# lists: the dictionary tags 树, 扩, 普 as verbs and adverbs, and names are
# made of such characters.
OPENING_TAGS = frozenset({"v", "vd", "vi", "vq", "d", "df", "ad", "p", "c", "r", "rr", "rz", "u", "ud", "uj"})


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    """jieba's segmenter with its dictionary loaded in memory only (no cache file, no log line)."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    # initialize() would read or write a cache file in the temp folder; build the prefix dict directly
    tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
    tokenizer.initialized = True
    return tokenizer


@lru_cache(maxsize=1)
def _tags() -> dict[str, str]:
    """The part-of-speech tag of every dictionary word whose tag matters here."""
    out: dict[str, str] = {}
    path = resources.files("jieba") / "dict.txt"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            word, _freq, tag = line.rstrip("\n").split(" ")
            out[word] = tag
    return out


@lru_cache(maxsize=65536)
def segment(text: str) -> tuple[str, ...]:
    """Words of a short string by jieba's dictionary route.

    >>> segment("随着石齐学校"), segment("教师进修学校")
    (('随着', '石', '齐', '学校'), ('教师', '进修学校'))
    """
    return tuple(_segmenter().lcut(text, HMM=False))


def tag(word: str) -> str:
    """The dictionary's tag for a word ('' when it is not a dictionary word).

    >>> tag("实施"), tag("学校"), tag("随着")
    ('v', 'n', 'p')
    """
    return _tags().get(word, "")


def opens_name(word: str) -> bool:
    """Can a name start with this word? Not a verb, adverb, preposition, conjunction or pronoun.

    >>> opens_name("纳入"), opens_name("充分"), opens_name("建设路"), opens_name("滨州市"), opens_name("树")
    (False, False, True, True, True)
    """
    return len(word) < 2 or tag(word) not in OPENING_TAGS


def is_verb(word: str) -> bool:
    """A plain verb (not a verbal noun such as 建设, 发展).

    >>> is_verb("完成"), is_verb("建设"), is_verb("学校")
    (True, False, False)
    """
    return len(word) >= 2 and tag(word) in ("v", "vd", "vi")
