#!/usr/bin/env python3
"""Build the report templates templates/{annual,half,midterm,final}[-dang].docx with python-docx.

The .docx files are generated, then committed: a department may open and edit them in Word or
LibreOffice, but the reference layout lives here, so that it can be reviewed in a diff and rebuilt.
The output is byte-for-byte reproducible (fixed document dates, fixed zip timestamps).

Two formats: state bodies (``annual.docx``…) and Party bodies (``annual-dang.docx``…, Hướng dẫn
36-HD/VPTW); RULES below says which point of which text each follows, and goes into the template.
Layout: Nghị định 30/2020/NĐ-CP, Phụ lục I (A4; lề trên, dưới 20 mm, trái 30 mm, phải 15 mm;
Times New Roman; Quốc hiệu 13 pt in hoa đậm; Tiêu ngữ 14 pt đậm; tên loại, trích yếu 14 pt đậm;
nội dung 14 pt; "Nơi nhận:" 12 pt nghiêng đậm, danh sách 11 pt; số trang từ trang 2, giữa lề trên).
The Jinja tags are docxtpl's: {{ … }} for text, {%p … %} / {%tr … %} for whole paragraphs / rows.
See docs/templates.md for the variables.

Usage: .venv/bin/python scripts/build_templates.py [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from kehoach.report.form import HEADER_W, PARTY_HEADER_W

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("annual", "half", "midterm", "final")
FORMATS = ("state", "party")
FONT = "Times New Roman"
PAGE_W, PAGE_H = 210, 297
TOP, BOTTOM, LEFT, RIGHT = 20, 20, 30, 15
TEXT_W = PAGE_W - LEFT - RIGHT  # 165 mm
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
NBSP6 = "\u00a0" * 6

Run = tuple[str, str]  # (text, flags): b bold, i italic, h highlighted placeholder

# -------------------------------------------------------------------------------------------- styles

# name, style id, size pt, bold, italic, alignment, first-line indent mm, space before/after pt, keep next
STYLES: list[tuple[str, str, float, bool, bool, str, float, float, float, bool]] = [
    ("KH Đầu văn bản", "KHHeader", 13, False, False, "center", 0, 0, 0, False),
    ("KH Tên loại", "KHDocType", 14, True, False, "center", 0, 18, 0, True),
    ("KH Trích yếu", "KHSubject", 14, True, False, "center", 0, 0, 0, True),
    ("KH Mục", "KHHeading1", 14, True, False, "justify", 10, 6, 0, True),
    ("KH Tiểu mục", "KHHeading2", 14, True, False, "justify", 10, 6, 0, True),
    ("KH Bảng", "KHTable", 12, False, False, "left", 0, 2, 2, False),
    ("KH Bảng giữa", "KHTableCenter", 12, False, False, "center", 0, 2, 2, False),
    ("KH Bảng tiêu đề", "KHTableHead", 12, True, False, "center", 0, 2, 2, False),
    ("KH Chú giải", "KHLegend", 11, False, False, "left", 0, 0, 0, False),
    ("KH Chú thích", "KHCaption", 13, True, True, "center", 0, 6, 3, True),
    ("KH Nơi nhận", "KHRecipientsTitle", 12, True, True, "left", 0, 0, 0, False),
    ("KH Danh sách nơi nhận", "KHRecipients", 11, False, False, "left", 0, 0, 0, False),
    ("KH Chữ ký", "KHSignature", 14, True, False, "center", 0, 0, 0, False),
    ("KH Phụ lục", "KHAppendix", 14, True, False, "center", 0, 0, 0, True),
    ("KH Ghi chú phụ lục", "KHAppendixNote", 13, False, True, "center", 0, 0, 6, True),
    ("KH Đường kẻ", "KHRule", 4, False, False, "center", 0, 0, 0, False),
    # The rules whose length render() sets from the text above them (kehoach.report.render).
    ("KH Đường kẻ cơ quan", "KHRuleIssuer", 4, False, False, "center", 0, 0, 0, False),
    ("KH Đường kẻ tiêu ngữ", "KHRuleMotto", 4, False, False, "center", 0, 0, 0, False),
    ("KH Ghi chú Đảng", "KHPartyStar", 14, False, False, "center", 0, 0, 0, False),
    ("KH Số trang", "KHPageNumber", 13, False, False, "center", 0, 0, 0, False),
]
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _fonts(rpr) -> None:  # type: ignore[no-untyped-def]
    """Times New Roman for every script, and no theme font that would override it."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del rfonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        rfonts.set(qn(f"w:{attr}"), FONT)


def setup_styles(doc: DocumentObject) -> None:
    styles_el = doc.styles.element
    # Document defaults: Times New Roman 14 pt, Vietnamese.
    rpr = styles_el.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr)
    for tag, value in (("w:sz", "28"), ("w:szCs", "28")):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), value)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "en-US")
    # Every style of the base template: no theme fonts (Calibri, Cambria) anywhere.
    for rfonts in styles_el.iter(qn("w:rFonts")):
        _fonts(rfonts.getparent())

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _fonts(normal.element.get_or_add_rPr())
    pf = normal.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = Mm(10)
    pf.space_before = Pt(6)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.15
    pf.widow_control = True

    for name, style_id, size, bold, italic, align, indent, before, after, keep in STYLES:
        st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.element.set(qn("w:styleId"), style_id)
        st.base_style = normal
        st.quick_style = True
        st.font.size = Pt(size)
        st.font.bold = bold
        st.font.italic = italic
        st.paragraph_format.alignment = ALIGN[align]
        st.paragraph_format.first_line_indent = Mm(indent)
        st.paragraph_format.space_before = Pt(before)
        st.paragraph_format.space_after = Pt(after)
        st.paragraph_format.keep_with_next = keep
        if size <= 13 or style_id.startswith("KHTable"):
            st.paragraph_format.line_spacing = 1.0


# ----------------------------------------------------------------------------------- small helpers


