"""``kehoach progress set|show`` and ``kehoach status``: what was done, and the status classes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from kehoach.cli.errors import fail, say
from kehoach.cli.options import (
    AppContext,
    DataOpt,
    ForceOpt,
    FormatOpt,
    OutputOpt,
    PlanOpt,
    TodayOpt,
    agency_option,
    choice,
    date_option,
    text,
    use,
    year_option,
)
from kehoach.cli.options import (
    path as path_arg,
)

progress_app = typer.Typer(help="Tiến độ: ghi và xem kết quả thực hiện từng nhiệm vụ theo năm.", no_args_is_help=True)


@progress_app.command("set")
def progress_set_cmd(
    ref: Annotated[
        str, typer.Argument(help="KẾ-HOẠCH/MÃ-NHIỆM-VỤ, ví dụ aec-2026/IV.1.1", parser=text, metavar="KẾ-HOẠCH/MÃ")
    ],
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="done | in-progress | not-started (nhiệm vụ)",
            parser=choice("done", "in-progress", "not-started"),
            metavar="TÌNH-TRẠNG",
            show_default=False,
        ),
    ] = None,
    value: Annotated[
        str | None,
        typer.Option("--value", help="Giá trị thực hiện (chỉ tiêu).", parser=text, show_default=False,
                     metavar="GIÁ-TRỊ"),
    ] = None,
    estimate: Annotated[bool, typer.Option("--estimate", help="Giá trị ước tính (chỉ tiêu).")] = False,
    source: Annotated[
        str | None, typer.Option("--source", help="Nguồn số liệu (chỉ tiêu).", parser=text, show_default=False)
    ] = None,
    date: Annotated[
        dt.date | None, date_option("--date", "Ngày hoàn thành (với done), như 15/01/2026; ngày số liệu (chỉ tiêu).")
    ] = None,
    result: Annotated[
        str | None, typer.Option("--result", help="Kết quả ngắn gọn.", parser=text, show_default=False)
    ] = None,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="Văn bản chứng minh (số, ngày).", parser=text, show_default=False)
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Cơ quan báo cáo.", parser=text, show_default=False, metavar="TÊN")
    ] = None,
    year: Annotated[int | None, year_option("Năm báo cáo (mặc định: năm của --date hoặc hôm nay).")] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Ghi đè kết quả đã ghi (in cũ → mới).", show_default=False)
    ] = False,
    keep_result: Annotated[
        bool,
        typer.Option("--keep-result", help="Từ hoàn thành về chưa xong: kết quả cũ vẫn đúng.", show_default=False),
    ] = False,
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
) -> None:
    """Ghi tiến độ một nhiệm vụ; không ghi đè kết quả đã có nếu thiếu --replace; phần còn lại của tệp giữ nguyên."""
    from kehoach.progress import STATUS_VN
    from kehoach.progress_write import Update, apply_update, preview_update

    if "/" not in ref:
        fail("cần dạng KẾ-HOẠCH/MÃ-NHIỆM-VỤ, ví dụ aec-2026/IV.1.1")
    from kehoach.detail import resolve_plan, split_ref

    plan_ref, task_id = split_ref(ref)  # the plan by its id or its number: "74/QĐ-UBND/I.5"
    ctx = use(data_dir=data_dir, today=today_)
    ref_day = ctx.today
    data = ctx.data
    plan_id = resolve_plan(data, plan_ref).plan.id
    the_plan = data.plan(plan_id).plan
    if task_id in ("BC-HN", "BC-TH") and task_id not in {t.id for t in the_plan.tasks}:
        _set_report(ctx, data_dir, plan_id, task_id, status, date, evidence, by, year, replace)
        return
    if value is not None or task_id in {t.id for t in the_plan.targets}:
        _set_target(ctx, data_dir, plan_id, task_id, value, date, year, estimate, source, by, replace, status)
        return
    if status is None:
        fail("thiếu --status (done | in-progress | not-started)")
    if value is not None or estimate or source is not None:
        fail("--value, --estimate, --source chỉ dùng cho chỉ tiêu")
    if date is not None and status != "done":
        fail("--date chỉ dùng với --status done")
    _refuse_bundled(ctx, data_dir)
    tasks = {t.id for t in the_plan.tasks}
    if task_id not in tasks:
        fail(f"kế hoạch {plan_id} không có nhiệm vụ {task_id!r}")
    upd = Update(
        plan=plan_id,
        task=task_id,
        status=status,  # type: ignore[arg-type]
        year=year or (date or ref_day).year,
        completed=date,
        result=result,
        evidence=evidence,
        reported_by=ctx.agency(by, note=False).name if by is not None else None,
        reported_on=ref_day,
        keep_result=keep_result,
    )
    from kehoach.progress import progress_of

    existing = progress_of(data).files.get((plan_id, upd.year))
    change = preview_update(data, upd, ref_day, replace=replace)
    if change.kind == "unchanged":
        ctx.echo(f"{plan_id}/{task_id}: không có gì thay đổi, tệp để nguyên")
        return
    path = apply_update(data, upd, ref_day, replace=replace)
    if change.kind == "changed":
        say(f"đã ghi đè: {change.describe()}")
    if existing is not None and existing.example:
        say(
            f"cảnh báo: {path} ghi example: true (số liệu minh họa); mọi đầu ra sẽ gắn nhãn VÍ DỤ MINH HỌA "
            "cho kết quả này — bỏ dòng example: true khi tệp chứa báo cáo thật"
        )
    ctx.echo(f"Đã ghi {plan_id}/{task_id}: {STATUS_VN.get(status, status)} (năm {upd.year}) vào {path}")


def _set_report(
    ctx: AppContext,
    data_dir: Path | None,
    plan_id: str,
    kind: str,
    status: str | None,
    date: dt.date | None,
    evidence: str | None,
    by: str | None,
    year: int | None,
    replace: bool,
) -> None:
    from kehoach.progress import STATUS_VN
    from kehoach.progress_write import ReportUpdate
    from kehoach.query import consolidator_name

    if status is None:
        fail("thiếu --status (done khi đã gửi báo cáo)")
    if date is not None and status != "done":
        fail("--date chỉ dùng với --status done")
    data = ctx.data
    plan = data.plan(plan_id).plan
    name = by if by is not None else (consolidator_name(plan) if kind == "BC-TH" else None)
    if name is None:
        fail(f"{kind}: cần --by CƠ-QUAN (cơ quan gửi báo cáo)")
    _refuse_bundled(ctx, data_dir)
    upd = ReportUpdate(
        plan=plan_id,
        kind=kind,
        year=year or ctx.today.year,
        agency=ctx.agency(name, note=False).name,
        status=status,  # type: ignore[arg-type]
        completed=date,
        evidence=evidence,
        reported_on=ctx.today,
    )
    path = _write(ctx, data, upd, replace, f"{plan_id}/{kind} năm {upd.year} ({upd.agency})")
    if path is not None:
        ctx.echo(f"Đã ghi {plan_id}/{kind} năm {upd.year} ({upd.agency}): {STATUS_VN[status]} vào {path}")


def _write(ctx: AppContext, data: Any, upd: Any, replace: bool, what: str) -> Path | None:
    """Write one update (a report duty's or a target's); None, said, when it changes nothing. An overwritten value
    is said on stderr, old → new."""
    from kehoach.progress_write import apply_update, preview_update

    change = preview_update(data, upd, ctx.today, replace=replace)
    if change.kind == "unchanged":
        ctx.echo(f"{what}: không có gì thay đổi, tệp để nguyên")
        return None
    path = apply_update(data, upd, ctx.today, replace=replace)
    if change.kind == "changed":
        say(f"đã ghi đè: {change.describe()}")
    return path


def _set_target(
    ctx: AppContext,
    data_dir: Path | None,
    plan_id: str,
    target_id: str,
    value: str | None,
    date: dt.date | None,
    year: int | None,
    estimate: bool,
    source: str | None,
    by: str | None,
    replace: bool,
    status: str | None,
) -> None:
    from kehoach.progress_write import TargetUpdate

    if status is not None:
        fail(f"{plan_id}/{target_id} là chỉ tiêu: ghi --value, không ghi --status")
    if value is None:
        fail(f"{plan_id}/{target_id} là chỉ tiêu: cần --value GIÁ-TRỊ")
    data = ctx.data
    _refuse_bundled(ctx, data_dir)
    upd = TargetUpdate(
        plan=plan_id,
        target=target_id,
        year=year or (date or ctx.today).year,
        actual=value,
        estimate=estimate,
        date=date,
        data_source=source,
        reported_by=ctx.agency(by, note=False).name if by is not None else None,
        reported_on=ctx.today,
    )
    path = _write(ctx, data, upd, replace, f"{plan_id}/{target_id}")
    if path is not None:
        kind = "ước tính" if estimate else "thực hiện"
        ctx.echo(f"Đã ghi {plan_id}/{target_id}: {kind} {value} (năm {upd.year}) vào {path}")


def _refuse_bundled(ctx: AppContext, data_dir: Path | None) -> None:
    """Never write into the copy of the data that ships inside the installed package."""
    import os

    from kehoach.loader import bundled_data_dir

    data = ctx.data
    if data_dir or os.environ.get("KEHOACH_DATA") or Path("data").resolve() == Path(data.root).resolve():
        return
    if Path(data.root).resolve() == bundled_data_dir().resolve():
        fail("không ghi vào dữ liệu mẫu kèm gói; dùng --data THƯ-MỤC (hoặc $KEHOACH_DATA) trỏ tới dữ liệu của đơn vị")


@progress_app.command("show")
def progress_show_cmd(
    plan: PlanOpt = None,
    agency: Annotated[str | None, agency_option("Chỉ nhiệm vụ cơ quan này chủ trì.")] = None,
    year: Annotated[int | None, year_option("Năm báo cáo.")] = None,
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Xem tiến độ đã báo cáo, theo kế hoạch, cơ quan, năm, và tình trạng nhiệm vụ trong năm đó."""
    from kehoach.cli.listing import emit, open_listing
    from kehoach.present import progress_spec
    from kehoach.status import EXAMPLE_NOTE, progress_rows

    ctx = open_listing(fmt, output, force, data_dir=data_dir, today=today_)
    data = ctx.data
    plans = ctx.plans(plan)
    ag = ctx.agency(agency) if agency is not None else None
    ref = ctx.today
    rows = [r.as_dict() for r in progress_rows(data, ref, plans=plans, agency=ag, year=year)]
    caption = EXAMPLE_NOTE if any(r["example"] for r in rows) else None
    emit(
        rows,
        progress_spec(),
        fmt,
        title=f"{len(rows)} mục tiến độ (tính đến {ref:%d/%m/%Y})",
        empty="Chưa có tiến độ nào được ghi.",
        caption=caption,
        output=output,
        force=force,
        reference=ref,
        sheet="Tiến độ",
    )


