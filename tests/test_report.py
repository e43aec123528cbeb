"""Report drafts: Nghị định 30/2020 layout, one row per task in scope, data text that stays text."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX

from conftest import fixture_data
from kehoach.chart import STATUS_COLOURS, stacked_bar
from kehoach.dataset import load_data
from kehoach.query import find_tasks
from kehoach.report import (
    build_context,
    default_filename,
    find_template,
    render,
    report_agencies,
    signing_line,
)
from kehoach.status import STATUS_ORDER

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 5)
TASK_HEADER = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Tình trạng", "Kết quả thực hiện"]
HOSTILE = "Hợp tác KH&CN <ưu tiên> {{ 7*7 }} {% if 1 %}x{% endif %}\\vhết"

# (kind, year, agency) covering the three kinds, agency drafts and consolidated reports.
CASES = [
    ("annual", 2026, "Sở Tài chính"),
    ("annual", 2026, None),
    ("midterm", 2028, "Sở Công Thương"),
    ("midterm", 2028, None),
    ("final", 2030, None),
]


def _draft(data, tmp_path: Path, kind: str, year: int, agency: str | None, plan: str = "aec-2026") -> Path:
    context = build_context(data, plan, kind, year, agency, today=TODAY)
    out = tmp_path / default_filename(plan, kind, year, data.registry.resolve(agency) if agency else None)
    out.write_bytes(render(context, find_template(kind, data.root)))
    return out


@pytest.fixture(scope="session")  # built once per worker, even when xdist interleaves modules
def drafts(data, tmp_path_factory) -> dict[tuple[str, int, str | None], Path]:
    """Each case rendered once for the whole module: the layout tests only read them."""
    folder = tmp_path_factory.mktemp("drafts")
    return {case: _draft(data, folder, *case) for case in CASES}


def _all_text(doc) -> str:  # type: ignore[no-untyped-def]
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def _task_table(doc):  # type: ignore[no-untyped-def]
    return next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == TASK_HEADER)


def _size(paragraph, run) -> float:  # type: ignore[no-untyped-def]
    """Effective font size in points: the run's, else its paragraph style's (inherited), else 14."""
    if run.font.size is not None:
        return run.font.size.pt
    style = paragraph.style
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return 14.0


def _bold(paragraph, run) -> bool:  # type: ignore[no-untyped-def]
    if run.bold is not None:
        return run.bold
    style = paragraph.style
    while style is not None:
        if style.font.bold is not None:
            return style.font.bold
        style = style.base_style
    return False


# ------------------------------------------------------------------------------------------ layout


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2] or 'tong-hop'}")
def test_report_is_a4_with_the_decree_margins(drafts, case) -> None:
    doc = Document(str(drafts[case]))
    body, *appendix = doc.sections
    assert (round(body.page_width.mm), round(body.page_height.mm)) == (210, 297)
    assert 20 <= body.top_margin.mm <= 25 and 20 <= body.bottom_margin.mm <= 25
    assert 30 <= body.left_margin.mm <= 35 and 15 <= body.right_margin.mm <= 20
    # Appendix tables are on landscape A4, with the binding margin (30-35 mm) at the top edge.
    for s in appendix:
        assert (round(s.page_width.mm), round(s.page_height.mm)) == (297, 210)
        assert 30 <= s.top_margin.mm <= 35 and 15 <= s.bottom_margin.mm <= 20


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2] or 'tong-hop'}")
def test_every_font_in_the_report_is_times_new_roman(drafts, case) -> None:
    with zipfile.ZipFile(drafts[case]) as z:
        parts = [n for n in z.namelist() if re.match(r"word/(document|styles|header\d*|footer\d*)\.xml$", n)]
        xml = "".join(z.read(n).decode("utf-8") for n in parts)
        styles = z.read("word/styles.xml").decode("utf-8")
    fonts = {f for el in re.findall(r"<w:rFonts [^>]*>", xml) for f in re.findall(r'="([^"]+)"', el)}
    assert fonts == {"Times New Roman"}
    assert not re.search(r"w:\w+Theme=", xml), "a theme font (Calibri, Cambria) would override Times New Roman"
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles, re.S)
    assert defaults and 'w:ascii="Times New Roman"' in defaults.group(0)


def test_header_block_has_issuing_body_number_national_title_motto_and_date(drafts) -> None:
    doc = Document(str(drafts[("annual", 2026, "Sở Tài chính")]))
    header = doc.tables[0]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == ["UBND TỈNH THANH HÓA", "SỞ TÀI CHÍNH"]
    agency = next(p for p in left.paragraphs if p.text == "SỞ TÀI CHÍNH")
    assert all(_bold(agency, r) for r in agency.runs)
    national, motto = (p for p in right.paragraphs if p.text)
    assert national.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert all(_bold(national, r) and 12 <= _size(national, r) <= 13 for r in national.runs)
    assert motto.text == "Độc lập - Tự do - Hạnh phúc"
    assert all(_bold(motto, r) and 13 <= _size(motto, r) <= 14 for r in motto.runs)
    number, date = header.rows[1].cells
    assert re.fullmatch(r"Số:\s+/BC-STC", number.text)
    (date_p,) = date.paragraphs
    assert re.fullmatch(r"Thanh Hóa, ngày\s+tháng\s+năm 2026", date_p.text)
    assert all(r.italic for r in date_p.runs if r.text)
    titles = [p.text for p in doc.paragraphs if p.style.name in ("KH Tên loại", "KH Trích yếu")]
    assert titles[0] == "BÁO CÁO"
    assert titles[1].startswith("Kết quả thực hiện Kế hoạch") and titles[1].endswith("năm 2026")


def test_consolidated_report_comes_from_the_monitoring_agency_and_goes_upwards(drafts) -> None:
    doc = Document(str(drafts[("midterm", 2028, None)]))
    left = doc.tables[0].rows[0].cells[0]
    assert "SỞ CÔNG THƯƠNG" in left.text
    assert doc.tables[0].rows[1].cells[0].text.endswith("/BC-SCT")
    text = _all_text(doc)
    assert "- Bộ Công Thương (để báo cáo);" in text
    assert "Sơ kết giữa kỳ thực hiện Kế hoạch" in text and "giai đoạn 2026 - 2028" in text


def test_recipients_are_bold_italic_12_and_listed_at_11(drafts) -> None:
    doc = Document(str(drafts[("annual", 2026, "Sở Tài chính")]))
    cell = next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("Nơi nhận:")).rows[0].cells[0]
    title, *items = (p for p in cell.paragraphs if p.text)
    assert title.text == "Nơi nhận:" and title.style.font.size.pt == 12
    assert title.style.font.bold and title.style.font.italic
    assert [p.text for p in items][0] == "- Sở Công Thương (để tổng hợp);"
    assert items[-1].text.startswith("- Lưu: VT")
    assert {p.style.font.size.pt for p in items} == {11}


def test_prose_only_a_person_can_write_is_a_highlighted_placeholder(drafts) -> None:
    doc = Document(str(drafts[("final", 2030, None)]))
    from docx.oxml.ns import qn
    from docx.text.run import Run

    # Each prompt sits in a content control showing its placeholder, so that typed text does not keep its look.
    controls = [sdt for p in doc.paragraphs for sdt in p._p.iterchildren(qn("w:sdt"))]
    placeholders = [Run(r, None) for sdt in controls for r in sdt.iter(qn("w:r"))
                    if "".join(t.text or "" for t in r.iter(qn("w:t"))).startswith("[Đơn vị bổ sung")]
    assert len(placeholders) >= 6
    assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in placeholders)
    assert all(sdt.find(qn("w:sdtPr")).find(qn("w:showingPlcHdr")) is not None for sdt in controls)
    headings = [p.text for p in doc.paragraphs if p.style.name == "KH Mục"]
    assert [h.split(".")[0] for h in headings] == ["I", "II", "III", "IV", "V"]


# ------------------------------------------------------------------------------------------ content


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2] or 'tong-hop'}")
def test_task_table_has_one_row_per_task_in_scope(data, drafts, case) -> None:
    kind, year, agency = case
    ag = data.registry.resolve(agency) if agency else None
    expected = [h.task.id for h in find_tasks(data, plans=["aec-2026"], agency=ag, role="lead", cycle=f"{kind}-{year}")]
    table = _task_table(Document(str(drafts[case])))
    rows = table.rows[1:]
    assert len(rows) == len(expected) > 0
    assert [r.cells[1].text.split(". ", 1)[0] for r in rows] == expected
    assert [r.cells[0].text for r in rows] == [str(n) for n in range(1, len(expected) + 1)]


def test_status_counts_add_up_to_the_tasks_in_scope(data) -> None:
    ctx = build_context(data, "aec-2026", "annual", 2026, None, today=TODAY)
    assert [c["code"] for c in ctx["counts"]] == list(STATUS_ORDER)
    assert sum(c["count"] for c in ctx["counts"]) == ctx["total"] == len(ctx["tasks"])
    overdue = next(c["count"] for c in ctx["counts"] if c["code"] == "overdue")
    assert len(ctx["overdue"]) == overdue


def test_chart_is_in_midterm_and_final_reports_only(drafts) -> None:
    annual = Document(str(drafts[("annual", 2026, None)]))
    assert len(annual.inline_shapes) == 0
    midterm = Document(str(drafts[("midterm", 2028, None)]))
    chart = next(t for t in midterm.tables if t.rows[0].cells[1].text == "Tình trạng thực hiện")
    bars = len(chart.rows) - 1
    assert bars > 1
    assert len(midterm.inline_shapes) == bars + len(STATUS_ORDER)  # one bar per row, one legend swatch per status


def test_text_from_the_data_stays_text(run, data_copy: Path, tmp_path: Path) -> None:
    """ "&" (KH&CN), "<" and Jinja syntax are printed as written; a pasted vertical tab is dropped."""
    path = data_copy / "plans" / "aec-2026.yaml"
    text, n = re.subn(
        r"(- id: IV\.1\.1\n\s+content: )>-\n(?:\s{10}.*\n)+",
        lambda m: m.group(1) + f'"{HOSTILE}"\n',
        path.read_text(encoding="utf-8"),
    )
    assert n == 1
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "bc.docx"
    result = run(
        "report", "annual", "--plan", "aec-2026", "--year", "2026", "--agency", "Sở Tài chính",
        "--data", str(data_copy), "--today", "2026-11-05", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    row = next(r for r in _task_table(Document(str(out))).rows if r.cells[1].text.startswith("IV.1.1. "))
    content = row.cells[1].text
    assert "KH&CN" in content and "<ưu tiên>" in content
    assert "{{ 7*7 }}" in content and "{% if 1 %}x{% endif %}" in content
    assert "49" not in content and "\x0b" not in content
    assert content.endswith("hết")
    with zipfile.ZipFile(out) as z:
        assert "\x0b" not in z.read("word/document.xml").decode("utf-8")


def test_template_cannot_reach_python_internals(run, tmp_path: Path) -> None:
    bad = Document()
    bad.add_paragraph("{{ subject.__class__.__mro__[1].__subclasses__() }}")
    template = tmp_path / "bad.docx"
    bad.save(str(template))
    out = tmp_path / "x.docx"
    result = run("report", "annual", "--plan", "aec-2026", "--year", "2026", "--template", str(template),
                 "-o", str(out))  # fmt: skip
    assert result.exit_code == 1
    assert "bad.docx" in result.stderr
    assert not out.exists()


def test_unknown_variable_in_a_template_is_named_in_the_error(run, tmp_path: Path) -> None:
    bad = Document()
    bad.add_paragraph("{{ ten_co_quan }}")
    template = tmp_path / "bad.docx"
    bad.save(str(template))
    result = run("report", "annual", "--plan", "aec-2026", "--year", "2026", "--template", str(template),
                 "-o", str(tmp_path / "x.docx"))  # fmt: skip
    assert result.exit_code == 1
    assert "ten_co_quan" in result.stderr


# ------------------------------------------------------------------------------------------ files


def test_existing_report_is_not_overwritten_without_force(run, tmp_path: Path) -> None:
    out = tmp_path / "bc.docx"
    out.write_bytes(b"old draft, edited by hand")
    args = ["report", "annual", "--plan", "aec-2026", "--year", "2026", "--agency", "STC", "-o", str(out)]
    result = run(*args)
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert out.read_bytes() == b"old draft, edited by hand"
    result = run(*args, "--force")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(out)
    assert zipfile.is_zipfile(out)
    assert [p.name for p in tmp_path.iterdir()] == ["bc.docx"]  # no temporary file left behind


def test_default_file_name_says_kind_year_plan_and_agency(run, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("report", "annual", "--plan", "aec-2026", "--year", "2026", "--agency", "so tai chinh")
    assert result.exit_code == 0, result.stderr
    assert Path(result.stdout.strip()).name == "bao-cao-nam-2026-aec-2026-so-tai-chinh.docx"
    result = run("report", "final", "--plan", "aec-2026", "--year", "2030", "-o", str(tmp_path),
                 "--today", "2031-01-10")
    assert Path(result.stdout.strip()).name == "bao-cao-tong-ket-2030-aec-2026-tong-hop.docx"


def test_all_agencies_writes_one_draft_per_lead_agency(run, tmp_path: Path) -> None:
    # The fixture plan, with one task more led by a collective ("Các sở, ban, ngành cấp tỉnh").
    data_dir = fixture_data(tmp_path / "data")
    plan = data_dir / "plans" / "fx-2026.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").rstrip("\n")
        + "\n      - id: I.6\n        content: Triển khai chung.\n"
        + '        lead: ["Các sở, ban, ngành cấp tỉnh"]\n        deadline: Năm 2028\n',
        encoding="utf-8",
    )
    data = load_data(data_dir, cache=False)
    assert any(a.is_collective for t in data.plan("fx-2026").plan.tasks for a in map(data.registry.resolve, t.lead))
    out = tmp_path / "out"
    args = ("report", "midterm", "--plan", "fx-2026", "--year", "2028", "--all-agencies", "--data", str(data_dir),
            "--before-period-end")
    result = run(*args, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    agencies = report_agencies(data, "fx-2026", "midterm", 2028)
    files = sorted(p.name for p in out.iterdir())
    # The consolidating agency (Sở Công Thương) writes the consolidated report: no second draft of its own.
    assert len(files) == len(agencies) - 1 == len(result.stdout.split()) == 2
    assert "bao-cao-so-ket-2028-fx-2026-so-tai-chinh.docx" in files
    assert "bao-cao-so-ket-2028-fx-2026-so-cong-thuong.docx" not in files
    assert "Sở Công Thương tổng hợp báo cáo của kế hoạch" in result.stderr
    assert not any(a.is_collective for a in agencies)  # "Các sở, ngành…" does not send a report of its own
    again = run(*args, "-o", str(out))
    assert again.exit_code == 1 and "--force" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "weekly", "--plan", "aec-2026"], "không hợp lệ"),
        (["report", "annual", "--plan", "aec-2026", "--year", "2040"], "ngoài thời gian"),
        (["report", "annual", "--plan", "khong-co"], "không có kế hoạch"),
        (["report", "annual", "--plan", "aec-2026", "--agency", "Sở Không Có"], "không tìm thấy cơ quan"),
    ],
)
def test_bad_requests_are_usage_errors(run, tmp_path: Path, args: list[str], message: str) -> None:
    result = run(*args, "-o", str(tmp_path / "x.docx"))
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "x.docx").exists()


# ------------------------------------------------------------------------------------------ parts


@pytest.mark.parametrize(
    ("signed", "expected"),
    [
        (dt.date(2028, 2, 5), "Thanh Hóa, ngày 05 tháng 02 năm 2028"),
        (dt.date(2026, 1, 20), "Thanh Hóa, ngày 20 tháng 01 năm 2026"),
        (dt.date(2026, 3, 9), "Thanh Hóa, ngày 09 tháng 3 năm 2026"),
        (dt.date(2026, 11, 15), "Thanh Hóa, ngày 15 tháng 11 năm 2026"),
    ],
)
def test_signing_date_has_leading_zeros_for_days_below_10_and_months_1_and_2(signed, expected) -> None:
    assert signing_line("Thanh Hóa", signed, signed.year) == expected


def test_draft_leaves_day_and_month_blank_with_the_year_filled() -> None:
    line = signing_line("Thanh Hóa", None, 2026)
    assert re.fullmatch(r"Thanh Hóa, ngày\xa0{6}tháng\xa0{6}năm 2026", line)


def _png_row(png: bytes) -> tuple[int, bytes]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = struct.unpack(">I", png[16:20])[0]
    idat = png.index(b"IDAT")
    length = struct.unpack(">I", png[idat - 4 : idat])[0]
    raw = zlib.decompress(png[idat + 4 : idat + 4 + length])
    return width, raw[1 : 1 + 3 * width]  # first scanline, without its filter byte


def test_stacked_bar_splits_its_length_in_proportion_to_the_counts() -> None:
    width, row = _png_row(stacked_bar({"done_on_time": 3, "overdue": 1}, STATUS_ORDER, width_mm=10))
    assert width == 80
    pixels = [tuple(row[i : i + 3]) for i in range(0, len(row), 3)]
    assert pixels[0] == STATUS_COLOURS["done_on_time"] and pixels[-1] == STATUS_COLOURS["overdue"]
    assert pixels.count(STATUS_COLOURS["overdue"]) == 20


@pytest.mark.slow
def test_templates_are_rebuilt_byte_for_byte_by_the_script(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "scripts" / "build_templates.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--out", str(tmp_path)]) == 0
    for kind in ("annual", "midterm", "final"):
        assert (tmp_path / f"{kind}.docx").read_bytes() == (ROOT / "templates" / f"{kind}.docx").read_bytes(), (
            f"templates/{kind}.docx is stale: run scripts/build_templates.py"
        )


def test_templates_beside_the_data_directory_win_over_the_bundled_ones(data_copy: Path) -> None:
    assert find_template("annual", data_copy).resolve() == ROOT / "templates" / "annual.docx"
    local = data_copy.parent / "templates"
    local.mkdir()
    (local / "annual.docx").write_bytes((ROOT / "templates" / "annual.docx").read_bytes())
    assert find_template("annual", data_copy) == (local / "annual.docx").resolve()


def test_pages_are_numbered_from_page_two(drafts) -> None:
    doc = Document(str(drafts[("annual", 2026, None)]))
    first = doc.sections[0]
    assert first.different_first_page_header_footer  # no number on the first page (Phụ lục I, Mục II)
    assert "PAGE" in first.header._element.xml
    assert "PAGE" not in first.first_page_header._element.xml


def test_review_judges_each_year_not_one_event(data):
    """IV.4.1 ("đến năm 2035") had one event in 2026 and no report since: the tổng kết 2030 does not call it done."""
    ctx = build_context(data, "aec-2026", "final", 2030, None, today=dt.date(2031, 1, 15))
    row = next(t for t in ctx["tasks"] if t["id"] == "IV.4.1")
    assert row["status_code"] == "no_report_not_due"
    mid = build_context(data, "aec-2026", "midterm", 2028, None, today=dt.date(2026, 11, 21))
    codes = {t["id"]: t["status_code"] for t in mid["tasks"]}
    assert codes["IV.4.1"] == "done_on_time" and codes["IV.1.1"] == "in_time"


def test_issuer_codes_and_parent_bodies(data):
    ubnd = build_context(data, "nq13-thanh-hoa", "annual", 2021, "UBND tỉnh Thanh Hóa", today=dt.date(2021, 12, 20))
    assert ubnd["issuer"]["abbr"] == "UBND"
    snv = build_context(data, "hoi-nhap-quoc-te", "annual", 2025, "Sở Ngoại vụ", today=dt.date(2025, 12, 20))
    assert snv["issuer"]["abbr"] == "SNgV"
    ca = build_context(data, "aec-2026", "annual", 2026, "Công an tỉnh", today=TODAY)
    assert ca["issuer"]["parent"] == "BỘ CÔNG AN"


def test_a_review_the_plan_does_not_set_or_that_has_not_ended_is_announced(run, tmp_path):
    out = tmp_path / "tk.docx"
    args = ("report", "final", "--plan", "qd74-dai-hoi-xx", "--year", "2030", "--today", "2026-11-26",
            "--date", "2020-01-01", "-o", str(out))
    refused = run(*args)
    assert refused.exit_code == 2 and not out.exists()
    assert "chưa kết thúc (hết ngày 31/12/2030; hôm nay 26/11/2026)" in refused.stderr
    assert "--before-period-end" in refused.stderr
    result = run(*args, "--before-period-end")
    assert result.exit_code == 0, result.stderr
    assert "không quy định tổng kết năm 2030 (văn bản không quy định kỳ sơ kết, tổng kết nào)" in result.stderr
    assert "kỳ tổng kết năm 2030 chưa kết thúc (đến 31/12/2030): số liệu chỉ tính đến 26/11/2026" in result.stderr
    assert "ngày ký 01/01/2020 trước kỳ báo cáo" in result.stderr
    assert out.is_file()


def test_half_year_report_refusal_speaks_vietnamese(run, tmp_path):
    result = run("report", "half", "--plan", "qd74-dai-hoi-xx", "--year", "2026", "-o", str(tmp_path / "h.docx"))
    assert result.exit_code == 1
    assert "không quy định báo cáo 6 tháng" in result.stderr and "semiannual" not in result.stderr
    assert not (tmp_path / "h.docx").exists()


def test_a_party_body_reports_along_party_channels(data):
    """Tỉnh ủy (nq13 11.1) reports to the Ban Bí thư, not to a ministry; the state monitor gets a copy only;
    it never asks itself for guidance. A Ban of the Tỉnh ủy reports to the Ban Thường vụ Tỉnh ủy."""
    for year, monitor in ((2024, "Bộ Kế hoạch và Đầu tư"), (2026, "Bộ Tài chính")):
        ctx = build_context(data, "nq13-thanh-hoa", "annual", year, "Tỉnh ủy Thanh Hóa",
                            today=dt.date(year, 12, 20), allow_empty=True)
        assert [(r["name"], r["role"]) for r in ctx["recipients"]] == [
            ("Ban Bí thư Trung ương Đảng", "to"), (monitor, "cc")]
        closing = "".join(r["text"] for r in ctx["closing"])
        assert "kính gửi [kiểm tra: Ban Bí thư Trung ương Đảng]" in closing
        assert f"đồng gửi {monitor} để theo dõi, tổng hợp" in closing
        assert "Tỉnh ủy" not in ctx["propose_to"] and ctx["format"] == "party"
    from kehoach.report.recipients import party_superior

    ban = data.registry.resolve("Ban Tuyên giáo và Dân vận Tỉnh ủy Thanh Hóa")
    assert party_superior(data, ban) == "Ban Thường vụ Tỉnh ủy Thanh Hóa"
    assert party_superior(data, data.registry.resolve("Sở Tài chính")) is None


def test_carried_over_tasks_are_marked_and_counted_apart(data):
    """qd74 năm 2026: 34 tasks, 11 of them due in 11-12/2025 and carried over; each such row says so."""
    ctx = build_context(data, "qd74-dai-hoi-xx", "annual", 2026, None, today=dt.date(2026, 11, 21))
    assert (ctx["total"], ctx["in_period"], ctx["carried"]) == (34, 23, 11)
    carried = [t for t in ctx["tasks"] if t["carried_over"]]
    assert len(carried) == 11 and all(t["deadline"].endswith("(chuyển từ kỳ trước)") for t in carried)
    assert {"I.13", "IV.1"} <= {t["id"] for t in carried}
    assert not any("chuyển từ kỳ trước" in t["deadline"] for t in ctx["tasks"] if not t["carried_over"])
    assert ctx["cycle"]["cutoff"].startswith("Số liệu tính từ ngày 15/12/2025 đến ngày 14/12/2026")


@pytest.mark.parametrize("counts", [[1] * 16, [1, 1, 1], [2, 1], [0, 5, 0, 7, 1, 1, 20], [3, 3, 3, 3, 3, 3, 3]])
def test_percentages_add_up_to_100(counts):
    from kehoach.report.context import percents

    shares = percents(counts)
    tenths = [int(s.rstrip("%").replace(",", "")) * (1 if "," in s else 10) for s in shares]
    assert sum(tenths) == 1000
    exact = [1000 * n / sum(counts) for n in counts]
    assert all(abs(t - e) < 1 for t, e in zip(tenths, exact, strict=True))
    assert percents([1] * 16).count("6,3%") == 8 and percents([1] * 16).count("6,2%") == 8


def test_the_six_month_outlook_counts_the_rest_of_the_year(data_copy):
    from kehoach.dataset import load_data

    plan = data_copy / "plans" / "qd74-dai-hoi-xx.yaml"
    text = plan.read_text(encoding="utf-8").replace("reporting:\n", 'reporting:\n  semiannual: ["15/06"]\n', 1)
    plan.write_text(text, encoding="utf-8")
    d = load_data(data_copy)
    half = build_context(d, "qd74-dai-hoi-xx", "half", 2026, None, today=dt.date(2026, 7, 10))
    year = build_context(d, "qd74-dai-hoi-xx", "annual", 2026, None, today=dt.date(2026, 7, 10),
                         cut_off=dt.date(2026, 6, 14))
    assert half["next_open"] == year["open"] > half["open"]
    later = {t["id"] for t in year["tasks"]} - {t["id"] for t in half["tasks"]}
    assert later and half["next_open"] - half["open"] == len(later)
