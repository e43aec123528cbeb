"""A listing written in the format asked, every format from one ``Spec`` (kehoach.present).

- ``json``: the rows as they are (the porcelain of docs/json.md), written row by row;
- ``csv``: the spec's fields in its order, nested ones dotted, lists of objects as the field's ``csv`` text
  (``2026-2030; 2031-2035``), codes as codes; the header row also when
  nothing was found;
- ``xlsx``: the columns a person needs, in Vietnamese (kehoach.export.sheet);
- ``table``: a boxed table when the terminal has room (``present.NARROW`` columns or more), else a block
  per row that fits the width; a word, a date or an id is never broken.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kehoach.present import BODY_LINES, NARROW, Block, Column, Spec, block_of, csv_row


def write_listing(
    rows: Iterable[dict[str, Any]],
    spec: Spec,
    fmt: str,
    *,
    title: str | None = None,
    empty: str = "Không có kết quả.",
    caption: str | None = None,
    output: Path | None = None,
    force: bool = False,
    reference: dt.date | None = None,
    sheet: str | None = None,
    query: str = "",
    stream: Any = None,
    width: int | None = None,
) -> int:
    """Write the rows; returns how many were written."""
    out = stream if stream is not None else sys.stdout
    if fmt == "json":
        from kehoach.output import write_json_array

        counted = _Counted(rows)
        write_json_array(counted, out)
        return counted.n
    if fmt == "csv":
        from kehoach.output import Column as CsvColumn
        from kehoach.output import write_csv

        counted = _Counted(csv_row(r, spec) for r in rows)
        write_csv(counted, [CsvColumn(k, k) for k in spec.csv_keys()], out)
        return counted.n
    if fmt == "xlsx":
        from kehoach.errors import UsageError
        from kehoach.export import write_new
        from kehoach.export.xlsx import to_sheet

        if output is None:  # a call asked wrongly, not a data problem
            raise UsageError("--format xlsx cần -o TỆP.xlsx")
        items = list(rows)
        content = to_sheet(items, spec, sheet=sheet or title or "", title=title or "", query=query, reference=reference)
        write_new(output, content, force=force)
        sys.stderr.write(f"kehoach: đã ghi {len(items)} dòng vào {output}\n")
        return len(items)
    return _table(rows, spec, title=title, empty=empty, caption=caption, stream=out, width=width)


class _Counted:
    """An iterable that counts what went through it."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items
        self.n = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        for item in self.items:
            self.n += 1
            yield item


def _table(
    rows: Iterable[dict[str, Any]],
    spec: Spec,
    *,
    title: str | None,
    empty: str,
    caption: str | None,
    stream: Any,
    width: int | None,
) -> int:
    from kehoach import table
    from kehoach.output import _speaks_unicode, _styled, _terminal_width, terminal_safe

    width = width or _terminal_width()
    styled = _styled()
    colour = not os.environ.get("NO_COLOR")
    items = rows if isinstance(rows, Sequence) else list(rows)
    safe_title = terminal_safe(title) if title else None
    if not items:
        stream.write(table.render_message(safe_title, terminal_safe(empty), width=width, styled=styled))
        return 0
    columns = spec.table_columns()
    if width < NARROW:
        if safe_title:
            stream.write(_note(safe_title, width, "italic" if styled else None, colour))
        blocks = (_safe_block(block_of(r, columns)) for r in items)
        for piece in render_blocks(blocks, width, styled=styled, colour=colour):
            stream.write(piece)
        if caption:
            stream.write(_note(terminal_safe(caption), width, "dim italic" if styled else None, colour))
        return len(items)
    columns = _fit_columns(columns, items, width)
    row_styles: list[str | None] | None = None
    stylers = [c.style for c in columns if c.style is not None]
    if stylers and styled:
        row_styles = []
        for row in items:
            style = None
            for styler in stylers:
                style = styler(row) or style
            row_styles.append(style)
    cells = [[terminal_safe(_cell(c, row)) for c in columns] for row in items]
    pieces = table.iter_render(
        [c.label if c.short is None else c.short for c in columns],
        cells,
        width=width,
        max_widths=[c.width for c in columns],
        no_wrap=[c.ident for c in columns],
        row_styles=row_styles,
        title=safe_title,
        caption=terminal_safe(caption) if caption else None,
        styled=styled,
        colour=colour,
        ascii_only=not _speaks_unicode(stream),
    )
    for piece in pieces:
        stream.write(piece)
    return len(items)


