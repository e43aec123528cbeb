"""Results back in from an agency's annual report draft (``kehoach report annual --agency``), filled in Word.

The draft says whose it is: plan (document subject), agency (author), year (title, "… năm YYYY"),
and the day its figures stand on (comments, "số liệu tính đến dd/mm/yyyy"). Its task tables (own
tasks, then collective ones) must still hold every row, in order, each starting "ID. "; a row's
``Tình trạng`` left as drafted keeps the recorded status, one of the status labels changes it;
``Kết quả thực hiện`` is read back the way the draft writes it ("… Hoàn thành ngày dd/mm/yyyy.
Văn bản, sản phẩm: ….").
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kehoach.progress_cells import MAX_UNZIPPED, CellError, Defaults, FileResult, parse_date, parse_text
from kehoach.progress_write import Update

if TYPE_CHECKING:
    from kehoach.dataset import DataSet

OWN_HEADER = ("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Tình trạng", "Kết quả thực hiện")
COLLECTIVE_HEADER = ("STT", "Nội dung nhiệm vụ", "Giao chung", "Thời hạn", "Tình trạng", "Kết quả thực hiện")
_DONE = ("đã hoàn thành", "đã hoàn thành đúng hạn", "đã hoàn thành quá hạn", "hoàn thành")
_GOING = (
    "đang thực hiện",
    "đang triển khai",
    "đang triển khai thường xuyên",
    "chưa hoàn thành, trong hạn",
    "chưa hoàn thành, quá hạn",
    "chưa hoàn thành",
)
_NOT_STARTED = ("chưa triển khai",)
_PLACEHOLDER = re.compile(r"^\[bổ sung[^\]]*\]$")
_EARLIER = re.compile(r"\s*\(theo báo cáo năm (\d{4})\)\s*$")
_EVIDENCE = re.compile(r"\s*Văn bản, sản phẩm:\s*(.+?)\.?\s*$", re.S)
_COMPLETED = re.compile(r"\s*Hoàn thành ngày (\d{1,2}/\d{1,2}/\d{4})\.?\s*$")
_AS_OF = re.compile(r"tính đến (\d{1,2}/\d{1,2}/\d{4})")
_YEAR = re.compile(r"năm (\d{4})\s*$")


@dataclass(frozen=True)
class ResultCell:
    result: str | None
    completed: dt.date | None
    evidence: str | None
    earlier: bool  # the draft showed an earlier year's result


def parse_result_cell(text: str) -> ResultCell:
    """Split a "Kết quả thực hiện" cell the way the draft wrote it."""
    text = text.strip()
    if not text or _PLACEHOLDER.match(text):
        return ResultCell(None, None, None, False)
    earlier = False
    m = _EARLIER.search(text)
    if m:
        earlier, text = True, text[: m.start()]
    evidence = None
    m = _EVIDENCE.search(text)
    if m:
        evidence, text = m.group(1).strip(), text[: m.start()]
    completed = None
    m = _COMPLETED.search(text)
    if m:
        completed, text = parse_date(m.group(1)), text[: m.start()]
    return ResultCell(parse_text(text), completed, evidence, earlier)


def status_of(text: str) -> str | None:
    """A status label typed in the table (or kept from the draft's class labels), as a status code."""
    low = " ".join(text.strip().casefold().rstrip(".").split())
    if low in _DONE:
        return "done"
    if low in _GOING:
        return "in-progress"
    if low in _NOT_STARTED:
        return "not-started"
    return None


def read_report_docx(data: DataSet, path: Path, raw: bytes, today: dt.date, expect: Defaults) -> FileResult:
    res = FileResult(path, "docx")
    name = path.name
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        res.problems.append(f"{name}: không phải tệp Word (.docx)")
        return res
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED:
                res.problems.append(f"{name}: nội dung giải nén quá lớn; không đọc")
                return res
            if any(i.filename.lower().endswith("vbaproject.bin") for i in zf.infolist()):
                res.problems.append(f"{name}: tệp có macro; không nhận")
                return res
        import docx

        doc = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - any failure of the reader: not a document we can read
        res.problems.append(f"{name}: không đọc được tệp Word ({type(exc).__name__})")
        return res
    props = doc.core_properties
    plan_id = (props.subject or "").strip()
    agency_name = (props.author or "").strip()
    year_m = _YEAR.search(props.title or "")
    as_of_m = _AS_OF.search(props.comments or "")
    if not (plan_id and agency_name and year_m and as_of_m):
        res.problems.append(f"{name}: không phải dự thảo báo cáo năm do kehoach soạn (thiếu kế hoạch, cơ quan, năm)")
        return res
    year = int(year_m.group(1))
    try:
        as_of = parse_date(as_of_m.group(1)) or today
        plan = data.plan(plan_id).plan
        agency = data.registry.resolve(agency_name)
    except Exception as exc:  # noqa: BLE001 - UnknownPlan, AgencyError, CellError: said with the file
        res.problems.append(f"{name}: {exc}")
        return res
    if expect.year is not None and expect.year != year:
        res.problems.append(f"{name}: báo cáo năm {year}, không phải năm {expect.year}")
    if expect.agency is not None and expect.agency.id != agency.id:
        res.problems.append(f"{name}: báo cáo của {agency.name}, không phải của {expect.agency.name}")
    if res.problems:
        return res
    from kehoach.forms import answered_tasks
    from kehoach.report.context import own_words
    from kehoach.status import ReportPeriod, judge

    rows = [r for r in answered_tasks(data, plan, agency, year, as_of) if r.answers]
    expected = {False: [r for r in rows if not r.collective], True: [r for r in rows if r.collective]}
    tables = {False: None, True: None}
    for i, t in enumerate(doc.tables, 1):
        head = tuple(c.text.strip() for c in t.rows[0].cells) if t.rows else ()
        for collective, header in ((False, OWN_HEADER), (True, COLLECTIVE_HEADER)):
            if head == header:
                tables[collective] = (i, t)  # type: ignore[assignment]
    period = ReportPeriod.annual(year)
    for collective, exp in expected.items():
        found: Any = tables[collective]
        label = "bảng nhiệm vụ giao chung" if collective else "bảng nhiệm vụ"
        if found is None:
            if exp:
                res.problems.append(f"{name}: không thấy {label} (tiêu đề cột bị sửa hoặc bảng bị xóa)")
            continue
        index, table = found
        body = table.rows[1:]
        if len(body) != len(exp):
            res.problems.append(
                f"{name}!bảng {index}: {len(body)} dòng, dự thảo có {len(exp)} (dòng bị thêm, xóa hay gộp?)"
            )
            continue
        for n, (row, want) in enumerate(zip(body, exp, strict=True), 2):
            cells = [c.text for c in row.cells]
            where = f"{name}!bảng {index}!dòng {n}"
            task = want.task
            if len(cells) != 6 or not cells[1].startswith(f"{task.id}. "):
                res.problems.append(f"{where}: thấy {cells[1][:30]!r}, dự thảo có {task.id} (bảng bị đổi thứ tự?)")
                continue
            if cells[3].strip() != (task.deadline or "Không nêu"):
                res.problems.append(f"{where}: thời hạn của {task.id} đã thay đổi từ khi soạn dự thảo; soạn lại")
                continue
            j = judge(data, plan, task, period, as_of)
            drafted = own_words(j.label) if j is not None else None
            _row(
                res, where, cells[4].strip(), cells[5], drafted, want.record, plan.id, task.id, year, agency.name, today
            )
    return res


def _row(
    res: FileResult,
    where: str,
    status_text: str,
    result_text: str,
    drafted: str | None,
    record: dict[str, Any],
    plan_id: str,
    task_id: str,
    year: int,
    agency: str,
    today: dt.date,
) -> None:
    try:
        cell = parse_result_cell(result_text)
    except CellError as exc:
        res.problems.append(f"{where}, cột Kết quả thực hiện: {exc}")
        return
    if status_text == drafted:
        if cell.earlier or (cell.result is None and cell.evidence is None):
            return  # left as drafted
        status = record.get("status")
        if status is None:
            res.problems.append(f"{where}, cột Tình trạng: ghi tình trạng (đã hoàn thành, đang thực hiện…)")
            return
    else:
        status = status_of(status_text)
        if status is None:
            res.problems.append(
                f"{where}, cột Tình trạng: {status_text!r} không hợp lệ; ghi: đã hoàn thành, đang thực hiện, "
                "chưa triển khai"
            )
            return
    completed = cell.completed or (record.get("completed") if status == "done" else None)
    if status == "done" and completed is None:
        res.problems.append(f"{where}, cột Kết quả thực hiện: ghi thêm 'Hoàn thành ngày dd/mm/yyyy.'")
        return
    if status != "done" and cell.completed is not None:
        res.problems.append(f"{where}: có ngày hoàn thành nhưng tình trạng không phải đã hoàn thành")
        return
    if completed and completed > today:
        res.problems.append(f"{where}: ngày hoàn thành {completed:%d/%m/%Y} ở tương lai")
        return
    res.updates.append(
        Update(
            plan=plan_id,
            task=task_id,
            status=status,  # type: ignore[arg-type]
            year=year,
            completed=completed if status == "done" else None,
            result=cell.result,
            evidence=cell.evidence,
            reported_by=agency,
            reported_on=today,
            keep_result=True,
            source=where,
        )
    )
