"""Questions analysts ask of the loaded plans: who does what, by when, in which reporting cycle."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from kehoach.agencies import AgencyError, Registry
from kehoach.dataset import DataSet, plan_dates
from kehoach.deadlines import Deadline
from kehoach.errors import UsageError
from kehoach.model import Agency, DayMonth, Plan, Task
from kehoach.responsibility import Responsibility, role_of, span
from kehoach.status import ReportPeriod
from kehoach.typed import search_key

Role = Literal["lead", "support", "any"]
CYCLE_KINDS = ("annual", "midterm", "final")
_CYCLE = re.compile(r"^(annual|half|midterm|final)-(\d{4})$")


# Also a ValueError, as before the one error base, for callers outside the package.
class QueryError(UsageError, ValueError):
    """A query that cannot be answered as asked (bad cycle name, unknown plan…)."""


@dataclass(frozen=True)
class TaskHit:
    plan: Plan
    task: Task
    deadline: Deadline | None
    responsibility: Responsibility | None = None  # when filtered by agency: its role and why

    @property
    def role(self) -> str | None:
        return self.responsibility.role if self.responsibility else None


def parse_cycle(name: str, plan: Plan) -> ReportPeriod:
    """``annual-2026``: that year; ``half-2026``: its first six months; ``midterm-2028``/``final-2030``: from the
    start of the period."""
    m = _CYCLE.match(name.strip().lower())
    if not m:
        raise QueryError(f"kỳ báo cáo {name!r} không hợp lệ; dùng annual-YYYY, half-YYYY, midterm-YYYY hoặc final-YYYY")
    kind, year = m.group(1), int(m.group(2))
    # The status engine's periods: a review runs from the start of the plan's period, not the date of issue
    # (QĐ 74 sets some tasks for 11/2025; they belong to the review and are the likeliest to be overdue).
    from kehoach.status import period_of

    return period_of(plan, kind, year)


class Reach:
    """Which agencies a written name can concern: itself, its successors (also by kind of duty), and every
    agency its collectives cover. ``role_of`` need only be asked about these, which keeps counting over
    every agency linear in the tasks instead of tasks × agencies."""

    def __init__(self, registry: Registry, agencies: Iterable[Agency]) -> None:
        self.registry = registry
        self.agencies = list(agencies)
        self._cache: dict[str, frozenset[str]] = {}

    def __call__(self, name: str) -> frozenset[str]:
        if name not in self._cache:
            reg = self.registry
            try:
                target = reg.resolve(name)
            except AgencyError:
                self._cache[name] = frozenset()
                return self._cache[name]
            groups = [target, *reg.successors(target.id)]
            for s in getattr(target, "successions", None) or ():
                if s.to in reg.agencies:
                    groups += [reg.get(s.to), *reg.successors(s.to)]
            out = {g.id for g in groups}
            for g in groups:
                if g.is_collective:
                    out |= {a.id for a in self.agencies if reg.covers(g, a)}
            self._cache[name] = frozenset(out)
        return self._cache[name]

    def of_task(self, task: Task) -> frozenset[str]:
        return frozenset().union(*(self(n) for n in (*task.lead, *task.support)))


def in_window(plan: Plan, d: Deadline | None, first: dt.date, last: dt.date) -> bool:
    """Does the task's work (``kehoach.responsibility.span``) overlap the window?"""
    return span(plan, d).overlaps(first, last)


def _matches_search(task: Task, needle: str) -> bool:
    # No case, no diacritics, abbreviations spelt out: "Khu kinh tế Nghi Sơn" finds "KKT Nghi Sơn".
    return needle in search_key(" ".join([task.id, task.content, task.product or "", task.note or ""]))


