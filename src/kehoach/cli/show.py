"""``kehoach show PLAN/ID``: one task or one target in full."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kehoach.cli.options import DataOpt, TodayOpt, choice, text, use

if TYPE_CHECKING:
    from kehoach.detail import TargetDetail, TaskDetail


def show_cmd(
    ref: Annotated[
        str,
        typer.Argument(
            help="Mã hoặc số hiệu kế hoạch, rồi mã nhiệm vụ hay chỉ tiêu, ví dụ qd74-dai-hoi-xx/I.13 "
            "hoặc 74/QĐ-UBND/I.13",
            parser=text,
            metavar="KẾ-HOẠCH/MÃ",
        ),
    ],
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table | json", parser=choice("table", "json"), metavar="DẠNG")
    ] = "table",
) -> None:
    """Một nhiệm vụ (hay chỉ tiêu) đầy đủ: nội dung, chủ trì, phối hợp, thời hạn, tình trạng, tiến độ đã ghi."""
    from kehoach.detail import TaskDetail, detail
    from kehoach.output import terminal_safe, to_json

    ctx = use(data_dir=data_dir, today=today_, fmt=fmt)
    found = detail(ctx.data, ref, ctx.today)
    if fmt == "json":
        typer.echo(to_json(found.as_dict()))
        return
    lines = task_lines(found) if isinstance(found, TaskDetail) else target_lines(found)
    typer.echo(terminal_safe("\n".join(render(lines, _width()))))


def _width() -> int:
    from kehoach.output import _terminal_width

    return max(40, min(_terminal_width(), 120))


def task_lines(d: TaskDetail) -> list[tuple[str, str]]:
    """(label, text) pairs; an empty label continues the previous field."""
    t = d.task
    out: list[tuple[str, str]] = [("", f"{d.plan.id}/{t.id} — {d.plan.label}")]
    if d.section:
        out.append(("Mục", f"{d.section.id}. {d.section.title}"))
    out.append(("Nội dung", t.content))
    out += [("Chủ trì", a.text) for a in d.lead] or [("Chủ trì", "(văn bản không nêu)")]
    out += [("Phối hợp", a.text) for a in d.support]
    if t.deadline:
        out.append(("Thời hạn", t.deadline))
        out.append(("Đọc là", d.reading or ""))
    else:
        out.append(("Thời hạn", "(văn bản không nêu)"))
    for o in t.other_deadlines:
        out.append(("", f"nơi khác ghi: {o.text} ({o.source})"))
    if t.product:
        out.append(("Sản phẩm", t.product))
    if t.leader:
        out.append(("Lãnh đạo", t.leader))
    if t.source:
        out.append(("Nguồn", t.source))
    status = d.status_label
    if d.days_overdue:
        status += f" (quá {d.days_overdue} ngày)"
    out.append(("Tình trạng", f"{status}, tính đến {d.today:%d/%m/%Y}"))
    out += [("Tiến độ", r.text) for r in d.records]
    if not d.records:
        out.append(("Tiến độ", "chưa ghi"))
    if d.coming:
        out.append(("Hạn tới", ", ".join(f"{c:%d/%m/%Y}" for c in d.coming)))
    if t.note:
        out.append(("Ghi chú", t.note))
    if t.inferred:
        out.append(("Suy ra", "người mã hóa suy ra: " + ", ".join(t.inferred)))
    return out


def target_lines(d: TargetDetail) -> list[tuple[str, str]]:
    g = d.target
    out: list[tuple[str, str]] = [("", f"{d.plan.id}/{g.id} — chỉ tiêu của {d.plan.label}")]
    if g.group:
        out.append(("Nhóm", g.group))
    out.append(("Chỉ tiêu", g.name))
    if g.value:
        level = [g.value, *([f"đơn vị: {g.unit}"] if g.unit else []), *([f"năm {g.year}"] if g.year else [])]
        out.append(("Mức", "; ".join(level)))
    if g.baseline:
        out.append(("Mốc", g.baseline))
    out += [("Chủ trì", a.text) for a in d.lead]
    out += [("Phối hợp", a.text) for a in d.support]
    if g.source:
        out.append(("Nguồn", g.source))
    if d.actual:
        out.append(("Đã đạt", f"{d.actual[1]} (năm {d.actual[0]})" + (f", {d.actual[2]}" if d.actual[2] else "")))
    else:
        out.append(("Đã đạt", "chưa ghi"))
    if g.note:
        out.append(("Ghi chú", g.note))
    return out


def render(fields: list[tuple[str, str]], width: int) -> list[str]:
    """Fields as "Nhãn:  text", the text wrapped under itself; a word is never cut."""
    import textwrap

    pad = max((len(label) for label, _ in fields), default=0) + 3
    lines: list[str] = []
    last = None
    for label, value in fields:
        if not label and last is None:  # the heading
            lines += textwrap.wrap(value, width, break_long_words=False, break_on_hyphens=False) or [""]
            last = ""
            continue
        head = (f"{label}:" if label and label != last else "").ljust(pad)
        wrapped = textwrap.wrap(
            " ".join(value.split()), width, initial_indent=head, subsequent_indent=" " * pad,
            break_long_words=False, break_on_hyphens=False,
        )
        lines += wrapped or [head.rstrip()]
        last = label or last
    return lines


def register(app: Any) -> None:
    app.command("show")(show_cmd)