@progress_app.command("form")
def progress_form_cmd(
    plan: Annotated[
        str, typer.Option("--plan", help="Mã kế hoạch.", parser=text, metavar="KẾ-HOẠCH", show_default=False)
    ],
    year: Annotated[int, year_option("Năm báo cáo.")],
    agency: Annotated[str | None, agency_option("Cơ quan nhận biểu mẫu.")] = None,
    all_agencies: Annotated[
        bool, typer.Option("--all-agencies", help="Mỗi cơ quan trả lời cho một nhiệm vụ một tệp, vào thư mục -o.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Tệp .xlsx (một cơ quan) hoặc thư mục (--all-agencies).",
            parser=path_arg,
            metavar="TỆP|THƯ-MỤC",
            show_default=False,
        ),
    ] = None,
    force: ForceOpt = False,
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
) -> None:
    """Biểu mẫu Excel để cơ quan điền tiến độ (nhiệm vụ và chỉ tiêu của năm); đọc lại bằng progress import."""
    from kehoach.forms import build_form, form_agencies, form_filename, write_forms

    if (agency is None) == (not all_agencies):
        fail("cần đúng một trong --agency NAME hoặc --all-agencies")
    if output is None:
        fail("cần -o FILE.xlsx (hoặc -o THƯ-MỤC với --all-agencies)")
    if agency is not None and output.suffix.lower() != ".xlsx":
        fail(f"-o {output}: biểu mẫu là tệp .xlsx")
    ctx = use(data_dir=data_dir, today=today_)
    data = ctx.data
    the_plan = ctx.plans([plan])[0]
    if all_agencies:
        if output.exists() and not output.is_dir():
            fail(f"-o {output}: cần một thư mục")
        agencies = form_agencies(data, the_plan, year, ctx.today)
        jobs = [(output / form_filename(a), build_form(data, the_plan, a, year, ctx.today)) for a in agencies]
    else:
        ag = ctx.agency(agency)  # type: ignore[arg-type]
        jobs = [(output, build_form(data, the_plan, ag, year, ctx.today))]
    try:
        written = write_forms(jobs, force)
    except FileExistsError as exc:
        fail(f"{exc.args[0]} đã có; dùng --force để ghi đè", 1)
    for p, form in jobs:
        ctx.echo(f"{p}: {form.agency.name}, {len(form.rows)} nhiệm vụ, {len(form.targets)} chỉ tiêu")
    if len(written) > 1:
        ctx.echo(f"Đã ghi {len(written)} biểu mẫu vào {output}")


