"""The five seed plans against their source documents.

Counts are the truth read from the documents (not whatever the YAML happens to hold), and selected
tasks are compared field by field with the source text in ``shared/seeds/`` at test time. Every
task's content and every deadline the document states must occur in the source verbatim (modulo
whitespace, line folding and the "<i>" tags of the source files).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from kehoach.dataset import DataSet

# The source texts sit beside the checkout (../shared/seeds); $KEHOACH_SEEDS names them from elsewhere (a worktree).
SEEDS = Path(os.environ.get("KEHOACH_SEEDS") or Path(__file__).resolve().parents[2] / "shared" / "seeds")
PLAN_SEED = {
    "aec-2026": "000",
    "hoi-nhap-quoc-te": "001",
    "nq13-thanh-hoa": "002",
    "qd1992-cong-nghiep-hoa": "003",
    "qd74-dai-hoi-xx": "004",
}


def norm(text: str) -> str:
    """NFC, no inline tags, one space for any run of whitespace (line folding, tabs, page breaks)."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"</?i>", "", text)
    return re.sub(r"\s+", " ", text).strip()


@cache
def raw_seed(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"không có thư mục văn bản gốc {SEEDS}")
    files = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not files:
        pytest.skip(f"không có văn bản gốc {prefix}_*.txt trong {SEEDS}")
    return unicodedata.normalize("NFC", files[0].read_text(encoding="utf-8"))


@cache
def seed(prefix: str) -> str:
    return norm(raw_seed(prefix))


def tab_rows(prefix: str) -> list[list[str]]:
    """Rows of the tab-separated tables (Phụ lục) of a seed."""
    return [[c.strip() for c in line.split("\t")] for line in raw_seed(prefix).splitlines() if "\t" in line]


def row_of(prefix: str, content: str) -> list[str]:
    """The table row whose content cell is ``content``."""
    rows = [r for r in tab_rows(prefix) if len(r) > 1 and norm(r[1]) == norm(content)]
    assert len(rows) == 1, f"{len(rows)} dòng bảng có nội dung {content[:60]!r}"
    return rows[0]


def tasks_of(data: DataSet, plan_id: str) -> dict:
    return {t.id: t for t in data.plan(plan_id).plan.tasks}


def assert_in_seed(prefix: str, text: str) -> None:
    assert norm(text) in seed(prefix), f"không có nguyên văn trong văn bản gốc {prefix}: {text!r}"


# ------------------------------------------------------------------------------------ every plan


@pytest.mark.parametrize("plan_id", sorted(PLAN_SEED))
def test_every_task_content_and_stated_deadline_is_verbatim(data: DataSet, plan_id: str) -> None:
    prefix = PLAN_SEED[plan_id]
    for task in data.plan(plan_id).plan.tasks:
        assert_in_seed(prefix, task.content)
        if task.deadline and "deadline" not in task.inferred:
            assert_in_seed(prefix, task.deadline)
        for other in task.other_deadlines:
            assert_in_seed(prefix, other.text)


@pytest.mark.parametrize("plan_id", sorted(PLAN_SEED))
def test_every_agency_name_is_written_as_in_the_source(data: DataSet, plan_id: str) -> None:
    """Names are verbatim, or one item of a grouped form ("Các sở: Tư pháp, Nội vụ" -> "Sở Tư pháp")."""
    prefix = PLAN_SEED[plan_id]
    grouped = [norm(m) for m in re.findall(r"Các [sS]ở: [^\t\n]*", raw_seed(prefix))]
    for task in data.plan(plan_id).plan.tasks:
        for field in ("lead", "support"):
            if field in task.inferred:
                continue
            for name in getattr(task, field):
                # A comma-split fragment ("UBND các xã", "phường") is in no registry entry.
                assert data.registry.resolve(name), name
                if norm(name) in seed(prefix):
                    continue
                assert name.startswith("Sở ") and any(name[3:] in g for g in grouped), (
                    f"{plan_id} {task.id} {field}: {name!r} không có trong văn bản gốc"
                )


