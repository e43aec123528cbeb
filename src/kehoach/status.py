"""The status engine: one judgement per (task, responsible agency, period) as of a reference day.

Every answer about how a task stands — ``due``, ``status``, ``progress show``, the reports — comes
from here; nothing else derives a status class. The rules, one line each with examples from the
bundled plans, are in docs/status.md.

API (pure functions over a loaded ``DataSet``; nothing is cached here):

- ``ReportPeriod.annual(year)``, ``ReportPeriod.half(year)``, ``ReportPeriod.review(plan, kind, year)``,
  ``period_of(plan, kind, year)``: what a report covers (half: like a year ending on 30/6).
  Annual: tasks due in the year, plus tasks due earlier — or whose multi-year, recurring or ongoing
  work ended earlier — that were unfinished or unreported on 1 January or finished during the year
  (``carried_over``: carried into every later period until done). Mid-term and final: everything
  from the start of the plan's phase to the end of the year, and only that (work finished before
  the phase is the earlier phase's); recurring and multi-year tasks on every year of the phase,
  each on its own record (``Judgement.history``).
- ``judge(data, plan, task, period, today) -> Judgement | None``: the class of one task, or None
  when the task is outside the period. ``today`` is the reference day: only records reported on or
  before it count, whatever year they describe; the task is judged as it stood on
  ``period.as_of(today)`` = min(today, end of period, or the report's data cut-off).
- who answers for a task (``responsibilities``, ``answers``) is ``kehoach.responsibility``'s answer, the one
  engine every command and export asks (reasons ``direct`` / ``successor`` / ``collective`` / ``unassigned``).
- ``assess(data, period_for, today, plans=(), agency=None) -> list[Row]``: one row per (judged task,
  responsible agency); with ``agency``, only the rows that agency answers for by name, plus the
  collective rows that cover it.
- ``tally(rows) -> Tally``: counts per class in total, per plan, per agency and per collective
  ("giao chung") block, with the counting rule as a sentence.

A Judgement's ``code`` is one of ``CODES``; ``overdue`` is true for ``overdue`` and
``no_report_overdue`` alike: a past-due task nobody reported on is late, and is counted so everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kehoach.dataset import DataSet, plan_dates
from kehoach.deadlines import Deadline
from kehoach.model import Agency, Plan, Task
from kehoach.progress import Record, lead_records, progress_of
from kehoach.responsibility import Responsibility, answers, concerns, responsibilities, span

__all__ = ["Responsibility", "answers", "responsibilities"]  # re-exported: the engine lives in kehoach.responsibility

STATUS_LABELS: dict[str, str] = {
    "done_on_time": "Đã hoàn thành đúng hạn",
    "done_late": "Đã hoàn thành quá hạn",
    "in_time": "Chưa hoàn thành, trong hạn",
    "overdue": "Chưa hoàn thành, quá hạn",
    "ongoing": "Đang triển khai thường xuyên",
    "no_report_not_due": "Chưa có báo cáo, chưa đến hạn",
    "no_report_overdue": "Chưa có báo cáo, đã quá hạn",
}
STATUS_ORDER = tuple(STATUS_LABELS)
CODES = STATUS_ORDER
OVERDUE_CODES = frozenset({"overdue", "no_report_overdue"})
SHORT_LABELS: dict[str, str] = {
    "done_on_time": "HT đúng hạn",
    "done_late": "HT quá hạn",
    "in_time": "Chưa HT, trong hạn",
    "overdue": "Chưa HT, quá hạn",
    "ongoing": "Thường xuyên",
    "no_report_not_due": "Chưa BC, chưa đến hạn",
    "no_report_overdue": "Chưa BC, quá hạn",
}
EXAMPLE_NOTE = "VÍ DỤ MINH HỌA: có số liệu tiến độ minh họa (tệp ghi example: true), không phải báo cáo thật."


# ------------------------------------------------------------------------------------------ periods


@dataclass(frozen=True)
class ReportPeriod:
    """What a report covers: ``annual`` one year; ``midterm``/``final`` from ``start`` to the end of ``year``."""

    kind: str
    year: int
    start: dt.date
    end: dt.date
    cutoff: dt.date | None = None  # a report's data cut-off (NĐ 09/2019, Điều 12): judged on it, not after

    @classmethod
    def annual(cls, year: int) -> ReportPeriod:
        found = _ANNUAL.get(year)  # asked once per task: one object per year (a ReportPeriod is frozen)
        if found is None:
            found = _ANNUAL[year] = cls("annual", year, dt.date(year, 1, 1), dt.date(year, 12, 31))
        return found

    @classmethod
    def half(cls, year: int) -> ReportPeriod:
        """The first six months, for a plan's 6-month report; judged like a year (``is_annual``)."""
        return cls("half", year, dt.date(year, 1, 1), dt.date(year, 6, 30))

    @classmethod
    def review(cls, plan: Plan, kind: str, year: int) -> ReportPeriod:
        """From 1 January of the first year of the plan's period containing ``year``."""
        period = next((p for p in plan.periods if p.start <= year <= p.end), None)
        first = period.start if period else plan.start_year
        return cls(kind, year, dt.date(min(first, year), 1, 1), dt.date(year, 12, 31))

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.year}"

    @property
    def is_annual(self) -> bool:
        """Judged within its year (annual, half-year), not over a span of years (reviews)."""
        return self.kind in ("annual", "half")

    def as_of(self, today: dt.date) -> dt.date:
        """The day tasks are judged at: the reference day, but never after the period ends (or its cut-off)."""
        return min(today, self.cutoff or self.end)


