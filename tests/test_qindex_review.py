"""The query index and lazily decoded plans, as a hostile user meets them: awkward data, copies of a data set,
lists that are not what they claim. Every answer must be the one the full scan (``KEHOACH_NO_INDEX=1``) gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import signal
from pathlib import Path

import pytest

from kehoach import qindex
from kehoach.dataset import load_data
from kehoach.query import due, find_tasks

TODAY = dt.date(2026, 3, 1)

_PLAN = """\
id: {id}
kind: Kế hoạch
number: {number}/KH-UBND
issued: 2026-01-10
issuer: UBND tỉnh {province}
jurisdiction: {jurisdiction}
title: Kế hoạch thử
periods:
  - {{start: 2026, end: 2027}}
monitor: UBND tỉnh
reporting:
  annual:
    due: "05/12"
    to: [UBND tỉnh]
sections:
  - id: I
    title: Nhiệm vụ
    tasks:
      - id: I.1
        content: {first}
        lead: [Sở Nội vụ]
        support: [Sở Tài chính]
        deadline: Quý II/2026
      - id: I.1
        content: Việc một bản hai.
        lead: [Sở Tài chính]
        deadline: 15/03/2026
      - id: I.2
        content: Việc không hạn.
        lead: [Sở Tài chính]
      - id: I.3
        content: Việc chung xây dựng đề án.
        lead: ["Các sở, ban, ngành, đơn vị cấp tỉnh"]
        support: [Sở Kế hoạch và Đầu tư]
        deadline: Hằng năm
      - id: I.4
        content: Việc của sở cũ lập kế hoạch đầu tư công.
        lead: [Sở Kế hoạch và Đầu tư]
        deadline: 30/04/2026
"""

_EMPTY = """\
id: empty
kind: Kế hoạch
number: 11/KH-UBND
issued: 2026-01-10
issuer: UBND tỉnh Thanh Hóa
title: Kế hoạch rỗng
periods:
  - {start: 2026, end: 2026}
monitor: Sở Tài chính
reporting:
  annual:
    due: "05/12"
    to: [UBND tỉnh]
sections:
  - id: I
    title: Nhiệm vụ
    tasks: []
"""

NAMES = ("Sở Tài chính", "Sở Nội vụ", "Sở Kế hoạch và Đầu tư", "UBND tỉnh", "Sở Tài chính tỉnh Nghệ An",
         "Sở Xây dựng")


@pytest.fixture
def home(settled_cache: Path) -> Path:
    return settled_cache


@pytest.fixture
def awkward(data_copy: Path) -> Path:
    """The bundled data plus: two files with one plan id (each with a task id used twice, a task without a
    deadline, a collective lead, a dissolved agency), a broken file, a plan with no task, and another
    province's plan, with kehoach.yaml naming the home province."""
    plans = data_copy / "plans"
    th = {"jurisdiction": "thanh-hoa", "province": "Thanh Hóa"}
    (plans / "zz-dup.yaml").write_text(_PLAN.format(id="kh-dup", number=9, first="Việc một.", **th), "utf-8")
    (plans / "aa-dup.yaml").write_text(_PLAN.format(id="kh-dup", number=10, first="Việc khác.", **th), "utf-8")
    (plans / "nghe-an.yaml").write_text(
        _PLAN.format(id="nghe-an", number=12, first="Việc một.", jurisdiction="nghe-an", province="Nghệ An"),
        "utf-8",
    )
    (plans / "broken.yaml").write_text("id: broken\n  : [\n", "utf-8")
    (plans / "empty.yaml").write_text(_EMPTY, "utf-8")
    (data_copy / "kehoach.yaml").write_text("jurisdiction: thanh-hoa\n", "utf-8")
    return data_copy


