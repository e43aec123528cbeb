"""The agency registry: name resolution, 2025 successors and collective assignments."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from kehoach.errors import UsageError
from kehoach.model import CENTRAL as CENTRAL
from kehoach.model import Agency, Jurisdiction, Plan, StandardAgency, Task
from kehoach.text import ascii_key, fold, normalize, slug, strip_diacritics

Reason = Literal["direct", "successor", "collective"]  # the vocabulary of kehoach.responsibility
REASON_ORDER = {"direct": 0, "successor": 1, "collective": 2}

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


class AmbiguousJurisdiction(AgencyError):
    """A name several provinces' bodies bear ("Sở Tài chính"), asked without saying which province."""

    def __init__(self, name: str, candidates: list[tuple[Jurisdiction | None, Agency]], qualified: list[str]) -> None:
        self.jurisdictions = [j.id if j else CENTRAL for j, _ in candidates]
        where = ", ".join(
            f"{j.name if j else 'Trung ương'} ({q})" for (j, _), q in zip(candidates, qualified, strict=True)
        )
        msg = (
            f"có nhiều cơ quan tên {name!r}, ở: {where}. Hãy ghi kèm địa phương, ví dụ --agency "
            f"{qualified[0]!r}, hoặc khai báo địa phương mặc định (dòng 'jurisdiction: <mã>' trong tệp "
            f"{CONFIG_FILE} của thư mục dữ liệu)"
        )
        super().__init__(name, msg, qualified)


CONFIG_FILE = "kehoach.yaml"


class Written(str):
    """A name as a plan writes it, carrying the plan's jurisdiction: "Sở Tài chính" in a Hà Nội plan is Hà
    Nội's. It is the same string everywhere else (printing, JSON, comparison); only the registry reads the
    jurisdiction (``scope_of``), so every lookup of a plan's names happens within the plan's province."""

    jurisdiction: str

    def __new__(cls, text: str, jurisdiction: str) -> Written:
        obj = super().__new__(cls, text)
        obj.jurisdiction = jurisdiction
        return obj

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (str, (str(self),))  # pickles and copies as the plain name

    # Two provinces' "Sở Tài chính" are different keys of any memo keyed by name (query.Reach and the like);
    # against a plain string the name compares as the string it is. The hash is the string's.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Written) and other.jurisdiction != self.jurisdiction:
            return False
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


def scope_of(name: str) -> str | None:
    """The jurisdiction a name was written in (a plan's), or None for a name a user typed."""
    return getattr(name, "jurisdiction", None)


@dataclass(frozen=True)
class Match:
    """How a name written in a task applies to the agency a user asked about."""

    reason: Reason
    via: str  # the name as written in the task


def _unique(agencies: Iterable[Agency]) -> list[Agency]:
    return list({a.id: a for a in agencies}.values())


