"""Options written before the command, as people do: ``kehoach --data data plans``.

The shared options (``--data``, ``--today``, ``--format``/``-f``) are moved right after the name of the
command that takes them, so the same option written again after the command wins (the later one counts);
another option of a command written before it (``kehoach --agency STC due``) is a usage mistake whose message
shows the command as it should be written.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence

from kehoach.errors import UsageError

SHARED = ("--data", "--today", "--format", "-f")


class Misplaced(UsageError):
    """An option of a command written before the command; the message shows the corrected command."""


def reorder(
    args: Sequence[str],
    root_options: set[str],
    command_of: Callable[[list[str]], tuple[list[str], set[str]] | None],
) -> list[str]:
    """``args`` with the shared options written before the command moved after it.

    ``root_options`` are the options of ``kehoach`` itself (``--no-cache``, ``--version``…), left in place.
    ``command_of(words)`` finds the command the leading words name: the words of its path and the options
    it takes, or None when the words name no command.
    """
    args = list(args)
    front: list[str] = []
    moved: list[str] = []
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        name = args[i].split("=", 1)[0]
        if name in root_options:
            front.append(args[i])
            i += 1
            continue
        takes_value = "=" not in args[i] and i + 1 < len(args)
        if name in SHARED:
            moved += args[i : i + 1 + takes_value]
            i += 1 + takes_value
            continue
        # An option of some command, before it: the value is the next word unless that word is the command.
        rest = args[i + 1 :]
        value: list[str] = []
        if takes_value and command_of(rest) is None and rest and not rest[0].startswith("-"):
            value, rest = rest[:1], rest[1:]
        found = command_of(rest)
        if found is None:
            return args  # no command after it: click says what is wrong
        path, _ = found
        fixed = ["kehoach", *front, *path, args[i], *value, *rest[len(path) :], *moved]
        raise Misplaced(
            f"{name} là tùy chọn của lệnh `{' '.join(path)}`, viết sau tên lệnh: "
            + " ".join(shlex.quote(a) for a in fixed)
        )
    if not moved:
        return args
    found = command_of(args[i:])
    if found is None:
        if i < len(args):
            if args[i] == "--":
                return args
            raise UsageError(f"không có lệnh {args[i]!r} (xem các lệnh: kehoach --help)")
        if moved[-1] in SHARED:  # `kehoach --today`
            raise UsageError(f"{moved[-1]} cần một giá trị, rồi tên lệnh (xem các lệnh: kehoach --help)")
        last = moved[-2:] if len(moved) >= 2 and not moved[-1].startswith("-") else []
        if last and "=" not in last[0] and command_of(last[1:]) is not None:  # `kehoach --today plans`
            raise UsageError(f"{last[0]} cần một giá trị, viết trước tên lệnh: kehoach {last[0]} GIÁ-TRỊ {last[1]}")
        raise UsageError("thiếu tên lệnh sau " + " ".join(moved) + " (xem các lệnh: kehoach --help)")
    path, options = found
    if not all(m.split("=", 1)[0] in options for m in moved if m.startswith("-")):
        missing = next(m for m in moved if m.startswith("-") and m.split("=", 1)[0] not in options)
        raise Misplaced(f"lệnh `{' '.join(path)}` không nhận {missing.split('=', 1)[0]}")
    # Right after the command's name, so that the same option written after it (the later one) wins.
    return [*front, *path, *moved, *args[i + len(path) :]]