def runs(paragraph: Paragraph, parts: Sequence[Run] | str) -> Paragraph:
    if isinstance(parts, str):
        parts = [(parts, "")]
    for text, flags in parts:
        r = paragraph.add_run(text)
        if "b" in flags:
            r.bold = True
        if "i" in flags:
            r.italic = True
        if "h" in flags:
            r.font.highlight_color = WD_COLOR_INDEX.YELLOW
            r.italic = True
    return paragraph


def para(container, parts: Sequence[Run] | str = "", style: str = "Normal") -> Paragraph:  # type: ignore[no-untyped-def]
    return runs(container.add_paragraph(style=style), parts)


def cell_para(cell: _Cell, parts: Sequence[Run] | str, style: str, first: bool = True) -> Paragraph:
    """Write into a cell: its existing first paragraph, or a new one."""
    p = cell.paragraphs[0] if first and not cell.paragraphs[0].text and len(cell.paragraphs) == 1 else None
    if p is None:
        p = cell.add_paragraph()
    p.style = cell.part.document.styles[style]
    return runs(p, parts)


def tag(container, text: str) -> Paragraph:  # type: ignore[no-untyped-def]
    """A paragraph that holds only a docxtpl paragraph tag ({%p …%}); it disappears when rendered."""
    return para(container, text, "Normal")


def placeholder(container, text: str, style: str = "Normal") -> Paragraph:  # type: ignore[no-untyped-def]
    """Prose only a person can write: a highlighted prompt inside a content control showing its placeholder
    (``w:showingPlcHdr``). Clicking it selects the whole prompt; what the official types replaces it in the
    control's own plain formatting (``w:sdtPr/w:rPr``), so neither the highlight nor the italics stay."""
    p = para(container, [(text, "h")], style)
    run = p.runs[0]._r
    sdt = OxmlElement("w:sdt")
    pr = OxmlElement("w:sdtPr")
    pr.append(OxmlElement("w:rPr"))  # typed text: the paragraph's plain formatting
    pr.append(OxmlElement("w:showingPlcHdr"))
    content = OxmlElement("w:sdtContent")
    run.addprevious(sdt)
    content.append(run)
    sdt.append(pr)
    sdt.append(content)
    return p


def rule(container, length_mm: float, width_mm: float, style: str = "KH Đường kẻ") -> Paragraph:  # type: ignore[no-untyped-def]
    """A short horizontal line, centred: the top border of an almost empty paragraph."""
    p = para(container, "", style)
    side = max(0.0, (width_mm - length_mm) / 2)
    p.paragraph_format.space_before = Pt(2)
    p.paragraph_format.left_indent = Mm(side)
    p.paragraph_format.right_indent = Mm(side)
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for k, v in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        top.set(qn(f"w:{k}"), v)
    bdr.append(top)
    # pBdr must come before spacing/ind/jc in pPr (schema order): insert after pStyle and keepNext.
    anchor = ppr.find(qn("w:spacing"))
    if anchor is None:
        anchor = ppr.find(qn("w:ind"))
    if anchor is not None:
        anchor.addprevious(bdr)
    else:
        ppr.append(bdr)
    return p


def page_break(container) -> Paragraph:  # type: ignore[no-untyped-def]
    p = container.add_paragraph(style="KH Đường kẻ")
    p.add_run().add_break(WD_BREAK.PAGE)
    return p


def _borders(table: Table, visible: bool) -> None:
    tblpr = table._tbl.tblPr
    for old in tblpr.findall(qn("w:tblBorders")):
        tblpr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        if visible:
            for k, v in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
                el.set(qn(f"w:{k}"), v)
        else:
            el.set(qn("w:val"), "nil")
        borders.append(el)
    # Schema order of tblPr: … tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook.
    after = next((tblpr.find(qn(f"w:{n}")) for n in ("shd", "tblLayout", "tblCellMar", "tblLook")
                  if tblpr.find(qn(f"w:{n}")) is not None), None)
    if after is not None:
        after.addprevious(borders)
    else:
        tblpr.append(borders)


def table(container, widths_mm: Sequence[float], rows: int = 1, borders: bool = True) -> Table:  # type: ignore[no-untyped-def]
    """A fixed-layout table with exact column widths (Word reads tcW, LibreOffice reads gridCol)."""
    t = container.add_table(rows=rows, cols=len(widths_mm))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tblpr = t._tbl.tblPr  # autofit=False above wrote <w:tblLayout w:type="fixed"/>
    tblw = tblpr.find(qn("w:tblW"))
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(round(sum(widths_mm) / 25.4 * 1440)))
    for col, w in zip(t.columns, widths_mm, strict=True):
        col.width = Mm(w)
    for row in t.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)
    _borders(t, borders)
    return t


def add_row(t: Table, widths_mm: Sequence[float]) -> list[_Cell]:
    row = t.add_row()
    for cell, w in zip(row.cells, widths_mm, strict=True):
        cell.width = Mm(w)
    return list(row.cells)


def rows_never_split(doc: DocumentObject) -> None:
    """Every row of every table keeps on one page (w:cantSplit), the rows a template repeats included."""
    for t in doc.tables:
        for row in t.rows:
            trpr = row._tr.get_or_add_trPr()
            if trpr.find(qn("w:cantSplit")) is None:
                el = OxmlElement("w:cantSplit")
                trpr.insert(0, el)  # schema order of trPr: cantSplit before tblHeader


def repeat_header(t: Table, row: int = 0) -> None:
    trpr = t.rows[row]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def tag_row(t: Table, widths_mm: Sequence[float], text: str) -> None:
    """A row that holds only a docxtpl row tag ({%tr …%}); the whole row is replaced when rendered."""
    cells = add_row(t, widths_mm)
    cell_para(cells[0], text, "KH Bảng")


def shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    # Schema order of tcPr: … tcBorders, shd, noWrap, tcMar, textDirection, tcFitText, vAlign, hideMark.
    later = [tcpr.find(qn(f"w:{n}")) for n in ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")]
    later = [el for el in later if el is not None]
    if later:
        later[0].addprevious(shd)
    else:
        tcpr.append(shd)


def header_cells(t: Table, labels: Sequence[str]) -> None:
    for cell, label in zip(t.rows[0].cells, labels, strict=True):
        cell_para(cell, label, "KH Bảng tiêu đề")
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        shade(cell, "F2F2F2")
    repeat_header(t)


def data_row(t: Table, widths_mm: Sequence[float], cells: Sequence[tuple[Sequence[Run] | str, str]]) -> None:
    row = add_row(t, widths_mm)
    for cell, (parts, style) in zip(row, cells, strict=True):
        cell_para(cell, parts, style)


def empty_row(t: Table, widths_mm: Sequence[float], condition: str, message: str) -> None:
    """{%tr if not X %} one merged row with a message {%tr endif %}."""
    tag_row(t, widths_mm, f"{{%tr if not {condition} %}}")
    cells = add_row(t, widths_mm)
    merged = cells[0].merge(cells[-1])
    cell_para(merged, [(message, "i")], "KH Bảng giữa")
    tag_row(t, widths_mm, "{%tr endif %}")


# ------------------------------------------------------------------------------------ page set-up


def margin(mm: float) -> Twips:
    """Word stores margins in twips; round up so that "15 mm" is never read back as 14.99 mm."""
    return Twips(math.ceil(mm * 1440 / 25.4))



def page_setup(doc: DocumentObject) -> None:
    s = doc.sections[0]
    s.orientation = WD_ORIENT.PORTRAIT
    s.page_width, s.page_height = Mm(PAGE_W), Mm(PAGE_H)
    s.top_margin, s.bottom_margin = margin(TOP), margin(BOTTOM)
    s.left_margin, s.right_margin = margin(LEFT), margin(RIGHT)
    s.header_distance, s.footer_distance = Mm(10), Mm(10)
    # Page numbers centred in the top margin, not on the first page (Phụ lục I, Mục II.9).
    s.different_first_page_header_footer = True
    hp = s.header.paragraphs[0]
    hp.style = doc.styles["KH Số trang"]
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), " PAGE ")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "2"
    r.append(t)
    fld.append(r)
    hp._p.append(fld)
    s.first_page_header.paragraphs[0].style = doc.styles["KH Số trang"]
    example_banner(doc, s.header)
    example_banner(doc, s.first_page_header)


def example_banner(doc: DocumentObject, header) -> None:  # type: ignore[no-untyped-def]
    """Illustrative progress data is said so on every page, in words for the official reading the draft."""
    para(header, "{%p if example %}", "KH Số trang")
    para(header, [("VÍ DỤ MINH HỌA – số liệu giả định, không dùng để trình ký", "bh")], "KH Số trang")
    para(header, "{%p endif %}", "KH Số trang")


# Which rules of which text each format follows; written into each template (core properties) and docs.
RULES = {
    "state": (
        "Thể thức theo Nghị định 30/2020/NĐ-CP, Phụ lục I, Phần I: khổ A4, lề trên, dưới 20 mm, trái 30 mm, "
        "phải 15 mm, Times New Roman (mục II.1 - II.5); số trang giữa lề trên, từ trang 2 (mục II.7); "
        "Quốc hiệu 13 pt in hoa đậm, Tiêu ngữ 14 pt đậm, đường kẻ dưới Tiêu ngữ dài bằng dòng chữ (mục III.1); "
        "tên cơ quan chủ quản in hoa đứng, tên cơ quan ban hành in hoa đậm 13 pt, đường kẻ dài 1/3 - 1/2 dòng "
        "chữ (mục III.2); \"Số: …/BC-…\" (mục III.3, Phụ lục III); địa danh, ngày tháng nghiêng 14 pt, ngày "
        "dưới 10 và tháng 1, 2 có số 0 (mục III.4); tên loại, trích yếu 14 pt đậm, đường kẻ dưới trích yếu "
        "(mục III.5); quyền hạn, chức vụ người ký in hoa đậm, TM./KT. (mục III.7); \"Nơi nhận:\" 12 pt nghiêng "
        "đậm, danh sách 11 pt, \"Lưu: VT, …\" (mục III.9); phụ lục trang ngang (Phần I, mục IV)."
    ),
    "party": (
        "Thể thức theo Hướng dẫn 36-HD/VPTW ngày 03/4/2018 của Văn phòng Trung ương Đảng: tiêu đề \"ĐẢNG CỘNG "
        "SẢN VIỆT NAM\" 15 pt in hoa đậm, góc phải, đường kẻ dưới dài bằng tiêu đề (mục II.1.1); tên cấp ủy "
        "cấp trên in hoa đứng, tên cơ quan ban hành in hoa đậm, dấu sao (*) bên dưới (mục II.1.2); \"Số …-BC/…\" "
        "không có dấu hai chấm (mục II.1.3); địa danh, ngày tháng nghiêng (mục II.1.4); tên loại in hoa đậm, "
        "trích yếu đậm, dưới có gạch nối (mục II.1.5); \"T/M\", \"K/T\" trước chức vụ người ký (mục II.1.7); "
        "\"Nơi nhận:\" gạch chân, danh sách 12 pt, \"Lưu …\" (mục II.1.9); khổ A4, lề trên, dưới 20 mm, "
        "trái 30 mm, phải 15 mm, Times New Roman (mục III)."
    ),
}


SOURCE = {
    "state": "Thể thức: Nghị định 30/2020/NĐ-CP, Phụ lục I.",
    "party": "Thể thức: Hướng dẫn 36-HD/VPTW ngày 03/4/2018 của Văn phòng Trung ương Đảng.",
}


def rules_note(doc: DocumentObject, fmt: str) -> None:
    """The rules the template follows, for whoever edits it; a {%p if false %} block, gone when rendered."""
    tag(doc, "{%p if false %}")
    para(doc, [("[Ghi chú của mẫu, không in ra báo cáo] " + RULES[fmt], "h")])
    tag(doc, "{%p endif %}")


