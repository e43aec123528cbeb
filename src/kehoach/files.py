"""Reading and writing files safely: regular files only, bounded reads, atomic single and batch writes.

A data directory may hold anything: a FIFO that never delivers a byte, a symlink to /dev/zero
that never ends, a directory named like a data file. Only regular files are read, at most a cap
of bytes, and without blocking on open. Writes go to a temporary file beside the target, then a
rename: a reader sees the old file or the new one, never half of one; a batch is all or nothing.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kehoach.errors import DataError


# Also a ValueError, as the exports' refusals were before it.
class OutputExists(DataError, ValueError):
    """An output file already there, not replaced without ``--force``: a problem with the files (exit 1)."""


def refuse_existing(paths: Path | Sequence[Path], force: bool) -> None:
    """The one rule for every output: a file already there (a dangling link too) is replaced only with
    ``--force``; without it nothing is written, and the message names the files, in one wording."""
    if force:
        return
    found = [str(p) for p in ([paths] if isinstance(paths, Path) else paths) if os.path.lexists(p)]
    if found:
        more = f" và {len(found) - 3} tệp khác" if len(found) > 3 else ""
        names = ", ".join(repr(f) for f in found[:3])
        raise OutputExists(f"đã có tệp {names}{more}; dùng --force để ghi đè")


# Also an OSError: it carries errno and filename, and callers handle it with every other failed open.
class NotRegularFile(DataError, OSError):
    """The path exists but is a directory, FIFO, device or socket: it is not read."""


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words for a message."""
    if stat.S_ISDIR(mode):
        return "một thư mục"
    if stat.S_ISFIFO(mode):
        return "một FIFO (ống có tên)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "một thiết bị"
    if stat.S_ISSOCK(mode):
        return "một socket"
    return "không phải tệp thường"


