"""The README is the manual: every command is in it, has help, and the shown output is real."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from conftest import bundled_only
from kehoach.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix=()):
    click_group = typer.main.get_command(group) if not hasattr(group, "commands") else group
    for name, cmd in sorted(click_group.commands.items()):
        yield (*prefix, name), cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, (*prefix, name))


COMMANDS = list(_commands(app))


def test_the_command_list_is_complete():
    names = {" ".join(n) for n, _ in COMMANDS}
    assert {"check", "due", "tasks", "plans", "agencies", "agencies show", "cycles", "progress set",
            "progress show", "status"} <= names


@pytest.mark.parametrize("name", [" ".join(n) for n, _ in COMMANDS])
def test_every_command_is_in_the_readme_and_has_help(name):
    cmd = dict((" ".join(n), c) for n, c in COMMANDS)[name]
    assert f"kehoach {name}" in README, f"`kehoach {name}` is missing from README.md"
    assert (cmd.help or "").strip(), f"`kehoach {name}` has no help text"


def test_readme_due_output_is_what_the_command_prints(tmp_path: Path):
    block = re.search(r"```text\n(.*?)\n```", README, re.S).group(1)
    # The README shows the bundled plans' answer; a plan a user added to data/plans is not in it.
    env = {**os.environ, "COLUMNS": "150", "PYTHONIOENCODING": "utf-8", "KEHOACH_DATA": str(bundled_only(tmp_path))}
    out = subprocess.run(
        [sys.executable, "-m", "kehoach", "due", "--agency", "Sở Tài chính", "--today", "2026-01-15"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    ).stdout
    shown = "\n".join(line.rstrip() for line in out.rstrip().splitlines())
    assert shown == block


QUERY_COMMANDS = [
    ["due", "--agency", "Sở Tài chính", "--today", "2026-01-15", "--format", "json"],
    ["tasks", "--plan", "aec-2026"],
    ["plans"],
    ["agencies", "show", "STC"],
    ["cycles", "--year", "2026"],
    ["status", "--today", "2026-11-21"],
    ["check"],
]


def test_query_commands_do_not_import_docx_jinja2_or_openpyxl():
    """One fresh interpreter runs every query command in turn and says what each one imported."""
    code = (
        "import sys\n"
        "from kehoach.cli import main\n"
        f"for argv in {QUERY_COMMANDS!r}:\n"
        "    sys.argv = ['kehoach', *argv]\n"
        "    try:\n        main()\n    except SystemExit:\n        pass\n"
        "    heavy = [m for m in ('docx', 'docxtpl', 'jinja2', 'openpyxl', 'xlsxwriter', 'icalendar')"
        " if m in sys.modules]\n"
        "    sys.stderr.write(f'@@ {argv[0]} {heavy!r}\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    said = [line for line in result.stderr.splitlines() if line.startswith("@@ ")]
    assert said == [f"@@ {argv[0]} []" for argv in QUERY_COMMANDS], result.stderr[-2000:]


def _readme_examples() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("kehoach ")]


def test_readme_shows_examples():
    assert len(_readme_examples()) >= 10


@pytest.mark.parametrize("command", _readme_examples())
def test_readme_example_runs_as_shown(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import shlex
    import shutil

    from typer.testing import CliRunner

    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)  # ./data is found as a user would have it
    monkeypatch.setenv("KEHOACH_TODAY", "2026-11-21")
    monkeypatch.delenv("KEHOACH_DATA", raising=False)
    result = CliRunner().invoke(app, shlex.split(command)[1:], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr


# Options every command explains once, in the prose above the README's command table.
SHARED = {"--data", "--today", "--format", "--help"}
# Listing commands: --format xlsx -o FILE.xlsx [--force], also explained once above the table.
LISTING_XLSX = {"--output", "--force"}


def _readme_row(name: str) -> str:
    """The README table row of one command: `kehoach agencies` is not `kehoach agencies show`."""
    subcommands = {n[-1] for n, _ in COMMANDS if len(n) == len(name.split()) + 1 and " ".join(n[:-1]) == name}
    for line in README.splitlines():
        for m in re.finditer(rf"`kehoach {re.escape(name)}(?=[ `])([^`]*)`", line):
            rest = m.group(1).split()
            if line.startswith("| ") and not (rest and rest[0] in subcommands):
                return line
    raise AssertionError(f"no row for `kehoach {name}` in the README's command table")


def _leaf_commands():
    for n, cmd in COMMANDS:
        if not hasattr(cmd, "commands") or cmd.invoke_without_command:
            yield " ".join(n), cmd


@pytest.mark.parametrize(("name", "cmd"), list(_leaf_commands()), ids=[n for n, _ in _leaf_commands()])
def test_every_option_is_in_the_readme_command_table(name, cmd):
    """The README's command reference is checked against the options each command really has (its --help)."""
    row = _readme_row(name)
    listing = any(p.name == "fmt" and "xlsx" in (p.help or "") for p in cmd.params)
    missing = []
    for param in cmd.params:
        if not hasattr(param, "opts") or param.param_type_name != "option":
            continue
        longs = [o for o in param.opts if o.startswith("--")]
        if set(longs) & (SHARED | (LISTING_XLSX if listing else set())):
            continue
        if not any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", row) for o in param.opts):
            missing.append(longs[0] if longs else param.opts[0])
    assert not missing, f"README.md, `kehoach {name}`: options missing from its row: {missing}"


def test_options_of_kehoach_itself_are_in_the_readme():
    root = typer.main.get_command(app)
    missing = [o for p in root.params for o in p.opts if o.startswith("--") and o != "--help" and o not in README]
    assert not missing, f"README.md does not mention {missing}"