_ANNUAL: dict[int, ReportPeriod] = {}


def period_of(plan: Plan, kind: str, year: int) -> ReportPeriod:
    if kind == "half":
        return ReportPeriod.half(year)
    return ReportPeriod.annual(year) if kind == "annual" else ReportPeriod.review(plan, kind, year)


# ----------------------------------------------------------------------------------- judgements


@dataclass(frozen=True)
class Judgement:
    """How one task stands in a period, as of a reference day."""

    plan: Plan
    task: Task
    period: ReportPeriod
    code: str
    due: dt.date | None  # the deadline (or the cycle's report day) judged against
    days_overdue: int | None  # > 0 when overdue, counted to ``judged_on``
    record: Record | None  # the latest result that counts
    carried_over: bool  # due before an annual period began, unfinished then or finished during it
    judged_on: dt.date
    deadline: Deadline | None = None
    history: tuple[Judgement, ...] = ()  # a review's recurring or multi-year task: each year's judgement

    @property
    def task_recurring(self) -> bool:
        return self.deadline is not None and self.deadline.recurring

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.code]

    @property
    def overdue(self) -> bool:
        return self.code in OVERDUE_CODES

    @property
    def result(self) -> str | None:
        return self.record.progress.result if self.record else None

    @property
    def result_date(self) -> dt.date | None:
        """When the result happened: completion date, else the day it was reported."""
        if self.record is None:
            return None
        p = self.record.progress
        return p.completed or p.reported_on

    @property
    def example(self) -> bool:
        return bool(self.record and self.record.example)


def _recurring(d: Deadline | None) -> bool:
    return d is not None and d.recurring


def _multi_year(d: Deadline | None) -> bool:
    """Work spread over several years ("Giai đoạn 2026 - 2030"): judged on each year's record."""
    return (
        d is not None
        and not d.recurring
        and d.start is not None
        and d.due is not None
        and d.start.year < d.due.year
    )


def _finished(rec: Record) -> dt.date:
    """When a "done" record says the work was finished; undated: the day it was reported, else 31/12."""
    p = rec.progress
    return p.completed or p.reported_on or dt.date(rec.year, 12, 31)


def _class(rec: Record | None, due: dt.date | None, on: dt.date, *, ongoing: bool = False) -> str:
    """The class of one record against one due day, as things stood on ``on``."""
    if rec is None:
        return "no_report_overdue" if due is not None and on > due else "no_report_not_due"
    p = rec.progress
    if p.status == "done" and _finished(rec) <= on:
        return "done_on_time" if due is None or _finished(rec) <= due else "done_late"
    if ongoing and p.status == "in-progress":
        return "ongoing"
    return "overdue" if due is not None and on > due else "in_time"


