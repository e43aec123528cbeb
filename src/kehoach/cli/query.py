"""Query commands: ``due``, ``tasks``, ``plans``, ``agencies``, ``cycles``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from kehoach.cli.errors import fail
from kehoach.cli.listing import emit, open_listing
from kehoach.cli.options import (
    AgencyOpt,
    DataOpt,
    ForceOpt,
    FormatOpt,
    OutputOpt,
    PlanOpt,
    RoleOpt,
    TodayOpt,
    agency_option,
    choice,
    date_option,
    days,
    text,
    use,
    year_option,
)


def _kind(value: str) -> str:
    """``--kind``: one of the kinds of deadline (``kehoach.deadlines`` is read only when ``--kind`` is given)."""
    from kehoach.deadlines import KIND_LABELS

    return choice(*KIND_LABELS)(value)

agencies_app = typer.Typer(help="Sổ đăng ký cơ quan: tên, tên gọi khác, cơ quan kế nhiệm.", no_args_is_help=False)


def due_cmd(
    agency: Annotated[
        str,
        typer.Option(
            "--agency", "-a", help="Tên cơ quan (có dấu hoặc không, tên viết tắt).", parser=text, metavar="TÊN"
        ),
    ],
    within: Annotated[
        int | None, typer.Option("--within", help="Số ngày tới (mặc định 90).", parser=days, metavar="SỐ-NGÀY")
    ] = None,
    until: Annotated[dt.date | None, date_option("--until", "Đến ngày, như 31/03/2027 hoặc 2027-03-31.")] = None,
    role: RoleOpt = "any",
    plan: PlanOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Chỉ nhiệm vụ giao đích danh cơ quan.")] = False,
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Việc cơ quan phải làm: quá hạn, đến hạn trong kỳ, báo cáo định kỳ sắp tới."""
    from kehoach.present import due_spec
    from kehoach.query import due
    from kehoach.status import EXAMPLE_NOTE

    if within is not None and until is not None:
        fail("chỉ dùng một trong --within hoặc --until")
    ctx = open_listing(fmt, output, force, data_dir=data_dir, today=today_)
    ctx.lazy = True  # one agency's work: the query index decodes only its tasks
    ref = ctx.today
    end = until or ref + dt.timedelta(days=within if within is not None else 90)
    if end < ref:
        fail("--until phải sau --today")
    data = ctx.data
    ag = ctx.agency(agency)
    plans = ctx.plans(plan)
    rows = [i.as_dict() for i in due(data, ag, ref, until=end, role=role, plans=plans, strict=strict)]  # type: ignore[arg-type]
    caption = None
    if rows:
        late = [r["kind"] == "report" for r in rows if r["overdue"]]  # a missed report day is not a task
        unsent = f"{sum(late)} báo cáo định kỳ chưa ghi đã gửi, " if any(late) else ""
        caption = f"{late.count(False)} việc quá hạn, {unsent}{sum(not r['overdue'] for r in rows)} việc đến hạn."
        if any(r["example"] for r in rows):
            caption += " " + EXAMPLE_NOTE
    emit(
        rows,
        due_spec(),
        fmt,
        title=f"Việc của {ag.name} đến {end:%d/%m/%Y} (tính đến {ref:%d/%m/%Y})",
        empty=f"{ag.name}: không có việc đến hạn hoặc quá hạn từ {ref:%d/%m/%Y} đến {end:%d/%m/%Y}.",
        caption=caption,
        output=output,
        force=force,
        reference=ref,
        sheet="Việc đến hạn",
    )


