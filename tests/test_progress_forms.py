"""The monitoring loop: forms out (``progress form``), results back in (``progress import``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kehoach.progress import load_progress
from progress_data import make_data

TODAY = "2026-11-21"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_data(tmp_path)


@pytest.fixture
def k(run, root):
    def _k(*args: str):
        return run(*args, "--data", str(root), "--today", TODAY)

    return _k


def _progress_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "progress").rglob("*.yaml"))}


def _rows(path: Path, sheet: str = "Nhiệm vụ") -> dict[str, int]:
    ws = openpyxl.load_workbook(path)[sheet]
    return {str(ws.cell(r, 2).value): r for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value}


def _fill(path: Path, out: Path, cells: dict[tuple[str, str], object], sheet: str = "Nhiệm vụ") -> Path:
    """Fill ``(task id, column letter)`` cells of a form, as another program would (openpyxl)."""
    rows = _rows(path, sheet)
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for (tid, col), value in cells.items():
        ws[f"{col}{rows[tid]}"] = value
    wb.save(out)
    return out


@pytest.fixture
def forms(k, tmp_path: Path) -> Path:
    out = tmp_path / "forms"
    result = k("progress", "form", "--plan", "fx-2026", "--year", "2026", "--all-agencies", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_a_form_per_answering_agency_with_its_tasks_and_targets(forms: Path):
    names = sorted(p.name for p in forms.iterdir())
    assert names == ["so-cong-thuong.xlsx", "so-tai-chinh.xlsx", "so-xay-dung.xlsx"]
    wb = openpyxl.load_workbook(forms / "so-tai-chinh.xlsx")
    assert wb.sheetnames == ["Nhiệm vụ", "Chỉ tiêu", "_kehoach"]
    assert wb["_kehoach"].sheet_state == "hidden"
    ws = wb["Nhiệm vụ"]
    header = [c.value for c in ws[4]]
    assert {"Mã nhiệm vụ", "Tình trạng", "Ngày hoàn thành", "Kết quả thực hiện"} <= set(header)
    rows = _rows(forms / "so-tai-chinh.xlsx")
    # I.1 its own, I.2 inherited from Sở Kế hoạch và Đầu tư, I.6 one of two leads, I.7 through the collective
    assert list(rows) == ["I.1", "I.2", "I.6", "I.7"]
    assert ws[f"F{rows['I.1']}"].value == "đã hoàn thành"  # recorded already: prefilled
    assert ws[f"G{rows['I.1']}"].value == dt.datetime(2026, 2, 20)
    assert "giao chung" in ws[f"E{rows['I.7']}"].value
    assert ws.protection.sheet and not ws[f"F{rows['I.1']}"].protection.locked and ws["C5"].protection.locked
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and "đang thực hiện" in lists[0].formula1
    assert any(dv.type == "date" for dv in ws.data_validations.dataValidation)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$4:$4"
    targets = [c.value for c in wb["Chỉ tiêu"]["B"][4:]]
    assert targets == ["CT.1"]
    monitor = openpyxl.load_workbook(forms / "so-cong-thuong.xlsx")["Chỉ tiêu"]
    assert [c.value for c in monitor["B"][4:]] == ["CT.1", "CT.2"]  # the monitor answers for every target


def test_forms_are_not_overwritten_without_force(k, forms: Path):
    before = (forms / "so-tai-chinh.xlsx").read_bytes()
    again = k("progress", "form", "--plan", "fx-2026", "--year", "2026", "--all-agencies", "-o", str(forms))
    assert again.exit_code == 1 and "--force" in again.stderr
    assert (forms / "so-tai-chinh.xlsx").read_bytes() == before
    forced = k("progress", "form", "--plan", "fx-2026", "--year", "2026", "--all-agencies", "-o", str(forms), "--force")
    assert forced.exit_code == 0


def test_three_agencies_fill_their_forms_and_the_results_come_in(k, root, forms, tmp_path):
    filled = [
        _fill(
            forms / "so-tai-chinh.xlsx",
            tmp_path / "stc.xlsx",
            {
                ("I.6", "F"): "đang thực hiện",
                ("I.6", "H"): "Đang thẩm định hồ sơ",
                ("I.7", "F"): "đã hoàn thành",
                ("I.7", "G"): dt.datetime(2026, 9, 1),
                ("I.7", "H"): "Cắt giảm 12 thủ tục",
            },
        ),
        _fill(
            forms / "so-xay-dung.xlsx",
            tmp_path / "sxd.xlsx",
            {
                ("I.6", "F"): "đã hoàn thành",
                ("I.6", "G"): "15/10/2026",
                ("I.6", "H"): "Đã trình phê duyệt",
                ("I.6", "I"): "Tờ trình 45/TTr-SXD",
                ("I.4", "F"): "đang thực hiện",
            },
        ),
        _fill(
            forms / "so-cong-thuong.xlsx",
            tmp_path / "sct.xlsx",
            {("I.3", "F"): "đang thực hiện", ("I.3", "H"): "Đã tổng hợp 9 tháng", ("I.7", "F"): "đang thực hiện"},
        ),
    ]
    _fill(filled[2], filled[2], {("CT.2", "F"): "0,8", ("CT.2", "G"): 2026, ("CT.2", "H"): "ước"}, sheet="Chỉ tiêu")
    before = _progress_bytes(root)
    dry = k("progress", "import", *map(str, filled), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "sxd.xlsx: 2 mới, 0 thay đổi" in dry.stdout
    assert "tình trạng 'đã hoàn thành'" in dry.stdout
    assert _progress_bytes(root) == before  # --dry-run writes nothing
    done = k("progress", "import", *map(str, filled))
    assert done.exit_code == 0, done.output
    pf = load_progress(root).files[("fx-2026", 2026)]
    i6 = pf.tasks["I.6"]
    assert {a: r.status for a, r in i6.agencies.items()} == {"Sở Tài chính": "in-progress", "Sở Xây dựng": "done"}
    assert i6.agencies["Sở Xây dựng"].completed == dt.date(2026, 10, 15)
    assert i6.agencies["Sở Xây dựng"].evidence == "Tờ trình 45/TTr-SXD"
    assert i6.status == "in-progress"  # not done while one lead is in progress
    assert set(pf.tasks["I.7"].agencies) == {"Sở Tài chính", "Sở Công Thương"}
    assert (pf.targets["CT.2"].actual, pf.targets["CT.2"].estimate) == ("0,8", True)
    shown = k("progress", "show", "--plan", "fx-2026", "--format", "json")
    rows = {(r["id"], r["reported_by"]): r for r in json.loads(shown.stdout)}
    assert rows[("I.6", "Sở Xây dựng")]["result"] == "Đã trình phê duyệt"
    assert rows[("I.3", "Sở Công Thương")]["status"] == "in-progress"
    after = _progress_bytes(root)
    again = k("progress", "import", *map(str, filled))
    assert again.exit_code == 0, again.output
    assert "0 mới, 0 thay đổi" in again.stdout
    assert _progress_bytes(root) == after  # importing the same files twice changes no byte


def _refused(k, root: Path, *files: Path, extra: tuple[str, ...] = ()):
    before = _progress_bytes(root)
    result = k("progress", "import", *map(str, files), *extra)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert _progress_bytes(root) == before
    return result.stderr


def test_a_bad_cell_is_named_and_the_whole_batch_is_refused(k, root, forms, tmp_path):
    good = _fill(forms / "so-xay-dung.xlsx", tmp_path / "sxd.xlsx", {("I.4", "F"): "đang thực hiện"})
    bad = _fill(forms / "so-tai-chinh.xlsx", tmp_path / "stc.xlsx", {("I.6", "F"): "xong"})
    row = _rows(bad)["I.6"]
    err = _refused(k, root, good, bad)
    assert f"stc.xlsx!Nhiệm vụ!F{row}: tình trạng 'xong' không hợp lệ; chọn một trong: đã hoàn thành" in err


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({("I.6", "F"): "đã hoàn thành", ("I.6", "G"): "15/13/2026"}, "G{row}: ngày '15/13/2026' không có thật"),
        ({("I.6", "F"): "đã hoàn thành", ("I.6", "G"): "mười lăm"}, "G{row}: ngày 'mười lăm' không đọc được"),
        ({("I.6", "F"): "đã hoàn thành"}, "G{row}: I.6 đã hoàn thành nhưng thiếu ngày hoàn thành"),
        ({("I.6", "F"): "đã hoàn thành", ("I.6", "G"): "01/12/2026"}, "G{row}: ngày 01/12/2026 ở tương lai"),
        ({("I.6", "F"): "=1+1"}, "F{row}: ô chứa công thức"),
        ({("I.6", "H"): "Có kết quả"}, "F{row}: thiếu tình trạng"),
        ({("I.6", "C"): "Nội dung khác"}, ""),  # a locked descriptive cell edited: not an answer, ignored
    ],
)
def test_hostile_cells(k, root, forms, tmp_path, cells, message):
    bad = _fill(forms / "so-tai-chinh.xlsx", tmp_path / "stc.xlsx", cells)
    row = _rows(bad)["I.6"]
    if not message:
        assert k("progress", "import", str(bad)).exit_code == 0
        return
    assert message.format(row=row) in _refused(k, root, bad)


def test_a_tampered_form_is_refused(k, root, forms, tmp_path):
    path = tmp_path / "stc.xlsx"
    wb = openpyxl.load_workbook(forms / "so-tai-chinh.xlsx")
    meta = wb["_kehoach"]
    for row in meta.iter_rows():
        if row[0].value == "agency":
            row[1].value = "Sở Xây dựng"
    wb.save(path)
    assert "trang ẩn đã bị sửa" in _refused(k, root, path)


def test_a_form_whose_task_changed_since_it_was_made_is_refused(k, root, forms, tmp_path):
    filled = _fill(forms / "so-tai-chinh.xlsx", tmp_path / "stc.xlsx", {("I.6", "F"): "đang thực hiện"})
    plan = root / "plans" / "fx-2026.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("deadline: Tháng 10/2026", "deadline: Tháng 12/2026"))
    assert "I.6 đã thay đổi" in _refused(k, root, filled)


def test_rows_added_deleted_or_sheets_renamed_are_refused(k, root, forms, tmp_path):
    src = forms / "so-tai-chinh.xlsx"
    wb = openpyxl.load_workbook(src)
    wb["Nhiệm vụ"].delete_rows(_rows(src)["I.6"])
    wb.save(tmp_path / "deleted.xlsx")
    assert "dòng thêm, xóa hay đổi thứ tự" in _refused(k, root, tmp_path / "deleted.xlsx")
    wb = openpyxl.load_workbook(src)
    ws = wb["Nhiệm vụ"]
    ws.cell(ws.max_row + 1, 2, "I.5")
    ws.cell(ws.max_row, 6, "đã hoàn thành")
    wb.save(tmp_path / "added.xlsx")
    assert "dòng thêm, xóa hay đổi thứ tự" in _refused(k, root, tmp_path / "added.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["Nhiệm vụ"].title = "Nhiem vu"
    wb.save(tmp_path / "renamed.xlsx")
    assert "không có trang tính 'Nhiệm vụ'" in _refused(k, root, tmp_path / "renamed.xlsx")


def test_merged_cells_macros_passwords_and_non_workbooks_are_refused(k, root, forms, tmp_path):
    src = forms / "so-tai-chinh.xlsx"
    wb = openpyxl.load_workbook(src)
    wb["Nhiệm vụ"].merge_cells("H5:I5")
    wb.save(tmp_path / "merged.xlsx")
    assert "có ô gộp (H5:I5)" in _refused(k, root, tmp_path / "merged.xlsx")
    shutil.copy(src, tmp_path / "macro.xlsm")
    assert "macro" in _refused(k, root, tmp_path / "macro.xlsm")
    with zipfile.ZipFile(tmp_path / "vba.xlsx", "w") as zf, zipfile.ZipFile(src) as orig:
        for item in orig.infolist():
            zf.writestr(item, orig.read(item))
        zf.writestr("xl/vbaProject.bin", b"\x00" * 16)
    assert "macro" in _refused(k, root, tmp_path / "vba.xlsx")
    (tmp_path / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert "mật khẩu" in _refused(k, root, tmp_path / "locked.xlsx")
    (tmp_path / "text.xlsx").write_text("Mã nhiệm vụ,Tình trạng\n", encoding="utf-8")
    assert "không phải tệp Excel" in _refused(k, root, tmp_path / "text.xlsx")


def test_too_many_rows_are_refused_before_reading_them(k, root, forms, tmp_path, monkeypatch):
    import kehoach.progress_import as pi

    monkeypatch.setattr(pi, "MAX_ROWS", 20)
    wb = openpyxl.load_workbook(forms / "so-tai-chinh.xlsx")
    ws = wb["Nhiệm vụ"]
    for i in range(40):
        ws.cell(10 + i, 2, f"X.{i}")
    wb.save(tmp_path / "long.xlsx")
    assert "quá 20 dòng" in _refused(k, root, tmp_path / "long.xlsx")


def test_a_form_for_another_agency_or_year_is_refused(k, root, forms, tmp_path):
    filled = _fill(forms / "so-tai-chinh.xlsx", tmp_path / "stc.xlsx", {("I.6", "F"): "đang thực hiện"})
    assert "không phải của Sở Xây dựng" in _refused(k, root, filled, extra=("--agency", "Sở Xây dựng"))
    assert "không phải năm 2027" in _refused(k, root, filled, extra=("--year", "2027"))


def test_a_value_that_contradicts_the_record_needs_force(k, root, forms, tmp_path):
    filled = _fill(
        forms / "so-tai-chinh.xlsx",
        tmp_path / "stc.xlsx",
        {("I.1", "F"): "đang thực hiện", ("I.1", "G"): None, ("I.1", "H"): "Trình lại"},
    )
    err = _refused(k, root, filled)
    assert "'đã hoàn thành' → 'đang thực hiện'" in err and "'Đã trình UBND tỉnh danh mục.' → 'Trình lại'" in err
    assert k("progress", "import", str(filled), "--force").exit_code == 0
    assert load_progress(root).files[("fx-2026", 2026)].tasks["I.1"].status == "in-progress"


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8-sig", name: str = "ket-qua.csv") -> Path:
    path = tmp_path / name
    if encoding == "cp1258":  # Windows Vietnamese: base letters and combining tone marks
        import unicodedata

        text = unicodedata.normalize("NFD", text)
    path.write_bytes(text.encode(encoding, errors="replace"))
    return path


CSV = (
    "Kế hoạch,Năm,Cơ quan,Mã nhiệm vụ,Tình trạng,Ngày hoàn thành,Kết quả thực hiện\n"
    "fx-2026,2026,Sở Xây dựng,I.4,đang thực hiện,,Đã phát 2.000 tờ rơi\n"
    "fx-2026,2026,Sở Xây dựng,I.6,đã hoàn thành,15/10/2026,Đã trình\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_csv_with_the_same_columns(k, root, tmp_path, encoding):
    path = _csv(tmp_path, CSV, encoding)
    result = k("progress", "import", str(path))
    assert result.exit_code == 0, result.output
    pf = load_progress(root).files[("fx-2026", 2026)]
    assert pf.tasks["I.4"].result == "Đã phát 2.000 tờ rơi"
    assert pf.tasks["I.6"].agencies["Sở Xây dựng"].completed == dt.date(2026, 10, 15)
    before = _progress_bytes(root)
    assert k("progress", "import", str(path)).exit_code == 0
    assert _progress_bytes(root) == before


def test_csv_problems(k, root, tmp_path):
    assert "cp1258" in _refused(k, root, _csv(tmp_path, CSV, "cp1258"))
    assert "UTF-16" in _refused(k, root, _csv(tmp_path, CSV, "utf-16"))
    bad = CSV.replace("I.4,đang thực hiện", "I.4,dang lam").replace("Sở Xây dựng,I.6", "Sở Xây dựng,I.3")
    err = _refused(k, root, _csv(tmp_path, bad))
    assert "ket-qua.csv!E2: tình trạng 'dang lam' không hợp lệ" in err
    assert "ket-qua.csv!D3: Sở Xây dựng không chủ trì nhiệm vụ fx-2026/I.3 trong năm 2026" in err
    supports = CSV.replace("Sở Xây dựng,I.6", "Sở Xây dựng,I.1")
    assert "D3: fx-2026/I.1: Sở Xây dựng là cơ quan phối hợp" in _refused(k, root, _csv(tmp_path, supports))


def test_progress_form_generation_is_deterministic_in_content(k, forms, tmp_path):
    """Two runs give the same cells (the file's zip timestamps may differ)."""
    out = tmp_path / "again.xlsx"
    assert (
        k("progress", "form", "--plan", "fx-2026", "--year", "2026", "--agency", "STC", "-o", str(out)).exit_code == 0
    )

    def cells(path: Path) -> str:
        wb = openpyxl.load_workbook(path)
        text = repr([[c.value for c in row] for ws in wb for row in ws.iter_rows()])
        return hashlib.sha256(text.encode()).hexdigest()

    assert cells(out) == cells(forms / "so-tai-chinh.xlsx")