def properties(doc: DocumentObject, kind: str, fmt: str) -> None:
    cp = doc.core_properties
    cp.title = f"Mẫu báo cáo {KIND_VN[kind]} (kehoach)"
    cp.subject = "Mẫu báo cáo của cơ quan Đảng" if fmt == "party" else "Mẫu báo cáo của cơ quan nhà nước"
    cp.author = "kehoach"
    cp.last_modified_by = "kehoach"
    cp.comments = SOURCE[fmt] + " Tạo bằng scripts/build_templates.py; xem docs/templates.md."
    cp.keywords = ""
    cp.category = ""
    cp.revision = 1
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME


KIND_VN = {"annual": "năm", "half": "6 tháng", "midterm": "sơ kết giữa kỳ", "final": "tổng kết"}

# ----------------------------------------------------------------------------------- document parts

# The ký hiệu: plain when the registry states it, highlighted "[kiểm tra: …]" when it is a guess.
ABBR: list[Run] = [
    ("{% if issuer.abbr_guessed %}", ""),
    ("[kiểm tra: {{ issuer.abbr }}]", "h"),
    ("{% else %}{{ issuer.abbr }}{% endif %}", ""),
]


def _sized(p: Paragraph, pt: float) -> Paragraph:
    for r in p.runs:
        r.font.size = Pt(pt)
    return p


def issuer_lines(cell: _Cell, size: float) -> None:
    """Cơ quan chủ quản (regular) and cơ quan ban hành (bold), one paragraph per line as the registry
    or the balancing in kehoach.report.form broke them."""
    cell_para(cell, "{%p for line in issuer.parent_lines %}", "KH Đầu văn bản")
    _sized(cell_para(cell, "{{ line }}", "KH Đầu văn bản", first=False), size)
    cell_para(cell, "{%p endfor %}", "KH Đầu văn bản", first=False)
    cell_para(cell, "{%p for line in issuer.lines %}", "KH Đầu văn bản", first=False)
    _sized(cell_para(cell, [("{{ line }}", "b")], "KH Đầu văn bản", first=False), size)
    cell_para(cell, "{%p endfor %}", "KH Đầu văn bản", first=False)


