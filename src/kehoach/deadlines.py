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
from typing import TYPE_CHECKING, Literal

from kehoach.errors import DataError
from kehoach.text import fold

if TYPE_CHECKING:
    from kehoach.model import Plan

Kind = Literal[
    "date",
    "month",
    "quarter",
    "half",
    "year",
    "range",
    "monthly",
    "quarterly",
    "annual",
    "semiannual",
    "ongoing",
    "plan",
    "event",
    "condition",
]
Recurrence = Literal["monthly", "quarterly", "annual", "semiannual"]

KIND_LABELS: dict[str, str] = {
    "date": "ngày cụ thể",
    "month": "tháng",
    "quarter": "quý",
    "half": "6 tháng",
    "year": "năm",
    "range": "giai đoạn",
    "monthly": "hằng tháng",
    "quarterly": "hằng quý",
    "annual": "hằng năm",
    "semiannual": "định kỳ 6 tháng",
    "ongoing": "thường xuyên",
    "plan": "trong thời gian thực hiện",
    "event": "theo hoạt động",
    "condition": "chờ điều kiện",
}
# Kinds with no single due date: judged per reporting cycle rather than once.
RECURRING_KINDS = frozenset({"monthly", "quarterly", "annual", "semiannual", "ongoing", "plan"})
# Kinds that are never overdue: there is no date to miss ("Thường xuyên", "Theo hoạt động",
# "Sau khi Trung ương ban hành hướng dẫn").
NEVER_OVERDUE_KINDS = frozenset({"ongoing", "plan", "event", "condition"})

DOCS_SECTION = "docs/deadlines.md, mục «Bảng các dạng»"


# Also a ValueError: pydantic turns a ValueError raised in a validator into a ValidationError.
class DeadlineError(DataError, ValueError):
    """The text is not a deadline form the tool knows."""

    def __init__(self, text: str, reason: str = "không nhận dạng được thời hạn", hint: str | None = None) -> None:
        self.text = text
        self.reason = reason
        self.hint = hint  # what to write instead, for a phrase no form matches
        message = f"{reason}: {text!r}"
        if hint:
            message += f"; {hint}"
        super().__init__(message)


@dataclass(frozen=True)
class PlanDates:
    """What a deadline may be relative to."""

    start: dt.date
    end: dt.date
    annual_report: tuple[int, int] | None = None  # (day, month)
    semiannual_reports: tuple[tuple[int, int], ...] = ((30, 6), (31, 12))


def plan_dates(plan: Plan) -> PlanDates:
    """The dates a plan's deadlines are relative to (asked once per task: kept per distinct input)."""
    rep = plan.reporting
    annual = rep.annual
    key = (plan.start, plan.end, annual is not None, annual.due if annual else None, tuple(rep.semiannual))
    found = _PLAN_DATES.get(key)
    if found is None:
        if len(_PLAN_DATES) > 10_000:  # a long-lived process reading many data sets
            _PLAN_DATES.clear()
        from kehoach.model import DayMonth  # only when a new set of dates is met

        semi = tuple((d.day, d.month) for d in map(DayMonth.parse, rep.semiannual))
        found = _PLAN_DATES[key] = PlanDates(
            start=plan.start,
            end=plan.end,
            annual_report=(annual.day_month.day, annual.day_month.month) if annual else None,
            semiannual_reports=semi or ((30, 6), (31, 12)),
        )
    return found


# A pure memo: the same plan fields always give the same PlanDates (frozen), so sharing them across data
# sets changes no answer; capped above for a long-lived process.
_PLAN_DATES: dict[tuple[object, ...], PlanDates] = {}


