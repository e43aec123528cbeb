"""Everything under one data directory, loaded once: registry, plans and the problems met."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kehoach.agencies import Registry
from kehoach.deadlines import Deadline, DeadlineError, PlanDates, parse_deadline
from kehoach.loader import LoadedPlan, Positions, Problem, load_plan_file, load_registry_file, plan_files
from kehoach.model import DayMonth, Plan, Task


class UnknownPlan(LookupError):
    """A plan id the data does not have: a usage mistake."""

    exit_code = 2


def plan_dates(plan: Plan) -> PlanDates:
    annual = plan.reporting.annual
    semi = tuple((d.day, d.month) for d in map(DayMonth.parse, plan.reporting.semiannual))
    return PlanDates(
        start=plan.start,
        end=plan.end,
        annual_report=(annual.day_month.day, annual.day_month.month) if annual else None,
        semiannual_reports=semi or ((30, 6), (31, 12)),
    )


@dataclass
class DataSet:
    root: Path
    registry: Registry
    plans: list[LoadedPlan]
    problems: list[Problem] = field(default_factory=list)
    registry_positions: Positions = field(default_factory=Positions)
    _deadlines: dict[tuple[str, str], Deadline | DeadlineError] = field(default_factory=dict, repr=False)

    @property
    def registry_path(self) -> Path:
        return self.root / "agencies.yaml"

    def plan(self, plan_id: str) -> LoadedPlan:
        for lp in self.plans:
            if lp.plan.id == plan_id:
                return lp
        known = ", ".join(lp.plan.id for lp in self.plans)
        raise UnknownPlan(f"không có kế hoạch {plan_id!r}; các kế hoạch hiện có: {known}")

    def deadline(self, plan: Plan, task: Task) -> Deadline | None:
        """The parsed deadline, or None when missing or unparseable (``check`` reports those)."""
        result = self.deadline_or_error(plan, task)
        return result if isinstance(result, Deadline) else None

    def deadline_or_error(self, plan: Plan, task: Task) -> Deadline | DeadlineError | None:
        if not task.deadline:
            return None
        key = (plan.id, task.id)
        if key not in self._deadlines:
            try:
                self._deadlines[key] = parse_deadline(task.deadline, plan_dates(plan))
            except DeadlineError as exc:
                self._deadlines[key] = exc
        return self._deadlines[key]


def load_data(root: Path) -> DataSet:
    problems: list[Problem] = []
    reg_path = root / "agencies.yaml"
    registry = Registry([])
    positions = Positions()
    if reg_path.is_file():
        loaded, probs = load_registry_file(reg_path)
        problems += probs
        if loaded:
            positions = loaded.positions
        if loaded and loaded.registry:
            registry = Registry(loaded.registry.agencies)
    else:
        problems.append(Problem(str(reg_path), None, None, "", "registry.missing", "thiếu tệp agencies.yaml"))
    plans: list[LoadedPlan] = []
    files = plan_files(root)
    if not files:
        problems.append(
            Problem(str(root / "plans"), None, None, "", "plans.missing", "không có tệp kế hoạch nào (plans/*.yaml)")
        )
    for path in files:
        lp, probs = load_plan_file(path)
        problems += probs
        if lp:
            plans.append(lp)
    return DataSet(root, registry, plans, problems, positions)
