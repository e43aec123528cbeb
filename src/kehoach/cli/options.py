"""The options every command shares, validated where they are declared, and the application context.

``use(...)`` hands a command the one ``AppContext`` of this invocation: the data directory, the
reference day, the output format, and the data set, loaded once on first use. A data file that failed to
load is left out and said so on stderr; the answer may then be incomplete, and the exit code is 1.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kehoach.cli.errors import fail, say

if TYPE_CHECKING:
    from kehoach.dataset import DataSet
    from kehoach.model import Agency

YEAR_MIN, YEAR_MAX = 1900, 2100
WITHIN_MAX = 36_600  # days: a hundred years is more than any plan runs
_YEAR = re.compile(r"[0-9]{4}")


class ReadingLine:
    """"đang đọc kế hoạch 1.234/5.001…" on stderr while a data set takes more than a second to read (the
    first time, before the cache holds it), rewritten in place and erased at the end; only on a terminal."""

    DELAY = 1.0  # seconds before the line appears: a quick read shows nothing
    EVERY = 0.2  # seconds between two updates

    def __init__(self, stream: Any, clock: Callable[[], float] | None = None) -> None:
        import time

        self.stream = stream
        self.clock = clock or time.monotonic
        self.shown = False
        self.started = self.clock()
        self.last = self.started
        try:
            self.enabled = bool(stream.isatty())
        except (AttributeError, ValueError, OSError):
            self.enabled = False

    def step(self, done: int, total: int) -> None:
        if not self.enabled or done >= total:
            return
        now = self.clock()
        if now - self.started < self.DELAY or (self.shown and now - self.last < self.EVERY):
            return
        self.last = now
        self._write(f"\rkehoach: đang đọc kế hoạch {_thousands(done)}/{_thousands(total)}…\x1b[K")
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self._write("\r\x1b[K")
            self.shown = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError, UnicodeError):
            self.enabled = False  # a progress line is never worth failing the command


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# --- parsers: each raises typer.BadParameter, which names the option ------------------------------------


def text(value: str) -> str:
    """Any text, but not an empty one: ``--agency ''`` is a mistake, not "every agency"."""
    if not value.strip():
        raise typer.BadParameter("không được để trống")
    return value


def path(value: str) -> Path:
    return Path(text(value))


def day(value: str) -> dt.date:
    """A date as people write it: 15/01/2026, 15/1/2026 or 2026-01-15, between 1900 and 2100
    (``20260115``, ``15/1/26`` and ``2026-W03-4`` are refused; an impossible date says why)."""
    from kehoach.typed import DateError, parse_date

    try:
        return parse_date(text(value))
    except DateError as exc:
        raise typer.BadParameter(str(exc)) from None


def year(value: str) -> int:
    raw = text(value).strip()
    if not _YEAR.fullmatch(raw) or not YEAR_MIN <= int(raw) <= YEAR_MAX:
        raise typer.BadParameter(f"năm {value!r} không hợp lệ, cần một năm từ {YEAR_MIN} đến {YEAR_MAX}")
    return int(raw)


def days(value: str) -> int:
    raw = text(value).strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) > WITHIN_MAX:
        raise typer.BadParameter(
            f"{value!r} không hợp lệ, cần số ngày từ 0 đến {WITHIN_MAX} (3 tháng: --within 90, "
            "hoặc đến một ngày: --until 15/04/2026)"
        )
    return int(raw)


def choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise typer.BadParameter(f"{value!r} không hợp lệ; dùng một trong: {', '.join(allowed)}")
        return value

    return parse


# --- the shared options ---------------------------------------------------------------------------------

DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Thư mục dữ liệu (mặc định: $KEHOACH_DATA, ./data, rồi dữ liệu kèm gói).",
        show_default=False,
        parser=path,
        metavar="THƯ-MỤC",
    ),
]
TodayOpt = Annotated[
    dt.date | None,
    typer.Option(
        "--today",
        help="Ngày tham chiếu, như 15/01/2026 hoặc 2026-01-15 (mặc định: $KEHOACH_TODAY hoặc hôm nay).",
        show_default=False,
        parser=day,
        metavar="NGÀY",
    ),
]
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="table | json | csv | xlsx (xlsx cần -o TỆP.xlsx)",
        parser=choice("table", "json", "csv", "xlsx"),
        metavar="DẠNG",
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Tệp .xlsx cần ghi (với --format xlsx).", show_default=False, parser=path,
        metavar="TỆP.xlsx",
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Ghi đè tệp đã có.")]
PlanOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--plan", help="Mã hoặc số hiệu kế hoạch, như 74/QĐ-UBND (lặp lại được).", show_default=False, parser=text,
        metavar="KẾ-HOẠCH",
    ),
]
RoleOpt = Annotated[
    str,
    typer.Option(
        "--role",
        help="lead (chủ trì) | support (phối hợp) | any",
        parser=choice("lead", "support", "any"),
        metavar="VAI-TRÒ",
    ),
]
AgencyOpt = Annotated[
    str | None, typer.Option("--agency", "-a", help="Tên cơ quan.", show_default=False, parser=text, metavar="TÊN")
]
YearOpt = Annotated[
    int | None, typer.Option("--year", help="Năm (1900-2100).", show_default=False, parser=year, metavar="NĂM")
]


def listing_output(fmt: str, output: Path | None, force: bool) -> None:
    """--format of a listing command; xlsx needs -o FILE.xlsx, which is not replaced without --force."""
    if fmt != "xlsx":
        if output is not None:
            fail("-o chỉ dùng với --format xlsx (các dạng khác in ra màn hình)")
        return
    if output is None:
        fail("--format xlsx cần -o TỆP.xlsx")
    if output.suffix.lower() != ".xlsx":
        fail(f"-o {str(output)!r}: tệp Excel cần có đuôi .xlsx")
    if os.path.lexists(output) and not force:
        fail(f"tệp {str(output)!r} đã có; dùng --force để ghi đè", 1)


def date_option(name: str, help: str) -> Any:
    """A further date option (``--until``, ``--due-from``…), validated like ``--today``."""
    return typer.Option(name, help=help, show_default=False, parser=day, metavar="NGÀY")


def agency_option(help: str) -> Any:
    """``--agency``/``-a`` with its own help; an empty name is refused."""
    return typer.Option("--agency", "-a", help=help, show_default=False, parser=text, metavar="TÊN")


def year_option(help: str) -> Any:
    """``--year`` with its own help, validated like every year (1900-2100)."""
    return typer.Option("--year", help=help, show_default=False, parser=year, metavar="NĂM")


# --- the application context ----------------------------------------------------------------------------


@dataclass
class AppContext:
    """What one invocation of ``kehoach`` works with; built once, by ``use``."""

    data_dir: Path | None = None
    today_option: dt.date | None = None
    fmt: str = "table"
    no_cache: bool = False  # --no-cache: read every YAML file again, write no cache
    incomplete: bool = False  # the data loaded with problems: the answer may lack part of it
    lazy: bool = False  # a question about a few tasks (the query index): plans decoded as asked (load_data)
    _data: DataSet | None = field(default=None, repr=False)

    @property
    def today(self) -> dt.date:
        if self.today_option is not None:
            return self.today_option
        env = os.environ.get("KEHOACH_TODAY", "")
        if env.strip():
            try:
                return day(env)
            except typer.BadParameter as exc:
                fail(f"$KEHOACH_TODAY: {exc.message}")
        return dt.date.today()

    @property
    def root(self) -> Path:
        from kehoach.loader import default_data_dir

        root = default_data_dir(self.data_dir)
        if not root.is_dir():
            fail(f"không tìm thấy thư mục dữ liệu {str(root)!r}", 1 if self.data_dir is None else 2)
        return root

    @property
    def data(self) -> DataSet:
        """The data set, loaded on first use; problems are announced once on stderr."""
        return self.load()

    def load(self, *, quiet: bool = False) -> DataSet:
        if self._data is None:
            from kehoach.dataset import load_data

            line = ReadingLine(sys.stderr)
            try:
                self._data = load_data(
                    self.root, cache=False if self.no_cache else None, on_plan=line.step, lazy=self.lazy
                )
            finally:
                line.clear()
            import gc

            gc.freeze()  # the data lives as long as the command: the collector need not walk it again
            if quiet:
                return self._data
            from kehoach.output import terminal_safe
            from kehoach.progress import progress_of

            # A broken progress file is said too, not skipped.
            problems = self._data.problems + progress_of(self._data).problems
            if problems:
                self.incomplete = True
                files = sorted({terminal_safe(p.file) for p in problems})
                say(
                    f"cảnh báo: {len(problems)} lỗi dữ liệu trong {', '.join(files)}; "
                    "phần lỗi bị bỏ qua, kết quả có thể thiếu — chạy `kehoach check` để xem chi tiết"
                )
        return self._data

    def agency(self, name: str, *, note: bool = True) -> Agency:
        """The agency a user typed; a broken registry is a data problem (1), an unknown name a usage one (2)."""
        from kehoach.agencies import AgencyError

        data = self.data
        try:
            agency = data.registry.resolve(name)
        except AgencyError as exc:
            if any(Path(p.file).name == "agencies.yaml" for p in data.problems) or not len(data.registry.agencies):
                fail(f"{exc}; sổ đăng ký cơ quan {str(data.registry_path)!r} bị lỗi — chạy `kehoach check`", 1)
            fail(str(exc))
        if agency.replaced_by and note:
            heirs = ", ".join(a.name for a in data.registry.successors(agency.id))
            when = f" từ {agency.replaced_on:%d/%m/%Y}" if agency.replaced_on else ""
            say(
                f"lưu ý: {agency.name} đã được sắp xếp{when}, nay là {heirs}; "
                f"tra cứu {heirs} để thấy cả nhiệm vụ giao cho cơ quan mới"
            )
        return agency

    def plans(self, ids: list[str] | None) -> list[str]:
        """The ids of the plans named: each by its id in any case or its document number ("74/QĐ-UBND");
        ``UnknownPlan`` lists the plans there are."""
        if not ids:
            return []
        from kehoach.detail import resolve_plan

        return list(dict.fromkeys(resolve_plan(self.data, p).plan.id for p in ids))

    def echo(self, line: str = "") -> None:
        sys.stdout.write(line + "\n")


def new_context() -> AppContext:
    """A fresh context for one invocation; the root command hands it to click as the context's ``obj``."""
    return AppContext()


def current() -> AppContext:
    """The context of the invocation running: the ``obj`` of click's root context. Outside a command (a
    library caller, a test calling a command function), a context of its own, kept on nothing global."""
    from kehoach.clickapi import get_current_context

    click_ctx = get_current_context(silent=True)
    if click_ctx is None:
        return AppContext()
    root = click_ctx.find_root()
    if not isinstance(root.obj, AppContext):
        root.obj = AppContext()
    return root.obj


def use(*, data_dir: Path | None = None, today: dt.date | None = None, fmt: str | None = None) -> AppContext:
    """The context of this invocation, with the command's shared options recorded in it."""
    ctx = current()
    if data_dir is not None:
        ctx.data_dir = data_dir
    if today is not None:
        ctx.today_option = today
    if fmt is not None:
        ctx.fmt = fmt
    return ctx
