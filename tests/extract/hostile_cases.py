"""Hostile input files, made on the fly: the reading side of issue 16.

`hostile_read_cases(tmp)` writes one case of each kind under `tmp` and
returns (name, the files to feed, the `ReadLimits` fields to lower). The
tests run them through the CLI; `bench/hostile.py` can time them and take
their peak memory. Every file is generated, none is checked in: a zip bomb
is written a megabyte at a time and is small compressed.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import zipfile
import zlib
from pathlib import Path

from tests.conftest import BAICHENG

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="word/document.xml"/></Relationships>'
)
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
MB = 1024 * 1024


def document_xml(body: str, *, prolog: str = "") -> bytes:
    """A word/document.xml around `body` (paragraphs, tables), with an optional DOCTYPE before the root."""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
        f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    ).encode()


def paragraphs(lines: list[str]) -> str:
    return "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)


def write_docx(path: Path, xml: bytes | None = None, *, chunks: int = 0, chunk: bytes = b"") -> Path:
    """A minimal .docx; its document part is `xml`, or `chunks` times `chunk` written a piece at a time."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _TYPES)
        zf.writestr("_rels/.rels", _RELS)
        if xml is not None:
            zf.writestr(DOCUMENT, xml)
        else:
            with zf.open(DOCUMENT, "w", force_zip64=True) as fh:
                for _ in range(chunks):
                    fh.write(chunk)
    return path


def _member_data_offset(data: bytes, member: str) -> tuple[int, zipfile.ZipInfo]:
    """Where a member's compressed bytes start in the archive."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    return info.header_offset + 30 + name_len + extra_len, info


def plan_lines() -> list[str]:
    return BAICHENG.read_text(encoding="utf-8").splitlines()[14:60]


def _pdf(path: Path, contents: bytes, *, pages: int = 1) -> Path:
    """A PDF whose `pages` pages all draw one FlateDecode content stream holding `contents` (deflated)."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    stream = DecodedStreamObject()
    stream.set_data(b"")
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream._data = contents  # already deflated: pypdf writes it as it is
    ref = writer._add_object(stream)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    for _ in range(pages):
        page = writer.add_blank_page(width=595, height=842)
        page[NameObject("/Contents")] = ArrayObject([ref])
        page[NameObject("/Resources")] = resources
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def _deflate(piece: bytes, times: int) -> bytes:
    """`piece` repeated `times`, deflated a piece at a time (never all in memory)."""
    z = zlib.compressobj(9)
    out = [z.compress(piece) for _ in range(times)]
    out.append(z.flush())
    return b"".join(out)


