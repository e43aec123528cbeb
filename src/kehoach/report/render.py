"""DOCX rendering: find the template, fill it, return the bytes. Nothing is written here.

``render`` fills a Word template (docxtpl) in a sandboxed, autoescaping Jinja environment: text
from the data ("KH&CN", "<", "{{ 7*7 }}") is always text, never markup or template code.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from kehoach.model import Agency
from kehoach.report.kinds import KIND_SLUG, ReportError, check_kind
from kehoach.status import STATUS_ORDER
from kehoach.text import shorten, slug


def bundled_templates() -> Path:
    from kehoach.resources import bundled_templates_dir

    return bundled_templates_dir()


def find_template(kind: str, data_root: Path | None = None, explicit: Path | None = None) -> Path:
    """``--template``, else ``templates/<kind>.docx`` beside the data directory, else the bundled one."""
    check_kind(kind)
    if explicit is not None:
        if not explicit.is_file():
            raise ReportError(f"không tìm thấy mẫu báo cáo {str(explicit)!r}")
        return explicit
    candidates = []
    if data_root is not None:
        candidates.append(Path(data_root).resolve().parent / "templates" / f"{kind}.docx")
    candidates.append(bundled_templates() / f"{kind}.docx")
    for c in candidates:
        if c.is_file():
            return c
    raise ReportError(f"không tìm thấy mẫu báo cáo {kind}.docx (đã tìm: {', '.join(map(str, candidates))})")


def default_filename(plan_id: str, kind: str, year: int, agency: Agency | None) -> str:
    """ "bao-cao-nam-2026-aec-2026-so-tai-chinh.docx"; the consolidated report ends in "-tong-hop"."""
    who = slug(agency.name) if agency else "tong-hop"
    return f"bao-cao-{KIND_SLUG[kind]}-{year}-{slug(plan_id)}-{who}.docx"


class TemplateProblem(ReportError):
    """The template itself is broken (Jinja syntax, unknown variable): a message, not a traceback."""

    exit_code = 1


def _template_error(exc: Exception) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.sandbox import SecurityError

    if isinstance(exc, SecurityError):
        kind = "thẻ Jinja truy cập thuộc tính không được phép"
    elif isinstance(exc, UndefinedError):
        kind = "biến không có trong dữ liệu báo cáo (xem docs/templates.md)"
    elif isinstance(exc, TemplateSyntaxError):
        kind = "lỗi cú pháp Jinja"
    else:
        kind = "lỗi khi điền mẫu"
    text = f"{kind}: {getattr(exc, 'message', None) or exc}"
    near = " ".join(x.strip() for x in getattr(exc, "docx_context", None) or [] if x.strip())
    if near:  # docxtpl gives the text around the tag, which the user can search for in Word
        text += f" (gần: {shorten(near, 80)!r})"
    return text


def render(context: dict[str, Any], template_path: Path) -> bytes:
    """Fill the template with the plain-data ``context``; returns the .docx bytes."""
    import copy

    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import StrictUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    from kehoach.chart import stacked_bar, swatch

    try:
        tpl = DocxTemplate(str(template_path))
        tpl.init_docx()
    except Exception as exc:  # a corrupt or non-docx file: python-docx raises many kinds
        raise TemplateProblem(f"không mở được mẫu {str(template_path)!r}: {exc}") from None
    ctx = copy.deepcopy(context)
    for c in ctx["counts"]:
        c["swatch"] = InlineImage(tpl, io.BytesIO(swatch(c["code"])), width=Mm(3.5), height=Mm(3.5))
    for row in ctx["chart"]["rows"]:
        width = max(row["width_mm"], 0.5)
        bar = stacked_bar(row["counts"], STATUS_ORDER, width)
        row["bar"] = InlineImage(tpl, io.BytesIO(bar), width=Mm(width), height=Mm(4))
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    try:
        tpl.render(ctx, jinja_env=env, autoescape=True)
    except TemplateError as exc:
        raise TemplateProblem(f"mẫu {template_path.name}: {_template_error(exc)}") from None
    props = tpl.docx.core_properties
    props.title = context["subject"][:250]
    props.subject = context["plan"]["id"]
    props.author = context["issuer"]["name"]
    props.last_modified_by = "kehoach"
    props.comments = f"Dự thảo tạo bằng kehoach; số liệu tính đến {context['as_of']}."
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()
