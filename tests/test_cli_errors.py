"""One way to fail: every bad invocation ends with a Vietnamese message, the right exit code, no traceback."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kehoach.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = str(ROOT / "data")
A = "Sở Tài chính"
T = ("--today", "2026-01-15")

# (arguments, exit code, a phrase the message must contain); the data is $KEHOACH_DATA.
BAD: list[tuple[list[str], int, str]] = [
    # years 1900-2100, never silently "the current year"
    (["status", "--year", "999"], 2, "--year"),
    (["status", "--year", "1"], 2, "--year"),
    (["status", "--year", "-1"], 2, "--year"),
    (["status", "--year", "0"], 2, "--year"),
    (["status", "--year", "2101"], 2, "--year"),
    (["status", "--year", "abc"], 2, "--year"),
    (["cycles", "--year", "0"], 2, "--year"),
    (["progress", "show", "--year", "0"], 2, "--year"),
    (["progress", "set", "aec-2026/IV.1.1", "--status", "done", "--year", "0"], 2, "--year"),
    (["report", "annual", "--plan", "aec-2026", "--year", "0"], 2, "--year"),
    # dates as people write them (15/01/2026, 15/1/2026, 2026-01-15), 1900-2100, nothing guessed
    (["due", "--agency", A, "--today", "9999-12-31"], 2, "--today"),
    (["due", "--agency", A, "--today", "0001-01-01"], 2, "--today"),
    (["due", "--agency", A, "--today", "20260115"], 2, "dd/mm/yyyy"),
    (["due", "--agency", A, "--today", "2026-W03-4"], 2, "dd/mm/yyyy"),
    (["due", "--agency", A, "--today", "2026-02-30"], 2, "--today"),
    (["due", "--agency", A, "--today", "15/13/2026"], 2, "không có tháng 13"),
    (["due", "--agency", A, "--today", "15/1/26"], 2, "dd/mm/yyyy"),
    (["due", "--agency", A, "--today", "２０２６-01-15"], 2, "dd/mm/yyyy"),
    (["due", "--agency", A, "--today", ""], 2, "--today"),
    (["due", "--agency", A, "--until", "2026-13-01", *T], 2, "--until"),
    (["due", "--agency", A, "--until", "2025-01-01", *T], 2, "--until"),
    (["tasks", "--due-from", "2026"], 2, "--due-from"),
    (["tasks", "--due-to", "x"], 2, "--due-to"),
    (["tasks", "--due-from", "2027-01-01", "--due-to", "2026-01-01"], 2, "--due-from"),
    (["check", "--today", "2026-1-32"], 2, "--today"),
    (["report", "annual", "--plan", "aec-2026", "--date", "31/02/2026"], 2, "--date"),
    # --within bounded
    (["due", "--agency", A, "--within", "99999999"], 2, "--within"),
    (["due", "--agency", A, "--within", "-1"], 2, "--within"),
    (["due", "--agency", A, "--within", "abc"], 2, "--within"),
    (["due", "--agency", A, "--within", "5", "--until", "2026-02-01"], 2, "--within"),
    # empty strings refused, naming the option
    (["status", "--agency", ""], 2, "--agency"),
    (["due", "--agency", ""], 2, "--agency"),
    (["due", "--agency", "   "], 2, "--agency"),
    (["tasks", "--cycle", ""], 2, "--cycle"),
    (["tasks", "--kind", ""], 2, "--kind"),
    (["tasks", "--search", ""], 2, "--search"),
    (["tasks", "--plan", ""], 2, "--plan"),
    (["agencies", "--search", ""], 2, "--search"),
    (["agencies", "show", ""], 2, "TÊN"),
    (["report", "annual", "--plan", "aec-2026", "-o", ""], 2, "--output"),
    (["report", "annual", "--plan", ""], 2, "--plan"),
    (["report", "annual", "--plan", "aec-2026", "--template", ""], 2, "--template"),
    (["progress", "set", "aec-2026/IV.1.1", "--status", "done", "--by", ""], 2, "--by"),
    (["plans", "--data", ""], 2, "--data"),
    # choices
    (["tasks", "--kind", "weekly"], 2, "--kind"),
    (["tasks", "--format", "xml"], 2, "--format"),
    (["agencies", "show", A, "--format", "csv"], 2, "--format"),
    (["check", "--format", "csv"], 2, "--format"),
    (["due", "--agency", A, "--role", "boss"], 2, "--role"),
    (["tasks", "--role", "lead"], 2, "--agency"),
    (["tasks", "--cycle", "weekly-2026"], 2, "kỳ báo cáo"),
    (["report", "weekly", "--plan", "aec-2026"], 2, "loại báo cáo"),
    # unknown names are usage mistakes
    (["due", "--agency", "Sở Không Có"], 2, "không tìm thấy cơ quan"),
    (["tasks", "--plan", "khong-co"], 2, "không có kế hoạch"),
    (["cycles", "--plan", "khong-co"], 2, "không có kế hoạch"),
    (["report", "annual", "--plan", "khong-co"], 2, "không có kế hoạch"),
    (["agencies", "show", "Sở Không Có"], 2, "không tìm thấy cơ quan"),
    # progress set: usage mistakes exit 2 like every other command
    (["progress", "set", "aec-2026/IV.1.1", "--status", "finished"], 2, "--status"),
    (["progress", "set", "khong-co/IV.1.1", "--status", "done"], 2, "không có kế hoạch"),
    (["progress", "set", "aec-2026/IV.9.9", "--status", "done"], 2, "không có nhiệm vụ"),
    (["progress", "set", "aec-2026/IV.1.1", "--status", "done", "--by", "Sở Không Có"], 2, "không tìm thấy"),
    (["progress", "set", "aec-2026/IV.1.1", "--status", "in-progress", "--date", "2026-01-01"], 2, "--date"),
    (["progress", "set", "aec-2026-IV.1.1", "--status", "done"], 2, "KẾ-HOẠCH/MÃ-NHIỆM-VỤ"),
    (["progress", "set", "aec-2026/IV.1.1", "--status", "done", "--date", "2027-01-01", *T], 2, "tương lai"),
    # click's own usage errors, in Vietnamese
    (["due"], 2, "thiếu tùy chọn"),
    (["due", "--agency"], 2, "cần một giá trị"),
    (["due", "--frobnicate"], 2, "không có tùy chọn"),
    (["frobnicate"], 2, "không có lệnh"),
    (["plans", "extra"], 2, "thừa đối số"),
    (["progress", "set"], 2, "thiếu đối số"),
    # the other commands
    (["completion", "ksh"], 2, "shell"),
    (["export", "sqlite", "-o", "out.txt"], 2, ".db"),
    (["export", "sqlite", "-o", ""], 2, "--output"),
    (["calendar", "-o", ""], 2, "--output"),
    (["calendar", "-o", "lich.ics", "--role", "lead"], 2, "--agency"),
    (["import", "docx", "", "--id", "x"], 2, "TỆP"),
    (["import", "docx", "/nonexistent.docx", "--id", ""], 2, "--id"),
    (["diff", "a.yaml", "b.yaml", "--format", "xml"], 2, "--format"),
    (["tasks", "--format", "xlsx"], 2, "-o"),
    (["plans", "-o", "plans.xlsx"], 2, "--format xlsx"),
    (["plans", "--format", "xlsx", "-o", "plans.csv"], 2, ".xlsx"),
    (["report", "annual", "--plan", "aec-2026", "--agency", A, "--all-agencies"], 2, "--all-agencies"),
    (["report", "annual", "--plan", "aec-2026", "--template", "/nonexistent.docx"], 2, "mẫu"),
    (["--no-such-global"], 2, "không có tùy chọn"),
    # data and files
    (["plans", "--data", "/nonexistent/kehoach"], 2, "không tìm thấy thư mục dữ liệu"),
    (["plans", "--data", "/tmp/" + "x" * 300], 1, "quá dài"),
]


def _id(case: tuple[list[str], int, str]) -> str:
    return " ".join(a or "''" for a in case[0])[:60]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("KEHOACH_TODAY", raising=False)
    monkeypatch.delenv("KEHOACH_DEBUG", raising=False)

    def run(*args: str, data: str = DATA):
        monkeypatch.setenv("KEHOACH_DATA", data)
        return CliRunner().invoke(app, list(args), catch_exceptions=False)

    return run


@pytest.mark.parametrize("case", BAD, ids=[_id(c) for c in BAD])
def test_bad_invocation(cli, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case):
    args, code, phrase = case
    writes = args[:2] == ["progress", "set"]
    data_copy = request.getfixturevalue("data_copy") if writes else None  # a copy only where files may change
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # a command that wrongly wrote a file would leave it here, not in the checkout
    result = cli(*args, data=str(data_copy) if writes else DATA)
    assert result.exit_code == code, result.output
    assert phrase in result.stderr
    assert "Traceback" not in result.output
    assert result.stderr.count("kehoach:") >= 1
    if data_copy is not None:  # nothing was written
        assert not (data_copy / "progress" / "aec-2026" / "2030.yaml").exists()
    assert list(cwd.iterdir()) == []


def test_year_zero_writes_nothing(cli, data_copy: Path):
    before = {p: p.read_bytes() for p in (data_copy / "progress").rglob("*.yaml")}
    result = cli("progress", "set", "aec-2026/IV.1.1", "--status", "done", "--year", "0", data=str(data_copy))
    assert result.exit_code == 2
    assert {p: p.read_bytes() for p in (data_copy / "progress").rglob("*.yaml")} == before


def test_broken_registry_is_a_data_problem(cli, data_copy: Path):
    (data_copy / "agencies.yaml").write_text("agencies: [\n", encoding="utf-8")
    result = cli("due", "--agency", A, *T, data=str(data_copy))
    assert result.exit_code == 1
    assert "agencies.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_a_plan_that_fails_to_load_makes_the_answer_exit_1(cli, data_copy: Path):
    (data_copy / "plans" / "aec-2026.yaml").write_text("id: [\n", encoding="utf-8")
    result = cli("plans", data=str(data_copy))
    assert result.exit_code == 1
    assert "qd74-dai-hoi-xx" in result.stdout  # the rest still answers
    assert "cảnh báo" in result.stderr


@pytest.mark.parametrize(
    ("err", "phrase"),
    [
        (errno.EROFS, "chỉ cho đọc"),
        (errno.ENOSPC, "hết chỗ trống"),
        (errno.EACCES, "không có quyền"),
        (errno.EDQUOT, "hạn mức"),
    ],
)
def test_progress_set_file_errors_exit_1(cli, data_copy: Path, monkeypatch: pytest.MonkeyPatch, err, phrase):
    import kehoach.progress_write

    def refuse(path, content):  # type: ignore[no-untyped-def]
        raise OSError(err, os.strerror(err), str(path))

    monkeypatch.setattr(kehoach.progress_write, "atomic_write", refuse)
    result = cli("progress", "set", "aec-2026/IV.1.1", "--status", "done", "--replace", *T, data=str(data_copy))
    assert result.exit_code == 1
    assert phrase in result.stderr
    assert "2026.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_lock_owned_by_someone_else_exits_1(cli, data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    import filelock

    def denied(self, *a, **kw):  # type: ignore[no-untyped-def]
        raise PermissionError(errno.EACCES, "Permission denied", self.lock_file)

    monkeypatch.setattr(filelock.FileLock, "acquire", denied)
    result = cli("progress", "set", "aec-2026/IV.1.1", "--status", "done", "--replace", *T, data=str(data_copy))
    assert result.exit_code == 1
    assert "không có quyền" in result.stderr and ".lock" in result.stderr


def test_progress_path_that_is_a_file_exits_1(cli, data_copy: Path):
    import shutil

    shutil.rmtree(data_copy / "progress")
    (data_copy / "progress").write_text("not a folder\n", encoding="utf-8")
    result = cli("progress", "set", "aec-2026/IV.1.1", "--status", "done", *T, data=str(data_copy))
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_unexpected_error_is_a_message_unless_debugging(cli, monkeypatch: pytest.MonkeyPatch):
    import kehoach.query

    def boom(*a, **kw):  # type: ignore[no-untyped-def]
        raise RuntimeError("hỏng")

    monkeypatch.setattr(kehoach.query, "find_tasks", boom)
    result = cli("tasks")
    assert result.exit_code == 1
    assert "RuntimeError: hỏng" in result.stderr and "KEHOACH_DEBUG=1" in result.stderr
    assert "Traceback" not in result.output
    monkeypatch.setenv("KEHOACH_DEBUG", "1")
    assert "Traceback" in cli("tasks").stderr


def test_bad_kehoach_today_is_a_usage_mistake(cli, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KEHOACH_TODAY", "20260115")
    result = cli("due", "--agency", A)
    assert result.exit_code == 2
    assert "$KEHOACH_TODAY" in result.stderr


# --- the streams: only a real process shows what the interpreter does at exit ---------------------------


def _kehoach(*args: str, env: dict[str, str] | None = None, **kw):  # type: ignore[no-untyped-def]
    full = {k: v for k, v in os.environ.items() if not k.startswith("KEHOACH_")} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "kehoach", *args, "--data", DATA],
        env=full,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        **kw,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stdout_full_exits_1_with_a_message():
    with open("/dev/full", "w") as full:
        result = _kehoach("due", "--agency", A, *T, stdout=full)
    assert result.returncode == 1
    assert "hết chỗ trống" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


def test_stdout_closed_exits_1_with_a_message():
    result = _kehoach("plans", stdout=None, preexec_fn=lambda: os.close(1))
    assert result.returncode == 1
    assert "stdout" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("fmt", "first"), [("csv", b"plan,id,"), ("json", b"[\n")])
def test_a_reader_that_leaves_early_gets_exit_code_1_and_no_message(fmt: str, first: bytes):
    """``kehoach tasks --format csv | head -1``: the output (150–250 KB) outgrows the pipe, the write fails."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kehoach", "tasks", "--data", DATA, "--format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if not k.startswith("KEHOACH_")},
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(first)
    proc.stdout.close()  # the reader goes away, like `| head -1`
    err = proc.stderr.read().decode()
    assert proc.wait() == 1
    assert err == ""  # no message, no traceback, no "Exception ignored"