@dataclass(frozen=True)
class Deadline:
    """One parsed deadline cell.

    For any kind, a status engine needs only three things, all generic:

    - ``recurring``: judged per period (``occurrences`` gives the period's due days) rather than once
      against ``due``;
    - ``never_overdue``: no date can be missed (ongoing work, "Theo hoạt động", a deadline that waits
      for an event such as "Sau khi Trung ương ban hành hướng dẫn", whose words are in ``condition``);
    - ``next_due(dates, on_or_after)``: the first due day on or after a date, recurring or not.
    """

    text: str
    kind: Kind
    start: dt.date | None
    due: dt.date | None
    recurrence: Recurrence | None = None
    annotation: str | None = None
    item: str | None = None  # "a", "b" where the cell holds sub-items
    day: int | None = None  # the day the document names: "trước ngày 20 hằng tháng", "15/12 hằng năm"
    month: int | None = None  # with ``day`` for yearly duties ("Trước ngày 15/12 hằng năm")
    condition: str | None = None  # the event a "condition" deadline waits for, as written
    then: Literal["ongoing"] | None = None  # "Quý II/2026 và thường xuyên": due at ``due``, then ongoing

    @property
    def recurring(self) -> bool:
        return self.kind in RECURRING_KINDS

    @property
    def never_overdue(self) -> bool:
        return self.kind in NEVER_OVERDUE_KINDS

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def day_named(self) -> bool:
        """The document names the report day itself; the plan's reporting day does not apply."""
        return self.day is not None

    def occurrences(self, dates: PlanDates, first: dt.date, last: dt.date) -> list[dt.date]:
        """Reporting dates of a recurring duty that fall in [first, last] and within the plan.

        Monthly duties fall on the named day of each month (else its last day); quarterly duties on
        the named day of the quarter's last month (else the quarter's last day); yearly duties on the
        named day and month (else the plan's annual report day, else 31/12); half-yearly duties on
        the plan's half-yearly report days (else 30/6 and 31/12).
        """
        if not self.recurring:
            return []
        lo = max(first, self.start or dates.start)
        hi = min(last, self.due or dates.end)
        if hi < lo:
            return []
        key = (self, dates, lo, hi)  # the same duty is asked about for every task and plan that has it
        found = _OCCURRENCES.get(key)
        if found is None:
            if len(_OCCURRENCES) > 100_000:
                _OCCURRENCES.clear()
            found = _OCCURRENCES[key] = tuple(self._days_between(dates, lo, hi))
        return list(found)

    def _days_between(self, dates: PlanDates, lo: dt.date, hi: dt.date) -> list[dt.date]:
        if self.recurrence == "monthly":
            months = range(1, 13)
            days = [(self.day or 31, m) for m in months]
        elif self.recurrence == "quarterly":
            days = [(self.day or 31, m) for m in (3, 6, 9, 12)]
        elif self.recurrence == "semiannual":
            days = list(dates.semiannual_reports)
        elif self.day is not None and self.month is not None:
            days = [(self.day, self.month)]
        else:
            days = [dates.annual_report or (31, 12)]
        out = []
        for year in range(lo.year, hi.year + 1):
            for day, month in days:
                d = _safe_date(year, month, day)
                if lo <= d <= hi:
                    out.append(d)
        return sorted(out)

    def next_due(self, dates: PlanDates, on_or_after: dt.date) -> dt.date | None:
        """The first due day on or after ``on_or_after``: the next period's day for a recurring duty,
        the due date itself for a one-off deadline not yet passed, None otherwise (and always None
        for kinds with no date: "event", "condition")."""
        if self.recurring:
            nxt = self.occurrences(dates, on_or_after, dates.end)
            return nxt[0] if nxt else None
        if self.due is not None and self.due >= on_or_after:
            return self.due
        return None


_OCCURRENCES: dict[tuple[Deadline, PlanDates, dt.date, dt.date], tuple[dt.date, ...]] = {}
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

_Q = r"(i|ii|iii|iv|[1-4])"
_M = r"(\d{1,2})"
_EVERY = r"(?:định kỳ )?h[ằà]ng"  # "hằng", "hàng", "định kỳ hằng"
_BY_DAY = r"(?:trước |vào |chậm nhất |chậm nhất vào |trước hoặc vào )?(?:ngày )?"

