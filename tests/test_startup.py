"""Start-up stays light: what a command imports before it needs it, and the two ways kehoach keeps typer light
(option values read without pydantic, each command built when it is looked up) give what typer gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from kehoach.cli import app, commands
from kehoach.clickapi import Command

ROOT = Path(__file__).resolve().parent.parent

# Modules no command needs before it reads data: pydantic (typer 0.29 would import it to read an option,
# with importlib.metadata for pydantic's plugins), the models, the deadline grammar, the file layer.
NOT_AT_START = (
    "pydantic",
    "pydantic_core",
    "annotated_types",
    "importlib.metadata",
    "email",
    "kehoach.model",
    "kehoach.deadlines",
    "kehoach.agencies",
    "kehoach.dataset",
    "kehoach.loader",
    "kehoach.files",
    "kehoach.present",
    "kehoach.output",
    "tempfile",
)
A = "Sở Tài chính"
LIGHT = [
    ["--version"],
    ["--help"],
    ["due", "--help"],
    ["tasks", "--help"],
    ["progress", "set", "--help"],
    ["due", "--agency", A, "--within", "abc"],  # a usage mistake: every option of `due` read, no data
    ["due", "--agency", A, "--today", "15/13/2026", "--role", "lead", "--plan", "aec-2026"],
    ["nosuchcommand"],
]


def _imported_after_each(argvs: list[list[str]], watch: tuple[str, ...]) -> list[tuple[str, int, list[str]]]:
    """Runs each argv in turn in one fresh interpreter: (argv, exit code, watched modules imported so far)."""
    code = (
        "import sys\n"
        "from kehoach.cli import main\n"
        f"for argv in {argvs!r}:\n"
        "    sys.argv = ['kehoach', *argv]\n"
        "    try:\n        main()\n        rc = 0\n    except SystemExit as exc:\n        rc = exc.code\n"
        f"    seen = sorted(set(sys.modules) & set({watch!r}))\n"
        "    sys.stderr.write(f'@@ {rc} {seen!r}\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    said = [line.split(" ", 2)[1:] for line in result.stderr.splitlines() if line.startswith("@@ ")]
    assert len(said) == len(argvs), result.stderr[-2000:]
    return [(" ".join(argv), int(rc), eval(seen)) for argv, (rc, seen) in zip(argvs, said, strict=True)]


def test_options_help_and_usage_mistakes_import_no_pydantic_models_or_data_layer():
    ran = _imported_after_each(LIGHT, NOT_AT_START)
    assert [(argv, rc) for argv, rc, _ in ran] == [
        ("--version", 0), ("--help", 0), ("due --help", 0), ("tasks --help", 0), ("progress set --help", 0),
        (f"due --agency {A} --within abc", 2), (f"due --agency {A} --today 15/13/2026 --role lead --plan aec-2026", 2),
        ("nosuchcommand", 2),
    ]
    assert [(argv, seen) for argv, _, seen in ran if seen] == []


DATA_LAYER = {"pydantic", "kehoach.model", "kehoach.agencies", "kehoach.dataset", "kehoach.loader"}


def test_a_command_reading_data_imports_the_models_but_not_pydantics_plugin_loader():
    """The names watched above are real (a command that reads data imports them, so the test above can fail);
    pydantic's plugin loader, which would import importlib.metadata and email, is not among them, even when
    every file is validated again (--no-cache: pydantic builds the models' validators)."""
    ran = _imported_after_each([["--no-cache", "check"], ["tasks", "--kind", "annual", "-f", "csv"]], NOT_AT_START)
    assert [rc for _, rc, _ in ran] == [0, 0]
    for _, _, seen in ran:
        assert set(seen) >= DATA_LAYER and not {"importlib.metadata", "email"} & set(seen), seen


def _python(code: str, **env: str) -> str:
    import os

    environ = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"} | env
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=environ)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_with_every_pydantic_plugin_off_a_stand_in_answers_and_hands_over_when_that_changes():
    out = _python(
        "import os, sys\n"
        "from kehoach.cli import no_pydantic_plugins\n"
        "no_pydantic_plugins()\n"
        "import pydantic\n"
        "pydantic.TypeAdapter(int)\n"  # a validator built: pydantic asks its loader for plugins
        "from pydantic.plugin import _loader\n"
        "print(os.environ['PYDANTIC_DISABLE_PLUGINS'], list(_loader.get_plugins()),"
        " 'importlib.metadata' in sys.modules)\n"
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = 'some-plugin'\n"
        "print(list(_loader.get_plugins()), 'importlib.metadata' in sys.modules)\n"
        "real = sys.modules['pydantic.plugin._loader']\n"
        "print(real is not _loader, hasattr(real, 'entry_points'))\n"
    )
    assert out.splitlines() == ["__all__ [] False", "[] True", "True True"]


def test_a_users_own_pydantic_plugin_setting_is_kept_and_pydantic_loads_its_plugins():
    out = _python(
        "import os, sys\n"
        "from kehoach.cli import no_pydantic_plugins\n"
        "no_pydantic_plugins()\n"
        "print(os.environ['PYDANTIC_DISABLE_PLUGINS'], 'pydantic.plugin._loader' in sys.modules)\n"
        "import pydantic\n"
        "pydantic.TypeAdapter(int)\n"
        "print(hasattr(sys.modules['pydantic.plugin._loader'], 'entry_points'))\n",
        PYDANTIC_DISABLE_PLUGINS="logfire",
    )
    assert out.splitlines() == ["logfire False", "True"]


