"""One responsibility engine: due, tasks, status, catalog counts and the SQLite export give the same answer."""

from __future__ import annotations

import datetime as dt

from kehoach.catalog import all_task_counts
from kehoach.query import due, find_tasks
from kehoach.responsibility import REASONS, answers, responsibilities, role_of, span
from kehoach.status import ReportPeriod, assess

D = dt.date


def _current(data):
    return [a for a in data.registry if a.current and not a.is_collective]


def test_the_vocabulary_is_one_everywhere(data):
    """`due`, `tasks` and `status` rows speak the same reasons; "predecessor" is gone."""
    reg = data.registry
    agency = reg.resolve("Sở Tài chính")
    today = D(2026, 3, 1)
    due_reasons = {i.reason for i in due(data, agency, today, until=D(2030, 12, 31)) if i.task is not None}
    task_reasons = {h.responsibility.reason for h in find_tasks(data, agency=agency)}
    status_reasons = {r.reason for r in assess(data, lambda _p: ReportPeriod.annual(2026), today)}
    assert due_reasons <= set(REASONS) and task_reasons <= set(REASONS) and status_reasons <= set(REASONS)
    # Sở Tài chính took over Sở Kế hoạch và Đầu tư's duties: reached as "successor" in every listing.
    assert "successor" in due_reasons and "successor" in task_reasons and "successor" in status_reasons
    assert "unassigned" not in due_reasons | task_reasons  # only the status rows of a task naming no lead


def test_role_of_and_responsibilities_agree_for_every_task_and_agency(data):
    """An agency leads a task by name (role_of: lead, direct/successor) exactly when the status rows say so."""
    reg = data.registry
    agencies = _current(data)
    disagreements = []
    checked = 0
    for lp in data.plans:
        for task in lp.plan.tasks:
            rows = responsibilities(reg, task)
            for a in agencies:
                found = role_of(reg, task, a)
                named = found is not None and found.role == "lead" and found.named
                if named != any(answers(r, a) for r in rows):
                    disagreements.append((lp.plan.id, task.id, a.name))
                checked += 1
    assert checked > 10_000
    assert disagreements == []


def test_catalog_counts_come_from_the_engine(data):
    reg = data.registry
    stc = reg.resolve("Sở Tài chính")
    counts = all_task_counts(data, [stc])[stc.id]
    by_engine = {"lead": 0, "support": 0, "collective_lead": 0, "collective_support": 0}
    for lp in data.plans:
        for task in lp.plan.tasks:
            r = role_of(reg, task, stc)
            if r:
                by_engine[f"collective_{r.role}" if r.reason == "collective" else r.role] += 1
    assert counts.as_dict() == by_engine and counts.lead > 0


def test_span_shapes_on_the_seeds(data):
    plan = data.plan("nq13-thanh-hoa").plan
    task = {t.id: t for t in plan.tasks}
    s = span(plan, data.deadline(plan, task["7.1"]))
    assert (s.shape, s.start, s.end) == ("multi_year", D(2021, 1, 1), D(2025, 12, 31))
    hn = data.plan("hoi-nhap-quoc-te").plan
    ii4 = next(t for t in hn.tasks if t.id == "II.4")
    assert span(hn, data.deadline(hn, ii4)).shape == "recurring"
