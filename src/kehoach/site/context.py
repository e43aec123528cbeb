"""What the site's pages show, as plain data for the sandboxed templates (docs/site.md lists the fields).

Every figure comes from the functions the commands use: the status counts from ``status.status_table``
(``kehoach status``), an agency's overdue and coming work from ``query.due`` (``kehoach due``), tasks with
their status from ``catalog.task_rows`` (``kehoach tasks``), report days from ``catalog.reporting_calendar``
(``kehoach cycles``). Dates are written dd/mm/yyyy for reading and ISO in ``data-`` attributes.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from kehoach.dataset import DataSet
from kehoach.model import Agency, Plan
from kehoach.present import CYCLE_WORDS, REASON_WORDS, ROLE_WORDS, days_text
from kehoach.present import vn_date as vn
from kehoach.text import ascii_key

DEFAULT_TITLE = "Tình hình thực hiện các kế hoạch hành động"
# Said to a reader of the site (the commands' note names the progress files' `example: true`).
EXAMPLE_NOTE = "Số liệu minh họa, không phải báo cáo thật: kết quả thực hiện ghi trên trang này là ví dụ để xem thử."
# The commands' words; a task named directly needs no word on a page (it is the common case).
REASONS = {**REASON_WORDS, "direct": ""}
COMING_REPORTS = 12  # report days on the home page


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def plan_url(plan_id: str) -> str:
    """The plan's id as it is (letters, digits, ".", "-", "_": the model allows nothing else), so two plans
    never share a page; a slug would make "qd.1" and "qd-1" one file."""
    return f"ke-hoach/{plan_id}.html"


def task_anchor(task_id: str) -> str:
    """A task's row on its plan's page: ``#nv-I.14`` (its id as it is, unique within the plan)."""
    return "nv-" + task_id


def agency_url(agency: Agency) -> str:
    return f"co-quan/{agency.id}.html"  # lower-case letters, digits and "-" (the registry allows nothing else)


def search_key(*parts: str | None) -> str:
    """The text a search looks in, as ``kehoach tasks --search`` makes it (``kehoach.typed.search_key``: no
    case, no diacritics, the documents' abbreviations KKT, KCN, UBND… spelt out)."""
    return _key(" ".join(p or "" for p in parts))


@functools.lru_cache(maxsize=1 << 14)
def _key(text: str) -> str:
    from kehoach.typed import search_key as cli_key

    return cli_key(text)


def _counts(counts: dict[str, int]) -> dict[str, Any]:
    """Status counts with their labels, and the bar of a chart: segments in percent, in the engine's order."""
    from kehoach.status import OVERDUE_CODES, SHORT_LABELS, STATUS_LABELS, STATUS_ORDER

    total = sum(counts.get(c, 0) for c in STATUS_ORDER)
    items, x = [], 0.0
    for code in STATUS_ORDER:
        n = counts.get(code, 0)
        width = round(100 * n / total, 3) if total else 0.0
        items.append(
            {"code": code, "label": STATUS_LABELS[code], "short": SHORT_LABELS[code], "n": n,
             "x": round(x, 3), "width": width}
        )
        x += width
    overdue = sum(counts.get(c, 0) for c in OVERDUE_CODES)
    alt = f"Tổng {total} nhiệm vụ: " + "; ".join(f"{i['label']} {i['n']}" for i in items if i["n"])
    return {"total": total, "overdue": overdue, "items": items, "alt": alt}


def legend() -> list[dict[str, str]]:
    from kehoach.status import SHORT_LABELS, STATUS_LABELS, STATUS_ORDER

    return [{"code": c, "label": STATUS_LABELS[c], "short": SHORT_LABELS[c]} for c in STATUS_ORDER]


