"""Draft a plan's YAML from its Word file: the task table of the appendix and the header of page one.

The task table is found by its header cells (STT, Nội dung / Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối
hợp, Thời gian / Thời hạn, Sản phẩm, Lãnh đạo … chỉ đạo) in any order and wording. Merged cells are read
from the XML itself (``w:gridSpan``, ``w:vMerge``), since python-docx has no public API for them: a cell
merged with the row above is copied and marked ``inferred``, as docs/encoding.md prescribes. Agency cells
are split into list items with the registry, never blindly on commas. Content and deadline text are
kept verbatim. Everything the importer was unsure of goes to a review list; the draft then passes
``kehoach check`` or fails only on what that list names.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kehoach.agencies import AgencyError, Registry
from kehoach.deadlines import PlanDates
from kehoach.text import fold, normalize
from kehoach.wordfile import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_GRID_COLUMNS,
    MAX_NESTING,
    MAX_ROWS,
    MAX_TABLES,
    MAX_TASKS,
    DocxImportError,
)

__all__ = ["DocxImportError", "ImportResult", "import_docx", "split_agencies", "to_yaml"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


# ------------------------------------------------------------------ reading tables with merges


@dataclass(slots=True)
class GridCell:
    text: str
    hmerged: bool = False  # covered by the cell to its left (w:gridSpan)
    vmerged: bool = False  # covered by the cell above (w:vMerge continue); text copied from it
    restart: bool = False  # first cell of a vertical merge


@dataclass
class Table:
    index: int  # order in the document, nested tables included
    rows: list[list[GridCell]]
    header_flags: list[bool]  # w:tblHeader: Word repeats the row on each page
    nested: bool
    clamped: list[str] = field(default_factory=list)  # what the limits cut (grid width, long cells)


_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029\x0b\x0c]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


_RUN_ITEMS: Any = None


def _paragraph_text(p: Any) -> str:
    """A paragraph's text as python-docx reads it (runs, runs of hyperlinks; w:t, w:tab, w:br…), with one
    XPath compiled once instead of two per paragraph; line and paragraph separators as "\\n", other control
    characters dropped (the draft is YAML and must read back as written)."""
    global _RUN_ITEMS
    if _RUN_ITEMS is None:
        from lxml import etree

        _RUN_ITEMS = etree.XPath(
            "w:r/*[self::w:br or self::w:cr or self::w:noBreakHyphen or self::w:ptab or self::w:t or self::w:tab]"
            " | w:hyperlink/w:r/*[self::w:br or self::w:cr or self::w:noBreakHyphen or self::w:ptab or self::w:t"
            " or self::w:tab]",
            namespaces={"w": _W},
        )
    text = "".join(str(e) for e in _RUN_ITEMS(p))
    return _CONTROLS.sub("", _BREAKS.sub("\n", text))


def _cell_text(tc: Any) -> tuple[str, bool]:
    """The cell's paragraphs, one per line, at most MAX_CELL_CHARS; and whether text was cut."""
    parts: list[str] = []
    size = 0
    for p in tc.iterchildren(_q("p")):
        text = _paragraph_text(p).strip()
        if text:
            parts.append(text)
            size += len(text) + 1
            if size > MAX_CELL_CHARS:
                break
    text = "\n".join(parts)
    return text[:MAX_CELL_CHARS], len(text) > MAX_CELL_CHARS


def _count(value: str | None, default: int, low: int) -> int:
    """A count attribute of the grid (w:gridSpan, w:gridBefore) within [low, MAX_GRID_COLUMNS]; junk is ``default``."""
    try:
        n = int(value) if value is not None else default
    except ValueError:
        n = default
    return max(low, min(MAX_GRID_COLUMNS, n))


class _Budget:
    """Grid cells left for the whole document: a table that would spread beyond it is refused."""

    def __init__(self) -> None:
        self.cells = MAX_CELLS


def _read_table(tbl: Any, index: int, nested: bool, budget: _Budget | None = None) -> Table:
    """One table as a grid; widths, rows and cells bounded (wordfile's limits), merges spread out."""
    budget = budget or _Budget()
    rows: list[list[GridCell]] = []
    flags: list[bool] = []
    clamped: list[str] = []
    width = 0
    for tr in tbl.iterchildren(_q("tr")):
        if len(rows) >= MAX_ROWS:
            raise DocxImportError(f"bảng {index + 1} có hơn {MAX_ROWS} dòng; không đọc")
        trpr = tr.find(_q("trPr"))
        flags.append(trpr is not None and trpr.find(_q("tblHeader")) is not None)
        row: list[GridCell] = []
        before = trpr.find(_q("gridBefore")) if trpr is not None else None
        empty = GridCell("")
        row.extend([empty] * (_count(before.get(_q("val")), 0, 0) if before is not None else 0))
        for tc in tr.iterchildren(_q("tc")):
            if len(row) >= MAX_GRID_COLUMNS:
                clamped.append(f"dòng {len(rows) + 1} rộng hơn {MAX_GRID_COLUMNS} cột; bỏ các ô thừa")
                break
            tcpr = tc.find(_q("tcPr"))
            span = 1
            vmerge = None
            if tcpr is not None:
                gs = tcpr.find(_q("gridSpan"))
                if gs is not None:
                    span = _count(gs.get(_q("val")), 1, 1)
                vm = tcpr.find(_q("vMerge"))
                if vm is not None:
                    vmerge = "restart" if vm.get(_q("val")) == "restart" else "continue"
            span = min(span, MAX_GRID_COLUMNS - len(row))
            col = len(row)
            if vmerge == "continue":
                above = rows[-1][col] if rows and col < len(rows[-1]) else empty
                cell = GridCell(above.text, vmerged=True)
            else:
                text, cut = _cell_text(tc)
                if cut:
                    clamped.append(f"dòng {len(rows) + 1}: ô dài hơn {MAX_CELL_CHARS} ký tự; đã cắt bớt")
                cell = GridCell(text, restart=vmerge == "restart")
            row.append(cell)
            if span > 1:
                covered = GridCell(cell.text, hmerged=True, vmerged=cell.vmerged)
                row.extend([covered] * (span - 1))  # one shared object: the covered cells are never changed
        width = max(width, len(row))
        budget.cells -= len(row)
        rows.append(row)
        if len(rows) * width > MAX_CELLS or budget.cells < 0:
            raise DocxImportError(
                f"bảng {index + 1} quá lớn (hơn {MAX_CELLS} ô sau khi trải các ô gộp); không đọc"
            )
    padding = sum(width - len(r) for r in rows)
    budget.cells -= padding
    if budget.cells < 0:
        raise DocxImportError(f"các bảng của văn bản có hơn {MAX_CELLS} ô sau khi trải các ô gộp; không đọc")
    blank = GridCell("")
    for r in rows:
        if len(r) < width:
            r.extend([blank] * (width - len(r)))
    return Table(index, rows, flags, nested, clamped[:20])


