"""Progress files: what each lead agency reported, per plan and year.

``data/progress/<plan-id>/<year>.yaml`` holds, per task, the status reported (done, in progress,
not started), the completion date, a short result and evidence; per target, the actual value.
Writes go through a ruamel.yaml round trip so that comments, key order and formatting of what was
not changed stay byte for byte; they are atomic (temporary file, then rename) and serialised
between processes by a lock file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator

from kehoach.errors import DataError, UsageError
from kehoach.files import atomic_write
from kehoach.loader import LoadError, Positions, Problem, format_path, parse_model, read_yaml
from kehoach.model import Strict

if TYPE_CHECKING:
    from kehoach.dataset import DataSet

Status = Literal["done", "in-progress", "not-started"]
STATUSES: tuple[str, ...] = ("done", "in-progress", "not-started")
STATUS_VN = {"done": "đã hoàn thành", "in-progress": "đang thực hiện", "not-started": "chưa triển khai"}
_YEAR_FILE = re.compile(r"^(\d{4})\.ya?ml$")


class TaskProgress(Strict):
    status: Status
    completed: dt.date | None = None
    result: str | None = None
    evidence: str | None = None
    reported_by: str | None = None
    reported_on: dt.date | None = None
    note: str | None = None


class TargetProgress(Strict):
    actual: str
    source: str | None = None
    note: str | None = None

    @field_validator("actual", mode="before")
    @classmethod
    def _text(cls, v: object) -> object:
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v


class ProgressFile(Strict):
    plan: str
    year: int = Field(ge=1945, le=2100)
    example: bool = Field(
        default=False, description="Số liệu minh họa, không phải báo cáo thật: mọi đầu ra dùng tệp này đều ghi rõ."
    )
    tasks: dict[str, TaskProgress] = Field(default_factory=dict)
    targets: dict[str, TargetProgress] = Field(default_factory=dict)


@dataclass(frozen=True)
class Record:
    """One task's progress as reported in one year's file."""

    plan: str
    task: str
    year: int
    progress: TaskProgress
    example: bool = False  # from an illustrative file (``example: true``)

    def known_by(self, day: dt.date) -> bool:
        """Was this reported by ``day``? A report dated later must not change an earlier answer."""
        when = self.progress.reported_on or self.progress.completed
        return when is None or when <= day


# Also a ValueError, as before the one error base, for callers outside the package.
class ProgressError(DataError, ValueError):
    """An update that cannot be applied because of the files (broken, locked); nothing was written."""


# A usage mistake that library users also catch as a ProgressError: UsageError comes first, so it is exit
# code 2 both by the branch the boundary tests first and by its exit_code (see kehoach.errors).
class UpdateRefused(UsageError, ProgressError):
    """An update that is not valid as asked (status, plan, task, year, agency); nothing was written."""


def progress_dir(root: Path) -> Path:
    return root / "progress"


def progress_path(root: Path, plan_id: str, year: int) -> Path:
    return progress_dir(root) / plan_id / f"{year}.yaml"


def _files(root: Path) -> Iterator[tuple[str, int, Path]]:
    base = progress_dir(root)
    if not base.is_dir():
        return
    for plan_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        for f in sorted(plan_dir.iterdir()):
            m = _YEAR_FILE.match(f.name)
            if m:
                yield plan_dir.name, int(m.group(1)), f


@dataclass
class Progress:
    files: dict[tuple[str, int], ProgressFile]
    problems: list[Problem]
    positions: dict[str, Positions] = field(default_factory=dict)

    def _years(self, plan_id: str) -> list[tuple[int, ProgressFile]]:
        """One plan's files, oldest year first; indexed once, as a national data set has thousands."""
        index = self.__dict__.get("_index")
        if index is None or index[0] != len(self.files):
            by_plan: dict[str, list[tuple[int, ProgressFile]]] = {}
            for (pid, year), pf in sorted(self.files.items()):
                by_plan.setdefault(pid, []).append((year, pf))
            index = (len(self.files), by_plan)
            self.__dict__["_index"] = index
        return index[1].get(plan_id, [])

    def records(self, plan_id: str, task_id: str, as_of: dt.date | None = None) -> list[Record]:
        """All years' records of a task, oldest first; with ``as_of``, only those known by then."""
        out = []
        for year, pf in self._years(plan_id):
            if task_id in pf.tasks:
                rec = Record(plan_id, task_id, year, pf.tasks[task_id], pf.example)
                if as_of is None or rec.known_by(as_of):
                    out.append(rec)
        return out

    def has_records(self, plan_id: str, task_id: str) -> bool:
        """Whether any year's file holds a result for the task (known on any day)."""
        return any(task_id in pf.tasks for _, pf in self._years(plan_id))

    def in_year(self, plan_id: str, task_id: str, year: int, as_of: dt.date | None = None) -> Record | None:
        pf = self.files.get((plan_id, year))
        if pf and task_id in pf.tasks:
            rec = Record(plan_id, task_id, year, pf.tasks[task_id], pf.example)
            if as_of is None or rec.known_by(as_of):
                return rec
        return None

    def target_actual(
        self, plan_id: str, target_id: str, up_to: int | None = None
    ) -> tuple[int, TargetProgress] | None:
        best = None
        for year, pf in self._years(plan_id):
            if target_id in pf.targets and (up_to is None or year <= up_to):
                best = (year, pf.targets[target_id])
        return best