def target_actuals(data: DataSet, plan: Plan, today: dt.date) -> dict[str, dict[str, str]]:
    """Hook: the latest actual of each target known on ``today``, and its attainment when one is computed.

    Today it reads ``Progress.target_actual`` (the latest year's value up to the reference year); the
    attainment is left empty until the library computes one. One place to change when it does.
    """
    out: dict[str, dict[str, str]] = {}
    for t in plan.targets:
        found = data.progress.target_actual(plan.id, t.id, up_to=today.year)
        if found:
            year, tp = found
            out[t.id] = {"actual": tp.actual, "year": str(year), "attainment": "", "note": tp.note or ""}
    return out


def _task(row: Any, task: Any, data: DataSet, plan: Plan, today: dt.date, root: str) -> dict[str, Any]:
    from kehoach.progress import STATUS_VN

    records = [
        {
            "year": r.year,
            "by": r.progress.reported_by or "",
            "status": STATUS_VN.get(r.progress.status, r.progress.status),
            "completed": vn(r.progress.completed),
            "reported_on": vn(r.progress.reported_on),
            "result": r.progress.result or "",
            "evidence": r.progress.evidence or "",
            "example": r.example,
        }
        for r in data.progress.records(plan.id, task.id, as_of=today)
    ]
    section = plan.section_of(task.id)
    return {
        "plan": plan.id,
        "plan_url": root + plan_url(plan.id),
        "id": task.id,
        "anchor": task_anchor(task.id),
        "content": task.content,
        "lead": list(row.lead),
        "lead_as_written": list(task.lead),
        "support": list(row.support),
        "product": task.product or "",
        "deadline": task.deadline or "",
        "due": vn(row.deadline_due),
        "due_iso": iso(row.deadline_due),
        "leader": task.leader or "",
        "source": task.source or "",
        "section": section.title if section else "",
        "note": task.note or "",
        "other_deadlines": [{"text": o.text, "source": o.source, "note": o.note or ""} for o in task.other_deadlines],
        "status": row.status or "",
        "status_label": row.status_label or "Không xác định",
        "records": records,
        "example": any(r["example"] for r in records),
        "key": search_key(task.id, task.content, task.product, task.note),
    }


