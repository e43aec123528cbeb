"""``kehoach completion SHELL``: the shell's completion script, without slowing down every start-up.

Typer's ``--install-completion`` option detects the parent shell on every run; instead, the script is
printed on request, and the completion machinery is loaded only when the shell asks for completions
(the ``_KEHOACH_COMPLETE`` variable is set).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from kehoach.cli.options import choice

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
COMPLETE_VAR = "_KEHOACH_COMPLETE"


def completion_cmd(
    shell: Annotated[
        str, typer.Argument(help="bash | zsh | fish | powershell", show_default=False, parser=choice(*SHELLS))
    ],
) -> None:
    """In mã tự hoàn thành lệnh cho shell; ví dụ: eval "$(kehoach completion bash)" trong ~/.bashrc."""
    from typer.completion import completion_init, get_completion_script

    completion_init()
    typer.echo(get_completion_script(prog_name="kehoach", complete_var=COMPLETE_VAR, shell=shell))


def register(app: typer.Typer) -> None:
    app.command("completion")(completion_cmd)
    if COMPLETE_VAR in os.environ:  # the shell asks for completions: teach click about the shells
        from typer.completion import completion_init

        completion_init()
