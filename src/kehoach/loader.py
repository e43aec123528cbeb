"""YAML files -> models, with every problem located by file, line, column and field.

Hostile or broken input must end in a message, never a traceback, an executed tag or an exhausted
machine: the size is capped before reading, the encoding is checked before parsing, and each file
is parsed once: plain data is built straight from libyaml's event stream while tags, nesting depth
and the size that aliases would expand to are checked, so nothing is built past a limit.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
import re
import sys
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from kehoach.errors import DataError
from kehoach.model import Plan, RegistryFile, Task

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
# YAML forbids these; libyaml would say "unacceptable character" without saying where.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
Severity = Literal["error", "warning"]
PathT = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)  # tens of thousands of warnings on a large data set
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
        return (1, 1)  # a top-level key that is missing: the document itself, which starts at line 1

    def forget(self) -> None:
        """Drop what can be read again (see ``packed`` and ``kehoach.cache``); a plain dict is the only copy."""

    def packed(self) -> Positions:
        """The same positions kept as marshal bytes, a fraction of the dict's memory, unpacked while in use."""
        try:
            return _PackedPositions(marshal.dumps(self.where))
        except ValueError:  # not marshal-able: kept as they are
            return self


class _PackedPositions(Positions):
    def __init__(self, packed: bytes) -> None:
        self._packed = packed
        self._where: dict[PathT, tuple[int, int]] | None = None

    @property
    def where(self) -> dict[PathT, tuple[int, int]]:  # type: ignore[override]
        if self._where is None:
            self._where = marshal.loads(self._packed)
        return self._where

    def forget(self) -> None:
        self._where = None

    def packed(self) -> Positions:
        return self


@dataclass
class Document:
    path: Path
    data: Any
    positions: Positions


class LoadError(DataError):
    """One file cannot be loaded; ``problem`` says where and why."""

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
    bad = _CONTROL.search(text)
    if bad:
        at = bad.start()
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        if bad.group() == "\x00":
            raise _fail(path, "encoding", "tệp chứa ký tự NUL (tệp nhị phân hoặc hỏng)", line, col)
        raise _fail(
            path,
            "encoding",
            f"ký tự điều khiển U+{ord(bad.group()):04X} (thường do dán từ Word); hãy xóa hoặc thay bằng dấu cách",
            line,
            col,
        )
    return text


def _too_deep(path: Path, line: int | None = None, col: int | None = None) -> LoadError:
    return _fail(path, "too-deep", f"lồng nhau quá {MAX_DEPTH} cấp: tệp kế hoạch không cần sâu như vậy", line, col)


def _mark(exc: Exception) -> tuple[int | None, int | None]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return (None, None)
    return (mark.line + 1, mark.column + 1)


def _yaml_message(exc: Exception, text: str = "") -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"lỗi cú pháp YAML: {problem}"
    if context:
        message += f" ({context})"
    line, _ = _mark(exc)
    lines = text.splitlines()
    if line and 0 < line <= len(lines) and "\t" in lines[line - 1]:
        message += "; YAML không cho phép thụt lề bằng ký tự tab, hãy dùng dấu cách"
    return message


def _events(text: str) -> Any:
    """libyaml's event stream (ruamel.yaml.clib), else ruamel's own parser."""
    try:
        from _ruamel_yaml import CParser  # type: ignore[import-not-found]
    except ImportError:
        from ruamel.yaml import YAML

        return iter(YAML(typ="safe", pure=True).parse(text))
    parser = CParser(text)
    return iter(parser.get_event, None)


