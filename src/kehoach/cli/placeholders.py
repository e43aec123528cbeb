"""Help placeholders in Vietnamese: ``--cycle KỲ``, ``--output TỆP``, never ``<str>`` or ``<Path>``.

An option without a metavar of its own shows a word for its type; an argument shows its name only (its
metavar, such as ``KẾ-HOẠCH/MÃ``), without the type typer would add after it.
"""

from __future__ import annotations

from typing import Any

TYPE_WORDS = {
    "str": "CHỮ",
    "Path": "TỆP",
    "int": "SỐ",
    "float": "SỐ",
    "date": "NGÀY",
    "datetime": "NGÀY",
    "bool": "CÓ|KHÔNG",
}


def vietnamese_placeholders() -> None:
    import typer.core

    if getattr(typer.core.TyperOption.display_type, "_kehoach", False):
        return
    plain = typer.core.TyperOption.display_type

    def display_type(self: Any, ctx: Any) -> str:
        shown = plain(self, ctx)
        bare = shown.strip("<>")
        return TYPE_WORDS.get(bare, bare.upper())

    def argument_type(self: Any, ctx: Any) -> str | None:
        return None  # "KẾ-HOẠCH/MÃ", not "KẾ-HOẠCH/MÃ <str>"

    display_type._kehoach = True  # type: ignore[attr-defined]
    typer.core.TyperOption.display_type = display_type  # type: ignore[method-assign]
    typer.core.TyperArgument.display_type_rich = argument_type  # type: ignore[method-assign]
