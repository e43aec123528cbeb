"""Text from the data never drives the terminal, and CSV reads back as the same fields, never as formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

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
