"""Opening a Word file without letting the file decide how much work that is (docs/security.md).

A .docx is a zip of XML parts. Only two are read: ``[Content_Types].xml`` (is this a Word document, or
one with macros?) and ``word/document.xml`` (the text and tables). Styles, images, thumbnails and every
other part are never unpacked, so a bomb hidden in one of them costs nothing. What is read is counted
as it is unpacked — a zip header may lie about a part's size — and parsing allows no DOCTYPE, no
entities and no network. Limits on the tables themselves (grid width, cells, rows, nesting, text per
cell) are applied by the importer with the numbers below; past them a file is refused or clamped with a
message, never read without bound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kehoach.errors import DataError

MAX_BYTES = 50 * 1024 * 1024  # the .docx itself: a Word file of plans is a few MB at most
MAX_XML_BYTES = 32 * 1024 * 1024  # word/document.xml unpacked (a 300-page appendix is under 10 MB)
MAX_SMALL_PART = 1024 * 1024  # [Content_Types].xml unpacked
MAX_ENTRIES = 10_000  # parts in the zip (Word writes a few dozen)
MAX_ELEMENTS = 1_500_000  # XML elements of word/document.xml, counted in its bytes before it is parsed
MAX_PARAGRAPHS = 200_000  # paragraphs of the document (a 300-page appendix has about 10,000; cells hold some)
MAX_GRID_COLUMNS = 64  # grid columns of a table row (Word itself allows 63)
MAX_ROWS = 20_000  # rows of one table
MAX_TASKS = 8_000  # tasks of one draft: a plan file of more would pass the loader's limits (kehoach.loader)
MAX_CELLS = 500_000  # grid cells of all tables together, after merged cells are spread out
MAX_TABLES = 2_000
MAX_NESTING = 8  # tables within tables
MAX_CELL_CHARS = 20_000  # text kept of one cell

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_MACRO_TYPES = ("macroEnabled", "vbaProject")


# Also a ValueError, as before the one error base, for callers outside the package.
class DocxImportError(DataError, ValueError):
    """The file cannot be imported (not a Word file, no task table, too big…); the message says why."""


def _label(path: Path) -> str:
    return repr(str(path))


def read_file(path: Path) -> bytes:
    """The bytes of the Word file: a regular file of at most MAX_BYTES (a FIFO, device or folder is named
    for what it is and never read; opening never blocks: kehoach.files.read_regular)."""
    from kehoach.files import NotRegularFile, read_regular

    try:
        data = read_regular(path, MAX_BYTES)
    except NotRegularFile as exc:
        if exc.errno == 21:
            raise DocxImportError(f"{_label(path)} là một thư mục, không phải tệp Word .docx") from None
        raise DocxImportError(f"{_label(path)} là {exc.strerror}, không phải tệp Word .docx; không đọc") from None
    except FileNotFoundError:
        raise DocxImportError(f"không tìm thấy tệp {_label(path)}") from None
    except IsADirectoryError:
        raise DocxImportError(f"{_label(path)} là một thư mục, không phải tệp Word .docx") from None
    except OSError as exc:
        raise DocxImportError(f"không đọc được {_label(path)}: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise DocxImportError(f"tệp {_label(path)} quá lớn (hơn {MAX_BYTES // 1_000_000} MB)")
    return data


def _part(z: Any, name: str, cap: int, path: Path) -> bytes:
    """One part unpacked, counting the bytes as they come out: at most ``cap``, whatever the header says."""
    out: list[bytes] = []
    total = 0
    with z.open(name) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise DocxImportError(
                    f"{_label(path)}: phần {name} khi giải nén lớn hơn {cap // 2**20} MB; không đọc (tệp hỏng "
                    "hoặc cố ý làm nổ bộ nhớ)"
                )
            out.append(chunk)
    return b"".join(out)


def _parser() -> Any:
    """An XML parser for Word's parts: python-docx's element classes, no DTD, no entities, no network."""
    from docx.oxml.parser import element_class_lookup
    from lxml import etree

    parser = etree.XMLParser(
        remove_blank_text=True, resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
    )
    parser.set_element_class_lookup(element_class_lookup)
    return parser


def _has_doctype(xml: bytes) -> bool:
    return b"<!DOCTYPE" in xml or b"<!ENTITY" in xml


def read_body(path: Path) -> Any:
    """The ``w:body`` element of the Word file at ``path`` (python-docx element classes), or DocxImportError."""
    import io
    import zipfile

    import docx  # noqa: F401 - registers python-docx's element classes with its parser
    from lxml import etree

    data = read_file(path)
    not_word = f"{_label(path)} không phải tệp Word .docx (tệp .doc cũ: mở bằng Word rồi lưu thành .docx)"
    # The zip's directory says how many parts there are before any is listed (a million empty parts
    # would take the memory of a million entries).
    entries = _entry_count(data)
    if entries is None:
        raise DocxImportError(not_word)
    if entries > MAX_ENTRIES:
        raise DocxImportError(f"{_label(path)}: tệp Word có {entries} phần (tối đa {MAX_ENTRIES}); không đọc")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "word/document.xml" not in names:
                raise DocxImportError(f"{_label(path)} không phải tệp Word .docx (thiếu word/document.xml)")
            if "[Content_Types].xml" in names:
                types = _part(z, "[Content_Types].xml", MAX_SMALL_PART, path)
                _check_type(types, path)
            xml = _part(z, "word/document.xml", MAX_XML_BYTES, path)
    except DocxImportError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise DocxImportError(f"{_label(path)} không phải tệp Word .docx hợp lệ (tệp zip hỏng)") from None
    except RuntimeError:  # an encrypted part
        raise DocxImportError(f"{_label(path)} được đặt mật khẩu; lưu lại không mật khẩu rồi nhập") from None
    # The parsed tree takes about 150 bytes an element: 32 MB of "<w:p/>" would take 800 MB. Elements are
    # counted in the bytes (a start tag is a "<" that is not "</") before anything is built.
    elements = xml.count(b"<") - xml.count(b"</")
    if elements > MAX_ELEMENTS:
        raise DocxImportError(
            f"{_label(path)}: word/document.xml có hơn {MAX_ELEMENTS} phần tử XML; quá lớn cho một văn bản, không đọc"
        )
    if _has_doctype(xml):
        raise DocxImportError(
            f"{_label(path)}: word/document.xml có khai báo DOCTYPE hoặc thực thể XML, điều Word không bao giờ "
            "viết; không đọc"
        )
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        why = f"word/document.xml hỏng ({exc.msg})"
        raise DocxImportError(f"không mở được {_label(path)} như tệp Word: {why}") from None
    del xml
    body = root.find(f"{{{_W}}}body")
    if root.tag != f"{{{_W}}}document" or body is None:
        raise DocxImportError(f"{_label(path)} không phải tệp Word .docx (word/document.xml không có phần thân)")
    paragraphs = int(etree.XPath("count(//w:p)", namespaces={"w": _W})(root))  # counted in C, no element made
    if paragraphs > MAX_PARAGRAPHS:
        raise DocxImportError(f"{_label(path)}: văn bản có {paragraphs} đoạn (tối đa {MAX_PARAGRAPHS}); không đọc")
    return body


def _entry_count(data: bytes) -> int | None:
    """Parts the zip's end record announces (zip64 included), or None when there is no end record."""
    import struct

    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    count = struct.unpack_from("<H", data, end + 10)[0]
    if count == 0xFFFF:  # zip64: the real count is in the zip64 end record
        loc = data.rfind(b"PK\x06\x07", max(0, end - 20), end)
        if loc < 0:
            return None
        offset = struct.unpack_from("<Q", data, loc + 8)[0]
        if offset + 56 > len(data) or data[offset : offset + 4] != b"PK\x06\x06":
            return None
        count = struct.unpack_from("<Q", data, offset + 32)[0]
    return int(count)


def _check_type(types: bytes, path: Path) -> None:
    """A Word document with macros (.docm) or a file of another kind is refused by name."""
    from lxml import etree

    if _has_doctype(types):
        raise DocxImportError(f"{_label(path)}: [Content_Types].xml có khai báo DOCTYPE; không đọc")
    try:
        root = etree.fromstring(types, _parser())
    except etree.XMLSyntaxError:
        raise DocxImportError(f"không mở được {_label(path)} như tệp Word: [Content_Types].xml hỏng") from None
    main = None
    for el in root.iter(f"{{{_CT}}}Override"):
        if el.get("PartName", "").lower() == "/word/document.xml":
            main = el.get("ContentType", "")
    if main is not None and any(t.lower() in main.lower() for t in _MACRO_TYPES):
        raise DocxImportError(
            f"{_label(path)} là tệp Word có macro (.docm); không nhập tệp có macro. Mở bằng Word, lưu thành .docx "
            "(Word bỏ macro đi), rồi nhập tệp đó"
        )
    if main is not None and "wordprocessingml" not in main:
        raise DocxImportError(f"{_label(path)} không phải tệp Word .docx (loại nội dung {main!r})")
