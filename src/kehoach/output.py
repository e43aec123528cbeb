"""Text safe for a terminal or a spreadsheet, JSON and CSV writers, the terminal's width and styles.

Which columns a listing has and how each format shows them is ``kehoach.present``; ``kehoach.listing``
writes a listing in the format asked with what is here."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# Text from the data reaches a terminal: "\x1b[2J" or an OSC 8 hyperlink written as a YAML escape, a
# C1 control (U+009B is a one-character CSI) or a bidi override would rewrite what the user sees.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_TERMINAL_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_CSV_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…), +cmd|…, @SUM…).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[-+]?\d+([.,]\d+)*%?")


def terminal_safe(text: str) -> str:
    """Text as it may be shown on a terminal: control characters and bidi overrides removed, tabs as spaces."""
    return _TERMINAL_UNSAFE.sub("", text.replace("\t", " "))


def csv_safe(text: str) -> str:
    """A CSV text cell that a spreadsheet shows as text: controls removed, formula starts neutralised with '."""
    text = _CSV_UNSAFE.sub("", text)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


@dataclass(frozen=True)
class Column:
    """A CSV column: the field it holds (the header row names it). What a person reads is kehoach.present."""

    key: str
    label: str = ""


class DictRows(Sequence[dict[str, Any]]):
    """Rows (anything with ``as_dict()``) seen as their dicts, each made when it is read, not all held."""

    def __init__(self, items: Sequence[Any]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [item.as_dict() for item in self._items[index]]
        return self._items[index].as_dict()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (item.as_dict() for item in self._items)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"không chuyển được {type(value).__name__} sang JSON")


def to_json(data: Any, *, ascii_only: bool | None = None) -> str:
    """Indented JSON; ASCII escapes only where stdout cannot carry Vietnamese (``ascii_only=None``).

    The text is that of ``json.dumps(data, indent=2)``, except for floats, which no output holds today:
    orjson spells some differently (1e-7 for 1e-07, 0.00001 for 1e-05) and writes NaN and infinities as
    null, where ``json`` writes NaN, which is not JSON. The standard library encodes indented JSON in pure
    Python (its C encoder is used only without ``indent``); orjson writes the same text about ten times
    faster, which was most of ``tasks --format json`` on a large data set. What orjson refuses (an
    integer beyond 64 bits, a lone surrogate, a key that is not a string) goes to ``json``.
    """
    if ascii_only is None:
        ascii_only = not _speaks_unicode(sys.stdout)
    if not ascii_only:
        dumps, options = _orjson()
        try:
            return dumps(data, default=_jsonable, option=options).decode("utf-8")
        except TypeError:  # orjson.JSONEncodeError
            pass
    return json.dumps(data, ensure_ascii=ascii_only, indent=2, default=_jsonable)


@functools.cache
def _orjson() -> tuple[Callable[..., bytes], int]:
    """orjson's encoder and options, looked up once (``to_json`` runs once per row of a long listing).
    Dates and dataclasses go through ``_jsonable`` as they do with ``json``."""
    import orjson

    return orjson.dumps, orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def write_json_array(items: Iterable[Any], stream: Any = None, *, ascii_only: bool | None = None) -> None:
    """``to_json(list(items))`` and a newline, written item by item: the same bytes, never the whole text at once."""
    out = stream if stream is not None else sys.stdout
    if ascii_only is None:
        ascii_only = not _speaks_unicode(out)
    write = out.write
    sep = "[\n  "
    for item in items:
        # An item's own lines sit one level deeper inside the array; JSON text never holds a raw newline.
        write(sep + to_json(item, ascii_only=ascii_only).replace("\n", "\n  "))
        sep = ",\n  "
    write("[]\n" if sep == "[\n  " else "\n]\n")


def _speaks_unicode(stream: Any) -> bool:
    try:
        "ạđ".encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """CSV for spreadsheets and scripts: numbers stay numbers; every text cell goes through ``csv_safe``.

    A cell holding a line break is quoted; the csv module would leave a lone carriage return bare
    (with "\\n" as the line terminator) and the file would no longer parse.
    """
    buf = io.StringIO()
    write_csv(rows, columns, buf)
    return buf.getvalue()


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[Column], stream: Any) -> None:
    """``to_csv``, written to ``stream`` row by row."""
    _csv_row(stream, [csv_safe(c.key) for c in columns])
    for row in rows:
        out = []
        for c in columns:
            v = row.get(c.key)
            if isinstance(v, bool):
                out.append("true" if v else "false")
            elif isinstance(v, dt.date):
                out.append(v.isoformat())
            elif isinstance(v, int | float):
                out.append(str(v))  # a number, never prefixed: "-3" days left stays -3
            elif v is None:
                out.append("")
            elif isinstance(v, list | tuple):
                out.append(csv_safe("; ".join(str(x) for x in v)))
            else:
                out.append(csv_safe(str(v)))
        _csv_row(stream, out)


def _csv_row(buf: Any, cells: list[str]) -> None:
    if any("\r" in c for c in cells):
        tmp = io.StringIO()
        csv.writer(tmp, lineterminator="\r\n").writerow(cells)  # quotes every cell holding "\r" or "\n"
        buf.write(tmp.getvalue()[:-2] + "\n")
    else:
        csv.writer(buf, lineterminator="\n").writerow(cells)


def _terminal_width() -> int:
    """$COLUMNS when set, else the terminal's width, else (piped output) a width that fits a report."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        try:
            size = os.get_terminal_size(sys.stdout.fileno()).columns
        except (OSError, ValueError):
            size = 0
        if size > 0:
            return size
    return 150


def _styled() -> bool:
    """ANSI styles only on a terminal that shows them (or when FORCE_COLOR asks); never in a pipe."""
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def command_line() -> str:
    """The query as a command (options left at their defaults omitted), to state it on top of a sheet."""
    import shlex

    from kehoach.clickapi import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is None:
        return " ".join(["kehoach", *(shlex.quote(a) for a in sys.argv[1:])])
    names: list[str] = []
    c: Any = ctx
    while c.parent is not None:  # the root's name depends on how the program was started
        names.insert(0, c.info_name or "")
        c = c.parent
    parts = ["kehoach", *names]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if param.name in ("fmt", "output", "force") or value in (None, False, [], ()) or value == param.default:
            continue
        opts = getattr(param, "opts", [])
        flag = next((o for o in opts if o.startswith("--")), opts[0] if opts else None)
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            if flag is None:
                parts.append(shlex.quote(str(v)))
            elif v is True:
                parts.append(flag)
            else:
                parts += [flag, shlex.quote(str(v))]
    return " ".join(parts)
