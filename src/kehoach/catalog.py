"""What the data holds, as typed rows: plans, agencies with their task counts, tasks, the reporting calendar.

Each row's ``as_dict()`` *is* the JSON documented in docs/json.md (dates as ``datetime.date``; the output
layer writes them ISO); tables and CSV are rendered from the same dictionaries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kehoach.dataset import DataSet
from kehoach.model import Agency, Plan
from kehoach.query import TaskHit, current_label
from kehoach.responsibility import role_of

LEVEL_VN = {
    "central": "Trung ương",
    "province": "cấp tỉnh",
    "commune": "cấp xã",
    "party": "cơ quan Đảng",
    "mass": "hội, đoàn thể",
    "other": "khác",
    "collective": "giao chung",
}

# --------------------------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class PlanRow:
    id: str
    number: str | None
    kind: str
    title: str
    issued: dt.date | None
    issuer: str
    tasks: int
    targets: int
    periods: tuple[tuple[int, int], ...]
    reviews: tuple[tuple[str, int], ...]
    monitor: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "kind": self.kind,
            "title": self.title,
            "issued": self.issued,
            "issuer": self.issuer,
            "tasks": self.tasks,
            "targets": self.targets,
            "periods": [{"start": s, "end": e} for s, e in self.periods],
            "reviews": [{"kind": k, "year": y} for k, y in self.reviews],
            "monitor": self.monitor,
        }


def plan_rows(data: DataSet) -> list[PlanRow]:
    out = []
    for lp in data.plans:
        p = lp.plan
        out.append(
            PlanRow(
                id=p.id,
                number=p.number,
                kind=p.kind,
                title=p.title,
                issued=p.issued,
                issuer=p.issuer,
                tasks=len(p.tasks),
                targets=len(p.targets),
                periods=tuple((x.start, x.end) for x in p.periods),
                reviews=tuple((r.kind, r.year) for r in p.reviews),
                monitor=current_label(data.registry, p.monitor) if p.monitor else None,
            )
        )
    return out


# ------------------------------------------------------------------------------------------ agencies


@dataclass(frozen=True)
class TaskCounts:
    """Tasks naming the agency (itself or as a successor), apart from those reaching it through a collective."""

    lead: int = 0
    support: int = 0
    collective_lead: int = 0
    collective_support: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "lead": self.lead,
            "support": self.support,
            "collective_lead": self.collective_lead,
            "collective_support": self.collective_support,
        }


@dataclass(frozen=True)
class AgencyRow:
    id: str
    name: str
    short: str | None
    aliases: tuple[str, ...]
    level: str
    replaced_by: tuple[str, ...]
    replaced_on: dt.date | None
    basis: str | None
    covers: tuple[str, ...]
    tasks: TaskCounts
    note: str | None
    predecessors: tuple[str, ...] | None = None  # only in the detail of one agency

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "short": self.short,
            "aliases": list(self.aliases),
            "level": self.level,
            "replaced_by": list(self.replaced_by),
            "replaced_on": self.replaced_on,
            "basis": self.basis,
            "covers": list(self.covers),
            "tasks": self.tasks.as_dict(),
            "note": self.note,
        }
        if self.predecessors is not None:
            out["predecessors"] = list(self.predecessors)
        return out


def task_counts(data: DataSet, agency: Agency) -> TaskCounts:
    # 116 "support" tasks mean little if 110 of them are "Các sở, ban, ngành…": counted apart.
    counts = {"lead": 0, "support": 0, "collective_lead": 0, "collective_support": 0}
    for lp in data.plans:
        for task in lp.plan.tasks:
            found = role_of(data.registry, task, agency, "any", strict=False)
            if found:
                counts[f"collective_{found.role}" if found.reason == "collective" else found.role] += 1
    return TaskCounts(**counts)


def all_task_counts(data: DataSet, agencies: Iterable[Agency]) -> dict[str, TaskCounts]:
    """``task_counts`` of many agencies in one pass over the tasks (each task asks only the agencies it can
    concern, see ``query.Reach``): the same counts, linear in the tasks."""
    from kehoach.query import Reach

    wanted = {a.id: a for a in agencies}
    reach = Reach(data.registry, data.registry)
    counts = {aid: {"lead": 0, "support": 0, "collective_lead": 0, "collective_support": 0} for aid in wanted}
    for lp in data.plans:
        for task in lp.plan.tasks:
            for aid in reach.of_task(task) & wanted.keys():
                found = role_of(data.registry, task, wanted[aid], "any", strict=False)
                if found:
                    counts[aid][f"collective_{found.role}" if found.reason == "collective" else found.role] += 1
    return {aid: TaskCounts(**c) for aid, c in counts.items()}


def agency_rows(data: DataSet, agencies: Iterable[Agency]) -> list[AgencyRow]:
    agencies = list(agencies)
    counts = all_task_counts(data, agencies)
    return [_agency_row(data, a, counts=counts[a.id]) for a in agencies]


def agency_detail(data: DataSet, agency: Agency) -> AgencyRow:
    """One agency with the agencies whose tasks it took over."""
    return _agency_row(data, agency, predecessors=tuple(p.name for p in data.registry.predecessors(agency.id)))


def _agency_row(
    data: DataSet, a: Agency, predecessors: tuple[str, ...] | None = None, counts: TaskCounts | None = None
) -> AgencyRow:
    registry = data.registry
    return AgencyRow(
        id=a.id,
        name=a.name,
        short=a.short,
        aliases=tuple(a.aliases),
        level=a.level,
        replaced_by=tuple(registry.get(x).name for x in a.replaced_by if x in registry.agencies),
        replaced_on=a.replaced_on,
        basis=a.basis,
        covers=tuple(a.covers),
        tasks=counts if counts is not None else task_counts(data, a),
        note=a.note,
        predecessors=predecessors,
    )


def search_agencies(data: DataSet, text: str | None) -> list[Agency]:
    """Agencies any of whose names contains ``text`` (with or without diacritics); all without ``text``."""
    from kehoach.typed import search_key

    agencies = list(data.registry)
    if not text:
        return agencies
    key = search_key(text)  # "Khu kinh tế Nghi Sơn" finds "Ban QL KKT Nghi Sơn và các KCN"
    return [a for a in agencies if any(key in search_key(n) for n in data.registry.names_of(a))]


# ------------------------------------------------------------------------------------------- tasks


@dataclass(frozen=True, slots=True)  # one per task found: 100,000 of them without a __dict__ each
class TaskRow:
    plan: str
    id: str
    content: str
    lead: tuple[str, ...]
    lead_as_written: tuple[str, ...]
    support: tuple[str, ...]
    support_as_written: tuple[str, ...]
    product: str | None
    deadline_text: str | None
    deadline_kind: str | None
    deadline_start: dt.date | None
    deadline_due: dt.date | None
    recurrence: str | None
    condition: str | None
    leader: str | None
    source: str | None
    inferred: tuple[str, ...]
    status: str | None
    status_label: str | None
    role: str | None = None  # with --agency: lead | support
    reason: str | None = None
    via: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "plan": self.plan,
            "id": self.id,
            "content": self.content,
            "lead": list(self.lead),
            "lead_as_written": list(self.lead_as_written),
            "support": list(self.support),
            "support_as_written": list(self.support_as_written),
            "product": self.product,
            "deadline": {
                "text": self.deadline_text,
                "kind": self.deadline_kind,
                "start": self.deadline_start,
                "due": self.deadline_due,
                "recurrence": self.recurrence,
                "condition": self.condition,
            },
            "leader": self.leader,
            "source": self.source,
            "inferred": list(self.inferred),
            "status": self.status,
            "status_label": self.status_label,
        }
        if self.role:
            out |= {"role": self.role, "reason": self.reason, "via": self.via}
        return out


def task_rows(data: DataSet, hits: Sequence[TaskHit], today: dt.date) -> list[TaskRow]:
    """The tasks found, each with its status as of ``today``."""
    return list(iter_task_rows(data, hits, today))


def iter_task_rows(data: DataSet, hits: Sequence[TaskHit], today: dt.date) -> Iterator[TaskRow]:
    """``task_rows`` one at a time (the statuses are judged first, all together): a long listing written
    row by row is never held whole."""
    from kehoach.status import STATUS_LABELS, status_codes

    statuses = status_codes(data, [(h.plan, h.task) for h in hits], today)
    for h in hits:
        t, d = h.task, h.deadline
        status = statuses.get((h.plan.id, t.id))
        match = h.responsibility
        yield (
            TaskRow(
                plan=h.plan.id,
                id=t.id,
                content=t.content,
                lead=data.registry.canonical(tuple(t.lead)),
                lead_as_written=tuple(t.lead),
                support=data.registry.canonical(tuple(t.support)),
                support_as_written=tuple(t.support),
                product=t.product,
                deadline_text=t.deadline,
                deadline_kind=d.kind if d else None,
                deadline_start=d.start if d else None,
                deadline_due=d.due if d else None,
                recurrence=d.recurrence if d else None,
                condition=d.condition if d else None,
                leader=t.leader,
                source=t.source,
                inferred=tuple(t.inferred),
                status=status,
                status_label=STATUS_LABELS[status] if status else None,
                role=h.role,
                reason=match.reason if match else None,
                via=match.via if match else None,
            )
        )


# ------------------------------------------------------------------------------- reporting calendar


@dataclass(frozen=True)
class CycleRow:
    """One reporting duty of a plan in one year: the annual report, the consolidation, a review."""

    plan: str
    cycle: str
    kind: str  # annual | consolidated | midterm | final
    year: int
    date: dt.date | None  # None: a review, some time in its year
    stated: bool  # False: the document gives no day, 31/12 is assumed
    by: str
    to: tuple[str, ...]
    what: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "cycle": self.cycle,
            "kind": self.kind,
            "year": self.year,
            "date": self.date,
            "stated": self.stated,
            "by": self.by,
            "to": list(self.to),
            "what": self.what,
        }


def reporting_calendar(data: DataSet, plans: Iterable[str] = (), year: int | None = None) -> list[CycleRow]:
    """Annual reports and their consolidation for every year a plan runs, and its reviews, by date."""
    wanted = set(plans)
    rows: list[CycleRow] = []
    for lp in data.plans:
        if wanted and lp.plan.id not in wanted:
            continue
        rows += _plan_calendar(data, lp.plan, year)
    return sorted(rows, key=lambda r: (r.year, r.date or dt.date(r.year, 12, 31), r.plan))


def _plan_calendar(data: DataSet, p: Plan, only: int | None) -> list[CycleRow]:
    """The report days ``query.report_days`` gives (the calendar's too), and the plan's reviews."""
    from kehoach.model import DayMonth
    from kehoach.query import consolidator_name, report_days

    registry = data.registry
    rep = p.reporting
    rows: list[CycleRow] = []
    annual_days = {d.year: d for d in report_days(p, rep.annual.day_month)} if rep.annual else {}
    cons = rep.consolidated
    by_name = consolidator_name(p) if cons else None
    cons_days = {d.year: d for d in report_days(p, cons.day_month or DayMonth(day=31, month=12))} if (
        cons and by_name) else {}
    for y in range(p.start_year, p.end_year + 1):
        if only and y != only:
            continue
        # A day the document does not state is shown as the assumed 31/12, with stated = False.
        if rep.annual and y in annual_days:
            rows.append(
                CycleRow(
                    plan=p.id,
                    cycle=f"annual-{y}",
                    kind="annual",
                    year=y,
                    date=annual_days[y],
                    stated=rep.annual.due is not None,
                    by="Các cơ quan được giao nhiệm vụ",
                    to=tuple(current_label(registry, n) for n in rep.annual.to),
                    what="Báo cáo kết quả thực hiện hằng năm",
                )
            )
        if cons and y in cons_days:
            day = cons.day_month
            rows.append(
                CycleRow(
                    plan=p.id,
                    cycle=f"annual-{y}",
                    kind="consolidated",
                    year=y,
                    date=cons_days[y],
                    stated=day is not None,
                    by=current_label(registry, by_name) if by_name else "",
                    to=tuple(current_label(registry, n) for n in cons.to),
                    what="Tổng hợp, báo cáo kết quả",
                )
            )
    for r in p.reviews:
        if only and r.year != only:
            continue
        rows.append(
            CycleRow(
                plan=p.id,
                cycle=r.cycle,
                kind=r.kind,
                year=r.year,
                date=None,
                stated=False,
                by=current_label(registry, p.monitor) if p.monitor else "",
                to=(),
                what=("Sơ kết giữa kỳ" if r.kind == "midterm" else "Tổng kết") + f" năm {r.year}",
            )
        )
    return rows
