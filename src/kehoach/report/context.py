"""The report context: everything a report template needs, as plain data (no DOCX).

``build_context`` is pure: loaded data in, a dict of plain strings, numbers and lists out, every
string already cleaned for Word. Task statuses come from ``kehoach.status``; the format rules of
the header and signature from ``kehoach.report.form``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kehoach.agencies import AgencyError, Registry
from kehoach.dataset import DataSet
from kehoach.model import Agency, Plan
from kehoach.progress import progress_of
from kehoach.query import QueryError, parse_cycle
from kehoach.report.form import issuer_block, layout, signing_line, vn_date
from kehoach.report.kinds import KIND_VN, YEARLY, NoDraft, ReportError, check_kind, check_year
from kehoach.report.recipients import recipients as recipients_of
from kehoach.responsibility import leads, responsibilities
from kehoach.status import EXAMPLE_NOTE, SHORT_LABELS, STATUS_LABELS, STATUS_ORDER, ReportPeriod, assess, period_of
from kehoach.status import tally as status_tally
from kehoach.text import ascii_key, clean_for_word, shorten

CONTENT_WIDTH = 220  # characters of a task's content shown in the tables
CHART_ROWS = 15  # bars in the chart; the rest are grouped as "Các cơ quan khác"
BAR_MM = 86.0  # length of the longest bar, to fit the chart table's middle column

_SPACES = re.compile(r"[^\S\u00a0]+")  # whitespace, but not the non-breaking spaces of blanks



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


def _lower_first(text: str) -> str:
    """ "Thực hiện Chương trình…" -> "thực hiện Chương trình…", but "ASEAN…" stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _percent_text(tenths: int) -> str:
    text = f"{tenths // 10},{tenths % 10}".removesuffix(",0")
    return text + "%"


def percents(counts: list[int]) -> list[str]:
    """Shares of the total to one decimal that add up to exactly 100% (largest remainder method).

    Each share is rounded down to the tenth, then the tenths still missing go, one each, to the shares
    with the largest remainders (ties: the earlier line). 1/16 = 6,25% is printed 6,3% or 6,2% so that the
    list sums to 100%, never to 99,9%. Documented in docs/templates.md.
    """
    total = sum(counts)
    if not total:
        return ["0%" for _ in counts]
    exact = [1000 * n / total for n in counts]
    tenths = [int(x) for x in exact]
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - tenths[i]), i))
    for i in order[: 1000 - sum(tenths)]:
        tenths[i] += 1
    return [_percent_text(t) for t in tenths]


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


def _period_label(cycle: ReportPeriod) -> str:
    if cycle.start.year == cycle.end.year:
        return f"năm {cycle.year}"
    return f"giai đoạn {cycle.start.year} - {cycle.end.year}"


def _about(title: str) -> str:
    """ " về tăng cường…", but " thực hiện Chương trình…" for a title that says what it carries out."""
    text = _lower_first(title)
    return f" {text}" if ascii_key(text).startswith("thuc hien ") else f" về {text}"


def plan_citation(plan: Plan) -> list[dict[str, Any]]:
    """The plan's full citation as runs: a plan without a number gets a highlighted blank for it.

    "Kế hoạch [số, ngày: bổ sung] của UBND tỉnh Thanh Hóa thực hiện Chương trình…"."""
    if plan.number:
        return [{"text": f"{plan_reference(plan)}{_about(plan.title)}", "check": False}]
    return [
        {"text": f"{plan.kind} ", "check": False},
        {"text": "[bổ sung số, ngày ban hành]", "check": True},
        {"text": f" của {plan.issuer}{_about(plan.title)}", "check": False},
    ]


def _subject(kind: str, plan: Plan, cycle: ReportPeriod) -> str:
    ref = plan_reference(plan)
    if not plan.number:
        ref += _about(plan.title)  # an unnumbered plan is known only by its title
    if kind == "annual":
        return f"Kết quả thực hiện {ref} năm {cycle.year}"
    if kind == "half":
        return f"Kết quả thực hiện {ref} 6 tháng đầu năm {cycle.year}"
    if kind == "midterm":
        return f"Sơ kết giữa kỳ thực hiện {ref}, {_period_label(cycle)}"
    return f"Tổng kết thực hiện {ref}, {_period_label(cycle)}"


def _next_phrase(kind: str, plan: Plan, year: int) -> str:
    if kind == "half":
        return f"6 tháng cuối năm {year}"
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


