"""`progress set` edits one entry and keeps every other byte of a hand-written file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kehoach.dataset import load_data
from kehoach.loader import read_yaml
from kehoach.progress_write import ProgressError, Update, apply_update

TODAY = dt.date(2026, 11, 21)
UPD = Update("aec-2026", "IV.1.2", "done", 2026, completed=dt.date(2026, 11, 2), result="Đã ký: 02 biên bản")

# (before the edited entry, the entry, after it): the parts outside the entry must come back byte for byte.
VARIANTS: dict[str, tuple[str, str, str]] = {
    "four-space-indent": (
        "# ghi tay\nplan:    aec-2026\nyear:   2026\ntasks:\n    IV.1.1:\n        status: in-progress\n",
        "    IV.1.2:\n        status: not-started   # chưa làm\n        note: 'giữ nguyên'\n",
        "    IV.2.2:\n        status: done\n        completed: 2026-05-01\n",
    ),
    "document-markers": (
        "%YAML 1.1\n---\nplan: aec-2026\nyear: 2026\ntasks:\n  'IV.1.1': {status: done, completed: 2026-01-05}\n",
        '  "IV.1.2": {status: in-progress, result: cũ}\n',
        "\n# cuối tệp\n...\n",
    ),
    "flow-entries-and-comments": (
        "plan: aec-2026 # kế hoạch\nyear: 2026\n\ntasks:\n  # đầu danh sách\n",
        "  IV.1.2:\n    result: |\n      dòng một\n      # không phải chú thích\n    status: in-progress\n",
        "  # trước IV.2.2\n  IV.2.2:   {status: done, completed: 2026-05-01}\ntargets: {}\n",
    ),
    "three-space-and-crlf-free": (
        "plan: aec-2026\nyear: 2026\ntasks:\n   IV.1.1:\n      status: done\n      completed: 2026-02-01\n",
        "   IV.1.2:\n      status: not-started\n      completed: 2026-01-01\n",
        "targets:\n   III.2.1.b:\n      actual: '5'\n",
    ),
}


def _write(data_copy: Path, text: str) -> Path:
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(VARIANTS))
def test_hand_written_variants_round_trip_except_the_edited_entry(data_copy: Path, name: str):
    head, entry, tail = VARIANTS[name]
    path = _write(data_copy, head + entry + tail)
    before = read_yaml(path).data
    apply_update(load_data(data_copy), UPD, TODAY, replace=True)
    after_text = path.read_text(encoding="utf-8")
    assert after_text.startswith(head)
    assert after_text.endswith(tail)
    after = read_yaml(path).data
    edited = after["tasks"].pop("IV.1.2")
    old = before["tasks"].pop("IV.1.2")
    assert after == before  # nothing else changed in meaning either
    assert edited["status"] == "done" and edited["completed"] == dt.date(2026, 11, 2)
    assert edited["result"] == "Đã ký: 02 biên bản"
    assert edited["reported_on"] == TODAY
    assert edited.get("note") == old.get("note")


def test_untouched_fields_of_the_entry_keep_their_comments(data_copy: Path):
    head, entry, tail = VARIANTS["four-space-indent"]
    path = _write(data_copy, head + entry + tail)
    apply_update(load_data(data_copy), UPD, TODAY, replace=True)
    text = path.read_text(encoding="utf-8")
    assert "        status: done   # chưa làm\n        note: 'giữ nguyên'\n" in text


def test_new_entry_uses_the_files_indentation(data_copy: Path):
    head, entry, tail = VARIANTS["four-space-indent"]
    path = _write(data_copy, head + entry + tail)
    apply_update(load_data(data_copy), Update("aec-2026", "IV.4.3", "in-progress", 2026), TODAY, replace=True)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(head + entry + tail)
    added = text[len(head + entry + tail) :]
    assert added == '    "IV.4.3":\n        status: in-progress\n        reported_on: 2026-11-21\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "plan: aec-2026\nyear: 2026\ntasks:\n  IV.1.1: &a {status: done, completed: 2026-01-02}\n  IV.1.2: *a\n",
            "neo YAML",
        ),
        (
            "plan: aec-2026\nyear: 2026\ntasks:\n  IV.1.1: {status: done, completed: 2026-01-02}\n---\nplan: x\n",
            "tài liệu",
        ),
    ],
)
def test_anchors_aliases_and_several_documents_are_refused(data_copy: Path, text: str, message: str):
    path = _write(data_copy, text)
    before = path.read_bytes()
    with pytest.raises(ProgressError, match=message):
        apply_update(load_data(data_copy), Update("aec-2026", "IV.1.1", "in-progress", 2026), TODAY, replace=True)
    assert path.read_bytes() == before


def test_alias_finding_neighbour_is_not_changed(run, data_copy: Path):
    """The measured case: updating IV.1.1 silently changed IV.1.2, which was an alias of it."""
    text = "plan: aec-2026\nyear: 2026\ntasks:\n  IV.1.1: &a {status: done, completed: 2026-01-02}\n  IV.1.2: *a\n"
    path = _write(data_copy, text)
    result = run("progress", "set", "aec-2026/IV.1.1", "--status", "in-progress", "--replace", "--data", str(data_copy),
                 "--today", "2026-11-21")
    assert result.exit_code == 1
    assert "bí danh" in result.stderr or "neo" in result.stderr
    assert path.read_text(encoding="utf-8") == text


def test_text_that_needs_quoting_reads_back_exactly(data_copy: Path):
    path = _write(data_copy, "plan: aec-2026\nyear: 2026\ntasks:\n  IV.1.1:\n    status: done\n")
    tricky = ["yes", "2026-01-01", "a: b", "#x", "- a", "'q'", '"dq"', "a\\b", "null", "1.0", " lead", "tab\tx",
              "\x7fdel", "\u2028ls", "{x}", "[x]", "*a", "&a", "!t", "%p", "@x", "`x", "|", ">"]
    data = load_data(data_copy)
    for i, value in enumerate(tricky):
        apply_update(
            data, Update("aec-2026", "IV.1.1", "in-progress", 2026, result=value, evidence=str(i)), TODAY,
            replace=True,
        )
        doc = read_yaml(path).data  # the loader's own checks pass (no raw control characters)
        assert doc["tasks"]["IV.1.1"]["result"] == value