def test_plan_ids_are_the_file_stems(data: DataSet) -> None:
    # Every bundled plan is there; a plan a user added beside them is theirs, not a seed.
    assert set(PLAN_SEED) <= {lp.plan.id for lp in data.plans}
    for lp in data.plans:
        assert lp.path.stem == lp.plan.id
    for plan_id, prefix in PLAN_SEED.items():
        source = data.plan(plan_id).plan.source
        assert source and source.startswith(prefix + "_")


# ------------------------------------------------------------------------------ 000: KH AEC 2026


def test_aec_2026(data: DataSet) -> None:
    plan = data.plan("aec-2026").plan
    assert len(plan.tasks) == 16
    assert len(plan.targets) == 4
    assert [s.id for s in plan.sections] == ["IV.1", "IV.2", "IV.3", "IV.4", "IV.5", "IV.6"]
    assert [len(s.tasks) for s in plan.sections] == [3, 3, 2, 3, 2, 3]
    assert (plan.number, plan.issued, plan.signer) == (None, None, "Nguyễn Hoài Anh")
    assert [(r.kind, r.year) for r in plan.reviews] == [
        ("midterm", 2028),
        ("final", 2030),
        ("midterm", 2032),
        ("final", 2035),
    ]
    assert plan.reporting.annual.due == "10/11"
    assert plan.reporting.consolidated.due == "20/11"
    assert all(t.deadline == "Từ khi ban hành kế hoạch đến năm 2035" for t in plan.tasks)

    tasks = tasks_of(data, "aec-2026")
    vcci = "Liên đoàn Thương mại và Công nghiệp Việt Nam - Chi nhánh Thanh Hóa – Ninh Bình"
    assert tasks["IV.1.3"].lead == ["Hiệp hội Doanh nghiệp tỉnh", "Liên minh Hợp tác xã tỉnh", vcci]
    assert tasks["IV.1.3"].support == ["Các sở, ngành, đơn vị liên quan", "UBND các xã, phường"]
    # Names with commas are single items, never comma-split.
    assert tasks["IV.1.1"].support == ["Các sở, ngành, đơn vị cấp tỉnh", "UBND các xã, phường"]
    assert tasks["IV.1.2"].support == [
        "Sở Công Thương",
        "các sở, ngành, đơn vị liên quan",
        "UBND các xã, phường",
    ]

    # Against the source: the count, and IV.1.3 paragraph by paragraph.
    assert seed("000").count("- Thời gian thực hiện:") == 16
    text = seed("000")
    start = text.index("1.3. " + norm(tasks["IV.1.3"].content)[:60])
    para = text[start : text.index("2. Xây dựng cộng đồng bền vững", start)]
    assert "- Đơn vị chủ trì thực hiện: " + ", ".join(tasks["IV.1.3"].lead) + "." in para
    assert "- Thời gian thực hiện: " + tasks["IV.1.3"].deadline in para


# ---------------------------------------------------------------- 001: KH hội nhập quốc tế (dự thảo)


