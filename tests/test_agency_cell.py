"""Agency cells read as an analyst reads them, in time linear in the cell."""

from __future__ import annotations

import time

import pytest

from kehoach.importer import MAX_PIECES, read_agency_cell, split_agencies


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Bộ Giáo dục và Đào tạo", ["Bộ Giáo dục và Đào tạo"]),
        ("Bộ Khoa học và Công nghệ, Bộ Tư pháp", ["Bộ Khoa học và Công nghệ", "Bộ Tư pháp"]),
        ("Các sở: Y tế, Giáo dục và Đào tạo", ["Sở Y tế", "Sở Giáo dục và Đào tạo"]),
        ("Các Sở: Tài chính; Công Thương", ["Sở Tài chính", "Sở Công Thương"]),
        ("Các Bộ: Tư pháp, Tài chính", ["Bộ Tư pháp", "Bộ Tài chính"]),
        (
            "Các sở: Tư pháp, Nội vụ; Hiệp hội doanh nghiệp tỉnh",
            ["Sở Tư pháp", "Sở Nội vụ", "Hiệp hội doanh nghiệp tỉnh"],
        ),
        ("Bộ Tư pháp chủ trì hướng dẫn, tổng hợp, báo cáo", ["Bộ Tư pháp"]),
        ("1. Bộ Công an: chủ trì kinh tế dữ liệu", ["Bộ Công an"]),
        ("Ngân hàng Nhà nước Việt Nam theo chức năng, nhiệm vụ được giao", ["Ngân hàng Nhà nước Việt Nam"]),
        ("Bộ Công Thương (đối với năng lượng)", ["Bộ Công Thương"]),
        ("Bộ Tư pháp và các bộ, ngành có liên quan", ["Bộ Tư pháp", "các bộ, ngành có liên quan"]),
        ("UBND tỉnh Thanh Hóa và các bộ, ngành có liên quan", ["UBND tỉnh Thanh Hóa", "các bộ, ngành có liên quan"]),
    ],
)
def test_cells_of_real_plans(data, cell, names):
    read = read_agency_cell(cell, data.registry)
    assert read.names == names
    assert read.unknown == []


def test_role_text_and_scopes_go_to_the_note_and_a_deadline_is_flagged(data):
    read = read_agency_cell("Bộ Công Thương (đối với năng lượng)", data.registry)
    assert read.notes == ["(đối với năng lượng)"] and read.flags == []
    read = read_agency_cell("Bộ Tư pháp chủ trì hướng dẫn, tổng hợp, báo cáo", data.registry)
    assert read.notes == ["Bộ Tư pháp chủ trì hướng dẫn, tổng hợp, báo cáo"]
    read = read_agency_cell("Bộ Tài chính (trong Quý II/2026)", data.registry)
    assert read.names == ["Bộ Tài chính"] and len(read.flags) == 1 and "Quý II/2026" in read.flags[0]


def test_unknown_names_stay_whole(data):
    assert split_agencies("Trung tâm Xúc tiến Đầu tư và Thương mại", data.registry) == (
        ["Trung tâm Xúc tiến Đầu tư và Thương mại"],
        ["Trung tâm Xúc tiến Đầu tư và Thương mại"],
    )


def test_a_cell_of_many_unknown_names_is_linear_and_capped(data):
    # 300 unknown comma-separated names once took 53 s (every run of pieces tried, cubic in the cell).
    cell = ", ".join(f"Cơ quan thử số {i}" for i in range(300))
    started = time.perf_counter()
    read = read_agency_cell(cell, data.registry)
    small = time.perf_counter() - started
    assert len(read.names) == MAX_PIECES and read.flags and read.names[-1].endswith("Cơ quan thử số 299")
    fewer = ", ".join(f"Cơ quan thử số {i}" for i in range(MAX_PIECES - 1))
    assert len(read_agency_cell(fewer, data.registry).names) == MAX_PIECES - 1
    # Bounded, not a speed target: a cell ten times longer costs about ten times as much, not a thousand.
    cell10 = ", ".join(f"Cơ quan thử số {i}" for i in range(3000))
    started = time.perf_counter()
    read_agency_cell(cell10, data.registry)
    assert time.perf_counter() - started < max(2.0, 40 * small)
