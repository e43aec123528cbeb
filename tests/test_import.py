"""kehoach import docx: Word files built from the encoded seeds come back as the same tasks."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from docx_fixtures import SHAPES, build_docx
from kehoach.importer import import_docx, split_agencies

FIELDS = ("content", "lead", "support", "deadline", "product")


@pytest.fixture(scope="session")  # built once per worker, even when xdist interleaves modules
def built(data, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("docx")
    # The bundled plans a Word shape is drawn for; a plan a user added to data/plans has none.
    return {pid: build_docx(data.plan(pid).plan, folder / f"{pid}.docx") for pid in sorted(SHAPES)}


@pytest.mark.parametrize("plan_id", sorted(SHAPES))
def test_import_gives_back_the_encoded_tasks(data, built, plan_id):
    plan = data.plan(plan_id).plan
    result = import_docx(built[plan_id], plan_id, data.registry)
    got = {t["id"]: t for s in result.plan["sections"] for t in s["tasks"]}
    assert list(got) == [t.id for t in plan.tasks]
    fields = FIELDS + (("leader",) if plan_id == "qd74-dai-hoi-xx" else ())
    for task in plan.tasks:
        mine = got[task.id]
        for name in fields:
            want = getattr(task, name)
            assert mine.get(name, [] if isinstance(want, list) else None) == want, (task.id, name)
    # Exactly the cells merged with the row above (NQ 13, row 4.3 b) are inferred, and reviewed.
    expected = [
        (t.id, f)
        for t in plan.tasks
        if {"lead", "support", "product"} <= set(t.inferred)
        for f in ("lead", "support", "product")
    ]
    assert result.inferred_cells == expected
    merged = [r.where for r in result.review if r.code == "cell.merged"]
    assert merged == [f"nhiệm vụ {tid}" for tid in dict.fromkeys(t for t, _ in expected)]
    assert not [r for r in result.review if r.code in ("agency.unknown", "deadline.unparsed", "row.unsure")]


def test_nq13_row_4_3_is_split_into_a_and_b_with_merged_cells_copied(data, built):
    result = import_docx(built["nq13-thanh-hoa"], "nq13-thanh-hoa", data.registry)
    tasks = {t["id"]: t for s in result.plan["sections"] for t in s["tasks"]}
    assert tasks["4.3.b"]["inferred"] == ["lead", "support", "product"]
    assert tasks["4.3.b"]["lead"] == ["Bộ Giao thông vận tải"]
    assert "inferred" not in tasks["4.3.a"]
    assert [s["id"] for s in result.plan["sections"]][:3] == ["1", "2", "3"]
    assert [t["id"] for t in result.plan["sections"][0]["tasks"]] == ["1"]  # row 1: a section and its task
    assert result.repeated_headers == 3


@pytest.mark.parametrize("plan_id", sorted(SHAPES))
def test_plan_header_is_read_from_page_one(data, built, plan_id):
    plan = data.plan(plan_id).plan
    head = import_docx(built[plan_id], plan_id, data.registry).plan
    assert (head["number"], head["issued"], head["issuer"], head["signer"]) == (
        plan.number,
        plan.issued,
        plan.issuer,
        plan.signer,
    )
    assert (head["kind"], head["title"]) == (plan.kind, plan.title)


@pytest.mark.parametrize(
    ("cell", "names", "unknown"),
    [
        (
            "Sở Văn hóa, Thể thao và Du lịch, UBND các xã, phường",
            ["Sở Văn hóa, Thể thao và Du lịch", "UBND các xã, phường"],
            [],
        ),
        (
            "Các sở: Tư pháp, Nội vụ; Hiệp hội doanh nghiệp tỉnh",
            ["Sở Tư pháp", "Sở Nội vụ", "Hiệp hội doanh nghiệp tỉnh"],
            [],
        ),
        (
            "UBND tỉnh Thanh Hóa và các bộ, ngành có liên quan",
            ["UBND tỉnh Thanh Hóa", "các bộ, ngành có liên quan"],
            [],
        ),
        ("Cục Hải quan tỉnh, Sở Tài chính", ["Cục Hải quan tỉnh", "Sở Tài chính"], ["Cục Hải quan tỉnh"]),
        ("Sở Tài chính\nSở Công Thương", ["Sở Tài chính", "Sở Công Thương"], []),
    ],
)
def test_agency_cells_are_split_with_the_registry_not_on_every_comma(data, cell, names, unknown):
    assert split_agencies(cell, data.registry) == (names, unknown)


def _plans_dir(data_copy: Path, plan_id: str) -> Path:
    """The data with one plan taken out, as before a new plan is encoded (no progress yet)."""
    (data_copy / "plans" / f"{plan_id}.yaml").unlink()
    shutil.rmtree(data_copy / "progress" / plan_id, ignore_errors=True)
    return data_copy


def test_cli_writes_a_draft_that_passes_check_and_never_overwrites(run, built, data_copy):
    root = _plans_dir(data_copy, "qd74-dai-hoi-xx")
    target = root / "plans" / "qd74-dai-hoi-xx.yaml"
    result = run("import", "docx", str(built["qd74-dai-hoi-xx"]), "--id", "qd74-dai-hoi-xx", "--data", str(root))
    assert result.exit_code == 0, result.stderr
    assert f"Đã ghi {target}: 35 nhiệm vụ trong 5 nhóm" in result.stdout
    first = target.read_bytes()
    assert first.startswith("# Bản nháp từ qd74-dai-hoi-xx.docx".encode())
    checked = run("check", "--data", str(root), "--format", "json")
    assert checked.exit_code == 0, checked.stdout
    again = run("import", "docx", str(built["qd74-dai-hoi-xx"]), "--id", "qd74-dai-hoi-xx", "--data", str(root))
    assert again.exit_code == 1 and "--force" in again.stderr
    assert target.read_bytes() == first
    target.write_text("# sửa tay\n" + first.decode(), encoding="utf-8")
    forced = run(
        "import", "docx", str(built["qd74-dai-hoi-xx"]), "--id", "qd74-dai-hoi-xx", "--data", str(root), "--force"
    )
    assert forced.exit_code == 0 and target.read_bytes() == first
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_check_fails_only_on_what_the_review_list_names(run, data, data_copy, tmp_path):
    plan = data.plan("hoi-nhap-quoc-te").plan
    sections = []
    for s in plan.sections:
        tasks = []
        for t in s.tasks:
            if t.id == "II.6":
                t = t.model_copy(update={"lead": ["Cục Hải quan tỉnh"]})
            if t.id == "III.2":
                t = t.model_copy(update={"deadline": "Sớm nhất có thể"})
            tasks.append(t)
        sections.append(s.model_copy(update={"tasks": tasks}))
    doc = build_docx(plan.model_copy(update={"sections": sections}), tmp_path / "kh.docx", SHAPES["hoi-nhap-quoc-te"])
    root = _plans_dir(data_copy, "hoi-nhap-quoc-te")
    result = run("import", "docx", str(doc), "--id", "hoi-nhap-quoc-te", "--data", str(root))
    assert result.exit_code == 0
    assert "nhiệm vụ II.6: [agency.unknown]" in result.stdout
    assert "nhiệm vụ III.2: [deadline.unparsed]" in result.stdout
    checked = run("check", "--data", str(root), "--format", "json")
    errors = json.loads(checked.stdout)["errors"]
    reviewed = {t["id"]: t for s in _yaml(root / "plans" / "hoi-nhap-quoc-te.yaml")["sections"] for t in s["tasks"]}
    assert reviewed["II.6"]["lead"] == ["Cục Hải quan tỉnh"]
    assert sorted((e["code"], e["path"]) for e in errors) == [
        ("agency.unknown", "sections[1].tasks[5].lead[0]"),
        ("deadline.unparsed", "sections[2].tasks[1].deadline"),
    ]


def _yaml(path: Path) -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_not_a_word_file_or_no_task_table_exits_1(run, tmp_path, data_copy):
    bad = tmp_path / "x.docx"
    bad.write_text("không phải docx", encoding="utf-8")
    result = run("import", "docx", str(bad), "--id", "x", "--data", str(data_copy))
    assert result.exit_code == 1 and "không phải tệp Word" in result.stderr
    from docx import Document

    empty = Document()
    empty.add_paragraph("KẾ HOẠCH")
    empty.save(str(tmp_path / "y.docx"))
    result = run("import", "docx", str(tmp_path / "y.docx"), "--id", "y", "--data", str(data_copy))
    assert result.exit_code == 1 and "không tìm thấy bảng nhiệm vụ" in result.stderr
    assert not (data_copy / "plans" / "y.yaml").exists()


def _edited(data, tmp_path: Path) -> Path:
    """QĐ 74 with I.3's deadline changed, I.9 removed, a task added and I.15 renumbered I.16."""
    from ruamel.yaml import YAML

    from kehoach.model import Task

    plan = data.plan("qd74-dai-hoi-xx").plan
    sections = []
    for s in plan.sections:
        tasks = []
        for t in s.tasks:
            if t.id == "I.9":
                continue
            if t.id == "I.3":
                assert t.deadline != "Quý IV/2026"
                t = t.model_copy(update={"deadline": "Quý IV/2026"})
            if t.id == "I.15":
                t = t.model_copy(update={"id": "I.16"})
            tasks.append(t)
            if t.id == "I.2":
                tasks.append(Task(id="I.2b", content="Nhiệm vụ mới thêm vào bản chính thức.", lead=["Sở Tài chính"],
                                  deadline="Năm 2026"))
        sections.append(s.model_copy(update={"tasks": tasks}))
    edited = plan.model_copy(update={"sections": sections})
    out = tmp_path / "qd74-dai-hoi-xx.yaml"
    with out.open("w", encoding="utf-8") as fh:
        YAML(typ="safe", pure=True).dump(edited.model_dump(mode="json", exclude_none=True), fh)
    return out


