"""``kehoach import docx`` (draft a plan's YAML from its Word file) and ``kehoach diff`` (two versions)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from kehoach.cli.errors import fail
from kehoach.cli.options import DataOpt, choice, path, text, use

import_app = typer.Typer(
    help="Nhập kế hoạch từ văn bản gốc thành bản nháp YAML để rà soát.", no_args_is_help=True, rich_markup_mode=None
)


@import_app.command("docx")
def import_docx_cmd(
    file: Annotated[
        Path,
        typer.Argument(help="Tệp Word (.docx) của kế hoạch.", show_default=False, parser=path, metavar="TỆP.docx"),
    ],
    plan_id: Annotated[
        str,
        typer.Option(
            "--id", help="Mã kế hoạch, cũng là tên tệp YAML (ví dụ qd74-dai-hoi-xx).", parser=text, metavar="MÃ"
        ),
    ],
    output_: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Tệp YAML ghi ra, hoặc thư mục (kết thúc bằng /) (mặc định: <dữ liệu>/plans/<mã>.yaml).",
            show_default=False,
            parser=text,
            metavar="TỆP",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè tệp đã có.")] = False,
    data_dir: DataOpt = None,
) -> None:
    """Đọc bảng nhiệm vụ và phần đầu văn bản, ghi bản nháp YAML và in danh sách cần rà soát."""
    from kehoach.files import atomic_write
    from kehoach.importer import PLAN_ID, import_docx, to_yaml

    if not PLAN_ID.match(plan_id):
        fail(f"--id {plan_id!r}: mã kế hoạch chỉ được gồm chữ, số, '.', '-', '_' và bắt đầu bằng chữ hoặc số", 2)
    try:
        mode = os.stat(file).st_mode
    except FileNotFoundError:
        fail(f"không tìm thấy tệp {str(file)!r}", 1)
    except OSError as exc:
        fail(f"không đọc được {str(file)!r}: {exc.strerror}", 1)
    import stat

    if not stat.S_ISREG(mode):
        from kehoach.files import kind_of

        fail(f"{str(file)!r} là {kind_of(mode)}, không phải tệp Word .docx; không đọc", 1)
    data = use(data_dir=data_dir).load(quiet=True)
    output = Path(output_) if output_ else None
    if output_ and (output_.endswith(("/", "\\")) or Path(output_).is_dir()):
        output = Path(output_) / f"{plan_id}.yaml"
    if output is None:
        from kehoach.loader import bundled_data_dir

        if Path(data.root).resolve() == bundled_data_dir().resolve():
            fail("dữ liệu đang dùng là dữ liệu mẫu kèm gói: chỉ rõ tệp ghi ra bằng -o hoặc thư mục bằng --data")
        output = Path(data.root) / "plans" / f"{plan_id}.yaml"
    if output.suffix not in (".yaml", ".yml"):
        fail(f"tệp ghi ra {str(output)!r} phải có đuôi .yaml")
    if output.stem != plan_id:
        fail(f"tên tệp {output.name!r} phải trùng mã kế hoạch: {plan_id}.yaml (kehoach check đòi hỏi điều đó)")
    from kehoach.files import refuse_existing

    refuse_existing(output, force)
    # DocxImportError: exit code 1 at the boundary; the draft is read back before anything is written.
    result = import_docx(file, plan_id, data.registry)
    yaml_text = to_yaml(result, file)
    # "-o moi/" names one folder, made if missing (not the folders above it)
    atomic_write(output, yaml_text.encode("utf-8"), make_folder=output_ is not None and output.parent == Path(output_))
    sections = len(result.plan["sections"])
    typer.echo(f"Đã ghi {output}: {result.tasks} nhiệm vụ trong {sections} nhóm (bảng {result.table_index + 1}).")
    if result.review:
        typer.echo(f"Cần rà soát ({len(result.review)} mục):")
        for item in result.review:
            typer.echo(f"  - {item}")
    else:
        typer.echo("Không có mục nào cần rà soát.")
    if output.parent.name == "plans":
        typer.echo(f"Kiểm tra: kehoach check --data {output.parent.parent}")
    else:
        typer.echo(
            f"Kiểm tra: chép {output.name} vào thư mục plans/ của dữ liệu, "
            "rồi chạy kehoach check --data <thư mục dữ liệu>"
        )


def diff_cmd(
    old: Annotated[
        str,
        typer.Argument(help="Bản cũ: tệp YAML, REV:tệp, hoặc chỉ REV (phiên bản git của tệp NEW).", parser=text),
    ],
    new: Annotated[str, typer.Argument(help="Bản mới: tệp YAML hoặc REV:tệp.", parser=text)],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json", parser=choice("text", "json"))] = "text",
) -> None:
    """So sánh hai phiên bản một kế hoạch: nhiệm vụ thêm, bỏ, thay đổi (nội dung, chủ trì, phối hợp, thời hạn)."""
    from kehoach.plandiff import FIELD_LABELS, diff_plans, load_side

    new_plan, new_label = load_side(new)  # DiffError: exit code 1 at the boundary
    old_plan, old_label = load_side(old, other=new)
    result = diff_plans(old_plan, new_plan)
    if fmt == "json":
        from kehoach.output import to_json

        typer.echo(to_json({"old": old_label, "new": new_label, **result.as_dict()}))
        return
    from kehoach.output import terminal_safe

    def echo(line: str) -> None:
        # Plan text reaches the terminal here as in any table: no escape sequence passes (`\e[8m` would hide
        # a changed lead, OSC sequences retitle the window), piped or not.
        typer.echo(terminal_safe(line))

    echo(
        f"{old_label} → {new_label}: {len(result.added)} thêm, {len(result.removed)} bỏ, "
        f"{len(result.changed)} thay đổi, {result.same} giữ nguyên."
    )

    def show(value: object) -> str:
        if isinstance(value, list):
            return "[" + "; ".join(value) + "]"
        return repr(value) if value is not None else "(trống)"

    for t in result.added:
        echo(f"+ {t.id}: {_short(t.content)}")
    for t in result.removed:
        echo(f"- {t.id}: {_short(t.content)}")
    for c in result.changed:
        was = f" (trước là {c.old.id}, nội dung giống {c.similarity:.0%})" if c.renumbered else ""
        echo(f"~ {c.new.id}{was}")
        for x in c.changes:
            if x.field == "content":
                echo(f"    {FIELD_LABELS[x.field]}: {_short(str(x.old))!r} → {_short(str(x.new))!r}")
            else:
                echo(f"    {FIELD_LABELS[x.field]}: {show(x.old)} → {show(x.new)}")


def _short(text: str, width: int = 90) -> str:
    from kehoach.text import shorten

    return shorten(text, width)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
    app.command("diff")(diff_cmd)
