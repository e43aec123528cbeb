"""The bar ``hostile-second``: Word files, the cache, diff and exports under attack (docs/security.md).

Hostile files are built at test time, small on disk; each import runs in its own process under a 1 GiB
address-space limit, so a file that made kehoach unpack or pad without bound would fail with MemoryError
(and the message below), not pass by luck. Time is only guarded against hangs here; timings are in
docs/security.md.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hostile_word import GiB, builders, document, task_rows, write_docx

SCALE = 1 / 16  # bombs of 64 MiB and 192 MiB: twice and six times the largest part kehoach unpacks
LIMIT = GiB
RUN = (
    "import resource, sys\n"
    "resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
    "from kehoach.cli import main\n"
    "sys.argv = ['kehoach', *sys.argv[1:]]\n"
    "main()\n"
)


def kehoach(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The CLI in a process of its own, its address space capped at 1 GiB."""
    return subprocess.run(
        [sys.executable, "-c", RUN.format(limit=LIMIT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


class _Word(dict):
    """The hostile Word files by name, each built when a test first asks for it, into a folder the workers of
    one run share (pytest-xdist spreads a test's cases over them): each file is built once per run."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder, self.build = folder, builders(SCALE)

    def __missing__(self, name: str) -> Path:
        path = self.folder / f"{name}.docx"
        if not path.exists():  # another worker may be building it too: each writes its own file, then renames
            part = self.build[name](self.folder / f".{name}.{os.getpid()}.docx")
            os.replace(part, path)
        self[name] = path
        return path


@pytest.fixture(scope="session")
def word(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "hostile-word"
    folder.mkdir(exist_ok=True)
    return _Word(folder)


def _import(path: Path, out: Path, plan_id: str = "kh-x") -> subprocess.CompletedProcess:
    return kehoach("import", "docx", str(path), "--id", plan_id, "-o", f"{out}/")


def _draft(out: Path, plan_id: str = "kh-x") -> dict:
    from kehoach.loader import read_yaml

    return read_yaml(out / f"{plan_id}.yaml").data  # kehoach's own reader: the draft reads back


IMPORTED = {  # file -> what the review list must say (None: nothing in particular)
    "bomb-thumbnail": None,
    "bomb-styles": None,
    "grid-before-huge": "table.clamped",
    "grid-before-junk": None,
    "wide-row": "table.clamped",
    "long-cell": "table.clamped",
    "lead-with-colon": "agency.unknown",
    "paragraphs-99000": None,
}
REFUSED = {  # file -> words of the message
    "document-header-lies-small": "không phải tệp Word .docx hợp lệ",
    "document-header-lies-big": "lớn hơn 32 MB",
    "wide-rows-5000": "lớn hơn 32 MB",
    "rows-20001": "hơn 20000 dòng",
    "same-stt-19000": "hơn 8000 nhiệm vụ",
    "nested-12": "lồng trong bảng quá 8 tầng",
    "entities": "DOCTYPE",
    "undefined-entity": "word/document.xml hỏng",
    "macro-docm": "có macro (.docm)",
    "many-parts": "phần (tối đa 10000)",
    "dense-paragraphs": "hơn 1500000 phần tử XML",
    "empty-paragraphs": "đoạn (tối đa 200000)",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(IMPORTED))
def test_hostile_word_file_imports_within_bounds(word: dict[str, Path], tmp_path: Path, name: str):
    result = _import(word[name], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "không lường trước" not in result.stderr
    plan = _draft(tmp_path)
    tasks = [t for s in plan["sections"] for t in s["tasks"]]
    assert tasks and all(len(t["id"]) < 40 for t in tasks)
    if IMPORTED[name]:
        assert f"[{IMPORTED[name]}]" in result.stdout
    if name == "long-cell":
        assert max(len(t["content"]) for t in tasks) == 20_000
    if name == "lead-with-colon":  # a plain scalar in a flow list would not read back
        assert tasks[0]["lead"] == ["Tổ công tác 08:00, http://a.vn/x#y"]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_word_file_is_refused_with_a_message(word: dict[str, Path], tmp_path: Path, name: str):
    result = _import(word[name], tmp_path)
    assert result.returncode == 1, result.stderr
    assert REFUSED[name] in result.stderr
    assert "Traceback" not in result.stderr and "không lường trước" not in result.stderr
    assert not list(tmp_path.iterdir())  # nothing written


def test_parts_other_than_the_document_are_never_unpacked(tmp_path: Path, data):
    from kehoach.importer import import_docx

    # A bomb in a part that python-docx would read (styles) changes nothing: only the document is unpacked.
    path = write_docx(tmp_path / "kh.docx", document(task_rows(2)), extra=[("word/styles.xml", 64 << 20)])
    assert import_docx(path, "kh", data.registry).tasks == 2


def test_spans_that_spread_past_the_cell_budget_are_refused(tmp_path: Path, data):
    from hostile_word import cell, row
    from kehoach.importer import DocxImportError, import_docx

    spans = [row([cell("x", '<w:gridSpan w:val="64"/>')]) for _ in range(8_000)]  # 512,000 cells from 1.6 MB
    path = write_docx(tmp_path / "kh.docx", document(spans))
    with pytest.raises(DocxImportError, match="hơn 500000 ô"):
        import_docx(path, "kh", data.registry)


def test_repeated_and_missing_stt_give_short_unique_ids(tmp_path: Path, data):
    from kehoach.importer import import_docx

    rows = task_rows(3_000, stt=lambda i: "1") + task_rows(3_000, stt=lambda i: "")
    result = import_docx(write_docx(tmp_path / "kh.docx", document(rows)), "kh", data.registry)
    ids = [t["id"] for s in result.plan["sections"] for t in s["tasks"]]
    assert len(ids) == len(set(ids)) == 6_000
    assert ids[:3] == ["I.1", "I.1-2", "I.1-3"]
    assert ids[3_000:3_002] == ["I.1-3000-tiep", "I.1-3000-tiep-2"]  # after the last row with its own STT
    assert max(len(i) for i in ids) == len("I.1-3000-tiep-3000")


def test_a_file_name_cannot_write_yaml_into_the_draft(tmp_path: Path):
    name = 'kh\nbases: ["INJECTED"]\n\x1b[2J.docx'
    path = write_docx(tmp_path / name, document(task_rows(2)))
    out = tmp_path / "out"
    out.mkdir()
    result = _import(path, out)
    assert result.returncode == 0, result.stderr
    text = (out / "kh-x.yaml").read_text(encoding="utf-8")
    assert not any(line.startswith("bases") for line in text.splitlines())
    assert "\x1b" not in text.splitlines()[0]
    plan = _draft(out)
    assert "bases" not in plan and plan["source"] == 'kh?bases: ["INJECTED"]??[2J.docx'


def test_draft_that_does_not_read_back_is_not_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, data, run):
    from kehoach import importer

    with pytest.raises(importer.DocxImportError, match="không đọc lại được"):
        importer._reads_back("id: kh\nlead: [Tổ công tác 08:00]\n", {"id": "kh"}, Path("kh.docx"))
    with pytest.raises(importer.DocxImportError, match="đọc lại khác"):
        importer._reads_back("id: kh\ncontent: 'a\n\n  b'\n", {"id": "kh", "content": "a b"}, Path("kh.docx"))
    # Through the command: a draft that would not read back is not written.
    check = importer._reads_back
    monkeypatch.setattr(importer, "_reads_back", lambda *a: check("id: [", {}, Path("x")))
    path = write_docx(tmp_path / "kh.docx", document(task_rows(2)))
    result = run("import", "docx", str(path), "--id", "kh", "-o", f"{tmp_path}/")
    assert result.exit_code == 1 and "không đọc lại được" in result.stderr
    assert not (tmp_path / "kh.yaml").exists()


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_not_a_file_given_as_the_word_file_is_named_for_what_it_is(run, tmp_path: Path, kind: str):
    target = {"fifo": tmp_path / "x.docx", "folder": tmp_path / "d.docx", "device": Path(os.devnull)}[kind]
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    result = run("import", "docx", str(target), "--id", "kh", "-o", str(tmp_path / "kh.yaml"))
    assert result.exit_code == 1
    assert {"fifo": "FIFO", "folder": "thư mục", "device": "thiết bị"}[kind] in result.stderr
    assert "không tìm thấy" not in result.stderr


def test_a_bad_plan_id_is_a_usage_error(run, tmp_path: Path):
    path = write_docx(tmp_path / "kh.docx", document(task_rows(2)))
    result = run("import", "docx", str(path), "--id", "kh/../x", "-o", f"{tmp_path}/")
    assert result.exit_code == 2 and "--id" in result.stderr


def test_an_agency_cell_of_300_unknown_names_is_split_quickly(data):
    # Linear in the cell, at most MAX_PIECES names: the rest of the cell is kept as one piece for review.
    code = (
        "import sys; from kehoach.dataset import load_data; from kehoach.importer import MAX_PIECES, split_agencies\n"
        "from pathlib import Path; reg = load_data(Path(sys.argv[1])).registry\n"
        "names, unknown = split_agencies(', '.join(f'Ban Công tác số {i}' for i in range(300)), reg)\n"
        "assert len(names) == MAX_PIECES and names[-1].endswith('Ban Công tác số 299'), len(names)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(data.root)], check=True, timeout=20)


# --------------------------------------------------------------------------------- the cache


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from kehoach import cache

    home = tmp_path / "cache"
    monkeypatch.setenv("KEHOACH_CACHE_DIR", str(home))
    monkeypatch.delenv("KEHOACH_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "_warned", False)
    return home


def _answers(data_dir: Path) -> tuple:
    from kehoach.dataset import load_data

    data = load_data(data_dir)
    return (
        [lp.plan.model_dump() for lp in data.plans],
        sorted((p.file, p.line, p.code, p.message) for p in data.problems),
    )


@pytest.mark.slow
def test_every_damaged_byte_of_a_snapshot_is_a_miss_never_a_crash(cache_home: Path, data_copy: Path):
    """marshal.loads can crash the interpreter on damaged bytes: each is checked first (in a child process,
    so that a crash fails the test instead of killing it)."""
    from kehoach.cache import cache_dir_for
    from kehoach.dataset import load_data

    load_data(data_copy)
    snap = cache_dir_for(data_copy) / "snapshot.marshal"
    raw = snap.read_bytes()
    code = (
        "import sys, pathlib\n"
        "from kehoach.dataset import load_data\n"
        "snap, data = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])\n"
        "raw = snap.read_bytes()\n"
        "for at in map(int, sys.argv[3:]):\n"
        "    snap.write_bytes(raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1:])\n"
        "    d = load_data(data)\n"
        "    assert len(d.plans) > 1 and not [p for p in d.problems if p.severity == 'error'], at\n"
    )
    # Every region of the file, the end (trailer) byte by byte; `make fuzz` (HYPOTHESIS_PROFILE=deep) goes denser.
    deep = os.environ.get("HYPOTHESIS_PROFILE") == "deep"
    step, tail = len(raw) // (150 if deep else 40), (64 if deep else 24)
    spots = sorted({*range(0, len(raw), max(1, step)), *range(len(raw) - tail, len(raw))})
    done = subprocess.run(
        [sys.executable, "-c", code, str(snap), str(data_copy), *map(str, spots)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "KEHOACH_CACHE_DIR": str(cache_home)},
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_damaged_snapshot_gives_the_right_answer_and_exit_0(cache_home: Path, data_copy: Path, run):
    from kehoach.cache import cache_dir_for

    expected = run("due", "--agency", "Sở Tài chính", "--data", str(data_copy), "--today", "2026-06-30")
    snap = cache_dir_for(data_copy) / "snapshot.marshal"
    raw = bytearray(snap.read_bytes())
    raw[len(raw) // 3] ^= 0x55
    snap.write_bytes(bytes(raw))
    again = run("due", "--agency", "Sở Tài chính", "--data", str(data_copy), "--today", "2026-06-30")
    assert (again.exit_code, again.stdout) == (expected.exit_code, expected.stdout) and expected.exit_code == 0


def test_a_cache_folder_others_can_write_is_not_read(cache_home: Path, data_copy: Path, capfd):
    from kehoach.cache import cache_dir_for

    expected = _answers(data_copy)
    # Someone rewrites the snapshot in a shared, world-writable folder: it must not be believed.
    folder = cache_dir_for(data_copy)
    cache_home.chmod(0o777)
    (folder / "snapshot.marshal").write_bytes(b"poisoned")
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert _answers(data_copy) == expected
    assert _answers(data_copy) == expected
    err = capfd.readouterr().err
    assert err.count("cảnh báo: không dùng bộ nhớ đệm") == 1 and "người khác ghi được" in err
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before  # nothing written there


def test_a_snapshot_others_can_write_is_not_read(cache_home: Path, data_copy: Path, monkeypatch):
    from kehoach import cache
    from kehoach.cache import FileCache, cache_dir_for

    _answers(data_copy)
    snap = cache_dir_for(data_copy) / "snapshot.marshal"
    snap.chmod(0o666)
    assert FileCache(data_copy).entries == {}
    snap.chmod(0o600)
    monkeypatch.setattr(cache, "_warned", False)
    assert FileCache(data_copy).entries


def test_a_cache_folder_that_is_a_link_is_not_written_through(tmp_path: Path, data_copy: Path, monkeypatch):
    from kehoach import cache

    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    victim = target / ".keep.tmp"
    victim.write_bytes(b"x")
    os.utime(victim, (1, 1))  # old enough to be swept, were the sweep to follow the link
    link = tmp_path / "cache-link"
    link.symlink_to(target)
    monkeypatch.setenv("KEHOACH_CACHE_DIR", str(link))
    monkeypatch.delenv("KEHOACH_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "_warned", False)
    assert _answers(data_copy)[0]
    assert [p.name for p in target.iterdir()] == [".keep.tmp"]
    with pytest.raises(cache.CacheLocationError, match="liên kết"):
        cache.clear()
    assert victim.exists()


def test_cache_files_are_the_users_alone(cache_home: Path, data_copy: Path):
    from kehoach.cache import cache_dir_for

    old = os.umask(0o002)  # a shared-group umask must not make the cache group-writable
    try:
        _answers(data_copy)
    finally:
        os.umask(old)
    folder = cache_dir_for(data_copy)
    for path in [cache_home, folder, *folder.iterdir()]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert not mode & 0o077, (path, oct(mode))
        assert path.lstat().st_uid == os.geteuid()


def test_sweeping_removes_no_link_and_nothing_through_one(cache_home: Path, data_copy: Path, tmp_path: Path):
    from kehoach.cache import cache_dir_for

    _answers(data_copy)
    folder = cache_dir_for(data_copy)
    outside = tmp_path / "outside.tmp"
    outside.write_bytes(b"keep")
    os.utime(outside, (1, 1))
    link = folder / ".link.tmp"
    link.symlink_to(outside)
    os.utime(link, (1, 1), follow_symlinks=False)
    (data_copy / "plans" / "aec-2026.yaml").touch()  # a rebuild, then a sweep
    _answers(data_copy)
    assert outside.read_bytes() == b"keep" and link.is_symlink()


def test_a_relative_cache_dir_is_refused(tmp_path: Path, data_copy: Path, run, monkeypatch):
    from kehoach import cache

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KEHOACH_CACHE_DIR", "rel-cache")
    monkeypatch.delenv("KEHOACH_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "_warned", False)
    result = run("cache", "clear")
    assert result.exit_code == 2 and "không phải đường dẫn tuyệt đối" in result.stderr
    answered = run("plans", "--data", str(data_copy))
    assert answered.exit_code == 0 and answered.stdout
    assert "không phải đường dẫn tuyệt đối" in answered.stderr  # warned, answered from the files
    assert not (tmp_path / "rel-cache").exists()


def test_an_empty_home_is_not_the_root_folder(monkeypatch: pytest.MonkeyPatch):
    import pwd

    from kehoach.cache import cache_root

    monkeypatch.delenv("KEHOACH_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "")
    home = pwd.getpwuid(os.geteuid()).pw_dir
    assert cache_root() == Path(home) / ".cache" / "kehoach"


# --------------------------------------------------------------------------------- data files


def test_a_plan_linking_outside_the_data_folder_is_not_read(data_copy: Path, tmp_path: Path, run):
    secret = tmp_path / "secrets.yaml"
    secret.write_text("api_token: sk-live-SECRET\nother_key: 1\n", encoding="utf-8")
    (data_copy / "plans" / "secrets.yaml").symlink_to(secret)
    result = run("--no-cache", "check", "--format", "github", "--data", str(data_copy))
    assert result.exit_code == 1
    out = result.stdout + result.stderr
    assert "sk-live-SECRET" not in out and "api_token" not in out and "other_key" not in out
    assert "ngoài thư mục dữ liệu" in out and "secrets.yaml" in out


def test_a_link_inside_the_data_folder_is_read(data_copy: Path):
    from kehoach.dataset import load_data

    plans = data_copy / "plans"
    (data_copy / "archive").mkdir()
    (plans / "aec-2026.yaml").rename(data_copy / "archive" / "aec-2026.yaml")
    (plans / "aec-2026.yaml").symlink_to(Path("..") / "archive" / "aec-2026.yaml")
    assert "aec-2026" in [lp.plan.id for lp in load_data(data_copy, cache=False).plans]


# --------------------------------------------------------------------------------- diff


def _plan_text(tasks: list[tuple[str, str, str]]) -> str:
    lines = [
        "id: kh-diff", "kind: Kế hoạch", "number: 1/KH-UBND", "issued: 2026-01-05", "issuer: UBND tỉnh Thanh Hóa",
        "signer: Nguyễn Văn A", "title: Thử", "periods:", "  - {start: 2026, end: 2026}", "sections:",
        "  - id: I", "    title: Nhóm", "    tasks:",
    ]
    for tid, content, lead in tasks:
        lines += [f"      - id: {tid}", f'        content: "{content}"', f'        lead: ["{lead}"]',
                  "        deadline: Năm 2026"]
    return "\n".join(lines) + "\n"


def test_diff_prints_no_escape_sequence(tmp_path: Path, run):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(_plan_text([("I.1", "Xây dựng kế hoạch", "Sở Tài chính")]), encoding="utf-8")
    new.write_text(
        _plan_text([("I.1", "Xây dựng kế hoạch\\e]0;pwned\\a\\e[2J", "Sở Tài chính\\e[8mSở Tư pháp")]),
        encoding="utf-8",
    )
    result = run("diff", str(old), str(new))
    assert result.exit_code == 0, result.stderr
    assert not any(ord(c) < 32 and c != "\n" or 0x7F <= ord(c) <= 0x9F for c in result.stdout)
    assert "Sở Tư pháp" in result.stdout  # the hidden change is shown


def test_diff_of_500_renumbered_tasks(tmp_path: Path):
    import random

    from kehoach.model import Plan
    from kehoach.plandiff import diff_plans

    rng = random.Random(7)
    text = "xây dựng triển khai kế hoạch chuyển đổi số hạ tầng đô thị nông thôn y tế giáo dục an ninh"
    words = text.split(" ")
    contents = [" ".join(rng.choice(words) for _ in range(14)) + f" số {i}" for i in range(500)]
    old = Plan.model_validate_json(_json_plan([(f"I.{i + 1}", c) for i, c in enumerate(contents)]))
    new = Plan.model_validate_json(_json_plan([(f"II.{i + 1}", c + " (sửa)") for i, c in enumerate(contents)]))
    result = diff_plans(old, new)
    assert not result.added and not result.removed and len(result.changed) == 500
    assert all(c.old.id.removeprefix("I.") == c.new.id.removeprefix("II.") for c in result.changed)


def _json_plan(tasks: list[tuple[str, str]]) -> str:
    import json

    return json.dumps({
        "id": "kh", "kind": "Kế hoạch", "number": None, "issued": "2026-01-05", "issuer": "UBND tỉnh Thanh Hóa",
        "signer": None, "title": "Thử", "periods": [{"start": 2026, "end": 2026}],
        "sections": [{"id": "S", "title": "Nhóm", "tasks": [
            {"id": tid, "content": content, "lead": ["Sở Tài chính"], "deadline": "Năm 2026"} for tid, content in tasks
        ]}],
    }, ensure_ascii=False)


def test_diff_refuses_a_huge_git_blob_before_reading_it(tmp_path: Path, run, monkeypatch):
    from kehoach import plandiff

    repo = tmp_path / "repo"
    repo.mkdir()
    plan = repo / "plan.yaml"
    plan.write_text(_plan_text([("I.1", "Việc", "Sở Tài chính")]), encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "plan.yaml"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=repo, check=True)
    monkeypatch.chdir(repo)
    monkeypatch.setattr(plandiff, "MAX_GIT_BYTES", 100)  # the committed plan is "huge" now
    read: list[list[str]] = []
    real = subprocess.run

    def spy(args, *a, **kw):  # type: ignore[no-untyped-def]
        read.append(list(args))
        return real(args, *a, **kw)

    monkeypatch.setattr(plandiff.subprocess, "run", spy)
    result = run("diff", "HEAD:plan.yaml", str(plan))
    assert result.exit_code == 1 and "quá lớn" in result.stderr
    assert [a[1:3] for a in read] == [["cat-file", "-s"]]  # its size asked, its content never read


def test_diff_rev_without_a_file_is_a_usage_error(tmp_path: Path, run):
    plan = tmp_path / "plan.yaml"
    plan.write_text(_plan_text([("I.1", "Việc", "Sở Tài chính")]), encoding="utf-8")
    result = run("diff", "HEAD:", str(plan))
    assert result.exit_code == 2 and "thiếu tên tệp" in result.stderr
    assert "tmp" not in result.stderr.replace(str(tmp_path), "")


# --------------------------------------------------------------------------------- exports and the CLI boundary


def test_calendar_text_carries_no_forbidden_character():
    import datetime as dt

    from kehoach.export.ics import Event, to_ical

    nasty = "Họp\u2028BEGIN:VEVENT\u2029x\x85y\x0bz\x0c\x1c\x00\x1b[2J cuối"
    ev = Event(uid="u@kehoach", start=dt.date(2026, 5, 1), summary=nasty, description=nasty, plan="kh\x1b")
    raw = to_ical([ev], "Lịch\u2028X", stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)).decode("utf-8")
    body = raw.replace("\r\n", "")
    assert not [c for c in body if (ord(c) < 32 and c != "\t") or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029"]
    # A reader splitting with str.splitlines() sees the lines the calendar has, and one event.
    assert raw.splitlines() == raw.split("\r\n")[:-1]
    assert [line for line in raw.splitlines() if line.startswith("BEGIN:VEVENT")] == ["BEGIN:VEVENT"]
    import icalendar

    parsed = icalendar.Calendar.from_ical(raw)
    assert "cuối" in str(parsed.walk("VEVENT")[0]["summary"])


def test_running_out_of_memory_ends_with_a_fixed_message(monkeypatch: pytest.MonkeyPatch, capsys):
    import builtins

    from kehoach.cli.errors import OUT_OF_MEMORY, guarded

    real_import = builtins.__import__

    def no_memory(*a, **kw):  # type: ignore[no-untyped-def]
        raise MemoryError  # any import on the error path would fail as it does when memory is gone

    def run() -> int:
        builtins.__import__ = no_memory
        raise MemoryError

    try:
        code = guarded(run)
    finally:
        builtins.__import__ = real_import
    err = capsys.readouterr().err
    assert code == 1 and err == OUT_OF_MEMORY and "Traceback" not in err


def test_memory_exhausted_for_real_is_exit_1_without_traceback(tmp_path: Path):
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (600 << 20, 600 << 20))\n"
        "from kehoach.cli.errors import guarded\n"
        "def run():\n"
        "    hog = [bytearray(1 << 20) for _ in range(4096)]\n"
        "    return len(hog)\n"
        "sys.exit(guarded(run))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "không đủ bộ nhớ" in done.stderr


def test_export_sqlite_metadata_messages_and_all_or_nothing(data_copy: Path, tmp_path: Path, run):
    db = tmp_path / "out.db"
    same = run("export", "sqlite", "-o", str(db), "--metadata", str(db), "--data", str(data_copy))
    assert same.exit_code == 2 and "--metadata" in same.stderr and "-o '" not in same.stderr
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    inside = run("export", "sqlite", "-o", str(db), "--metadata", str(blocker / "meta.yml"), "--data", str(data_copy))
    assert inside.exit_code == 1 and "meta.yml" in inside.stderr
    assert not db.exists()  # no database left behind when its metadata could not be written


def test_output_through_a_link_to_a_device_is_refused_even_with_force(data_copy: Path, tmp_path: Path, run):
    link = tmp_path / "out.ics"
    link.symlink_to(os.devnull)
    result = run("calendar", "-o", str(link), "--force", "--data", str(data_copy))
    assert result.exit_code == 1 and "thiết bị" in result.stderr
    assert link.is_symlink()
