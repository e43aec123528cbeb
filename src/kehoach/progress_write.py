"""Writing progress files: one entry changed, everything else kept byte for byte.

Writes go through a text edit (``kehoach.yamledit``) so that comments, key order and formatting of
what was not changed stay byte for byte; they are atomic (temporary file, then rename) and
serialised between processes by a lock file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from kehoach.errors import DataError, UsageError
from kehoach.files import atomic_write
from kehoach.loader import LoadError, parse_model, read_yaml
from kehoach.progress import STATUS_VN, STATUSES, ProgressFile, Status, progress_path

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
    keep_result: bool = False  # done -> not done: the earlier result text still holds
    source: str | None = None  # where the update came from (a form's cell), for messages


@dataclass(frozen=True)
class TargetUpdate:
    """A target's actual value for one year (the year of the figure), ``estimate`` for an estimate."""

    plan: str
    target: str
    year: int
    actual: str
    estimate: bool = False
    date: dt.date | None = None
    data_source: str | None = None
    reported_by: str | None = None
    reported_on: dt.date | None = None
    source: str | None = None  # where the update came from (a form's cell), for messages


AnyUpdate = Union["Update", "TargetUpdate", "ReportUpdate"]


@dataclass(frozen=True)
class ReportUpdate:
    """That ``agency`` sent (``done``) the plan's yearly report ``kind`` (BC-HN, BC-TH) for ``year``."""

    plan: str
    kind: str
    year: int
    agency: str
    status: Status
    completed: dt.date | None = None
    evidence: str | None = None
    reported_on: dt.date | None = None
    source: str | None = None

    @property
    def task(self) -> str:
        return self.kind


class RecordExists(ProgressError):
    """An update that would change a recorded result without ``replace``; nothing was written."""


_SHOWN = ("status", "completed", "result", "evidence", "reported_by", "actual", "estimate", "date", "source")
_LABELS = {
    "actual": "giá trị",
    "estimate": "ước tính",
    "date": "thời điểm số liệu",
    "source": "nguồn",
    "status": "tình trạng",
    "completed": "ngày hoàn thành",
    "result": "kết quả",
    "evidence": "văn bản",
    "reported_by": "cơ quan báo cáo",
}


@dataclass
class Change:
    """What one update does to one record: ``old`` is None for a new record."""

    plan: str
    task: str
    year: int
    agency: str | None
    old: dict[str, Any] | None
    new: dict[str, Any]
    source: str | None = None

    @property
    def fields(self) -> list[tuple[str, Any, Any]]:
        """The shown fields that differ, as (field, old, new)."""
        old = self.old or {}
        return [
            (f, old.get(f), self.new.get(f))
            for f in _SHOWN
            if old.get(f) != self.new.get(f)
            and not (f == "reported_by" and self.old is not None and old.get(f) is None)
        ]

    @property
    def kind(self) -> str:
        return "new" if self.old is None else ("changed" if self.fields else "unchanged")

    def describe(self) -> str:
        who = f" ({self.agency})" if self.agency else ""
        head = f"{self.plan}/{self.task}{who} năm {self.year}"
        if self.old is None:
            return f"{head}: mới, " + ", ".join(f"{_LABELS[f]} {_show(v)}" for f, _, v in self.fields)
        return f"{head}: " + "; ".join(f"{_LABELS[f]} {_show(a)} → {_show(b)}" for f, a, b in self.fields)


def _show(value: Any) -> str:
    if value is None:
        return "(trống)"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if value in STATUS_VN:
        return f"'{STATUS_VN[value]}'"
    return repr(str(value))


