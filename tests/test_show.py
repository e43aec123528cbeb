"""``kehoach show PLAN/ID``: one task or target in full, found by plan id or document number."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from conftest import DATA, FIXTURE
from kehoach.cli import app
from kehoach.dataset import UnknownPlan, load_data
from kehoach.detail import TaskDetail, UnknownItem, detail, resolve_plan


def _show(*args: str, data=FIXTURE, columns: str | None = None):
    env = {"COLUMNS": columns} if columns else {}
    return CliRunner(env=env).invoke(app, ["show", *args, "--data", str(data)], catch_exceptions=False)


def test_a_task_in_full_with_its_successor_status_and_record():
    result = _show("fx-2026/I.1", "--today", "2026-03-01")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "fx-2026/I.1 — Kế hoạch số 1/KH-UBND ngày 05/01/2026" in out
    assert "Xây dựng danh mục dự án ưu tiên đầu tư." in out
    assert "Chủ trì:     Sở Tài chính" in out
    assert "Phối hợp:    Sở Xây dựng" in out
    assert "Tháng 02/2026" in out and "tháng, từ 01/02/2026 đến 28/02/2026" in out
    assert "Đã hoàn thành đúng hạn, tính đến 01/03/2026" in out
    flat = " ".join(out.split())
    assert "năm 2026: đã hoàn thành, hoàn thành 20/02/2026, báo cáo 25/02/2026, bởi Sở Tài chính" in flat
    assert "Đã trình UBND tỉnh danh mục." in flat


def test_a_predecessors_task_names_who_answers_now():
    out = _show("fx-2026/I.2", "--today", "2026-04-15").stdout
    assert "Sở Kế hoạch và Đầu tư → nay: Sở Tài chính" in out
    assert "Chưa có báo cáo, đã quá hạn (quá 15 ngày)" in out


def test_a_recurring_task_lists_its_coming_report_days():
    d = detail(load_data(FIXTURE), "fx-2026/I.3", dt.date(2026, 1, 15))
    assert isinstance(d, TaskDetail)
    assert d.coming == [dt.date(2026, 11, 10)]


def test_the_whole_content_at_80_columns_no_word_cut():
    result = _show("qd74-dai-hoi-xx/I.13", "--today", "2026-01-15", data=DATA, columns="80")
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    words = " ".join(line[13:] if line.startswith(" ") or ":" in line[:13] else line for line in lines).split()
    # The content is there whole, word for word, though it is wider than the terminal.
    content = load_data(DATA).plan("qd74-dai-hoi-xx").plan.tasks
    text = next(t.content for t in content if t.id == "I.13")
    assert " ".join(text.split()) in " ".join(words)


@pytest.mark.parametrize("ref", ["74/QĐ-UBND/I.13", "74/qd-ubnd/i.13", "QD74-DAI-HOI-XX/I.13"])
def test_the_plan_by_its_number_or_its_id_in_any_case(ref: str):
    result = _show(ref, "--today", "2026-01-15", "--format", "json", data=DATA)
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)
    assert (row["plan"], row["id"], row["type"]) == ("qd74-dai-hoi-xx", "I.13", "task")
    assert row["lead"] == [{"written": "Sở Tài chính", "now": ["Sở Tài chính"]}]
    assert row["deadline"]["due"] == "2025-11-30" and row["status"] == "no_report_overdue"


def test_a_target():
    result = _show("aec-2026/III.2.1.a", "--format", "json", data=DATA)
    row = json.loads(result.stdout)
    assert (row["type"], row["value"], row["unit"], row["year"]) == ("target", "từ 11% trở lên", "%/năm", 2030)
    assert "Mức:" in _show("aec-2026/III.2.1.a", data=DATA).stdout


@pytest.mark.parametrize(
    ("ref", "phrase"),
    [("fx-2026/I.9", "không có nhiệm vụ hay chỉ tiêu 'I.9'"), ("fx-2026", "cần dạng KẾ-HOẠCH/MÃ"),
     ("nope/I.1", "không có kế hoạch 'nope'"), ("fx-2026/I.", "có phải")],
)
def test_an_unknown_task_or_plan_is_a_usage_mistake(ref: str, phrase: str):
    result = _show(ref)
    assert result.exit_code == 2
    assert phrase in result.stderr and "Traceback" not in result.output


def test_resolve_plan_lists_the_numbers_of_the_plans_there_are():
    data = load_data(FIXTURE)
    assert resolve_plan(data, "1/kh-ubnd").plan.id == "fx-2026"
    assert resolve_plan(data, "FX-2026").plan.id == "fx-2026"
    with pytest.raises(UnknownPlan) as exc:
        resolve_plan(data, "2/KH-UBND")
    assert "fx-2026 (1/KH-UBND)" in str(exc.value)
    with pytest.raises(UnknownItem):
        detail(data, "fx-2026/zzz", dt.date(2026, 1, 1))