def _active(d: Deadline | None, plan: Plan, first: dt.date, last: dt.date) -> bool:
    start = (d.start if d else None) or plan.start
    end = (d.due if d else None) or plan.end
    return start <= last and end >= first and plan.start <= last


def judge(data: DataSet, plan: Plan, task: Task, period: ReportPeriod, today: dt.date) -> Judgement | None:
    """The class of ``task`` in ``period`` as known on ``today``; None when outside the period.

    A task whose span (``kehoach.responsibility.span``) ended before the period began is carried over
    while it stands unfinished or unreported (``_carried``). A review (mid-term, final) judges a recurring
    or multi-year task on every year of its phase (``_over_years``).
    """
    d = data.deadline(plan, task)
    if d is not None and (d.recurring or _multi_year(d)):
        sp = span(plan, d)
        if sp.end < period.start and plan.start <= period.end:
            return _carried(data, plan, task, d, period, today)
        if not period.is_annual:
            return _over_years(data, plan, task, period, today)
    return _judge_in(data, plan, task, period, today)


def _carried(data: DataSet, plan: Plan, task: Task, d: Deadline, period: ReportPeriod, today: dt.date
             ) -> Judgement | None:
    """A recurring or multi-year task whose work ended before ``period``: carried over until done.

    Closed (None) once finished before the period began, or — for ongoing work with no date to miss
    ("Thường xuyên") and report days ("Hằng năm") — once its last cycle was reported; else overdue from
    its last day (the last report day), "chưa có báo cáo" when nothing was reported for that cycle.
    """
    progress = progress_of(data)
    on = period.as_of(today)
    end = span(plan, d).end
    occ = d.occurrences(plan_dates(plan), plan.start, end) if d.recurring and not d.never_overdue else []
    due = occ[-1] if occ else end
    recs = progress.records(plan.id, task.id, as_of=today)
    done = [r for r in recs if r.progress.status == "done" and _finished(r) <= on]
    late = (on - due).days

    def out(code: str, rec: Record | None) -> Judgement:
        return Judgement(plan, task, period, code, due, late if code in OVERDUE_CODES else None, rec, True, on, d)

    if done:
        first = min(done, key=_finished)
        if _finished(first) < period.start:
            return None
        return out(_class(first, due, on), first)
    last_cycle = [r for r in recs if r.year >= due.year]
    if d.recurring and last_cycle and d.never_overdue:
        return None  # ongoing work reported for its last year: it ran its course
    if last_cycle or (recs and not d.recurring):
        return out("overdue", (last_cycle or recs)[-1])
    return out("no_report_overdue", None)


def _over_years(data: DataSet, plan: Plan, task: Task, period: ReportPeriod, today: dt.date) -> Judgement | None:
    """A recurring or multi-year task in a review: every year of the phase, each on its own record.

    The review's class is the first year left overdue (its report day missed, or its work unfinished
    after its due day), else the latest year's class; ``history`` keeps each year's judgement, so the
    report shows every year's result and not one year's.
    """
    on = period.as_of(today)
    years = [
        _restate(j, on) for y in range(period.start.year, on.year + 1)
        if (j := _judge_in(data, plan, task, ReportPeriod.annual(y), today)) is not None
    ]
    if not years:
        return None
    missed = next((j for j in years if j.overdue and not _caught_up(j, years)), None)
    chosen = missed or years[-1]
    code = chosen.code
    if not missed and _multi_year(chosen.deadline) and chosen.due is not None and chosen.due < on and code not in (
        "done_on_time", "done_late"
    ):  # its last year ended unfinished within the phase: overdue since
        code = "overdue" if chosen.record is not None else "no_report_overdue"
    late = (on - chosen.due).days if code in OVERDUE_CODES and chosen.due is not None else None
    return Judgement(plan, task, period, code, chosen.due, late, chosen.record,
                     chosen.due is not None and chosen.due < period.start, on, chosen.deadline, tuple(years))