def read_regular(path: Path, cap: int) -> bytes:
    """At most ``cap + 1`` bytes of a regular file (a caller seeing more than ``cap`` knows it is too big).

    Opening never blocks (O_NONBLOCK: a FIFO with no writer would hang ``open``); the opened file
    is checked with fstat, so a symlink swapped between a check and the open changes nothing.
    Raises NotRegularFile for anything that is not a regular file, OSError for the rest.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise NotRegularFile(21, kind_of(stat.S_IFDIR), str(path)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(22, kind_of(mode), str(path))
        chunks: list[bytes] = []
        left = cap + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def data_folder_of(path: Path) -> Path | None:
    """The data folder a data file belongs to (``agencies.yaml``, ``plans/*.yaml``, ``progress/<plan>/*.yaml``),
    or None for a file given on its own."""
    if path.name == "agencies.yaml":
        return path.parent
    if path.parent.name == "plans":
        return path.parent.parent
    if path.parent.parent.name == "progress":
        return path.parent.parent.parent
    return None


def leaves_folder(path: Path, folder: Path) -> bool:
    """``path``, links resolved, lies outside ``folder`` (links resolved too)."""
    real, base = os.path.realpath(path), os.path.realpath(folder)
    try:
        return os.path.commonpath([real, base]) != base
    except ValueError:  # another drive (Windows)
        return True


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class FolderMissing(DataError):
    """The folder an output file goes in does not exist; it is not made (a mistyped path stays a mistake)."""


def ready_folder(path: Path, *, make: bool = False) -> None:
    """The folder ``path`` goes in exists, or FolderMissing; with ``make``, that one folder is made when its
    own parent exists (``report -o bao-cao/``), never missing folders above it."""
    parent = path.parent
    if parent.is_dir():
        return
    if make and not os.path.lexists(parent) and parent.parent.is_dir():
        parent.mkdir()
        return
    missing = parent
    while not missing.parent.is_dir() and missing.parent != missing:
        missing = missing.parent
    if os.path.lexists(missing):
        raise FolderMissing(f"không ghi được {str(path)!r}: {str(missing)!r} không phải thư mục")
    raise FolderMissing(f"không ghi được {str(path)!r}: thư mục {str(missing)!r} chưa có; tạo thư mục trước")


def _naming(exc: OSError, path: Path) -> OSError:
    """``exc`` naming the user's file ``path`` where it named a temporary file beside it."""
    if exc.errno is None or exc.filename is None or os.fsdecode(exc.filename) == str(path):
        return exc
    return OSError(exc.errno, exc.strerror, str(path))


def _temp_beside(path: Path, content: bytes) -> str:
    """Write ``content`` to a new temporary file in the target's directory, fsynced, with the target's mode.
    An error names the target, never the temporary file the user did not ask for."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _naming(exc, path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o777 if path.is_file() else None
        except OSError:
            mode = None
        if mode is None:  # mkstemp creates 0600; a new file gets the usual 0666 less the umask
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return tmp


def atomic_write(path: Path, content: bytes, *, make_folder: bool = False) -> None:
    """Write next to the target, fsync, then rename: readers see the old file or the new, never half.
    A missing folder is refused (``ready_folder``; ``make_folder`` makes that one folder)."""
    ready_folder(path, make=make_folder)
    tmp = _temp_beside(path, content)
    try:
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _naming(exc, path) from None
    except BaseException:
        _unlink_quietly(tmp)
        raise


# Also an OSError: it carries the cause's errno, strerror and the file that failed.
class BatchError(DataError, OSError):
    """A batch write failed at ``path``; nothing of the batch is left behind."""

    def __init__(self, path: Path, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause), str(path))
        self.path = path
        self.cause = cause


def write_batch(items: Sequence[tuple[Path, bytes]], *, make_folder: bool = False) -> None:
    """Write every file or none: all go to temporary files beside their targets first, then all are renamed.

    On a failure while writing the temporary files, they are removed and no target is touched. A
    failure while renaming (rare: the data is already on disk) puts back the files already
    replaced, so the targets are as they were. Raises BatchError naming the file that failed. A missing
    folder is refused before anything is written (``ready_folder``; ``make_folder``: that one folder is made).
    """
    for path, _ in items:
        ready_folder(path, make=make_folder)

    temps: list[tuple[Path, str]] = []
    current: Path | None = None
    try:
        for path, content in items:
            current = path
            if os.path.isdir(path):
                raise IsADirectoryError(21, "đã có một thư mục trùng tên", str(path))
            temps.append((path, _temp_beside(path, content)))
    except OSError as exc:
        for _, tmp in temps:
            _unlink_quietly(tmp)
        assert current is not None
        raise BatchError(current, exc) from None
    except BaseException:
        for _, tmp in temps:
            _unlink_quietly(tmp)
        raise
    # Keep the old contents aside (hard links cost nothing), so a failed rename can be undone.
    backups: list[tuple[Path, str | None, bool]] = []
    done: list[Path] = []
    try:
        for path, tmp in temps:
            current = path
            backup = None
            existed = os.path.lexists(path)
            if existed:
                backup = tempfile.mktemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent)
                try:
                    os.link(path, backup, follow_symlinks=False)
                except OSError:  # no hard links here: the old file cannot be put back, only kept until now
                    backup = None
            backups.append((path, backup, existed))
            os.replace(tmp, path)
            done.append(path)
    except BaseException as exc:
        for path, backup, existed in backups:
            if path in done:
                if backup:
                    os.replace(backup, path)
                elif not existed:
                    _unlink_quietly(str(path))
            elif backup:
                _unlink_quietly(backup)
        for _, tmp in temps:
            _unlink_quietly(tmp)
        if isinstance(exc, OSError):
            assert current is not None
            raise BatchError(current, exc) from None
        raise
    for _, backup, _existed in backups:
        if backup:
            _unlink_quietly(backup)
    for folder in {p.parent for p, _ in items}:
        _fsync_dir(folder)


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