def report_agencies(
    data: DataSet, plan_id: str, kind: str, year: int, today: dt.date | None = None, cut_off: dt.date | None = None
) -> list[Agency]:
    """Agencies that answer by name for tasks of the plan in the period (the status engine's rows;
    successors as they took each kind of duty, no collectives), judged as the drafts judge them."""
    check_kind(kind)
    plan = data.plan(plan_id).plan
    period = _report_period(plan, kind, year, cut_off)
    found: dict[str, Agency] = {}
    for row in assess(data, lambda _p: period, today or dt.date.today(), plans=[plan_id]):
        r = row.responsibility
        if not r.collective and r.agency is not None:
            found.setdefault(r.agency.id, r.agency)
    return sorted(found.values(), key=lambda a: ascii_key(a.name))


def report_issuer(data: DataSet, plan: Plan, when: dt.date | None = None) -> Agency:
    """Who writes the consolidated report: the monitoring agency (its successor on ``when``), else the issuer."""
    from kehoach.query import consolidator_name

    for name in (consolidator_name(plan), plan.issuer):
        if name:
            current = data.registry.on(name, when) if when else data.registry.current(name)
            if current:
                return current[0]
    raise ReportError(f"kế hoạch {plan.id}: không xác định được cơ quan theo dõi, tổng hợp trong sổ đăng ký cơ quan")


# --------------------------------------------------------------------------------------- context


def review_years(plan: Plan, kind: str) -> list[int]:
    """The years a plan's mid-term or final reviews fall in: as the plan sets them, else (final) the end of
    each of its periods."""
    years = sorted({r.year for r in plan.reviews if r.kind == kind})
    if not years and kind == "final":
        years = sorted({p.end for p in plan.periods} or {plan.end_year})
    return years


def _choices(plan: Plan, kind: str) -> str:
    out = []
    for y in review_years(plan, kind):
        p = period_of(plan, kind, y)
        out.append(f"{y} (giai đoạn {p.start.year} - {p.end.year}, hết ngày {p.end:%d/%m/%Y})")
    return "; ".join(out)


def default_year(plan: Plan, kind: str, today: dt.date) -> int:
    """Annual, 6-month: this year. Mid-term, final: the review whose period ended last (the phase just
    ended); none ended yet: a ReportError naming the choices."""
    check_kind(kind)
    if kind in YEARLY:
        return min(max(today.year, plan.start_year), plan.end_year)
    years = review_years(plan, kind)
    if not years:
        raise ReportError(f"kế hoạch {plan.id} không quy định kỳ sơ kết; hãy ghi rõ --year")
    ended = [y for y in years if period_of(plan, kind, y).end < today]
    if ended:
        return ended[-1]
    raise ReportError(
        f"kế hoạch {plan.id}: chưa kỳ {KIND_VN[kind]} nào kết thúc tại ngày {today:%d/%m/%Y}; các kỳ: "
        f"{_choices(plan, kind)}; hãy ghi rõ --year (soạn trước khi hết kỳ: thêm --before-period-end)"
    )


def period_not_ended(plan: Plan, kind: str, year: int, today: dt.date) -> str | None:
    """Why a mid-term or final report of ``year`` cannot be drafted on ``today`` without
    ``--before-period-end``: its period has not ended. None when it has, and for annual and 6-month
    reports (drafted before their period ends, as practice has it; their data cut-off is stated)."""
    if kind in YEARLY:
        return None
    period = period_of(plan, kind, year)
    if today > period.end:
        return None
    return (
        f"kỳ {KIND_VN[kind]} {period.start.year} - {period.end.year} của kế hoạch {plan.id} chưa kết thúc "
        f"(hết ngày {period.end:%d/%m/%Y}; hôm nay {today:%d/%m/%Y}): số liệu chưa đủ cho báo cáo "
        f"{KIND_VN[kind]}; dùng --before-period-end nếu vẫn cần soạn trước"
    )


def _history_text(j: Any) -> str:
    """A review's recurring or multi-year task: each year's result, "Năm 2026: …; Năm 2027: chưa báo cáo"."""
    parts = []
    for h in j.history:
        text = _result_text(h.record, h.period.year) if h.record is not None else "chưa có báo cáo"
        parts.append(f"Năm {h.period.year}: {text}")
    return " ".join(p if p.endswith(".") else p + "." for p in parts)


