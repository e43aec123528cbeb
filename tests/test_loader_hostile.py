"""Every broken or hostile plan file ends in exit 1 and a message naming the file: no traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kehoach.loader import load_plan_file

AEC = Path(__file__).resolve().parent.parent / "data" / "plans" / "aec-2026.yaml"

BILLION_LAUGHS = b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + b"".join(
    b"%s: &%s [%s]\n" % (bytes([c]), bytes([c]), b",".join([b"*" + bytes([c - 1])] * 9)) for c in range(98, 106)
)

CASES: dict[str, tuple[bytes, str]] = {
    "syntax": (b"id: [unclosed\nkind: x\n", "yaml-syntax"),
    "alias-bomb": (BILLION_LAUGHS, "too-large"),
    "python-tag": (b'id: !!python/object/apply:os.system ["touch /tmp/kehoach-pwned"]\n', "yaml-tag"),
    "garbage": (bytes(range(256)) * 8, "encoding"),
    "windows-1258": ("id: x\ntitle: S\u01a1\u0309 Ta\u0300i chi\u0301nh\n".encode("cp1258"), "encoding"),
    "empty": (b"", "empty"),
    "top-level-list": (b"- id: a\n- id: b\n", "not-mapping"),
    "duplicate-keys": (b"id: a\nid: b\n", "duplicate-key"),
    "nul-byte": (b"id: a\x00b\n", "encoding"),
    "vertical-tab-from-word": (b'id: a\ntitle: "KH&CN\x0bm\xe1\xbb\x9bi"\n', "encoding"),
    "tab-indent": (b"id: a\nsections:\n\t- id: x\n", "yaml-syntax"),
    "deep-nesting": (b"x: " + b"[" * 5000 + b"]" * 5000 + b"\n", "too-deep"),
    "deep-block-nesting": (b"".join(b"  " * i + b"k:\n" for i in range(1500)), "too-deep"),
    "30mb-scalar": (b"id: " + b"a" * 30_000_000 + b"\n", "too-large"),
    "400k-keys": (b"".join(b"k%d: 1\n" % i for i in range(400_000)), "too-large"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_gives_one_located_problem(tmp_path: Path, case: str):
    raw, code = CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_bytes(raw)
    plan, problems = load_plan_file(path)
    assert plan is None
    assert [p.code for p in problems] == [code]
    assert problems[0].file == str(path)
    assert problems[0].message
    assert not os.path.exists("/tmp/kehoach-pwned")


def test_tab_indentation_message_says_tab(tmp_path: Path):
    path = tmp_path / "tab.yaml"
    path.write_bytes(CASES["tab-indent"][0])
    _, problems = load_plan_file(path)
    assert "tab" in problems[0].message and problems[0].line == 3


def test_windows_1258_message_names_the_encoding(tmp_path: Path):
    path = tmp_path / "cp.yaml"
    path.write_bytes(CASES["windows-1258"][0])
    _, problems = load_plan_file(path)
    assert "UTF-8" in problems[0].message and "Windows-1258" in problems[0].message
    assert problems[0].line == 2


def test_utf8_with_bom_reads_like_without(tmp_path: Path):
    path = tmp_path / "aec-2026.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + AEC.read_bytes())
    plan, problems = load_plan_file(path)
    assert problems == []
    assert plan is not None and plan.plan.id == "aec-2026" and len(plan.plan.tasks) == 16


@pytest.mark.parametrize("case", ["alias-bomb", "python-tag", "windows-1258", "400k-keys", "deep-nesting"])
def test_check_cli_exits_1_naming_the_file(run, data_copy: Path, case: str):
    bad = data_copy / "plans" / f"{case}.yaml"
    bad.write_bytes(CASES[case][0])
    result = run("check", "--data", str(data_copy), "--format", "json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert [e["file"] for e in errors] == [str(bad)]
    assert "Traceback" not in result.stdout + result.stderr


def test_impossible_date_is_located(tmp_path: Path):
    path = tmp_path / "date.yaml"
    path.write_bytes(b"id: x\nissued: 2026-13-45\n")
    _, problems = load_plan_file(path)
    assert [(p.code, p.line, p.column) for p in problems] == [("yaml-syntax", 2, 9)]
    assert "2026-13-45" in problems[0].message


def test_alias_shares_values_and_counts_them_against_the_budget(tmp_path: Path):
    from kehoach.loader import read_yaml

    path = tmp_path / "alias.yaml"
    path.write_bytes(b"a: &x {b: [1, 2]}\nc: *x\nd: [*x, *x]\n")
    doc = read_yaml(path)
    assert doc.data == {"a": {"b": [1, 2]}, "c": {"b": [1, 2]}, "d": [{"b": [1, 2]}, {"b": [1, 2]}]}
    assert doc.positions.of(("d", 1, "b")) == (3, 9)  # an aliased value is located at its alias