def find_tasks(
    data: DataSet,
    *,
    plans: Iterable[str] = (),
    agency: Agency | None = None,
    role: Role = "any",
    strict: bool = False,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    cycle: str | None = None,
    kind: str | None = None,
    search: str | None = None,
    may_show: Callable[[Deadline | None], bool] | None = None,
    keep: Callable[[Plan, Deadline | None, Responsibility], bool] | None = None,
    quick: Callable[[tuple[Any, ...]], bool] | None = None,
) -> list[TaskHit]:
    """Tasks matching every filter given. ``may_show`` drops a task by its deadline alone, before the
    costlier test of the agency's role; ``keep`` (with an agency) by its deadline and the agency's role in it,
    before the task is decoded from the cache; ``quick`` (with the query index) by the index's entry alone,
    for tasks ``may_show`` or ``keep`` would drop, before anything of the task is looked at."""
    wanted = set(plans)
    for pid in wanted:
        data.plan(pid)  # raises UnknownPlan with the list of known ids
    needle = search_key(search) if search else None
    if agency is not None:
        from kehoach.qindex import agency_entries

        entries = agency_entries(data, agency)
        if entries is not None:
            found_hits = _find_indexed(
                data, entries, wanted, agency, role, strict, due_from, due_to, cycle, kind, needle, may_show, keep,
                quick,
            )
            if found_hits is not None:
                return found_hits
    hits: list[TaskHit] = []
    for lp in data.plans:
        plan = lp.plan
        if wanted and plan.id not in wanted:
            continue
        window = parse_cycle(cycle, plan) if cycle else None
        if window and not (plan.start_year <= window.year <= plan.end_year):
            continue
        for task in plan.tasks:
            d = data.deadline(plan, task)
            if may_show is not None and not may_show(d):
                continue
            found = None
            if agency is not None:
                found = role_of(data.registry, task, agency, role, strict)
                if not found or (keep is not None and not keep(plan, d, found)):
                    continue
            if not _by_deadline(plan, d, kind, due_from, due_to, window):
                continue
            if needle and not _matches_search(task, needle):
                continue
            hits.append(TaskHit(plan, task, d, found))
    return hits


def _by_deadline(
    plan: Plan,
    d: Deadline | None,
    kind: str | None,
    due_from: dt.date | None,
    due_to: dt.date | None,
    window: ReportPeriod | None,
) -> bool:
    """The filters of ``find_tasks`` that look at the deadline alone: its kind, its due day, the cycle."""
    if kind and (d is None or d.kind != kind):
        return False
    if due_from or due_to:
        if d is None or d.due is None or d.recurring:
            return False
        if due_from and d.due < due_from:
            return False
        if due_to and d.due > due_to:
            return False
    return not window or in_window(plan, d, window.start, window.end)


def _find_indexed(
    data: DataSet,
    entries: list[Any],
    wanted: set[str],
    agency: Agency,
    role: Role,
    strict: bool,
    due_from: dt.date | None,
    due_to: dt.date | None,
    cycle: str | None,
    kind: str | None,
    needle: str | None,
    may_show: Callable[[Deadline | None], bool] | None,
    keep: Callable[[Plan, Deadline | None, Responsibility], bool] | None,
    quick: Callable[[tuple[Any, ...]], bool] | None = None,
) -> list[TaskHit] | None:
    """``find_tasks`` over the tasks the query index lists for ``agency`` (``kehoach.qindex``): the same
    filters in the same order, the role read from the index instead of matched name by name. None when an
    entry does not fit the data (the caller then matches every task)."""
    from kehoach.qindex import role_in

    hits: list[TaskHit] = []
    plans = data.plans
    windows: dict[int, ReportPeriod] = {}
    if cycle:  # every plan's period, as the scan makes them: a cycle one plan cannot have is refused alike
        for pp, one in enumerate(plans):
            if not wanted or one.head.id in wanted:
                windows[pp] = parse_cycle(cycle, one.head)
    current = -1
    skip = False
    lp: Any = None
    plan: Any = None
    window: ReportPeriod | None = None
    try:
        for entry in entries:
            pp = entry[0]
            if pp != current:
                current = pp
                lp = plans[pp]
                plan = lp.head  # what the plan says of itself; a task is decoded only when it passes a filter
                skip = bool(wanted) and plan.id not in wanted
                window = windows.get(pp) if cycle and not skip else None
                if window and not (plan.start_year <= window.year <= plan.end_year):
                    skip = True
            if skip or (quick is not None and not quick(entry)):
                continue
            tp = entry[1]
            d = data.deadline_at(lp, tp)
            if may_show is not None and not may_show(d):
                continue
            found = role_in(entry, agency, role, strict)
            if not found or (keep is not None and not keep(plan, d, found)):
                continue
            if not _by_deadline(plan, d, kind, due_from, due_to, window):
                continue
            task = lp.task_at(tp)
            if needle and not _matches_search(task, needle):
                continue
            hits.append(TaskHit(plan, task, d, found))
    except (IndexError, TypeError):
        return None
    return hits


