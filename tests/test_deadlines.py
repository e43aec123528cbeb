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


P25 = PlanDates(start=D(2025, 1, 1), end=D(2030, 12, 31), annual_report=(10, 11))


@pytest.mark.parametrize(
    ("text", "kind", "start", "due"),
    [
        ("Quý III-IV/2025", "quarter", D(2025, 7, 1), D(2025, 12, 31)),
        ("quý III – IV năm 2025", "quarter", D(2025, 7, 1), D(2025, 12, 31)),
        ("Quý I và quý II/2025", "quarter", D(2025, 1, 1), D(2025, 6, 30)),
        ("Quý 2 đến quý 4 năm 2026", "quarter", D(2026, 4, 1), D(2026, 12, 31)),
        ("Tháng 01 và tháng 02/2025", "month", D(2025, 1, 1), D(2025, 2, 28)),
        ("tháng 1 và tháng 2 năm 2025", "month", D(2025, 1, 1), D(2025, 2, 28)),
        ("Tháng 10-12/2025", "month", D(2025, 10, 1), D(2025, 12, 31)),
        ("Tháng 3, 4 năm 2026", "month", D(2026, 3, 1), D(2026, 4, 30)),
        ("6 tháng đầu năm 2025", "half", D(2025, 1, 1), D(2025, 6, 30)),
        ("06 tháng đầu năm 2025", "half", D(2025, 1, 1), D(2025, 6, 30)),
        ("6 tháng cuối năm 2025", "half", D(2025, 7, 1), D(2025, 12, 31)),
        ("Trong 6 tháng cuối năm/2025", "half", D(2025, 7, 1), D(2025, 12, 31)),
        ("Cả năm 2025", "year", D(2025, 1, 1), D(2025, 12, 31)),
        ("cả năm 2025", "year", D(2025, 1, 1), D(2025, 12, 31)),
        ("Hoàn thành trong Quý III-IV/2025", "quarter", D(2025, 7, 1), D(2025, 12, 31)),
    ],
)
def test_ranges_lists_and_halves(text, kind, start, due):
    d = parse_deadline(text, P25)
    assert (d.kind, d.start, d.due, d.recurring) == (kind, start, due, False)


@pytest.mark.parametrize(
    ("text", "kind", "day", "month", "first_two"),
    [
        ("Hằng tháng", "monthly", None, None, [D(2025, 1, 31), D(2025, 2, 28)]),
        ("hàng tháng", "monthly", None, None, [D(2025, 1, 31), D(2025, 2, 28)]),
        ("Định kỳ hằng tháng", "monthly", None, None, [D(2025, 1, 31), D(2025, 2, 28)]),
        ("Hằng tháng, trước ngày 20", "monthly", 20, None, [D(2025, 1, 20), D(2025, 2, 20)]),
        ("Trước ngày 20 hằng tháng", "monthly", 20, None, [D(2025, 1, 20), D(2025, 2, 20)]),
        ("Ngày 05 hàng tháng", "monthly", 5, None, [D(2025, 1, 5), D(2025, 2, 5)]),
        ("Hằng quý", "quarterly", None, None, [D(2025, 3, 31), D(2025, 6, 30)]),
        ("Hàng quý", "quarterly", None, None, [D(2025, 3, 31), D(2025, 6, 30)]),
        ("HÀNG QUÍ", "quarterly", None, None, [D(2025, 3, 31), D(2025, 6, 30)]),
        ("Hằng quý, trước ngày 15 tháng cuối quý", "quarterly", 15, None, [D(2025, 3, 15), D(2025, 6, 15)]),
        ("Trước ngày 15/12 hằng năm", "annual", 15, 12, [D(2025, 12, 15), D(2026, 12, 15)]),
        ("trước ngày 15 tháng 12 hàng năm", "annual", 15, 12, [D(2025, 12, 15), D(2026, 12, 15)]),
        ("Hằng năm, trước ngày 15/12", "annual", 15, 12, [D(2025, 12, 15), D(2026, 12, 15)]),
        ("Hằng năm", "annual", None, None, [D(2025, 11, 10), D(2026, 11, 10)]),
    ],
)
def test_recurrence_with_and_without_a_day(text, kind, day, month, first_two):
    d = parse_deadline(text, P25)
    assert (d.kind, d.day, d.month, d.recurring, d.never_overdue) == (kind, day, month, True, False)
    assert d.occurrences(P25, D(2025, 1, 1), D(2030, 12, 31))[:2] == first_two
    assert d.next_due(P25, D(2025, 1, 1)) == first_two[0]
    assert d.next_due(P25, first_two[0] + dt.timedelta(days=1)) == first_two[1]


