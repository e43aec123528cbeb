"""DOCX rendering: find the template, fill it, return the bytes. Nothing is written here.

A template is untrusted input. ``render`` fills it (docxtpl) with plain data only (strings,
numbers, booleans, lists and dicts: no object whose methods could reach a file), in an immutable,
autoescaping Jinja sandbox that calls nothing but whitelisted filters and tests, caps ``range``,
repetition, concatenation and powers, refuses ``include``/``import``/``extends``, and runs in a
child process with CPU-time and memory limits. Text from the data ("KH&CN", "<", "{{ 7*7 }}") is
always text, never markup or template code. Images (status swatches, chart bars) are inert text
markers in the context, swapped for pictures after rendering.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kehoach.errors import DataError
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
        if data_root is not None:  # inside the data folder (``kehoach init``), then beside it
            candidates.append(Path(data_root).resolve() / "templates" / name)
            candidates.append(Path(data_root).resolve().parent / "templates" / name)
        candidates.append(bundled_templates() / name)
    for c in candidates:
        if c.is_file():
            return c
    hint = "; dùng --allow-state-format để soạn theo thể thức nhà nước" if fmt == PARTY else ""
    raise NoDraft(
        f"không tìm thấy mẫu báo cáo {names[0]} (đã tìm: {', '.join(map(str, candidates))}){hint}"
    )


def template_is_bundled(path: Path) -> bool:
    """Is this one of the templates shipped with kehoach (not one found beside the data)?"""
    try:
        return path.resolve().parent == bundled_templates().resolve()
    except OSError:
        return False


def default_filename(plan_id: str, kind: str, year: int, agency: Agency | None) -> str:
    """ "bao-cao-nam-2026-aec-2026-so-tai-chinh.docx"; the consolidated report ends in "-tong-hop"."""
    # A name of a few hundred characters must not make a file name the file system refuses (255 bytes).
    who = slug(agency.name)[:100].rstrip("-") if agency else "tong-hop"
    return f"bao-cao-{KIND_SLUG[kind]}-{year}-{slug(plan_id)}-{who}.docx"


# A data problem, not a ReportError (those are usage mistakes); also a ValueError as before the one base.
class TemplateProblem(DataError, ValueError):
    """The template is broken or hostile (Jinja syntax, unknown variable, a refused call, a limit)."""


# Limits of one rendering (module constants, so a test can lower them).
RENDER_CPU_SECONDS = 20  # CPU time of the rendering child process
RENDER_WALL_SECONDS = 90  # wall clock, for a loaded machine; the child is killed after it
RENDER_MEMORY_BYTES = 1 << 30  # address space the child may add to what it inherits
MAX_RANGE = 10_000  # items of one range()
MAX_LENGTH = 1_000_000  # characters of a string or items of a list built by *, + or a filter
MAX_POWER_BITS = 4_096  # size of the result of **
MAX_MACRO_DEPTH = 50  # nested macro calls (a recursive macro)
LIMIT_MESSAGE = "mẫu vượt giới hạn thời gian/bộ nhớ"

# Filters a template may use: none of them calls back into Python objects or builds unbounded output.
SAFE_FILTERS = (
    "abs", "batch", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "float",
    "groupby", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject",
    "rejectattr", "replace", "reverse", "round", "select", "selectattr", "slice", "sort", "string",
    "striptags", "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "wordcount",
)  # fmt: skip
# Methods of plain data that a template may call ({{ x.upper() }}, {% for k, v in d.items() %}).
SAFE_METHODS = {
    str: {"upper", "lower", "title", "capitalize", "strip", "lstrip", "rstrip", "startswith", "endswith"},
    dict: {"items", "keys", "values", "get"},
}
_PLAIN = (str, int, float, bool, type(None))


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # 10.000, as Vietnamese text writes it


def _plain_only(value: Any, where: str = "context") -> None:
    """The context holds plain data only; anything else would hand the template an object's methods."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{where}: khóa {k!r} không phải chuỗi")
            _plain_only(v, f"{where}.{k}")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _plain_only(v, f"{where}[{i}]")
    elif not isinstance(value, _PLAIN):
        raise TypeError(f"{where}: {type(value).__name__} không phải dữ liệu thuần")


plain_only = _plain_only  # public: the site checks its pages' contexts the same way