def _restate(j: Judgement, on: dt.date) -> Judgement:
    """A year's cycle as it stands on ``on`` (a later day): a report day passed unreported is overdue now."""
    d = j.deadline
    if j.judged_on >= on or j.due is None or j.due >= on or (d is not None and d.never_overdue):
        return j
    if j.code == "no_report_not_due":
        code = "no_report_overdue"
    elif j.code in ("in_time", "ongoing"):
        code = "overdue"
    else:
        return j
    return Judgement(j.plan, j.task, j.period, code, j.due, (on - j.due).days, j.record, j.carried_over, on,
                     j.deadline)


def _caught_up(j: Judgement, years: list[Judgement]) -> bool:
    """A year's overdue work finished in a later year of the phase (a multi-year task done since)."""
    return any(
        later.judged_on > j.judged_on and later.code in ("done_on_time", "done_late") and not later.task_recurring
        for later in years
    )


def _judge_in(data: DataSet, plan: Plan, task: Task, period: ReportPeriod, today: dt.date) -> Judgement | None:
    progress = progress_of(data)
    d = data.deadline(plan, task)
    on = period.as_of(today)

    never = d is not None and d.never_overdue  # "Thường xuyên", "Theo hoạt động", a condition: no date to miss

    def out(code: str, due: dt.date | None, rec: Record | None, carried: bool = False) -> Judgement:
        late = (on - due).days if code in OVERDUE_CODES and due is not None else None
        return Judgement(plan, task, period, code, due, late, rec, carried, on, d)

    if _recurring(d):
        assert d is not None
        if not _active(d, plan, period.start, period.end):
            return None
        dates = plan_dates(plan)
        ongoing = never  # "Thường xuyên": reported in progress is "đang triển khai thường xuyên"
        if not period.is_annual:
            # A review: the latest result within its years, judged against that year's report day.
            recs = [r for r in progress.records(plan.id, task.id, as_of=today)
                    if period.start.year <= r.year <= period.year]
            rec = recs[-1] if recs else None
            year = rec.year if rec else on.year
        else:
            year = period.year
        occ = d.occurrences(dates, plan.start, dt.date(year, 12, 31))
        past = [o for o in occ if o <= on]
        if (
            period.is_annual
            and not never
            and past
            and past[-1].year < year
            and past[-1] < on
            and progress.in_year(plan.id, task.id, past[-1].year, as_of=today) is None
        ):
            # No report day of this year has passed yet: the last one before it is still owed.
            return out("no_report_overdue", past[-1], None, carried=True)
        this_year = [o for o in occ if o.year == year]
        passed = [o for o in this_year if o <= on]
        due = passed[-1] if passed else (this_year[0] if this_year else (occ[-1] if occ else None))
        if period.is_annual:
            rec = progress.in_year(plan.id, task.id, year, as_of=today)
        against = None if never else due
        if rec is not None and not period.is_annual and rec.year < on.year:
            # A result from an earlier year of the review: judged at the end of that year.
            end = dt.date(rec.year, 12, 31)
            return out(_class(rec, against, end, ongoing=True), due, rec)
        if rec is not None and rec.progress.status == "in-progress" and not ongoing and due is not None:
            return out("ongoing" if on <= due else "overdue", due, rec)
        return out(_class(rec, against, on, ongoing=ongoing), due, rec)

    if _multi_year(d):
        assert d is not None
        if not _active(d, plan, period.start, period.end):
            return None
        if period.is_annual:  # each year on its own record: done in 2026 says nothing about 2027
            rec = progress.in_year(plan.id, task.id, period.year, as_of=today)
        else:
            recs = [r for r in progress.records(plan.id, task.id, as_of=today)
                    if period.start.year <= r.year <= period.year]
            rec = recs[-1] if recs else None
        return out(_class(rec, d.due, on), d.due, rec)

    # One due date (or none): judged once, on the latest result known.
    due = d.due if d is not None else None
    recs = progress.records(plan.id, task.id, as_of=today)
    done = [r for r in recs if r.progress.status == "done" and _finished(r) <= on]
    finished = min((_finished(r) for r in done), default=None)
    if due is None:  # no deadline, "Theo hoạt động", a condition: in every period the plan runs
        if not _active(d, plan, period.start, period.end) and not (finished and finished >= period.start):
            return None
    elif due > period.end:
        return None
    elif due < period.start and finished is not None and finished < period.start:
        return None  # done before the period began: the earlier period's business
    carried = due is not None and due < period.start
    if done:
        first = min(done, key=_finished)
        return out(_class(first, due, on), due, first, carried)
    known = [r for r in recs if r.year <= on.year]  # prefer a result describing the period
    rec = known[-1] if known else (recs[-1] if recs else None)
    return out(_class(rec, due, on), due, rec, carried)


