from kehoach.text import ascii_key, clean_for_word, fold, normalize, slug


def test_tone_mark_placement_variants_from_the_seeds_meet():
    # "Thanh Hoá" (seed 000, section III.1) and "Thanh Hóa"; "Văn hoá" (seed 001, row V.5)
    assert normalize("Thanh Hoá") == "Thanh Hóa"
    assert normalize("Sở Văn hoá, Thể thao và Du lịch") == "Sở Văn hóa, Thể thao và Du lịch"
    assert normalize("thuỷ sản") == "thủy sản"
    assert normalize("Uỷ ban nhân dân") == "Ủy ban nhân dân"
    assert normalize("khoẻ") == "khỏe"


def test_placement_keeps_words_where_both_styles_agree():
    for word in ("quý", "Quý", "hoàn thành", "huyện", "thuyền", "toàn", "khuyến"):
        assert normalize(word) == word


def test_decomposed_input_is_composed():
    decomposed = "So\u031b\u0309 Ta\u0300i chi\u0301nh"
    assert normalize(decomposed) == "Sở Tài chính"


def test_fold_ignores_case_spaces_and_dash_kind():
    assert fold("SỞ TÀI CHÍNH") == fold("Sở Tài chính")
    assert fold("Chi nhánh Thanh Hóa – Ninh Bình") == fold("Chi nhánh Thanh Hoá - Ninh Bình")
    assert fold("  Sở   Công Thương ") == fold("Sở Công Thương")


def test_ascii_key_drops_diacritics_and_d_stroke():
    assert ascii_key("Sở Giáo dục và Đào tạo") == "so giao duc va dao tao"
    assert ascii_key("So Tai chinh") == ascii_key("Sở Tài chính")


def test_slug_and_word_safe_text():
    assert slug("Sở Tài chính") == "so-tai-chinh"
    assert clean_for_word("KH&CN\x0bmới") == "KH&CN mới"
