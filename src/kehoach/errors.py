"""One error contract for the whole package: every exception kehoach raises on purpose is a ``KehoachError``.

Two branches, and the branch is the exit code of the command line:

- ``DataError`` (exit code **1**): the data or the files are the problem (a broken plan, a locked progress
  file, a hostile template, a Word file without a task table…);
- ``UsageError`` (exit code **2**): the command was asked wrongly (an unknown plan id or agency, a bad
  cycle name, a report kind that does not exist…).

The class carries the code (``exit_code``); nothing sets it per instance. A subclass stays in its parent's
branch: a class whose answer is the other branch derives from that branch, not from a sibling of the
other one. The one exception is ``progress.UpdateRefused``: library users catch every progress refusal as
``ProgressError`` (a data error), and a refused update is a usage mistake, so it names ``UsageError`` first
and its ``exit_code`` resolves to 2 through the MRO. The boundary reads ``exit_code`` (``exit_code_of``).

Most classes also keep the built-in base they had before this module existed (``ValueError``,
``LookupError``, ``OSError``): code outside the package, and pydantic validators inside it, catch them by
that base. Each class says why at its definition.

The command line maps these at one boundary (``kehoach.cli.errors.guarded``); commands do not catch them.
This module imports nothing of the package: every layer may import it.
"""

from __future__ import annotations

from typing import ClassVar


class KehoachError(Exception):
    """Base of every error kehoach raises on purpose; its message is the Vietnamese text the user sees."""

    exit_code: ClassVar[int] = 1  # a class outside both branches is never taken for success or usage


class DataError(KehoachError):
    """The data or the files cannot support the answer: exit code 1."""

    exit_code: ClassVar[int] = 1


class UsageError(KehoachError):
    """The command or the call was asked wrongly: exit code 2."""

    exit_code: ClassVar[int] = 2


def exit_code_of(exc: BaseException) -> int:
    """The class's ``exit_code`` for a ``KehoachError`` (the one source of the code); 1 for anything else
    (``OSError``, the unforeseen)."""
    if isinstance(exc, KehoachError):
        return type(exc).exit_code
    return 1