def _result_text(record: Any, year: int) -> str:
    if record is None:
        return ""
    p = record.progress
    result = (p.result or "").strip()
    if result and result[-1] not in ".!?;:":
        result += "."  # a full stop before "Hoàn thành ngày …"
    parts = [result]
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
    rows: list[dict[str, Any]] = [
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
        # The counts in words: readable in black and white, and the picture's alternative text.
        r["summary"] = "; ".join(f"{SHORT_LABELS[c]}: {n}" for c, n in r["counts"].items() if n)
        r["alt"] = f"{r['label']}: {r['total']} nhiệm vụ ({r['summary']})"
    return rows


def _chart_note(rows: list[dict[str, Any]], total: int) -> str:
    """Said when the bars add up to more than the tasks: a task with several leads counts for each."""
    bars = sum(r["total"] for r in rows)
    if bars <= total:
        return ""
    return (
        f"Nhiệm vụ có nhiều cơ quan chủ trì được tính cho mỗi cơ quan, nên tổng các dòng ({bars}) lớn hơn "
        f"số nhiệm vụ ({total}); \"Giao chung\" là nhiệm vụ giao cho cả một tập thể."
    )


@dataclass
class ReportRows:
    """The task rows of a report and their counts by status, by group and by lead agency.

    Everything comes from the status engine (``kehoach.status``): one judgement per task in the
    period, one row per responsible agency; ``by_agency`` and ``collectives`` follow its counting rule.
    """

    tasks: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)
    total: Counter[str] = field(default_factory=Counter)
    by_group: dict[str, Counter[str]] = field(default_factory=dict)
    by_agency: dict[str, Counter[str]] = field(default_factory=dict)
    collectives: dict[str, Counter[str]] = field(default_factory=dict)
    rule: str = ""
    example: bool = False
    collective_tasks: list[dict[str, Any]] = field(default_factory=list)


def _responsible_text(registry: Registry, task: Any) -> str:
    """ "Sở Nội vụ; Sở Y tế (nhiệm vụ của Sở Lao động - Thương binh và Xã hội)" for this task."""
    out: list[str] = []
    for r in responsibilities(registry, task):
        if r.reason == "successor" and r.via:
            try:
                was = registry.resolve(r.via).name
            except AgencyError:
                was = r.via
            out.append(f"{r.name} (nhiệm vụ của {was})")
        else:
            out.append(r.name)
    return "; ".join(dict.fromkeys(out))


CARRIED_MARK = "chuyển từ kỳ trước"
EXAMPLE_BANNER = (
    "VÍ DỤ MINH HỌA – KHÔNG DÙNG ĐỂ TRÌNH KÝ: kết quả thực hiện trong dự thảo này là số liệu giả định; "
    "thay bằng kết quả thật của cơ quan trước khi hoàn thiện báo cáo."
)


