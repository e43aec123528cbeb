"""The one place kehoach reaches into typer's private API; everything else uses what this module names.

Since typer 0.26.0 typer carries its own copy of click as ``typer._click`` and no longer depends on click.
typer's public API does not give: click's exception classes (to tell a usage mistake from a bad value and to
read the option a user mistyped), the current click context (to state a query as a command on top of a
sheet), the help formatter and ``help_option`` (to print ``--help`` in Vietnamese), and typer's gettext
alias ``typer.core._`` (the words of ``--help``).

Checked against typer 0.26.0 and 0.29.3 (``pyproject.toml`` asks ``typer>=0.26``). When typer moves
any of these, this module is the only one to change; ``tests/test_cli_errors.py`` says whether it still
holds.
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

__all__ = [
    "Command",
    "HelpFormatter",
    "exceptions",
    "get_current_context",
    "set_help_option",
    "set_help_words",
    "set_placeholders",
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
