"""The ``kehoach`` command: parse options, call the library, print. Nothing else lives here."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from kehoach import __version__

app = typer.Typer(
    name="kehoach",
    help="Tra cứu nhiệm vụ trong các kế hoạch hành động theo cơ quan, thời hạn và kỳ báo cáo.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data", help="Thư mục dữ liệu (mặc định: $KEHOACH_DATA, ./data, rồi dữ liệu kèm gói).", show_default=False
    ),
]
TodayOpt = Annotated[
    str | None,
    typer.Option(
        "--today", help="Ngày tham chiếu YYYY-MM-DD (mặc định: $KEHOACH_TODAY hoặc hôm nay).", show_default=False
    ),
]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table | json | csv | xlsx (xlsx cần -o TỆP.xlsx)")]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Tệp .xlsx cần ghi (với --format xlsx).", show_default=False),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Ghi đè tệp đã có.")]
PlanOpt = Annotated[list[str] | None, typer.Option("--plan", help="Mã kế hoạch (lặp lại được).", show_default=False)]
RoleOpt = Annotated[str, typer.Option("--role", help="lead (chủ trì) | support (phối hợp) | any")]


def fail(message: str, code: int = 2) -> NoReturn:
    from kehoach.output import terminal_safe

    sys.stderr.write(f"kehoach: {terminal_safe(message)}\n")
    raise typer.Exit(code)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        fail(f"{option}: ngày {value!r} không hợp lệ, cần dạng YYYY-MM-DD")


def today(value: str | None) -> dt.date:
    value = value or os.environ.get("KEHOACH_TODAY")
    return _date(value, "--today") or dt.date.today()


def _format(value: str, allowed: tuple[str, ...] = ("table", "json", "csv")) -> str:
    if value not in allowed:
        fail(f"--format phải là một trong: {', '.join(allowed)}")
    return value


def _listing_format(value: str, output: Path | None, force: bool) -> str:
    """--format of a listing command; xlsx needs -o FILE.xlsx, which is not replaced without --force."""
    fmt = _format(value, ("table", "json", "csv", "xlsx"))
    if fmt != "xlsx":
        if output is not None:
            fail("-o chỉ dùng với --format xlsx (các dạng khác in ra màn hình)")
        return fmt
    if output is None:
        fail("--format xlsx cần -o TỆP.xlsx")
    if output.suffix.lower() != ".xlsx":
        fail(f"-o {str(output)!r}: tệp Excel cần có đuôi .xlsx")
    if output.exists() and not force:
        fail(f"tệp {str(output)!r} đã có; dùng --force để ghi đè", 1)
    return fmt


def _role(value: str) -> str:
    if value not in ("lead", "support", "any"):
        fail("--role phải là lead, support hoặc any")
    return value


def load(data_dir: Path | None, *, quiet: bool = False) -> Any:
    """Load the data; a file that failed to load is left out, and said so on stderr."""
    from kehoach.dataset import load_data
    from kehoach.loader import default_data_dir

    root = default_data_dir(data_dir)
    if not root.is_dir():
        fail(f"không tìm thấy thư mục dữ liệu {str(root)!r}")
    data = load_data(root, cache=False if _no_cache else None)
    if quiet:
        return data
    from kehoach.progress import progress_of

    problems = data.problems + progress_of(data).problems  # a broken progress file is said too, not skipped
    if problems:
        global _incomplete
        _incomplete = True
        from kehoach.output import terminal_safe

        files = sorted({terminal_safe(p.file) for p in problems})
        sys.stderr.write(
            f"kehoach: cảnh báo: {len(problems)} lỗi dữ liệu trong {', '.join(files)}; "
            "phần lỗi bị bỏ qua, kết quả có thể thiếu — chạy `kehoach check` để xem chi tiết\n"
        )
    return data


# Set by --no-cache for this invocation.
_no_cache = False
# Set when the data loaded with problems: the answer printed may be incomplete, so `main` exits 1.
_incomplete = False


def resolve_agency(data: Any, name: str, *, note: bool = True) -> Any:
    from kehoach.agencies import AgencyError

    try:
        agency = data.registry.resolve(name)
    except AgencyError as exc:
        fail(str(exc))
    if agency.replaced_by and note:
        heirs = ", ".join(a.name for a in data.registry.successors(agency.id))
        when = f" từ {agency.replaced_on:%d/%m/%Y}" if agency.replaced_on else ""
        from kehoach.output import terminal_safe

        sys.stderr.write(
            terminal_safe(
                f"kehoach: lưu ý: {agency.name} đã được sắp xếp{when}, nay là {heirs}; "
                f"tra cứu {heirs} để thấy cả nhiệm vụ giao cho cơ quan mới"
            )
            + "\n"
        )
    return agency


def _plans_or_fail(data: Any, plans: list[str] | None) -> list[str]:
    from kehoach.dataset import UnknownPlan

    for pid in plans or []:
        try:
            data.plan(pid)
        except UnknownPlan as exc:
            fail(str(exc))
    return plans or []


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="In phiên bản rồi thoát.")] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Đọc lại mọi tệp YAML, không dùng và không ghi bộ nhớ đệm.")
    ] = False,
) -> None:
    global _no_cache
    _no_cache = no_cache
    if version:
        typer.echo(f"kehoach {__version__}")
        raise typer.Exit(0)


def _gh_escape(text: str, prop: bool = False) -> str:
    """GitHub workflow-command escaping (properties also escape ':' and ',')."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


