"""What CI asks of the data: every task has a lead and a deadline, every name and deadline resolves.

Errors make ``kehoach check`` fail. Warnings are true statements about the source documents that a
reader should see (a deadline before the date of issue, two deadlines for one task, a value the
encoder had to infer) and never change the exit code.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kehoach.agencies import CENTRAL, AgencyError, Registry, UnknownAgency
from kehoach.dataset import DataSet
from kehoach.deadlines import Deadline, DeadlineError, PlanDates, parse_deadline, plan_dates
from kehoach.loader import LoadedPlan, PathT, Problem, format_path
from kehoach.model import Plan, Target, Task

_INFERRED_LABELS = {
    "deadline": "thời hạn",
    "lead": "cơ quan chủ trì",
    "support": "cơ quan phối hợp",
    "product": "sản phẩm",
    "content": "nội dung",
    "leader": "lãnh đạo chỉ đạo",
    "value": "giá trị",
    "year": "năm",
    "unit": "đơn vị tính",
}
_HEADER_LABELS = {
    "due": "ngày báo cáo",
    "to": "nơi nhận",
    "by": "cơ quan tổng hợp",
    "kind": "loại (sơ kết/tổng kết)",
    "year": "năm",
    "start": "năm bắt đầu",
    "end": "năm kết thúc",
}


@dataclass
class Report:
    plans: int
    tasks: int
    targets: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def as_dict(self) -> dict[str, object]:
        return {
            "plans": self.plans,
            "tasks": self.tasks,
            "targets": self.targets,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }


class _Emitter:
    def __init__(self, lp: LoadedPlan) -> None:
        self.lp = lp
        self.file = str(lp.path)  # one string for every problem of the file
        self.out: list[Problem] = []

    def __call__(self, path: PathT, code: str, message: str, severity: str = "error") -> None:
        line, col = self.lp.where(path)
        self.out.append(Problem(self.file, line, col, format_path(path), code, message, severity))  # type: ignore[arg-type]


def check(data: DataSet, extra: Iterable[Problem] = ()) -> Report:
    problems = list(data.problems)
    problems += _check_registry(data)
    problems += _check_jurisdictions(data)
    for lp in data.plans:
        problems += _check_plan(data, lp)
        lp.positions.forget()  # read again from the cache if asked: 100,000 tasks' positions are never all held
    problems += list(extra)
    tasks = sum(len(lp.plan.tasks) for lp in data.plans)
    targets = sum(len(lp.plan.targets) for lp in data.plans)
    return Report(len(data.plans), tasks, targets, problems)


def _check_jurisdictions(data: DataSet) -> list[Problem]:
    """A plan's ``jurisdiction`` and the data folder's default name a jurisdiction of the registry."""
    known = data.registry.jurisdictions
    if not known:
        return []
    listed = ", ".join(sorted(known))
    out: list[Problem] = []
    for lp in data.plans:
        j = lp.plan.jurisdiction
        if j is not None and j not in known:
            line, col = lp.where(("jurisdiction",))
            out.append(Problem(str(lp.path), line, col, "jurisdiction", "plan.jurisdiction",
                               f"không có địa phương {j!r} trong {data.registry_path}; mã hợp lệ: {listed}"))
    default = data.config.jurisdiction
    if default is not None and default not in known:
        out.append(Problem(str(data.root / "kehoach.yaml"), None, None, "jurisdiction", "config.jurisdiction",
                           f"không có địa phương {default!r} trong {data.registry_path}; mã hợp lệ: {listed}"))
    return out


def _check_registry(data: DataSet) -> list[Problem]:
    out: list[Problem] = []
    path = str(data.registry_path)
    agencies = list(data.registry)
    index = {a.id: i for i, a in enumerate(agencies)}

    def emit(where: PathT, code: str, message: str) -> None:
        line, col = data.registry_positions.of(where)
        out.append(Problem(path, line, col, format_path(where), code, message))

    seen: dict[str, str] = {}
    for i, a in enumerate(agencies):
        for j, other in enumerate(a.replaced_by):
            if other not in data.registry.agencies:
                emit(("agencies", i, "replaced_by", j), "registry.unknown-successor",
                     f"{a.name}: cơ quan kế nhiệm {other!r} không có trong sổ đăng ký")
        for j, sc in enumerate(a.successions):
            if sc.to not in a.replaced_by:
                emit(("agencies", i, "successions", j, "to"), "registry.unknown-successor",
                     f"{a.name}: {sc.to!r} trong successions không có trong replaced_by")
        for j, other in enumerate(a.excludes):
            if other not in data.registry.agencies:
                emit(("agencies", i, "excludes", j), "registry.unknown-id", f"{a.name}: không có mã cơ quan {other!r}")
        for name in data.registry.names_of(a):
            try:
                found = data.registry.resolve(name, a.jurisdiction or CENTRAL)  # each province's names apart
            except AgencyError as exc:
                emit(("agencies", i), "registry.ambiguous", str(exc))
                continue
            if found.id != a.id and name not in seen:
                emit(("agencies", i), "registry.ambiguous", f"tên {name!r} của {a.name} lại trỏ tới {found.name}")
            seen[name] = a.id
    ids = Counter(a.id for a in agencies)
    for aid, n in ids.items():
        if n > 1:
            emit(("agencies", index[aid], "id"), "registry.duplicate-id", f"mã cơ quan {aid!r} lặp {n} lần")
    return out


def _names(lp: LoadedPlan) -> Iterator[tuple[PathT, str]]:
    plan = lp.plan
    if plan.monitor:
        yield ("monitor",), plan.monitor
    rep = plan.reporting
    for key in ("annual", "consolidated"):
        block = getattr(rep, key)
        if block is None:
            continue
        if getattr(block, "by", None):
            yield ("reporting", key, "by"), block.by
        for field_name in ("to", "via", "cc"):
            for i, n in enumerate(getattr(block, field_name)):
                yield ("reporting", key, field_name, i), n
    for ri, route in enumerate(rep.routes):
        for field_name in ("senders", "to", "via", "cc"):
            for i, n in enumerate(getattr(route, field_name)):
                yield ("reporting", "routes", ri, field_name, i), n
    for path, task in lp.task_paths():
        for field_name in ("lead", "support"):
            for i, n in enumerate(getattr(task, field_name)):
                yield (*path, field_name, i), n
    for ti, target in enumerate(plan.targets):
        for field_name in ("lead", "support"):
            for i, n in enumerate(getattr(target, field_name)):
                yield ("targets", ti, field_name, i), n


def unknown_agency_message(registry_file: str, name: str, exc: UnknownAgency, registry: Registry | None = None) -> str:
    """What to do about a name the registry does not know: split off role text, an alias line for the body
    it abbreviates, a near name, or how to add it (a collective as a collective, the level its words say),
    all within the plan's own province."""
    from kehoach.agencies import is_role_text, level_of_name, scope_of
    from kehoach.text import normalize

    message = f"không tìm thấy cơ quan {name!r} trong {registry_file}"
    if is_role_text(name):
        return message + (
            ". Ô này ghi cả phần việc của cơ quan: chỉ ghi tên cơ quan vào lead/support, phần còn lại (chủ trì"
            " …, số thứ tự, phạm vi) vào note của nhiệm vụ (docs/encoding.md, mục 6)."
        )
    body = registry.variant_of(name) if registry is not None else None
    if body is not None:
        return message + (
            f". Có vẻ là cách viết khác của {body.name!r}: thêm {normalize(name)!r} vào aliases của mục"
            f" id: {body.id} trong {registry_file} (nếu mục này được tạo sẵn từ bộ cơ quan chuẩn, thêm một mục"
            f" cùng id: {body.id} cho địa phương)."
        )
    message += ("; có phải: " + ", ".join(exc.suggestions) + "?") if exc.suggestions else "."
    level = level_of_name(name)
    what = "tập thể (giao chung; ghi covers theo docs/encoding.md, mục 11)" if level == "collective" else "cơ quan"
    scope = scope_of(name)
    jurisdiction = scope if scope and scope != "central" else None
    message += (
        f" Nếu là {what} chưa có, thêm vào {registry_file} dưới 'agencies:' "
        f"(chọn level theo docs/encoding.md, mục 11; ghi basis nếu có văn bản): "
        f"{Registry.add_snippet(name, jurisdiction=jurisdiction)}"
    )
    return message


