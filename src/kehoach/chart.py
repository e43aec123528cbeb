"""Stacked status bars as tiny PNG images, written with zlib and struct only.

The report's chart is a Word table: one row per agency (or task group) with its name as real text,
a bar image and the total. Only the bars are pictures, so the labels keep their Vietnamese
diacritics, stay editable and searchable, and no plotting library (matplotlib pulls in numpy,
Pillow and font handling, tens of MB) is needed to draw what are only coloured rectangles.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping, Sequence

RGB = tuple[int, int, int]

# Status colours, told apart by lightness as well as hue so that a greyscale print stays readable.
STATUS_COLOURS: dict[str, RGB] = {
    "done_on_time": (0x1B, 0x78, 0x37),  # dark green
    "done_late": (0xA6, 0xDB, 0xA0),  # light green
    "in_time": (0x43, 0x93, 0xC3),  # blue
    "overdue": (0xB2, 0x18, 0x2B),  # dark red
    "ongoing": (0xF4, 0xA5, 0x82),  # light orange
    "no_report_not_due": (0xDD, 0xDD, 0xDD),  # light grey
    "no_report_overdue": (0x26, 0x26, 0x26),  # near black: the worst case stands out in any print
    "no_report": (0xBA, 0xBA, 0xBA),  # grey (the single "no report" class of older data)
}
WHITE: RGB = (0xFF, 0xFF, 0xFF)
PX_PER_MM = 8  # about 200 dpi: crisp edges when Word scales the image to its size in mm


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)


def png(pixels_row: Sequence[RGB], height: int) -> bytes:
    """An RGB PNG whose every row is ``pixels_row`` (bars are the same from top to bottom)."""
    if not pixels_row or height < 1:
        raise ValueError("ảnh phải có kích thước dương")
    width = len(pixels_row)
    row = b"\x00" + b"".join(bytes(p) for p in pixels_row)  # filter type 0 (None) per scanline
    raw = row * height
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    dpm = PX_PER_MM * 1000
    phys = struct.pack(">IIB", dpm, dpm, 1)  # pixels per metre, so viewers show the intended size
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"pHYs", phys)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def swatch(code: str, size_mm: float = 3.5) -> bytes:
    side = max(1, round(size_mm * PX_PER_MM))
    return png([STATUS_COLOURS.get(code, WHITE)] * side, side)


def stacked_bar(counts: Mapping[str, int], order: Sequence[str], width_mm: float, height_mm: float = 4.0) -> bytes:
    """One horizontal bar ``width_mm`` long split in proportion to ``counts``, in ``order``.

    Segments are separated by a thin white gap so that neighbours of similar grey stay apart.
    """
    total = sum(counts.get(code, 0) for code in order)
    width = max(1, round(width_mm * PX_PER_MM))
    height = max(1, round(height_mm * PX_PER_MM))
    if total <= 0:
        return png([WHITE] * width, height)
    row: list[RGB] = []
    done = 0
    gap = 2 if width > 24 else 0
    for code in order:
        n = counts.get(code, 0)
        if n <= 0:
            continue
        done += n
        end = round(width * done / total)  # cumulative, so rounding never loses or adds a pixel
        length = end - len(row)
        colour = STATUS_COLOURS.get(code, WHITE)
        if done < total and length > gap * 2:
            row += [colour] * (length - gap) + [WHITE] * gap
        else:
            row += [colour] * length
    return png(row or [WHITE], height)
