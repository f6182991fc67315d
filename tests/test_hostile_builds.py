"""Every hostile input of the reading side, built into a folder holding an earlier build: one line, nothing lost."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from extract.build import build
from extract.read import DEFAULT_LIMITS
from graph.errors import InputError
from tests.conftest import EXAMPLES
from tests.extract.hostile_cases import hostile_read_cases
from tests.graph.test_outdir import tree


@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    out = tmp_path_factory.mktemp("earlier") / "out"
    build([EXAMPLES], out)
    return out


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return hostile_read_cases(tmp_path_factory.mktemp("hostile"))


COUNT = 22  # the cases hostile_read_cases makes (checked below): one test each


def test_every_case_is_run(cases):
    assert len(cases) == COUNT


@pytest.mark.parametrize("i", range(COUNT))
def test_a_hostile_input_leaves_the_earlier_build_whole(earlier, cases, tmp_path, i):
    _, files, overrides = cases[i]
    out = tmp_path / "out"
    shutil.copytree(earlier, out, symlinks=True)
    before = tree(out)
    try:
        result = build(files, out, limits=replace(DEFAULT_LIMITS, **overrides))
    except InputError as e:
        message = str(e)
        assert "\n" not in message and len(message) < 400, message
        assert tree(out) == before  # refused: not one byte of the earlier build changed
        return
    # read after all (a deep page, a folder whose bad file was skipped): a whole new build, no leftovers
    assert result.summary["documents"] >= 1
    assert len(list(out.glob(".gen-*"))) == 1
