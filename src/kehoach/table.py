"""A boxed text table for the terminal, measured in terminal cells.

Draws what ``print_rows`` shows: a heavy header box (┏━┳┓ ┃ ┡━╇┩), light body borders (│ └─┴┘), one
space of padding each side of a cell, the title above and the caption below, both left-justified.
Columns shrink to fit the width: the widest wrap-able columns give way first, down to their longest
word; cell text wraps at spaces and only a word longer than its column is folded; a column marked
``no_wrap`` (plan and task ids) keeps the width of its widest cell. Widths count terminal cells, so
East Asian wide characters take two and combining marks none, and the borders line up.

The caller passes text that is already safe to show (no control characters); this module adds only
the box and, when asked, ANSI SGR styles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

# Text made only of these characters is one cell per character (ASCII, Latin-1, Latin Extended A/B and
# Additional - every precomposed Vietnamese letter -, Greek, Cyrillic, common punctuation, box drawing).
_NOT_SIMPLE = re.compile(
    "[^\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u1e00-\u1eff\u2010-\u2027\u2030-\u205e\u2500-\u257f]"
)
_WORD = re.compile(r"\s*\S+\s*")
_char_widths: dict[str, int] = {}


def _char_width(ch: str) -> int:
    w = _char_widths.get(ch)
    if w is None:
        if ch == "\xad":  # soft hyphen: shown as a hyphen by terminals
            w = 1
        elif (
            unicodedata.combining(ch)
            or unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cc")
            or "\u1160" <= ch <= "\u11ff"  # Hangul medial vowels and final consonants join the syllable
            or "\U0001f3fb" <= ch <= "\U0001f3ff"  # skin tones modify the emoji before them
        ):
            w = 0
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            w = 2
        else:
            w = 1
        _char_widths[ch] = w
    return w


def _widths(text: str) -> list[int]:
    """Each character's cells; in an emoji sequence (wide character, U+200D, character) the joined one takes none."""
    widths = [_char_width(ch) for ch in text]
    if "\u200d" in text:
        raw = widths[:]
        for i in range(2, len(text)):
            if text[i - 1] == "\u200d" and raw[i - 2] == 2:
                widths[i] = 0
    return widths


def cell_width(text: str) -> int:
    """Columns the text takes on a terminal: wide characters 2, combining marks and format characters 0."""
    if text.isascii() or not _NOT_SIMPLE.search(text):
        return len(text)
    return sum(_widths(text))


def _chop(word: str, width: int) -> list[str]:
    """A word in pieces of at most ``width`` cells; a combining mark stays with its letter."""
    if not _NOT_SIMPLE.search(word):
        return [word[i : i + width] for i in range(0, len(word), width)]
    pieces: list[str] = []
    start = used = 0
    for i, w in enumerate(_widths(word)):
        if w and used + w > width and i > start:
            pieces.append(word[start:i])
            start, used = i, 0
        used += w
    pieces.append(word[start:])
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells: broken at spaces, words longer than a line folded.

    Each line of the text (split at line breaks) is wrapped on its own; trailing spaces are dropped.
    """
    width = max(width, 1)
    out: list[str] = []
    for para in text.splitlines() or [""]:
        measure = len if para.isascii() or not _NOT_SIMPLE.search(para) else cell_width
        if measure(para) <= width:
            out.append(para.rstrip())
            continue
        line = ""
        used = 0
        for token in _WORD.findall(para):
            word = token.rstrip()
            need = measure(word)
            if used + need <= width:
                line += token
                used += measure(token)
                continue
            if line.strip():  # the word starts the next line
                out.append(line.rstrip())
                token = token.lstrip()
                word = word.lstrip()
                need = measure(word)
            if need > width:  # longer than a line: folded, its last piece goes on
                pieces = _chop(word, width)
                out.extend(pieces[:-1])
                token = pieces[-1] + token[len(word) :]
            line = token
            used = measure(token)
        out.append(line.rstrip())
    return out


def _fit(line: str, width: int) -> str:
    """The line padded with spaces to exactly ``width`` cells (cut if it is wider)."""
    w = cell_width(line)
    if w > width:
        w = end = 0
        for cw in _widths(line):
            if w + cw > width:
                break
            w += cw
            end += 1
        line = line[:end]
    return line + " " * (width - w)


# --- widths -------------------------------------------------------------------------------------------

_PAD = 2  # one space each side of a cell


def _has_break(text: str) -> bool:
    return "\n" in text or "\u2028" in text or "\u2029" in text


def _line_width(text: str) -> int:
    """Cells of the text's longest line."""
    if _has_break(text):
        return max((cell_width(line) for line in text.splitlines()), default=0)
    return cell_width(text)


