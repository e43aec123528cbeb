"""Yearly report duties: which report days have passed without a sent report, which are coming.

``kehoach due`` keeps a passed report day as overdue until ``progress set PLAN/BC-HN --year YYYY
--by AGENCY --status done`` records it (docs/progress.md, "Báo cáo định kỳ"); ``kehoach cycles
--agency`` lists them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kehoach.progress import Progress, report_sent

if TYPE_CHECKING:
    from kehoach.model import Plan

LOOKBACK_DAYS = 366  # ``due`` shows the report days of the last year; ``cycles --agency`` shows every one


def report_days(plan: Plan, day: dt.date | None, first: dt.date, last: dt.date) -> Iterator[tuple[int, dt.date]]:
    """The plan's yearly report days in [first, last] while the plan runs, with the year each covers."""
    if day is None:
        return
    for year in range(max(first.year, plan.start.year), last.year + 1):
        try:
            when = day.replace(year=year)
        except ValueError:  # 29/02
            when = dt.date(year, 2, 28)
        if first <= when <= last and plan.start <= when and year <= plan.end_year:
            yield year, when


def unsent(
    progress: Progress, plan: Plan, kind: str, agency: str, day: dt.date | None, today: dt.date, since: dt.date
) -> list[tuple[int, dt.date]]:
    """Report days in [since, today) for which no sent report of ``agency`` is recorded."""
    last = today - dt.timedelta(days=1)
    return [
        (year, when)
        for year, when in report_days(plan, day, since, last)
        if report_sent(progress, plan.id, year, agency, kind) is None
    ]


@dataclass(frozen=True)
class Duty:
    """One yearly report day of one agency: coming, sent, or missed."""

    plan: str
    kind: str  # BC-HN (the agency's report), BC-TH (the consolidation)
    year: int
    due: dt.date
    sent: dt.date | None
    evidence: str | None

    def state(self, today: dt.date) -> str:
        if self.sent is not None:
            return "đã gửi"
        return "chưa gửi, quá hạn" if self.due < today else "sắp đến"

    def as_dict(self, today: dt.date) -> dict[str, object]:
        return {
            "plan": self.plan,
            "id": self.kind,
            "year": self.year,
            "due": self.due,
            "sent": self.sent,
            "evidence": self.evidence,
            "state": self.state(today),
        }


def duties(progress: Progress, plan: Plan, kind: str, agency: str, day: dt.date | None, until: dt.date) -> list[Duty]:
    """Every report day of the plan up to ``until`` for ``agency``, with what is recorded."""
    out = []
    for year, when in report_days(plan, day, plan.start, until):
        rec = report_sent(progress, plan.id, year, agency, kind)
        sent = (rec.completed or rec.reported_on or when) if rec else None
        out.append(Duty(plan.id, kind, year, when, sent, rec.evidence if rec else None))
    return out


def due_report_days(
    progress: Progress,
    plan: Plan,
    kind: str,
    agency: str,
    day: dt.date | None,
    today: dt.date,
    until: dt.date,
    next_day: tuple[int, dt.date] | None,
) -> list[tuple[int, dt.date]]:
    """What ``due`` lists for one report duty: the report days of the last year that passed with no sent
    report recorded (overdue), then ``next_day`` unless its report is recorded as sent already."""
    since = today - dt.timedelta(days=LOOKBACK_DAYS)
    out = unsent(progress, plan, kind, agency, day, today, since)
    if next_day is not None and report_sent(progress, plan.id, next_day[0], agency, kind) is None:
        out.append(next_day)
    return out
