"""Input as people type it: dates, plan numbers, agency names and search words.

Every output prints dates as dd/mm/yyyy, documents are cited by their number ("74/QĐ-UBND") and agencies by
the abbreviations of the documents ("Sở TC", "BQL KKT Nghi Sơn"): what a user copies from one place must be
accepted in another. These functions only read text; the registry and the data set decide what it names.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping

from kehoach.errors import UsageError
from kehoach.text import ascii_key

YEAR_MIN, YEAR_MAX = 1900, 2100

# --- dates ----------------------------------------------------------------------------------------------

_ISO = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")
_VN = re.compile(r"(?P<d>[0-9]{1,2})(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4})")
FORMS = "dd/mm/yyyy (15/01/2026, 15/1/2026, 15.01.2026, 15-01-2026) hoặc yyyy-mm-dd (2026-01-15)"


# Also a ValueError: a date that cannot be read is a bad value wherever it is caught.
class DateError(UsageError, ValueError):
    """A date that cannot be read, or is not in the calendar; the message says why, in Vietnamese."""


def parse_date(value: str) -> dt.date:
    """15/01/2026, 15/1/2026, 15.1.2026, 15-1-2026, 2026-01-15 or 2026-1-15, between 1900 and 2100.

    The day comes first whenever the year is last, as in every Vietnamese document and in every output
    of kehoach. An impossible date (15/13/2026, 30/02/2026) is refused with the reason, never moved.
    """
    raw = value.strip()
    m = _ISO.fullmatch(raw) or _VN.fullmatch(raw)
    if m is None or not raw.isascii():
        raise DateError(f"ngày {value!r} không hợp lệ; viết {FORMS}")
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not YEAR_MIN <= y <= YEAR_MAX:
        raise DateError(f"ngày {value!r}: năm {y} ngoài khoảng {YEAR_MIN}-{YEAR_MAX}")
    if not 1 <= mo <= 12:
        hint = ""
        if m.re is _VN and 1 <= d <= 12 and 1 <= mo <= calendar.monthrange(y, d)[1]:
            hint = f"; ngày viết trước tháng: có phải {mo:02d}/{d:02d}/{y}?"
        raise DateError(f"ngày {value!r} không có trong lịch: không có tháng {mo}{hint}")
    if d == 0:
        raise DateError(f"ngày {value!r} không có trong lịch: không có ngày 0")
    last = calendar.monthrange(y, mo)[1]
    if not 1 <= d <= last:
        raise DateError(f"ngày {value!r} không có trong lịch: tháng {mo}/{y} có {last} ngày")
    return dt.date(y, mo, d)


# --- plans ----------------------------------------------------------------------------------------------


def plan_key(text: str) -> str:
    """What a plan id or document number is matched by: case, diacritics, spaces and dashes ignored
    ("74/QĐ-UBND" = "74/qd-ubnd" = "74 / QD - UBND")."""
    return re.sub(r"[\s_–—-]+", "-", ascii_key(text)).strip("-")


def find_plan(typed: str, plans: Iterable[tuple[str, str | None]]) -> list[str]:
    """The ids of the plans ``typed`` names: its id in any case, or its document number
    ("74/QĐ-UBND", "74/qd-ubnd", "QĐ 74/QĐ-UBND"…). ``plans`` are (id, number) pairs. An exact id wins;
    a number that several plans share gives all of them (the caller says which)."""
    items = list(plans)
    if any(pid == typed for pid, _ in items):
        return [typed]
    key = plan_key(typed)
    by_id = [pid for pid, _ in items if plan_key(pid) == key]
    if by_id:
        return by_id
    # "QĐ 74/QĐ-UBND", "số 74/QĐ-UBND", "Quyết định số 74/QĐ-UBND": the number is the last word.
    key = re.sub(r"^(?:(?:quyet-dinh|ke-hoach|qd|kh)-)?(?:so-)?", "", key)
    return [pid for pid, number in items if number and plan_key(number) == key]


# --- agency names ---------------------------------------------------------------------------------------

# Abbreviations of the documents, as matching keys (lower case, no diacritics) -> their long forms.
ABBREVIATIONS: dict[str, str] = {
    "bql": "ban quan ly",
    "ql": "quan ly",
    "kkt": "khu kinh te",
    "kcn": "khu cong nghiep",
    "ccn": "cum cong nghiep",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "ubmttq": "uy ban mat tran to quoc",
    "mttq": "mat tran to quoc",
    "vp": "van phong",
    "btv": "ban thuong vu",
    "tp": "thanh pho",
    "tw": "trung uong",
}
_ABBR = re.compile(r"\b(" + "|".join(sorted(ABBREVIATIONS, key=len, reverse=True)) + r")\b")
# "Sở TC", "Sở XD": the initials of a department without its leading S.
_DEPARTMENT_INITIALS = re.compile(r"so ([a-z&]{2,6})")
_GENERIC_WORDS = "so ban quan ly khu kinh te cong nghiep cum uy nhan dan hoi dong van phong cac va tinh thanh pho trung"
_GENERIC = frozenset(f"{_GENERIC_WORDS} uong mat tran to quoc thuong vu".split(" "))
_PROVINCE_HEAD = re.compile(r"(?:uy ban nhan dan|ubnd) tinh (.+)")


def expand(key: str) -> str:
    """A matching key (``ascii_key``) with the documents' abbreviations spelt out: "bql kkt nghi son" ->
    "ban quan ly khu kinh te nghi son". Used on both sides of a comparison."""
    return _ABBR.sub(lambda m: ABBREVIATIONS[m.group(1)], key)


def places(keys: Iterable[str]) -> list[str]:
    """The provinces a registry speaks for, from its names "UBND tỉnh X" (as matching keys)."""
    found = {m.group(1) for k in keys if (m := _PROVINCE_HEAD.fullmatch(expand(k)))}
    return sorted(found, key=len, reverse=True)


def agency_forms(name: str, provinces: Iterable[str] = ()) -> list[str]:
    """Other keys under which a typed agency name may be registered, most literal first: the province
    appended to a name dropped ("Sở Tài chính tỉnh Thanh Hóa" -> "so tai chinh"), abbreviations spelt out
    ("BQL KKT Nghi Sơn"), a department's initials ("Sở TC" -> "stc"). ``provinces`` as matching keys."""
    key = ascii_key(name)
    forms: list[str] = []
    for k in (key, expand(key)):
        for p in provinces:
            for tail in (f" tinh {p}", f" {p}", " tinh"):
                if k.endswith(tail) and len(k) > len(tail):
                    forms.append(k[: -len(tail)])
        forms.append(k)
    for k in list(forms):
        m = _DEPARTMENT_INITIALS.fullmatch(k)
        if m:
            forms.append("s" + m.group(1))
    return [f for f in dict.fromkeys(forms) if f and f != key]