def _longest_word(texts: Sequence[str]) -> int:
    """Cells of the longest word among the texts."""
    words = "\n".join(texts).split()
    if not words:
        return 0
    joined = "".join(words)
    return max(map(len if joined.isascii() or not _NOT_SIMPLE.search(joined) else cell_width, words))


def _shrink(widths: list[int], floors: list[int], flexible: list[bool], limit: int) -> list[int]:
    """Cap the widest flexible columns at one common level, none below its floor, so the total fits ``limit``.

    The widest columns give way first; a column narrower than the level keeps its width. When even the
    floors do not fit, every flexible column is at its floor.
    """
    movable = [j for j, ok in enumerate(flexible) if ok and widths[j] > floors[j]]

    def at(level: int) -> list[int]:
        out = widths[:]
        for j in movable:
            out[j] = max(floors[j], min(widths[j], level))
        return out

    lo, hi = 0, max(widths, default=0)  # sum(at(hi)) == sum(widths) > limit
    if sum(at(lo)) > limit:
        return at(lo)
    while hi - lo > 1:  # the highest level whose total fits
        mid = (lo + hi) // 2
        if sum(at(mid)) <= limit:
            lo = mid
        else:
            hi = mid
    out = at(lo)
    spare = limit - sum(out)
    for j in sorted(movable, key=lambda j: -widths[j]):  # cells left over: to the capped columns wanting most
        if spare and widths[j] > lo >= floors[j]:
            out[j] += 1
            spare -= 1
    return out


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """``values`` less ``total`` in all, shared by ``ratios``, none cut by more than its ``maximums`` entry."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            cut = min(maximum, round(ratio * remaining / total_ratio))
            result.append(value - cut)
            remaining -= cut
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _collapse(widths: list[int], wrapable: list[bool], limit: int) -> list[int]:
    """Narrow the widest wrap-able columns, step by step down to the next widest, until the total fits.

    The steps and their rounding are those of rich's tables, so that a table looks as it always has.
    """
    excess = sum(widths) - limit
    while excess > 0 and any(wrapable):
        widest = max(w for w, ok in zip(widths, wrapable, strict=True) if ok)
        second = max((w for w, ok in zip(widths, wrapable, strict=True) if ok and w != widest), default=0)
        step = widest - second
        ratios = [1 if ok and w == widest else 0 for w, ok in zip(widths, wrapable, strict=True)]
        if not step or not any(ratios):
            break
        widths = _ratio_reduce(excess, ratios, [min(excess, step)] * len(widths), widths)
        excess = sum(widths) - limit
    return widths


def _widest_glyph(texts: Sequence[str]) -> int:
    """The widest single character of a column (2 for Chinese or Japanese text): a narrower column loses it."""
    widest = 1
    for text in texts:
        if _NOT_SIMPLE.search(text):
            widest = max(widest, *_widths(text))
    return widest


def column_widths(
    cells: Sequence[Sequence[str]],
    limit: int,
    max_widths: Sequence[int | None],
    no_wrap: Sequence[bool],
    sizes: Sequence[Sequence[int]] | None = None,
) -> list[int]:
    """Content width of each column (padding excluded) so that the columns fit in ``limit`` cells.

    ``cells`` holds each column's texts, header first. A column never gets wider than its longest line
    or its ``max_widths`` entry; a ``no_wrap`` column keeps the width of its widest cell. When the
    columns do not fit, the widest wrap-able ones give way first, down to their longest word; only when
    the words themselves do not fit are they folded.
    """
    if sizes is None:  # each text's longest line
        sizes = [[_line_width(text) for text in col] for col in cells]
    widths: list[int] = []
    for col_sizes, cap, fixed in zip(sizes, max_widths, no_wrap, strict=True):
        longest = max(col_sizes, default=0)
        top = longest if fixed else min(longest, max(limit - _PAD, 1))
        if cap is not None and not fixed:
            top = min(top, cap)
        widths.append(max(top, 1) + _PAD)
    if sum(widths) > limit:
        flexible = [not f for f in no_wrap]
        words = [
            min(_longest_word(col) + _PAD, w) if ok else w
            for col, w, ok in zip(cells, widths, flexible, strict=True)
        ]
        collapsed = _collapse(widths, flexible, limit)
        if sum(collapsed) <= limit and all(c >= w for c, w in zip(collapsed, words, strict=True)):
            return _no_lost_glyph(cells, [w - _PAD for w in collapsed])
        widths = _shrink(widths, words, flexible, limit)  # keep words whole where they fit
        if sum(widths) > limit:  # the words themselves do not fit: they are folded
            widths = _shrink(widths, [1 + _PAD] * len(widths), flexible, limit)
    return _no_lost_glyph(cells, [w - _PAD for w in widths])


def _no_lost_glyph(cells: Sequence[Sequence[str]], widths: list[int]) -> list[int]:
    """A column one cell wide would lose a wide character: it gets two, even if the table then overflows."""
    return [2 if w < 2 and _widest_glyph(col) > w else w for col, w in zip(cells, widths, strict=True)]


# --- styles -------------------------------------------------------------------------------------------

_COLOURS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
_ATTRIBUTES = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "blink": "5", "reverse": "7", "strike": "9"}
_sgr_cache: dict[tuple[str, bool], str] = {}


def sgr(style: str | None, colour: bool = True) -> str:
    """The ANSI SGR sequence for a style such as "bold red" or "dim italic" or "white on red".

    Colours are left out when ``colour`` is false (NO_COLOR); unknown words are ignored.
    """
    if not style:
        return ""
    key = (style, colour)
    if key not in _sgr_cache:
        codes: list[str] = []
        background = False
        for word in style.lower().split():
            if word == "on":
                background = True
                continue
            if word in _ATTRIBUTES:
                codes.append(_ATTRIBUTES[word])
            elif colour:
                bright = word.startswith("bright_")
                name = word.removeprefix("bright_")
                if name in _COLOURS:
                    base = (100 if bright else 40) if background else (90 if bright else 30)
                    codes.append(str(base + _COLOURS.index(name)))
            background = False
        _sgr_cache[key] = f"\x1b[{';'.join(codes)}m" if codes else ""
    return _sgr_cache[key]


_RESET = "\x1b[0m"


class _Box(NamedTuple):
    top: str  # left, fill, junction, right of each rule
    head: str
    bottom: str
    head_bar: str  # the vertical bar of the header row
    bar: str  # the vertical bar of the body rows


_UNICODE_BOX = _Box("┏━┳┓", "┡━╇┩", "└─┴┘", "┃", "│")
_ASCII_BOX = _Box("+--+", "|-+|", "+--+", "|", "|")


def _paint(lines: list[str], code: str) -> list[str]:
    return [f"{code}{line}{_RESET}" for line in lines] if code else lines


def render(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    **options: Any,
) -> str:
    """The table as text, each line ending in a newline (see ``iter_render`` for the options)."""
    return "".join(iter_render(header, rows, **options))


def iter_render(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    width: int,
    max_widths: Sequence[int | None] | None = None,
    no_wrap: Sequence[bool] | None = None,
    row_styles: Sequence[str | None] | None = None,
    title: str | None = None,
    caption: str | None = None,
    styled: bool = False,
    colour: bool = True,
    ascii_only: bool = False,
) -> Iterator[str]:
    """The table as text in pieces of whole lines, each line ending in a newline, so that a long table
    is written as it is drawn instead of being held whole.

    ``width`` is the widest a line may be; the table is narrower when its content is. ``styled`` adds
    ANSI SGR codes: the title in italics, the header in bold, the caption dim, each row in its
    ``row_styles`` entry (colours only when ``colour``).
    """
    n = len(header)
    if not n:
        raise ValueError("a table needs at least one column")
    max_widths = list(max_widths) if max_widths is not None else [None] * n
    no_wrap = list(no_wrap) if no_wrap is not None else [False] * n
    columns = [[header[j], *(row[j] for row in rows)] for j in range(n)]
    sizes = [[_line_width(text) for text in col] for col in columns]
    widths = column_widths(columns, width - n - 1, max_widths, no_wrap, sizes)
    row_sizes = list(zip(*sizes, strict=True))
    table_width = sum(widths) + 3 * n + 1
    box = _ASCII_BOX if ascii_only else _UNICODE_BOX
    out: list[str] = []

    def rule(kind: str) -> str:
        return kind[0] + kind[2].join(kind[1] * (w + 2) for w in widths) + kind[3]

    def annotation(text: str, style: str) -> None:
        lines = [line for para in text.splitlines() for line in wrap(para, max(table_width, width))]
        out.extend(_paint(lines, sgr(style, colour) if styled else ""))

    def draw_row(cells: Sequence[str], used_cells: Sequence[int], bar: str, bottom: bool, code: str) -> None:
        wrapped: list[list[str]] = []
        single = True
        for text, used, w in zip(cells, used_cells, widths, strict=True):
            if used <= w and not _has_break(text):
                wrapped.append([text + " " * (w - used)])
            else:
                wrapped.append([_fit(line, w) for line in wrap(text, w)])
                single = single and len(wrapped[-1]) == 1
        if code:
            wrapped = [[f"{code}{line}{_RESET}" for line in lines] for lines in wrapped]
        sep = f" {bar} "
        if single:
            out.append(f"{bar} {sep.join(lines[0] for lines in wrapped)} {bar}")
            return
        height = max(len(lines) for lines in wrapped)
        blank = [(f"{code}{' ' * w}{_RESET}" if code else " " * w) for w in widths]
        for i in range(height):
            parts = []
            for j, lines in enumerate(wrapped):
                k = i - (height - len(lines)) if bottom else i
                parts.append(lines[k] if 0 <= k < len(lines) else blank[j])
            out.append(f"{bar} {sep.join(parts)} {bar}")

    if title:
        annotation(title, "italic")
    out.append(rule(box.top))
    draw_row(header, row_sizes[0], box.head_bar, True, sgr("bold") if styled else "")
    out.append(rule(box.head))
    styles = row_styles or [None] * len(rows)
    for row, used, style in zip(rows, row_sizes[1:], styles, strict=True):
        draw_row(row, used, box.bar, False, sgr(style, colour) if styled else "")
        if len(out) >= 1000:
            yield "\n".join(out) + "\n"
            out.clear()
    out.append(rule(box.bottom))
    if caption:
        annotation(caption, "dim italic")
    yield "\n".join(out) + "\n"


def render_message(title: str | None, message: str, *, width: int, styled: bool = False) -> str:
    """What an empty table shows: its title (bold) and the message, wrapped to ``width``."""
    lines = _paint(wrap(title, width), sgr("bold") if styled else "") if title else []
    lines += wrap(message, width)
    return "\n".join(lines) + "\n"
