"""Batches of drafts are all or nothing; -o never writes into a device or through a dangling symlink."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import FIXTURE
from kehoach.dataset import load_data
from kehoach.files import BatchError, write_batch

# Three drafts (Sở Công Thương, Sở Tài chính, Sở Xây dựng) from the small fixture plan: a batch, quickly.
ARGS = ("report", "midterm", "--plan", "fx-2026", "--year", "2028", "--all-agencies", "--data", str(FIXTURE),
        "--before-period-end")


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_one_target_occupied_by_a_directory_writes_nothing(run, tmp_path: Path):
    """Finding 4: with one target path taken by a directory, 2 of 11 files were written, then an error."""
    from kehoach.report import default_filename, report_agencies

    out = tmp_path / "out"
    out.mkdir()
    agencies = report_agencies(load_data(FIXTURE), "fx-2026", "midterm", 2028)
    names = [default_filename("fx-2026", "midterm", 2028, a) for a in agencies]
    assert len(names) >= 3
    old = {out / n: f"bản cũ {i}".encode() for i, n in enumerate(names) if i % 2 == 0}
    for path, content in old.items():
        path.write_bytes(content)
    blocked = out / names[-2 if (len(names) - 2) % 2 else -1]
    if blocked.exists():
        blocked.unlink()
    blocked.mkdir()
    result = run(*ARGS, "-o", str(out), "--force")
    assert result.exit_code == 1
    assert str(blocked) in result.stderr and "không tệp nào" in result.stderr
    assert blocked.is_dir()
    assert {p: p.read_bytes() for p in old if p != blocked} == {p: c for p, c in old.items() if p != blocked}
    assert sorted(p.name for p in out.iterdir()) == sorted({p.name for p in old} | {blocked.name})


def test_failure_while_renaming_puts_every_file_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A full disk or a failing rename half-way: the files already replaced get their old content back."""
    targets = [tmp_path / f"f{i}.docx" for i in range(6)]
    for i, t in enumerate(targets[:3]):
        t.write_bytes(b"old %d" % i)
    real = os.replace
    calls = {"n": 0}

    def flaky(src, dst, *a, **k):
        if str(src).endswith(".tmp"):
            calls["n"] += 1
            if calls["n"] == 4:
                raise OSError(28, "No space left on device")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(BatchError) as err:
        write_batch([(t, b"new") for t in targets])
    assert err.value.path == targets[3]
    assert [t.read_bytes() for t in targets[:3]] == [b"old 0", b"old 1", b"old 2"]
    assert _names(tmp_path) == ["f0.docx", "f1.docx", "f2.docx"]


def test_failure_while_writing_temporaries_touches_no_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import kehoach.files as files

    targets = [tmp_path / f"f{i}.docx" for i in range(5)]
    targets[0].write_bytes(b"old")
    real = files._temp_beside

    def full(path, content):
        if path == targets[2]:
            raise OSError(28, "No space left on device")
        return real(path, content)

    monkeypatch.setattr(files, "_temp_beside", full)
    with pytest.raises(BatchError, match="No space"):
        write_batch([(t, b"new") for t in targets])
    assert _names(tmp_path) == ["f0.docx"] and targets[0].read_bytes() == b"old"


def test_output_to_a_device_is_refused(run):
    result = run("report", "annual", "--plan", "aec-2026", "--year", "2026", "-o", "/dev/full")
    assert result.exit_code == 1
    assert "/dev/full" in result.stderr and "không phải tệp thường" in result.stderr


def test_dangling_symlink_is_not_replaced_without_force(run, tmp_path: Path):
    link = tmp_path / "bao-cao.docx"
    os.symlink(tmp_path / "khong-co" / "x.docx", link)
    result = run("report", "annual", "--plan", "aec-2026", "--year", "2026", "-o", str(link))
    assert result.exit_code == 1 and "--force" in result.stderr
    assert os.path.islink(link) and not (tmp_path / "khong-co").exists()