@dataclass(frozen=True)
class DueItem:
    """One line of ``kehoach due``; ``as_dict()`` is its JSON form (docs/json.md)."""

    plan: Plan
    id: str
    content: str
    due: dt.date
    days_left: int
    role: str
    reason: str
    via: str | None
    kind: str
    task: Task | None = None
    why: str = ""
    judgement: Any = None  # kehoach.status.Judgement of the task in the current year, None for reports

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def status(self) -> str | None:
        return self.judgement.code if self.judgement is not None else None

    @property
    def example(self) -> bool:
        return bool(self.judgement is not None and self.judgement.example)

    def as_dict(self) -> dict[str, Any]:
        j = self.judgement
        return {
            "plan": self.plan.id,
            "id": self.id,
            "content": self.content,
            "due": self.due,
            "days_left": self.days_left,
            "overdue": self.overdue,
            "role": self.role,
            "reason": self.reason,
            "via": self.via,
            "kind": self.kind,
            "status": self.status,
            "status_label": j.label if j is not None else None,
            "carried_over": j.carried_over if j is not None else False,
            "result": j.result if j is not None else None,
            "result_date": j.result_date if j is not None else None,
            "example": self.example,
            "note": self.why,
        }


def due(
    data: DataSet,
    agency: Agency,
    today: dt.date,
    *,
    until: dt.date | None = None,
    role: Role = "any",
    plans: Iterable[str] = (),
    strict: bool = False,
) -> list[DueItem]:
    """What ``agency`` must deliver by ``until`` (default: 90 days), overdue items first.

    Overdue items are exactly the tasks the status engine (``kehoach.status``) judges overdue in the
    current year's period — "chưa hoàn thành, quá hạn" and "chưa có báo cáo, đã quá hạn" — that the
    agency answers for by name (itself or as the successor that took that kind of duty); a task given
    to a collective is counted in the "giao chung" block, not as one agency's overdue item. Then:
    tasks due in the window (lead or support), the next report day of "Hằng năm" / "Định kỳ 6 tháng"
    tasks, the annual report each involved agency owes the monitoring agency, and the monitoring
    agency's consolidation. Ongoing tasks ("Thường xuyên") are reported through the annual report and
    are listed only when overdue.
    """
    from kehoach.status import judge, judge_occurrence

    until = until or today + dt.timedelta(days=90)
    period = ReportPeriod.annual(today.year)
    items: list[DueItem] = []
    last = max(until, today)

    def may_show(d: Deadline | None) -> bool:
        # Without a deadline, or a one-off deadline after both ``until`` and today, a task can be neither
        # overdue (that needs a due day before today) nor due in the window: no line, whatever the engine says.
        return d is not None and (d.recurring or (d.due is not None and d.due <= last))

    def keep(plan: Plan, d: Deadline | None, resp: Responsibility) -> bool:
        # A line comes only from a task the agency leads by name (its overdue item), one due in the window, or a
        # report day in the window: any other is left before it is decoded (the loop below gives it no line).
        if resp.role == "lead" and resp.named and not agency.replaced_by:
            return True
        if d is None:
            return False
        if d.due is not None and today <= d.due <= until:
            return True
        return d.recurring and not d.never_overdue and bool(d.occurrences(plan_dates(plan), today, until))

    from kehoach.qindex import HAS, NEVER_OVERDUE, RECURRING

    first_day, last_day, until_day = today.toordinal(), last.toordinal(), until.toordinal()
    lead_roles = role in ("lead", "any") and not agency.replaced_by
    named = (0,) if strict else (0, 1)

    def quick(e: tuple[Any, ...]) -> bool:
        # ``may_show`` and ``keep`` from what the index keeps of the deadline: False only where they say no.
        due_day, flags = e[6], e[7]
        if not flags & HAS:
            return False
        recurring = flags & RECURRING
        if not recurring and (due_day == 0 or due_day > last_day):
            return False
        if lead_roles and e[2] in named:
            return True  # perhaps the lead by name: its overdue item
        if first_day <= due_day <= until_day:
            return True
        return bool(recurring) and not flags & NEVER_OVERDUE

    for hit in find_tasks(
        data, plans=plans, agency=agency, role=role, strict=strict, may_show=may_show, keep=keep, quick=quick
    ):
        plan, task, d = hit.plan, hit.task, hit.deadline
        resp = hit.responsibility
        assert resp is not None
        via = resp.via
        # The agency answers by name today (itself, or the successor that took the duty): kehoach.responsibility.
        # A dissolved agency answers for nothing today: its successors do.
        named_lead = resp.role == "lead" and resp.named and not agency.replaced_by
        in_window = d is not None and d.due is not None and today <= d.due <= until
        occ = (
            d.occurrences(plan_dates(plan), today, until)
            if d is not None and d.recurring and not d.never_overdue
            else []
        )
        # The task is judged only when the judgement is used: as the lead's overdue item, or on a line shown.
        j = judge(data, plan, task, period, today) if named_lead or in_window or occ else None
        reported_day = plan.reporting.annual and plan.reporting.annual.due
        assumed = d is not None and d.kind == "annual" and not d.day_named and not reported_day
        note = " (văn bản không nêu ngày báo cáo; tạm tính 31/12)" if assumed else ""
        if j is not None and j.overdue and named_lead and j.due is not None:
            # Overdue is the lead's to answer for; a supporting agency sees a task only while it is upcoming.
            if d is not None and d.recurring:
                why = f"{d.text}: chưa báo cáo kỳ {j.due:%d/%m/%Y}{note}"
            else:
                text = d.text if d is not None else "không nêu"
                why = f"quá hạn: {text}, " + ("chưa có báo cáo" if j.record is None else "chưa báo cáo hoàn thành")
            items.append(_item(plan, task, j.due, today, hit, via, d.kind if d else "none", why, j))
        if j is None and in_window:
            assert d is not None and d.due is not None
            j = judge(data, plan, task, ReportPeriod.annual(d.due.year), today)  # due next year
        if d is None or d.never_overdue:
            continue  # ongoing work is reported in the plan's annual report, listed once below
        if d.recurring:
            nxt = [o for o in occ if j is None or o != j.due or not j.overdue]
            if nxt:
                why = f"{d.text}: báo cáo kết quả kỳ này{note}"
                coming = j if j is not None and j.due == nxt[0] else judge_occurrence(data, plan, task, nxt[0], today)
                items.append(_item(plan, task, nxt[0], today, hit, via, d.kind, why, coming))
            continue
        if d.due is not None and today <= d.due <= until:
            items.append(_item(plan, task, d.due, today, hit, via, d.kind, f"đến hạn: {d.text}", j))
    items += _report_duties(data, agency, today, until, plans, strict)
    return sorted(items, key=lambda i: (not i.overdue, i.due, i.plan.id, _natural(i.id)))


