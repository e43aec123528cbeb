"""The "đang đọc kế hoạch…" line on stderr while a large data set is read for the first time."""

from __future__ import annotations

import io

from conftest import DATA, PLAN_FILES
from kehoach.cli.options import ReadingLine
from kehoach.dataset import load_data


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_written_when_reading_is_quick_or_stderr_is_no_terminal():
    clock = Clock()
    quick = ReadingLine(Terminal(), clock)
    for i in range(1, 5000):
        quick.step(i, 5000)
    quick.clear()
    assert quick.stream.getvalue() == ""
    piped = ReadingLine(io.StringIO(), clock)
    clock.now += 5
    piped.step(1, 5000)
    piped.clear()
    assert piped.stream.getvalue() == ""


def test_a_slow_read_shows_one_line_rewritten_in_place_then_erased():
    clock = Clock()
    line = ReadingLine(Terminal(), clock)
    line.step(10, 5001)  # before a second: nothing
    clock.now += 1.5
    line.step(1234, 5001)
    line.step(1235, 5001)  # too soon after the last update
    clock.now += 0.5
    line.step(2500, 5001)
    line.step(5001, 5001)  # the last file: nothing more to say
    line.clear()
    assert line.stream.getvalue() == (
        "\rkehoach: đang đọc kế hoạch 1.234/5.001…\x1b[K"
        "\rkehoach: đang đọc kế hoạch 2.500/5.001…\x1b[K"
        "\r\x1b[K"
    )


def test_a_stream_that_fails_turns_the_line_off():
    class Broken(Terminal):
        def write(self, text: str) -> int:
            raise OSError(5, "I/O error")

    clock = Clock()
    line = ReadingLine(Broken(), clock)
    clock.now += 2
    line.step(1, 10)  # no exception reaches the command
    assert not line.enabled


def test_load_data_reports_each_plan_file():
    seen: list[tuple[int, int]] = []
    data = load_data(DATA, cache=False, on_plan=lambda done, total: seen.append((done, total)))
    assert len(data.plans) == PLAN_FILES
    assert seen == [(i, PLAN_FILES) for i in range(1, PLAN_FILES + 1)]