def _resolver() -> tuple[dict[str, list[tuple[str, Any]]], Any]:
    """YAML 1.2 implicit types by first character, and a constructor for the non-string ones."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    table = yaml.resolver.versioned_resolver
    anywhere = list(table.get(None, []))
    by_first = {k: [(str(getattr(t, "value", t)), r) for t, r in [*v, *anywhere]] for k, v in table.items() if k}
    return by_first, yaml.constructor


_RESOLVER: tuple[dict[str, list[tuple[str, Any]]], Any] | None = None
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
# The plain scalars plan files hold by the thousand, read without ruamel's constructor (~20 µs each):
# a decimal integer, a YYYY-MM-DD date, true/false. Anything else of these tags goes to the constructor.
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})")
_PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def _compose(path: Path, text: str) -> tuple[Any, Positions]:
    """One pass over libyaml's event stream -> plain Python data and the position of every key and item.

    The limits are enforced while building: nesting depth, and a node budget in which an alias counts
    for the whole subtree it stands for, so a "billion laughs" file is refused without expanding it
    (an alias shares the already-built value). Any tag beyond YAML's standard ones is refused. Keys
    are kept as written (an unquoted "2.10" stays "2.10", not 2.1).
    """
    global _RESOLVER
    from ruamel.yaml.events import (
        AliasEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
    )

    if _RESOLVER is None:
        _RESOLVER = _resolver()
    composer = _Composer(path, *_RESOLVER)
    handlers = {
        ScalarEvent: composer.scalar,
        MappingStartEvent: composer.start_mapping,
        SequenceStartEvent: composer.start_sequence,
        MappingEndEvent: composer.end,
        SequenceEndEvent: composer.end,
        AliasEvent: composer.alias,
        DocumentStartEvent: composer.document,
    }
    for event in _events(text):
        handler = handlers.get(event.__class__)
        if handler is not None:
            handler(event)
    return (composer.root if composer.have_root else None), Positions(composer.where)


class _Composer:
    """The state of one pass of ``_compose``: the open collection (its container, path, kind, the key
    waiting for its value, its anchor, the node count when it opened), the outer ones on ``stack``, and the
    budget spent. One method per kind of event."""

    __slots__ = (
        "path", "by_first", "constructor", "where", "anchors", "open_anchors", "resolved", "stack",
        "container", "cpath", "is_map", "key", "anchor", "started", "root", "have_root", "documents", "nodes",
    )

    def __init__(self, path: Path, by_first: dict[str, list[tuple[str, Any]]], constructor: Any) -> None:
        self.path = path
        self.by_first = by_first
        self.constructor = constructor
        self.where: dict[PathT, tuple[int, int]] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.resolved: dict[str, str] = {}  # plain scalar -> its implicit tag, for values met again
        self.stack: list[tuple[Any, PathT, bool, Any, str | None, int]] = []
        self.container: Any = None
        self.cpath: PathT = ()
        self.is_map = False
        self.key: Any = None
        self.anchor: str | None = None
        self.started = 0
        self.root: Any = None
        self.have_root = False
        self.documents = 0
        self.nodes = 0

    # --- the events ----------------------------------------------------------------------------------

    def scalar(self, event: Any) -> None:
        # The most frequent event: the budget and the tag are checked here, not through calls.
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._too_many(event)
        tag = None if event.tag is None else self._checked_tag(event)
        if self.is_map and self.key is None:
            self._key(event)
            return
        value = event.value
        if tag is not None or (value and value[0] in self.by_first):  # else a plain string, or "" (null)
            value = self._scalar_value(event, tag)
        elif not value and event.implicit[0]:
            value = None
        mark = event.start_mark
        self._place(value, event, mark.line + 1, mark.column + 1)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)

    def start_mapping(self, event: Any) -> None:
        self._open(event, {}, True)

    def start_sequence(self, event: Any) -> None:
        self._open(event, [], False)

    def end(self, event: Any) -> None:
        if self.anchor:
            self.open_anchors.discard(self.anchor)
            self.anchors[self.anchor] = (self.container, self.nodes - self.started + 1)
        self.container, self.cpath, self.is_map, self.key, self.anchor, self.started = self.stack.pop()
        if self.is_map:
            self.key = None  # the value just closed was the pending key's

    def alias(self, event: Any) -> None:
        name = event.anchor
        mark = event.start_mark
        line, col = mark.line + 1, mark.column + 1
        if name in self.open_anchors:
            raise _fail(
                self.path, "too-large", f"bí danh (alias) *{name} tự tham chiếu chính nó; từ chối đọc", line, col
            )
        if name not in self.anchors:
            message = f"lỗi cú pháp YAML: bí danh *{name} chưa được định nghĩa"
            raise _fail(self.path, "yaml-syntax", message, line, col)
        value, size = self.anchors[name]
        self._spend(event, size)
        self._place(value, event, line, col)

    def document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            mark = event.start_mark
            message = "lỗi cú pháp YAML: tệp chỉ được có một tài liệu YAML"
            raise _fail(self.path, "yaml-syntax", message, mark.line + 1, mark.column + 1)

    # --- the steps they share ------------------------------------------------------------------------

    def _spend(self, event: Any, size: int) -> None:
        """Count ``size`` nodes against the budget (an alias counts for the whole subtree it stands for)."""
        self.nodes += size
        if self.nodes > MAX_NODES:
            raise self._too_many(event)

    def _too_many(self, event: Any) -> LoadError:
        why = (
            "bí danh (alias) nhân bản dữ liệu quá mức, có thể là “bom bí danh”"
            if self.anchors or self.open_anchors
            else "tệp kế hoạch không cần nhiều như vậy"
        )
        mark = event.start_mark
        message = f"tệp có quá {MAX_NODES:,} nút dữ liệu ({why}); từ chối đọc"
        return _fail(self.path, "too-large", message, mark.line + 1, mark.column + 1)

    def _checked_tag(self, event: Any) -> str | None:
        """The event's explicit tag as text, or None; a tag beyond YAML's standard ones is refused."""
        tag = event.tag
        if tag is not None:
            tag = tag if isinstance(tag, str) else str(getattr(tag, "value", tag))
            if tag not in _STANDARD_TAGS:
                raise _tag(self.path, tag, event)
        return tag

    def _bad_key(self, event: Any) -> LoadError:
        mark = event.start_mark
        return _fail(self.path, "yaml-syntax", "khóa của bảng phải là chuỗi đơn giản", mark.line + 1, mark.column + 1)

    def _key(self, event: Any) -> None:
        """A scalar where the open mapping waits for a key: kept as written, refused when repeated."""
        if self.container is None:
            raise self._bad_key(event)
        value = event.value
        mark = event.start_mark
        kpath = (*self.cpath, value)
        if value in self.container:
            first = self.where.get(kpath, (None,))[0]
            raise _fail(
                self.path,
                "duplicate-key",
                f"khóa {value!r} bị lặp lại trong cùng một bảng (dòng {first} và dòng {mark.line + 1})",
                mark.line + 1,
                mark.column + 1,
            )
        self.where[kpath] = (mark.line + 1, mark.column + 1)
        self.key = value
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)

    def _scalar_value(self, event: Any, tag: str | None) -> Any:
        """A scalar's Python value: by its explicit tag, or for a plain one by how it looks."""
        value = event.value
        if tag is None:
            if event.implicit[0]:  # plain: its type comes from how it looks
                if not value:
                    return None
                rules = self.by_first.get(value[0])
                if rules is not None:
                    kind = self.resolved.get(value)
                    if kind is None:
                        kind = next((t for t, rx in rules if rx.match(value)), _STR)
                        self.resolved[value] = kind
                    if kind == _NULL:
                        return None
                    if kind != _STR:
                        return self._construct(kind, event)
            return value
        if tag == _NULL:
            return None
        if tag != _STR and tag != "!":
            return self._construct(tag, event)
        return value

    def _construct(self, tag: str, event: Any) -> Any:
        value = event.value
        if tag == "tag:yaml.org,2002:int" and _PLAIN_INT.fullmatch(value):
            return int(value)
        if tag == "tag:yaml.org,2002:timestamp" and _PLAIN_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass  # "2026-13-45": the constructor's message
        if tag == "tag:yaml.org,2002:bool" and value in _BOOLS:
            return _BOOLS[value]
        from ruamel.yaml.nodes import ScalarNode

        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError) as exc:  # "2026-13-45" looks like a date but is none
            mark = event.start_mark
            message = f"giá trị {event.value!r} không đọc được ({exc})"
            raise _fail(self.path, "yaml-syntax", message, mark.line + 1, mark.column + 1) from None

    def _place(self, value: Any, event: Any, line: int, col: int) -> None:
        """Put a finished value where it belongs: the document's root, the pending key, or the next item."""
        container = self.container
        if container is None:
            self.root, self.have_root = value, True
        elif self.is_map:
            if self.key is None:
                raise self._bad_key(event)
            container[self.key] = value
            self.key = None
        else:
            self.where[(*self.cpath, len(container))] = (line, col)
            container.append(value)

    def _open(self, event: Any, new: Any, is_map: bool) -> None:
        """A mapping or sequence starts: placed like a value, then it is the open collection."""
        self._spend(event, 1)
        mark = event.start_mark
        if len(self.stack) >= MAX_DEPTH:
            raise _too_deep(self.path, mark.line + 1, mark.column + 1)
        self._checked_tag(event)
        npath: PathT
        container = self.container
        if container is None:
            if self.have_root or self.stack:
                raise self._bad_key(event)
            self.root, self.have_root, npath = new, True, ()
        elif self.is_map:
            if self.key is None:
                raise self._bad_key(event)
            container[self.key] = new
            npath = (*self.cpath, self.key)
        else:
            npath = (*self.cpath, len(container))
            self.where[npath] = (mark.line + 1, mark.column + 1)
            container.append(new)
        self.stack.append((container, self.cpath, self.is_map, self.key, self.anchor, self.started))
        self.container, self.cpath, self.is_map, self.key, self.anchor, self.started = (
            new, npath, is_map, None, None, self.nodes
        )
        if event.anchor:
            self.anchor = event.anchor
            self.open_anchors.add(self.anchor)


