"""Status classes of Vietnamese monitoring reports, derived from deadline, date and progress.

A task with a single due date is judged once: hoàn thành đúng hạn / quá hạn if reported done,
chưa hoàn thành trong hạn / quá hạn if reported but not done, chưa có báo cáo if nothing was
reported. Recurring and ongoing tasks are judged per reporting cycle: was this year's report made?
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kehoach.dataset import plan_dates
from kehoach.deadlines import Deadline, PlanDates
from kehoach.model import Plan, Task
from kehoach.progress import Record, progress_of

STATUS_LABELS: dict[str, str] = {
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành quá hạn",
    "in_time": "Chưa hoàn thành trong hạn",
    "overdue": "Chưa hoàn thành quá hạn",
    "ongoing": "Đang triển khai thường xuyên",
    "no_report": "Chưa có báo cáo",
}
STATUS_ORDER = tuple(STATUS_LABELS)


@dataclass(frozen=True)
class TaskStatus:
    code: str
    record: Record | None
    due: dt.date | None  # the due date judged against (this cycle's report day for recurring tasks)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.code]


def cycle_due(dates: PlanDates, deadline: Deadline, year: int, as_of: dt.date | None = None) -> dt.date:
    """The report day a recurring task is judged against in ``year``: the latest one passed by
    ``as_of`` (30/6 for a half-yearly task in July), else the year's first."""
    occ = deadline.occurrences(dates, dt.date(year, 1, 1), dt.date(year, 12, 31))
    if not occ:
        day, month = dates.annual_report or (31, 12)
        return dt.date(year, month, day)
    passed = [d for d in occ if as_of is None or d <= as_of]
    return passed[-1] if passed else occ[0]


def per_cycle(deadline: Deadline | None) -> bool:
    """Judged year by year: recurring duties, and work spread over several years ("2026 - 2030")."""
    if deadline is None:
        return False
    if deadline.recurring:
        return True
    return deadline.kind == "range" and deadline.start is not None and deadline.due is not None and (
        deadline.start.year < deadline.due.year
    )


def classify(
    deadline: Deadline | None, today: dt.date, record: Record | None, *, cycle_due: dt.date | None = None
) -> str:
    """The status class of one task. ``cycle_due`` is given for recurring tasks."""
    due = cycle_due if deadline is not None and deadline.recurring else (deadline.due if deadline else None)
    if record is None:
        return "no_report"
    p = record.progress
    if p.status == "done":
        if due is None:
            return "done_on_time"
        finished = p.completed or p.reported_on
        return "done_on_time" if finished is None or finished <= due else "done_late"
    if deadline is not None and deadline.recurring and p.status == "in-progress":
        return "ongoing" if due is None or today <= due or deadline.kind in ("ongoing", "plan") else "overdue"
    if due is None or today <= due:
        return "in_time"
    return "overdue"


def task_status(
    data: Any, plan: Plan, task: Task, today: dt.date, year: int | None = None, since: int | None = None
) -> TaskStatus:
    """Status as of ``today``, from what had been reported by then.

    ``year`` chooses the cycle (default: today's year); ``since`` widens it to a review's years.
    Recurring tasks and multi-year work are judged
    on that year's record alone: done in 2026 says nothing about 2027.
    """
    progress = progress_of(data)
    deadline = data.deadline(plan, task)
    year = year or today.year
    if deadline is not None and deadline.recurring:
        record = progress.in_year(plan.id, task.id, year, as_of=today)
        due = cycle_due(plan_dates(plan), deadline, year, as_of=today)
        return TaskStatus(classify(deadline, today, record, cycle_due=due), record, due)
    if per_cycle(deadline):
        record = progress.in_year(plan.id, task.id, year, as_of=today)
        if record is None and since is not None:
            # A review (sơ kết, tổng kết) covers several years: the latest report within them counts.
            latest = progress.latest(plan.id, task.id, up_to=year, as_of=today)
            record = latest if latest is not None and latest.year >= since else None
    else:
        record = progress.latest(plan.id, task.id, up_to=year, as_of=today)
    return TaskStatus(classify(deadline, today, record), record, deadline.due if deadline else None)


def status_codes(data: Any, pairs: Iterable[tuple[Plan, Task]], today: dt.date) -> dict[tuple[str, str], str]:
    """Status code (see STATUS_LABELS) of each (plan, task) as of ``today``."""
    return {(p.id, t.id): task_status(data, p, t, today).code for p, t in pairs}


@dataclass
class Summary:
    """Counts per status class, in total and per plan and per agency."""

    total: Counter[str]
    by_plan: dict[str, Counter[str]]
    by_agency: dict[str, Counter[str]]


def summarize(data: Any, hits: Iterable[tuple[Plan, Task]], today: dt.date, year: int | None = None) -> Summary:
    total: Counter[str] = Counter()
    by_plan: dict[str, Counter[str]] = {}
    by_agency: dict[str, Counter[str]] = {}
    for plan, task in hits:
        st = task_status(data, plan, task, today, year)
        total[st.code] += 1
        by_plan.setdefault(plan.id, Counter())[st.code] += 1
        for name in data.registry.current_names(task.lead):
            by_agency.setdefault(name, Counter())[st.code] += 1
    return Summary(total, by_plan, by_agency)
