"""The site's pages: Jinja templates filled in the report templates' sandbox, in child processes with limits.

Templates are found per file: ``templates/site/<name>`` beside the data folder (as report templates are:
``~/so-tai-chinh/templates/site/plan.html`` for data in ``~/so-tai-chinh/data``), else the bundled one in
``kehoach/site/templates/``. The style sheet ``site.css`` is found the same way; the script is always the
bundled one.

Every template is compiled by ``kehoach.report.render._sandbox`` (immutable, autoescaping, whitelisted
filters, no ``include``/``import``/``extends``, capped ranges and strings). When a page template beside the
data is used (untrusted), the pages are also rendered in child processes (a batch of pages each) under
``kehoach.report.render.run_limited``'s CPU-time, memory and wall-clock limits; the bundled templates are
the package's own and are filled in this process.
Since a template cannot include another, ``_macros.html`` is put in front of every page template (its
macros are then defined in each page), and a page's output is put into ``layout.html`` as ``body``.
Data is only ever a value in the context: "<script>", "{{ 7*7 }}" in a plan are text on the page.
"""

from __future__ import annotations

import functools
import json
import marshal
import os
from pathlib import Path
from typing import Any

PAGES = ("_macros.html", "layout.html", "index.html", "plan.html", "agency.html", "search.html")
STATIC = ("site.css", "site.js")
OVERRIDABLE_STATIC = ("site.css",)
_HERE = Path(__file__).resolve().parent


def bundled_dir() -> Path:
    return _HERE / "templates"


def override_dir(data_root: Path | None) -> Path | None:
    return None if data_root is None else Path(data_root).resolve().parent / "templates" / "site"


def find(name: str, data_root: Path | None) -> Path:
    """``templates/site/<name>`` beside the data folder when there is one, else the bundled file."""
    local = override_dir(data_root)
    if local is not None and (name in PAGES or name in OVERRIDABLE_STATIC) and (local / name).is_file():
        return local / name
    return bundled_dir() / name


def overridden(data_root: Path | None) -> list[Path]:
    """The files of ``templates/site/`` beside the data that replace bundled ones (the command says so)."""
    return [p for n in PAGES + OVERRIDABLE_STATIC if (p := find(n, data_root)).parent != bundled_dir()]


MAX_TEMPLATE_BYTES = 1 << 20  # a template or style sheet; a bigger file (or a device, a pipe) is refused


def _source(path: Path) -> str:
    from kehoach.report.render import TemplateProblem

    try:
        return static(path.name, None, path).decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateProblem(f"mẫu trang {path}: không phải văn bản UTF-8") from None


def static(name: str, data_root: Path | None, path: Path | None = None) -> bytes:
    """A template or the style sheet, read as a regular file of at most MAX_TEMPLATE_BYTES."""
    from kehoach.files import read_regular
    from kehoach.report.render import TemplateProblem

    path = path or find(name, data_root)
    content = read_regular(path, MAX_TEMPLATE_BYTES)
    if len(content) > MAX_TEMPLATE_BYTES:
        raise TemplateProblem(f"mẫu trang {path}: lớn quá {MAX_TEMPLATE_BYTES // (1 << 20)} MiB")
    return content


def search_script(entries: list[list[str]]) -> bytes:
    """The search index as a script (a file:// page cannot fetch a JSON file): ``window.KEHOACH_INDEX = […]``.

    Written with ``<``, ``>``, ``&`` and the two JavaScript line separators escaped, so no text of the data
    can end the script or be read as markup.
    """
    text = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return f"window.KEHOACH_INDEX = {text};\n".encode()


def abbreviations_script() -> bytes:
    """The abbreviations a search spells out (``kehoach.typed.ABBREVIATIONS``, the table ``kehoach tasks
    --search`` uses), for the pages' script to expand a query the same way: ``window.KEHOACH_ABBR = {…}``."""
    from kehoach.typed import ABBREVIATIONS

    text = json.dumps(ABBREVIATIONS, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return f"window.KEHOACH_ABBR = {text};\n".encode()


def render_pages(pages: list[tuple[str, str, dict[str, Any]]], data_root: Path | None) -> dict[str, bytes]:
    """Fill each (output path, template name, context) and return {output path: HTML bytes}.

    The bundled templates are the package's own: they are filled in this process. When a page template of
    ``templates/site/`` beside the data is used (untrusted), the pages are filled in child processes
    (``BATCH`` pages each) under the report sandbox's limits where the system can fork.
    Raises ``kehoach.report.render.TemplateProblem`` naming the template.
    """
    from kehoach.report.render import plain_only

    for _, _, ctx in pages:
        plain_only(ctx)
    found = {name: find(name, data_root) for name in PAGES}
    sources = {name: _source(path) for name, path in found.items()}
    if all(path.parent == bundled_dir() for path in found.values()) or not hasattr(os, "fork"):
        return _fill(pages, sources)
    import jinja2.sandbox  # noqa: F401 - imported before forking, as report rendering does
    from markupsafe import Markup  # noqa: F401

    from kehoach.report.render import run_limited

    out: dict[str, bytes] = {}
    layout = found["layout.html"]
    for first in range(0, len(pages), BATCH):  # the limits hold per batch: a big site is not a runaway template
        batch = pages[first : first + BATCH]
        result = marshal.loads(run_limited(functools.partial(_marshalled, batch, sources), layout))
        assert isinstance(result, dict)
        out.update(result)
    return out


BATCH = 64  # pages rendered by one child process


def _marshalled(pages: list[tuple[str, str, dict[str, Any]]], sources: dict[str, str]) -> bytes:
    return marshal.dumps(_fill(pages, sources))


def _fill(pages: list[tuple[str, str, dict[str, Any]]], sources: dict[str, str]) -> dict[str, bytes]:
    from markupsafe import Markup

    from kehoach.report.render import TemplateProblem, _sandbox, _template_error

    env = _sandbox()
    macros = sources["_macros.html"]
    compiled: dict[str, Any] = {}

    def template(name: str) -> Any:
        if name not in compiled:
            try:
                # The macros come first, on the same first line: a page's line numbers stay its own.
                compiled[name] = env.from_string(macros.replace("\n", " ") + sources[name])
            except Exception as exc:  # noqa: BLE001 - a broken template, said with its name
                raise TemplateProblem(f"mẫu trang {name}: {_template_error(exc, None)}") from None
        return compiled[name]

    out: dict[str, bytes] = {}
    for path, name, ctx in pages:
        current = name
        try:
            body = template(name).render(ctx)
            current = "layout.html"
            html = template("layout.html").render({**ctx, "body": Markup(body)})
        except TemplateProblem:
            raise
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - all the template's doing
            raise TemplateProblem(f"mẫu trang {current}: {_template_error(exc, None)}") from None
        out[path] = html.encode("utf-8")
    return out
