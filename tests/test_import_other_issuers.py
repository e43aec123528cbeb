"""Word files of other issuers (UBND thành phố Hà Nội, Chính phủ), built at test time from table text in
the shapes of real plans: the jurisdiction from the header, agency cells and deadlines as an analyst reads them."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from kehoach.importer import import_docx

HEAD = ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI", "Số: 12/KH-UBND", "Hà Nội, ngày 02 tháng 3 năm 2026", "KẾ HOẠCH",
        "Thực hiện nhiệm vụ trọng tâm 100 ngày đầu năm 2026"]
COLUMNS = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
# (stt, content, lead cell, support cell, deadline cell) -> (leads, deadline kind, then)
ROWS = [
    ("I", "Nhiệm vụ chung", "", "", ""),
    ("1", "Rà soát dự toán", "Các Sở: Tài chính; Công Thương", "Các sở, ban, ngành", "Quý II/2026 và thường xuyên"),
    ("2", "Đề án giáo dục", "Các sở: Y tế, Giáo dục và Đào tạo", "UBND các xã, phường",
     "Năm 2026 và các năm tiếp theo"),
    ("3", "Kế hoạch chuyển đổi số", "Sở Khoa học và Công nghệ", "Các đơn vị liên quan",
     "30 ngày kể từ ngày ban hành Kế hoạch"),
    ("4", "Xây dựng quy chế", "Sở Tư pháp chủ trì hướng dẫn, tổng hợp", "Sở Nội vụ",
     "Hoàn thành xây dựng quy chế trong quý II/2026"),
    ("5", "Báo cáo kết quả", "Sở Tài chính (trong Quý II/2026)", "", "Quý IV2026"),
    ("6", "Tổ chức triển khai", "UBND thành phố Hà Nội", "Các sở, ban, ngành", "Từ ngày ban hành Kế hoạch trở đi"),
]
EXPECTED = {
    "I.1": (["Sở Tài chính", "Sở Công Thương"], "quarter"),
    "I.2": (["Sở Y tế", "Sở Giáo dục và Đào tạo"], "annual"),
    "I.3": (["Sở Khoa học và Công nghệ"], "date"),
    "I.4": (["Sở Tư pháp"], "quarter"),
    "I.5": (["Sở Tài chính"], "quarter"),
    "I.6": (["UBND thành phố Hà Nội"], "ongoing"),
}


def _build(target: Path) -> Path:
    doc = Document()
    for line in HEAD:
        doc.add_paragraph(line)
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    for cell, text in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = text
    for row in ROWS:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    doc.add_paragraph("KT. CHỦ TỊCH")
    doc.add_paragraph("PHÓ CHỦ TỊCH")
    doc.add_paragraph("Nguyễn Văn A")
    doc.save(target)
    return target


def test_a_ha_noi_plan_imports_with_its_jurisdiction_leads_and_deadlines(data, tmp_path):
    import datetime as dt

    from kehoach.dataset import plan_dates
    from kehoach.deadlines import parse_deadline
    from kehoach.model import Plan

    result = import_docx(_build(tmp_path / "hn.docx"), "hn-100-ngay", data.registry)
    plan = result.plan
    assert (plan["jurisdiction"], plan["issuer"]) == ("ha-noi", "UBND thành phố Hà Nội")
    assert plan["issued"] == dt.date(2026, 3, 2)
    tasks = {t["id"]: t for s in plan["sections"] for t in s["tasks"]}
    assert set(tasks) == set(EXPECTED)
    model = Plan.model_validate({**plan, "periods": [{"start": 2026, "end": 2026}]})
    dates = plan_dates(model)
    leads_right = sum(tasks[i]["lead"] == lead for i, (lead, _) in EXPECTED.items())
    kinds_right = sum(parse_deadline(tasks[i]["deadline"], dates).kind == kind for i, (_, kind) in EXPECTED.items())
    assert (leads_right, kinds_right) == (len(EXPECTED), len(EXPECTED))
    assert "chủ trì hướng dẫn" in tasks["I.4"]["note"]
    codes = [(r.where, r.code) for r in result.review]
    assert ("nhiệm vụ I.5", "agency.cell") in codes  # the deadline written in the lead cell
    assert not [c for c in codes if c[1] == "deadline.unparsed"]


def _table_doc(target: Path, columns: list[str], rows: list[tuple[str, ...]], across: dict[int, str]) -> Path:
    doc = Document()
    for line in HEAD:
        doc.add_paragraph(line)
    table = doc.add_table(rows=1, cols=len(columns))
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = text
    for i, row in enumerate(rows):
        cells = table.add_row().cells
        if i in across:
            merged = cells[0].merge(cells[-1])
            merged.text = across[i]
            continue
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    doc.save(target)
    return target


def test_table_structure_as_an_analyst_reads_it(data, tmp_path):
    columns = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cấp phê duyệt", "Thời gian hoàn thành"]
    rows = [
        ("I", "Cải cách thể chế", "", "", ""),
        ("1", "Hoàn thiện quy định về đất đai", "", "", ""),  # a parent: only groups the rows under it
        ("", "- Rà soát quy định", "Sở Tư pháp", "UBND Thành phố", "Quý II/2026"),
        ("-", "Trình ban hành quy định", "Sở Nông nghiệp và Môi trường", "HĐND Thành phố", "Quý III/2026"),
        ("", "", "", "", ""),  # the note row (merged across)
        ("2", "Sắp xếp đơn vị sự nghiệp", "Sở Nội vụ", "UBND Thành phố", "Quý IV/2026"),
    ]
    path = _table_doc(tmp_path / "cau-truc.docx", columns, rows, {4: "Ghi chú: các sở báo cáo kết quả về Sở Nội vụ."})
    result = import_docx(path, "hn-cau-truc", data.registry)
    sections = result.plan["sections"]
    ids = [(s["id"], [t["id"] for t in s["tasks"]]) for s in sections]
    assert ids == [("I", ["I.1.a", "I.1.b", "I.2"])]
    tasks = {t["id"]: t for s in sections for t in s["tasks"]}
    assert "Cấp phê duyệt: UBND Thành phố." in tasks["I.1.a"]["note"]
    assert tasks["I.1.a"]["note"].startswith("Thuộc mục 1: Hoàn thiện quy định về đất đai.")
    assert "Ghi chú: các sở báo cáo" in tasks["I.1.b"]["note"]  # a note row is a note, not a section
    codes = [r.code for r in result.review]
    assert "column.extra" in codes and "row.note" in codes and "row.parent" in codes
    assert not [r for r in result.review if r.code == "cell.empty"]


def test_a_table_without_group_rows_keeps_its_own_numbers(data, tmp_path):
    columns = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"]
    rows = [("1", "Việc một", "Sở Tài chính", "Quý II/2026"), ("2", "Việc hai", "Sở Y tế", "Quý III/2026")]
    result = import_docx(_table_doc(tmp_path / "phang.docx", columns, rows, {}), "hn-phang", data.registry)
    assert [t["id"] for s in result.plan["sections"] for t in s["tasks"]] == ["1", "2"]


def test_group_rows_numbered_in_their_own_column(data, tmp_path):
    columns = ["STT", "TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"]
    rows = [
        ("I", "", "Hoàn thiện thể chế", "", ""),
        ("", "1", "Sửa đổi quy chế", "Bộ Tư pháp", "Quý II/2026"),
        ("", "2", "Ban hành hướng dẫn", "Bộ Tài chính", "Quý III/2026"),
        ("II", "", "Chuyển đổi số", "", ""),
        ("", "1", "Kết nối dữ liệu", "Bộ Công an", "Năm 2026"),
    ]
    result = import_docx(_table_doc(tmp_path / "hai-cot.docx", columns, rows, {}), "cp-hai-cot", data.registry)
    ids = [(s["id"], [t["id"] for t in s["tasks"]]) for s in result.plan["sections"]]
    assert ids == [("I", ["I.1", "I.2"]), ("II", ["II.1"])]
    assert not [r for r in result.review if r.code in ("row.unsure", "column.extra")]
