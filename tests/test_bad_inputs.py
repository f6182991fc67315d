"""Every bad-input class of issue 7 through the CLI: one line, its exit code, earlier outputs intact.

Each case runs against an output folder built from the examples first, and
checks that the folder is byte-for-byte what it was (or, for the cases that
succeed with a warning, that the warning is said).
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from tests.conftest import BAICHENG, EXAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def built_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("built") / "out"
    result = runner.invoke(app, ["build", str(EXAMPLES), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()} | {
        "store->": os.readlink(out / "store").encode()
    }


def _scanned_pdf(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    path.write_bytes(buf.getvalue())


def _case(name: str, tmp: Path, out: Path) -> list[str]:
    """Make the bad input of case `name` under `tmp`; return the command line."""
    build = ["build", "--out", str(out)]
    if name == "missing path":
        return [*build, str(tmp / "no_such_plan.txt")]
    if name == "empty file":
        (tmp / "empty.txt").write_bytes(b"")
        return [*build, str(tmp / "empty.txt")]
    if name == "binary file":
        (tmp / "garbage.txt").write_bytes(os.urandom(4096) + b"\x00" * 64)
        return [*build, str(tmp / "garbage.txt")]
    if name == "undecodable text":
        (tmp / "mojibake.txt").write_bytes(bytes(range(0x80, 0x100)) * 50)
        return [*build, str(tmp / "mojibake.txt")]
    if name == "scanned pdf":
        _scanned_pdf(tmp / "scan.pdf")
        return [*build, str(tmp / "scan.pdf")]
    if name == "unwritable output":
        # /proc takes no new folders, not even from root (CI often runs as root)
        return ["build", str(BAICHENG), "--out", "/proc/policykg-test/out"]
    if name == "malformed graph.json":
        broken = tmp / "broken"
        broken.mkdir()
        (broken / "graph.json").write_text('{"nodes": [', encoding="utf-8")
        return ["stats", str(broken)]
    if name == "malformed patterns":
        (tmp / "p.jsonl").write_text('{"label": "Program", "pattern": \n', encoding="utf-8")
        return [*build, str(BAICHENG), "--patterns", str(tmp / "p.jsonl")]
    if name == "cypher syntax error":
        (tmp / "q.cypher").write_text("MATCH (n:Program RETURN n", encoding="utf-8")
        return ["query", "--file", str(tmp / "q.cypher"), "--graph", str(out)]
    raise AssertionError(name)


@pytest.mark.parametrize(
    "name,code,needle",
    [
        ("missing path", 2, "no such file"),
        ("empty file", 2, "empty"),
        ("binary file", 2, "binary"),
        ("undecodable text", 2, "encoding"),
        ("scanned pdf", 2, "OCR"),
        ("unwritable output", 3, "choose another --out"),
        ("malformed graph.json", 4, "rebuild it"),
        ("malformed patterns", 2, "p.jsonl:1"),
        ("cypher syntax error", 6, "q.cypher"),
    ],
)
def test_bad_input_is_one_line_and_loses_nothing(tmp_path, built_out, name, code, needle):
    before = _snapshot(built_out)
    result = runner.invoke(app, _case(name, tmp_path, built_out))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert needle in lines[0], lines[0]
    assert _snapshot(built_out) == before


def test_output_path_blocked_by_a_file(tmp_path, built_out):
    before = _snapshot(built_out)
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["build", str(BAICHENG), "--out", str(blocker / "out")])
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert len([ln for ln in result.stderr.splitlines() if ln.strip()]) == 1
    assert _snapshot(built_out) == before


def test_duplicates_are_read_once(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(BAICHENG, plans / "a.txt")
    shutil.copy(BAICHENG, plans / "b_same_bytes.txt")
    result = runner.invoke(app, ["build", str(plans), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert "b_same_bytes.txt" in result.stderr and "read once" in " ".join(result.stderr.split())
    stats = runner.invoke(app, ["stats", str(tmp_path / "out"), "--json"])
    assert '"documents": 1' in stats.stdout


def test_no_points_falls_back_to_paragraphs_with_a_warning(tmp_path):
    plan = tmp_path / "plain.txt"
    plan.write_text(
        "某市教育工作安排\n\n今年要全面推进教育数字化，落实国培计划。\n\n还要加强校园安全管理工作。\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["build", str(plan), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "no numbered points" in " ".join(result.stderr.split())
    stats = runner.invoke(app, ["stats", str(tmp_path / "out"), "--json"])
    assert '"points": 2' in stats.stdout
