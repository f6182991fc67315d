"""A build deletes only what it made, switches every output at once, and refuses what is in its way."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from graph.outdir import GEN_MARK, BuildFolder
from tests.conftest import BAICHENG, EXAMPLES

runner = CliRunner()


def tree(path: Path) -> dict[str, str]:
    """Every entry under `path` (links not followed) with its content's hash or link target."""
    out = {}
    for root, dirs, files in os.walk(path, followlinks=False):
        for name in dirs + files:
            p = Path(root) / name
            rel = str(p.relative_to(path))
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            elif p.is_file():
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[rel] = "dir"
    return out


def build(out: Path, *paths: Path):
    return runner.invoke(app, ["build", *map(str, paths or (EXAMPLES,)), "--out", str(out)])


def refused(result, name: str) -> None:
    assert result.exit_code == 3, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and name in lines[0] and "in the way" in lines[0], result.stderr
    assert "Traceback" not in result.output


@pytest.fixture
def precious(tmp_path):
    """A folder of someone's files that no build may touch."""
    keep = tmp_path / "keep"
    (keep / "sub").mkdir(parents=True)
    (keep / "notes.txt").write_text("mine", encoding="utf-8")
    (keep / "sub" / "data.csv").write_text("a,b\n", encoding="utf-8")
    return keep


@pytest.mark.parametrize("where", ["up", "out", "root", "self"])
def test_a_store_link_is_never_followed(tmp_path, precious, where):
    out = tmp_path / "keep" / "deep" / "out"
    out.mkdir(parents=True)
    target = {"up": "../..", "out": str(precious), "root": "/", "self": "."}[where]
    os.symlink(target, out / "store")
    before = tree(tmp_path)
    refused(build(out), "store")
    assert tree(tmp_path) == before


@pytest.mark.parametrize("name", ["store", "graph.json", "graph.html", "extraction.jsonl", ".current"])
def test_a_users_own_folder_or_file_under_an_outputs_name_is_refused(tmp_path, name):
    out = tmp_path / "out"
    (out / name).mkdir(parents=True)
    (out / name / "mine.txt").write_text("mine", encoding="utf-8")
    before = tree(tmp_path)
    refused(build(out), name)
    assert tree(tmp_path) == before


def test_links_of_a_built_folder_that_point_elsewhere_are_refused(tmp_path, precious):
    out = tmp_path / "out"
    assert build(out).exit_code == 0
    os.replace(out / ".current", out / "moved")  # a user re-pointed the current link at their own files
    os.symlink(str(precious), out / ".current")
    before = tree(tmp_path)
    refused(build(out), ".current")
    assert tree(tmp_path) == before


def test_folders_with_policykg_like_names_are_left_alone(tmp_path, precious):
    out = tmp_path / "out"
    out.mkdir()
    for name in (".store-123", ".spool-1-2", ".gen-mine", ".gen-1-2.tmp"):
        (out / name).mkdir()
        (out / name / "mine.txt").write_text("mine", encoding="utf-8")
    # a link of a generation's name to a folder holding a generation mark: never followed
    (precious / GEN_MARK).write_text("{}", encoding="utf-8")
    os.symlink(str(precious), out / ".gen-link")
    theirs = {k: v for k, v in tree(tmp_path).items() if not k.startswith("out/") or "mine" in k or "link" in k}
    for _ in range(2):
        assert build(out).exit_code == 0
    after = tree(tmp_path)
    assert {k: after.get(k) for k in theirs} == theirs


def test_leftovers_of_killed_builds_are_swept(tmp_path):
    out = tmp_path / "out"
    assert build(out).exit_code == 0
    killed = out / ".gen-999-1"  # what a build killed mid-way leaves: a marked generation, never switched to
    (killed / "store").mkdir(parents=True)
    (killed / GEN_MARK).write_text("{}", encoding="utf-8")
    (killed / ".extraction.jsonl.x.tmp").write_text("half", encoding="utf-8")
    os.symlink(".gen-999-1", out / ".current.tmp-999-1")
    current = os.readlink(out / ".current")
    assert build(out).exit_code == 0  # nothing changed: the outputs are kept, the leftovers swept
    names = {p.name for p in out.iterdir()}
    assert ".gen-999-1" not in names and ".current.tmp-999-1" not in names and current in names
    assert build(out, BAICHENG).exit_code == 0
    names = {p.name for p in out.iterdir()}
    assert current not in names  # the build it replaced is gone too
    assert len([n for n in names if n.startswith(".gen-")]) == 1


def test_every_output_switches_at_once(tmp_path):
    out = tmp_path / "out"
    assert build(out, BAICHENG).exit_code == 0
    for name in ("graph.json", "graph.html", "extraction.jsonl", "store"):
        assert os.readlink(out / name) == f".current/{name}"
    first = os.readlink(out / ".current")
    assert build(out).exit_code == 0
    second = os.readlink(out / ".current")
    assert second != first and not (out / first).exists()
    assert (out / "extraction.jsonl").read_text(encoding="utf-8").count("\n") == 2


def test_a_second_build_into_one_folder_refuses(tmp_path):
    out = tmp_path / "out"
    assert build(out).exit_code == 0
    before = tree(out)
    with BuildFolder(out).locked():
        result = build(out)
    assert result.exit_code == 3 and "another policykg build is writing here" in result.stderr
    assert tree(out) == before


def test_an_output_folder_inside_the_input_folder_is_not_read(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / BAICHENG.name).write_bytes(BAICHENG.read_bytes())
    out = plans / "out"
    for _ in range(2):
        result = build(out, plans)
        assert result.exit_code == 0, result.output
    assert (out / "extraction.jsonl").read_text(encoding="utf-8").count("\n") == 1
    assert "inside the output folder" in result.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["build", str(EXAMPLES), "--out", "/sys/policykg-out"], "cannot create the output directory"),
        (["build", str(EXAMPLES), "--out", "/proc/self/policykg"], "cannot create the output directory"),
    ],
)
def test_outputs_where_nothing_can_be_written(args, says):
    result = runner.invoke(app, args)
    assert result.exit_code == 3 and says in result.stderr and "Traceback" not in result.output


def test_a_page_written_onto_a_folder(tmp_path):
    out = tmp_path / "out"
    assert build(out).exit_code == 0
    (tmp_path / "page").mkdir()
    result = runner.invoke(app, ["viz", str(out), "-o", str(tmp_path / "page")])
    assert result.exit_code == 3 and "is a folder" in result.stderr and "Traceback" not in result.output
