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
    """A task with several responsible agencies (two named leads, the successors of a dissolved lead, or a
    collective): one record per agency."""
    from kehoach.status import responsibilities

    task = next((t for t in data.plan(plan_id).plan.tasks if t.id == task_id), None)
    if task is None:
        return False
    found = responsibilities(data.registry, task)
    return len(found) > 1 or any(r.collective for r in found)


# An edit of a progress file's text, as ``kehoach.yamledit`` does it: ("set", path, key, values, remove)
# merges ``values`` into the entry ``key`` of the mapping at ``path``; ("replace", path, key, values, ∅)
# rewrites that entry whole.
Op = tuple[str, tuple[str, ...], str, dict[str, Any], frozenset[str]]


def _entry(current: Any, *path: str) -> Any:
    node = current
    for name in path:
        if not isinstance(node, dict):
            return None
        node = next((v for k, v in node.items() if str(k) == name), None)
    return node


def plan_task(
    current: Any, upd: Update, today: dt.date, *, shared: bool, replace: bool = False
) -> tuple[Change, Op | None]:
    """What one task update changes in a progress file whose data is ``current`` (pure), and the edit.

    A task with several responsible agencies keeps one record per agency (``agencies``); an entry
    written as one record becomes one record per agency when a second agency reports. Raises
    RecordExists when a recorded result would change without ``replace``, UpdateRefused for an
    update that is not valid.
    """
    from kehoach.progress import TaskProgress

    raw = _entry(current, "tasks", upd.task)
    entry = TaskProgress.model_validate(raw) if isinstance(raw, dict) else None
    agency = upd.reported_by
    if entry is not None and entry.agencies:
        if agency is None:
            raise UpdateRefused(f"{upd.plan}/{upd.task} được ghi theo từng cơ quan chủ trì; cần --by CƠ-QUAN")
        old_rec = entry.agencies.get(agency)
        old = _record(old_rec) if old_rec else None
        values, remove = record_values(upd, old, today)
        values.pop("reported_by", None)
        new = {k: v for k, v in {**(old or {}), **values}.items() if k not in remove}
        change = Change(upd.plan, upd.task, upd.year, agency, old, new, upd.source)
        _refuse_overwrite(change, replace)
        if change.kind == "unchanged":
            return change, None
        return change, ("set", ("tasks", upd.task, "agencies"), agency, values, remove)
    if entry is not None and shared and agency and entry.reported_by and entry.reported_by != agency:
        first = _record(entry)
        first_by = first.pop("reported_by")
        values, remove = record_values(upd, None, today)
        values.pop("reported_by", None)
        change = Change(upd.plan, upd.task, upd.year, agency, None, values, upd.source)
        return change, ("replace", ("tasks",), upd.task, {"agencies": {first_by: first, agency: values}}, frozenset())
    if entry is None and shared and agency:
        values, remove = record_values(upd, None, today)
        values.pop("reported_by", None)
        change = Change(upd.plan, upd.task, upd.year, agency, None, values, upd.source)
        return change, ("set", ("tasks",), upd.task, {"agencies": {agency: values}}, frozenset())
    old = _record(entry) if entry is not None else None
    values, remove = record_values(upd, old, today)
    new = {k: v for k, v in {**(old or {}), **values}.items() if k not in remove}
    change = Change(upd.plan, upd.task, upd.year, agency, old, new, upd.source)
    _refuse_overwrite(change, replace)
    if change.kind == "unchanged":
        return change, None
    return change, ("set", ("tasks",), upd.task, values, remove)


def apply_op(text: str, op: Op, *, verify: bool = True) -> str:
    """The text with one edit made (``kehoach.yamledit``); ProgressError when it cannot be made safely."""
    from kehoach.yamledit import EditRefused, replace_entry, set_entry, set_nested

    kind, path, key, values, remove = op
    try:
        if kind == "replace":
            return replace_entry(text, path[0], key, values, verify=verify)
        if len(path) == 1:
            return set_entry(text, path[0], key, values, remove, verify=verify)
        return set_nested(text, path, key, values, remove, verify=verify)
    except EditRefused as exc:
        raise ProgressError(f"{exc}; tệp không bị thay đổi") from None


def track_op(current: Any, op: Op) -> Any:
    """The data the text holds after ``apply_op``: checked once against the text for a whole batch."""
    from kehoach.yamledit import apply_to_data

    kind, path, key, values, remove = op
    if kind == "replace":
        from kehoach.yamledit import _expected

        return _expected(current, path, key, dict(values))
    return apply_to_data(current, path, key, values, remove)


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


def plan_target(current: Any, tu: TargetUpdate, today: dt.date, *, replace: bool = False) -> tuple[Change, Op | None]:
    """What recording one target's actual for the file's year changes (pure), and the edit."""
    from kehoach.progress import TargetProgress

    raw = _entry(current, "targets", tu.target)
    entry = TargetProgress.model_validate(raw) if isinstance(raw, dict) else None
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
        return change, None
    values["reported_on"] = tu.reported_on or today
    return change, ("set", ("targets",), tu.target, values, frozenset(remove))


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


