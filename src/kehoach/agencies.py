"""The agency registry: name resolution, 2025 successors and collective assignments."""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from kehoach.errors import UsageError
from kehoach.model import Agency
from kehoach.text import ascii_key, fold, normalize, slug, strip_diacritics

Reason = Literal["direct", "predecessor", "collective"]
REASON_ORDER = {"direct": 0, "predecessor": 1, "collective": 2}

# Words that say where or what kind of body, not which one: they never decide a suggestion
# ("Kho bạc Nhà nước Thanh Hóa" must not suggest "Tỉnh ủy Thanh Hóa").
_PLAIN_WORDS = frozenset(
    ascii_key("tỉnh thanh hóa sở ubnd ủy nhân dân các cấp và của trên địa bàn").split()
)


# Also a LookupError, as before the one error base, for callers outside the package.
class AgencyError(UsageError, LookupError):
    """A name the registry cannot resolve to one agency: a usage mistake when the user typed it."""

    def __init__(self, name: str, message: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        super().__init__(message)


class UnknownAgency(AgencyError):
    def __init__(self, name: str, suggestions: list[str]) -> None:
        msg = f"không tìm thấy cơ quan {name!r}"
        if suggestions:
            msg += "; có phải: " + ", ".join(suggestions) + "?"
        super().__init__(name, msg, suggestions)


class AmbiguousAgency(AgencyError):
    def __init__(self, name: str, candidates: list[str]) -> None:
        msg = f"tên {name!r} khớp nhiều cơ quan: " + ", ".join(candidates) + "; hãy ghi rõ hơn"
        super().__init__(name, msg, candidates)


@dataclass(frozen=True)
class Match:
    """How a name written in a task applies to the agency a user asked about."""

    reason: Reason
    via: str  # the name as written in the task


def _unique(agencies: Iterable[Agency]) -> list[Agency]:
    return list({a.id: a for a in agencies}.values())


class Registry:
    def __init__(self, agencies: Iterable[Agency]) -> None:
        self.agencies: dict[str, Agency] = {}
        self._exact: dict[str, set[str]] = {}
        self._loose: dict[str, set[str]] = {}
        for a in agencies:
            self.agencies[a.id] = a
            for name in self.names_of(a):
                self._exact.setdefault(fold(name), set()).add(a.id)
                self._loose.setdefault(ascii_key(name), set()).add(a.id)
        self._resolved: dict[str, Agency] = {}
        self._weights: dict[bool, dict[str, float]] = {}
        # Answers of ``match`` and ``heirs``: the same names recur in thousands of tasks.
        self._matches: dict[tuple[Any, ...], Match | None] = {}
        self._heirs: dict[tuple[Any, ...], list[Agency]] = {}
        self._canonical: dict[tuple[str, ...], tuple[str, ...]] = {}

    @staticmethod
    def names_of(a: Agency) -> list[str]:
        return [a.name, *a.aliases, *([a.short] if a.short else [])]

    def __len__(self) -> int:
        return len(self.agencies)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.agencies.values())

    def get(self, agency_id: str) -> Agency:
        return self.agencies[agency_id]

    def resolve(self, name: str) -> Agency:
        """Canonical name, alias or abbreviation; case, tone placement and diacritics forgiven."""
        cached = self._resolved.get(name)
        if cached is not None:
            return cached
        ids = self._exact.get(fold(name)) or self._loose.get(ascii_key(name)) or set()
        if not ids:  # as people type it: "Sở TC", "BQL KKT Nghi Sơn", "Sở Tài chính tỉnh Thanh Hóa"
            from kehoach.typed import agency_ids

            ids = agency_ids(name, self._loose)
        if len(ids) == 1:
            agency = self.agencies[next(iter(ids))]
            self._resolved[name] = agency
            return agency
        if len(ids) > 1:
            raise AmbiguousAgency(name, sorted(self.agencies[i].name for i in ids))
        raise UnknownAgency(name, self.suggest(name))

    def canonical(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """Each name as the registry writes it; a name it does not know, as written. The same lists of
        names recur in thousands of tasks: each is resolved once."""
        found = self._canonical.get(names)
        if found is None:
            out = []
            for n in names:
                try:
                    out.append(self.resolve(n).name)
                except AgencyError:
                    out.append(n)
            found = self._canonical[names] = tuple(out)
        return found

    def knows(self, name: str) -> bool:
        """Whether a name resolves (to one agency or several), without computing suggestions."""
        return bool(self._exact.get(fold(name)) or self._loose.get(ascii_key(name)))

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Registry names closest to ``name``, ranked by the words that tell agencies apart.

        Each shared word counts by how rare it is in the registry ("kho", "bạc" weigh much more
        than "nhà", "nước"); words such as "tỉnh", "Thanh Hóa", "Sở", "UBND" count for nothing.
        Words are compared with their diacritics ("Hải quan" is not "Quản lý") unless the name was
        typed without any; spelling slips are caught by character similarity.
        """
        typed_bare = strip_diacritics(name) == name
        key_of = ascii_key if typed_bare else fold
        by_key: dict[str, str] = {}
        for a in self.agencies.values():
            for alias in self.names_of(a):
                by_key.setdefault(key_of(alias), a.name)
        weights = self._word_weights(by_key, typed_bare)
        full = key_of(name)
        words = [w for w in full.split() if ascii_key(w) not in _PLAIN_WORDS]
        if not words:
            return []
        core = " ".join(words)
        total = sum(weights.get(w, max(weights.values(), default=1.0)) for w in words)
        scores: dict[str, float] = {}
        ties: dict[str, float] = {}
        for key, canonical in by_key.items():
            theirs = [w for w in key.split() if ascii_key(w) not in _PLAIN_WORDS]
            if not theirs:
                continue
            shared = sum(weights.get(w, 0.0) for w in set(words) & set(theirs))
            by_words = shared / total if total else 0.0
            by_chars = difflib.SequenceMatcher(None, core, " ".join(theirs)).ratio()
            score = max(by_words, by_chars - 0.25)
            if score >= 0.45 and score > scores.get(canonical, 0.0):
                scores[canonical] = score
                # Among equals, the closer whole name wins: "Sở Kế hoạch" -> a Sở before a Bộ.
                ties[canonical] = difflib.SequenceMatcher(None, full, key).ratio()
        current = {a.name for a in self.agencies.values() if a.current}
        # Then today's agencies first: "Sở Kế hoạch" most likely means the current name.
        ranked = sorted(scores, key=lambda c: (-round(scores[c], 2), -round(ties[c], 2), c not in current, c))
        return ranked[:n]

    def _word_weights(self, by_key: dict[str, str], bare: bool) -> dict[str, float]:
        cached = self._weights.get(bare)
        if cached is None:
            df: dict[str, int] = {}
            for key in by_key:
                for w in set(key.split()):
                    df[w] = df.get(w, 0) + 1
            total = max(1, len(by_key))
            cached = self._weights[bare] = {w: math.log(1 + total / c) for w, c in df.items()}
        return cached

    @staticmethod
    def add_snippet(name: str, level: str = "province") -> str:
        """A registry entry for an unknown name, ready to paste under ``agencies:`` (one line of YAML)."""
        clean = normalize(name)
        quoted = '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"- {{id: {slug(clean)}, name: {quoted}, level: {level}}}"

    def successors(self, agency_id: str) -> list[Agency]:
        """Current agencies that took over this one (transitively); itself if it still exists."""
        out: list[Agency] = []
        seen: set[str] = set()
        stack = [agency_id]
        while stack:
            aid = stack.pop()
            if aid in seen:
                continue
            seen.add(aid)
            a = self.agencies.get(aid)
            if a is None:  # a typo in replaced_by: `check` reports it, queries go on
                continue
            if a.replaced_by:
                stack.extend(reversed(a.replaced_by))
            elif a not in out:
                out.append(a)
        return out

    def heirs(self, agency_id: str, *, text: str | None = None, named: Iterable[str] = ()) -> list[Agency]:
        """Current agencies that answer for one duty of ``agency_id``, as the duty is worded.

        ``named`` (a task's own ``successor:`` list) wins: the successors it names. Else, when the
        registry says which successor took which kind of duty (``successions``), those whose keywords
        occur in ``text`` (the task's content), else those marked ``default``. Else every successor.
        An agency that still exists answers for itself.
        """
        key = (agency_id, text, tuple(named))
        known = self._heirs.get(key)
        if known is None:
            known = self._heirs[key] = self._find_heirs(agency_id, text, named)
        return list(known)

    def _find_heirs(self, agency_id: str, text: str | None, named: Iterable[str]) -> list[Agency]:
        every = self.successors(agency_id)
        agency = self.agencies.get(agency_id)
        if agency is None or not agency.replaced_by:
            return every
        ids = {h.id for h in every}
        chosen = _unique([h for n in named for h in self.current(n) if h.id in ids])
        if chosen:
            return chosen
        if text is not None and agency.successions:
            key = fold(text)
            picked = [s.to for s in agency.successions if any(fold(k) in key for k in s.keywords)]
            picked = picked or [s.to for s in agency.successions if s.default]
            out: list[Agency] = []
            for aid in picked:
                if aid != agency_id and aid in self.agencies:
                    out += self.heirs(aid, text=text, named=named)
            if out:
                return _unique(out)
        return every

    def current(self, name: str) -> list[Agency]:
        """Who answers today for a name as written: itself, or its successors; [] if unknown."""
        try:
            agency = self.resolve(name)
        except AgencyError:
            return []
        return self.successors(agency.id) if agency.replaced_by else [agency]

    def on(self, name: str, when: dt.date) -> list[Agency]:
        """Who answered on ``when`` for a name as written: successors only of changes made by then."""
        try:
            agency = self.resolve(name)
        except AgencyError:
            return []
        out: list[Agency] = []
        stack, seen = [agency], set()
        while stack:
            a = stack.pop()
            if a.id in seen:
                continue
            seen.add(a.id)
            if a.replaced_by and (a.replaced_on is None or a.replaced_on <= when):
                stack.extend(reversed([self.agencies[x] for x in a.replaced_by if x in self.agencies]))
            elif a not in out:
                out.append(a)
        return out

    def predecessors(self, agency_id: str) -> list[Agency]:
        return [
            a
            for a in self.agencies.values()
            if a.replaced_by and a.id != agency_id and any(s.id == agency_id for s in self.successors(a.id))
        ]

    def covers(self, collective: Agency, agency: Agency) -> bool:
        if not collective.is_collective or agency.is_collective or not agency.current:
            return False
        if agency.id in collective.excludes:
            return False
        return agency.id in collective.covers or agency.level in collective.covers

    def match(
        self, written: str, agency: Agency, *, strict: bool = False, task: Any = None
    ) -> Match | None:
        """Does a name written in a task apply to ``agency``? Direct beats predecessor beats collective.

        With ``task``, a dissolved agency's duty goes only to the successor(s) that took that kind of
        duty (see ``heirs``); without it, to every successor.
        """
        try:
            target = self.resolve(written)
        except AgencyError:
            return None
        # The task matters only for a dissolved agency, through its wording and its own ``successor:``.
        duty = (task.content, tuple(task.successor)) if task is not None and target.replaced_by else None
        key = (written, agency.id, strict, duty)
        if key in self._matches:
            return self._matches[key]
        found = self._matches[key] = self._match(written, target, agency, strict, task)
        return found

    def _match(self, written: str, target: Agency, agency: Agency, strict: bool, task: Any) -> Match | None:
        if target.id == agency.id:
            return Match("direct", written)
        if strict:
            return None
        heirs = (
            (self.heirs(target.id, text=task.content, named=task.successor) if task is not None
             else self.successors(target.id))
            if target.replaced_by
            else []
        )
        if any(h.id == agency.id for h in heirs):
            return Match("predecessor", written)
        for group in [target, *heirs]:
            if self.covers(group, agency):
                return Match("collective", written)
        return None

    def best_match(
        self, names: Iterable[str], agency: Agency, *, strict: bool = False, task: Any = None
    ) -> Match | None:
        best: Match | None = None
        for n in names:
            m = self.match(n, agency, strict=strict, task=task)
            if m and (best is None or REASON_ORDER[m.reason] < REASON_ORDER[best.reason]):
                best = m
        return best
