"""``kehoach check``: is the data complete and understood?"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from kehoach.cli.errors import fail, say
from kehoach.cli.options import DataOpt, TodayOpt, choice, use


def _git_root(start: Path) -> Path | None:
    """The git repository (work tree) holding ``start``, if any."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _where(data_dir: Path | None) -> tuple[Path, bool]:
    """The data directory ``check`` reads and whether it is the bundled example.

    Never the example by mistake: with no --data, no $KEHOACH_DATA and no ./data holding plans, inside a
    git repository (a pre-commit hook of a data repository whose plans live elsewhere) it refuses with exit
    code 2, naming where it looked; elsewhere it says it checks the bundled example.
    """
    from kehoach.loader import bundled_data_dir, default_data_dir, has_plans

    root = default_data_dir(data_dir)
    bundled = root.resolve() == bundled_data_dir().resolve()
    if data_dir is None and not os.environ.get("KEHOACH_DATA") and not has_plans(Path("data")):
        repo = _git_root(Path.cwd().resolve())
        if repo is not None:
            fail(
                f"không tìm thấy dữ liệu để kiểm tra: không có --data, không có $KEHOACH_DATA, "
                f"{str(Path.cwd() / 'data')!r} không có thư mục plans/ — trong kho git {str(repo)!r} không kiểm tra "
                "dữ liệu mẫu kèm gói thay cho dữ liệu của kho; ghi rõ --data THƯ_MỤC (ví dụ --data du-lieu)",
                2,
            )
    return root, bundled


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
    from kehoach.check import check, check_progress
    from kehoach.output import terminal_safe, to_json

    root, bundled = _where(data_dir)
    if bundled and data_dir is None and not os.environ.get("KEHOACH_DATA"):  # chosen by default, not by the user
        say(f"kiểm tra dữ liệu mẫu kèm gói ({root}), không phải dữ liệu của bạn; dùng --data THƯ_MỤC")
    ctx = use(data_dir=data_dir, today=today_, fmt=fmt)
    data = ctx.load(quiet=True)
    report = check(data, check_progress(data, ctx.today))
    if fmt == "json":
        ctx.echo(to_json(report.as_dict() | {"data_dir": str(root), "bundled": bundled}))
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
        example = " (dữ liệu mẫu kèm gói)" if bundled else ""
        ctx.echo(
            terminal_safe(
                f"{root}{example}: {report.plans} kế hoạch, {report.tasks} nhiệm vụ, {report.targets} chỉ tiêu: "
                f"{len(report.errors)} lỗi, {len(report.warnings)} cảnh báo."
            )
        )
    raise typer.Exit(1 if report.errors else 0)


def register(app: typer.Typer) -> None:
    app.command("check")(check_cmd)