def header_block(doc: DocumentObject, fmt: str) -> None:
    if fmt == "party":
        party_header(doc)
        return
    t = table(doc, HEADER_W, rows=2, borders=False)
    left, right = t.rows[0].cells
    issuer_lines(left, 13)
    rule(left, 18, HEADER_W[0] - 3.8, "KH Đường kẻ cơ quan")
    cell_para(right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b")], "KH Đầu văn bản")
    _sized(cell_para(right, [("Độc lập - Tự do - Hạnh phúc", "b")], "KH Đầu văn bản", first=False), 14)
    rule(right, 60, HEADER_W[1] - 3.8, "KH Đường kẻ tiêu ngữ")
    left2, right2 = t.rows[1].cells
    p = cell_para(left2, [(f"Số:{NBSP6}/BC-", ""), *ABBR], "KH Đầu văn bản")
    p.paragraph_format.space_before = Pt(6)
    p = cell_para(right2, [("{{ place_date }}", "i")], "KH Đầu văn bản")
    p.paragraph_format.space_before = Pt(6)
    _sized(p, 14)


def party_header(doc: DocumentObject) -> None:
    """HD 36: cấp ủy cấp trên / cơ quan ban hành (đậm) / dấu sao / số, ký hiệu on the left;
    "ĐẢNG CỘNG SẢN VIỆT NAM" with its rule, then place and date, on the right."""
    t = table(doc, PARTY_HEADER_W, rows=2, borders=False)
    left, right = t.rows[0].cells
    issuer_lines(left, 14)
    cell_para(left, "*", "KH Ghi chú Đảng", first=False)
    _sized(cell_para(right, [("ĐẢNG CỘNG SẢN VIỆT NAM", "b")], "KH Đầu văn bản"), 15)
    rule(right, 73, PARTY_HEADER_W[1] - 3.8, "KH Đường kẻ tiêu ngữ")
    left2, right2 = t.rows[1].cells
    p = cell_para(left2, [(f"Số{NBSP6}-BC/", ""), *ABBR], "KH Đầu văn bản")
    _sized(p, 14)
    p = cell_para(right2, [("{{ place_date }}", "i")], "KH Đầu văn bản")
    _sized(p, 14)


def title_block(doc: DocumentObject, fmt: str) -> None:
    p = para(doc, "BÁO CÁO", "KH Tên loại")
    if fmt == "party":
        _sized(p, 16)  # HD 36: tên loại cỡ 15 - 16, in hoa đậm
        para(doc, "{{ subject }}", "KH Trích yếu")
        para(doc, "-----", "KH Trích yếu")  # HD 36: gạch nối dưới trích yếu
        return
    para(doc, "{{ subject }}", "KH Trích yếu")
    rule(doc, 50, TEXT_W)
    # Illustrative progress data (``example: true``) is said so at the top, never passed off as real.
    tag(doc, "{%p if example %}")
    para(doc, [("{{ example_banner }}", "bh")], "KH Trích yếu")
    tag(doc, "{%p endif %}")


WHAT_OPENING = {
    "annual": "kết quả thực hiện năm {{ year }}",
    "half": "kết quả thực hiện 6 tháng đầu năm {{ year }} (từ ngày {{ cycle.start }} đến ngày {{ cycle.end }})",
    "midterm": "sơ kết giữa kỳ kết quả thực hiện {{ plan.called }} {{ cycle.label }} "
    "(từ ngày {{ cycle.start }} đến ngày {{ cycle.end }})",
    "final": "tổng kết kết quả thực hiện {{ plan.called }} {{ cycle.label }} "
    "(từ ngày {{ cycle.start }} đến ngày {{ cycle.end }})",
}


def opening(doc: DocumentObject, kind: str) -> None:
    # The plan's citation as runs: a plan without a number shows a highlighted blank for it.
    para(
        doc,
        [
            ("Thực hiện {% for r in plan.cite %}{% if r.check %}", ""),
            ("{{ r.text }}", "h"),
            ("{% else %}{{ r.text }}{% endif %}{% endfor %}", ""),
            (
                " (sau đây gọi tắt là {{ plan.called }}), "
                "{% if consolidated %}trên cơ sở báo cáo của các cơ quan, đơn vị được giao nhiệm vụ, "
                "{{ issuer.name }} tổng hợp, báo cáo{% else %}{{ issuer.name }} báo cáo{% endif %} "
                + WHAT_OPENING[kind]
                + " như sau:",
                "",
            ),
        ],
    )


def counts_paragraphs(doc: DocumentObject) -> None:
    para(
        doc,
        "{% if consolidated %}{{ plan.called }} giao {{ total }} nhiệm vụ thuộc kỳ báo cáo"
        "{% else %}{{ issuer.name }} được giao chủ trì {{ total }} nhiệm vụ thuộc kỳ báo cáo{% endif %}"
        "{% if carried %}, gồm {{ in_period }} nhiệm vụ có thời hạn trong kỳ và {{ carried }} nhiệm vụ chuyển từ "
        "kỳ trước (chưa hoàn thành khi kỳ trước kết thúc){% endif %} (chi tiết tại Phụ lục I); "
        "tình trạng thực hiện tính đến ngày {{ as_of }} ({{ cycle.cutoff }}):",
    ).paragraph_format.keep_with_next = True
    tag(doc, "{%p for c in counts %}")
    # The lead-in keeps with the first line only: a chain through the whole list would drag the chart
    # that follows along with it and leave half a page blank.
    para(doc, "- {{ c.label }}: {{ c.count }} nhiệm vụ ({{ c.percent }}){{ c.end }}")
    tag(doc, "{%p endfor %}")
    # An agency's own report: the counts come from the monitoring data, not from what the official types in
    # Phụ lục I; said so, to be brought in line before signing.
    tag(doc, "{%p if not consolidated %}")
    placeholder(
        doc,
        "[Kiểm tra: số liệu trên tính tự động từ dữ liệu theo dõi đến ngày {{ as_of }}; sau khi bổ sung kết quả "
        "ở Phụ lục I, cập nhật lại các số liệu này cho khớp.]",
    )
    tag(doc, "{%p endif %}")


CHART_W = (55.0, 92.0, 18.0)
LEGEND_W = (82.5,) * 2


def chart(doc: DocumentObject) -> None:
    """Biểu đồ: a table with the label as text, the stacked bar as a small PNG, the total as text."""
    tag(doc, "{%p if chart.rows %}")
    para(doc, "Biểu đồ 1. Tình trạng thực hiện nhiệm vụ theo {{ chart.by|lower }}", "KH Chú thích")
    t = table(doc, CHART_W, rows=1, borders=True)
    header_cells(t, ["{{ chart.by }}", "Tình trạng thực hiện", "Tổng số"])
    tag_row(t, CHART_W, "{%tr for r in chart.rows %}")
    row = add_row(t, CHART_W)
    cell_para(row[0], "{{ r.label }}", "KH Bảng")
    cell_para(row[1], "{{ r.bar }}", "KH Bảng")
    # The counts in words under the bar: the chart reads in black and white too.
    cell_para(row[1], "{{ r.summary }}", "KH Chú giải", first=False).paragraph_format.keep_with_next = True
    cell_para(row[2], "{{ r.total }}", "KH Bảng giữa")
    for c in row:
        c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        c.paragraphs[0].paragraph_format.keep_with_next = True  # the chart stays on one page
    for c in t.rows[0].cells:
        c.paragraphs[0].paragraph_format.keep_with_next = True
    tag_row(t, CHART_W, "{%tr endfor %}")
    para(doc, "", "KH Đường kẻ")  # two tables in a row would merge into one (and lose the chart's borders)
    legend = table(doc, LEGEND_W, rows=(N_STATUS + 1) // 2, borders=False)
    for i, cell in enumerate(c for row in legend.rows for c in row.cells):
        if i < N_STATUS:
            cell_para(cell, f"{{{{ counts[{i}].swatch }}}} {{{{ counts[{i}].label }}}}", "KH Chú giải")
    tag(doc, "{%p if chart.note %}")
    para(doc, [("Ghi chú: {{ chart.note }}", "i")], "KH Chú giải")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")


OVERDUE_W = (12.0, 78.0, 35.0, 24.0, 16.0)


def overdue_table(doc: DocumentObject) -> None:
    """The sentence that announces the overdue tasks, kept with the table that lists them right below it."""
    para(
        doc,
        "{% if overdue %}Còn {{ overdue|length }} nhiệm vụ đã quá thời hạn mà chưa hoàn thành"
        "{% if no_report_overdue or overdue_carried %} (trong đó{% if no_report_overdue %} "
        "{{ no_report_overdue }} nhiệm vụ "
        "{% if consolidated %}chưa có báo cáo{% else %}chưa cập nhật kết quả{% endif %}{% endif %}"
        "{% if no_report_overdue and overdue_carried %};{% endif %}"
        "{% if overdue_carried %} {{ overdue_carried }} nhiệm vụ chuyển từ kỳ trước{% endif %}){% endif %}:"
        "{% else %}Không có nhiệm vụ chưa hoàn thành quá thời hạn.{% endif %}",
    ).paragraph_format.keep_with_next = True
    tag(doc, "{%p if overdue %}")
    t = table(doc, OVERDUE_W, rows=1)
    header_cells(t, ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Quá hạn (ngày)"])
    for c in t.rows[0].cells:
        c.paragraphs[0].paragraph_format.keep_with_next = True  # the heading row goes with the first task
    tag_row(t, OVERDUE_W, "{%tr for t in overdue %}")
    data_row(
        t,
        OVERDUE_W,
        [
            ("{{ t.no }}", "KH Bảng giữa"),
            ([("{{ t.id }}. ", "b"), ("{{ t.content }}", "")], "KH Bảng"),
            ("{{ t.lead }}", "KH Bảng"),
            ("{{ t.deadline }}", "KH Bảng giữa"),
            ("{{ t.days }}", "KH Bảng giữa"),
        ],
    )
    tag_row(t, OVERDUE_W, "{%tr endfor %}")
    tag(doc, "{%p endif %}")
    para(doc, "{%p if no_report %}")
    para(
        doc,
        "{% if consolidated %}Có {{ no_report }} nhiệm vụ các cơ quan chủ trì chưa báo cáo kết quả thực hiện."
        "{% else %}{{ issuer.name }} chưa cập nhật kết quả thực hiện của {{ no_report }} nhiệm vụ.{% endif %}",
    )
    para(doc, "{%p endif %}")


WHAT_CLOSING = {
    "annual": "kết quả thực hiện {{ plan.called }} năm {{ year }}",
    "half": "kết quả thực hiện {{ plan.called }} 6 tháng đầu năm {{ year }}",
    "midterm": "sơ kết giữa kỳ thực hiện {{ plan.called }}",
    "final": "tổng kết thực hiện {{ plan.called }}",
}


def body(doc: DocumentObject, kind: str) -> None:
    review = kind in ("midterm", "final")
    para(doc, "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI THỰC HIỆN", "KH Mục")
    placeholder(
        doc,
        "[Đơn vị bổ sung: các văn bản chỉ đạo, hướng dẫn, kế hoạch triển khai đã ban hành (số, ngày, trích yếu); "
        "công tác tuyên truyền, quán triệt; phân công nhiệm vụ; kiểm tra, đôn đốc việc thực hiện.]",
    )
    para(doc, "II. KẾT QUẢ THỰC HIỆN", "KH Mục")
    para(doc, "1. Kết quả thực hiện các nhiệm vụ", "KH Tiểu mục")
    counts_paragraphs(doc)
    if review:
        chart(doc)
    placeholder(
        doc,
        "[Đơn vị bổ sung: đánh giá kết quả nổi bật, các nhiệm vụ hoàn thành có tác động lớn, số liệu minh chứng"
        + ("; so sánh với mục tiêu của cả giai đoạn" if review else "")
        + ".]",
    )
    para(doc, "2. Kết quả thực hiện các chỉ tiêu", "KH Tiểu mục")
    para(
        doc,
        "{% if targets %}{% if consolidated %}{{ plan.called }} đề ra {{ targets_total }} chỉ tiêu"
        "{% else %}{{ issuer.name }} được giao chủ trì theo dõi {{ targets_total }} chỉ tiêu{% endif %}; "
        "{% if targets_reported %}đã có số liệu thực hiện của {{ targets_reported }} chỉ tiêu"
        "{% else %}chưa có số liệu thực hiện của chỉ tiêu nào{% endif %} (chi tiết tại Phụ lục II)."
        "{% elif consolidated %}{{ plan.called }} không đề ra chỉ tiêu định lượng trong kỳ."
        "{% elif plan_targets_unassigned %}{{ plan.called }} có {{ plan_targets_unassigned }} chỉ tiêu không nêu "
        "cơ quan chủ trì; {{ issuer.name }} báo cáo số liệu các chỉ tiêu thuộc lĩnh vực được giao (nếu có)."
        "{% else %}{{ issuer.name }} không được giao chủ trì chỉ tiêu nào của {{ plan.called }}.{% endif %}",
    )
    tag(doc, "{%p if targets %}")  # no prompt where it does not apply
    placeholder(doc, "[Đơn vị bổ sung: đánh giá mức độ đạt được của từng chỉ tiêu, khả năng hoàn thành.]")
    tag(doc, "{%p endif %}")
    if review:
        # Sơ kết, tổng kết as practice has it: a general assessment holding results, shortcomings with their
        # causes, and lessons — each its own heading, lessons not under shortcomings.
        para(doc, "III. ĐÁNH GIÁ CHUNG", "KH Mục")
        para(doc, "1. Kết quả đạt được", "KH Tiểu mục")
        placeholder(
            doc, "[Đơn vị bổ sung: đánh giá chung kết quả đạt được so với mục tiêu của {{ plan.called }} "
            "{{ cycle.label }}; những chuyển biến nổi bật.]"
        )
        para(doc, "2. Tồn tại, hạn chế và nguyên nhân", "KH Tiểu mục")
        overdue_table(doc)
        placeholder(
            doc, "[Đơn vị bổ sung: những tồn tại, hạn chế khác; nguyên nhân khách quan, chủ quan của tồn tại, "
            "hạn chế{% if overdue %} và của từng nhiệm vụ quá hạn{% endif %}.]"
        )
        para(doc, "3. Bài học kinh nghiệm", "KH Tiểu mục")
        placeholder(doc, "[Đơn vị bổ sung: bài học kinh nghiệm rút ra qua quá trình thực hiện {{ plan.called }}.]")
    else:
        para(doc, "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "KH Mục")
        para(doc, "1. Tồn tại, hạn chế", "KH Tiểu mục")
        overdue_table(doc)
        placeholder(doc, "[Đơn vị bổ sung: những tồn tại, hạn chế khác trong tổ chức thực hiện.]")
        para(doc, "2. Nguyên nhân", "KH Tiểu mục")
        placeholder(
            doc,
            "[Đơn vị bổ sung: nguyên nhân khách quan, chủ quan của tồn tại, hạn chế"
            "{% if overdue %} và của từng nhiệm vụ quá hạn{% endif %}.]",
        )
    para(doc, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ {{ next_upper }}", "KH Mục")
    para(
        doc,
        "{% if next_open %}Tiếp tục triển khai {{ next_open }} nhiệm vụ chưa hoàn thành"
        "{% if overdue %}, trong đó ưu tiên hoàn thành {{ overdue|length }} nhiệm vụ đã quá hạn{% endif %}; "
        "duy trì các nhiệm vụ thường xuyên theo {{ plan.called }}."
        "{% else %}Duy trì các nhiệm vụ thường xuyên theo {{ plan.called }}.{% endif %}",
    )
    placeholder(doc, "[Đơn vị bổ sung: nhiệm vụ, giải pháp trọng tâm {{ next }}.]")
    para(doc, "V. ĐỀ XUẤT, KIẾN NGHỊ", "KH Mục")
    placeholder(doc, "[Đơn vị bổ sung: đề xuất, kiến nghị với {{ propose_to }} (nếu có).]")
    # The closing sentence names the same recipients as "Nơi nhận", and stays with the signature.
    para(
        doc,
        [
            (f"Trên đây là báo cáo {WHAT_CLOSING[kind]} của {{{{ issuer.name }}}}", ""),
            ("{% for r in closing %}{% if r.check %}", ""),
            ("{{ r.text }}", "h"),
            ("{% else %}{{ r.text }}{% endif %}{% endfor %}./.", ""),
        ],
    ).paragraph_format.keep_with_next = True


SIGN_W = (80.0, 85.0)


def signature_block(doc: DocumentObject, fmt: str) -> None:
    spacer = para(doc, "", "KH Đường kẻ")
    spacer.paragraph_format.space_before = Pt(8)
    spacer.paragraph_format.keep_with_next = True
    t = table(doc, SIGN_W, rows=1, borders=False)
    left, right = t.rows[0].cells
    title = cell_para(left, "Nơi nhận:", "KH Nơi nhận")
    if fmt == "party":  # HD 36: "Nơi nhận" chữ thường, đứng, gạch chân; danh sách cỡ 12
        for r in title.runs:
            r.underline = True
            r.italic = False
            r.font.size = Pt(14)
    item = "KH Danh sách nơi nhận"
    cell_para(left, "{%p for r in recipients %}", item, first=False)
    p = cell_para(
        left,
        [
            ("- {% if r.check %}", ""),
            ("[kiểm tra: {{ r.name }}]", "h"),
            ("{% else %}{{ r.name }}{% endif %} ({{ r.purpose }});", ""),
        ],
        item,
        first=False,
    )
    if fmt == "party":
        _sized(p, 12)
    cell_para(left, "{%p endfor %}", item, first=False)
    if fmt == "party":
        _sized(cell_para(left, [("- Lưu ", ""), ("[Văn phòng cấp ủy]", "h"), (".", "")], item, False), 12)
    else:
        cell_para(left, [("- Lưu: VT, ", ""), ("[đơn vị soạn thảo]", "h"), (".", "")], item, False)
    cell_para(right, "{%p for line in issuer.signature %}", "KH Chữ ký")
    cell_para(
        right,
        [
            ("{% if issuer.signature_guessed %}", ""),
            ("[kiểm tra: {{ line }}]", "h"),
            ("{% else %}{{ line }}{% endif %}", ""),
        ],
        "KH Chữ ký",
        first=False,
    )
    cell_para(right, "{%p endfor %}", "KH Chữ ký", first=False)
    for _ in range(4):
        cell_para(right, "", "KH Chữ ký", first=False)
    cell_para(right, [("[Họ và tên người ký]", "h")], "KH Chữ ký", first=False)


# Appendices are on landscape pages: 297 mm - 20 - 20 = 257 mm of table width.
LAND_TOP, LAND_BOTTOM, LAND_SIDE = 30, 15, 20
LAND_W = PAGE_H - 2 * LAND_SIDE
TASKS_W = (12.0, 97.0, 42.0, 32.0, 30.0, 44.0)
TARGETS_W = (12.0, 95.0, 25.0, 35.0, 45.0, 45.0)
N_STATUS = 7  # the status classes of kehoach.status.STATUS_ORDER
AGENCIES_W = (12.0, 65.0) + (22.0,) * N_STATUS + (22.0,)


def landscape_section(doc: DocumentObject) -> None:
    """The appendices start a new landscape section; the binding edge (left of the portrait page) is on top."""
    s = doc.add_section(WD_SECTION.NEW_PAGE)
    # The paragraph that ends the portrait section is as low as a rule (4 pt, no spacing): a full last
    # page must not push it alone onto a blank page of its own.
    end = doc.paragraphs[-1]
    assert end._p.find(qn("w:pPr")).find(qn("w:sectPr")) is not None
    end.style = doc.styles["KH Đường kẻ"]
    end.paragraph_format.space_before = Pt(0)
    # Even 4 pt spill onto a page of their own when the signature fills the page: the paragraph mark is
    # hidden and one point high, so the section ends without a blank page.
    end.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    end.paragraph_format.line_spacing = Pt(1)
    mark = OxmlElement("w:rPr")
    for tag_name, val in (("w:vanish", None), ("w:sz", "2"), ("w:szCs", "2")):
        el = OxmlElement(tag_name)
        if val:
            el.set(qn("w:val"), val)
        mark.append(el)
    ppr = end._p.get_or_add_pPr()
    ppr.insert(ppr.index(ppr.find(qn("w:sectPr"))), mark)
    s.orientation = WD_ORIENT.LANDSCAPE
    s.page_width, s.page_height = Mm(PAGE_H), Mm(PAGE_W)
    s.top_margin, s.bottom_margin = margin(LAND_TOP), margin(LAND_BOTTOM)
    s.left_margin, s.right_margin = margin(LAND_SIDE), margin(LAND_SIDE)
    s.different_first_page_header_footer = False  # numbered from its first page on


def appendix_head(doc: DocumentObject, number: str, title: str, new_page: bool = True) -> None:
    if new_page:
        page_break(doc)
    para(doc, f"Phụ lục {number}", "KH Phụ lục")
    para(doc, title, "KH Phụ lục")
    para(
        doc,
        [
            (f"(Kèm theo Báo cáo số{NBSP6}{{% if format == 'party' %}}-BC/{{% else %}}/BC-{{% endif %}}", ""),
            *ABBR,
            (" {{ signed_on }} của {{ issuer.name }})", ""),
        ],
        "KH Ghi chú phụ lục",
    )


def appendices(doc: DocumentObject) -> None:
    landscape_section(doc)
    appendix_head(doc, "I", "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ", new_page=False)
    para(doc, "(Tình trạng tính đến ngày {{ as_of }})", "KH Ghi chú phụ lục")
    t = table(doc, TASKS_W, rows=1)
    header_cells(t, ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Tình trạng", "Kết quả thực hiện"])
    tag_row(t, TASKS_W, "{%tr for t in tasks %}")
    data_row(
        t,
        TASKS_W,
        [
            ("{{ t.no }}", "KH Bảng giữa"),
            ([("{{ t.id }}. ", "b"), ("{{ t.content }}", "")], "KH Bảng"),
            ("{{ t.lead }}", "KH Bảng"),
            ("{{ t.deadline }}", "KH Bảng"),
            ("{{ t.status }}", "KH Bảng"),
            ([("{% if t.result %}{{ t.result }}{% else %}", ""), ("[bổ sung]", "h"), ("{% endif %}", "")], "KH Bảng"),
        ],
    )
    tag_row(t, TASKS_W, "{%tr endfor %}")
    empty_row(t, TASKS_W, "tasks", "Không có nhiệm vụ trong kỳ báo cáo.")
    # An agency's own report: tasks given to a collective that includes it, listed apart and not counted.
    tag(doc, "{%p if collective_tasks %}")
    para(doc, "Nhiệm vụ giao chung có bao gồm {{ issuer.name }} (không tính vào tổng số trên):", "KH Ghi chú phụ lục")
    t = table(doc, TASKS_W, rows=1)
    header_cells(t, ["STT", "Nội dung nhiệm vụ", "Giao chung", "Thời hạn", "Tình trạng", "Kết quả thực hiện"])
    tag_row(t, TASKS_W, "{%tr for t in collective_tasks %}")
    data_row(
        t,
        TASKS_W,
        [
            ("{{ t.no }}", "KH Bảng giữa"),
            ([("{{ t.id }}. ", "b"), ("{{ t.content }}", "")], "KH Bảng"),
            ("{{ t.lead }}", "KH Bảng"),
            ("{{ t.deadline }}", "KH Bảng"),
            ("{{ t.status }}", "KH Bảng"),
            ([("[bổ sung phần việc của cơ quan]", "h")], "KH Bảng"),
        ],
    )
    tag_row(t, TASKS_W, "{%tr endfor %}")
    tag(doc, "{%p endif %}")

    tag(doc, "{%p if targets %}")
    appendix_head(doc, "II", "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    t = table(doc, TARGETS_W, rows=1)
    header_cells(t, ["STT", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu", "Thực hiện", "Cơ quan chủ trì"])
    tag_row(t, TARGETS_W, "{%tr for t in targets %}")
    data_row(
        t,
        TARGETS_W,
        [
            ("{{ t.no }}", "KH Bảng giữa"),
            ([("{{ t.id }}. ", "b"), ("{{ t.name }}", "")], "KH Bảng"),
            ("{{ t.unit }}", "KH Bảng giữa"),
            ("{{ t.value }}", "KH Bảng giữa"),
            ([("{% if t.actual %}{{ t.actual }}{% else %}", ""), ("[bổ sung]", "h"), ("{% endif %}", "")],
             "KH Bảng giữa"),
            ("{{ t.lead }}", "KH Bảng"),
        ],
    )
    tag_row(t, TARGETS_W, "{%tr endfor %}")
    tag(doc, "{%p endif %}")

    tag(doc, "{%p if consolidated %}")
    appendix_head(doc, "{{ 'III' if targets else 'II' }}", "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THEO CƠ QUAN CHỦ TRÌ")
    t = table(doc, AGENCIES_W, rows=1)
    header_cells(
        t, ["STT", "Cơ quan chủ trì"] + [f"{{{{ status_labels[{i}] }}}}" for i in range(N_STATUS)] + ["Tổng số"]
    )
    tag_row(t, AGENCIES_W, "{%tr for a in agencies + collectives %}")
    data_row(
        t,
        AGENCIES_W,
        [("{{ a.no }}", "KH Bảng giữa"), ("{% if a.collective %}Giao chung: {% endif %}{{ a.name }}", "KH Bảng")]
        + [(f"{{{{ a.counts[{i}] }}}}", "KH Bảng giữa") for i in range(N_STATUS)]
        + [([("{{ a.total }}", "b")], "KH Bảng giữa")],
    )
    tag_row(t, AGENCIES_W, "{%tr endfor %}")
    data_row(
        t,
        AGENCIES_W,
        [("", "KH Bảng giữa"), ([("Tổng số nhiệm vụ", "b")], "KH Bảng")]
        + [([(f"{{{{ counts[{i}].count }}}}", "b")], "KH Bảng giữa") for i in range(N_STATUS)]
        + [([("{{ total }}", "b")], "KH Bảng giữa")],
    )
    for c in t.rows[-1].cells:  # the total row stays on the page of the note that explains it
        c.paragraphs[0].paragraph_format.keep_with_next = True
    para(doc, "Ghi chú: {{ agencies_rule }}", "KH Ghi chú phụ lục")
    tag(doc, "{%p endif %}")


# ------------------------------------------------------------------------------------------- build


def build(kind: str, fmt: str = "state") -> DocumentObject:
    doc = Document()
    setup_styles(doc)
    page_setup(doc)
    properties(doc, kind, fmt)
    body_el = doc.element.body
    for p in list(body_el.iterchildren(qn("w:p"))):  # the base template's empty first paragraph
        body_el.remove(p)
    rules_note(doc, fmt)
    header_block(doc, fmt)
    title_block(doc, fmt)
    opening(doc, kind)
    body(doc, kind)
    signature_block(doc, fmt)
    appendices(doc)
    rows_never_split(doc)
    return doc


def template_name(kind: str, fmt: str) -> str:
    """ "annual.docx" for state bodies, "annual-dang.docx" for Party bodies (kehoach.report.render)."""
    return f"{kind}-dang.docx" if fmt == "party" else f"{kind}.docx"


def reproducible_bytes(doc: DocumentObject) -> bytes:
    """The .docx with fixed zip timestamps, so that rebuilding unchanged templates changes no byte."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tạo lại các mẫu báo cáo templates/*.docx.")
    parser.add_argument("--out", type=Path, default=ROOT / "templates", help="thư mục ghi (mặc định: templates/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        for fmt in FORMATS:
            path = args.out / template_name(kind, fmt)
            path.write_bytes(reproducible_bytes(build(kind, fmt)))
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