def _check_plan(data: DataSet, lp: LoadedPlan) -> list[Problem]:
    """Every problem of one plan, in a stable order: ids, agency names, tasks, targets, inferred facts."""
    emit = _Emitter(lp)
    plan = lp.plan
    if plan.id != lp.path.stem:
        emit(("id",), "plan.id-mismatch", f"mã kế hoạch {plan.id!r} phải trùng tên tệp {lp.path.stem!r}")
    _check_unique_ids(emit, lp)
    _check_agency_names(emit, data, lp)
    dates = plan_dates(plan)
    for path, task in lp.task_paths():
        _check_task(emit, data, plan, dates, path, task)
    _check_target_leads(emit, plan)
    _check_inferred_header(emit, plan)
    _check_inferred_targets(emit, plan)
    return emit.out


def _check_unique_ids(emit: _Emitter, lp: LoadedPlan) -> None:
    plan = lp.plan
    for kind, items in (
        ("section", [(("sections", i), s.id) for i, s in enumerate(plan.sections)]),
        ("task", [(p, t.id) for p, t in lp.task_paths()]),
        ("target", [(("targets", i), t.id) for i, t in enumerate(plan.targets)]),
    ):
        seen: set[str] = set()
        for path, item_id in items:
            if item_id in seen:
                emit((*path, "id"), "plan.duplicate-id", f"mã {item_id!r} bị lặp ({kind}) trong kế hoạch")
            seen.add(item_id)