def read_tables(body: Any) -> list[Table]:
    """Every table of the document in order, nested ones too (each read on its own), within the limits."""
    out = []
    budget = _Budget()
    for i, tbl in enumerate(body.iter(_q("tbl"))):
        if i >= MAX_TABLES:
            raise DocxImportError(f"văn bản có hơn {MAX_TABLES} bảng; không đọc")
        depth = sum(1 for a in tbl.iterancestors(_q("tbl")))
        if depth > MAX_NESTING:
            raise DocxImportError(f"bảng lồng trong bảng quá {MAX_NESTING} tầng; không đọc")
        out.append(_read_table(tbl, i, depth > 0, budget))
    return out


# ------------------------------------------------------------------ the header row

ROLES = ("id", "content", "lead", "support", "product", "deadline", "leader")
_ROLE_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("id", re.compile(r"^(?:stt|số tt|số thứ tự|tt|số)$")),
    ("leader", re.compile(r"lãnh đạo|chỉ đạo")),
    ("lead", re.compile(r"chủ trì")),
    ("support", re.compile(r"phối hợp")),
    ("deadline", re.compile(r"thời gian|thời hạn|tiến độ|thời điểm")),
    ("product", re.compile(r"sản phẩm|kết quả")),
    ("content", re.compile(r"nội dung|nhiệm vụ|công việc|đề án|giải pháp")),
]
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")


@functools.lru_cache(maxsize=4096)  # the same agency names and dates fill thousands of rows
def _role_of(text: str) -> str | None:
    key = fold(text.replace("\n", " "))
    if not key or len(key) > 80:
        return None
    for role, pattern in _ROLE_WORDS:
        if pattern.search(key):
            return role
    return None


def _roles_of_row(row: list[GridCell], *, own_only: bool = False) -> dict[int, str]:
    """Role of each column from a header row; ``own_only`` ignores text copied from a merge above."""
    out: dict[int, str] = {}
    for col, cell in enumerate(row):
        if cell.hmerged or (own_only and cell.vmerged):
            continue
        role = _role_of(cell.text)
        if role and role not in out.values():
            out[col] = role
    return out


def _is_header(row: list[GridCell]) -> bool:
    roles = set(_roles_of_row(row).values())
    return "content" in roles and len(roles) >= 3


def _is_header_own(row: list[GridCell]) -> bool:
    roles = set(_roles_of_row(row, own_only=True).values())
    return "content" in roles and len(roles) >= 3


def _is_column_numbers(row: list[GridCell]) -> bool:
    texts = [c.text for c in row if not c.hmerged and c.text]
    return bool(texts) and all(_COLUMN_NUMBERS.match(t) for t in texts)


@dataclass
class Columns:
    roles: dict[str, int]  # role -> grid column
    header_rows: int  # rows the header takes (1 or 2)
    labels: dict[str, str]  # role -> header text as written


def find_columns(table: Table) -> tuple[int, Columns] | None:
    """The first header row of a task table and the column of each role."""
    for r, row in enumerate(table.rows[:12]):
        if not _is_header(row):
            continue
        by_col = _roles_of_row(row)
        rows = 1
        # Two-level header: "Cơ quan thực hiện" over "Chủ trì" | "Phối hợp".
        if r + 1 < len(table.rows):
            nxt = table.rows[r + 1]
            sub = _roles_of_row(nxt, own_only=True)
            own = [c for c in nxt if not c.vmerged and not c.hmerged and c.text]
            if sub and len(sub) == len(own) and not _is_header_own(nxt):
                for col, role in sub.items():
                    by_col = {c: x for c, x in by_col.items() if x != role}
                    by_col[col] = role
                rows = 2
        roles = {role: col for col, role in by_col.items()}
        labels = {role: table.rows[r + rows - 1][col].text or table.rows[r][col].text for role, col in roles.items()}
        return r, Columns(roles, rows, labels)
    return None


# ------------------------------------------------------------------ agencies


# At most this many names are read from one cell; the rest of a longer cell is kept as one piece for review.
MAX_PIECES = 64
# How many comma- (or "và"-) separated pieces a known name may span ("Sở Văn hóa, Thể thao và Du lịch": 2).
_MAX_RUN = 6
_DISTRIBUTIVE = re.compile(r"^\s*các\s+(sở|bộ|ban)\s*:\s*(.+)$", re.IGNORECASE | re.DOTALL)
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}[.)]|[a-zđ]\)|[-–+•*])\s*")
_PAREN = re.compile(r"\s*\(([^()]{0,200})\)")
# Words that begin what an agency does rather than who it is ("Bộ Tư pháp chủ trì hướng dẫn, tổng hợp").
_ROLE_TEXT = re.compile(
    r"\s+(?:chủ trì|phối hợp|theo chức năng|theo chức năng, nhiệm vụ|theo nhiệm vụ|trong phạm vi|hướng dẫn|"
    r"tổng hợp|thực hiện|triển khai|tham mưu|là|có trách nhiệm|đối với|về việc|để)\b",
    re.IGNORECASE,
)
_DEADLINE_WORDS = re.compile(r"\b(?:quý|tháng|năm)\s+[IVX\d]|\b\d{1,2}/\d{4}\b|\b(?:19|20)\d{2}\b", re.IGNORECASE)


@dataclass
class AgencyCell:
    """An agency cell as an analyst reads it: the names, which of them the registry does not know, what the
    cell says besides names (role text, numbering, scopes in brackets: for the task's note) and what needs a
    look (a deadline written inside the cell, a cell longer than ``MAX_PIECES`` names)."""

    names: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def add(self, name: str, known: bool) -> None:
        self.names.append(name)
        if not known:
            self.unknown.append(name)


