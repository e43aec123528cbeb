"""Validated models as plain marshal-able trees, and back, without validating again.

The file cache (``kehoach.cache``) keeps each validated model of a plan or progress file. Reading it back
through pydantic (``model_validate_json``) validated every field again: ~12 µs a task, most of a warm run.
A model already validated need not be checked twice, so the cache keeps it as a tree of plain values
(``encode``) and rebuilds the very same objects (``decode``): each model's ``__dict__`` is set as pydantic
itself sets it, with the fields given and no private or extra values (the models forbid extra fields and have
no private attributes). A rebuilt model equals the validated one (``==``, same field values and types); a
test checks this on every bundled file and on the cache's own round trip.

Tree form: a model is a tuple ``(class name, given fields or None when all were given, *values)`` with its
values in field order; a date is ``(ordinal,)``; lists and dicts stay lists and dicts of such values; str,
int, float, bool and None are themselves. Only the model classes of ``kehoach.model`` and
``kehoach.progress`` are ever rebuilt, by name; a tree naming anything else, or shaped otherwise, is refused
(``ValueError``) and the file is read again from its YAML. The cache is keyed on this module and on those
defining the models, so the field order a tree was written in is the order it is read in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from kehoach.errors import DataError
from kehoach.loader import _FIELDS_SETS, EMPTY_LIST, _shape

_PLAIN = frozenset({str, int, float, bool, type(None)})
_new = object.__new__
_setattr = object.__setattr__
_date = dt.date
_from_ordinal = dt.date.fromordinal


# Also a ValueError: the cache takes any ValueError of a record as "read the file again".
class TreeError(DataError, ValueError):
    """A value the tree form cannot hold, or a tree that is not one this module wrote (a damaged cache: the data
    file is read again, so it never reaches a user)."""


# class name -> (class, field names, the shared set of all its fields, plain list fields, fields to decode,
# the other fields)
_Spec = tuple[type[BaseModel], tuple[str, ...], set[str], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
_SPECS: dict[str, _Spec] = {}
# A short text read again and again (a deadline as written, an id, a unit, a name) is kept once, as pydantic's
# own JSON reader keeps it: 100,000 tasks repeat a few thousand of them. Capped for a long-lived process.
_SHORT: dict[str, str] = {}
_SHORT_MAX = 64


# given fields as the tree writes them -> the shared set (see kehoach.loader._FIELDS_SETS)
_GIVEN: dict[Any, set[str]] = {}


def _spec(name: str) -> _Spec:
    found = _SPECS.get(name)
    if found is not None:
        return found
    from kehoach import model, progress

    cls = getattr(model, name, None) or getattr(progress, name, None)
    if not (
        isinstance(cls, type)
        and issubclass(cls, BaseModel)
        and cls.__module__ in (model.__name__, progress.__name__)
        and cls.__name__ == name
    ):
        raise TreeError(f"not a model class: {name!r}")
    full, plain, _named, holders = _shape(cls)
    # Fields holding models or dates are decoded; lists of plain values are kept as marshal made them (an
    # empty one becomes the shared empty list, as for a model read from YAML); plain values are themselves.
    deep = tuple(n for n, f in cls.model_fields.items() if n in holders or _mentions_date(f.annotation))
    lists = tuple(n for n in plain if n not in deep)
    others = tuple(n for n in cls.model_fields if n not in deep and n not in lists)
    found = _SPECS[name] = (cls, tuple(cls.model_fields), full, lists, deep, others)
    return found


def _mentions_date(annotation: Any) -> bool:
    import typing

    if annotation is _date or annotation is dt.datetime:
        return True
    return any(_mentions_date(a) for a in typing.get_args(annotation))


def encode(value: Any) -> Any:
    """``value`` (a validated model, or what its fields hold) as a tree; ``TreeError`` for anything else."""
    cls = value.__class__
    if cls in _PLAIN:
        return value
    if cls is list or cls is EMPTY_LIST.__class__:
        return [v if v.__class__ in _PLAIN else encode(v) for v in value]
    if cls is dict:
        out = {}
        for k, v in value.items():
            if k.__class__ is not str:
                raise TreeError("a dict key that is not text")
            out[k] = v if v.__class__ in _PLAIN else encode(v)
        return out
    if cls is _date:
        return (value.toordinal(),)
    if isinstance(value, BaseModel):
        spec_cls, names, full, _plain, _deep, _others = _spec(cls.__name__)
        if spec_cls is not cls:
            raise TreeError(cls.__name__)
        values = value.__dict__
        if tuple(values) != names or value.__pydantic_extra__ or value.__pydantic_private__:
            raise TreeError(f"{cls.__name__}: fields not as declared")
        given = value.__pydantic_fields_set__
        fs = None if len(given) == len(full) else tuple(sorted(given))
        return (cls.__name__, fs, *[v if v.__class__ in _PLAIN else encode(v) for v in values.values()])
    if isinstance(value, str):  # a str subclass (an agency name marked with its jurisdiction): plain text
        return str(value)
    raise TreeError(cls.__name__)


def decode(tree: Any) -> Any:
    """The value a tree stands for; ``TreeError`` for a tree this module did not write."""
    cls = tree.__class__
    if cls in _PLAIN:
        return tree
    if cls is list:
        if not tree:
            return EMPTY_LIST
        return [v if v.__class__ in _PLAIN else decode(v) for v in tree]
    if cls is dict:
        return {k: v if v.__class__ in _PLAIN else decode(v) for k, v in tree.items()}
    if cls is tuple:
        if len(tree) == 1:
            if tree[0].__class__ is not int:
                raise TreeError("a date that is not an ordinal")
            return _from_ordinal(tree[0])
        name = tree[0]
        if name.__class__ is not str:
            raise TreeError("a model without its class")
        model_cls, names, full, plain, deep, others = _SPECS.get(name) or _spec(name)
        if len(tree) != len(names) + 2:
            raise TreeError(f"{name}: {len(tree) - 2} values for {len(names)} fields")
        values = dict(zip(names, tree[2:], strict=True))
        short = _SHORT
        if len(short) > 500_000:
            short.clear()
        for n in others:
            v = values[n]
            if v.__class__ is str and len(v) <= _SHORT_MAX:
                values[n] = short.setdefault(v, v)
        for n in plain:
            v = values[n]
            if v.__class__ is not list:
                if v is not None:
                    raise TreeError(f"{name}.{n}: not a list")
            elif not v:
                values[n] = EMPTY_LIST
            else:
                v[:] = [short.setdefault(x, x) if x.__class__ is str and len(x) <= _SHORT_MAX else x for x in v]
        for n in deep:
            v = values[n]
            if v.__class__ not in _PLAIN:
                values[n] = decode(v)
        obj = _new(model_cls)
        _setattr(obj, "__dict__", values)
        fs = tree[1]
        given: set[str] | None = full if fs is None else _GIVEN.get(fs)
        if given is None:
            if fs.__class__ is not tuple or not set(fs) <= full:
                raise TreeError(f"{name}: given fields not among its fields")
            key = frozenset(fs)
            given = _FIELDS_SETS.get(key)
            if given is None:
                given = _FIELDS_SETS[key] = set(fs)
            _GIVEN[fs] = given
        _setattr(obj, "__pydantic_fields_set__", given)
        _setattr(obj, "__pydantic_extra__", None)
        _setattr(obj, "__pydantic_private__", None)
        return obj
    raise TreeError(cls.__name__)


# ------------------------------------------------------------------------------------------ plans, task by task


class NotLoaded(list):  # type: ignore[type-arg]
    """A task list (or the targets) of a plan's head (``PlanRecord.head``), not decoded. Read, it decodes the whole
    plan (``PlanRecord.full``, which puts the real lists in the head) and answers from the real list: a head is
    never taken for a plan without tasks. It refuses to be changed, as the data read is. (C code reading the list's
    own storage, such as pydantic's serializer, sees it empty: a head is for reading what a plan says of itself.)"""

    __slots__ = ("_load",)

    def __init__(self, load: Any) -> None:
        super().__init__()
        self._load = load

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("danh sách của dữ liệu đã nạp, không sửa được")

    def __iter__(self) -> Any:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __getitem__(self, key: Any) -> Any:
        return self._load()[key]

    def __bool__(self) -> bool:
        return bool(self._load())

    def __contains__(self, item: Any) -> bool:
        return item in self._load()

    def __reversed__(self) -> Any:
        return reversed(self._load())

    def __eq__(self, other: Any) -> bool:
        return self._load() == other  # type: ignore[no-any-return]

    def __ne__(self, other: Any) -> bool:
        return self._load() != other  # type: ignore[no-any-return]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._load())

    def index(self, *args: Any) -> int:  # type: ignore[override]
        return self._load().index(*args)  # type: ignore[no-any-return]

    def count(self, item: Any) -> int:
        return self._load().count(item)  # type: ignore[no-any-return]

    def copy(self) -> list[Any]:
        return list(self._load())

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse  # type: ignore[assignment]
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse  # type: ignore[assignment]


def encode_plan(plan: Any) -> tuple[Any, list[int], tuple[bytes, list[int]], list[str], bytes]:
    """A plan as its head (every section's tasks and the targets left out), the section of each task, each
    task's own tree as marshal bytes (a task is decoded only when asked for; all in one bytes object, with
    where each ends), each task's id, and the targets' trees as marshal bytes (decoded with the whole plan)."""
    import marshal

    sections = []
    where: list[int] = []
    blobs: list[bytes] = []
    ids: list[str] = []
    for si, section in enumerate(plan.sections):
        for task in section.tasks:
            where.append(si)
            blobs.append(marshal.dumps(encode(task)))
            ids.append(str(task.id))
        sections.append(_without(section, {"tasks": []}))
    targets = marshal.dumps([encode(t) for t in plan.targets])
    ends: list[int] = []
    size = 0
    for b in blobs:
        size += len(b)
        ends.append(size)
    return _without(plan, {"sections": sections, "targets": []}), where, (b"".join(blobs), ends), ids, targets


def _without(obj: Any, trees: dict[str, Any]) -> Any:
    """``encode(obj)`` with the fields named in ``trees`` given as those trees instead of encoded from the object."""
    cls = obj.__class__
    spec_cls, names, full, _plain, _deep, _others = _spec(cls.__name__)
    if spec_cls is not cls or tuple(obj.__dict__) != names or obj.__pydantic_extra__ or obj.__pydantic_private__:
        raise TreeError(f"{cls.__name__}: fields not as declared")
    given = obj.__pydantic_fields_set__
    fs = None if len(given) == len(full) else tuple(sorted(given))
    values = [trees[n] if n in trees else (v if v.__class__ in _PLAIN else encode(v)) for n, v in obj.__dict__.items()]
    return (cls.__name__, fs, *values)


class PlanRecord:
    """A cached plan not yet decoded: its head at once, each task when asked for, the whole plan on demand.

    ``bind`` is called with each object made (``kehoach.agencies.bind_plan`` and its parts), so a name a task
    writes carries the plan's jurisdiction whichever way the task was reached.
    """

    __slots__ = (
        "_head_tree", "_where", "_blobs", "_ends", "_ids", "_targets", "_sums", "_unique", "_tasks", "_head", "_full",
        "bind_head", "bind_task",
    )

    def __init__(
        self,
        head: Any,
        where: list[int],
        blobs: tuple[bytes, list[int]],
        ids: list[str],
        targets: bytes,
        sums: bytes | None = None,
    ) -> None:
        parts: tuple[Any, ...] = (where, ids)
        if any(p.__class__ is not list for p in parts) or blobs.__class__ is not tuple or len(blobs) != 2:
            raise TreeError("a plan record not so made")
        data, ends = blobs
        if data.__class__ is not bytes or ends.__class__ is not list or not len(where) == len(ends) == len(ids):
            raise TreeError("a plan record not so made")
        if ends and (ends[-1] != len(data) or any(b < a for a, b in zip(ends, ends[1:], strict=False))):
            raise TreeError("a plan record not so made")
        if targets.__class__ is not bytes:
            raise TreeError("a plan record not so made")
        self._targets: bytes = targets
        # Each task's checksum (BLAKE2b, 16 bytes) when its bytes were read without one over them all.
        if sums is not None and (sums.__class__ is not bytes or len(sums) != 16 * len(ends)):
            raise TreeError("a plan record not so made")
        self._sums: bytes | None = sums
        self._blobs: memoryview = memoryview(data)
        self._ends: list[int] = ends
        self._ids: list[str] = ids
        self._unique: bool | None = None
        self._head_tree: Any = head
        self._where: list[int] = where
        self._tasks: dict[int, Any] = {}
        self._head: Any = None
        self._full: Any = None
        self.bind_head: Any = None  # set by the data set: marks the head's names (and a whole plan's)
        self.bind_task: Any = None  # marks one task's names

    def __len__(self) -> int:
        return len(self._ends)

    def unique_id_at(self, i: int) -> str | None:
        """Task ``i``'s id, when no other task of the plan has it (else None: the caller looks at the task)."""
        if self._unique is None:
            self._unique = len(set(self._ids)) == len(self._ids)
        return self._ids[i] if self._unique else None

    def index_of(self, task_id: str) -> int | None:
        """The position of the first task with this id (as a scan of ``Plan.tasks`` finds it)."""
        try:
            return self._ids.index(task_id)
        except ValueError:
            return None

    @property
    def id(self) -> str:
        return self.head().id  # type: ignore[no-any-return]

    def set_binders(self, head: Any, task: Any) -> None:
        """How names are marked from now on; a head and tasks already decoded are marked now."""
        self.bind_head, self.bind_task = head, task
        if self._head is not None:
            head(self._head)
        for t in self._tasks.values():
            task(t)

    def _decode_head(self) -> Any:
        plan = decode(self._head_tree)
        if plan.__class__.__name__ != "Plan" or any(not 0 <= si < len(plan.sections) for si in self._where):
            raise TreeError("a plan record holding something else")
        for si, section in enumerate(plan.sections):
            section.__dict__["tasks"] = NotLoaded(lambda si=si: self.full().sections[si].tasks)
        plan.__dict__["targets"] = NotLoaded(lambda: self.full().targets)
        return plan

    def head(self) -> Any:
        """The plan with its sections' tasks and its targets not decoded (``NotLoaded``: read, they decode the whole
        plan): for what a plan says of itself."""
        if self._head is None:
            plan = self._decode_head()
            if self.bind_head is not None:
                self.bind_head(plan)
            self._head = plan
        return self._head

    def task(self, i: int) -> Any:
        """Task ``i`` of the plan, in ``Plan.tasks`` order."""
        found = self._tasks.get(i)
        if found is None:
            import marshal

            start = self._ends[i - 1] if i > 0 else 0
            part = self._blobs[start : self._ends[i]]
            if self._sums is not None:
                import hashlib

                if hashlib.blake2b(part, digest_size=16).digest() != self._sums[16 * i : 16 * i + 16]:
                    raise TreeError("bộ nhớ đệm hỏng: dữ liệu nhiệm vụ không khớp tổng kiểm")
            found = decode(marshal.loads(part))
            if found.__class__.__name__ != "Task" or found.id != self._ids[i]:
                raise TreeError("a task record holding something else")
            if self.bind_task is not None:
                self.bind_task(found)
            self._tasks[i] = found
        return found

    def full(self) -> Any:
        """The whole plan, equal to the validated one: the head given its sections' tasks (so what was handed out
        as the head is the whole plan from now on); tasks already decoded are the same objects. The record lets
        go of the tasks' bytes."""
        if self._full is not None:
            return self._full
        by_section: dict[int, list[Any]] = {}
        for i, si in enumerate(self._where):
            by_section.setdefault(si, []).append(self.task(i))
        import marshal

        targets = decode(marshal.loads(self._targets))
        if targets.__class__ is not list and targets is not EMPTY_LIST:
            raise TreeError("a plan record holding something else")
        plan = self.head()
        if self.bind_task is not None:
            for target in targets:
                self.bind_task(target)  # a target's names are marked as a task's
        plan.__dict__["targets"] = targets
        for si, section in enumerate(plan.sections):
            section.__dict__["tasks"] = by_section.get(si) or EMPTY_LIST
        self._blobs = memoryview(b"")
        self._full = plan
        return plan