def _sandbox() -> Any:
    """The Jinja environment of report templates (see the module docstring)."""
    from jinja2 import StrictUndefined, Undefined, nodes
    from jinja2.exceptions import TemplateSyntaxError
    from jinja2.runtime import LoopContext, Macro
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    def sized(value: Any) -> Any:
        if isinstance(value, str | list | tuple) and len(value) > MAX_LENGTH:
            raise SecurityError(f"kết quả dài quá {_n(MAX_LENGTH)} ký tự/phần tử")
        return value

    def capped_range(*args: int) -> range:
        r = range(*args)
        if len(r) > MAX_RANGE:
            raise SecurityError(f"range() quá {_n(MAX_RANGE)} phần tử")
        return r

    def guard(fn: Any) -> Any:
        def filtered(*args: Any, **kwargs: Any) -> Any:
            return sized(fn(*args, **kwargs))

        for attr in ("jinja_pass_arg",):
            if hasattr(fn, attr):
                setattr(filtered, attr, getattr(fn, attr))
        return filtered

    class ReportSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%", "//", "/"})

        def __init__(self) -> None:
            super().__init__(autoescape=True, undefined=StrictUndefined)
            self.filters = {name: guard(self.filters[name]) for name in SAFE_FILTERS}
            self.globals = {"range": capped_range}
            self.depth = 0

        def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
            tree = super()._parse(source, name, filename)
            for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
                tag = {nodes.Include: "include", nodes.Extends: "extends"}.get(type(node), "import")
                raise TemplateSyntaxError(
                    f"thẻ {{% {tag} %}} không được phép: mẫu báo cáo không đọc tệp hay mẫu khác", node.lineno, name
                )
            return tree

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**":
                if not (isinstance(left, int | float) and isinstance(right, int | float)):
                    raise SecurityError("** chỉ dùng với số")
                size = abs(right) * max(abs(left), 2).bit_length() if isinstance(left, int) else 0
                if isinstance(right, int) and right > 0 and size > MAX_POWER_BITS:
                    raise SecurityError(f"lũy thừa quá lớn (quá {_n(MAX_POWER_BITS)} bit)")
                return left**right
            if operator == "%" and isinstance(left, str):
                raise SecurityError("định dạng chuỗi bằng % không được phép; dùng ~ để nối chuỗi")
            if operator == "*":
                for seq, n in ((left, right), (right, left)):
                    if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_LENGTH:
                        raise SecurityError(f"lặp chuỗi/danh sách quá {_n(MAX_LENGTH)} ký tự/phần tử")
            seqs = isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple)
            if operator == "+" and seqs and len(left) + len(right) > MAX_LENGTH:
                raise SecurityError(f"nối chuỗi/danh sách quá {_n(MAX_LENGTH)} ký tự/phần tử")
            return super().call_binop(context, operator, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            obj = __obj
            if isinstance(obj, Undefined):  # lipsum(), dict(), cycler()…: not there at all
                obj._fail_with_undefined_error()
            if obj is capped_range or isinstance(obj, LoopContext):
                return __self._call(__context, obj, args, kwargs)
            owner = getattr(obj, "__self__", None)
            name = getattr(obj, "__name__", "")
            if isinstance(owner, LoopContext) and name in ("cycle", "changed"):
                return __self._call(__context, obj, args, kwargs)
            if isinstance(obj, Macro):
                if __self.depth >= MAX_MACRO_DEPTH:
                    raise SecurityError(f"macro gọi lồng nhau quá {MAX_MACRO_DEPTH} cấp (đệ quy?)")
                __self.depth += 1
                try:
                    return __self._call(__context, obj, args, kwargs)
                finally:
                    __self.depth -= 1
            for kind, allowed in SAFE_METHODS.items():
                if type(owner) is kind and name in allowed:
                    return __self._call(__context, obj, args, kwargs)
            what = f"{type(owner).__name__}.{name}" if owner is not None else (name or type(obj).__name__)
            raise SecurityError(f"mẫu không được gọi {what}(): chỉ dùng bộ lọc và phép thử được phép")

        def _call(self, context: Any, obj: Any, args: Any, kwargs: Any) -> Any:
            return sized(super().call(context, obj, *args, **kwargs))

    return ReportSandbox()


def _line_of(exc: BaseException) -> int | None:
    """The template line where a runtime error happened (Jinja rewrites tracebacks to template lines)."""
    lineno = getattr(exc, "lineno", None)
    if lineno:
        return int(lineno)
    tb = exc.__traceback__
    found = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def _template_error(exc: BaseException, source: str | None) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.sandbox import SecurityError

    if isinstance(exc, SecurityError):
        kind = "thẻ Jinja không được phép"
    elif isinstance(exc, UndefinedError):
        kind = "biến không có trong dữ liệu báo cáo (xem docs/templates.md)"
    elif isinstance(exc, TemplateSyntaxError):
        kind = "lỗi cú pháp Jinja"
    elif isinstance(exc, RecursionError):
        kind = "đệ quy quá sâu"
    elif isinstance(exc, ZeroDivisionError):
        kind = "chia cho 0"
    else:
        kind = f"lỗi khi điền mẫu ({type(exc).__name__})"
    text = f"{kind}: {getattr(exc, 'message', None) or exc}"
    line = _line_of(exc)
    if line and source:  # docxtpl puts each Word paragraph on its own line: show that paragraph's text
        lines = source.splitlines()
        near = re.sub(r"<[^>]+>", "", lines[line - 1]).strip() if 0 < line <= len(lines) else ""
        if near:
            text += f" (ở đoạn văn: {shorten(near, 80)!r})"
    return text


def _renderer() -> Any:
    """docxtpl's DocxTemplate, with every exception of a part's rendering kept with the part's source."""
    from docxtpl import DocxTemplate

    class Template(DocxTemplate):  # type: ignore[misc]
        def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> Any:
            try:
                return super().render_xml_part(src_xml, part, context, jinja_env)
            except Exception as exc:
                exc.kehoach_source = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)  # type: ignore[attr-defined]
                raise

    return Template