LONG_MIN = 20  # a long text narrower than this in a table is hard to read: lesser columns give way
SAMPLE = 200  # rows enough to judge the widths of a long listing


def _fit_columns(columns: list[Column], rows: Sequence[dict[str, Any]], width: int) -> list[Column]:
    """The table's columns, less those of lowest priority (3, then 2, rightmost first) while a long text
    would get fewer than LONG_MIN cells in the table as it would be drawn."""
    from kehoach.table import column_widths

    sample = [rows[i] for i in range(min(len(rows), SAMPLE))]
    texts = {c.key: [c.label if c.short is None else c.short, *(_cell(c, r) for r in sample)] for c in columns}
    kept = list(columns)
    while any(c.long for c in kept):
        widths = column_widths(
            [texts[c.key] for c in kept], width - len(kept) - 1, [c.width for c in kept], [c.ident for c in kept]
        )
        if min(w for w, c in zip(widths, kept, strict=True) if c.long) >= LONG_MIN:
            break
        lesser = [c for c in kept if c.priority >= 2 and not c.long]
        if not lesser:
            break
        kept.remove(max(reversed(lesser), key=lambda c: c.priority))  # the lowest priority, rightmost first
    return kept


def _cell(c: Column, row: dict[str, Any]) -> str:
    text = c.text(row)
    if c.long:  # a long text takes a bounded number of lines of its column
        from kehoach.text import shorten

        text = shorten(text, (c.width or 40) * (BODY_LINES - 1))
    return text


def _safe_block(b: Any) -> Any:
    from kehoach.output import terminal_safe

    b.head = [terminal_safe(x) for x in b.head]
    b.body = [terminal_safe(x) for x in b.body]
    b.details = [(label, terminal_safe(v)) for label, v in b.details]
    return b


def _note(text: str, width: int, style: str | None, colour: bool) -> str:
    from kehoach.table import sgr, wrap

    lines = [line for para in text.splitlines() for line in wrap(para, width)]
    if style:
        code = sgr(style, colour)
        lines = [f"{code}{line}\x1b[0m" for line in lines]
    return "\n".join(lines) + "\n"


# --- blocks: a listing that fits a narrow terminal ---------------------------------------------------


def render_blocks(blocks: Iterable[Block], width: int, *, styled: bool = False, colour: bool = True) -> Iterator[str]:
    """Each block as lines of at most ``width`` cells: the head (values apart by " · ", a value broken only
    when it is wider than a line), the long text indented and cut to BODY_LINES lines with "…", the details
    as "Nhãn: giá trị" indented. Yields whole lines, each ending in a newline."""
    from kehoach.table import cell_width, sgr, wrap

    indent = "  "
    inner = max(width - len(indent), 10)
    for b in blocks:
        code = sgr(b.style or "bold", colour) if styled else ""
        out = [f"{code}{x}\x1b[0m" if code else x for x in _pack(b.head, " · ", width)]
        for text in b.body:
            wrapped = wrap(" ".join(text.split()), inner)
            if len(wrapped) > BODY_LINES:
                wrapped = wrapped[:BODY_LINES]
                last = wrapped[-1]
                while cell_width(last) + 1 > inner and " " in last:
                    last = last.rsplit(" ", 1)[0]
                wrapped[-1] = last.rstrip(",;:.") + "…"
            out += [indent + x for x in wrapped]
        details = [f"{label}: {' '.join(value.split())}" for label, value in b.details]
        out += [indent + x for x in _pack(details, "; ", inner)]
        yield "\n".join(out) + "\n"



def _pack(items: Sequence[str], sep: str, width: int) -> list[str]:
    """Items on as few lines as they fit, apart by ``sep``; an item is wrapped (at spaces) only when it
    does not fit on a line of its own."""
    from kehoach.table import cell_width, wrap

    lines: list[str] = []
    line = ""
    for item in items:
        pieces = wrap(item, width) if cell_width(item) > width else [item]
        for piece in pieces:
            if line and cell_width(line) + cell_width(sep) + cell_width(piece) > width:
                lines.append(line)
                line = piece
            else:
                line = f"{line}{sep}{piece}" if line else piece
    if line:
        lines.append(line)
    return lines
