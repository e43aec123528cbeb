"""A cache of loaded, validated files, so that a question asked twice does not parse YAML twice.

Each data directory gets one snapshot file in the user cache directory (``$KEHOACH_CACHE_DIR``, else
``$XDG_CACHE_HOME/kehoach``, else ``~/.cache/kehoach``). For every input file it keeps what loading
that file produced: the problems met, and the validated model as JSON, which pydantic reads back
about as fast as ``json.load``. Positions (line and column of every key and item) live beside it,
one small file per input, read only when a message needs them.

It can never be stale: an entry is used only when the file's inode, size, mtime and ctime (all in
nanoseconds) are those recorded, and the snapshot is keyed on the tool's version and on the source
files that shape what is cached. A file written within the timestamp granularity of the moment it
was cached ("racy") also has its content hash recorded and checked. Files are stat'ed before and
after a rebuild; a snapshot whose inputs changed meanwhile is not written. A changed file is parsed
again on its own; the others are taken from the snapshot.

Failures of the cache itself (a read-only or full disk, a corrupt or foreign file) never fail a
command: the cache is skipped and the files are parsed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kehoach.loader import LoadError, Positions, Problem, parse_model, read_yaml, share_fields_sets

if TYPE_CHECKING:
    from kehoach.dataset import DataSet

FORMAT = 2
# A file modified this close to the moment it was cached may change again within the same
# timestamp tick: its content hash is recorded too.
RACY_NS = 2_000_000_000
_SNAPSHOT = "snapshot.marshal"
# The cached content depends on these modules: a change in any of them starts the cache anew.
_SOURCES = (
    "loader.py", "model.py", "progress.py", "cache.py", "deadlines.py", "dataset.py", "text.py", "files.py",
    "__init__.py",
)

Stamp = tuple[int, int, int, int]


def cache_root() -> Path:
    """Where caches live: $KEHOACH_CACHE_DIR, else $XDG_CACHE_HOME/kehoach, else ~/.cache/kehoach."""
    explicit = os.environ.get("KEHOACH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "kehoach"


def cache_dir_for(root: Path) -> Path:
    real = os.path.realpath(root)
    return cache_root() / hashlib.sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def clear() -> int:
    """Remove every cached data directory; returns how many files were removed."""
    base = cache_root()
    removed = 0
    if not base.is_dir():
        return 0
    for sub in base.iterdir():
        if not sub.is_dir() or sub.is_symlink() or len(sub.name) != 24:
            continue
        for f in sub.iterdir():
            if f.is_file() and (f.name == _SNAPSHOT or f.suffix in (".pos", ".tmp")):
                f.unlink(missing_ok=True)
                removed += 1
        with contextlib.suppress(OSError):
            sub.rmdir()
    return removed


def _tool_key() -> tuple[Any, ...]:
    from kehoach import __version__

    here = Path(__file__).resolve().parent
    parts: list[Any] = [FORMAT, __version__, sys.version_info[:2]]
    for name in _SOURCES:
        try:
            st = os.stat(here / name)
            parts.append((name, st.st_size, st.st_mtime_ns))
        except OSError:
            parts.append((name, None))
    return tuple(parts)


def _stamp(path: Path) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _digest(path: Path) -> bytes | None:
    from kehoach.files import read_regular
    from kehoach.loader import MAX_BYTES

    try:  # a FIFO or /dev/zero is never read (NotRegularFile is an OSError); at most the size cap is
        return hashlib.sha256(read_regular(path, MAX_BYTES)).digest()
    except OSError:
        return None


def _problem_row(p: Problem) -> tuple[Any, ...]:
    return (p.file, p.line, p.column, p.path, p.code, p.message, p.severity)


class _LazyPositions(Positions):
    """Positions read from the cache on first use (a message needs a line), else parsed again."""

    def __init__(self, load: Callable[[], dict[Any, tuple[int, int]]]) -> None:
        self._load = load
        self._where: dict[Any, tuple[int, int]] | None = None

    @property
    def where(self) -> dict[Any, tuple[int, int]]:  # type: ignore[override]
        if self._where is None:
            self._where = self._load()
        return self._where

    def forget(self) -> None:
        self._where = None


class FileCache:
    """The snapshot of one data directory, read once, written back once if anything was rebuilt."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dir = cache_dir_for(root)
        self.key = _tool_key()
        self.entries: dict[str, tuple[Any, ...]] = {}
        self.used: dict[str, Stamp | None] = {}  # every input looked at, with its stamp before reading
        # Entries to write back, with the positions to store beside them (None: those stored still hold).
        self.fresh: dict[str, tuple[tuple[Any, ...], dict[Any, Any] | None]] = {}
        self._read()
        self.known = set(self.entries)  # inputs the snapshot on disk has
        self.kept: set[str] = set()  # inputs taken from it
        # Parsed deadlines of each plan file, encoded (see ``encode``): task id -> deadline or error.
        self.deadlines: dict[str, dict[str, Any]] = {}
        self.hits = 0
        self.misses = 0

    def _read(self) -> None:
        try:
            with open(self.dir / _SNAPSHOT, "rb") as fh:
                snap = marshal.loads(fh.read())  # one read: marshal.load(fh) reads object by object, 3-4x slower
            if isinstance(snap, tuple) and len(snap) == 2 and snap[0] == self.key and isinstance(snap[1], dict):
                self.entries = snap[1]
        except (OSError, EOFError, ValueError, TypeError):
            self.entries = {}

    # -- reading ------------------------------------------------------------------------------

    def model(self, path: Path, model: Any) -> tuple[Any, list[Problem], Positions]:
        """The validated model of one file (or None), its problems, and its positions."""
        name = str(path)
        stamp = _stamp(path)
        self.used[name] = stamp
        got = self._hit(path, stamp, model)
        if got is not None:
            self.hits += 1
            return got
        self.misses += 1
        return self._rebuild(path, stamp, model)

    def _hit(self, path: Path, stamp: Stamp | None, model: Any) -> tuple[Any, list[Problem], Positions] | None:
        name = str(path)
        entry = self.entries.pop(name, None)  # the text is freed once its model is built
        if entry is None or stamp is None or entry[0] != stamp or entry[2] != model.__name__:
            return None
        if entry[1] is not None:  # cached while "racy": the content must be the same
            if entry[1] != _digest(path):
                return None
            if not _racy(stamp):
                self.fresh[name] = ((stamp, None, *entry[2:]), None)  # no need to hash it again
        try:
            obj = share_fields_sets(model.model_validate_json(entry[4])) if entry[4] is not None else None
        except ValueError:
            return None
        problems = [Problem(*row) for row in entry[3]]
        if len(entry) > 5 and entry[5] is not None:
            self.deadlines[name] = entry[5]
        self.kept.add(name)
        # Not a method of self: what the data set keeps must not keep the whole snapshot alive.
        load = functools.partial(_read_positions, self._pos_file(path), self.key, path, stamp)
        return obj, problems, _LazyPositions(load)

    def _rebuild(self, path: Path, stamp: Stamp | None, model: Any) -> tuple[Any, list[Problem], Positions]:
        try:
            doc = read_yaml(path)
        except LoadError as exc:
            obj, problems, positions = None, [exc.problem], Positions()
        else:
            obj, problems = parse_model(doc, model)
            positions = doc.positions
        if stamp is not None:
            racy = _digest(path) if _racy(stamp) else None
            blob = obj.model_dump_json().encode() if obj is not None else None
            rows = [_problem_row(p) for p in problems]
            deadlines = _plan_deadlines(obj) if obj is not None and model.__name__ == "Plan" else None
            if deadlines is not None:
                self.deadlines[str(path)] = deadlines
            self.fresh[str(path)] = ((stamp, racy, model.__name__, rows, blob, deadlines), positions.where)
        return obj, problems, positions

    def _pos_file(self, path: Path) -> Path:
        return self.dir / (hashlib.sha256(str(path).encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".pos")

    # -- writing ------------------------------------------------------------------------------

    def commit(self) -> bool:
        """Write the snapshot back if anything was rebuilt or dropped and no input changed meanwhile."""
        try:
            return self._commit()
        finally:
            self.entries, self.fresh = {}, {}  # the models are built: free the cached text

    def _commit(self) -> bool:
        dropped = self.known - set(self.used)
        if not self.fresh and not dropped:
            return False
        if any(_stamp(Path(name)) != stamp for name, stamp in self.used.items()):
            return False  # a file changed while it was read: the next run rebuilds it
        entries: dict[str, tuple[Any, ...]] = {}
        if self.kept:  # read the snapshot again for the entries used as they were (their text was freed)
            self.entries = {}
            self._read()
            entries = {n: e for n, e in self.entries.items() if n in self.kept and e[0] == self.used[n]}
            if len(entries) != len(self.kept):
                return False  # another process rewrote it meanwhile: leave it to the next run
        try:
            self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            for name, (entry, where) in self.fresh.items():
                if where is not None:
                    self._write(self._pos_file(Path(name)), (self.key, entry[0], where))
                entries[name] = entry
            for name in dropped:
                self._pos_file(Path(name)).unlink(missing_ok=True)
            self._write(self.dir / _SNAPSHOT, (self.key, entries))
        except (OSError, ValueError):
            return False
        return True

    @staticmethod
    def _write(target: Path, value: Any) -> None:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps(value))
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _read_positions(pos_file: Path, key: tuple[Any, ...], path: Path, stamp: Stamp) -> dict[Any, tuple[int, int]]:
    """The positions of ``path`` as stored beside the cache, else parsed again from the file itself."""
    try:
        with open(pos_file, "rb") as fh:
            got = marshal.loads(fh.read())
        if isinstance(got, tuple) and len(got) == 3 and got[0] == key and got[1] == stamp:
            return got[2]
    except (OSError, EOFError, ValueError, TypeError):
        pass
    try:  # no usable positions beside the cache: the file itself still tells
        if _stamp(path) == stamp:
            return read_yaml(path).positions.where
    except LoadError:
        pass
    return {}


