"""One task or one target in full (``kehoach show PLAN/ID``): everything the listings cut short.

A listing shows a line per task; ``show`` answers "what exactly is this one": its whole content, who
leads and supports as the document writes them and who answers for them today, the deadline and how it
is read, the product, the source, its status on a day, the results recorded and the report days to come.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from kehoach.dataset import DataSet, UnknownPlan
from kehoach.deadlines import Deadline, DeadlineError
from kehoach.errors import UsageError
from kehoach.loader import LoadedPlan
from kehoach.model import Plan, Section, Target, Task


# Also a LookupError, as UnknownPlan is.
class UnknownItem(UsageError, LookupError):
    """A task or target id a plan does not have: a usage mistake."""


@dataclass(frozen=True)
class Assignee:
    """A name as the document writes it, and who answers for it today."""

    written: str
    now: tuple[str, ...]  # current agencies; empty when the registry does not know the name
    replaced: bool = False  # the agency written was reorganised: ``now`` are its successors

    def as_dict(self) -> dict[str, Any]:
        return {"written": self.written, "now": list(self.now)}

    @property
    def text(self) -> str:
        if not self.now:
            return f"{self.written} (chưa có trong sổ đăng ký cơ quan)"
        if self.replaced:
            return f"{self.written} → nay: {', '.join(self.now)}"
        if list(self.now) == [self.written]:
            return self.written
        return f"{self.written} (sổ đăng ký: {self.now[0]})"


def _assignees(data: DataSet, names: list[str], task: Task | None) -> list[Assignee]:
    from kehoach.agencies import AgencyError

    out = []
    for n in names:
        try:
            a = data.registry.resolve(n)
        except AgencyError:
            out.append(Assignee(n, ()))
            continue
        now: tuple[str, ...]
        if not a.replaced_by:
            now = (a.name,)
        elif task is not None:
            now = tuple(h.name for h in data.registry.heirs(a.id, text=task.content, named=task.successor))
        else:
            now = tuple(h.name for h in data.registry.successors(a.id))
        out.append(Assignee(n, now, bool(a.replaced_by)))
    return out


@dataclass(frozen=True)
class RecordLine:
    year: int
    status: str
    completed: dt.date | None
    reported_on: dt.date | None
    reported_by: str | None
    result: str | None
    evidence: str | None
    note: str | None
    example: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @property
    def text(self) -> str:
        """The record as a person reads it: "năm 2026: hoàn thành, hoàn thành 10/03/2026, … — kết quả (minh chứng)"."""
        from kehoach.progress import STATUS_VN as PROGRESS_WORDS

        words = [f"năm {self.year}: {PROGRESS_WORDS.get(self.status, self.status)}"]
        if self.completed:
            words.append(f"hoàn thành {self.completed:%d/%m/%Y}")
        if self.reported_on:
            words.append(f"báo cáo {self.reported_on:%d/%m/%Y}")
        if self.reported_by:
            words.append(f"bởi {self.reported_by}")
        line = ", ".join(words)
        if self.result:
            line += f" — {self.result}"
        if self.evidence:
            line += f" ({self.evidence})"
        if self.example:
            line += " [VÍ DỤ MINH HỌA]"
        return line


@dataclass(frozen=True)
class TaskDetail:
    plan: Plan
    section: Section | None
    task: Task
    deadline: Deadline | None
    deadline_problem: str | None
    lead: list[Assignee]
    support: list[Assignee]
    status: str
    status_label: str
    status_due: dt.date | None
    days_overdue: int | None
    records: list[RecordLine]
    coming: list[dt.date]  # the report days or the deadline still ahead, within a year
    today: dt.date

    @property
    def reading(self) -> str | None:
        """How the deadline is read, in words ("cuối năm, hạn 31/12/2026"), or why it could not be read;
        None when the document gives no deadline. A recurring one's days are in ``coming``."""
        if not self.task.deadline:
            return None
        dl = self.deadline
        if dl is None:
            return f"chưa đọc được: {self.deadline_problem}" if self.deadline_problem else ""
        parts = [dl.label]
        if not dl.recurring:
            if dl.start and dl.due and dl.start != dl.due:
                parts.append(f"từ {dl.start:%d/%m/%Y} đến {dl.due:%d/%m/%Y}")
            elif dl.due:
                parts.append(f"hạn {dl.due:%d/%m/%Y}")
        if dl.condition:
            parts.append(f"chờ: {dl.condition}")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        t, d = self.task, self.deadline
        return {
            "plan": self.plan.id,
            "plan_label": self.plan.label,
            "id": t.id,
            "type": "task",
            "section": {"id": self.section.id, "title": self.section.title} if self.section else None,
            "content": t.content,
            "lead": [a.as_dict() for a in self.lead],
            "support": [a.as_dict() for a in self.support],
            "product": t.product,
            "deadline": {
                "text": t.deadline,
                "kind": d.kind if d else None,
                "start": d.start if d else None,
                "due": d.due if d else None,
                "recurrence": d.recurrence if d else None,
                "condition": d.condition if d else None,
                "problem": self.deadline_problem,
            },
            "leader": t.leader,
            "source": t.source,
            "note": t.note,
            "inferred": list(t.inferred),
            "other_deadlines": [o.model_dump() for o in t.other_deadlines],
            "status": self.status,
            "status_label": self.status_label,
            "status_due": self.status_due,
            "days_overdue": self.days_overdue,
            "records": [r.as_dict() for r in self.records],
            "coming": list(self.coming),
            "today": self.today,
        }