def split_agencies(text: str, registry: Registry) -> tuple[list[str], list[str]]:
    """Split an agency cell into names as written, using the registry; returns (names, unknown).

    See ``read_agency_cell`` for the rules; this is its short form."""
    cell = read_agency_cell(text, registry)
    return cell.names, cell.unknown


def read_agency_cell(text: str, registry: Registry) -> AgencyCell:
    """Split an agency cell into names, in time linear in its length.

    Separators are line breaks, semicolons and commas, but a run of pieces that the registry knows as one
    name stays whole ("Sở Văn hóa, Thể thao và Du lịch", "UBND các xã, phường"), and "và" splits only
    between known names ("UBND tỉnh Thanh Hóa và các bộ, ngành có liên quan"), never inside one ("Bộ Giáo
    dục và Đào tạo"). A distributive prefix applies to every item after it ("Các Sở: Tài chính; Công
    Thương" -> "Sở Tài chính", "Sở Công Thương"), unless an item is itself a known name. Numbering ("1.",
    "a)", "-"), role text after a known name ("Bộ Tư pháp chủ trì hướng dẫn, tổng hợp") and scopes in
    brackets ("Bộ Công Thương (đối với năng lượng)") go to ``notes``; a deadline inside the cell is
    flagged. A piece the registry does not know is kept as written (and listed in ``unknown``), with
    lower-case continuations glued back to it. docs/encoding.md, mục 6.
    """
    out = AgencyCell()
    seps = [m.start() for m, _ in zip(re.finditer(r"[,;\n]", text), range(MAX_PIECES), strict=False)]
    if len(seps) == MAX_PIECES:
        rest = text[seps[-2] + 1 :].strip(" ,;\n")
        _read_cell(text[: seps[-2]], registry, out)
        out.add(rest, False)
        out.flags.append(f"ô có hơn {MAX_PIECES} tên; phần sau được giữ nguyên thành một mục để rà soát")
        return out
    _read_cell(text, registry, out)
    return out


def _read_cell(text: str, registry: Registry, out: AgencyCell) -> None:
    m = _DISTRIBUTIVE.match(text)
    if m:
        word = m.group(1).capitalize()
        items = [i.strip(" .") for i in re.split(r"[,;\n]+", m.group(2)) if i.strip(" .")]
        for item in items:
            item = _strip_extras(item, out)
            if not item:
                continue
            if _known(f"{word} {item}", registry):
                out.add(f"{word} {item}", True)
            elif _known(item, registry):
                out.add(item, True)
            elif " và " in item and all(_known(f"{word} {x}", registry) for x in item.split(" và ")):
                for x in item.split(" và "):
                    out.add(f"{word} {x}", True)
            else:
                # "Các Bộ: ..., Nông nghiệp và PTNT và các đơn vị liên quan": the last ministry, then the others.
                got, missing = _split_joined([f"{word} {item}"], [f"{word} {item}"], registry)
                for name in got:
                    out.add(name, name not in missing)
        return
    segments = [seg for seg in re.split(r"[;\n]+", text) if seg.strip(" .,:")]
    for segment in segments:
        segment = _strip_extras(segment.strip(" .,:"), out)
        if not segment:
            continue
        segment = _role_split(segment, registry, out)
        got, missing = _split_segment(segment, registry)
        if missing:
            got, missing = _split_joined(got, missing, registry)
        if missing and " và " in segment:
            # "X và các bộ, ngành có liên quan": split on "và" when both sides are known (a few "và" at most).
            words = segment.split(" và ")
            for k in range(1, min(len(words), _MAX_RUN)):
                left = _split_segment(" và ".join(words[:k]), registry)
                right = _split_segment(" và ".join(words[k:]), registry)
                if not left[1] and not right[1]:
                    got, missing = left[0] + right[0], []
                    break
        for name in got:
            out.add(name, name not in missing)


def _strip_extras(text: str, out: AgencyCell) -> str:
    """Numbering and bracketed scopes off a piece of an agency cell; the scopes to the notes."""
    text = _NUMBERING.sub("", text, count=1)
    if "(" in text:
        for scope in _PAREN.findall(text):
            out.notes.append(f"({scope.strip()})")
            if _DEADLINE_WORDS.search(scope):
                out.flags.append(f"ô cơ quan có thời hạn trong ngoặc: ({scope.strip()}); ghi vào deadline nếu đúng")
        text = _PAREN.sub("", text)
    return text.strip(" .,:")


def _role_split(segment: str, registry: Registry, out: AgencyCell) -> str:
    """"Bộ Công an: chủ trì kinh tế dữ liệu", "Bộ Tư pháp chủ trì hướng dẫn, tổng hợp": the names before the
    role text, the role text to the notes, when the part before it reads as known names."""
    head, sep, tail = segment.partition(":")
    if sep and tail.strip() and not _split_segment(head.strip(), registry)[1]:
        out.notes.append(f"{head.strip()}: {tail.strip()}")
        return head.strip()
    m = _ROLE_TEXT.search(segment)
    if m and m.start() > 0:
        head = segment[: m.start()].strip(" ,")
        if head and not _split_segment(head, registry)[1] and not _known(segment, registry):
            out.notes.append(f"{head} {segment[m.start():].strip()}")
            return head
    return segment


# Where a second name may start inside a piece: "Bộ Thông tin và Truyền thông Bộ Khoa học và Công nghệ"
# (the comma lost), "Bộ Kế hoạch và Đầu tư và các địa phương".
# Without "và" only before an agency's head word: "Công an các địa phương" is one body.
_JOIN = re.compile(
    r"\s+và\s+(?=(?:Bộ|Sở|Ban|Ủy ban|UBND|Văn phòng|các|Các)\s)|\s+(?=(?:Bộ|Sở|Ban|Ủy ban|UBND|Văn phòng)\s)"
)