def _tag(path: Path, tag: Any, event: Any) -> LoadError:
    line, col = event.start_mark.line + 1, event.start_mark.column + 1
    return _fail(path, "yaml-tag", f"thẻ YAML {tag!r} không được phép (chỉ dữ liệu thuần)", line, col)


def read_data_file(path: Path) -> bytes:
    """The bytes of a data file: a regular file of at most MAX_BYTES, else a LoadError naming the file.

    A FIFO, a device (a symlink to /dev/zero), a directory named like a data file, a link that leads out
    of the data folder are refused without reading; a bigger file is refused after reading MAX_BYTES + 1
    bytes, never more.
    """
    from kehoach.files import NotRegularFile, data_folder_of, leaves_folder, read_regular

    folder = data_folder_of(path)
    if folder is not None and os.path.isfile(path) and leaves_folder(path, folder):  # a device: "not-a-file"
        # Git carries links: one in plans/ to ~/.config/… must not bring a secret into messages and CI logs.
        raise _fail(path, "outside-data", "là liên kết tới một tệp ngoài thư mục dữ liệu; không đọc (chép tệp vào đây)")
    try:
        raw = read_regular(path, MAX_BYTES)
    except NotRegularFile as exc:
        raise _fail(path, "not-a-file", f"đây là {exc.strerror}, không phải tệp thường; không đọc") from None
    except OSError as exc:
        raise _fail(path, "io", f"không đọc được tệp: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise _fail(path, "too-large", f"tệp lớn hơn giới hạn {MAX_BYTES // 2**20} MB; từ chối đọc")
    return raw


def read_yaml(path: Path, raw: bytes | None = None) -> Document:
    """Read one YAML file safely. Raises LoadError with a located, readable problem.

    ``raw``: the file's bytes, when the caller has read them (``read_data_file``) to know exactly what
    was parsed.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if raw is None:
        raw = read_data_file(path)
    text = _decode(path, raw)
    if not text.strip():
        raise _fail(path, "empty", "tệp rỗng: cần một bảng (mapping) YAML", 1, 1)
    try:
        data, positions = _compose(path, text)
    except LoadError:
        raise
    except RecursionError:
        raise _too_deep(path) from None
    except (MarkedYAMLError, YAMLError, ValueError, TypeError) as exc:
        line, col = _mark(exc)
        raise _fail(path, "yaml-syntax", _yaml_message(exc, text), line, col) from None
    if data is None:
        raise _fail(path, "empty", "tệp không có dữ liệu: cần một bảng (mapping) YAML", 1, 1)
    if not isinstance(data, dict):
        kind = "danh sách" if isinstance(data, list) else type(data).__name__
        raise _fail(path, "not-mapping", f"cấp cao nhất phải là một bảng (mapping) YAML, không phải {kind}", 1, 1)
    return Document(path, data, positions)


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


def allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    """The keys a mapping at ``loc`` (a path of keys and list indices below ``model``) may hold."""
    import typing

    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            return None
        annotation = fields[part].annotation
        current = None
        for candidate in (annotation, *typing.get_args(annotation)):
            for inner in (candidate, *typing.get_args(candidate)):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    current = inner
                    break
            if current is not None:
                break
        if current is None:
            return None
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else None


def _extra_key_message(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> str:
    key = loc[-1] if loc else "?"
    allowed = allowed_keys(model, loc[:-1]) if model is not None else None
    if not allowed:
        return f"khóa {key!r} không được phép ở đây"
    import difflib

    nearest = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
    hint = f" (có phải {nearest[0]!r}?)" if nearest else ""
    return f"khóa {key!r} không được phép ở đây{hint}; các khóa được phép: {', '.join(allowed)}"


def validation_problems(doc: Document, exc: ValidationError, model: type[BaseModel] | None = None) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        line, col = doc.positions.of(loc)
        kind = err["type"]
        message = _PYDANTIC_MESSAGES.get(kind, err["msg"])
        if kind == "extra_forbidden":
            message = _extra_key_message(model, loc)
        elif kind == "value_error":
            message = str(err.get("ctx", {}).get("error", err["msg"]))
        elif kind == "literal_error":
            message += f" ({err['msg'].replace('Input should be', 'phải là')})"
        if kind not in ("missing", "extra_forbidden") and "input" in err and not isinstance(err["input"], dict | list):
            shown = repr(err["input"])
            if len(shown) > 60:
                shown = shown[:57] + "…"
            message += f"; nhận được {shown}"
        out.append(Problem(str(doc.path), line, col, format_path(loc), f"schema.{kind}", message))
    return out


def parse_model(doc: Document, model: type[M]) -> tuple[M | None, list[Problem]]:
    try:
        return share_fields_sets(model.model_validate(doc.data)), []
    except ValidationError as exc:
        return None, validation_problems(doc, exc, model)


# A data set of 100,000 tasks is a million small objects, and three kinds of them repeat for nothing:
# - every pydantic object carries the set of the fields it was given, a set of its own (for a task, more
#   memory than its text): objects given the same fields share one;
# - most list fields are empty (no successor, no other deadline…): they share one empty list that
#   refuses to change;
# - the names in lead, support, to… are a few hundred strings written again and again: each is kept once.
# Nothing changes a frozen model's values, so the sharing cannot be seen.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
_SHAPES: dict[type, tuple[set[str], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
_NAME_LISTS = frozenset({"lead", "support", "successor", "inferred", "to", "via", "cc", "senders", "excludes"})


class FrozenEmptyList(list):  # type: ignore[type-arg]
    """The empty list every model field left empty holds: it refuses to change."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("danh sách rỗng dùng chung của dữ liệu đã nạp, không sửa được")

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse  # type: ignore[assignment]
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse  # type: ignore[assignment]


EMPTY_LIST = FrozenEmptyList()


def share_fields_sets(obj: M, *, names: bool = True) -> M:
    """``obj`` and the models inside it, sharing their sets of given fields, empty lists and (``names``) names.

    Models read from JSON need no ``names``: pydantic's JSON parser already hands out one string for
    each short text it meets again.
    """
    _share(obj, names)
    return obj


def _share(obj: BaseModel, names: bool) -> None:
    cls = obj.__class__
    full, plain, named, holders = _SHAPES.get(cls) or _shape(cls)
    given = obj.__pydantic_fields_set__
    if len(given) == len(full):  # every field (as read back from the cache's JSON)
        _setattr(obj, "__pydantic_fields_set__", full)
    else:
        key = frozenset(given)
        shared = _FIELDS_SETS.get(key)
        if shared is None:
            shared = _FIELDS_SETS[key] = set(given)
        _setattr(obj, "__pydantic_fields_set__", shared)
    values = obj.__dict__
    for name in plain:  # lists of plain values
        if not values[name] and values[name].__class__ is list:
            values[name] = EMPTY_LIST
    if names:
        for name in named:
            value = values[name]
            if value and value.__class__ is list:
                values[name] = [_intern(v) if v.__class__ is str else v for v in value]
    for name in holders:  # fields that may hold models
        value = values[name]
        if value.__class__ is list:
            if not value:
                values[name] = EMPTY_LIST
            else:
                for item in value:
                    if isinstance(item, BaseModel):
                        _share(item, names)
        elif isinstance(value, BaseModel):
            _share(value, names)
        elif value.__class__ is dict:
            for item in value.values():
                if isinstance(item, BaseModel):
                    _share(item, names)


_setattr = object.__setattr__
_intern = sys.intern


def _shape(cls: type[BaseModel]) -> tuple[set[str], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    fields = cls.model_fields
    holders = tuple(n for n, f in fields.items() if _holds_models(f.annotation))
    plain = tuple(n for n, f in fields.items() if typing.get_origin(f.annotation) is list and n not in holders)
    shape = _SHAPES[cls] = (set(fields), plain, tuple(n for n in plain if n in _NAME_LISTS), holders)
    return shape


def _holds_models(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_models(a) for a in typing.get_args(annotation))


class LoadedPlan:
    """One plan file as loaded. From the cache a plan comes undecoded (``kehoach.modeltree.PlanRecord``): its head
    (``head``) and single tasks (``task_at``) are decoded as the query index asks for them, the whole plan
    (``plan``) the first time anything else asks; the answers are the same either way."""

    __slots__ = ("_plan", "path", "positions", "_record", "_scope", "_bound")

    def __init__(self, plan: Plan | None, path: Path, positions: Positions, record: Any = None) -> None:
        if plan is None and record is None:
            raise ValueError("a plan or its record")
        self._plan = plan
        self.path = path
        self.positions = positions
        self._record = record
        self._scope: tuple[str | None] | None = None  # the default jurisdiction once bound (a 1-tuple)
        self._bound = False  # the whole plan's names marked

    def __repr__(self) -> str:
        return f"LoadedPlan({str(self.path)!r})"

    @property
    def plan(self) -> Plan:
        """The whole plan (decoded now if it was not)."""
        if self._plan is None:
            try:
                self._plan = self._record.full()
            except (ValueError, EOFError, TypeError, KeyError, AttributeError, RecursionError):
                return self._read_again()
            self._record = None
            self._bound = self._scope is not None  # the record marked its names as it decoded them
        return self._plan

    def _read_again(self) -> Plan:
        """The cache's bytes of this plan did not decode (damaged since they were read): the file itself is
        read again, as when the cache is off."""
        from kehoach.errors import DataError

        lp, problems = load_plan_file(self.path, None)
        if lp is None:
            raise DataError(problems[0].message if problems else f"không đọc được {str(self.path)!r}")
        self._plan, self._record, self._bound = lp.plan, None, False
        if self._scope is not None:
            self.bind(self._scope[0])
        return self._plan

    @property
    def loaded(self) -> bool:
        return self._plan is not None

    @property
    def head(self) -> Plan:
        """What the plan says of itself, without decoding its tasks when it was not decoded (its task lists and
        targets decode the whole plan when read: ``kehoach.modeltree.NotLoaded``); ``task_at`` gives single tasks."""
        if self._plan is not None:
            return self._plan
        return self._record.head()  # type: ignore[no-any-return]

    @property
    def task_count(self) -> int:
        return len(self._record) if self._plan is None else len(self._plan.tasks)

    def task_by_id(self, task_id: str) -> Task | None:
        """The first task with this id, as a scan of ``Plan.tasks`` finds it; None when there is none."""
        if self._plan is None:
            i = self._record.index_of(task_id)
            return None if i is None else self.task_at(i)
        return next((t for t in self._plan.tasks if t.id == task_id), None)

    def task_id_at(self, i: int) -> str | None:
        """The id of task ``i`` when the plan's ids are unique and it is known without decoding the task."""
        if self._plan is not None:
            return None
        return self._record.unique_id_at(i)  # type: ignore[no-any-return]

    def task_at(self, i: int) -> Task:
        """Task ``i`` in ``Plan.tasks`` order."""
        if self._plan is None:
            try:
                return self._record.task(i)  # type: ignore[no-any-return]
            except (ValueError, EOFError, TypeError, KeyError, AttributeError, RecursionError):
                self._read_again()
        assert self._plan is not None
        return self._plan.tasks[i]

    def bind(self, default: str | None) -> None:
        """Mark the names the plan writes with its jurisdiction (``kehoach.agencies.bind_plan``), now or, for a
        plan not decoded yet, as each part is decoded."""
        from kehoach.agencies import bind_head, bind_plan, bind_task

        self._scope = (default,)
        if self._plan is not None:
            if not self._bound:
                bind_plan(self._plan, default)
                self._bound = True
            return
        record = self._record
        scope: list[str | None] = []

        def head(plan: Plan) -> None:
            found = bind_head(plan, default)
            if not scope:
                scope.append(found)

        def task(t: Task) -> None:
            if not scope:
                self.head  # noqa: B018 - the head tells the scope
            if scope and scope[0] is not None:
                bind_task(t, scope[0])

        record.set_binders(head, task)

    def where(self, path: PathT) -> tuple[int | None, int | None]:
        return self.positions.of(path)

    def task_paths(self) -> Iterator[tuple[PathT, Any]]:
        for si, section in enumerate(self.plan.sections):
            for ti, task in enumerate(section.tasks):
                yield ("sections", si, "tasks", ti), task


@dataclass
class LoadedRegistry:
    registry: RegistryFile | None
    path: Path
    positions: Positions


def load_plan_file(path: Path, cache: Any = None) -> tuple[LoadedPlan | None, list[Problem]]:
    """One plan file; with a ``kehoach.cache.FileCache``, taken from it when the file is unchanged."""
    if cache is not None:
        plan, problems, positions = cache.model(path, Plan)
        if plan is None:
            return None, problems
        if isinstance(plan, Plan):
            return LoadedPlan(plan, path, positions), problems
        return LoadedPlan(None, path, positions, record=plan), problems  # a PlanRecord: decoded as asked
    try:
        doc = read_yaml(path)
    except LoadError as exc:
        return None, [exc.problem]
    plan, problems = parse_model(doc, Plan)
    if plan is None:
        return None, problems
    return LoadedPlan(plan, path, doc.positions.packed()), problems


def load_registry_file(path: Path, cache: Any = None) -> tuple[LoadedRegistry | None, list[Problem]]:
    if cache is not None:
        reg, problems, positions = cache.model(path, RegistryFile)
        return LoadedRegistry(reg, path, positions), problems
    try:
        doc = read_yaml(path)
    except LoadError as exc:
        return None, [exc.problem]
    reg, problems = parse_model(doc, RegistryFile)
    return LoadedRegistry(reg, path, doc.positions), problems


def plan_files(root: Path) -> list[Path]:
    folder = root / "plans"
    if not folder.is_dir():
        return []
    # Not only regular files: a directory or FIFO named *.yaml is reported (by read_yaml), not skipped in silence.
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def has_plans(root: Path) -> bool:
    return any(p.is_file() for p in plan_files(root))


def default_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--data, else $KEHOACH_DATA, else ./data when it holds plans, else the bundled data."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("KEHOACH_DATA")
    if env:
        return Path(env)
    local = Path("data")  # relative, so messages and GitHub annotations name repository paths
    if has_plans(local):
        return local
    return bundled_data_dir()


def bundled_data_dir() -> Path:
    from kehoach.resources import bundled_data_dir as _bundled

    return _bundled()
