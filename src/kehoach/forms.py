"""Progress forms: one Excel workbook per agency and year, filled by the agency, read back by ``progress import``.

The layout is a contract (docs/progress.md, "Cấu trúc biểu mẫu"): other programs fill it. Sheet
``Nhiệm vụ``: a header row holding ``Mã nhiệm vụ``, ``Tình trạng``, ``Ngày hoàn thành``, ``Kết quả
thực hiện`` (and descriptive columns), one row per task the agency answers for in the year. Sheet
``Chỉ tiêu``: ``Mã chỉ tiêu``, ``Giá trị thực hiện``, ``Thời điểm``. A hidden sheet ``_kehoach`` holds
what the import trusts: plan, agency, year, tool and layout version, and a fingerprint of each
row's task text and deadline, with a checksum over all of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kehoach.progress import STATUS_VN

if TYPE_CHECKING:
    from kehoach.agencies import Agency
    from kehoach.dataset import DataSet
    from kehoach.model import Plan, Target, Task

LAYOUT = "1"
TASK_SHEET = "Nhiệm vụ"
TARGET_SHEET = "Chỉ tiêu"
META_SHEET = "_kehoach"
TASK_HEADERS = (
    "STT",
    "Mã nhiệm vụ",
    "Nội dung",
    "Thời hạn",
    "Vai trò",
    "Tình trạng",
    "Ngày hoàn thành",
    "Kết quả thực hiện",
    "Văn bản chứng minh",
    "Ghi chú",
)
TARGET_HEADERS = (
    "STT",
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Mục tiêu",
    "Giá trị thực hiện",
    "Thời điểm",
    "Ước tính",
    "Nguồn số liệu",
)
TASK_ANSWERS = ("Tình trạng", "Ngày hoàn thành", "Kết quả thực hiện", "Văn bản chứng minh")
TARGET_ANSWERS = ("Giá trị thực hiện", "Thời điểm", "Ước tính", "Nguồn số liệu")
HEADER_ROW = 4  # 1-based: title, agency line, instructions, then the header
STATUS_LABELS = tuple(STATUS_VN.values())
ESTIMATE_LABEL = "ước"


def task_fingerprint(task: Task) -> str:
    """What a row stands for: the task's id, text and deadline (changed plan → stale form)."""
    return _digest(task.id, task.content, task.deadline or "")


def target_fingerprint(target: Target) -> str:
    return _digest(target.id, target.name, target.value or "", target.unit or "")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def meta_checksum(pairs: Iterable[tuple[str, str]]) -> str:
    return _digest(*(f"{k}={v}" for k, v in pairs))


@dataclass(frozen=True)
class FormRow:
    task: Task
    role: str  # "chủ trì", "chủ trì (giao chung: …)", "phối hợp"
    answers: bool  # False for a support role: shown, answered by the lead
    carried_over: bool
    record: dict[str, Any] = field(default_factory=dict)  # what is recorded already (prefilled)
    collective: bool = False  # answered through a collective assignment ("giao chung")


@dataclass(frozen=True)
class Form:
    plan: Plan
    agency: Agency
    year: int
    rows: list[FormRow]
    targets: list[tuple[Target, dict[str, Any]]]


def answered_tasks(data: DataSet, plan: Plan, agency: Agency, year: int, today: dt.date) -> list[FormRow]:
    """The tasks ``agency`` answers for in ``year`` (its leads, named or through a collective, carried-over
    unfinished tasks included), then the tasks it supports, each once, in plan order."""
    from kehoach.agencies import AgencyError
    from kehoach.status import ReportPeriod, answers, assess

    leads: dict[str, FormRow] = {}
    for row in assess(data, lambda _p: ReportPeriod.annual(year), today, plans=[plan.id], agency=agency):
        resp, j = row.responsibility, row.judgement
        if j.task.id in leads:
            continue
        collective = not answers(resp, agency)
        if not collective:
            role = "chủ trì" if resp.reason == "direct" else f"chủ trì (kế nhiệm {resp.via})" if resp.via else "chủ trì"
        else:
            role = f"chủ trì (giao chung: {resp.via or resp.name})"
        recorded = _recorded(data, plan.id, j.task.id, year, agency)
        leads[j.task.id] = FormRow(j.task, role, True, j.carried_over, recorded, collective)
    out: list[FormRow] = []
    annual = ReportPeriod.annual(year)
    period_tasks = {r.judgement.task.id for r in assess(data, lambda _p: annual, today, plans=[plan.id])}
    for task in plan.tasks:
        if task.id in leads:
            out.append(leads[task.id])
            continue
        if task.id not in period_tasks:
            continue
        for name in task.support:
            try:
                supported = data.registry.resolve(name)
            except AgencyError:
                continue
            if supported.id == agency.id:
                out.append(FormRow(task, "phối hợp", False, False))
                break
    return out


