"""Yearly report duties recorded as sent, and a clean data folder from ``kehoach init``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kehoach.progress import load_progress
from progress_data import make_data


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_data(tmp_path)


def _reports(run, root: Path, agency: str, today: str) -> list[tuple[str, str, int]]:
    result = run("due", "--agency", agency, "--within", "60", "--data", str(root), "--today", today, "--format", "json")
    assert result.exit_code == 0, result.output
    return [(r["id"], r["due"], r["days_left"]) for r in json.loads(result.stdout) if r["id"].startswith("BC-")]


def test_a_passed_report_day_stays_in_due_until_the_report_is_recorded_sent(run, root):
    # fx-2026: every lead reports to Sở Công Thương by 10/11; Sở Công Thương consolidates by 20/11
    assert ("BC-HN", "2026-11-10", -27) in _reports(run, root, "Sở Tài chính", "2026-12-07")
    sent = run(
        "progress",
        "set",
        "fx-2026/BC-HN",
        "--year",
        "2026",
        "--by",
        "Sở Tài chính",
        "--status",
        "done",
        "--date",
        "2026-11-09",
        "--evidence",
        "Báo cáo 99/BC-STC",
        "--data",
        str(root),
        "--today",
        "2026-12-07",
    )
    assert sent.exit_code == 0, sent.output
    assert [r for r in _reports(run, root, "Sở Tài chính", "2026-12-07") if r[1] == "2026-11-10"] == []
    rec = load_progress(root).files[("fx-2026", 2026)].reports["BC-HN"]["Sở Tài chính"]
    assert (rec.status, str(rec.completed), rec.evidence) == ("done", "2026-11-09", "Báo cáo 99/BC-STC")
    assert ("BC-HN", "2026-11-10", -27) in _reports(run, root, "Sở Xây dựng", "2026-12-07")  # others still owe
    assert ("BC-TH", "2026-11-20", -17) in _reports(run, root, "Sở Công Thương", "2026-12-07")
    th = run(
        "progress",
        "set",
        "fx-2026/BC-TH",
        "--year",
        "2026",
        "--status",
        "done",
        "--data",
        str(root),
        "--today",
        "2026-12-07",
    )
    assert th.exit_code == 0, th.output
    assert "Sở Công Thương" in th.stdout  # the consolidator by default
    assert [r for r in _reports(run, root, "Sở Công Thương", "2026-12-07") if r[0] == "BC-TH"] == []


def test_cycles_of_an_agency_lists_coming_sent_and_missed_report_days(run, root):
    run(
        "progress",
        "set",
        "fx-2026/BC-HN",
        "--year",
        "2026",
        "--by",
        "Sở Tài chính",
        "--status",
        "done",
        "--data",
        str(root),
        "--today",
        "2026-12-07",
    )
    result = run("cycles", "--agency", "Sở Tài chính", "--data", str(root), "--today", "2027-12-01", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = [(r["year"], r["id"], r["state"]) for r in json.loads(result.stdout)]
    assert rows[:2] == [(2026, "BC-HN", "đã gửi"), (2027, "BC-HN", "chưa gửi, quá hạn")]
    assert (2028, "BC-HN", "sắp đến") in rows


def test_report_records_are_checked(run, root):
    path = root / "progress" / "fx-2026" / "2026.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "reports:\n  BC-XX:\n    Sở Không Có: {status: done}\n", encoding="utf-8"
    )
    result = run("check", "--data", str(root), "--today", "2026-12-07")
    assert result.exit_code == 1
    assert "progress.unknown-report" in result.stdout and "Sở Không Có" in result.stdout


def test_init_makes_a_clean_data_folder_that_checks(run, tmp_path):
    target = tmp_path / "du-lieu"
    made = run("init", str(target))
    assert made.exit_code == 0, made.output
    assert sorted(p.name for p in target.iterdir()) == ["README.md", "agencies.yaml", "plans", "progress", "templates"]
    assert not any((target / "progress").iterdir()) and not any((target / "plans").iterdir())
    checked = run("check", "--data", str(target))
    assert checked.exit_code == 0, checked.output
    before = (target / "README.md").read_bytes()
    again = run("init", str(target))
    assert again.exit_code == 1 and "không rỗng" in again.stderr
    assert (target / "README.md").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["du-lieu"]  # no staging folder left behind


def test_init_folder_takes_a_plan_and_progress(run, tmp_path):
    target = tmp_path / "du-lieu"
    assert run("init", str(target)).exit_code == 0
    src = make_data(tmp_path / "src")
    (target / "plans" / "fx-2026.yaml").write_bytes((src / "plans" / "fx-2026.yaml").read_bytes())
    (target / "agencies.yaml").write_bytes((src / "agencies.yaml").read_bytes())
    r = run("progress", "set", "fx-2026/I.1", "--status", "in-progress", "--data", str(target), "--today", "2026-03-01")
    assert r.exit_code == 0, r.output
    assert (target / "progress" / "fx-2026" / "2026.yaml").is_file()
    assert run("check", "--data", str(target), "--today", "2026-03-01").exit_code == 0
