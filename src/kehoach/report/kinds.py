"""Report kinds and the errors every report module raises."""

from __future__ import annotations

from kehoach.errors import DataError, UsageError
from kehoach.model import Plan

KINDS = ("annual", "half", "midterm", "final")
KIND_VN = {"annual": "năm", "half": "6 tháng", "midterm": "sơ kết", "final": "tổng kết"}
KIND_SLUG = {"annual": "nam", "half": "6-thang", "midterm": "so-ket", "final": "tong-ket"}
YEARLY = ("annual", "half")  # judged within their year, not since the start of the period


# Also a ValueError, as before the one error base, for callers outside the package.
class ReportError(UsageError, ValueError):
    """A report that cannot be drafted as asked (unknown kind, year outside the plan…)."""


# A data problem, not a ReportError (those are usage mistakes); also a ValueError as before the one base.
class NoDraft(DataError, ValueError):
    """The data cannot support a correct draft (no task in scope, no template of the issuer's format)."""


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ReportError(f"loại báo cáo {kind!r} không hợp lệ; dùng: {', '.join(KINDS)}")


def check_year(plan: Plan, year: int) -> None:
    if not plan.start_year <= year <= plan.end_year:
        raise ReportError(f"năm {year} ngoài thời gian của kế hoạch {plan.id} ({plan.start_year} - {plan.end_year})")
