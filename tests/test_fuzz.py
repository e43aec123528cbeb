"""Structural fuzzing of the seed YAML: whatever is deleted, duplicated, retyped, reordered or escaped, the
tool answers with located problems (file, line), never an exception.

Bounded in `make test`; `make fuzz` (HYPOTHESIS_PROFILE=deep) runs many more examples.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kehoach.check import check, check_progress
from kehoach.dataset import load_data
from kehoach.loader import load_plan_file, load_registry_file
from kehoach.progress import load_progress

ROOT = Path(__file__).resolve().parent.parent
AEC = ROOT / "data" / "plans" / "aec-2026.yaml"
PROGRESS = ROOT / "data" / "progress" / "aec-2026" / "2026.yaml"
DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"
# `make test` draws a few dozen mutations (its CPU budget is small); `make fuzz` draws thousands.
EXAMPLES = {"file": 5000 if DEEP else 40, "pipeline": 800 if DEEP else 15}
COUNTS: dict[str, int] = {"file": 0, "pipeline": 0}  # examples actually run, printed by -s / reported in notes

_SETTINGS = {"deadline": None, "suppress_health_check": list(HealthCheck), "database": None}


def _plain(path: Path) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


SEED = _plain(AEC)
SEED_PROGRESS = _plain(PROGRESS)

NASTY = st.sampled_from([
    "\x1b[2J", "\x1b]8;;http://evil.example\x07", "\u202e", "\x00", "\x0b", "\r", "\n", "\t", "\x7f", "\x9b",
    "\ufeff", "\ud7ff", "{{ 7*7 }}", "=HYPERLINK(\"x\")", "*a", "&a", "!!python/object", "%", "---", "...",
    "Quý II/2026", "31/02/2026", "Hằng năm", "", " ", "9" * 40, "-1", "null", "yes",
])  # fmt: skip
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=True), NASTY,
    st.text(max_size=30), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
)  # fmt: skip


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*here, i))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        node = node[p]
    return node


@st.composite
def mutated(draw: Any, seed: Any) -> Any:
    """The seed with 1-4 structural changes: delete, duplicate, retype, reorder, escape."""
    import copy

    doc = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _get(doc, path[:-1]), path[-1]
        op = draw(st.sampled_from(["delete", "duplicate", "retype", "reorder", "escape", "wrap"]))
        if op == "delete":
            del parent[key]
        elif op == "duplicate":
            if isinstance(parent, list):
                parent.insert(key, copy.deepcopy(parent[key]))
            else:
                parent[f"{key}"] = copy.deepcopy(parent[key])
                parent[draw(st.sampled_from([str(key).upper(), f"{key}_", "id", "lead"]))] = copy.deepcopy(parent[key])
        elif op == "retype":
            mappings = st.dictionaries(st.text(max_size=5), SCALARS, max_size=3)
            parent[key] = draw(st.one_of(SCALARS, st.lists(SCALARS, max_size=3), mappings))
        elif op == "reorder":
            node = parent[key]
            if isinstance(node, list):
                parent[key] = draw(st.permutations(node))
            elif isinstance(node, dict):
                items = draw(st.permutations(list(node.items())))
                parent[key] = dict(items)
        elif op == "escape":
            value = parent[key]
            nasty = draw(NASTY)
            at = draw(st.integers(0, len(value))) if isinstance(value, str) else 0
            parent[key] = value[:at] + nasty + value[at:] if isinstance(value, str) else nasty
        else:  # a value wrapped one level deeper, or a mapping turned into a list of its values
            node = parent[key]
            parent[key] = list(node.values()) if isinstance(node, dict) else [node]
    return doc


def _dump(doc: Any) -> bytes:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue().encode("utf-8", "surrogatepass")


def _assert_located(problems: list[Any], path: Path) -> None:
    for p in problems:
        assert p.file == str(path), p
        assert p.message, p
        assert p.line is not None or p.code in ("empty", "too-large", "io"), p


@settings(max_examples=EXAMPLES["file"], **_SETTINGS)
@given(doc=mutated(SEED), byte_edit=st.one_of(st.none(), st.tuples(st.integers(0, 20_000), st.binary(max_size=4))))
def test_mutated_plan_file_gives_located_problems(tmp_path_factory: Any, doc: Any, byte_edit: Any) -> None:
    COUNTS["file"] += 1
    raw = _dump(doc)
    if byte_edit is not None:  # and sometimes raw bytes dropped into the text
        at, junk = byte_edit
        at = min(at, len(raw))
        raw = raw[:at] + junk + raw[at:]
    path = tmp_path_factory.mktemp("fuzz") / "plan.yaml"
    path.write_bytes(raw)
    _, problems = load_plan_file(path)
    _assert_located(problems, path)


@settings(max_examples=EXAMPLES["pipeline"], **_SETTINGS)
@given(plan=mutated(SEED), progress=mutated(SEED_PROGRESS), which=st.sampled_from(["plan", "progress", "both"]))
def test_mutated_data_through_check_status_and_queries(tmp_path_factory: Any, plan: Any, progress: Any, which: str):
    """The whole pipeline (loading, check, progress check, statuses, queries) on a mutated plan or progress file."""
    from kehoach.query import find_tasks
    from kehoach.status import status_codes

    COUNTS["pipeline"] += 1
    root = tmp_path_factory.mktemp("fuzzdata") / "data"
    root.mkdir()
    shutil.copy(ROOT / "data" / "agencies.yaml", root / "agencies.yaml")
    (root / "plans").mkdir()
    (root / "progress" / "aec-2026").mkdir(parents=True)
    plan_path = root / "plans" / "aec-2026.yaml"
    progress_path = root / "progress" / "aec-2026" / "2026.yaml"
    plan_path.write_bytes(_dump(plan) if which != "progress" else AEC.read_bytes())
    progress_path.write_bytes(_dump(progress) if which != "plan" else PROGRESS.read_bytes())
    data = load_data(root, cache=False)
    today = dt.date(2026, 11, 21)
    report = check(data, check_progress(data, today))
    for p in report.problems:
        assert p.file in (str(plan_path), str(progress_path), str(root / "agencies.yaml"), str(root / "plans")), p
        assert p.message
    load_progress(root)
    hits = find_tasks(data)
    status_codes(data, [(h.plan, h.task) for h in hits], today)


def test_registry_with_escapes_loads_or_is_located(tmp_path: Path):
    reg = _plain(ROOT / "data" / "agencies.yaml")
    reg["agencies"][0]["name"] = "Sở \x1b[2J\u202e"
    reg["agencies"][1]["aliases"] = [None, 5, {"x": 1}]
    path = tmp_path / "agencies.yaml"
    path.write_bytes(_dump(reg))
    _, problems = load_registry_file(path)
    _assert_located(problems, path)
    assert problems and all(p.line for p in problems)
