"""Exports for the tools people already use: Excel (xlsx), calendars (ics), SQLite for publishing.

Each exporter is a library module that takes the same rows or the same loaded data the JSON output
uses and returns bytes (or writes one file atomically). Their packages (XlsxWriter, icalendar) are
imported only inside these modules, so that query commands start light.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from kehoach.errors import DataError

T = TypeVar("T")

# RFC 5545 (3.3.11): calendar TEXT holds no control character but HTAB; a line break is written "\\n". Unicode
# line and paragraph separators (and NEL) break readers that split lines with str.splitlines(): they become
# line breaks too, which the calendar library escapes. Lone surrogates cannot be written as UTF-8.
_ICAL_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029\x0b\x0c\x1c-\x1e]")
_ICAL_UNSAFE = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f\ud800-\udfff]")


def ical_safe(text: str, *, one_line: bool = False) -> str:
    """Text for an iCalendar property: forbidden control characters removed, every kind of line break as "\\n"
    (or a space, ``one_line``, for a property that is not TEXT such as X-WR-CALNAME)."""
    text = _ICAL_UNSAFE.sub("", _ICAL_BREAKS.sub("\n", text))
    return text.replace("\n", " ") if one_line else text


# Also a ValueError, as before the one error base, for callers outside the package.
class ExportError(DataError, ValueError):
    """An export that cannot be made as asked; nothing was written."""


def writable(target: Path, *, force: bool = False) -> None:
    """ExportError unless ``target`` may be written: not a folder, not a device or FIFO (also through a link,
    even with --force), and an existing file only with ``force``."""
    import stat

    try:
        mode: int | None = os.stat(target).st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise ExportError(f"{str(target)!r} là một thư mục, cần tên tệp")
    if mode is not None and not stat.S_ISREG(mode):
        from kehoach.files import kind_of

        raise ExportError(f"{str(target)!r} là {kind_of(mode)}, không phải tệp thường; không ghi vào đó")
    from kehoach.files import refuse_existing

    refuse_existing(target, force)


def write_new(target: Path, content: bytes, *, force: bool = False) -> None:
    """Write ``content`` to ``target`` atomically; an existing file is replaced only with ``force``."""
    from kehoach.files import atomic_write

    writable(target, force=force)
    atomic_write(target, content)


def write_all(items: Sequence[tuple[Path, bytes]], *, force: bool = False) -> None:
    """Several files written all or none (a database and its metadata): each checked as ``write_new`` does."""
    from kehoach.files import write_batch

    for target, _ in items:
        writable(target, force=force)
    write_batch(items)


def tracked(items: Sequence[T], description: str, *, show: bool = True) -> Iterator[T]:
    """Iterate over ``items``, drawing a progress bar on stderr when ``show`` and stderr is a terminal."""
    if not show or not sys.stderr.isatty():
        yield from items
        return
    from rich.console import Console
    from rich.progress import track

    yield from track(items, description=description, console=Console(stderr=True), transient=True)