@progress_app.command("import")
def progress_import_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="Biểu mẫu .xlsx đã điền, tệp .csv.", parser=path_arg, metavar="TỆP...")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ in những gì sẽ thay đổi, không ghi.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Nhận giá trị mới khi khác kết quả đã ghi từ nguồn khác.")
    ] = False,
    plan: Annotated[
        str | None,
        typer.Option("--plan", help="Kế hoạch (CSV không có cột Kế hoạch).", parser=text, metavar="KẾ-HOẠCH"),
    ] = None,
    year: Annotated[int | None, year_option("Năm (CSV không có cột Năm); với biểu mẫu: phải khớp.")] = None,
    agency: Annotated[str | None, agency_option("Cơ quan (CSV không có cột Cơ quan); với biểu mẫu: phải khớp.")] = None,
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
) -> None:
    """Nhập kết quả từ biểu mẫu đã điền, CSV: tất cả hoặc không gì; mọi lỗi nêu tệp, trang, ô."""
    from kehoach.progress_import import Defaults, import_files

    ctx = use(data_dir=data_dir, today=today_)
    data = ctx.data
    if not dry_run:
        _refuse_bundled(ctx, data_dir)
    defaults = Defaults(
        plan=ctx.plans([plan])[0] if plan else None,
        year=year,
        agency=ctx.agency(agency) if agency is not None else None,
    )
    results, written = import_files(data, files, ctx.today, defaults=defaults, force=force, dry_run=dry_run)
    for r in results:
        new, changed, same = r.summary()
        ctx.echo(f"{r.path}: {new} mới, {changed} thay đổi, {same} không đổi")
        for change in r.changes:
            if change.kind != "unchanged":
                ctx.echo(f"  {change.describe()}")
    if dry_run:
        ctx.echo("--dry-run: không ghi gì")
    elif not written:
        ctx.echo("Không có gì thay đổi; không ghi tệp nào")
    else:
        ctx.echo(f"Đã ghi {len(written)} tệp tiến độ" + "".join(f"\n  {p}" for p in written))


