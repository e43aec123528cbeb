"""The cache's tree form of validated models: rebuilt without validating again, equal to what was validated."""

from __future__ import annotations

import datetime as dt
import marshal
import shutil
from pathlib import Path

import pytest
from tests.conftest import DATA

from kehoach.dataset import load_data
from kehoach.loader import EMPTY_LIST
from kehoach.model import Plan, Task
from kehoach.modeltree import TreeError, decode, encode


def test_every_bundled_file_comes_back_equal(data) -> None:
    """Plans and progress files, through marshal as the cache keeps them: equal models of the same classes."""
    checked = 0
    for lp in data.plans:
        back = decode(marshal.loads(marshal.dumps(encode(lp.plan))))
        assert back == lp.plan and type(back) is Plan
        assert [t.id for t in back.tasks] == [t.id for t in lp.plan.tasks]
        assert all(type(t) is Task for t in back.tasks)
        assert back.issued == lp.plan.issued and (back.issued is None or type(back.issued) is dt.date)
        checked += 1
    for pf in data.progress.files.values():
        back = decode(marshal.loads(marshal.dumps(encode(pf))))
        assert back == pf and type(back) is type(pf)
        checked += 1
    assert checked >= 10


def test_given_fields_empty_lists_and_frozenness_survive(data) -> None:
    plan = data.plans[0].plan
    back = decode(encode(plan))
    task, orig = back.tasks[0], plan.tasks[0]
    assert task.model_fields_set == orig.model_fields_set
    empty = next(n for n, v in orig.__dict__.items() if v == [])
    assert getattr(task, empty) is EMPTY_LIST  # shared, and it refuses to change
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        task.content = "khác"  # type: ignore[misc]
    assert back.model_dump() == plan.model_dump()


@pytest.mark.parametrize(
    "tree",
    [
        ("os", None),  # not a model class of the package
        ("Task", None, "1"),  # too few values
        ("BaseModel", None),
        ((1.5,)),  # a date that is not an ordinal
        ("Task", ("nope",), "1", "x", [], [], None, None, None, None, [], None, [], [], []),
        (3, None),
    ],
)
def test_a_tree_it_did_not_write_is_refused(tree) -> None:
    with pytest.raises(TreeError):
        decode(tree)


def test_what_it_cannot_hold_is_refused() -> None:
    with pytest.raises(TreeError):
        encode({1: "x"})
    with pytest.raises(TreeError):
        encode(object())


def test_warm_load_gives_the_models_a_cold_load_gives(tmp_path: Path, monkeypatch) -> None:
    """Through the cache (first run writes the trees, second reads them) and without: the same plans."""
    monkeypatch.setenv("KEHOACH_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    first = load_data(root, cache=True)
    warm = load_data(root, cache=True)
    plain = load_data(root, cache=False)
    assert [lp.plan for lp in warm.plans] == [lp.plan for lp in plain.plans] == [lp.plan for lp in first.plans]
    assert warm.progress.files == plain.progress.files