def _images(context: dict[str, Any], nonce: str) -> tuple[dict[str, Any], list[tuple[bytes, float, float, str]]]:
    """Swatches and bars as inert text markers in a copy of the context, and the pictures they stand for."""
    import copy

    from kehoach.chart import stacked_bar, swatch

    ctx = copy.deepcopy(context)
    pictures: list[tuple[bytes, float, float, str]] = []

    def marker(png: bytes, width: float, height: float, alt: str = "") -> str:
        pictures.append((png, width, height, alt))
        return f"KEHOACHIMG{nonce}N{len(pictures) - 1}E"

    for c in ctx.get("counts", []):
        c["swatch"] = marker(swatch(c["code"]), 3.5, 3.5, f"Ô màu: {c.get('label', '')}")
    for row in ctx.get("chart", {}).get("rows", []):
        width = max(row["width_mm"], 0.5)
        row["bar"] = marker(stacked_bar(row["counts"], STATUS_ORDER, width), width, 4.0, row.get("alt", ""))
    return ctx, pictures


def _place_images(doc: Any, nonce: str, pictures: list[tuple[bytes, float, float, str]]) -> None:
    """Swap every marker for its picture, in the same run (so in the same place); in headers and footers
    where python-docx can hold a picture, else the marker is removed (never left as text)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    pattern = re.compile(f"KEHOACHIMG{nonce}N(\\d+)E")
    parts = [doc.part] + [
        rel.target_part
        for rel in doc.part.rels.values()
        if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER)
    ]
    found = [(part, t) for part in parts for t in part.element.iter(qn("w:t")) if t.text and nonce in t.text]
    for part, t in found:
        if not hasattr(part, "new_pic_inline"):  # a part python-docx cannot add pictures to: no stray marker
            t.text = pattern.sub("", t.text)
            continue
        pieces = pattern.split(t.text)
        t.text = pieces[0]
        t.set(qn("xml:space"), "preserve")
        at = t
        for index, after in zip(pieces[1::2], pieces[2::2], strict=True):
            png, width, height, alt = pictures[int(index)]
            inline = part.new_pic_inline(io.BytesIO(png), Mm(width), Mm(height))
            if alt:  # the alternative text a screen reader says for the picture
                inline.docPr.set("descr", alt)
            drawing = OxmlElement("w:drawing")
            drawing.append(inline)
            at.addnext(drawing)
            text = OxmlElement("w:t")
            text.text = after
            text.set(qn("xml:space"), "preserve")
            drawing.addnext(text)
            at = text


def fill_template(context: dict[str, Any], template_path: Path) -> bytes:
    """The template filled by docxtpl in the sandbox, pictures in place; the .docx bytes (in this process)."""
    _plain_only(context)
    try:
        tpl = _renderer()(str(template_path))
        tpl.init_docx()
    except Exception as exc:  # a corrupt or non-docx file: python-docx raises many kinds
        raise TemplateProblem(
            f"không mở được mẫu {str(template_path)!r}: không phải tệp Word .docx hợp lệ ({type(exc).__name__})"
        ) from None
    nonce = secrets.token_hex(8)
    ctx, pictures = _images(context, nonce)
    try:
        tpl.render(ctx, jinja_env=_sandbox(), autoescape=True)
    except MemoryError:
        raise
    except Exception as exc:  # TemplateError, ZeroDivisionError, TypeError…: all the template's doing
        source = getattr(exc, "kehoach_source", None)
        raise TemplateProblem(f"mẫu {template_path.name}: {_template_error(exc, source)}") from None
    _place_images(tpl.docx, nonce, pictures)
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
    props.author = context["issuer"]["name"][:255]  # the core properties allow 255 characters
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


def render(context: dict[str, Any], template_path: Path) -> bytes:
    """Fill the template with the plain-data ``context``; returns the .docx bytes. Nothing is written here.

    Where the system can fork, the work happens in a child process under CPU-time and memory
    limits (a template that loops or allocates without end gets LIMIT_MESSAGE, not a hung or
    exhausted machine). Raises TemplateProblem with a message naming the template.
    """
    _plain_only(context)
    if not hasattr(os, "fork"):
        return finish(fill_template(context, template_path), context)
    import docx  # noqa: F401 - imported before forking, so the child never imports while a thread holds a lock
    import docxtpl  # noqa: F401
    import jinja2.sandbox  # noqa: F401

    import kehoach.chart  # noqa: F401

    return run_limited(lambda: finish(fill_template(context, template_path), context), template_path)


def run_limited(fn: Callable[[], bytes], template_path: Path) -> bytes:
    """``fn()`` in a child process under the CPU-time, memory and wall-clock limits; its bytes.

    For filling an untrusted template (the caller imports what ``fn`` needs first, so the child never imports
    while a thread holds a lock). ``fn`` raising TemplateProblem, or the child hitting a limit, raises
    TemplateProblem here, naming ``template_path``.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: send b"O" + bytes, b"P" + message or b"L", and leave without cleanup
        code = 0
        try:
            os.close(read_fd)
            _limit_child()
            try:
                out = b"O" + fn()
            except TemplateProblem as exc:
                out = b"P" + str(exc).encode("utf-8", "replace")
            except MemoryError:
                out = b"L"
            view = memoryview(out)
            while view:
                view = view[os.write(write_fd, view) :]
        except BaseException:  # noqa: BLE001 - nothing may escape the child
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    return _collect(pid, read_fd, template_path)


def _limit_child() -> None:
    try:
        import resource
    except ImportError:  # not POSIX: the Jinja caps still hold
        return
    resource.setrlimit(resource.RLIMIT_CPU, (RENDER_CPU_SECONDS, RENDER_CPU_SECONDS + 2))
    try:
        with open("/proc/self/statm", "rb") as fh:
            inherited = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return  # no way to know what is inherited: no memory limit rather than a wrong one
    limit = inherited + RENDER_MEMORY_BYTES
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _collect(pid: int, fd: int, template_path: Path) -> bytes:
    chunks: list[bytes] = []
    deadline = time.monotonic() + RENDER_WALL_SECONDS
    killed = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    out = b"".join(chunks)
    if killed or os.WIFSIGNALED(status) or out[:1] == b"L":
        raise TemplateProblem(f"mẫu {template_path.name}: {LIMIT_MESSAGE}")
    if out[:1] == b"O":
        return out[1:]
    if out[:1] == b"P":
        raise TemplateProblem(out[1:].decode("utf-8", "replace"))
    raise TemplateProblem(f"mẫu {template_path.name}: không điền được mẫu (tiến trình con dừng bất thường)")