# "Hoàn thành xây dựng đề án trong quý II/2026": a verb, what is done (no digits, a few words), then the
# preposition and a date form.
_LEAD_CLAUSE = re.compile(
    r"^(?:hoàn thành|thực hiện|triển khai|ban hành|trình|báo cáo|tổ chức|xây dựng)\b[^\d()]{0,120}?\s"
    r"(?P<prep>trong|trước|vào|đến|cuối)\s+"
)
# "Quý II/2026 và thường xuyên", "31/12/2026; triển khai thường xuyên": a due date, then ongoing work.
_THEN_ONGOING = re.compile(
    r"^(?P<first>.+?)\s*(?:[,;]\s*|\s+)(?:và\s+)?(?:sau đó\s+)?(?:(?:tổ chức\s+)?(?:thực hiện|triển khai)|nhiệm vụ"
    r"|duy trì)?\s*(?:thường xuyên|hằng năm|hàng năm)(?:\s+(?:các năm|những năm) (?:tiếp theo|sau))?$"
)
# "Năm 2026 và các năm tiếp theo", "Từ năm 2026 trở đi", "Từ năm 2026": every year from that year.
_FROM_YEAR = re.compile(
    rf"^(?:(?:từ|bắt đầu từ) )?(?:năm )?{_YEAR}(?:\s*(?:,|và)\s*(?:các|những) năm (?:tiếp theo|sau)| trở đi)$"
    rf"|^(?:từ|bắt đầu từ) (?:năm )?{_YEAR}$"
)
# "30 ngày kể từ ngày ban hành Kế hoạch", "Trong vòng 15 ngày kể từ ngày ký", "Trong 100 ngày".
_DAYS_FROM_ISSUE = re.compile(
    r"^(?:(?:hoàn thành |thực hiện )?(?:trong|trong vòng|trong thời hạn|chậm nhất|không quá|sau)\s+)?"
    r"(?P<n>\d{1,4}) ngày"
    r"(?: làm việc)?(?:\s*,?\s*(?:kể )?từ (?:ngày|khi) (?:ban hành|ký|kế hoạch|quyết định|nghị quyết|văn bản)[^\d]*)?$"
)
# "Từ ngày ban hành Kế hoạch trở đi", "Kể từ ngày ban hành": ongoing from the plan's issue.
_FROM_ISSUE_ON = re.compile(
    r"^(?:kể )?từ (?:ngày|khi) (?:ban hành|ký ban hành|kế hoạch|quyết định|nghị quyết)[^\d]*?"
    r"(?: trở đi| đến khi hoàn thành)?$"
)
_ANNUAL_DAY_NOTE = re.compile(rf"^{_BY_DAY}(?P<d>\d{{1,2}})(?:/| tháng )(?P<m>\d{{1,2}})(?: hằng năm| hàng năm)?$")
_FORMS: list[tuple[str, re.Pattern[str]]] = [
    ("date", re.compile(rf"^(?:ngày\s*)?(\d{{1,2}})/(\d{{1,2}})/{_YEAR}$")),
    ("date", re.compile(rf"^(?:ngày\s*)?(\d{{1,2}}) tháng (\d{{1,2}}) năm {_YEAR}$")),
    ("quarter", re.compile(rf"^quý {_Q}{_SEP}{_YEAR}$")),
    # "Quý III-IV/2025", "Quý I và quý II năm 2025", "Quý II đến quý IV/2026"
    ("quarters", re.compile(rf"^quý {_Q}(?:\s*(?:-|,|và|đến)\s*(?:quý )?{_Q})+{_SEP}{_YEAR}$")),
    ("month", re.compile(rf"^tháng (\d{{1,2}}){_SEP}{_YEAR}$")),
    # "6/2025", "12/2025": a month written as numbers alone, as in the Government's task lists.
    ("month", re.compile(rf"^(\d{{1,2}})/{_YEAR}$")),
    # "Tháng 01 và tháng 02/2025", "Tháng 10-12/2025", "Tháng 3, 4 năm 2026"
    ("months", re.compile(rf"^tháng \d{{1,2}}(?:\s*(?:-|,|và|đến)\s*(?:tháng )?\d{{1,2}})+{_SEP}{_YEAR}$")),
    # "6 tháng đầu năm 2025", "06 tháng cuối năm/2025"
    ("half", re.compile(rf"^0?6 tháng (đầu|cuối) năm\s*(?:/|năm)?\s*{_YEAR}$")),
    ("from_issue", re.compile(rf"^từ khi ban hành(?: [^\d]*?)? đến(?: hết)?(?: năm)? {_YEAR}$")),
    ("range", re.compile(rf"^(?:giai đoạn |từ )?(?:năm )?{_YEAR}\s*(?:-|đến)\s*(?:năm )?{_YEAR}$")),
    ("year", re.compile(rf"^(?:năm |hết năm |cuối năm |cả năm |trong cả năm )?{_YEAR}$")),
]
_VERB = re.compile(r"^(?:báo cáo(?: ubnd tỉnh| ubnd thành phố)?|hoàn thành|thực hiện|triển khai|gửi báo cáo)\s+")
_ON_REQUEST_TOO = re.compile(
    r"(?<=\S)\s*(?:,|;|và|hoặc)\s*(?:báo cáo )?(?:đột xuất|khi có yêu cầu|theo yêu cầu)(?: của [^,;]+)?$"
)
_MISSING_SLASH = re.compile(r"\b((?:quý (?:iv|iii|ii|i|[1-4]))|(?:tháng \d{1,2}))\s*((?:19|20)\d\d)$")
_ANNUAL = {"hằng năm", "hàng năm", "định kỳ hằng năm", "định kỳ hàng năm", "hằng năm, thường xuyên"}
_SEMIANNUAL = {
    "định kỳ 6 tháng", "định kỳ 06 tháng", "6 tháng một lần", "06 tháng một lần", "6 tháng/lần",
    "định kỳ 6 tháng, hằng năm", "định kỳ 6 tháng và hằng năm", "định kỳ 6 tháng, năm", "6 tháng, hằng năm",
    "định kỳ 06 tháng, hằng năm", "định kỳ 6 tháng, 01 năm", "định kỳ 6 tháng, 1 năm",
}
# "Quý I hằng năm", "Tháng 12 hằng năm", "Trong tháng 11 hằng năm": a yearly duty due at that quarter's or
# month's end.
_YEARLY_PERIOD = re.compile(
    r"^(?:(?:trong|vào|trước|cuối) )?(?:(?:quý (?P<q>iv|iii|ii|i|[1-4]))|(?:tháng (?P<m>\d{1,2}))) h[ằà]ng năm$"
)
# Recurrence with an optional day: "Hằng tháng", "Hằng tháng, trước ngày 20", "Trước ngày 20 hằng tháng",
# "Hàng quý", "Ngày 15 tháng cuối quý hằng quý"; "Trước ngày 15/12 hằng năm", "Hằng năm, trước ngày 15/12".
_REPEAT = re.compile(
    rf"^(?:{_EVERY} (?P<unit>tháng|quý)(?:[,;]?\s*{_BY_DAY}(?P<day>\d{{1,2}})(?: (?:của )?tháng cuối quý)?)?"
    rf"|{_BY_DAY}(?P<day2>\d{{1,2}})(?: (?:của )?tháng cuối quý)? {_EVERY} (?P<unit2>tháng|quý))$"
)
_YEARLY_DAY = re.compile(
    rf"^(?:{_EVERY} năm[,;]?\s*{_BY_DAY}(?P<d>\d{{1,2}})(?:/| tháng )(?P<m>\d{{1,2}})"
    rf"|{_BY_DAY}(?P<d2>\d{{1,2}})(?:/| tháng )(?P<m2>\d{{1,2}}) {_EVERY} năm)$"
)
_ONGOING = re.compile(r"^(?:nhiệm vụ )?thường xuyên(?:[,;]?\s*(?:định kỳ|liên tục|hằng năm|hàng năm))*$")
_PLAN = re.compile(
    r"^(?:trong )?(?:thời gian|quá trình|suốt quá trình|cả giai đoạn)(?: thực hiện)?"
    r"(?: (?:nghị quyết|kế hoạch|chương trình|quyết định|đề án))?$"
)
_EVENT = re.compile(r"^(?:theo hoạt động|khi có yêu cầu|theo yêu cầu|khi phát sinh|theo sự kiện)$")
# A deadline that waits for someone else: "Theo tiến độ của Trung ương", "Sau khi Trung ương ban hành
# hướng dẫn", "Theo lộ trình của Bộ Tài chính", "Khi có văn bản hướng dẫn". Needs a word after the
# opening so that a bare "Sau khi" is still an error.
_CONDITION = re.compile(
    r"^(?:(?:ngay |chậm nhất \d+ ngày |trong vòng \d+ ngày )?sau khi"
    r"|theo (?:tiến độ|lộ trình|chỉ đạo|hướng dẫn|kế hoạch|yêu cầu)(?: chung)?(?: của)?"
    r"|khi (?:có|được|trung ương)"
    r"|căn cứ (?:vào )?(?:hướng dẫn|chỉ đạo|tiến độ))"
    r"\s+\S.*$"
)
# One example per form, for "the closest supported form" in an error.
_EXAMPLES = (
    "15/12/2025",
    "Tháng 02/2025",
    "Tháng 01 và tháng 02/2025",
    "Quý II/2026",
    "Quý III-IV/2025",
    "6 tháng đầu năm 2025",
    "6 tháng cuối năm 2025",
    "Năm 2026",
    "Cả năm 2025",
    "2026 - 2030",
    "Từ khi ban hành kế hoạch đến năm 2035",
    "Trước tháng 6/2026",
    "Đến năm 2030",
    "Hằng tháng",
    "Trước ngày 20 hằng tháng",
    "Hằng quý",
    "Hằng quý, trước ngày 15 tháng cuối quý",
    "Hằng năm",
    "Trước ngày 15/12 hằng năm",
    "Định kỳ 6 tháng",
    "Thường xuyên",
    "Trong thời gian thực hiện Kế hoạch",
    "Quý II/2026 và thường xuyên",
    "Năm 2026 và các năm tiếp theo",
    "30 ngày kể từ ngày ban hành Kế hoạch",
    "Từ ngày ban hành Kế hoạch trở đi",
    "Theo hoạt động",
    "Theo tiến độ của Trung ương",
    "Sau khi Trung ương ban hành hướng dẫn",
)


