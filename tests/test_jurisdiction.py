"""Plans of several provinces in one data folder: names resolve within the plan's province, never across."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kehoach.agencies import AmbiguousJurisdiction, UnknownAgency, governing_body, place_name
from kehoach.dataset import load_data

ROOT = Path(__file__).resolve().parent.parent

HA_NOI_PLAN = """\
id: hn-100-ngay
kind: Kế hoạch
number: 999/KH-UBND
issued: 2026-03-02
issuer: UBND thành phố Hà Nội
jurisdiction: ha-noi
title: Kế hoạch thử của Hà Nội
periods: [{start: 2026, end: 2026}]
sections:
  - id: I
    title: Nhiệm vụ
    tasks:
      - {id: "1", content: Rà soát dự toán ngân sách, lead: [Sở Tài chính], deadline: Tháng 4/2026}
      - {id: "2", content: Tổng hợp báo cáo, lead: ["Các sở, ban, ngành"], deadline: Tháng 5/2026}
      - {id: "3", content: Quy hoạch chung, lead: [Sở Quy hoạch - Kiến trúc], support: [Sở Công Thương],
         deadline: Tháng 5/2026}
      - {id: "4", content: Thủ tướng chỉ đạo, lead: [Bộ Tài chính], deadline: Tháng 5/2026}
