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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class RawDocument:
    """A decoded file: its clean text plus what a user needs to trust it."""

    path: Path
    text: str
    encoding: str
    sha256: str


def iter_input_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Expand files and directories into plan files, in a stable order.

    Raises:
        InputError: a path does not exist, or a directory holds no plan files.
    """
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or directory; check the path and try again")
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            if not found:
                raise InputError(
                    f"{path}: no .txt plan files in this directory; point to a plan file or a folder of them"
                )
            yield from found
        else:
            yield path


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


def _looks_like_text(text: str) -> bool:
    """Reject decodings that are mostly control or private-use characters."""
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(
        1
        for ch in sample
        if (unicodedata.category(ch) in {"Cc", "Co", "Cn"} and ch not in "\n\r\t\f") or ch == "\ufffd"
    )
    return bad / len(sample) < 0.02


def clean(text: str) -> str:
    """Normalise line ends and drop page chrome lines; everything else is kept verbatim.

    >>> clean("登录 |  注册 \\n\\n1.开展行动。\\n  (此件公开发布)\\n")
    '\\n\\n1.开展行动。\\n\\n'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = _CONTROL.sub("", text)
    lines = text.split("\n")
    kept = ["" if _CHROME_LINE.match(line) else line for line in lines]
    return "\n".join(kept)


def read_document(path: Path | str) -> RawDocument:
    """Read one plan file into clean text.

    Raises:
        InputError: the file is missing, unreadable, empty, binary or undecodable.
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