# Families of forms, by the word that names them, most telling first: a suggestion stays in the family of
# the phrase ("Quý V/2026" -> a quarter), and a phrase of no family gets none.
_FAMILIES = ("quý", "hằng", "hàng", "tháng", "thường xuyên", "sau khi", "theo", "ngày", "năm", "giai đoạn")


def closest_form(text: str) -> str | None:
    """The supported example of the same family closest to ``text`` (by words, then characters); None when
    the phrase names no family."""
    import difflib

    key = _digits_as_nine(fold(text))
    words = set(key.split())
    family = next((f for f in _FAMILIES if re.search(rf"(?<!\w){f}(?!\w)", key)), None)
    if family is None:
        return None
    pool = [e for e in _EXAMPLES if re.search(rf"(?<!\w){family}(?!\w)", fold(e))]
    if family in ("hằng", "hàng"):
        pool = [e for e in _EXAMPLES if re.search(r"(?<!\w)h[ằà]ng(?!\w)", fold(e))]
    if not pool:
        return None

    def score(example: str) -> tuple[float, float]:
        ex = _digits_as_nine(fold(example))
        shared = len(words & set(ex.split())) / max(1, len(words | set(ex.split())))
        return shared, difflib.SequenceMatcher(None, key, ex).ratio()

    return max(pool, key=score)


