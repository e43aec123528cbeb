"""YAML files -> models, with every problem located by file, line, column and field.

Hostile or broken input must end in a message, never a traceback, an executed tag or an exhausted
machine: the size is capped before reading, the encoding is checked before parsing, and the
event stream is scanned (without building anything) for tags, nesting depth and the size that
aliases would expand to, before the composer ever sees it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from kehoach.model import Plan, Registry

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64
_STANDARD_TAGS = {
    None,
    "!",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}

M = TypeVar("M", bound=BaseModel)
Severity = Literal["error", "warning"]
PathT = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: int | None
    path: str
    code: str
    message: str
    severity: Severity = "error"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "code": self.code,
            "message": self.message,
        }


def format_path(path: PathT) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class Positions:
    """Line and column (1-based) of every key and item, looked up by field path."""

    where: dict[PathT, tuple[int, int]] = field(default_factory=dict)

    def of(self, path: PathT) -> tuple[int | None, int | None]:
        for n in range(len(path), -1, -1):
            pos = self.where.get(tuple(path[:n]))
            if pos:
                return pos
        return (None, None)


@dataclass
class Document:
    path: Path
    data: Any
    positions: Positions


class LoadError(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.message)


def _fail(path: Path, code: str, message: str, line: int | None = None, column: int | None = None) -> LoadError:
    return LoadError(Problem(str(path), line, column, "", code, message))


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(path, "encoding", "tệp mã hóa UTF-16; hãy lưu lại dưới dạng UTF-8", 1, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise _fail(
            path,
            "encoding",
            f"tệp không phải UTF-8 (byte 0x{raw[exc.start]:02x}); có thể là Windows-1258 hoặc TCVN3 — "
            "hãy mở và lưu lại với mã hóa UTF-8",
            line,
            col,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        col = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise _fail(path, "encoding", "tệp chứa ký tự NUL (tệp nhị phân hoặc hỏng)", line, col)
    return text


def _mark(exc: Exception) -> tuple[int | None, int | None]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return (None, None)
    return (mark.line + 1, mark.column + 1)


def _yaml_message(exc: Exception) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    text = f"lỗi cú pháp YAML: {problem}"
    if context:
        text += f" ({context})"
    if "\t" in str(exc) or "tab" in str(problem).lower():
        text += "; YAML không cho phép thụt lề bằng ký tự tab, hãy dùng dấu cách"
    return text


def _prescan(path: Path, text: str) -> None:
    """Walk the event stream: refuse foreign tags, deep nesting and alias expansion bombs."""
    from ruamel.yaml import YAML
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        NodeEvent,
        ScalarEvent,
    )

    anchors: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]  # [anchor, node count]
    depth = 0
    total = 0
    for event in YAML(typ="rt").parse(text):
        if isinstance(event, NodeEvent):
            tag = getattr(event, "tag", None)
            tag = getattr(tag, "value", tag)
            line, col = event.start_mark.line + 1, event.start_mark.column + 1
            if tag not in _STANDARD_TAGS:
                raise _fail(path, "yaml-tag", f"thẻ YAML {tag!r} không được phép (chỉ dữ liệu thuần)", line, col)
        if isinstance(event, AliasEvent):
            size = anchors.get(event.anchor, 1)
            stack[-1][1] += size
            total += size
        elif isinstance(event, ScalarEvent):
            if event.anchor:
                anchors[event.anchor] = 1
            stack[-1][1] += 1
            total += 1
        elif isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _fail(
                    path, "too-deep", f"lồng nhau quá {MAX_DEPTH} cấp: tệp kế hoạch không cần sâu như vậy", line, col
                )
            stack.append([event.anchor, 1])
            total += 1
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
            anchor, size = stack.pop()
            if anchor:
                anchors[anchor] = size
            stack[-1][1] += size
        if total > MAX_NODES:
            line = event.start_mark.line + 1
            raise _fail(
                path,
                "too-large",
                f"tệp có quá {MAX_NODES:,} nút dữ liệu (kể cả khi mở rộng bí danh/alias) — "
                "có thể là “bom bí danh”; từ chối đọc",
                line,
                None,
            )


def _plain(node: Any, path: PathT, positions: Positions) -> Any:
    """Round-trip nodes -> plain Python, recording where each key and item stands."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for key, value in node.items():
            try:
                line, col = node.lc.key(key)
                positions.where[(*path, str(key))] = (line + 1, col + 1)
            except (KeyError, TypeError):
                pass
            out[str(key) if not isinstance(key, str) else key] = _plain(value, (*path, str(key)), positions)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, value in enumerate(node):
            try:
                line, col = node.lc.item(i)
                positions.where[(*path, i)] = (line + 1, col + 1)
            except (KeyError, TypeError, IndexError):
                pass
            items.append(_plain(value, (*path, i), positions))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime):
        return node
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    if isinstance(node, str):
        return str(node)
    return node


