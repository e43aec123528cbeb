"""The checkout itself: no tracked file holds the markers of an unresolved merge."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What git writes around a conflict: "<<<<<<< ours", "=======" alone on its line, ">>>>>>> theirs".
MARKER = re.compile(rb"^(<{7} |>{7} |={7}\r?$)", re.M)


def conflict_markers(root: Path) -> list[str]:
    """``file:line: text`` of every conflict marker in the files git tracks under ``root``."""
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True
    ).stdout.split(b"\0")
    found = []
    for name in filter(None, listed):
        path = root / name.decode("utf-8", "surrogateescape")
        if not path.is_file():  # deleted in the work tree, or a submodule
            continue
        raw = path.read_bytes()
        if b"\0" in raw[:8000]:  # a binary file (a .docx template) has no lines to mark
            continue
        for m in MARKER.finditer(raw):
            line = raw.count(b"\n", 0, m.start()) + 1
            end = raw.find(b"\n", m.start())
            text = raw[m.start() : end if end != -1 else len(raw)]
            found.append(f"{path.relative_to(root)}:{line}: {text.decode('utf-8', 'replace').rstrip()}")
    return found


def _in_git_checkout(root: Path) -> bool:
    if shutil.which("git") is None:
        return False
    probe = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    return probe.returncode == 0 and Path(probe.stdout.strip()).resolve() == root.resolve()


def test_no_tracked_file_holds_merge_conflict_markers() -> None:
    if not _in_git_checkout(ROOT):
        pytest.skip("không phải bản sao git (ví dụ gói sdist): không có danh sách tệp được theo dõi")
    assert conflict_markers(ROOT) == []


def test_the_marker_check_finds_each_kind_of_marker(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("không có git")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "clean.md").write_text("# Tiêu đề\n\n====== \n=========\n<<<<<<<không cách\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "bad.md").write_text(
        "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> main\n", encoding="utf-8"
    )
    (tmp_path / "untracked.md").write_text("=======\n", encoding="utf-8")
    (tmp_path / "binary.docx").write_bytes(b"PK\0\0\n=======\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "clean.md", "docs/bad.md", "binary.docx"], check=True)
    assert conflict_markers(tmp_path) == [
        "docs/bad.md:2: <<<<<<< HEAD",
        "docs/bad.md:4: =======",
        "docs/bad.md:6: >>>>>>> main",
    ]
