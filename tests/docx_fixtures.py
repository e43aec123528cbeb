"""Word files built from the encoded seed plans, shaped like the appendices analysts receive.

Each plan gets its own shape: header wording and column order vary, group rows are a merged
cell across the row or a number and a title, the header row repeats as on each printed page,
a column-number row "(1) (2) …" follows the header, a two-level header ("Đơn vị thực hiện" over
"Chủ trì" | "Phối hợp"), the task table nested in a layout table, NQ 13 row 4.3 with its STT,
lead, support and product cells merged vertically over a) and b), and QĐ 74's wide leader column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.shared import Cm

from kehoach.model import Plan


@dataclass(frozen=True)
class Shape:
    columns: tuple[tuple[str, str], ...]  # (role, header text) in table order
    group: str  # "merged" (one cell across the row) | "stt" (number in STT, title in content)
    repeat_every: int = 0  # repeat the header row every n task rows (a page break)
    numbers_row: bool = False
    two_level: bool = False  # "Đơn vị thực hiện" over lead | support
    nested: bool = False
    tbl_header: bool = False  # mark the header row w:tblHeader
    wide: str | None = None  # role of a wide column


SHAPES: dict[str, Shape] = {
    "hoi-nhap-quoc-te": Shape(
        (
            ("id", "STT"),
            ("content", "Nội dung"),
            ("lead", "Cơ quan chủ trì"),
            ("support", "Cơ quan phối hợp"),
            ("product", "Sản phẩm"),
            ("deadline", "Thời gian hoàn thành"),
        ),
        group="stt",
        repeat_every=9,
        numbers_row=True,
    ),
    "nq13-thanh-hoa": Shape(
        (
            ("id", "TT"),
            ("content", "Nội dung công việc"),
            ("lead", "Cơ quan chủ trì"),
            ("support", "Cơ quan phối hợp"),
            ("product", "Sản phẩm"),
            ("deadline", "Thời gian"),
        ),
        group="stt",
        repeat_every=12,
        tbl_header=True,
    ),
    "qd74-dai-hoi-xx": Shape(
        (
            ("id", "STT"),
            ("content", "Nhiệm vụ"),
            ("product", "Sản phẩm"),
            ("lead", "Cơ quan chủ trì"),
            ("support", "Cơ quan phối hợp"),
            ("deadline", "Thời gian báo cáo UBND tỉnh"),
            ("leader", "Lãnh đạo UBND tỉnh trực tiếp chỉ đạo"),
        ),
        group="merged",
        repeat_every=10,
        wide="leader",
    ),
    "aec-2026": Shape(
        (
            ("id", "STT"),
            ("content", "Nội dung nhiệm vụ"),
            ("lead", "Chủ trì"),
            ("support", "Phối hợp"),
            ("deadline", "Thời hạn"),
            ("product", "Kết quả/Sản phẩm"),
        ),
        group="merged",
        two_level=True,
        nested=True,
    ),
    "qd1992-cong-nghiep-hoa": Shape(
        (
            ("deadline", "Thời gian thực hiện"),
            ("id", "Số TT"),
            ("content", "Nội dung"),
            ("lead", "Đơn vị chủ trì"),
            ("support", "Đơn vị phối hợp"),
            ("product", "Sản phẩm"),
        ),
        group="merged",
        repeat_every=15,
    ),
}


def _mark_header(row) -> None:  # type: ignore[no-untyped-def]
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trpr.append(el)


def _header_rows(table, shape: Shape) -> None:  # type: ignore[no-untyped-def]
    if not shape.two_level:
        row = table.add_row()
        for i, (_, text) in enumerate(shape.columns):
            row.cells[i].text = text
        if shape.tbl_header:
            _mark_header(row)
        return
    top, sub = table.add_row(), table.add_row()
    roles = [r for r, _ in shape.columns]
    for i, (role, text) in enumerate(shape.columns):
        if role in ("lead", "support"):
            continue
        merged = top.cells[i].merge(sub.cells[i])
        merged.text = text
    i, j = roles.index("lead"), roles.index("support")
    span = top.cells[i].merge(top.cells[j])
    span.text = "Đơn vị thực hiện"
    sub.cells[i].text = dict(shape.columns)["lead"]
    sub.cells[j].text = dict(shape.columns)["support"]


def _task_stt(task_id: str, section_id: str) -> str:
    """The STT printed in a group: "14" for I.14, "I.1.2.3.1" for B.I.1.2.3.1."""
    return task_id[len(section_id) + 1 :] if task_id.startswith(section_id + ".") else task_id


def _section_is_arabic(plan: Plan) -> bool:
    return all(s.id.isdigit() for s in plan.sections)


def build_docx(plan: Plan, target: Path, shape: Shape | None = None) -> Path:
    shape = shape or SHAPES[plan.id]
    doc = Document()
    # Page one: the national header as a borderless two-column table, then kind and title.
    head = doc.add_table(rows=3, cols=2)
    head.cell(0, 0).text = plan.issuer.upper()
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    head.cell(1, 1).text = "Độc lập - Tự do - Hạnh phúc"
    head.cell(2, 0).text = f"Số: {plan.number}" if plan.number else "Số:      /KH-UBND"
    when = plan.issued
    dated = f"ngày {when.day:02d} tháng {when.month:02d} năm {when.year}" if when else "ngày  tháng  năm"
    head.cell(2, 1).text = f"Thanh Hóa, {dated}"
    doc.add_paragraph(plan.kind.upper())
    doc.add_paragraph(plan.title)
    doc.add_paragraph("Căn cứ các văn bản có liên quan;")
    doc.add_paragraph("PHỤ LỤC: CÁC NHIỆM VỤ CỤ THỂ")

    container = doc
    if shape.nested:
        outer = doc.add_table(rows=1, cols=1)
        container = outer.cell(0, 0)
    ncols = len(shape.columns)
    table = container.add_table(rows=0, cols=ncols)
    table.style = doc.styles["Table Grid"]
    roles = [r for r, _ in shape.columns]
    col = {r: i for i, r in enumerate(roles)}
    if shape.wide:
        for i, r in enumerate(roles):
            width = Cm(7) if r == shape.wide else Cm(2.5)
            for c in table.columns[i].cells:
                c.width = width
    _header_rows(table, shape)
    if shape.numbers_row:
        row = table.add_row()
        for i in range(ncols):
            row.cells[i].text = f"({i + 1})"
    rows_since_header = 0
    arabic = _section_is_arabic(plan)
    for section in plan.sections:
        only = section.tasks[0] if len(section.tasks) == 1 and section.tasks[0].id == section.id else None
        if only is None:
            row = table.add_row()
            if shape.group == "merged":
                cell = row.cells[0].merge(row.cells[ncols - 1])
                cell.text = f"{section.id}. {section.title}"
            else:
                row.cells[col["id"]].text = section.id
                row.cells[col["content"]].text = section.title
        previous = None
        previous_values: dict[str, str] = {}
        for task in section.tasks:
            if shape.repeat_every and rows_since_header == shape.repeat_every:
                _header_rows(table, shape)
                rows_since_header = 0
            row = table.add_row()
            rows_since_header += 1
            stt = task.id if (only is not None or arabic) else _task_stt(task.id, section.id)
            values = {
                "id": stt,
                "content": task.content,
                "lead": ", ".join(task.lead),
                "support": ", ".join(task.support),
                "product": task.product or "",
                "deadline": task.deadline or "",
                "leader": task.leader or "",
            }
            sub = task.id.rsplit(".", 1)
            merged_with_above = previous is not None and set(task.inferred) >= {"lead", "support", "product"}
            if len(sub) == 2 and len(sub[1]) == 1 and sub[1].isalpha():
                values["id"] = sub[0]  # "4.3" over a) and b)
            for role, i in col.items():
                if merged_with_above and role in ("id", "lead", "support", "product"):
                    assert previous is not None
                    above = previous.cells[i]
                    merged = above.merge(row.cells[i])
                    merged.text = previous_values[role]
                    continue
                row.cells[i].text = values[role]
            previous, previous_values = row, values
    doc.add_paragraph("TM. ỦY BAN NHÂN DÂN")
    doc.add_paragraph("CHỦ TỊCH")
    if plan.signer:
        doc.add_paragraph(plan.signer)
    target.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(target))
    return target