def _recorded(data: DataSet, plan_id: str, task_id: str, year: int, agency: Agency) -> dict[str, Any]:
    pf = data.progress.files.get((plan_id, year))
    tp = pf.tasks.get(task_id) if pf else None
    if tp is None:
        return {}
    if tp.agencies:
        rec = tp.agencies.get(agency.name)
        return rec.model_dump(exclude_none=True) if rec else {}
    if tp.reported_by and tp.reported_by != agency.name:
        return {}
    return tp.model_dump(exclude_none=True, exclude={"agencies"})


def targets_for(data: DataSet, plan: Plan, agency: Agency, year: int) -> list[tuple[Target, dict[str, Any]]]:
    """The targets the agency leads; all of them for the plan's monitor."""
    from kehoach.agencies import AgencyError

    monitor = None
    if plan.monitor:
        try:
            monitor = data.registry.resolve(plan.monitor)
        except AgencyError:
            monitor = None
    out = []
    pf = data.progress.files.get((plan.id, year))
    for target in plan.targets:
        mine = monitor is not None and monitor.id == agency.id
        for name in target.lead:
            try:
                mine = mine or data.registry.resolve(name).id == agency.id
            except AgencyError:
                continue
        if mine:
            rec = pf.targets.get(target.id) if pf else None
            out.append((target, rec.model_dump(exclude_none=True) if rec else {}))
    return out


def build_form(data: DataSet, plan_id: str, agency: Agency, year: int, today: dt.date) -> Form:
    plan = data.plan(plan_id).plan
    return Form(
        plan, agency, year, answered_tasks(data, plan, agency, year, today), targets_for(data, plan, agency, year)
    )


def form_agencies(data: DataSet, plan_id: str, year: int, today: dt.date) -> list[Agency]:
    """Every agency that answers for a task of the plan in ``year`` (named leads and members of collectives)."""
    from kehoach.status import ReportPeriod, assess

    plan = data.plan(plan_id).plan
    seen: dict[str, Agency] = {}
    for row in assess(data, lambda _p: ReportPeriod.annual(year), today, plans=[plan_id]):
        a = row.responsibility.agency
        if a is None:
            continue
        if row.responsibility.collective:
            for member in data.registry.agencies.values():
                if member.current and not member.is_collective and data.registry.covers(a, member):
                    seen.setdefault(member.id, member)
        else:
            seen.setdefault(a.id, a)
    if plan.monitor:
        from kehoach.agencies import AgencyError

        try:
            m = data.registry.resolve(plan.monitor)
            seen.setdefault(m.id, m)
        except AgencyError:
            pass
    return sorted(seen.values(), key=lambda a: a.name)


def meta_pairs(form: Form) -> list[tuple[str, str]]:
    from kehoach import __version__

    pairs = [
        ("form", "kehoach-progress-form"),
        ("layout", LAYOUT),
        ("tool", __version__),
        ("plan", form.plan.id),
        ("agency", form.agency.name),
        ("year", str(form.year)),
    ]
    pairs += [(f"task:{r.task.id}", task_fingerprint(r.task)) for r in form.rows]
    pairs += [(f"target:{t.id}", target_fingerprint(t)) for t, _ in form.targets]
    return pairs


