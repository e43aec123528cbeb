"""Deadline families met in real plans of other issuers (Government, Prime Minister, Hà Nội)."""

from __future__ import annotations

import datetime as dt

import pytest

from kehoach.deadlines import DeadlineError, PlanDates, closest_form, parse_deadline

D = dt.date
P = PlanDates(start=D(2026, 3, 2), end=D(2030, 12, 31), annual_report=(15, 11))


@pytest.mark.parametrize(
    ("text", "kind", "start", "due", "then"),
    [
        ("Quý II/2026 và thường xuyên", "quarter", D(2026, 4, 1), D(2026, 6, 30), "ongoing"),
        ("31/12/2026 và thực hiện thường xuyên", "date", None, D(2026, 12, 31), "ongoing"),
        ("Tháng 6/2026, triển khai thường xuyên", "month", D(2026, 6, 1), D(2026, 6, 30), "ongoing"),
        ("Năm 2026 và tổ chức triển khai thường xuyên", "year", D(2026, 1, 1), D(2026, 12, 31), "ongoing"),
        ("Quý III/2026 và nhiệm vụ thường xuyên", "quarter", D(2026, 7, 1), D(2026, 9, 30), "ongoing"),
        ("Năm 2026 và các năm tiếp theo", "annual", D(2026, 3, 2), D(2030, 12, 31), None),
        ("Từ năm 2027 trở đi", "annual", D(2027, 1, 1), D(2030, 12, 31), None),
        ("30 ngày kể từ ngày ban hành Kế hoạch", "date", D(2026, 3, 2), D(2026, 4, 1), None),
        ("Trong vòng 15 ngày kể từ ngày ký", "date", D(2026, 3, 2), D(2026, 3, 17), None),
        ("Hoàn thành xây dựng đề án trong quý II/2026", "quarter", D(2026, 4, 1), D(2026, 6, 30), None),
        ("Quý IV2026", "quarter", D(2026, 10, 1), D(2026, 12, 31), None),
        ("Từ ngày ban hành Kế hoạch trở đi", "ongoing", D(2026, 3, 2), D(2030, 12, 31), None),
    ],
)
def test_families(text, kind, start, due, then):
    d = parse_deadline(text, P)
    assert (d.kind, d.start, d.due, d.then) == (kind, start, due, then)


def test_a_yearly_duty_keeps_its_own_day():
    for text in ("Hằng năm (trước ngày 15/12)", "Báo cáo trước ngày 15/12 hằng năm"):
        d = parse_deadline(text, P)
        assert (d.kind, d.day, d.month) == ("annual", 15, 12)
        assert d.occurrences(P, D(2026, 1, 1), D(2026, 12, 31)) == [D(2026, 12, 15)]


@pytest.mark.parametrize(
    ("text", "family"),
    [("Quý V/2026", "Quý"), ("Hằng tuần", "Hằng"), ("Tháng 13/2026", "Tháng")],
)
def test_an_unknown_phrase_gets_a_suggestion_of_its_family(text, family):
    with pytest.raises(DeadlineError):
        parse_deadline(text, P)
    assert closest_form(text).startswith(family) or family.lower() in closest_form(text).lower()


def test_a_phrase_of_no_family_gets_no_suggestion():
    assert closest_form("Khi nào xong") is None
    with pytest.raises(DeadlineError) as err:
        parse_deadline("Khi nào xong", P)
    assert "dạng gần nhất" not in str(err.value)


@pytest.mark.parametrize(
    ("text", "day", "month"),
    [("Quý I hằng năm", 31, 3), ("Tháng 12 hằng năm", 31, 12), ("Trong tháng 11 hàng năm", 30, 11)],
)
def test_a_quarter_or_month_every_year(text, day, month):
    d = parse_deadline(text, P)
    assert (d.kind, d.day, d.month) == ("annual", day, month)


def test_half_yearly_and_yearly_reports_are_half_yearly():
    assert parse_deadline("Định kỳ 6 tháng, hằng năm", P).kind == "semiannual"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hằng năm và đột xuất", "annual"),
        ("Hằng quý, khi có yêu cầu", "quarterly"),
        ("Thường xuyên và đột xuất", "ongoing"),
    ],
)
def test_regular_duty_with_reports_on_request(text, kind):
    assert parse_deadline(text, P).kind == kind


def test_on_request_alone_is_still_an_event():
    assert parse_deadline("Khi có yêu cầu", P).kind == "event"
