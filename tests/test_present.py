"""The presentation schema (kehoach.present): the JSON rows have exactly its fields, docs/json.md is made
from it, and a listing drawn as blocks fits a narrow terminal without breaking a word, date or id."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kehoach.listing import render_blocks
from kehoach.present import (
    BODY_LINES,
    SPECS,
    Block,
    block_of,
    days_text,
    due_spec,
    flatten,
    json_doc,
    plans_spec,
    status_spec,
    tasks_spec,
)

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 1, 15)


def test_docs_json_md_is_made_from_the_specs():
    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    assert json_doc(text) == text, "docs/json.md differs from kehoach.present: run scripts/update_json_doc.py"
    for name, make in SPECS.items():
        for f in make().fields:
            assert f"| `{f.key}` |" in text, (name, f.key)


def _rows(data, name: str) -> list[dict]:
    from kehoach.catalog import agency_rows, iter_task_rows, plan_rows, reporting_calendar
    from kehoach.query import due, find_tasks
    from kehoach.status import progress_rows, status_table

    stc = data.registry.resolve("STC")
    if name == "due":
        return [i.as_dict() for i in due(data, stc, TODAY, until=dt.date(2026, 12, 31))]
    if name == "tasks":
        return [t.as_dict() for t in iter_task_rows(data, find_tasks(data, agency=stc), TODAY)]
    if name == "tasks-all":
        return [t.as_dict() for t in iter_task_rows(data, find_tasks(data), TODAY)]
    if name == "plans":
        return [p.as_dict() for p in plan_rows(data)]
    if name == "agencies":
        return [a.as_dict() for a in agency_rows(data, list(data.registry))]
    if name == "cycles":
        return [c.as_dict() for c in reporting_calendar(data)]
    if name == "status":
        return [r.as_dict() for r in status_table(data, dt.date(2026, 11, 21)).rows]
    if name == "progress show":
        return [r.as_dict() for r in progress_rows(data, dt.date(2026, 12, 31))]
    raise AssertionError(name)


@pytest.mark.parametrize("name", [*SPECS, "tasks-all"])
def test_every_row_has_exactly_the_fields_of_its_spec(data, name: str):
    spec = tasks_spec() if name == "tasks-all" else SPECS[name]()
    rows = _rows(data, name)
    assert rows, name
    for row in rows:
        assert list(flatten(row)) == spec.csv_keys(), (name, row.get("id"))
    # Each column reads a field of the row or computes its value; a code has its word.
    for c in spec.columns:
        assert c.get is not None or c.key in spec.csv_keys(), (name, c.key)
        for row in rows:
            c.text(row)
    for f in spec.fields:
        if f.values:
            seen = {flatten(r)[f.key] for r in rows} - {None}
            assert seen <= set(f.values), (name, f.key, seen - set(f.values))


def test_days_are_said_never_negative():
    assert [days_text(d) for d in (75, 1, 0, -1, -160)] == [
        "còn 75 ngày", "còn 1 ngày", "hôm nay", "quá 1 ngày", "quá 160 ngày"
    ]


_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+/[A-Za-z0-9.\-]+|\d{2}/\d{2}/\d{4}")


@pytest.mark.parametrize("width", [60, 80, 100])
def test_due_as_blocks_fits_and_keeps_ids_and_dates_whole(data, width: int):
    spec = due_spec()
    rows = _rows(data, "due")
    blocks = [block_of(r, spec.table_columns()) for r in rows]
    text = "".join(render_blocks(blocks, width))
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines)
    heads = [line for line in lines if not line.startswith(" ")]
    assert len(heads) == len(rows)
    for row, head in zip(rows, heads, strict=True):
        assert f"{row['due']:%d/%m/%Y}" in head and f"{row['plan']}/{row['id']}" in head
        assert "-" not in days_text(row["days_left"])
    # A row takes a bounded number of lines: head, at most BODY_LINES of content, the details.
    starts = [i for i, line in enumerate(lines) if not line.startswith(" ")] + [len(lines)]
    assert max(b - a for a, b in zip(starts, starts[1:], strict=False)) <= 1 + BODY_LINES + (3 if width >= 80 else 5)
    # Every word shown is a whole word of the row's values or of a label: nothing is cut inside a word.
    for row, a, b in zip(rows, starts, starts[1:], strict=False):
        vocab = set()
        for c in spec.table_columns():
            vocab |= set(f"{c.label}: {c.text(row)} {c.unit or ''}".split())
        vocab |= {w.rstrip(",;:.") for w in vocab} | {"·"} | {f"{row['plan']}/{row['id']}"}
        for line in lines[a:b]:
            for w in line.split():
                assert w in vocab or w.rstrip("…") in vocab or w.rstrip(";") in vocab, (w, line)


def test_plans_as_blocks_at_80_columns(data):
    spec = plans_spec()
    rows = _rows(data, "plans")
    lines = "".join(render_blocks((block_of(r, spec.table_columns()) for r in rows), 80)).splitlines()
    assert len(lines) <= len(rows) * (1 + BODY_LINES + 2)
    assert all(len(line) <= 80 for line in lines)
    for r in rows:
        assert any(line.startswith(r["id"] + " · ") and f"{r['tasks']} nhiệm vụ" in line for line in lines)


def test_status_blocks_leave_zero_counts_out(data):
    from kehoach.status import STATUS_LABELS

    spec = status_spec()
    for row in _rows(data, "status"):
        b = block_of(row, spec.table_columns())
        assert dict(b.details) == {label: str(row[code]) for code, label in STATUS_LABELS.items() if row[code]}
        assert f"{row['total']} nhiệm vụ" in b.head


def test_a_head_value_wider_than_the_line_is_the_only_thing_wrapped():
    out = "".join(render_blocks([Block(["30/11/2025", "quá 46 ngày", "a-very-long-plan-id-2026/I.1"])], 24))
    assert out.splitlines()[0] == "30/11/2025 · quá 46 ngày"
    assert out.splitlines()[1] == "a-very-long-plan-id-2026/I.1"[:24] or "a-very-long" in out


def test_report_rows_have_a_status_too(data):
    from kehoach.query import due

    sct = data.registry.resolve("Sở Công Thương")
    rows = [i.as_dict() for i in due(data, sct, dt.date(2026, 11, 1), until=dt.date(2026, 12, 31))]
    reports = [r for r in rows if r["kind"] == "report"]
    assert {r["id"] for r in reports} == {"BC-HN", "BC-TH"}
    status = next(c for c in due_spec().columns if c.key == "status_label")
    assert all(status.text(r) for r in rows)
    # 10/11/2025 (aec-2026 started in 2026: none) and 20/11/2025 passed unsent would be overdue; these are coming
    assert {status.text(r) for r in reports if not r["overdue"]} == {"Báo cáo định kỳ, chưa đến hạn"}
    assert {status.text(r) for r in reports if r["overdue"]} <= {"Báo cáo định kỳ, đã quá hạn"}