def tasks_cmd(
    plan: PlanOpt = None,
    agency: AgencyOpt = None,
    role: RoleOpt = "any",
    strict: Annotated[bool, typer.Option("--strict", help="Chỉ nhiệm vụ giao đích danh cơ quan.")] = False,
    due_from: Annotated[dt.date | None, date_option("--due-from", "Hạn từ ngày này.")] = None,
    due_to: Annotated[dt.date | None, date_option("--due-to", "Hạn đến ngày này.")] = None,
    cycle: Annotated[
        str | None,
        typer.Option(
            "--cycle", help="Kỳ báo cáo: annual-2026, midterm-2028, final-2030…", parser=text, show_default=False,
            metavar="KỲ",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Loại thời hạn: date, month, quarter, year, range, annual, semiannual, ongoing, plan, event.",
            parser=_kind,
            metavar="LOẠI",
            show_default=False,
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-s", help="Tìm trong nội dung (có dấu hoặc không).", parser=text, show_default=False),
    ] = None,
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Lọc nhiệm vụ theo kế hoạch, cơ quan, thời hạn, kỳ báo cáo, loại thời hạn và từ khóa."""
    from kehoach.catalog import iter_task_rows, task_rows
    from kehoach.output import DictRows
    from kehoach.present import tasks_spec
    from kehoach.query import find_tasks

    if agency is None and (role != "any" or strict):
        fail("--role và --strict chỉ dùng cùng --agency")
    if due_from is not None and due_to is not None and due_from > due_to:
        fail("--due-from phải trước hoặc bằng --due-to")
    ctx = open_listing(fmt, output, force, data_dir=data_dir, today=today_)
    ctx.lazy = agency is not None  # one agency's tasks: the query index decodes only those
    data = ctx.data
    plans = ctx.plans(plan)
    ag = ctx.agency(agency) if agency is not None else None
    hits = find_tasks(
        data,
        plans=plans,
        agency=ag,
        role=role,  # type: ignore[arg-type]
        strict=strict,
        due_from=due_from,
        due_to=due_to,
        cycle=cycle,
        kind=kind,
        search=search,
    )
    spec = tasks_spec(agency=ag is not None)
    if fmt == "json":  # each row is built as it is written: 100,000 tasks are never all held as rows and text
        emit((t.as_dict() for t in iter_task_rows(data, hits, ctx.today)), spec, fmt)
        return
    found = task_rows(data, hits, ctx.today)
    if fmt == "table":
        spec = tasks_spec(agency=ag is not None, status=any(t.status for t in found))
    rows = DictRows(found)  # each row's dict made when it is read: a national table is not held twice
    emit(
        rows, spec, fmt, title=f"{len(rows)} nhiệm vụ", output=output, force=force, reference=ctx.today,
        sheet="Nhiệm vụ",
    )


def plans_cmd(
    data_dir: DataOpt = None, fmt: FormatOpt = "table", output: OutputOpt = None, force: ForceOpt = False
) -> None:
    """Danh sách kế hoạch: số hiệu, ngày ban hành, số nhiệm vụ, chỉ tiêu, giai đoạn, kỳ sơ kết/tổng kết."""
    from kehoach.catalog import plan_rows
    from kehoach.present import plans_spec

    data = open_listing(fmt, output, force, data_dir=data_dir).data
    rows = [p.as_dict() for p in plan_rows(data)]
    emit(rows, plans_spec(), fmt, title=f"{len(rows)} kế hoạch", output=output, force=force, sheet="Kế hoạch")


@agencies_app.callback(invoke_without_command=True)
def agencies_cmd(
    ctx: typer.Context,
    search: Annotated[
        str | None,
        typer.Option("--search", "-s", help="Tìm theo tên (có dấu hoặc không).", parser=text, show_default=False),
    ] = None,
    data_dir: DataOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Sổ đăng ký cơ quan, số nhiệm vụ chủ trì / phối hợp của mỗi cơ quan."""
    if ctx.invoked_subcommand:
        return
    from kehoach.catalog import agency_rows, search_agencies
    from kehoach.present import agencies_spec

    data = open_listing(fmt, output, force, data_dir=data_dir).data
    rows = [a.as_dict() for a in agency_rows(data, search_agencies(data, search))]
    emit(rows, agencies_spec(), fmt, title=f"{len(rows)} cơ quan", output=output, force=force, sheet="Cơ quan")


@agencies_app.command("show")
def agencies_show_cmd(
    name: Annotated[
        str, typer.Argument(help="Tên, tên viết tắt hoặc tên gọi khác của cơ quan.", parser=text, metavar="TÊN")
    ],
    data_dir: DataOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table | json", parser=choice("table", "json"), metavar="DẠNG")
    ] = "table",
) -> None:
    """Chi tiết một cơ quan: tên gọi khác, cơ quan tiền thân / kế nhiệm, nhiệm vụ."""
    from kehoach.catalog import LEVEL_VN, agency_detail
    from kehoach.output import terminal_safe, to_json

    ctx = use(data_dir=data_dir, fmt=fmt)
    a = ctx.agency(name, note=False)
    row = agency_detail(ctx.data, a).as_dict()
    if fmt == "json":
        typer.echo(to_json(row))
        return
    lines = [f"{a.name}  ({a.id}, {LEVEL_VN.get(a.level, a.level)})"]
    if a.short:
        lines.append(f"  Viết tắt: {a.short}")
    if a.aliases:
        lines.append("  Tên gọi khác: " + "; ".join(a.aliases))
    if row["replaced_by"]:
        when = f" từ {a.replaced_on:%d/%m/%Y}" if a.replaced_on else ""
        lines.append(f"  Đã sắp xếp{when}, nay là: " + ", ".join(row["replaced_by"]))
    if a.basis:
        lines.append(f"  Căn cứ: {a.basis}")
    if row["predecessors"]:
        lines.append("  Tiếp nhận nhiệm vụ của: " + ", ".join(row["predecessors"]))
    if a.covers:
        lines.append("  Bao gồm: " + ", ".join(LEVEL_VN.get(c, c) for c in a.covers))
    if a.note:
        lines.append(f"  Ghi chú: {a.note}")
    t = row["tasks"]
    lines.append(
        f"  Nhiệm vụ được nêu tên: chủ trì {t['lead']}, phối hợp {t['support']}; "
        f"qua giao chung: chủ trì {t['collective_lead']}, phối hợp {t['collective_support']}"
    )
    import textwrap

    from kehoach.output import _terminal_width

    width = max(40, min(_terminal_width(), 120))
    wrapped = [
        w
        for line in lines
        for w in textwrap.wrap(
            line, width, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False
        ) or [line]
    ]
    typer.echo(terminal_safe("\n".join(wrapped)))


def cycles_cmd(
    plan: PlanOpt = None,
    year: Annotated[int | None, year_option("Chỉ năm này.")] = None,
    agency: Annotated[
        str | None, agency_option("Các kỳ báo cáo hằng năm của cơ quan này: sắp đến, đã gửi, chưa gửi.")
    ] = None,
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Lịch báo cáo: hạn báo cáo hằng năm và nơi nhận, hạn tổng hợp, các kỳ sơ kết, tổng kết."""
    from kehoach.catalog import reporting_calendar
    from kehoach.present import cycles_spec

    ctx = open_listing(fmt, output, force, data_dir=data_dir, today=today_)
    if agency is not None:
        from kehoach.present import Column, Field, Spec
        from kehoach.progress_cycles import agency_duty_rows

        ag = ctx.agency(agency)
        duty_rows = agency_duty_rows(ctx.data, ag, ctx.today, ctx.plans(plan), year)
        spec = Spec(
            "cycles --agency",
            (Field("plan", "mã kế hoạch"), Field("id", "BC-HN (báo cáo năm), BC-TH (tổng hợp)"),
             Field("year", "năm được báo cáo"), Field("due", "hạn"), Field("sent", "ngày gửi đã ghi, hoặc null"),
             Field("evidence", "văn bản"), Field("state", "sắp đến, đã gửi, chưa gửi, quá hạn")),
            (Column("year", "Năm"), Column("plan", "Kế hoạch", ident=True), Column("id", "Mã", ident=True),
             Column("due", "Hạn"), Column("state", "Tình trạng", width=20), Column("sent", "Ngày gửi"),
             Column("evidence", "Văn bản", width=30, priority=2)),
        )
        emit(duty_rows, spec, fmt, title=f"Báo cáo định kỳ của {ag.name} (tính đến {ctx.today:%d/%m/%Y})",
             empty="Cơ quan không có kỳ báo cáo hằng năm.", output=output, force=force, reference=ctx.today,
             sheet="Báo cáo định kỳ")
        return
    rows = [c.as_dict() for c in reporting_calendar(ctx.data, ctx.plans(plan), year)]
    emit(rows, cycles_spec(), fmt, title="Lịch báo cáo", output=output, force=force, sheet="Lịch báo cáo")


def register(app: typer.Typer) -> None:
    app.command("due")(due_cmd)
    app.command("tasks")(tasks_cmd)
    app.command("plans")(plans_cmd)
    app.add_typer(agencies_app, name="agencies")
    app.command("cycles")(cycles_cmd)