# -------------------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Row:
    """One judged task for one responsible agency."""

    judgement: Judgement
    responsibility: Responsibility

    @property
    def agency(self) -> str:
        return self.responsibility.name

    @property
    def reason(self) -> str:
        return self.responsibility.reason


def assess(
    data: DataSet,
    period_for: Callable[[Plan], ReportPeriod],
    today: dt.date,
    *,
    plans: Iterable[str] = (),
    agency: Agency | None = None,
) -> list[Row]:
    """Judge every task of the plans in its plan's period; one row per responsible agency.

    With ``agency``: the rows it answers for by name, and the collective rows whose collective
    covers it (they stay in the "giao chung" block, apart from the agency's own count).
    """
    wanted = set(plans)
    registry = data.registry
    rows: list[Row] = []
    for lp in data.plans:
        plan = lp.plan
        if wanted and plan.id not in wanted:
            continue
        period = period_for(plan)
        for task in plan.tasks:
            j = judge(data, plan, task, period, today)
            if j is None:
                continue
            for resp in responsibilities(registry, task):
                if agency is not None and not concerns(registry, resp, agency):
                    continue
                rows.append(Row(j, resp))
    return rows


# ------------------------------------------------------------------------------------ tallies


def _zero() -> Counter[str]:
    return Counter({c: 0 for c in CODES})


@dataclass
class Tally:
    """Counts per class. ``total`` counts each task once; ``agencies`` each task once per agency
    answering for it by name; ``collectives`` (the "giao chung" block) once per collective."""

    total: Counter[str] = field(default_factory=_zero)
    tasks: int = 0
    by_plan: dict[str, Counter[str]] = field(default_factory=dict)
    agencies: dict[str, Counter[str]] = field(default_factory=dict)
    collectives: dict[str, Counter[str]] = field(default_factory=dict)
    extra: int = 0  # rows beyond one per task: tasks with several responsible agencies
    example: bool = False
    examples: set[tuple[str, str]] = field(default_factory=set)  # (scope, name) of rows judged on example data

    @property
    def rows_sum(self) -> int:
        return sum(sum(c.values()) for c in self.agencies.values()) + sum(
            sum(c.values()) for c in self.collectives.values()
        )

    @property
    def rule(self) -> str:
        """The counting rule, as the note under a per-agency table states it."""
        text = (
            "Mỗi nhiệm vụ được tính một lần cho mỗi cơ quan chủ trì (cơ quan được nêu tên hoặc cơ quan kế nhiệm"
            " nhận loại nhiệm vụ đó); nhiệm vụ giao chung cho tập thể được tính ở khối \"giao chung\", không tính"
            " cho từng cơ quan."
        )
        if self.extra:
            text += (
                f" Tổng các dòng ({self.rows_sum}) = tổng số nhiệm vụ ({self.tasks}) + {self.extra} lượt tính thêm"
                " của nhiệm vụ có nhiều cơ quan chủ trì."
            )
        else:
            text += f" Tổng các dòng bằng tổng số nhiệm vụ ({self.tasks})."
        return text


def tally(rows: Iterable[Row]) -> Tally:
    t = Tally()
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        j = row.judgement
        key = (j.plan.id, j.task.id)
        if key not in seen:
            seen[key] = 0
            t.total[j.code] += 1
            t.tasks += 1
            t.by_plan.setdefault(j.plan.id, _zero())[j.code] += 1
        else:
            seen[key] += 1
            t.extra += 1
        block = t.collectives if row.responsibility.collective else t.agencies
        block.setdefault(row.agency, _zero())[j.code] += 1
        if j.example:
            t.example = True
            t.examples.add(("plan", j.plan.id))
            t.examples.add(("collective" if row.responsibility.collective else "agency", row.agency))
    return t


