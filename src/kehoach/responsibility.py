"""Who answers for a task, in which role, why, and over which span of time: one engine for every answer.

``due``, ``tasks``, ``status``, the agency counts of ``agencies``, the calendar, the SQLite export and every
report ask here; nothing else decides whether an agency answers for a task. The vocabulary (docs/json.md,
docs/status.md) is one for all of them:

- ``role``: ``lead`` (chủ trì) or ``support`` (phối hợp); one role per task and agency (a lead is never also a
  supporter, unless it is named among the supporters and reaches the lead only through a collective).
- ``reason``: ``direct`` (named in the task), ``successor`` (the current agency that took over that kind of
  duty from an agency dissolved or merged in 2025), ``collective`` (a group assignment such as "Các sở, ban,
  ngành": counted in the "giao chung" block, never as one agency's own task), ``unassigned`` (the document
  names no lead).
- ``via``: the name as the document writes it, when it is not the agency's own.

``span(plan, deadline)`` is the task's period of work ("for which period"): ``single`` (one due day),
``multi_year`` ("2021 - 2025"), ``recurring`` (report days: "Hằng năm", "Định kỳ 6 tháng", "Thường xuyên")
or ``open`` (no due day: "Theo hoạt động", a condition), with the first and last day of the work. A task whose
span ends unfinished or unreported stays overdue and is carried over into every later year until done
(``kehoach.status``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # types only: judging responsibility builds no model and parses no deadline
    from kehoach.deadlines import Deadline
    from kehoach.model import Agency, Plan, Task

Role = Literal["lead", "support"]
Reason = Literal["direct", "successor", "collective", "unassigned"]
REASONS: tuple[Reason, ...] = ("direct", "successor", "collective", "unassigned")
REASON_ORDER = {r: i for i, r in enumerate(REASONS)}
REASON_VN = {"direct": "nêu tên", "successor": "kế nhiệm", "collective": "giao chung", "unassigned": "không nêu"}
ROLE_VN = {"lead": "chủ trì", "support": "phối hợp"}
UNASSIGNED = "Không nêu cơ quan chủ trì"


@dataclass(frozen=True)
class Responsibility:
    """One agency (or collective) answering for one task: its role, why, and the name as written."""

    name: str
    reason: Reason
    via: str | None = None  # the name as written, when it is not ``name``
    agency: Agency | None = None
    role: Role = "lead"

    @property
    def collective(self) -> bool:
        """Counted in the "giao chung" block, not as one agency's task."""
        return self.reason in ("collective", "unassigned")

    @property
    def named(self) -> bool:
        """The agency answers by name: named itself, or as the successor that took the duty."""
        return self.reason in ("direct", "successor")


def responsibilities(registry: Any, task: Any, role: Role = "lead") -> list[Responsibility]:
    """Who answers for a task today in ``role``, each once; direct before successor.

    Each name as written; a dissolved agency replaced by the successor(s) that took that kind of duty
    (``Registry.heirs``: the task's own ``successor:``, else the registry's ``successions``); a collective
    kept as one collective. A task naming no lead has one ``unassigned`` lead.
    """
    from kehoach.agencies import AgencyError

    task = _duty(task)
    found: dict[str, Responsibility] = {}
    for written in task.lead if role == "lead" else task.support:
        try:
            agency = registry.resolve(written)
        except AgencyError:
            found.setdefault(written, Responsibility(written, "direct", role=role))
            continue
        if agency.is_collective:
            for a in registry.successors(agency.id) or [agency]:
                via = written if a.name != written else None
                found.setdefault(a.name, Responsibility(a.name, "collective", via, a, role))
            continue
        if not agency.replaced_by:
            found[agency.name] = Responsibility(agency.name, "direct", None, agency, role)
            continue
        for heir in registry.heirs(agency.id, text=task.content, named=task.successor):
            reason: Reason = "collective" if heir.is_collective else "successor"
            found.setdefault(heir.name, Responsibility(heir.name, reason, written, heir, role))
    if not found and role == "lead":
        return [Responsibility(UNASSIGNED, "unassigned")]
    return list(found.values())


def answers(resp: Responsibility, agency: Agency) -> bool:
    """Does ``agency`` answer for this responsibility by name (itself or as the successor)?"""
    return resp.named and resp.agency is not None and resp.agency.id == agency.id


def covers(registry: Any, collective: Agency, agency: Agency) -> bool:
    """Does a collective (or what it became) include ``agency``?"""
    return any(registry.covers(c, agency) for c in [collective, *registry.successors(collective.id)])


def concerns(registry: Any, resp: Responsibility, agency: Agency) -> bool:
    """Does this responsibility reach ``agency``: by name, or through a collective covering it?"""
    if answers(resp, agency):
        return True
    return resp.collective and resp.agency is not None and covers(registry, resp.agency, agency)


def _duty(item: Any) -> Any:
    """A task, or a target seen as one (its name is its content; it names no successor)."""
    if hasattr(item, "successor"):
        return item
    return SimpleNamespace(content=getattr(item, "name", ""), successor=[], lead=item.lead, support=item.support)


def _best(registry: Any, names: Iterable[str], agency: Agency, strict: bool, task: Any, role: Role
          ) -> Responsibility | None:
    best: Responsibility | None = None
    task = _duty(task)
    for n in names:
        m = registry.match(n, agency, strict=strict, task=task)
        if m is None:
            continue
        r = Responsibility(agency.name, m.reason, m.via if m.reason != "direct" else None, agency, role)
        if best is None or REASON_ORDER[r.reason] < REASON_ORDER[best.reason]:
            best = r
    return best


def role_of(
    registry: Any,
    task: Task | Any,
    agency: Agency,
    role: Literal["lead", "support", "any"] = "any",
    strict: bool = False,
) -> Responsibility | None:
    """The one role ``agency`` plays in ``task``, with why; None when the task does not concern it.

    ``strict``: only tasks naming the agency itself. A dissolved lead's duty reaches only the successor
    that took that kind of duty, as in ``responsibilities``.
    """
    lead = _best(registry, task.lead, agency, strict, task, "lead")
    support = _best(registry, task.support, agency, strict, task, "support")
    if lead and support and REASON_ORDER[support.reason] < REASON_ORDER[lead.reason]:
        lead = None
    elif lead:
        support = None
    if role in ("lead", "any") and lead:
        return lead
    if role in ("support", "any") and support:
        return support
    return None


def leads(registry: Any, item: Any, agency: Agency) -> Responsibility | None:
    """How ``agency`` is among the leads of a task or target (direct, successor, collective), whatever else."""
    return _best(registry, item.lead, agency, False, item, "lead")


# ---------------------------------------------------------------------------------------------- spans

Shape = Literal["single", "multi_year", "recurring", "open"]


@dataclass(frozen=True)
class Span:
    """When a task's work happens: its shape, its first and last day (the plan's where the text says none)."""

    shape: Shape
    start: dt.date
    end: dt.date

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        return self.start <= last and self.end >= first


def span(plan: Plan, d: Deadline | None) -> Span:
    """The span of a task's work under ``d`` within ``plan``: the one rule for "is this task in that period"."""
    if d is None or d.kind == "event" or (d.due is None and not d.recurring):
        start = (d.start if d else None) or plan.start
        return Span("open", start, plan.end)
    if d.recurring:
        return Span("recurring", d.start or plan.start, d.due or plan.end)
    assert d.due is not None
    start = d.start or min(plan.start, d.due)
    if d.start is not None and d.start.year < d.due.year:
        return Span("multi_year", start, d.due)
    return Span("single", start, d.due)
