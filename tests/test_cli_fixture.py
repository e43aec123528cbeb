"""Behaviour of the commands on the small fixture data set (tests/fixtures/data): one plan, five tasks,
a merged agency, a collective. Encoding a new plan into data/ never changes these answers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURE
from kehoach.cli import app


def _json(*args: str, data: Path = FIXTURE):
    result = CliRunner().invoke(app, [*args, "--data", str(data), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_due_lists_lead_and_predecessor_tasks_in_the_window():
    rows = _json("due", "--agency", "STC", "--today", "2026-01-15")
    assert [(r["id"], r["due"], r["role"], r["reason"]) for r in rows] == [
        ("I.1", "2026-02-28", "lead", "direct"),
        ("I.2", "2026-03-31", "lead", "successor"),
    ]
    assert rows[1]["via"] == "Sở Kế hoạch và Đầu tư"


def test_a_task_reported_done_is_never_overdue_and_the_other_is():
    rows = _json("due", "--agency", "Sở Tài chính", "--today", "2026-04-15")
    assert [(r["id"], r["days_left"], r["overdue"], r["status"]) for r in rows] == [
        ("I.2", -15, True, "no_report_overdue")
    ]


def test_status_counts_each_task_once():
    total = _json("status", "--today", "2026-11-21")[0]
    assert total["scope"] == "total"
    assert (total["total"], total["done_on_time"], total["overdue_total"]) == (4, 1, 2)  # I.5 is due in 2027


def test_progress_set_then_show(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    argv = ["progress", "set", "fx-2026/I.2", "--status", "done", "--date", "2026-04-20", "--by", "STC"]
    result = CliRunner().invoke(app, [*argv, "--data", str(data), "--today", "2026-04-21"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    rows = _json("progress", "show", "--plan", "fx-2026", "--today", "2026-04-21", data=data)
    by_id = {r["id"]: r for r in rows}
    assert by_id["I.2"]["completed"] == "2026-04-20" and by_id["I.2"]["reported_by"] == "Sở Tài chính"
    assert by_id["I.2"]["class"] == "done_late"
    assert _json("due", "--agency", "STC", "--today", "2026-04-21", data=data) == []


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--kind", "quarter"], ["I.2"]),
        (["--due-from", "2027-01-01"], ["I.5"]),
        (["--cycle", "annual-2027"], ["I.3", "I.4", "I.5"]),
        (["--agency", "Sở Xây dựng", "--role", "lead"], ["I.4"]),
        (["--agency", "Sở Xây dựng", "--strict"], ["I.1", "I.4"]),
        (["--search", "ha tang"], ["I.5"]),
    ],
)
def test_tasks_filters(args: list[str], ids: list[str]):
    assert [r["id"] for r in _json("tasks", *args, "--today", "2026-03-15")] == ids