def test_hoi_nhap_quoc_te(data: DataSet) -> None:
    plan = data.plan("hoi-nhap-quoc-te").plan
    assert len(plan.tasks) == 72
    assert len(plan.targets) == 20
    assert [len(s.tasks) for s in plan.sections] == [4, 16, 12, 5, 23, 7, 5]
    assert (plan.number, plan.issued) == (None, None)
    assert plan.monitor == "Sở Ngoại vụ"
    assert plan.reporting.annual.due is None

    tasks = tasks_of(data, "hoi-nhap-quoc-te")
    # "Các sở: Nông nghiệp và Môi trường, Khoa học và Công nghệ; ..." -> one item per department.
    assert tasks["II.4"].lead == ["Sở Công Thương"]
    assert tasks["II.4"].support == [
        "Sở Nông nghiệp và Môi trường",
        "Sở Khoa học và Công nghệ",
        "Ban Quản lý KKT Nghi Sơn và các KCN",
        "Hiệp hội Doanh nghiệp tỉnh",
    ]
    assert tasks["II.4"].deadline == "Hàng năm"
    assert tasks["I.1"].lead == ["Các sở, ban, ngành", "UBND các xã, phường"]
    assert tasks["I.1"].deadline == "2025"
    assert tasks["II.10"].lead == ["Sở Tài chính", "Sở Công Thương"]  # "Các Sở: Tài chính; Công Thương"
    assert tasks["II.6"].deadline == "Định kỳ 6 tháng"

    # Against the source. Phụ lục II: one task per numbered row (STT restarts in each Roman group).
    phu_luc_2 = raw_seed("001").split("PHỤ LỤC II", 1)[1]
    rows_2 = [line.split("\t") for line in phu_luc_2.splitlines() if re.match(r"^\d+\t", line)]
    assert len(rows_2) == 72

    t = tasks["II.4"]
    row = row_of("001", t.content)
    assert (row[0], row[2], row[4], row[5]) == ("4", "Sở Công Thương", t.product, t.deadline)
    assert row[3] == (
        "Các sở: Nông nghiệp và Môi trường, Khoa học và Công nghệ; "
        "Ban Quản lý KKT Nghi Sơn và các KCN, Hiệp hội Doanh nghiệp tỉnh"
    )
    row = row_of("001", tasks["I.1"].content)
    assert (row[2], row[5]) == ("Các sở, ban, ngành; UBND các xã, phường", "2025")
    assert row_of("001", tasks["II.10"].content)[2] == "Các Sở: Tài chính; Công Thương"
    assert row_of("001", tasks["II.6"].content)[5] == "Định kỳ 6 tháng"


def test_hoi_nhap_quoc_te_target_with_empty_lead(data: DataSet) -> None:
    targets = {t.id: t for t in data.plan("hoi-nhap-quoc-te").plan.targets}
    t = targets["PL1.2"]
    assert (t.name, t.unit, t.value, t.year) == ("Giá trị xuất khẩu", "Tỷ USD", "15", 2030)
    assert t.lead == []
    assert t.note and "để trống cột Cơ quan chủ trì" in t.note
    assert targets["PL1.2.a"].lead == ["Sở Công Thương"]
    row = row_of("001", "Giá trị xuất khẩu")
    assert row[:4] == ["2", "Giá trị xuất khẩu", "Tỷ USD", "15"]
    assert row[4] == ""  # the source really leaves the lead cell empty


# ------------------------------------------------------------------------------ 002: NQ 13/NQ-CP


def test_nq13_thanh_hoa(data: DataSet) -> None:
    plan = data.plan("nq13-thanh-hoa").plan
    assert len(plan.tasks) == 39
    assert len(plan.targets) == 38
    assert (plan.number, plan.issued, plan.signer) == ("13/NQ-CP", dt.date(2021, 2, 3), "Nguyễn Xuân Phúc")
    assert [(p.start, p.end) for p in plan.periods] == [(2021, 2025), (2026, 2030)]
    t = tasks_of(data, "nq13-thanh-hoa")["2.1"]
    assert t.lead == ["UBND tỉnh Thanh Hóa"]
    assert t.support == ["Bộ Kế hoạch và Đầu tư", "các bộ, ngành có liên quan"]
    assert t.deadline == "Năm 2021"

    # Against the source. Phụ lục rows with a lead or a time cell (group headings have neither):
    # 38 numbered rows + row 4.3 b).
    rows = [r for r in tab_rows("002") if len(r) >= 6 and r[0] != "STT" and (r[2] or r[5])]
    assert len(rows) == 39
    row = row_of("002", t.content)
    assert row[0] == "2.1"
    assert row[2:4] == ["UBND tỉnh Thanh Hóa", "Bộ Kế hoạch và Đầu tư và các bộ, ngành có liên quan"]
    assert row[5] == t.deadline


