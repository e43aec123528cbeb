"""Exports read back with the tools users open them in: icalendar for .ics, sqlite3 for the database."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import icalendar
import pytest

from kehoach.dataset import DataSet
from kehoach.deadlines import RECURRING_KINDS
from kehoach.export.ics import event_uid
from kehoach.query import due, find_tasks
from kehoach.status import STATUS_LABELS, status_codes, status_table

TODAY = "2026-11-21"
REF = dt.date(2026, 11, 21)


def _missed(event: icalendar.Event) -> bool:
    """The flagged event of a recurring report day that passed without a report."""
    return str(event["SUMMARY"]).startswith("QUÁ HẠN – Báo cáo")


def _events(path: Path) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return list(cal.walk("VEVENT"))


def _dated_tasks(data: DataSet) -> set[tuple[str, str]]:
    return {
        (lp.plan.id, t.id)
        for lp in data.plans
        for t in lp.plan.tasks
        if (d := data.deadline(lp.plan, t)) is not None and d.due is not None and not d.recurring and d.kind != "event"
    }


# ---------------------------------------------------------------- calendar


def test_calendar_has_one_all_day_event_per_dated_deadline(run, data, tmp_path):
    out = tmp_path / "all.ics"
    result = run("calendar", "-o", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    events = _events(out)
    dated = _dated_tasks(data)
    assert dated
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == len(events), "UIDs are unique"
    for plan_id, task_id in dated:
        ev = by_uid[event_uid(plan_id, task_id, "deadline")]
        task_due = data.deadline(data.plan(plan_id).plan, next(t for t in data.plan(plan_id).plan.tasks
                                                                  if t.id == task_id)).due
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        assert type(start) is dt.date and start == task_due  # all-day: a date, not a date-time
        assert end == start + dt.timedelta(days=1)
        assert ev["DTSTART"].params.get("VALUE") == "DATE" or "VALUE=DATE" in ev.to_ical().decode()
        assert "RRULE" not in ev
    singles = [e for e in events if "RRULE" not in e and not _missed(e)]
    assert len(singles) == len(dated)


def test_calendar_uids_are_stable_across_exports(run, tmp_path):
    a, b = tmp_path / "a.ics", tmp_path / "b.ics"
    first = run("calendar", "-o", str(a), "--today", TODAY)
    assert first.exit_code == 0 and first.stderr == ""  # no progress bar when stderr is not a terminal
    assert run("calendar", "-o", str(b), "--today", "2027-03-01").exit_code == 0
    uids_a = [str(e["UID"]) for e in _events(a) if not _missed(e)]
    uids_b = [str(e["UID"]) for e in _events(b) if not _missed(e)]
    assert sorted(uids_a) == sorted(uids_b)
    assert uids_a[0].count("-") == 4  # a UUID


def test_calendar_recurring_duties_and_overdue(run, data, tmp_path):
    out = tmp_path / "stc.ics"
    result = run("calendar", "--agency", "Sở Tài chính", "--plan", "qd74-dai-hoi-xx", "--plan", "aec-2026",
                 "-o", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    events = _events(out)
    # aec-2026: each agency with tasks reports to Sở Công Thương by 10/11, every year of the plan.
    aec = data.plan("aec-2026").plan
    report = next(e for e in events if str(e["UID"]) == event_uid("aec-2026", "BC-HN:so-tai-chinh", "annual-report"))
    assert report.decoded("DTSTART") == dt.date(2026, 11, 10)
    assert report["RRULE"]["FREQ"] == ["YEARLY"]
    assert report["RRULE"]["UNTIL"][0] == dt.date(aec.end_year, 11, 10)
    assert "Sở Công Thương" in str(report["DESCRIPTION"])
    # qd74: Sở Tài chính consolidates; the document states no day, so 31/12 is assumed and said.
    cons = next(e for e in events if str(e["UID"]) == event_uid("qd74-dai-hoi-xx", "BC-TH", "consolidated-report"))
    assert cons.decoded("DTSTART").strftime("%d/%m") == "31/12"
    assert "tạm tính 31/12" in str(cons["DESCRIPTION"])
    # Every recurring event is a duty or a report of a "Hằng năm" / "Định kỳ 6 tháng" task.
    for e in events:
        if "RRULE" in e and e is not report and e is not cons:
            assert "Báo cáo định kỳ" in str(e["DESCRIPTION"])
    # I.1 (Quý II/2026, Sở Tài chính chủ trì) is past due and not reported done; I.13 was done late.
    i1 = next(e for e in events if str(e["UID"]) == event_uid("qd74-dai-hoi-xx", "I.1", "deadline"))
    assert str(i1["SUMMARY"]).startswith("QUÁ HẠN")
    desc = str(i1["DESCRIPTION"])
    assert "Chủ trì: Sở Tài chính" in desc and "Nguồn:" in desc and "Thời hạn: Quý II/2026" in desc
    assert "Vai trò của Sở Tài chính: chủ trì" in desc
    i13 = next(e for e in events if str(e["UID"]) == event_uid("qd74-dai-hoi-xx", "I.13", "deadline"))
    assert str(i13["SUMMARY"]).startswith("qd74-dai-hoi-xx/I.13: ")
    assert STATUS_LABELS["done_late"] in str(i13["DESCRIPTION"])
    # Every single-day event is one of the agency's tasks.
    stc = data.registry.resolve("Sở Tài chính")
    mine = {event_uid(h.plan.id, h.task.id, "deadline")
            for h in find_tasks(data, plans=["qd74-dai-hoi-xx", "aec-2026"], agency=stc)}
    singles = {str(e["UID"]) for e in events if "RRULE" not in e and not _missed(e)}
    assert singles and singles <= mine
    # Overdue in the calendar is overdue in `due`: the same tasks, and nothing more.
    late = {(i.plan.id, i.id) for i in due(data, stc, dt.date.fromisoformat(TODAY), until=dt.date.fromisoformat(TODAY),
                                          plans=["qd74-dai-hoi-xx", "aec-2026"]) if i.overdue}
    flagged = {
        tuple(str(e["SUMMARY"]).removeprefix("QUÁ HẠN – ").removeprefix("Báo cáo ").split(":")[0].split(" kỳ")[0]
              .split("/", 1))
        for e in events if str(e["SUMMARY"]).startswith("QUÁ HẠN")
    }
    assert late and flagged == late


def test_calendar_never_overwrites_without_force(run, tmp_path):
    out = tmp_path / "x.ics"
    out.write_text("mine")
    result = run("calendar", "-o", str(out))
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert out.read_text() == "mine"
    assert run("calendar", "-o", str(out), "--force").exit_code == 0
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert run("calendar", "-o", str(tmp_path / "x.txt")).exit_code == 2
    assert run("calendar", "-o", str(tmp_path / "y.ics"), "--role", "lead").exit_code == 2


# ---------------------------------------------------------------- SQLite


@pytest.fixture(scope="session")  # built once per worker, even when xdist interleaves modules
def db(tmp_path_factory) -> sqlite3.Connection:
    from typer.testing import CliRunner

    from kehoach.cli import app

    path = tmp_path_factory.mktemp("db") / "kehoach.db"
    result = CliRunner().invoke(app, ["export", "sqlite", "-o", str(path), "--today", TODAY, "--data", "data"])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def test_sqlite_row_counts_equal_the_data(db, data):
    plans = [lp.plan for lp in data.plans]
    count = lambda table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: E731
    assert count("plans") == len(plans)
    assert count("tasks") == sum(len(p.tasks) for p in plans)
    assert count("sections") == sum(len(p.sections) for p in plans)
    assert count("targets") == sum(len(p.targets) for p in plans)
    assert count("agencies") == len(list(data.registry))
    assert count("agency_successors") == sum(len(a.replaced_by) for a in data.registry)
    from kehoach.progress import progress_of

    files = progress_of(data).files.values()
    assert count("progress") == sum(len(f.tasks) for f in files)
    assert count("target_progress") == sum(len(f.targets) for f in files)
    leads = db.execute("SELECT COUNT(*) FROM task_agencies WHERE task_key = ? AND role = 'lead'",
                       ("qd74-dai-hoi-xx/I.13",)).fetchone()[0]
    task = next(t for t in data.plan("qd74-dai-hoi-xx").plan.tasks if t.id == "I.13")
    assert leads == len(task.lead)


def test_sqlite_foreign_keys_hold(db):
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    fks = {row[2] for row in db.execute("SELECT * FROM pragma_foreign_key_list('tasks')")}
    assert {"plans", "sections"} <= fks


def test_sqlite_full_text_search_ignores_diacritics(db):
    sql = "SELECT t.key FROM tasks_fts JOIN tasks t ON t.rowid = tasks_fts.rowid WHERE tasks_fts MATCH ?"
    exact = {r[0] for r in db.execute(sql, ('"Đảo Mê"',))}
    assert "qd74-dai-hoi-xx/I.14" in exact
    bare = {r[0] for r in db.execute(sql, ('"dao me"',))}
    assert exact <= bare
    assert {r[0] for r in db.execute(sql, ('"đao me"',))} >= exact  # tone marks ignored, đ kept


def test_sqlite_views_answer_like_the_cli(db, data):
    # status_by_agency counts what `kehoach status` counts per agency and per "giao chung" block.
    table = status_table(data, REF)
    cols = [r[1] for r in db.execute("PRAGMA table_info(status_by_agency)")]
    got_rows = {(r[0], r[1]): dict(zip(cols, r, strict=True)) for r in db.execute("SELECT * FROM status_by_agency")}
    expected = [r for r in table.rows if r.scope in ("agency", "collective")]
    assert len(got_rows) == len(expected)
    for r in expected:
        got = got_rows[(r.name, int(r.scope == "collective"))]
        assert got["total"] == r.total and got["overdue_total"] == r.overdue_total, r.name
        assert {c: got[c] for c in r.counts} == r.counts, r.name
    plans = {r[0]: r[1] for r in db.execute("SELECT plan, total FROM status_by_plan")}
    assert plans == {r.name: r.total for r in table.rows if r.scope == "plan"}
    # due_by_agency is `kehoach due` for every current agency, row for row (its default 90-day window).
    from kehoach.query import due

    current = [a for a in data.registry if a.current and not a.is_collective]
    overdue_total = 0
    for a in current:
        expected_due = [(i.plan.id, i.id, i.due.isoformat(), int(i.overdue), i.role, i.reason, i.status)
                        for i in due(data, a, REF)]
        got_due = list(db.execute(
            "SELECT plan_id, task_id, due, overdue, role, reason, status FROM due_by_agency WHERE agency_id = ? "
            "ORDER BY rowid", (a.id,)))
        assert got_due == expected_due, a.name
        overdue_total += sum(x[3] for x in got_due)
    assert overdue_total > 0
    # Typed columns: Datasette's filters send text ("?overdue=1", "?giao_chung=1"); they must still match.
    assert db.execute("SELECT COUNT(*) FROM due_by_agency WHERE overdue = '1'").fetchone()[0] == overdue_total
    assert db.execute("SELECT COUNT(*) FROM status_by_agency WHERE giao_chung = '1'").fetchone()[0] == len(
        [r for r in table.rows if r.scope == "collective"])
    assert db.execute("SELECT COUNT(*) FROM status_by_agency WHERE overdue_total > '0'").fetchone()[0] == len(
        [r for r in table.rows if r.scope in ("agency", "collective") and r.overdue_total > 0])


def test_sqlite_marks_example_data_and_recurrence_as_json(db, data):
    meta = dict(db.execute("SELECT key, value FROM meta"))
    assert meta["example"] == "true"
    assert db.execute("SELECT COUNT(*) FROM progress WHERE example = 0").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM assessments WHERE example = 1").fetchone()[0] > 0
    for key, recurring, recurrence in db.execute("SELECT key, recurring, recurrence FROM tasks"):
        plan_id, task_id = key.split("/", 1)
        plan = data.plan(plan_id).plan
        d = data.deadline(plan, next(t for t in plan.tasks if t.id == task_id))
        assert recurrence == (d.recurrence if d else None) and recurring == int(recurrence is not None), key
    plan_kind = db.execute("SELECT COUNT(*) FROM tasks WHERE deadline_kind = 'plan' AND recurring = 1").fetchone()[0]
    assert plan_kind == 0  # "Trong thời gian thực hiện": no recurrence in JSON, none here


def test_sqlite_agency_tasks_are_what_tasks_agency_finds(db, data):
    # Every current agency, the tasks `kehoach tasks --agency` lists (named, predecessor, collective).
    got: dict[str, set[tuple[str, str]]] = {}
    for agency_id, key, role in db.execute("SELECT agency_id, task_key, role FROM agency_tasks"):
        got.setdefault(agency_id, set()).add((key, role))
    for a in data.registry:
        if a.current and not a.is_collective:
            expected = {(f"{h.plan.id}/{h.task.id}", h.role) for h in find_tasks(data, agency=a)}
            assert got.get(a.id, set()) == expected, a.name


def test_sqlite_refuses_to_overwrite(run, tmp_path):
    out = tmp_path / "k.db"
    out.write_bytes(b"x")
    result = run("export", "sqlite", "-o", str(out))
    assert result.exit_code == 1 and out.read_bytes() == b"x"


def test_datasette_metadata_names_what_the_database_has(run, tmp_path):
    from ruamel.yaml import YAML

    out, meta = tmp_path / "k.db", tmp_path / "metadata.yml"
    result = run("export", "sqlite", "-o", str(out), "--metadata", str(meta), "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    tables = YAML(typ="safe").load(meta.read_text(encoding="utf-8"))["databases"]["k"]["tables"]
    conn = sqlite3.connect(out)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        for table, spec in tables.items():
            assert table in names, table
            columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            assert set(spec.get("columns", {})) <= columns, table
            assert spec.get("label_column", "key") in columns | {"key"}
        assert {n for n in names if not n.startswith("tasks_fts")} <= set(tables)
    finally:
        conn.close()


def test_every_task_has_a_status_even_when_its_period_ended(data):
    # nq13 3.4 ("2021 - 2025") lies in the plan's first period; judged on 21/11/2026 it still has a class.
    plan = data.plan("nq13-thanh-hoa").plan
    codes = status_codes(data, [(plan, t) for t in plan.tasks], REF)
    assert len(codes) == len(plan.tasks)
    assert codes[("nq13-thanh-hoa", "3.4")] in STATUS_LABELS


# ---------------------------------------------------------------- Excel


def _sheet(path: Path):
    import openpyxl

    return openpyxl.load_workbook(path).active


def _table(ws) -> tuple[list[str], list[tuple]]:
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    return list(rows[0]), rows[1:]


def test_xlsx_tasks_one_row_per_task_with_real_dates_frozen_header_and_filter(run, tmp_path):
    import json

    out = tmp_path / "nv.xlsx"
    args = ("tasks", "--plan", "qd74-dai-hoi-xx", "--today", TODAY)
    result = run(*args, "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    expected = json.loads(run(*args, "--format", "json").stdout)
    ws = _sheet(out)
    assert ws.title == "Nhiệm vụ"
    assert ws["A2"].value == "Truy vấn: kehoach tasks --plan qd74-dai-hoi-xx --today 2026-11-21"
    assert "21/11/2026" in ws["A3"].value
    header, rows = _table(ws)
    assert header[:3] == ["Kế hoạch", "Mã", "Nội dung"] and "Hạn" in header
    assert [r[1] for r in rows] == [t["id"] for t in expected]
    assert [r[2] for r in rows] == [t["content"] for t in expected]
    assert ws.freeze_panes == "A6"
    assert ws.auto_filter.ref == f"A5:{ws.cell(5, len(header)).column_letter}{5 + len(rows)}"
    due_col = header.index("Hạn") + 1
    # "Hạn" is the one due day of a one-off deadline; a recurring duty's days are in `cycles` and `due`.
    dated = [
        (ws.cell(6 + i, due_col), t["deadline"]["due"])
        for i, t in enumerate(expected)
        if t["deadline"]["due"] and t["deadline"]["kind"] not in RECURRING_KINDS
    ]
    assert dated
    for cell, iso in dated:
        assert cell.is_date and cell.value.date().isoformat() == iso
        assert cell.number_format == "dd/mm/yyyy"
    content_col = header.index("Nội dung") + 1
    assert ws.cell(6, content_col).alignment.wrap_text


def test_xlsx_writes_text_as_text_never_a_formula(run, data_copy, tmp_path):
    path = data_copy / "plans" / "aec-2026.yaml"
    import re

    text = path.read_text(encoding="utf-8")
    hostile = '=HYPERLINK("http://example.invalid","x")'
    block = re.search(r"content: >-\n(?:( {10,}).*\n)+", text)
    path.write_text(text[: block.start()] + "content: '" + hostile + "'\n" + text[block.end():], encoding="utf-8")
    out = tmp_path / "x.xlsx"
    result = run("tasks", "--plan", "aec-2026", "--data", str(data_copy), "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    ws = _sheet(out)
    header, rows = _table(ws)
    cell = ws.cell(6, header.index("Nội dung") + 1)
    assert cell.value == hostile and cell.data_type == "s"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize(
    ("argv", "sheet", "first_header"),
    [
        (["due", "--agency", "Sở Tài chính", "--today", TODAY], "Việc đến hạn", "Hạn"),
        (["status", "--today", TODAY], "Tình trạng", "Phạm vi"),
        (["progress", "show"], "Tiến độ", "Kế hoạch"),
        (["agencies"], "Cơ quan", "Tên cơ quan"),
    ],
)
def test_xlsx_on_every_listing_command_matches_its_json(run, tmp_path, argv, sheet, first_header):
    import json

    out = tmp_path / "x.xlsx"
    result = run(*argv, "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    expected = json.loads(run(*argv, "--format", "json").stdout)
    ws = _sheet(out)
    header, rows = _table(ws)
    assert ws.title == sheet and header[0] == first_header
    assert len(rows) == len(expected) > 0
    assert ws.freeze_panes == "A6" and ws.auto_filter.ref.startswith("A5:")


def test_xlsx_needs_an_output_and_never_overwrites_without_force(run, tmp_path):
    out = tmp_path / "a.xlsx"
    assert run("agencies", "--format", "xlsx").exit_code == 2
    assert run("agencies", "-o", str(out)).exit_code == 2
    assert run("agencies", "--format", "xlsx", "-o", str(tmp_path / "a.csv")).exit_code == 2
    out.write_bytes(b"mine")
    result = run("agencies", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 1 and "--force" in result.stderr and out.read_bytes() == b"mine"
    assert run("agencies", "--format", "xlsx", "-o", str(out), "--force").exit_code == 0
    assert out.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]  # no temporary file left behind


def test_calendar_rules_expand_to_the_report_days_of_the_deadline(run, data_copy, tmp_path):
    from dateutil.rrule import rrulestr

    from kehoach.dataset import load_data, plan_dates

    path = data_copy / "plans" / "aec-2026.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    spots = [i for i, line in enumerate(lines) if line.lstrip().startswith("deadline:")][:3]
    forms = ["Trước ngày 20 hằng tháng", "Hằng quý", "Hằng năm"]
    for i, form in zip(spots, forms, strict=True):
        lines[i] = lines[i][: lines[i].index("deadline:")] + f'deadline: "{form}"\n'
    path.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "aec.ics"
    result = run("calendar", "--plan", "aec-2026", "--data", str(data_copy), "-o", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    data = load_data(data_copy)
    plan = data.plan("aec-2026").plan
    changed = [t for t in plan.tasks if t.deadline in forms]
    assert len(changed) == 3
    events = _events(out)
    for task in changed:
        d = data.deadline(plan, task)
        expected = d.occurrences(plan_dates(plan), plan.start, plan.end)
        mine = [e for e in events if f"Mã nhiệm vụ: {task.id}\n" in str(e["DESCRIPTION"]) and not _missed(e)]
        got = []
        for e in mine:
            start = e.decoded("DTSTART")
            rule = rrulestr(e["RRULE"].to_ical().decode(), dtstart=dt.datetime(start.year, start.month, start.day))
            got += [x.date() for x in rule]
        assert sorted(got) == expected, task.deadline
    monthly = next(e for e in events if "Trước ngày 20 hằng tháng" in str(e["DESCRIPTION"]))
    assert monthly["RRULE"]["FREQ"] == ["MONTHLY"] and monthly["RRULE"]["BYMONTHDAY"] == [20]


def test_xlsx_of_an_empty_answer_still_has_its_header_row(run, tmp_path):
    out = tmp_path / "none.xlsx"
    result = run("tasks", "--search", "không có nhiệm vụ nào như thế này", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    ws = _sheet(out)
    header, rows = _table(ws)
    assert header[:3] == ["Kế hoạch", "Mã", "Nội dung"] and rows == []
    assert "0 dòng" in ws["A3"].value


def test_calendar_flags_a_missed_half_year_report_like_due(run, data, tmp_path):
    out = tmp_path / "stc-all.ics"
    assert run("calendar", "--agency", "Sở Tài chính", "-o", str(out), "--today", "2026-11-26").exit_code == 0
    missed = [e for e in _events(out) if _missed(e)]
    ii6 = [e for e in missed if "hoi-nhap-quoc-te/II.6" in str(e["SUMMARY"])]
    assert len(ii6) == 1 and ii6[0].decoded("DTSTART") == dt.date(2026, 6, 30)
    assert str(ii6[0]["UID"]) == event_uid("hoi-nhap-quoc-te", "II.6", "missed")
    stc = data.registry.resolve("Sở Tài chính")
    today = dt.date(2026, 11, 26)
    late = {(i.plan.id, i.id) for i in due(data, stc, today, until=today) if i.overdue}
    flagged = {tuple(str(e["SUMMARY"]).split(" ")[5 if _missed(e) else 3].rstrip(":").split("/", 1))
               for e in _events(out) if str(e["SUMMARY"]).startswith("QUÁ HẠN")}
    assert flagged == late


@pytest.mark.parametrize("args", [("calendar",), ("export", "sqlite")])
def test_a_dangling_link_at_the_output_is_not_replaced_without_force(run, tmp_path, args):
    suffix = ".ics" if args[0] == "calendar" else ".db"
    link = tmp_path / f"out{suffix}"
    link.symlink_to(tmp_path / "nowhere")
    result = run(*args, "-o", str(link))
    assert result.exit_code == 1 and "--force" in result.stderr
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


def test_status_sheet_labels_each_class_by_its_own_name(run, tmp_path):
    import openpyxl

    out = tmp_path / "status.xlsx"
    assert run("status", "--today", TODAY, "--format", "xlsx", "-o", str(out)).exit_code == 0
    ws = openpyxl.load_workbook(out).active
    header = next(r for r in ws.iter_rows(values_only=True) if r and "Phạm vi" in r)
    assert STATUS_LABELS["overdue"] in header and "Quá hạn" not in header


# The codes of the JSON rows, which a person reading the sheet must never meet.
CODES = {"lead", "support", "report", "monitor", "direct", "predecessor", "successor", "collective", "semiannual",
         "quarter", "annual", "month", "date", "range", "ongoing", "total", "agency", "plan", "province", "central",
         "done", "in-progress", "not-started", *STATUS_LABELS}


@pytest.mark.parametrize(
    "argv",
    [
        ["due", "--agency", "Sở Tài chính", "--today", TODAY],
        ["tasks", "--agency", "STC", "--today", TODAY],
        ["tasks", "--plan", "aec-2026"],
        ["status", "--today", TODAY],
        ["progress", "show"],
        ["agencies"],
        ["plans"],
        ["cycles", "--year", "2026"],
    ],
)
def test_xlsx_is_in_vietnamese_and_print_ready(run, tmp_path, argv):
    out = tmp_path / "x.xlsx"
    assert run(*argv, "--format", "xlsx", "-o", str(out)).exit_code == 0
    ws = _sheet(out)
    header, rows = _table(ws)
    assert rows and all(h and h not in CODES for h in header)
    words = {v for r in rows for v in r if isinstance(v, str)}
    assert not words & CODES, words & CODES
    assert len(header) <= 12  # the columns a person needs, not every field of the JSON
    assert ws.page_setup.orientation == "landscape"
    setup = ws.page_setup  # fitToWidth left out means 1 page wide
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows.replace("$", "") == "5:5"  # the header row on every page


@pytest.mark.parametrize(
    ("argv", "none"),
    [
        (["tasks"], ["--search", "không có nhiệm vụ nào như thế này"]),
        (["tasks", "--agency", "STC"], ["--search", "không có nhiệm vụ nào như thế này"]),
        # aec-2026 now has a missed yearly report of Sở Tài chính on this day; nq13 has nothing for it
        (["due", "--agency", "Sở Tài chính", "--today", TODAY], ["--plan", "nq13-thanh-hoa", "--within", "0"]),
        (["cycles"], ["--year", "1999"]),
        (["agencies"], ["--search", "không có cơ quan nào"]),
    ],
)
def test_an_empty_answer_has_the_same_columns_in_excel_and_csv(run, tmp_path, argv, none):
    import csv
    import io

    full, empty = tmp_path / "full.xlsx", tmp_path / "empty.xlsx"
    assert run(*argv, "--format", "xlsx", "-o", str(full)).exit_code == 0
    result = run(*argv, *none, "--format", "xlsx", "-o", str(empty))
    assert result.exit_code == 0, result.stderr
    assert _table(_sheet(empty)) == (_table(_sheet(full))[0], [])
    header = next(csv.reader(io.StringIO(run(*argv, "--format", "csv").stdout)))
    out = run(*argv, *none, "--format", "csv").stdout
    assert out.splitlines() == [",".join(header)]


def test_xlsx_keeps_a_text_that_looks_like_a_date_as_text(run, data_copy, tmp_path):
    path = data_copy / "plans" / "aec-2026.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    source: Mục IV.1.1\n", "    source: \"2026-01-15\"\n", 1), encoding="utf-8")
    out = tmp_path / "x.xlsx"
    result = run("tasks", "--plan", "aec-2026", "--data", str(data_copy), "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    ws = _sheet(out)
    header, rows = _table(ws)
    cell = ws.cell(6, header.index("Nguồn") + 1)
    assert cell.value == "2026-01-15" and cell.data_type == "s"


def _with_deadlines(data_copy, forms):
    path = data_copy / "plans" / "aec-2026.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    spots = [i for i, line in enumerate(lines) if line.lstrip().startswith("deadline:")][: len(forms)]
    for i, form in zip(spots, forms, strict=True):
        lines[i] = lines[i][: lines[i].index("deadline:")] + f'deadline: "{form}"\n'
    path.write_text("".join(lines), encoding="utf-8")


def test_a_day_30_monthly_rule_is_one_series_with_one_february_event(run, data_copy, tmp_path):
    from dateutil.rrule import rrulestr

    from kehoach.dataset import load_data, plan_dates

    forms = ["Ngày 30 hằng tháng", "Ngày 31 hằng tháng", "Ngày 29 hằng tháng"]
    _with_deadlines(data_copy, forms)
    out = tmp_path / "aec.ics"
    result = run("calendar", "--plan", "aec-2026", "--data", str(data_copy), "-o", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    data = load_data(data_copy)
    plan = data.plan("aec-2026").plan
    events = [e for e in _events(out) if not _missed(e)]
    for task in (t for t in plan.tasks if t.deadline in forms):
        mine = [e for e in events if f"Mã nhiệm vụ: {task.id}\n" in str(e["DESCRIPTION"])]
        assert len(mine) == 1, task.deadline  # one monthly series, not 13 yearly ones
        (e,) = mine
        assert e["RRULE"]["FREQ"] == ["MONTHLY"]
        start = e.decoded("DTSTART")
        rule = rrulestr(e["RRULE"].to_ical().decode(), dtstart=dt.datetime(start.year, start.month, start.day))
        got = [x.date() for x in rule]
        assert got == data.deadline(plan, task).occurrences(plan_dates(plan), plan.start, plan.end)
        assert [x for x in got if (x.year, x.month) == (2028, 2)] == [dt.date(2028, 2, 29)]  # one, not 28 and 29
        assert [x for x in got if (x.year, x.month) == (2027, 2)] == [dt.date(2027, 2, 28)]
        april = {"Ngày 30 hằng tháng": 30, "Ngày 31 hằng tháng": 30, "Ngày 29 hằng tháng": 29}[task.deadline]
        assert [x for x in got if (x.year, x.month) == (2027, 4)] == [dt.date(2027, 4, april)]


def test_calendar_events_carry_sequence_and_last_modified_from_the_data_and_keep_uids(run, data_copy, tmp_path):
    a, b, c = tmp_path / "a.ics", tmp_path / "b.ics", tmp_path / "c.ics"
    args = ("calendar", "--plan", "aec-2026", "--data", str(data_copy), "--today", TODAY)
    assert run(*args, "-o", str(a)).exit_code == 0
    assert run(*args, "-o", str(b)).exit_code == 0
    first, again = _events(a), _events(b)
    stamps = {str(e["UID"]): (int(e["SEQUENCE"]), e.decoded("LAST-MODIFIED")) for e in first}
    assert stamps == {str(e["UID"]): (int(e["SEQUENCE"]), e.decoded("LAST-MODIFIED")) for e in again}
    assert all(lm.date() <= REF for _, lm in stamps.values())
    # A deadline changing kind ("Tháng 6/2026" -> "Hằng năm") keeps its event's UID.
    from kehoach.dataset import load_data

    plan = load_data(data_copy).plan("aec-2026").plan
    task = plan.tasks[0]
    _with_deadlines(data_copy, ["Hằng năm"])
    assert run(*args, "-o", str(c)).exit_code == 0
    uid = event_uid("aec-2026", task.id, "deadline")
    assert uid in stamps and uid in {str(e["UID"]) for e in _events(c)}
    changed = next(e for e in _events(c) if str(e["UID"]) == uid)
    assert "RRULE" in changed


def test_cycles_and_the_calendar_list_the_same_report_days(run, data, tmp_path):
    from dateutil.rrule import rrulestr

    from kehoach.catalog import reporting_calendar

    out = tmp_path / "all.ics"
    assert run("calendar", "-o", str(out), "--today", TODAY, "--data", "data").exit_code == 0
    cal: set[tuple[str, str, dt.date]] = set()
    for e in _events(out):
        kind = {"annual-report": "annual", "consolidated-report": "consolidated"}.get(
            next((k for k in ("annual-report", "consolidated-report") if str(e["UID"]) in {
                event_uid(p.plan.id, "BC-HN", k) for p in data.plans} | {
                event_uid(p.plan.id, "BC-TH", k) for p in data.plans}), ""))
        if not kind:
            continue
        plan_id = str(e["CATEGORIES"].cats[1])
        start = e.decoded("DTSTART")
        rule = rrulestr(e["RRULE"].to_ical().decode(), dtstart=dt.datetime(start.year, start.month, start.day))
        cal |= {(plan_id, kind, x.date()) for x in rule}
    cycles = {(r.plan, r.kind, r.date) for r in reporting_calendar(data) if r.kind in ("annual", "consolidated")}
    assert cycles == cal and cycles
    assert ("qd74-dai-hoi-xx", "consolidated", dt.date(2025, 12, 31)) not in cycles  # before the plan was issued
