"""Queries on the encoded seeds: concrete task ids for concrete agencies and dates."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import BUNDLED_PLANS
from kehoach.query import due, find_tasks, parse_cycle

D = dt.date


def _due(data, name, today, **kw):
    return [(i.plan.id, i.id) for i in due(data, data.registry.resolve(name), today, **kw)]


def test_due_for_so_tai_chinh_lists_overdue_first_then_by_date(data):
    every = due(data, data.registry.resolve("Sở Tài chính"), D(2026, 1, 15))
    items = [i for i in every if i.plan.id in BUNDLED_PLANS]  # in the order of all, whatever else data/plans holds
    # the yearly report due 30/11/2025 is not recorded as sent: it stays, overdue, beside the tasks
    missed = items[0]
    assert (missed.plan.id, missed.id, missed.overdue) == ("qd1992-cong-nghiep-hoa", "BC-HN", True)
    assert missed.days_left == -46
    first = next(i for i in items if i.task is not None)
    assert (first.plan.id, first.id, first.overdue, first.days_left) == ("qd74-dai-hoi-xx", "I.13", True, -46)
    assert first.reason == "direct" and first.role == "lead"
    ids = [(i.plan.id, i.id) for i in items]
    assert ("qd74-dai-hoi-xx", "I.5") in ids  # Tháng 02/2026, led directly
    dues = [i.due for i in every if not i.overdue]
    assert dues == sorted(dues)
    assert all(i.due <= D(2026, 4, 15) for i in every)
    assert [i.overdue for i in every] == sorted((i.overdue for i in every), reverse=True)


def test_due_includes_tasks_of_predecessor_agency(data):
    # Bộ Kế hoạch và Đầu tư merged into Bộ Tài chính (2025): its NQ 13 tasks are now Bộ Tài chính's.
    items = due(data, data.registry.resolve("Bộ Tài chính"), D(2026, 1, 15))
    pred = {(i.plan.id, i.id): i for i in items if i.reason == "successor"}
    assert {("nq13-thanh-hoa", "2.5"), ("nq13-thanh-hoa", "9.2")} <= set(pred)
    assert pred[("nq13-thanh-hoa", "2.5")].via == "Bộ Kế hoạch và Đầu tư"
    assert pred[("nq13-thanh-hoa", "2.5")].overdue
    # 2.6 was reported done in the 2021 progress file: never overdue.
    assert ("nq13-thanh-hoa", "2.6") not in {(i.plan.id, i.id) for i in items}


def test_strict_keeps_direct_assignments_only(data):
    strict = due(data, data.registry.resolve("Bộ Tài chính"), D(2026, 1, 15), strict=True)
    assert all(i.reason == "direct" for i in strict)
    assert ("nq13-thanh-hoa", "2.5") not in {(i.plan.id, i.id) for i in strict}


def test_due_includes_collective_assignments_with_their_reason(data):
    items = due(data, data.registry.resolve("Sở Tài chính"), D(2026, 1, 15))
    collective = {i.id: i for i in items if i.reason == "collective"}
    assert "I.6" in collective  # Quý I/2026, support "Các sở, ban, ngành, đơn vị cấp tỉnh"
    assert collective["I.6"].role == "support"
    assert collective["I.6"].via == "Các sở, ban, ngành, đơn vị cấp tỉnh"


def test_recurring_duties_annual_report_and_consolidation(data):
    items = due(data, data.registry.resolve("Sở Tài chính"), D(2026, 10, 1))
    reports = {(i.plan.id, i.id): i.due for i in items if i.kind == "report"}
    assert reports[("aec-2026", "BC-HN")] == D(2026, 11, 10)  # trước ngày 10/11 hằng năm, gửi Sở Công Thương
    items = due(data, data.registry.resolve("Sở Công Thương"), D(2026, 10, 1))
    reports = {(i.plan.id, i.id): i.due for i in items if i.kind == "report"}
    assert reports[("aec-2026", "BC-TH")] == D(2026, 11, 20)  # Sở Công Thương tổng hợp trước 20/11
    assert ("aec-2026", "BC-HN") not in reports  # it does not report to itself
    later = due(data, data.registry.resolve("Sở Công Thương"), D(2026, 12, 1), until=D(2026, 12, 31))
    annual = {i.id for i in later if i.plan.id == "hoi-nhap-quoc-te" and i.kind == "annual"}
    assert {"II.1", "II.4"} <= annual  # "Hàng năm" tasks led by Sở Công Thương


def test_semiannual_task_falls_on_30_june(data):
    items = due(data, data.registry.resolve("Sở Tài chính"), D(2026, 6, 1), until=D(2026, 7, 1))
    semi = [i for i in items if i.kind == "semiannual"]
    assert [(i.plan.id, i.id, i.due) for i in semi] == [("hoi-nhap-quoc-te", "II.6", D(2026, 6, 30))]


def test_tasks_filter_by_cycle(data):
    midterm = parse_cycle("midterm-2028", data.plan("aec-2026").plan)
    assert (midterm.start, midterm.end) == (D(2026, 1, 1), D(2028, 12, 31))
    late = parse_cycle("midterm-2032", data.plan("aec-2026").plan)
    assert (late.start, late.end) == (D(2031, 1, 1), D(2032, 12, 31))
    hits = find_tasks(data, plans=["qd74-dai-hoi-xx"], cycle="annual-2025")
    assert {"I.13", "II.1", "IV.1"} <= {h.task.id for h in hits}
    assert "I.5" not in {h.task.id for h in hits}  # Tháng 02/2026


def test_tasks_search_ignores_diacritics(data):
    hits = find_tasks(data, search="dao me")
    assert [(h.plan.id, h.task.id) for h in hits if h.plan.id in BUNDLED_PLANS] == [("qd74-dai-hoi-xx", "I.14")]


@pytest.mark.parametrize("spelling", ["Sở Tài chính", "so tai chinh", "SỞ TÀI CHÍNH", "STC"])
def test_agency_spellings_give_the_same_answer(run, spelling):
    result = run("due", "--agency", spelling, "--today", "2026-01-15", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = [r for r in json.loads(result.stdout) if r["plan"] in BUNDLED_PLANS and r["kind"] != "report"]
    assert rows[0]["id"] == "I.13"


def test_unknown_agency_exits_2_with_suggestions_and_nothing_on_stdout(run):
    result = run("due", "--agency", "Sở Tài chánh", "--today", "2026-01-15")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Sở Tài chính" in result.stderr


def test_due_json_fields_are_the_documented_porcelain(run):
    result = run("due", "-a", "Bộ Tài chính", "--today", "2026-01-15", "-f", "json")
    item = next(i for i in json.loads(result.stdout) if i["id"] == "2.5")
    assert {"plan", "id", "content", "due", "days_left", "overdue", "role", "reason", "via", "kind", "status"} <= set(
        item
    )
    assert item["due"] == "2021-12-31" and item["reason"] == "successor" and item["via"] == "Bộ Kế hoạch và Đầu tư"


def test_tasks_json_has_canonical_lead_names(run):
    result = run("tasks", "--plan", "qd1992-cong-nghiep-hoa", "--agency", "Sở Tài chính", "--role", "lead",
                 "--format", "json")
    items = json.loads(result.stdout)
    old_name = [i for i in items if i["lead"] == ["Sở Kế hoạch và Đầu tư"]]
    assert old_name and all(i["reason"] == "successor" for i in old_name)
    assert {i["reason"] for i in items} <= {"direct", "successor", "collective"}
    assert set(items[0]["deadline"]) == {"text", "kind", "start", "due", "recurrence", "condition"}


def test_tasks_json_keeps_the_names_as_written_beside_the_registry_names(run):
    result = run("tasks", "--plan", "qd74-dai-hoi-xx", "--format", "json")
    item = next(i for i in json.loads(result.stdout) if i["id"] == "I.2")
    assert item["lead_as_written"] == ["Sở Xây dựng", "Ban QL KKT Nghi Sơn và các KCN", "UBND các xã, phường"]
    assert item["lead"][1] == "Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp"
    assert len(item["support_as_written"]) == len(item["support"])


@pytest.mark.parametrize(
    ("written", "current"),
    [
        ("Cục Thuế tỉnh", "Thuế tỉnh Thanh Hóa"),
        ("Kho bạc Nhà nước Thanh Hóa", "Kho bạc Nhà nước khu vực X"),
        ("Cục Thống kê tỉnh", "Chi cục Thống kê tỉnh Thanh Hóa"),
        ("NHNN chi nhánh Thanh Hóa", "Ngân hàng Nhà nước Khu vực 7"),
        ("Cục QLTT tỉnh", "Chi cục Quản lý thị trường tỉnh Thanh Hóa"),
        ("BHXH tỉnh", "Bảo hiểm xã hội tỉnh Thanh Hóa"),
        ("Ban Thi đua - Khen thưởng tỉnh", "Ban Thi đua - Khen thưởng tỉnh"),
    ],
)
def test_provincial_branches_of_central_bodies_resolve_to_todays_body(data, written, current):
    reg = data.registry
    assert [a.name for a in reg.current(written)] == [current]
    today = reg.resolve(current)
    assert today.level == "province" and today.parent
    # "Các sở, ban, ngành" reaches a branch as it reaches a department.
    assert reg.covers(reg.resolve("Các sở, ban, ngành"), today)


def test_plans_json(run):
    plans = {p["id"]: p for p in json.loads(run("plans", "--format", "json").stdout)}
    assert plans["qd74-dai-hoi-xx"]["number"] == "74/QĐ-UBND"
    assert plans["qd74-dai-hoi-xx"]["issued"] == "2026-01-07"
    assert plans["aec-2026"]["reviews"] == [
        {"kind": "midterm", "year": 2028},
        {"kind": "final", "year": 2030},
        {"kind": "midterm", "year": 2032},
        {"kind": "final", "year": 2035},
    ]
    assert plans["hoi-nhap-quoc-te"]["number"] is None


def test_agencies_show_names_successor(run):
    result = run("agencies", "show", "so ke hoach va dau tu", "--format", "json")
    row = json.loads(result.stdout)
    assert row["replaced_by"] == ["Sở Tài chính"]
    result = run("agencies", "show", "Sở Tài chính", "--format", "json")
    assert "Sở Kế hoạch và Đầu tư" in json.loads(result.stdout)["predecessors"]


def test_cycles_lists_reviews_and_report_days(run):
    rows = json.loads(run("cycles", "--plan", "aec-2026", "--year", "2028", "--format", "json").stdout)
    assert {(r["kind"], r["date"]) for r in rows} == {
        ("annual", "2028-11-10"),
        ("consolidated", "2028-11-20"),
        ("midterm", None),
    }


def test_csv_output_has_a_header_and_one_row_per_item(run):
    result = run("tasks", "--plan", "aec-2026", "--format", "csv")
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("plan,id,")
    assert len(lines) == 1 + 16


def test_final_review_covers_tasks_due_before_the_date_of_issue(data):
    hits = {h.task.id for h in find_tasks(data, plans=["qd74-dai-hoi-xx"], cycle="final-2030")}
    assert len(hits) == 35
    assert {"I.13", "II.1"} <= hits  # Tháng 11/2025, before 07/01/2026


def test_undated_consolidation_is_listed_with_the_assumption_said(data):
    items = due(data, data.registry.resolve("Sở Ngoại vụ"), D(2026, 12, 1))
    cons = [i for i in items if (i.plan.id, i.id) == ("hoi-nhap-quoc-te", "BC-TH")]
    # 31/12/2025 passed without a sent consolidation recorded: overdue; 31/12/2026 is coming
    assert [(i.due, i.overdue) for i in cons] == [(D(2025, 12, 31), True), (D(2026, 12, 31), False)]
    assert all("tạm tính 31/12" in i.why for i in cons)


def test_report_recipient_that_no_longer_exists_is_named_with_its_successor(data):
    items = due(data, data.registry.resolve("UBND tỉnh"), D(2026, 12, 1))
    bcs = [i for i in items if (i.plan.id, i.id) == ("nq13-thanh-hoa", "BC-HN")]
    assert bcs and all("Bộ Tài chính (trước đây: Bộ Kế hoạch và Đầu tư)" in bc.content for bc in bcs)


def test_ubnd_tinh_is_not_one_of_the_departments(data):
    items = due(data, data.registry.resolve("UBND tỉnh"), D(2026, 1, 15))
    assert all(i.reason == "direct" for i in items)


def test_a_missed_yearly_report_is_listed_as_overdue(data):
    items = due(data, data.registry.resolve("Sở Công Thương"), D(2026, 1, 15))
    missed = {(i.plan.id, i.id): i for i in items if i.kind == "annual" and i.overdue}
    # II.4 "Hàng năm": nothing reported for 2025; II.1 was reported done in the 2025 example file.
    assert ("hoi-nhap-quoc-te", "II.4") in missed and missed[("hoi-nhap-quoc-te", "II.4")].due == D(2025, 12, 31)
    assert ("hoi-nhap-quoc-te", "II.1") not in missed


def test_new_deadline_forms_reach_due_and_status(data_copy):
    """A quarterly duty is due each quarter; a conditional one is listed by tasks, never overdue."""
    from kehoach.dataset import load_data
    from kehoach.status import current_judgement

    plan_file = data_copy / "plans" / "hoi-nhap-quoc-te.yaml"
    text = plan_file.read_text(encoding="utf-8")
    assert text.count("deadline: Định kỳ 6 tháng") == 1
    text = text.replace("deadline: Định kỳ 6 tháng", "deadline: Hằng quý, trước ngày 15 tháng cuối quý")
    plan_file.write_text(text, encoding="utf-8")
    data = load_data(data_copy)
    assert not [p for p in data.problems if p.severity == "error"]
    items = due(data, data.registry.resolve("Sở Tài chính"), D(2026, 6, 1), until=D(2026, 9, 30))
    quarterly = [(i.id, i.due, i.overdue) for i in items if i.kind == "quarterly"]
    # Nothing reported for 2026: March's report is owed, June's comes next.
    assert quarterly == [("II.6", D(2026, 3, 15), True), ("II.6", D(2026, 6, 15), False)]
    later = due(data, data.registry.resolve("Sở Tài chính"), D(2026, 6, 16), until=D(2026, 9, 30))
    assert [(i.id, i.due, i.overdue) for i in later if i.kind == "quarterly"] == [
        ("II.6", D(2026, 6, 15), True),
        ("II.6", D(2026, 9, 15), False),
    ]
    plan = data.plan("hoi-nhap-quoc-te").plan
    task = next(t for t in plan.tasks if t.id == "II.6")
    assert current_judgement(data, plan, task, D(2026, 6, 16)).due == D(2026, 6, 15)


def test_conditional_deadline_is_listed_and_never_overdue(data_copy):
    from kehoach.dataset import load_data
    from kehoach.status import current_judgement

    plan_file = data_copy / "plans" / "hoi-nhap-quoc-te.yaml"
    text = plan_file.read_text(encoding="utf-8")
    text = text.replace("deadline: Định kỳ 6 tháng", "deadline: Sau khi Trung ương ban hành hướng dẫn")
    plan_file.write_text(text, encoding="utf-8")
    data = load_data(data_copy)
    hits = find_tasks(data, plans=["hoi-nhap-quoc-te"], kind="condition")
    assert [(h.task.id, h.deadline.condition) for h in hits] == [("II.6", "Sau khi Trung ương ban hành hướng dẫn")]
    plan = hits[0].plan
    judged = current_judgement(data, plan, hits[0].task, D(2035, 1, 1))
    assert judged.code in ("no_report_not_due", "in_time") and not judged.overdue
    items = due(data, data.registry.resolve("Sở Tài chính"), D(2030, 1, 1), until=D(2030, 12, 31))
    assert not [i for i in items if i.id == "II.6" and i.plan.id == "hoi-nhap-quoc-te" and i.overdue]


@pytest.mark.parametrize("today", [D(2026, 1, 15), D(2026, 11, 26), D(2027, 3, 1)])
def test_a_due_row_never_carries_another_cycles_class(data, today):
    """A coming report day of a yearly task is judged for its own cycle, not the missed one before it."""
    from kehoach.status import OVERDUE_CODES

    for name in ("Sở Tài chính", "Sở Ngoại vụ", "Sở Công Thương"):
        for item in due(data, data.registry.resolve(name), today, until=today + dt.timedelta(days=400)):
            if item.status is None:
                continue
            assert item.overdue == (item.status in OVERDUE_CODES), (name, item.plan.id, item.id, item.due)


def test_the_yearly_task_missed_last_year_is_listed_twice_with_two_classes(data):
    items = due(data, data.registry.resolve("Sở Công Thương"), D(2026, 1, 15), until=D(2026, 12, 31))
    ii4 = [(i.due, i.status) for i in items if (i.plan.id, i.id) == ("hoi-nhap-quoc-te", "II.4")]
    assert ii4 == [(D(2025, 12, 31), "no_report_overdue"), (D(2026, 12, 31), "no_report_not_due")]


def test_counting_every_agency_at_once_equals_counting_each(data):
    """`kehoach agencies` counts in one pass; the answer is the per-agency count for every agency."""
    from kehoach.catalog import all_task_counts, task_counts

    agencies = list(data.registry)
    together = all_task_counts(data, agencies)
    assert {a.id: task_counts(data, a) for a in agencies} == together
    assert sum(c.lead for c in together.values()) > 100


def test_one_consolidator_when_monitor_and_consolidated_by_differ(data_copy):
    from kehoach.dataset import load_data
    from kehoach.report.context import report_issuer

    path = data_copy / "plans" / "qd74-dai-hoi-xx.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("monitor: Sở Tài chính") == 1
    path.write_text(text.replace("monitor: Sở Tài chính", "monitor: Sở Công Thương"), encoding="utf-8")
    data = load_data(data_copy)
    plan = data.plan("qd74-dai-hoi-xx").plan
    today, until = D(2026, 11, 26), D(2026, 12, 31)

    def owes(name):
        return [i.id for i in due(data, data.registry.resolve(name), today, until=until, plans=["qd74-dai-hoi-xx"])
                if i.id == "BC-TH"]

    assert owes("Sở Tài chính") == ["BC-TH"] and owes("Sở Công Thương") == []
    assert report_issuer(data, plan).name == "Sở Tài chính"


@pytest.mark.parametrize("name", ["Sở Tài chính", "Sở Y tế", "Sở Nội vụ", "Sở Công Thương"])
@pytest.mark.parametrize("today", [D(2026, 1, 15), D(2026, 12, 20), D(2028, 7, 1)])
def test_due_skips_by_deadline_only_what_cannot_be_listed(data, name, today):
    """``due`` skips a task whose one-off deadline is after the window without asking the engine; the
    lines are those of asking the engine about every task the agency has a role in."""
    from kehoach.status import ReportPeriod, judge

    agency = data.registry.resolve(name)
    until = today + dt.timedelta(days=90)
    listed = {(i.plan.id, i.id) for i in due(data, agency, today) if i.role in ("lead", "support")}
    skipped = 0
    for hit in find_tasks(data, agency=agency):
        d = hit.deadline
        if d is None or d.recurring or (d.due is not None and d.due <= until):
            continue  # may be listed; the skip does not apply
        j = judge(data, hit.plan, hit.task, ReportPeriod.annual(today.year), today)
        assert j is None or not j.overdue, (hit.plan.id, hit.task.id)
        assert (hit.plan.id, hit.task.id) not in listed
        skipped += 1
    assert skipped > 0
    # An earlier ``until`` (the library allows it) never hides what is overdue today.
    overdue = {(i.plan.id, i.id) for i in due(data, agency, today) if i.overdue}
    early = {(i.plan.id, i.id) for i in due(data, agency, today, until=today - dt.timedelta(days=30)) if i.overdue}
    assert early == overdue