def _digits_as_nine(text: str) -> str:
    return re.sub(r"\d+", "9", text)


def unknown_hint(text: str) -> str:
    form = closest_form(text)
    if form is None:
        return f"không có dạng cùng loại; xem các dạng được hỗ trợ ở {DOCS_SECTION}"
    return f"dạng gần nhất được hỗ trợ: {form!r} (xem {DOCS_SECTION})"


def _safe_date(year: int, month: int, day: int) -> dt.date:
    if day <= 28:
        return dt.date(year, month, day)
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
    key = key.replace("–", "-").replace("quí", "quý")
    key = _MISSING_SLASH.sub(r"\1/\2", key)  # "Quý IV2026", "Tháng 12 2026"
    # "Hằng năm và đột xuất", "Hằng quý, khi có yêu cầu": the regular duty; the extra reports are on request.
    key = _ON_REQUEST_TOO.sub("", key)

    def make(
        kind: Kind, start: dt.date | None, due: dt.date | None, rec: Recurrence | None = None, **extra: object
    ) -> Deadline:
        return Deadline(original, kind, start, due, rec, annotation, item, **extra)  # type: ignore[arg-type]

    def need_dates() -> PlanDates:
        if dates is None:
            raise DeadlineError(original, "thời hạn phụ thuộc kế hoạch nhưng thiếu thông tin kế hoạch")
        return dates

    if key in _ANNUAL:
        d = need_dates()
        m = _ANNUAL_DAY_NOTE.match(fold(annotation or ""))
        if m:  # "Hằng năm (trước ngày 15/12)": the yearly duty keeps its own day
            own_day, own_month = int(m.group("d")), int(m.group("m"))
            try:
                dt.date(2024, own_month, own_day)
            except ValueError:
                reason = f"ngày không hợp lệ (không có ngày {own_day:02d}/{own_month:02d})"
                raise DeadlineError(original, reason) from None
            return make("annual", d.start, d.end, "annual", day=own_day, month=own_month)
        return make("annual", d.start, d.end, "annual")
    m = _YEARLY_PERIOD.match(key) or _YEARLY_PERIOD.match(_VERB.sub("", key, count=1))
    if m:
        d = need_dates()
        month = 3 * (_ROMAN.get(m.group("q")) or int(m.group("q"))) if m.group("q") else int(m.group("m"))
        if not 1 <= month <= 12:
            raise DeadlineError(original, f"ngày không hợp lệ (tháng {month})")
        last = calendar.monthrange(2023, month)[1]  # 28/02: a day every year has
        return make("annual", d.start, d.end, "annual", day=last, month=month)
    m = _FROM_YEAR.match(key)
    if m:
        d = need_dates()
        year = int(next(g for g in m.groups() if g))
        return make("annual", max(d.start, dt.date(year, 1, 1)), d.end, "annual")
    m = _DAYS_FROM_ISSUE.match(key)
    if m:
        d = need_dates()
        due = d.start + dt.timedelta(days=int(m.group("n")))
        return make("date", d.start, due)
    if _FROM_ISSUE_ON.match(key):
        d = need_dates()
        return make("ongoing", d.start, d.end, "annual")
    m = _THEN_ONGOING.match(key)
    if m and not _ONGOING.match(key):
        try:
            first = parse_deadline(m.group("first"), dates)
        except DeadlineError:
            first = None
        if first is not None and not first.recurring and first.due is not None:
            return make(first.kind, first.start, first.due, then="ongoing")
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
    verbless = _VERB.sub("", key, count=1)
    m = _REPEAT.match(key) or _REPEAT.match(verbless)
    if m:
        d = need_dates()
        unit = m.group("unit") or m.group("unit2")
        day_text = m.group("day") or m.group("day2")
        day = int(day_text) if day_text else None
        if day is not None and not 1 <= day <= 31:
            raise DeadlineError(original, f"ngày không hợp lệ (ngày {day})")
        if unit == "tháng":
            return make("monthly", d.start, d.end, "monthly", day=day)
        return make("quarterly", d.start, d.end, "quarterly", day=day)
    m = _YEARLY_DAY.match(key) or _YEARLY_DAY.match(verbless)
    if m:
        d = need_dates()
        day, month = int(m.group("d") or m.group("d2")), int(m.group("m") or m.group("m2"))
        try:
            dt.date(2024, month, day)  # a leap year: 29/02 is a real day
        except ValueError:
            raise DeadlineError(original, f"ngày không hợp lệ (không có ngày {day:02d}/{month:02d})") from None
        return make("annual", d.start, d.end, "annual", day=day, month=month)

    lead = _LEAD_WORDS.match(key)
    prep = lead.group("prep") if lead else None
    stripped = key[lead.end() :] if lead else key
    clause = _LEAD_CLAUSE.match(key)
    candidates = [(key, None), (stripped, prep)]
    if clause:
        candidates.append((key[clause.end() :], clause.group("prep")))
    for candidate, prep in dict.fromkeys(candidates):
        for form, pattern in _FORMS:
            m = pattern.match(candidate)
            if not m:
                continue
            try:
                built = _build(form, m, make, need_dates)
            except ValueError as exc:
                if isinstance(exc, DeadlineError):
                    raise
                raise DeadlineError(original, f"ngày không hợp lệ ({exc})") from None
            if candidate != key:
                return _with_preposition(built, prep, make, need_dates)
            return built
    for candidate in dict.fromkeys((key, stripped)):
        if _CONDITION.match(candidate):
            # Keep the words: they say what the task waits for. The annotation, if any, is part of it.
            condition = body.strip().rstrip(".")
            if annotation:
                condition = f"{condition} ({annotation})"
            return make("condition", None, None, condition=condition)
    raise DeadlineError(original, hint=unknown_hint(body))


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
    if form == "months":
        year = int(m.group(1))
        numbers = [int(n) for n in re.findall(r"\d{1,2}", m.group(0)[: m.start(1)])]
        for month in numbers:
            if not 1 <= month <= 12:
                raise ValueError(f"tháng {month}")
        if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
            raise ValueError("các tháng không theo thứ tự tăng dần")
        return make("month", dt.date(year, numbers[0], 1), _month_end(year, numbers[-1]))
    if form == "quarters":
        year = int(m.group(m.lastindex or 1))
        names = re.findall(r"\b(iv|iii|ii|i|[1-4])\b", m.group(0)[: m.start(m.lastindex or 1)])
        quarters = [_ROMAN.get(q) or int(q) for q in names]
        if quarters != sorted(quarters) or len(set(quarters)) != len(quarters):
            raise ValueError("các quý không theo thứ tự tăng dần")
        first_month = 3 * (quarters[0] - 1) + 1
        return make("quarter", dt.date(year, first_month, 1), _month_end(year, 3 * quarters[-1]))
    if form == "half":
        year = int(m.group(2))
        if m.group(1) == "đầu":
            return make("half", dt.date(year, 1, 1), dt.date(year, 6, 30))
        return make("half", dt.date(year, 7, 1), dt.date(year, 12, 31))
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
