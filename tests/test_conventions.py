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
    result = run("progress", "set", "74/QĐ-UBND/I.5", "--status", "in-progress", "--data", str(data_copy),
                 "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert "I.5" in (data_copy / "progress" / "qd74-dai-hoi-xx" / "2026.yaml").read_text(encoding="utf-8")