def gather(data: DataSet, today: dt.date, title: str | None = None) -> dict[str, Any]:
    """Every page's data: ``{"site": …, "home": …, "plans": [...], "agencies": [...], "search": [...]}``."""
    from kehoach.catalog import agency_rows, plan_rows, reporting_calendar, task_rows
    from kehoach.query import find_tasks
    from kehoach.status import status_table

    table = status_table(data, today)
    by_scope: dict[tuple[str, str], Any] = {(r.scope, r.name): r for r in table.rows}
    site = {
        "title": title or DEFAULT_TITLE,
        "today": vn(today),
        "today_iso": iso(today),
        "year": table.period.year,
        "as_of": vn(table.as_of),
        "example": table.example,
        "example_note": EXAMPLE_NOTE,
        # The counting rule without its sum of table rows: the home page shows no such table.
        "rule": table.rule.split(" Tổng các dòng")[0],
        "legend": legend(),
    }

    # Tasks with their status (kehoach tasks), grouped by plan in the data's order.
    hits = find_tasks(data)
    by_plan: dict[str, list[dict[str, Any]]] = {}
    for hit, row in zip(hits, task_rows(data, hits, today), strict=True):
        by_plan.setdefault(hit.plan.id, []).append(_task(row, hit.task, data, hit.plan, today, "../"))

    plans: list[dict[str, Any]] = []
    for pr in plan_rows(data):
        plan = data.plan(pr.id).plan
        srow = by_scope.get(("plan", plan.id))
        counts = _counts(srow.counts if srow else {})
        actuals = target_actuals(data, plan, today)
        rep = plan.reporting
        plans.append(
            {
                "id": plan.id,
                "url": plan_url(plan.id),
                "title": plan.title,
                "kind": plan.kind,
                "number": plan.number or "",
                "issued": vn(plan.issued),
                "issuer": plan.issuer,
                "signer": plan.signer or "",
                "label": plan.label,
                "bases": list(plan.bases),
                "source": plan.source or "",
                "notes": list(plan.notes),
                "monitor": pr.monitor or "",
                "periods": [{"start": p.start, "end": p.end, "note": p.note or ""} for p in plan.periods],
                "reviews": [
                    {"kind": CYCLE_WORDS.get(r.kind, r.kind), "year": r.year, "note": r.note or ""}
                    for r in plan.reviews
                ],
                "annual_report": {
                    "due": (rep.annual.due or "31/12 (văn bản không nêu ngày; tạm tính)") if rep.annual else "",
                    "to": list(rep.annual.to) if rep.annual else [],
                },
                "consolidated": {
                    "due": (rep.consolidated.due or "") if rep.consolidated else "",
                    "by": (rep.consolidated.by or "") if rep.consolidated else "",
                    "to": list(rep.consolidated.to) if rep.consolidated else [],
                },
                "semiannual": list(rep.semiannual),
                "counts": counts,
                "example": bool(srow and srow.example),
                "targets": [
                    {
                        "id": t.id,
                        "name": t.name,
                        "unit": t.unit or "",
                        "value": t.value or "",
                        "year": str(t.year or ""),
                        "baseline": t.baseline or "",
                        "group": t.group or "",
                        "lead": list(t.lead),
                        "actual": actuals.get(t.id, {}).get("actual", ""),
                        "actual_year": actuals.get(t.id, {}).get("year", ""),
                        "attainment": actuals.get(t.id, {}).get("attainment", ""),
                    }
                    for t in plan.targets
                ],
                "tasks": by_plan.get(plan.id, []),
                "task_count": pr.tasks,
            }
        )

    known = {(t["plan"], t["id"]): t for ts in by_plan.values() for t in ts}
    agencies = _agencies(data, today, by_scope, agency_rows, known)
    pages = {a["name"]: "../" + a["url"] for a in agencies}
    for tasks in by_plan.values():
        for t in tasks:
            t["lead_links"] = [{"name": n, "url": pages.get(n, "")} for n in t["lead"]]
    ranked = sorted(
        ({k: a[k] for k in ("name", "short", "url", "counts", "example")} | {"due_overdue": len(a["overdue"])}
         for a in agencies),
        key=lambda a: (-a["counts"]["overdue"], -a["counts"]["total"], ascii_key(a["name"])),
    )
    coming = [
        {
            "plan": c.plan,
            "plan_url": plan_url(c.plan),
            "what": c.what,
            "date": vn(c.date) if c.date else f"trong năm {c.year}",
            "date_iso": iso(c.date),
            "stated": c.stated,
            "by": c.by,
            "to": list(c.to),
        }
        for c in reporting_calendar(data)
        if (c.date or dt.date(c.year, 12, 31)) >= today
    ][:COMING_REPORTS]
    total = _counts(by_scope[("total", "Tổng cộng")].counts) if ("total", "Tổng cộng") in by_scope else _counts({})
    home = {"total": total, "ranked": ranked, "coming": coming}
    search = [[t["plan"], t["id"], t["content"], t["key"], t["plan_url"][3:] + "#" + t["anchor"]]
              for p in plans for t in p["tasks"]]
    return {"site": site, "home": home, "plans": plans, "agencies": agencies, "search": search}