def read_yaml(path: Path) -> Document:
    """Read one YAML file safely. Raises LoadError with a located, readable problem."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(path, "io", f"không đọc được tệp: {exc.strerror}") from None
    if size > MAX_BYTES:
        raise _fail(path, "too-large", f"tệp lớn {size / 1e6:.1f} MB, vượt giới hạn {MAX_BYTES // 2**20} MB")
    try:
        raw = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as exc:
        raise _fail(path, "io", f"không đọc được tệp: {exc.strerror}") from None
    text = _decode(path, raw)
    if not text.strip():
        raise _fail(path, "empty", "tệp rỗng: cần một bảng (mapping) YAML", 1, 1)
    try:
        _prescan(path, text)
        yaml = YAML(typ="rt")
        data = yaml.load(text)
    except LoadError:
        raise
    except MarkedYAMLError as exc:
        line, col = _mark(exc)
        code = "duplicate-key" if "duplicate key" in str(exc) else "yaml-syntax"
        msg = "khóa bị lặp lại trong cùng một bảng: " + str(getattr(exc, "problem", "") or "") if (
            code == "duplicate-key"
        ) else _yaml_message(exc)
        raise _fail(path, code, msg, line, col) from None
    except (YAMLError, ValueError, RecursionError) as exc:
        line, col = _mark(exc)
        raise _fail(path, "yaml-syntax", _yaml_message(exc), line, col) from None
    if data is None:
        raise _fail(path, "empty", "tệp không có dữ liệu: cần một bảng (mapping) YAML", 1, 1)
    if not isinstance(data, dict):
        kind = "danh sách" if isinstance(data, list) else type(data).__name__
        raise _fail(path, "not-mapping", f"cấp cao nhất phải là một bảng (mapping) YAML, không phải {kind}", 1, 1)
    positions = Positions()
    plain = _plain(data, (), positions)
    return Document(path, plain, positions)


_PYDANTIC_MESSAGES = {
    "extra_forbidden": "khóa không được phép (kiểm tra chính tả tên trường)",
    "missing": "thiếu trường bắt buộc",
    "string_type": "phải là chuỗi văn bản",
    "list_type": "phải là danh sách",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "date_from_datetime_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_type": "phải là ngày dạng YYYY-MM-DD",
    "literal_error": "giá trị không hợp lệ",
    "dict_type": "phải là một bảng (mapping)",
    "model_type": "phải là một bảng (mapping)",
    "too_short": "không được để trống",
    "string_too_short": "không được để trống",
    "greater_than_equal": "giá trị quá nhỏ",
    "less_than_equal": "giá trị quá lớn",
}


def validation_problems(doc: Document, exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        line, col = doc.positions.of(loc)
        kind = err["type"]
        message = _PYDANTIC_MESSAGES.get(kind, err["msg"])
        if kind == "value_error":
            message = str(err.get("ctx", {}).get("error", err["msg"]))
        elif kind == "literal_error":
            message += f" ({err['msg'].replace('Input should be', 'phải là')})"
        if kind not in ("missing",) and "input" in err and not isinstance(err["input"], dict | list):
            shown = repr(err["input"])
            if len(shown) > 60:
                shown = shown[:57] + "…"
            message += f"; nhận được {shown}"
        out.append(Problem(str(doc.path), line, col, format_path(loc), f"schema.{kind}", message))
    return out


def parse_model(doc: Document, model: type[M]) -> tuple[M | None, list[Problem]]:
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, validation_problems(doc, exc)


@dataclass
class LoadedPlan:
    plan: Plan
    path: Path
    positions: Positions

    def where(self, path: PathT) -> tuple[int | None, int | None]:
        return self.positions.of(path)

    def task_paths(self) -> Iterator[tuple[PathT, Any]]:
        for si, section in enumerate(self.plan.sections):
            for ti, task in enumerate(section.tasks):
                yield ("sections", si, "tasks", ti), task


@dataclass
class LoadedRegistry:
    registry: Registry | None
    path: Path
    positions: Positions


def load_plan_file(path: Path) -> tuple[LoadedPlan | None, list[Problem]]:
    try:
        doc = read_yaml(path)
    except LoadError as exc:
        return None, [exc.problem]
    plan, problems = parse_model(doc, Plan)
    if plan is None:
        return None, problems
    return LoadedPlan(plan, path, doc.positions), problems


def load_registry_file(path: Path) -> tuple[LoadedRegistry | None, list[Problem]]:
    try:
        doc = read_yaml(path)
    except LoadError as exc:
        return None, [exc.problem]
    reg, problems = parse_model(doc, Registry)
    return LoadedRegistry(reg, path, doc.positions), problems


def plan_files(root: Path) -> list[Path]:
    folder = root / "plans"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def has_plans(root: Path) -> bool:
    return bool(plan_files(root))


def default_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--data, else $KEHOACH_DATA, else ./data when it holds plans, else the bundled data."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("KEHOACH_DATA")
    if env:
        return Path(env)
    local = Path.cwd() / "data"
    if has_plans(local):
        return local
    return bundled_data_dir()


def bundled_data_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "bundled" / "data", here.parent.parent / "data"):
        if has_plans(candidate):
            return candidate
    return here / "bundled" / "data"