def counts_dict(counts: Counter[str]) -> dict[str, int]:
    return {c: counts.get(c, 0) for c in CODES}


# ------------------------------------------------------------------------------- status table


@dataclass(frozen=True)
class StatusRow:
    """One line of ``kehoach status``; ``as_dict()`` is its JSON form (docs/json.md)."""

    scope: str  # "total" | "plan" | "agency" | "collective"
    name: str
    counts: dict[str, int]
    example: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def overdue_total(self) -> int:
        """Everything past due and unfinished: "chưa hoàn thành, quá hạn" + "chưa có báo cáo, đã quá hạn"."""
        return sum(self.counts.get(c, 0) for c in OVERDUE_CODES)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "name": self.name,
            "total": self.total,
            **self.counts,
            "overdue_total": self.overdue_total,
            "example": self.example,
        }


@dataclass(frozen=True)
class StatusTable:
    period: ReportPeriod
    as_of: dt.date  # the day tasks are judged at
    today: dt.date  # the reference day: records reported after it do not count
    rows: list[StatusRow]
    rule: str
    example: bool


def status_table(
    data: DataSet, today: dt.date, *, year: int | None = None, plans: Iterable[str] = (), agency: Agency | None = None
) -> StatusTable:
    """Counts per class for the annual period ``year`` (default: the reference day's year).

    Without ``agency``: the total (each task once), per plan, per agency and the "giao chung" block.
    With ``agency``: the tasks it answers for by name; collective tasks that cover it follow as a
    separate block, outside the total.
    """
    period = ReportPeriod.annual(year or today.year)
    rows = assess(data, lambda _plan: period, today, plans=plans, agency=agency)
    if agency is None:
        t = tally(rows)
        block = t
        rule = t.rule
    else:
        t = tally([r for r in rows if not r.responsibility.collective])
        block = tally([r for r in rows if r.responsibility.collective])
        rule = (
            f"Chỉ tính nhiệm vụ {agency.name} chủ trì (được nêu tên hoặc là cơ quan kế nhiệm nhận loại nhiệm vụ"
            " đó); nhiệm vụ giao chung cho tập thể có bao gồm cơ quan được ghi riêng ở khối \"giao chung\","
            " không tính vào tổng."
        )
    out = [StatusRow("total", "Tổng cộng", counts_dict(t.total), t.example)]
    out += [StatusRow("plan", pid, counts_dict(c), ("plan", pid) in t.examples) for pid, c in sorted(t.by_plan.items())]
    out += [
        StatusRow("agency", name, counts_dict(c), ("agency", name) in t.examples)
        for name, c in sorted(t.agencies.items())
    ]
    out += [
        StatusRow("collective", name, counts_dict(c), ("collective", name) in block.examples)
        for name, c in sorted(block.collectives.items())
    ]
    example = t.example or block.example
    return StatusTable(period, period.as_of(today), today, out, rule, example)


def judge_occurrence(data: DataSet, plan: Plan, task: Task, when: dt.date, today: dt.date) -> Judgement:
    """How one report day of a recurring task stands on ``today``: the record of that day's year,
    against that day. ``due`` lists a coming report day with this, never with an earlier cycle's class."""
    d = data.deadline(plan, task)
    never = d is not None and d.never_overdue
    rec = progress_of(data).in_year(plan.id, task.id, when.year, as_of=today)
    code = _class(rec, None if never else when, today, ongoing=never)
    if rec is not None and rec.progress.status == "in-progress" and not never:
        code = "ongoing" if today <= when else "overdue"
    late = (today - when).days if code in OVERDUE_CODES else None
    return Judgement(plan, task, ReportPeriod.annual(when.year), code, when, late, rec, False, today, d)


