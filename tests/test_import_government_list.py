"""A Government task list read as an analyst reads it.

Cells copied verbatim (short excerpts) from Phụ lục II "Danh mục các nhiệm vụ triển khai Chương trình hành
động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW", as transcribed in the public repository
thetrungdtt/VNMasterplan, file NQCP03/NQ03 PL2.md (rows 1, 8, 37, 46, 70 and 9; deadlines of the list).
Its deadline column writes months as bare numbers ("6/2025", "12/2025": 46 of 140 tasks) and one regular
duty as "Nhiệm vụ thường xuyên"; three lead cells join names without a comma, with "và" after a full name,
or qualify a collective with "là ...".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document

from kehoach.deadlines import DeadlineError, PlanDates, parse_deadline
from kehoach.importer import import_docx, read_agency_cell

DATES = PlanDates(dt.date(2025, 1, 9), dt.date(2030, 12, 31))


@pytest.mark.parametrize(
    ("text", "kind", "start", "due"),
    [
        ("6/2025", "month", dt.date(2025, 6, 1), dt.date(2025, 6, 30)),
        ("06/2025", "month", dt.date(2025, 6, 1), dt.date(2025, 6, 30)),
        ("01/2025", "month", dt.date(2025, 1, 1), dt.date(2025, 1, 31)),
        ("2/2025", "month", dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        ("12/2028", "month", dt.date(2028, 12, 1), dt.date(2028, 12, 31)),
        ("Nhiệm vụ thường xuyên", "ongoing", DATES.start, DATES.end),
    ],
)
def test_deadlines_of_the_government_list(text, kind, start, due):
    d = parse_deadline(text, DATES)
    assert (d.kind, d.start, d.due) == (kind, start, due)


def test_a_bare_month_keeps_the_month_checks():
    with pytest.raises(DeadlineError, match="tháng 13"):
        parse_deadline("13/2025", DATES)
    assert parse_deadline("Trước 6/2025", DATES).due == dt.date(2025, 5, 31)  # "trước" a month: before it starts
    assert parse_deadline("1/6/2025", DATES).kind == "date"  # a day stays a day


@pytest.mark.parametrize(
    ("cell", "names", "unknown"),
    [
        # row 8: the comma between two ministries is missing
        (
            "Bộ Thông tin và Truyền thông Bộ Khoa học và Công nghệ",
            ["Bộ Thông tin và Truyền thông", "Bộ Khoa học và Công nghệ"],
            [],
        ),
        # row 46: "Bộ Khoa học, Công nghệ" is one ministry written with a comma; "và các địa phương" after a name
        (
            "Bộ Khoa học, Công nghệ, Bộ Thông tin và Truyền thông, Bộ Kế hoạch và Đầu tư và các địa phương",
            ["Bộ Khoa học, Công nghệ", "Bộ Thông tin và Truyền thông", "Bộ Kế hoạch và Đầu tư", "các địa phương"],
            ["Bộ Khoa học, Công nghệ"],
        ),
        # row 70: a collective qualified by "là ..."; the qualifier is the note
        ("Các bộ, ngành, địa phương là chủ quản CSDLQG, CSDL chuyên ngành", ["Các bộ, ngành, địa phương"], []),
        # rows 2 and 37: lists and collectives stay as they were read
        ("VTV, VOV, TTXVN, các địa phương", ["VTV", "VOV", "TTXVN", "các địa phương"], []),
        ("Bộ Tư pháp, các bộ, ngành", ["Bộ Tư pháp", "các bộ, ngành"], []),
        # Nghị quyết 12/NQ-CP ngày 07/02/2023, Phụ lục, mục III.5 (support cell): a distributive list whose last
        # ministry is followed by "và các đơn vị liên quan"
        (
            "Các Bộ: Quốc phòng, Xây dựng, Tài nguyên và Môi trường, Nông nghiệp và PTNT và các đơn vị liên quan",
            ["Bộ Quốc phòng", "Bộ Xây dựng", "Bộ Tài nguyên và Môi trường", "Bộ Nông nghiệp và PTNT",
             "các đơn vị liên quan"],
            [],
        ),
    ],
)
def test_lead_cells_of_the_government_list(data, cell, names, unknown):
    read = read_agency_cell(cell, data.registry)
    assert read.names == names
    assert [u for u in read.unknown if u not in ("VTV", "VOV", "TTXVN")] == unknown


def test_the_qualifier_of_a_collective_goes_to_the_note(data):
    read = read_agency_cell("Các bộ, ngành, địa phương là chủ quản CSDLQG, CSDL chuyên ngành", data.registry)
    assert read.notes == ["Các bộ, ngành, địa phương là chủ quản CSDLQG, CSDL chuyên ngành"]


COLUMNS = ["TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời gian hoàn thành"]
ROWS = [
    ("I.", "Nâng cao nhận thức", "", "", "", ""),
    ("1.", "Xây dựng, trình Thủ tướng Chính phủ ban hành và tổ chức triển khai chương trình tuyên truyền",
     "Bộ Thông tin và Truyền thông", "Ban Tuyên giáo Trung ương; các bộ, ngành, địa phương; VTV, VOV, TTXVN",
     "Quyết định của Thủ tướng Chính phủ", "6/2025"),
    ("8.", "Xây dựng, ban hành văn bản làm rõ định nghĩa, nội hàm", "Bộ Thông tin và Truyền thông Bộ Khoa học và "
     "Công nghệ", "", "Văn bản hướng dẫn", "03/2025"),
    ("9.", "Phấn đấu bố trí tỷ lệ phù hợp cán bộ có chuyên môn", "Bộ, ngành, địa phương", "", "",
     "Nhiệm vụ thường xuyên"),
]


def test_the_government_list_imports_with_its_leads_and_deadlines(data, tmp_path: Path):
    doc = Document()
    doc.add_paragraph("PHỤ LỤC II")
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    for cell, text in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = text
    for row in ROWS:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    doc.save(tmp_path / "pl2.docx")
    result = import_docx(tmp_path / "pl2.docx", "cp-pl2", data.registry)
    tasks = {t["id"]: t for s in result.plan["sections"] for t in s["tasks"]}
    assert list(tasks) == ["I.1", "I.8", "I.9"]
    assert tasks["I.8"]["lead"] == ["Bộ Thông tin và Truyền thông", "Bộ Khoa học và Công nghệ"]
    kinds = [parse_deadline(t["deadline"], DATES).kind for t in tasks.values()]
    assert kinds == ["month", "month", "ongoing"]
    assert not [r for r in result.review if r.code == "deadline.unparsed"]
