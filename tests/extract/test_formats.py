"""Plans as saved web pages, Word files and PDFs; folders with other files in them."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from cli import app
from extract.read import read_document, scan_inputs
from graph.errors import InputError
from tests.conftest import BAICHENG

runner = CliRunner()

PAGE = """<!DOCTYPE html><html><head><meta charset="gb2312"><title>白城市教育局</title>
<script>var tracker = "登录";</script></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/zwgk">政务公开</a> |
<a href="/login">登录</a> | <a href="/reg">注册</a></div>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div>
<div class="article"><h1>关于印发《白城市2024年教育工作要点》的通知</h1>
<table><tr><td>发文机关:</td><td>白城市教育局</td></tr><tr><td>成文日期:</td><td>2024年02月28日</td></tr>
<tr><td>发文字号:</td><td>白教字〔2024〕1号</td></tr></table>
<p>1.实施“国培计划”，联合华东师范大学开展教师培训。</p><p>2.举办全市中小学生艺术节，创建温馨校园14所。</p></div>
<div class="footer">版权所有：白城市教育局 地址：白城市海明路 电话：0436-1234567 网站地图 联系我们 友情链接</div>
</body></html>"""


def test_saved_web_page_in_gbk(tmp_path):
    path = tmp_path / "notice.html"
    path.write_bytes(PAGE.encode("gb18030"))
    raw = read_document(path)
    assert "实施“国培计划”" in raw.text
    for chrome in ("政务公开", "版权所有", "友情链接", "tracker", "注册"):
        assert chrome not in raw.text
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    assert "华东师范大学" in result.stdout and "白教字〔2024〕1号" in result.stdout


def test_word_file(tmp_path):
    from docx import Document

    doc = Document()
    for line in BAICHENG.read_text(encoding="utf-8").splitlines()[14:60]:
        doc.add_paragraph(line)
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "发文字号:"
    table.rows[0].cells[1].text = "白教字〔2024〕1号"
    path = tmp_path / "plan.docx"
    doc.save(path)
    raw = read_document(path)
    assert raw.encoding == "docx"
    assert "20.高质量办好省市民生实事" in raw.text
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 0 and "国培计划" in result.stdout


def test_scanned_pdf_needs_ocr(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    path = tmp_path / "scan.pdf"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputError, match=r"no text layer.*OCR"):
        read_document(path)
    result = runner.invoke(app, ["build", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "OCR" in result.stderr and "Traceback" not in result.output


@pytest.mark.browser
def test_pdf_with_a_text_layer(tmp_path):
    """A real PDF printed by Chromium from the plan: words and lines broken the way PDFs break them."""
    html = tmp_path / "plan.html"
    body = "".join(f"<p>{line}</p>" for line in BAICHENG.read_text(encoding="utf-8").splitlines() if line.strip())
    html.write_text(f"<html><meta charset='utf-8'><body style='width:420px'>{body}</body></html>", encoding="utf-8")
    pdf = tmp_path / "plan.pdf"
    subprocess.run(
        [
            shutil.which("chromium") or "/usr/bin/chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    raw = read_document(pdf)
    assert raw.encoding == "pdf"
    result = runner.invoke(app, ["extract", str(pdf)])
    assert result.exit_code == 0, result.output
    for name in ("国培计划", "白城职业技术学院", "国家智慧教育平台"):
        assert name in result.stdout


def test_unreadable_word_and_pdf(tmp_path):
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"PK\x03\x04 not really a zip" * 10)
    with pytest.raises(InputError, match="Word"):
        read_document(fake)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n garbage " * 20)
    with pytest.raises(InputError, match="PDF"):
        read_document(bad)


def test_folders_skip_unknown_files_with_a_warning(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(BAICHENG, folder / BAICHENG.name)
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff" + b"\x00" * 100)
    (folder / "notes.xlsx").write_bytes(b"PK")
    files, skipped = scan_inputs([folder])
    assert [p.name for p in files] == [BAICHENG.name]
    assert sorted(p.name for p in skipped) == ["notes.xlsx", "photo.jpg"]
    result = runner.invoke(app, ["build", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert "skipped 2 files" in result.stderr and "photo.jpg" in result.stderr
