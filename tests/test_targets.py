"""Target actuals by period, and whether they reach the target."""

from __future__ import annotations

from pathlib import Path

import pytest

from kehoach.attainment import NOT_REACHED, REACHED, UNKNOWN, attainment, direction, number
from kehoach.progress import load_progress
from progress_data import make_data


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("11% trở lên", "11,2", REACHED),
        ("11% trở lên", "10,9", NOT_REACHED),
        ("khoảng 3% trở lên", "2,9", NOT_REACHED),
        ("dưới 1%", "0,8", REACHED),
        ("dưới 1%", "1", NOT_REACHED),
        ("trên 50%", "50", NOT_REACHED),
        ("không dưới 5", "5", REACHED),
        ("≥ 12,8%/năm", "13", REACHED),
        ("ít nhất 1.200 doanh nghiệp", "1.350", REACHED),
        ("khoảng 418.000", "420.000", REACHED),
        ("khoảng 70%", "60", NOT_REACHED),
        ("100%", "100", UNKNOWN),  # no direction stated
        ("từ 5,5-6", "5,8", UNKNOWN),  # two numbers
        ("11% trở lên", "đang thống kê", UNKNOWN),
        (None, "5", UNKNOWN),
    ],
)
def test_attainment(target, actual, expected):
    assert attainment(target, actual) == expected


def test_numbers_are_read_the_vietnamese_way():
    assert number("1.200") == 1200
    assert number("11,25%") == 11.25
    assert number("1.234.567,5 đồng") == 1234567.5
    assert number("8 - 10%") is None
    assert direction("Khoảng 6% trở lên") == "min"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_data(tmp_path)


def test_target_actuals_by_period_and_the_report_appendix(run, root, tmp_path):
    def k(*args: str):
        return run(*args, "--data", str(root), "--today", "2027-12-20")

    r = k("progress", "set", "fx-2026/CT.1", "--value", "10,5", "--year", "2026", "--estimate", "--source", "Ước")
    assert r.exit_code == 0, r.output
    r = k("progress", "set", "fx-2026/CT.1", "--value", "11,3", "--year", "2027", "--by", "Sở Tài chính")
    assert r.exit_code == 0, r.output
    prog = load_progress(root)
    assert prog.files[("fx-2026", 2026)].targets["CT.1"].estimate is True
    assert prog.files[("fx-2026", 2027)].targets["CT.1"].actual == "11,3"
    again = k("progress", "set", "fx-2026/CT.1", "--value", "11,0", "--year", "2027")
    assert again.exit_code == 1 and "'11,3' → '11,0'" in again.stderr
    assert k("progress", "set", "fx-2026/CT.1", "--status", "done").exit_code == 2
    out = tmp_path / "bc.docx"
    r = k("report", "annual", "--plan", "fx-2026", "--year", "2027", "-o", str(out))
    assert r.exit_code == 0, r.output
    from docx import Document

    cells = [[c.text for c in row.cells] for t in Document(str(out)).tables for row in t.rows]
    ct1 = next(c for c in cells if c[1].startswith("CT.1."))
    assert ct1[4] == "11,3 (năm 2027); Đạt"
    ct2 = next(c for c in cells if c[1].startswith("CT.2."))
    assert ct2[4] == "[bổ sung]"
    r = k("report", "annual", "--plan", "fx-2026", "--year", "2026", "-o", str(out), "--force")
    assert r.exit_code == 0, r.output
    cells = [[c.text for c in row.cells] for t in Document(str(out)).tables for row in t.rows]
    assert next(c for c in cells if c[1].startswith("CT.1."))[4] == "10,5 (ước năm 2026); Chưa đạt"
