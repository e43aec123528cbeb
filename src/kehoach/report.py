"""Report drafts: what goes in an annual, mid-term (sơ kết) or final (tổng kết) report, and the DOCX.

``build_context`` is pure: loaded data in, a dict of plain strings, numbers and lists out, every
string already cleaned for Word. ``render`` fills a Word template (docxtpl) with it in a sandboxed,
autoescaping Jinja environment: text from the data ("KH&CN", "<", "{{ 7*7 }}") is always text,
never markup or template code. The templates (``templates/<kind>.docx``) hold the layout of
Nghị định 30/2020/NĐ-CP and the prose only a person can write, as highlighted placeholders.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kehoach.agencies import AgencyError, Registry
from kehoach.dataset import DataSet
from kehoach.model import Agency, Plan
from kehoach.progress import progress_of
from kehoach.query import Cycle, QueryError, find_tasks, parse_cycle
from kehoach.status import STATUS_LABELS, STATUS_ORDER, task_status
from kehoach.text import ascii_key, clean_for_word, shorten, slug

KINDS = ("annual", "midterm", "final")
KIND_VN = {"annual": "năm", "midterm": "sơ kết", "final": "tổng kết"}
KIND_SLUG = {"annual": "nam", "midterm": "so-ket", "final": "tong-ket"}
CONTENT_WIDTH = 220  # characters of a task's content shown in the tables
CHART_ROWS = 15  # bars in the chart; the rest are grouped as "Các cơ quan khác"
BAR_MM = 86.0  # length of the longest bar, to fit the chart table's middle column

_SPACES = re.compile(r"[^\S\u00a0]+")  # whitespace, but not the non-breaking spaces of blanks


class ReportError(ValueError):
    """A report that cannot be drafted as asked (unknown kind, year outside the plan…)."""

    exit_code = 2


# ------------------------------------------------------------------------------------ text helpers


def _clean(value: Any) -> Any:
    """Strings safe for Word: control characters dropped, whitespace (tabs, newlines) made single spaces.

    docxtpl turns "\\n", "\\t", "\\a" and "\\f" in rendered text into breaks, tabs, paragraphs and page
    breaks; a task's text must not reshape the document, so they all become spaces here.
    """
    if isinstance(value, str):
        return _SPACES.sub(" ", clean_for_word(value)).strip()
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def vn_date(d: dt.date) -> str:
    return f"{d:%d/%m/%Y}"


def signing_line(place: str, signed: dt.date | None, year: int) -> str:
    """ "Thanh Hóa, ngày 05 tháng 02 năm 2028"; blanks for the day and month of a draft.

    Nghị định 30/2020/NĐ-CP, Phụ lục I: days below 10 and the months 1 and 2 take a leading zero.
    """
    if signed is None:
        blank = "\u00a0" * 6  # non-breaking: Word keeps the gap the signer fills in by hand
        return f"{place}, ngày{blank}tháng{blank}năm {year}"
    month = f"{signed.month:02d}" if signed.month <= 2 else str(signed.month)
    return f"{place}, ngày {signed.day:02d} tháng {month} năm {signed.year}"


def _lower_first(text: str) -> str:
    """ "Thực hiện Chương trình…" -> "thực hiện Chương trình…", but "ASEAN…" stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _percent(n: int, total: int) -> str:
    if not total:
        return "0%"
    value = round(100 * n / total, 1)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


_MINOR_WORDS = {"và", "các", "của", "cho", "về", "tại"}


def abbreviation(agency: Agency) -> str:
    """The agency's ký hiệu in "Số: …/BC-STC": its ``short`` field, else the initials of its name."""
    if agency.short:
        return agency.short
    words = [w for w in re.split(r"[\s,\-–]+", agency.name) if w and w.lower() not in _MINOR_WORDS]
    return "".join(w[0].upper() for w in words if w[0].isalpha())[:10] or "CQ"


# --------------------------------------------------------------------------- issuer and signature


def _province(registry: Registry) -> Agency | None:
    for a in registry:
        if a.level == "province" and a.current and ascii_key(a.name).startswith("ubnd tinh "):
            return a
    return None