def test_diff_reports_added_removed_changed_and_renumbered_tasks(run, data, tmp_path):
    old = Path(data.root) / "plans" / "qd74-dai-hoi-xx.yaml"
    new = _edited(data, tmp_path)
    result = run("diff", str(old), str(new), "--format", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert [t["id"] for t in out["added"]] == ["I.2b"]
    assert [t["id"] for t in out["removed"]] == ["I.9"]
    changed = {c["id"]: c for c in out["changed"]}
    assert set(changed) == {"I.3", "I.16"}
    old_i3 = data.plan("qd74-dai-hoi-xx").plan.tasks[2]
    assert old_i3.id == "I.3"
    assert changed["I.3"]["changes"] == [{"field": "deadline", "old": old_i3.deadline, "new": "Quý IV/2026"}]
    assert changed["I.16"]["old_id"] == "I.15" and changed["I.16"]["changes"] == []
    assert out["unchanged"] == 35 - 3
    text = run("diff", str(old), str(new))
    assert "1 thêm, 1 bỏ, 2 thay đổi, 32 giữ nguyên" in text.stdout
    assert "~ I.16 (trước là I.15, nội dung giống 100%)" in text.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_diff_reads_a_git_revision_of_the_file(run, data, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    plan_file = repo / "qd74-dai-hoi-xx.yaml"
    shutil.copy(Path(data.root) / "plans" / "qd74-dai-hoi-xx.yaml", plan_file)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "ban dau"], check=True)
    plan_file.write_text(_edited(data, tmp_path).read_text(encoding="utf-8"), encoding="utf-8")
    result = run("diff", "HEAD", str(plan_file))
    assert result.exit_code == 0, result.stderr
    assert "1 thêm, 1 bỏ, 2 thay đổi" in result.stdout
    missing = run("diff", "HEAD~5", str(plan_file))
    assert missing.exit_code == 1 and "git không có" in missing.stderr


