"""Help placeholders in Vietnamese: ``--cycle KỲ``, ``--output TỆP``, never ``<str>`` or ``<Path>``.

An option without a metavar of its own shows a word for its type; an argument shows its name only (its
metavar, such as ``KẾ-HOẠCH/MÃ``), without the type typer would add after it.
"""

from __future__ import annotations

TYPE_WORDS = {
    "str": "CHỮ",
    "Path": "TỆP",
    "int": "SỐ",
    "float": "SỐ",
    "date": "NGÀY",
    "datetime": "NGÀY",
}


def vietnamese_placeholders() -> None:
    from kehoach.clickapi import set_placeholders

    set_placeholders(lambda name: TYPE_WORDS.get(name, name.upper()))