class Registry:
    """The agencies of one data folder, by name.

    Provincial bodies belong to a jurisdiction (``Agency.jurisdiction``); the standard set of provincial
    departments (``standard``) is instantiated for each jurisdiction a plan uses (``used``) or the data folder
    declares as default, unless the registry already holds that body for it. A name a plan writes
    (``Written``) resolves within the plan's jurisdiction first, then among central bodies, never to another
    province's body unless it names that province ("Sở Tài chính thành phố Hà Nội"). A name a user types
    resolves in the default jurisdiction, else asks which when several jurisdictions hold it.
    """

    def __init__(
        self,
        agencies: Iterable[Agency],
        *,
        jurisdictions: Iterable[Jurisdiction] = (),
        standard: Iterable[StandardAgency] = (),
        used: Iterable[str | None] = (),
        default: str | None = None,
    ) -> None:
        self.agencies: dict[str, Agency] = {}
        self.jurisdictions: dict[str, Jurisdiction] = {j.id: j for j in jurisdictions}
        self.default = default if default != CENTRAL else None
        self._exact: dict[str, set[str]] = {}
        self._loose: dict[str, set[str]] = {}
        explicit = list(agencies)
        wanted = [j for j in dict.fromkeys([*used, default]) if j and j != CENTRAL and j in self.jurisdictions]
        for a in [*explicit, *instantiate(list(standard), [self.jurisdictions[j] for j in wanted], explicit)]:
            self.agencies[a.id] = a
            for name in [*self.names_of(a), *self._qualified(a)]:
                self._exact.setdefault(fold(name), set()).add(a.id)
                self._loose.setdefault(ascii_key(name), set()).add(a.id)
        self._resolved: dict[tuple[str, str | None], Agency] = {}
        self._local: dict[tuple[str, str], Agency] = {}
        self._weights: dict[bool, dict[str, float]] = {}
        # Answers of ``match`` and ``heirs``: the same names recur in thousands of tasks.
        self._matches: dict[tuple[Any, ...], Match | None] = {}
        self._heirs: dict[tuple[Any, ...], list[Agency]] = {}
        self._canonical: dict[tuple[Any, ...], tuple[str, ...]] = {}

    @staticmethod
    def names_of(a: Agency) -> list[str]:
        return [a.name, *a.aliases, *([a.short] if a.short else [])]

    def _qualified(self, a: Agency) -> list[str]:
        """The names that say the province: "Sở Tài chính thành phố Hà Nội", "Sở Tài chính Hà Nội"."""
        j = self.jurisdictions.get(a.jurisdiction or "")
        if j is None or fold(j.short) in fold(a.name):
            return []
        if fold(a.name).endswith(" " + j.kind):
            return [f"{a.name} {j.short}"]
        return [f"{a.name} {j.kind} {j.short}", f"{a.name} {j.short}"]

    def qualified_name(self, a: Agency) -> str:
        q = self._qualified(a)
        return q[0] if q else a.name

    def jurisdiction_in(self, text: str) -> Jurisdiction | None:
        """The province a document's header names ("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"), if exactly one."""
        key = f" {fold(text)} "
        found = [
            j
            for j in self.jurisdictions.values()
            if j.id != CENTRAL
            and any(f" {fold(n)} " in key for n in (f"{j.kind} {j.short}", j.name, *j.aliases))
        ]
        return found[0] if len(found) == 1 else None

    def jurisdiction_of(self, a: Agency) -> Jurisdiction | None:
        return self.jurisdictions.get(a.jurisdiction or "")

    def __len__(self) -> int:
        return len(self.agencies)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.agencies.values())

    def get(self, agency_id: str) -> Agency:
        return self.agencies[agency_id]

    def _ids(self, name: str) -> set[str]:
        return self._exact.get(fold(name)) or self._loose.get(ascii_key(name)) or set()

    def resolve(self, name: str, jurisdiction: str | None = None) -> Agency:
        """Canonical name, alias or abbreviation; case, tone placement and diacritics forgiven.

        ``jurisdiction`` (else the one a plan's ``Written`` name carries) scopes the lookup: its own bodies,
        then central ones. Without one, a name several jurisdictions hold goes to the default jurisdiction,
        else raises ``AmbiguousJurisdiction`` listing them.
        """
        scope = jurisdiction or scope_of(name)
        key = (str(name), scope)
        cached = self._resolved.get(key)
        if cached is not None:
            return cached
        ids = self._ids(name)
        if not ids:  # as people type it: "Sở TC", "BQL KKT Nghi Sơn", "Sở Tài chính tỉnh Thanh Hóa"
            from kehoach.typed import agency_ids

            ids = set(agency_ids(name, self._loose))
        if scope is not None:
            ids = self._within(name, ids, scope)
        elif ids:
            ids = self._unscoped(name, ids)
        if len(ids) == 1:
            agency = self.agencies[next(iter(ids))]
            if scope in self.jurisdictions and agency.is_collective and agency.jurisdiction is None:
                agency = self._within_province(agency, scope)
            self._resolved[key] = agency
            return agency
        if len(ids) > 1:
            raise AmbiguousAgency(name, sorted(self.agencies[i].name for i in ids))
        raise UnknownAgency(name, self.suggest(name, scope=scope))

    def _within_province(self, collective: Agency, scope: str) -> Agency:
        """A central collective as a province's plan writes it: "các bộ, ngành, địa phương" in a plan of Thanh
        Hóa reaches central bodies and Thanh Hóa's, not another province's."""
        if scope == CENTRAL or not any(c not in ("central",) for c in collective.covers):
            return collective
        key = (collective.id, scope)
        found = self._local.get(key)
        if found is None:
            found = self._local[key] = collective.model_copy(update={"jurisdiction": scope})
        return found

    def _within(self, name: str, ids: set[str], scope: str) -> set[str]:
        own = {i for i in ids if (self.agencies[i].jurisdiction or CENTRAL) == scope}
        if own:
            return own
        central = {i for i in ids if self.agencies[i].jurisdiction is None}
        if central:
            return central
        return self._named_province(name, ids)

    def _named_province(self, name: str, ids: set[str]) -> set[str]:
        """Bodies of another province only when the name says the province ("UBND thành phố Hà Nội")."""
        key = fold(name)
        return {
            i
            for i in ids
            if (j := self.jurisdictions.get(self.agencies[i].jurisdiction or "")) is not None and fold(j.short) in key
        }

    def _unscoped(self, name: str, ids: set[str]) -> set[str]:
        groups: dict[str | None, set[str]] = {}
        for i in ids:
            groups.setdefault(self.agencies[i].jurisdiction, set()).add(i)
        if len(groups) == 1:
            return ids
        if self.default is not None and self.default in groups:
            return groups[self.default]
        named = self._named_province(name, ids)
        if named and len({self.agencies[i].jurisdiction for i in named}) == 1:
            return named
        provinces = [j for j in groups if j is not None]
        if len(provinces) == 1:  # one province and the central level: the province's ("Các địa phương")
            return groups[provinces[0]]
        order = sorted(groups, key=lambda j: (j is not None, self.jurisdictions[j].name if j else ""))
        picks = [(self.jurisdictions.get(j or ""), self.agencies[sorted(groups[j])[0]]) for j in order]
        raise AmbiguousJurisdiction(name, picks, [self.qualified_name(a) for _, a in picks])

    def canonical(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """Each name as the registry writes it; a name it does not know, as written. The same lists of
        names recur in thousands of tasks: each is resolved once."""
        key = (names, tuple(scope_of(n) for n in names))
        found = self._canonical.get(key)
        if found is None:
            out = []
            for n in names:
                try:
                    out.append(self.resolve(n).name)
                except AgencyError:
                    out.append(n)
            found = self._canonical[key] = tuple(out)
        return found

    def knows(self, name: str) -> bool:
        """Whether a name resolves (to one agency or several), without computing suggestions."""
        ids = self._ids(name)
        scope = scope_of(name)
        return bool(self._within(name, ids, scope) if scope is not None and ids else ids)

    def suggest(self, name: str, n: int = 3, scope: str | None = None) -> list[str]:
        """Registry names closest to ``name``, ranked by the words that tell agencies apart.

        Each shared word counts by how rare it is in the registry ("kho", "bạc" weigh much more
        than "nhà", "nước"); words such as "tỉnh", "Thanh Hóa", "Sở", "UBND" count for nothing.
        Words are compared with their diacritics ("Hải quan" is not "Quản lý") unless the name was
        typed without any; spelling slips are caught by character similarity.
        """
        typed_bare = strip_diacritics(name) == name
        key_of = ascii_key if typed_bare else fold
        by_key: dict[str, str] = {}
        scope = scope or scope_of(name) or self.default
        for a in self.agencies.values():
            if a.jurisdiction is not None and scope is not None and a.jurisdiction != scope:
                continue  # never another province's body
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
    def add_snippet(name: str, level: str | None = None, jurisdiction: str | None = None) -> str:
        """A registry entry for an unknown name, ready to paste under ``agencies:`` (one line of YAML); the
        level follows the name ("Bộ …" is central, "Các …" a collective) unless given."""
        clean = normalize(name)
        quoted = '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'
        level = level or level_of_name(clean)
        where = f", jurisdiction: {jurisdiction}" if jurisdiction and level not in ("central",) else ""
        covers = ", covers: []" if level == "collective" else ""
        return f"- {{id: {slug(clean)}, name: {quoted}, level: {level}{covers}{where}}}"

    def variant_of(self, name: str) -> Agency | None:
        """The body an unknown name abbreviates or misspells ("Sở TC" -> Sở Tài chính), in the name's scope."""
        scope = scope_of(name) or self.default
        key = ascii_key(name)
        words = key.split()
        if not words:
            return None
        head, rest = words[0], "".join(words[1:])
        best: tuple[float, Agency] | None = None
        for a in self.agencies.values():
            if a.is_collective or (a.jurisdiction is not None and scope is not None and a.jurisdiction != scope):
                continue
            for alias in self.names_of(a):
                theirs = ascii_key(alias).split()
                if not theirs or theirs[0] != head:
                    continue
                initials = "".join(w[0] for w in theirs[1:] if w not in ("va",))
                if rest and len(words) == 2 and rest == initials:
                    return a
                ratio = difflib.SequenceMatcher(None, key, " ".join(theirs)).ratio()
                if ratio >= 0.9 and (best is None or ratio > best[0]):
                    best = (ratio, a)
        return best[1] if best else None

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
        """A collective of a province covers that province's bodies only; a central one, any province's."""
        if not collective.is_collective or agency.is_collective or not agency.current:
            return False
        if collective.jurisdiction and agency.jurisdiction and agency.jurisdiction != collective.jurisdiction:
            return False
        kind = agency.standard or agency.id
        if agency.id in collective.excludes or kind in collective.excludes:
            return False
        return agency.id in collective.covers or kind in collective.covers or agency.level in collective.covers

    def match(
        self, written: str, agency: Agency, *, strict: bool = False, task: Any = None
    ) -> Match | None:
        """Does a name written in a task apply to ``agency``? Direct beats successor beats collective.

        With ``task``, a dissolved agency's duty goes only to the successor(s) that took that kind of
        duty (see ``heirs``); without it, to every successor.
        """
        try:
            target = self.resolve(written)
        except AgencyError:
            return None
        # The task matters only for a dissolved agency, through its wording and its own ``successor:``.
        duty = (task.content, tuple(task.successor)) if task is not None and target.replaced_by else None
        key = (str(written), scope_of(written), agency.id, strict, duty)
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
            return Match("successor", written)
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


def instantiate(
    standard: list[StandardAgency], jurisdictions: list[Jurisdiction], explicit: list[Agency]
) -> list[Agency]:
    """The standard provincial bodies of each jurisdiction, except those the registry already holds for it
    (same id, or same name): a province needs no hand-written registry to start."""
    out: list[Agency] = []
    for j in jurisdictions:
        own = [a for a in explicit if a.jurisdiction == j.id]
        have_ids = {a.id for a in own} | {a.standard for a in own if a.standard}
        folded = [(a, fold(a.name)) for a in own]  # each name folded once, not once per standard body
        have_names = {f for _, f in folded}
        ids: dict[str, str] = {}
        for t in standard:
            key = fold(_fill(t.name, j))
            if t.id in have_ids or key in have_names:
                ids[t.id] = next(a.id for a, f in folded if a.id == t.id or a.standard == t.id or f == key)
            else:
                ids[t.id] = f"{j.id}-{t.id}"
        for t in standard:
            if ids[t.id] != f"{j.id}-{t.id}":
                continue
            out.append(
                Agency(
                    id=ids[t.id],
                    name=_fill(t.name, j),
                    short=t.short,
                    aliases=list(dict.fromkeys(_fill(x, j) for x in t.aliases)),
                    level=t.level,
                    parent=_fill(t.parent, j) if t.parent else None,
                    header_lines=[_fill(x, j) for x in t.header_lines],
                    replaced_by=[ids.get(r, r) for r in t.replaced_by],
                    replaced_on=t.replaced_on,
                    basis=t.basis,
                    covers=list(t.covers),
                    excludes=list(t.excludes),
                    jurisdiction=j.id,
                    standard=t.id,
                    note=t.note,
                )
            )
    return out


def _fill(text: str, j: Jurisdiction) -> str:
    uy = "Thành ủy" if j.kind == "thành phố" else "Tỉnh ủy"
    return text.replace("{kind}", j.kind).replace("{short}", j.short).replace("{uy}", uy)


# One object per name and jurisdiction, shared by every plan (names recur in thousands of tasks).
_WRITTEN: dict[str, dict[str, Written]] = {}


def bind_plan(plan: Plan, default: str | None = None) -> None:
    """Mark every agency name a plan writes with the plan's jurisdiction (``Written``), in place.

    A plan without ``jurisdiction`` takes the data folder's default; without either, its names stay plain and
    resolve as a user's would."""
    scope = bind_head(plan, default)
    if scope is not None:
        for task in plan.tasks:
            bind_task(task, scope)
        for target in plan.targets:
            bind_task(target, scope)


def bind_head(plan: Plan, default: str | None = None) -> str | None:
    """``bind_plan`` for what a plan says of itself (issuer, monitor, reporting), not its tasks and targets;
    returns the jurisdiction their names take (None: they stay plain)."""
    scope = plan.jurisdiction or default
    if scope is None:
        return None
    w = _MARKERS.get(scope) or _marker(scope)
    if plan.monitor:
        object.__setattr__(plan, "monitor", w(plan.monitor))
    object.__setattr__(plan, "issuer", w(plan.issuer))
    rep = plan.reporting
    for part in (rep.annual, rep.consolidated):
        if part is not None:
            _lists(w, part, "to", "via", "cc")
    if rep.consolidated is not None and rep.consolidated.by:
        object.__setattr__(rep.consolidated, "by", w(rep.consolidated.by))
    for route in rep.routes:
        _lists(w, route, "senders", "to", "via", "cc")
    return scope


def bind_task(task: Task | Any, scope: str) -> None:
    """``bind_plan`` for one task (or target) of a plan whose names take ``scope``."""
    w = _MARKERS.get(scope) or _marker(scope)
    values = task.__dict__
    for f in ("lead", "support", "successor"):
        names = values.get(f)
        if names:
            names[:] = [w(v) for v in names]


# scope -> the function marking a name with it (one per scope, over the memo of _WRITTEN)
_MARKERS: dict[str, Callable[[str], str]] = {}


def _marker(scope: str) -> Callable[[str], str]:
    memo = _WRITTEN.setdefault(scope, {})
    if len(memo) > 100_000:  # a long-lived process reading many data sets
        memo.clear()

    def w(name: str) -> str:
        found = memo.get(name)
        if found is None:
            found = memo[str(name)] = Written(name, scope)
        return found

    _MARKERS[scope] = w
    return w


def _lists(w: Callable[[str], str], obj: Any, *fields: str) -> None:
    for f in fields:
        values = getattr(obj, f, None)
        if values:
            values[:] = [w(v) for v in values]


def _of_kind(registry: Registry, agency: Agency, kind: str) -> Agency | None:
    """The body of a standard kind (``ubnd-tinh``, ``tinh-uy``) in the agency's own province."""
    j = agency.jurisdiction
    if j is None:
        return None
    return next(
        (a for a in registry.agencies.values() if a.jurisdiction == j and a.current and (a.standard or a.id) == kind),
        None,
    )


def province_committee(registry: Registry, agency: Agency) -> Agency | None:
    """The people's committee of the agency's province ("UBND thành phố Hà Nội"); None for a central body."""
    return _of_kind(registry, agency, "ubnd-tinh")


def party_committee(registry: Registry, agency: Agency) -> Agency | None:
    """The Party committee of the agency's province ("Thành ủy Hà Nội"); None for a central body."""
    return _of_kind(registry, agency, "tinh-uy")


def governing_body(registry: Registry, agency: Agency) -> str | None:
    """The line above an agency's own name in its documents' header: its ``parent`` if the registry says
    one, else the people's committee of its province for a provincial body ("UBND thành phố Hà Nội"), else
    none (a ministry, a central body, the committee itself)."""
    if agency.parent:
        return agency.parent
    if agency.level != "province":
        return None
    ubnd = province_committee(registry, agency)
    if ubnd is None or ubnd.id == agency.id:
        return None
    return ubnd.name


def place_name(registry: Registry, agency: Agency | None) -> str | None:
    """The place of the date line of an agency's documents ("Hà Nội, ngày …"): its province's; a central
    body's is the capital's as the registry data says (``central`` entry of ``jurisdictions``)."""
    j = registry.jurisdiction_of(agency) if agency is not None else None
    if j is None:
        j = registry.jurisdictions.get(CENTRAL)
    return j.place_name if j is not None else None


@dataclass(frozen=True)
class DataConfig:
    """The data folder's own settings (``kehoach.yaml``): for now, the default jurisdiction."""

    jurisdiction: str | None = None


CONFIG_KEYS = ("jurisdiction",)


def config_text(jurisdiction: str) -> str:
    """The text of a new data folder's ``kehoach.yaml`` (what ``kehoach init`` writes)."""
    return (
        "# Cấu hình thư mục dữ liệu (docs/encoding.md, mục 6a)\n"
        f"jurisdiction: {jurisdiction}  # địa phương mặc định khi một tên cơ quan có ở nhiều địa phương\n"
    )


_ROLE_WORDS = re.compile(
    r"(?:^\s*\d{1,2}[.)]\s)|:|\s(?:chủ trì|phối hợp|theo chức năng|hướng dẫn|tổng hợp|thực hiện|triển khai|"
    r"tham mưu|đối với)\b",
    re.IGNORECASE,
)


def level_of_name(name: str) -> str:
    """The registry level a name's own words say: "Bộ …" central, "Các …" a collective, "Tỉnh ủy" party."""
    key = ascii_key(name)
    if key.startswith(("cac ", "ubnd cac ", "uy ban nhan dan cac ")):
        return "collective"
    local = any(w in f" {key} " for w in (" tinh ", " thanh pho ", " khu vuc ", " xa ", " phuong "))
    if key.startswith(("bo ", "tong cuc ", "ngan hang nha nuoc viet nam", "thanh tra chinh phu")) or (
        "trung uong" in key or "chinh phu" in key or (key.startswith("cuc ") and not local)
    ):
        return "central"
    if key.startswith(("tinh uy", "thanh uy", "dang uy", "ban thuong vu")) or " tinh uy" in key or " thanh uy" in key:
        return "party"
    if key.startswith(("hoi ", "hiep hoi", "lien minh", "lien doan", "uy ban mat tran", "doan ")):
        return "mass"
    if key.startswith(("ubnd xa", "ubnd phuong", "uy ban nhan dan xa", "uy ban nhan dan phuong")):
        return "commune"
    return "province"


def is_role_text(name: str) -> bool:
    """A name cell that carries what the body does ("Bộ Tư pháp chủ trì hướng dẫn", "1. Bộ Công an: …")."""
    return bool(_ROLE_WORDS.search(name))