def record_values(upd: Update, old: dict[str, Any] | None, today: dt.date) -> tuple[dict[str, Any], frozenset[str]]:
    """The fields an update writes, and those it removes, given the record it changes (None: a new one).

    An existing completion date is never replaced by a default; going from done back to not done
    needs a new result text or ``keep_result``; not done drops the completion date.
    """
    old = old or {}
    values: dict[str, Any] = {"status": upd.status}
    if upd.status == "done":
        values["completed"] = upd.completed or old.get("completed") or today
    if (
        old.get("status") == "done"
        and upd.status != "done"
        and old.get("result")
        and upd.result is None
        and not upd.keep_result
    ):
        raise UpdateRefused(
            f"{upd.plan}/{upd.task} đã ghi hoàn thành với kết quả {old['result']!r}; khi chuyển sang "
            f"{STATUS_VN[upd.status]!r}, ghi kết quả mới (--result) hoặc giữ kết quả cũ (--keep-result)"
        )
    for name in ("result", "evidence", "reported_by"):
        value = getattr(upd, name)
        if value is not None:
            values[name] = value
    values["reported_on"] = upd.reported_on or today
    remove = frozenset() if upd.status == "done" else frozenset({"completed"})
    return values, remove


def _record(tp: Any) -> dict[str, Any]:
    return {k: v for k, v in tp.model_dump(exclude={"agencies"}).items() if v is not None}


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


def task_is_shared(data: DataSet, plan_id: str, task_id: str) -> bool:
    """A task with several responsible agencies (two named leads, or a collective): one record per agency."""
    from kehoach.agencies import AgencyError

    task = next((t for t in data.plan(plan_id).plan.tasks if t.id == task_id), None)
    if task is None:
        return False
    named = 0
    for written in task.lead:
        try:
            agency = data.registry.resolve(written)
        except AgencyError:
            named += 1
            continue
        if agency.is_collective:
            return True
        named += 1
    return named > 1


def edit_text(text: str, upd: Update, today: dt.date, *, shared: bool, replace: bool = False) -> tuple[str, Change]:
    """A progress file's text with one update applied, and the change (pure: nothing is read or written).

    A task with several responsible agencies keeps one record per agency (``agencies``); an entry
    written as one record becomes one record per agency when a second agency reports. Raises
    RecordExists when a recorded result would change without ``replace``, UpdateRefused for an
    update that is not valid, ProgressError when the file cannot be edited safely.
    """
    from kehoach.yamledit import EditRefused, replace_entry, set_entry, set_nested

    doc = _yaml().load(text) if text.strip() else None
    from kehoach.yamledit import plain_data

    pf = ProgressFile.model_validate(plain_data(doc)) if doc is not None else None
    entry = pf.tasks.get(upd.task) if pf else None
    agency = upd.reported_by
    try:
        if entry is not None and entry.agencies:
            if agency is None:
                raise UpdateRefused(f"{upd.plan}/{upd.task} được ghi theo từng cơ quan chủ trì; cần --by CƠ-QUAN")
            old_rec = entry.agencies.get(agency)
            old = _record(old_rec) if old_rec else None
            values, remove = record_values(upd, old, today)
            values.pop("reported_by", None)
            change = Change(upd.plan, upd.task, upd.year, agency, old, {**(old or {}), **values}, upd.source)
            _refuse_overwrite(change, replace)
            if change.kind == "unchanged":
                return text, change
            return set_nested(text, ("tasks", upd.task, "agencies"), agency, values, remove), change
        if entry is not None and shared and agency and entry.reported_by and entry.reported_by != agency:
            first = _record(entry)
            first_by = first.pop("reported_by")
            values, remove = record_values(upd, None, today)
            values.pop("reported_by", None)
            change = Change(upd.plan, upd.task, upd.year, agency, None, values, upd.source)
            return replace_entry(text, "tasks", upd.task, {"agencies": {first_by: first, agency: values}}), change
        if entry is None and shared and agency:
            values, remove = record_values(upd, None, today)
            values.pop("reported_by", None)
            change = Change(upd.plan, upd.task, upd.year, agency, None, values, upd.source)
            return set_entry(text, "tasks", upd.task, {"agencies": {agency: values}}), change
        old = _record(entry) if entry is not None else None
        values, remove = record_values(upd, old, today)
        new = {k: v for k, v in {**(old or {}), **values}.items() if k not in remove}
        change = Change(upd.plan, upd.task, upd.year, agency, old, new, upd.source)
        _refuse_overwrite(change, replace)
        if change.kind == "unchanged":
            return text, change
        return set_entry(text, "tasks", upd.task, values, remove), change
    except EditRefused as exc:
        raise ProgressError(f"{exc}; tệp không bị thay đổi") from None


