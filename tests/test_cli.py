import json

import pytest
from typer.testing import CliRunner

from cli import app
from tests.conftest import BAICHENG, EXAMPLES

runner = CliRunner()


def commands():
    return sorted(c.name or c.callback.__name__ for c in app.registered_commands)


@pytest.mark.parametrize("command", ["build", "extract", "stats"])
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_build_then_stats(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(EXAMPLES), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "graph.json").is_file() and (out / "graph.html").is_file()
    assert "documents" in result.output and "IMPLEMENTS" in result.output
    stats = runner.invoke(app, ["stats", str(out), "--json"])
    assert stats.exit_code == 0
    data = json.loads(stats.output)
    assert data["documents"] == 2 and data["points"] == 40


def test_extract_jsonl_to_stdout_and_file(tmp_path):
    result = runner.invoke(app, ["extract", str(BAICHENG), "--format", "jsonl"])
    assert result.exit_code == 0
    (line,) = result.stdout.strip().splitlines()
    doc = json.loads(line)
    assert doc["document"]["doc_number"] == "白教字〔2024〕1号"
    assert len(doc["points"]) == 20
    target = tmp_path / "x.jsonl"
    result = runner.invoke(app, ["extract", str(BAICHENG), "-o", str(target)])
    assert result.exit_code == 0 and json.loads(target.read_text(encoding="utf-8"))["points"]


def _one_line_error(result, code, needle):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]


def test_user_errors_are_one_line(tmp_path):
    out = tmp_path / "out"
    ok = runner.invoke(app, ["build", str(EXAMPLES), "--out", str(out)])
    assert ok.exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 1000)
    blocker = tmp_path / "blocker"
    blocker.write_text("x")

    _one_line_error(runner.invoke(app, ["build", str(tmp_path / "missing.txt"), "--out", str(out)]), 2, "no such file")
    _one_line_error(runner.invoke(app, ["build", str(empty), "--out", str(out)]), 2, "empty")
    _one_line_error(runner.invoke(app, ["build", str(binary), "--out", str(out)]), 2, "binary")
    _one_line_error(runner.invoke(app, ["build", str(EXAMPLES), "--out", str(blocker)]), 3, "not a directory")
    _one_line_error(runner.invoke(app, ["stats", str(tmp_path / "nowhere")]), 4, "policykg build")
    # a failing build leaves the earlier outputs exactly as they were
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_mixed_good_and_bad_input_writes_nothing(tmp_path):
    out = tmp_path / "out"
    bad = tmp_path / "plans"
    bad.mkdir()
    (bad / "a.txt").write_bytes(BAICHENG.read_bytes())
    (bad / "b.txt").write_bytes(b"")
    # files named on the command line: one bad file fails the whole run
    result = runner.invoke(app, ["build", str(bad / "a.txt"), str(bad / "b.txt"), "--out", str(out)])
    assert result.exit_code == 2
    assert not (out / "graph.json").exists()
    assert not [p for p in out.iterdir()] if out.exists() else True
    # a folder: the bad file is skipped with a warning (issue 16), the rest builds
    result = runner.invoke(app, ["build", str(bad), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "b.txt: the file is empty" in result.stderr and (out / "graph.json").exists()


def test_no_args_shows_help():
    result = runner.invoke(app, [])
    assert "build" in result.output and "extract" in result.output
