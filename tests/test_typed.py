"""Input as people type it: dates, plan numbers, agency names, search words (kehoach.typed)."""

from __future__ import annotations

import datetime as dt

import pytest

from kehoach.typed import DateError, agency_forms, find_plan, parse_date, plan_key, search_key

D = dt.date(2026, 1, 15)


@pytest.mark.parametrize(
    "typed", ["2026-01-15", "2026-1-15", "15/01/2026", "15/1/2026", "15.1.2026", "15-01-2026", " 15/1/2026 "]
)
def test_every_common_spelling_of_a_date_is_the_same_day(typed: str):
    assert parse_date(typed) == D


def test_day_and_month_of_one_digit():
    assert parse_date("1/2/2027") == dt.date(2027, 2, 1)
    assert parse_date("2027-3-31") == dt.date(2027, 3, 31)
    assert parse_date("29/02/2028") == dt.date(2028, 2, 29)


@pytest.mark.parametrize(
    ("typed", "phrase"),
    [
        ("15/13/2026", "không có tháng 13"),
        ("30/02/2026", "tháng 2/2026 có 28 ngày"),
        ("2026-04-31", "tháng 4/2026 có 30 ngày"),
        ("0/1/2026", "không có ngày 0"),
        ("01/01/2101", "ngoài khoảng 1900-2100"),
        ("20260115", "dd/mm/yyyy"),
        ("2026-W03-4", "dd/mm/yyyy"),
        ("15/1/26", "dd/mm/yyyy"),  # a two-digit year is never guessed
        ("15/1-2026", "dd/mm/yyyy"),  # one separator throughout
        ("２０２６-01-15", "dd/mm/yyyy"),
        ("hôm nay", "dd/mm/yyyy"),
    ],
)
def test_an_impossible_or_unreadable_date_says_why(typed: str, phrase: str):
    with pytest.raises(DateError) as exc:
        parse_date(typed)
    assert phrase in str(exc.value)


def test_month_first_is_not_guessed_but_pointed_out():
    with pytest.raises(DateError) as exc:
        parse_date("1/15/2026")
    assert "có phải 15/01/2026?" in str(exc.value)


PLANS = [("qd74-dai-hoi-xx", "74/QĐ-UBND"), ("qd1992-cong-nghiep-hoa", "1992/QĐ-UBND"), ("aec-2026", None)]


@pytest.mark.parametrize(
    "typed", ["qd74-dai-hoi-xx", "QD74-DAI-HOI-XX", "74/QĐ-UBND", "74/qd-ubnd", "74/QĐ - UBND", "số 74/QĐ-UBND",
              "Quyết định số 74/QĐ-UBND"],
)
def test_a_plan_by_its_id_in_any_case_or_by_its_document_number(typed: str):
    assert find_plan(typed, PLANS) == ["qd74-dai-hoi-xx"]


def test_a_plan_number_is_matched_whole():
    assert find_plan("4/QĐ-UBND", PLANS) == []
    assert find_plan("74", PLANS) == []
    assert find_plan("aec", PLANS) == []
    assert plan_key("74/QĐ-UBND") == plan_key("74/qd ubnd")


def test_a_number_two_plans_share_names_both():
    both = [("a", "1/KH-UBND"), ("b", "1/KH-UBND")]
    assert find_plan("1/kh-ubnd", both) == ["a", "b"]


def test_agency_forms_drop_the_province_and_spell_out_abbreviations():
    provinces = ["thanh hoa"]
    assert "so tai chinh" in agency_forms("Sở Tài chính tỉnh Thanh Hóa", provinces)
    assert "so tai chinh" in agency_forms("Sở Tài chính Thanh Hoá", provinces)
    assert "stc" in agency_forms("Sở TC", provinces)
    assert "ban quan ly khu kinh te nghi son" in agency_forms("BQL KKT Nghi Sơn", provinces)
    assert agency_forms("UBND", provinces) == ["uy ban nhan dan"]


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Sở Tài chính tỉnh Thanh Hóa", "Sở Tài chính"),
        ("so tai chinh thanh hoa", "Sở Tài chính"),
        ("Sở TC", "Sở Tài chính"),
        ("Sở XD", "Sở Xây dựng"),
        ("Sở TP", "Sở Tư pháp"),
        ("Sở Nội vụ tỉnh", "Sở Nội vụ"),
        ("BQL KKT Nghi Sơn", "Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp"),
        ("Ban Quản lý Khu kinh tế Nghi Sơn", "Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp"),
        ("Ban QL KKT Nghi Son", "Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp"),
        ("UBND tỉnh Thanh Hóa", "UBND tỉnh Thanh Hóa"),
        ("Ủy ban nhân dân tỉnh", "UBND tỉnh Thanh Hóa"),
    ],
)
def test_the_registry_resolves_names_as_people_type_them(typed: str, name: str):
    from kehoach.dataset import load_data
    from kehoach.resources import bundled_data_dir

    data = load_data(bundled_data_dir(), cache=False)
    assert data.registry.resolve(typed).name == name


def test_a_name_that_starts_several_agencies_is_not_guessed():
    from kehoach.agencies import UnknownAgency
    from kehoach.dataset import load_data
    from kehoach.resources import bundled_data_dir

    data = load_data(bundled_data_dir(), cache=False)
    for typed in ("Sở", "Ban Quản lý", "Sở Tài"):
        with pytest.raises(UnknownAgency):
            data.registry.resolve(typed)


def test_search_key_knows_the_abbreviations():
    assert search_key("Khu kinh tế Nghi Sơn") in search_key("Ban QL KKT Nghi Sơn và các KCN")
    assert search_key("khu cong nghiep") in search_key("các KCN")
    assert search_key("Hội đồng nhân dân tỉnh") == search_key("HĐND tỉnh")
    assert search_key("UBND") == search_key("Ủy ban nhân dân")
