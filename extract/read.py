"""Reading plan files: bytes to clean text, whatever the encoding or the page chrome.

Plans arrive as text saved from government sites, in UTF-8 (with or
without BOM) or GB18030/GBK, and the user should never have to say which.
A scraped page also carries the site's chrome (登录 | 注册, breadcrumbs,
发布时间…浏览次数, (此件公开发布)); that must not become content.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import os
import re
import signal
import stat
import threading
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

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


MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """How much of one input policykg reads before refusing it.

    Plans are a few MB at most; these defaults leave them ten times the room
    and stop a hostile file (a zip bomb, a PDF that parses for hours, a
    FIFO or /dev/zero named as a plan) in one clear line instead of a hang
    or all the machine's memory. `policykg build --max-file-mb` raises the
    first; the rest are for Python callers and tests.
    """

    max_file_bytes: int = 50 * MB  # one input file on disk (--max-file-mb)
    max_html_bytes: int = 20 * MB  # a saved web page: extraction slows past linear on big pages
    max_inflated_bytes: int = 256 * MB  # a .docx: the declared inflated size of all its members
    max_xml_bytes: int = 64 * MB  # a .docx: the inflated text part (word/document.xml) actually read
    max_ratio: int = 100  # a .docx: inflated/compressed size of the text part (Word XML is ~5-20x)
    max_pdf_pages: int = 2000
    pdf_seconds: float = 40.0  # the text layer of one whole PDF (a real plan takes seconds)
    max_patterns_bytes: int = 10 * MB  # a --patterns JSONL file

    def with_file_mb(self, mb: float | None) -> ReadLimits:
        """These limits with `max_file_bytes` set from a --max-file-mb value (None: unchanged)."""
        if mb is None:
            return self
        if mb <= 0:
            raise InputError(f"--max-file-mb {mb:g}: give a size in MB above 0")
        return replace(self, max_file_bytes=int(mb * MB))


DEFAULT_LIMITS = ReadLimits()


def _mb(n: int) -> str:
    """A size for a message: '120 MB', '0.5 MB', '46 KB'.

    >>> _mb(120 * MB), _mb(MB // 2), _mb(52_700_000), _mb(47_000)
    ('120 MB', '0.5 MB', '50.3 MB', '46 KB')
    """
    if n < MB // 10:
        return f"{max(1, round(n / 1024))} KB"
    value = n / MB
    return f"{value:.0f} MB" if value >= 100 or value == int(value) else f"{value:.1f} MB"


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, for a message."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_capped(path: Path, limit: int, *, what: str = "one plan", option: str | None = "--max-file-mb") -> bytes:
    """The bytes of a regular file of at most `limit` bytes, read without ever blocking or reading past it.

    The file is stat'ed before it is opened (opening a device can act on it),
    opened non-blocking (a FIFO swapped in between never waits for a
    writer), checked again on the open descriptor, and read with a bound, so
    a file that grows while it is read is refused too.

    Raises:
        InputError: missing, unreadable, not a regular file, or over `limit`.
    """
    try:
        before = os.stat(path)
    except FileNotFoundError as e:
        if os.path.islink(path):
            raise InputError(f"{path}: is a link to a file that does not exist; fix or remove the link") from e
        raise InputError(f"{path}: no such file; check the path and try again") from e
    except OSError as e:
        raise InputError(f"{path}: cannot be read ({e.strerror}); check its permissions") from e
    if stat.S_ISDIR(before.st_mode):
        raise InputError(f"{path}: is a directory; pass it as a folder of plans")
    if not stat.S_ISREG(before.st_mode):
        raise InputError(f"{path}: is {_kind(before.st_mode)}, not a plan file; give a file saved on disk")
    too_big = f"over the {_mb(limit)} limit for {what}; split it" + (f" or raise {option}" if option else "")
    if before.st_size > limit:
        raise InputError(f"{path}: is {_mb(before.st_size)}, {too_big}")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise InputError(f"{path}: cannot be read ({e.strerror}); check its permissions") from e
    with os.fdopen(fd, "rb", buffering=0) as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # swapped for something else since the stat
            raise InputError(f"{path}: is {_kind(mode)}, not a plan file; give a file saved on disk")
        chunks: list[bytes] = []
        got = 0
        try:
            while got <= limit:
                chunk = fh.read(min(limit + 1 - got, 4 * MB))
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
        except OSError as e:
            raise InputError(f"{path}: cannot be read ({e.strerror}); check the file") from e
    if got > limit:
        raise InputError(f"{path}: grew past {_mb(limit)} while it was read, {too_big}")
    return b"".join(chunks)


class PlanFiles(list[Path]):
    """The plan files of one run, in order, knowing which the user named.

    A file the user named that can't be read fails the run; one found in a
    folder is skipped with a warning, so one bad file never stops a folder.
    """

    def __init__(self, files: Iterable[Path] = (), *, named: Iterable[Path] = ()) -> None:
        super().__init__(files)
        self.named = frozenset(named)


def scan_inputs(paths: Iterable[Path | str]) -> tuple[PlanFiles, list[Path]]:
    """Expand files and folders into plan files (stable order) and the files skipped.

    Folders are walked, following links but never the same folder twice (a
    link loop ends); a folder inside that can't be listed is skipped with a
    warning. Files there with an unknown extension are skipped and returned
    so the caller can list them. A file named explicitly is read whatever its
    extension (as text unless it is HTML, Word or PDF).

    Raises:
        InputError: a path does not exist or can't be listed, or a folder holds no plan files.
    """
    files = PlanFiles()
    named: list[Path] = []
    skipped: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise InputError(f"{path}: no such file or directory; check the path and try again")
        if path.is_dir():
            found = _walk(path)
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
            named.append(path)
    files.named = frozenset(named)
    return files, skipped


def _walk(folder: Path) -> list[Path]:
    """Every file under `folder` not named with a leading dot, sorted; unlistable folders inside are logged."""

    def unlistable(e: OSError) -> None:
        where = Path(e.filename) if e.filename else folder
        if where == folder:
            raise InputError(f"{folder}: cannot be listed ({e.strerror}); check its permissions") from e
        log.warning(
            "%s: folder cannot be listed (%s); its plans are skipped — check its permissions", where, e.strerror
        )

    seen: set[tuple[int, int]] = set()
    found: list[Path] = []
    for top, dirs, names in os.walk(folder, onerror=unlistable, followlinks=True):
        try:
            st = os.stat(top)
        except OSError:
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:  # reached again through a link: a loop, or a second way in
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        found.extend(Path(top) / name for name in names if not name.startswith("."))
    return sorted(found)


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


def read_document(path: Path | str, *, limits: ReadLimits = DEFAULT_LIMITS) -> RawDocument:
    """Read one plan file (text, saved web page, Word or PDF) into clean text.

    Only regular files are read, and only within `limits`: whatever a file
    holds, reading it ends in text or in one InputError, in bounded time and
    memory.

    Raises:
        InputError: the file is missing, unreadable, not a regular file, over a
            limit, empty, binary, undecodable, malformed, or a PDF without a text layer.
    """
    path = Path(path)
    data = read_capped(path, limits.max_file_bytes)
    if not data.strip():
        raise InputError(f"{path}: the file is empty; give a plan with text in it")
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        text, encoding = _read_html(data, name=str(path), limits=limits)
    elif suffix in DOCX_SUFFIXES:
        text, encoding = _read_docx(data, name=str(path), limits=limits), "docx"
    elif suffix in PDF_SUFFIXES:
        text, encoding = _read_pdf(data, name=str(path), limits=limits), "pdf"
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


def _detail(e: BaseException) -> str:
    """An exception's message on one short line, for inside a one-line error."""
    text = " ".join(str(e).split())
    return (
        f"{e.__class__.__name__}: {text[:117] + '...' if len(text) > 120 else text}" if text else e.__class__.__name__
    )


# -- web pages -----------------------------------------------------------------------
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def _decode_html(data: bytes, *, name: str) -> str:
    """A page's text: UTF-8 when its bytes are UTF-8, whatever its <meta> claims; else the declared charset.

    Pages are re-saved and re-served without their <meta> being updated, so a
    UTF-8 page claiming gb2312 is common; strict UTF-8 almost never decodes
    bytes of another encoding, so it is the safer witness.
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data, name=name)[0]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii").lower().replace("gb2312", "gb18030"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, name=name)[0]


def _read_html(data: bytes, *, name: str, limits: ReadLimits = DEFAULT_LIMITS) -> tuple[str, str]:
    """The main text of a saved government page: navigation, footer and scripts dropped.

    trafilatura finds the article; the header block such portals print above
    it (发文机关, 成文日期, 发文字号 …) is often a table trafilatura keeps.
    When it finds nothing (a page nested deeper than libxml2's 255 levels,
    or no article shape at all), the page's text is taken tag by tag instead.
    """
    if len(data) > limits.max_html_bytes:
        raise InputError(
            f"{name}: is a {_mb(len(data))} web page, over the {_mb(limits.max_html_bytes)} limit for a saved page; "
            "save the plan's text as .txt and read that"
        )
    html = _decode_html(data, name=name)
    import trafilatura  # heavy; only for web pages

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # its notes on a user's page are no warnings of ours

    try:
        text = trafilatura.extract(
            html,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            include_links=False,
            output_format="txt",
            deduplicate=False,
        )
    except (ValueError, RecursionError) as e:  # lxml refusing the tree; trafilatura's own recursion
        log.debug("%s: trafilatura failed (%s); taking the page's text tag by tag", name, _detail(e))
        text = None
    if not text or not text.strip():
        text = _plain_text(html)
        if not text.strip():
            raise InputError(f"{name}: no main text found in this web page; save the page's text as .txt and try again")
        log.debug("%s: no article found; read the page's text tag by tag", name)
    # table rows come as "| 发文机关: | 白城市教育局 |": keep the cells, drop the rules
    lines = [
        re.sub(r"\s*\|\s*", " ", line).strip() if line.lstrip().startswith("|") else line for line in text.split("\n")
    ]
    title = _page_heading(html)
    if title and title not in text:
        lines.insert(0, title)  # precision mode drops the notice's own heading
    return "\n".join(lines), "html"


def _plain_text(html: str) -> str:
    """A page's visible text, a line per block, without scripts or styles.

    Python's own HTML parser keeps no tree, so no nesting depth stops it and
    its time is linear in the page.

    >>> _plain_text("<div><div><p>一、总体要求</p><script>x()</script><p>1.开展行动。</p></div></div>")
    '一、总体要求\\n1.开展行动。'
    """
    from html.parser import HTMLParser

    blocks = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article"}
    hidden = {"script", "style", "noscript", "template", "head", "svg"}
    parts: list[str] = []
    depth = 0  # inside hidden elements

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            nonlocal depth
            if tag in hidden:
                depth += 1
            elif tag in blocks:
                parts.append("\n")

        def handle_endtag(self, tag: str) -> None:
            nonlocal depth
            if tag in hidden:
                depth = max(0, depth - 1)
            elif tag in blocks:
                parts.append("\n")

        def handle_data(self, data: str) -> None:
            if not depth:
                parts.append(data)

    parser = Parser(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


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


# -- Word ----------------------------------------------------------------------------
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


class _Refused(Exception):
    """A .docx part broke a limit; the message says which, to go after the file's name."""


def _xml_parser_args() -> dict[str, bool]:
    """Parser settings for XML from a user's file: no entities expanded, no DTD or network, libxml2's size caps on."""
    return {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False}


def _inflate(zf: zipfile.ZipFile, member: str, *, limits: ReadLimits, cap: int) -> bytes:
    """One member's bytes, inflated through a cap: the declared size is checked, then the real one as it grows.

    A zip's declared sizes are the archive's word and can lie, so reading
    stops at `cap` or at `limits.max_ratio` times the compressed size,
    whichever is smaller (a small part may compress better: 1 MB is always allowed).
    """
    info = zf.getinfo(member)
    by_ratio = max(MB, limits.max_ratio * max(info.compress_size, 1))
    limit = min(cap, by_ratio)

    def refuse(size: int) -> _Refused:
        if limit == by_ratio:
            return _Refused(
                f"its part {member} inflates {size // max(info.compress_size, 1)} times or more, "
                f"over the {limits.max_ratio}x limit (a zip bomb?)"
            )
        return _Refused(f"its part {member} inflates to {_mb(size)} or more, over the {_mb(cap)} limit")

    if info.file_size > limit:
        raise refuse(info.file_size)
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(MB):
            out += chunk
            if len(out) > limit:
                raise refuse(len(out))
    return bytes(out)


def _read_docx(data: bytes, *, name: str, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    """The paragraphs of a Word file, then its table rows (a header block of 发文机关 … is often a table).

    Read with zipfile and lxml rather than python-docx, so that every size is
    capped before it is inflated or parsed and no entity is ever expanded.
    """
    import zlib

    from lxml import etree

    def bad(why: str) -> InputError:
        return InputError(
            f"{name}: not a readable Word (.docx) file ({why}); open and re-save it in Word, or save it as .txt"
        )

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            declared = sum(i.file_size for i in zf.infolist())
            if declared > limits.max_inflated_bytes:
                raise _Refused(
                    f"it would inflate to {_mb(declared)}, "
                    f"over the {_mb(limits.max_inflated_bytes)} limit (a zip bomb?)"
                )
            main = _main_part(zf, limits)
            xml = _inflate(zf, main, limits=limits, cap=limits.max_xml_bytes)
    except _Refused as e:
        raise InputError(f"{name}: refused, {e}; this is no plan: re-save it in Word, or save it as .txt") from e
    except KeyError as e:
        raise bad("no word/document.xml in it") from e
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError) as e:
        raise bad(_detail(e)) from e
    except RuntimeError as e:  # an encrypted member
        raise bad(_detail(e)) from e
    try:
        return _docx_text(xml, etree)
    except _Refused as e:
        raise bad(str(e)) from e
    except etree.XMLSyntaxError as e:
        raise bad(f"its XML is broken: {_detail(e)}") from e


def _main_part(zf: zipfile.ZipFile, limits: ReadLimits) -> str:
    """The document part the package's relationships name (word/document.xml when Word wrote it)."""
    from lxml import etree

    try:
        rels = _inflate(zf, "_rels/.rels", limits=limits, cap=MB)
    except KeyError:
        return "word/document.xml"
    try:
        root = etree.fromstring(rels, etree.XMLParser(**_xml_parser_args()))
    except etree.XMLSyntaxError:
        return "word/document.xml"
    for rel in root.iter(_REL):
        if str(rel.get("Type", "")).endswith("/officeDocument"):
            return str(rel.get("Target", "word/document.xml")).lstrip("/")
    return "word/document.xml"


def _docx_text(xml: bytes, etree: Any) -> str:
    """Paragraphs and table rows of word/document.xml, streamed: finished blocks are freed as they end."""
    P, TBL, TC, TR, BODY = _W + "p", _W + "tbl", _W + "tc", _W + "tr", _W + "body"
    paragraphs: list[str] = []
    rows: list[str] = []
    checked = False
    for _, el in etree.iterparse(io.BytesIO(xml), events=("end",), tag=(P, TBL), **_xml_parser_args()):
        if not checked:
            checked = True
            if el.getroottree().docinfo.internalDTD is not None:
                raise _Refused("it declares a DTD with entities, which Word never writes")
        parent = el.getparent()
        if parent is None or next(el.iterancestors(TC), None) is not None:
            continue  # the root, or a paragraph in a table cell: its table reads it
        if el.tag == P:
            paragraphs.append(_paragraph_text(el))
        else:
            for tr in el.iter(TR):
                cells = ("\n".join(_paragraph_text(p) for p in tc.iter(P)).strip() for tc in tr.iter(TC))
                rows.append(" ".join(cell for cell in cells if cell))
        el.clear()
        if parent.tag == BODY:
            while el.getprevious() is not None:
                del parent[0]
    return "\n".join(paragraphs + rows)


def _paragraph_text(p: Any) -> str:
    """A paragraph's text as Word shows it: runs' text, tabs and breaks (tab stops in its properties are no tabs)."""
    T, R, TAB, PTAB, BR, CR = _W + "t", _W + "r", _W + "tab", _W + "ptab", _W + "br", _W + "cr"
    parts: list[str] = []
    for el in p.iter(T, TAB, PTAB, BR, CR):
        if el.tag == T:
            parts.append(el.text or "")
        elif el.getparent() is not None and el.getparent().tag == R:
            parts.append("\t" if el.tag in (TAB, PTAB) else "\n")
    return "".join(parts)


# -- PDF -----------------------------------------------------------------------------
class _OutOfTime(BaseException):
    """Raised by the PDF deadline's alarm; a BaseException so pypdf's own `except Exception` can't swallow it."""


@contextmanager
def _deadline(seconds: float) -> Iterator[Callable[[], bool]]:
    """Interrupt the block after `seconds` (SIGALRM, main thread only); yields a check for between steps elsewhere."""
    start = time.monotonic()

    def expired() -> bool:
        return time.monotonic() - start > seconds

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield expired
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield expired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _read_pdf(data: bytes, *, name: str, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    """The text layer of a PDF; a scan without one needs OCR first.

    pypdf caps each stream's inflated size itself (its LimitReachedError);
    the page count and the time for the whole file are capped here, since
    pages sharing one long content stream re-parse it page after page.
    Words a PDF breaks across lines (新时 代) are joined later by the
    extraction's text view, which keeps offsets into this text.
    """
    import warnings
    import zlib

    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its notes on a user's PDF are no warnings of ours
    try:
        with warnings.catch_warnings(), _deadline(limits.pdf_seconds) as expired:
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise InputError(f"{name}: the PDF is encrypted; remove the password and try again")
            count = len(reader.pages)
            if count > limits.max_pdf_pages:
                raise InputError(
                    f"{name}: has {count} pages, over the {limits.max_pdf_pages}-page limit for one plan; "
                    "split it, or save the plan's pages as their own PDF"
                )
            pages = []
            for page in reader.pages:
                if expired():
                    raise _OutOfTime
                pages.append(page.extract_text() or "")
    except _OutOfTime:
        raise InputError(
            f"{name}: reading its text took over {limits.pdf_seconds:g} s, the limit for one PDF; "
            "export it again from its source, or save its text as .txt"
        ) from None
    except LimitReachedError as e:
        raise InputError(
            f"{name}: a part of this PDF is over pypdf's size limits ({_detail(e)}); "
            "export it again from its source, or save its text as .txt"
        ) from e
    except MemoryError as e:
        raise InputError(f"{name}: this PDF needs more memory than there is; save its text as .txt") from e
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, zlib.error) as e:
        raise InputError(f"{name}: not a readable PDF ({e.__class__.__name__}); re-save or export it again") from e
    text = "\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 20:
        raise InputError(
            f"{name}: this PDF has no text layer (a scan?); "
            "run OCR first (e.g. ocrmypdf --language chi_sim) and try again"
        )
    return text
