"""Reading plan files: bytes to clean text, whatever the encoding or the page chrome.

Plans arrive as text saved from government sites, in UTF-8 (with or
without BOM) or GB18030/GBK, and the user should never have to say which.
A scraped page also carries the site's chrome (登录 | 注册, breadcrumbs,
发布时间…浏览次数, (此件公开发布)); that must not become content.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.errors import InputError

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})
DOCX_SUFFIXES = frozenset({".docx"})
PDF_SUFFIXES = frozenset({".pdf"})
PLAN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES

# Lines that are page furniture, never plan content. Anchored on whole-line
# shapes so that a sentence merely containing 登录 survives.
_CHROME_LINE = re.compile(
    r"""^\s*(?:
        (?:登录|注册|登陆|退出)(?:\s*[|｜/]\s*(?:登录|注册|登陆|退出))*      # login bar
      | .*(?:>>|＞＞|»|->|>\s|＞\s).*(?:专栏|首页|平台|公开|栏目|当前位置).*  # breadcrumb
      | (?:当前位置|您当前的位置|您的位置)[:：].*
      | [(（]此件(?:公开发布|主动公开|不公开|依申请公开)[)）]
      | (?:【|\[)?\s*(?:打印|关闭|关闭窗口|打印本页|返回顶部|收藏|分享到)\s*(?:】|\])?
        (?:\s*(?:【|\[)?\s*(?:打印|关闭|关闭窗口|打印本页|返回顶部|收藏|分享到)\s*(?:】|\])?)*
      | 扫一扫.*
      | [—–\-－]{1,3}\s*\d{1,3}\s*[—–\-－]{1,3}                             # PDF page mark — 2 —
      | 第\s*\d{1,3}\s*页(?:\s*[/，,]?\s*共\s*\d{1,3}\s*页)?
      | (?:字号|字体)[:：]?\s*(?:大|中|小)(?:\s+(?:大|中|小))*.*
    )\s*$""",
    re.VERBOSE,
)
# "发布时间:2024-04-26 10:55 浏览次数: 信息来源:市教体局" — kept for its date
# by the structure stage, but not content; recognised there.
# control characters, and bidirectional controls (no plan needs them; one would show text reversed)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


@dataclass(frozen=True)
class RawDocument:
    """A decoded file: its clean text plus what a user needs to trust it."""

    path: Path
    text: str
    encoding: str
    sha256: str


def scan_inputs(paths: Iterable[Path | str]) -> tuple[list[Path], list[Path]]:
    """Expand files and folders into plan files (stable order) and the files skipped.

    Folders are walked; files there with an unknown extension are skipped and
    returned so the caller can list them. A file named explicitly is read
    whatever its extension (as text unless it is HTML, Word or PDF).

    Raises:
        InputError: a path does not exist, or a folder holds no plan files.
    """
    files: list[Path] = []
    skipped: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or directory; check the path and try again")
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            plans = [p for p in found if p.suffix.lower() in PLAN_SUFFIXES]
            skipped.extend(p for p in found if p.suffix.lower() not in PLAN_SUFFIXES)
            if not plans:
                raise InputError(
                    f"{path}: no plan files (.txt, .html, .docx, .pdf) in this directory; "
                    "point to a plan file or a folder of them"
                )
            files.extend(plans)
        else:
            files.append(path)
    return files, skipped


def iter_input_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """The plan files under `paths`; skipped files are logged as a warning."""
    files, skipped = scan_inputs(paths)
    if skipped:
        log.warning("skipped %d files with unknown extensions: %s", len(skipped), ", ".join(str(p) for p in skipped))
    yield from files


def decode(data: bytes, *, name: str = "<bytes>") -> tuple[str, str]:
    """Decode plan bytes, detecting the encoding.

    UTF-8 is tried strictly first (it almost never decodes other encodings by
    accident); then GB18030, a superset of GBK and GB2312; then
    charset-normalizer as a last resort for anything else.

    >>> decode("诸暨".encode("gb18030"))
    ('诸暨', 'gb18030')
    >>> decode(codecs.BOM_UTF8 + "白城".encode())
    ('白城', 'utf-8-sig')

    Raises:
        InputError: empty, binary, or undecodable input.
    """
    if not data.strip():
        raise InputError(f"{name}: the file is empty; give a plan with text in it")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise InputError(
                    f"{name}: starts with a {enc} byte-order mark but is not valid {enc}; re-save it as UTF-8"
                ) from e
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not plan text; give a .txt file saved as UTF-8 or GBK")
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, enc
    from charset_normalizer import from_bytes  # rare path: keep start-up light

    best = from_bytes(data).best()
    if best is not None and _looks_like_text(str(best)):
        return str(best), best.encoding
    raise InputError(f"{name}: cannot tell the text encoding (not UTF-8 or GBK); re-save it as UTF-8")


# whitespace a plan is made of (not \v and other controls); one regex pass
# removes it five times faster than str.translate with a table
_SPACES = re.compile("[ \n\r\t\f\u3000\u00a0]+")


def _looks_like_text(text: str) -> bool:
    """Reject decodings that are mostly control or private-use characters."""
    sample = text[:20000]
    if not sample:
        return False
    if "\ufffd" not in sample and _SPACES.sub("", sample).isprintable():
        return True  # no control, private-use or unassigned character at all (they are all unprintable)
    # each distinct character classified once (a plan uses a few thousand)
    bad = sum(
        sample.count(ch)
        for ch in set(sample)
        if (unicodedata.category(ch) in {"Cc", "Co", "Cn"} and ch not in "\n\r\t\f") or ch == "\ufffd"
    )
    return bad / len(sample) < 0.02


_CHROME_MAX = 200


def clean(text: str) -> str:
    """Normalise line ends and drop page chrome lines; everything else is kept verbatim.

    >>> clean("登录 |  注册 \\n\\n1.开展行动。\\n  (此件公开发布)\\n")
    '\\n\\n1.开展行动。\\n\\n'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = _CONTROL.sub("", text)
    lines = text.split("\n")
    # chrome is a short line: a long one that happens to hold >> and 平台 is text (a run-on page)
    kept = ["" if len(line) <= _CHROME_MAX and _CHROME_LINE.match(line) else line for line in lines]
    return "\n".join(kept)


