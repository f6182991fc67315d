"""Shared fixtures: the example plans, and one pipeline for the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BAICHENG = EXAMPLES / "baicheng_2024_jiaoyu_gongzuo_yaodian.txt"
ZHUJI = EXAMPLES / "zhuji_2024_jiaoti_gongzuo_yaodian.txt"


@pytest.fixture(scope="session")
def nlp():
    from extract.pipeline import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def extractions(nlp):
    from extract.pipeline import extract_document
    from extract.read import read_document

    return {p.name: extract_document(read_document(p), nlp) for p in (BAICHENG, ZHUJI)}


@pytest.fixture(scope="session")
def built(tmp_path_factory, extractions):
    """The examples built once through the real `build` path."""
    from extract.build import build

    out = tmp_path_factory.mktemp("out")
    return build([EXAMPLES], out)