def _split_joined(names: list[str], unknown: list[str], registry: Registry) -> tuple[list[str], list[str]]:
    """An unknown piece that is two known names joined by "và" or by nothing ("Bộ Kế hoạch và Đầu tư và các
    địa phương", "Bộ Thông tin và Truyền thông Bộ Khoa học và Công nghệ"): the two names; two unknown pieces
    that are one known name with a comma for its "và" ("Bộ Khoa học, Công nghệ"): one name, as written and
    still unknown; else as it was."""
    out: list[str] = []
    still: list[str] = []
    for name in names:
        if out and still and out[-1] == still[-1] and name in unknown and _known(f"{out[-1]} và {name}", registry):
            # "Bộ Khoa học, Công nghệ": one name with its "và" written as a comma; kept as written, for review.
            out[-1] = still[-1] = f"{out[-1]}, {name}"
            continue
        if name in unknown:
            for m in _JOIN.finditer(name):
                left, right = name[: m.start()], name[m.end() :]
                if _known(left, registry) and _known(right, registry):
                    out += [left, right]
                    break
            else:
                out.append(name)
                still.append(name)
        else:
            out.append(name)
    return out, still


def _split_segment(segment: str, registry: Registry) -> tuple[list[str], list[str]]:
    """Longest runs (of at most ``_MAX_RUN``) comma-separated pieces that the registry knows as one name."""
    names: list[str] = []
    unknown: list[str] = []
    pieces = [p.strip() for p in segment.split(",") if p.strip()]
    i = 0
    last_unknown = False
    while i < len(pieces):
        for j in range(min(len(pieces), i + _MAX_RUN), i, -1):
            candidate = ", ".join(pieces[i:j])
            if _known(candidate, registry):
                names.append(candidate)
                i = j
                last_unknown = False
                break
        else:
            piece = pieces[i]
            if last_unknown and piece[:1].islower():
                glued = f"{names[-1]}, {piece}"
                unknown[-1] = glued
                names[-1] = glued
            else:
                names.append(piece)
                unknown.append(piece)
                last_unknown = True
            i += 1
    return names, unknown


def _known(name: str, registry: Registry) -> bool:
    return len(name) <= 300 and registry.knows(name)


# ------------------------------------------------------------------ rows -> sections and tasks


@dataclass
class Review:
    """One thing a person must look at in the draft."""

    where: str  # "nhiệm vụ I.3", "bảng 2, dòng 14", "phần đầu"
    code: str  # agency.unknown, deadline.unparsed, cell.merged, cell.empty, row.unsure, header.missing
    message: str

    def __str__(self) -> str:
        return f"{self.where}: [{self.code}] {self.message}"


@dataclass
class ImportResult:
    plan: dict[str, Any]
    review: list[Review] = field(default_factory=list)
    table_index: int = 0
    repeated_headers: int = 0
    tasks: int = 0

    @property
    def inferred_cells(self) -> list[tuple[str, str]]:
        """(task id, field) of every cell copied from a merged cell above."""
        return [(t["id"], f) for s in self.plan["sections"] for t in s["tasks"] for f in t.get("inferred", [])]


_ROMAN = re.compile(r"^[IVXLC]+$")
_GROUP_PREFIX = re.compile(
    r"^(?:(?i:nhóm|phần|mục|lĩnh vực)\s+)?(?P<id>(?:[IVXLC]+|[A-Z]|\d+)(?:\.(?:[IVXLC]+|\d+))*)[.):]?"
    r"\s+(?:-\s+)?(?P<title>\S.*)$",
    re.DOTALL,
)
_SUB_ITEM = re.compile(r"^([a-zđ])\)\s")
_DASH_ITEM = re.compile(r"^\s*[-–+•]\s*")
_BULLETS = ("-", "–", "+", "•", "*")
# A row across the table that is a note, not a group: "Ghi chú: …", "(*) …", "Lưu ý …".
_NOTE_ROW = re.compile(r"^\s*(?:ghi chú|lưu ý|chú thích|chú ý|\(\*+\)|\*+)", re.IGNORECASE)
_LETTERS = "abcdefghiklmnopqrstuvxy"
_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _clean_id(text: str) -> str:
    return re.sub(r"\s+", "", text).rstrip(".")


def _cell(row: list[GridCell], cols: Columns, role: str) -> GridCell | None:
    col = cols.roles.get(role)
    if col is None or col >= len(row):
        return None
    cell = row[col]
    return None if cell.hmerged and role not in ("content",) else cell


def _text(row: list[GridCell], cols: Columns, role: str) -> str:
    cell = _cell(row, cols, role)
    return cell.text.strip() if cell else ""


