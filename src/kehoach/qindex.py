"""The query index: which tasks concern an agency, and how, kept beside the file cache.

``due`` and ``tasks --agency`` asked ``kehoach.responsibility.role_of`` of every task of every plan: an agency
named in a collective ("các sở, ban, ngành") is concerned by most tasks, so every task was matched, name by
name, on every run. The answer depends only on the registry, the configuration and the plans, so it is kept:
for one agency, the tasks whose leads or supporters reach it, with the best match among the leads and among the
supporters (its reason and the name as written). Strict matching needs no entry of its own: a strict match is a
direct one, and a direct match, when there is one, is the best.

An agency's list is made the first time it is asked for (the cost of one scan, as before) and stored in the
cache folder of the data directory (``<agency>.roles``), keyed on ``DataSet.index_key``: the tool, and the
registry, configuration and plan files as the cache found them (their inode, size and times). A file changed,
added or removed gives another key, and the list is made again; progress files change no one's role and are
not part of it. The file carries a checksum verified before it is read, and is used only if it is the user's
own (``kehoach.cache``). Without the cache (``--no-cache``), or with ``KEHOACH_NO_INDEX=1``, every task is
matched as before; the answers are the same (tests/test_parity.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from pathlib import Path
from typing import TYPE_CHECKING

from kehoach.responsibility import REASONS, Responsibility, _best

if TYPE_CHECKING:
    from kehoach.dataset import DataSet
    from kehoach.model import Agency

# (plan position, task position, lead reason or -1, lead "via", support reason or -1, support "via",
#  the deadline's due day as an ordinal or 0, what the deadline is: HAS | RECURRING | NEVER_OVERDUE)
Entry = tuple[int, int, int, str | None, int, str | None, int, int]
_NONE = -1
HAS, RECURRING, NEVER_OVERDUE = 1, 2, 4
_SUFFIX = ".roles"
# The rules the lists follow live in these modules: a change in any of them makes every list anew.
_SOURCES = ("qindex.py", "responsibility.py", "agencies.py")


def enabled() -> bool:
    return os.environ.get("KEHOACH_NO_INDEX", "") in ("", "0")


def agency_entries(data: DataSet, agency: Agency) -> list[Entry] | None:
    """The tasks concerning ``agency``, in plan and task order; None when the index is not used this run."""
    if data.index_key is None or not enabled() or not data.index_fits():
        return None
    found = data._roles.get(agency.id)
    if found is not None:
        return found
    key = _key(data.index_key, agency)
    path = _path(data.root, agency)
    entries = _read(path, key) if path is not None else None
    if entries is None:
        entries = build(data, agency)
        if path is not None:
            _write(path, key, entries)
    data._roles[agency.id] = entries
    return entries


def build(data: DataSet, agency: Agency) -> list[Entry]:
    """One agency's list, by matching every task as ``role_of`` does."""
    registry = data.registry
    out: list[Entry] = []
    for pp, lp in enumerate(data.plans):
        for tp, task in enumerate(lp.plan.tasks):
            lead = _best(registry, task.lead, agency, False, task, "lead")
            support = _best(registry, task.support, agency, False, task, "support")
            if lead is None and support is None:
                continue
            d = data.deadline(lp.plan, task)
            flags = 0
            if d is not None:
                flags = HAS | (RECURRING if d.recurring else 0) | (NEVER_OVERDUE if d.never_overdue else 0)
            due = d.due.toordinal() if d is not None and d.due is not None else 0
            out.append((pp, tp, *_code(lead), *_code(support), due, flags))
    return out


def _code(r: Responsibility | None) -> tuple[int, str | None]:
    if r is None:
        return _NONE, None
    return REASONS.index(r.reason), (str(r.via) if r.via is not None else None)


def role_in(entry: Entry, agency: Agency, role: str, strict: bool) -> Responsibility | None:
    """``kehoach.responsibility.role_of`` answered from an entry: the same rule, on the kept matches."""
    lead, support = entry[2], entry[4]
    if strict:  # only the agency itself, named: a direct match
        lead = lead if lead == 0 else _NONE
        support = support if support == 0 else _NONE
    if lead != _NONE and support != _NONE and support < lead:
        lead = _NONE
    elif lead != _NONE:
        support = _NONE
    if role in ("lead", "any") and lead != _NONE:
        return Responsibility(agency.name, REASONS[lead], entry[3], agency, "lead")
    if role in ("support", "any") and support != _NONE:
        return Responsibility(agency.name, REASONS[support], entry[5], agency, "support")
    return None


def _key(index_key: bytes, agency: Agency) -> bytes:
    from kehoach.cache import sources_key

    parts = (index_key, agency.id, *sources_key(_SOURCES))
    return hashlib.blake2b(marshal.dumps(parts), digest_size=16).digest()


def _path(root: Path, agency: Agency) -> Path | None:
    from kehoach.cache import CacheLocationError, cache_dir_for, unsafe_folder

    try:
        folder = cache_dir_for(root)
    except CacheLocationError:
        return None
    if unsafe_folder(folder.parent) or unsafe_folder(folder) or not folder.is_dir():
        return None  # the cache folder is made (and judged) by the file cache: nothing to add to otherwise
    name = hashlib.blake2b(agency.id.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
    return folder / f"{name}{_SUFFIX}"


def _read(path: Path, key: bytes) -> list[Entry] | None:
    from kehoach.cache import _open_own, _verified

    try:
        with _open_own(path) as fh:
            got = marshal.loads(_verified(fh.read()))
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if type(got) is not tuple or len(got) != 2 or got[0] != key or type(got[1]) is not list:
        return None
    return got[1]


def _write(path: Path, key: bytes, entries: list[Entry]) -> None:
    import tempfile

    from kehoach.cache import _checked

    with contextlib.suppress(OSError, ValueError):
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_checked(marshal.dumps((key, entries))))
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