def current_judgement(data: DataSet, plan: Plan, task: Task, today: dt.date) -> Judgement:
    """How a task stands on ``today`` whatever its deadline: in this year's period when it belongs
    there, else over the plan's whole span (a task done in an earlier year, or due in a later one)."""
    j = judge(data, plan, task, ReportPeriod.annual(today.year), today)
    if j is None:
        # The plan's whole span, all its periods: "2021 - 2025" of a plan for 2021 - 2030 belongs there too.
        year = max(plan.end_year, today.year)
        first = dt.date(min(plan.start_year, plan.start.year), 1, 1)
        j = _judge_in(data, plan, task, ReportPeriod("final", year, first, dt.date(year, 12, 31)), today)
    if j is None:  # work that has not begun yet
        d = data.deadline(plan, task)
        j = Judgement(plan, task, ReportPeriod.annual(today.year), "no_report_not_due", d.due if d else None, None,
                      None, False, today, d)
    return j


def status_codes(data: DataSet, pairs: Iterable[tuple[Plan, Task]], today: dt.date) -> dict[tuple[str, str], str]:
    """Status code of each (plan, task) on ``today`` (see ``current_judgement``).

    A task with no result recorded is judged by its deadline and its plan's dates alone, so tasks alike
    in these ("Năm 2026" in plans of the same dates) are judged once.
    """
    progress = progress_of(data)
    alike: dict[tuple[Any, ...], str] = {}
    out: dict[tuple[str, str], str] = {}
    for p, t in pairs:
        if progress.has_records(p.id, t.id):
            out[(p.id, t.id)] = current_judgement(data, p, t, today).code
            continue
        key = (data.deadline(p, t), plan_dates(p), p.start_year)
        code = alike.get(key)
        if code is None:
            code = alike[key] = current_judgement(data, p, t, today).code
        out[(p.id, t.id)] = code
    return out


# ------------------------------------------------------------------------------ progress rows


@dataclass(frozen=True)
class ProgressRow:
    """One recorded result (``kehoach progress show``) with the class the engine gives its task in the
    annual period of the record's year; ``as_dict()`` is its JSON form (docs/json.md)."""

    plan: str
    year: int
    record: Record
    content: str
    judgement: Judgement | None  # None when the task is unknown or outside that year's period
    known: bool  # reported on or before the reference day: only then does it count

    def as_dict(self) -> dict[str, Any]:
        p = self.record.progress
        j = self.judgement
        return {
            "plan": self.plan,
            "year": self.year,
            "id": self.record.task,
            "content": self.content,
            "status": p.status,
            "completed": p.completed,
            "result": p.result,
            "evidence": p.evidence,
            "reported_by": p.reported_by,
            "reported_on": p.reported_on,
            "counted": self.known,
            "class": j.code if j is not None else None,
            "class_label": j.label if j is not None else None,
            "example": self.record.example,
        }


def progress_rows(
    data: DataSet,
    today: dt.date,
    *,
    plans: Iterable[str] = (),
    agency: Agency | None = None,
    year: int | None = None,
) -> list[ProgressRow]:
    """Every recorded result, oldest year first; with ``agency``, those of tasks it answers for by name."""
    from kehoach.dataset import UnknownPlan, UnreadablePlan

    wanted = set(plans)
    out: list[ProgressRow] = []
    for (plan_id, y), pf in sorted(progress_of(data).files.items()):
        if (wanted and plan_id not in wanted) or (year and y != year):
            continue
        try:
            plan: Plan | None = data.plan(plan_id).plan
        except (UnknownPlan, UnreadablePlan):  # its plan file failed to load: the loader has said so
            plan = None
        tasks = {t.id: t for t in plan.tasks} if plan else {}
        for tid, tp in lead_records(pf):  # one line per reporting agency
            task = tasks.get(tid)
            if agency is not None and (
                task is None or not any(answers(r, agency) for r in responsibilities(data.registry, task))
            ):
                continue
            rec = Record(plan_id, tid, y, tp, pf.example)
            j = judge(data, plan, task, ReportPeriod.annual(y), today) if plan and task else None
            out.append(ProgressRow(plan_id, y, rec, task.content if task else "", j, rec.known_by(today)))
    return out
