"""The one place kehoach reaches into typer's private API; everything else uses what this module names.

Since typer 0.26.0 typer carries its own copy of click as ``typer._click`` and no longer depends on click.
typer's public API does not give: click's exception classes (to tell a usage mistake from a bad value and to
read the option a user mistyped), the current click context (to state a query as a command on top of a
sheet), the help formatter and ``help_option`` (to print ``--help`` in Vietnamese), and typer's gettext
alias ``typer.core._`` (the words of ``--help``).

typer 0.29 also turns each option's text into its value through a pydantic ``TypeAdapter`` (typer's
``_TyperParameter.get_runtime_param``); ``set_plain_values`` does that in plain Python for the options
kehoach declares, so that a command imports no pydantic it does not need. ``DeferredGroup`` builds a
sub-command (typer reads its function's signature and types) when it is looked up, not every command at
start-up (``typer.main.get_command_from_info``, ``get_group_from_info``).

Checked against typer 0.29.0 and 0.29.3 (``pyproject.toml`` asks ``typer>=0.29``: ``set_placeholders``
needs 0.29's ``TyperOption.display_type``). When typer moves any of these, this module is the only one to
change; ``tests/test_cli_errors.py`` and ``tests/test_startup.py`` say whether it still holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer.core
from typer._click import decorators as _decorators
from typer._click import exceptions
from typer._click.core import Command
from typer._click.formatting import HelpFormatter
from typer._click.globals import get_current_context
from typer.core import TyperGroup

__all__ = [
    "Command",
    "DeferredGroup",
    "HelpFormatter",
    "exceptions",
    "get_current_context",
    "set_help_option",
    "set_help_words",
    "set_placeholders",
    "set_plain_values",
]


def set_help_words(translate: Callable[[str], str]) -> None:
    """typer looks the words of ``--help`` (Options, Arguments, default: …) up through ``typer.core._``."""
    typer.core._ = translate  # type: ignore[assignment]


def set_help_option(wrap: Callable[[Any], Any]) -> None:
    """Replace click's ``help_option`` decorator by ``wrap(plain_help_option)``."""
    _decorators.help_option = wrap(_decorators.help_option)


def set_placeholders(word_of: Callable[[str], str]) -> None:
    """typer writes an option's value in ``--help`` as its type (``<str>``, ``<Path>``) when the option has
    no metavar, and adds the type after an argument's name: ``word_of(type)`` names the value instead
    (typer's ``TyperOption.display_type``), and an argument shows its name alone (``display_type_rich``)."""
    option = typer.core.TyperOption
    if getattr(option.display_type, "_kehoach", False):
        return
    plain = option.display_type

    def display_type(self: Any, ctx: Any) -> str:
        return word_of(plain(self, ctx).strip("<>"))

    def argument_type(self: Any, ctx: Any) -> str | None:
        return None

    display_type._kehoach = True  # type: ignore[attr-defined]
    option.display_type = display_type  # type: ignore[method-assign]
    typer.core.TyperArgument.display_type_rich = argument_type  # type: ignore[method-assign]


def set_plain_values() -> None:
    """typer 0.29 coerces an option's value through a pydantic ``TypeAdapter`` it builds the first time the
    option is parsed, even for an option left out: that imported pydantic and built an adapter per option,
    ~0.1 s of every command, ``--version`` included. Every kehoach option is a flag or has a
    ``parser=``, and what the adapter does with those is simple: a flag's value is the ``bool`` click gives;
    an option with a parser gets ``parser(text)``, a repeated one the list of ``parser(text)`` for each text.
    That is done here, without pydantic. Whatever pydantic would word itself (a parser raising
    ``ValueError`` or ``AssertionError``, a flag given something else than a bool) goes to typer's own way,
    so that every value and message stays the same; a parser raising ``typer.BadParameter`` is let through
    as it is through pydantic. A parser may thus run twice on a value it refuses: parsers are pure functions
    of the text. Before typer 0.29 there is no adapter, and nothing to do."""
    parameter = getattr(typer.core, "_TyperParameter", None)
    typer_way = getattr(parameter, "get_runtime_param", None)
    if parameter is None or typer_way is None or getattr(typer_way, "_kehoach", False):
        return
    from dataclasses import dataclass
    from typing import get_args, get_origin

    from typer._coercion import RuntimeParam, build_runtime_param

    @dataclass(frozen=True)
    class PlainParam(RuntimeParam):  # type: ignore[misc]
        parse: Callable[[Any], Any] | None  # None: a flag
        many: bool

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if self.parse is None:
                    if isinstance(value, bool):
                        return value
                elif not self.many:
                    return self.parse(value)
                else:
                    return [self.parse(item) for item in (value if isinstance(value, (list, tuple)) else [value])]
            except (ValueError, AssertionError):
                pass
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)

    def plain(descriptor: Any) -> Any:
        info = descriptor.parameter_info
        annotation = descriptor.annotation
        if descriptor.file_annotation is not None:
            return None
        if info.parser is None:
            return PlainParam(info, annotation, None, False) if annotation is bool else None
        if get_origin(annotation) is tuple:
            return None
        if get_origin(annotation) is list:
            (item,) = get_args(annotation)
            if get_origin(item) in (list, tuple):
                return None
            return PlainParam(info, annotation, info.parser, True)
        return PlainParam(info, annotation, info.parser, False)

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            self._runtime_param = plain(self.type_descriptor)
        return typer_way(self)

    get_runtime_param._kehoach = True  # type: ignore[attr-defined]
    parameter.get_runtime_param = get_runtime_param


class DeferredGroup(TyperGroup):
    """A typer group whose sub-commands are built when first looked up. typer builds every command of a
    group as it builds the group, reading each command function's signature and types: ~1 ms a command,
    a command that runs needs one. ``defer(source, root)`` adds the commands and groups registered on the
    typer app ``source``, in typer's order (commands, then groups), built as typer would build them under
    ``root``. ``--help`` (which lists them all) and ``commands`` build them all."""

    _entries: dict[str, Any]

    @property  # type: ignore[override]
    def commands(self) -> dict[str, Command]:
        for name in list(self._entries):
            self._built(name)
        return self._entries

    @commands.setter
    def commands(self, value: Any) -> None:
        self._entries = value if isinstance(value, dict) else dict(value)

    def defer(self, source: Any, root: Any) -> None:
        from functools import partial

        import typer.main

        shared = {"pretty_exceptions_short": root.pretty_exceptions_short, "rich_markup_mode": root.rich_markup_mode}
        for info in source.registered_commands:
            name = info.name or typer.main.get_command_name(info.callback.__name__)
            self._entries[name] = partial(typer.main.get_command_from_info, info, **shared)
        for info in source.registered_groups:
            name = typer.main.solve_typer_info_defaults(info).name
            if not name:  # typer merges a nameless group's commands into this one: every group here is named
                raise ValueError("a group of commands needs a name")
            self._entries[name] = partial(
                typer.main.get_group_from_info, info, suggest_commands=root.suggest_commands, **shared
            )

    def _built(self, name: str) -> Command | None:
        entry = self._entries.get(name)
        if entry is not None and not isinstance(entry, Command):
            entry = self._entries[name] = entry()
        return entry

    def get_command(self, ctx: Any, cmd_name: str) -> Command | None:
        return self._built(cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self._entries)
