"""Progress files: what each lead agency reported, per plan and year.

``data/progress/<plan-id>/<year>.yaml`` holds, per task, the status reported (done, in progress,
not started), the completion date, a short result and evidence; per target, the actual value.
This module only reads them (it sits below ``DataSet``); writing is ``kehoach.progress_write`` and
the checks against the plans are ``kehoach.check.check_progress``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import Field, field_validator, model_validator

from kehoach.loader import LoadError, Positions, Problem, parse_model, read_yaml
from kehoach.model import Strict

Status = Literal["done", "in-progress", "not-started"]
STATUSES: tuple[str, ...] = ("done", "in-progress", "not-started")
STATUS_VN = {"done": "đã hoàn thành", "in-progress": "đang thực hiện", "not-started": "chưa triển khai"}
_YEAR_FILE = re.compile(r"^(\d{4})\.ya?ml$")


_FLAT = ("status", "completed", "result", "evidence", "reported_by")


class AgencyProgress(Strict):
    """One agency's report on a task."""

    status: Status
    completed: dt.date | None = None
    result: str | None = None
    evidence: str | None = None
    reported_by: str | None = None
    reported_on: dt.date | None = None
    note: str | None = None


class TaskProgress(AgencyProgress):
    """A task's progress: one record (the flat fields), or one record per responsible agency.

    With ``agencies`` (a task with several leads, named or through a collective) each agency keeps
    its own record and the flat fields are not written: they are derived by ``combined_status``.
    """

    agencies: dict[str, AgencyProgress] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _shared(cls, value: Any) -> Any:
        if isinstance(value, dict) and value.get("agencies"):
            clash = [k for k in _FLAT if k in value]
            if clash:
                raise ValueError(f"nhiệm vụ ghi theo từng cơ quan (agencies) không ghi thêm {', '.join(clash)}")
            return {**value, "status": "not-started"}  # replaced by the combined record below
        return value

    @model_validator(mode="after")
    def _combine(self) -> TaskProgress:
        if self.agencies:
            combined = combined_status(self.agencies, ())
            for name in ("status", "completed", "result", "evidence", "reported_on"):
                object.__setattr__(self, name, getattr(combined, name))
        return self

    def by_agency(self) -> dict[str, AgencyProgress]:
        """Each agency's own record; a flat record counts as its reporter's (or the task's, unnamed)."""
        if self.agencies:
            return {k: v.model_copy(update={"reported_by": k}) for k, v in self.agencies.items()}
        return {self.reported_by or "": self}


def combined_status(records: dict[str, AgencyProgress], leads: Iterable[str]) -> TaskProgress:
    """One task's status from its responsible agencies' records (docs/progress.md, "Nhiều cơ quan chủ trì").

    Done when every named lead and every agency that reported has reported done (completion date:
    the last of theirs); in progress when any of them reported done or in progress; otherwise not
    started. A named lead without a record keeps the task from being done. The result joins each
    agency's result, named, and names the leads not done yet.
    """
    recs = {k: v for k, v in records.items()}
    missing = [name for name in leads if name not in recs]
    statuses = [r.status for r in recs.values()]
    if statuses and not missing and all(s == "done" for s in statuses):
        status: Status = "done"
    elif any(s in ("done", "in-progress") for s in statuses):
        status = "in-progress"
    else:
        status = "not-started"
    completed = max((r.completed for r in recs.values() if r.completed), default=None) if status == "done" else None
    parts = [f"{k}: {r.result}" if k else r.result for k, r in recs.items() if r.result]
    waiting = missing_leads(recs, leads) if status != "done" else []
    if waiting:  # who the task waits for, named
        parts.append(f"chưa hoàn thành: {', '.join(waiting)}")
    evidence = [r.evidence for r in recs.values() if r.evidence]
    reported = [r.reported_on for r in recs.values() if r.reported_on]
    return TaskProgress.model_construct(
        status=status,
        completed=completed,
        result="; ".join(p for p in parts if p) or None,
        evidence="; ".join(evidence) or None,
        reported_by=None,
        reported_on=max(reported, default=None),
        note=None,
        agencies=dict(records),
    )


def missing_leads(records: dict[str, AgencyProgress], leads: Iterable[str]) -> list[str]:
    """The named leads that have not reported, or reported but are not done: who the task waits for."""
    return [name for name in leads if name not in records or records[name].status != "done"]


class TargetProgress(Strict):
    """A target's actual value for the year of the file (``estimate``: an estimate, "ước")."""

    actual: str
    estimate: bool = False
    date: dt.date | None = None
    source: str | None = None
    reported_by: str | None = None
    reported_on: dt.date | None = None
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
    reports: dict[str, dict[str, AgencyProgress]] = Field(
        default_factory=dict,
        description="Báo cáo định kỳ đã gửi: mã (BC-HN năm, BC-TH tổng hợp) → cơ quan → bản ghi (status: done).",
    )


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
    # (plan, task) -> the task's named leads, set by the data set: a task recorded per agency is done
    # only when each of them reported done (``combined_status``)
    leads_of: Callable[[str, str], list[str]] | None = None

    def _task(self, plan_id: str, task_id: str, tp: TaskProgress) -> TaskProgress:
        if not tp.agencies or self.leads_of is None:
            return tp
        return combined_status(tp.agencies, self.leads_of(plan_id, task_id))

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
                rec = Record(plan_id, task_id, year, self._task(plan_id, task_id, pf.tasks[task_id]), pf.example)
                if as_of is None or rec.known_by(as_of):
                    out.append(rec)
        return out

    def has_records(self, plan_id: str, task_id: str) -> bool:
        """Whether any year's file holds a result for the task (known on any day)."""
        return any(task_id in pf.tasks for _, pf in self._years(plan_id))

    def in_year(self, plan_id: str, task_id: str, year: int, as_of: dt.date | None = None) -> Record | None:
        pf = self.files.get((plan_id, year))
        if pf and task_id in pf.tasks:
            rec = Record(plan_id, task_id, year, self._task(plan_id, task_id, pf.tasks[task_id]), pf.example)
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


class _HasProgress(Protocol):
    @property
    def progress(self) -> Progress: ...


def progress_of(data: _HasProgress) -> Progress:
    """The progress files of a loaded data set, read once per data set (a write refreshes them)."""
    return data.progress


def lead_records(pf: ProgressFile) -> Iterator[tuple[str, TaskProgress]]:
    """Every task's records, one per reporting agency for a task recorded per agency (``progress show``)."""
    for tid, tp in pf.tasks.items():
        if not tp.agencies:
            yield tid, tp
            continue
        for name, rec in tp.agencies.items():
            yield tid, TaskProgress.model_validate({**rec.model_dump(exclude_none=True), "reported_by": name})


REPORT_IDS = ("BC-HN", "BC-TH")


def report_sent(progress: Progress, plan_id: str, year: int, agency: str, kind: str) -> AgencyProgress | None:
    """The record that ``agency`` sent the plan's report ``kind`` (BC-HN, BC-TH) for ``year``, if it did."""
    pf = progress.files.get((plan_id, year))
    rec = pf.reports.get(kind, {}).get(agency) if pf else None
    return rec if rec is not None and rec.status == "done" else None