def _answers(data, names=NAMES) -> str:  # type: ignore[no-untyped-def]
    out = []
    for name in names:
        ag = data.registry.resolve(name)
        for kw in ({}, {"strict": True}, {"role": "lead"}, {"plans": ["kh-dup"]}, {"until": dt.date(2027, 3, 1)}):
            out.append([i.as_dict() for i in due(data, ag, TODAY, **kw)])
        for kw in ({}, {"role": "support"}, {"strict": True}, {"cycle": "annual-2026"}, {"kind": "date"},
                   {"search": "viec"}, {"due_from": dt.date(2026, 1, 1), "due_to": dt.date(2026, 6, 30)},
                   {"plans": ["nghe-an"]}, {"plans": ["empty"]}):
            hits = find_tasks(data, agency=ag, **kw)
            out.append([(h.plan.id, h.task.id, h.task.content, h.role, h.responsibility.reason
                         if h.responsibility else None) for h in hits])
    return json.dumps(out, default=str, ensure_ascii=False)


def test_awkward_data_is_answered_alike_from_the_index_and_by_the_scan(home, awkward, monkeypatch):
    monkeypatch.setenv("KEHOACH_NO_INDEX", "1")
    want = _answers(load_data(awkward, cache=False))
    assert '"Việc khác."' in want and '"Việc một."' in want  # both files of one plan id are answered from
    monkeypatch.setenv("KEHOACH_NO_INDEX", "0")
    first = load_data(awkward, lazy=True)
    assert first.index_key is not None
    assert _answers(first) == want  # lists made now
    assert len(list(home.glob("*/*.roles"))) == len(NAMES)
    real = qindex.build
    monkeypatch.setattr(qindex, "build", lambda *a: pytest.fail("the list should come from its file"))
    assert _answers(load_data(awkward, lazy=True)) == want  # lists read back, plans decoded task by task
    monkeypatch.setattr(qindex, "build", real)


def test_lists_swapped_between_agencies_are_made_again(home, awkward, monkeypatch):
    names = ("Sở Tài chính", "Sở Nội vụ")
    want = _answers(load_data(awkward, lazy=True), names)
    a, b = sorted(home.glob("*/*.roles"))
    raw_a, raw_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(raw_b)
    b.write_bytes(raw_a)
    assert _answers(load_data(awkward, lazy=True), names) == want


def _reordered(data):  # type: ignore[no-untyped-def]
    """The data set with two of its plans swapped: a copy a library user may make to order or filter plans."""
    plans = list(data.plans)
    plans[2], plans[3] = plans[3], plans[2]
    return dataclasses.replace(data, plans=plans)


def test_a_copy_with_its_plans_reordered_is_not_answered_from_the_original_index(home, data_copy, monkeypatch):
    data = load_data(data_copy)
    ag = data.registry.resolve("UBND tỉnh")
    find_tasks(data, agency=ag)  # the list for the plans as loaded
    copy = _reordered(data)
    got = [(h.plan.id, h.task.id) for h in find_tasks(copy, agency=ag)]
    got_due = [i.as_dict() for i in due(copy, ag, TODAY)]
    monkeypatch.setenv("KEHOACH_NO_INDEX", "1")
    assert got == [(h.plan.id, h.task.id) for h in find_tasks(copy, agency=ag)]
    assert got_due == [i.as_dict() for i in due(copy, ag, TODAY)]


def test_a_copy_with_other_plans_leaves_no_wrong_list_on_disk(home, data_copy, monkeypatch):
    data = load_data(data_copy)
    ag = data.registry.resolve("UBND tỉnh")
    find_tasks(_reordered(data), agency=ag)  # a copy asked first: its list must not be stored as the data's
    fresh = load_data(data_copy)
    got = [(h.plan.id, h.task.id) for h in find_tasks(fresh, agency=ag)]
    monkeypatch.setenv("KEHOACH_NO_INDEX", "1")
    assert got == [(h.plan.id, h.task.id) for h in find_tasks(fresh, agency=ag)]