def hostile_read_cases(tmp: Path) -> list[tuple[str, list[Path], dict[str, object]]]:
    """One hostile file (or folder) of each kind under `tmp`: (name, inputs, ReadLimits overrides)."""
    tmp.mkdir(parents=True, exist_ok=True)
    cases: list[tuple[str, list[Path], dict[str, object]]] = []

    def case(name: str, files: list[Path], **limits: object) -> None:
        cases.append((name, files, limits))

    # -- not regular files
    fifo = tmp / "fifo_plan.txt"
    if not fifo.exists():
        os.mkfifo(fifo)
    case("fifo", [fifo])
    case("dev zero", [Path("/dev/zero")])

    # -- size
    big = tmp / "big_plan.txt"
    big.write_text("1.开展行动。\n" * 200_000, encoding="utf-8")  # 3.4 MB
    case("oversized file", [big], max_file_bytes=MB)

    # -- Word
    zeros = write_docx(tmp / "bomb.docx", chunks=200, chunk=b"\0" * MB)  # 200 MB inflated, ~200 KB on disk
    case("docx zip bomb", [zeros])
    case("docx zip bomb, low caps", [zeros], max_ratio=10, max_xml_bytes=4 * MB)
    lying = tmp / "bomb_lying.docx"
    data = bytearray(zeros.read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(DOCUMENT)
    lying.write_bytes(_lie_about_size(bytes(data), info))
    case("docx lying sizes", [lying])
    case(
        "docx xml syntax error",
        [write_docx(tmp / "syntax.docx", document_xml("<w:p><w:r><w:t>一、总体要求</w:r></w:p>"))],
    )
    whole = document_xml(paragraphs(plan_lines()))
    case("docx truncated part", [write_docx(tmp / "truncated.docx", whole[: len(whole) // 2])])
    good = write_docx(tmp / "good.docx", whole).read_bytes()
    start, info = _member_data_offset(good, DOCUMENT)
    corrupt = bytearray(good)
    for i in range(start + 10, start + min(info.compress_size, 200)):
        corrupt[i] ^= 0x5A
    (tmp / "corrupt_deflate.docx").write_bytes(bytes(corrupt))
    case("docx corrupt deflate", [tmp / "corrupt_deflate.docx"])
    cut = tmp / "truncated_zip.docx"
    cut.write_bytes(good[: len(good) // 2])
    case("docx truncated zip", [cut])
    lol = '<!DOCTYPE w:document [<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    laughs = document_xml("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", prolog=lol + "]>")
    case("docx billion laughs", [write_docx(tmp / "laughs.docx", laughs)])
    rng = random.Random(16)
    hanzi = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    text_node = "".join(rng.choices(hanzi, k=3_700_000))  # 11 MB of UTF-8 in one <w:t>: libxml2 caps a node at 10 MB
    case("docx giant text node", [write_docx(tmp / "giant_node.docx", document_xml(paragraphs([text_node])))])

    # -- PDF
    case("pdf over pypdf's limits", [_pdf(tmp / "inflates.pdf", _deflate(b" " * MB, 80))])
    ops = b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n"
    case(
        "pdf shared long content stream",
        [_pdf(tmp / "shared_stream.pdf", _deflate(ops, 60_000), pages=400)],
        pdf_seconds=1.0,
    )
    case("pdf too many pages", [_pdf(tmp / "pages.pdf", _deflate(ops, 1), pages=30)], max_pdf_pages=20)

    # -- web pages
    body = "".join(f"<p>{line}</p>" for line in plan_lines())
    page = f"<html><head><meta charset='utf-8'><title>t</title></head><body>{body}</body></html>"
    padded = page.replace("</body>", "<p>补白。</p>" * 200_000 + "</body>")  # 3 MB
    (tmp / "huge_page.html").write_text(padded, encoding="utf-8")
    case("html oversized", [tmp / "huge_page.html"], max_html_bytes=2 * MB)
    deep = "<div>" * 300 + body + "</div>" * 300
    (tmp / "deep.html").write_text(f"<html><body>{deep}</body></html>", encoding="utf-8")
    case("html nested 300 deep", [tmp / "deep.html"])
    (tmp / "claims_gbk.html").write_text(page.replace("charset='utf-8'", "charset='gbk'"), encoding="utf-8")
    case("html utf-8 claiming gbk", [tmp / "claims_gbk.html"])
    # latin-1 decodes any bytes: trusted, the <meta> turned the page into mojibake
    (tmp / "claims_latin1.html").write_text(page.replace("charset='utf-8'", "charset='iso-8859-1'"), encoding="utf-8")
    case("html utf-8 claiming latin-1", [tmp / "claims_latin1.html"])

    # -- names and folders
    odd = tmp / "a[/x].txt"  # a folder "a[" holding "x].txt": printed, the path reads as a closing markup tag
    odd.parent.mkdir(exist_ok=True)
    odd.write_bytes(b"")
    case("name with markup", [odd])
    folder = tmp / "folder_with_bomb"
    folder.mkdir(exist_ok=True)
    shutil.copy(BAICHENG, folder / "a_good.txt")
    shutil.copy(zeros, folder / "b_bomb.docx")
    case("folder with a bomb", [folder])
    looped = tmp / "folder_with_a_loop"
    (looped / "sub").mkdir(parents=True, exist_ok=True)
    shutil.copy(BAICHENG, looped / "sub" / "plan.txt")
    if not (looped / "sub" / "up").is_symlink():
        (looped / "sub" / "up").symlink_to("..", target_is_directory=True)  # sub/up/sub/up/… for ever
    case("folder with a link loop", [looped])
    return cases


def _lie_about_size(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """The archive with `info`'s member claiming 1 KB inflated in the central directory.

    zipfile believes the central directory, so a reader that trusted the
    declared size alone would be fooled; only a cap on the bytes actually
    inflated (or the CRC at the end) stops it.
    """
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at != -1:
        name_len = int.from_bytes(out[at + 28 : at + 30], "little")
        if bytes(out[at + 46 : at + 46 + name_len]) == info.filename.encode():
            if out[at + 24 : at + 28] != b"\xff" * 4:
                out[at + 24 : at + 28] = (1024).to_bytes(4, "little")
            else:  # the size is in the zip64 extra field (id 1), uncompressed size first
                extra = at + 46 + name_len
                z64 = out.find(b"\x01\x00", extra, extra + 64)
                out[z64 + 4 : z64 + 12] = (1024).to_bytes(8, "little")
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)
