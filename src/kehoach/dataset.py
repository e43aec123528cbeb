"""Everything under one data directory, loaded once: registry, plans and the problems met.

A ``DataSet`` is built in one place, ``load_data`` (``_load`` below), with everything it needs: the
registry, the plans, the problems met, the progress files and the deadlines the file cache already
parsed. It is frozen: no module sets its fields (a test that needs other progress builds a copy with
``dataclasses.replace(data, _progress=...)``). After construction it only fills its own memos (the
parsed deadline of a task, the index by plan id, the progress files read on first use), which give the
same answers as computing them again; ``forget_progress`` drops the progress memo after a progress file
was written. ``eq=False``: two data sets are the same only when they are the same object.

``plan_dates`` lives in ``kehoach.deadlines`` beside ``PlanDates``; it is imported here too because
older code imports it from this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kehoach.agencies import CONFIG_FILE, CONFIG_KEYS, DataConfig, Registry
from kehoach.deadlines import Deadline, DeadlineError, parse_deadline, plan_dates
from kehoach.errors import DataError, UsageError
from kehoach.loader import LoadedPlan, Positions, Problem, load_plan_file, load_registry_file, plan_files
from kehoach.model import Plan, RegistryFile, Task

if TYPE_CHECKING:
    from kehoach.cache import FileCache
    from kehoach.progress import Progress


# Also a LookupError, as before the one error base: callers outside the package catch it as one.
class UnknownPlan(UsageError, LookupError):
    """A plan id the data does not have: a usage mistake."""


# Not an UnknownPlan (that is a usage mistake): code that skips a plan it cannot have catches both.
class UnreadablePlan(DataError, LookupError):
    """The plan's own file is there but failed to load: a data problem, not a usage mistake."""


