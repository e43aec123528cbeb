"""The one way a listing command opens and ends: its output checked, its context taken, its rows written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kehoach.cli.options import AppContext, use

if TYPE_CHECKING:
    from kehoach.present import Spec


def open_listing(
    fmt: str, output: Path | None, force: bool, *, data_dir: Path | None = None, today: dt.date | None = None
) -> AppContext:
    """``--format``/``-o``/``--force`` checked before anything is read, then the context of the invocation.
    xlsx needs -o FILE.xlsx, which is not replaced without --force."""
    from kehoach.cli.errors import fail

    if fmt != "xlsx":
        if output is not None:
            fail("-o chỉ dùng với --format xlsx (các dạng khác in ra màn hình)")
    elif output is None:
        fail("--format xlsx cần -o TỆP.xlsx")
    elif output.suffix.lower() != ".xlsx":
        fail(f"-o {str(output)!r}: tệp Excel cần có đuôi .xlsx")
    else:
        from kehoach.files import refuse_existing

        refuse_existing(output, force)
    return use(data_dir=data_dir, today=today, fmt=fmt)


def emit(rows: Iterable[dict[str, Any]], spec: Spec, fmt: str, **options: Any) -> None:
    """The rows in the format asked: ``kehoach.listing.write_listing`` with its own keyword options
    (``title``, ``output``, ``force``…), the query stated on top of an Excel sheet."""
    from kehoach.listing import write_listing
    from kehoach.output import command_line

    write_listing(rows, spec, fmt, query=command_line() if fmt == "xlsx" else "", **options)