@app.command("check")
def check_cmd(
    data_dir: DataOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | github")] = "text",
    today_: TodayOpt = None,
) -> None:
    """Kiểm tra dữ liệu: mọi nhiệm vụ có chủ trì và thời hạn, mọi tên cơ quan và thời hạn đều hiểu được."""
    from kehoach.check import check
    from kehoach.output import terminal_safe, to_json

    fmt = _format(fmt, ("text", "json", "github"))
    data = load(data_dir, quiet=True)
    from kehoach.progress import check_progress

    report = check(data, check_progress(data, today(today_)))
    if fmt == "json":
        typer.echo(to_json(report.as_dict()))
    elif fmt == "github":
        for p in report.problems:
            kind = "error" if p.severity == "error" else "warning"
            loc = f"file={_gh_escape(p.file, prop=True)}"
            if p.line:
                loc += f",line={p.line}"
            if p.column:
                loc += f",col={p.column}"
            message = _gh_escape(f"{p.path + ': ' if p.path else ''}{p.message}")
            typer.echo(f"::{kind} {loc},title={_gh_escape(p.code, prop=True)}::{message}")
    else:
        for p in sorted(report.problems, key=lambda p: (p.severity != "error", p.file, p.line or 0)):
            where = p.file + (f":{p.line}" if p.line else "") + (f":{p.column}" if p.column else "")
            label = "lỗi" if p.severity == "error" else "cảnh báo"
            field = f" {p.path}:" if p.path else ""
            typer.echo(terminal_safe(f"{where}: {label} [{p.code}]{field} {p.message}"))
        typer.echo(
            f"{report.plans} kế hoạch, {report.tasks} nhiệm vụ, {report.targets} chỉ tiêu: "
            f"{len(report.errors)} lỗi, {len(report.warnings)} cảnh báo."
        )
    raise typer.Exit(1 if report.errors else 0)


def _register() -> None:
    """Commands that live in their own modules register themselves here."""
    from kehoach.cli import cache, completion, encode, export, progress, query, report

    for mod in (query, progress, report, cache, export, completion, encode):
        mod.register(app)


_register()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("kehoach: đã dừng\n")
        sys.exit(130)
    except SystemExit as exc:
        if exc.code in (0, None) and _incomplete:
            sys.exit(1)
        raise
