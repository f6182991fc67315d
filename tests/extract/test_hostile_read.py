"""Hostile files end in one clear line (issue 16, the reading side).

Each case of `hostile_cases` goes through the CLI: a refusal exits 2 with
one stderr line naming the file and no traceback; the cases a careful
reader can read (a page nested 300 deep, a UTF-8 page claiming GBK, a
folder holding a bomb or a link loop) succeed. FIFO, /dev/zero, the
unlistable folder and `--jobs 2` run in a real process, with a generous
timeout that is a guard against hangs, not a benchmark.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import logging
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cli import app
from extract.read import DEFAULT_LIMITS, ReadLimits, read_document
from graph.errors import InputError
from tests.conftest import BAICHENG, ROOT
from tests.extract.hostile_cases import hostile_read_cases

runner = CliRunner()
TIMEOUT = 120  # seconds: only a hang reaches it

# name: (exit code, text the one stderr line holds; for a success, text the output holds)
EXPECTED: dict[str, tuple[int, str]] = {
    "fifo": (2, "named pipe (FIFO), not a plan file"),
    "dev zero": (2, "/dev/zero: is a device, not a plan file"),
    "oversized file": (2, "is 3.4 MB, over the 1 MB limit for one plan; split it or raise --max-file-mb"),
    "docx zip bomb": (2, "over the 100x limit (a zip bomb?)"),
    "docx zip bomb, low caps": (2, "over the 10x limit (a zip bomb?)"),
    "docx lying sizes": (2, "Bad CRC-32"),
    "docx xml syntax error": (2, "its XML is broken"),
    "docx truncated part": (2, "its XML is broken"),
    "docx corrupt deflate": (2, "not a readable Word (.docx) file"),
    "docx truncated zip": (2, "not a readable Word (.docx) file"),
    "docx billion laughs": (2, "entity"),
    "docx giant text node": (2, "Text node too long"),
    "pdf over pypdf's limits": (2, "over pypdf's size limits (LimitReachedError"),
    "pdf shared long content stream": (2, "took over 1 s, the limit for one PDF"),
    "pdf too many pages": (2, "has 30 pages, over the 20-page limit"),
    "html oversized": (2, "over the 2 MB limit for a saved page"),
    "html nested 300 deep": (0, "国培计划"),
    "html utf-8 claiming gbk": (0, "国培计划"),
    "html utf-8 claiming latin-1": (0, "国培计划"),
    "name with markup": (2, "a[/x].txt: the file is empty"),
    "folder with a bomb": (0, "b_bomb.docx"),
    "folder with a link loop": (0, "国培计划"),
}
IN_A_PROCESS = {"fifo", "dev zero", "folder with a bomb"}


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return {name: (files, limits) for name, files, limits in hostile_read_cases(tmp_path_factory.mktemp("hostile"))}


def test_every_case_has_an_expectation(cases):
    assert set(cases) == set(EXPECTED)


def _one_line(stderr: str, code: int, exit_code: int, needle: str, output: str) -> str:
    assert exit_code == code, output
    assert "Traceback" not in output
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert needle in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - IN_A_PROCESS))
def test_hostile_file_through_the_cli(cases, monkeypatch, caplog, name):
    files, limits = cases[name]
    monkeypatch.setattr("extract.read.DEFAULT_LIMITS", dataclasses.replace(DEFAULT_LIMITS, **limits))
    with caplog.at_level(logging.WARNING):
        result = runner.invoke(app, ["extract", *map(str, files)])
    code, needle = EXPECTED[name]
    if code == 0:
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        assert needle in result.stdout
        # nothing else said: no parser's warning reaches the user's terminal
        assert not result.stderr.strip() and not [r.getMessage() for r in caplog.records]
        return
    line = _one_line(result.stderr, code, result.exit_code, needle, result.output)
    assert str(files[0]) in line  # the one line names the file


def _run(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "COLUMNS": "400"},
        **kwargs,
    )


@pytest.mark.parametrize("name", ["fifo", "dev zero"])
def test_special_files_are_refused_at_once(cases, name):
    files, _ = cases[name]
    result = _run("extract", *map(str, files))
    line = _one_line(result.stderr, 2, result.returncode, EXPECTED[name][1], result.stdout + result.stderr)
    assert str(files[0]) in line


def test_a_special_file_in_a_folder_is_skipped_with_a_warning(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "a.txt").write_bytes(BAICHENG.read_bytes())
    os.mkfifo(folder / "b_pipe.txt")
    (folder / "c_zero.txt").symlink_to("/dev/zero")
    result = _run("extract", str(folder))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.count("\n") == 1  # the one plan
    warned = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(warned) == 2 and "b_pipe.txt: is a named pipe" in warned[0] and "c_zero.txt: is a device" in warned[1]


def test_jobs_2_folder_with_a_bomb_builds_the_good_plan(cases, tmp_path):
    files, _ = cases["folder with a bomb"]
    out = tmp_path / "out"
    result = _run("build", *map(str, files), "--out", str(out), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    about = {ln.split("b_bomb.docx", 1)[1] for ln in result.stderr.splitlines() if "b_bomb.docx" in ln}
    assert len(about) == 1, result.stderr  # one message (build.py also logs each warning it returns)
    assert "zip bomb" in about.pop()
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    assert [n["source"] for n in graph["nodes"] if n.get("kind") == "Document"] == ["a_good.txt"]


def test_named_bad_file_with_jobs_2_fails_the_run_in_one_line(cases, tmp_path):
    bomb = cases["docx zip bomb"][0][0]
    result = _run("build", str(BAICHENG), str(bomb), "--out", str(tmp_path / "out"), "-j", "2")
    line = _one_line(result.stderr, 2, result.returncode, "zip bomb", result.stdout + result.stderr)
    assert str(bomb) in line
    assert not (tmp_path / "out" / "graph.json").exists()


def test_an_unexpected_error_in_a_worker_is_a_warning_naming_the_file(tmp_path, monkeypatch):
    """A bug on one file (here a parser raising something unforeseen) skips that file, in one line."""
    from extract import stream

    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "a.txt").write_bytes(BAICHENG.read_bytes())
    (folder / "b.docx").write_bytes(b"PK")

    def broken(data, *, name, limits):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("extract.read._read_docx", broken)
    from extract.read import scan_inputs

    files, _ = scan_inputs([folder])
    for jobs in (1, 2):
        items = list(stream.extract_files(files, jobs=jobs))
        skipped = [i for i in items if i.skipped]
        assert [i.path.name for i in skipped] == ["b.docx"]
        (warning,) = skipped[0].warnings
        assert "b.docx: could not be read (ZeroDivisionError); report this" in warning
        assert sum(1 for i in items if i.extraction is not None) == 1
    with pytest.raises(InputError, match=r"b\.docx: could not be read \(ZeroDivisionError\)"):
        list(stream.extract_files([folder / "b.docx"], jobs=1))


def test_nothing_readable_in_a_folder_is_an_error(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"")
    (folder / "b.txt").write_bytes(b"\x00" * 100)
    result = runner.invoke(app, ["extract", str(folder)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "none of the 2 plan files could be read" in result.stderr


def _without_root_powers() -> None:
    """In the child, before exec: drop root's power to read any folder.

    From the bounding set, so that the exec does not give them back.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_an_unlistable_folder_inside_a_walk_is_a_warning(tmp_path):
    folder = tmp_path / "plans"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.txt").write_bytes(BAICHENG.read_bytes())
    (folder / "locked" / "b.txt").write_bytes(BAICHENG.read_bytes())
    kwargs = {}
    if os.geteuid() == 0:  # root reads any folder: run the CLI without that power
        try:
            subprocess.run(["true"], preexec_fn=_without_root_powers, check=True, timeout=TIMEOUT)
        except (OSError, subprocess.SubprocessError) as e:
            pytest.skip(f"running as root and cannot drop CAP_DAC_OVERRIDE: {e}")
        kwargs["preexec_fn"] = _without_root_powers
    (folder / "locked").chmod(0)
    try:
        result = _run("extract", str(folder), **kwargs)
    finally:
        (folder / "locked").chmod(0o755)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "locked: folder cannot be listed (Permission denied)" in lines[0], result.stderr
    assert result.stdout.count("\n") == 1


