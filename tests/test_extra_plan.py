"""A user's data folder holds more plans than the bundled ones: the bundled plans answer as before, by id.

The same two plans are what ``make test-extra-plan`` adds to a copy of the checkout to run the whole suite.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA
from docx_fixtures import SHAPES
from extra_plans import COPIED_FROM, COPY_ID, EXTRA_IDS, HAND_MADE_ID, NEW_AGENCY, add_extra_plans
from kehoach.check import check
from kehoach.dataset import DataSet, load_data

TODAY = "2027-03-01"


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if any((DATA / "plans" / f"{plan_id}.yaml").exists() for plan_id in EXTRA_IDS):
        pytest.skip("data/ đã có các kế hoạch thêm (make test-extra-plan): cả bộ kiểm thử chạy trên nó")
    root = tmp_path_factory.mktemp("extra") / "data"
    shutil.copytree(DATA, root)
    assert add_extra_plans(root) == EXTRA_IDS
    return root


def _summary(data: DataSet, plan_id: str) -> tuple[list[str], list[str], list[tuple[str, list[str]]]]:
    plan = data.plan(plan_id).plan
    return [s.id for s in plan.sections], [t.id for t in plan.tasks], [(t.id, list(t.lead)) for t in plan.tasks]


def test_bundled_plans_are_unchanged_beside_the_extra_ones(data: DataSet, extended: Path) -> None:
    more = load_data(extended, cache=False)
    ids = {lp.plan.id for lp in more.plans}
    assert ids == {lp.plan.id for lp in data.plans} | set(EXTRA_IDS)
    for lp in data.plans:
        assert _summary(more, lp.plan.id) == _summary(data, lp.plan.id)
        assert len(more.plan(lp.plan.id).plan.targets) == len(lp.plan.targets)
    assert _summary(more, COPY_ID) == _summary(data, COPIED_FROM)
    assert set(SHAPES) <= ids  # the Word shapes of the import tests are drawn for bundled plans, chosen by id
    report = check(more)
    assert report.errors == [], [f"{p.file}:{p.line} {p.message}" for p in report.errors]
    assert report.plans == len(data.plans) + len(EXTRA_IDS)


def test_the_new_agency_is_found_and_its_task_is_due(run, extended: Path) -> None:
    result = run("due", "--agency", "Trung tâm Xúc tiến Đầu tư", "--until", "2027-06-30", "--today", TODAY,
                 "-f", "json", "--data", str(extended))
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)
    assert [(i["plan"], i["id"], i["role"], i["due"]) for i in items if i["plan"] == HAND_MADE_ID] == [
        (HAND_MADE_ID, "I.1", "lead", "2027-06-30")
    ]
    # Tasks of the bundled plans reach it only through a collective ("Các sở, ban, ngành…"), never as lead.
    assert all(i["role"] == "support" and i["reason"] != "direct" for i in items
               if i["plan"] != HAND_MADE_ID and i["kind"] != "report")
    shown = run("agencies", "show", NEW_AGENCY, "--data", str(extended))
    assert shown.exit_code == 0, shown.stderr
    assert NEW_AGENCY in shown.stdout


def test_an_agency_of_the_bundled_plans_also_gets_the_extra_tasks(run, extended: Path) -> None:
    def items(data: Path) -> set[tuple[str, str]]:
        result = run("due", "--agency", "Sở Tài chính", "--until", "2027-12-31", "--today", TODAY, "-f", "json",
                     "--data", str(data))
        assert result.exit_code == 0, result.stderr
        return {(i["plan"], i["id"]) for i in json.loads(result.stdout)}

    before, after = items(DATA), items(extended)
    assert before < after
    added = after - before
    assert (HAND_MADE_ID, "I.2") in added
    assert {plan for plan, _ in added} <= set(EXTRA_IDS)
    assert {task for plan, task in added if plan == COPY_ID} == {task for plan, task in before if plan == COPIED_FROM}
