"""The status engine: one judgement that ``due``, ``status``, ``progress show`` and the reports share."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import fixture_data
from kehoach.progress import Progress, ProgressFile, TaskProgress
from kehoach.query import due
from kehoach.report import build_context
from kehoach.status import (
    CODES,
    OVERDUE_CODES,
    ReportPeriod,
    assess,
    judge,
    period_of,
    responsibilities,
    status_table,
    tally,
)

D = dt.date
NOV21 = D(2026, 11, 21)
QD74 = "qd74-dai-hoi-xx"
A2025, A2026, A2027 = (ReportPeriod.annual(y) for y in (2025, 2026, 2027))


def _judge(data, plan_id: str, task_id: str, period: ReportPeriod, today: dt.date):
    plan = data.plan(plan_id).plan
    task = next(t for t in plan.tasks if t.id == task_id)
    return judge(data, plan, task, period, today)


def _status_json(run, *args: str) -> dict[str, dict]:
    result = run("status", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return {(r["scope"], r["name"]): r for r in json.loads(result.stdout)}


# ------------------------------------------------------------------------------ the classes


@pytest.mark.parametrize(
    ("plan_id", "task_id", "period", "today", "code", "due", "days", "carried"),
    [
        (QD74, "I.5", A2026, NOV21, "done_on_time", D(2026, 2, 28), None, False),
        (QD74, "I.13", A2026, NOV21, "done_late", D(2025, 11, 30), None, True),
        (QD74, "I.13", A2026, D(2026, 1, 15), "no_report_overdue", D(2025, 11, 30), 46, True),
        (QD74, "IV.1", A2026, NOV21, "overdue", D(2025, 12, 31), 325, True),
        (QD74, "I.12", A2026, D(2026, 1, 15), "no_report_not_due", D(2026, 8, 31), None, False),
        (QD74, "I.9", A2026, NOV21, "no_report_overdue", D(2026, 3, 31), 235, False),
        ("hoi-nhap-quoc-te", "I.4", A2025, D(2026, 1, 15), "ongoing", D(2025, 12, 31), None, False),
        ("hoi-nhap-quoc-te", "II.4", A2026, D(2026, 1, 15), "no_report_overdue", D(2025, 12, 31), 15,
         True),
        ("aec-2026", "IV.4.1", A2027, D(2027, 12, 1), "no_report_not_due", D(2035, 12, 31), None, False),
    ],
)
def test_judgements_on_the_seeds(data, plan_id, task_id, period, today, code, due, days, carried):
    j = _judge(data, plan_id, task_id, period, today)
    assert (j.code, j.due, j.days_overdue, j.carried_over) == (code, due, days, carried)
    assert j.overdue == (code in OVERDUE_CODES)


def test_a_task_finished_before_the_year_is_not_in_it(data):
    assert _judge(data, QD74, "I.13", A2027, D(2027, 3, 1)) is None
    assert _judge(data, QD74, "I.12", A2025, NOV21) is None  # due in 2026


# ------------------------------------------------------------------- 1. past due without a report


def test_past_due_without_a_report_is_overdue_in_due_status_and_reports(data, run):
    sct = data.registry.resolve("Sở Công Thương")
    items = due(data, sct, NOV21, plans=[QD74], role="lead")
    assert sorted(i.id for i in items if i.overdue) == ["I.12", "I.9"]
    rows = _status_json(run, "--plan", QD74, "--agency", "Sở Công Thương", "--today", "2026-11-21")
    assert rows[("agency", "Sở Công Thương")]["overdue_total"] == 2
    ctx = build_context(data, QD74, "annual", 2026, "Sở Công Thương", today=NOV21)
    assert sorted(t["id"] for t in ctx["overdue"]) == ["I.12", "I.9"]
    consolidated = build_context(data, QD74, "annual", 2026, None, today=NOV21)
    not_due = [t for t in consolidated["tasks"] if t["status_code"] == "no_report_not_due"]
    assert all(t["due"] == "" or dt.datetime.strptime(t["due"], "%d/%m/%Y").date() >= NOV21 for t in not_due)
    late = {t["id"] for t in consolidated["overdue"]}
    assert {"I.9", "I.12", "IV.1"} <= late


# ---------------------------------------------------------------------------- 2. carried over


def test_carried_over_tasks_are_in_the_annual_report(data):
    ctx = build_context(data, QD74, "annual", 2026, None, today=NOV21)
    codes = {t["id"]: t["status_code"] for t in ctx["tasks"]}
    assert codes["I.13"] == "done_late" and codes["IV.1"] == "overdue"
    assert next(c["count"] for c in ctx["counts"] if c["code"] == "done_late") == 1
    assert "IV.1" in {t["id"] for t in ctx["overdue"]}


# ------------------------------------------------------------------------- 3. reviews


def test_reviews_judge_every_year_of_the_phase(data):
    """A review draws on every year's result: II.1 ("Hàng năm") done in 2025, then unreported from 2026,
    is overdue from the 2026 report day; I.4 ("Thường xuyên") has no date to miss but no report since 2025."""
    ctx = build_context(data, "hoi-nhap-quoc-te", "final", 2030, None, today=D(2031, 1, 15))
    codes = {t["id"]: t["status_code"] for t in ctx["tasks"]}
    assert codes["II.1"] == "no_report_overdue" and codes["II.6"] == "overdue"
    assert codes["I.4"] == "no_report_not_due"
    plan = data.plan("hoi-nhap-quoc-te").plan
    task = next(t for t in plan.tasks if t.id == "II.1")
    ii1 = judge(data, plan, task, period_of(plan, "final", 2030), D(2031, 1, 15))
    assert ii1.due == D(2026, 12, 31) and [h.period.year for h in ii1.history] == list(range(2025, 2031))
    assert [h.code for h in ii1.history][:2] == ["done_on_time", "no_report_overdue"]
    assert ctx["no_report"] == sum(c["count"] for c in ctx["counts"] if c["code"].startswith("no_report"))


# ---------------------------------------------------------------------- 4. accounting


@pytest.mark.parametrize(
    ("plan_id", "kind", "year", "today"),
    [(QD74, "annual", 2026, NOV21), ("aec-2026", "midterm", 2028, NOV21),
     ("hoi-nhap-quoc-te", "final", 2030, D(2031, 1, 15))],
)
def test_per_agency_table_reconciles_with_its_total(data, plan_id, kind, year, today):
    ctx = build_context(data, plan_id, kind, year, None, today=today)
    plan = data.plan(plan_id).plan
    rows = assess(data, lambda _p: period_of(plan, kind, year), today, plans=[plan_id])
    extra = len(rows) - ctx["total"]
    row_sum = sum(a["total"] for a in ctx["agencies"] + ctx["collectives"])
    assert row_sum == ctx["total"] + extra
    assert f"Tổng các dòng ({row_sum})" in ctx["agencies_rule"] if extra else "bằng tổng số" in ctx["agencies_rule"]
    for i, _code in enumerate(CODES):  # every class column reconciles the same way
        assert sum(a["counts"][i] for a in ctx["agencies"] + ctx["collectives"]) >= ctx["counts"][i]["count"]
    for a in ctx["agencies"]:
        assert not data.registry.resolve(a["name"]).is_collective


def test_collectives_are_a_block_never_an_agency_row(data):
    ctx = build_context(data, QD74, "annual", 2026, None, today=NOV21)
    names = {a["name"] for a in ctx["agencies"]}
    assert "Các sở, ban, ngành, đơn vị cấp tỉnh" not in names and "UBND các xã, phường" not in names
    assert {a["name"] for a in ctx["collectives"]} == {"Các sở, ban, ngành, đơn vị cấp tỉnh", "UBND các xã, phường"}


@pytest.mark.parametrize("agency", ["Sở Y tế", "Sở Tài chính"])
def test_agency_report_and_consolidated_appendix_count_alike(data, agency):
    consolidated = build_context(data, QD74, "annual", 2026, None, today=NOV21)
    row = next(a for a in consolidated["agencies"] if a["name"] == agency)
    own = build_context(data, QD74, "annual", 2026, agency, today=NOV21)
    assert own["total"] == row["total"]
    assert "I.10" not in {t["id"] for t in own["tasks"]}  # led by collectives: their block
    assert "I.10" in {t["id"] for t in own["collective_tasks"]}


# ---------------------------------------------------------------------------- 5. successors


def test_successor_by_kind_of_duty(data):
    plan = data.plan("qd1992-cong-nghiep-hoa").plan
    task = next(t for t in plan.tasks if t.id == "III.10.3")
    names = [r.name for r in responsibilities(data.registry, task)]
    assert sorted(names) == ["Sở Nông nghiệp và Môi trường", "Sở Nội vụ", "Sở Y tế"]
    rows = [r for r in assess(data, lambda _p: A2025, D(2025, 12, 31), plans=[plan.id])
            if r.judgement.task.id == "III.10.3"]
    assert sorted(r.agency for r in rows) == sorted(names)  # once each
    vocational = next(t for t in plan.tasks if t.id == "III.5.6")
    assert [r.name for r in responsibilities(data.registry, vocational)] == ["Sở Giáo dục và Đào tạo"]
    gddt = data.registry.resolve("Sở Giáo dục và Đào tạo")
    assert "III.10.3" not in {i.id for i in due(data, gddt, D(2025, 12, 1), plans=[plan.id], until=D(2026, 12, 31))}


def test_status_for_an_agency_shows_no_other_agency(run):
    rows = _status_json(run, "--agency", "Sở Nội vụ", "--today", "2026-11-21")
    assert {name for scope, name in rows if scope == "agency"} == {"Sở Nội vụ"}


def test_registry_successions_cite_their_basis(data):
    for aid in ("so-lao-dong-tbxh", "bo-lao-dong-tbxh"):
        a = data.registry.get(aid)
        assert len(a.replaced_by) == 4 and {s.to for s in a.successions} == set(a.replaced_by)
        assert "giảm nghèo" in a.basis
    ubnd_huyen = data.registry.resolve("UBND các huyện, thị xã, thành phố")
    assert "203/2025/QH15" in ubnd_huyen.basis and "72/2025/QH15" in ubnd_huyen.basis
    assert "202/2025" not in ubnd_huyen.basis
    assert not any("đặc khu" in n for a in data.registry for n in data.registry.names_of(a))


# ----------------------------------------------------------------------- 6. lead is not support


def test_a_lead_is_never_its_own_supporter(data):
    snv = data.registry.resolve("Sở Nội vụ")
    items = due(data, snv, D(2026, 1, 15), role="support", until=D(2030, 12, 31))
    assert items
    for i in items:
        if i.task is not None:
            assert i.role == "support"
            assert "Sở Nội vụ" not in [r.name for r in responsibilities(data.registry, i.task)]


# ---------------------------------------------------------------------- 7. late entry


def test_a_2025_result_entered_in_2026_counts_for_2025(data_copy: Path, run):
    done = run("progress", "set", f"{QD74}/I.13", "--status", "done",
               "--date", "2025-11-25", "--data", str(data_copy), "--today", "2026-02-10")
    assert done.exit_code == 0, done.stderr
    assert (data_copy / "progress" / QD74 / "2025.yaml").is_file()
    rows = _status_json(run, "--plan", QD74, "--year", "2025", "--today", "2026-02-10", "--data", str(data_copy))
    assert rows[("agency", "Sở Tài chính")]["done_on_time"] == 1
    assert rows[("agency", "Sở Tài chính")]["no_report_overdue"] == 0
    from kehoach.dataset import load_data

    ctx = build_context(load_data(data_copy), QD74, "annual", 2025, "Sở Tài chính", today=D(2026, 2, 10))
    assert {t["id"]: t["status_code"] for t in ctx["tasks"]}["I.13"] == "done_on_time"
    # Known only from 10/02/2026: an answer for an earlier reference day does not change.
    before = _status_json(run, "--plan", QD74, "--year", "2025", "--today", "2026-02-01", "--data", str(data_copy))
    assert before[("agency", "Sở Tài chính")]["done_on_time"] == 0


# ---------------------------------------------------------------------- 8. example data


def test_bundled_example_progress_is_marked_example(run):
    shown = json.loads(run("progress", "show", "--plan", QD74, "--format", "json").stdout)
    assert shown and all(r["example"] for r in shown)


# I.1 done, I.2 (Quý I/2026, Sở Kế hoạch và Đầu tư → Sở Tài chính) still in progress, so overdue in `due`.
_FX_PROGRESS = """plan: fx-2026
year: 2026
{mark}tasks:
  "I.1":
    status: done
    completed: 2026-02-20
    result: Đã trình UBND tỉnh danh mục.
  "I.2":
    status: in-progress
    result: Đang rà soát.
