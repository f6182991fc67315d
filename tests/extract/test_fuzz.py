"""Property-based fuzzing of structure, extraction and decoding (a small, deterministic profile).

The properties and strategies live in `bench/fuzz.py`; `python -m bench.fuzz`
runs them for 10,000+ examples and shrinks what fails. Here each runs 40-100
derandomized examples, so CI sees the same inputs every time, plus the minimal
inputs of bugs the fuzzer found, as regressions.
"""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from bench.fuzz import (
    byte_inputs,
    check_decode,
    check_extraction,
    check_structure,
    genre_documents,
    mutated_plans,
    random_text,
)

# Derandomized: the same examples on every run. No shrinking: a hang would be
# re-run for its whole time limit at every shrink step; bench.fuzz shrinks.
SUITE = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
SUITE_SLOW = settings(SUITE, max_examples=40)
# Only an endless loop takes this long; slow but finite inputs stay well below it.
LIMIT = 8


@SUITE
@given(random_text)
def test_structure_on_random_text(text):
    check_structure(text, limit=LIMIT)


@SUITE
@given(genre_documents())
def test_structure_on_genre_fragments(text):
    check_structure(text, limit=LIMIT)


@SUITE_SLOW
@given(mutated_plans())
def test_structure_on_mutated_plans(text):
    check_structure(text, limit=LIMIT)


@SUITE
@given(random_text)
def test_extraction_on_random_text(nlp, text):
    check_extraction(text, nlp, limit=LIMIT)


@SUITE
@given(genre_documents())
def test_extraction_on_genre_fragments(nlp, text):
    check_extraction(text, nlp, limit=LIMIT)


@SUITE_SLOW
@given(mutated_plans())
def test_extraction_on_mutated_plans(nlp, text):
    check_extraction(text, nlp, limit=LIMIT)


@SUITE
@given(byte_inputs)
def test_decode_returns_text_or_input_error(data):
    check_decode(data, limit=LIMIT)


# Minimal inputs of bugs found by bench.fuzz: each must extract cleanly.
FOUND = {
    # a relation trigger written in traditional characters (實施, 負責, 依託):
    # the evidence must quote the source slice at its offsets, not the simplified word
    "traditional-trigger-implements": "1.白城市教育局實施國培計劃。",
    "traditional-trigger-leads": "國語大學負責東豐縣專家委員會。",
    "traditional-trigger-based-on": "依託諸暨等五大工程。",
    # an abbreviation that normalises to nothing (《》, ，，) must not loop forever
    "empty-abbreviation": "新华书店（下简称《》）。",
    # a percentage in words with no other number in the unit
    "percent-in-words-alone": "1.覆盖率达到百分之九十。",
    # two targets in one clause need two ids (ids key the graph's Target nodes)
    "two-targets-one-clause": "1、新建学校3所和幼儿园5所。",
}


@pytest.mark.parametrize("text", FOUND.values(), ids=FOUND.keys())
def test_found_inputs_extract_cleanly(nlp, text):
    check_extraction(text, nlp, limit=3)


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01", codecs.BOM_UTF16_LE + b"\x00", codecs.BOM_UTF8 + b"\xff", "诸暨".encode("gb18030")[:-1]],
)
def test_decode_edge_bytes(data):
    check_decode(data, limit=LIMIT)