def validate_target(data: DataSet, tu: TargetUpdate, today: dt.date) -> None:
    from kehoach.dataset import UnknownPlan

    try:
        plan = data.plan(tu.plan).plan
    except UnknownPlan as exc:
        raise UpdateRefused(str(exc)) from None
    if tu.target not in {t.id for t in plan.targets}:
        raise UpdateRefused(f"kế hoạch {tu.plan} không có chỉ tiêu {tu.target!r}")
    if not tu.actual.strip():
        raise UpdateRefused("thiếu giá trị thực hiện (--value)")
    if tu.date and tu.date > today:
        raise UpdateRefused(f"ngày số liệu {tu.date:%d/%m/%Y} ở tương lai (hôm nay {today:%d/%m/%Y})")
    if not plan.start_year - 1 <= tu.year <= plan.end_year + 1:
        raise UpdateRefused(f"năm {tu.year} ngoài thời gian của kế hoạch ({plan.start_year}-{plan.end_year})")


def edit_target_text(text: str, tu: TargetUpdate, today: dt.date, *, replace: bool = False) -> tuple[str, Change]:
    """A progress file's text with one target's actual for the file's year recorded (pure)."""
    from kehoach.yamledit import EditRefused, plain_data, set_entry

    doc = _yaml().load(text) if text.strip() else None
    pf = ProgressFile.model_validate(plain_data(doc)) if doc is not None else None
    entry = pf.targets.get(tu.target) if pf else None
    old = {k: v for k, v in entry.model_dump().items() if v is not None and v is not False} if entry else None
    values: dict[str, Any] = {"actual": tu.actual}
    remove = set()
    if tu.estimate:
        values["estimate"] = True
    elif old and old.get("estimate"):
        remove.add("estimate")
    for name, value in (("date", tu.date), ("source", tu.data_source), ("reported_by", tu.reported_by)):
        if value is not None:
            values[name] = value
    new = {k: v for k, v in {**(old or {}), **values}.items() if k not in remove}
    change = Change(tu.plan, tu.target, tu.year, tu.reported_by, old, new, tu.source)
    _refuse_overwrite(change, replace)
    if change.kind == "unchanged":
        return text, change
    values["reported_on"] = tu.reported_on or today
    try:
        return set_entry(text, "targets", tu.target, values, frozenset(remove)), change
    except EditRefused as exc:
        raise ProgressError(f"{exc}; tệp không bị thay đổi") from None


def validate_report(data: DataSet, ru: ReportUpdate, today: dt.date) -> None:
    from kehoach.dataset import UnknownPlan

    try:
        plan = data.plan(ru.plan).plan
    except UnknownPlan as exc:
        raise UpdateRefused(str(exc)) from None
    rep = plan.reporting
    if ru.kind == "BC-HN" and rep.annual is None:
        raise UpdateRefused(f"kế hoạch {ru.plan} không quy định báo cáo hằng năm (BC-HN)")
    if ru.kind == "BC-TH" and rep.consolidated is None:
        raise UpdateRefused(f"kế hoạch {ru.plan} không quy định báo cáo tổng hợp (BC-TH)")
    if ru.status not in STATUSES:
        raise UpdateRefused(f"trạng thái {ru.status!r} không hợp lệ; dùng: {', '.join(STATUSES)}")
    if ru.completed and ru.completed > today:
        raise UpdateRefused(f"ngày gửi {ru.completed:%d/%m/%Y} ở tương lai (hôm nay {today:%d/%m/%Y})")
    if ru.completed and ru.status != "done":
        raise UpdateRefused("--date chỉ dùng với --status done")
    if not plan.start_year <= ru.year <= plan.end_year:
        raise UpdateRefused(f"năm {ru.year} ngoài thời gian của kế hoạch ({plan.start_year}-{plan.end_year})")