def _natural(text: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)]


def _item(plan, task, when, today, hit, via, kind, why, judgement=None) -> DueItem:  # type: ignore[no-untyped-def]
    return DueItem(
        plan=plan,
        id=task.id,
        content=task.content,
        due=when,
        days_left=(when - today).days,
        role=hit.responsibility.role,
        reason=hit.responsibility.reason,
        via=via,
        kind=kind,
        task=task,
        why=why,
        judgement=judgement,
    )


def _owes_report(registry: Registry, task: Task, agency: Agency, strict: bool) -> bool:
    """Leads report; so do agencies named as support, but not those reached only through a collective."""
    found = role_of(registry, task, agency, "any", strict)
    return found is not None and (found.role == "lead" or found.reason != "collective")


def current_label(registry: Registry, name: str) -> str:
    """A name as today's reader needs it: "Bộ Tài chính (trước đây: Bộ Kế hoạch và Đầu tư)"."""
    heirs = registry.current(name)
    if not heirs:
        return name
    written = registry.resolve(name)
    if heirs == [written]:
        return written.name
    return f"{', '.join(a.name for a in heirs)} (trước đây: {written.name})"


def _is(registry: Registry, name: str, agency: Agency) -> bool:
    """Does ``name`` designate ``agency``, itself or as a predecessor?"""
    try:
        target = registry.resolve(name)
    except AgencyError:
        return False
    return target.id == agency.id or any(a.id == agency.id for a in registry.successors(target.id))


def _next_report_day(plan: Plan, day: dt.date | None, today: dt.date, until: dt.date) -> tuple[int, dt.date] | None:
    """The first yearly report day in [today, until] while the plan runs."""
    from kehoach.duties import report_days as yearly_report_days

    return next(yearly_report_days(plan, day, today, until), None)


