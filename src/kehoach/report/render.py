"""DOCX rendering: find the template, fill it, return the bytes. Nothing is written here.

``render`` fills a Word template (docxtpl) in a sandboxed, autoescaping Jinja environment: text
from the data ("KH&CN", "<", "{{ 7*7 }}") is always text, never markup or template code.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from kehoach.model import Agency
from kehoach.report.form import CELL_MARGINS_MM, PARTY, STATE
from kehoach.report.kinds import KIND_SLUG, NoDraft, ReportError, check_kind
from kehoach.status import STATUS_ORDER
from kehoach.text import shorten, slug


def bundled_templates() -> Path:
    from kehoach.resources import bundled_templates_dir

    return bundled_templates_dir()


def template_name(kind: str, fmt: str = STATE) -> str:
    """ "annual.docx" (Nghị định 30/2020/NĐ-CP), "annual-dang.docx" (Hướng dẫn 36-HD/VPTW)."""
    return f"{kind}-dang.docx" if fmt == PARTY else f"{kind}.docx"


def find_template(
    kind: str,
    data_root: Path | None = None,
    explicit: Path | None = None,
    fmt: str = STATE,
    allow_state: bool = False,
) -> Path:
    """``--template``, else ``templates/<name>`` beside the data directory, else the bundled one.

    A Party body's report needs a Party template (``<kind>-dang.docx``); without one, it is an
    error unless ``allow_state`` accepts the state format instead.
    """
    check_kind(kind)
    if explicit is not None:
        if not explicit.is_file():
            raise ReportError(f"không tìm thấy mẫu báo cáo {str(explicit)!r}")
        return explicit
    names = [template_name(kind, fmt)] + ([template_name(kind)] if fmt == PARTY and allow_state else [])
    candidates = []
    for name in names:
        if data_root is not None:
            candidates.append(Path(data_root).resolve().parent / "templates" / name)
        candidates.append(bundled_templates() / name)
    for c in candidates:
        if c.is_file():
            return c
    hint = "; dùng --allow-state-format để soạn theo thể thức nhà nước" if fmt == PARTY else ""
    raise NoDraft(
        f"không tìm thấy mẫu báo cáo {names[0]} (đã tìm: {', '.join(map(str, candidates))}){hint}"
    )


def default_filename(plan_id: str, kind: str, year: int, agency: Agency | None) -> str:
    """ "bao-cao-nam-2026-aec-2026-so-tai-chinh.docx"; the consolidated report ends in "-tong-hop"."""
    who = slug(agency.name) if agency else "tong-hop"
    return f"bao-cao-{KIND_SLUG[kind]}-{year}-{slug(plan_id)}-{who}.docx"


class TemplateProblem(ReportError):
    """The template itself is broken (Jinja syntax, unknown variable): a message, not a traceback."""


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
    """Fill the template with the plain-data ``context``, then set what a template cannot compute."""
    return finish(fill_template(context, template_path), context)


def fill_template(context: dict[str, Any], template_path: Path) -> bytes:
    """The template filled by docxtpl in a sandboxed, autoescaping Jinja environment; the .docx bytes."""
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
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


# Paragraphs (by style id) whose top border is a rule, and the context value of its length in mm.
RULE_STYLES = {"KHRuleIssuer": ("issuer", "rule_mm"), "KHRuleMotto": ("layout", "motto_rule_mm")}


def finish(docx: bytes, context: dict[str, Any]) -> bytes:
    """Rule lengths from the text above them (NĐ 30: 1/3 - 1/2 of the issuer's name, the whole Tiêu
    ngữ; HD 36: the whole Party title), and the document properties. Plain data in, bytes out."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm

    doc = Document(io.BytesIO(docx))
    lengths = dict(context.get("layout") or {})
    if context.get("format") == PARTY:
        lengths["motto_rule_mm"] = lengths.get("party_rule_mm", 0)
    for p in _all_paragraphs(doc):
        style_id = p.style.style_id if p.style is not None else ""
        if style_id not in RULE_STYLES:
            continue
        where, key = RULE_STYLES[style_id]
        length = (context.get("issuer") or {}).get(key) if where == "issuer" else lengths.get(key)
        tc = p._p.getparent()
        width = tc.find(qn("w:tcPr")).find(qn("w:tcW")) if tc.tag == qn("w:tc") else None
        if not length or width is None:
            continue
        text_mm = int(width.get(qn("w:w"))) / 1440 * 25.4 - CELL_MARGINS_MM
        side = max(0.0, (text_mm - float(length)) / 2)
        p.paragraph_format.left_indent = Mm(side)
        p.paragraph_format.right_indent = Mm(side)
    props = doc.core_properties
    rules = props.comments.split(" Tạo bằng")[0] if props.comments else ""  # "Thể thức: …" of the template
    props.title = context["subject"][:250]
    props.subject = context["plan"]["id"]
    props.author = context["issuer"]["name"]
    props.last_modified_by = "kehoach"
    props.comments = f"Dự thảo tạo bằng kehoach; số liệu tính đến {context['as_of']}. {rules}".strip()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _all_paragraphs(doc: Any) -> list[Any]:
    out = list(doc.paragraphs)
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                out += cell.paragraphs
    return out
