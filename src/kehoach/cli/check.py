"""``kehoach check``: is the data complete and understood?"""

from __future__ import annotations

from typing import Annotated

import typer

from kehoach.cli.options import DataOpt, TodayOpt, choice, use


def _gh_escape(text: str, prop: bool = False) -> str:
    """GitHub workflow-command escaping (properties also escape ':' and ',')."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def check_cmd(
    data_dir: DataOpt = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="text | json | github", parser=choice("text", "json", "github"), metavar="DẠNG"
        ),
    ] = "text",
    today_: TodayOpt = None,
) -> None:
    """Kiểm tra dữ liệu: mọi nhiệm vụ có chủ trì và thời hạn, mọi tên cơ quan và thời hạn đều hiểu được."""
    from kehoach.check import check
    from kehoach.output import terminal_safe, to_json
    from kehoach.progress import check_progress

    ctx = use(data_dir=data_dir, today=today_, fmt=fmt)
    data = ctx.load(quiet=True)
    report = check(data, check_progress(data, ctx.today))
    if fmt == "json":
        ctx.echo(to_json(report.as_dict()))
    elif fmt == "github":
        for p in report.problems:
            kind = "error" if p.severity == "error" else "warning"
            loc = f"file={_gh_escape(p.file, prop=True)}"
            if p.line:
                loc += f",line={p.line}"
            if p.column:
                loc += f",col={p.column}"
            message = _gh_escape(f"{p.path + ': ' if p.path else ''}{p.message}")
            ctx.echo(f"::{kind} {loc},title={_gh_escape(p.code, prop=True)}::{message}")
    else:
        for p in sorted(report.problems, key=lambda p: (p.severity != "error", p.file, p.line or 0)):
            where = p.file + (f":{p.line}" if p.line else "") + (f":{p.column}" if p.column else "")
            label = "lỗi" if p.severity == "error" else "cảnh báo"
            field = f" {p.path}:" if p.path else ""
            ctx.echo(terminal_safe(f"{where}: {label} [{p.code}]{field} {p.message}"))
        ctx.echo(
            f"{report.plans} kế hoạch, {report.tasks} nhiệm vụ, {report.targets} chỉ tiêu: "
            f"{len(report.errors)} lỗi, {len(report.warnings)} cảnh báo."
        )
    raise typer.Exit(1 if report.errors else 0)


def register(app: typer.Typer) -> None:
    app.command("check")(check_cmd)