def test_recurrences_stop_with_the_plan():
    monthly = parse_deadline("Hằng tháng", P25)
    assert len(monthly.occurrences(P25, D(2000, 1, 1), D(2099, 1, 1))) == 6 * 12
    quarterly = parse_deadline("Hàng quý", P25)
    assert len(quarterly.occurrences(P25, D(2000, 1, 1), D(2099, 1, 1))) == 6 * 4
    assert quarterly.next_due(P25, D(2031, 1, 1)) is None


@pytest.mark.parametrize(
    "text",
    [
        "Theo tiến độ của Trung ương",
        "Sau khi Trung ương ban hành hướng dẫn",
        "Ngay sau khi Nghị định được ban hành",
        "Theo lộ trình của Bộ Tài chính",
        "sau khi trung ương ban hành hướng dẫn.",
    ],
)
def test_conditional_deadlines_keep_their_words_and_are_never_overdue(text):
    d = parse_deadline(text, P25)
    assert (d.kind, d.start, d.due, d.never_overdue, d.recurring) == ("condition", None, None, True, False)
    assert d.condition == text.strip().rstrip(".")
    assert d.next_due(P25, D(2025, 1, 1)) is None


def test_one_off_next_due_is_the_due_date_until_it_passes():
    d = parse_deadline("6 tháng đầu năm 2025", P25)
    assert d.next_due(P25, D(2025, 3, 1)) == D(2025, 6, 30)
    assert d.next_due(P25, D(2025, 7, 1)) is None


@pytest.mark.parametrize(
    ("text", "closest"),
    [
        ("Hằng tuần", "Hằng tháng"),
        ("Sau khi", "Sau khi Trung ương ban hành hướng dẫn"),
        ("Quý V/2026", "Quý II/2026"),
        ("Năm 2026, 2027", "Năm 2026"),
    ],
)
def test_unknown_phrase_names_the_docs_section_and_the_closest_form(text, closest):
    with pytest.raises(DeadlineError) as err:
        parse_deadline(text, P25)
    message = str(err.value)
    assert "docs/deadlines.md" in message and "Bảng các dạng" in message
    assert err.value.hint is not None and repr(closest) in err.value.hint


@pytest.mark.parametrize(
    "text", ["Tháng 02 và tháng 01/2025", "Quý IV-II/2025", "Trước ngày 31/02 hằng năm", "Trước ngày 32 hằng tháng"]
)
def test_impossible_lists_and_days_are_errors(text):
    with pytest.raises(DeadlineError):
        parse_deadline(text, P25)


def test_every_suggested_form_is_itself_supported():
    from kehoach.deadlines import _EXAMPLES

    for example in _EXAMPLES:
        parse_deadline(example, P25)


def _docs_examples() -> list[tuple[str, str]]:
    """(kind, example) for every example quoted in the last column of docs/deadlines.md's table."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "deadlines.md").read_text(encoding="utf-8")
    table = text.split("## Bảng các dạng", 1)[1].split("\n## ", 1)[0]
    out = []
    for line in table.splitlines():
        m = re.match(r"^\| `(\w+)`", line)
        if not m:
            continue
        last = line.rstrip(" |").rsplit("|", 1)[1]
        out += [(m.group(1), ex) for ex in re.findall(r'"([^"]+)"', last)]
    return out


@pytest.mark.parametrize(("kind", "example"), _docs_examples())
def test_every_example_in_the_docs_table_parses_as_its_row_says(kind, example):
    assert parse_deadline(example, P25).kind == kind
