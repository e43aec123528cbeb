"""The package's layers, read from its source with ``ast``: no import runs back up, and no import circle.

Every ``import`` counts: at module level, inside a function (a lazy import still ties the modules), and
under ``if TYPE_CHECKING:``. The layers, lowest first, are described in docs/architecture.md; a module may
import its own layer and the layers below it. The parent packages Python runs on the way to a module
(``kehoach.report`` before ``kehoach.report.kinds``) are not counted as imports of it: a package's
``__init__`` that gathers its modules would otherwise make every module of the package a circle.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "kehoach"

# Lowest first. A module may import modules of its own layer and of the layers before it.
LAYERS = ["vocabulary", "files", "dataset", "rules", "products", "presentation", "cli"]

# Every module of the package, and its layer. A new module fails test_every_module_has_a_layer until it
# is added here (and to the table of docs/architecture.md).
LAYER_OF = {
    # vocabulary: what the data is and how its words are read, without touching a file
    "kehoach": "vocabulary",  # the package itself: __version__
    "kehoach.errors": "vocabulary",
    "kehoach.text": "vocabulary",
    "kehoach.model": "vocabulary",
    "kehoach.deadlines": "vocabulary",
    "kehoach.agencies": "vocabulary",
    "kehoach.attainment": "vocabulary",
    "kehoach.resources": "vocabulary",
    "kehoach.typed": "vocabulary",
    # files: reading and writing files safely, each file on its own
    "kehoach.files": "files",
    "kehoach.loader": "files",
    "kehoach.cache": "files",
    "kehoach.modeltree": "files",
    "kehoach.wordfile": "files",
    "kehoach.yamledit": "files",
    "kehoach.progress": "files",
    "kehoach.datainit": "files",
    # dataset: one data directory, loaded once
    "kehoach.dataset": "dataset",
    # rules: the answers about a data set
    "kehoach.responsibility": "rules",
    "kehoach.qindex": "rules",
    "kehoach.status": "rules",
    "kehoach.query": "rules",
    "kehoach.check": "rules",
    "kehoach.catalog": "rules",
    "kehoach.detail": "rules",
    "kehoach.present": "rules",
    "kehoach.duties": "rules",
    "kehoach.progress_cycles": "rules",
    # products: what is made from the answers (reports, exports, imports, comparisons)
    "kehoach.report": "products",
    "kehoach.report.kinds": "products",
    "kehoach.report.form": "products",
    "kehoach.report.recipients": "products",
    "kehoach.report.context": "products",
    "kehoach.report.render": "products",
    "kehoach.chart": "products",
    "kehoach.export": "products",
    "kehoach.export.xlsx": "products",
    "kehoach.export.ics": "products",
    "kehoach.export.sqlite": "products",
    "kehoach.importer": "products",
    "kehoach.plandiff": "products",
    "kehoach.site": "products",
    "kehoach.site.build": "products",
    "kehoach.site.context": "products",
    "kehoach.site.render": "products",
    "kehoach.progress_write": "products",
    "kehoach.forms": "products",
    "kehoach.progress_cells": "products",
    "kehoach.progress_import": "products",
    "kehoach.report_import": "products",
    # presentation: text, tables and JSON on a terminal
    "kehoach.output": "presentation",
    "kehoach.table": "presentation",
    "kehoach.clickapi": "presentation",
    "kehoach.listing": "presentation",
    # cli: options, commands and the error boundary
    "kehoach.cli": "cli",
    "kehoach.cli.options": "cli",
    "kehoach.cli.errors": "cli",
    "kehoach.cli.check": "cli",
    "kehoach.cli.query": "cli",
    "kehoach.cli.progress": "cli",
    "kehoach.cli.report": "cli",
    "kehoach.cli.export": "cli",
    "kehoach.cli.encode": "cli",
    "kehoach.cli.cache": "cli",
    "kehoach.cli.completion": "cli",
    "kehoach.cli.site": "cli",
    "kehoach.cli.show": "cli",
    "kehoach.cli.listing": "cli",
    "kehoach.cli.argv": "cli",
    "kehoach.cli.placeholders": "cli",
    "kehoach.__main__": "cli",
}

# Imports that break the rule today, each with the change that removes it. An entry no longer needed
# fails test_known_exceptions_are_still_needed, so that it is taken out.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}

HOW_TO_ADD = (
    "add it to LAYER_OF in tests/test_layers.py with the lowest layer whose modules are all it needs "
    "(layers, lowest first: {layers}), and to the table in docs/architecture.md"
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _owner(name: str) -> str | None:
    """The package module that ``name`` (a module or a name inside one) belongs to."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> list[tuple[str, int]]:
    """(imported package module, line) for every import statement of the file, wherever it stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        seen = set()
        for name in names:
            if name == "kehoach" or name.startswith("kehoach."):
                owner = _owner(name)
                # `from kehoach.export import xlsx` imports the submodule; `from kehoach import __version__`
                # only the package. The most precise owner of each name is what the statement needs.
                if owner and owner != module and owner not in seen:
                    seen.add(owner)
                    out.append((owner, node.lineno))
    return out


@functools.cache  # parsed when a test asks, not when every pytest-xdist worker collects the module
def _graph() -> dict[str, dict[str, int]]:
    graph: dict[str, dict[str, int]] = {}
    for module, path in MODULES.items():
        edges: dict[str, int] = {}
        for target, line in _imports(module, path):
            edges.setdefault(target, line)
        graph[module] = edges
    return graph


def _rank(module: str) -> int:
    return LAYERS.index(LAYER_OF[module])


def test_every_module_has_a_layer():
    missing = sorted(set(MODULES) - set(LAYER_OF))
    how = HOW_TO_ADD.format(layers=" → ".join(LAYERS))
    assert not missing, f"modules without a layer: {', '.join(missing)}; for each, {how}"
    gone = sorted(set(LAYER_OF) - set(MODULES))
    assert not gone, f"LAYER_OF names modules that do not exist any more: {', '.join(gone)}; remove them"
    assert set(LAYER_OF.values()) <= set(LAYERS)


def test_no_import_runs_back_up():
    upward = []
    for module, edges in _graph().items():
        for target, line in sorted(edges.items(), key=lambda e: e[1]):
            if module not in LAYER_OF or target not in LAYER_OF or (module, target) in KNOWN_EXCEPTIONS:
                continue  # a module without a layer fails the test above
            if _rank(target) > _rank(module):
                where = MODULES[module].relative_to(PACKAGE.parent.parent)
                upward.append(
                    f"{where}:{line}: {module} ({LAYER_OF[module]}) imports {target} ({LAYER_OF[target]})"
                )
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


def test_no_import_cycle():
    graph = {m: {t for t in edges if (m, t) not in KNOWN_EXCEPTIONS} for m, edges in _graph().items()}
    # Tarjan's strongly connected components: any component of more than one module is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    described = []
    for circle in circles:
        members = set(circle)
        lines = [
            f"  {m} imports {t} (line {_graph()[m][t]})" for m in circle for t in sorted(graph[m]) if t in members
        ]
        described.append(", ".join(circle) + ":\n" + "\n".join(lines))
    assert not circles, "import circles:\n" + "\n".join(described)


def test_known_exceptions_are_still_needed():
    for (module, target), why in KNOWN_EXCEPTIONS.items():
        assert target in _graph().get(module, {}), f"{module} no longer imports {target} ({why}): remove the exception"
        assert _rank(target) > _rank(module), f"{module} → {target} is allowed now ({why}): remove the exception"


def test_the_checker_sees_lazy_and_relative_imports(tmp_path: Path):
    """The rule is only as good as its reading of import statements: a function-level import counts."""
    source = tmp_path / "mod.py"
    source.write_text(
        "import os\n"
        "from kehoach.errors import KehoachError\n"
        "def f():\n"
        "    from kehoach.cli.options import use\n"
        "    import kehoach.report.render\n"
        "    from kehoach.export import flatten_row\n",
        encoding="utf-8",
    )
    found = _imports("kehoach.somewhere", source)
    assert found == [
        ("kehoach.errors", 2),
        ("kehoach.cli.options", 4),
        ("kehoach.report.render", 5),
        ("kehoach.export", 6),
    ]