def report_rows(data: DataSet, plan: Plan, period: ReportPeriod, today: dt.date, ag: Agency | None) -> ReportRows:
    """Judge each task of the period as known on ``today`` and count the classes."""
    registry = data.registry
    consolidated = ag is None
    year = period.year
    rows = assess(data, lambda _p: period, today, plans=[plan.id], agency=ag)
    own = [r for r in rows if ag is None or not r.responsibility.collective]
    counted = status_tally(own)
    out = ReportRows(
        total=counted.total,
        by_agency=dict(counted.agencies),
        collectives=dict(counted.collectives),
        rule=counted.rule,
        example=counted.example,
    )
    if ag is not None:
        out.rule = (
            f"Chỉ tính nhiệm vụ {ag.name} chủ trì (được nêu tên hoặc là cơ quan kế nhiệm nhận loại nhiệm vụ đó);"
            " nhiệm vụ giao chung cho tập thể có bao gồm cơ quan được liệt kê riêng, không tính vào tổng"
            " (cùng quy tắc với phụ lục của báo cáo tổng hợp)."
        )
    seen: set[str] = set()
    for row in own:
        j = row.judgement
        if j.task.id in seen:
            continue
        seen.add(j.task.id)
        task = j.task
        lead = _responsible_text(registry, task)
        item = {
            "no": len(out.tasks) + 1,
            "id": task.id,
            "content": task.content,  # the landscape appendix has room for all of it
            "lead": lead,
            "deadline": (task.deadline or "Không nêu") + (f" ({CARRIED_MARK})" if j.carried_over else ""),
            "due": vn_date(j.due) if j.due else "",
            "status": j.label,
            "status_code": j.code,
            "result": _history_text(j) if j.history else _result_text(j.record, year),
            "carried_over": j.carried_over,
            "example": j.example,
            "via": row.responsibility.via or "",
        }
        out.tasks.append(item)
        if consolidated:
            for r in (x for x in own if x.judgement is j):
                label = f"Giao chung: {r.agency}" if r.responsibility.collective else r.agency
                out.by_group.setdefault(label, Counter())[j.code] += 1
        else:
            section = plan.section_of(task.id)
            label = f"{section.id}. {shorten(section.title, 70)}" if section else "Nhiệm vụ khác"
            out.by_group.setdefault(label, Counter())[j.code] += 1
        if j.overdue:
            out.overdue.append(
                {
                    "no": len(out.overdue) + 1,
                    "id": task.id,
                    "content": shorten(task.content, CONTENT_WIDTH),
                    "lead": lead,
                    "deadline": item["deadline"],
                    "due": item["due"],
                    "days": j.days_overdue if j.days_overdue is not None else "",
                    "status": j.label,
                    "carried_over": j.carried_over,
                }
            )
    if ag is not None:
        for row in rows:
            if row.responsibility.collective:
                j = row.judgement
                out.collectives.setdefault(row.agency, Counter())[j.code] += 1
                if any(x["id"] == j.task.id for x in out.collective_tasks):
                    continue
                out.collective_tasks.append(
                    {
                        "no": len(out.collective_tasks) + 1,
                        "id": j.task.id,
                        "content": j.task.content,
                        "lead": row.agency,
                        "deadline": j.task.deadline or "Không nêu",
                        "status": j.label,
                        "status_code": j.code,
                    }
                )
    return out


def own_words(label: str) -> str:
    """An agency's own report says what it has not done, not that "a report" is missing."""
    return label.replace("Chưa có báo cáo", "Chưa cập nhật kết quả")


def _count_rows(total: Counter[str], n_tasks: int) -> list[dict[str, Any]]:
    shares = percents([total.get(code, 0) for code in STATUS_ORDER])
    return [
        {
            "code": code,
            "label": STATUS_LABELS[code],
            "count": total.get(code, 0),
            "percent": shares[i],
            "end": "." if i == len(STATUS_ORDER) - 1 else ";",
        }
        for i, code in enumerate(STATUS_ORDER)
    ]


def _agency_rows(by_agency: dict[str, Counter[str]], collective: bool = False, first: int = 1) -> list[dict[str, Any]]:
    return [
        {
            "no": i,
            "name": name,
            "counts": [counts_.get(c, 0) for c in STATUS_ORDER],
            "total": sum(counts_.values()),
            "collective": collective,
        }
        for i, (name, counts_) in enumerate(sorted(by_agency.items(), key=lambda kv: ascii_key(kv[0])), first)
    ]


def _target_rows(data: DataSet, plan: Plan, ag: Agency | None, period: ReportPeriod) -> list[dict[str, Any]]:
    """The targets of the report's phase (the plan period holding its year: a target for a year of another
    phase belongs to another report) with the latest value reported for a year of the report's period; a
    value of an earlier year than the target's says so."""
    from kehoach.attainment import actual_text, attainment

    registry = data.registry
    progress = progress_of(data)
    targets: list[dict[str, Any]] = []
    first, last = period.start.year, period.end.year
    phase = next((p for p in plan.periods if p.start <= period.year <= p.end), None)
    lo, hi = (phase.start, phase.end) if phase else (plan.start_year, plan.end_year)
    for t in plan.targets:
        if t.year is not None and not lo <= t.year <= hi:
            continue
        if ag is not None and leads(registry, t, ag) is None:
            continue
        actual = progress.target_actual(plan.id, t.id, up_to=last)
        if actual and actual[0] < first:
            actual = None  # a value of an earlier period
        shown = actual_text(actual, t.value)  # value, its year ("ước"), attainment
        if actual and t.year and actual[0] < t.year <= last:  # the target's year is in this report's period
            shown += f"; chưa có số liệu năm {t.year}"
        targets.append(
            {
                "no": len(targets) + 1,
                "id": t.id,
                "name": t.name,
                "unit": t.unit or "",
                "value": (t.value or "") + (f" (năm {t.year})" if t.value and t.year else ""),
                "actual": shown,
                "attainment": attainment(t.value, actual[1].actual) if actual else "",
                "lead": _lead_text(registry, t.lead) or "Không nêu",
            }
        )
    return targets


