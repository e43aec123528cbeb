"""No silent overwrite, and one record per responsible agency for a task with several leads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kehoach.dataset import load_data
from kehoach.progress import AgencyProgress, combined_status, load_progress, missing_leads
from progress_data import make_data


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_data(tmp_path)


@pytest.fixture
def pset(run, root):
    def _set(*args: str, today: str = "2026-11-21"):
        return run("progress", "set", *args, "--data", str(root), "--today", today)

    return _set


def _file(root: Path) -> Path:
    return root / "progress" / "fx-2026" / "2026.yaml"


def test_a_recorded_result_is_not_overwritten_without_replace(pset, root):
    before = _file(root).read_bytes()
    result = pset("fx-2026/I.1", "--status", "in-progress", "--result", "Đang làm lại")
    assert result.exit_code == 1
    assert "'đã hoàn thành' → 'đang thực hiện'" in result.stderr
    assert "--replace" in result.stderr
    assert _file(root).read_bytes() == before
    again = pset("fx-2026/I.1", "--status", "in-progress", "--result", "Đang làm lại", "--replace")
    assert again.exit_code == 0, again.stderr
    assert "đã ghi đè" in again.stderr
    rec = load_progress(root).files[("fx-2026", 2026)].tasks["I.1"]
    assert (rec.status, rec.completed, rec.result) == ("in-progress", None, "Đang làm lại")


def test_the_same_values_again_change_no_byte(pset, root):
    before = _file(root).read_bytes()
    result = pset("fx-2026/I.1", "--status", "done", "--date", "2026-02-20", "--result", "Đã trình UBND tỉnh danh mục.")
    assert result.exit_code == 0, result.stderr
    assert "không có gì thay đổi" in result.stdout
    assert _file(root).read_bytes() == before


def test_a_completion_date_is_never_replaced_by_a_default(pset, root):
    result = pset("fx-2026/I.1", "--status", "done", "--evidence", "Tờ trình 12/TTr-STC", "--replace")
    assert result.exit_code == 0, result.stderr
    rec = load_progress(root).files[("fx-2026", 2026)].tasks["I.1"]
    assert rec.completed == dt.date(2026, 2, 20)
    assert rec.evidence == "Tờ trình 12/TTr-STC"


def test_done_back_to_in_progress_asks_about_the_old_result(pset, root):
    result = pset("fx-2026/I.1", "--status", "in-progress", "--replace")
    assert result.exit_code == 2
    assert "--keep-result" in result.stderr and "Đã trình UBND tỉnh danh mục." in result.stderr
    kept = pset("fx-2026/I.1", "--status", "in-progress", "--replace", "--keep-result")
    assert kept.exit_code == 0, kept.stderr
    rec = load_progress(root).files[("fx-2026", 2026)].tasks["I.1"]
    assert (rec.status, rec.completed, rec.result) == ("in-progress", None, "Đã trình UBND tỉnh danh mục.")


def test_two_named_leads_keep_two_records_and_the_task_waits_for_both(pset, root, run):
    assert pset("fx-2026/I.6", "--status", "done", "--date", "2026-10-01", "--by", "Sở Xây dựng").exit_code == 0
    data = load_data(root)
    assert data.progress.in_year("fx-2026", "I.6", 2026).progress.status == "in-progress"  # Sở Tài chính silent
    r = pset("fx-2026/I.6", "--status", "in-progress", "--result", "Đang thẩm định", "--by", "Sở Tài chính")
    assert r.exit_code == 0, r.stderr
    tp = load_progress(root).files[("fx-2026", 2026)].tasks["I.6"]
    assert set(tp.agencies) == {"Sở Xây dựng", "Sở Tài chính"}
    assert tp.agencies["Sở Xây dựng"].completed == dt.date(2026, 10, 1)
    rec = load_data(root).progress.in_year("fx-2026", "I.6", 2026)
    assert rec.progress.status == "in-progress"
    shown = run(
        "progress", "show", "--plan", "fx-2026", "--data", str(root), "--today", "2026-11-21", "--format", "json"
    )
    import json

    rows = [r for r in json.loads(shown.stdout) if r["id"] == "I.6"]
    assert sorted((r["reported_by"], r["status"]) for r in rows) == [
        ("Sở Tài chính", "in-progress"),
        ("Sở Xây dựng", "done"),
    ]
    r = pset("fx-2026/I.6", "--status", "done", "--date", "2026-11-15", "--by", "Sở Tài chính", "--replace")
    assert r.exit_code == 0, r.stderr
    rec = load_data(root).progress.in_year("fx-2026", "I.6", 2026)
    assert (rec.progress.status, rec.progress.completed) == ("done", dt.date(2026, 11, 15))


def test_a_collective_task_keeps_each_agencys_record(pset, root):
    assert pset("fx-2026/I.7", "--status", "done", "--date", "2026-09-01", "--by", "Sở Tài chính").exit_code == 0
    r = pset("fx-2026/I.7", "--status", "in-progress", "--by", "Sở Công Thương")
    assert r.exit_code == 0, r.stderr
    tp = load_progress(root).files[("fx-2026", 2026)].tasks["I.7"]
    assert {k: v.status for k, v in tp.agencies.items()} == {"Sở Tài chính": "done", "Sở Công Thương": "in-progress"}
    assert tp.status == "in-progress"
    assert "Sở Tài chính" in _file(root).read_text(encoding="utf-8")


def test_a_single_record_becomes_one_per_agency_when_a_second_lead_reports(pset, root):
    text = _file(root).read_text(encoding="utf-8")
    _file(root).write_text(
        text + '  "I.6":\n    status: done\n    completed: 2026-10-01\n    reported_by: Sở Xây dựng\n', encoding="utf-8"
    )
    r = pset("fx-2026/I.6", "--status", "in-progress", "--by", "Sở Tài chính")
    assert r.exit_code == 0, r.stderr
    tp = load_progress(root).files[("fx-2026", 2026)].tasks["I.6"]
    assert tp.agencies["Sở Xây dựng"].status == "done" and tp.agencies["Sở Tài chính"].status == "in-progress"
    assert load_progress(root).files[("fx-2026", 2026)].tasks["I.1"].result == "Đã trình UBND tỉnh danh mục."


def test_combined_status_rule():
    done = AgencyProgress(status="done", completed=dt.date(2026, 5, 1), result="Xong")
    late = AgencyProgress(status="done", completed=dt.date(2026, 6, 1))
    going = AgencyProgress(status="in-progress", result="Đang làm")
    assert combined_status({"A": done, "B": late}, ["A", "B"]).status == "done"
    assert combined_status({"A": done, "B": late}, ["A", "B"]).completed == dt.date(2026, 6, 1)
    assert combined_status({"A": done}, ["A", "B"]).status == "in-progress"
    assert combined_status({"A": done, "B": going}, []).status == "in-progress"
    assert combined_status({"A": done, "B": going}, []).result == "A: Xong; B: Đang làm"
    assert combined_status({"A": done}, ["A", "B"]).result == "A: Xong; chưa hoàn thành: B"
    assert combined_status({}, ["A"]).status == "not-started"
    assert missing_leads({"A": done, "B": going}, ["A", "B", "C"]) == ["B", "C"]


def test_flat_and_per_agency_fields_together_are_refused(root):
    _file(root).write_text(
        'plan: fx-2026\nyear: 2026\ntasks:\n  "I.6":\n    status: done\n    agencies:\n'
        '      "Sở Xây dựng": {status: done, completed: 2026-10-01}\n',
        encoding="utf-8",
    )
    prog = load_progress(root)
    assert ("fx-2026", 2026) not in prog.files
    assert any("agencies" in p.message for p in prog.problems)