def status_cmd(
    plan: PlanOpt = None,
    agency: Annotated[str | None, agency_option("Chỉ nhiệm vụ cơ quan này chủ trì.")] = None,
    year: Annotated[int | None, year_option("Kỳ báo cáo (năm); mặc định năm của --today.")] = None,
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Tổng hợp tình trạng: số nhiệm vụ theo từng loại (đúng hạn, quá hạn…), theo kế hoạch và cơ quan."""
    from kehoach.cli.listing import emit, open_listing
    from kehoach.present import NARROW, status_spec
    from kehoach.status import EXAMPLE_NOTE, SHORT_LABELS, STATUS_LABELS, STATUS_ORDER, status_table

    ctx = open_listing(fmt, output, force, data_dir=data_dir, today=today_)
    data = ctx.data
    plans = ctx.plans(plan)
    ag = ctx.agency(agency) if agency is not None else None
    ref = ctx.today
    if year and year > ref.year:
        fail(f"--year {year} sau ngày tham chiếu {ref:%d/%m/%Y}")
    table = status_table(data, ref, year=year, plans=plans, agency=ag)
    title = f"Tình trạng thực hiện kỳ năm {table.period.year}, tính đến {table.as_of:%d/%m/%Y}"
    if table.as_of != ref:
        title += f" (theo báo cáo đến {ref:%d/%m/%Y})"
    caption = table.rule
    from kehoach.output import _terminal_width

    if fmt == "table" and _terminal_width() >= NARROW:  # the short headers of the wide table, spelt out
        caption += "\n" + "; ".join(f"{SHORT_LABELS[c]} = {STATUS_LABELS[c]}" for c in STATUS_ORDER)
    if table.example:
        caption += f"\n{EXAMPLE_NOTE}"
    emit(
        [r.as_dict() for r in table.rows], status_spec(), fmt, title=title, caption=caption, output=output,
        force=force, reference=ref, sheet="Tình trạng",
    )


def init_cmd(
    folder: Annotated[Path, typer.Argument(help="Thư mục dữ liệu mới (chưa có, hoặc rỗng).", parser=path_arg,
                                           metavar="THƯ-MỤC")],
) -> None:
    """Tạo thư mục dữ liệu để làm việc thật: sổ cơ quan, plans/, progress/, templates/ trống, README."""
    from kehoach.datainit import init_data

    made = init_data(folder)
    current_ctx = use()
    for p in made:
        current_ctx.echo(f"  {p}{'/' if p.is_dir() else ''}")
    current_ctx.echo(f"Đã tạo {folder}; kiểm tra: kehoach check --data {folder}")


def register(app: typer.Typer) -> None:
    app.add_typer(progress_app, name="progress")
    app.command("status")(status_cmd)
    app.command("init")(init_cmd)