def _odd_appendix(path: Path) -> Path:
    """A hand-made appendix: wrapped header words, a 'Nhóm II:' group row, STT + a title spanning
    the row, a cell of two paragraphs, agencies one per line, a row without STT."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("ỦY BAN NHÂN DÂN TỈNH THANH HÓA")
    doc.add_paragraph("Số: 12 /KH-UBND")
    doc.add_paragraph("Thanh Hóa, ngày 5 tháng 3 năm 2026")
    doc.add_paragraph("KẾ HOẠCH")
    doc.add_paragraph("Triển khai nhiệm vụ năm 2026")
    table = doc.add_table(rows=0, cols=5)
    header = table.add_row().cells
    words = ["TT", "Nội dung\nnhiệm vụ", "Cơ quan\nchủ trì", "Cơ quan\nphối hợp", "Thời hạn\nhoàn thành"]
    for cell, text in zip(header, words, strict=True):
        cell.text = text
    group = table.add_row().cells
    group[0].text = "I"
    span = group[1].merge(group[4])
    span.text = "Về kinh tế"
    row = table.add_row().cells
    row[0].text = "1."
    row[1].text = "Rà soát quy hoạch"
    row[1].add_paragraph("và cập nhật số liệu.")
    row[2].text = "Sở Tài chính"
    row[3].text = "Sở Xây dựng\nThuế tỉnh Thanh Hóa"
    row[4].text = "Hằng quý"
    cells = table.add_row().cells
    merged = cells[0].merge(cells[4])
    merged.text = "Nhóm II: Về xã hội"
    row = table.add_row().cells
    row[0].text = "1"
    row[1].text = "Tổ chức hội nghị"
    row[2].text = "Sở Y tế"
    row[4].text = "Sau khi Trung ương ban hành hướng dẫn"
    row = table.add_row().cells
    row[1].text = "Tổng kết"
    row[2].text = "Sở Y tế"
    row[4].text = "Cả năm 2026"
    doc.save(str(path))
    return path


def test_an_odd_hand_made_appendix(data, tmp_path):
    result = import_docx(_odd_appendix(tmp_path / "kh.docx"), "kh-12", data.registry)
    plan = result.plan
    assert (plan["number"], plan["issued"]) == ("12/KH-UBND", dt.date(2026, 3, 5))
    assert plan["issuer"] == "UBND tỉnh Thanh Hóa"
    assert (plan["kind"], plan["title"]) == ("Kế hoạch", "Triển khai nhiệm vụ năm 2026")
    assert [(s["id"], s["title"]) for s in plan["sections"]] == [("I", "Về kinh tế"), ("II", "Về xã hội")]
    first, second, third = [t for s in plan["sections"] for t in s["tasks"]]
    assert first["id"] == "I.1" and first["content"] == "Rà soát quy hoạch\nvà cập nhật số liệu."
    assert first["support"] == ["Sở Xây dựng", "Thuế tỉnh Thanh Hóa"] and first["deadline"] == "Hằng quý"
    assert (second["id"], second["support"], second["deadline"]) == (
        "II.1",
        [],
        "Sau khi Trung ương ban hành hướng dẫn",
    )
    assert third["id"] == "II.1-tiep"
    assert [r.code for r in result.review if r.where.startswith("bảng")] == ["row.unsure"]


def test_a_broken_word_file_is_a_clean_error(data, tmp_path):
    import zipfile

    from kehoach.importer import DocxImportError

    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("[Content_Types].xml", "<Types")
        z.writestr("word/document.xml", "<w:document><w:body>")
    with pytest.raises(DocxImportError, match="không mở được"):
        import_docx(broken, "x", data.registry)
    no_doc = tmp_path / "other.docx"
    with zipfile.ZipFile(no_doc, "w") as z:
        z.writestr("a.txt", "x")
    with pytest.raises(DocxImportError, match="thiếu word/document.xml"):
        import_docx(no_doc, "x", data.registry)


def test_output_may_name_a_folder_and_the_file_must_match_the_id(run, built, data_copy, tmp_path):
    doc = str(built["aec-2026"])
    result = run("import", "docx", doc, "--id", "aec-2026", "--data", str(data_copy), "-o", f"{tmp_path}/moi/")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "moi" / "aec-2026.yaml").is_file()
    wrong = run("import", "docx", doc, "--id", "aec-2026", "--data", str(data_copy), "-o", str(tmp_path / "x.yaml"))
    assert wrong.exit_code == 2 and "aec-2026.yaml" in wrong.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_diff_names_a_missing_file_or_a_folder_plainly(run, data, tmp_path):
    plan = str(Path(data.root) / "plans" / "aec-2026.yaml")
    missing = run("diff", str(tmp_path / "nope.yaml"), plan)
    assert missing.exit_code == 1 and "không tìm thấy tệp" in missing.stderr
    folder = run("diff", str(Path(data.root) / "plans"), plan)
    assert folder.exit_code == 1 and "là thư mục" in folder.stderr
