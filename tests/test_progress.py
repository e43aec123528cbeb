"""Progress files: surgical updates, atomic writes, concurrent writers, and the status classes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kehoach.dataset import load_data
from kehoach.progress_write import ProgressError, Update, apply_update

D = dt.date
TODAY = D(2026, 11, 21)


def _set(data_dir: Path, *args: str, today: str = "2026-11-21"):
    """``kehoach progress set`` in-process; the result has ``returncode``, ``stdout`` and ``stderr``."""
    from types import SimpleNamespace

    from typer.testing import CliRunner

    from kehoach.cli import app

    argv = ["progress", "set", *args, "--data", str(data_dir), "--today", today]
    result = CliRunner().invoke(app, argv, catch_exceptions=False)
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


def test_update_changes_only_its_entry_and_keeps_comments(data_copy: Path):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    before = path.read_text(encoding="utf-8")
    data = load_data(data_copy)
    apply_update(
        data, Update("aec-2026", "IV.4.3", "in-progress", 2026, result="Đã xây dựng kế hoạch."), TODAY,
        replace=True,
    )
    after = path.read_text(encoding="utf-8")
    old_lines, new_lines = before.splitlines(), after.splitlines()
    start = old_lines.index('  "IV.4.3":')
    end = old_lines.index('  "IV.6.3":')
    assert new_lines[:start] == old_lines[:start]  # header comments, plan, year, earlier tasks
    assert new_lines[-(len(old_lines) - end) :] == old_lines[end:]  # later tasks and targets
    changed = new_lines[start : len(new_lines) - (len(old_lines) - end)]
    assert changed[:2] == ['  "IV.4.3":', "    status: in-progress"]
    assert "    result: Đã xây dựng kế hoạch." in changed
    assert "    reported_on: 2026-11-21" in changed


def test_new_task_and_new_year_file(data_copy: Path):
    data = load_data(data_copy)
    path = apply_update(
        data, Update("aec-2026", "IV.5.2", "done", 2027, completed=D(2027, 3, 1)), D(2027, 3, 2),
        replace=True,
    )
    text = path.read_text(encoding="utf-8")
    assert path.name == "2027.yaml"
    assert '"IV.5.2":' in text and "completed: 2027-03-01" in text
    assert load_data(data_copy).problems == []


def test_interrupted_write_leaves_the_old_file(data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# giữ nguyên\nplan: aec-2026\nyear: 2026\ntasks: {}\n", encoding="utf-8")
    before = path.read_bytes()

    def crash(*_a, **_k):
        raise OSError("mất điện")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="mất điện"):
        apply_update(load_data(data_copy), Update("aec-2026", "IV.1.1", "done", 2026), TODAY, replace=True)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["aec-2026/IV.9.9", "--status", "done"], "không có nhiệm vụ"),
        (["aec-2026/IV.1.1", "--status", "finished"], "--status"),
        (["aec-2026/IV.1.1", "--status", "done", "--date", "2027-01-01"], "tương lai"),
        (["khong-co/IV.1.1", "--status", "done"], "không có kế hoạch"),
    ],
)
def test_invalid_update_exits_non_zero_and_leaves_the_file(data_copy: Path, args, message):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    before = path.read_bytes() if path.exists() else None
    result = _set(data_copy, *args)
    assert result.returncode == 2  # a usage mistake, like in every other command
    assert message in result.stderr
    assert (path.read_bytes() if path.exists() else None) == before


@pytest.mark.slow
def test_two_concurrent_writers_both_land(data_copy: Path):
    tasks = ["IV.2.1", "IV.2.3", "IV.3.1", "IV.3.2", "IV.5.1", "IV.5.2", "IV.6.1", "IV.6.2"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "kehoach", "progress", "set", f"aec-2026/{t}", "--status", "in-progress",
             "--result", f"kết quả {t}", "--data", str(data_copy), "--today", "2026-11-21"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for t in tasks
    ]
    assert [p.wait(timeout=60) for p in procs] == [0] * len(tasks)
    data = load_data(data_copy)
    from kehoach.progress import load_progress

    pf = load_progress(data.root).files[("aec-2026", 2026)]
    for t in tasks:
        assert pf.tasks[t].result == f"kết quả {t}"
    assert pf.tasks["IV.4.1"].status == "done"  # the example entries are still there


def test_check_validates_progress_files(run, data_copy: Path):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('plan: aec-2026\nyear: 2026\ntasks:\n  "IV.9":\n    status: done\n    completed: 2026-01-01\n',
                    encoding="utf-8")  # replaces the example file
    result = run("check", "--data", str(data_copy), "--format", "json")
    assert result.exit_code == 1
    errors = __import__("json").loads(result.stdout)["errors"]
    assert [(e["code"], e["line"]) for e in errors] == [("progress.unknown-task", 4)]


def test_update_error_type_for_library_users(data):
    with pytest.raises(ProgressError):
        from kehoach.progress_write import validate_update

        validate_update(data, Update("aec-2026", "nope", "done", 2026), TODAY)


def test_long_lines_and_crlf_of_other_entries_are_kept(data_copy: Path):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    long = "    result: " + "Kết quả rất dài " * 20 + "(ví dụ)."
    text = path.read_text(encoding="utf-8").replace(
        "    result: Tổ chức 02 đoàn xúc tiến thương mại tại Thái Lan và Singapore.", long
    )
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    before = path.read_bytes().split(b"\r\n")
    apply_update(
        load_data(data_copy), Update("aec-2026", "IV.6.3", "done", 2026, completed=D(2026, 11, 20)), TODAY,
        replace=True,
    )
    after = path.read_bytes().split(b"\r\n")
    cut = before.index(b'  "IV.6.3":')
    assert after[:cut] == before[:cut]
    assert long.encode("utf-8") in after


@pytest.mark.parametrize(
    "broken",
    ["tasks: [\n", "tasks:\n  \"IV.1.1\":\n    status: finished\n", "tasks: []\n", "tasks:\n  IV.4.3: done\n"],
)
def test_update_of_a_broken_progress_file_is_refused_cleanly(data_copy: Path, broken: str):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    path.write_text("plan: aec-2026\nyear: 2026\n" + broken, encoding="utf-8")
    before = path.read_bytes()
    result = _set(data_copy, "aec-2026/IV.1.1", "--status", "done")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and str(path) in result.stderr
    assert path.read_bytes() == before


def test_writing_into_an_example_file_is_said(run, data_copy):
    result = run("progress", "set", "aec-2026/IV.1.1", "--status", "done", "--replace", "--date", "2026-03-01",
                 "--data", str(data_copy), "--today", "2026-04-01")
    assert result.exit_code == 0, result.stderr
    assert "example: true" in result.stderr and "VÍ DỤ MINH HỌA" in result.stderr
    text = (data_copy / "progress" / "aec-2026" / "2026.yaml").read_text(encoding="utf-8")
    text = text.replace("example: true", "example: false")
    (data_copy / "progress" / "aec-2026" / "2026.yaml").write_text(text, encoding="utf-8")
    again = run("progress", "set", "aec-2026/IV.1.2", "--status", "in-progress", "--replace",
                "--data", str(data_copy), "--today", "2026-04-01")
    assert again.exit_code == 0, again.stderr
    assert "example: true" not in again.stderr


def test_progress_reader_sits_below_the_data_set() -> None:
    """The file reader imports nothing from the layers that use it (data set, rules, writes)."""
    import ast

    import kehoach.progress

    tree = ast.parse(Path(kehoach.progress.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    above = {"kehoach.dataset", "kehoach.check", "kehoach.status", "kehoach.progress_write", "kehoach.agencies"}
    assert imported & above == set()
    assert "kehoach.files" not in imported  # writing lives in kehoach.progress_write
