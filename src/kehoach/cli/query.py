"""Query commands: ``due``, ``tasks``, ``plans``, ``agencies``, ``cycles``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from kehoach.cli.context import (
    AgencyOpt,
    DataOpt,
    ForceOpt,
    FormatOpt,
    OutputOpt,
    PlanOpt,
    RoleOpt,
    TodayOpt,
    choice,
    date_option,
    days,
    listing_output,
    text,
    use,
    year_option,
)
from kehoach.cli.errors import fail
from kehoach.deadlines import KIND_LABELS

agencies_app = typer.Typer(help="Sổ đăng ký cơ quan: tên, tên gọi khác, cơ quan kế nhiệm.", no_args_is_help=False)


def due_cmd(
    agency: Annotated[
        str,
        typer.Option(
            "--agency", "-a", help="Tên cơ quan (có dấu hoặc không, tên viết tắt).", parser=text, metavar="NAME"
        ),
    ],
    within: Annotated[
        int | None, typer.Option("--within", help="Số ngày tới (mặc định 90).", parser=days, metavar="N")
    ] = None,
    until: Annotated[dt.date | None, date_option("--until", "Đến ngày YYYY-MM-DD.")] = None,
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
    from kehoach.output import Column, print_rows
    from kehoach.query import due
    from kehoach.status import EXAMPLE_NOTE
    from kehoach.text import shorten

    listing_output(fmt, output, force)
    if within is not None and until is not None:
        fail("chỉ dùng một trong --within hoặc --until")
    ctx = use(data_dir=data_dir, today=today_, fmt=fmt)
    ref = ctx.today
    end = until or ref + dt.timedelta(days=within if within is not None else 90)
    if end < ref:
        fail("--until phải sau --today")
    data = ctx.data
    ag = ctx.agency(agency)
    plans = ctx.plans(plan)
    items = due(data, ag, ref, until=end, role=role, plans=plans, strict=strict)  # type: ignore[arg-type]
    role_vn = {"lead": "chủ trì", "support": "phối hợp", "report": "báo cáo", "monitor": "tổng hợp"}
    reason_vn = {"predecessor": "kế thừa", "collective": "giao chung"}
    json_rows = [i.as_dict() for i in items]
    rows = []
    for r in json_rows:
        text = role_vn.get(r["role"], r["role"])
        if r["via"]:
            text += f" ({reason_vn.get(r['reason'], r['reason'])}: {r['via']})"
        rows.append(r | {"role_text": text})
    columns = [
        Column("due", "Hạn", style=lambda r: "bold red" if r["overdue"] else None),
        Column("days_left", "Còn ngày"),
        Column("plan", "Kế hoạch"),
        Column("id", "Mã"),
        Column("content", "Nội dung", render=lambda v: shorten(v, 80), width=40),
        Column("role_text", "Vai trò", width=26),
        Column("note", "Thời hạn, lý do", width=28),
        Column("status_label", "Tình trạng", width=16),
    ]
    title = f"Việc của {ag.name} đến {end:%d/%m/%Y} (tính đến {ref:%d/%m/%Y})"
    caption = None
    if rows:
        caption = f"{sum(r['overdue'] for r in rows)} việc quá hạn, {sum(not r['overdue'] for r in rows)} việc đến hạn."
        if any(r["example"] for r in rows):
            caption += " " + EXAMPLE_NOTE
    print_rows(
        rows,
        columns,
        fmt,
        title=title,
        json_rows=json_rows,
        empty=f"{ag.name}: không có việc đến hạn hoặc quá hạn từ {ref:%d/%m/%Y} đến {end:%d/%m/%Y}.",
        caption=caption,
        output=output,
        force=force,
        reference=ref,
        sheet="Việc đến hạn",
    )


def _statuses(data: Any, pairs: list[tuple[Any, Any]], ref: dt.date) -> dict[tuple[str, str], str]:
    from kehoach.status import status_codes

    return status_codes(data, pairs, ref)


def _label(code: str | None) -> str | None:
    from kehoach.status import STATUS_LABELS

    return STATUS_LABELS[code] if code else None


def _task_json(data: Any, hit: Any, status: str | None) -> dict[str, Any]:
    from kehoach.query import canonical

    d = hit.deadline
    t = hit.task
    out = {
        "plan": hit.plan.id,
        "id": t.id,
        "content": t.content,
        "lead": canonical(data.registry, t.lead),
        "lead_as_written": list(t.lead),
        "support": canonical(data.registry, t.support),
        "support_as_written": list(t.support),
        "product": t.product,
        "deadline": {
            "text": t.deadline,
            "kind": d.kind if d else None,
            "start": d.start if d else None,
            "due": d.due if d else None,
            "recurrence": d.recurrence if d else None,
            "condition": d.condition if d else None,
        },
        "leader": t.leader,
        "source": t.source,
        "inferred": list(t.inferred),
        "status": status,
        "status_label": _label(status),
    }
    if hit.role:
        out["role"] = hit.role
        out["reason"] = hit.match.reason
        out["via"] = hit.match.via if hit.match.reason != "direct" else None
    return out


def tasks_cmd(
    plan: PlanOpt = None,
    agency: AgencyOpt = None,
    role: RoleOpt = "any",
    strict: Annotated[bool, typer.Option("--strict", help="Chỉ nhiệm vụ giao đích danh cơ quan.")] = False,
    due_from: Annotated[dt.date | None, date_option("--due-from", "Hạn từ ngày YYYY-MM-DD.")] = None,
    due_to: Annotated[dt.date | None, date_option("--due-to", "Hạn đến ngày YYYY-MM-DD.")] = None,
    cycle: Annotated[
        str | None,
        typer.Option(
            "--cycle", help="Kỳ báo cáo: annual-2026, midterm-2028, final-2030…", parser=text, show_default=False
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Loại thời hạn: date, month, quarter, year, range, annual, semiannual, ongoing, plan, event.",
            parser=choice(*KIND_LABELS),
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
    from kehoach.output import Column, print_rows
    from kehoach.query import canonical, find_tasks
    from kehoach.text import shorten

    listing_output(fmt, output, force)
    if agency is None and (role != "any" or strict):
        fail("--role và --strict chỉ dùng cùng --agency")
    ctx = use(data_dir=data_dir, today=today_, fmt=fmt)
    data = ctx.data
    plans = ctx.plans(plan)
    ag = ctx.agency(agency) if agency is not None else None
    ref = ctx.today
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
    statuses = _statuses(data, [(h.plan, h.task) for h in hits], ref)
    json_rows = [_task_json(data, h, statuses.get((h.plan.id, h.task.id))) for h in hits]
    rows = [
        {
            "plan": h.plan.id,
            "id": h.task.id,
            "content": h.task.content,
            "lead": canonical(data.registry, h.task.lead),
            "deadline": h.task.deadline or "",
            "due": h.deadline.due if h.deadline and not h.deadline.recurring else None,
            "status": _label(statuses.get((h.plan.id, h.task.id))),
            "role": {"lead": "chủ trì", "support": "phối hợp"}.get(h.role or "", ""),
        }
        for h in hits
    ]
    columns = [
        Column("plan", "Kế hoạch"),
        Column("id", "Mã"),
        Column("content", "Nội dung", render=lambda v: shorten(v, 80), width=50),
        Column("lead", "Chủ trì", width=30),
        Column("deadline", "Thời hạn", width=24),
        Column("due", "Hạn"),
    ]
    if any(r["status"] for r in rows):
        columns.append(Column("status", "Tình trạng", width=22))
    if ag:
        columns.append(Column("role", "Vai trò"))
    print_rows(
        rows, columns, fmt, title=f"{len(rows)} nhiệm vụ", json_rows=json_rows, output=output, force=force,
        reference=ref, sheet="Nhiệm vụ",
    )


def plans_cmd(
    data_dir: DataOpt = None, fmt: FormatOpt = "table", output: OutputOpt = None, force: ForceOpt = False
) -> None:
    """Danh sách kế hoạch: số hiệu, ngày ban hành, số nhiệm vụ, chỉ tiêu, giai đoạn, kỳ sơ kết/tổng kết."""
    from kehoach.output import Column, print_rows

    listing_output(fmt, output, force)
    data = use(data_dir=data_dir, fmt=fmt).data
    json_rows = []
    for lp in data.plans:
        p = lp.plan
        json_rows.append(
            {
                "id": p.id,
                "number": p.number,
                "kind": p.kind,
                "title": p.title,
                "issued": p.issued,
                "issuer": p.issuer,
                "tasks": len(p.tasks),
                "targets": len(p.targets),
                "periods": [{"start": x.start, "end": x.end} for x in p.periods],
                "reviews": [{"kind": r.kind, "year": r.year} for r in p.reviews],
                "monitor": _current_one(data, p.monitor),
            }
        )
    rows = [
        r
        | {
            "number": r["number"] or "(chưa có số)",
            "periods": ", ".join(f"{x['start']}-{x['end']}" for x in r["periods"]),
            "reviews": ", ".join(
                f"{'sơ kết' if x['kind'] == 'midterm' else 'tổng kết'} {x['year']}" for x in r["reviews"]
            ),
        }
        for r in json_rows
    ]
    columns = [
        Column("id", "Mã"),
        Column("number", "Số hiệu"),
        Column("issued", "Ban hành"),
        Column("title", "Trích yếu", width=48),
        Column("tasks", "Nhiệm vụ"),
        Column("targets", "Chỉ tiêu"),
        Column("periods", "Giai đoạn"),
        Column("reviews", "Sơ kết / tổng kết", width=24),
        Column("monitor", "Theo dõi", width=22),
    ]
    print_rows(
        rows, columns, fmt, title=f"{len(rows)} kế hoạch", json_rows=json_rows, output=output, force=force,
        sheet="Kế hoạch",
    )


def _current_one(data: Any, name: str | None) -> str | None:
    from kehoach.query import current_label

    return current_label(data.registry, name) if name else None


def _agency_rows(data: Any, agencies: list[Any]) -> list[dict[str, Any]]:
    from kehoach.query import agency_role

    # Named tasks (directly or under a predecessor's name) apart from those reached through a
    # collective ("Các sở, ban, ngành…"): 116 "support" tasks mean little if 110 are collective.
    counts: dict[str, dict[str, int]] = {
        a.id: {"lead": 0, "support": 0, "collective_lead": 0, "collective_support": 0} for a in agencies
    }
    all_tasks = [t for lp in data.plans for t in lp.plan.tasks]
    for a in agencies:
        for t in all_tasks:
            found = agency_role(data.registry, t, a, "any", strict=False)
            if found:
                role, match = found
                counts[a.id][f"collective_{role}" if match.reason == "collective" else role] += 1
    return [
        {
            "id": a.id,
            "name": a.name,
            "short": a.short,
            "aliases": list(a.aliases),
            "level": a.level,
            "replaced_by": [data.registry.get(x).name for x in a.replaced_by if x in data.registry.agencies],
            "replaced_on": a.replaced_on,
            "basis": a.basis,
            "covers": list(a.covers),
            "tasks": counts[a.id],
            "note": a.note,
        }
        for a in agencies
    ]


LEVEL_VN = {
    "central": "Trung ương",
    "province": "cấp tỉnh",
    "commune": "cấp xã",
    "party": "cơ quan Đảng",
    "mass": "hội, đoàn thể",
    "other": "khác",
    "collective": "giao chung",
}


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
    from kehoach.output import Column, print_rows
    from kehoach.text import ascii_key

    listing_output(fmt, output, force)
    data = use(data_dir=data_dir, fmt=fmt).data
    agencies = list(data.registry)
    if search:
        key = ascii_key(search)
        agencies = [a for a in agencies if any(key in ascii_key(n) for n in data.registry.names_of(a))]
    rows = _agency_rows(data, agencies)
    table_rows = [
        r
        | {
            "level": LEVEL_VN.get(r["level"], r["level"]),
            "lead": r["tasks"]["lead"],
            "support": r["tasks"]["support"],
            "collective": r["tasks"]["collective_lead"] + r["tasks"]["collective_support"],
            "replaced_by": ", ".join(r["replaced_by"]),
        }
        for r in rows
    ]
    columns = [
        Column("name", "Tên cơ quan", width=44),
        Column("short", "Viết tắt"),
        Column("level", "Cấp"),
        Column("lead", "Chủ trì"),
        Column("support", "Phối hợp"),
        Column("collective", "Giao chung"),
        Column("replaced_by", "Nay là", width=30),
    ]
    print_rows(
        table_rows, columns, fmt, title=f"{len(rows)} cơ quan", json_rows=rows, output=output, force=force,
        sheet="Cơ quan",
    )


@agencies_app.command("show")
def agencies_show_cmd(
    name: Annotated[
        str, typer.Argument(help="Tên, tên viết tắt hoặc tên gọi khác của cơ quan.", parser=text, metavar="NAME")
    ],
    data_dir: DataOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | json", parser=choice("table", "json"))] = "table",
) -> None:
    """Chi tiết một cơ quan: tên gọi khác, cơ quan tiền thân / kế nhiệm, nhiệm vụ."""
    from kehoach.output import terminal_safe, to_json

    ctx = use(data_dir=data_dir, fmt=fmt)
    data = ctx.data
    a = ctx.agency(name, note=False)
    row = _agency_rows(data, [a])[0]
    row["predecessors"] = [p.name for p in data.registry.predecessors(a.id)]
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
    typer.echo(terminal_safe("\n".join(lines)))


def cycles_cmd(
    plan: PlanOpt = None,
    year: Annotated[int | None, year_option("Chỉ năm này.")] = None,
    data_dir: DataOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Lịch báo cáo: hạn báo cáo hằng năm và nơi nhận, hạn tổng hợp, các kỳ sơ kết, tổng kết."""
    from kehoach.output import Column, print_rows
    from kehoach.query import current_label

    listing_output(fmt, output, force)
    ctx = use(data_dir=data_dir, fmt=fmt)
    data = ctx.data
    plans = set(ctx.plans(plan))
    rows: list[dict[str, Any]] = []
    for lp in data.plans:
        p = lp.plan
        if plans and p.id not in plans:
            continue
        rep = p.reporting
        for y in range(p.start_year, p.end_year + 1):
            if year and y != year:
                continue
            # A day the document does not state is shown as the assumed 31/12, with "stated": false.
            if rep.annual:
                rows.append(
                    {
                        "plan": p.id,
                        "cycle": f"annual-{y}",
                        "kind": "annual",
                        "year": y,
                        "date": rep.annual.day_month.in_year(y),
                        "stated": rep.annual.due is not None,
                        "by": "Các cơ quan được giao nhiệm vụ",
                        "to": [current_label(data.registry, n) for n in rep.annual.to],
                        "what": "Báo cáo kết quả thực hiện hằng năm",
                    }
                )
            if rep.consolidated and (rep.consolidated.by or rep.consolidated.due):
                day = rep.consolidated.day_month
                rows.append(
                    {
                        "plan": p.id,
                        "cycle": f"annual-{y}",
                        "kind": "consolidated",
                        "year": y,
                        "date": day.in_year(y) if day else dt.date(y, 12, 31),
                        "stated": day is not None,
                        "by": current_label(data.registry, rep.consolidated.by) if rep.consolidated.by else "",
                        "to": [current_label(data.registry, n) for n in rep.consolidated.to],
                        "what": "Tổng hợp, báo cáo kết quả",
                    }
                )
        for r in p.reviews:
            if year and r.year != year:
                continue
            rows.append(
                {
                    "plan": p.id,
                    "cycle": r.cycle,
                    "kind": r.kind,
                    "year": r.year,
                    "date": None,
                    "stated": False,
                    "by": current_label(data.registry, p.monitor) if p.monitor else "",
                    "to": [],
                    "what": ("Sơ kết giữa kỳ" if r.kind == "midterm" else "Tổng kết") + f" năm {r.year}",
                }
            )
    rows.sort(key=lambda r: (r["year"], r["date"] or dt.date(r["year"], 12, 31), r["plan"]))
    table_rows = [
        r
        | {
            "date_text": (f"{r['date']:%d/%m/%Y}" if r["date"] else "trong năm")
            + ("" if r["stated"] or not r["date"] else " (văn bản không nêu ngày; tạm tính)")
        }
        for r in rows
    ]
    columns = [
        Column("year", "Năm"),
        Column("plan", "Kế hoạch"),
        Column("what", "Nội dung", width=40),
        Column("date_text", "Hạn", width=24),
        Column("by", "Cơ quan thực hiện", width=30),
        Column("to", "Gửi", width=30),
    ]
    print_rows(
        table_rows, columns, fmt, title="Lịch báo cáo", json_rows=rows, output=output, force=force,
        sheet="Lịch báo cáo",
    )


def register(app: typer.Typer) -> None:
    app.command("due")(due_cmd)
    app.command("tasks")(tasks_cmd)
    app.command("plans")(plans_cmd)
    app.add_typer(agencies_app, name="agencies")
    app.command("cycles")(cycles_cmd)
