"""The daily-use bar: `plans`, `due`, `status` at 80 columns on the bundled data, no word, date or id broken,
a bounded number of lines per row; and the same answers whatever the width."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from conftest import DATA
from kehoach.cli import app
from kehoach.present import BODY_LINES
from kehoach.table import cell_width

T = ("--today", "2026-01-15")


def _run(*args: str, columns: int = 80) -> str:
    result = CliRunner(env={"COLUMNS": str(columns)}).invoke(app, [*args, "--data", str(DATA)])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _dates(value):  # type: ignore[no-untyped-def]
    import datetime as dt

    if isinstance(value, dict):
        return {k: _dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    return value


def _blocks(text: str) -> list[list[str]]:
    """The blocks of a listing drawn at a narrow width: a head line, then its indented lines."""
    lines = text.splitlines()[1:]  # the title
    blocks: list[list[str]] = []
    for line in lines:
        if line.startswith("  ") and blocks:
            blocks[-1].append(line)
        elif not line.startswith(" "):
            blocks.append([line])
    return blocks


@pytest.mark.parametrize(
    "args", [("plans",), ("due", "--agency", "Sở Tài chính", *T), ("status", "--agency", "STC", *T)]
)
def test_at_80_columns_every_line_fits(args):
    assert all(cell_width(line) <= 80 for line in _run(*args).splitlines())


def test_due_at_80_columns_keeps_dates_and_ids_whole_and_rows_short():
    rows = json.loads(_run("due", "--agency", "Sở Tài chính", *T, "--format", "json"))
    text = _run("due", "--agency", "Sở Tài chính", *T)
    blocks = [b for b in _blocks(text) if re.match(r"\d{2}/\d{2}/\d{4} · ", b[0])]
    assert len(blocks) == len(rows) > 0
    for row, block in zip(rows, blocks, strict=True):
        day = "/".join(reversed(row["due"].split("-")))
        assert block[0].startswith(f"{day} · ") and f" · {row['plan']}/{row['id']}" in block[0]
        assert len(block) <= 1 + BODY_LINES + 3
        assert "-" not in block[0].split(" · ")[1]  # "quá 46 ngày", never a negative count
    assert "quá 46 ngày" in text


def test_plans_and_status_at_80_columns_keep_plan_ids_whole():
    plans = json.loads(_run("plans", "--format", "json"))
    heads = [b[0] for b in _blocks(_run("plans"))]
    assert [h.split(" · ")[0] for h in heads] == [p["id"] for p in plans]
    assert all(len(b) <= 1 + BODY_LINES + 2 for b in _blocks(_run("plans")))
    status = _run("status", "--agency", "STC", *T)
    for p in plans:
        if p["id"] in status:
            assert re.search(rf"^{re.escape(p['id'])} · \d+ nhiệm vụ$", status, re.M), p["id"]


@pytest.mark.parametrize(
    ("args", "spec"),
    [
        (("plans",), "plans"),
        (("due", "--agency", "Sở Tài chính", *T), "due"),
        (("tasks", "--agency", "STC", *T), "tasks"),
        (("cycles", "--year", "2026"), "cycles"),
    ],
)
def test_no_word_is_cut_at_any_width(args, spec):
    """Every word shown at 60 to 150 columns is a whole word of a value, a label, the title or the caption."""
    from kehoach.present import SPECS

    columns = SPECS[spec]().columns
    rows = json.loads(_run(*args, "--format", "json"))
    rows = [_dates(r) for r in rows]  # the rows as the commands hold them: dates, not ISO strings
    wide = _run(*args, columns=400).splitlines()
    texts = [wide[0], wide[-1]] + [c.label for c in columns] + [c.unit or "" for c in columns]
    for r in rows:
        texts += [c.text(r) for c in columns] + [f"{r.get('plan', '')}/{r.get('id', '')}"]
    vocabulary = {w.strip(",;:.()…") for t in texts for w in t.split()}
    for width in (60, 80, 100, 120, 135, 150):
        for word in re.findall(r"[^\s│┃┏┓┗┛┡┩━─┳┻╇└┘┴·]+", _run(*args, columns=width)):
            assert word.strip(",;:.()…") in vocabulary, (width, word)


@pytest.mark.parametrize("args", [("agencies", "show", "Sở Kế hoạch và Đầu tư"), ("show", "qd74-dai-hoi-xx/I.13", *T)])
def test_one_item_in_full_fits_80_columns(args):
    text = _run(*args)
    assert all(cell_width(line) <= 80 for line in text.splitlines())
    assert "Sở Tài chính" in text
