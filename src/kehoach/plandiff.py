"""What changed between two versions of a plan (a draft and the issued text, two revisions).

Tasks are matched by id first; the rest by content similarity, so a task renumbered between the
draft and the issued version is reported as changed (with its old id), not as removed and added.
"""

from __future__ import annotations

import difflib
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kehoach.errors import DataError, UsageError
from kehoach.model import Plan, Task
from kehoach.text import fold

FIELDS = ("content", "lead", "support", "deadline", "product")
FIELD_LABELS = {
    "content": "nội dung",
    "lead": "chủ trì",
    "support": "phối hợp",
    "deadline": "thời hạn",
    "product": "sản phẩm",
}
SIMILAR = 0.6  # content ratio from which an unmatched pair counts as the same task
MAX_GIT_BYTES = 20 * 1024 * 1024


# Also a ValueError, as before the one error base, for callers outside the package.
class DiffError(DataError, ValueError):
    """A side of the comparison cannot be read; the message says which and why."""


# A ValueError too, like DiffError.
class DiffUsage(UsageError, ValueError):
    """The command line names a side the wrong way (``HEAD:`` without a file)."""


@dataclass
class Change:
    field: str
    old: Any
    new: Any


@dataclass
class Changed:
    old: Task
    new: Task
    changes: list[Change]
    similarity: float  # 1.0 when matched by id

    @property
    def renumbered(self) -> bool:
        return self.old.id != self.new.id


@dataclass
class PlanDiff:
    added: list[Task] = field(default_factory=list)
    removed: list[Task] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    same: int = 0

    def as_dict(self) -> dict[str, Any]:
        def brief(t: Task) -> dict[str, Any]:
            return {"id": t.id, "content": t.content, "lead": t.lead, "support": t.support, "deadline": t.deadline}

        return {
            "added": [brief(t) for t in self.added],
            "removed": [brief(t) for t in self.removed],
            "changed": [
                {
                    "id": c.new.id,
                    "old_id": c.old.id,
                    "similarity": round(c.similarity, 3),
                    "changes": [{"field": x.field, "old": x.old, "new": x.new} for x in c.changes],
                }
                for c in self.changed
            ],
            "unchanged": self.same,
        }


def _value(task: Task, name: str) -> Any:
    value = getattr(task, name)
    return list(value) if isinstance(value, list) else value


def _key(value: Any) -> Any:
    """Compare as a reader would: case, tone placement and spacing do not make a change."""
    if isinstance(value, list):
        return [fold(v) for v in value]
    return fold(value) if isinstance(value, str) else value


def _changes(old: Task, new: Task) -> list[Change]:
    return [
        Change(name, _value(old, name), _value(new, name))
        for name in FIELDS
        if _key(_value(old, name)) != _key(_value(new, name))
    ]


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, fold(a), fold(b), autojunk=False).ratio()


ALL_PAIRS = 2_500  # up to this many unmatched pairs every one is scored; beyond, only likely candidates
CANDIDATES = 4  # candidates per task: those sharing the most uncommon word pairs (else those nearest in length)


