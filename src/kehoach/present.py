"""One presentation per row type: what each listing says, in JSON, CSV, Excel and on the terminal.

A ``Spec`` names a row type's JSON fields (the porcelain, with their meaning: docs/json.md is generated
from them) and the columns a person reads (Vietnamese label, value words, width hint, priority when space
is short). Every writer takes its columns from here:

- JSON and CSV: the fields, codes and ISO dates as they are; CSV has the same header row when empty;
- Excel: the columns marked ``sheet``, values in Vietnamese words, dates as dates, counts as numbers;
- the terminal (kehoach.listing): the columns marked ``table``; below ``NARROW`` columns each row becomes a
  short block: a head line of the priority-1 values, the long text wrapped over at most a few lines, then
  the priority-2 values; priority 3 is left to the wide table and Excel. A word, a date or an id is never
  broken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

# The words the data's own modules already say (the levels of agencies in kehoach.catalog, the statuses of a
# progress report in kehoach.progress) are imported by the specs that use them: a listing imports no more.

NARROW = 120  # below this many columns, listings are drawn as blocks instead of a table
BODY_LINES = 3  # the most lines a long text takes in a block


@dataclass(frozen=True)
class Field:
    """A JSON field: its name (dotted inside a nested object: ``deadline.due``) and its meaning."""

    key: str
    doc: str
    values: tuple[str, ...] = ()  # the codes it may hold, when it holds codes
    csv: Callable[[Any], str] | None = None  # its CSV cell, when it holds a list of objects (codes kept as codes)


@dataclass(frozen=True)
class Column:
    """What a person reads: a label, a value in words, and how it gives way when space is short."""

    key: str  # the JSON field it shows, or a name of its own with ``get``
    label: str
    short: str | None = None  # the header of a narrow table column ("HT đúng hạn")
    words: Mapping[str, str] | None = None  # codes -> Vietnamese words
    render: Callable[[Any], str] | None = None  # the value as text (table, blocks)
    get: Callable[[dict[str, Any]], Any] | None = None  # the value from the whole row, instead of row[key]
    width: int | None = None  # the widest the table column grows
    priority: int = 1  # 1: head of a block; 2: detail of a block; 3: wide table and Excel only
    long: bool = False  # a long text: the body of a block, wrapped over at most BODY_LINES lines
    ident: bool = False  # an id: never broken across lines
    unit: str | None = None  # a count's word in a block head: "16 nhiệm vụ"
    skip_zero: bool = False  # a zero is left out of a block
    table: bool = True  # a column of the terminal table
    sheet: bool = True  # a column of the Excel sheet
    sheet_width: int | None = None  # the Excel column's width, when not measured
    style: Callable[[dict[str, Any]], str | None] | None = None  # the row's style on a terminal

    def value(self, row: dict[str, Any]) -> Any:
        return self.get(row) if self.get is not None else lookup(row, self.key)

    def text(self, row: dict[str, Any]) -> str:
        """The value as a person reads it."""
        return as_text(self.value(row), self)

    def cell(self, row: dict[str, Any]) -> Any:
        """The value for a spreadsheet: a date, a number, or Vietnamese text."""
        v = self.value(row)
        if self.render is None and (v is None or isinstance(v, dt.date | int | float) and not isinstance(v, bool)):
            return v
        return as_text(v, self)


@dataclass(frozen=True)
class Spec:
    """One row type: its JSON fields and its columns."""

    name: str  # the command, as docs/json.md names its section
    fields: tuple[Field, ...]
    columns: tuple[Column, ...]
    doc: str = ""  # a paragraph above the fields in docs/json.md

    def csv_keys(self) -> list[str]:
        """The CSV header: every field, nested ones dotted; the same whether rows were found or not."""
        return [f.key for f in self.fields]

    def table_columns(self) -> list[Column]:
        return [c for c in self.columns if c.table]

    def sheet_columns(self) -> list[Column]:
        return [c for c in self.columns if c.sheet]

    def without(self, *keys: str) -> Spec:
        """The spec less some fields and their columns (``tasks`` without ``--agency`` has no role)."""
        return replace(
            self,
            fields=tuple(f for f in self.fields if f.key.split(".")[0] not in keys),
            columns=tuple(c for c in self.columns if c.key not in keys),
        )

    def with_columns(self, columns: Iterable[Column]) -> Spec:
        return replace(self, columns=tuple(columns))


def lookup(row: Mapping[str, Any], key: str) -> Any:
    """``row[key]``, a dotted key reaching into nested objects; None when absent."""
    if key in row:
        return row[key]
    value: Any = row
    for part in key.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def flatten(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested fields become dotted keys: deadline.text, deadline.due…"""
    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, Mapping):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def vn_date(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def as_text(value: Any, col: Column | None = None) -> str:
    """A value as a person reads it: words for codes, dd/mm/yyyy, "có" for true, lists joined."""
    if col is not None and col.render is not None:
        return col.render(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else ""
    if isinstance(value, dt.date):
        return vn_date(value)
    if isinstance(value, list | tuple):
        return "; ".join(as_text(v, None if col is None or col.words is None else col) for v in value)
    if col is not None and col.words is not None and isinstance(value, str):
        return col.words.get(value, value)
    return str(value)


# --- words ----------------------------------------------------------------------------------------------

ROLE_WORDS = {"lead": "chủ trì", "support": "phối hợp", "report": "báo cáo", "monitor": "tổng hợp"}
REASON_WORDS = {"direct": "nêu tên", "successor": "kế nhiệm", "collective": "giao chung"}  # kehoach.responsibility
SCOPE_WORDS = {"total": "tổng cộng", "plan": "kế hoạch", "agency": "cơ quan", "collective": "giao chung"}
_REASONS = ("direct", "successor", "collective")
CYCLE_WORDS = {"annual": "báo cáo năm", "consolidated": "tổng hợp", "midterm": "sơ kết", "final": "tổng kết"}


def days_text(days: int | None) -> str:
    """A count of days as said: "còn 75 ngày", "hôm nay", "quá 160 ngày" (never a negative number)."""
    if days is None:
        return ""
    if days == 0:
        return "hôm nay"
    return f"còn {days} ngày" if days > 0 else f"quá {-days} ngày"


def _kind_words() -> dict[str, str]:
    from kehoach.deadlines import KIND_LABELS

    return {**KIND_LABELS, "report": "báo cáo định kỳ"}


def _kinds() -> tuple[str, ...]:
    from kehoach.deadlines import KIND_LABELS

    return (*KIND_LABELS, "report", "none")


def _status() -> tuple[dict[str, str], dict[str, str]]:
    from kehoach.status import SHORT_LABELS, STATUS_LABELS

    return STATUS_LABELS, SHORT_LABELS


# --- the specs ------------------------------------------------------------------------------------------


def _role_text(row: dict[str, Any]) -> str:
    text = ROLE_WORDS.get(row.get("role") or "", row.get("role") or "")
    if row.get("via"):
        text += f" ({REASON_WORDS.get(row.get('reason') or '', row.get('reason') or '')}: {row['via']})"
    return text


def _due_status(row: dict[str, Any]) -> str | None:
    """A task's class; a report duty (BC-HN, BC-TH), which no class judges, by its day."""
    if row.get("status_label") or row.get("kind") != "report":
        return row.get("status_label")
    return "Báo cáo định kỳ, " + ("chưa đến hạn" if (row.get("days_left") or 0) >= 0 else "đã quá hạn")


def due_spec() -> Spec:
    labels, _ = _status()
    return Spec(
        "due",
        (
            Field("plan", "mã kế hoạch"),
            Field(
                "id",
                "mã nhiệm vụ; `BC-HN` = báo cáo hằng năm gửi cơ quan theo dõi, `BC-TH` = báo cáo tổng hợp của cơ "
                "quan theo dõi",
            ),
            Field("content", "nội dung nhiệm vụ (nguyên văn)"),
            Field("due", "ngày đến hạn (hoặc kỳ báo cáo tới của nhiệm vụ định kỳ)"),
            Field("days_left", "số ngày còn lại, âm khi quá hạn"),
            Field("overdue", "`true` khi đã quá hạn mà chưa báo cáo hoàn thành"),
            Field(
                "role", "vai trò: `lead` chủ trì, `support` phối hợp, `report` báo cáo định kỳ, `monitor` tổng hợp",
                tuple(ROLE_WORDS),
            ),
            Field(
                "reason",
                "cách giao (một bộ từ cho mọi đầu ra, `kehoach.responsibility`): `direct` đích danh, `successor` "
                "cơ quan kế nhiệm nhận loại nhiệm vụ đó của cơ quan đã sắp xếp, `collective` giao chung",
                _REASONS,
            ),
            Field("via", "tên cơ quan/tập thể như ghi trong văn bản, khi `reason` không phải `direct`"),
            Field(
                "kind",
                "loại thời hạn ([deadlines.md](deadlines.md)); `report` với mục báo cáo, `none` khi không có thời hạn",
                _kinds(),
            ),
            Field(
                "status",
                "mã tình trạng ([status.md](status.md)); `null` với mục báo cáo (bảng và Excel ghi «Báo cáo định kỳ, "
                "chưa đến hạn»)",
                tuple(labels),
            ),
            Field("status_label", "tên tình trạng tiếng Việt"),
            Field(
                "carried_over",
                "`true` khi nhiệm vụ có hạn (hoặc hết thời gian thực hiện: nhiều năm, định kỳ, thường xuyên) trước "
                "kỳ, đầu kỳ chưa hoàn thành hoặc chưa báo cáo (hoặc hoàn thành trong kỳ); chuyển kỳ cho đến khi xong",
            ),
            Field("result", "kết quả mới nhất đã báo cáo (đến `--today`)"),
            Field("result_date", "ngày của kết quả: ngày hoàn thành, không có thì ngày báo cáo"),
            Field("example", "`true` khi kết quả lấy từ tệp tiến độ minh họa (`example: true`)"),
            Field("note", "lý do có trong danh sách, bằng tiếng Việt"),
        ),
        (
            Column("due", "Hạn", style=lambda r: "bold red" if r.get("overdue") else None, sheet_width=11),
            Column("days_left", "Số ngày", render=days_text, width=12),
            Column("plan", "Kế hoạch", ident=True),
            Column("id", "Mã", ident=True),
            Column("content", "Nội dung", width=40, long=True),
            Column("role_text", "Vai trò", get=_role_text, width=26, priority=2),
            Column("note", "Thời hạn, lý do", width=28, priority=2),
            Column("status_label", "Tình trạng", get=_due_status, width=16, priority=2),
            Column("result", "Kết quả", priority=3, table=False),
        ),
        "Một mảng, mỗi phần tử một việc, xếp: quá hạn trước, rồi theo hạn.",
    )


def _deadline_text(row: dict[str, Any]) -> str:
    return lookup(row, "deadline.text") or ""


def _due_of(row: dict[str, Any]) -> Any:
    from kehoach.deadlines import RECURRING_KINDS

    return None if lookup(row, "deadline.kind") in RECURRING_KINDS else lookup(row, "deadline.due")


def tasks_spec(*, agency: bool = False, status: bool = True) -> Spec:
    labels, _ = _status()
    spec = Spec(
        "tasks",
        (
            Field("plan", "mã kế hoạch"),
            Field("id", "mã nhiệm vụ"),
            Field("content", "nội dung nhiệm vụ (nguyên văn)"),
            Field("lead", "danh sách tên chính thức (theo sổ đăng ký) của cơ quan chủ trì như ghi trong văn bản"),
            Field("lead_as_written", "cùng danh sách đó, đúng chữ của văn bản"),
            Field("support", "cơ quan phối hợp, tên chính thức"),
            Field("support_as_written", "cơ quan phối hợp, đúng chữ của văn bản"),
            Field("product", "sản phẩm"),
            Field("deadline.text", "thời hạn nguyên văn"),
            Field("deadline.kind", "loại thời hạn ([deadlines.md](deadlines.md))", _kinds()[:-2]),
            Field("deadline.start", "ngày bắt đầu theo cách hiểu thời hạn"),
            Field("deadline.due", "ngày đến hạn"),
            Field("deadline.recurrence", "định kỳ, hoặc `null`", ("monthly", "quarterly", "annual", "semiannual")),
            Field("deadline.condition", "câu chữ điều kiện của loại `condition`"),
            Field("leader", "lãnh đạo UBND tỉnh trực tiếp chỉ đạo"),
            Field("source", "vị trí trong văn bản gốc"),
            Field("inferred", "các trường người mã hóa suy ra vì văn bản không nêu"),
            Field("status", "mã tình trạng tính đến `--today`", tuple(labels)),
            Field("status_label", "tên tình trạng tính đến `--today`"),
            Field("role", "với `--agency`: `lead` (chủ trì) hoặc `support` (phối hợp)", ("lead", "support")),
            Field("reason", "với `--agency`: `direct`, `successor` hoặc `collective`", _REASONS),
            Field("via", "với `--agency`: tên như ghi trong văn bản khi không giao đích danh"),
        ),
        (
            Column("plan", "Kế hoạch", ident=True),
            Column("id", "Mã", ident=True),
            Column("content", "Nội dung", width=50, long=True),
            Column("lead", "Chủ trì", width=30, priority=2),
            Column("support", "Phối hợp", width=30, priority=3, table=False),
            Column("status_label", "Tình trạng", width=22, priority=2),
            # The deadline's words give way first in a crowded table (the due day stays beside them).
            Column("deadline", "Thời hạn", get=_deadline_text, width=24, priority=2),
            Column("due", "Hạn", get=_due_of, sheet_width=11),
            Column("product", "Sản phẩm", priority=3, table=False),
            Column("role", "Vai trò", words=ROLE_WORDS),
            Column("source", "Nguồn", priority=3, table=False),
        ),
    )
    if not agency:
        spec = spec.without("role", "reason", "via")
    if not status:  # nothing to judge: the table leaves the column out (JSON and CSV keep the field)
        spec = spec.with_columns(c for c in spec.columns if c.key != "status_label")
    return spec


def _periods(v: list[dict[str, Any]]) -> str:
    return ", ".join(f"{x['start']}-{x['end']}" for x in v)


def _reviews(v: list[dict[str, Any]]) -> str:
    return ", ".join(f"{'sơ kết' if x['kind'] == 'midterm' else 'tổng kết'} {x['year']}" for x in v)


def _periods_csv(v: list[dict[str, Any]]) -> str:
    return "; ".join(f"{x['start']}-{x['end']}" for x in v)


def _reviews_csv(v: list[dict[str, Any]]) -> str:
    return "; ".join(f"{x['kind']} {x['year']}" for x in v)


def csv_row(row: Mapping[str, Any], spec: Spec) -> dict[str, Any]:
    """A row as CSV cells: nested fields dotted (``flatten``), lists of objects by the field's ``csv``."""
    flat = flatten(row)
    for f in spec.fields:
        if f.csv is not None and flat.get(f.key):
            flat[f.key] = f.csv(flat[f.key])
    return flat


def plans_spec() -> Spec:
    return Spec(
        "plans",
        (
            Field("id", "mã kế hoạch"),
            Field("number", "số hiệu văn bản, `null` khi văn bản chưa có số"),
            Field("kind", "loại văn bản"),
            Field("title", "trích yếu"),
            Field("issued", "ngày ban hành"),
            Field("issuer", "cơ quan ban hành"),
            Field("tasks", "số nhiệm vụ"),
            Field("targets", "số chỉ tiêu"),
            Field("periods", "giai đoạn `[{start, end}]` (CSV: `2026-2030; 2031-2035`)", csv=_periods_csv),
            Field(
                "reviews",
                "kỳ sơ kết, tổng kết `[{kind, year}]`, `kind` = `midterm` hoặc `final`"
                " (CSV: `midterm 2028; final 2030`)",
                csv=_reviews_csv,
            ),
            Field("monitor", "cơ quan theo dõi"),
        ),
        (
            Column("id", "Mã", ident=True),
            Column("number", "Số hiệu", render=lambda v: v or "(chưa có số)", ident=True),
            Column("issued", "Ban hành", sheet_width=11),
            Column("title", "Trích yếu", width=60, long=True),
            Column("tasks", "Nhiệm vụ", unit="nhiệm vụ"),
            Column("targets", "Chỉ tiêu", unit="chỉ tiêu"),
            Column("periods", "Giai đoạn", render=_periods, width=11, priority=2),
            Column("reviews", "Sơ kết / tổng kết", width=16, render=_reviews, priority=3),
            Column("monitor", "Theo dõi", width=16, priority=2),
        ),
    )


def agencies_spec() -> Spec:
    from kehoach.catalog import LEVEL_VN as LEVEL_WORDS

    return Spec(
        "agencies",
        (
            Field("id", "mã cơ quan"),
            Field("name", "tên chính thức"),
            Field("short", "tên viết tắt"),
            Field("aliases", "tên gọi khác"),
            Field("level", "cấp", tuple(LEVEL_WORDS)),
            Field("replaced_by", "tên các cơ quan kế nhiệm (khi đã sắp xếp)"),
            Field("replaced_on", "ngày sắp xếp"),
            Field("basis", "văn bản của việc sắp xếp"),
            Field("covers", "với tập thể: các cấp hoặc mã cơ quan được bao gồm"),
            Field("tasks.lead", "số nhiệm vụ nêu tên cơ quan (hoặc cơ quan tiền thân) chủ trì"),
            Field("tasks.support", "số nhiệm vụ nêu tên cơ quan (hoặc cơ quan tiền thân) phối hợp"),
            Field("tasks.collective_lead", "số nhiệm vụ chủ trì qua giao chung"),
            Field("tasks.collective_support", "số nhiệm vụ phối hợp qua giao chung"),
            Field("note", "ghi chú"),
        ),
        (
            Column("name", "Tên cơ quan", width=44),
            Column("short", "Viết tắt", ident=True),
            Column("level", "Cấp", words=LEVEL_WORDS),
            Column("lead", "Chủ trì", get=lambda r: r["tasks"]["lead"], unit="chủ trì"),
            Column("support", "Phối hợp", get=lambda r: r["tasks"]["support"], unit="phối hợp"),
            Column(
                "collective",
                "Giao chung",
                get=lambda r: r["tasks"]["collective_lead"] + r["tasks"]["collective_support"],
                unit="giao chung",
            ),
            Column("replaced_by", "Nay là", width=30, priority=2),
        ),
    )


def _cycle_date(row: dict[str, Any]) -> str:
    if not row["date"]:
        return "trong năm"
    return f"{row['date']:%d/%m/%Y}" + ("" if row["stated"] else " (văn bản không nêu ngày; tạm tính)")


def cycles_spec() -> Spec:
    return Spec(
        "cycles",
        (
            Field("plan", "mã kế hoạch"),
            Field("cycle", "kỳ: `annual-YYYY`, `midterm-YYYY`, `final-YYYY`"),
            Field("kind", "loại", tuple(CYCLE_WORDS)),
            Field("year", "năm"),
            Field("date", "hạn; `null` với kỳ sơ kết, tổng kết"),
            Field("stated", "`false` khi văn bản không nêu ngày và `date` là ngày 31/12 tạm tính"),
            Field("by", "cơ quan thực hiện"),
            Field("to", "nơi gửi"),
            Field("what", "việc, bằng tiếng Việt"),
        ),
        (
            Column("year", "Năm"),
            Column("plan", "Kế hoạch", ident=True),
            Column("what", "Nội dung", width=40),
            Column("date", "Hạn", width=24, get=_cycle_date),
            Column("by", "Cơ quan thực hiện", width=30, priority=2),
            Column("to", "Gửi", width=30, priority=2),
        ),
    )


def status_spec() -> Spec:
    labels, short = _status()
    block = {"collective": "Giao chung: "}
    return Spec(
        "status",
        (
            Field("scope", "phạm vi: `total`, `plan`, `agency`, `collective` (khối giao chung)", tuple(SCOPE_WORDS)),
            Field("name", "tên phạm vi (mã kế hoạch, tên cơ quan…)"),
            Field("total", "số nhiệm vụ"),
            *(Field(code, f"số nhiệm vụ «{label}»") for code, label in labels.items()),
            Field("overdue_total", "tổng quá hạn (= `overdue` + `no_report_overdue`)"),
            Field("example", "dòng có dùng số liệu minh họa"),
        ),
        (
            Column("label", "Phạm vi", get=lambda r: block.get(r["scope"], "") + r["name"], width=44, ident=True),
            Column("total", "Tổng", unit="nhiệm vụ"),
            *(
                Column(code, labels[code], short=short.get(code), priority=2, skip_zero=True)
                for code in labels
            ),
        ),
    )


def _class_text(row: dict[str, Any]) -> str:
    return (row.get("class_label") or "") + ("" if row.get("counted", True) else " (báo cáo sau ngày tham chiếu)")


def progress_spec() -> Spec:
    from kehoach.progress import STATUS_VN as PROGRESS_WORDS

    labels, _ = _status()
    return Spec(
        "progress show",
        (
            Field("plan", "mã kế hoạch"),
            Field("year", "năm báo cáo"),
            Field("id", "mã nhiệm vụ"),
            Field("content", "nội dung nhiệm vụ"),
            Field("status", "như báo cáo", tuple(PROGRESS_WORDS)),
            Field("completed", "ngày hoàn thành"),
            Field("result", "kết quả"),
            Field("evidence", "văn bản chứng minh"),
            Field("reported_by", "cơ quan báo cáo"),
            Field("reported_on", "ngày báo cáo"),
            Field("counted", "`false` khi báo cáo sau `--today`, chưa được tính"),
            Field("class", "tình trạng của nhiệm vụ trong kỳ năm `year`", tuple(labels)),
            Field("class_label", "tên tình trạng đó"),
            Field("example", "`true` khi từ tệp minh họa"),
        ),
        (
            Column("plan", "Kế hoạch", ident=True),
            Column("year", "Năm"),
            Column("id", "Mã", ident=True),
            Column("content", "Nội dung", width=40, long=True),
            Column("status", "Báo cáo", words=PROGRESS_WORDS),
            Column("completed", "Hoàn thành", sheet_width=11),
            Column("result", "Kết quả", width=40, priority=2),
            Column("class_text", "Tình trạng trong năm", get=_class_text, width=22, priority=2),
        ),
    )


SPECS: dict[str, Callable[[], Spec]] = {
    "due": due_spec,
    "tasks": lambda: tasks_spec(agency=True),
    "plans": plans_spec,
    "agencies": agencies_spec,
    "cycles": cycles_spec,
    "status": status_spec,
    "progress show": progress_spec,
}


# --- blocks: a listing that fits a narrow terminal ------------------------------------------------------


@dataclass
class Block:
    head: list[str]
    body: list[str] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    style: str | None = None


def block_of(row: dict[str, Any], columns: Sequence[Column]) -> Block:
    """One row as a block: the head values, the long texts, the details with their labels."""
    head: list[str] = []
    b = Block(head)
    merged_id = False
    for i, c in enumerate(columns):
        if c.priority >= 3:
            continue
        text = c.text(row)
        if c.long:
            if text:
                b.body.append(text)
            continue
        value = c.value(row)
        if not text or (c.skip_zero and value == 0):
            continue
        if c.priority == 1:
            nxt = columns[i + 1] if i + 1 < len(columns) else None
            if c.ident and nxt is not None and nxt.ident and nxt.key == "id" and c.key == "plan":
                merged_id = True
                head.append(f"{text}/{nxt.text(row)}")  # "qd74-dai-hoi-xx/I.13", as `show` takes it
                continue
            if merged_id and c.key == "id":
                continue
            head.append(f"{text} {c.unit}" if c.unit else text)
        else:
            b.details.append((c.label, text))
        if c.style is not None:
            b.style = c.style(row) or b.style
    return b


# --- docs/json.md ---------------------------------------------------------------------------------------

DOC_START = "<!-- fields: {name} (sinh từ kehoach.present; sửa ở đó rồi chạy scripts/update_json_doc.py) -->"
DOC_END = "<!-- /fields -->"


def fields_markdown(spec: Spec) -> str:
    """The table of a row type's JSON fields, as docs/json.md shows it."""
    lines = ["| trường | nghĩa |", "|---|---|"]
    for f in spec.fields:
        meaning = f.doc
        if f.values and not all(f"`{v}`" in meaning for v in f.values):
            meaning += " (" + ", ".join(f"`{v}`" for v in f.values) + ")"
        lines.append(f"| `{f.key}` | {meaning} |")
    return "\n".join(lines)


def json_doc(text: str) -> str:
    """docs/json.md with every generated field table made again from the specs."""
    import re

    for name, make in SPECS.items():
        start = DOC_START.format(name=name)
        block = f"{start}\n{fields_markdown(make())}\n{DOC_END}"
        found = re.search(re.escape(start) + r".*?" + re.escape(DOC_END), text, re.S)
        if found is None:
            raise ValueError(f"docs/json.md thiếu chỗ cho bảng trường của {name!r}")
        text = text[: found.start()] + block + text[found.end() :]
    return text