def rows_to_sections(table: Table, cols: Columns, start: int, registry: Registry, result: ImportResult) -> list[dict]:
    from kehoach.deadlines import DeadlineError, parse_deadline

    sections: list[dict[str, Any]] = []
    section: dict[str, Any] | None = None
    used_ids: set[str] = set()
    data_rows = table.rows[start + cols.header_rows :]
    dotted = any(re.match(r"^\d+\.\d+", _clean_id(_text(r, cols, "id"))) for r in data_rows)
    prev_base: str | None = None
    task_fields = ("lead", "support", "product", "deadline", "leader")
    dashes: dict[str, int] = {}  # "-" sub-rows met under each parent: I.4.a, I.4.b…
    parents: dict[str, str] = {}  # rows that only group sub-rows: their number and words
    default_section = False
    # Columns the header names but no field holds ("Cấp phê duyệt"): kept in each task's note, and reported.
    header = table.rows[start + cols.header_rows - 1]
    top = table.rows[start]
    used_cols = set(cols.roles.values())
    extras = {
        col: normalize((cell.text or top[col].text).replace("\n", " "))
        for col, cell in enumerate(header)
        if col not in used_cols and not cell.hmerged and (cell.text or top[col].text).strip()
    }
    # A second number column ("STT" for group rows, "TT" for the tasks under them): the tasks' numbers.
    second_id = next((c for c, text in extras.items() if _role_of(text) == "id"), None)
    if second_id is not None:
        del extras[second_id]
    if extras:
        extra_names = ", ".join(repr(x) for x in extras.values())
        result.review.append(
            Review(f"bảng {table.index + 1}", "column.extra", f"cột {extra_names} không có trường riêng; ghi vào note")
        )

    def new_section(sid: str, title: str, where: str) -> dict[str, Any]:
        nonlocal section
        sid = sid if _ID_OK.match(sid) else f"S{len(sections) + 1}"
        section = {"id": sid, "title": title, "source": where, "tasks": []}
        sections.append(section)
        return section

    own_ids: dict[int, str] = {}  # section -> id of its last task that had its own STT
    next_n: dict[str, int] = {}  # the next suffix to try for a repeated id: linear, however many repeats

    def unique(tid: str, where: str) -> str:
        if tid not in used_ids:
            used_ids.add(tid)
            return tid
        n = next_n.get(tid, 2)
        while f"{tid}-{n}" in used_ids:
            n += 1
        next_n[tid] = n + 1
        result.review.append(Review(where, "row.unsure", f"mã {tid!r} bị lặp; tạm ghi {tid}-{n}"))
        used_ids.add(f"{tid}-{n}")
        return f"{tid}-{n}"

    for offset, row in enumerate(data_rows):
        rnum = start + cols.header_rows + offset + 1  # 1-based row number in the table
        where = f"bảng {table.index + 1}, dòng {rnum}"
        if _is_header(row) or table.header_flags[start + cols.header_rows + offset]:
            result.repeated_headers += 1
            continue
        if _is_column_numbers(row):
            continue
        distinct = [c for c in row if not c.hmerged and c.text.strip()]
        if not distinct:
            continue
        stt = _clean_id(_text(row, cols, "id"))
        if not stt and second_id is not None and second_id < len(row) and not row[second_id].hmerged:
            stt = _clean_id(row[second_id].text)
        content = _text(row, cols, "content")
        has_fields = any(_text(row, cols, f) for f in task_fields)
        across = all(c.hmerged for c in row[1:])  # one cell spans the whole row
        # A group row: one cell across the row, or a single filled cell with no task fields.
        if across or (len(distinct) == 1 and not has_fields):
            text = normalize(distinct[0].text.replace("\n", " "))
            m = _GROUP_PREFIX.match(text)
            sentence = not m and section is not None and text.endswith(".") and len(text.split()) > 12
            if _NOTE_ROW.match(text) or sentence:
                # A note across the table: on the section it falls in, never a new section.
                target = section["tasks"][-1] if section and section["tasks"] else section
                if target is not None:
                    target["note"] = f"{target['note']} {text}" if target.get("note") else text
                    said = f"dòng ghi chú cả bảng, ghi vào note: {text[:60]!r}"
                    result.review.append(Review(where, "row.note", said))
                    continue
            if m:
                new_section(m.group("id"), m.group("title").strip(), where)
            else:
                new_section(f"S{len(sections) + 1}", text, where)
                result.review.append(Review(where, "row.unsure", f"dòng nhóm không đánh số: {text[:60]!r}"))
            prev_base = None
            continue
        top_level = bool(stt) and (_ROMAN.match(stt) or re.match(r"^[A-Z]$", stt) or (dotted and stt.isdigit()))
        if top_level and not has_fields:
            new_section(stt, normalize(content.replace("\n", " ")), where)
            prev_base = None
            continue
        if top_level and has_fields:
            # A first-level row that is also a task (NQ 13, row 1): a section holding one task.
            new_section(stt, normalize(content.replace("\n", " ")), where)
        if not content:
            result.review.append(Review(where, "row.unsure", "dòng có số liệu nhưng ô nội dung trống; bỏ qua"))
            continue
        if section is None:
            new_section("1", "Nhiệm vụ", where)
            default_section = True
            result.review.append(Review(where, "row.unsure", "bảng không có dòng nhóm: mọi nhiệm vụ xếp vào nhóm '1'"))
        assert section is not None
        id_cell = _cell(row, cols, "id")
        sub = _SUB_ITEM.match(content)
        own_row = True
        dash = stt in _BULLETS or (not stt and bool(_DASH_ITEM.match(content)) and content.lstrip()[:1] in "-–+•")
        if stt and not has_fields and _parent_of_next(data_rows, offset, cols, stt):
            # A row that only groups the sub-rows under it (no lead, no deadline): not a task; its words go
            # to the note of each sub-row (ids I.4.a, I.4.b…).
            parents[stt] = normalize(content.replace("\n", " "))
            prev_base = stt
            said = f"dòng {stt} chỉ nhóm các dòng con; ghi vào note của chúng"
            result.review.append(Review(where, "row.parent", said))
            continue
        if dash and prev_base:
            n = dashes.get(prev_base, 0)
            dashes[prev_base] = n + 1
            letter = _LETTERS[n] if n < len(_LETTERS) else str(n + 1)
            tid = f"{prev_base}.{letter}"
        elif sub and (not stt or (id_cell is not None and (id_cell.vmerged or id_cell.restart))) and (stt or prev_base):
            base = stt or prev_base
            tid = f"{base}.{sub.group(1)}"
            prev_base = base
        elif stt:
            tid = stt
            prev_base = stt
        else:
            own_row = False
            # Named after the last row that had its own STT, never after an id made this way: 3,000 such rows
            # give "I.3-tiep-3000", not an id of 15,000 characters.
            tid = f"{own_ids[id(section)]}-tiep" if id(section) in own_ids else f"{section['id']}.x"
            result.review.append(
                Review(where, "row.unsure", f"dòng không có STT (có thể là phần tiếp của dòng trên); tạm mã {tid}")
            )
        if not default_section and not tid.startswith(section["id"] + ".") and tid != section["id"]:
            tid = f"{section['id']}.{tid}"
        if not _ID_OK.match(tid):
            fixed = re.sub(r"[^A-Za-z0-9._-]", "-", tid).strip("-.") or "x"
            result.review.append(Review(where, "row.unsure", f"STT {stt!r} không dùng được làm mã; tạm mã {fixed}"))
            tid = fixed
        tid = unique(tid, where)
        if own_row:
            own_ids[id(section)] = tid
        label = f"nhiệm vụ {tid}"
        task: dict[str, Any] = {"id": tid, "content": content}
        inferred: list[str] = []
        cell_notes: list[str] = []
        for role in ("lead", "support"):
            cell = _cell(row, cols, role)
            text = cell.text.strip() if cell else ""
            if cell is not None and cell.vmerged and text:
                inferred.append(role)
            read = read_agency_cell(text, registry) if text else AgencyCell()
            names, unknown = read.names, read.unknown
            task[role] = names
            for name in unknown:
                result.review.append(
                    Review(label, "agency.unknown", f"{cols.labels.get(role, role)}: {name!r} chưa có trong sổ cơ quan")
                )
            if read.notes:
                said = f"Ô {cols.labels.get(role, role)} ghi thêm: " + "; ".join(read.notes) + "."
                cell_notes.append(said)
                moved = said + " Đã tách khỏi tên cơ quan, ghi vào note."
                result.review.append(Review(label, "agency.role-text", moved))
            for flag in read.flags:
                result.review.append(Review(label, "agency.cell", flag))
        if "lead" in cols.roles and not task["lead"]:
            result.review.append(Review(label, "cell.empty", "ô chủ trì trống"))
        if "support" in cols.roles and role_merged(row, cols, "lead", "support"):
            result.review.append(Review(label, "cell.merged", "ô chủ trì gộp sang cột phối hợp; đã ghi cả ô vào lead"))
        for role in ("product", "deadline", "leader"):
            cell = _cell(row, cols, role)
            text = cell.text.strip() if cell else ""
            if role == "deadline":
                text = " ".join(text.split("\n"))
            if cell is not None and cell.vmerged and text:
                inferred.append(role)
            if text:
                task[role] = text
            elif role == "deadline" and role in cols.roles:
                result.review.append(Review(label, "cell.empty", f"ô {cols.labels.get(role, role)!r} trống"))
            # An empty product cell is a fact of the document: noted on the task (encoding.md, mục 5).
        if "product" in cols.roles and not task.get("product"):
            task["note"] = "Văn bản để trống cột Sản phẩm."
        if cell_notes:
            task["note"] = " ".join([*([task["note"]] if task.get("note") else []), *cell_notes])
        content_cell = _cell(row, cols, "content")
        if content_cell is not None and content_cell.vmerged:
            inferred.append("content")
        if inferred:
            task["inferred"] = inferred
            merged = ", ".join(cols.labels.get(r, r) for r in inferred)
            note = f"Ô {merged} gộp với dòng trên trong văn bản; chép lại theo dòng trên."
            task["note"] = f"{task['note']} {note}" if task.get("note") else note
            result.review.append(Review(label, "cell.merged", f"ô gộp với dòng trên, đã chép lại: {names}"))
        if task.get("deadline"):
            try:
                parse_deadline(task["deadline"], _DATES)
            except DeadlineError as exc:
                result.review.append(Review(label, "deadline.unparsed", str(exc)))
        parent = next((p for p in parents if tid.startswith(f"{section['id']}.{p}.") or tid.startswith(f"{p}.")), None)
        if parent is not None:
            said = f"Thuộc mục {parent}: {parents[parent]}."
            task["note"] = f"{said} {task['note']}" if task.get("note") else said
        for col, label_text in extras.items():
            value = row[col].text.strip() if col < len(row) and not row[col].hmerged else ""
            if value:
                said = f"{label_text}: {normalize(value)}."
                task["note"] = f"{task['note']} {said}" if task.get("note") else said
        task["source"] = where
        section["tasks"].append(task)
        result.tasks += 1
        if result.tasks > MAX_TASKS:
            raise DocxImportError(
                f"bảng nhiệm vụ có hơn {MAX_TASKS} nhiệm vụ: quá lớn cho một tệp kế hoạch; tách văn bản thành "
                "nhiều phần rồi nhập từng phần"
            )
    return [s for s in sections if s["tasks"]] or sections