def _check_agency_names(emit: _Emitter, data: DataSet, lp: LoadedPlan) -> None:
    for path, name in _names(lp):
        try:
            data.registry.resolve(name)
        except UnknownAgency as exc:
            emit(path, "agency.unknown", unknown_agency_message(str(data.registry_path), name, exc, data.registry))
        except AgencyError as exc:
            emit(path, "agency.unknown", f"cơ quan không có trong sổ đăng ký: {exc}")


def _check_task(emit: _Emitter, data: DataSet, plan: Plan, dates: PlanDates, path: PathT, task: Task) -> None:
    """A task's lead and successors, its deadline and the other deadlines sources give, what was inferred."""
    label = f"nhiệm vụ {task.id}"
    if not task.lead:
        emit((*path, "lead"), "task.no-lead", f"{label}: chưa có cơ quan chủ trì (lead)")
    heirs = {h.id for n in task.lead for a in data.registry.current(n) for h in [a]}
    for si, name in enumerate(task.successor):
        found = data.registry.current(name)
        if not found or not any(a.id in heirs for a in found):
            emit(
                (*path, "successor", si),
                "task.successor",
                f"{label}: {name!r} không phải cơ quan kế nhiệm của cơ quan chủ trì",
            )
    result = data.deadline_or_error(plan, task)
    if result is None:
        emit((*path, "deadline"), "task.no-deadline", f"{label}: chưa có thời hạn (deadline)")
    elif isinstance(result, DeadlineError):
        emit((*path, "deadline"), "deadline.unparsed", f"{label}: {result}")
    else:
        _deadline_warnings(emit, plan, (*path, "deadline"), label, result)
    for oi, other in enumerate(task.other_deadlines):
        opath = (*path, "other_deadlines", oi, "text")
        try:
            alt = parse_deadline(other.text, dates)
        except DeadlineError as exc:
            emit(opath, "deadline.unparsed", f"{label} ({other.source}): {exc}")
            continue
        if isinstance(result, Deadline) and alt.due != result.due:
            emit(
                opath,
                "deadline.conflict",
                f"{label}: thời hạn {task.deadline!r} ({task.source or 'bảng'}) khác với "
                f"{other.text!r} ({other.source})",
                "warning",
            )
    for name in task.inferred:
        reason = f": {task.note}" if task.note else ""
        emit(
            (*path, name),
            "inferred",
            f"{label}: {_INFERRED_LABELS.get(name, name)} do người mã hóa suy ra hoặc diễn đạt lại, "
            f"không chép nguyên văn{reason}",
            "warning",
        )


def _check_target_leads(emit: _Emitter, plan: Plan) -> None:
    """In a target table with a lead column, an empty cell is worth a warning of its own (a target from
    the same table or paragraph has a lead). Objectives stated in prose assign no lead: one summary line
    says so."""

    def origin(t: Target) -> str:
        return (t.source or "").split(",")[0].strip()

    led_groups = {origin(t) for t in plan.targets if t.lead}
    unassigned = 0
    for ti, target in enumerate(plan.targets):
        if target.lead:
            continue
        if origin(target) in led_groups:
            emit(
                ("targets", ti, "lead"),
                "target.no-lead",
                f"chỉ tiêu {target.id} ({target.name}): văn bản để trống cơ quan chủ trì",
                "warning",
            )
        else:
            unassigned += 1
    if unassigned:
        emit(
            ("targets",),
            "target.no-lead",
            f"{unassigned} chỉ tiêu nêu trong phần mục tiêu, văn bản không giao cơ quan chủ trì",
            "warning",
        )


def _check_inferred_header(emit: _Emitter, plan: Plan) -> None:
    """Plan-level facts the guide lets the encoder infer: report days and recipients, review years, periods."""
    header: list[tuple[PathT, str, list[str], str | None]] = []
    for key, what in (("annual", "báo cáo hằng năm"), ("consolidated", "báo cáo tổng hợp")):
        rep = getattr(plan.reporting, key)
        if rep is not None:
            header.append((("reporting", key), what, list(rep.inferred), rep.note))
    for ri, review in enumerate(plan.reviews):
        what = ("sơ kết" if review.kind == "midterm" else "tổng kết") + f" năm {review.year}"
        header.append((("reviews", ri), what, list(review.inferred), review.note))
    for pi, period in enumerate(plan.periods):
        header.append((("periods", pi), f"giai đoạn {period.label}", list(period.inferred), period.note))
    for where, what, names, note in header:
        for name in names:
            reason = f": {note}" if note else ""
            emit(
                (*where, name),
                "inferred",
                f"{what}: {_HEADER_LABELS.get(name, name)} do người mã hóa suy ra{reason}",
                "warning",
            )


