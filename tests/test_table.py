"""The terminal table: borders line up in terminal cells, ids stay whole, text is wrapped, never lost."""

from __future__ import annotations

import os
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehoach.listing import write_listing
from kehoach.present import Column, Spec
from kehoach.table import cell_width, render, wrap

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def display_width(line: str) -> int:
    """Terminal cells, counted independently of the module under test."""
    total = 0
    for ch in ANSI.sub("", line):
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def table_lines(text: str) -> list[str]:
    """The lines of the box itself, from the top rule to the bottom rule."""
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith(("┏", "+")))
    bottom = max(i for i, line in enumerate(lines) if line.startswith(("└", "+")))
    return lines[top : bottom + 1]


def body_cells(text: str) -> list[list[str]]:
    """Each body line split into its cells' text (stripped)."""
    lines = table_lines(text)
    head = next(i for i, line in enumerate(lines) if line.startswith("┡"))
    return [[c.strip() for c in line[1:-1].split("│")] for line in lines[head + 1 : -1]]


def test_small_table_looks_like_this():
    text = render(
        ["Mã", "Nội dung", "Hạn"],
        [["I.1", "Xây dựng kế hoạch thực hiện", "31/12/2026"], ["II.10", "Báo cáo", ""]],
        width=36,
        title="2 nhiệm vụ",
        caption="(*) ví dụ",
    )
    assert text == (
        "2 nhiệm vụ\n"
        "┏━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━┓\n"
        "┃ Mã    ┃ Nội dung    ┃ Hạn        ┃\n"
        "┡━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━┩\n"
        "│ I.1   │ Xây dựng kế │ 31/12/2026 │\n"
        "│       │ hoạch thực  │            │\n"
        "│       │ hiện        │            │\n"
        "│ II.10 │ Báo cáo     │            │\n"
        "└───────┴─────────────┴────────────┘\n"
        "(*) ví dụ\n"
    )


def test_header_is_bottom_aligned_and_columns_keep_their_maximum():
    text = render(["Mã", "Chưa BC, chưa đến hạn"], [["I.1", "7"]], width=80, max_widths=[None, 10])
    lines = table_lines(text)
    assert lines[1] == "┃     ┃ Chưa BC,   ┃"
    assert lines[2] == "┃     ┃ chưa đến   ┃"
    assert lines[3] == "┃ Mã  ┃ hạn        ┃"


def test_wide_characters_and_combining_marks_line_up():
    decomposed = unicodedata.normalize("NFD", "Hoà Thuỷ")  # eight cells, eleven code points
    assert len(decomposed) > 8 and cell_width(decomposed) == 8
    assert cell_width("漢字") == 4 and cell_width("Sở Tài chính") == 12
    assert cell_width("a\u200bb") == 2 and cell_width("\U0001f44d\U0001f3fd") == 2  # zero-width space; skin tone
    assert cell_width("\U0001f468\u200d\U0001f469\u200d\U0001f467") == 2  # one emoji sequence, one glyph
    text = render(["Tên"], [["漢字"], [decomposed], ["abcd"]], width=40)
    assert table_lines(text) == [
        "┏━━━━━━━━━━┓",
        "┃ Tên      ┃",
        "┡━━━━━━━━━━┩",
        "│ 漢字     │",
        f"│ {decomposed} │",
        "│ abcd     │",
        "└──────────┘",
    ]


def test_wide_characters_fold_by_cells():
    assert wrap("漢字漢字漢字", 5) == ["漢字", "漢字", "漢字"]
    text = render(["Tên"], [["漢字漢字漢字漢字漢字漢字"]], width=12)
    assert {display_width(line) for line in table_lines(text)} == {12}


def test_long_words_are_folded_and_spaces_break_lines():
    assert wrap("Kế hoạch số 281-KH/TU-ngày-19/6/2025", 10) == ["Kế hoạch", "số", "281-KH/TU-", "ngày-19/6/", "2025"]
    assert wrap("  thụt lề", 20) == ["  thụt lề"]
    assert wrap("dòng một\ndòng hai", 20) == ["dòng một", "dòng hai"]
    assert wrap("", 5) == [""]


def test_words_stay_whole_while_they_fit():
    content = "Kế hoạch thực hiện Khâu đột phá về xây dựng, hoàn thiện Hệ thống kết cấu hạ tầng"
    text = render(["Hạn", "Còn ngày", "Nội dung", "Thời hạn, lý do"],
                  [["30/11/2025", "-46", content, "quá hạn: Tháng 11/2025, chưa có báo cáo"]], width=46)
    rows = body_cells(text)
    assert rows[0][:2] == ["30/11/2025", "-46"]
    assert " ".join(r[2] for r in rows).split() == content.split()
    assert "11/2025," in [w for r in rows for w in r[3].split()]
    assert {display_width(line) for line in table_lines(text)} == {46}


