"""The ``kehoach`` command: parse options, call the library, print. Nothing else lives here.

Layout
------
- ``options``  the shared options (``DataOpt``, ``TodayOpt``, ``FormatOpt``…), each validated where it is
  declared, and ``AppContext``: data directory, reference day, format and the data set, built once.
- ``errors``   the one error boundary: every exception becomes a Vietnamese message and an exit code
  (0 success, 1 data or file problem, 2 usage mistake); ``fail(message, code)`` for a refusal.
- ``check``, ``query``, ``progress``, ``report``…  the commands, one module per family.

Adding a command
----------------
Write a module here with a ``register(app)`` function and add it to ``_register`` below::

    # kehoach/cli/export.py
    from typing import Annotated

    import typer

    from kehoach.cli.options import DataOpt, FormatOpt, TodayOpt, use
    from kehoach.cli.errors import fail


    def export_cmd(data_dir: DataOpt = None, today_: TodayOpt = None, fmt: FormatOpt = "table") -> None:
        \"\"\"Một dòng trợ giúp tiếng Việt.\"\"\"
        ctx = use(data_dir=data_dir, today=today_, fmt=fmt)
        data = ctx.data  # loaded once; a file that failed to load makes the exit code 1
        ...


    def register(app: typer.Typer) -> None:
        app.command("export")(export_cmd)

Declare every option with a ``parser=`` from ``kehoach.cli.options`` (``text``, ``path``, ``day``, ``year``,
``days``, ``choice(...)``) so a bad value is a usage error naming the option. Let library exceptions
through: the boundary maps them by their ``kehoach.errors`` branch, ``OSError`` to 1. Import heavy modules
inside the command function, never at module level: ``import kehoach.cli`` stays light. Never call
``sys.exit`` or print a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from kehoach import __version__
from kehoach.cli.errors import fail, guarded, localize_help
from kehoach.cli.options import (
    AgencyOpt,
    AppContext,
    DataOpt,
    ForceOpt,
    FormatOpt,
    OutputOpt,
    PlanOpt,
    RoleOpt,
    TodayOpt,
    YearOpt,
    current,
    new_context,
    use,
)
from kehoach.cli.placeholders import vietnamese_placeholders
from kehoach.clickapi import DeferredGroup, set_plain_values

__all__ = [
    "AgencyOpt",
    "AppContext",
    "DataOpt",
    "ForceOpt",
    "FormatOpt",
    "OutputOpt",
    "PlanOpt",
    "RoleOpt",
    "TodayOpt",
    "YearOpt",
    "app",
    "current",
    "fail",
    "main",
    "use",
]


class KehoachGroup(DeferredGroup):
    """The root command; its ``main`` is the error boundary, for the console script and CliRunner alike.
    Its commands are those registered on ``commands``, each built when it is looked up (``DeferredGroup``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.defer(commands, app)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        ctx = new_context()

        def run() -> Any:
            code = super(KehoachGroup, self).main(
                args, prog_name or "kehoach", complete_var, standalone_mode=False, obj=ctx, **extra
            )
            if code == 130:  # typer turns Ctrl-C into this code without a word; no command returns it
                raise KeyboardInterrupt
            return code

        def finish(code: int) -> int:
            return 1 if code == 0 and ctx.incomplete else code

        code = guarded(run, finish)
        if not standalone_mode:
            return code
        sys.exit(code)


    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """``kehoach --data data plans`` as ``kehoach plans --data data`` (cli/argv.py)."""
        from kehoach.cli.argv import reorder

        root = {o for p in self.params for o in (*getattr(p, "opts", []), *getattr(p, "secondary_opts", []))}

        def command_of(words: list[str]) -> tuple[list[str], set[str]] | None:
            path: list[str] = []
            group: Any = self
            command: Any = None
            for word in words:
                found = group.get_command(ctx, word) if hasattr(group, "get_command") else None
                if word.startswith("-") or found is None:
                    break
                path.append(word)
                command = group = found
            if command is None:
                return None
            return path, {o for p in command.params for o in getattr(p, "opts", [])}

        return super().parse_args(ctx, reorder(args, root | {"--help"}, command_of))


localize_help()
vietnamese_placeholders()
set_plain_values()  # no pydantic to read an option (typer 0.29 would import it for every command)

app = typer.Typer(
    name="kehoach",
    cls=KehoachGroup,
    help="Tra cứu nhiệm vụ trong các kế hoạch hành động theo cơ quan, thời hạn và kỳ báo cáo.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="In phiên bản rồi thoát.")] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Đọc lại mọi tệp YAML, không dùng và không ghi bộ nhớ đệm.")
    ] = False,
) -> None:
    current().no_cache = no_cache
    if version:
        typer.echo(f"kehoach {__version__}")
        raise typer.Exit(0)


# The commands of ``kehoach``: registered here rather than on ``app``, which would build them all at start-up.
commands = typer.Typer()


def _register() -> None:
    """Every command module, named here: a module missing is an import error, never a silent gap."""
    from kehoach.cli import cache, check, completion, encode, export, progress, query, report, show, site

    for module in (check, query, show, progress, report, cache, export, completion, encode, site):
        module.register(commands)


_register()


_PLUGINS_OFF = ("__all__", "1", "true")  # the values of PYDANTIC_DISABLE_PLUGINS that turn every plugin off
_PLUGIN_LOADER = "pydantic.plugin._loader"


def no_pydantic_plugins() -> None:
    """kehoach uses no pydantic plugin: skip pydantic's scan of every installed package's entry points
    (~10 ms of each run). A user who names plugins in PYDANTIC_DISABLE_PLUGINS keeps that choice.
    pydantic's plugin loader imports importlib.metadata (~15 ms more) even to answer "no plugin": while the
    variable turns every plugin off, a stand-in gives that answer; should the variable change, it hands
    over to pydantic's own loader."""
    if os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__") not in _PLUGINS_OFF:
        return
    if _PLUGIN_LOADER in sys.modules:
        return
    import types

    stand_in = types.ModuleType(_PLUGIN_LOADER)

    def get_plugins() -> Any:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _PLUGINS_OFF:
            return ()
        if sys.modules.get(_PLUGIN_LOADER) is stand_in:
            del sys.modules[_PLUGIN_LOADER]
        import importlib

        return importlib.import_module(_PLUGIN_LOADER).get_plugins()

    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
    sys.modules[_PLUGIN_LOADER] = stand_in


def main() -> None:
    no_pydantic_plugins()
    # Stopped by `kill` or `timeout`: unwind like Ctrl-C, so that a cache snapshot or a batch of reports
    # being written is removed or restored, then exit 143 as a process killed by SIGTERM would.
    import signal

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    with contextlib.suppress(ValueError, OSError):  # not the main thread
        signal.signal(signal.SIGTERM, stop)
    app()
