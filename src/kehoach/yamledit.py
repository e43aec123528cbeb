"""Change one entry of a hand-written YAML file and leave every other byte as it was.

A round trip through a YAML library re-indents, re-spaces keys and drops document markers. Here
the file is edited as text instead: the entry's place is found from the parser's marks, only that
span is rewritten (in the style of the file around it), and the result is parsed again and
compared with what was meant, so a surprising file ends in a refusal, never in a damaged file.
Anchors, aliases and several documents in one file are refused: changing a shared node would
change entries the user did not touch.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from kehoach.errors import DataError


# Also a ValueError, as before the one error base, for callers outside the package.
class EditRefused(DataError, ValueError):
    """The file cannot be edited safely; it is left as it was."""


_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029\ufeff]")


def _parser() -> Any:
    """The YAML 1.2 safe loader (libyaml-backed where available); its marks index characters of the text."""
    global _PARSER
    if _PARSER is None:
        from ruamel.yaml import YAML

        _PARSER = YAML(typ="safe")
    return _PARSER


_PARSER: Any = None


def refuse_shared_nodes(text: str) -> None:
    """Refuse anchors, aliases and multiple documents (EditRefused with the line)."""
    from ruamel.yaml.events import AliasEvent, DocumentStartEvent, NodeEvent

    documents = 0
    for event in _parser().parse(text):
        line = event.start_mark.line + 1
        if isinstance(event, AliasEvent):
            raise EditRefused(f"dòng {line}: tệp dùng bí danh YAML (*{event.anchor}); hãy viết đầy đủ từng mục")
        if isinstance(event, NodeEvent) and event.anchor:
            raise EditRefused(f"dòng {line}: tệp dùng neo YAML (&{event.anchor}); hãy viết đầy đủ từng mục")
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise EditRefused(f"dòng {line}: tệp có nhiều tài liệu YAML (---); mỗi tệp chỉ một tài liệu")


def scalar(value: Any, flow: bool = False) -> str:
    """One value as YAML text: plain where it reads back the same, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dt.date | int | float):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    text = str(value)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise EditRefused("văn bản chứa byte không phải UTF-8")
    if text and text == text.strip() and not _NOT_PRINTABLE.search(text) and "\n" not in text:
        try:
            parsed = _parser().load(f"k: {text}\n")
            if flow:
                parsed = parsed if _parser().load(f"{{k: {text}}}") == parsed else None
        except Exception:  # noqa: BLE001 - any parse failure simply means "quote it"
            parsed = None
        if parsed == {"k": text}:
            return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _end(node: Any, text: str) -> int:
    """Index just after the last character that belongs to ``node`` (a block scalar's final newlines excluded)."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    if isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _end(last[1] if isinstance(node, MappingNode) else last, text)
    end = int(node.end_mark.index)
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        while end > node.start_mark.index and text[end - 1] in "\r\n":
            end -= 1
    return end


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _find(mapping: Any, name: str) -> tuple[Any, Any] | None:
    for key, value in mapping.value:
        if str(key.value) == name:
            return key, value
    return None


def _is_map(node: Any) -> bool:
    from ruamel.yaml.nodes import MappingNode

    return isinstance(node, MappingNode)


def _is_empty(node: Any) -> bool:
    """``tasks:``, ``tasks: ~``, ``tasks: null``, ``tasks: {}``."""
    from ruamel.yaml.nodes import ScalarNode

    if isinstance(node, ScalarNode):
        return node.tag.endswith(":null") if isinstance(node.tag, str) else str(node.value) in ("", "~", "null")
    return _is_map(node) and not node.value


def _step(root: Any) -> int:
    """The file's indentation step: the first nested block mapping's offset from its parent, else 2."""
    stack = [root]
    while stack:
        node = stack.pop(0)
        if not _is_map(node) or node.flow_style:
            continue
        for key, value in node.value:
            if _is_map(value) and not value.flow_style and value.value:
                step = value.value[0][0].start_mark.column - key.start_mark.column
                if step > 0:
                    return step
            stack.append(value)
    return 2


def set_entry(
    text: str,
    section: str,
    key: str,
    values: Mapping[str, Any],
    remove: frozenset[str] = frozenset(),
    *,
    verify: bool = True,
) -> str:
    """``text`` with ``<section>.<key>`` given ``values`` (other fields kept, ``remove`` dropped).

    Only the entry's own span changes (a new entry is added after the last one; a missing section
    at the end of the document). Raises EditRefused when the file is not one plain mapping document
    or when the edit would not read back exactly as meant. ``verify=False`` leaves the checks (shared
    nodes, reading back) to the caller, who checks the result of many edits once (``verify_text``).
    """

    root, before = _compose(text, verify)
    step = _step(root)
    found = _find(root, section)
    out: str
    if found is None:
        entry = _render_new(key, values, remove, flow=bool(root.flow_style), col=step, step=step)
        at = _end(root, text) if root.value else None
        if at is None:
            raise EditRefused("tệp không có mục nào")
        if root.flow_style:
            out = text[:at] + f", {section}: {{{entry}}}" + text[at:]
        else:
            col = root.value[0][0].start_mark.column
            out = text[:at] + "\n" + " " * col + f"{section}:\n" + " " * (col + step) + entry + text[at:]
    else:
        skey, sval = found
        if _is_empty(sval):
            out = _fill_empty(text, skey, sval, key, values, remove, step)
        elif not _is_map(sval):
            raise EditRefused(f"{section} phải là một bảng (mapping)")
        else:
            out = _set_in(text, sval, key, values, remove, step)
    if not verify:
        return out
    return _verify(out, apply_to_data(before, (section,), key, values, remove))


def apply_to_data(
    data: Any, path: tuple[str, ...], key: str, values: Mapping[str, Any], remove: frozenset[str] = frozenset()
) -> Any:
    """What ``set_entry``/``set_nested`` mean, on the data: the entry at ``path``/``key`` merged with
    ``values``, ``remove`` dropped (keys compared as text)."""
    node: Any = data or {}
    for name in path:
        node = next((v for k, v in (node or {}).items() if str(k) == name), None)
    old = dict(next((v for k, v in (node or {}).items() if str(k) == key), None) or {})
    new = {k: v for k, v in {**old, **values}.items() if k not in remove}
    return _expected(data, path, key, new)


def verify_text(text: str, expected: Any) -> None:
    """Raise EditRefused unless ``text`` holds one plain mapping document whose data is ``expected``."""
    refuse_shared_nodes(text)
    _verify(text, expected)


def load_text(text: str) -> Any:
    """The data of a YAML text (safe, YAML 1.2)."""
    return _parser().load(text)


def plain_data(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): plain_data(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain_data(v) for v in node]
    if isinstance(node, dt.datetime):
        return node.date()
    return node


def _render_new(key: str, values: Mapping[str, Any], remove: frozenset[str], *, flow: bool, col: int, step: int) -> str:
    """A new ``"key": …`` entry whose first line starts at column ``col`` (already indented by the caller).

    A value that is itself a mapping (one record per agency) is written as a nested block.
    """
    if flow:
        if any(isinstance(v, Mapping) for v in values.values()):
            raise EditRefused("mục viết trên một dòng ({...}) không nhận bảng lồng nhau; hãy viết mục dạng khối")
        parts = [f"{n}: {scalar(v, flow)}" for n, v in values.items() if n not in remove]
        return f"{json.dumps(key, ensure_ascii=False)}: {{{', '.join(parts)}}}"
    return f"{json.dumps(key, ensure_ascii=False)}:" + _block(values, remove, col + step, step)


def _block(values: Mapping[str, Any], remove: frozenset[str], col: int, step: int) -> str:
    """The fields of a block mapping at column ``col``, each on its own line (a mapping value nested)."""
    pad = "\n" + " " * col
    out = ""
    for n, v in values.items():
        if n in remove:
            continue
        if isinstance(v, Mapping):
            out += pad + f"{scalar(n)}:" + _block(v, frozenset(), col + step, step)
        else:
            out += pad + f"{scalar(n)}: {scalar(v)}"
    return out


def _walk(root: Any, path: tuple[str, ...]) -> Any:
    node = root
    for name in path:
        found = _find(node, name) if _is_map(node) else None
        if found is None or not _is_map(found[1]):
            raise EditRefused(f"không tìm thấy bảng {'.'.join(path)}")
        node = found[1]
    return node


def _expected(before: Any, path: tuple[str, ...], key: str, entry: Any) -> Any:
    """``before`` with the mapping at ``path`` given ``key: entry`` (keys compared as text)."""
    data = dict(before or {})
    if not path:
        data = {(key if str(k) == key else k): v for k, v in data.items()}
        data[key] = entry
        return data
    head = next((k for k in data if str(k) == path[0]), path[0])
    data[head] = _expected(data.get(head), path[1:], key, entry)
    return data


def _compose(text: str, verify: bool = True) -> tuple[Any, Any]:
    from ruamel.yaml.error import YAMLError

    if verify:
        refuse_shared_nodes(text)
    try:
        root = _parser().compose(text)
        before = _parser().load(text) if verify else None
    except YAMLError as exc:
        raise EditRefused(f"lỗi cú pháp YAML: {exc}") from None
    if root is None or not _is_map(root):
        raise EditRefused("cấp cao nhất phải là một bảng (mapping) YAML")
    return root, before


def _verify(out: str, expected: Any) -> str:
    from ruamel.yaml.error import YAMLError

    try:
        after = _parser().load(out)
    except YAMLError:
        after = None
    if plain_data(after) != plain_data(expected):
        raise EditRefused("không ghi được mà giữ nguyên phần còn lại của tệp (cấu trúc YAML không quen); tệp để nguyên")
    return out


def set_nested(
    text: str,
    path: tuple[str, ...],
    key: str,
    values: Mapping[str, Any],
    remove: frozenset[str] = frozenset(),
    *,
    verify: bool = True,
) -> str:
    """``text`` with the entry ``key`` of the mapping at ``path`` given ``values`` (other fields kept).

    Every mapping on ``path`` must exist (``("tasks", "I.2", "agencies")``); only the entry's span changes.
    """
    root, before = _compose(text, verify)
    node = _walk(root, path)
    out = _set_in(text, node, key, values, remove, _step(root))
    if not verify:
        return out
    return _verify(out, apply_to_data(before, path, key, values, remove))


def replace_entry(text: str, section: str, key: str, values: Mapping[str, Any], *, verify: bool = True) -> str:
    """``text`` with the block entry ``<section>.<key>`` rewritten whole as ``values`` (nested mappings allowed).

    Used when an entry changes shape (one record becomes one record per agency): the entry's own
    comments go, every other byte stays.
    """
    root, before = _compose(text, verify)
    sect = _walk(root, (section,))
    found = _find(sect, key)
    if found is None or sect.flow_style or not _is_map(found[1]) or found[1].flow_style:
        raise EditRefused(f"mục {key!r} phải là một bảng viết dạng khối")
    knode, vnode = found
    start = text.rfind("\n", 0, knode.start_mark.index) + 1
    end = _line_end(text, _end(vnode, text))
    step = vnode.value[0][0].start_mark.column - knode.start_mark.column if vnode.value else _step(root)
    col = knode.start_mark.column
    out = text[:start] + " " * col + _render_new(key, values, frozenset(), flow=False, col=col, step=step) + text[end:]
    if not verify:
        return out
    return _verify(out, _expected(before, (section,), key, dict(values)))


def _set_in(text: str, section: Any, key: str, values: Mapping[str, Any], remove: frozenset[str], step: int) -> str:
    found = _find(section, key)
    flow_parent = bool(section.flow_style)
    col = section.value[0][0].start_mark.column
    for skey, sval in section.value:  # the entries' own indentation step, when one is written as a block
        if _is_map(sval) and not sval.flow_style and sval.value:
            step = sval.value[0][0].start_mark.column - skey.start_mark.column
            break
    if found is None:
        entry = _render_new(key, values, remove, flow=flow_parent, col=col, step=step)
        at = _end(section.value[-1][1], text)
        if flow_parent:
            return text[:at] + ", " + entry + text[at:]
        return text[:at] + "\n" + " " * col + entry + text[at:]
    _, entry_node = found
    if not _is_map(entry_node):
        raise EditRefused(f"mục {key!r} phải là một bảng (mapping)")
    return _edit_fields(text, entry_node, values, remove)


def _edit_fields(text: str, entry: Any, values: Mapping[str, Any], remove: frozenset[str]) -> str:
    """Edit the entry in place: changed values replaced, removed fields cut, new fields added after the last.

    Comments, quoting and spacing inside the entry stay as written wherever a field is not touched.
    """
    flow = bool(entry.flow_style)
    edits: list[tuple[int, int, str]] = []
    fields = list(entry.value)
    seen = set()
    for i, (fkey, fval) in enumerate(fields):
        name = str(fkey.value)
        seen.add(name)
        if name in remove:
            if flow:
                start, end = fkey.start_mark.index, _end(fval, text)
                if i + 1 < len(fields):  # "a: 1, b: 2" -> "b: 2"
                    end = fields[i + 1][0].start_mark.index
                elif i > 0:  # "a: 1, b: 2" -> "a: 1"
                    start = _end(fields[i - 1][1], text)
                edits.append((start, end, ""))
            else:
                start = text.rfind("\n", 0, fkey.start_mark.index) + 1
                end = min(_line_end(text, _end(fval, text)) + 1, len(text))
                edits.append((start, end, ""))
        elif name in values:
            edits.append((fval.start_mark.index, _end(fval, text), scalar(values[name], flow)))
    added = [f"{n}: {scalar(v, flow)}" for n, v in values.items() if n not in seen and n not in remove]
    if added:
        if flow:
            if fields:
                edits.append((_end(fields[-1][1], text), _end(fields[-1][1], text), "".join(", " + a for a in added)))
            else:
                close = entry.end_mark.index - 1
                edits.append((close, close, ", ".join(added)))
        else:
            at = _line_end(text, _end(entry, text))
            pad = "\n" + " " * fields[0][0].start_mark.column
            edits.append((at, at, "".join(pad + a for a in added)))
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _fill_empty(
    text: str, skey: Any, sval: Any, key: str, values: Mapping[str, Any], remove: frozenset[str], step: int
) -> str:
    """``tasks:`` / ``tasks: ~`` / ``tasks: {}`` becomes a block with the one entry, comments on the line kept."""
    colon = text.index(":", skey.end_mark.index)
    start, end = sval.start_mark.index, sval.end_mark.index
    if str(getattr(sval, "value", "")) == "" and not _is_map(sval):
        start = end = colon + 1  # an empty scalar: nothing written after the colon
    if "\n" in text[colon:start]:
        raise EditRefused("giá trị rỗng của mục nằm ở dòng khác; tệp để nguyên")
    eol = _line_end(text, end)
    col = skey.start_mark.column + step
    entry = _render_new(key, values, remove, flow=False, col=col, step=step)
    rest = text[end:eol]  # a comment after the old value stays on the line
    head = text[: colon + 1] + (rest if rest.strip() else "")
    return head + "\n" + " " * col + entry + text[eol:]
