"""The query index (kehoach.qindex) and plans decoded task by task: the same answers, never stale, never trusted
when damaged or not the user's own."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from kehoach import cache, qindex
from kehoach.cache import cache_dir_for
from kehoach.dataset import load_data
from kehoach.query import due, find_tasks

TODAY = dt.date(2026, 3, 1)
AGENCIES = ("Sở Tài chính", "Sở Công Thương", "Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp",
            "Sở Nội vụ", "UBND tỉnh")


@pytest.fixture
def home(settled_cache: Path) -> Path:
    return settled_cache


def _answers(root: Path, index: bool, monkeypatch: pytest.MonkeyPatch, names=AGENCIES, lazy: bool = True) -> str:
    monkeypatch.setenv("KEHOACH_NO_INDEX", "0" if index else "1")
    data = load_data(root, lazy=lazy)
    if index:
        assert data.index_key is not None
    out = []
    for name in names:
        ag = data.registry.resolve(name)
        out.append([i.as_dict() for i in due(data, ag, TODAY)])
        out.append([(h.plan.id, h.task.id, h.role, h.responsibility.reason if h.responsibility else None)
                    for h in find_tasks(data, agency=ag, role="any")])
        out.append([h.task.id for h in find_tasks(data, agency=ag, strict=True, cycle="annual-2026")])
    return json.dumps(out, default=str, ensure_ascii=False)


def _roles(home: Path) -> list[Path]:
    return sorted(home.glob("*/*.roles"))


def test_due_and_tasks_from_the_index_equal_the_scan(home, data_copy, monkeypatch):
    first = _answers(data_copy, True, monkeypatch)  # makes each agency's list
    assert len(_roles(home)) == len(AGENCIES)
    real = qindex.build
    monkeypatch.setattr(qindex, "build", lambda *a: pytest.fail("the list should come from its file"))
    assert _answers(data_copy, True, monkeypatch) == first
    monkeypatch.setattr(qindex, "build", real)
    assert _answers(data_copy, True, monkeypatch, lazy=False) == first  # plans decoded whole at once
    assert _answers(data_copy, False, monkeypatch) == first


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("change", ["lead", "registry", "config", "plan-added"])
def test_a_change_of_plan_registry_or_configuration_is_never_answered_from_an_old_list(
    home, data_copy, monkeypatch, change
):
    before = _answers(data_copy, True, monkeypatch)
    key = load_data(data_copy).index_key
    plan = data_copy / "plans" / "qd74-dai-hoi-xx.yaml"
    if change == "lead":
        _edit(plan, "lead: [Sở Tài chính]", "lead: [Sở Nội vụ]")
    elif change == "registry":
        _edit(data_copy / "agencies.yaml", "aliases: [Sở Công thương]", "aliases: [Sở Công thương, Sở CT mới]")
    elif change == "config":
        (data_copy / "kehoach.yaml").write_text("jurisdiction: thanh-hoa\n", encoding="utf-8")
    else:
        text = plan.read_text(encoding="utf-8").replace("id: qd74-dai-hoi-xx", "id: qd74-ban-sao", 1)
        (data_copy / "plans" / "aa-ban-sao.yaml").write_text(text, encoding="utf-8")
    assert load_data(data_copy).index_key != key
    after = _answers(data_copy, True, monkeypatch)
    assert after == _answers(data_copy, False, monkeypatch)
    if change in ("lead", "plan-added"):
        assert after != before


def test_a_file_written_a_moment_ago_is_not_answered_from_the_index(home, data_copy, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 10**12)  # every file is "just written"
    assert load_data(data_copy).index_key is None
    assert load_data(data_copy, cache=False).index_key is None


@pytest.mark.parametrize("damage", ["flip", "truncate", "foreign-mode", "link"])
def test_a_damaged_or_foreign_list_is_made_again(home, data_copy, monkeypatch, damage):
    good = _answers(data_copy, True, monkeypatch, names=AGENCIES[:1])
    (roles,) = _roles(home)
    if damage == "flip":
        raw = bytearray(roles.read_bytes())
        for i in range(20, len(raw), max(1, len(raw) // 50)):
            raw[i] ^= 0xFF
        roles.write_bytes(bytes(raw))
    elif damage == "truncate":
        roles.write_bytes(roles.read_bytes()[:40])
    elif damage == "foreign-mode":
        os.chmod(roles, 0o666)
    else:
        target = roles.with_suffix(".other")
        roles.rename(target)
        roles.symlink_to(target)
    built = []
    real = qindex.build
    monkeypatch.setattr(qindex, "build", lambda *a: built.append(1) or real(*a))
    assert _answers(data_copy, True, monkeypatch, names=AGENCIES[:1]) == good
    assert built, "the damaged list must not be read"
    assert not roles.is_symlink() and (roles.stat().st_mode & 0o077) == 0


def test_cache_clear_removes_the_lists(home, data_copy, monkeypatch, run):
    _answers(data_copy, True, monkeypatch, names=AGENCIES[:2])
    assert len(_roles(home)) == 2
    assert run("cache", "clear").exit_code == 0
    assert _roles(home) == []


def test_a_plan_from_the_cache_is_decoded_task_by_task_and_whole_alike(home, data_copy, monkeypatch):
    from kehoach.modeltree import NotLoaded

    load_data(data_copy)
    assert load_data(data_copy).plan("qd74-dai-hoi-xx").loaded  # whole unless asked otherwise
    warm = load_data(data_copy, lazy=True)
    plain = load_data(data_copy, cache=False)
    lp, ref = warm.plan("qd74-dai-hoi-xx"), plain.plan("qd74-dai-hoi-xx").plan
    assert not lp.loaded
    head = lp.head
    assert head.id == ref.id and head.reporting == ref.reporting and head.periods == ref.periods
    assert type(head.sections[0].tasks) is NotLoaded and type(head.targets) is NotLoaded
    with pytest.raises(TypeError):
        head.sections[0].tasks.append(ref.tasks[0])  # refused, and decodes nothing
    third = lp.task_at(2)
    assert third == ref.tasks[2] and lp.task_by_id(ref.tasks[5].id) == ref.tasks[5]
    assert lp.task_by_id("không-có") is None
    assert not lp.loaded
    # Read, a head's lists decode the whole plan into the head itself: never taken for a plan without tasks.
    assert head.tasks == ref.tasks and len(head.targets) == len(ref.targets) and head.tasks[2] is third
    assert type(head.sections[0].tasks) is list
    whole = lp.plan
    assert lp.loaded and whole == ref and whole is head and whole.tasks[2] is third and lp.head is whole
    # The names a task writes carry the plan's jurisdiction whichever way the task was reached.
    assert [getattr(n, "jurisdiction", None) for n in third.lead] == [
        getattr(n, "jurisdiction", None) for n in plain.plan("qd74-dai-hoi-xx").plan.tasks[2].lead
    ]


def test_without_the_cache_or_with_the_switch_no_list_is_made(home, data_copy, monkeypatch, run):
    monkeypatch.setenv("KEHOACH_NO_INDEX", "1")
    assert run("due", "--agency", "Sở Tài chính", "--data", str(data_copy)).exit_code == 0
    monkeypatch.delenv("KEHOACH_NO_INDEX")
    assert run("--no-cache", "due", "--agency", "Sở Tài chính", "--data", str(data_copy)).exit_code == 0
    assert _roles(home) == []
    assert run("due", "--agency", "Sở Tài chính", "--data", str(data_copy)).exit_code == 0
    assert len(_roles(home)) == 1
    assert cache_dir_for(data_copy) == _roles(home)[0].parent


def test_damaged_task_bytes_read_lazily_give_the_file_again(home, data_copy, monkeypatch):
    """A plan's tasks are verified one by one when decoded lazily: damage there is caught then, and the plan file
    itself is read again — the answer is the one without the cache."""
    want = _answers(data_copy, False, monkeypatch, names=AGENCIES[:2])
    _answers(data_copy, True, monkeypatch, names=AGENCIES[:2])  # the snapshot and the lists
    (snap,) = home.glob("*/snapshot.marshal")
    raw = bytearray(snap.read_bytes())
    for i in range(100, len(raw) - 200, 997):
        raw[i] ^= 0x5A
    snap.write_bytes(bytes(raw))
    assert _answers(data_copy, True, monkeypatch, names=AGENCIES[:2]) == want
    assert _answers(data_copy, True, monkeypatch, names=AGENCIES[:2], lazy=False) == want


def test_a_task_whose_bytes_fail_their_checksum_is_never_decoded(data, tmp_path):
    import hashlib

    from kehoach.loader import LoadedPlan, Positions
    from kehoach.modeltree import PlanRecord, TreeError, encode_plan

    lp = data.plan("qd74-dai-hoi-xx")
    head, where, (tasks, ends), ids, targets = encode_plan(lp.plan)
    starts = [0, *ends][:-1]
    sums = b"".join(hashlib.blake2b(tasks[a:b], digest_size=16).digest() for a, b in zip(starts, ends, strict=True))
    assert PlanRecord(head, where, (tasks, ends), ids, targets, sums).task(3) == lp.plan.tasks[3]
    bad = bytearray(tasks)
    bad[ends[2] + 5] ^= 0xFF  # inside task 3
    record = PlanRecord(head, where, (bytes(bad), ends), ids, targets, sums)
    assert record.task(2) == lp.plan.tasks[2]
    with pytest.raises(TreeError):
        record.task(3)
    # Through a loaded plan: the file itself is read again.
    loaded = LoadedPlan(None, lp.path, Positions(), record=PlanRecord(head, where, (bytes(bad), ends), ids, targets,
                                                                       sums))
    assert loaded.task_at(3) == lp.plan.tasks[3] and loaded.loaded


def test_due_from_the_index_decodes_no_plan_whole(home, data_copy, monkeypatch):
    """The point of the index: an agency's work is answered from the plans' heads and the few tasks that give a
    line; reading a head's task list would decode the whole plan (correct, but what the index avoids)."""
    _answers(data_copy, True, monkeypatch, names=AGENCIES[:1])  # the snapshot and the agency's list
    data = load_data(data_copy, lazy=True)
    ag = data.registry.resolve(AGENCIES[0])
    items = due(data, ag, TODAY)
    tasks = find_tasks(data, agency=ag, role="lead")
    assert items and tasks
    whole = [lp.head.id for lp in data.plans if lp.loaded or lp._record._full is not None]
    assert whole == []
    decoded = sum(len(lp._record._tasks) for lp in data.plans)
    assert 0 < decoded < sum(lp.task_count for lp in data.plans)
