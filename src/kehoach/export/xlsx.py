"""Listing rows as an Excel workbook (.xlsx) with XlsxWriter.

The rows are the JSON rows of the command (nested fields flattened as in CSV: ``deadline.due``), so
the sheet and the JSON say the same thing. One sheet per question: a title row, the query and the
reference day, then a frozen header row with Vietnamese labels and an autofilter. Dates are real
Excel dates (dd/mm/yyyy), counts are numbers, and every text is written as text: a cell that starts
with "=" stays a string, never a formula (nor a number or a link).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

# Vietnamese column headers for the JSON field names (docs/json.md); an unknown field keeps its name.
HEADERS: dict[str, str] = {
    "plan": "Kế hoạch",
    "id": "Mã",
    "content": "Nội dung",
    "lead": "Chủ trì",
    "lead_as_written": "Chủ trì (nguyên văn)",
    "support": "Phối hợp",
    "support_as_written": "Phối hợp (nguyên văn)",
    "product": "Sản phẩm",
    "deadline.text": "Thời hạn",
    "deadline.kind": "Loại thời hạn",
    "deadline.start": "Bắt đầu",
    "deadline.due": "Hạn",
    "deadline.recurrence": "Định kỳ",
    "deadline.condition": "Điều kiện",
    "leader": "Lãnh đạo phụ trách",
    "source": "Nguồn",
    "inferred": "Suy ra",
    "status": "Mã tình trạng",
    "status_label": "Tình trạng",
    "role": "Vai trò",
    "reason": "Cách giao",
    "via": "Qua tên",
    "due": "Hạn",
    "days_left": "Còn ngày",
    "overdue": "Quá hạn",
    "kind": "Loại",
    "carried_over": "Chuyển từ kỳ trước",
    "result": "Kết quả",
    "result_date": "Ngày có kết quả",
    "example": "Số liệu ví dụ",
    "note": "Ghi chú",
    "scope": "Phạm vi",
    "name": "Tên",
    "total": "Tổng",
    "done_on_time": "Đã hoàn thành đúng hạn",
    "done_late": "Đã hoàn thành quá hạn",
    "in_time": "Chưa hoàn thành, trong hạn",
    "ongoing": "Đang triển khai thường xuyên",
    "no_report_not_due": "Chưa có báo cáo, chưa đến hạn",
    "no_report_overdue": "Chưa có báo cáo, đã quá hạn",
    "overdue_total": "Tổng quá hạn",
    "year": "Năm",
    "completed": "Ngày hoàn thành",
    "evidence": "Văn bản chứng minh",
    "reported_by": "Cơ quan báo cáo",
    "reported_on": "Ngày báo cáo",
    "short": "Viết tắt",
    "aliases": "Tên gọi khác",
    "level": "Cấp",
    "replaced_by": "Nay là",
    "replaced_on": "Ngày sắp xếp",
    "basis": "Căn cứ",
    "covers": "Bao gồm",
    "tasks": "Nhiệm vụ",
    "tasks.lead": "Chủ trì (nêu tên)",
    "tasks.support": "Phối hợp (nêu tên)",
    "tasks.collective_lead": "Chủ trì (giao chung)",
    "tasks.collective_support": "Phối hợp (giao chung)",
    "number": "Số hiệu",
    "title": "Trích yếu",
    "issued": "Ngày ban hành",
    "issuer": "Cơ quan ban hành",
    "targets": "Chỉ tiêu",
    "periods": "Giai đoạn",
    "reviews": "Sơ kết, tổng kết",
    "monitor": "Cơ quan theo dõi",
    "cycle": "Kỳ",
    "date": "Ngày",
    "stated": "Văn bản nêu ngày",
    "by": "Cơ quan thực hiện",
    "to": "Gửi",
    "what": "Nội dung",
    "counted": "Tính đến ngày tham chiếu",
    "class": "Mã tình trạng trong năm",
    "class_label": "Tình trạng trong năm",
}
# Field names that hold a long text: wrapped, and given a wide column.
# Codes of the JSON rows shown in words (the header row says which column holds them).
VALUES: dict[str, dict[str, str]] = {
    "role": {"lead": "chủ trì", "support": "phối hợp", "report": "báo cáo", "monitor": "tổng hợp"},
    "reason": {"direct": "nêu tên", "predecessor": "kế thừa", "successor": "kế thừa", "collective": "giao chung"},
    "scope": {"total": "tổng cộng", "plan": "kế hoạch", "agency": "cơ quan", "collective": "giao chung"},
}
_LONG = {"content", "result", "note", "product", "title", "evidence", "basis", "what", "deadline.condition"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
MAX_CELL = 32_767  # Excel's limit on the characters of one cell


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _cell(value: Any) -> Any:
    """The value as Excel should hold it: a date, a number, a yes/no word, or text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date | int | float):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    text = _text(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def sheet_name(text: str) -> str:
    return _SHEET_BAD.sub(" ", text).strip()[:31] or "Dữ liệu"


def to_xlsx(
    rows: Sequence[dict[str, Any]],
    *,
    sheet: str,
    title: str,
    query: str,
    reference: dt.date | None,
    headers: dict[str, str] | None = None,
    empty_columns: Sequence[tuple[str, str]] = (),
) -> bytes:
    """The workbook's bytes: one sheet, title rows, a frozen and filterable header, one row per item."""
    import xlsxwriter

    from kehoach.export import flatten_row

    flat = [flatten_row(r) for r in rows]
    keys = list(dict.fromkeys(k for r in flat for k in r))
    labels = {**HEADERS, **(headers or {})}
    if "overdue_total" in keys:
        # A count per status class (kehoach status): "overdue" is that class, not every overdue task.
        from kehoach.status import STATUS_LABELS

        labels.update(STATUS_LABELS)
    if not keys:  # nothing found: still the header row, from the table's columns
        keys = [k for k, _ in empty_columns]
        labels.update({k: label for k, label in empty_columns if k not in HEADERS})
    cells = [[_cell(VALUES.get(k, {}).get(v, v) if isinstance(v, str) else v) for k, v in
              ((k, r.get(k)) for k in keys)] for r in flat]

    buf = io.BytesIO()
    # Text stays text: no formula, number or link is ever made from a string of the data.
    wb = xlsxwriter.Workbook(
        buf,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    wb.set_properties({"title": title, "comments": query})
    ws = wb.add_worksheet(sheet_name(sheet))
    bold = wb.add_format({"bold": True, "font_size": 13})
    info = wb.add_format({"italic": True, "font_color": "#555555"})
    head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    top = wb.add_format({"valign": "top"})
    date = wb.add_format({"num_format": "dd/mm/yyyy", "valign": "top", "align": "left"})

    ws.write_string(0, 0, title, bold)
    ws.write_string(1, 0, f"Truy vấn: {query}", info)
    ref = f"Ngày tham chiếu: {reference:%d/%m/%Y}" if reference else f"Ngày xuất: {dt.date.today():%d/%m/%Y}"
    ws.write_string(2, 0, f"{ref}; {len(rows)} dòng.", info)
    header_row = 4
    styles: list[Any] = []
    for c, key in enumerate(keys):
        ws.write_string(header_row, c, labels.get(key, key), head)
        widths = [len(labels.get(key, key))] + [len(_text(v)) if v is not None else 0 for v in (r[c] for r in cells)]
        if any(isinstance(r[c], dt.date) for r in cells):
            widths.append(10)
        width = 60 if key in _LONG else min(max(widths) + 2, 40)
        styles.append(wrap if key in _LONG or width >= 40 else top)
        ws.set_column(c, c, max(width, 8), styles[-1])
    for i, values in enumerate(cells, header_row + 1):
        for c, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(i, c, dt.datetime(v.year, v.month, v.day), date)
            elif isinstance(v, int | float):
                ws.write_number(i, c, v, styles[c])
            else:
                ws.write_string(i, c, v, styles[c])
    ws.freeze_panes(header_row + 1, 0)
    if keys:
        ws.autofilter(header_row, 0, header_row + len(cells), len(keys) - 1)
    wb.close()
    return buf.getvalue()