def _plan_deadlines(plan: Any) -> dict[str, Any] | None:
    """Every task's parsed deadline (or the error met), encoded; None when one cannot be encoded."""
    from kehoach.dataset import plan_dates
    from kehoach.deadlines import DeadlineError, parse_deadline

    dates = plan_dates(plan)
    out: dict[str, Any] = {}
    try:
        for task in plan.tasks:
            if not task.deadline or task.id in out:
                continue
            key = (task.deadline, dates)  # "Hằng năm", "Quý I/2026"… recur across tasks and plans
            found = _PARSED.get(key)
            if found is None:
                try:
                    found = encode(parse_deadline(task.deadline, dates))
                except DeadlineError as exc:
                    found = encode(exc)
                _PARSED[key] = found
            out[task.id] = found
    except (TypeError, ValueError):
        return None
    return out


_PARSED: dict[tuple[str, Any], Any] = {}  # (deadline text, plan dates) -> encoded deadline or error


def seed_deadlines(fc: FileCache, data: DataSet) -> None:
    """Put the cached deadlines of each plan where the data set looks first."""
    for lp in data.plans:
        encoded = fc.deadlines.get(str(lp.path))
        if not encoded:
            continue
        pid = lp.plan.id
        try:
            decoded = {(pid, tid): decode(value) for tid, value in encoded.items()}
        except (TypeError, ValueError, KeyError, AttributeError):
            continue  # parsed again on demand
        for key, value in decoded.items():
            data._deadlines.setdefault(key, value)
    fc.deadlines = {}  # decoded: the encoded form is not needed again


