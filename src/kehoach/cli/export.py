"""``kehoach calendar`` (iCalendar) and ``kehoach export sqlite``: files for other tools.

The exporters live in kehoach.export; their packages are imported only when a file is made.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from kehoach.cli.errors import fail
from kehoach.cli.options import DataOpt, ForceOpt, PlanOpt, RoleOpt, TodayOpt, agency_option, path, use

export_app = typer.Typer(help="Xuất dữ liệu cho công cụ khác: SQLite (Datasette).", no_args_is_help=True)



def _output(value: Path, suffixes: tuple[str, ...], option: str = "-o") -> Path:
    if value.suffix.lower() not in suffixes:
        fail(f"{option} {str(value)!r}: tệp cần có đuôi {' hoặc '.join(suffixes)}")
    return value


def write_file(target: Path, content: bytes, force: bool) -> None:
    """Write atomically; refuse to replace a file without --force (exit 1), never a traceback."""
    from kehoach.export import write_new

    write_new(target, content, force=force)  # ExportError: exit code 1 at the boundary


def _refuse_existing(target: Path, force: bool) -> None:
    """Say so before the work, not after it."""
    from kehoach.files import refuse_existing

    refuse_existing(target, force)


def calendar_cmd(
    output: Annotated[
        Path, typer.Option(
            "--output", "-o", help="Tệp lịch .ics cần ghi.", show_default=False, parser=path, metavar="TỆP.ics"
        )
    ],
    agency: Annotated[
        str | None, agency_option("Chỉ việc của cơ quan này (và báo cáo cơ quan phải nộp).")
    ] = None,
    plan: PlanOpt = None,
    role: RoleOpt = "any",
    strict: Annotated[bool, typer.Option("--strict", help="Chỉ nhiệm vụ giao đích danh cơ quan.")] = False,
    force: ForceOpt = False,
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
) -> None:
    """Lịch .ics: mỗi thời hạn một sự kiện cả ngày, báo cáo định kỳ lặp hằng năm; nhập vào Outlook, Google."""
    from kehoach.export.ics import events, to_ical

    target = _output(output, (".ics",))
    if agency is None and (role != "any" or strict):
        fail("--role và --strict chỉ dùng cùng --agency")
    _refuse_existing(target, force)
    ctx = use(data_dir=data_dir, today=today_)
    data = ctx.data
    plans = ctx.plans(plan)
    ag = ctx.agency(agency) if agency is not None else None
    ref = ctx.today
    evs = events(data, ref, plans=plans, agency=ag, role=role, strict=strict, show_progress=True)
    name = f"Nhiệm vụ của {ag.name}" if ag else "Nhiệm vụ các kế hoạch hành động"
    write_file(target, to_ical(evs, name), force)
    overdue = sum(e.overdue for e in evs)
    recurring = sum(e.recurring for e in evs)
    typer.echo(
        f"Đã ghi {len(evs)} sự kiện ({recurring} sự kiện lặp lại, {overdue} quá hạn tính đến {ref:%d/%m/%Y}) "
        f"vào {target}"
    )


@export_app.command("sqlite")
def export_sqlite_cmd(
    output: Annotated[
        Path, typer.Option(
            "--output", "-o", help="Tệp SQLite .db cần ghi.", show_default=False, parser=path, metavar="TỆP.db"
        )
    ],
    metadata: Annotated[
        Path | None,
        typer.Option(
            "--metadata",
            help="Ghi thêm metadata.yml (nhãn tiếng Việt) cho Datasette.",
            show_default=False,
            parser=path,
            metavar="TỆP.yml",
        ),
    ] = None,
    force: ForceOpt = False,
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
) -> None:
    """Cơ sở dữ liệu SQLite để công bố (Datasette): bảng chuẩn hóa, tìm kiếm toàn văn, khung nhìn."""
    from kehoach.export.sqlite import build
    from kehoach.export.sqlite import metadata as datasette_metadata

    target = _output(output, (".db", ".sqlite", ".sqlite3"))
    _refuse_existing(target, force)
    if metadata is not None:
        _output(metadata, (".yml", ".yaml"), "--metadata")
        if os.path.abspath(metadata) == os.path.abspath(target):
            fail(f"--metadata và -o cùng là {str(target)!r}; chọn hai tệp khác nhau")
        _refuse_existing(metadata, force)
    ctx = use(data_dir=data_dir, today=today_)
    data = ctx.data
    ref = ctx.today
    content, counts = build(data, ref, show_progress=True)
    if metadata is None:
        write_file(target, content, force)
    else:  # both files or neither: a metadata path that cannot be written leaves no database behind
        from kehoach.export import write_all

        # ExportError, BatchError: exit code 1 at the boundary
        write_all([(target, content), (metadata, datasette_metadata(target.stem).encode("utf-8"))], force=force)
    summary = ", ".join(f"{n} {label}" for label, n in counts.items())
    typer.echo(f"Đã ghi {target}: {summary}")


def register(app: typer.Typer) -> None:
    app.command("calendar")(calendar_cmd)
    app.add_typer(export_app, name="export")
