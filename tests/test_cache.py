"""The cache of loaded files gives the same answers as parsing, is never stale, and never breaks a command."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import PLAN_FILES
from kehoach import cache
from kehoach.cache import FileCache, cache_dir_for
from kehoach.dataset import load_data
from kehoach.progress import progress_of


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("KEHOACH_CACHE_DIR", str(home))
    monkeypatch.delenv("KEHOACH_NO_CACHE", raising=False)
    return home


def _summary(data) -> tuple:  # type: ignore[no-untyped-def]
    plans = [(lp.plan.model_dump(), str(lp.path)) for lp in data.plans]
    problems = sorted((p.file, p.line, p.column, p.path, p.code, p.message) for p in data.problems)
    prog = progress_of(data)
    progress = sorted((k, v.model_dump()) for k, v in prog.files.items())
    agencies = [a.model_dump() for a in data.registry]
    return plans, problems, progress, agencies


def _counts(root: Path) -> tuple[int, int]:
    from kehoach.loader import load_plan_file, plan_files

    fc = FileCache(root)
    for path in plan_files(root):
        load_plan_file(path, fc)
    fc.commit()
    return fc.hits, fc.misses


def test_warm_load_equals_parsing(cache_home: Path, data_copy: Path):
    plain = _summary(load_data(data_copy, cache=False))
    assert not cache_home.exists()  # cache=False neither reads nor writes
    cold = _summary(load_data(data_copy))
    assert (cache_dir_for(data_copy) / "snapshot.marshal").is_file()
    warm = _summary(load_data(data_copy))
    assert plain == cold == warm
    assert len(warm[0]) == PLAN_FILES


def test_only_a_changed_file_is_parsed_again(cache_home: Path, data_copy: Path):
    assert _counts(data_copy) == (0, PLAN_FILES)
    assert _counts(data_copy) == (PLAN_FILES, 0)
    aec = data_copy / "plans" / "aec-2026.yaml"
    aec.write_text(aec.read_text(encoding="utf-8").replace("Sở Tài chính", "Sở Tư pháp", 1), encoding="utf-8")
    assert _counts(data_copy) == (PLAN_FILES - 1, 1)
    assert _counts(data_copy) == (PLAN_FILES, 0)


def test_same_size_rewrite_in_the_same_instant_is_seen(cache_home: Path, data_copy: Path):
    aec = data_copy / "plans" / "aec-2026.yaml"
    text = aec.read_text(encoding="utf-8")
    assert "Sở Tài chính" in text
    load_data(data_copy)
    st = os.stat(aec)
    # Same length, same mtime: only the content tells the two versions apart.
    aec.write_text(text.replace("Sở Tài chính", "Sở Tài chánh", 1), encoding="utf-8")
    os.utime(aec, ns=(st.st_atime_ns, st.st_mtime_ns))
    lead = load_data(data_copy).plan("aec-2026").plan.tasks[0].lead
    assert lead == ["Sở Tài chánh"]


def test_broken_file_keeps_its_located_problem_when_cached(cache_home: Path, data_copy: Path):
    bad = data_copy / "plans" / "bad.yaml"
    text = "id: bad\nkind: x\nsections:\n  - id: A\n    title: t\n    tasks:\n      - id: 1\n"
    bad.write_text(text, encoding="utf-8")
    cold = [(p.file, p.line, p.column, p.code) for p in load_data(data_copy).problems]
    warm = [(p.file, p.line, p.column, p.code) for p in load_data(data_copy).problems]
    assert cold == warm
    assert (str(bad), 7, 9, "schema.missing") in warm  # task 1 lacks its content, at its line and column


def test_positions_come_back_for_check(cache_home: Path, data_copy: Path, run):
    first = run("check", "--data", str(data_copy), "--format", "json")
    second = run("check", "--data", str(data_copy), "--format", "json")
    assert first.stdout == second.stdout
    warnings = json.loads(second.stdout)["warnings"]
    assert warnings and all(w["line"] for w in warnings if w["file"].endswith(".yaml") and w["path"])


def test_positions_parsed_again_when_their_file_is_gone(cache_home: Path, data_copy: Path):
    load_data(data_copy)
    for f in cache_dir_for(data_copy).glob("*.pos"):
        f.unlink()
    lp = load_data(data_copy).plan("aec-2026")
    assert lp.where(("sections", 0, "tasks", 0))[0] is not None


def test_corrupt_snapshot_is_ignored(cache_home: Path, data_copy: Path):
    expected = _summary(load_data(data_copy, cache=False))
    load_data(data_copy)
    (cache_dir_for(data_copy) / "snapshot.marshal").write_bytes(b"\x00garbage")
    assert _summary(load_data(data_copy)) == expected
    assert _summary(load_data(data_copy)) == expected  # and it was written anew


def test_unwritable_cache_never_fails(tmp_path: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("KEHOACH_CACHE_DIR", str(blocker / "cache"))
    data = load_data(data_copy)
    assert len(data.plans) == PLAN_FILES and not data.problems


def test_removed_plan_is_gone(cache_home: Path, data_copy: Path):
    load_data(data_copy)
    (data_copy / "plans" / "aec-2026.yaml").unlink()
    assert "aec-2026" not in [lp.plan.id for lp in load_data(data_copy).plans]


def test_cache_clear(cache_home: Path, data_copy: Path, run):
    load_data(data_copy)
    assert any(cache_home.rglob("*.pos"))
    result = run("cache", "clear")
    assert result.exit_code == 0
    assert not any(cache_home.rglob("*.pos")) and not any(cache_home.rglob("snapshot.marshal"))
    assert cache.clear() == 0


def test_no_cache_option_writes_nothing(cache_home: Path, data_copy: Path, run):
    result = run("--no-cache", "plans", "--data", str(data_copy))
    assert result.exit_code == 0 and "aec-2026" in result.stdout
    assert not cache_home.exists()


@pytest.mark.parametrize("use_cache", [False, True, True])  # parsed, then cold and warm
def test_models_given_the_same_fields_share_one_set_of_them(cache_home: Path, data_copy: Path, use_cache: bool):
    data = load_data(data_copy, cache=use_cache)
    tasks = [t for lp in data.plans for t in lp.plan.tasks]
    by_fields: dict[frozenset[str], set[int]] = {}
    for t in tasks:
        by_fields.setdefault(frozenset(t.model_fields_set), set()).add(id(t.model_fields_set))
        assert {"id", "content"} <= t.model_fields_set <= set(type(t).model_fields)
    assert len(tasks) > 100 and all(len(ids) == 1 for ids in by_fields.values())


def test_check_locates_every_plan_after_forgetting_positions(cache_home: Path, data_copy: Path):
    from kehoach.check import check

    located = [sorted((p.file, p.line, p.column, p.message) for p in check(load_data(data_copy)).problems)]
    data = load_data(data_copy)  # warm: positions read from beside the cache, then let go plan by plan
    located.append(sorted((p.file, p.line, p.column, p.message) for p in check(data).problems))
    located.append(sorted((p.file, p.line, p.column, p.message) for p in check(data).problems))
    assert located[0] == located[1] == located[2]
    assert all(p[1] is not None for p in located[0]) and len(located[0]) > 10


def test_snapshot_rewritten_around_one_changed_file_reads_back_whole(cache_home: Path, data_copy: Path):
    aec = data_copy / "plans" / "aec-2026.yaml"
    load_data(data_copy)
    aec.write_text(aec.read_text(encoding="utf-8").replace("Sở Tài chính", "Sở Tư pháp", 1), encoding="utf-8")
    expected = _summary(load_data(data_copy, cache=False))
    deadlines = load_data(data_copy, cache=False)
    assert _summary(load_data(data_copy)) == expected  # one record rebuilt, the others copied from the old file
    warm = load_data(data_copy)  # every record from the rewritten file
    assert _summary(warm) == expected
    seeded = 0
    for lp in warm.plans:
        for t in lp.plan.tasks:
            if (lp.plan.id, t.id) in warm._deadlines:  # taken from the cache, not parsed again
                seeded += 1
                assert repr(warm.deadline_or_error(lp.plan, t)) == repr(deadlines.deadline_or_error(lp.plan, t))
    assert seeded > 100


def test_cold_load_keeps_no_positions_in_memory(cache_home: Path, data_copy: Path):
    data = load_data(data_copy)  # parsed: positions are written beside the cache, read back when asked
    lp = data.plan("aec-2026")
    assert type(lp.positions).__name__ == "_LazyPositions" and lp.positions._where is None  # type: ignore[attr-defined]
    assert lp.where(("sections", 0, "tasks", 0)) == load_data(data_copy, cache=False).plan("aec-2026").where(
        ("sections", 0, "tasks", 0)
    )


def test_truncated_snapshot_is_ignored(cache_home: Path, data_copy: Path):
    expected = _summary(load_data(data_copy, cache=False))
    load_data(data_copy)
    snap = cache_dir_for(data_copy) / "snapshot.marshal"
    raw = snap.read_bytes()
    for cut in (raw[: len(raw) // 2], raw[:-1], raw[:100] + b"\x00" * 50 + raw[150:]):
        snap.write_bytes(cut)
        assert _summary(load_data(data_copy)) == expected


@pytest.mark.parametrize("use_cache", [False, True, True])
def test_empty_lists_and_agency_names_are_shared_and_stay_as_they_read(
    cache_home: Path, data_copy: Path, use_cache: bool
):
    from kehoach.loader import EMPTY_LIST

    data = load_data(data_copy, cache=use_cache)
    tasks = [t for lp in data.plans for t in lp.plan.tasks]
    empty = [t for t in tasks if not t.successor]
    assert empty and all(t.successor is EMPTY_LIST and t.successor == [] for t in empty)
    with pytest.raises(TypeError):
        empty[0].successor.append("Sở Tư pháp")
    assert EMPTY_LIST == [] and json.dumps({"s": EMPTY_LIST}) == '{"s": []}'
    leads = [name for t in tasks for name in t.lead if name == "Sở Tài chính"]
    assert len(leads) > 2 and len({id(n) for n in leads}) == 1


def test_index_pointing_outside_the_records_is_ignored(cache_home: Path, data_copy: Path):
    import hashlib
    import marshal
    import struct

    expected = _summary(load_data(data_copy, cache=False))
    load_data(data_copy)
    snap = cache_dir_for(data_copy) / "snapshot.marshal"
    raw = snap.read_bytes()
    trailer = struct.Struct("<QQ16s8s")
    start, length, _digest, magic = trailer.unpack(raw[-trailer.size :])
    key, entries = marshal.loads(raw[start : start + length])
    # A record said to be huge, one said to start past the file, and entries that are not entries; the
    # index's own checksum is made right, so that only the checks of each entry stand in the way.
    broken = {}
    for i, (name, e) in enumerate(entries.items()):
        digest = e[4][2]
        broken[name] = [
            (*e[:4], (0, 2**62, digest)), (*e[:4], (2**40, 10, digest)), (*e[:4], (-5, 10, digest)), 7, ()
        ][i % 5]
    index = marshal.dumps((key, broken))
    checksum = hashlib.blake2b(index, digest_size=16).digest()
    snap.write_bytes(raw[:start] + index + trailer.pack(start, len(index), checksum, magic))
    assert _summary(load_data(data_copy)) == expected


def test_positions_without_the_cache_are_packed_and_unpacked_alike(data_copy: Path):
    from kehoach.check import check

    data = load_data(data_copy, cache=False)
    lp = data.plan("aec-2026")
    assert type(lp.positions).__name__ == "_PackedPositions"
    first = [(p.file, p.line, p.column) for p in check(data).problems]  # each plan's positions let go once checked
    assert lp.positions._where is None  # type: ignore[attr-defined]
    assert first == [(p.file, p.line, p.column) for p in check(data).problems]
    assert all(line is not None for _, line, _ in first)


def test_interrupted_load_leaves_no_temporary_file(cache_home: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch):
    import kehoach.dataset as dataset

    real = dataset.load_plan_file
    calls = []

    def interrupted(path, fc):  # type: ignore[no-untyped-def]
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(path, fc)

    monkeypatch.setattr(dataset, "load_plan_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load_data(data_copy)
    assert cache_dir_for(data_copy).is_dir()  # records were being written…
    assert not list(cache_dir_for(data_copy).glob("*.tmp"))  # …to a file that is gone


def test_day_old_temporary_files_are_swept(cache_home: Path, data_copy: Path):
    folder = cache_dir_for(data_copy)
    folder.mkdir(parents=True)
    stale, fresh = folder / ".stale.tmp", folder / ".fresh.tmp"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(stale, (1, 1))
    load_data(data_copy)
    assert not stale.exists() and fresh.exists()


def test_a_rewrite_while_the_file_is_parsed_is_never_served_from_the_cache(
    data_copy: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
):
    """On a file system with one-second timestamps, a same-size rewrite made while the file was being
    parsed leaves its stamp unchanged: the hash recorded must be that of the bytes parsed."""
    real_stamp, real_read = cache._stamp, cache.read_yaml

    def coarse(path):  # type: ignore[no-untyped-def]
        st = real_stamp(path)
        return None if st is None else (st[0], st[1], st[2] // 10**9 * 10**9, st[3] // 10**9 * 10**9)

    target = data_copy / "plans" / "aec-2026.yaml"
    old = target.read_text(encoding="utf-8")
    assert old.count("năm 2035") >= 1
    new = old.replace("năm 2035", "năm 2037")
    assert len(new.encode()) == len(old.encode())

    def read_then_rewrite(path, raw=None):  # type: ignore[no-untyped-def]
        doc = real_read(path, raw)
        if path == target:
            st = os.stat(target)
            target.write_text(new, encoding="utf-8")
            os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # the same tick, as a coarse clock sees it
        return doc

    monkeypatch.setattr(cache, "_stamp", coarse)
    monkeypatch.setattr(cache, "read_yaml", read_then_rewrite)
    first = load_data(data_copy)
    monkeypatch.setattr(cache, "read_yaml", real_read)
    assert "2035" in json.dumps([t.deadline for t in first.plan("aec-2026").plan.tasks])
    again = load_data(data_copy)
    deadlines = [t.deadline for t in again.plan("aec-2026").plan.tasks]
    assert "năm 2037" in " ".join(d or "" for d in deadlines) and "năm 2035" not in " ".join(d or "" for d in deadlines)


def test_one_data_directory_by_several_names_shares_one_cache(
    data_copy: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
):
    """"data", "./data", "/…/data" and a symlink to it: one snapshot, every file taken from it, and each
    message names the file as the user wrote the directory this time."""
    (data_copy.parent / "link").symlink_to(data_copy)
    monkeypatch.chdir(data_copy.parent)
    broken = data_copy / "plans" / "aec-2026.yaml"
    broken.write_text("khong_co_khoa_nay: 1\n" + broken.read_text(encoding="utf-8"), encoding="utf-8")
    first = load_data(Path("data"))
    assert _counts(Path("data")) == (PLAN_FILES, 0)
    for spelling in (Path("./data"), data_copy, data_copy.parent / "link", Path("link")):
        assert _counts(spelling) == (PLAN_FILES, 0)  # nothing parsed again
        data = load_data(spelling)
        problems = [p for p in data.problems if p.file.endswith("aec-2026.yaml")]
        assert problems and all(p.file == str(spelling / "plans" / "aec-2026.yaml") for p in problems)
        assert [(p.line, p.column, p.code, p.message) for p in data.problems] == [
            (p.line, p.column, p.code, p.message) for p in first.problems
        ]
