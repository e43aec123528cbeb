"""A listing as an Excel workbook for a person: the spec's sheet columns, in Vietnamese, ready to print.

One sheet per question: a title row, the query and the reference day, then a frozen header row with the
Vietnamese labels of ``kehoach.present`` and an autofilter. Values are words, not codes ("chủ trì", not
``lead``; codes stay in JSON and CSV); dates are real Excel dates (dd/mm/yyyy); counts are numbers; any
other text is written as text, even when it looks like a date, a number, a formula or a link. The columns
are the same whether rows were found or not. Printed: A4 landscape, fit to the page width, the header row
repeated on every page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

from kehoach.present import Spec

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
MAX_CELL = 32_767  # Excel's limit on the characters of one cell
LONG_WIDTH = 50


def sheet_name(text: str) -> str:
    return _SHEET_BAD.sub(" ", text).strip()[:31] or "Dữ liệu"


def to_sheet(
    rows: Sequence[dict[str, Any]],
    spec: Spec,
    *,
    sheet: str,
    title: str,
    query: str,
    reference: dt.date | None,
) -> bytes:
    """The workbook's bytes."""
    import xlsxwriter

    columns = spec.sheet_columns()
    cells = [[_clip(c.cell(r)) for c in columns] for r in rows]

    buf = io.BytesIO()
    # Text stays text: no formula, number, date or link is ever made from a string of the data.
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
    for j, c in enumerate(columns):
        ws.write_string(header_row, j, c.label, head)
        values = [r[j] for r in cells]
        if c.long:
            width = LONG_WIDTH
        elif c.sheet_width:
            width = c.sheet_width
        else:
            longest = max((len(_shown(v)) for v in values), default=0)
            width = min(max(longest, max(len(w) for w in c.label.split()), 6) + 2, 30)
        styles.append(wrap if c.long or width >= 30 else top)
        ws.set_column(j, j, width, styles[-1])
    for i, values in enumerate(cells, header_row + 1):
        for j, v in enumerate(values):
            if v is None or v == "":
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), date)
            elif isinstance(v, int | float) and not isinstance(v, bool):
                ws.write_number(i, j, v, styles[j])
            else:
                ws.write_string(i, j, str(v), styles[j])
    ws.freeze_panes(header_row + 1, 0)
    ws.autofilter(header_row, 0, header_row + len(cells), len(columns) - 1)
    # Print-ready: A4 landscape, every column on the page's width, the header row on every page.
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer("&CTrang &P/&N")
    wb.close()
    return buf.getvalue()


def _shown(v: Any) -> str:
    if isinstance(v, dt.date):
        return "00/00/0000"
    return "" if v is None else str(v)


def _clip(v: Any) -> Any:
    if isinstance(v, str) and len(v) > MAX_CELL:
        return v[: MAX_CELL - 1] + "…"
    return v