# Modules a listing's answer goes through, light on their own: the command line, the specs of the rows and their
# writers, the one engine of responsibility.
LIGHT_MODULES = ["kehoach.cli", "kehoach.present", "kehoach.listing", "kehoach.output", "kehoach.table",
                 "kehoach.responsibility"]


def test_the_command_line_the_listing_writers_and_responsibility_import_no_pydantic_or_models():
    code = (
        "import importlib, sys\n"
        f"for name in {LIGHT_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        f"    print(name, sorted(set(sys.modules) & {set(NOT_AT_START) - set(LIGHT_MODULES)!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.splitlines() == [f"{name} []" for name in LIGHT_MODULES]


# --- DeferredGroup: the commands typer would build, built one at a time --------------------------------------


def _eager_app() -> typer.Typer:
    """The same commands on a plain typer app, which builds them all with the group."""
    eager = typer.Typer(
        name="kehoach", help=app.info.help, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    eager.registered_callback = app.registered_callback
    eager.registered_commands = list(commands.registered_commands)
    eager.registered_groups = list(commands.registered_groups)
    return eager


def _paths(group, prefix=()):
    for name in group.list_commands(typer.Context(group)):
        cmd = group.get_command(typer.Context(group), name)
        yield (*prefix, name)
        if hasattr(cmd, "list_commands"):
            yield from _paths(cmd, (*prefix, name))


def _help(group, path, width):
    ctx = typer.Context(group, info_name="kehoach", terminal_width=width)
    cmd = group
    for name in path:
        cmd = cmd.get_command(ctx, name)
        ctx = typer.Context(cmd, info_name=name, parent=ctx, terminal_width=width)
    return cmd.get_help(ctx)


def test_deferred_commands_are_the_ones_typer_builds_in_its_order_with_the_same_help():
    deferred, eager = typer.main.get_command(app), typer.main.get_command(_eager_app())
    paths = list(_paths(deferred))
    assert paths == list(_paths(eager)) and len(paths) >= 25
    assert list(deferred.commands) == list(eager.commands)
    for path in [(), *paths]:
        for width in (80, 150):
            assert _help(deferred, path, width) == _help(eager, path, width), path
    shown = CliRunner().invoke(app, ["progress", "set", "--help"], env={"COLUMNS": "80"}).stdout
    assert shown.strip() == _help(eager, ("progress", "set"), 80).strip()


def test_looking_a_command_up_builds_that_command_only():
    group = typer.main.get_command(app)
    ctx = typer.Context(group)
    assert not [n for n, c in group._entries.items() if isinstance(c, Command)]
    due = group.get_command(ctx, "due")
    assert isinstance(due, Command) and due.name == "due" and group.get_command(ctx, "due") is due
    assert [n for n, c in group._entries.items() if isinstance(c, Command)] == ["due"]
    assert group.get_command(ctx, "no-such-command") is None
    assert "tasks" in group.list_commands(ctx) and len(group.list_commands(ctx)) == len(group._entries)
    assert all(isinstance(c, Command) for c in group.commands.values())  # `commands` is all of them


# --- set_plain_values: the values and messages typer's pydantic way gives ------------------------------------

SAMPLES = [
    "", " ", "abc", "0", "30", "-1", "36600", "36601", "2026", "1899", "2101", "15/01/2026", "15/1/2026",
    "2026-01-15", "31/02/2026", "15/13/2026", "20260115", "table", "json", "csv", "xlsx", "lead", "any", "date",
    "annual", "docx", "html", A, "74/QĐ-UBND", "aec-2026", "x\x1b[31my", "bash", "a/b.docx",
]


def _outcome(runtime, value, param, ctx):
    try:
        return ("ok", runtime.coerce(value, param=param, ctx=ctx))
    except Exception as exc:  # noqa: BLE001 - the exception is what is compared
        return ("error", type(exc).__name__, getattr(exc, "message", str(exc)))


def _params():
    for path in _paths(typer.main.get_command(app)):
        cmd = typer.main.get_command(app)
        for word in path:
            cmd = cmd.get_command(typer.Context(cmd), word)
        for param in cmd.get_params(typer.Context(cmd)):
            yield " ".join(path), cmd, param


def test_every_option_value_and_message_is_the_one_typers_pydantic_way_gives():
    coercion = pytest.importorskip("typer._coercion")
    if not hasattr(coercion, "build_runtime_param"):
        pytest.skip("typer before 0.29 reads options without pydantic")
    compared = 0
    for where, cmd, param in _params():
        ctx = typer.Context(cmd)
        ours = param.get_runtime_param()
        assert type(ours).__name__ == "PlainParam", (where, param.name)
        theirs = coercion.build_runtime_param(param.type_descriptor)
        values = [None, True, False] if param.type_descriptor.annotation is bool else [None, *SAMPLES]
        if param.multiple:
            values = [(), *[(v,) for v in SAMPLES], ("aec-2026", "74/QĐ-UBND"), ("aec-2026", "")]
        for value in values:
            assert _outcome(ours, value, param, ctx) == _outcome(theirs, value, param, ctx), (where, param.name, value)
            compared += 1
    assert compared > 1000
