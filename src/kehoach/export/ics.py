"""Deadlines and reporting duties as an iCalendar file (RFC 5545) for Outlook, Google, Thunderbird.

One all-day event (``DTSTART;VALUE=DATE``, ``DTEND`` the following day) per task with a due date,
and one recurring event (``RRULE:FREQ=YEARLY``) per reporting day of a "Hằng năm" / "Định kỳ 6 tháng"
task and per yearly report the plan asks for. Ongoing work ("Thường xuyên", "Trong thời gian thực
hiện kế hoạch") is reported through the yearly report and gets no event of its own, as in ``due``.

UIDs are UUIDv5 of plan id, task id and kind, so a second export imported into the same calendar
updates the events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kehoach.dataset import DataSet, plan_dates
from kehoach.export import tracked
from kehoach.model import Agency, DayMonth, Plan, Task
from kehoach.present import ROLE_WORDS as ROLE_VN

# Fixed namespace of kehoach's event UIDs: uuid5(NAMESPACE_URL, "urn:kehoach:calendar").
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:kehoach:calendar")
PRODID = "-//kehoach//Lich nhiem vu ke hoach hanh dong//VI"


def sequence(modified: dt.date) -> int:
    """SEQUENCE from LAST-MODIFIED: days since 01/01/2000, so a later change always has a higher number."""
    return (modified - dt.date(2000, 1, 1)).days


def event_uid(plan_id: str, item_id: str, kind: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{plan_id}/{item_id}/{kind}"))


@dataclass(frozen=True)
class Event:
    """One calendar entry, before it becomes iCalendar text."""

    uid: str
    start: dt.date
    summary: str
    description: str
    until: dt.date | None = None  # last occurrence of a recurring duty; None: a single day
    freq: str = "yearly"  # with ``until``: "yearly" or "monthly" (every ``interval`` months)
    interval: int = 1
    monthday: int | None = None  # monthly: the day of the month, -1 for its last day
    monthdays: tuple[int, ...] = ()  # monthly on day 29/30: (28, 29[, 30]) with BYSETPOS=-1
    modified: dt.date | None = None  # LAST-MODIFIED (and SEQUENCE), from the data
    overdue: bool = False
    plan: str = ""
    item: str = ""
    kind: str = ""

    @property
    def recurring(self) -> bool:
        return self.until is not None


def _names(data: DataSet, names: Iterable[str]) -> str:
    from kehoach.query import current_label

    return "; ".join(current_label(data.registry, n) for n in names) or "(không nêu)"


def _task_text(data: DataSet, plan: Plan, task: Task, extra: list[str]) -> str:
    lines = [
        task.content,
        "",
        f"Kế hoạch: {plan.label} ({plan.id})",
        f"Mã nhiệm vụ: {task.id}",
        f"Thời hạn: {task.deadline or '(không nêu)'}",
        f"Chủ trì: {_names(data, task.lead)}",
        f"Phối hợp: {_names(data, task.support)}",
    ]
    if task.product:
        lines.append(f"Sản phẩm: {task.product}")
    if task.source:
        lines.append(f"Nguồn: {task.source}")
    return "\n".join(lines + extra)


def _yearly(plan: Plan, day: DayMonth) -> tuple[dt.date, dt.date] | None:
    """First and last report day of ``day`` while the plan is in force (``query.report_days``, as ``cycles``)."""
    from kehoach.query import report_days

    days = report_days(plan, day)
    return (days[0], days[-1]) if days else None


def task_events(
    data: DataSet,
    today: dt.date,
    *,
    plans: Iterable[str] = (),
    agency: Agency | None = None,
    role: str = "any",
    strict: bool = False,
    show_progress: bool = False,
) -> list[Event]:
    from kehoach.query import due, find_tasks
    from kehoach.status import OVERDUE_CODES, STATUS_LABELS, current_judgement
    from kehoach.text import shorten

    hits = find_tasks(data, plans=plans, agency=agency, role=role, strict=strict)  # type: ignore[arg-type]
    # Overdue means what ``due`` says: for one agency, the overdue items it answers for as lead.
    late: dict[tuple[str, str], dt.date] | None = None
    if agency is not None:
        late = {
            (i.plan.id, i.id): i.due
            for i in due(data, agency, today, until=today, role=role, plans=plans, strict=strict)  # type: ignore[arg-type]
            if i.overdue and i.task is not None
        }
    events: list[Event] = []
    for h in tracked(hits, "Lập lịch", show=show_progress):
        plan, task, d = h.plan, h.task, h.deadline
        if d is None or d.kind in ("event", "ongoing", "plan"):
            continue
        j = current_judgement(data, plan, task, today)
        changed = _changed(data, plan, task, j, today)
        code = j.code
        missed = late.get((plan.id, task.id)) if late is not None else (j.due if j.overdue else None)
        name = f"{plan.id}/{task.id}"
        extra = []
        if h.role and agency is not None:
            via = f" (qua: {h.responsibility.via})" if h.responsibility and h.responsibility.via else ""
            extra.append(f"Vai trò của {agency.name}: {ROLE_VN.get(h.role, h.role)}{via}")
        if d.recurring:
            dates = plan_dates(plan)
            occ = d.occurrences(dates, plan.start, plan.end)
            summary = f"Báo cáo {name}: {shorten(task.content, 90)}"
            if missed is not None:
                # The report day that passed without a report: one flagged event per task (its UID stays, so a
                # later export moves it to the newer missed day instead of adding another).
                events.append(
                    Event(
                        event_uid(plan.id, task.id, "missed"), missed,
                        f"QUÁ HẠN – Báo cáo {name} kỳ {missed:%d/%m/%Y}: {shorten(task.content, 70)}",
                        _task_text(data, plan, task, [*extra, f"Chưa báo cáo kỳ {missed:%d/%m/%Y} "
                                                              f"(tính đến {today:%d/%m/%Y})."]),
                        overdue=True, plan=plan.id, item=task.id, kind="missed", modified=changed,
                    )
                )
            monthly = d.recurrence in ("monthly", "quarterly")
            if monthly and occ:
                # One rule for the whole series: "ngày 20 hằng tháng", "cuối mỗi quý".
                step = 1 if d.recurrence == "monthly" else 3
                when = f"ngày {d.day}" if d.day else "ngày cuối"
                period = "tháng" if step == 1 else "tháng cuối quý"
                text = _task_text(data, plan, task, [*extra, f"Báo cáo định kỳ ({d.label}) {when} {period}, "
                                                              f"từ {occ[0]:%d/%m/%Y} đến {occ[-1]:%d/%m/%Y}."])
                # Day 29-31: the named day, or the month's last day where the month is shorter — one rule
                # (BYMONTHDAY=28,29,30;BYSETPOS=-1 for "ngày 30"; BYMONTHDAY=-1 for "ngày 31"), one February event.
                days = (-1,) if not d.day or d.day >= 31 else tuple(range(28, d.day + 1)) if d.day > 28 else (d.day,)
                events.append(
                    Event(
                        event_uid(plan.id, task.id, "deadline"), occ[0], summary, text, until=occ[-1],
                        freq="monthly", interval=step, monthday=days[0] if len(days) == 1 else None,
                        monthdays=days if len(days) > 1 else (), plan=plan.id, item=task.id,
                        kind=d.recurrence or d.kind, modified=changed,
                    )
                )
                continue
            for n, month_day in enumerate(sorted({(o.month, o.day) for o in occ})):
                mine = [o for o in occ if (o.month, o.day) == month_day]
                # The task's first series keeps the task's UID whatever its deadline's kind: a plan that turns
                # "Tháng 6/2026" into "Hằng năm" updates the imported event instead of leaving a stale one.
                kind = "deadline" if n == 0 else f"deadline-{month_day[0]:02d}-{month_day[1]:02d}"
                text = _task_text(
                    data, plan, task,
                    [*extra, f"Báo cáo định kỳ ({d.label}) ngày {mine[0]:%d/%m} hằng năm, "
                              f"từ {mine[0]:%d/%m/%Y} đến {mine[-1]:%d/%m/%Y}."],
                )
                events.append(
                    Event(
                        event_uid(plan.id, task.id, kind), mine[0], summary, text, until=mine[-1], plan=plan.id,
                        item=task.id, kind=kind, modified=changed,
                    )
                )
            continue
        if d.due is None:
            continue
        overdue = missed is not None
        status = f"Tình trạng đến {today:%d/%m/%Y}: {STATUS_LABELS[code]}" if code else ""
        if code in OVERDUE_CODES and not overdue:
            status += " (cơ quan chủ trì chịu trách nhiệm về thời hạn)"
        summary = f"{name}: {shorten(task.content, 90)}"
        if overdue:
            summary = f"QUÁ HẠN – {summary}"
        events.append(
            Event(
                event_uid(plan.id, task.id, "deadline"), d.due, summary,
                _task_text(data, plan, task, [*extra, status] if status else extra),
                overdue=overdue, plan=plan.id, item=task.id, kind="deadline", modified=changed,
            )
        )
    return events


def _changed(data: DataSet, plan: Plan, task: Task, j: Any, today: dt.date) -> dt.date:
    """When the event last changed, from the data alone (never the clock): the plan's issue, the latest
    result known by ``today``, or the day the task fell overdue — so LAST-MODIFIED and SEQUENCE are the same
    on every export of the same data, and grow when the answer changes."""
    from kehoach.progress import progress_of

    days = [plan.issued or plan.start]
    for rec in progress_of(data).records(plan.id, task.id, as_of=today):
        days += [x for x in (rec.progress.reported_on, rec.progress.completed) if x and x <= today]
    if j is not None and j.overdue and j.due is not None:
        days.append(min(today, j.due + dt.timedelta(days=1)))
    return max(days)


def duty_events(
    data: DataSet, *, plans: Iterable[str] = (), agency: Agency | None = None, strict: bool = False
) -> list[Event]:
    """Each plan's yearly report to the monitoring agency, and the monitoring agency's consolidation.

    With ``agency``: only the duties it has (it leads or is named on a task, or it consolidates).
    """
    from kehoach.query import consolidates, consolidator_name, current_label, owes_annual_report

    wanted = set(plans)
    out: list[Event] = []
    assumed = " Văn bản không nêu ngày; tạm tính 31/12."
    for lp in data.plans:
        plan = lp.plan
        if wanted and plan.id not in wanted:
            continue
        rep, reg = plan.reporting, data.registry
        annual = rep.annual
        if annual is not None and (agency is None or owes_annual_report(reg, plan, agency, strict)):
            span = _yearly(plan, annual.day_month)
            if span:
                who = agency.name if agency else "Các cơ quan được giao nhiệm vụ"
                to = "; ".join(current_label(reg, n) for n in annual.to) or "cơ quan theo dõi"
                item = f"BC-HN:{agency.id}" if agency else "BC-HN"
                lines = [
                    f"{who} báo cáo kết quả thực hiện {plan.label} hằng năm, gửi {to}.",
                    f"Kế hoạch: {plan.label} ({plan.id})",
                    f"Hạn: ngày {span[0]:%d/%m} hằng năm, từ {span[0]:%d/%m/%Y} đến {span[1]:%d/%m/%Y}."
                    + ("" if annual.due else assumed),
                ]
                if annual.source:
                    lines.append(f"Nguồn: {annual.source}")
                out.append(
                    Event(
                        event_uid(plan.id, item, "annual-report"), span[0],
                        f"Báo cáo kết quả thực hiện năm – {plan.id}", "\n".join(lines), until=span[1],
                        plan=plan.id, item=item, kind="annual-report", modified=plan.issued or plan.start,
                    )
                )
        cons = rep.consolidated
        by_name = consolidator_name(plan)
        if cons and by_name and (agency is None or consolidates(reg, plan, agency)):
            day = cons.day_month or DayMonth(day=31, month=12)
            span = _yearly(plan, day)
            if span:
                by = current_label(reg, by_name)
                to = "; ".join(current_label(reg, n) for n in cons.to) or "(không nêu)"
                lines = [
                    f"{by} tổng hợp kết quả thực hiện {plan.label}, báo cáo {to}.",
                    f"Kế hoạch: {plan.label} ({plan.id})",
                    f"Hạn: ngày {span[0]:%d/%m} hằng năm, từ {span[0]:%d/%m/%Y} đến {span[1]:%d/%m/%Y}."
                    + ("" if cons.due else assumed),
                ]
                if cons.source:
                    lines.append(f"Nguồn: {cons.source}")
                out.append(
                    Event(
                        event_uid(plan.id, "BC-TH", "consolidated-report"), span[0],
                        f"Tổng hợp báo cáo năm – {plan.id}", "\n".join(lines), until=span[1],
                        plan=plan.id, item="BC-TH", kind="consolidated-report", modified=plan.issued or plan.start,
                    )
                )
    return out


def events(
    data: DataSet,
    today: dt.date,
    *,
    plans: Iterable[str] = (),
    agency: Agency | None = None,
    role: str = "any",
    strict: bool = False,
    show_progress: bool = False,
) -> list[Event]:
    """Every event of the calendar, by date then plan and id; a bar on stderr with ``show_progress``."""
    evs = task_events(data, today, plans=plans, agency=agency, role=role, strict=strict, show_progress=show_progress)
    if role in ("any", "lead"):
        evs += duty_events(data, plans=plans, agency=agency, strict=strict)
    if agency is not None and role in ("any", "lead"):  # a passed report day not recorded as sent, as `due` says
        from kehoach.query import due

        for i in due(data, agency, today, until=today, plans=plans, strict=strict):
            if i.kind == "report" and i.overdue:
                evs.append(Event(
                    event_uid(i.plan.id, f"{i.id}:{agency.id}:{i.due.year}", "missed"), i.due,
                    f"QUÁ HẠN – Báo cáo {i.plan.id}/{i.id} kỳ {i.due:%d/%m/%Y}: {i.content}",
                    f"{i.content}. Chưa ghi đã gửi (kehoach progress set {i.plan.id}/{i.id} --year {i.due.year} "
                    f"--by \"{agency.name}\" --status done).",
                    overdue=True, plan=i.plan.id, item=i.id, kind="missed",
                ))
    return sorted(evs, key=lambda e: (e.start, e.plan, e.item, e.kind))


def to_ical(evs: Iterable[Event], name: str, *, stamp: dt.datetime | None = None) -> bytes:
    """The calendar as iCalendar bytes (CRLF line ends, folded lines), one VEVENT per event."""
    import icalendar

    from kehoach.export import ical_safe as safe

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", safe(name, one_line=True))
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    for e in evs:
        ev = icalendar.Event()
        ev.add("uid", safe(e.uid))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", e.start)
        ev.add("dtend", e.start + dt.timedelta(days=1))
        ev.add("summary", safe(e.summary))
        ev.add("description", safe(e.description))
        ev.add("transp", "TRANSPARENT")
        if e.recurring:
            rule: dict[str, Any] = {"freq": e.freq, "until": e.until}
            if e.interval != 1:
                rule["interval"] = e.interval
            if e.monthday is not None:
                rule["bymonthday"] = e.monthday
            if e.monthdays:
                rule["bymonthday"] = list(e.monthdays)
                rule["bysetpos"] = -1
            ev.add("rrule", rule)
        if e.modified is not None:
            ev.add("last-modified", dt.datetime(e.modified.year, e.modified.month, e.modified.day, tzinfo=dt.UTC))
            ev.add("sequence", sequence(e.modified))
        categories: list[Any] = ["Kế hoạch hành động", safe(e.plan)]
        if e.overdue:
            categories.append("Quá hạn")
        ev.add("categories", categories)
        cal.add_component(ev)
    return cal.to_ical()
