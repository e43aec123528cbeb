"""CLI conventions: one rule and one wording for an existing output, dates and plans as people type them."""

from __future__ import annotations

import pytest

TODAY = "2026-11-21"


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["calendar", "--agency", "STC", "-o"], "a.ics"),
        (["export", "sqlite", "-o"], "a.db"),
        (["tasks", "--format", "xlsx", "-o"], "a.xlsx"),
        (["report", "annual", "--plan", "aec-2026", "--year", "2026", "--agency", "Sở Công Thương", "-o"], "a.docx"),
    ],
)
def test_an_existing_output_is_refused_in_one_wording(run, tmp_path, args, name):
    out = tmp_path / name
    out.write_bytes(b"mine")
    result = run(*args, str(out), "--today", TODAY)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"kehoach: đã có tệp {str(out)!r}; dùng --force để ghi đè"
    assert out.read_bytes() == b"mine"


def test_report_and_progress_take_the_plan_by_its_number(run, data_copy, tmp_path):
    out = tmp_path / "r.docx"
    result = run("report", "annual", "--plan", "1992/qđ-ubnd", "--year", "2026", "--agency", "Sở Công Thương",
                 "--data", str(data_copy), "-o", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    result = run("progress", "set", "74/QĐ-UBND/I.5", "--status", "in-progress", "--replace", "--keep-result",
                 "--data", str(data_copy),
                 "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert "I.5" in (data_copy / "progress" / "qd74-dai-hoi-xx" / "2026.yaml").read_text(encoding="utf-8")


A = "Sở Tài chính"


@pytest.mark.parametrize("day", ["15/1/2026", "15/01/2026", "2026-1-15", "15.1.2026"])
def test_a_date_as_people_write_it_gives_the_iso_answer(run, day):
    iso = run("due", "--agency", A, "--today", "2026-01-15", "--until", "2026-04-30", "--format", "json")
    other = run("due", "--agency", A, "--today", day, "--until", "30/4/2026", "--format", "json")
    assert other.exit_code == 0, other.stderr
    assert other.stdout == iso.stdout


def test_kehoach_today_takes_dd_mm_yyyy(run, monkeypatch):
    iso = run("due", "--agency", A, "--today", "2026-01-15", "--format", "json").stdout
    monkeypatch.setenv("KEHOACH_TODAY", "15/1/2026")
    from typer.testing import CliRunner

    from kehoach.cli import app

    assert CliRunner().invoke(app, ["due", "--agency", A, "--format", "json"]).stdout == iso


def test_plan_by_number_or_id_in_any_case(run):
    by_id = run("due", "--agency", A, "--today", "2026-01-15", "--plan", "qd74-dai-hoi-xx", "--format", "json")
    for typed in ("74/QĐ-UBND", "74/qd-ubnd", "QD74-DAI-HOI-XX"):
        result = run("due", "--agency", A, "--today", "2026-01-15", "--plan", typed, "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert result.stdout == by_id.stdout


def test_shared_options_before_the_command(run):
    after = run("due", "--agency", A, "--today", "2026-01-15", "--format", "json").stdout
    before = run("--format", "json", "--today", "15/1/2026", "due", "--agency", A)
    assert before.exit_code == 0, before.stderr
    assert before.stdout == after


def test_a_command_option_before_the_command_shows_the_command_as_it_should_be(run):
    result = run("--agency", "STC", "due")
    assert result.exit_code == 2
    assert "kehoach due --agency STC" in result.stderr


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["task"], "không có lệnh 'task'"),
        (["due", "--agency", "STC", "--within", "3", "tháng"], "--within 90"),
        (["due", "--agency", "Sở", "Tài", "chính"], "ngoặc kép"),
    ],
)
def test_usage_mistakes_are_told_in_vietnamese(run, args, phrase):
    result = run(*args)
    assert result.exit_code == 2
    assert phrase in result.stderr
    assert not any(w in result.stderr for w in ("No such", "Usage", "Did you mean", "Got unexpected"))


def test_help_has_vietnamese_placeholders():
    from typer.testing import CliRunner

    from kehoach.cli import app
    from test_docs import COMMANDS

    for name, _ in COMMANDS:
        out = CliRunner().invoke(app, [*name, "--help"]).stdout
        english = ("<str>", "<Path>", "<int>", "TEXT", "PATH", "[OPTIONS]", "YYYY-MM-DD", " NAME", "FILE.", " DIR")
        assert not [w for w in english if w in out], name


def test_the_context_lives_on_clicks_context():
    from kehoach.cli.options import AppContext, current

    assert isinstance(current(), AppContext) and current() is not current()  # no global outside a command