def edit_report_text(text: str, ru: ReportUpdate, today: dt.date, *, replace: bool = False) -> tuple[str, Change]:
    """A progress file's text with one agency's yearly report recorded under ``reports`` (pure)."""
    from kehoach.yamledit import EditRefused, plain_data, set_entry, set_nested

    doc = _yaml().load(text) if text.strip() else None
    pf = ProgressFile.model_validate(plain_data(doc)) if doc is not None else None
    entries = pf.reports.get(ru.kind) if pf else None
    rec = entries.get(ru.agency) if entries else None
    old = _record(rec) if rec else None
    upd = Update(ru.plan, ru.kind, ru.status, ru.year, ru.completed, None, ru.evidence, None, ru.reported_on)
    values, remove = record_values(upd, old, today)
    new = {k: v for k, v in {**(old or {}), **values}.items() if k not in remove}
    change = Change(ru.plan, ru.kind, ru.year, ru.agency, old, new, ru.source)
    _refuse_overwrite(change, replace)
    if change.kind == "unchanged":
        return text, change
    try:
        if entries:
            return set_nested(text, ("reports", ru.kind), ru.agency, values, remove), change
        return set_entry(text, "reports", ru.kind, {ru.agency: values}), change
    except EditRefused as exc:
        raise ProgressError(f"{exc}; tệp không bị thay đổi") from None


def _refuse_overwrite(change: Change, replace: bool) -> None:
    if change.kind == "changed" and not replace:
        raise RecordExists(f"đã có kết quả ghi trước; {change.describe()}; dùng --replace để ghi đè")


@dataclass
class Batch:
    """Updates prepared over one or more progress files; ``write`` puts them all, or none, on disk."""

    texts: dict[Path, tuple[bytes, str]]  # path -> (bytes read, new text)
    changes: list[Change]

    @property
    def paths(self) -> list[Path]:
        return [p for p, (raw, text) in self.texts.items() if _encode(raw, text) != raw]

    def write(self, data: DataSet) -> list[Path]:
        """Write every changed file (atomically each); a failure puts back those already written.

        Call it inside ``locked(paths)`` with the batch prepared there too.
        """
        paths = self.paths
        done: list[tuple[Path, bytes]] = []
        try:
            for path in paths:
                raw, _ = self.texts[path]
                now = path.read_bytes() if path.exists() else b""
                if now != raw:
                    raise ProgressError(f"{path} vừa bị thay đổi bởi người khác; chạy lại lệnh")
            for path in paths:
                raw, text = self.texts[path]
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, _encode(raw, text))
                done.append((path, raw))
        except BaseException:
            for path, raw in done:  # all or nothing
                if raw:
                    atomic_write(path, raw)
                else:
                    path.unlink(missing_ok=True)
            raise
        data.forget_progress()  # read again on next use
        return paths


@contextmanager
def locked(paths: Iterable[Path]) -> Iterator[None]:
    """Hold the lock file of every progress file in ``paths`` (sorted, so two batches never deadlock)."""
    from filelock import FileLock, Timeout

    held = []
    try:
        for path in sorted(set(paths)):
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(path.parent / f".{path.name}.lock"), timeout=30)
            try:
                lock.acquire()
            except Timeout:
                raise ProgressError(f"{path} đang được một tiến trình khác ghi; thử lại sau") from None
            held.append(lock)
        yield
    finally:
        for lock in reversed(held):
            lock.release()


def _encode(raw: bytes, text: str) -> bytes:
    crlf = b"\r\n" in raw
    bom = raw.startswith(b"\xef\xbb\xbf")
    out = text.replace("\n", "\r\n") if crlf else text
    return (b"\xef\xbb\xbf" if bom else b"") + out.encode("utf-8")


