"""Vietnamese deadline text -> structured deadline.

The YAML keeps the document's words ("Quý II/2026", "Hằng năm", "Từ khi ban hành kế hoạch đến năm
2035"); this module turns them into a kind, a start, a due date and a recurrence. Dates that depend
on the plan (its date of issue, its last year) come from a ``PlanDates``. Text that matches no form
raises ``DeadlineError`` quoting it: an unknown deadline is never silently "unknown".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from kehoach.text import fold

Kind = Literal["date", "month", "quarter", "year", "range", "annual", "semiannual", "ongoing", "plan", "event"]
Recurrence = Literal["annual", "semiannual"]

KIND_LABELS: dict[str, str] = {
    "date": "ngày cụ thể",
    "month": "tháng",
    "quarter": "quý",
    "year": "năm",
    "range": "giai đoạn",
    "annual": "hằng năm",
    "semiannual": "định kỳ 6 tháng",
    "ongoing": "thường xuyên",
    "plan": "trong thời gian thực hiện",
    "event": "theo hoạt động",
}
# Kinds with no single due date: judged per reporting cycle rather than once.
RECURRING_KINDS = frozenset({"annual", "semiannual", "ongoing", "plan"})


class DeadlineError(ValueError):
    """The text is not a deadline form the tool knows."""

    def __init__(self, text: str, reason: str = "không nhận dạng được thời hạn") -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"{reason}: {text!r}")


@dataclass(frozen=True)
class PlanDates:
    """What a deadline may be relative to."""

    start: dt.date
    end: dt.date
    annual_report: tuple[int, int] | None = None  # (day, month)
    semiannual_reports: tuple[tuple[int, int], ...] = ((30, 6), (31, 12))


@dataclass(frozen=True)
class Deadline:
    text: str
    kind: Kind
    start: dt.date | None
    due: dt.date | None
    recurrence: Recurrence | None = None
    annotation: str | None = None
    item: str | None = None  # "a", "b" where the cell holds sub-items

    @property
    def recurring(self) -> bool:
        return self.kind in RECURRING_KINDS

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def occurrences(self, dates: PlanDates, first: dt.date, last: dt.date) -> list[dt.date]:
        """Reporting dates of a recurring duty that fall in [first, last] and within the plan."""
        if not self.recurring:
            return []
        lo = max(first, self.start or dates.start)
        hi = min(last, self.due or dates.end)
        if hi < lo:
            return []
        if self.recurrence == "semiannual":
            days = list(dates.semiannual_reports)
        else:
            days = [dates.annual_report or (31, 12)]
        out = []
        for year in range(lo.year, hi.year + 1):
            for day, month in days:
                d = _safe_date(year, month, day)
                if lo <= d <= hi:
                    out.append(d)
        return sorted(out)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_PREFIX = re.compile(r"^\s*([a-zđ])\)\s*", re.IGNORECASE)
_ANNOTATION = re.compile(r"\s*\(([^()]*)\)\s*$")
# Leading verbs that do not change the meaning of the date that follows.
_LEAD_WORDS = re.compile(
    r"^(?:(?:báo cáo ubnd tỉnh|báo cáo|hoàn thành|thực hiện|triển khai|ban hành|trình)\s+)?"
    r"(?:(?P<prep>trong|trước|vào|đến|cuối)\s+)?"
)
_YEAR = r"((?:19|20)\d\d)"
_SEP = r"\s*(?:/|năm)\s*"

_FORMS: list[tuple[str, re.Pattern[str]]] = [
    ("date", re.compile(rf"^(?:ngày\s*)?(\d{{1,2}})/(\d{{1,2}})/{_YEAR}$")),
    ("date", re.compile(rf"^(?:ngày\s*)?(\d{{1,2}}) tháng (\d{{1,2}}) năm {_YEAR}$")),
    ("quarter", re.compile(rf"^quý (i|ii|iii|iv|[1-4]){_SEP}{_YEAR}$")),
    ("month", re.compile(rf"^tháng (\d{{1,2}}){_SEP}{_YEAR}$")),
    ("from_issue", re.compile(rf"^từ khi ban hành(?: [^\d]*?)? đến(?: hết)?(?: năm)? {_YEAR}$")),
    ("range", re.compile(rf"^(?:giai đoạn |từ )?(?:năm )?{_YEAR}\s*(?:-|đến)\s*(?:năm )?{_YEAR}$")),
    ("year", re.compile(rf"^(?:năm |hết năm |cuối năm )?{_YEAR}$")),
]
_ANNUAL = {"hằng năm", "hàng năm", "định kỳ hằng năm", "định kỳ hàng năm", "hằng năm, thường xuyên"}
_SEMIANNUAL = {"định kỳ 6 tháng", "định kỳ 06 tháng", "6 tháng một lần", "06 tháng một lần", "6 tháng/lần"}
_ONGOING = re.compile(r"^thường xuyên(?:[,;]?\s*(?:định kỳ|liên tục|hằng năm|hàng năm))*$")
_PLAN = re.compile(
    r"^(?:trong )?(?:thời gian|quá trình|suốt quá trình|cả giai đoạn)(?: thực hiện)?"
    r"(?: (?:nghị quyết|kế hoạch|chương trình|quyết định|đề án))?$"
)
_EVENT = re.compile(r"^(?:theo hoạt động|khi có yêu cầu|theo yêu cầu|khi phát sinh|theo sự kiện)$")


def _safe_date(year: int, month: int, day: int) -> dt.date:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day, last))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(text: str, dates: PlanDates | None = None) -> Deadline:
    """Parse one deadline cell. ``dates`` is needed for forms relative to the plan."""
    if not isinstance(text, str) or not text.strip():
        raise DeadlineError(str(text), "thời hạn trống")
    if len(text) > 300:
        raise DeadlineError(text[:60] + "…", "thời hạn quá dài")
    original = text
    body = text.strip()
    item = None
    m = _PREFIX.match(body)
    if m:
        item = m.group(1).lower()
        body = body[m.end() :]
    annotation = None
    m = _ANNOTATION.search(body)
    if m and m.start() > 0:
        annotation = m.group(1).strip() or None
        body = body[: m.start()]
    key = fold(body).rstrip(".").strip()
    key = key.replace("–", "-")

    def make(kind: Kind, start: dt.date | None, due: dt.date | None, rec: Recurrence | None = None) -> Deadline:
        return Deadline(original, kind, start, due, rec, annotation, item)

    def need_dates() -> PlanDates:
        if dates is None:
            raise DeadlineError(original, "thời hạn phụ thuộc kế hoạch nhưng thiếu thông tin kế hoạch")
        return dates

    if key in _ANNUAL:
        d = need_dates()
        return make("annual", d.start, d.end, "annual")
    if key in _SEMIANNUAL:
        d = need_dates()
        return make("semiannual", d.start, d.end, "semiannual")
    if _ONGOING.match(key):
        d = need_dates()
        return make("ongoing", d.start, d.end, "annual")
    if _PLAN.match(key):
        d = need_dates()
        return make("plan", d.start, d.end)
    if _EVENT.match(key):
        return make("event", None, None)

    lead = _LEAD_WORDS.match(key)
    prep = lead.group("prep") if lead else None
    stripped = key[lead.end() :] if lead else key
    for candidate in dict.fromkeys((key, stripped)):
        for form, pattern in _FORMS:
            m = pattern.match(candidate)
            if not m:
                continue
            try:
                d = _build(form, m, make, need_dates)
            except ValueError as exc:
                if isinstance(exc, DeadlineError):
                    raise
                raise DeadlineError(original, f"ngày không hợp lệ ({exc})") from None
            if candidate is stripped and candidate != key:
                return _with_preposition(d, prep, make, need_dates)
            return d
    raise DeadlineError(original)


def _with_preposition(d: Deadline, prep: str | None, make, need_dates) -> Deadline:  # type: ignore[no-untyped-def]
    """"trước tháng 6/2026" ends before June; "đến năm 2030" runs from the plan's start to 2030."""
    if prep == "trước" and d.kind in ("month", "quarter", "year") and d.start is not None:
        return make("date", None, d.start - dt.timedelta(days=1))
    if prep == "đến" and d.kind == "year" and d.due is not None:
        start = need_dates().start
        return make("range", min(start, d.due), d.due)
    return d


def _build(form: str, m: re.Match[str], make, need_dates) -> Deadline:  # type: ignore[no-untyped-def]
    if form == "date":
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        due = dt.date(year, month, day)
        return make("date", None, due)
    if form == "quarter":
        q = m.group(1)
        quarter = _ROMAN.get(q) or int(q)
        year = int(m.group(2))
        first_month = 3 * (quarter - 1) + 1
        return make("quarter", dt.date(year, first_month, 1), _month_end(year, first_month + 2))
    if form == "month":
        month, year = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"tháng {month}")
        return make("month", dt.date(year, month, 1), _month_end(year, month))
    if form == "from_issue":
        d = need_dates()
        year = int(m.group(1))
        due = dt.date(year, 12, 31)
        return make("range", min(d.start, due), due)
    if form == "range":
        a, b = int(m.group(1)), int(m.group(2))
        if b < a:
            raise ValueError(f"năm kết thúc {b} trước năm bắt đầu {a}")
        return make("range", dt.date(a, 1, 1), dt.date(b, 12, 31))
    year = int(m.group(1))
    return make("year", dt.date(year, 1, 1), dt.date(year, 12, 31))