@dataclass(frozen=True)
class TargetDetail:
    plan: Plan
    target: Target
    lead: list[Assignee]
    support: list[Assignee]
    actual: tuple[int, str, str | None] | None  # (year, value, source) of the latest recorded figure

    def as_dict(self) -> dict[str, Any]:
        g = self.target
        return {
            "plan": self.plan.id,
            "plan_label": self.plan.label,
            "id": g.id,
            "type": "target",
            "name": g.name,
            "group": g.group,
            "value": g.value,
            "unit": g.unit,
            "year": g.year,
            "baseline": g.baseline,
            "lead": [a.as_dict() for a in self.lead],
            "support": [a.as_dict() for a in self.support],
            "source": g.source,
            "note": g.note,
            "inferred": list(g.inferred),
            "actual": (
                {"year": self.actual[0], "value": self.actual[1], "source": self.actual[2]} if self.actual else None
            ),
        }


def resolve_plan(data: DataSet, typed: str) -> LoadedPlan:
    """The plan ``typed`` names in ``data``: its id in any case or its document number. ``UnknownPlan``
    (exit 2) lists the plans there are; a number several plans share asks for the id."""
    from kehoach.typed import find_plan

    ids = find_plan(typed, ((lp.plan.id, lp.plan.number) for lp in data.plans))
    if len(ids) > 1:
        raise UnknownPlan(f"số hiệu {typed!r} là của {len(ids)} kế hoạch: {', '.join(ids)}; dùng mã kế hoạch")
    if ids:
        return data.plan(ids[0])
    try:
        return data.plan(typed)  # a plan whose file failed to load is said so (exit 1)
    except UnknownPlan as exc:
        known = ", ".join(f"{lp.plan.id} ({lp.plan.number})" if lp.plan.number else lp.plan.id for lp in data.plans)
        if type(exc) is not UnknownPlan:
            raise
        raise UnknownPlan(f"không có kế hoạch {typed!r}; các kế hoạch hiện có: {known}") from None