def read_document(path: Path | str) -> RawDocument:
    """Read one plan file (text, saved web page, Word or PDF) into clean text.

    Raises:
        InputError: the file is missing, unreadable, empty, binary, undecodable,
            or a PDF without a text layer.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise InputError(f"{path}: no such file; check the path and try again") from e
    except IsADirectoryError as e:
        raise InputError(f"{path}: is a directory; pass it as a folder of plans") from e
    except OSError as e:
        raise InputError(f"{path}: cannot be read ({e.strerror}); check its permissions") from e
    if not data.strip():
        raise InputError(f"{path}: the file is empty; give a plan with text in it")
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        text, encoding = _read_html(data, name=str(path))
    elif suffix in DOCX_SUFFIXES:
        text, encoding = _read_docx(data, name=str(path)), "docx"
    elif suffix in PDF_SUFFIXES:
        text, encoding = _read_pdf(data, name=str(path)), "pdf"
    else:
        text, encoding = decode(data, name=str(path))
    text = clean(text)
    if not text.strip():
        raise InputError(f"{path}: holds no plan text after removing page chrome; check the file")
    log.debug("read %s as %s (%d chars)", path, encoding, len(text))
    return RawDocument(
        path=path,
        text=text,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
    )


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def _read_html(data: bytes, *, name: str) -> tuple[str, str]:
    """The main text of a saved government page: navigation, footer and scripts dropped.

    trafilatura finds the article; the header block such portals print above
    it (发文机关, 成文日期, 发文字号 …) is often a table trafilatura keeps.
    """
    declared = _META_CHARSET.search(data[:4096])
    html = None
    if declared:
        try:
            html = data.decode(declared.group(1).decode("ascii").lower().replace("gb2312", "gb18030"))
        except (LookupError, UnicodeDecodeError):
            html = None
    if html is None:
        html, _ = decode(data, name=name)
    import trafilatura  # heavy; only for web pages

    text = trafilatura.extract(
        html,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        include_links=False,
        output_format="txt",
        deduplicate=False,
    )
    if not text or not text.strip():
        raise InputError(f"{name}: no main text found in this web page; save the page's text as .txt and try again")
    # table rows come as "| 发文机关: | 白城市教育局 |": keep the cells, drop the rules
    lines = [
        re.sub(r"\s*\|\s*", " ", line).strip() if line.lstrip().startswith("|") else line for line in text.splitlines()
    ]
    title = _page_heading(html)
    if title and title not in text:
        lines.insert(0, title)  # precision mode drops the notice's own heading
    return "\n".join(lines), "html"


def _page_heading(html: str) -> str | None:
    """The notice's heading (关于印发…的通知), which portals put in an <h1>–<h3> above the text."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None
    for el in root.iter("h1", "h2", "h3"):
        heading = " ".join(el.text_content().split())
        if 4 <= len(heading) <= 80 and re.search(r"通知|要点|意见|计划|方案|决定", heading):
            return heading
    return None


def _read_docx(data: bytes, *, name: str) -> str:
    import io
    import zipfile

    from docx import Document  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError(
            f"{name}: not a readable Word (.docx) file; open and re-save it in Word, or save it as .txt"
        ) from e
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:  # header blocks (发文机关 …) are often tables
        for row in table.rows:
            lines.append(" ".join(cell.text.strip() for cell in row.cells if cell.text.strip()))
    return "\n".join(lines)


def _read_pdf(data: bytes, *, name: str) -> str:
    """The text layer of a PDF; a scan without one needs OCR first.

    Words a PDF breaks across lines (新时 代) are joined later by the
    extraction's text view, which keeps offsets into this text.
    """
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputError(f"{name}: the PDF is encrypted; remove the password and try again")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"{name}: not a readable PDF ({e.__class__.__name__}); re-save or export it again") from e
    text = "\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 20:
        raise InputError(
            f"{name}: this PDF has no text layer (a scan?); "
            "run OCR first (e.g. ocrmypdf --language chi_sim) and try again"
        )
    return text
