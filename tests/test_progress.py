"""Progress files: surgical updates, atomic writes, concurrent writers, and the status classes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kehoach.dataset import load_data
from kehoach.deadlines import PlanDates, parse_deadline
from kehoach.progress import ProgressError, Record, TaskProgress, Update, apply_update
from kehoach.status import classify, cycle_due

D = dt.date
TODAY = D(2026, 11, 21)


def _set(data_dir: Path, *args: str, today: str = "2026-11-21"):
    cmd = [sys.executable, "-m", "kehoach", "progress", "set", *args, "--data", str(data_dir), "--today", today]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_update_changes_only_its_entry_and_keeps_comments(data_copy: Path):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    before = path.read_text(encoding="utf-8")
    data = load_data(data_copy)
    apply_update(data, Update("aec-2026", "IV.4.3", "in-progress", 2026, result="Đã xây dựng kế hoạch."), TODAY)
    after = path.read_text(encoding="utf-8")
    old_lines, new_lines = before.splitlines(), after.splitlines()
    start = old_lines.index('  "IV.4.3":')
    end = old_lines.index('  "IV.6.3":')
    assert new_lines[:start] == old_lines[:start]  # header comments, plan, year, earlier tasks
    assert new_lines[-(len(old_lines) - end) :] == old_lines[end:]  # later tasks and targets
    changed = new_lines[start : len(new_lines) - (len(old_lines) - end)]
    assert changed[:2] == ['  "IV.4.3":', "    status: in-progress"]
    assert "    result: Đã xây dựng kế hoạch." in changed
    assert "    reported_on: 2026-11-21" in changed


def test_new_task_and_new_year_file(data_copy: Path):
    data = load_data(data_copy)
    path = apply_update(data, Update("aec-2026", "IV.5.2", "done", 2027, completed=D(2027, 3, 1)), D(2027, 3, 2))
    text = path.read_text(encoding="utf-8")
    assert path.name == "2027.yaml"
    assert '"IV.5.2":' in text and "completed: 2027-03-01" in text
    assert load_data(data_copy).problems == []


def test_interrupted_write_leaves_the_old_file(data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# giữ nguyên\nplan: aec-2026\nyear: 2026\ntasks: {}\n", encoding="utf-8")
    before = path.read_bytes()

    def crash(*_a, **_k):
        raise OSError("mất điện")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="mất điện"):
        apply_update(load_data(data_copy), Update("aec-2026", "IV.1.1", "done", 2026), TODAY)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["aec-2026/IV.9.9", "--status", "done"], "không có nhiệm vụ"),
        (["aec-2026/IV.1.1", "--status", "finished"], "--status"),
        (["aec-2026/IV.1.1", "--status", "done", "--date", "2027-01-01"], "tương lai"),
        (["khong-co/IV.1.1", "--status", "done"], "không có kế hoạch"),
    ],
)
def test_invalid_update_exits_non_zero_and_leaves_the_file(data_copy: Path, args, message):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    before = path.read_bytes() if path.exists() else None
    result = _set(data_copy, *args)
    assert result.returncode == 2  # a usage mistake, like in every other command
    assert message in result.stderr
    assert (path.read_bytes() if path.exists() else None) == before


def test_two_concurrent_writers_both_land(data_copy: Path):
    tasks = ["IV.2.1", "IV.2.3", "IV.3.1", "IV.3.2", "IV.5.1", "IV.5.2", "IV.6.1", "IV.6.2"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "kehoach", "progress", "set", f"aec-2026/{t}", "--status", "in-progress",
             "--result", f"kết quả {t}", "--data", str(data_copy), "--today", "2026-11-21"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for t in tasks
    ]
    assert [p.wait(timeout=60) for p in procs] == [0] * len(tasks)
    data = load_data(data_copy)
    from kehoach.progress import load_progress

    pf = load_progress(data.root).files[("aec-2026", 2026)]
    for t in tasks:
        assert pf.tasks[t].result == f"kết quả {t}"
    assert pf.tasks["IV.4.1"].status == "done"  # the example entries are still there


AEC = PlanDates(start=D(2026, 1, 1), end=D(2035, 12, 31), annual_report=(10, 11))


def _rec(status: str, completed: dt.date | None = None, year: int = 2026) -> Record:
    return Record("p", "t", year, TaskProgress(status=status, completed=completed))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("deadline", "today", "record", "expected"),
    [
        # one due date: judged once
        ("Quý II/2026", D(2026, 5, 1), _rec("done", D(2026, 6, 30)), "done_on_time"),
        ("Quý II/2026", D(2026, 8, 1), _rec("done", D(2026, 7, 1)), "done_late"),
        ("Quý II/2026", D(2026, 5, 1), _rec("in-progress"), "in_time"),
        ("Quý II/2026", D(2026, 6, 30), _rec("not-started"), "in_time"),
        ("Quý II/2026", D(2026, 7, 1), _rec("in-progress"), "overdue"),
        ("trước ngày 30/12/2025", D(2026, 1, 2), _rec("not-started"), "overdue"),
        ("Tháng 8/2026", D(2026, 9, 1), None, "no_report"),
        ("Theo hoạt động", D(2026, 9, 1), _rec("in-progress"), "in_time"),
        # recurring and ongoing: judged per cycle against this cycle's report day
        ("Hằng năm", D(2026, 11, 1), _rec("in-progress"), "ongoing"),
        ("Hằng năm", D(2026, 11, 11), _rec("not-started"), "overdue"),
        ("Hằng năm", D(2026, 12, 1), _rec("done", D(2026, 11, 9)), "done_on_time"),
        ("Hằng năm", D(2026, 12, 1), _rec("done", D(2026, 11, 15)), "done_late"),
        ("Thường xuyên", D(2026, 12, 1), _rec("in-progress"), "ongoing"),
        ("Thường xuyên", D(2026, 12, 1), None, "no_report"),
        ("Định kỳ 6 tháng", D(2026, 7, 5), _rec("not-started"), "overdue"),
    ],
)
def test_status_class_table(deadline, today, record, expected):
    d = parse_deadline(deadline, AEC)
    cycle = cycle_due(AEC, d, today.year, as_of=today) if d.recurring else None
    assert classify(d, today, record, cycle_due=cycle) == expected


def test_half_year_task_is_judged_at_30_june_in_july():
    d = parse_deadline("Định kỳ 6 tháng", AEC)
    assert cycle_due(AEC, d, 2026, as_of=D(2026, 7, 5)) == D(2026, 6, 30)
    assert cycle_due(AEC, d, 2026, as_of=D(2026, 3, 1)) == D(2026, 6, 30)
    assert cycle_due(AEC, d, 2026, as_of=D(2027, 1, 1)) == D(2026, 12, 31)


def test_status_ignores_progress_reported_after_the_reference_day(run):
    early = {r["name"]: r for r in __import__("json").loads(
        run("status", "--plan", "qd74-dai-hoi-xx", "--today", "2026-01-15", "--format", "json").stdout)}
    # I.13 was completed on 20/01/2026 and reported on 02/02/2026: unknown on 15/01/2026.
    assert early["Tổng cộng"]["done_late"] == 0 and early["Tổng cộng"]["done_on_time"] == 0
    assert early["Tổng cộng"]["overdue"] == 1  # IV.1, reported in progress on 10/01/2026, due 12/2025


def test_multi_year_work_is_judged_on_each_years_record(data):
    from kehoach.status import task_status

    plan = data.plan("aec-2026").plan
    task = next(t for t in plan.tasks if t.id == "IV.4.1")  # done in the 2026 file
    assert task_status(data, plan, task, D(2026, 12, 1)).code == "done_on_time"
    assert task_status(data, plan, task, D(2027, 12, 1)).code == "no_report"


def test_status_command_counts_the_examples(run):
    result = run("status", "--plan", "qd74-dai-hoi-xx", "--today", "2026-11-21", "--format", "json")
    rows = {r["name"]: r for r in __import__("json").loads(result.stdout)}
    total = rows["Tổng cộng"]
    assert total["total"] == 35
    assert total["done_late"] == 1  # I.13: Tháng 11/2025, completed 20/01/2026
    assert total["done_on_time"] == 2  # I.5, I.11
    assert total["overdue"] == 2  # I.1 (Quý II/2026) and IV.1 (Tháng 12/2025), in progress
    assert rows["Sở Tài chính"]["done_late"] == 1


def test_check_validates_progress_files(run, data_copy: Path):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('plan: aec-2026\nyear: 2026\ntasks:\n  "IV.9":\n    status: done\n    completed: 2026-01-01\n',
                    encoding="utf-8")  # replaces the example file
    result = run("check", "--data", str(data_copy), "--format", "json")
    assert result.exit_code == 1
    errors = __import__("json").loads(result.stdout)["errors"]
    assert [(e["code"], e["line"]) for e in errors] == [("progress.unknown-task", 4)]


def test_update_error_type_for_library_users(data):
    with pytest.raises(ProgressError):
        from kehoach.progress import validate_update

        validate_update(data, Update("aec-2026", "nope", "done", 2026), TODAY)


def test_long_lines_and_crlf_of_other_entries_are_kept(data_copy: Path):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    long = "    result: " + "Kết quả rất dài " * 20 + "(ví dụ)."
    text = path.read_text(encoding="utf-8").replace(
        "    result: Tổ chức 02 đoàn xúc tiến thương mại tại Thái Lan và Singapore.", long
    )
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    before = path.read_bytes().split(b"\r\n")
    apply_update(load_data(data_copy), Update("aec-2026", "IV.6.3", "done", 2026, completed=D(2026, 11, 20)), TODAY)
    after = path.read_bytes().split(b"\r\n")
    cut = before.index(b'  "IV.6.3":')
    assert after[:cut] == before[:cut]
    assert long.encode("utf-8") in after


@pytest.mark.parametrize(
    "broken",
    ["tasks: [\n", "tasks:\n  \"IV.1.1\":\n    status: finished\n", "tasks: []\n", "tasks:\n  IV.4.3: done\n"],
)
def test_update_of_a_broken_progress_file_is_refused_cleanly(data_copy: Path, broken: str):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    path.write_text("plan: aec-2026\nyear: 2026\n" + broken, encoding="utf-8")
    before = path.read_bytes()
    result = _set(data_copy, "aec-2026/IV.1.1", "--status", "done")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and str(path) in result.stderr
    assert path.read_bytes() == before