def _parent_of_next(rows: list[list[GridCell]], offset: int, cols: Columns, stt: str) -> bool:
    """Whether the row after ``offset`` is a sub-row of the row numbered ``stt`` ("1.1" under "1", "a)" or
    "-" with no number of its own)."""
    if offset + 1 >= len(rows):
        return False
    nxt = rows[offset + 1]
    nstt = _clean_id(_text(nxt, cols, "id"))
    content = _text(nxt, cols, "content")
    if nstt.startswith(stt + ".") and len(nstt) > len(stt) + 1:
        return True
    return not nstt and bool(_SUB_ITEM.match(content) or _DASH_ITEM.match(content) and content.lstrip()[:1] in "-–+•")


def role_merged(row: list[GridCell], cols: Columns, left: str, right: str) -> bool:
    col = cols.roles.get(right)
    return col is not None and col < len(row) and row[col].hmerged and cols.roles.get(left, -1) < col


# Deadlines are checked for form only here; plan dates come later, so a wide window serves.
_DATES = PlanDates(start=dt.date(1990, 1, 1), end=dt.date(2100, 12, 31))


# ------------------------------------------------------------------ the plan header (page one)

_NUMBER = re.compile(
    r"^\s*số\s*:?\s*(?P<n>\d+\s*/\s*[0-9A-Za-zĐđ]+(?:\s*[-/]\s*[0-9A-Za-zĐđ]+)*)", re.IGNORECASE
)
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_KINDS = (
    "chương trình hành động",
    "kế hoạch hành động",
    "kế hoạch",
    "chương trình",
    "quyết định",
    "nghị quyết",
    "đề án",
)
_SIGN_TITLES = re.compile(
    r"^(?:kt\.|tm\.|q\.)?\s*(?:phó )?(?:chủ tịch|bộ trưởng|thủ tướng|giám đốc|trưởng ban)\b", re.IGNORECASE
)
_SKIP_TOP = re.compile(r"cộng hòa xã hội|độc lập - tự do|^-+$", re.IGNORECASE)


def _paragraphs(body: Any, skip: Any | None) -> list[str]:
    """Text of every paragraph in document order, leaving out those inside ``skip`` (the task table)."""
    out = []
    for p in body.iter(_q("p")):
        if skip is not None and any(a is skip for a in p.iterancestors()):
            continue
        text = normalize(_paragraph_text(p))
        if text:
            out.append(text)
    return out