def test_nq13_row_4_3_is_split_into_a_and_b(data: DataSet) -> None:
    plan = data.plan("nq13-thanh-hoa").plan
    tasks = tasks_of(data, "nq13-thanh-hoa")
    a, b = tasks["4.3.a"], tasks["4.3.b"]
    assert "4.3" not in tasks
    assert (a.deadline, b.deadline) == ("a) Quý IV năm 2021", "b) 2021-2025")
    assert a.lead == b.lead == ["Bộ Giao thông vận tải"]
    assert a.inferred == [] and set(b.inferred) == {"lead", "support", "product"}
    da, db = data.deadline(plan, a), data.deadline(plan, b)
    assert (da.kind, da.due, da.item) == ("quarter", dt.date(2021, 12, 31), "a")
    assert (db.kind, db.due, db.item) == ("range", dt.date(2025, 12, 31), "b")

    row_a, row_b = row_of("002", a.content), row_of("002", b.content)
    assert row_a[0] == "4.3" and row_a[2] == "Bộ Giao thông vận tải" and row_a[5] == a.deadline
    assert row_b[0] == "" and row_b[2:5] == ["", "", ""] and row_b[5] == b.deadline


# ----------------------------------------------------------------------- 003: QĐ 1992/QĐ-UBND


def test_qd1992_cong_nghiep_hoa(data: DataSet) -> None:
    plan = data.plan("qd1992-cong-nghiep-hoa").plan
    assert len(plan.tasks) == 46
    assert len(plan.targets) == 18
    assert (plan.number, plan.issued) == ("1992/QĐ-UBND", dt.date(2023, 6, 9))
    assert plan.reporting.annual.due == "30/11"
    assert [s.id for s in plan.sections] == [f"III.{i}" for i in range(1, 11)]

    # The document states no deadline at all: every task's deadline is the encoder's, with a reason.
    for t in plan.tasks:
        assert "deadline" in t.inferred, t.id
        assert t.note and "Văn bản không nêu thời hạn" in t.note, t.id
        assert t.deadline in ("Thường xuyên", "Giai đoạn 2023 - 2030"), t.id
    assert "Thời hạn" not in seed("003") and "Thời gian thực hiện" not in seed("003")

    # Section III: 47 task paragraphs ("+" items, or the single paragraph under a "- …:" heading),
    # one of which repeats the previous one almost word for word -> 46 tasks.
    body = raw_seed("003").split("III. NỘI DUNG CHƯƠNG TRÌNH", 1)[1].split("(Chi tiết có Danh mục", 1)[0]
    paragraphs = [line for line in body.splitlines() if line.strip() and not re.match(r"^(\d+\. |- )", line)]
    assert len(paragraphs) == 47


def test_qd1992_repetition_under_iii_10_is_encoded_once(data: DataSet) -> None:
    tasks = tasks_of(data, "qd1992-cong-nghiep-hoa")
    phrase = "Chiến lược quốc gia phát triển đội ngũ doanh nhân đến năm 2030"
    assert seed("003").count(phrase) == 2
    assert_in_seed("003", "+ Tiếp tục triển khai thực hiện có hiệu quả " + phrase)
    assert_in_seed("003", "+ Tiếp tục tham mưu triển khai thực hiện có hiệu quả " + phrase)
    holders = [t for t in tasks.values() if phrase in t.content]
    assert [t.id for t in holders] == ["III.10.1"]
    assert "lặp" in holders[0].note
    assert holders[0].lead == ["Sở Kế hoạch và Đầu tư"]  # old name, as written
    assert [t for t in tasks if t.startswith("III.10.")] == ["III.10.1", "III.10.2", "III.10.3"]


def test_qd1992_old_agency_names_are_kept_and_mapped(data: DataSet) -> None:
    tasks = tasks_of(data, "qd1992-cong-nghiep-hoa")
    assert tasks["III.2.5"].lead == ["Sở Tài nguyên và Môi trường"]
    assert tasks["III.6.4"].lead == ["Sở Giao thông vận tải"]
    assert_in_seed("003", "- Sở Giao thông vận tải chủ trì, phối hợp các đơn vị liên quan:")
    assert data.registry.resolve("Sở Kế hoạch và Đầu tư").replaced_by == ["so-tai-chinh"]
    assert data.registry.resolve("Sở Tài nguyên và Môi trường").replaced_by == ["so-nong-nghiep-va-moi-truong"]