def test_ids_are_never_broken_even_when_the_table_cannot_fit():
    ident = "B.I.1.2.3.1.4"
    text = render(
        ["Kế hoạch", "Mã", "Nội dung"],
        [["qd74-dai-hoi-xx", ident, "Xây dựng kế hoạch thực hiện khâu đột phá"]],
        width=30,
        no_wrap=[True, True, False],
    )
    rows = body_cells(text)
    assert rows[0][:2] == ["qd74-dai-hoi-xx", ident]
    assert all(r[:2] == ["", ""] for r in rows[1:])


words = st.text(
    alphabet=st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậ漢字テ\u0301\u0323-/.,0123456789"),
    min_size=1,
    max_size=14,
)
cell_text = st.lists(words, max_size=12).map(" ".join)
idents = st.text(alphabet="ABIVX.0123456789-", min_size=1, max_size=12)


# A few dozen tables in `make test`; `make fuzz` (HYPOTHESIS_PROFILE=deep) draws thousands.
@settings(max_examples=2000 if os.environ.get("HYPOTHESIS_PROFILE") == "deep" else 60, deadline=None)
@given(
    rows=st.lists(st.tuples(idents, cell_text, cell_text, cell_text), min_size=1, max_size=6),
    width=st.integers(min_value=40, max_value=160),
    caps=st.tuples(st.none() | st.integers(5, 40), st.none() | st.integers(5, 40)),
)
def test_any_table_is_rectangular_within_width_and_keeps_every_word(rows, width, caps):
    header = ["Mã", "Nội dung", "Chủ trì", "Ghi chú"]
    text = render(header, [list(r) for r in rows], width=width, max_widths=[None, *caps, None],
                  no_wrap=[True, False, False, False])
    lines = table_lines(text)
    widths = {display_width(line) for line in lines}
    assert len(widths) == 1, text
    assert widths.pop() <= width
    # Each body line's cells, grouped back into rows: a row starts where the id column is not blank.
    grouped: list[list[list[str]]] = []
    for cells in body_cells(text):
        if cells[0]:
            grouped.append([[c] for c in cells])
        else:
            for column, c in zip(grouped[-1], cells, strict=True):
                column.append(c)
    assert len(grouped) == len(rows)
    # When every column's longest word fits side by side, no word is cut.
    longest = [max(display_width(w) for text in column for w in text.split() or [""])
               for column in zip(header, *rows, strict=True)]
    within_caps = all(cap is None or w <= cap for w, cap in zip(longest, [None, *caps, None], strict=True))
    words_fit = within_caps and sum(longest) + 3 * len(header) + 1 <= width
    for shown, original in zip(grouped, rows, strict=True):
        assert shown[0][0] == original[0]  # the id, whole, on its first line
        for lines_of_cell, source in zip(shown[1:], original[1:], strict=True):
            # every character in order, nothing lost; words are only cut when wider than the column
            assert "".join("".join(lines_of_cell).split()) == "".join(source.split())
            if words_fit:
                assert " ".join(lines_of_cell).split() == source.split()


def test_rows_styled_only_when_asked():
    plain = render(["Hạn"], [["30/11/2025"], ["31/12/2026"]], width=40, row_styles=["bold red", None])
    assert "\x1b" not in plain
    styled = render(["Hạn"], [["30/11/2025"], ["31/12/2026"]], width=40, row_styles=["bold red", None],
                    styled=True, title="Tiêu đề")
    lines = styled.splitlines()
    assert lines[0] == "\x1b[3mTiêu đề\x1b[0m"
    assert lines[2] == "┃ \x1b[1mHạn       \x1b[0m ┃"
    assert lines[4] == "│ \x1b[1;31m30/11/2025\x1b[0m │"
    assert lines[5] == "│ 31/12/2026 │"
    no_colour = render(["Hạn"], [["30/11/2025"]], width=40, row_styles=["bold red"], styled=True, colour=False)
    assert "\x1b[1m30/11/2025\x1b[0m" in no_colour and "31m" not in no_colour


DUE_COLUMNS = [
    Column("due", "Hạn", style=lambda r: "bold red" if r["overdue"] else None),
    Column("id", "Mã"),
    Column("content", "Nội dung", width=20),
]


def print_rows(rows, columns, fmt, **options):  # type: ignore[no-untyped-def]
    write_listing(rows, Spec("test", (), tuple(columns)), fmt, **options)
DUE_ROWS = [
    {"due": "30/11/2025", "overdue": True, "id": "I.13", "content": "Kế hoạch thực hiện Khâu đột phá về xây dựng"},
    {"due": "28/02/2026", "overdue": False, "id": "I.5", "content": "Xây dựng danh mục"},
]