def test_ascii_terminal_gets_plain_letters_not_a_crash():
    result = _kehoach("due", "--agency", A, *T, env={"PYTHONIOENCODING": "ascii"}, stdout=subprocess.PIPE)
    assert result.returncode == 0
    assert "Viec cua So Tai chinh" in result.stdout
    json_out = _kehoach(
        "plans", "--format", "json", env={"PYTHONIOENCODING": "ascii"}, stdout=subprocess.PIPE
    ).stdout
    import json

    assert any("Kế hoạch" in (p["title"] or "") or "Quyết định" in str(p) for p in json.loads(json_out))


def test_report_for_an_agency_with_a_300_character_name(cli, tmp_path: Path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "data", data)
    long_name = "Sở " + "Rất Dài " * 37 + "Thanh Hóa"
    assert len(long_name) > 300
    registry = data / "agencies.yaml"
    text = registry.read_text(encoding="utf-8")
    text = text.replace("    name: Sở Xây dựng\n", f"    name: {long_name}\n    aliases: [Sở Xây dựng]\n")
    registry.write_text(text, encoding="utf-8")
    result = cli(
        "report", "annual", "--plan", "fx-2026", "--year", "2026", "--agency", "Sở Xây dựng",
        "--today", "2026-11-21", "-o", str(tmp_path), data=str(data),
    )
    assert result.exit_code == 0, result.stderr
    (written,) = tmp_path.glob("*.docx")
    assert len(written.name.encode()) < 255
    import docx

    props = docx.Document(str(written)).core_properties
    assert props.author == long_name[:255]


