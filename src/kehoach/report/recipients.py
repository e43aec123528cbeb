"""To whom a report goes, resolved as of the report date: one list for "Nơi nhận" and the closing sentence.

The plan's ``reporting`` says it: ``annual`` (each agency's report: ``to``, ``via``, ``cc``),
``routes`` (other senders, other recipients), ``consolidated`` (the monitoring agency's report).
Names are resolved in the registry as of the report date: a 2024 report goes to Bộ Kế hoạch và
Đầu tư, which existed until 01/03/2025; one of 2026 goes to Bộ Tài chính. A name the registry
does not know ("các cấp có thẩm quyền") is kept, flagged for the drafter to check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from kehoach.dataset import DataSet
from kehoach.model import Agency, Plan

TO_REPORT = "để báo cáo"
TO_CONSOLIDATE = "để tổng hợp"
TO_FOLLOW = "để theo dõi, tổng hợp"


def _resolve(data: DataSet, names: Iterable[str], when: dt.date) -> list[tuple[str, Agency | None]]:
    out: list[tuple[str, Agency | None]] = []
    for n in names:
        found = data.registry.on(n, when)
        if found:
            out += [(a.name, a) for a in found]
        else:
            out.append((n, None))
    return out


def _is(data: DataSet, name: str, agency: Agency, when: dt.date) -> bool:
    return any(a.id == agency.id for a in data.registry.on(name, when))


def _consolidator(data: DataSet, plan: Plan, when: dt.date) -> set[str]:
    from kehoach.query import consolidator_name

    name = consolidator_name(plan)
    return {a.id for a in data.registry.on(name, when)} if name else set()


CENTRAL_PARTY = "Ban Bí thư Trung ương Đảng"  # the superior of a provincial Party committee (Hướng dẫn 36-HD/VPTW)


def party_superior(data: DataSet, issuer: Agency) -> str | None:
    """Where a Party body reports, along Party channels: a body of the provincial Party committee (a "Ban")
    to its Ban Thường vụ; the provincial committee itself (and its Ban Thường vụ) to the Ban Bí thư. None
    for a state body."""
    if issuer.level != "party":
        return None
    from kehoach.agencies import AgencyError

    try:
        parent = data.registry.resolve(issuer.parent) if issuer.parent else None
    except AgencyError:
        parent = None
    if parent is None or parent.level != "party":
        return CENTRAL_PARTY
    standing = f"Ban Thường vụ {parent.name}"
    return data.registry.resolve(standing).name if data.registry.knows(standing) else parent.name


def route(data: DataSet, plan: Plan, issuer: Agency, consolidated: bool, when: dt.date) -> dict[str, list[str]]:
    """The names as the plan writes them: ``to``, ``via`` and ``cc`` of this issuer's report.

    A Party body never reports to a state body: its report goes to the superior Party body
    (``party_superior``), with a copy to the plan's state recipients "để theo dõi, tổng hợp" — the state
    monitor still consolidates the plan, but a Party committee does not answer to a ministry.
    """
    superior = party_superior(data, issuer)
    if superior is not None:
        state = route_of_state(data, plan, issuer, consolidated, when)
        cc = [n for n in state["to"] + state["via"] + state["cc"]
              if not any(a.level == "party" for a in data.registry.on(n, when)) and not _is(data, n, issuer, when)]
        return {"to": [superior], "via": [], "cc": cc}
    return route_of_state(data, plan, issuer, consolidated, when)


def route_of_state(
    data: DataSet, plan: Plan, issuer: Agency, consolidated: bool, when: dt.date
) -> dict[str, list[str]]:
    """The route the plan writes for this issuer, as if it were a state body."""
    rep = plan.reporting
    if not consolidated:
        for r in rep.routes:
            if any(_is(data, s, issuer, when) for s in r.senders):
                return {"to": list(r.to), "via": list(r.via), "cc": list(r.cc)}
        if rep.annual and rep.annual.to:
            block = {"to": list(rep.annual.to), "via": list(rep.annual.via), "cc": list(rep.annual.cc)}
        else:
            block = {"to": [plan.monitor] if plan.monitor else [], "via": [], "cc": []}
        # The monitoring agency's own report is the consolidated one, upwards.
        if not any(_is(data, n, issuer, when) for n in block["to"] + block["via"]):
            return block
    if rep.consolidated and rep.consolidated.to:
        return {"to": list(rep.consolidated.to), "via": list(rep.consolidated.via), "cc": list(rep.consolidated.cc)}
    return {"to": [plan.issuer], "via": [], "cc": []}


def recipients(data: DataSet, plan: Plan, issuer: Agency, consolidated: bool, when: dt.date) -> dict[str, Any]:
    """``list``: the lines of "Nơi nhận" (name, purpose, check); ``closing``: the same names in the last sentence."""
    names = route(data, plan, issuer, consolidated, when)
    consolidators = _consolidator(data, plan, when)
    seen: set[str] = {issuer.name}
    rows: list[dict[str, Any]] = []
    for role in ("to", "via", "cc"):
        for name, agency in _resolve(data, names[role], when):
            if name in seen:
                continue
            seen.add(name)
            if role == "via":
                purpose = TO_CONSOLIDATE
            elif role == "cc":
                purpose = TO_FOLLOW
            elif agency is not None and agency.id in consolidators and not consolidated:
                purpose = TO_CONSOLIDATE
            else:
                purpose = TO_REPORT
            # "các cấp có thẩm quyền" is no addressee; the Ban Bí thư is not in the registry: checked by hand.
            vague = agency is None or agency.is_collective
            rows.append({"name": name, "role": role, "purpose": purpose, "check": vague})
    return {"list": rows, "closing": _closing(rows)}


def _closing(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The closing clause as runs: "kính gửi A, B (qua C) xem xét, chỉ đạo; đồng gửi D để theo dõi, tổng hợp"."""
    to = [r for r in rows if r["role"] == "to"]
    via = [r for r in rows if r["role"] == "via"]
    cc = [r for r in rows if r["role"] == "cc"]
    if not to:
        return []
    out: list[dict[str, Any]] = [_run(", kính gửi ")]
    out += _names(to)
    if via:
        out += [_run(" (qua ")] + _names(via) + [_run(")")]
    if all(r["purpose"] == TO_CONSOLIDATE for r in to):
        out.append(_run(" tổng hợp, báo cáo theo quy định"))
    else:
        out.append(_run(" xem xét, chỉ đạo"))
    if cc:
        out += [_run("; đồng gửi ")] + _names(cc) + [_run(f" {TO_FOLLOW}")]
    return out


def _run(text: str, check: bool = False) -> dict[str, Any]:
    return {"text": text, "check": check}


def _names(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, r in enumerate(rows):
        if i:
            out.append(_run(", "))
        out.append(_run(f"[kiểm tra: {r['name']}]" if r["check"] else r["name"], r["check"]))
    return out