def _shingles(text: str) -> set[str]:
    words = text.split()
    if len(words) < 2:
        return set(words)
    return {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


def _candidates(left: list[str], right: list[str]) -> list[set[int]]:
    """For each text of ``right``, the indexes in ``left`` worth scoring: every one when the lists are small;
    else those sharing the most uncommon word pairs and those nearest in length (n log n, not n²)."""
    if len(left) * len(right) <= ALL_PAIRS:
        return [set(range(len(left))) for _ in right]
    import bisect
    import heapq
    import math

    index: dict[str, list[int]] = {}
    for i, text in enumerate(left):
        for sh in _shingles(text):
            index.setdefault(sh, []).append(i)
    common = max(8, int(2 * math.sqrt(len(left))))  # a pair in that many texts tells nothing
    by_length = sorted((len(text), i) for i, text in enumerate(left))
    lengths = [n for n, _ in by_length]
    out: list[set[int]] = []
    for text in right:
        votes: dict[int, int] = {}
        for sh in _shingles(text):
            hits = index.get(sh)
            if hits is not None and len(hits) <= common:
                for i in hits:
                    votes[i] = votes.get(i, 0) + 1
        chosen = set(heapq.nlargest(CANDIDATES, votes, key=votes.__getitem__))
        if len(chosen) < 2:  # nothing uncommon in common: the texts of nearest length
            k = bisect.bisect_left(lengths, len(text))
            for _, i in by_length[max(0, k - CANDIDATES // 2) : k + CANDIDATES // 2]:
                chosen.add(i)
        out.append(chosen)
    return out


def _scored(left: list[Task], right: list[Task]) -> list[tuple[float, int, int]]:
    """(similarity, i, j) of the pairs worth matching, each text folded once; quick upper bounds skip the rest."""
    lf = [fold(t.content) for t in left]
    rf = [fold(t.content) for t in right]
    scored: list[tuple[float, int, int]] = []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for j, candidates in enumerate(_candidates(lf, rf)):
        matcher.set_seq2(rf[j])
        for i in sorted(candidates):
            if lf[i] == rf[j]:  # renumbered, content unchanged: the common case, no scoring needed
                scored.append((1.0, i, j))
                continue
            matcher.set_seq1(lf[i])
            if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
                continue
            score = matcher.ratio()
            if score >= SIMILAR:
                scored.append((score, i, j))
    scored.sort(reverse=True)
    return scored


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    out = PlanDiff()
    old_by_id = {t.id: t for t in old.tasks}
    new_by_id = {t.id: t for t in new.tasks}
    pairs: list[tuple[Task, Task, float]] = []
    for tid, t in new_by_id.items():
        if tid in old_by_id:
            pairs.append((old_by_id[tid], t, 1.0))
    left = [t for t in old.tasks if t.id not in new_by_id]
    right = [t for t in new.tasks if t.id not in old_by_id]
    # Greedy best-first matching of the rest by content.
    used_left: set[int] = set()
    used_right: set[int] = set()
    for score, i, j in _scored(left, right):
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        pairs.append((left[i], right[j], score))
    out.removed = [t for i, t in enumerate(left) if i not in used_left]
    out.added = [t for j, t in enumerate(right) if j not in used_right]
    order = {t.id: n for n, t in enumerate(new.tasks)}
    for a, b, score in sorted(pairs, key=lambda p: order[p[1].id]):
        changes = _changes(a, b)
        if changes or a.id != b.id:
            out.changed.append(Changed(a, b, changes, score))
        else:
            out.same += 1
    return out


def load_side(spec: str, other: str | None = None) -> tuple[Plan, str]:
    """A plan from a file, or from ``REV:PATH`` in git; ``REV`` alone means the other side's file."""
    from kehoach.loader import load_plan_file

    path = Path(spec)
    if path.is_file():
        return _parse(load_plan_file, path, spec)
    if path.is_dir():
        raise DiffError(f"{spec!r} là thư mục; cần một tệp kế hoạch (.yaml) hoặc REV:tệp")
    rev, sep, file = spec.partition(":")
    if not sep:
        if other is None or not Path(other).is_file() or path.suffix in (".yaml", ".yml"):
            raise DiffError(f"không tìm thấy tệp {spec!r} (một phiên bản git cần dạng REV:tệp hoặc đi kèm một tệp)")
        file = other
        try:
            text = _git_show(rev, file)
        except DiffError as exc:
            raise DiffError(f"không tìm thấy tệp {spec!r}, cũng không đọc được phiên bản git đó: {exc}") from None
    else:
        if not file.strip():
            raise DiffUsage(f"{spec!r}: thiếu tên tệp sau dấu ':'; viết REV:tệp, ví dụ HEAD:data/plans/ke-hoach.yaml")
        text = _git_show(rev, file)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / Path(file).name
        target.write_text(text, encoding="utf-8")
        plan, _ = _parse(load_plan_file, target, f"{rev}:{file}")
    return plan, f"{rev}:{file}"


def _parse(load, path: Path, label: str) -> tuple[Plan, str]:  # type: ignore[no-untyped-def]
    lp, problems = load(path)
    if lp is None:
        first = problems[0] if problems else None
        why = f"{first.path + ': ' if first and first.path else ''}{first.message}" if first else "không đọc được"
        raise DiffError(f"{label}: không đọc được kế hoạch ({why})")
    return lp.plan, label


def _git_show(rev: str, file: str) -> str:
    if rev.startswith("-") or not rev.strip():
        raise DiffError(f"phiên bản git {rev!r} không hợp lệ")
    path = Path(file)
    # "REV:./name" is read relative to the working directory git runs in.
    cwd, name = (path.parent, path.name) if path.parent.is_dir() else (Path.cwd(), file)
    # The blob's size first: a huge one is refused before a byte of it is read.
    size = _git(["git", "cat-file", "-s", f"{rev}:./{name}"], cwd, rev, file)
    try:
        blob_size = int(size.strip() or b"-1")
    except ValueError:
        blob_size = -1
    if blob_size < 0:
        raise DiffError(f"git không cho biết cỡ của {rev}:{file}")
    if blob_size > MAX_GIT_BYTES:
        raise DiffError(f"{rev}:{file} quá lớn ({blob_size // 1_000_000} MB; tối đa {MAX_GIT_BYTES // 1_000_000} MB)")
    shown = _git(["git", "cat-file", "blob", f"{rev}:./{name}"], cwd, rev, file)
    if len(shown) > MAX_GIT_BYTES:
        raise DiffError(f"{rev}:{file} quá lớn")
    return shown.decode("utf-8", "replace")


def _git(args: list[str], cwd: Path, rev: str, file: str) -> bytes:
    try:
        shown = subprocess.run(args, cwd=cwd, capture_output=True, timeout=30, check=False)
    except FileNotFoundError:
        raise DiffError("không tìm thấy lệnh git") from None
    except subprocess.TimeoutExpired:
        raise DiffError("git không trả lời") from None
    if shown.returncode != 0:
        message = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(f"git không có {rev}:{file} ({message[-1] if message else 'lỗi git'})")
    return shown.stdout  # type: ignore[no-any-return]