def _read(path: Path, cache: Any) -> tuple[ProgressFile | None, list[Problem], Positions]:
    if cache is not None:
        return cache.model(path, ProgressFile)  # type: ignore[no-any-return]
    try:
        doc = read_yaml(path)
    except LoadError as exc:
        return None, [exc.problem], Positions()
    pf, probs = parse_model(doc, ProgressFile)
    return pf, probs, doc.positions.packed()


def load_progress(root: Path, cache: Any = None) -> Progress:
    """Every progress file; with a ``kehoach.cache.FileCache``, unchanged files come from it."""
    files: dict[tuple[str, int], ProgressFile] = {}
    problems: list[Problem] = []
    positions: dict[str, Positions] = {}
    for plan_id, year, path in _files(root):
        pf, probs, where = _read(path, cache)
        problems += probs
        if pf is None:
            continue
        if pf.plan != plan_id or pf.year != year:
            line, col = where.of(("plan",))
            problems.append(
                Problem(
                    str(path),
                    line,
                    col,
                    "plan",
                    "progress.misplaced",
                    f"tệp ghi plan={pf.plan!r}, year={pf.year} nhưng nằm ở {plan_id}/{year}.yaml",
                )
            )
            continue
        files[(plan_id, year)] = pf
        positions[str(path)] = where
    return Progress(files, problems, positions)


def progress_of(data: DataSet) -> Progress:
    """The progress files of a loaded data set, read once per data set (``apply_update`` refreshes)."""
    return data.progress


def check_progress(data: DataSet, today: dt.date | None = None) -> list[Problem]:
    """Task and target ids exist, dates are sane, the reporting agency resolves."""
    from kehoach.agencies import AgencyError
    from kehoach.dataset import UnknownPlan, UnreadablePlan

    today = today or dt.date.today()
    prog = progress_of(data)
    problems = list(prog.problems)
    for (plan_id, year), pf in prog.files.items():
        path = progress_path(Path(data.root), plan_id, year)
        pos = prog.positions.get(str(path))

        def emit(where: tuple[Any, ...], code: str, message: str, severity: str = "error", pos=pos, path=path) -> None:  # type: ignore[no-untyped-def]
            line, col = pos.of(where) if pos else (None, None)
            problems.append(Problem(str(path), line, col, format_path(where), code, message, severity))  # type: ignore[arg-type]

        try:
            plan = data.plan(plan_id).plan
        except (UnknownPlan, UnreadablePlan):
            if not any((Path(data.root) / "plans" / f"{plan_id}{ext}").exists() for ext in (".yaml", ".yml")):
                emit(("plan",), "progress.unknown-plan", f"không có kế hoạch {plan_id!r}")
            continue  # a plan file that failed to load is reported on its own
        task_ids = {t.id for t in plan.tasks}
        target_ids = {t.id for t in plan.targets}
        for tid, rec in pf.tasks.items():
            where = ("tasks", tid)
            if tid not in task_ids:
                emit(where, "progress.unknown-task", f"kế hoạch {plan_id} không có nhiệm vụ {tid!r}")
            for name in ("completed", "reported_on"):
                value = getattr(rec, name)
                if value and value > today:
                    emit((*where, name), "progress.future-date", f"{tid}: ngày {value:%d/%m/%Y} ở tương lai")
                if value and value.year > year + 1:
                    emit((*where, name), "progress.wrong-year", f"{tid}: ngày {value:%d/%m/%Y} không thuộc kỳ {year}")
            if rec.status == "done" and rec.completed is None:
                emit(
                    (*where, "completed"),
                    "progress.no-date",
                    f"{tid}: đã hoàn thành nhưng thiếu ngày hoàn thành",
                    "warning",
                )
            if rec.status != "done" and rec.completed is not None:
                emit(
                    (*where, "completed"),
                    "progress.date-not-done",
                    f"{tid}: có ngày hoàn thành nhưng trạng thái là {STATUS_VN[rec.status]!r}",
                )
            if rec.reported_by:
                try:
                    data.registry.resolve(rec.reported_by)
                except AgencyError as exc:
                    emit((*where, "reported_by"), "agency.unknown", str(exc))
        for tid in pf.targets:
            if tid not in target_ids:
                emit(("targets", tid), "progress.unknown-target", f"kế hoạch {plan_id} không có chỉ tiêu {tid!r}")
    return problems


# ----------------------------------------------------------------------------------------- writes

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