def test_help_and_usage_errors_read_in_vietnamese(cli):
    result = cli("due", "--help")
    assert result.exit_code == 0
    assert "Cách dùng: kehoach due" in result.stdout and "Tùy chọn:" in result.stdout
    assert "Usage:" not in result.stdout and "Options:" not in result.stdout
    wrong = cli("due", "--agenzy", A)
    assert wrong.exit_code == 2 and "không có tùy chọn --agenzy" in wrong.stderr
    assert "No such option" not in wrong.stderr


@pytest.mark.parametrize("args", [("tasks",), ("report", "annual", "--year", "2026")])
def test_a_plan_whose_file_is_broken_is_a_data_problem_not_an_unknown_plan(run, data_copy: Path, tmp_path: Path, args):
    (data_copy / "plans" / "aec-2026.yaml").write_text("id: [\n", encoding="utf-8")
    out = ["-o", str(tmp_path / "x.docx")] if args[0] == "report" else []
    result = run(*args, "--plan", "aec-2026", "--data", str(data_copy), *out)
    assert result.exit_code == 1
    assert "không đọc được" in result.stderr and "aec-2026.yaml" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "x.docx").exists()


_STOPPED_WHILE_READING = """
import os, signal, sys
from kehoach import cache

real = cache.read_yaml
calls = 0
stop = getattr(signal, sys.argv[1])

def reading(path, raw=None):
    global calls
    calls += 1
    if calls == 3:  # a few files in: a snapshot is being written
        os.kill(os.getpid(), stop)
    return real(path, raw)

cache.read_yaml = reading
sys.argv = ["kehoach", "check", "--data", sys.argv[2]]
from kehoach.cli import main
main()
"""


@pytest.mark.parametrize(("signame", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_stopped_while_reading_says_so_and_leaves_no_temporary_file(tmp_path: Path, signame: str, code: int):
    cache_dir = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEHOACH_")} | {"KEHOACH_CACHE_DIR": str(cache_dir)}
    done = subprocess.run(
        [sys.executable, "-c", _STOPPED_WHILE_READING, signame, DATA],
        capture_output=True, text=True, env=env, timeout=60,
        # a child started in the background may inherit SIGINT ignored: give it the default back
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert done.returncode == code
    assert done.stderr == "kehoach: đã dừng\n" if signame == "SIGINT" else "Traceback" not in done.stderr
    assert not [p for p in cache_dir.rglob("*") if p.name.endswith(".tmp")]
