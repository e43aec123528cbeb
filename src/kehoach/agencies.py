"""The agency registry: name resolution, 2025 successors and collective assignments."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from kehoach.model import Agency
from kehoach.text import ascii_key, fold

Reason = Literal["direct", "predecessor", "collective"]


class AgencyError(LookupError):
    """A name the registry cannot resolve to one agency: a usage mistake when the user typed it."""

    exit_code = 2

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
        if len(ids) == 1:
            agency = self.agencies[next(iter(ids))]
            self._resolved[name] = agency
            return agency
        if len(ids) > 1:
            raise AmbiguousAgency(name, sorted(self.agencies[i].name for i in ids))
        raise UnknownAgency(name, self.suggest(name))

    def suggest(self, name: str, n: int = 3) -> list[str]:
        key = ascii_key(name)
        by_key: dict[str, str] = {}
        for a in self.agencies.values():
            for alias in self.names_of(a):
                by_key.setdefault(ascii_key(alias), a.name)
        close = difflib.get_close_matches(key, list(by_key), n=n * 3, cutoff=0.6)
        # Also offer names that contain every word typed ("tai chinh" -> "Sở Tài chính").
        words = key.split()
        if words:
            close += [k for k in by_key if all(w in k.split() for w in words)]
        out: list[str] = []
        for k in close:
            if by_key[k] not in out:
                out.append(by_key[k])
        # Today's agencies first: a user typing "Sở Kế hoạch" most likely wants the current name.
        current = {a.name for a in self.agencies.values() if a.current}
        out.sort(key=lambda name: name not in current)
        return out[:n]

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

    def current(self, name: str) -> list[Agency]:
        """Who answers today for a name as written: itself, or its successors; [] if unknown."""
        try:
            agency = self.resolve(name)
        except AgencyError:
            return []
        return self.successors(agency.id) if agency.replaced_by else [agency]

    def current_names(self, names: Iterable[str]) -> list[str]:
        """Names to count tasks under today; a name the registry does not know stays as written."""
        out: list[str] = []
        for n in names:
            out += [a.name for a in self.current(n)] or [n]
        return list(dict.fromkeys(out))

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

    def match(self, written: str, agency: Agency, *, strict: bool = False) -> Match | None:
        """Does a name written in a task apply to ``agency``? Direct beats predecessor beats collective."""
        try:
            target = self.resolve(written)
        except AgencyError:
            return None
        if target.id == agency.id:
            return Match("direct", written)
        if strict:
            return None
        heirs = self.successors(target.id) if target.replaced_by else []
        if any(h.id == agency.id for h in heirs):
            return Match("predecessor", written)
        for group in [target, *heirs]:
            if self.covers(group, agency):
                return Match("collective", written)
        return None

    def best_match(self, names: Iterable[str], agency: Agency, *, strict: bool = False) -> Match | None:
        order = {"direct": 0, "predecessor": 1, "collective": 2}
        best: Match | None = None
        for n in names:
            m = self.match(n, agency, strict=strict)
            if m and (best is None or order[m.reason] < order[best.reason]):
                best = m
        return best