@dataclass(frozen=True, eq=False)
class DataSet:
    root: Path
    registry: Registry
    plans: list[LoadedPlan]
    problems: list[Problem] = field(default_factory=list)
    registry_positions: Positions = field(default_factory=Positions)
    config: DataConfig = field(default_factory=DataConfig)
    _deadlines: dict[tuple[str, str], Deadline | DeadlineError] = field(default_factory=dict, repr=False)
    _progress: Progress | None = field(default=None, repr=False)
    _by_id: tuple[list[LoadedPlan], int, dict[str, LoadedPlan]] | None = field(default=None, repr=False)
    # What the query index (``kehoach.qindex``) is keyed on: the registry, the configuration and every plan file as
    # the cache found them; None without the cache, or while one of them was just written (see FileCache.index_key).
    index_key: bytes | None = field(default=None, repr=False)
    _roles: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict, repr=False)  # kehoach.qindex lists
    # Deadlines the cache parsed for plans given undecoded (load_data(lazy=True)), still encoded: plan id ->
    # task id -> encoded; each decoded on first use into ``_deadlines``.
    _encoded: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    _decoded: dict[int, Any] = field(default_factory=dict, repr=False)  # id of an encoded value -> decoded
    # The registry and the plans ``index_key`` describes: a copy given other plans or another registry
    # (``dataclasses.replace``), or a list changed in place, is not answered from the index.
    _indexed: tuple[Registry, tuple[LoadedPlan, ...]] | None = field(default=None, repr=False)

    def index_fits(self) -> bool:
        """Are the registry and the plans still those the query index was keyed on?"""
        fit = self._indexed
        return (
            self.index_key is not None
            and fit is not None
            and fit[0] is self.registry
            and len(fit[1]) == len(self.plans)
            and all(a is b for a, b in zip(fit[1], self.plans, strict=True))
        )

    @property
    def progress(self) -> Progress:
        """The progress files under ``progress/``, read on first use (queries that need none never read them)."""
        if self._progress is None:
            from kehoach.progress import load_progress

            object.__setattr__(self, "_progress", load_progress(self.root))  # a memo of the files as they are
        progress: Progress = self._progress  # type: ignore[assignment]
        if progress.leads_of is None:  # the Progress memo's own field, not the data set's
            progress.leads_of = self.named_leads
        return progress

    def named_leads(self, plan_id: str, task_id: str) -> list[str]:
        """The agencies a task names as its leads, a dissolved one through its successors (registry names;
        collectives and unknown names left out)."""
        from kehoach.agencies import AgencyError

        try:
            task = self.plan(plan_id).task_by_id(task_id)
        except UnknownPlan:
            return []
        if task is None:
            return []
        names: list[str] = []
        for written in task.lead:
            try:
                agency = self.registry.resolve(written)
            except AgencyError:
                continue
            if agency.is_collective:
                continue
            heirs = []
            if agency.replaced_by:
                heirs = self.registry.heirs(agency.id, text=task.content, named=task.successor)
            for a in heirs or [agency]:  # a dissolved lead answers through its successors, as in kehoach.status
                if not a.is_collective and a.name not in names:
                    names.append(a.name)
        return names

    def forget_progress(self) -> None:
        """After a progress file was written: read the files again on next use."""
        object.__setattr__(self, "_progress", None)

    @property
    def registry_path(self) -> Path:
        return self.root / "agencies.yaml"

    def plan(self, plan_id: str) -> LoadedPlan:
        # An index by id, made again if the list was changed: a scan per call made checking one progress
        # file per plan quadratic (2,500 plans: 0.45 s).
        index = self._by_id
        if index is None or index[0] is not self.plans or index[1] != len(self.plans):
            ids: dict[str, LoadedPlan] = {}
            for lp in self.plans:
                ids.setdefault(lp.head.id, lp)  # the first, as a scan finds it
            index = (self.plans, len(self.plans), ids)
            object.__setattr__(self, "_by_id", index)  # a memo: rebuilt whenever the list differs
        found = index[2].get(plan_id)
        if found is not None:
            return found
        broken = sorted({p.file for p in self.problems if Path(p.file).stem == plan_id and p.severity == "error"})
        if broken:
            raise UnreadablePlan(
                f"kế hoạch {plan_id!r} không đọc được: tệp {', '.join(broken)} có lỗi; "
                "chạy `kehoach check` để xem chi tiết"
            )
        known = ", ".join(lp.head.id for lp in self.plans)
        raise UnknownPlan(f"không có kế hoạch {plan_id!r}; các kế hoạch hiện có: {known}")

    def deadline(self, plan: Plan, task: Task) -> Deadline | None:
        """The parsed deadline, or None when missing or unparseable (``check`` reports those)."""
        result = self.deadline_or_error(plan, task)
        return result if isinstance(result, Deadline) else None

    def deadline_at(self, lp: LoadedPlan, i: int) -> Deadline | None:
        """``deadline`` of task ``i`` of a loaded plan, without decoding the task when the cache parsed it."""
        tid = lp.task_id_at(i)
        if tid is not None:
            got = self._deadlines.get((lp.head.id, tid)) or self._from_encoded(lp.head.id, tid)
            if got is not None:
                return got if isinstance(got, Deadline) else None
        return self.deadline(lp.head, lp.task_at(i))

    def _from_encoded(self, plan_id: str, task_id: str) -> Deadline | DeadlineError | None:
        """The deadline the cache parsed for this task and kept encoded; None when it kept none."""
        encoded = self._encoded.get(plan_id)
        if not encoded or task_id not in encoded:
            return None
        value = encoded[task_id]
        got = self._decoded.get(id(value))  # a deadline written alike in many tasks is one object
        if got is None:
            from kehoach.cache import decode

            try:
                got = decode(value)
            except (TypeError, ValueError, KeyError, AttributeError):
                return None  # parsed again from the task
            if not isinstance(got, Deadline | DeadlineError):
                return None
            self._decoded[id(value)] = got
        self._deadlines[(plan_id, task_id)] = got
        return got  # type: ignore[no-any-return]

    def deadline_or_error(self, plan: Plan, task: Task) -> Deadline | DeadlineError | None:
        if not task.deadline:
            return None
        key = (plan.id, task.id)
        if key not in self._deadlines and self._from_encoded(plan.id, task.id) is None:
            try:
                self._deadlines[key] = parse_deadline(task.deadline, plan_dates(plan))
            except DeadlineError as exc:
                self._deadlines[key] = exc
        return self._deadlines[key]


def cache_enabled(cache: bool | None = None) -> bool:
    """An explicit choice wins; else on, unless $KEHOACH_NO_CACHE is set to something other than 0."""
    if cache is not None:
        return cache
    return os.environ.get("KEHOACH_NO_CACHE", "") in ("", "0")


def load_data(
    root: Path,
    cache: bool | None = None,
    on_plan: Callable[[int, int], None] | None = None,
    *,
    lazy: bool = False,
) -> DataSet:
    """Registry, plans and progress of one data directory, with every problem met.

    With the cache (the default, see ``kehoach.cache``), unchanged files are not parsed again; the
    result is the same either way. ``on_plan(done, total)`` is called after each plan file, to show
    progress when a large data set is read for the first time. ``lazy``: a plan taken from the cache is
    decoded part by part as it is asked for (its head, single tasks through the query index, the whole plan
    on first use of ``LoadedPlan.plan``), for a question about a few tasks among many; else whole, now.
    With ``lazy``, the plan an answer carries (``TaskHit.plan``, ``DueItem.plan``) may be a plan's head: its task
    lists and targets decode the whole plan when first read.
    """
    import gc

    # Loading builds millions of small objects that all live on: the cyclic collector would walk
    # them again and again while they are built, for nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_data(root, cache, on_plan, lazy)
    finally:
        if enabled:
            gc.enable()


