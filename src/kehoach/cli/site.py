"""``kehoach site``: a static web site of the plans, to open from a folder or put on any web host."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kehoach.cli.errors import say
from kehoach.cli.options import DataOpt, TodayOpt, path, text, use


def site_cmd(
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Thư mục ghi trang web.", show_default=False, parser=path, metavar="THƯ-MỤC"
        ),
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Thay cả một thư mục đã có nội dung không do kehoach site tạo.")
    ] = False,
    title: Annotated[
        str | None,
        typer.Option("--title", help="Tiêu đề trang chủ.", parser=text, show_default=False, metavar="CHỮ"),
    ] = None,
    data_dir: DataOpt = None,
    today_: TodayOpt = None,
) -> None:
    """Trang web tĩnh cho lãnh đạo xem: kế hoạch, cơ quan, tình trạng, tìm kiếm; mở thẳng từ thư mục."""
    import time

    from kehoach.site import build_site
    from kehoach.site.build import check_target

    ctx = use(data_dir=data_dir, today=today_)
    check_target(output, force, ctx.data.root)  # said before the work, not after it
    started = time.perf_counter()
    built = build_site(ctx.data, ctx.today, output, title=title, force=force)
    for p in built.templates:
        say(f"cảnh báo: dùng mẫu trang {p}")
    size = f"{built.bytes / 1e6:.1f}".replace(".", ",")  # Vietnamese decimal comma
    secs = f"{time.perf_counter() - started:.1f}".replace(".", ",")
    typer.echo(
        f"Đã ghi trang web vào {built.target}: {built.plans} kế hoạch, {built.agencies} cơ quan, "
        f"{built.tasks} nhiệm vụ, "
        f"{built.files} tệp ({size} MB) trong {secs} giây; "
        f"số liệu tính đến {ctx.today:%d/%m/%Y}. Mở {built.target / 'index.html'}"
    )


def register(app: typer.Typer) -> None:
    app.command("site")(site_cmd)
