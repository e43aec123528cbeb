"""Text from the data never drives the terminal, and CSV reads back as the same fields, never as formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehoach.output import Column, csv_safe, terminal_safe, to_csv, to_json, write_json_array

HOSTILE_NAME = "Sở \x1b[2JZZQ\x1b]8;;http://evil.example\x07liên kết\x1b]8;;\x07 \u202eđảo\u202c \x9b31m"


def _hostile_agency(data_copy: Path) -> None:
    """Write the YAML escapes (not raw bytes: the loader refuses those) into an agency name and a task."""
    reg = data_copy / "agencies.yaml"
    text = reg.read_text(encoding="utf-8")
    escaped = json.dumps(HOSTILE_NAME)  # a YAML double-quoted scalar with \\u001b escapes
    assert "name: Sở Tài chính\n" in text
    # The old name stays an alias, so the plans' "Sở Tài chính" still finds the agency.
    reg.write_text(text.replace("name: Sở Tài chính\n", f"name: {escaped}\n    aliases: [Sở Tài chính]\n", 1),
                   encoding="utf-8")


@pytest.mark.parametrize(
    "args",
    [
        ("agencies",),
        ("agencies", "show", "Sở Tài chính"),
        ("tasks", "--agency", "Sở Tài chính"),
        ("due", "--agency", "Sở Tài chính", "--today", "2026-11-21"),
        ("status", "--today", "2026-11-21"),
    ],
)
def test_tables_show_no_escape_sequences(run, data_copy: Path, args):
    _hostile_agency(data_copy)
    result = run(*args, "--data", str(data_copy))
    shown = result.stdout + result.stderr
    assert "ZZQ" in shown
    for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\u202c"):
        assert bad not in shown


def test_terminal_safe_keeps_vietnamese_and_newlines():
    assert terminal_safe("Sở Tài chính\nKH&ĐT\t[bổ sung]") == "Sở Tài chính\nKH&ĐT [bổ sung]"
    assert terminal_safe("a\x1b[2Jb\rc\x00d\u2066e") == "a[2Jbcde"


def test_csv_reads_back_field_by_field():
    rows = [
        {"name": "=HYPERLINK(\"http://evil.example\",\"x\")", "days_left": -3, "note": "dòng\rhai", "n": 1.5},
        {"name": "+cmd|' /C calc'!A0", "days_left": 0, "note": "a\nb", "n": None},
        {"name": "@SUM(A1)", "days_left": 12, "note": "NUL\x00ESC\x1b[2J", "n": -2},
        {"name": "-2", "days_left": -1, "note": "- gạch đầu dòng", "n": 0},
        {"name": "Sở Tài chính", "days_left": 5, "note": ["=a", "b"], "n": 3},
    ]
    cols = [Column(k, k) for k in ("name", "days_left", "note", "n")]
    text = to_csv(rows, cols)
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert back[0] == ["name", "days_left", "note", "n"]
    assert back[1:] == [
        ["'=HYPERLINK(\"http://evil.example\",\"x\")", "-3", "dòng\rhai", "1.5"],
        ["'+cmd|' /C calc'!A0", "0", "a\nb", ""],
        ["'@SUM(A1)", "12", "NULESC[2J", "-2"],
        ["-2", "-1", "'- gạch đầu dòng", "0"],
        ["Sở Tài chính", "5", "'=a; b", "3"],
    ]


def test_csv_from_the_cli_parses_and_neutralises(run, data_copy: Path):
    reg = data_copy / "agencies.yaml"
    text = reg.read_text(encoding="utf-8")
    evil = 'name: "=HYPERLINK(\\"http://evil.example\\")\\rSở"\n    aliases: [Sở Tài chính]\n'
    reg.write_text(text.replace("name: Sở Tài chính\n", evil, 1), encoding="utf-8")
    result = run("agencies", "--data", str(data_copy), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    names = [r["name"] for r in rows]
    assert "'=HYPERLINK(\"http://evil.example\")\rSở" in names
    assert not any(n.startswith(("=", "+", "@")) for n in names)
    widths = {len(r) for r in rows}
    assert len(widths) == 1  # every row has all its fields: nothing broke a line


def test_csv_safe_leaves_plain_numbers_alone():
    assert csv_safe("-12,5%") == "-12,5%"
    assert csv_safe("=1+1") == "'=1+1"


@pytest.mark.parametrize("ascii_only", [True, False])
@pytest.mark.parametrize(
    "items",
    [
        [],
        [{}],
        [1, "a\nb", None],
        [{"id": "I.1", "lead": ["Sở Tài chính"], "deadline": {"due": dt.date(2026, 3, 31), "kind": "date"}}],
        [{"nested": [[], {}, [{"x": "dòng 1\ndòng 2\u2028"}]]}, {"empty": []}],
    ],
)
def test_json_array_written_item_by_item_is_the_same_text(items, ascii_only):
    buf = io.StringIO()
    write_json_array(iter(items), buf, ascii_only=ascii_only)
    assert buf.getvalue() == to_json(items, ascii_only=ascii_only) + "\n"


# JSON output: orjson writes it, with the text ``json.dumps(indent=2)`` would write.
_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),  # beyond 64 bits: the json fallback
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f == 0 or abs(f) >= 1e-4),
    st.text(),  # control characters, quotes, backslashes, Vietnamese, lone surrogates (json fallback)
    st.dates(),
)
_json_values = st.recursive(
    _json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(deadline=None)  # the profile's count: 100 in `make test`, the deep profile's under HYPOTHESIS_PROFILE=deep
@given(_json_values)
def test_json_output_is_the_text_json_dumps_writes(value):
    expected = json.dumps(value, ensure_ascii=False, indent=2, default=lambda d: d.isoformat())
    assert to_json(value, ascii_only=False) == expected
    assert to_json(value, ascii_only=True) == json.dumps(value, indent=2, default=lambda d: d.isoformat())


def test_json_output_of_rows_with_dates_and_vietnamese():
    import datetime as dt

    rows = [{"plan": "qd74", "due": dt.date(2026, 3, 31), "lead": ["Sở Tài chính"], "note": "a\x1bb\u2028"}]
    text = to_json(rows, ascii_only=False)
    assert json.loads(text) == [{"plan": "qd74", "due": "2026-03-31", "lead": ["Sở Tài chính"], "note": "a\x1bb\u2028"}]
    assert '"due": "2026-03-31"' in text and "Sở Tài chính" in text and "\\u001b" in text


@settings(max_examples=100, deadline=None)
@given(st.lists(_json_values, max_size=4))
def test_json_array_item_by_item_matches_the_whole_text(items):
    for ascii_only in (False, True):
        buf = io.StringIO()
        write_json_array(items, buf, ascii_only=ascii_only)
        assert buf.getvalue() == to_json(items, ascii_only=ascii_only) + "\n"


def test_csv_rows_written_as_read_are_the_rows_given_whole(capsys):
    from kehoach.listing import write_listing
    from kehoach.output import DictRows
    from kehoach.present import Field, Spec

    class Row:
        def __init__(self, n: int) -> None:
            self.n = n

        def as_dict(self) -> dict:
            extra = {"note": "=cmd|x"} if self.n == 2 else {}
            return {"id": f"T{self.n}", "deadline": {"due": dt.date(2026, 1, self.n), "kind": "date"}, **extra}

    spec = Spec("x", tuple(Field(k, k) for k in ("id", "deadline.due", "deadline.kind", "note")), ())
    rows = [Row(n) for n in (1, 2, 3)]
    write_listing([r.as_dict() for r in rows], spec, "csv")
    whole = capsys.readouterr().out
    write_listing(DictRows(rows), spec, "csv")
    assert capsys.readouterr().out == whole
    write_listing((r.as_dict() for r in rows), spec, "csv")  # a generator is read once, kept whole
    assert capsys.readouterr().out == whole
    assert whole.splitlines()[0] == "id,deadline.due,deadline.kind,note" and "'=cmd|x" in whole
    assert whole.splitlines()[1] == "T1,2026-01-01,date,"
    assert DictRows(rows)[1]["id"] == "T2" and len(DictRows(rows)) == 3
