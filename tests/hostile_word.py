"""Hostile Word files, built at test time: zip bombs in any part, lying zip headers, absurd table geometry,
huge tables, entities, macros. Each is small on disk; what it would cost unbounded is in its name.

Also run by hand to measure time and peak memory of ``kehoach import docx`` on each (docs/security.md):
``python tests/hostile_word.py OUT_DIR`` writes the files (the bombs at full size).
"""

from __future__ import annotations

import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOC_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
HEADER = ("STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")


def content_types(main: str = DOC_TYPE) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
    )


RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)


def para(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def cell(text: str, extra: str = "") -> str:
    pr = f"<w:tcPr>{extra}</w:tcPr>" if extra else ""
    return f"<w:tc>{pr}{para(text)}</w:tc>"


def row(cells: Iterable[str], trpr: str = "") -> str:
    return f"<w:tr>{f'<w:trPr>{trpr}</w:trPr>' if trpr else ''}{''.join(cells)}</w:tr>"


def task_rows(n: int, stt: Callable[[int], str] = lambda i: str(i + 1), lead: str = "Sở Tài chính") -> list[str]:
    return [
        row(cell(t) for t in (stt(i), f"Nhiệm vụ thứ {i + 1} về chuyển đổi số", lead, "", "Năm 2026"))
        for i in range(n)
    ]


def document(rows: Iterable[str], *, before: str = "", doctype: str = "") -> str:
    head = "".join(para(t) for t in ("ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "Số: 12/KH-UBND", "KẾ HOẠCH", "Thử"))
    table = row(cell(h) for h in HEADER) + row([cell("I"), cell("Nhóm nhiệm vụ"), cell(""), cell(""), cell("")])
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
        f'<w:document xmlns:w="{W}"><w:body>{head}{before}<w:tbl>{table}{"".join(rows)}</w:tbl>'
        "</w:body></w:document>"
    )


class _Chunks:
    """Deflate for a part written as chunks, most of them one chunk again and again (a bomb's zeros, a huge
    table's row): each chunk is deflated on its own and ends with a full flush, which makes its deflated form
    the same wherever it stands, so a repeated chunk is deflated once. The part reads back byte for byte as
    written; only building it is quicker than deflating hundreds of megabytes."""

    def __init__(self) -> None:
        self._done: dict[bytes, bytes] = {}

    def compress(self, data: bytes) -> bytes:
        out = self._done.get(data)
        if out is None:
            z = zlib.compressobj(9, zlib.DEFLATED, -15)
            out = self._done[data] = z.compress(data) + z.flush(zlib.Z_FULL_FLUSH)
        return out

    def flush(self) -> bytes:
        return zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # the closing (empty, final) block


def _write_chunks(z: zipfile.ZipFile, name: str, chunks: Iterable[bytes], zip64: bool = False) -> None:
    with z.open(name, "w", force_zip64=zip64) as fh:
        fh._compressor = _Chunks()  # type: ignore[attr-defined]  # zipfile still counts sizes and the CRC
        for chunk in chunks:
            fh.write(chunk)


def write_docx(
    path: Path, xml: str | bytes | list[bytes], *, main: str = DOC_TYPE, extra: Iterable[tuple[str, int]] = ()
) -> Path:
    """A Word file with ``xml`` as its document (a list: the document's chunks in order) and, for each
    (name, size) of ``extra``, a part of that many zero bytes (deflated to about a thousandth of it)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", content_types(main))
        z.writestr("_rels/.rels", RELS)
        if isinstance(xml, list):
            _write_chunks(z, "word/document.xml", xml)
        else:
            z.writestr("word/document.xml", xml)
        zero = bytes(1 << 20)
        for name, size in extra:
            _write_chunks(z, name, (zero for _ in range(size >> 20)), zip64=True)
    return path


def document_chunks(rows: list[str]) -> list[bytes]:
    """``document(rows)`` as chunks for ``write_docx``: equal rows are one bytes object, deflated once."""
    marker = "\x00ROWS\x00"
    head, tail = document([marker]).split(marker)
    encoded = {r: r.encode() for r in rows}
    return [head.encode(), *(encoded[r] for r in rows), tail.encode()]


def lying_header(path: Path, real_size: int, said: int) -> Path:
    """``word/document.xml`` of ``real_size`` bytes whose zip headers say ``said``."""
    filler = b'<w:document xmlns:w="' + W.encode() + b'"><w:body>' + b" " * real_size + b"</w:body></w:document>"
    write_docx(path, filler)
    raw = bytearray(path.read_bytes())
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        pos = 0
        while (pos := raw.find(sig, pos)) >= 0:
            name_len = struct.unpack_from("<H", raw, pos + (26 if sig == b"PK\x03\x04" else 28))[0]
            start = pos + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(raw[start : start + name_len]) == b"word/document.xml":
                struct.pack_into("<I", raw, pos + offset, said)
            pos += 4
    path.write_bytes(bytes(raw))
    return path


GiB = 1 << 30


def builders(scale: float = 1.0) -> dict[str, Callable[[Path], Path]]:
    """Every hostile Word file by name; ``scale`` < 1 shrinks the bombs (the tests), 1 is the issue's size."""
    big = max(1 << 20, int(GiB * scale)) >> 20 << 20
    wide = row(cell("x", '<w:gridSpan w:val="64"/>') for _ in range(1_000))
    return {
        "bomb-thumbnail": lambda p: write_docx(p, document(task_rows(3)), extra=[("docProps/thumbnail.jpeg", big)]),
        "bomb-styles": lambda p: write_docx(p, document(task_rows(3)), extra=[("word/styles.xml", 3 * big)]),
        "document-header-lies-small": lambda p: lying_header(p, 64 << 20, 1_000),
        "document-header-lies-big": lambda p: lying_header(p, 64 << 20, 0xFFFFFFF0),
        "grid-before-huge": lambda p: write_docx(
            p, document([row([cell("1"), cell("x")], '<w:gridBefore w:val="100000000"/>'), *task_rows(3)])
        ),
        "grid-before-junk": lambda p: write_docx(
            p, document([row([cell("1"), cell("x")], '<w:gridBefore w:val="abc"/>'), *task_rows(3)])
        ),
        "wide-row": lambda p: write_docx(p, document([wide, *task_rows(3)])),
        "wide-rows-5000": lambda p: write_docx(p, document_chunks([wide] * 5_000)),
        "same-stt-19000": lambda p: write_docx(p, document(task_rows(19_000, stt=lambda i: "1"))),
        "no-stt-3000": lambda p: write_docx(p, document(task_rows(1) + task_rows(3_000, stt=lambda i: ""))),
        "tasks-8000": lambda p: write_docx(p, document(task_rows(8_000))),
        "rows-20001": lambda p: write_docx(p, document(task_rows(20_001))),
        "nested-12": lambda p: write_docx(
            p, document(task_rows(2), before="<w:tbl><w:tr><w:tc>" * 12 + para("x") + "</w:tc></w:tr></w:tbl>" * 12)
        ),
        "long-cell": lambda p: write_docx(p, document([row(cell(t) for t in ("1", "x" * 3_000_000, "", "", ""))])),
        "entities": lambda p: write_docx(
            p,
            document(task_rows(2), doctype='<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'),
        ),
        "undefined-entity": lambda p: write_docx(p, document(task_rows(2)).replace("Nhiệm vụ thứ 1 ", "&x; sau")),
        "macro-docm": lambda p: write_docx(p, document(task_rows(2)), main=MACRO_TYPE),
        "many-parts": lambda p: _many_parts(p, 20_000),
        "dense-paragraphs": lambda p: write_docx(p, document(task_rows(2), before="<w:p/>" * ((31 << 20) // 6))),
        "empty-paragraphs": lambda p: write_docx(p, document(task_rows(2), before="<w:p/>" * 1_400_000)),
        "paragraphs-99000": lambda p: write_docx(
            p, document(task_rows(2), before="".join(para(f"Đoạn {i}") for i in range(99_000)))
        ),
        "lead-with-colon": lambda p: write_docx(p, document(task_rows(2, lead="Tổ công tác 08:00, http://a.vn/x#y"))),
    }


def _many_parts(path: Path, n: int) -> Path:
    write_docx(path, document(task_rows(2)))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as z:
        for i in range(n):
            z.writestr(f"x/{i}", b"")
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, build in builders(1.0).items():
        build(out / f"{name}.docx")
        print(name, (out / f"{name}.docx").stat().st_size)