def report_days(plan: Plan, day: DayMonth) -> list[dt.date]:
    """The yearly report days of ``day`` while the plan is in force (from its issue to its end): one answer
    for ``cycles``, the calendar and ``due`` (a day before the plan was issued is owed by no one)."""
    return [d for y in range(plan.start.year, plan.end.year + 1) if plan.start <= (d := day.in_year(y)) <= plan.end]


def owes_annual_report(registry: Registry, plan: Plan, agency: Agency, strict: bool = False) -> bool:
    """Does ``agency`` owe the plan's yearly report? Agencies with tasks do, never to themselves."""
    annual = plan.reporting.annual
    return (
        annual is not None
        and not any(_is(registry, n, agency) for n in annual.to)
        and any(_owes_report(registry, t, agency, strict) for t in plan.tasks)
    )


def consolidator_name(plan: Plan) -> str | None:
    """Who consolidates the plan's yearly reports, as the plan writes it: ``reporting.consolidated.by``, else
    the monitoring agency. ``due``, the calendar, the consolidated report and its recipients all ask here."""
    cons = plan.reporting.consolidated
    return (cons.by if cons and cons.by else None) or plan.monitor


def consolidates(registry: Registry, plan: Plan, agency: Agency) -> bool:
    """Is ``agency`` (itself or as a successor) the one that consolidates the plan's yearly reports?"""
    cons = plan.reporting.consolidated
    name = consolidator_name(plan)
    return bool(cons and name and _is(registry, name, agency))


def _report_duties(
    data: DataSet, agency: Agency, today: dt.date, until: dt.date, plans: Iterable[str], strict: bool
) -> list[DueItem]:
    """The annual report each agency with tasks owes the monitoring agency, and the consolidation.

    An agency never owes a report to itself: the monitoring agency's own tasks go straight into its
    consolidation. A day the document does not state is taken as 31/12 and said so.
    """
    from kehoach.duties import due_report_days
    from kehoach.qindex import agency_entries, role_in

    wanted = set(plans)
    registry = data.registry
    out: list[DueItem] = []
    assumed = " (văn bản không nêu ngày; tạm tính 31/12)"
    entries = agency_entries(data, agency)
    owing: set[int] | None = None
    if entries is not None:  # the plans where the agency leads a task, or supports one by name (the index)
        owing = set()
        for entry in entries:
            if entry[0] not in owing:
                found = role_in(entry, agency, "any", strict)
                if found is not None and (found.role == "lead" or found.reason != "collective"):
                    owing.add(entry[0])
    for pp, lp in enumerate(data.plans):
        plan = lp.head if owing is not None else lp.plan
        if wanted and plan.id not in wanted:
            continue
        rep = plan.reporting
        annual = rep.annual
        owes = (
            owes_annual_report(registry, plan, agency, strict)
            if owing is None
            else annual is not None and pp in owing and not any(_is(registry, n, agency) for n in annual.to)
        )
        if annual and owes:
            day = annual.day_month.in_year(today.year)
            nxt = _next_report_day(plan, day, today, until)
            for year, when in due_report_days(data.progress, plan, "BC-HN", agency.name, day, today, until, nxt):
                to = ", ".join(current_label(registry, n) for n in annual.to) or "cơ quan theo dõi"
                why = "báo cáo định kỳ hằng năm" + ("" if annual.due else assumed)
                text = f"Báo cáo kết quả thực hiện năm {year} gửi {to}"
                out.append(DueItem(plan, "BC-HN", text, when, (when - today).days, "report", "direct", None,
                                   "report", why=why))
        cons = rep.consolidated
        if cons and consolidates(registry, plan, agency):
            cday = (cons.day_month or DayMonth(day=31, month=12)).in_year(today.year)
            nxt = _next_report_day(plan, cday, today, until)
            for year, when in due_report_days(data.progress, plan, "BC-TH", agency.name, cday, today, until, nxt):
                to = ", ".join(current_label(registry, n) for n in cons.to)
                why = "cơ quan theo dõi, tổng hợp" + ("" if cons.due else assumed)
                text = f"Tổng hợp kết quả thực hiện năm {year}, báo cáo {to}"
                out.append(DueItem(plan, "BC-TH", text, when, (when - today).days, "monitor", "direct", None,
                                   "report", why=why))
    return out
