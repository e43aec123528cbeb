"""The ``kehoach report`` command: options in, kehoach.report out, files written atomically.

Nothing heavy is imported at module level: ``import kehoach.cli`` must stay free of docx and jinja2,
so they are loaded only when a report is actually drafted.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kehoach.cli.errors import fail
from kehoach.cli.options import DataOpt, TodayOpt, agency_option, date_option, path, text, use, year_option

if TYPE_CHECKING:
    from kehoach.dataset import DataSet

KIND_HELP = "annual (báo cáo năm) | half (báo cáo 6 tháng) | midterm (sơ kết giữa kỳ) | final (tổng kết)"


def _kind(value: str) -> str:
    kind = value.strip().lower()
    if kind not in ("annual", "half", "midterm", "final"):
        raise typer.BadParameter(f"loại báo cáo {value!r} không hợp lệ; dùng: {KIND_HELP}")
    return kind


def report_cmd(
    kind: Annotated[
        str, typer.Argument(help=KIND_HELP, metavar="annual|half|midterm|final", show_default=False, parser=_kind)
    ],
    plan: Annotated[
        str,
        typer.Option("--plan", help="Mã kế hoạch (xem `kehoach plans`).", show_default=False, parser=text),
    ],
    year: Annotated[
        int | None,
        year_option("Năm báo cáo (mặc định: năm nay; với sơ kết, tổng kết: kỳ vừa kết thúc)."),
    ] = None,
    agency: Annotated[
        str | None,
        agency_option("Báo cáo của cơ quan này (bỏ trống: báo cáo tổng hợp của cơ quan theo dõi)."),
    ] = None,
    all_agencies: Annotated[
        bool, typer.Option("--all-agencies", help="Mỗi cơ quan chủ trì nhiệm vụ một dự thảo, ghi vào thư mục -o.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Tệp .docx, hoặc thư mục (mặc định: thư mục hiện tại).",
            show_default=False,
            parser=path,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè tệp đã có.")] = False,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            help="Mẫu .docx (mặc định: templates/<loại>.docx cạnh thư mục dữ liệu, rồi mẫu kèm gói).",
            show_default=False,
            parser=path,
        ),
    ] = None,
    signed: Annotated[
        dt.date | None, date_option("--date", "Ngày ký, như 15/12/2026 (mặc định để trống ngày, tháng).")
    ] = None,
    allow_empty: Annotated[
        bool,
        typer.Option("--allow-empty", help="Vẫn soạn khi cơ quan không chủ trì nhiệm vụ nào trong kỳ."),
    ] = False,
    allow_state_format: Annotated[
        bool,
        typer.Option(
            "--allow-state-format",
            help="Cơ quan Đảng mà không có mẫu thể thức Đảng (<loại>-dang.docx): dùng mẫu thể thức nhà nước.",
        ),
    ] = False,
    cut_off: Annotated[
        dt.date | None,
        date_option(
            "--cut-off",
            "Ngày chốt số liệu (mặc định theo Điều 12 Nghị định 09/2019/NĐ-CP: 14/12 với báo cáo năm, "
            "14/6 với báo cáo 6 tháng).",
        ),
    ] = None,
    before_period_end: Annotated[
        bool,
        typer.Option(
            "--before-period-end",
            help="Soạn báo cáo sơ kết, tổng kết khi kỳ chưa kết thúc (số liệu tính đến ngày tham chiếu).",
        ),
    ] = False,
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
) -> None:
    """Soạn dự thảo báo cáo năm, 6 tháng, sơ kết, tổng kết (.docx; thể thức Nghị định 30/2020/NĐ-CP, với cơ
    quan Đảng Hướng dẫn 36-HD/VPTW)."""
    from kehoach.files import refuse_existing
    from kehoach.report import build_context, default_year, find_template
    from kehoach.report.context import period_not_ended

    if agency is not None and all_agencies:
        fail("chỉ dùng một trong --agency hoặc --all-agencies")
    sign_date = signed
    ctx = use(data_dir=data_dir, today=today_)
    data = ctx.data
    from kehoach.detail import resolve_plan

    the_plan = resolve_plan(data, plan).plan  # its id in any case, or its number: "74/QĐ-UBND"
    ref = ctx.today
    year = year or default_year(the_plan, kind, ref)
    early = period_not_ended(the_plan, kind, year, ref)
    if early and not before_period_end:
        fail(early)
    if template is not None and not template.is_file():
        fail(f"không tìm thấy mẫu báo cáo {str(template)!r}")
    choice = (template, allow_state_format)
    if all_agencies:
        _all_agencies(data, the_plan.id, kind, year, ref, sign_date, choice, output, force, allow_empty, cut_off)
        return
    ag = ctx.agency(agency) if agency is not None else None
    context = build_context(
        data, the_plan.id, kind, year, ag, today=ref, signed=sign_date, allow_empty=allow_empty, cut_off=cut_off
    )
    template_path = find_template(kind, data.root, template, context["format"], allow_state_format)
    if template is None:
        _warn(_beside_the_data(template_path))
    target = _target(output, the_plan.id, kind, year, ag)
    refuse_existing(target, force)
    _warn(context["warnings"])
    _write(target, _render(context, template_path), make_folder=output is not None and target.parent == output)
    ctx.echo(str(target))


def _target(output: Path | None, plan_id: str, kind: str, year: int, agency: Any) -> Path:
    from kehoach.report import default_filename

    name = default_filename(plan_id, kind, year, agency)
    if output is None:
        return Path.cwd() / name
    if output.is_dir():
        return output / name
    if os.path.lexists(output) and not os.path.islink(output) and not output.is_file():
        fail(f"-o {str(output)!r} không phải tệp thường hay thư mục (thiết bị, FIFO…); không ghi vào đó", 1)
    if not output.suffix and not os.path.lexists(output):  # "-o bao-cao" names a folder still to be made
        return output / name
    if output.suffix.lower() != ".docx":
        fail(f"-o {str(output)!r}: tệp báo cáo phải có đuôi .docx (hoặc là một thư mục)")
    return output


def _render(context: dict[str, Any], template_path: Path) -> bytes:
    from kehoach.report import render

    return render(context, template_path)


def _write(target: Path, content: bytes, *, make_folder: bool = False) -> None:
    from kehoach.files import atomic_write

    atomic_write(target, content, make_folder=make_folder)  # -o THƯ-MỤC: that one folder, not those above it


def _beside_the_data(template_path: Path) -> list[str]:
    """A template found beside the data (not given with --template, not bundled) is never used in silence."""
    from kehoach.report.render import template_is_bundled

    if template_is_bundled(template_path):
        return []
    return [f"dùng mẫu {template_path} (thư mục templates/ cạnh thư mục dữ liệu; --template để chọn mẫu khác)"]


def _warn(messages: list[str]) -> None:
    from kehoach.output import terminal_safe

    for m in dict.fromkeys(messages):
        typer.echo(terminal_safe(f"kehoach: cảnh báo: {m}"), err=True)


def _all_agencies(
    data: DataSet,
    plan_id: str,
    kind: str,
    year: int,
    ref: dt.date,
    sign_date: dt.date | None,
    choice: tuple[Path | None, bool],
    output: Path | None,
    force: bool,
    allow_empty: bool,
    cut_off: dt.date | None = None,
) -> None:
    """One draft per lead agency; nothing is written unless every draft renders and may be written."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kehoach.files import refuse_existing
    from kehoach.report import build_context, default_filename, find_template, report_agencies

    folder = output or Path.cwd()
    if folder.exists() and not folder.is_dir():
        fail(f"--all-agencies cần -o là thư mục; {str(folder)!r} là một tệp")
    from kehoach.report.context import report_date, report_issuer
    from kehoach.status import period_of

    agencies = report_agencies(data, plan_id, kind, year, today=ref, cut_off=cut_off)
    plan = data.plan(plan_id).plan
    consolidator = report_issuer(data, plan, report_date(period_of(plan, kind, year), ref, sign_date))
    if any(a.id == consolidator.id for a in agencies):
        # Its own tasks go into the consolidated report it writes: a report of its own would duplicate it.
        agencies = [a for a in agencies if a.id != consolidator.id]
        typer.echo(
            f"kehoach: {consolidator.name} tổng hợp báo cáo của kế hoạch: kết quả của cơ quan này nằm trong báo cáo"
            " tổng hợp (kehoach report không có --agency), không soạn thêm một dự thảo riêng",
            err=True,
        )
    if not agencies:
        fail(f"kế hoạch {plan_id} không có cơ quan chủ trì nhiệm vụ nào trong kỳ {kind}-{year}", 1)
    targets = [(a, folder / default_filename(plan_id, kind, year, a)) for a in agencies]
    refuse_existing([t for _, t in targets], force)
    console = Console(stderr=True)
    rendered: list[tuple[Path, bytes]] = []
    warnings: list[str] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        job = bar.add_task("Soạn báo cáo", total=len(targets))
        for agency, target in targets:
            bar.update(job, description=f"Soạn báo cáo: {agency.name}")
            context = build_context(
                data, plan_id, kind, year, agency, today=ref, signed=sign_date, allow_empty=allow_empty,
                cut_off=cut_off,
            )
            template_path = find_template(kind, data.root, choice[0], context["format"], choice[1])
            warnings += context["warnings"]
            if choice[0] is None:
                warnings += _beside_the_data(template_path)
            rendered.append((target, _render(context, template_path)))
            bar.advance(job)
    _warn(warnings)
    from kehoach.files import BatchError, write_batch

    try:
        # -o THƯ-MỤC made if missing (not those above it); all or nothing: temporary files, then every rename
        write_batch(rendered, make_folder=True)
    except BatchError as exc:
        fail(f"không ghi được {str(exc.path)!r}: {exc.strerror}; không tệp nào của lô được ghi", 1)
    for target, _ in rendered:
        typer.echo(str(target))
    typer.echo(f"kehoach: đã ghi {len(rendered)} báo cáo vào {folder}", err=True)


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)