class _Index:
    """What ``agency_ids`` reads from a registry's index, made once per index, and its answers."""

    def __init__(self, index: Mapping[str, set[str]]) -> None:
        self.index = index  # held: while cached, no other index can take its identity
        self.expanded: dict[str, set[str]] = {}
        for k, ids in index.items():
            self.expanded.setdefault(expand(k), set()).update(ids)
        self.places = places(index)
        # "Sở TP", "Sở YT": the initials of a department's registered name.
        self.initials: dict[str, set[str]] = {}
        for k, ids in index.items():
            if k.startswith("so ") and len(k.split()) > 2:
                self.initials.setdefault("".join(w[0] for w in k.split()), set()).update(ids)
        self.answers: dict[str, frozenset[str]] = {}


_LAST: list[_Index] = []


def agency_ids(name: str, index: Mapping[str, set[str]]) -> set[str]:
    """The agencies a typed name means when no registry name matches it as written: ``index`` maps each
    registry name's matching key (``ascii_key``) to agency ids. A form is looked up whole, abbreviations
    spelt out on both sides, then as the unique start of registry names ("Ban Quản lý Khu kinh tế Nghi
    Sơn" for "… Nghi Sơn và các khu công nghiệp"), then as a department's initials ("Sở TP"). Empty when
    nothing or only ambiguous starts match. Answers are kept for the last index asked about (one registry
    resolves the same unknown names of thousands of tasks)."""
    if not _LAST or _LAST[0].index is not index or len(_LAST[0].answers) > 10_000:
        _LAST[:] = [_Index(index)]
    ix = _LAST[0]
    found = ix.answers.get(name)
    if found is None:
        found = ix.answers[name] = frozenset(_find(name, ix))
    return set(found)


def _find(name: str, ix: _Index) -> set[str]:
    forms = [ascii_key(name), *agency_forms(name, ix.places)]
    for form in forms[1:]:
        found = ix.index.get(form) or ix.expanded.get(expand(form))
        if found:
            return set(found)
    for form in forms:
        start = expand(form) + " "
        if not set(start.split()) - _GENERIC:  # "sở", "ban quản lý" say what kind of body, not which one
            continue
        hits = set().union(*(ids for k, ids in ix.expanded.items() if k.startswith(start)))
        if len(hits) == 1:
            return hits
    for form in forms:
        hits = ix.initials.get(form, set()) if " " not in form else set()
        if len(hits) == 1:
            return hits
    return set()


# --- search ---------------------------------------------------------------------------------------------


def search_key(text: str) -> str:
    """What a search compares: no case, no diacritics, abbreviations spelt out ("KKT Nghi Sơn" and "khu
    kinh te nghi son" meet)."""
    return expand(ascii_key(text))