def test_patterns_with_a_raw_line_separator(tmp_path):
    patterns = tmp_path / "p.jsonl"
    patterns.write_text(
        '{"label": "Program", "pattern": "春晖\u2028计划"}\n{"label": "Program", "pattern": "国培计划"}\n'
    )
    from extract.pipeline import read_patterns

    assert [p["pattern"] for p in read_patterns(patterns)] == ["春晖\u2028计划", "国培计划"]
    result = runner.invoke(app, ["extract", str(BAICHENG), "--patterns", str(patterns)])
    assert result.exit_code == 0, result.output


def test_patterns_file_too_big_or_not_utf8(tmp_path):
    from extract.pipeline import read_patterns

    big = tmp_path / "big.jsonl"
    big.write_text('{"label": "Program", "pattern": "国培计划"}\n' * 1000, encoding="utf-8")
    with pytest.raises(InputError, match=r"is 47 KB, over the 1 KB limit for a patterns file; split it$"):
        read_patterns(big, limits=ReadLimits(max_patterns_bytes=1024))
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"label": "Program", "pattern": "café"}\n'.encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_patterns(latin)


def test_a_docx_with_a_dtd_but_no_expansion_is_refused(tmp_path):
    from tests.extract.hostile_cases import document_xml, paragraphs, write_docx

    xml = document_xml(paragraphs(["一、总体要求"]), prolog='<!DOCTYPE w:document [<!ENTITY x "y">]>')
    with pytest.raises(InputError, match="declares a DTD"):
        read_document(write_docx(tmp_path / "dtd.docx", xml))