"""


@pytest.mark.parametrize("example", [True, False], ids=["example", "real"])
def test_example_progress_is_said_so_and_real_progress_is_not(run, tmp_path: Path, example: bool):
    data = str(fixture_data(tmp_path / "data", _FX_PROGRESS.format(mark="example: true\n" if example else "")))
    shown = json.loads(run("progress", "show", "--plan", "fx-2026", "--format", "json", "--data", data).stdout)
    assert [(r["id"], r["example"]) for r in shown] == [("I.1", example), ("I.2", example)]
    table = run("status", "--plan", "fx-2026", "--today", "2026-11-21", "--data", data)
    assert table.exit_code == 0, table.stderr
    assert ("VÍ DỤ MINH HỌA" in table.stdout) is example
    items = json.loads(
        run("due", "--agency", "Sở Tài chính", "--today", "2026-11-21", "--format", "json", "--data", data).stdout
    )
    assert [(r["id"], r["overdue"], r["example"]) for r in items if r["id"] == "I.2"] == [("I.2", True, example)]
    out = tmp_path / "bc.docx"
    result = run("report", "annual", "--plan", "fx-2026", "--year", "2026", "--today", "2026-11-21", "-o", str(out),
                 "--data", data)
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in Document(str(out)).paragraphs]
    assert ("VÍ DỤ MINH HỌA" in "\n".join(paragraphs[:12])) is example
    assert ("VÍ DỤ MINH HỌA" in "\n".join(paragraphs)) is example


# --------------------------------------------------------------------------- property


_ANSWERING: dict[str, list] = {}


def _answering(data, plan_id: str) -> list:
    """Agencies answering by name for some task of the plan."""
    if plan_id in _ANSWERING:
        return _ANSWERING[plan_id]
    plan = data.plan(plan_id).plan
    seen = {}
    for t in plan.tasks:
        for r in responsibilities(data.registry, t):
            if not r.collective and r.agency is not None:
                seen[r.agency.id] = r.agency
    return _ANSWERING.setdefault(plan_id, list(seen.values()))


@st.composite
def _scenario(draw, data):
    plan_id = draw(st.sampled_from(sorted(lp.plan.id for lp in data.plans)))
    plan = data.plan(plan_id).plan
    tasks = [t.id for t in plan.tasks]
    files: dict[tuple[str, int], dict[str, TaskProgress]] = {}
    for _ in range(draw(st.integers(0, 12))):
        year = draw(st.integers(plan.start_year, min(plan.start_year + 3, plan.end_year)))
        status = draw(st.sampled_from(["done", "in-progress", "not-started"]))
        day = D(year, 1, 1) + dt.timedelta(days=draw(st.integers(0, 500)))
        reported = day + dt.timedelta(days=draw(st.integers(0, 60)))
        tp = TaskProgress(status=status, completed=day if status == "done" else None, reported_on=reported)
        files.setdefault((plan_id, year), {})[draw(st.sampled_from(tasks))] = tp
    today = D(plan.start_year, 1, 1) + dt.timedelta(days=draw(st.integers(0, 4 * 365)))
    return plan_id, files, today


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.data())
def test_status_and_due_agree_and_tables_reconcile(data, drawn):
    plan_id, files, today = drawn.draw(_scenario(data))
    d = dataclasses.replace(
        data, _progress=Progress({k: ProgressFile(plan=k[0], year=k[1], tasks=v) for k, v in files.items()}, [], {})
    )
    rows = assess(d, lambda _p: ReportPeriod.annual(today.year), today, plans=[plan_id])
    t = tally(rows)
    assert t.rows_sum == t.tasks + t.extra == len(rows)
    assert sum(t.total.values()) == t.tasks
    for code in CODES:
        in_rows = sum(c[code] for c in (*t.agencies.values(), *t.collectives.values()))
        assert in_rows == sum(1 for r in rows if r.judgement.code == code)
    for agency in _answering(data, plan_id):
        table = status_table(d, today, plans=[plan_id], agency=agency)
        row = next((r for r in table.rows if r.scope == "agency" and r.name == agency.name), None)
        late = row.overdue_total if row else 0
        items = due(d, agency, today, plans=[plan_id])
        assert late == sum(1 for i in items if i.role == "lead" and i.overdue), (agency.name, today)
        total = next(r for r in table.rows if r.scope == "total")
        assert total.total == sum(r.total for r in table.rows if r.scope == "agency")


def test_each_status_row_says_whether_example_data_went_into_it(data):
    from kehoach.status import status_table

    table = status_table(data, D(2026, 11, 21), plans=["qd74-dai-hoi-xx"])
    rows = {(r.scope, r.name): r for r in table.rows}
    assert rows[("total", "Tổng cộng")].example and rows[("plan", "qd74-dai-hoi-xx")].example
    # Sở Tài chính's I.13 result comes from the example file; an agency row without any record is not marked.
    assert rows[("agency", "Sở Tài chính")].example
    assert any(not r.example for r in table.rows if r.scope == "agency")


@pytest.mark.parametrize("name", ["Bộ Kế hoạch và Đầu tư", "Bộ Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Tài chính"])
def test_a_dissolved_agency_and_its_successor_agree_between_due_and_status(data, name):
    from kehoach.query import due
    from kehoach.status import status_table

    today = D(2026, 12, 20)
    agency = data.registry.resolve(name)
    late = {(i.plan.id, i.id) for i in due(data, agency, today, until=today) if i.overdue and i.task is not None}
    total = next(r for r in status_table(data, today, agency=agency).rows if r.scope == "total")
    assert len(late) == total.overdue_total, name


@pytest.mark.parametrize(
    "today", [dt.date(2025, 12, 1), dt.date(2026, 1, 15), dt.date(2026, 11, 21), dt.date(2029, 3, 31)]
)
def test_status_codes_judging_alike_tasks_once_equals_judging_each(data, today):
    from kehoach.status import current_judgement, status_codes

    pairs = [(lp.plan, t) for lp in data.plans for t in lp.plan.tasks]
    each = {(p.id, t.id): current_judgement(data, p, t, today).code for p, t in pairs}
    assert status_codes(data, pairs, today) == each
    recorded = [(p, t) for p, t in pairs if data.progress.has_records(p.id, t.id)]
    assert recorded and len(recorded) < len(pairs)  # both ways of judging are exercised
