"""Edges of the command line and its library: shared options on both sides of the command, a missing
command, CSV cells of nested fields, a plan named alone to ``show``, day 0, exit codes from the class,
output folders that do not exist."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURE
from kehoach.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("KEHOACH_TODAY", raising=False)
    monkeypatch.setenv("KEHOACH_DATA", str(DATA))

    def invoke(*args: str):
        return CliRunner().invoke(app, list(args), catch_exceptions=False)

    return invoke


# --- shared options before and after the command ---------------------------------------------------------


def test_the_option_written_after_the_command_wins(run):
    result = run("--today", "2026-11-21", "due", "--agency", "STC", "--today", "2026-01-15")
    assert result.exit_code == 0, result.stderr
    assert "tính đến 15/01/2026" in result.stdout and "21/11/2026" not in result.stdout
    table = run("--format", "json", "plans", "--format", "table")
    assert table.exit_code == 0 and "kế hoạch" in table.stdout and not table.stdout.lstrip().startswith("[")
    as_json = run("--format", "table", "plans", "--format", "json")
    assert [p["id"] for p in json.loads(as_json.stdout)][:1] == ["aec-2026"]


def test_an_option_before_the_command_still_counts_alone(run):
    result = run("--today", "2026-01-15", "due", "--agency", "STC")
    assert result.exit_code == 0 and "tính đến 15/01/2026" in result.stdout


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["--today", "1/1/2026"], "thiếu tên lệnh"),
        (["--format", "json"], "thiếu tên lệnh"),
        (["--today", "plans"], "--today cần một giá trị"),
        (["--today"], "--today cần một giá trị"),
        (["--today", "1/1/2026", "frobnicate"], "không có lệnh 'frobnicate'"),
    ],
)
def test_a_missing_command_or_value_is_said_so(run, args, phrase):
    result = run(*args)
    assert result.exit_code == 2
    assert phrase in result.stderr and "không có tùy chọn" not in result.stderr
    if args == ["--today", "plans"]:
        assert "kehoach --today GIÁ-TRỊ plans" in result.stderr
    else:
        assert "kehoach --help" in result.stderr


# --- CSV cells ---------------------------------------------------------------------------------------------

LISTINGS = [
    ["plans"],
    ["tasks"],
    ["tasks", "--agency", "STC"],
    ["due", "--agency", "STC", "--within", "3650"],
    ["agencies"],
    ["cycles"],
    ["status"],
    ["progress", "show"],
]


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_no_csv_cell_holds_python_text(run, monkeypatch: pytest.MonkeyPatch, args):
    monkeypatch.setenv("KEHOACH_TODAY", "2026-01-15")
    result = run(*args, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            assert "{'" not in cell and "['" not in cell, (args, cell)


def test_plans_csv_periods_and_reviews_read_as_text(run):
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(run("plans", "--format", "csv").stdout))}
    assert rows["aec-2026"]["periods"] == "2026-2030; 2031-2035"
    assert rows["aec-2026"]["reviews"] == "midterm 2028; final 2030; midterm 2032; final 2035"
    assert rows["hoi-nhap-quoc-te"]["periods"] == "2025-2030" and rows["hoi-nhap-quoc-te"]["reviews"] == ""


# --- show ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["74/QĐ-UBND", "74/qd-ubnd"])
def test_show_a_plan_number_alone_asks_for_plan_and_id(run, ref):
    result = run("show", ref)
    assert result.exit_code == 2
    assert "cần dạng KẾ-HOẠCH/MÃ" in result.stderr and "qd74-dai-hoi-xx" in result.stderr
    assert "không có kế hoạch" not in result.stderr


def test_the_deadline_reading_is_the_library_s():
    import datetime as dt

    from kehoach.dataset import load_data
    from kehoach.detail import TaskDetail, detail

    found = detail(load_data(DATA), "qd74-dai-hoi-xx/I.13", dt.date(2026, 1, 15))
    assert isinstance(found, TaskDetail)
    assert found.reading == "tháng, từ 01/11/2025 đến 30/11/2025"
    assert found.records == [] or all(r.text.startswith("năm ") for r in found.records)


# --- dates ---------------------------------------------------------------------------------------------------


def test_day_zero_is_named(run):
    result = run("due", "--agency", "STC", "--today", "0/1/2026")
    assert result.exit_code == 2 and "không có ngày 0" in result.stderr and "31 ngày" not in result.stderr


def test_dotted_dates_are_read_and_documented(run):
    result = run("due", "--agency", "STC", "--today", "15.01.2026")
    assert result.exit_code == 0 and "tính đến 15/01/2026" in result.stdout
    assert "`15.01.2026`" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- errors --------------------------------------------------------------------------------------------------


def test_the_exit_code_is_read_from_the_class():
    from kehoach.errors import KehoachError, exit_code_of

    class Refused(KehoachError):
        exit_code = 2

    assert exit_code_of(Refused("x")) == 2


def test_xlsx_without_a_file_is_a_usage_error_for_library_users():
    from kehoach.errors import UsageError
    from kehoach.listing import write_listing
    from kehoach.present import plans_spec

    with pytest.raises(UsageError, match="-o"):
        write_listing([], plans_spec(), "xlsx")


def test_emit_passes_every_option_of_write_listing(monkeypatch: pytest.MonkeyPatch):
    import kehoach.listing
    from kehoach.cli.listing import emit
    from kehoach.present import plans_spec

    seen: dict[str, object] = {}
    monkeypatch.setattr(kehoach.listing, "write_listing", lambda rows, spec, fmt, **kw: seen.update(kw))
    options = {"title": "t", "width": 50, "stream": io.StringIO(), "caption": "c", "empty": "e"}
    emit([], plans_spec(), "table", **options)
    assert {k: seen[k] for k in options} == options and seen["query"] == ""


# --- Word files ----------------------------------------------------------------------------------------------


def test_a_word_file_is_read_by_read_regular(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    import kehoach.files
    from kehoach.wordfile import DocxImportError, read_file

    calls: list[Path] = []
    real = kehoach.files.read_regular
    monkeypatch.setattr(kehoach.files, "read_regular", lambda p, cap: calls.append(p) or real(p, cap))
    doc = tmp_path / "a.docx"
    doc.write_bytes(b"PK")
    assert read_file(doc) == b"PK" and calls == [doc]
    with pytest.raises(DocxImportError, match="không tìm thấy tệp"):
        read_file(tmp_path / "none.docx")
    with pytest.raises(DocxImportError, match="là một thư mục, không phải tệp Word"):
        read_file(tmp_path)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.docx")
        with pytest.raises(DocxImportError, match="FIFO"):
            read_file(tmp_path / "pipe.docx")


# --- output folders ------------------------------------------------------------------------------------------


def test_a_missing_output_folder_is_refused_not_made(run, tmp_path: Path):
    target = tmp_path / "missing" / "x.xlsx"
    result = run("plans", "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 1
    assert "chưa có" in result.stderr and str(tmp_path / "missing") in result.stderr
    assert not (tmp_path / "missing").exists()


def test_report_makes_its_one_folder_but_not_the_ones_above(run, tmp_path: Path):
    # The small fixture plan (three lead agencies): what is tested is the folder, not the drafts.
    args = ("report", "annual", "--plan", "fx-2026", "--year", "2026", "--today", "2026-11-21", "--all-agencies",
            "--data", str(FIXTURE))  # fmt: skip
    deep = run(*args, "-o", str(tmp_path / "a" / "b"))
    assert deep.exit_code == 1 and "chưa có" in deep.stderr and not (tmp_path / "a").exists()
    made = run(*args, "-o", str(tmp_path / "bao-cao"))
    assert made.exit_code == 0, made.stderr
    assert sorted(p.suffix for p in (tmp_path / "bao-cao").iterdir()) and all(
        p.suffix == ".docx" for p in (tmp_path / "bao-cao").iterdir()
    )


def test_a_failed_write_names_the_user_s_file_never_a_temporary_one(run, tmp_path: Path):
    from kehoach.files import atomic_write

    with pytest.raises(OSError) as caught:
        atomic_write(Path("/proc/nope.xlsx"), b"x")
    assert caught.value.filename == "/proc/nope.xlsx"
    result = run("plans", "--format", "xlsx", "-o", "/proc/nope.xlsx")
    assert result.exit_code == 1 and "'/proc/nope.xlsx'" in result.stderr
    assert ".tmp" not in result.stderr and ".nope." not in result.stderr
