import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kehoach.deadlines import DeadlineError, PlanDates, parse_deadline

D = dt.date
AEC = PlanDates(start=D(2026, 1, 1), end=D(2035, 12, 31), annual_report=(10, 11))


@pytest.mark.parametrize(
    ("text", "kind", "start", "due"),
    [
        ("Quý II/2026", "quarter", D(2026, 4, 1), D(2026, 6, 30)),
        ("Quý IV năm 2021", "quarter", D(2021, 10, 1), D(2021, 12, 31)),
        ("Quý I/2026 (theo chỉ đạo, hướng dẫn của Trung ương)", "quarter", D(2026, 1, 1), D(2026, 3, 31)),
        ("Tháng 8/2026", "month", D(2026, 8, 1), D(2026, 8, 31)),
        ("Tháng 02/2026", "month", D(2026, 2, 1), D(2026, 2, 28)),
        ("Tháng 5 năm 2021", "month", D(2021, 5, 1), D(2021, 5, 31)),
        ("tháng 11/2025", "month", D(2025, 11, 1), D(2025, 11, 30)),
        ("trước ngày 30/12/2025", "date", None, D(2025, 12, 30)),
        ("Năm 2021", "year", D(2021, 1, 1), D(2021, 12, 31)),
        ("2025", "year", D(2025, 1, 1), D(2025, 12, 31)),
        ("Hoàn thành trong năm 2026", "year", D(2026, 1, 1), D(2026, 12, 31)),
        ("2021 - 2025", "range", D(2021, 1, 1), D(2025, 12, 31)),
        ("2021-2025", "range", D(2021, 1, 1), D(2025, 12, 31)),
        ("Giai đoạn 2026 - 2030", "range", D(2026, 1, 1), D(2030, 12, 31)),
        ("Thực hiện trong năm 2026 - 2027", "range", D(2026, 1, 1), D(2027, 12, 31)),
        ("Từ khi ban hành kế hoạch đến năm 2035", "range", D(2026, 1, 1), D(2035, 12, 31)),
        ("Hằng năm", "annual", D(2026, 1, 1), D(2035, 12, 31)),
        ("Hàng năm", "annual", D(2026, 1, 1), D(2035, 12, 31)),
        ("Định kỳ 6 tháng", "semiannual", D(2026, 1, 1), D(2035, 12, 31)),
        ("Thường xuyên", "ongoing", D(2026, 1, 1), D(2035, 12, 31)),
        ("Thường xuyên, định kỳ", "ongoing", D(2026, 1, 1), D(2035, 12, 31)),
        ("Trong quá trình thực hiện Nghị quyết", "plan", D(2026, 1, 1), D(2035, 12, 31)),
        ("Trong thời gian thực hiện Nghị quyết", "plan", D(2026, 1, 1), D(2035, 12, 31)),
        ("Theo hoạt động", "event", None, None),
    ],
)
def test_every_deadline_form_met_in_the_seeds(text, kind, start, due):
    d = parse_deadline(text, AEC)
    assert (d.kind, d.start, d.due) == (kind, start, due)


def test_sub_item_prefix_and_annotation_are_kept_apart():
    a = parse_deadline("a) Quý IV năm 2021", AEC)
    assert (a.item, a.kind, a.due) == ("a", "quarter", D(2021, 12, 31))
    b = parse_deadline("b) 2021-2025", AEC)
    assert (b.item, b.kind, b.due) == ("b", "range", D(2025, 12, 31))
    q = parse_deadline("Quý I/2026 (theo chỉ đạo, hướng dẫn của Trung ương)", AEC)
    assert q.annotation == "theo chỉ đạo, hướng dẫn của Trung ương"


def test_annual_duty_falls_on_the_plans_report_day():
    d = parse_deadline("Hằng năm", AEC)
    assert d.occurrences(AEC, D(2026, 1, 1), D(2027, 12, 31)) == [D(2026, 11, 10), D(2027, 11, 10)]
    half = parse_deadline("Định kỳ 6 tháng", AEC)
    assert half.occurrences(AEC, D(2026, 1, 1), D(2026, 12, 31)) == [D(2026, 6, 30), D(2026, 12, 31)]


@pytest.mark.parametrize("text", ["Sớm", "Quý V/2026", "Tháng 13/2026", "31/02/2026", "2030 - 2026", "", "   "])
def test_unknown_or_impossible_text_is_an_error_that_quotes_it(text):
    with pytest.raises(DeadlineError) as err:
        parse_deadline(text, AEC)
    assert repr(text.strip() and text)[1:-1] in str(err.value) or not text.strip()


def test_relative_forms_need_the_plan():
    with pytest.raises(DeadlineError, match="phụ thuộc kế hoạch"):
        parse_deadline("Thường xuyên")


@given(st.text(max_size=80))
def test_arbitrary_text_raises_nothing_but_deadline_error(text):
    try:
        d = parse_deadline(text, AEC)
    except DeadlineError:
        return
    if d.start and d.due:
        assert d.due >= d.start


_forms = st.one_of(
    st.builds(lambda q, y: f"Quý {q}/{y}", st.sampled_from(["I", "II", "III", "IV"]), st.integers(1990, 2099)),
    st.builds(lambda m, y: f"Tháng {m}/{y}", st.integers(1, 12), st.integers(1990, 2099)),
    st.builds(lambda a, n: f"Giai đoạn {a} - {a + n}", st.integers(1990, 2090), st.integers(0, 9)),
    st.builds(lambda y: f"Hoàn thành trong năm {y}", st.integers(1990, 2099)),
)


@given(_forms)
def test_generated_valid_forms_parse_with_due_after_start(text):
    d = parse_deadline(text, AEC)
    assert d.due is not None and d.start is not None and d.due >= d.start


@pytest.mark.parametrize(
    ("text", "kind", "start", "due"),
    [
        ("trước tháng 6/2026", "date", None, D(2026, 5, 31)),
        ("Trước Quý III/2026", "date", None, D(2026, 6, 30)),
        ("trước năm 2030", "date", None, D(2029, 12, 31)),
        ("Đến năm 2030", "range", D(2026, 1, 1), D(2030, 12, 31)),
        ("trong tháng 12/2025", "month", D(2025, 12, 1), D(2025, 12, 31)),
        ("báo cáo UBND tỉnh trong Quý I/2026", "quarter", D(2026, 1, 1), D(2026, 3, 31)),
    ],
)
def test_prepositions_change_the_window(text, kind, start, due):
    d = parse_deadline(text, AEC)
    assert (d.kind, d.start, d.due) == (kind, start, due)