def split_ref(ref: str) -> tuple[str, str]:
    """"PLAN/ID" -> (PLAN, ID); the plan may be a document number with its own "/" ("74/QĐ-UBND/I.5")."""
    plan, sep, item = ref.strip().rpartition("/")
    if not sep or not plan.strip() or not item.strip():
        raise UnknownItem(f"{ref!r}: cần dạng KẾ-HOẠCH/MÃ, ví dụ qd74-dai-hoi-xx/I.13 hoặc 74/QĐ-UBND/I.13")
    return plan.strip(), item.strip()


def find_item(data: DataSet, ref: str) -> tuple[Plan, Task | Target]:
    """The task or target ``ref`` names: the plan by id or document number, the item by its id in any case."""
    from kehoach.typed import find_plan

    whole = find_plan(ref.strip(), ((lp.plan.id, lp.plan.number) for lp in data.plans))
    if whole:  # a plan alone, even "74/QĐ-UBND" whose own "/" would otherwise split it
        raise UnknownItem(
            f"{ref!r} là kế hoạch {', '.join(whole)}, không phải một nhiệm vụ; cần dạng KẾ-HOẠCH/MÃ, "
            f"ví dụ {ref.strip()}/I.1 (xem `kehoach tasks --plan {whole[0]}`)"
        )
    plan_ref, item_id = split_ref(ref)
    plan = resolve_plan(data, plan_ref).plan
    items: list[Task | Target] = [*plan.tasks, *plan.targets]
    for wanted in (item_id, item_id.casefold()):
        found = [i for i in items if (i.id if wanted is item_id else i.id.casefold()) == wanted]
        if found:
            return plan, found[0]
    ids = [i.id for i in items]
    close = difflib.get_close_matches(item_id, ids, n=3, cutoff=0.6)
    hint = f"; có phải: {', '.join(close)}?" if close else "; xem `kehoach tasks --plan " + plan.id + "`"
    raise UnknownItem(f"kế hoạch {plan.id} không có nhiệm vụ hay chỉ tiêu {item_id!r}{hint}")


def detail(data: DataSet, ref: str, today: dt.date) -> TaskDetail | TargetDetail:
    """Everything about one task (its status as of ``today``) or one target."""
    plan, item = find_item(data, ref)
    if isinstance(item, Target):
        found = data.progress.target_actual(plan.id, item.id)
        actual = (found[0], found[1].actual, found[1].source) if found else None
        return TargetDetail(plan, item, _assignees(data, item.lead, None), _assignees(data, item.support, None), actual)
    return task_detail(data, plan, item, today)


def task_detail(data: DataSet, plan: Plan, task: Task, today: dt.date) -> TaskDetail:
    from kehoach.dataset import plan_dates
    from kehoach.status import current_judgement

    found = data.deadline_or_error(plan, task)
    d = found if isinstance(found, Deadline) else None
    problem = str(found) if isinstance(found, DeadlineError) else None
    j = current_judgement(data, plan, task, today)
    records = [
        RecordLine(
            r.year, r.progress.status, r.progress.completed, r.progress.reported_on, r.progress.reported_by,
            r.progress.result, r.progress.evidence, r.progress.note, r.example,
        )
        for r in data.progress.records(plan.id, task.id, as_of=today)
    ]
    coming: list[dt.date] = []
    if d is not None:
        horizon = today + dt.timedelta(days=366)
        if d.recurring:
            coming = d.occurrences(plan_dates(plan), today, horizon)
        elif d.due is not None and d.due >= today:
            coming = [d.due]
    return TaskDetail(
        plan=plan,
        section=plan.section_of(task.id),
        task=task,
        deadline=d,
        deadline_problem=problem,
        lead=_assignees(data, task.lead, task),
        support=_assignees(data, task.support, task),
        status=j.code,
        status_label=j.label,
        status_due=j.due,
        days_overdue=j.days_overdue,
        records=records,
        coming=coming,
        today=today,
    )


__all__ = [
    "TargetDetail", "TaskDetail", "UnknownItem", "UnknownPlan", "detail", "find_item", "resolve_plan", "split_ref"
]
