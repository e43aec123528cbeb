"""One responsibility engine: due, tasks, status, catalog counts and the SQLite export give the same answer."""

from __future__ import annotations

import datetime as dt

import pytest

from kehoach.catalog import all_task_counts
from kehoach.query import due, find_tasks
from kehoach.responsibility import REASONS, answers, responsibilities, role_of, span
from kehoach.status import ReportPeriod, assess, judge, status_table

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


# ------------------------------------------------------------------- periods over a plan's life


@pytest.mark.parametrize("today", [D(2026, 3, 1), D(2026, 12, 20), D(2031, 6, 1)])
def test_tasks_and_due_agree_on_overdue_for_every_current_agency(data, today):
    """`tasks --agency` (status overdue, the agency leading by name) and `due` list the same overdue tasks."""
    from kehoach.catalog import task_rows

    total = 0
    for agency in _current(data):
        hits = find_tasks(data, agency=agency, role="lead")
        by_tasks = {
            (r.plan, r.id) for r in task_rows(data, hits, today)
            if r.status in ("overdue", "no_report_overdue") and r.reason in ("direct", "successor")
        }
        by_due = {(i.plan.id, i.id) for i in due(data, agency, today, until=today) if i.overdue and i.task}
        assert by_tasks == by_due, agency.name
        total += len(by_due)
    assert total > 0


def test_multi_year_tasks_ending_unreported_are_carried_over(data):
    """nq13 7.1 ("2021 - 2025", UBND tỉnh) ended unreported: overdue in 2026 and still in 2031."""
    ubnd = data.registry.resolve("UBND tỉnh Thanh Hóa")
    for today, late in ((D(2026, 3, 1), 60), (D(2031, 6, 1), 1978)):
        items = {i.id: i for i in due(data, ubnd, today, until=today, plans=["nq13-thanh-hoa"]) if i.overdue}
        for tid in ("7.1", "3.4", "4.1"):
            assert tid in items, (today, tid)
        bgt = data.registry.resolve("Bộ Xây dựng")  # took over Bộ Giao thông vận tải: 4.2, 4.3.b
        theirs = {i.id for i in due(data, bgt, today, until=today, plans=["nq13-thanh-hoa"]) if i.overdue}
        assert {"4.2", "4.3.b"} <= theirs
        assert items["7.1"].due == D(2025, 12, 31) and items["7.1"].days_left == -late
        assert items["7.1"].judgement.carried_over and items["7.1"].status == "no_report_overdue"
        row = next(r for r in status_table(data, today, agency=ubnd, plans=["nq13-thanh-hoa"]).rows
                   if r.scope == "total")
        assert row.overdue_total == len([i for i in items.values() if i.task is not None])


def test_a_carried_task_done_later_leaves_the_following_years(data_copy):
    from pathlib import Path

    from kehoach.dataset import load_data

    folder = Path(data_copy) / "progress" / "nq13-thanh-hoa"
    (folder / "2026.yaml").write_text(
        "plan: nq13-thanh-hoa\nyear: 2026\ntasks:\n  \"7.1\":\n    status: done\n    completed: 2026-05-10\n"
        "    reported_on: 2026-05-12\n", encoding="utf-8")
    d = load_data(Path(data_copy))
    plan = d.plan("nq13-thanh-hoa").plan
    t71 = next(t for t in plan.tasks if t.id == "7.1")
    j26 = judge(d, plan, t71, ReportPeriod.annual(2026), D(2026, 12, 20))
    assert (j26.code, j26.carried_over, j26.due) == ("done_late", True, D(2025, 12, 31))
    assert judge(d, plan, t71, ReportPeriod.annual(2027), D(2027, 6, 1)) is None
    assert judge(d, plan, t71, ReportPeriod.annual(2026), D(2026, 5, 1)).code == "no_report_overdue"


def test_the_2030_final_report_counts_only_its_phase(data):
    """nq13 tổng kết 2026 - 2030: tasks 2.6, 3.1, 7.2 done in 2021 are the earlier phase's; targets are 2030's."""
    from kehoach.report import build_context

    ctx = build_context(data, "nq13-thanh-hoa", "final", 2030, None, today=D(2031, 1, 15))
    ids = {t["id"] for t in ctx["tasks"]}
    assert not ids & {"2.6", "3.1", "7.2"}
    assert ctx["done"] == 0
    assert {"7.1", "3.4"} <= ids  # 2021 - 2025 work left unreported: carried into the new phase
    assert all(t["carried_over"] for t in ctx["tasks"] if t["id"] in ("7.1", "3.4"))
    assert ctx["targets"] and all(x["value"].endswith("(năm 2030)") for x in ctx["targets"] if "(năm" in x["value"])
    old = build_context(data, "nq13-thanh-hoa", "final", 2025, None, today=D(2026, 1, 15))
    assert {"2.6", "3.1", "7.2"} <= {t["id"] for t in old["tasks"] if t["status_code"].startswith("done")}


def test_default_final_year_is_the_phase_just_ended_or_a_refusal(run, data):
    from kehoach.report import ReportError, default_year

    plan = data.plan("nq13-thanh-hoa").plan
    assert default_year(plan, "final", D(2026, 1, 10)) == 2025
    assert default_year(plan, "final", D(2031, 6, 1)) == 2030
    with pytest.raises(ReportError) as exc:
        default_year(plan, "final", D(2025, 12, 20))
    assert "2025 (giai đoạn 2021 - 2025, hết ngày 31/12/2025); 2030 (giai đoạn 2026 - 2030" in str(exc.value)
    refused = run("report", "final", "--plan", "nq13-thanh-hoa", "--today", "2025-12-20")
    assert refused.exit_code == 2 and "chưa kỳ tổng kết nào kết thúc tại ngày 20/12/2025" in refused.stderr