def _current(path: Path, plan: str, year: int) -> tuple[bytes, str]:
    from kehoach.loader import read_data_file

    if not os.path.lexists(path):
        return b"", _HEADER.format(plan=plan, year=year) + f"plan: {plan}\nyear: {year}\n"
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
    return raw, raw.decode("utf-8-sig").replace("\r\n", "\n")


def prepare(
    data: DataSet, updates: Sequence[AnyUpdate], today: dt.date, *, replace: bool = False
) -> tuple[Batch, list[str]]:
    """Every update checked and applied in memory, in order; the problems, each named by its source."""
    from pydantic import ValidationError

    texts: dict[Path, tuple[bytes, str]] = {}
    changes: list[Change] = []
    problems: list[str] = []
    for upd in updates:
        where = f"{upd.source}: " if upd.source else ""
        try:
            path = progress_path(Path(data.root), upd.plan, upd.year)
            _validate(data, upd, today)
            if path not in texts:
                texts[path] = _current(path, upd.plan, upd.year)
            raw, text = texts[path]
            new_text, change = _edit(data, text, upd, today, replace)
            try:
                ProgressFile.model_validate(_plain(new_text))
            except ValidationError as exc:
                raise ProgressError(f"{path}: kết quả ghi không hợp lệ: {exc.errors()[0]['msg']}") from None
            texts[path] = (raw, new_text)
            changes.append(change)
        except ProgressError as exc:
            problems.append(where + str(exc))
    return Batch(texts, changes), problems


def _plain(text: str) -> Any:
    from kehoach.yamledit import plain_data

    return plain_data(_yaml().load(text))


def apply_update(data: DataSet, upd: AnyUpdate, today: dt.date, *, replace: bool = False) -> Path:
    """Record one task's progress (or one target's actual). Only the touched entry changes; the rest of
    the file stays as it was.

    Raises ProgressError (RecordExists, UpdateRefused), with the file untouched, for an update that
    would overwrite a recorded result without ``replace``, an invalid update, or an existing file
    that is not a valid progress file.
    """
    path = progress_path(Path(data.root), upd.plan, upd.year)
    _validate(data, upd, today)
    with locked([path]):
        batch = _prepare_one(data, upd, today, replace)
        batch.write(data)
    return path


def _validate(data: DataSet, upd: AnyUpdate, today: dt.date) -> None:
    if isinstance(upd, TargetUpdate):
        validate_target(data, upd, today)
    elif isinstance(upd, ReportUpdate):
        validate_report(data, upd, today)
    else:
        validate_update(data, upd, today)


def _edit(data: DataSet, text: str, upd: AnyUpdate, today: dt.date, replace: bool) -> tuple[str, Change]:
    if isinstance(upd, TargetUpdate):
        return edit_target_text(text, upd, today, replace=replace)
    if isinstance(upd, ReportUpdate):
        return edit_report_text(text, upd, today, replace=replace)
    return edit_text(text, upd, today, shared=task_is_shared(data, upd.plan, upd.task), replace=replace)


def _prepare_one(data: DataSet, upd: AnyUpdate, today: dt.date, replace: bool) -> Batch:
    from pydantic import ValidationError

    _validate(data, upd, today)  # raised as is (exit code 2)
    path = progress_path(Path(data.root), upd.plan, upd.year)
    raw, text = _current(path, upd.plan, upd.year)
    new_text, change = _edit(data, text, upd, today, replace)
    try:
        ProgressFile.model_validate(_plain(new_text))
    except ValidationError as exc:
        raise ProgressError(f"{path}: kết quả ghi không hợp lệ: {exc.errors()[0]['msg']}") from None
    return Batch({path: (raw, new_text)}, [change])


def preview_update(data: DataSet, upd: AnyUpdate, today: dt.date, *, replace: bool = False) -> Change:
    """The change one update would make (raises as ``apply_update`` would), nothing written."""
    return _prepare_one(data, upd, today, replace).changes[0]
