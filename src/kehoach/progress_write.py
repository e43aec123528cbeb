"""Writing progress files: one entry changed, everything else kept byte for byte.

Writes go through a text edit (``kehoach.yamledit``) so that comments, key order and formatting of
what was not changed stay byte for byte; they are atomic (temporary file, then rename) and
serialised between processes by a lock file.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kehoach.errors import DataError, UsageError
from kehoach.files import atomic_write
from kehoach.loader import LoadError, parse_model, read_yaml
from kehoach.progress import STATUSES, ProgressFile, Status, progress_path

if TYPE_CHECKING:
    from kehoach.dataset import DataSet


# Also a ValueError, as before the one error base, for callers outside the package.
class ProgressError(DataError, ValueError):
    """An update that cannot be applied because of the files (broken, locked); nothing was written."""


# A usage mistake that library users also catch as a ProgressError: UsageError comes first, so it is exit
# code 2 both by the branch the boundary tests first and by its exit_code (see kehoach.errors).
class UpdateRefused(UsageError, ProgressError):
    """An update that is not valid as asked (status, plan, task, year, agency); nothing was written."""


_HEADER = "# Tiến độ thực hiện {plan} năm {year}: mỗi nhiệm vụ một mục, do cơ quan chủ trì báo cáo.\n"


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line the user wrote
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@dataclass(frozen=True)
class Update:
    plan: str
    task: str
    status: Status
    year: int
    completed: dt.date | None = None
    result: str | None = None
    evidence: str | None = None
    reported_by: str | None = None
    reported_on: dt.date | None = None


def validate_update(data: DataSet, upd: Update, today: dt.date) -> None:
    from kehoach.agencies import AgencyError
    from kehoach.dataset import UnknownPlan

    if upd.status not in STATUSES:
        raise UpdateRefused(f"trạng thái {upd.status!r} không hợp lệ; dùng: {', '.join(STATUSES)}")
    try:
        plan = data.plan(upd.plan).plan
    except UnknownPlan as exc:
        raise UpdateRefused(str(exc)) from None
    if upd.task not in {t.id for t in plan.tasks}:
        raise UpdateRefused(f"kế hoạch {upd.plan} không có nhiệm vụ {upd.task!r}")
    for label, value in (("ngày hoàn thành", upd.completed), ("ngày báo cáo", upd.reported_on)):
        if value and value > today:
            raise UpdateRefused(f"{label} {value:%d/%m/%Y} ở tương lai (hôm nay {today:%d/%m/%Y})")
    if upd.completed and upd.status != "done":
        raise UpdateRefused("--date chỉ dùng với --status done")
    if not plan.start_year - 1 <= upd.year <= plan.end_year + 1:
        raise UpdateRefused(f"năm {upd.year} ngoài thời gian của kế hoạch ({plan.start_year}-{plan.end_year})")
    if upd.reported_by:
        try:
            data.registry.resolve(upd.reported_by)
        except AgencyError as exc:
            raise UpdateRefused(str(exc)) from None


def apply_update(data: DataSet, upd: Update, today: dt.date) -> Path:
    """Record one task's progress. Only the touched entry changes; the rest of the file stays as it was.

    Raises ProgressError, with the file untouched, for an invalid update or an existing file that is
    not a valid progress file.
    """
    from filelock import FileLock, Timeout
    from pydantic import ValidationError

    validate_update(data, upd, today)
    path = progress_path(Path(data.root), upd.plan, upd.year)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path.parent / f".{path.name}.lock"), timeout=30)
    try:
        with lock:
            text, raw = _updated_text(path, upd, today)
            try:
                from kehoach.yamledit import plain_data

                ProgressFile.model_validate(plain_data(_yaml().load(text)))
            except ValidationError as exc:
                raise ProgressError(f"{path}: kết quả ghi không hợp lệ: {exc.errors()[0]['msg']}") from None
            crlf = b"\r\n" in raw
            bom = raw.startswith(b"\xef\xbb\xbf")
            out = text.replace("\n", "\r\n") if crlf else text
            atomic_write(path, (b"\xef\xbb\xbf" if bom else b"") + out.encode("utf-8"))
            data.forget_progress()  # read again on next use
    except Timeout:
        raise ProgressError(f"{path} đang được một tiến trình khác ghi; thử lại sau") from None
    return path


def _updated_text(path: Path, upd: Update, today: dt.date) -> tuple[str, bytes]:
    """The file's new text with one entry changed, and its old bytes (b"" for a new file).

    The file is edited as text (kehoach.yamledit): indentation, key spacing, quotes, comments and
    document markers of everything but the edited entry stay byte for byte.
    """
    from kehoach.loader import read_data_file
    from kehoach.yamledit import EditRefused, set_entry

    raw = b""
    if os.path.lexists(path):
        try:
            doc_check = read_yaml(path)  # the same safety checks as any data file
        except LoadError as exc:
            p = exc.problem
            raise ProgressError(f"{p.file}:{p.line or '?'}: {p.message}; sửa tệp trước khi ghi tiếp") from None
        _, problems = parse_model(doc_check, ProgressFile)
        if problems:
            p = problems[0]
            raise ProgressError(f"{p.file}:{p.line or '?'}: {p.path}: {p.message}; sửa tệp trước khi ghi tiếp")
        try:
            raw = read_data_file(path)
        except LoadError as exc:
            raise ProgressError(f"{path}: {exc.problem.message}") from None
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    else:
        text = _HEADER.format(plan=upd.plan, year=upd.year) + f"plan: {upd.plan}\nyear: {upd.year}\n"
    values: dict[str, Any] = {"status": upd.status}
    if upd.status == "done":
        values["completed"] = upd.completed or today
    for name in ("result", "evidence", "reported_by"):
        value = getattr(upd, name)
        if value is not None:
            values[name] = value
    values["reported_on"] = upd.reported_on or today
    remove = frozenset() if upd.status == "done" else frozenset({"completed"})
    try:
        return set_entry(text, "tasks", upd.task, values, remove), raw
    except EditRefused as exc:
        raise ProgressError(f"{path}: {exc}; tệp không bị thay đổi") from None