"""


@pytest.fixture
def two_provinces(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    shutil.rmtree(root / "progress")
    (root / "plans" / "hn-100-ngay.yaml").write_text(HA_NOI_PLAN, encoding="utf-8")
    return root


def _ids(data, agency, plan_id: str) -> set[str]:
    from kehoach.query import find_tasks

    return {h.task.id for h in find_tasks(data, agency=agency) if h.plan.id == plan_id}


def test_same_name_is_two_bodies_and_nothing_leaks(two_provinces):
    data = load_data(two_provinces, cache=False)
    assert not [p for p in data.problems if p.severity == "error"], data.problems[:3]
    reg = data.registry
    hn = reg.resolve("Sở Tài chính", "ha-noi")
    th = reg.resolve("Sở Tài chính", "thanh-hoa")
    assert hn.id != th.id and (hn.jurisdiction, th.jurisdiction) == ("ha-noi", "thanh-hoa")
    assert reg.resolve("Sở Tài chính thành phố Hà Nội").id == hn.id
    assert reg.resolve("so tai chinh tinh thanh hoa").id == th.id
    assert reg.resolve("Sở TC", "ha-noi").id == hn.id  # a typed form, still within the province
    # Thanh Hóa's Sở Tài chính sees none of Hà Nội's tasks, not even through "Các sở, ban, ngành".
    assert _ids(data, th, "hn-100-ngay") == set()
    assert _ids(data, hn, "hn-100-ngay") == {"1", "2"}
    assert _ids(data, hn, "qd74-dai-hoi-xx") == set()
    # A body of Hà Nội's own is found in Hà Nội's plans and gets Hà Nội's collective duties only.
    qhkt = reg.resolve("Sở Quy hoạch - Kiến trúc Hà Nội")
    assert qhkt.id == "ha-noi-so-quy-hoach-kien-truc"
    # Hà Nội has Sở Văn hóa và Thể thao and Sở Du lịch, not the standard Sở Văn hóa, Thể thao và Du lịch.
    with pytest.raises(UnknownAgency) as unknown:
        reg.resolve("Sở Văn hóa, Thể thao và Du lịch", "ha-noi")
    # Hà Nội's own body or a central one is suggested, never Thanh Hóa's Sở Văn hóa, Thể thao và Du lịch.
    assert "Sở Văn hóa và Thể thao" in unknown.value.suggestions
    assert "Sở Văn hóa, Thể thao và Du lịch" not in unknown.value.suggestions
    assert reg.resolve("Sở Du lịch", "ha-noi").id == "ha-noi-so-du-lich"
    assert _ids(data, qhkt, "hn-100-ngay") == {"2", "3"}
    assert all(_ids(data, qhkt, lp.plan.id) == set() for lp in data.plans if lp.plan.id != "hn-100-ngay")
    # Central bodies are the same for every province.
    assert _ids(data, reg.resolve("Bộ Tài chính"), "hn-100-ngay") == {"4"}


def test_a_name_several_provinces_hold_asks_which(two_provinces, run):
    with pytest.raises(AmbiguousJurisdiction) as exc:
        load_data(two_provinces, cache=False).registry.resolve("Sở Tài chính")
    assert set(exc.value.jurisdictions) == {"ha-noi", "thanh-hoa"}
    res = run("due", "-a", "Sở Tài chính", "--data", str(two_provinces), "--today", "2026-03-10")
    assert res.exit_code == 2
    assert "Thành phố Hà Nội" in res.stderr and "Tỉnh Thanh Hóa" in res.stderr and "kehoach.yaml" in res.stderr
    res = run("due", "-a", "Sở Tài chính Hà Nội", "--data", str(two_provinces), "--today", "2026-03-10",
              "-f", "json", "--within", "120")
    assert res.exit_code == 0, res.stderr
    assert {(i["plan"], i["id"]) for i in json.loads(res.stdout)} >= {("hn-100-ngay", "1")}
    assert {i["plan"] for i in json.loads(res.stdout)} == {"hn-100-ngay"}


def test_default_jurisdiction_from_the_data_folder_config(two_provinces, run):
    (two_provinces / "kehoach.yaml").write_text("jurisdiction: thanh-hoa\n", encoding="utf-8")
    data = load_data(two_provinces, cache=False)
    assert data.config.jurisdiction == "thanh-hoa"
    assert data.registry.resolve("Sở Tài chính").jurisdiction == "thanh-hoa"
    res = run("due", "-a", "Sở Tài chính", "--data", str(two_provinces), "--today", "2026-03-10", "-f", "json",
              "--within", "120")
    assert res.exit_code == 0, res.stderr
    plans = {i["plan"] for i in json.loads(res.stdout)}
    assert "hn-100-ngay" not in plans and "qd74-dai-hoi-xx" in plans


def test_config_with_an_unknown_key_is_a_data_problem(two_provinces):
    (two_provinces / "kehoach.yaml").write_text("jurisdication: ha-noi\n", encoding="utf-8")
    codes = [p.code for p in load_data(two_provinces, cache=False).problems]
    assert "config.unknown-key" in codes


def test_header_and_place_come_from_the_agency_province(two_provinces):
    reg = load_data(two_provinces, cache=False).registry
    hn = reg.resolve("Sở Tài chính", "ha-noi")
    assert governing_body(reg, hn) == "UBND thành phố Hà Nội"
    assert place_name(reg, hn) == "Hà Nội"
    th = reg.resolve("Sở Tài chính", "thanh-hoa")
    assert governing_body(reg, th) == "UBND tỉnh Thanh Hóa" and place_name(reg, th) == "Thanh Hóa"
    bo = reg.resolve("Bộ Tư pháp")
    assert governing_body(reg, bo) is None and place_name(reg, bo) == "Hà Nội"


def test_registry_holds_the_34_units_and_the_2025_central_bodies(data):
    reg = data.registry
    units = [j for j in reg.jurisdictions.values() if j.kind != "trung ương"]
    assert len(units) == 34 and sum(j.kind == "thành phố" for j in units) == 6
    for name in ("Bộ Tư pháp", "Ngân hàng Nhà nước Việt Nam", "NHNN", "Thanh tra Chính phủ", "Kiểm toán nhà nước",
                 "Tòa án nhân dân tối cao", "Viện kiểm sát nhân dân tối cao", "Bộ Dân tộc và Tôn giáo",
                 "Các bộ, cơ quan, địa phương", "UBND các tỉnh, thành phố"):
        assert reg.resolve(name).jurisdiction is None, name
    ministries = [a for a in reg if a.level == "central" and a.name.startswith("Bộ ") and a.current]
    assert len(ministries) == 14


def test_unknown_agency_messages_follow_the_name(two_provinces, run):
    plan = two_provinces / "plans" / "hn-100-ngay.yaml"
    text = plan.read_text(encoding="utf-8")
    # "Sở TC" is read as people type it (kehoach.typed); a misspelling is not, and gets an alias line.
    text = text.replace("lead: [Sở Tài chính]", "lead: [Sở Tài chánh, Bộ Tư pháp chủ trì hướng dẫn, Bộ Kinh tế số]")
    text = text.replace('lead: ["Các sở, ban, ngành"]', 'lead: ["Các cơ quan báo chí Thành phố"]')
    plan.write_text(text, encoding="utf-8")
    res = run("check", "--data", str(two_provinces), "--format", "json")
    errors = {e["message"].split("'")[1]: e["message"] for e in json.loads(res.stdout)["errors"]
              if e["code"] == "agency.unknown"}
    assert "aliases" in errors["Sở Tài chánh"] and "ha-noi-so-tai-chinh" in errors["Sở Tài chánh"]
    assert "note" in errors["Bộ Tư pháp chủ trì hướng dẫn"] and "level:" not in errors["Bộ Tư pháp chủ trì hướng dẫn"]
    assert "level: central" in errors["Bộ Kinh tế số"] and "jurisdiction" not in errors["Bộ Kinh tế số"]
    collective = errors["Các cơ quan báo chí Thành phố"]
    assert "level: collective" in collective and "jurisdiction: ha-noi" in collective
    # Hà Nội's names never point at Thanh Hóa's bodies.
    assert all("Thanh Hóa" not in m for m in errors.values())


def test_counts_over_every_agency_keep_provinces_apart(two_provinces):
    """Memos keyed by a name (query.Reach) must not hand one province's answer to the other."""
    from kehoach.catalog import all_task_counts

    with_hn = load_data(two_provinces, cache=False)
    (two_provinces / "plans" / "hn-100-ngay.yaml").unlink()
    without = load_data(two_provinces, cache=False)
    th_with = with_hn.registry.resolve("Sở Tài chính", "thanh-hoa")
    th_without = without.registry.resolve("Sở Tài chính", "thanh-hoa")
    hn = with_hn.registry.resolve("Sở Tài chính", "ha-noi")
    counts = all_task_counts(with_hn, [th_with, hn])
    assert counts[th_with.id] == all_task_counts(without, [th_without])[th_without.id]
    assert (counts[hn.id].lead, counts[hn.id].collective_lead) == (1, 1)


