"""One agency's yearly report days (``kehoach cycles --agency``): coming, sent, and missed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kehoach.duties import duties
from kehoach.model import DayMonth

if TYPE_CHECKING:
    from kehoach.agencies import Agency
    from kehoach.dataset import DataSet


def agency_duty_rows(
    data: DataSet, agency: Agency, today: dt.date, plans: Iterable[str] = (), year: int | None = None
) -> list[dict[str, Any]]:
    """Every yearly report ``agency`` owes (BC-HN) or consolidates (BC-TH), from the plan's start to the
    end of next year, with the sent record where there is one; as rows, oldest first."""
    from kehoach.query import consolidates, owes_annual_report

    wanted = set(plans)
    until = dt.date(today.year + 1, 12, 31)
    rows: list[dict[str, Any]] = []
    for lp in data.plans:
        plan = lp.plan
        if wanted and plan.id not in wanted:
            continue
        rep = plan.reporting
        found = []
        if rep.annual and owes_annual_report(data.registry, plan, agency):
            found += duties(data.progress, plan, "BC-HN", agency.name, rep.annual.day_month.in_year(2000), until)
        if rep.consolidated and consolidates(data.registry, plan, agency):
            day = (rep.consolidated.day_month or DayMonth(day=31, month=12)).in_year(2000)
            found += duties(data.progress, plan, "BC-TH", agency.name, day, until)
        rows += [d.as_dict(today) for d in found if year is None or d.year == year]
    return sorted(rows, key=lambda r: (r["due"], r["plan"], r["id"]))