def read_header(before: list[str], after: list[str], registry: Registry, review: list[Review]) -> dict[str, Any]:
    """number, issued, issuer, kind, title, signer from the paragraphs around the task table."""
    head: dict[str, Any] = {"kind": None, "number": None, "issued": None, "issuer": None, "signer": None}
    title = None
    for text in before[:40]:
        m = _NUMBER.match(text)
        if m and head["number"] is None:
            head["number"] = re.sub(r"\s+", "", m.group("n"))
        d = _DATE.search(text)
        if d and head["issued"] is None:
            try:
                head["issued"] = dt.date(int(d.group(3)), int(d.group(2)), int(d.group(1)))
            except ValueError:
                review.append(Review("phần đầu", "header.unsure", f"ngày ban hành không hợp lệ: {d.group(0)!r}"))
    # The issuer: the first line that names a body the registry knows, else the first upper-case line.
    for text in before[:6]:
        if _SKIP_TOP.search(text) or _NUMBER.match(text):
            continue
        try:
            head["issuer"] = registry.resolve(text).name
            break
        except AgencyError:
            continue
    # The header's lines read together ("ỦY BAN NHÂN DÂN" / "THÀNH PHỐ HÀ NỘI"): the plan's jurisdiction, and
    # the issuer when the registry does not yet hold that province's committee. No line is dropped.
    top = [t for t in before[:6] if not _SKIP_TOP.search(t) and not _NUMBER.match(t) and not _DATE.search(t)]
    where = registry.jurisdiction_in(" ".join(top[:3]))
    if where is not None:
        head["jurisdiction"] = where.id
        if head["issuer"] is None and re.search(r"\b(?:ủy ban nhân dân|ubnd)\b", fold(" ".join(top[:3]))):
            head["issuer"] = where.government
    elif head["issuer"] is not None:
        try:
            issuer = registry.resolve(head["issuer"])
            head["jurisdiction"] = issuer.jurisdiction or ("central" if issuer.level == "central" else None)
        except AgencyError:
            pass
    if head.get("jurisdiction") is None:
        review.append(Review("phần đầu", "header.missing", "không xác định được địa phương; ghi jurisdiction"))
    if head["issuer"] is None:
        first = next((t for t in before[:4] if t.isupper() and not _SKIP_TOP.search(t)), None)
        if first:
            head["issuer"] = first
            review.append(
                Review("phần đầu", "header.unsure", f"cơ quan ban hành {first!r} chưa có trong sổ; ghi như văn bản")
            )
    # Kind and title: a document-type line in capitals, the title in the lines that follow. A decision
    # that promulgates a plan is followed by the plan's own heading: the plan is what is encoded.
    kinds = [(i, k) for i, t in enumerate(before[:80]) for k in _KINDS if fold(t) == k or fold(t).startswith(k + " ")]
    if kinds:
        i, k = kinds[-1] if len(kinds) > 1 and kinds[0][1] == "quyết định" else kinds[0]
        line = before[i]
        head["kind"] = k[:1].upper() + k[1:]
        rest = line[len(k) :].strip(" :")
        lines = [rest] if rest else []
        for t in before[i + 1 : i + 4]:
            # The title is the line after the kind; an upper-case title may run over several lines.
            if lines and (re.match(r"^(căn cứ|thực hiện|theo đề nghị|điều \d|\(ban hành)", fold(t)) or not t.isupper()):
                break
            lines.append(t)
            if not t.isupper():
                break
        title = " ".join(lines).strip() or None
    # The signer: the name under the last signature title.
    for j in range(len(after) - 1, -1, -1):
        if _SIGN_TITLES.match(after[j]):
            for name in after[j + 1 : j + 4]:
                if _looks_like_name(name):
                    head["signer"] = name
                    break
            if head["signer"]:
                break
    for key, what in (
        ("number", "số hiệu"),
        ("issued", "ngày ban hành"),
        ("signer", "người ký"),
        ("kind", "loại văn bản"),
    ):
        if head[key] is None:
            review.append(Review("phần đầu", "header.missing", f"không tìm thấy {what}; để null"))
    if title is None:
        review.append(Review("phần đầu", "header.missing", "không tìm thấy trích yếu (title)"))
    elif title.isupper():
        review.append(Review("phần đầu", "header.unsure", "trích yếu in hoa toàn bộ: viết thường lại (encoding.md, 3)"))
    head["title"] = title
    return head


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return (
        2 <= len(words) <= 5
        and not text.isupper()
        and all(w[:1].isupper() for w in words)
        and not re.search(r"[\d:;,()]", text)
    )


def _periods(head: dict[str, Any], sections: list[dict], review: list[Review]) -> list[dict[str, Any]]:
    text = head.get("title") or ""
    m = re.search(r"(?:giai đoạn|thời kỳ)\s+(.*)$", text, re.IGNORECASE)
    if m:
        pairs = re.findall(r"((?:19|20)\d\d)\s*-\s*((?:19|20)\d\d)", m.group(1))
        found = [{"start": int(a), "end": int(b)} for a, b in pairs if int(a) <= int(b)]
        if found:
            return found
    years = [
        int(y)
        for s in sections
        for t in s["tasks"]
        for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", t.get("deadline") or "")
    ]
    issued = head.get("issued")
    if issued:
        years.append(issued.year)
    if not years:
        years = [dt.date.today().year]
    period = {
        "start": min(years),
        "end": max(years),
        "inferred": ["start", "end"],
        "note": "Văn bản không nêu giai đoạn ở phần đầu; suy ra từ ngày ban hành và các năm trong cột thời hạn.",
    }
    review.append(
        Review("phần đầu", "header.unsure", f"giai đoạn {period['start']} - {period['end']} suy ra từ các thời hạn")
    )
    return [period]


# ------------------------------------------------------------------ the whole file


