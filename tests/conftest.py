"""Shared fixtures: the example plans, and one pipeline for the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BAICHENG = EXAMPLES / "baicheng_2024_jiaoyu_gongzuo_yaodian.txt"
ZHUJI = EXAMPLES / "zhuji_2024_jiaoti_gongzuo_yaodian.txt"
# An invented plan (西源市 is no real place) whose points end with responsibility tags of every form.
TAGGED = ROOT / "tests" / "fixtures" / "xiyuan_2025_jiaoyu_gongzuo_yaodian.txt"


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


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory):
    """A real Neo4j: NEO4J_URI if set, else a local one this suite starts (never skipped).

    Under CI=true, and everywhere else, a server that cannot start fails the
    tests that need it: they are the proof that loading and queries work.
    """
    import os

    from graph import neo4j_local

    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    data = tmp_path_factory.mktemp("neo4j")
    uri = neo4j_local.start(port=_free_port(), data_dir=data)
    try:
        yield uri
    finally:
        neo4j_local.stop(data_dir=data)


@pytest.fixture()
def neo4j_store(neo4j_uri):
    """A store on an emptied database, closed after the test."""
    import os

    from graph.neo4j_store import Neo4jStore, open_driver

    driver = open_driver(neo4j_uri, user=os.environ.get("NEO4J_USER"), password=os.environ.get("NEO4J_PASSWORD"))
    store = Neo4jStore(driver, database=os.environ.get("NEO4J_DATABASE"))
    store.clear()
    try:
        yield store
    finally:
        driver.close()
