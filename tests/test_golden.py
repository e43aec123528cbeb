"""Golden outputs of every listing command in every format, on the small fixture data (tests/golden/listings/).

A deliberate change: regenerate with ``KEHOACH_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and read the diff.
Tables are kept at 80 columns (blocks) and at 150 (the boxed table); Excel as the values of its header and
rows (the bytes of a workbook carry the time it was written).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kehoach.cli import app

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "data"
GOLDEN = HERE / "golden" / "listings"

CASES: dict[str, list[str]] = {
    "due": ["due", "--agency", "STC", "--today", "2026-01-15"],
    "due-late": ["due", "--agency", "Sở Tài chính", "--today", "2026-04-15"],
    "due-none": ["due", "--agency", "SXD", "--today", "2026-01-15", "--within", "1"],
    "tasks": ["tasks", "--today", "2026-03-15"],
    "tasks-agency": ["tasks", "--agency", "STC", "--today", "2026-03-15"],
    "tasks-none": ["tasks", "--search", "không có nhiệm vụ nào như thế", "--today", "2026-03-15"],
    "plans": ["plans"],
    "agencies": ["agencies"],
    "cycles": ["cycles", "--year", "2028"],
    "status": ["status", "--today", "2026-11-21"],
    "status-agency": ["status", "--agency", "STC", "--today", "2026-11-21"],
    "progress": ["progress", "show", "--today", "2026-11-21"],
}
FORMATS = ["table-80", "table-150", "csv", "json", "xlsx"]


def _run(args: list[str], fmt: str, tmp_path: Path) -> str:
    env = {"COLUMNS": fmt.split("-")[1]} if fmt.startswith("table") else {}
    argv = [*args, "--data", str(FIXTURE)]
    out = tmp_path / "x.xlsx"
    if fmt in ("csv", "json"):
        argv += ["--format", fmt]
    elif fmt == "xlsx":
        argv += ["--format", "xlsx", "-o", str(out)]
    result = CliRunner(env=env).invoke(app, argv, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    if fmt != "xlsx":
        return result.stdout
    import openpyxl

    ws = openpyxl.load_workbook(out).active
    cells = [[ws["A1"].value], [ws["A2"].value.replace(str(FIXTURE), "FIXTURE")]]
    for row in ws.iter_rows(min_row=5, values_only=True):
        cells.append([v.date().isoformat() if isinstance(v, dt.datetime) else v for v in row])
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in cells) + "\n"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", CASES)
def test_listing_matches_its_golden_output(name: str, fmt: str, tmp_path: Path):
    got = _run(CASES[name], fmt, tmp_path)
    path = GOLDEN / f"{name}.{fmt}.txt"
    if os.environ.get("KEHOACH_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CASES)
def test_at_80_columns_no_line_is_wider(name: str, tmp_path: Path):
    from kehoach.table import cell_width

    assert all(cell_width(line) <= 80 for line in _run(CASES[name], "table-80", tmp_path).splitlines())
