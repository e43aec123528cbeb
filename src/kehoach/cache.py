"""A cache of loaded, validated files, so that a question asked twice does not parse YAML twice.

Each data directory gets one snapshot file in the user cache directory (``$KEHOACH_CACHE_DIR``, else
``$XDG_CACHE_HOME/kehoach``, else ``~/.cache/kehoach``). For every input file it keeps what loading
that file produced: the problems met, the parsed deadlines, and the validated model as JSON, which
pydantic reads back several times faster than the YAML is parsed and checked. Positions (line and
column of every key and item) live beside it, one small file per input, read only when a message
needs them.

Memory stays bounded by the models themselves: a file's record is read when that file is asked for,
a rebuilt record is written out as soon as it is made, and positions are never all held at once
(see ``FileCache``).

It can never be stale: an entry is used only when the file's inode, size, mtime and ctime (all in
nanoseconds) are those recorded, and the snapshot is keyed on the tool's version and on the source
files that shape what is cached. A file written within the timestamp granularity of the moment it
was cached ("racy") also has its content hash recorded and checked. Files are stat'ed before and
after a rebuild; a snapshot whose inputs changed meanwhile is not written. A changed file is parsed
again on its own; the others are taken from the snapshot.

Failures of the cache itself (a read-only or full disk, a corrupt or foreign file) never fail a
command: the cache is skipped and the files are parsed.

It cannot be used against its user (docs/security.md): every record, the index and each positions file
carry a checksum verified before ``marshal.loads`` sees a byte (marshal is not safe on damaged input); the
cache folder and its files must belong to the user, be writable by no one else and not be links — else the
cache is left alone for the run, with one warning. ``KEHOACH_CACHE_DIR`` must be an absolute path.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import struct
import sys
import tempfile
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from kehoach.errors import UsageError
from kehoach.loader import (
    LoadError,
    Positions,
    Problem,
    parse_model,
    read_data_file,
    read_yaml,
    share_fields_sets,
)

FORMAT = 6
# A file modified this close to the moment it was cached may change again within the same
# timestamp tick: its content hash is recorded too.
RACY_NS = 2_000_000_000
_SNAPSHOT = "snapshot.marshal"
_TRAILER = struct.Struct("<QQ16s8s")  # where the index starts, its length, its checksum, the format's mark
_MAGIC = b"kehoach6"
_SUM = 16  # bytes of a BLAKE2b checksum
# The cached content depends on these modules: a change in any of them starts the cache anew.
_SOURCES = (
    "loader.py", "model.py", "progress.py", "cache.py", "modeltree.py", "deadlines.py", "dataset.py", "text.py",
    "files.py", "__init__.py",
)

Stamp = tuple[int, int, int, int]


# A ValueError too: callers inside the package (FileCache) take it as "no cache this run".
class CacheLocationError(UsageError, ValueError):
    """No safe place for the cache can be named (a relative KEHOACH_CACHE_DIR, no home folder): the
    environment the command was given, so a usage error (exit code 2)."""


def cache_root() -> Path:
    """Where caches live: $KEHOACH_CACHE_DIR, else $XDG_CACHE_HOME/kehoach, else ~/.cache/kehoach.

    Always an absolute path: a relative KEHOACH_CACHE_DIR would name another folder in every working
    directory, so it is refused; an empty or relative HOME falls back to the account's home folder.
    """
    explicit = os.environ.get("KEHOACH_CACHE_DIR")
    if explicit:
        if not os.path.isabs(explicit):
            raise CacheLocationError(
                f"KEHOACH_CACHE_DIR={explicit!r} không phải đường dẫn tuyệt đối; "
                "đặt một đường dẫn bắt đầu bằng / (ví dụ $HOME/.cache/kehoach) hoặc bỏ biến này"
            )
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "kehoach"
    return _home() / ".cache" / "kehoach"


def _home() -> Path:
    home = os.environ.get("HOME", "")
    if os.path.isabs(home):
        return Path(home)
    try:  # HOME="" or relative: the account's own home folder
        import pwd

        home = pwd.getpwuid(os.geteuid()).pw_dir
    except (ImportError, KeyError, AttributeError, OSError):
        home = os.path.expanduser("~") if "HOME" not in os.environ else ""
    if not os.path.isabs(home):
        raise CacheLocationError("không xác định được thư mục nhà (HOME trống); đặt KEHOACH_CACHE_DIR")
    return Path(home)


def unsafe_folder(path: Path) -> str | None:
    """Why ``path`` may not hold the cache (a link, not a folder, someone else's, writable by others), or None."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc.strerror or "không đọc được"
    import stat

    if stat.S_ISLNK(st.st_mode):
        return "là một liên kết tượng trưng"
    if not stat.S_ISDIR(st.st_mode):
        return "không phải thư mục"
    return _foreign(st)


def _foreign(st: os.stat_result) -> str | None:
    geteuid = getattr(os, "geteuid", None)
    if geteuid is not None and st.st_uid != geteuid():
        return "thuộc người dùng khác"
    if os.name == "posix" and st.st_mode & 0o022:
        return "nhóm hoặc người khác ghi được"
    return None


_warned = False


def _warn(where: Path, why: str) -> None:
    """One line on stderr, once per run: the cache is skipped, answers come from the files themselves."""
    global _warned
    if _warned:
        return
    _warned = True
    with contextlib.suppress(OSError, ValueError, AttributeError):  # repr: no control character of a path passes
        sys.stderr.write(f"kehoach: cảnh báo: không dùng bộ nhớ đệm {str(where)!r}: {why}; đọc thẳng từ tệp dữ liệu\n")


def _checked(data: bytes) -> bytes:
    """``data`` behind its checksum."""
    return hashlib.blake2b(data, digest_size=_SUM).digest() + data


def _verified(raw: bytes) -> bytes:
    """The bytes behind a checksum that matches them, else ValueError: nothing damaged reaches marshal."""
    if len(raw) < _SUM or hashlib.blake2b(raw[_SUM:], digest_size=_SUM).digest() != raw[:_SUM]:
        raise ValueError("checksum")
    return raw[_SUM:]


def _open_own(path: Path) -> Any:
    """``path`` opened for reading if it is a regular file of the user's, not a link, writable by no one else."""
    import stat

    # O_NONBLOCK: a FIFO put in the file's place is refused below instead of waiting for a writer (no effect on
    # reading a regular file).
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or _foreign(st):
            raise ValueError("not the user's own file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _warn_text(why: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.write(f"kehoach: cảnh báo: không dùng bộ nhớ đệm: {why}\n")


def cache_dir_for(root: Path) -> Path:
    real = os.path.realpath(root)
    return cache_root() / hashlib.sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def clear() -> int:
    """Remove every cached data directory; returns how many files were removed. Links are never followed:
    a cache folder that is a link is refused, links inside it are removed as links."""
    base = cache_root()
    removed = 0
    if os.path.islink(base):
        raise CacheLocationError(f"thư mục đệm {str(base)!r} là một liên kết tượng trưng; không xóa qua liên kết")
    if not base.is_dir():
        return 0
    for sub in base.iterdir():
        if sub.is_symlink() or not sub.is_dir() or len(sub.name) != 24:
            continue
        for f in sub.iterdir():
            if (f.is_symlink() or f.is_file()) and (f.name == _SNAPSHOT or f.suffix in (".pos", ".tmp", ".roles")):
                f.unlink(missing_ok=True)
                removed += 1
        with contextlib.suppress(OSError):
            sub.rmdir()
    return removed


def _tool_key() -> tuple[Any, ...]:
    from kehoach import __version__

    return (FORMAT, __version__, sys.version_info[:2], *sources_key(_SOURCES))


def sources_key(names: Iterable[str]) -> list[Any]:
    """Size and modification time of each named module of the package: what a cached answer depends on."""
    here = Path(__file__).resolve().parent
    parts: list[Any] = []
    for name in names:
        try:
            st = os.stat(here / name)
            parts.append((name, st.st_size, st.st_mtime_ns))
        except OSError:
            parts.append((name, None))
    return parts


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


_ROW_TYPES: tuple[type | tuple[type, ...], ...] = (
    (str, type(None)), (int, type(None)), (int, type(None)), str, str, str, str
)


def _problem(row: Any, file: str) -> Problem:
    """A problem from its cached row, naming ``file`` as the user wrote it this time; a row of the wrong
    shape is a TypeError (a cache miss)."""
    if type(row) is not tuple or len(row) != len(_ROW_TYPES):
        raise TypeError("problem row")
    for value, kind in zip(row, _ROW_TYPES, strict=True):
        if not isinstance(value, kind):
            raise TypeError("problem row")
    return Problem(file if row[0] is None else row[0], *row[1:])


def _problem_row(p: Problem, file: str) -> tuple[Any, ...]:
    # The file's own name is not stored: "data/plans/x.yaml" and "/home/…/data/plans/x.yaml" share the entry.
    return (None if p.file == file else p.file, p.line, p.column, p.path, p.code, p.message, p.severity)


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
    """The snapshot of one data directory, read file by file, written back once if anything was rebuilt.

    The snapshot is one file: a record per input (its model as JSON and its parsed deadlines), then an
    index (stamps, problems, where each record lies), then a fixed-size trailer locating the index.
    Only the index is read up front; a record is read when its input is asked for, and a rebuilt
    record goes straight to the new snapshot's file, so no run holds every record at once.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._base = os.path.join(str(root), "")  # "data/": names of inputs are taken after it
        self._unwritable = False
        try:
            self.dir = cache_dir_for(root)
        except CacheLocationError as exc:
            self.dir = Path(os.devnull)
            self._unwritable = True
            _warn_text(str(exc))
        self.key = _tool_key()
        self.entries: dict[str, tuple[Any, ...]] = {}  # the index read: name -> entry
        self.used: dict[str, Stamp | None] = {}  # every input looked at, with its stamp before reading
        self.kept: dict[str, tuple[Any, ...]] = {}  # entries taken from the snapshot, to write back as they are
        self.fresh: dict[str, tuple[Any, ...]] = {}  # rebuilt entries, their records in the new file
        self.restamped = False  # a kept entry no longer needs its content hash: worth writing back
        self._snap: Any = None  # the snapshot file read, open while its records are needed
        self._new: tuple[Any, Path] | None = None  # the new snapshot being written (file, temporary path)
        self._records_end = 0  # the records lie before the index
        if not self._unwritable and self._safe_folders():
            self._read()
        self.known = set(self.entries)  # inputs the snapshot on disk has
        # Parsed deadlines of each plan file: (plan id, task id) -> deadline or error.
        self.deadlines: dict[str, dict[tuple[str, str], Any]] = {}
        self.hits = 0
        self.misses = 0
        self.lazy = False  # plans given undecoded (kehoach.modeltree.PlanRecord), else whole
        # Parsed deadlines of each plan given undecoded, still encoded: path -> (plan id, task id -> encoded).
        self.encoded: dict[str, tuple[str, dict[str, Any]]] = {}

    def _safe_folders(self) -> bool:
        """The cache root and this data directory's folder are the user's own (or not made yet); else the
        cache is not used this run, with a warning."""
        for folder in (self.dir.parent, self.dir):
            why = unsafe_folder(folder)
            if why is not None:
                self._unwritable = True
                _warn(folder, why)
                return False
        return True

    def _read(self) -> None:
        try:
            fh = _open_own(self.dir / _SNAPSHOT)  # kept open for the records, closed by commit
        except ValueError:
            self._unwritable = True
            _warn(self.dir / _SNAPSHOT, "tệp không thuộc người dùng, người khác ghi được, hoặc là liên kết")
            return
        except OSError:
            return
        try:
            size = os.fstat(fh.fileno()).st_size
            if size < _TRAILER.size:
                raise ValueError("short")
            start, length, digest, magic = _TRAILER.unpack(_read_at(fh, size - _TRAILER.size, _TRAILER.size))
            if magic != _MAGIC or start + length + _TRAILER.size != size:
                raise ValueError("not a snapshot")
            snap = marshal.loads(_verified(digest + _read_at(fh, start, length)))
            if not (isinstance(snap, tuple) and len(snap) == 2 and snap[0] == self.key and isinstance(snap[1], dict)):
                raise ValueError("another version")
            self.entries, self._snap, self._records_end = snap[1], fh, start
        except (OSError, EOFError, ValueError, TypeError, struct.error):
            fh.close()
            self.entries = {}

    def _record(self, span: Any) -> tuple[Any, Any]:
        blob, deadlines = marshal.loads(self._record_bytes(span))
        return blob, deadlines

    def _record_bytes(self, span: Any) -> bytes:
        """A record's bytes, its checksum verified (the index gives it with the record's place)."""
        if type(span) is not tuple or len(span) != 3:
            raise ValueError("not a record's place")
        start, length, digest = span
        if not (type(start) is int and type(length) is int and 0 <= start <= start + length <= self._records_end):
            raise ValueError("a record outside the records")  # never a read of a size a broken index says
        if type(digest) is not bytes or len(digest) != _SUM:
            raise ValueError("no checksum")
        data = _read_at(self._snap, start, length)
        if len(data) != length:
            raise ValueError("truncated")
        return _verified(digest + data)

    @staticmethod
    def config_stamp(config: Path) -> Stamp | tuple[()] | None:
        """The configuration's stamp, taken before it is read (``index_key``): () when there is none."""
        return _stamp(config) if os.path.lexists(config) else ()

    def index_key(self, config: Path, plans: list[Path], read_as: Any = None) -> bytes | None:
        """What answers drawn from the registry, the configuration and the plans depend on: the tool, each of
        those files as read this run (progress files left out: they change no one's role), and the plans in the
        order loaded. None when one of them is missing a stamp or was written too recently to be told apart
        from a rewrite in the same timestamp tick (the query index is then not used this run)."""
        stamps = sorted((n, s) for n, s in self.used.items() if not n.startswith("progress" + os.sep))
        conf = self.config_stamp(config)
        if read_as is not None and conf != read_as:
            return None  # the configuration changed after it was read: what was read may be neither version
        if conf is None or any(s is None or _racy(s) for _, s in stamps) or (conf and _racy(conf)):
            return None
        if self.misses and any(_stamp(self._path(n)) != s for n, s in stamps):
            return None  # a file read again this run changed meanwhile: what was read may be neither version
        order = [self._name(p) for p in plans]
        blob = marshal.dumps((self.key, stamps, conf, order))
        return hashlib.blake2b(blob, digest_size=_SUM).digest()

    def _side_record(self, spans: tuple[Any, ...], i: int) -> tuple[bytes, bool]:
        """Record ``i`` beside a file's own (a plan's tasks), and whether its checksum was verified: read whole
        and verified for a whole plan; for a question about a few tasks, read without hashing (each task is
        verified against its own checksum before it is decoded)."""
        if self.lazy:
            return self._record_raw(spans[i]), False
        return self._record_bytes(spans[i]), True

    def _record_raw(self, span: Any) -> bytes:
        """A record's bytes, not verified (the caller verifies each part it uses); its place checked as in
        ``_record_bytes``."""
        if type(span) is not tuple or len(span) != 3:
            raise ValueError("not a record's place")
        start, length, _digest = span
        if not (type(start) is int and type(length) is int and 0 <= start <= start + length <= self._records_end):
            raise ValueError("a record outside the records")
        data = _read_at(self._snap, start, length)
        if len(data) != length:
            raise ValueError("truncated")
        return data

    # -- reading ------------------------------------------------------------------------------

    def _name(self, path: Path) -> str:
        """How the snapshot names an input: relative to the data directory, so that one directory reached
        as "data", "./data" or "/home/…/data" (the snapshot is chosen by its real path) has one entry."""
        full, base = str(path), self._base
        return full[len(base):] if full.startswith(base) else full

    def _path(self, name: str) -> Path:
        return Path(name) if os.path.isabs(name) else self.root / name

    def model(self, path: Path, model: Any) -> tuple[Any, list[Problem], Positions]:
        """The validated model of one file (or None), its problems, and its positions."""
        name = self._name(path)
        stamp = _stamp(path)
        self.used[name] = stamp
        got = self._hit(path, stamp, model)
        if got is not None:
            self.hits += 1
            return got
        self.misses += 1
        return self._rebuild(path, stamp, model)

    def _hit(self, path: Path, stamp: Stamp | None, model: Any) -> tuple[Any, list[Problem], Positions] | None:
        name = self._name(path)
        entry = self.entries.pop(name, None)
        if type(entry) is not tuple or len(entry) != 6 or type(entry[5]) is not tuple or stamp is None:
            return None
        if entry[0] != stamp or entry[2] != model.__name__:
            return None
        if entry[1] is not None:  # cached while "racy": the content must be the same
            if entry[1] != _digest(path):
                return None
            if not _racy(stamp):
                entry = (stamp, None, *entry[2:])  # no need to hash it again
                self.restamped = True
        try:
            blob, deadlines = self._record(entry[4])
            obj = _model_from(blob, model, self.lazy, lambda i: self._side_record(entry[5], i))
            problems = [_problem(row, str(path)) for row in entry[3]]
        except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return None
        if deadlines is not None and obj is not None:
            if self.lazy and type(deadlines) is dict and not isinstance(obj, model):  # a plan not decoded yet
                self.encoded[str(path)] = (obj.id, deadlines)  # each decoded when asked (DataSet.deadline_at)
            else:
                self._deadlines(str(path), obj, deadlines)
        self.kept[name] = entry
        return obj, problems, self._lazy_positions(path, stamp)

    def _rebuild(self, path: Path, stamp: Stamp | None, model: Any) -> tuple[Any, list[Problem], Positions]:
        racy = None
        try:
            raw = read_data_file(path)
            if stamp is not None and _racy(stamp):
                # The hash of the very bytes parsed: a same-size rewrite in the same timestamp tick, even
                # one made while this file was being parsed, then never passes for what was cached.
                racy = hashlib.sha256(raw).digest()
            doc = read_yaml(path, raw)
            del raw
        except LoadError as exc:
            obj, problems, positions = None, [exc.problem], Positions()
        else:
            obj, problems = parse_model(doc, model)
            positions = doc.positions
            del doc  # the plain data: only the model is kept
        if stamp is None:
            return obj, problems, positions.packed()
        blob = _model_record(obj) if obj is not None else None
        deadlines = _plan_deadlines(obj) if obj is not None and model.__name__ == "Plan" else None
        if deadlines is not None:
            self._deadlines(str(path), obj, deadlines)
        side: tuple[Any, ...] = ()
        if blob is not None and blob[0] == "L":
            # The tasks' bytes go in a record of their own, each task with its own checksum: a question about a
            # few tasks reads them without hashing the rest (``_side_record``, ``PlanRecord``).
            head, where, (tasks, ends), ids, targets = blob[1]
            tspan = self._append(tasks)
            starts = [0, *ends][:-1]
            sums = b"".join(
                hashlib.blake2b(tasks[a:b], digest_size=_SUM).digest() for a, b in zip(starts, ends, strict=True)
            )
            blob = ("M", (head, where, ends, sums, ids, targets))
            side = (tspan,) if tspan is not None else (None,)
        span = self._append(marshal.dumps((blob, deadlines)))
        if span is not None and None not in side:
            rows = [_problem_row(p, str(path)) for p in problems]
            self.fresh[self._name(path)] = (stamp, racy, model.__name__, rows, span, side)
            # Positions go beside the cache now, and are read back when a message needs them.
            if self._store_positions(path, stamp, positions.where):
                return obj, problems, self._lazy_positions(path, stamp)
        return obj, problems, positions.packed()

    def _deadlines(self, name: str, plan: Any, encoded: dict[str, Any]) -> None:
        pid = plan.id
        memo: dict[int, Any] = {}  # a deadline stated alike in many tasks is one object (they are frozen)
        out: dict[tuple[str, str], Any] = {}
        try:
            for tid, value in encoded.items():
                got = memo.get(id(value))
                if got is None:
                    got = decode(value)
                    if not isinstance(got, Exception):
                        memo[id(value)] = got
                out[(pid, tid)] = got
        except (TypeError, ValueError, KeyError, AttributeError):
            return  # parsed again on demand
        self.deadlines[name] = out

    def _lazy_positions(self, path: Path, stamp: Stamp) -> Positions:
        # Not a method of self: what the data set keeps must not keep the cache alive.
        # The positions file is named when a message needs it, not for every file read.
        load = functools.partial(_read_named_positions, self.dir, self._name(path), self.key, path, stamp)
        return _LazyPositions(load)

    def _pos_file(self, path: Path) -> Path:
        return self._pos_file_named(self._name(path))

    def _pos_file_named(self, name: str) -> Path:
        return _pos_file_in(self.dir, name)

    # -- writing ------------------------------------------------------------------------------

    def _append(self, data: bytes) -> tuple[int, int, bytes] | None:
        """Write one record to the new snapshot; where it lies and its checksum, or None when the cache
        cannot be written."""
        if self._unwritable:
            return None
        try:
            if self._new is None:
                # Each folder made by kehoach is the user's alone (0700, whatever the umask), and checked
                # again once it exists: one made meanwhile by someone else, or a link, is not written into.
                for folder in (self.dir.parent, self.dir):
                    with contextlib.suppress(FileExistsError):
                        folder.parent.mkdir(parents=True, exist_ok=True)
                        folder.mkdir(mode=0o700)
                if not self._safe_folders():
                    return None
                fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".", suffix=".tmp")
                self._new = (os.fdopen(fd, "wb"), Path(tmp))
            fh = self._new[0]
            start = fh.tell()
            fh.write(data)
        except (OSError, ValueError):
            self._unwritable = True
            self._discard()
            return None
        return start, len(data), hashlib.blake2b(data, digest_size=_SUM).digest()

    def _store_positions(self, path: Path, stamp: Stamp, where: dict[Any, Any]) -> bool:
        if self._unwritable:
            return False
        try:
            self._write(self._pos_file(path), (self.key, stamp, where))
        except (OSError, ValueError):
            return False
        return True

    def commit(self) -> bool:
        """Write the snapshot back if anything was rebuilt or dropped and no input changed meanwhile."""
        try:
            return self._commit()
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the snapshot read and of a new one not committed (its temporary file is removed)."""
        self.entries, self.fresh, self.kept = {}, {}, {}
        self._discard()
        if self._snap is not None:
            self._snap.close()
            self._snap = None

    def _discard(self) -> None:
        if self._new is not None:
            fh, tmp = self._new
            self._new = None
            with contextlib.suppress(OSError):
                fh.close()
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def _commit(self) -> bool:
        if self._unwritable:
            return False
        dropped = self.known - set(self.used)
        if not self.fresh and not dropped and not self.restamped:
            return False
        if any(_stamp(self._path(name)) != stamp for name, stamp in self.used.items()):
            return False  # a file changed while it was read: the next run rebuilds it
        entries = dict(self.fresh)
        try:
            for name, entry in self.kept.items():  # copied record by record from the snapshot read
                side = tuple(self._append(self._record_bytes(s)) for s in entry[5])
                span = self._append(self._record_bytes(entry[4]))
                if span is None or None in side:
                    return False
                entries[name] = (*entry[:4], span, side)
            if self._new is None and self._append(b"") is None:
                return False
            assert self._new is not None
            fh, tmp = self._new
            index = marshal.dumps((self.key, entries))
            start = fh.tell()
            fh.write(index)
            fh.write(_TRAILER.pack(start, len(index), _checked(index)[:_SUM], _MAGIC))
            fh.close()
            for name in dropped:
                self._pos_file_named(name).unlink(missing_ok=True)
            os.replace(tmp, self.dir / _SNAPSHOT)
            self._new = None
        except (OSError, ValueError):
            return False
        self._sweep()
        return True

    def _sweep(self) -> None:
        """Temporary files a killed run left behind (an hour old: reading 100,000 tasks takes seconds)."""
        import time

        old = time.time() - 3_600
        with contextlib.suppress(OSError):
            import stat

            for f in self.dir.glob(".*.tmp"):
                with contextlib.suppress(OSError):
                    st = os.lstat(f)  # a link is never followed, only a file of the user's own is removed
                    if stat.S_ISREG(st.st_mode) and not _foreign(st) and st.st_mtime < old:
                        f.unlink()

    @staticmethod
    def _write(target: Path, value: Any) -> None:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_checked(marshal.dumps(value)))
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _model_record(obj: Any) -> Any:
    """What a record keeps of a validated model: its tree (``kehoach.modeltree``), rebuilt without validating
    again — a plan as its head and one tree per task, decoded as asked; a model the tree form cannot hold is
    kept as JSON, validated again when read."""
    from kehoach.model import Plan
    from kehoach.modeltree import TreeError, encode, encode_plan

    try:
        if obj.__class__ is Plan:
            return ("L", encode_plan(obj))
        return ("T", encode(obj))
    except (TreeError, RecursionError, ValueError):
        return ("J", _model_json(obj))


def _model_from(blob: Any, model: Any, lazy: bool = False, side: Any = None) -> Any:
    """The model a record keeps (None for a file that did not load); ``ValueError`` for a record not so made."""
    if blob is None:
        return None
    if type(blob) is not tuple or len(blob) != 2:
        raise ValueError("not a model record")
    kind, payload = blob
    if kind == "M":
        from kehoach.modeltree import PlanRecord

        if model.__name__ != "Plan" or type(payload) is not tuple or len(payload) != 6 or side is None:
            raise ValueError("a plan record of another kind of file")
        head, where, ends, sums, ids, targets = payload
        tasks, verified = side(0)
        record = PlanRecord(head, where, (tasks, ends), ids, targets, None if verified else sums)
        if not lazy:
            return record.full()
        record.head()  # the head now: a record that does not decode is a miss, not a failure later
        return record
    if kind == "T":
        from kehoach.modeltree import decode

        obj = decode(payload)
        if obj.__class__ is not model:
            raise ValueError("a record of another kind of file")
        return obj
    if kind == "J" and type(payload) is bytes:
        return share_fields_sets(model.model_validate_json(payload), names=False)
    raise ValueError("not a model record")


def _model_json(obj: Any) -> bytes:
    """The model as JSON that ``model_validate_json`` reads back.

    Not ``model_dump_json``: pydantic writes each string through its UTF-8 form, which CPython then
    keeps inside every non-ASCII string for as long as the string lives (the whole model's text once
    more, 80 MB at 100,000 tasks). The json module's encoder leaves the strings as they are.
    """
    import json

    try:
        text = json.dumps(obj.model_dump(), ensure_ascii=False, separators=(",", ":"), default=_iso_date)
    except (TypeError, ValueError):
        return obj.model_dump_json().encode()  # type: ignore[no-any-return]
    return text.encode("utf-8", "surrogatepass")


def _iso_date(value: Any) -> str:
    if type(value) is date:
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _read_at(fh: Any, start: int, length: int) -> bytes:
    fh.seek(start)  # not os.pread, which Windows lacks
    return fh.read(length)  # type: ignore[no-any-return]


def _pos_file_in(folder: Path, name: str) -> Path:
    return folder / (hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".pos")


def _read_named_positions(
    folder: Path, name: str, key: tuple[Any, ...], path: Path, stamp: Stamp
) -> dict[Any, tuple[int, int]]:
    return _read_positions(_pos_file_in(folder, name), key, path, stamp)


def _read_positions(pos_file: Path, key: tuple[Any, ...], path: Path, stamp: Stamp) -> dict[Any, tuple[int, int]]:
    """The positions of ``path`` as stored beside the cache, else parsed again from the file itself."""
    try:
        with _open_own(pos_file) as fh:
            got = marshal.loads(_verified(fh.read()))
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
    from kehoach.deadlines import DeadlineError, parse_deadline, plan_dates

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
                if len(_PARSED) > 100_000:  # a long-lived process reading many data sets
                    _PARSED.clear()
                _PARSED[key] = found
            out[task.id] = found
    except (TypeError, ValueError):
        return None
    return out


# A pure memo: (deadline text, plan dates) -> encoded deadline or error; parse_deadline is a pure function of
# both, so sharing it across data sets changes no answer. Capped above for a long-lived process.
_PARSED: dict[tuple[str, Any], Any] = {}


def take_encoded(fc: FileCache, paths: Iterable[Path]) -> dict[str, dict[str, Any]]:
    """The still encoded deadlines of the plans at ``paths`` given undecoded, by plan id (the first plan's for a
    repeated id, as ``take_deadlines``); the cache forgets them."""
    out: dict[str, dict[str, Any]] = {}
    for path in paths:
        got = fc.encoded.pop(str(path), None)
        if got is not None:
            out.setdefault(got[0], got[1])
    fc.encoded = {}
    return out


def take_deadlines(fc: FileCache, paths: Iterable[Path]) -> dict[tuple[str, str], Any]:
    """The cached deadlines of the plans at ``paths`` (the first plan's for a repeated key), for the data set
    to start from; the cache forgets them."""
    out: dict[tuple[str, str], Any] = {}
    for path in paths:
        decoded = fc.deadlines.pop(str(path), None)
        if decoded:
            for key, value in decoded.items():
                out.setdefault(key, value)
    fc.deadlines = {}
    return out


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