def plan_report(current: Any, ru: ReportUpdate, today: dt.date, *, replace: bool = False) -> tuple[Change, Op | None]:
    """What recording one agency's yearly report under ``reports`` changes (pure), and the edit."""
    from kehoach.progress import AgencyProgress

    entries = _entry(current, "reports", ru.kind)
    raw = _entry(current, "reports", ru.kind, ru.agency)
    rec = AgencyProgress.model_validate(raw) if isinstance(raw, dict) else None
    old = _record(rec) if rec else None
    upd = Update(ru.plan, ru.kind, ru.status, ru.year, ru.completed, None, ru.evidence, None, ru.reported_on)
    values, remove = record_values(upd, old, today)
    new = {k: v for k, v in {**(old or {}), **values}.items() if k not in remove}
    change = Change(ru.plan, ru.kind, ru.year, ru.agency, old, new, ru.source)
    _refuse_overwrite(change, replace)
    if change.kind == "unchanged":
        return change, None
    if entries:
        return change, ("set", ("reports", ru.kind), ru.agency, values, remove)
    return change, ("set", ("reports",), ru.kind, {ru.agency: values}, frozenset())


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
    """Every update checked and applied in memory, in order; the problems, each named by its source.

    Each file is read once; its edits are made one after another on the text, and the result is
    read back and compared with what was meant once per file (``kehoach.yamledit.verify_text``). If
    that check fails, the file's edits are made again one by one, each checked, to name the one.
    """
    from pydantic import ValidationError

    from kehoach.yamledit import EditRefused, refuse_shared_nodes

    state: dict[Path, tuple[bytes, str, Any]] = {}  # path -> (bytes read, text, the data it should hold)
    ops: dict[Path, list[tuple[AnyUpdate, Op]]] = {}
    changes: list[Change] = []
    problems: list[str] = []
    for upd in updates:
        where = f"{upd.source}: " if upd.source else ""
        try:
            path = progress_path(Path(data.root), upd.plan, upd.year)
            _validate(data, upd, today)
            if path not in state:
                raw, text = _current(path, upd.plan, upd.year)
                try:
                    refuse_shared_nodes(text)
                except EditRefused as exc:
                    raise ProgressError(f"{path}: {exc}; tệp không bị thay đổi") from None
                state[path] = (raw, text, _load(text))
            raw, text, current = state[path]
            change, op = _plan(data, current, upd, today, replace)
            if op is not None:
                text, current = apply_op(text, op, verify=False), track_op(current, op)
                state[path] = (raw, text, current)
                ops.setdefault(path, []).append((upd, op))
            changes.append(change)
        except ProgressError as exc:
            problems.append(where + str(exc))
    texts: dict[Path, tuple[bytes, str]] = {}
    for path, (raw, text, current) in state.items():
        try:
            _check_file(path, text, current)
        except ProgressError:
            problems += _name_the_edit(path, raw, ops.get(path, []))
        except ValidationError as exc:
            problems.append(f"{path}: kết quả ghi không hợp lệ: {exc.errors()[0]['msg']}")
        texts[path] = (raw, text)
    return Batch(texts, changes), problems


def _check_file(path: Path, text: str, expected: Any) -> None:
    from kehoach.yamledit import EditRefused, plain_data, verify_text

    try:
        verify_text(text, expected)
    except EditRefused as exc:
        raise ProgressError(f"{path}: {exc}") from None
    ProgressFile.model_validate(plain_data(expected))


def _name_the_edit(path: Path, raw: bytes, ops: list[tuple[AnyUpdate, Op]]) -> list[str]:
    """The batch's edits of one file made again one at a time, each checked: the first that fails."""
    text = raw.decode("utf-8-sig").replace("\r\n", "\n") if raw else ""
    if not text:
        upd0 = ops[0][0]
        text = _HEADER.format(plan=upd0.plan, year=upd0.year) + f"plan: {upd0.plan}\nyear: {upd0.year}\n"
    for upd, op in ops:
        try:
            text = apply_op(text, op, verify=True)
        except ProgressError as exc:
            return [(f"{upd.source}: " if upd.source else "") + f"{path}: {exc}"]
    return [f"{path}: không ghi được mà giữ nguyên phần còn lại của tệp; tệp để nguyên"]


def _plan(data: DataSet, current: Any, upd: AnyUpdate, today: dt.date, replace: bool) -> tuple[Change, Op | None]:
    if isinstance(upd, TargetUpdate):
        return plan_target(current, upd, today, replace=replace)
    if isinstance(upd, ReportUpdate):
        return plan_report(current, upd, today, replace=replace)
    return plan_task(current, upd, today, shared=task_is_shared(data, upd.plan, upd.task), replace=replace)


def _plain(text: str) -> Any:
    from kehoach.yamledit import plain_data

    return plain_data(_load(text))


def _load(text: str) -> Any:
    """The data of a progress file's text, read as the loader reads it (YAML 1.2, safe)."""
    from kehoach.yamledit import load_text

    return load_text(text)


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


def _prepare_one(data: DataSet, upd: AnyUpdate, today: dt.date, replace: bool) -> Batch:
    _validate(data, upd, today)  # raised as is (exit code 2)
    batch, problems = prepare(data, [upd], today, replace=replace)
    if problems:
        raise _first_error(data, upd, today, replace)
    return batch


def _first_error(data: DataSet, upd: AnyUpdate, today: dt.date, replace: bool) -> ProgressError:
    """The exception one update raises (its class keeps the exit code)."""
    path = progress_path(Path(data.root), upd.plan, upd.year)
    try:
        raw, text = _current(path, upd.plan, upd.year)
        change, op = _plan(data, _load(text), upd, today, replace)
        if op is not None:
            _check_file(path, apply_op(text, op, verify=True), track_op(_load(text), op))
    except ProgressError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - a validation error of the result
        return ProgressError(f"{path}: kết quả ghi không hợp lệ: {exc}")
    return ProgressError(f"{path}: không ghi được; tệp để nguyên")


def preview_update(data: DataSet, upd: AnyUpdate, today: dt.date, *, replace: bool = False) -> Change:
    """The change one update would make (raises as ``apply_update`` would), nothing written."""
    return _prepare_one(data, upd, today, replace).changes[0]
