"""Only regular files are read, never more than the cap; dangerous paths end in located messages."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from kehoach.files import NotRegularFile, read_regular
from kehoach.loader import MAX_BYTES, load_plan_file

COMMANDS = [
    ("check", "--format", "json", "--today", "2026-11-21"),
    ("status", "--format", "json", "--today", "2026-11-21"),
    ("tasks", "--plan", "aec-2026", "--format", "json", "--today", "2026-11-21"),
    ("due", "--agency", "Sở Tài chính", "--format", "json", "--today", "2026-11-21"),
    ("progress", "show"),
]


@pytest.fixture
def alarm():
    """A hang fails the test instead of the whole run."""

    def _boom(*_):
        raise TimeoutError("treo khi đọc tệp đặc biệt")

    old = signal.signal(signal.SIGALRM, _boom)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("args", COMMANDS, ids=[c[0] + ("-" + c[1] if c[0] == "progress" else "") for c in COMMANDS])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory"])
def test_special_file_in_progress_is_a_located_error_not_a_hang(run, data_copy: Path, alarm, args, kind):
    target = data_copy / "progress" / "aec-2026" / "2027.yaml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dev-zero":
        os.symlink("/dev/zero", target)
    else:
        target.mkdir()
    result = run(*args, "--data", str(data_copy))
    assert "Traceback" not in result.stdout + result.stderr
    if args[0] == "check":
        assert result.exit_code == 1
        errors = json.loads(result.stdout)["errors"]
        assert [(e["file"], e["code"]) for e in errors] == [(str(target), "not-a-file")]
    else:
        assert str(target) in result.stderr


@pytest.mark.parametrize("where", ["plans/thu-muc.yaml", "agencies.yaml"])
def test_directory_or_fifo_named_like_data_is_reported(run, data_copy: Path, alarm, where):
    target = data_copy / where
    if target.exists():
        target.unlink()
        os.mkfifo(target)
    else:
        target.mkdir()
    result = run("check", "--data", str(data_copy), "--format", "json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert (str(target), "not-a-file") in [(e["file"], e["code"]) for e in errors]


def test_bounded_read_stops_at_the_cap(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 1000)
    assert len(read_regular(big, 100)) == 101  # one byte past the cap tells "too big" without reading more
    with pytest.raises(NotRegularFile):
        read_regular(Path("/dev/zero"), 100)


def test_file_growing_past_the_cap_is_refused(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_bytes(b"id: x\n" + b"#" * (MAX_BYTES + 10) + b"\n")
    _, problems = load_plan_file(path)
    assert [p.code for p in problems] == ["too-large"]


def test_bad_date_in_progress_file_is_located_at_its_line(run, data_copy: Path):
    path = data_copy / "progress" / "aec-2026" / "2026.yaml"
    path.write_text('plan: aec-2026\nyear: 2026\ntasks:\n  "IV.1.1":\n    status: done\n    completed: 2026-02-30\n',
                    encoding="utf-8")
    result = run("check", "--data", str(data_copy), "--format", "json")
    errors = json.loads(result.stdout)["errors"]
    assert [(e["file"], e["line"], e["column"]) for e in errors] == [(str(path), 6, 16)]
    assert "2026-02-30" in errors[0]["message"] and "cú pháp" not in errors[0]["message"]