def test_an_unknown_jurisdiction_is_a_data_error(two_provinces, run):
    from kehoach.agencies import config_text
    from kehoach.dataset import load_config

    plan = two_provinces / "plans" / "hn-100-ngay.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("jurisdiction: ha-noi", "jurisdiction: ha-tay"),
                    encoding="utf-8")
    (two_provinces / "kehoach.yaml").write_text(config_text("thanh-hoa"), encoding="utf-8")
    assert load_config(two_provinces)[0].jurisdiction == "thanh-hoa"
    res = run("check", "--data", str(two_provinces), "--format", "json")
    assert res.exit_code == 1
    codes = {e["code"] for e in json.loads(res.stdout)["errors"]}
    assert "plan.jurisdiction" in codes


@pytest.mark.parametrize(
    "args",
    [
        ["tasks", "-a", "Sở Tài chính"],
        ["status", "-a", "Sở Tài chính"],
        ["calendar", "-a", "Sở Tài chính", "-o", "lich.ics"],
        ["report", "annual", "--plan", "hn-100-ngay", "-a", "Sở Tài chính"],
    ],
)
def test_every_query_asks_which_province(two_provinces, run, args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run(*args, "--data", str(two_provinces))
    assert res.exit_code == 2, res.stdout
    assert "Thành phố Hà Nội" in res.stderr and "Tỉnh Thanh Hóa" in res.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["data"]  # nothing written beside the data


def test_report_header_of_a_ha_noi_body(two_provinces):
    from kehoach.report.form import issuer_block

    reg = load_data(two_provinces, cache=False).registry
    block = issuer_block(reg, reg.resolve("Sở Tài chính", "ha-noi"))
    assert block["parent_lines"] == ["UBND THÀNH PHỐ HÀ NỘI"] and block["place"] == "Hà Nội"
    assert block["lines"] == ["SỞ TÀI CHÍNH"]
    th = issuer_block(reg, reg.resolve("Sở Tài chính", "thanh-hoa"))
    assert th["parent_lines"] == ["UBND TỈNH THANH HÓA"] and th["place"] == "Thanh Hóa"
    ministry = issuer_block(reg, reg.resolve("Bộ Tư pháp"))
    assert ministry["parent_lines"] == [] and ministry["place"] == "Hà Nội"
    police = issuer_block(reg, reg.resolve("Công an thành phố", "ha-noi"))
    assert " ".join(police["lines"]) == "CÔNG AN THÀNH PHỐ HÀ NỘI"