def test_a_docx_reads_as_python_docx_did(tmp_path):
    """Paragraphs, then table rows; tabs in runs are tabs, tab stops in properties are not."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("一、总体要求")
    para = doc.add_paragraph("1.开展")
    para.add_run("行动\t。").bold = True
    para.paragraph_format.tab_stops.add_tab_stop(100)
    table = doc.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "发文字号:"
    table.rows[0].cells[1].text = "白教字〔2024〕1号"
    table.rows[1].cells[0].text = "成文日期:"
    doc.add_paragraph("二、主要任务")
    path = tmp_path / "plan.docx"
    doc.save(path)
    again = Document(path)
    expected = [p.text for p in again.paragraphs] + [
        " ".join(c.text.strip() for c in row.cells if c.text.strip()) for t in again.tables for row in t.rows
    ]
    assert read_document(path).text == "\n".join(expected)


def test_limits_are_checked_before_reading(tmp_path):
    """A file over the limit is refused from its size on disk: a sparse 5 GB file is never read."""
    sparse = tmp_path / "sparse.txt"
    with sparse.open("wb") as fh:
        fh.truncate(5 * 1024**3)
    with pytest.raises(InputError, match=r"is 5120 MB, over the 50 MB limit for one plan"):
        read_document(sparse)
    with pytest.raises(InputError, match="above 0"):
        DEFAULT_LIMITS.with_file_mb(0)


def test_the_pdf_time_budget_holds_in_a_worker(cases, tmp_path, monkeypatch):
    """The deadline is an alarm in each worker's main thread too: a slow PDF in a folder is one warning."""
    import shutil

    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(BAICHENG, folder / "a.txt")
    shutil.copy(cases["pdf shared long content stream"][0][0], folder / "b_slow.pdf")
    monkeypatch.setattr("extract.read.DEFAULT_LIMITS", dataclasses.replace(DEFAULT_LIMITS, pdf_seconds=1.0))
    result = runner.invoke(app, ["extract", str(folder), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "b_slow.pdf: reading its text took over 1 s" in lines[0], result.stderr
    assert result.stdout.count("\n") == 1


def test_max_file_mb_option(cases, tmp_path):
    big = cases["oversized file"][0][0]
    result = runner.invoke(app, ["extract", str(big), "--max-file-mb", "1"])
    _one_line(result.stderr, 2, result.exit_code, "over the 1 MB limit for one plan", result.output)
    assert runner.invoke(app, ["extract", str(BAICHENG), "--max-file-mb", "0.5"]).exit_code == 0
    result = runner.invoke(app, ["build", str(big), "--out", str(tmp_path / "out"), "--max-file-mb", "0"])
    _one_line(result.stderr, 2, result.exit_code, "--max-file-mb 0: give a size in MB above 0", result.output)
