"""The JSON of the listing commands, on the small fixture data: golden files, and every field documented."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kehoach.cli import app

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "data"
GOLDEN = HERE / "golden"
DOC = HERE.parent / "docs" / "json.md"

CASES = {
    "plans": ["plans"],
    "agencies": ["agencies"],
    "agencies-show": ["agencies", "show", "Sở Tài chính"],
    "cycles": ["cycles"],
    "cycles-2028": ["cycles", "--year", "2028"],
    "tasks": ["tasks", "--today", "2026-03-15"],
    "tasks-agency": ["tasks", "--agency", "STC", "--today", "2026-03-15"],
}
SECTION = {
    "plans": "kehoach plans",
    "agencies": "kehoach agencies",
    "agencies-show": "kehoach agencies",
    "cycles": "kehoach cycles",
    "cycles-2028": "kehoach cycles",
    "tasks": "kehoach tasks",
    "tasks-agency": "kehoach tasks",
}


def _json(args: list[str]) -> object:
    result = CliRunner().invoke(app, [*args, "--data", str(FIXTURE), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", CASES)
def test_json_matches_golden_file(name: str):
    """Regenerate with KEHOACH_UPDATE_GOLDEN=1 after a deliberate change, and read the diff."""
    got = _json(CASES[name])
    path = GOLDEN / f"{name}.json"
    if os.environ.get("KEHOACH_UPDATE_GOLDEN"):
        path.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8"))


def _section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"## `{title}`")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


@pytest.mark.parametrize("name", CASES)
def test_every_json_field_is_documented(name: str):
    got = _json(CASES[name])
    rows = got if isinstance(got, list) else [got]
    assert rows, "the fixture must give at least one row"
    documented = set(re.findall(r"[a-z_]+", _section(SECTION[name])))
    keys = {k for r in rows for k in r}
    keys |= {f"{k}.{n}" for r in rows for k, v in r.items() if isinstance(v, dict) for n in v}
    missing = {k for k in keys if k.split(".")[-1] not in documented}
    assert not missing, f"docs/json.md does not document {sorted(missing)}"


def test_table_and_csv_come_from_the_same_rows():
    args = ["tasks", "--agency", "STC", "--today", "2026-03-15", "--data", str(FIXTURE)]
    rows = _json(args[:-2])
    csv_out = CliRunner().invoke(app, [*args, "--format", "csv"]).stdout.splitlines()
    assert csv_out[0].split(",")[:3] == ["plan", "id", "content"]
    assert [line.split(",")[1] for line in csv_out[1:]] == [r["id"] for r in rows]  # type: ignore[index]
    table = CliRunner().invoke(app, args).stdout
    assert all(r["id"] in table for r in rows)  # type: ignore[index]
