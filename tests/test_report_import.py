"""An agency's annual report draft, filled in Word, read back by ``progress import``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document

from kehoach.progress import load_progress
from progress_data import make_data

TODAY = "2026-11-21"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_data(tmp_path)


@pytest.fixture
def draft(run, root, tmp_path) -> Path:
    out = tmp_path / "bc-stc.docx"
    r = run(
        "report",
        "annual",
        "--plan",
        "fx-2026",
        "--year",
        "2026",
        "--agency",
        "Sở Tài chính",
        "--data",
        str(root),
        "--today",
        TODAY,
        "-o",
        str(out),
    )
    assert r.exit_code == 0, r.output
    return out


def _set(cell, text: str) -> None:
    p = cell.paragraphs[0]
    for r in p.runs[1:]:
        r._r.getparent().remove(r._r)
    if p.runs:
        p.runs[0].text = text
    else:
        p.add_run(text)


def _tables(doc):
    return [t for t in doc.tables if len(t.rows[0].cells) == 6 and t.rows[0].cells[5].text == "Kết quả thực hiện"]


def _fill(src: Path, out: Path, answers: dict[str, tuple[str, str]]) -> Path:
    doc = Document(str(src))
    for t in _tables(doc):
        for row in t.rows[1:]:
            cells = row.cells
            tid = cells[1].text.split(". ", 1)[0]
            if tid in answers:
                _set(cells[4], answers[tid][0])
                _set(cells[5], answers[tid][1])
    doc.save(str(out))
    return out


def _bytes(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted((root / "progress").rglob("*.yaml"))}


def test_the_draft_as_drafted_changes_nothing(run, root, draft):
    before = _bytes(root)
    r = run("progress", "import", str(draft), "--data", str(root), "--today", TODAY)
    assert r.exit_code == 0, r.output
    assert "0 mới, 0 thay đổi" in r.stdout
    assert _bytes(root) == before


def test_a_filled_draft_is_imported_and_again_changes_no_byte(run, root, draft, tmp_path):
    filled = _fill(
        draft,
        tmp_path / "filled.docx",
        {
            "I.6": ("Đang thực hiện", "Đang thẩm định hồ sơ."),
            "I.2": (
                "Đã hoàn thành",
                "Đã rà soát 5 khu. Hoàn thành ngày 25/03/2026. Văn bản, sản phẩm: Báo cáo 7/BC-STC.",
            ),
            "I.7": ("đã hoàn thành", "Cắt giảm 12 thủ tục. Hoàn thành ngày 01/09/2026."),
        },
    )
    r = run("progress", "import", str(filled), "--data", str(root), "--today", TODAY)
    assert r.exit_code == 0, r.output
    pf = load_progress(root).files[("fx-2026", 2026)]
    i2 = pf.tasks["I.2"]
    assert (i2.status, i2.completed, i2.result, i2.evidence) == (
        "done",
        dt.date(2026, 3, 25),
        "Đã rà soát 5 khu.",
        "Báo cáo 7/BC-STC",
    )
    assert pf.tasks["I.6"].agencies["Sở Tài chính"].status == "in-progress"
    assert pf.tasks["I.7"].agencies["Sở Tài chính"].completed == dt.date(2026, 9, 1)
    after = _bytes(root)
    again = run("progress", "import", str(filled), "--data", str(root), "--today", "2026-11-22")
    assert again.exit_code == 0, again.output
    assert _bytes(root) == after


def test_a_reordered_or_shortened_table_and_bad_cells_are_refused(run, root, draft, tmp_path):
    doc = Document(str(draft))
    own = _tables(doc)[0]
    own.rows[1]._tr.getparent().remove(own.rows[1]._tr)
    doc.save(str(tmp_path / "lost.docx"))
    doc = Document(str(draft))
    own = _tables(doc)[0]
    own.rows[2]._tr.addnext(own.rows[1]._tr)
    doc.save(str(tmp_path / "moved.docx"))
    _fill(draft, tmp_path / "bad.docx", {"I.2": ("xong rồi", "Đã rà soát.")})
    _fill(draft, tmp_path / "undated.docx", {"I.2": ("Đã hoàn thành", "Đã rà soát.")})
    before = _bytes(root)
    for name, message in [
        ("lost.docx", "dòng, dự thảo có"),
        ("moved.docx", "bảng bị đổi thứ tự"),
        ("bad.docx", "'xong rồi' không hợp lệ"),
        ("undated.docx", "Hoàn thành ngày dd/mm/yyyy"),
    ]:
        r = run("progress", "import", str(tmp_path / name), "--data", str(root), "--today", TODAY)
        assert r.exit_code == 1, (name, r.output)
        assert message in r.stderr and f"{name}!bảng" in r.stderr
    assert _bytes(root) == before
