"""What every reader of ``kehoach progress import`` shares: limits, a file's result, and the cells' parsing.

A cell's value becomes a status code, a date or a text, or a ``CellError`` whose message the reader
puts after the cell's address (``tệp!trang!ô``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kehoach.errors import DataError
from kehoach.progress import STATUS_VN
from kehoach.progress_write import Change, ReportUpdate, TargetUpdate, Update

if TYPE_CHECKING:
    from kehoach.agencies import Agency

MAX_BYTES = 20_000_000  # a form of every task of a national plan is well under 1 MB
MAX_UNZIPPED = 200_000_000
MAX_ROWS = 5_000
MAX_TEXT = 5_000
TASK_COLUMNS = ("Mã nhiệm vụ", "Tình trạng", "Ngày hoàn thành", "Kết quả thực hiện")
_STATUS = {v.casefold(): k for k, v in STATUS_VN.items()} | {k: k for k in STATUS_VN}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


class ImportRefused(DataError):
    """The batch cannot be imported; ``problems`` names each, by file, sheet and cell. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class FileResult:
    path: Path
    kind: str  # "form", "csv", "docx"
    updates: list[Update | TargetUpdate | ReportUpdate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def summary(self) -> tuple[int, int, int]:
        kinds = [c.kind for c in self.changes]
        return kinds.count("new"), kinds.count("changed"), kinds.count("unchanged")


@dataclass(frozen=True)
class Defaults:
    """What a CSV file does not say itself: plan, year, agency (options of the command)."""

    plan: str | None = None
    year: int | None = None
    agency: Agency | None = None


def col_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


# ------------------------------------------------------------------------------------ cells


# Also a ValueError: a cell's value that cannot be read.
class CellError(DataError, ValueError):
    pass


def parse_status(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    code = _STATUS.get(str(value).strip().casefold())
    if code is None:
        choices = ", ".join(STATUS_VN.values())
        raise CellError(f"tình trạng {str(value).strip()!r} không hợp lệ; chọn một trong: {choices}")
    return code


def parse_date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = _DMY.match(value)
        if m:
            d, mth, y = (int(g) for g in m.groups())
        else:
            m = _ISO.match(value)
            if not m:
                raise CellError(f"ngày {value.strip()!r} không đọc được; ghi dd/mm/yyyy, ví dụ 15/10/2026")
            y, mth, d = (int(g) for g in m.groups())
        try:
            return dt.date(y, mth, d)
        except ValueError:
            raise CellError(f"ngày {value.strip()!r} không có thật") from None
    raise CellError(f"ngày {value!r} không phải ô ngày; ghi dd/mm/yyyy, ví dụ 15/10/2026")


def parse_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError("ô chứa giá trị đúng/sai, không phải văn bản")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = f"{value:%d/%m/%Y}"
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise CellError(f"văn bản dài {len(text)} ký tự, quá {MAX_TEXT}")
    return text or None