def _scope_warnings(data: DataSet, plan: Plan, kind: str, year: int, ag: Agency | None) -> list[str]:
    warnings: list[str] = []
    if kind not in YEARLY and not any(r.kind == kind and r.year == year for r in plan.reviews):
        planned = ", ".join(f"{KIND_VN[r.kind]} {r.year}" for r in plan.reviews)
        where = f"các kỳ quy định: {planned}" if planned else "văn bản không quy định kỳ sơ kết, tổng kết nào"
        warnings.append(f"kế hoạch {plan.id} không quy định {KIND_VN[kind]} năm {year} ({where})")
    if ag is not None and ag.replaced_by:
        heirs = ", ".join(a.name for a in data.registry.successors(ag.id))
        warnings.append(f"{ag.name} đã được sắp xếp lại, nay là {heirs}: báo cáo nên do cơ quan này gửi")
    if ag is not None and ag.is_collective:
        warnings.append(f"{ag.name} là nhóm cơ quan (giao chung), không phải một cơ quan gửi báo cáo")
    return warnings


def _own(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        r = dict(r)
        for key in ("label", "status"):
            if isinstance(r.get(key), str):
                r[key] = own_words(r[key])
        out.append(r)
    return out


def _clean_runs(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs of one sentence: cleaned, but their spaces at either end are part of the sentence."""
    return [{"text": _SPACES.sub(" ", clean_for_word(r["text"])), "check": r["check"]} for r in runs]


def report_date(cycle: ReportPeriod, today: dt.date, signed: dt.date | None) -> dt.date:
    """The date the report bears: the signing date, else today while the report is current (its year or
    the next), else the end of its cycle (a 2024 report drafted in 2026 speaks as of 31/12/2024)."""
    if signed:
        return signed
    if cycle.end.year <= today.year <= cycle.end.year + 1 and today >= cycle.start:
        return today
    return cycle.end


def _propose_to(data: DataSet, issuer: Agency) -> str:
    """To whom the section "Đề xuất, kiến nghị" speaks, by the issuer's place in the system: a Party body to
    its superior Party body (never to itself), a state body up the state line."""
    from kehoach.report.recipients import CENTRAL_PARTY, party_superior

    if issuer.level == "central":
        return "Chính phủ, Thủ tướng Chính phủ"
    superior = party_superior(data, issuer)
    if superior == CENTRAL_PARTY:
        return "Bộ Chính trị, Ban Bí thư Trung ương Đảng"
    if superior is not None:
        return superior
    if issuer.level == "province" and issuer.name.startswith("UBND"):
        return "Chính phủ, Thủ tướng Chính phủ, các bộ, ngành Trung ương"
    return "UBND tỉnh, các bộ, ngành Trung ương"


def data_cutoff(kind: str, year: int, period: ReportPeriod, end: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The data cut-off of a periodic report (Nghị định 09/2019/NĐ-CP, Điều 12): a yearly report counts from
    15/12 of the previous year to 14/12 of its year, a 6-month one from 15/12 of the previous year to 14/6;
    a mid-term or final review from 15/12 before its phase to 14/12 of its year. ``end`` overrides."""
    start = dt.date(period.start.year - 1, 12, 15)
    if end is None:
        end = dt.date(year, 6, 14) if kind == "half" else dt.date(year, 12, 14)
    return start, end


def _report_period(plan: Plan, kind: str, year: int, cut_off: dt.date | None) -> ReportPeriod:
    check_year(plan, year)
    try:
        period = parse_cycle(f"{kind}-{year}", plan)
    except QueryError as exc:
        raise ReportError(str(exc)) from None
    if kind == "half" and not plan.reporting.semiannual:
        raise NoDraft(
            f"kế hoạch {plan.id} không quy định báo cáo 6 tháng; dùng báo cáo năm (kehoach report annual)"
        )
    if cut_off is not None and not period.start <= cut_off <= period.end:
        raise ReportError(
            f"ngày chốt số liệu {cut_off:%d/%m/%Y} ngoài kỳ báo cáo ({period.start:%d/%m/%Y} - {period.end:%d/%m/%Y})"
        )
    return dataclasses.replace(period, cutoff=data_cutoff(kind, year, period, cut_off)[1])


def _warnings(
    data: DataSet, plan: Plan, kind: str, period: ReportPeriod, ag: Agency | None, today: dt.date,
    signed: dt.date | None, rows: ReportRows, allow_empty: bool,
) -> list[str]:
    year = period.year
    ref = period.as_of(today)
    warnings = _scope_warnings(data, plan, kind, year, ag)
    if today < period.end:
        what = f"kỳ báo cáo {KIND_VN[kind]} {year}" if kind in YEARLY else f"kỳ {KIND_VN[kind]} năm {year}"
        warnings.append(
            f"{what} chưa kết thúc (đến {period.end:%d/%m/%Y}): số liệu chỉ tính đến {ref:%d/%m/%Y}"
        )
    if signed is not None and signed < period.start:
        warnings.append(f"ngày ký {signed:%d/%m/%Y} trước kỳ báo cáo (từ {period.start:%d/%m/%Y}): kiểm tra --date")
    elif signed is not None and signed < ref:
        warnings.append(
            f"ngày ký {signed:%d/%m/%Y} trước ngày số liệu được tính đến ({ref:%d/%m/%Y}): báo cáo không thể nêu "
            "kết quả sau ngày ký; kiểm tra --date hoặc --today"
        )
    if ag is not None and not rows.tasks:
        message = f"{ag.name} không chủ trì nhiệm vụ nào của kế hoạch {plan.id} trong kỳ báo cáo {KIND_VN[kind]} {year}"
        if not allow_empty:
            raise NoDraft(f"{message}: không soạn báo cáo (dùng --allow-empty nếu vẫn cần)")
        warnings.append(message)
    if rows.example:
        warnings.append(EXAMPLE_NOTE)
    return warnings


def _next_open(data: DataSet, plan: Plan, kind: str, period: ReportPeriod, today: dt.date, ag: Agency | None,
               open_now: int) -> int:
    """How many tasks the "phương hướng" section carries forward. A 6-month report: every task of the year
    not done by the cut-off, the second half's too (not only those of the first six months)."""
    if kind != "half":
        return open_now
    year = dataclasses.replace(ReportPeriod.annual(period.year), cutoff=period.cutoff)
    rest = report_rows(data, plan, year, today, ag)
    return sum(1 for t in rest.tasks if t["status_code"] not in ("done_on_time", "done_late"))


def _plan_block(plan: Plan, issuer: dict[str, Any], consolidated: bool) -> dict[str, Any]:
    return {
        "id": plan.id,
        "kind": plan.kind,
        "label": plan.label,
        "title": plan.title,
        "reference": plan_reference(plan),
        "full": "".join(r["text"] for r in plan_citation(plan)),
        "called": called(plan),
        "issuer": plan.issuer,
        "number": plan.number or "",
        "period": ", ".join(p.label for p in plan.periods),
        "monitor": issuer["name"] if consolidated else (plan.monitor or ""),
    }


def _cycle_block(kind: str, year: int, period: ReportPeriod) -> dict[str, Any]:
    start, end = data_cutoff(kind, year, period, period.cutoff)
    return {
        "name": period.name,
        "start": vn_date(period.start),
        "end": vn_date(period.end),
        "label": _period_label(period),
        "years": f"{period.start.year} - {period.end.year}",
        "cutoff_start": vn_date(start),
        "cutoff_end": vn_date(end),
        "cutoff": (
            f"Số liệu tính từ ngày {vn_date(start)} đến ngày {vn_date(end)}"
            + (" (Điều 12 Nghị định số 09/2019/NĐ-CP)" if kind in YEARLY else "")
        ),
    }


def _counts_block(rows: ReportRows, consolidated: bool) -> dict[str, Any]:
    n_tasks = len(rows.tasks)
    done = rows.total.get("done_on_time", 0) + rows.total.get("done_late", 0)
    carried = sum(1 for t in rows.tasks if t["carried_over"])
    counts = _count_rows(rows.total, n_tasks)
    return {
        "tasks": rows.tasks if consolidated else _own(rows.tasks),
        "total": n_tasks,
        "carried": carried,
        "in_period": n_tasks - carried,
        "done": done,
        "open": n_tasks - done,
        "counts": counts if consolidated else _own(counts),
        "overdue": rows.overdue if consolidated else _own(rows.overdue),
        "overdue_carried": sum(1 for t in rows.overdue if t["carried_over"]),
        "no_report": rows.total.get("no_report_not_due", 0) + rows.total.get("no_report_overdue", 0),
        "no_report_overdue": rows.total.get("no_report_overdue", 0),
        "example": rows.example,
        "example_note": EXAMPLE_NOTE if rows.example else "",
        "example_banner": EXAMPLE_BANNER if rows.example else "",
        "agencies_rule": rows.rule,
        "collectives": _agency_rows(rows.collectives, collective=True, first=len(rows.by_agency) + 1),
        "collective_tasks": rows.collective_tasks if consolidated else _own(rows.collective_tasks),
        "agencies": _agency_rows(rows.by_agency),
        "status_labels": [STATUS_LABELS[c] for c in STATUS_ORDER],
    }


def build_context(
    data: DataSet,
    plan_id: str,
    kind: str,
    year: int,
    agency: Agency | str | None = None,
    today: dt.date | None = None,
    signed: dt.date | None = None,
    allow_empty: bool = False,
    cut_off: dt.date | None = None,
) -> dict[str, Any]:
    """Everything a report template needs, as plain data. ``agency`` None: the consolidated report.

    Statuses are judged as of ``today``, but never later than the data cut-off (``data_cutoff``: 14/12 of
    a yearly report's year, 14/6 of a 6-month one; ``cut_off`` sets another day within the period). Who
    signs and who receives are resolved as of the report date (``report_date``). An agency with no task in
    scope gets a NoDraft error unless ``allow_empty``.
    """
    check_kind(kind)
    today = today or dt.date.today()
    plan = data.plan(plan_id).plan
    period = _report_period(plan, kind, year, cut_off)
    ag = _resolve_agency(data, agency)
    consolidated = ag is None
    when = report_date(period, today, signed)
    issuer_agency = report_issuer(data, plan, when) if consolidated else ag
    assert issuer_agency is not None
    rows = report_rows(data, plan, period, today, ag)
    warnings = _warnings(data, plan, kind, period, ag, today, signed, rows, allow_empty)
    counts = _counts_block(rows, consolidated)
    targets = _target_rows(data, plan, ag, period)
    chart_rows = _chart_rows(rows.by_group, by_size=consolidated) if kind not in YEARLY else []
    issuer = issuer_block(data.registry, issuer_agency)
    sent = recipients_of(data, plan, issuer_agency, consolidated, when)
    date_line = signing_line(issuer["place"], signed, when.year)
    context: dict[str, Any] = {
        "kind": kind,
        "kind_vn": KIND_VN[kind],
        "year": year,
        "scope": "consolidated" if consolidated else "agency",
        "consolidated": consolidated,
        "agency": ag.name if ag else None,
        "plan": _plan_block(plan, issuer, consolidated),
        "cycle": _cycle_block(kind, year, period),
        "subject": _subject(kind, plan, period),
        "issuer": issuer,
        "place_date": date_line,
        "signed_on": date_line.split(", ", 1)[1],
        "as_of": vn_date(period.as_of(today)),
        **counts,
        "next_open": _next_open(data, plan, kind, period, today, ag, counts["open"]),
        "targets": targets,
        "targets_total": len(targets),
        "targets_reported": sum(1 for x in targets if x["actual"]),
        "plan_targets_unassigned": sum(1 for x in _target_rows(data, plan, None, period) if x["lead"] == "Không nêu"),
        "chart": {
            "by": "Cơ quan chủ trì" if consolidated else "Nhóm nhiệm vụ",
            "rows": chart_rows,
            "note": _chart_note(chart_rows, counts["total"]),
        },
        "next": _next_phrase(kind, plan, year),
        "next_upper": _next_phrase(kind, plan, year).upper(),
        "recipients": sent["list"],
        "closing": sent["closing"],
        "report_date": vn_date(when),
        "format": issuer["format"],
        "layout": layout(),
        "propose_to": _propose_to(data, issuer_agency),
        "warnings": warnings,
    }
    out = _clean(context)
    # Runs of one sentence: cleaned, but their spaces at either end are part of the sentence.
    out["closing"] = _clean_runs(sent["closing"])
    out["plan"]["cite"] = _clean_runs(plan_citation(plan))
    return out