def _check_inferred_targets(emit: _Emitter, plan: Plan) -> None:
    for ti, target in enumerate(plan.targets):
        for name in target.inferred:
            emit(
                ("targets", ti, name),
                "inferred",
                f"chỉ tiêu {target.id}: {_INFERRED_LABELS.get(name, name)} do người mã hóa suy ra",
                "warning",
            )


def _deadline_warnings(emit: _Emitter, plan, path: PathT, label: str, d: Deadline) -> None:  # type: ignore[no-untyped-def]
    if d.recurring or d.due is None:
        return
    if plan.issued and d.due < plan.issued:
        emit(
            path,
            "deadline.before-issue",
            f"{label}: thời hạn {d.text!r} ({d.due:%d/%m/%Y}) trước ngày ban hành {plan.issued:%d/%m/%Y}",
            "warning",
        )
    if d.due > plan.end:
        emit(
            path,
            "deadline.after-plan",
            f"{label}: thời hạn {d.text!r} ({d.due:%d/%m/%Y}) sau khi kết thúc giai đoạn {plan.end:%d/%m/%Y}",
            "warning",
        )


def check_progress(data: DataSet, today: dt.date | None = None) -> list[Problem]:
    """Task and target ids exist, dates are sane, the reporting agency resolves."""
    from kehoach.dataset import UnknownPlan, UnreadablePlan
    from kehoach.progress import REPORT_IDS, STATUS_VN, progress_of, progress_path

    today = today or dt.date.today()
    prog = progress_of(data)
    problems = list(prog.problems)
    for (plan_id, year), pf in prog.files.items():
        path = progress_path(Path(data.root), plan_id, year)
        pos = prog.positions.get(str(path))

        def emit(where: tuple[Any, ...], code: str, message: str, severity: str = "error", pos=pos, path=path) -> None:  # type: ignore[no-untyped-def]
            line, col = pos.of(where) if pos else (None, None)
            problems.append(Problem(str(path), line, col, format_path(where), code, message, severity))  # type: ignore[arg-type]

        try:
            plan = data.plan(plan_id).plan
        except (UnknownPlan, UnreadablePlan):
            if not any((Path(data.root) / "plans" / f"{plan_id}{ext}").exists() for ext in (".yaml", ".yml")):
                emit(("plan",), "progress.unknown-plan", f"không có kế hoạch {plan_id!r}")
            continue  # a plan file that failed to load is reported on its own
        task_ids = {t.id for t in plan.tasks}
        target_ids = {t.id for t in plan.targets}
        for tid, rec in pf.tasks.items():
            where = ("tasks", tid)
            if tid not in task_ids:
                emit(where, "progress.unknown-task", f"kế hoạch {plan_id} không có nhiệm vụ {tid!r}")
            for name in ("completed", "reported_on"):
                value = getattr(rec, name)
                if value and value > today:
                    emit((*where, name), "progress.future-date", f"{tid}: ngày {value:%d/%m/%Y} ở tương lai")
                if value and value.year > year + 1:
                    emit((*where, name), "progress.wrong-year", f"{tid}: ngày {value:%d/%m/%Y} không thuộc kỳ {year}")
            if rec.status == "done" and rec.completed is None:
                emit(
                    (*where, "completed"),
                    "progress.no-date",
                    f"{tid}: đã hoàn thành nhưng thiếu ngày hoàn thành",
                    "warning",
                )
            if rec.status != "done" and rec.completed is not None:
                emit(
                    (*where, "completed"),
                    "progress.date-not-done",
                    f"{tid}: có ngày hoàn thành nhưng trạng thái là {STATUS_VN[rec.status]!r}",
                )
            if rec.reported_by:
                try:
                    data.registry.resolve(rec.reported_by)
                except AgencyError as exc:
                    emit((*where, "reported_by"), "agency.unknown", str(exc))
        for tid in pf.targets:
            if tid not in target_ids:
                emit(("targets", tid), "progress.unknown-target", f"kế hoạch {plan_id} không có chỉ tiêu {tid!r}")
        for kind, by_agency in pf.reports.items():
            if kind not in REPORT_IDS:
                message = f"mã báo cáo {kind!r} không hợp lệ; dùng BC-HN, BC-TH"
                emit(("reports", kind), "progress.unknown-report", message)
            for name in by_agency:
                try:
                    data.registry.resolve(name)
                except AgencyError as exc:
                    emit(("reports", kind, name), "agency.unknown", str(exc))
        for tid, rec in pf.tasks.items():
            for name in rec.agencies:
                try:
                    data.registry.resolve(name)
                except AgencyError as exc:
                    emit(("tasks", tid, "agencies", name), "agency.unknown", str(exc))
    return problems