def _agencies(
    data: DataSet, today: dt.date, by_scope: dict[tuple[str, str], Any], agency_rows: Any, known: dict[Any, Any]
) -> list[dict]:
    """One entry per agency with work: named in a task (itself or a predecessor) or answering for one."""
    from kehoach.query import due, find_tasks

    registry = data.registry
    everyone = list(registry.agencies.values())
    rows = {r.id: r for r in agency_rows(data, everyone)}

    def has_work(ag: Agency) -> bool:
        t = rows[ag.id].tasks if ag.id in rows else None
        named = t is not None and (t.lead + t.support + t.collective_lead + t.collective_support)
        return not ag.is_collective and bool(named or ("agency", ag.name) in by_scope)

    chosen = [ag for ag in sorted(everyone, key=lambda a: ascii_key(a.name)) if has_work(ag)]
    paged = {ag.id for ag in chosen}

    def link(a: Agency) -> dict[str, str]:
        return {"name": a.name, "url": "../" + agency_url(a) if a.id in paged else ""}

    out = []
    for ag in chosen:
        srow = by_scope.get(("agency", ag.name))
        items = due(data, ag, today)
        lists: dict[str, list[dict[str, Any]]] = {}
        collective: dict[str, list[dict[str, Any]]] = {}
        every = find_tasks(data, agency=ag)  # lead or support, each task once, as `kehoach tasks --agency`
        for role in ("lead", "support"):
            hits = [h for h in every if h.role == role]
            # Tasks given to a collective ("Các sở, ban, ngành…") are counted per plan, not listed on every page.
            shared: dict[str, int] = {}
            for h in hits:
                if h.responsibility is not None and h.responsibility.reason == "collective":
                    shared[h.plan.id] = shared.get(h.plan.id, 0) + 1
            collective[role] = [{"plan": pid, "plan_url": "../" + plan_url(pid), "n": n} for pid, n in shared.items()]
            hits = [h for h in hits if h.responsibility is None or h.responsibility.reason != "collective"]
            # Each task as its plan's page shows it (the same status, judged once), with how it reaches the agency.
            lists[role] = [_reach(known[(h.plan.id, h.task.id)], h) for h in hits]
        out.append(
            {
                "id": ag.id,
                "name": ag.name,
                "url": agency_url(ag),
                "short": ag.short or "",
                "aliases": list(ag.aliases),
                "level": ag.level,
                "predecessors": [link(p) for p in registry.predecessors(ag.id)],
                "replaced_by": [link(a) for a in registry.successors(ag.id)] if ag.replaced_by else [],
                "note": ag.note or "",
                "counts": _counts(srow.counts if srow else {}),
                "example": bool(srow and srow.example),
                # overdue tasks, as counted by status; a missed report day stays in "reports"
                "overdue": [_due_item(i) for i in items if i.overdue and i.kind != "report"],
                "coming": [_due_item(i) for i in items if not i.overdue and i.kind != "report"],
                "reports": [_due_item(i) for i in items if i.kind == "report"],
                "lead": lists["lead"],
                "support": lists["support"],
                "collective_lead": collective["lead"],
                "collective_support": collective["support"],
                "inherited": [t for t in lists["lead"] + lists["support"] if t["reason"] == REASONS["successor"]],
            }
        )
    return out


def _reach(t: dict[str, Any], hit: Any) -> dict[str, Any]:
    """A task of an agency's list: its row on the plan page, and the reason it is the agency's (as ``TaskRow``)."""
    reason = hit.responsibility.reason if hit.responsibility is not None else ""
    return {
        "plan": t["plan"],
        "plan_url": t["plan_url"] + "#" + t["anchor"],
        "id": t["id"],
        "content": t["content"],
        "deadline": t["deadline"],
        "due": t["due"],
        "status": t["status"],
        "status_label": t["status_label"],
        "reason": REASONS.get(reason, reason),
        "via": (hit.responsibility.via or "") if hit.responsibility is not None else "",
        "key": t["key"],
    }


def _due_item(i: Any) -> dict[str, Any]:
    d = i.as_dict()
    return {
        "plan": d["plan"],
        "plan_url": "../" + plan_url(d["plan"]) + ("#" + task_anchor(d["id"]) if i.task is not None else ""),
        "id": d["id"],
        "content": d["content"],
        "due": vn(d["due"]),
        "due_iso": iso(d["due"]),
        "days_left": d["days_left"],
        "days": days_text(d["days_left"]),
        "role": ROLE_WORDS.get(d["role"], d["role"]),
        "reason": REASONS.get(d["reason"], d["reason"]),
        "via": d["via"] or "",
        "note": d["note"],
        "status": d["status"] or "",
        "status_label": d["status_label"] or "",
        "example": d["example"],
    }