def _expand_ubnd(name: str) -> str:
    return re.sub(r"^UBND\b", "Ủy ban nhân dân", name)


def _signature(agency: Agency) -> tuple[list[str], bool]:
    """Lines of quyền hạn and chức vụ above the signature, and whether they are a guess to check."""
    key = ascii_key(agency.name)
    rules = [
        (("ubnd ", "uy ban nhan dan "), ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        (("so ", "cong an "), ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
        (("bo chi huy",), ["KT. CHỈ HUY TRƯỞNG", "PHÓ CHỈ HUY TRƯỞNG"]),
        (("bo ",), ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"]),
        (("ban ",), ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]),
        (("van phong",), ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]),
        (("thanh tra",), ["KT. CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA"]),
        (("truong dai hoc", "truong cao dang"), ["KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"]),
    ]
    for prefixes, lines in rules:
        if key.startswith(prefixes):
            return lines, False
    return ["[QUYỀN HẠN, CHỨC VỤ NGƯỜI KÝ]"], True


def _issuer(registry: Registry, agency: Agency) -> dict[str, Any]:
    province = _province(registry)
    province_name = re.sub(r"^UBND tỉnh\s+", "", province.name) if province else ""
    parent = ""
    if agency.parent:  # vertically managed bodies: Công an tỉnh under Bộ Công an
        parent = agency.parent.upper()
    elif agency.level == "province" and province is not None and agency.id != province.id:
        parent = province.name.upper()
    if agency.level == "central":
        place = "Hà Nội"
    else:
        place = province_name or "[Địa danh]"
    lines, guessed = _signature(agency)
    return {
        "id": agency.id,
        "name": agency.name,
        "header": _expand_ubnd(agency.name).upper(),
        "parent": parent,
        "abbr": abbreviation(agency),
        "place": place,
        "signature": lines,
        "signature_guessed": guessed,
    }


# ------------------------------------------------------------------------------------ plan texts


def plan_reference(plan: Plan) -> str:
    """How the report names the plan: "Kế hoạch hành động số 74/QĐ-UBND ngày 07/01/2026 của UBND tỉnh…"."""
    text = plan.label if plan.number else plan.kind
    return f"{text} của {plan.issuer}"


def called(plan: Plan) -> str:
    """The short name a report uses after the first mention: "(sau đây gọi tắt là Kế hoạch)"."""
    for short in ("Kế hoạch", "Chương trình", "Nghị quyết", "Quyết định", "Đề án", "Chỉ thị"):
        if ascii_key(plan.kind).startswith(ascii_key(short)):
            return short
    return plan.kind


def _period_label(cycle: Cycle) -> str:
    if cycle.start.year == cycle.end.year:
        return f"năm {cycle.year}"
    return f"giai đoạn {cycle.start.year} - {cycle.end.year}"


def _subject(kind: str, plan: Plan, cycle: Cycle) -> str:
    ref = plan_reference(plan)
    if not plan.number:
        ref += f" về {_lower_first(plan.title)}"  # an unnumbered plan is known only by its title
    if kind == "annual":
        return f"Kết quả thực hiện {ref} năm {cycle.year}"
    if kind == "midterm":
        return f"Sơ kết giữa kỳ thực hiện {ref}, {_period_label(cycle)}"
    return f"Tổng kết thực hiện {ref}, {_period_label(cycle)}"


def _next_phrase(kind: str, plan: Plan, year: int) -> str:
    if kind == "annual":
        return f"năm {year + 1}" if year < plan.end_year else "thời gian tới"
    period = next((p for p in plan.periods if p.start <= year <= p.end), None)
    if kind == "midterm" and period and year < period.end:
        return f"giai đoạn {year + 1} - {period.end}"
    following = next((p for p in sorted(plan.periods, key=lambda p: p.start) if p.start > year), None)
    if following:
        return f"giai đoạn {following.start} - {following.end}"
    return "thời gian tới"


# --------------------------------------------------------------------------------- agency names


def _lead_text(registry: Registry, names: Iterable[str]) -> str:
    out = []
    for n in names:
        try:
            a = registry.resolve(n)
        except AgencyError:
            out.append(n)
            continue
        text = a.name
        if a.replaced_by:
            heirs = ", ".join(h.name for h in registry.successors(a.id))
            text += f" (nay là {heirs})"
        out.append(text)
    return "; ".join(dict.fromkeys(out))


def _resolve_agency(data: DataSet, agency: Agency | str | None) -> Agency | None:
    if agency is None or isinstance(agency, Agency):
        return agency
    return data.registry.resolve(agency)


def report_agencies(data: DataSet, plan_id: str, kind: str, year: int) -> list[Agency]:
    """Agencies that lead tasks of the plan in the cycle, as they exist today (no collectives)."""
    _check_kind(kind)
    plan = data.plan(plan_id).plan
    _check_year(plan, year)
    found: dict[str, Agency] = {}
    for hit in find_tasks(data, plans=[plan_id], role="lead", cycle=f"{kind}-{year}"):
        for name in hit.task.lead:
            for a in data.registry.current(name):
                if not a.is_collective:
                    found.setdefault(a.id, a)
    return sorted(found.values(), key=lambda a: ascii_key(a.name))


def report_issuer(data: DataSet, plan: Plan) -> Agency:
    """Who writes the consolidated report: the monitoring agency (today's successor), else the issuer."""
    for name in (plan.monitor, plan.reporting.consolidated.by if plan.reporting.consolidated else None, plan.issuer):
        if name:
            current = data.registry.current(name)
            if current:
                return current[0]
    raise ReportError(f"kế hoạch {plan.id}: không xác định được cơ quan theo dõi, tổng hợp trong sổ đăng ký cơ quan")


def _recipients(data: DataSet, plan: Plan, issuer: Agency, consolidated: bool) -> tuple[list[str], str]:
    """Where the report goes: an agency's report to the monitoring agency, the consolidated one upwards.

    Returns the "Nơi nhận" lines and the names for the closing sentence.
    """
    rep = plan.reporting
    names: list[str] = []
    purpose = "để báo cáo"
    if not consolidated:
        names = list(rep.annual.to) if rep.annual and rep.annual.to else ([plan.monitor] if plan.monitor else [])
        purpose = "để tổng hợp"
    own = {a.id for n in names for a in data.registry.current(n)}
    if consolidated or issuer.id in own:
        names = list(rep.consolidated.to) if rep.consolidated and rep.consolidated.to else [plan.issuer]
        purpose = "để báo cáo"
    labels: list[str] = []
    for n in names:
        current = data.registry.current(n)
        if current and current[0].id == issuer.id:
            continue
        labels.append(current[0].name if current else n)
    labels = list(dict.fromkeys(labels))
    return [f"{label} ({purpose});" for label in labels], ", ".join(labels)


# --------------------------------------------------------------------------------------- context


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ReportError(f"loại báo cáo {kind!r} không hợp lệ; dùng: {', '.join(KINDS)}")


def _check_year(plan: Plan, year: int) -> None:
    if not plan.start_year <= year <= plan.end_year:
        raise ReportError(f"năm {year} ngoài thời gian của kế hoạch {plan.id} ({plan.start_year} - {plan.end_year})")


def default_year(plan: Plan, kind: str, today: dt.date) -> int:
    """Annual: this year. Mid-term, final: the plan's next review of that kind, else its last one."""
    _check_kind(kind)
    if kind == "annual":
        return min(max(today.year, plan.start_year), plan.end_year)
    years = sorted(r.year for r in plan.reviews if r.kind == kind)
    if not years:
        if kind == "final":
            return plan.end_year
        raise ReportError(f"kế hoạch {plan.id} không quy định kỳ sơ kết; hãy ghi rõ --year")
    return next((y for y in years if y >= today.year), years[-1])


def _result_text(record: Any, year: int) -> str:
    if record is None:
        return ""
    p = record.progress
    parts = [p.result or ""]
    if p.status == "done" and p.completed:
        parts.append(f"Hoàn thành ngày {vn_date(p.completed)}.")
    if p.evidence:
        parts.append(f"Văn bản, sản phẩm: {p.evidence}.")
    text = " ".join(x.strip() for x in parts if x and x.strip())
    if text and record.year != year:
        text += f" (theo báo cáo năm {record.year})"
    return text


def _chart_rows(groups: dict[str, Counter[str]], by_size: bool) -> list[dict[str, Any]]:
    """Bars per agency, largest first (``by_size``), or per task group in the plan's order."""
    rows = [
        {"label": label, "counts": {c: counts.get(c, 0) for c in STATUS_ORDER}, "total": sum(counts.values())}
        for label, counts in groups.items()
    ]
    rows = [r for r in rows if r["total"]]
    if by_size:
        rows.sort(key=lambda r: (-r["total"], ascii_key(r["label"])))
    if len(rows) > CHART_ROWS:
        rest = rows[CHART_ROWS - 1 :]
        merged = {c: sum(r["counts"][c] for r in rest) for c in STATUS_ORDER}
        rows = rows[: CHART_ROWS - 1] + [
            {
                "label": f"Các cơ quan khác ({len(rest)} cơ quan)" if by_size else f"Các nhóm khác ({len(rest)} nhóm)",
                "counts": merged,
                "total": sum(merged.values()),
            }
        ]
    top = max((r["total"] for r in rows), default=0)
    for r in rows:
        r["width_mm"] = round(BAR_MM * r["total"] / top, 1) if top else 0.0
    return rows


def build_context(
    data: DataSet,
    plan_id: str,
    kind: str,
    year: int,
    agency: Agency | str | None = None,
    today: dt.date | None = None,
    signed: dt.date | None = None,
) -> dict[str, Any]:
    """Everything a report template needs, as plain data. ``agency`` None: the consolidated report.

    Statuses are judged as of ``today``, but never later than the end of the cycle: a 2026 report
    drafted in 2027 shows the tasks as they stood on 31/12/2026 against the progress up to 2026.
    """
    _check_kind(kind)
    today = today or dt.date.today()
    plan = data.plan(plan_id).plan
    _check_year(plan, year)
    try:
        cycle = parse_cycle(f"{kind}-{year}", plan)
    except QueryError as exc:
        raise ReportError(str(exc)) from None
    ag = _resolve_agency(data, agency)
    consolidated = ag is None
    issuer_agency = report_issuer(data, plan) if consolidated else ag
    assert issuer_agency is not None
    ref = min(today, cycle.end)
    warnings: list[str] = []
    if kind != "annual" and plan.reviews and not any(r.kind == kind and r.year == year for r in plan.reviews):
        planned = ", ".join(f"{KIND_VN[r.kind]} {r.year}" for r in plan.reviews) or "không có"
        warnings.append(f"kế hoạch {plan.id} không quy định {KIND_VN[kind]} năm {year} (các kỳ quy định: {planned})")
    if ag is not None and ag.replaced_by:
        heirs = ", ".join(a.name for a in data.registry.successors(ag.id))
        warnings.append(f"{ag.name} đã được sắp xếp lại, nay là {heirs}: báo cáo nên do cơ quan này gửi")
    if ag is not None and ag.is_collective:
        warnings.append(f"{ag.name} là nhóm cơ quan (giao chung), không phải một cơ quan gửi báo cáo")

    hits = find_tasks(data, plans=[plan_id], agency=ag, role="lead", cycle=cycle.name)
    if ag is not None and not hits:
        warnings.append(f"{ag.name} không chủ trì nhiệm vụ nào của kế hoạch {plan.id} trong kỳ {cycle.name}")
    registry = data.registry
    tasks: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    total: Counter[str] = Counter()
    by_group: dict[str, Counter[str]] = {}
    by_agency: dict[str, Counter[str]] = {}
    for n, hit in enumerate(hits, 1):
        task = hit.task
        since = None if kind == "annual" else cycle.start.year
        st = task_status(data, plan, task, ref, min(year, ref.year), since=since)
        lead = _lead_text(registry, task.lead)
        row = {
            "no": n,
            "id": task.id,
            "content": shorten(task.content, CONTENT_WIDTH),
            "lead": lead,
            "deadline": task.deadline or "Không nêu",
            "due": vn_date(st.due) if st.due else "",
            "status": st.label,
            "status_code": st.code,
            "result": _result_text(st.record, year),
            "via": hit.match.via if hit.match and hit.match.reason != "direct" else "",
        }
        tasks.append(row)
        total[st.code] += 1
        groups = registry.current_names(task.lead)
        for g in groups:
            by_agency.setdefault(g, Counter())[st.code] += 1
        if consolidated:
            for g in groups:
                by_group.setdefault(g, Counter())[st.code] += 1
        else:
            section = plan.section_of(task.id)
            label = f"{section.id}. {shorten(section.title, 70)}" if section else "Nhiệm vụ khác"
            by_group.setdefault(label, Counter())[st.code] += 1
        if st.code == "overdue":
            overdue.append(
                {
                    "no": len(overdue) + 1,
                    "id": task.id,
                    "content": row["content"],
                    "lead": lead,
                    "deadline": row["deadline"],
                    "due": row["due"],
                    "days": (ref - st.due).days if st.due else "",
                }
            )
    n_tasks = len(tasks)
    counts = [
        {
            "code": code,
            "label": STATUS_LABELS[code],
            "count": total.get(code, 0),
            "percent": _percent(total.get(code, 0), n_tasks),
            "end": "." if i == len(STATUS_ORDER) - 1 else ";",
        }
        for i, code in enumerate(STATUS_ORDER)
    ]
    done = total.get("done_on_time", 0) + total.get("done_late", 0)

    progress = progress_of(data)
    targets: list[dict[str, Any]] = []
    for t in plan.targets:
        if ag is not None and registry.best_match(t.lead, ag) is None:
            continue
        actual = progress.target_actual(plan.id, t.id, up_to=year)
        targets.append(
            {
                "no": len(targets) + 1,
                "id": t.id,
                "name": t.name,
                "unit": t.unit or "",
                "value": (t.value or "") + (f" (năm {t.year})" if t.value and t.year else ""),
                "actual": f"{actual[1].actual} (năm {actual[0]})" if actual else "",
                "lead": _lead_text(registry, t.lead),
            }
        )

    agency_rows = [
        {
            "no": i,
            "name": name,
            "counts": [counts_.get(c, 0) for c in STATUS_ORDER],
            "total": sum(counts_.values()),
        }
        for i, (name, counts_) in enumerate(sorted(by_agency.items(), key=lambda kv: ascii_key(kv[0])), 1)
    ]
    issuer = _issuer(registry, issuer_agency)
    recipients, send_to = _recipients(data, plan, issuer_agency, consolidated)
    sign_year = signed.year if signed else max(cycle.end.year, today.year)
    date_line = signing_line(issuer["place"], signed, sign_year)
    context: dict[str, Any] = {
        "kind": kind,
        "kind_vn": KIND_VN[kind],
        "year": year,
        "scope": "consolidated" if consolidated else "agency",
        "consolidated": consolidated,
        "agency": ag.name if ag else None,
        "plan": {
            "id": plan.id,
            "kind": plan.kind,
            "label": plan.label,
            "title": plan.title,
            "reference": plan_reference(plan),
            "full": f"{plan_reference(plan)} về {_lower_first(plan.title)}",
            "called": called(plan),
            "issuer": plan.issuer,
            "number": plan.number or "",
            "period": ", ".join(p.label for p in plan.periods),
            "monitor": issuer["name"] if consolidated else (plan.monitor or ""),
        },
        "cycle": {
            "name": cycle.name,
            "start": vn_date(cycle.start),
            "end": vn_date(cycle.end),
            "label": _period_label(cycle),
            "years": f"{cycle.start.year} - {cycle.end.year}",
        },
        "subject": _subject(kind, plan, cycle),
        "issuer": issuer,
        "place_date": date_line,
        "signed_on": date_line.split(", ", 1)[1],
        "as_of": vn_date(ref),
        "tasks": tasks,
        "total": n_tasks,
        "done": done,
        "open": n_tasks - done,
        "counts": counts,
        "overdue": overdue,
        "no_report": total.get("no_report", 0),
        "targets": targets,
        "targets_total": len(targets),
        "targets_reported": sum(1 for t in targets if t["actual"]),
        "agencies": agency_rows,
        "status_labels": [STATUS_LABELS[c] for c in STATUS_ORDER],
        "chart": {
            "by": "Cơ quan chủ trì" if consolidated else "Nhóm nhiệm vụ",
            "rows": _chart_rows(by_group, by_size=consolidated) if kind != "annual" else [],
        },
        "next": _next_phrase(kind, plan, year),
        "next_upper": _next_phrase(kind, plan, year).upper(),
        "recipients": recipients,
        "send_to": send_to,
        "warnings": warnings,
    }
    return _clean(context)


# ------------------------------------------------------------------------------------- templates


def bundled_templates() -> Path:
    from kehoach.resources import bundled_templates_dir

    return bundled_templates_dir()


def find_template(kind: str, data_root: Path | None = None, explicit: Path | None = None) -> Path:
    """``--template``, else ``templates/<kind>.docx`` beside the data directory, else the bundled one."""
    _check_kind(kind)
    if explicit is not None:
        if not explicit.is_file():
            raise ReportError(f"không tìm thấy mẫu báo cáo {str(explicit)!r}")
        return explicit
    candidates = []
    if data_root is not None:
        candidates.append(Path(data_root).resolve().parent / "templates" / f"{kind}.docx")
    candidates.append(bundled_templates() / f"{kind}.docx")
    for c in candidates:
        if c.is_file():
            return c
    raise ReportError(f"không tìm thấy mẫu báo cáo {kind}.docx (đã tìm: {', '.join(map(str, candidates))})")


def default_filename(plan_id: str, kind: str, year: int, agency: Agency | None) -> str:
    """ "bao-cao-nam-2026-aec-2026-so-tai-chinh.docx"; the consolidated report ends in "-tong-hop"."""
    who = slug(agency.name) if agency else "tong-hop"
    return f"bao-cao-{KIND_SLUG[kind]}-{year}-{slug(plan_id)}-{who}.docx"


class TemplateProblem(ReportError):
    """The template itself is broken (Jinja syntax, unknown variable): a message, not a traceback."""

    exit_code = 1


def _template_error(exc: Exception) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.sandbox import SecurityError

    if isinstance(exc, SecurityError):
        kind = "thẻ Jinja truy cập thuộc tính không được phép"
    elif isinstance(exc, UndefinedError):
        kind = "biến không có trong dữ liệu báo cáo (xem docs/templates.md)"
    elif isinstance(exc, TemplateSyntaxError):
        kind = "lỗi cú pháp Jinja"
    else:
        kind = "lỗi khi điền mẫu"
    text = f"{kind}: {getattr(exc, 'message', None) or exc}"
    near = " ".join(x.strip() for x in getattr(exc, "docx_context", None) or [] if x.strip())
    if near:  # docxtpl gives the text around the tag, which the user can search for in Word
        text += f" (gần: {shorten(near, 80)!r})"
    return text


def render(context: dict[str, Any], template_path: Path) -> bytes:
    """Fill the template; returns the .docx bytes. Nothing is written here."""
    import copy

    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import StrictUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    from kehoach.chart import stacked_bar, swatch

    try:
        tpl = DocxTemplate(str(template_path))
        tpl.init_docx()
    except Exception as exc:  # a corrupt or non-docx file: python-docx raises many kinds
        raise TemplateProblem(f"không mở được mẫu {str(template_path)!r}: {exc}") from None
    ctx = copy.deepcopy(context)
    for c in ctx["counts"]:
        c["swatch"] = InlineImage(tpl, io.BytesIO(swatch(c["code"])), width=Mm(3.5), height=Mm(3.5))
    for row in ctx["chart"]["rows"]:
        width = max(row["width_mm"], 0.5)
        bar = stacked_bar(row["counts"], STATUS_ORDER, width)
        row["bar"] = InlineImage(tpl, io.BytesIO(bar), width=Mm(width), height=Mm(4))
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    try:
        tpl.render(ctx, jinja_env=env, autoescape=True)
    except TemplateError as exc:
        raise TemplateProblem(f"mẫu {template_path.name}: {_template_error(exc)}") from None
    props = tpl.docx.core_properties
    props.title = context["subject"][:250]
    props.subject = context["plan"]["id"]
    props.author = context["issuer"]["name"]
    props.last_modified_by = "kehoach"
    props.comments = f"Dự thảo tạo bằng kehoach; số liệu tính đến {context['as_of']}."
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()