def test_print_rows_pipes_plain_text_at_150_columns(capsys, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    long_row = [{**DUE_ROWS[0], "content": "chữ " * 100}]
    print_rows(long_row, [Column("id", "Mã"), Column("content", "Nội dung")], "table", title="Việc")
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert {display_width(line) for line in table_lines(out)} == {150}


def test_print_rows_follows_columns_and_colours_overdue_rows_when_forced(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "130")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    print_rows(DUE_ROWS, DUE_COLUMNS, "table", title="Việc của Sở Tài chính", caption="Chú thích")
    out = capsys.readouterr().out
    assert all(display_width(line) <= 130 for line in out.splitlines())
    assert "\x1b[1;31m30/11/2025\x1b[0m" in out and "\x1b[1;31m28/02/2026" not in out
    monkeypatch.setenv("NO_COLOR", "1")
    print_rows(DUE_ROWS, DUE_COLUMNS, "table")
    out = capsys.readouterr().out
    assert "\x1b[1m30/11/2025\x1b[0m" in out and "31m" not in out


def test_below_120_columns_rows_are_blocks_coloured_alike(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    print_rows(DUE_ROWS, DUE_COLUMNS, "table", title="Việc của Sở Tài chính", caption="Chú thích")
    out = capsys.readouterr().out
    assert all(display_width(line) <= 50 for line in out.splitlines())
    assert "\x1b[1;31m30/11/2025 · I.13\x1b[0m\n\x1b[1;31mKế hoạch thực hiện Khâu đột phá về xây dựng\x1b[0m" in out
    assert "\x1b[1m28/02/2026 · I.5 · Xây dựng danh mục\x1b[0m" in out
    monkeypatch.delenv("FORCE_COLOR")
    print_rows(DUE_ROWS, DUE_COLUMNS, "table")
    head = ["30/11/2025 · I.13", "Kế hoạch thực hiện Khâu đột phá về xây dựng"]
    assert capsys.readouterr().out.splitlines()[:2] == head


def test_print_rows_title_caption_and_empty(capsys, monkeypatch):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    print_rows(DUE_ROWS, DUE_COLUMNS, "table", title="2 nhiệm vụ", caption="(*) dữ liệu ví dụ\ndòng hai")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2 nhiệm vụ" and lines[1].startswith("┏")
    assert lines[-3].startswith("└") and lines[-2:] == ["(*) dữ liệu ví dụ", "dòng hai"]
    print_rows([], DUE_COLUMNS, "table", title="Việc của Sở Tài chính", empty="Không có việc nào.")
    assert capsys.readouterr().out == "Việc của Sở Tài chính\nKhông có việc nào.\n"


@pytest.mark.parametrize("hostile", ["a\x1b[2Jb", "x\x1b]8;;http://e.example\x07y", "\u202eđảo", "c\x9b31m", "t\tu\rv"])
def test_print_rows_never_lets_control_characters_through(capsys, monkeypatch, hostile):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    rows = [{"due": hostile, "overdue": False, "id": hostile, "content": hostile}]
    print_rows(rows, DUE_COLUMNS, "table", title=hostile, caption=hostile)
    out = capsys.readouterr().out
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out)
    print_rows([], DUE_COLUMNS, "table", title=hostile, empty=hostile)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", capsys.readouterr().out)


def test_ascii_box_when_the_terminal_cannot_show_box_drawing():
    text = render(["Mã", "Nội dung"], [["I.1", "Báo cáo"]], width=40, ascii_only=True)
    assert text.splitlines() == [
        "+----------------+",
        "| Mã  | Nội dung |",
        "|-----+----------|",
        "| I.1 | Báo cáo  |",
        "+----------------+",
    ]


def test_print_rows_does_not_import_rich():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kehoach.listing import write_listing\n"
        "from kehoach.present import Column, Spec\n"
        "write_listing([{'id': 'I.1'}], Spec('x', (), (Column('id', 'Mã'),)), 'table')\n"
        "assert not any(m == 'rich' or m.startswith('rich.') for m in sys.modules), sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_a_column_too_narrow_for_a_wide_character_keeps_it():
    # One cell of room would cut 中 away: the column gets two cells, the table is one cell wider.
    out = render(["A"], [["中文字"]], width=5)
    body = [line for line in out.splitlines() if line.startswith("│")]
    assert [line.strip("│ ") for line in body] == ["中", "文", "字"]
    assert len({cell_width(line) for line in out.splitlines()}) == 1
    # Beside a long id that takes the room, the text is folded, not lost.
    out = render(["Mã", "Nội dung"], [["x" * 70, "中文字 abc"]], width=76, no_wrap=[True, False])
    assert "".join(line.split("│")[2].strip() for line in out.splitlines() if line.startswith("│")) == "中文字abc"