# Deadlines are dataclasses of kehoach.deadlines holding dates, tuples and plain values; they are
# stored as marshal-able tuples tagged by kind, and rebuilt only as classes of that module.
def encode(value: Any) -> Any:
    import dataclasses
    import datetime as dt

    from kehoach.deadlines import DeadlineError

    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.datetime):
        raise TypeError("datetime")
    if isinstance(value, dt.date):
        return ("d", value.toordinal())
    if isinstance(value, tuple | list):
        return ("t" if isinstance(value, tuple) else "l", [encode(v) for v in value])
    if isinstance(value, DeadlineError):
        return ("E", value.text, value.reason, value.hint)
    if dataclasses.is_dataclass(value) and type(value).__module__ == "kehoach.deadlines":
        # Positional, in field order: the cache is keyed on deadlines.py, so the order cannot drift.
        return ("D", type(value).__name__, [encode(getattr(value, f.name)) for f in _init_fields(type(value))])
    raise TypeError(type(value).__name__)


_CLASSES: dict[str, type] = {}
_date_from_ordinal = date.fromordinal


def _init_fields(cls: type) -> list[Any]:
    import dataclasses

    return [f for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]


def decode(value: Any) -> Any:
    if value.__class__ is not tuple:
        return value
    tag = value[0]
    if tag == "d":
        return _date_from_ordinal(value[1])
    if tag == "t":
        return tuple(v if v.__class__ is not tuple else decode(v) for v in value[1])
    if tag == "l":
        return [v if v.__class__ is not tuple else decode(v) for v in value[1]]
    if tag == "E":
        from kehoach.deadlines import DeadlineError

        return DeadlineError(value[1], value[2], value[3])
    if tag == "D":
        cls = _CLASSES.get(value[1]) or _deadline_class(value[1])
        return cls(*[v if v.__class__ is not tuple else decode(v) for v in value[2]])
    raise ValueError(tag)


def _deadline_class(name: str) -> type:
    """Only the dataclasses of kehoach.deadlines are ever rebuilt from the cache."""
    import dataclasses

    from kehoach import deadlines

    cls = getattr(deadlines, name)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == deadlines.__name__):
        raise ValueError(name)
    _CLASSES[name] = cls
    return cls


def _racy(stamp: Stamp) -> bool:
    """Modified so recently that a change within the same timestamp tick could go unseen."""
    import time

    now = time.time_ns()
    return now - stamp[2] < RACY_NS or now - stamp[3] < RACY_NS
