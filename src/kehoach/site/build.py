"""Build the site into a folder: gather, render, write the whole folder at once."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kehoach.dataset import DataSet
from kehoach.errors import DataError

MARKER = ".kehoach-site"
MARKER_TEXT = "Trang web tĩnh do `kehoach site` tạo; lệnh ghi lại cả thư mục này mỗi lần chạy.\n".encode()


class SiteError(DataError):
    """The target cannot be written: a user's folder, a file or a link in the way (exit code 1)."""


@dataclass(frozen=True)
class Built:
    target: Path
    files: int
    bytes: int
    plans: int
    agencies: int
    tasks: int
    templates: list[Path]  # files of templates/site/ beside the data that were used


def check_target(target: Path, force: bool, data_root: Path | None = None) -> None:
    """Refuse a file, or a non-empty folder kehoach did not write, unless ``force`` (for the folder).

    Never replaced, even with ``force``: a folder that is or holds the data folder, the current folder, the
    home folder or ``/``. With ``force`` still refused: a folder holding ``plans/``, ``agencies.yaml`` or
    ``.git`` that carries no site marker (someone's data or project, not an earlier site).
    """
    if os.path.islink(target):
        raise SiteError(f"{str(target)!r} là một liên kết; chọn một thư mục thật")
    if target.exists() and not target.is_dir():
        raise SiteError(f"{str(target)!r} là một tệp, không phải thư mục")
    real = Path(os.path.realpath(target))
    for what, kept in _kept_folders(data_root):
        if real == kept or real in kept.parents:
            said = "là" if real == kept else "chứa"
            raise SiteError(
                f"không ghi trang web vào {str(target)!r}: thư mục này {said} {what} ({kept}); "
                "lệnh thay toàn bộ thư mục đích nên sẽ xóa mất nó. Chọn một thư mục riêng, ví dụ web/"
            )
    if not target.is_dir() or (target / MARKER).is_file():
        return
    if force:
        held = [n for n in ("plans", "agencies.yaml", ".git") if os.path.lexists(target / n)]
        if held:
            raise SiteError(
                f"không thay thư mục {str(target)!r} kể cả với --force: nó chứa {', '.join(held)} "
                "(dữ liệu hoặc dự án, không phải trang web do `kehoach site` tạo). Chọn một thư mục riêng"
            )
    elif any(target.iterdir()):
        raise SiteError(
            f"thư mục {str(target)!r} đã có nội dung không do `kehoach site` tạo; "
            "dùng --force để thay toàn bộ thư mục"
        )


def _kept_folders(data_root: Path | None) -> list[tuple[str, Path]]:
    """The folders a site may never replace, nor a folder holding them: named as the message says them."""
    kept = [("thư mục gốc của hệ thống", Path("/")), ("thư mục đang làm việc", Path(os.path.realpath(os.getcwd())))]
    home = os.path.expanduser("~")
    if home not in ("~", "/"):
        kept.append(("thư mục nhà của người dùng", Path(os.path.realpath(home))))
    if data_root is not None:
        kept.append(("thư mục dữ liệu", Path(os.path.realpath(data_root))))
    return kept


def build_site(
    data: DataSet, today: dt.date, target: Path, *, title: str | None = None, force: bool = False
) -> Built:
    """Write the site of ``data`` as of ``today`` into ``target``, replacing what an earlier build wrote.

    The folder is built beside the target and swapped in: a reader sees the old site or the new one.
    """
    from kehoach.site.context import gather

    target = Path(os.path.abspath(target))  # "-o ." or "web/..": a folder with a name, beside its parent
    check_target(target, force, data.root)
    ctx = gather(data, today, title)
    files = _files(ctx, data.root)
    _swap_in(target, files)
    return Built(
        target=target,
        files=len(files),
        bytes=sum(len(b) for b in files.values()),
        plans=len(ctx["plans"]),
        agencies=len(ctx["agencies"]),
        tasks=len(ctx["search"]),
        templates=_used_overrides(data.root),
    )


def _used_overrides(root: Path) -> list[Path]:
    from kehoach.site.render import overridden

    return overridden(root)


def _files(ctx: dict[str, Any], data_root: Path) -> dict[str, bytes]:
    from kehoach.site.render import abbreviations_script, render_pages, search_script, static

    site = ctx["site"]
    light_plans = [{k: v for k, v in p.items() if k != "tasks"} for p in ctx["plans"]]
    pages: list[tuple[str, str, dict[str, Any]]] = [
        ("index.html", "index.html",
         {"site": site, "root": "", "page": "home", "page_title": site["title"], "home": ctx["home"],
          "plans": light_plans}),
        ("tim-kiem.html", "search.html", {"site": site, "root": "", "page": "search", "page_title": "Tìm nhiệm vụ"}),
    ]
    pages += [
        (p["url"], "plan.html", {"site": site, "root": "../", "page": "plan", "page_title": p["title"], "plan": p})
        for p in ctx["plans"]
    ]
    pages += [
        (a["url"], "agency.html",
         {"site": site, "root": "../", "page": "agency", "page_title": a["name"], "agency": a})
        for a in ctx["agencies"]
    ]
    files = render_pages(pages, data_root)
    for name in ("site.css", "site.js"):
        files[f"assets/{name}"] = static(name, data_root)
    files["assets/search-index.js"] = search_script(ctx["search"])
    files["assets/viet-tat.js"] = abbreviations_script()
    files[MARKER] = MARKER_TEXT
    return dict(sorted(files.items()))


def _swap_in(target: Path, files: dict[str, bytes]) -> None:
    """Write every file into a new folder beside ``target``, then put it in the target's place."""
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new", dir=parent))
    old: Path | None = None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        for rel, content in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent))
            os.rmdir(old)
            os.rename(target, old)
        try:
            os.rename(tmp, target)
        except BaseException:
            if old is not None:
                os.rename(old, target)
                old = None
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(old)
