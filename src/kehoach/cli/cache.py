"""``kehoach cache``: where the cache of loaded files lives, and emptying it."""

from __future__ import annotations

import typer

cache_app = typer.Typer(
    help="Bộ nhớ đệm dữ liệu đã đọc (tự làm mới khi tệp thay đổi).", no_args_is_help=True, rich_markup_mode=None
)


@cache_app.command("clear")
def clear_cmd() -> None:
    """Xóa bộ nhớ đệm của mọi thư mục dữ liệu."""
    from kehoach.cache import cache_root, clear

    removed = clear()
    typer.echo(f"Đã xóa {removed} tệp đệm trong {cache_root()}.")


@cache_app.command("path")
def path_cmd() -> None:
    """In thư mục bộ nhớ đệm."""
    from kehoach.cache import cache_root

    typer.echo(str(cache_root()))


def register(app: typer.Typer) -> None:
    app.add_typer(cache_app, name="cache")