def test_a_plan_list_changed_in_place_is_not_answered_from_the_index(home, data_copy, monkeypatch):
    data = load_data(data_copy)
    ag = data.registry.resolve("UBND tỉnh")
    find_tasks(data, agency=ag)
    data.plans[2], data.plans[3] = data.plans[3], data.plans[2]
    got = [(h.plan.id, h.task.id) for h in find_tasks(data, agency=ag)]
    monkeypatch.setenv("KEHOACH_NO_INDEX", "1")
    assert got == [(h.plan.id, h.task.id) for h in find_tasks(data, agency=ag)]


def test_the_plan_of_an_answer_from_lazy_data_is_a_whole_plan(home, awkward):
    cold = load_data(awkward)  # the cache filled
    ag = cold.registry.resolve("Sở Tài chính")
    find_tasks(cold, agency=ag)  # the agency's list made (making it decodes every plan)
    data = load_data(awkward, lazy=True)
    ag = data.registry.resolve("Sở Tài chính")
    items = due(data, ag, TODAY, plans=["kh-dup"])  # a plan with no progress file: nothing decodes it whole
    hits = find_tasks(data, agency=ag, plans=["kh-dup"])
    assert items and hits
    # The library hands out Plan objects: their tasks must be readable (a caller counts or lists them).
    assert all(len(i.plan.tasks) > 0 for i in items)
    assert all(h.task in h.plan.tasks for h in hits)


_PLAIN = _EMPTY.replace("id: empty", "id: plain").replace(
    "    tasks: []",
    "    tasks:\n      - id: I.1\n        content: Việc.\n        lead: [Sở Tài chính]\n        deadline: 30/04/2026",
)


def test_a_configuration_changed_while_data_is_read_is_not_stored_under_the_new_stamp(home, data_copy, monkeypatch):
    # A plan without ``jurisdiction:`` takes the data folder's: its "Sở Tài chính" is Thanh Hóa's, then Nghệ An's.
    (data_copy / "plans" / "plain.yaml").write_text(_PLAIN, "utf-8")
    config = data_copy / "kehoach.yaml"
    config.write_text("jurisdiction: thanh-hoa\n", "utf-8")
    load_data(data_copy)  # the cache filled
    from kehoach import dataset

    real = dataset.load_config

    def edited_meanwhile(root):  # type: ignore[no-untyped-def]
        got = real(root)  # read as it was; then the user edits it before the run ends (a long cold read)
        config.write_text("jurisdiction: nghe-an\n", "utf-8")
        return got

    monkeypatch.setattr(dataset, "load_config", edited_meanwhile)
    during = load_data(data_copy)
    ag = during.registry.resolve("Sở Tài chính tỉnh Thanh Hóa")
    assert ("plain", "I.1") in [(h.plan.id, h.task.id) for h in find_tasks(during, agency=ag)]
    monkeypatch.setattr(dataset, "load_config", real)
    after = load_data(data_copy)
    ag = after.registry.resolve("Sở Tài chính tỉnh Thanh Hóa")
    got = [(h.plan.id, h.task.id) for h in find_tasks(after, agency=ag)]
    monkeypatch.setenv("KEHOACH_NO_INDEX", "1")
    want = [(h.plan.id, h.task.id) for h in find_tasks(after, agency=ag)]
    assert ("plain", "I.1") not in want
    assert got == want


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_in_place_of_a_list_is_made_again_not_waited_on(home, data_copy):
    data = load_data(data_copy)
    ag = data.registry.resolve("Sở Y tế")
    want = [i.as_dict() for i in due(data, ag, TODAY)]
    (roles,) = home.glob("*/*.roles")
    roles.unlink()
    os.mkfifo(roles, 0o600)
    signal.signal(signal.SIGALRM, lambda *a: pytest.fail("reading the list waited for a writer"))
    signal.alarm(5)
    try:
        again = load_data(data_copy)
        got = [i.as_dict() for i in due(again, again.registry.resolve("Sở Y tế"), TODAY)]
    finally:
        signal.alarm(0)
    assert got == want
    assert roles.is_file()  # made again, in the FIFO's place