# --------------------------------------------------------------------------- 004: QĐ 74/QĐ-UBND


def pipe_rows() -> list[list[str]]:
    """Rows of the Phụ lục table of seed 004: a "|" line, then one "cell |" line per column."""
    lines = raw_seed("004").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Số TT |"))
    rows: list[list[str]] = []
    for line in lines[start:]:
        if line.strip() == "|":
            rows.append([])
        elif rows and line.endswith(" |"):
            rows[-1].append(line[:-2].strip())
        elif line.startswith("[1]"):
            break
    return [r for r in rows if len(r) == 7]


def test_qd74_dai_hoi_xx(data: DataSet) -> None:
    plan = data.plan("qd74-dai-hoi-xx").plan
    assert len(plan.tasks) == 35
    assert len(plan.targets) == 50
    assert (plan.number, plan.issued, plan.signer) == ("74/QĐ-UBND", dt.date(2026, 1, 7), "Nguyễn Hoài Anh")
    assert [len(s.tasks) for s in plan.sections] == [15, 10, 2, 2, 6]
    tasks = tasks_of(data, "qd74-dai-hoi-xx")
    assert tasks["I.8"].lead == ["Sở Công Thương", "Sở Nông nghiệp và Môi trường"]
    assert tasks["I.8"].leader == "PCT TT Mai Xuân Liêm, PCT Cao Văn Cường"
    assert tasks["I.2"].lead == ["Sở Xây dựng", "Ban QL KKT Nghi Sơn và các KCN", "UBND các xã, phường"]
    # A deadline before the date of issue is kept as written.
    assert tasks["I.13"].deadline == "Tháng 11/2025"
    assert data.deadline(plan, tasks["I.13"]).due < plan.issued

    # Against the source. The table: 29 task rows (STT restarts in each group: 15 + 10 + 2 + 2);
    # the 6 other tasks come from the body only (group B). Cells are compared one by one.
    rows = pipe_rows()
    assert len(rows) == 29
    assert [r[0] for r in rows].count("1") == 4
    table = [t for s in plan.sections if s.id != "B" for t in s.tasks]
    for t, row in zip(table, rows, strict=True):
        stt, content, _lead, _support, product, leader, deadline = row
        assert t.id.split(".")[-1] == stt
        assert norm(t.content) == norm(content)
        assert (t.product, t.leader, t.deadline) == (product, leader, deadline)
    assert pipe_rows()[7][2] == "Sở Công Thương, Sở Nông nghiệp và Môi trường"  # I.8: two leads


def test_qd74_i14_table_and_body_disagree(data: DataSet) -> None:
    plan = data.plan("qd74-dai-hoi-xx").plan
    t = tasks_of(data, "qd74-dai-hoi-xx")["I.14"]
    assert t.content == "Đề án Phát triển Khu Kinh tế Nghi Sơn gắn kết với Đảo Mê"
    assert t.lead == ["Ban QL KKT Nghi Sơn và các KCN"]
    assert t.support == ["Các sở, ban, ngành, đơn vị cấp tỉnh", "UBND các xã, phường trong KKT Nghi Sơn"]
    assert t.deadline == "Quý I/2026"
    assert [(o.text, o.source) for o in t.other_deadlines] == [("Quý III/2026", "Mục B.I.3.2")]
    assert data.deadline(plan, t).due == dt.date(2026, 3, 31)

    row = next(r for r in pipe_rows() if r[1] == t.content)
    assert (row[0], row[2], row[6]) == ("14", "Ban QL KKT Nghi Sơn và các KCN", "Quý I/2026")
    assert_in_seed(
        "004",
        "+ Xây dựng Đề án Phát triển Khu Kinh tế Nghi Sơn gắn kết với Đảo Mê; báo cáo UBND tỉnh trong Quý III/2026.",
    )
