"""Report drafts an official can finish and sign: flow, format (state and Party), header, recipients, guesses.

Every assertion reads a rendered .docx (python-docx) or the report context built from the seed plans.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from kehoach.report import NoDraft, build_context, find_template, render
from kehoach.report.form import (
    HEADER_TEXT_MM,
    MOTTO,
    PARTY_HEADER_TEXT_MM,
    PARTY_TITLE,
    split_lines,
    text_width_mm,
)
from kehoach.text import ascii_key

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 5)

# (plan, kind, year, agency): state and Party, agency and consolidated, past and current years.
CASES = {
    "aec-annual-tong-hop": ("aec-2026", "annual", 2026, None),
    "aec-midterm-tong-hop": ("aec-2026", "midterm", 2028, None),
    "qd74-annual-tong-hop": ("qd74-dai-hoi-xx", "annual", 2026, None),
    "qd1992-so-tai-chinh": ("qd1992-cong-nghiep-hoa", "annual", 2026, "Sở Tài chính"),
    "nq13-2024-ubnd": ("nq13-thanh-hoa", "annual", 2024, "UBND tỉnh Thanh Hóa"),
    "nq13-2024-tinh-uy": ("nq13-thanh-hoa", "annual", 2024, "Tỉnh ủy"),
    "nq13-2024-tong-hop": ("nq13-thanh-hoa", "annual", 2024, None),
    "hoi-nhap-tong-hop": ("hoi-nhap-quoc-te", "annual", 2026, None),
    "aec-vcci": ("aec-2026", "annual", 2026, "VCCI Thanh Hóa - Ninh Bình"),
}


@pytest.fixture(scope="session")  # built once per worker, even when xdist interleaves modules
def docs(data, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("form")
    out = {}
    for name, (plan, kind, year, agency) in CASES.items():
        ctx = build_context(data, plan, kind, year, agency, today=TODAY)
        path = folder / f"{name}.docx"
        path.write_bytes(render(ctx, find_template(kind, data.root, fmt=ctx["format"])))
        out[name] = path
    return out


def _body_items(doc):  # type: ignore[no-untyped-def]
    """Paragraph texts and tables of the body, in order: ("p", text, element) or ("t", None, element)."""
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            yield "p", "".join(t.text or "" for t in el.iter(qn("w:t"))), el
        elif el.tag == qn("w:tbl"):
            yield "t", None, el


def _cell_lines(cell) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in cell.paragraphs if p.text.strip()]


def _signature_table(doc):  # type: ignore[no-untyped-def]
    return next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("Nơi nhận:"))


def _rule_mm(paragraph, cell_mm: float) -> float:  # type: ignore[no-untyped-def]
    pf = paragraph.paragraph_format
    return cell_mm - 3.8 - (pf.left_indent.mm if pf.left_indent else 0) - (pf.right_indent.mm if pf.right_indent else 0)


def _cell_mm(cell) -> float:  # type: ignore[no-untyped-def]
    return int(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) / 1440 * 25.4


# ------------------------------------------------------------------------------------ order and flow


def test_overdue_sentence_is_directly_before_its_table_and_kept_with_it(data, docs) -> None:
    ctx = build_context(data, *CASES["qd74-annual-tong-hop"], today=TODAY)
    assert ctx["overdue"], "the seed case must have overdue tasks"
    items = list(_body_items(Document(str(docs["qd74-annual-tong-hop"]))))
    i = next(i for i, (k, text, _) in enumerate(items) if k == "p" and text.startswith("Còn "))
    kind, text, el = items[i]
    assert re.fullmatch(rf"Còn {len(ctx['overdue'])} nhiệm vụ đã quá thời hạn mà chưa hoàn thành( \(.*\))?:", text)
    assert el.find(qn("w:pPr")).find(qn("w:keepNext")) is not None
    assert items[i + 1][0] == "t"
    rows = items[i + 1][2].findall(qn("w:tr"))
    assert len(rows) == 1 + len(ctx["overdue"])
    ids = ["".join(t.text for t in r.findall(f".//{qn('w:t')}")) for r in rows[1:]]
    assert [x.startswith(str(n)) for n, x in enumerate(ids, 1)] == [True] * len(ids)
    # The "not reported" sentence comes after the table, not between the lead-in and the table.
    after = next(text for k, text, _ in items[i + 2 :] if k == "p" and text.strip())
    assert after.startswith("Có ") and "chưa báo cáo" in after


@pytest.mark.parametrize("name", list(CASES))
def test_no_table_row_splits_across_pages(docs, name) -> None:
    doc = Document(str(docs[name]))
    rows = [tr for tbl in doc.element.body.iter(qn("w:tbl")) for tr in tbl.findall(qn("w:tr"))]
    assert len(rows) >= 4
    assert all(tr.find(qn("w:trPr")) is not None and tr.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None
               for tr in rows)
    # The closing sentence keeps with the signature table, whose single row cannot split.
    sig = _signature_table(doc)
    assert len(sig.rows) == 1
    prev = sig._tbl.getprevious()
    while prev is not None and not "".join(t.text or "" for t in prev.iter(qn("w:t"))).strip():
        assert prev.find(qn("w:pPr")).find(qn("w:keepNext")) is not None
        prev = prev.getprevious()
    assert "Trên đây là báo cáo" in "".join(t.text or "" for t in prev.iter(qn("w:t")))
    assert prev.find(qn("w:pPr")).find(qn("w:keepNext")) is not None


# ---------------------------------------------------------------------------------------- header


def test_issuer_rule_is_a_third_to_a_half_of_the_line_above_and_the_motto_rule_matches_its_text(docs) -> None:
    for name in ("aec-annual-tong-hop", "qd1992-so-tai-chinh", "nq13-2024-ubnd", "aec-vcci"):
        header = Document(str(docs[name])).tables[0]
        left, right = header.rows[0].cells
        bold = [p for p in left.paragraphs if p.text.strip() and all(r.bold for r in p.runs if r.text)]
        rule = next(p for p in left.paragraphs if p.style.style_id == "KHRuleIssuer")
        ratio = _rule_mm(rule, _cell_mm(left)) / text_width_mm(bold[-1].text, 13, bold=True)
        assert 1 / 3 <= ratio <= 1 / 2, (name, bold[-1].text, ratio)
        motto = next(p for p in right.paragraphs if p.text == MOTTO)
        motto_rule = next(p for p in right.paragraphs if p.style.style_id == "KHRuleMotto")
        assert abs(_rule_mm(motto_rule, _cell_mm(right)) - text_width_mm(MOTTO, 14, bold=True)) < 1.0
        assert motto.runs[0].font.size.pt == 14


def test_text_widths_are_times_new_roman_advance_widths() -> None:
    # "Độc lập - Tự do - Hạnh phúc", 14 pt bold: 12 197 / 1000 em (Times New Roman Bold AFM).
    assert text_width_mm(MOTTO, 14, bold=True) == pytest.approx(12.197 * 14 * 25.4 / 72, abs=0.05)
    assert text_width_mm("SỞ Y TẾ", 13, True) < text_width_mm("SỞ TÀI CHÍNH", 13, True)


@pytest.mark.parametrize(
    ("agency", "parent", "lines"),
    [
        ("Công an tỉnh", ["BỘ CÔNG AN"], ["CÔNG AN", "TỈNH THANH HÓA"]),
        ("Hiệp hội Doanh nghiệp tỉnh", [], ["HIỆP HỘI DOANH NGHIỆP", "TỈNH THANH HÓA"]),
        ("Liên minh Hợp tác xã tỉnh", [], ["LIÊN MINH HỢP TÁC XÃ", "TỈNH THANH HÓA"]),
        ("UBND tỉnh Thanh Hóa", [], ["ỦY BAN NHÂN DÂN", "TỈNH THANH HÓA"]),
        (
            "VCCI Thanh Hóa - Ninh Bình",
            ["LIÊN ĐOÀN THƯƠNG MẠI", "VÀ CÔNG NGHIỆP", "VIỆT NAM"],
            ["CHI NHÁNH", "THANH HÓA - NINH BÌNH"],
        ),
        ("Sở Tài chính", ["UBND TỈNH THANH HÓA"], ["SỞ TÀI CHÍNH"]),
    ],
)
def test_header_names_are_complete_and_broken_at_phrase_boundaries(data, agency, parent, lines) -> None:
    from kehoach.report.form import issuer_block

    block = issuer_block(data.registry, data.registry.resolve(agency))
    assert block["parent_lines"] == parent
    assert block["lines"] == lines
    assert all(text_width_mm(x, 13, True) <= HEADER_TEXT_MM for x in block["lines"])


def test_balanced_lines_fit_the_column_and_never_break_inside_a_word_pair(data) -> None:
    from kehoach.report.form import _COMPOUNDS

    for a in data.registry:
        if a.is_collective or a.header_lines:
            continue
        name = a.name.upper()
        lines = split_lines(name, HEADER_TEXT_MM, 13, True)
        assert " ".join(lines) == name
        if len(lines) > 1:
            assert all(text_width_mm(x, 13, True) <= HEADER_TEXT_MM for x in lines), lines
            for first, second in zip(lines, lines[1:], strict=False):
                pair = (ascii_key(first.split()[-1]), ascii_key(second.split()[0]))
                assert pair not in _COMPOUNDS, lines


def test_a_very_long_name_is_filled_line_by_line_in_order(monkeypatch) -> None:
    """A name past the balanced search's reach (its candidates grow with the cube of the words) is filled
    greedily: every word once, in order, each line within the column unless it is a single word."""
    from kehoach.report import form

    calls = 0
    plain = form._cut_points

    def counted(*args):
        nonlocal calls
        calls += 1
        return plain(*args)

    monkeypatch.setattr(form, "_cut_points", counted)
    name = " ".join(["BAN CHỈ ĐẠO PHÁT TRIỂN KHOA HỌC CÔNG NGHỆ ĐỔI MỚI SÁNG TẠO"] * 8)  # 88 words
    lines = split_lines(name, HEADER_TEXT_MM, 13, True)
    assert " ".join(lines) == name
    assert len(lines) > 4 and calls == 0
    assert all(text_width_mm(x, 13, True) <= HEADER_TEXT_MM for x in lines), lines
    short = "ỦY BAN NHÂN DÂN TỈNH THANH HÓA SỞ TÀI CHÍNH"
    assert " ".join(split_lines(short, 40, 13, True)) == short and calls > 0


def test_vcci_branch_is_the_parent_line_then_the_bold_branch(docs) -> None:
    left = Document(str(docs["aec-vcci"])).tables[0].rows[0].cells[0]
    paras = [p for p in left.paragraphs if p.text.strip()]
    assert [p.text for p in paras] == ["LIÊN ĐOÀN THƯƠNG MẠI", "VÀ CÔNG NGHIỆP", "VIỆT NAM", "CHI NHÁNH",
                                       "THANH HÓA - NINH BÌNH"]
    assert [all(r.bold for r in p.runs if r.text) for p in paras] == [False, False, False, True, True]


# ----------------------------------------------------------------------------------------- Party


def test_party_body_gets_the_party_format(docs) -> None:
    doc = Document(str(docs["nq13-2024-tinh-uy"]))
    header = doc.tables[0]
    left, right = header.rows[0].cells
    assert _cell_lines(left) == ["ĐẢNG BỘ TỈNH THANH HÓA", "TỈNH ỦY", "*"]
    bold = [p.text for p in left.paragraphs if p.text.strip() and all(r.bold for r in p.runs if r.text)]
    assert bold == ["TỈNH ỦY"]
    assert _cell_lines(right) == [PARTY_TITLE]
    title = next(p for p in right.paragraphs if p.text == PARTY_TITLE)
    assert title.runs[0].bold and title.runs[0].font.size.pt == 15
    rule = next(p for p in right.paragraphs if p.style.style_id == "KHRuleMotto")
    assert abs(_rule_mm(rule, _cell_mm(right)) - text_width_mm(PARTY_TITLE, 15, True)) < 1.0
    assert re.fullmatch(r"Số\s+-BC/TU", header.rows[1].cells[0].text)
    assert all(text_width_mm(x, 14, False) <= PARTY_HEADER_TEXT_MM for x in _cell_lines(left))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for r in t.rows
                                                                    for c in r.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text and "/BC-" not in text
    assert "-BC/TU" in text  # the appendix cites the report the Party way too
    sig = _signature_table(doc).rows[0].cells[1]
    lines = _cell_lines(sig)
    assert lines[:2] == ["[kiểm tra: T/M BAN THƯỜNG VỤ]", "[kiểm tra: PHÓ BÍ THƯ]"]
    assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for p in sig.paragraphs for r in p.runs if r.text)
    noi_nhan = _signature_table(doc).rows[0].cells[0].paragraphs[0]
    assert noi_nhan.text == "Nơi nhận:" and noi_nhan.runs[0].underline


def test_party_body_without_a_party_template_is_refused_unless_asked(tmp_path, monkeypatch) -> None:
    import importlib
    import shutil

    render_mod = importlib.import_module("kehoach.report.render")  # the module, not the function

    for f in (ROOT / "templates").glob("*.docx"):
        if not f.stem.endswith("-dang"):
            shutil.copy(f, tmp_path / f.name)
    monkeypatch.setattr(render_mod, "bundled_templates", lambda: tmp_path)
    with pytest.raises(NoDraft, match="allow-state-format"):
        find_template("annual", None, None, "party")
    assert find_template("annual", None, None, "party", allow_state=True) == tmp_path / "annual.docx"


def test_each_template_states_the_rules_it_follows_and_the_report_does_not(docs) -> None:
    for f in sorted((ROOT / "templates").glob("*.docx")):
        text = "\n".join(p.text for p in Document(str(f)).paragraphs)
        cited = "Hướng dẫn 36-HD/VPTW" if f.stem.endswith("-dang") else "Nghị định 30/2020/NĐ-CP, Phụ lục I"
        assert cited in text and re.search(r"mục [IV]+\.\d", text), f.name
    for path in docs.values():
        assert "Ghi chú của mẫu" not in "\n".join(p.text for p in Document(str(path)).paragraphs)


# ------------------------------------------------------------------------------------ recipients


def _recipients(doc) -> list[str]:  # type: ignore[no-untyped-def]
    cell = _signature_table(doc).rows[0].cells[0]
    return [p.text for p in cell.paragraphs if p.text.startswith("- ") and not p.text.startswith("- Lưu")]


def _closing(doc) -> str:  # type: ignore[no-untyped-def]
    return next(p.text for p in doc.paragraphs if p.text.startswith("Trên đây là báo cáo"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("qd1992-so-tai-chinh", ["UBND tỉnh Thanh Hóa (để báo cáo);", "Sở Công Thương (để tổng hợp);"]),
        ("nq13-2024-ubnd", ["Thủ tướng Chính phủ (để báo cáo);", "Bộ Kế hoạch và Đầu tư (để theo dõi, tổng hợp);"]),
        ("nq13-2024-tong-hop", ["Chính phủ (để báo cáo);"]),
        ("aec-annual-tong-hop", ["Bộ Công Thương (để báo cáo);", "UBND tỉnh Thanh Hóa (để báo cáo);"]),
        ("hoi-nhap-tong-hop", ["UBND tỉnh Thanh Hóa (để báo cáo);", "[kiểm tra: Các cấp có thẩm quyền] (để báo cáo);"]),
    ],
)
def test_recipients_come_from_the_plan_and_match_the_closing_sentence(docs, name, expected) -> None:
    doc = Document(str(docs[name]))
    lines = _recipients(doc)
    assert lines == [f"- {e}" for e in expected]
    closing = _closing(doc)
    names = [re.sub(r" \(để [^)]*\);$", "", x[2:]) for x in lines]
    assert [n for n in names if n in closing] == names
    assert re.findall(r"(?:kính gửi|qua|đồng gửi) ([^,;()]+?)(?= xem xét| tổng hợp| để| \(|,|;|\)|$)", closing)
    for p in _signature_table(doc).rows[0].cells[0].paragraphs + [p for p in doc.paragraphs if p.text == closing]:
        for r in p.runs:
            if "[kiểm tra" in r.text:
                assert r.font.highlight_color == WD_COLOR_INDEX.YELLOW


def test_successors_follow_the_report_date(data) -> None:
    old = build_context(data, "nq13-thanh-hoa", "annual", 2024, "UBND tỉnh Thanh Hóa", today=TODAY)
    new = build_context(data, "nq13-thanh-hoa", "annual", 2026, "UBND tỉnh Thanh Hóa", today=TODAY)
    assert [r["name"] for r in old["recipients"]] == ["Thủ tướng Chính phủ", "Bộ Kế hoạch và Đầu tư"]
    assert [r["name"] for r in new["recipients"]] == ["Thủ tướng Chính phủ", "Bộ Tài chính"]
    assert old["report_date"] == "31/12/2024" and old["place_date"].endswith("năm 2024")
    consolidated = build_context(data, "nq13-thanh-hoa", "annual", 2024, None, today=TODAY)
    assert consolidated["issuer"]["name"] == "Bộ Kế hoạch và Đầu tư"
    assert build_context(data, "nq13-thanh-hoa", "annual", 2026, None, today=TODAY)["issuer"]["name"] == "Bộ Tài chính"


def test_ministry_proposes_to_the_government_not_to_the_province(docs) -> None:
    # The prompt sits in a content control (w:sdt): its text is read from every w:t of the paragraph.
    paragraphs = Document(str(docs["nq13-2024-tong-hop"])).paragraphs
    text = "\n".join("".join(t.text or "" for t in p._p.iter(qn("w:t"))) for p in paragraphs)
    assert "đề xuất, kiến nghị với Chính phủ, Thủ tướng Chính phủ" in text
    assert "kiến nghị với UBND tỉnh" not in text


# --------------------------------------------------------------------------------------- guesses


def test_guessed_symbols_and_titles_are_marked_and_stated_ones_are_not(docs) -> None:
    guessed = Document(str(docs["hoi-nhap-tong-hop"]))  # Sở Ngoại vụ: no abbr in the registry
    number = guessed.tables[0].rows[1].cells[0].paragraphs[0]
    marked = [r for r in number.runs if r.text == "[kiểm tra: SNgV]"]
    assert marked and marked[0].font.highlight_color == WD_COLOR_INDEX.YELLOW
    stated = Document(str(docs["qd1992-so-tai-chinh"]))  # Sở Tài chính: abbr STC in the registry
    number = stated.tables[0].rows[1].cells[0]
    assert re.fullmatch(r"Số:\s+/BC-STC", number.text)
    assert not any(r.font.highlight_color for p in number.paragraphs for r in p.runs)
    for path in docs.values():
        doc = Document(str(path))
        sig = _signature_table(doc).rows[0].cells[1]
        for p in sig.paragraphs:
            if p.text.strip():
                assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in p.runs if r.text), p.text
                assert p.text.startswith("[")
        # Every "[kiểm tra: …]" anywhere is highlighted.
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml").decode()
        for run in re.findall(r"<w:r>.*?</w:r>|<w:r .*?</w:r>", xml, re.S):
            if "[kiểm tra" in run:
                assert "<w:highlight " in run


# ------------------------------------------------------------------------------------------- CLI


def test_agency_with_no_task_in_scope_exits_1_and_writes_nothing(run, tmp_path: Path) -> None:
    out = tmp_path / "bng.docx"
    args = ["report", "annual", "--plan", "nq13-thanh-hoa", "--year", "2024", "--agency", "Bộ Ngoại giao",
            "--today", "2026-11-05", "-o", str(out)]
    result = run(*args)
    assert result.exit_code == 1
    assert "không chủ trì nhiệm vụ nào" in result.stderr and "--allow-empty" in result.stderr
    assert not out.exists()
    assert run(*args, "--allow-empty").exit_code == 0 and out.exists()


def test_half_year_report_needs_semiannual_dates(run, data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "half.docx"
    base = ["report", "half", "--plan", "aec-2026", "--year", "2026", "--today", "2026-07-10"]
    refused = run(*base, "--data", str(data_copy), "-o", str(out))
    assert refused.exit_code == 1 and "6 tháng" in refused.stderr and not out.exists()
    plan = data_copy / "plans" / "aec-2026.yaml"
    text = plan.read_text(encoding="utf-8").replace("reporting:\n", 'reporting:\n  semiannual: ["15/06"]\n', 1)
    plan.write_text(text, encoding="utf-8")
    result = run(*base, "--data", str(data_copy), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    doc = Document(str(out))
    titles = [p.text for p in doc.paragraphs if p.style.name == "KH Trích yếu"]
    assert titles[0].endswith("6 tháng đầu năm 2026")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "từ ngày 01/01/2026 đến ngày 30/06/2026" in text
    assert "tính đến ngày 14/06/2026" in text  # the data cut-off of a 6-month report (NĐ 09/2019, Điều 12)
    assert "NHIỆM VỤ 6 THÁNG CUỐI NĂM 2026" in text
    cut = run(*base, "--data", str(data_copy), "-o", str(out), "--force", "--cut-off", "2026-06-30")
    assert cut.exit_code == 0, cut.stderr
    assert "tính đến ngày 30/06/2026" in "\n".join(p.text for p in Document(str(out)).paragraphs)
    outside = run(*base, "--data", str(data_copy), "-o", str(out), "--force", "--cut-off", "2026-07-31")
    assert outside.exit_code == 2 and "ngoài kỳ báo cáo" in outside.stderr


def test_portrait_section_ends_in_a_paragraph_too_low_to_make_a_blank_page(docs) -> None:
    doc = Document(str(docs["aec-midterm-tong-hop"]))
    ends = [p for p in doc.paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:sectPr")) is not None]
    assert len(ends) == 1
    assert ends[0].style.style_id == "KHRule" and not ends[0].text
    assert ends[0].style.font.size.pt <= 4
    # Hidden and one point high: a signature that fills the page leaves no blank page (Sở Nông nghiệp và
    # Môi trường, hoi-nhap-quoc-te năm 2025, rendered by LibreOffice).
    mark = ends[0]._p.pPr.find(qn("w:rPr"))
    assert mark is not None and mark.find(qn("w:vanish")) is not None
    assert ends[0].paragraph_format.line_spacing.pt == 1


# ----------------------------------------------------------------------------------------- prose


def test_plan_without_a_number_is_cited_with_a_highlighted_blank(data, docs) -> None:
    doc = Document(str(docs["aec-annual-tong-hop"]))
    opening = next(p for p in doc.paragraphs if p.text.startswith("Thực hiện "))
    assert opening.text.startswith(
        "Thực hiện Kế hoạch [bổ sung số, ngày ban hành] của UBND tỉnh Thanh Hóa thực hiện Chương trình"
    )
    blank = next(r for r in opening.runs if r.text == "[bổ sung số, ngày ban hành]")
    assert blank.font.highlight_color == WD_COLOR_INDEX.YELLOW
    assert "về thực hiện" not in "\n".join(p.text for p in doc.paragraphs)
    numbered = build_context(data, "qd74-dai-hoi-xx", "annual", 2026, None, today=TODAY)["plan"]["cite"]
    assert [r["check"] for r in numbered] == [False] and "số 74/QĐ-UBND" in numbered[0]["text"]


def test_agency_report_speaks_of_its_own_results_not_of_missing_reports(docs) -> None:
    doc = Document(str(docs["qd1992-so-tai-chinh"]))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "Chưa có báo cáo" not in text and "chưa báo cáo" not in text
    assert "- Chưa cập nhật kết quả, chưa đến hạn:" in text
    consolidated = "\n".join(p.text for p in Document(str(docs["aec-annual-tong-hop"])).paragraphs)
    assert "- Chưa có báo cáo, chưa đến hạn:" in consolidated


def test_every_target_names_its_lead_or_says_none_is_named(docs) -> None:
    doc = Document(str(docs["qd74-annual-tong-hop"]))
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == ["STT", "Chỉ tiêu"])
    leads = [r.cells[5].text for r in table.rows[1:]]
    assert len(leads) > 40 and all(leads)
    assert "Không nêu" in leads


# ----------------------------------------------------------------------------------------- chart


def test_chart_bars_have_alt_text_counts_in_words_and_a_colour_for_every_class(data, docs) -> None:
    from kehoach.chart import STATUS_COLOURS
    from kehoach.status import STATUS_ORDER

    assert set(STATUS_ORDER) <= set(STATUS_COLOURS)
    greys = [round(0.2126 * r + 0.7152 * g + 0.0722 * b) for r, g, b in (STATUS_COLOURS[c] for c in STATUS_ORDER)]
    assert len(set(greys)) == len(greys)  # no two classes print as the same grey
    ctx = build_context(data, "aec-2026", "midterm", 2028, None, today=TODAY)
    doc = Document(str(docs["aec-midterm-tong-hop"]))
    descr = [el.get("descr") for el in doc.element.body.iter(qn("wp:docPr"))]
    bars = [d for d in descr if d and not d.startswith("Ô màu")]
    assert bars == [r["alt"] for r in ctx["chart"]["rows"]]
    assert bars[0].startswith("Sở Công Thương: 4 nhiệm vụ (HT đúng hạn: 1;")
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert all(r["summary"] in text for r in ctx["chart"]["rows"])
    bars_total = sum(r["total"] for r in ctx["chart"]["rows"])
    assert bars_total > ctx["total"]
    note = next(p.text for p in doc.paragraphs if p.text.startswith("Ghi chú: Nhiệm vụ có nhiều cơ quan chủ trì"))
    assert f"({bars_total})" in note and f"({ctx['total']})" in note


def test_collectives_are_not_plotted_as_agencies(data) -> None:
    ctx = build_context(data, "hoi-nhap-quoc-te", "final", 2030, None, today=TODAY)
    labels = [r["label"] for r in ctx["chart"]["rows"]]
    collective = {a.name for a in data.registry if a.is_collective}
    assert not collective & set(labels)
    assert "Giao chung: Các sở, ban, ngành, đơn vị cấp tỉnh" in labels