def _load_data(
    root: Path, cache: bool | None, on_plan: Callable[[int, int], None] | None, lazy: bool = False
) -> DataSet:
    if not cache_enabled(cache):
        return _load(root, None, on_plan)
    from kehoach.cache import FileCache

    fc = FileCache(root)
    fc.lazy = lazy
    try:
        return _load(root, fc, on_plan)
    finally:
        fc.close()  # after commit, or when loading was interrupted: the snapshot being written goes


def _load(root: Path, fc: FileCache | None, on_plan: Callable[[int, int], None] | None = None) -> DataSet:
    problems: list[Problem] = []
    reg_path = root / "agencies.yaml"
    model: RegistryFile | None = None
    positions = Positions()
    config_read_as = fc.config_stamp(root / CONFIG_FILE) if fc is not None else None
    config, probs = load_config(root)
    problems += probs
    if os.path.lexists(reg_path):  # a FIFO or directory is reported by the loader, not called missing
        loaded, probs = load_registry_file(reg_path, fc)
        problems += probs
        if loaded:
            positions = loaded.positions
        if loaded and loaded.registry:
            model = loaded.registry
    else:
        problems.append(Problem(str(reg_path), None, None, "", "registry.missing", "thiếu tệp agencies.yaml"))
    plans: list[LoadedPlan] = []
    files = plan_files(root)
    if not files:  # a folder made by ``kehoach init`` (plans/ there, still empty) is a start, not an error
        ready = (root / "plans").is_dir()
        message = "chưa có kế hoạch nào trong plans/" if ready else "không có tệp kế hoạch nào (plans/*.yaml)"
        problems.append(
            Problem(str(root / "plans"), None, None, "", "plans.missing", message, "warning" if ready else "error")
        )
    for done, path in enumerate(files, 1):
        lp, probs = load_plan_file(path, fc)
        problems += probs
        if lp:
            plans.append(lp)
        if on_plan is not None:
            on_plan(done, len(files))
    for lp in plans:
        lp.bind(config.jurisdiction)
    registry = Registry(
        model.agencies if model else [],
        jurisdictions=model.jurisdictions if model else (),
        standard=model.standard if model else (),
        used={lp.head.jurisdiction for lp in plans},
        default=config.jurisdiction,
    )
    if fc is None:
        return DataSet(root, registry, plans, problems, positions, config=config)
    from kehoach.cache import take_deadlines, take_encoded
    from kehoach.progress import load_progress

    progress = load_progress(root, fc)
    deadlines = take_deadlines(fc, [lp.path for lp in plans])
    encoded = take_encoded(fc, [lp.path for lp in plans])
    index_key = fc.index_key(root / CONFIG_FILE, [lp.path for lp in plans], config_read_as)
    fc.commit()
    return DataSet(
        root, registry, plans, problems, positions, config=config, _deadlines=deadlines, _encoded=encoded,
        _progress=progress,
        index_key=index_key, _indexed=(registry, tuple(plans)),
    )


def load_config(root: Path) -> tuple[DataConfig, list[Problem]]:
    """``<data>/kehoach.yaml`` if present: ``jurisdiction: ha-noi`` names the jurisdiction a typed agency name
    means when several hold it. Read as data (size-capped, plain YAML); a problem is reported, never raised."""
    from kehoach.loader import LoadError, read_yaml

    path = root / CONFIG_FILE
    if not path.exists() and not path.is_symlink():
        return DataConfig(), []
    try:
        doc = read_yaml(path)
    except LoadError as exc:
        return DataConfig(), [exc.problem]
    value = doc.data
    if value is None:
        return DataConfig(), []
    if not isinstance(value, dict):
        message = "tệp cấu hình phải là các dòng 'khóa: giá trị'"
        return DataConfig(), [Problem(str(path), 1, None, "", "config.invalid", message)]
    problems = [
        Problem(str(path), None, None, str(k), "config.unknown-key", f"khóa {k!r} không dùng được; khóa hợp lệ: "
                + ", ".join(CONFIG_KEYS))
        for k in value
        if k not in CONFIG_KEYS
    ]
    j = value.get("jurisdiction")
    if j is not None and not (isinstance(j, str) and j.strip()):
        message = "jurisdiction phải là mã địa phương, ví dụ ha-noi"
        problems.append(Problem(str(path), None, None, "jurisdiction", "config.invalid", message))
        j = None
    return DataConfig(jurisdiction=j.strip() if isinstance(j, str) else None), problems