PLAN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def import_docx(path: Path, plan_id: str, registry: Registry) -> ImportResult:
    """Draft a plan (as a dict ready for YAML) from a Word file, with a review list.

    Only ``word/document.xml`` is unpacked, within the limits of kehoach.wordfile; past them the file is
    refused (DocxImportError) or clamped with a line in the review list.
    """
    from kehoach.wordfile import read_body

    if not PLAN_ID.match(plan_id):
        raise DocxImportError(f"mã kế hoạch {plan_id!r} chỉ được gồm chữ, số, '.', '-', '_'")
    body = read_body(path)
    tables = read_tables(body)
    found = None
    for table in tables:
        located = find_columns(table)
        if located:
            found = (table, located)
            break
    if found is None:
        raise DocxImportError(
            "không tìm thấy bảng nhiệm vụ: cần một dòng tiêu đề có ô Nội dung/Nhiệm vụ và ít nhất hai ô "
            "trong STT, Cơ quan chủ trì, Cơ quan phối hợp, Thời gian/Thời hạn, Sản phẩm"
        )
    table, (start, cols) = found
    result = ImportResult(plan={}, table_index=table.index)
    for what in table.clamped:
        result.review.append(Review(f"bảng {table.index + 1}", "table.clamped", what))
    for role in ("id", "lead", "deadline"):
        if role not in cols.roles:
            result.review.append(
                Review("bảng", "header.missing", f"bảng không có cột {_ROLE_NAMES[role]}; nhiệm vụ thiếu trường đó")
            )
    sections = rows_to_sections(table, cols, start, registry, result)
    if not result.tasks:
        raise DocxImportError("bảng nhiệm vụ không có dòng nhiệm vụ nào")
    tbl_el = list(body.iter(_q("tbl")))[table.index]
    # Paragraphs before the table hold the header; the signature block may come before or after it.
    before: list[str] = []
    for el in body.iter(_q("p"), _q("tbl")):
        if el is tbl_el:
            break
        if el.tag == _q("p") and not any(a is tbl_el for a in el.iterancestors()):
            text = normalize(_paragraph_text(el))
            if text:
                before.append(text)
                if len(before) >= 100:  # read_header looks at the first 84 at most
                    break
    head = read_header(before, _paragraphs(body, tbl_el), registry, result.review)
    # The file's name as data: printable, valid UTF-8 (a name may hold a newline or undecodable bytes).
    name = "".join(c if c.isprintable() else "?" for c in path.name.encode("utf-8", "replace").decode("utf-8"))
    plan: dict[str, Any] = {
        "id": plan_id,
        "kind": head["kind"] or "Kế hoạch",
        "number": head["number"],
        "issued": head["issued"],
        "issuer": head["issuer"] or "(chưa rõ)",
        **({"jurisdiction": head["jurisdiction"]} if head.get("jurisdiction") else {}),
        "signer": head["signer"],
        "title": head["title"] or "(chưa rõ)",
        "periods": _periods(head, sections, result.review),
        "source": name,
        "notes": [
            f"Bản nháp tạo bằng `kehoach import docx` từ {name}: nhiệm vụ lấy từ bảng {table.index + 1} "
            f"({result.tasks} nhiệm vụ, bỏ {result.repeated_headers} dòng tiêu đề lặp lại). Cần rà soát theo "
            "danh sách lệnh in ra; `bases`, `monitor`, `reporting`, `reviews` chưa điền.",
        ],
        "sections": sections,
    }
    if head["issuer"] is None:
        result.review.append(Review("phần đầu", "header.missing", "không tìm thấy cơ quan ban hành"))
    result.plan = plan
    return result


_ROLE_NAMES = {
    "id": "STT",
    "content": "Nội dung",
    "lead": "Cơ quan chủ trì",
    "support": "Cơ quan phối hợp",
    "product": "Sản phẩm",
    "deadline": "Thời gian/Thời hạn",
    "leader": "Lãnh đạo chỉ đạo",
}


class _Block(list):  # type: ignore[type-arg]
    """A list written in block style (the notes: one sentence per line)."""


def to_yaml(result: ImportResult, source: Path) -> str:
    """The draft as YAML text, with a comment saying it is a draft and what to review.

    Written by libyaml (ruamel.yaml.clib): lists of names in flow style (``lead: [Sở Tài chính, Sở Tư pháp]``),
    the rest in block style, each string quoted wherever it must be to read back as written. The pure-Python
    emitter took 13 s for 8,000 tasks; this one about one. The text is then read back with kehoach's own
    reader and compared with the plan (``_reads_back``) before anything is written.
    """
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)
    yaml.default_flow_style = None  # collections of scalars in flow style, the others in block style
    yaml.width = 100
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]  # keys in the plan's order
    yaml.representer.ignore_aliases = lambda data: True  # one list shared by two tasks is written twice
    yaml.representer.add_representer(
        _Block, lambda r, data: r.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=False)
    )
    plan = dict(result.plan)
    plan["notes"] = _Block(plan.get("notes") or [])
    buf = io.StringIO()
    yaml.dump(plan, buf)
    # Plain scalars wrapped over lines fold back to single spaces: trailing blanks carry nothing.
    body = "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"
    lines = [
        f"# Bản nháp từ {_one_line(source.name)} (kehoach import docx). Rà soát trước khi dùng:",
        *[f"#   - {_one_line(str(r))}" for r in result.review[:200]],
    ]
    if len(result.review) > 200:
        lines.append(f"#   … và {len(result.review) - 200} mục khác (xem lệnh in ra)")
    text = "\n".join(lines) + "\n" + body
    _reads_back(text, result.plan, source)
    return text


def _one_line(text: str) -> str:
    """Text for a comment line: one line, nothing unprintable (a file name may hold a newline or ESC)."""
    return "".join(c if c.isprintable() else "?" for c in " ".join(text.split()))


def _reads_back(text: str, plan: dict[str, Any], source: Path) -> None:
    """The draft must read back, with kehoach's own reader, as the very plan it was made from."""
    import json

    from kehoach.loader import LoadError, read_yaml

    try:
        doc = read_yaml(Path(f"{plan.get('id', 'draft')}.yaml"), text.encode("utf-8"))
    except LoadError as exc:
        if exc.problem.code in ("too-large", "too-many-nodes", "too-deep"):
            raise DocxImportError(
                f"bản nháp từ {source.name!r} quá lớn cho một tệp kế hoạch ({exc.problem.message}); không ghi. "
                "Tách văn bản thành nhiều phần rồi nhập từng phần"
            ) from None
        raise DocxImportError(
            f"bản nháp từ {source.name!r} không đọc lại được ({exc.problem.message}); không ghi. "
            "Đây là lỗi của kehoach: xin báo kèm tệp Word"
        ) from None

    def plain(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    if plain(doc.data) != plain(plan):
        raise DocxImportError(
            f"bản nháp từ {source.name!r} đọc lại khác với điều đã nhập; không ghi. "
            "Đây là lỗi của kehoach: xin báo kèm tệp Word"
        )