def render_form(form: Form) -> bytes:
    """The workbook's bytes (XlsxWriter, in memory)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": f"Biểu mẫu tiến độ {form.plan.id} năm {form.year}", "author": "kehoach"})
    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 13})
    head = wb.add_format({"bold": True, "text_wrap": True, "border": 1, "valign": "top", "bg_color": "#D9E1F2"})
    locked = wb.add_format({"text_wrap": True, "border": 1, "valign": "top"})
    open_ = wb.add_format({"text_wrap": True, "border": 1, "valign": "top", "locked": False, "bg_color": "#FFF2CC"})
    open_date = wb.add_format(
        {"num_format": "dd/mm/yyyy", "border": 1, "valign": "top", "locked": False, "bg_color": "#FFF2CC"}
    )
    grey = wb.add_format({"text_wrap": True, "border": 1, "valign": "top", "font_color": "#808080"})

    ws = wb.add_worksheet(TASK_SHEET)
    ws.write_string(0, 0, f"BIỂU MẪU TIẾN ĐỘ NĂM {form.year}: {form.plan.title}", title)
    ws.write_string(1, 0, f"Cơ quan: {form.agency.name}. Kế hoạch: {form.plan.id}.", bold)
    ws.write_string(
        2,
        0,
        "Điền các cột nền vàng (Tình trạng chọn trong danh sách; ngày dạng dd/mm/yyyy). "
        "Không thêm, xóa, đổi thứ tự dòng hay đổi tên trang tính.",
    )
    widths = (5, 12, 60, 18, 20, 18, 14, 50, 24, 24)
    for col, (name, width) in enumerate(zip(TASK_HEADERS, widths, strict=True)):
        ws.set_column(col, col, width)
        ws.write_string(HEADER_ROW - 1, col, name, head)
    first = HEADER_ROW
    for i, r in enumerate(form.rows):
        row = first + i
        note = "chuyển tiếp từ kỳ trước, chưa hoàn thành" if r.carried_over else ""
        if not r.answers:
            note = "cơ quan chủ trì báo cáo; dòng này để biết"
        ws.write_number(row, 0, i + 1, locked)
        ws.write_string(row, 1, r.task.id, locked)
        ws.write_string(row, 2, r.task.content, locked)
        ws.write_string(row, 3, r.task.deadline or "", locked)
        ws.write_string(row, 4, r.role, locked)
        cell = open_ if r.answers else grey
        rec = r.record
        ws.write_string(row, 5, STATUS_VN.get(rec.get("status", ""), ""), cell)
        if rec.get("completed"):
            ws.write_datetime(
                row, 6, dt.datetime.combine(rec["completed"], dt.time()), open_date if r.answers else grey
            )
        else:
            ws.write_blank(row, 6, None, open_date if r.answers else grey)
        ws.write_string(row, 7, rec.get("result", ""), cell)
        ws.write_string(row, 8, rec.get("evidence", ""), cell)
        ws.write_string(row, 9, note, locked)
    last = first + len(form.rows) - 1
    if form.rows:
        ws.data_validation(
            first,
            5,
            last,
            5,
            {
                "validate": "list",
                "source": list(STATUS_LABELS),
                "error_title": "Tình trạng",
                "error_message": "Chọn một trong: " + ", ".join(STATUS_LABELS),
            },
        )
        ws.data_validation(
            first,
            6,
            last,
            6,
            {
                "validate": "date",
                "criteria": "between",
                "minimum": dt.date(2000, 1, 1),
                "maximum": dt.date(2100, 12, 31),
                "error_title": "Ngày hoàn thành",
                "error_message": "Nhập ngày dạng dd/mm/yyyy",
            },
        )
    _page(ws, HEADER_ROW - 1)

    ts = wb.add_worksheet(TARGET_SHEET)
    ts.write_string(0, 0, f"CHỈ TIÊU NĂM {form.year}: {form.plan.title}", title)
    ts.write_string(1, 0, f"Cơ quan: {form.agency.name}. Kế hoạch: {form.plan.id}.", bold)
    ts.write_string(
        2, 0, "Điền giá trị thực hiện và năm của số liệu (Thời điểm); số ước tính ghi 'ước' ở cột Ước tính."
    )
    twidths = (5, 14, 60, 12, 20, 18, 12, 10, 30)
    for col, (name, width) in enumerate(zip(TARGET_HEADERS, twidths, strict=True)):
        ts.set_column(col, col, width)
        ts.write_string(HEADER_ROW - 1, col, name, head)
    for i, (t, rec) in enumerate(form.targets):
        row = first + i
        ts.write_number(row, 0, i + 1, locked)
        ts.write_string(row, 1, t.id, locked)
        ts.write_string(row, 2, t.name, locked)
        ts.write_string(row, 3, t.unit or "", locked)
        ts.write_string(row, 4, t.value or "", locked)
        ts.write_string(row, 5, rec.get("actual", ""), open_)
        if rec.get("actual"):
            ts.write_number(row, 6, form.year, open_)
        else:
            ts.write_blank(row, 6, None, open_)
        ts.write_string(row, 7, ESTIMATE_LABEL if rec.get("estimate") else "", open_)
        ts.write_string(row, 8, rec.get("source", ""), open_)
    if form.targets:
        last_t = first + len(form.targets) - 1
        ts.data_validation(
            first,
            6,
            last_t,
            6,
            {
                "validate": "integer",
                "criteria": "between",
                "minimum": 1945,
                "maximum": 2100,
                "error_message": "Năm của số liệu, ví dụ 2026",
            },
        )
        ts.data_validation(first, 7, last_t, 7, {"validate": "list", "source": [ESTIMATE_LABEL]})
    _page(ts, HEADER_ROW - 1)

    ms = wb.add_worksheet(META_SHEET)
    pairs = meta_pairs(form)
    for i, (k, v) in enumerate(pairs):
        ms.write_string(i, 0, k)
        ms.write_string(i, 1, v)
    ms.write_string(len(pairs), 0, "checksum")
    ms.write_string(len(pairs), 1, meta_checksum(pairs))
    ms.protect()
    ms.hide()
    ws.activate()
    wb.close()
    return buf.getvalue()


def _page(ws: Any, header_row: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.freeze_panes(header_row + 1, 2)
    ws.protect(
        "", {"format_columns": True, "format_rows": True, "select_locked_cells": True, "select_unlocked_cells": True}
    )


def form_filename(agency: Agency) -> str:
    """``so-tai-chinh.xlsx``: one file per agency in the folder of a plan's forms."""
    from kehoach.text import slug

    return f"{slug(agency.name)}.xlsx"


def write_forms(forms: list[tuple[Path, Form]], force: bool) -> list[Path]:
    """Write every form, or none: an existing file without ``force`` stops the batch before any write."""
    from kehoach.files import atomic_write

    existing = [p for p, _ in forms if p.exists() and not force]
    if existing:
        raise FileExistsError(existing[0])
    for path, form in forms:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, render_form(form))
    return [p for p, _ in forms]
