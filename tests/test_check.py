from __future__ import annotations

import json
from pathlib import Path

from conftest import BUNDLED_PLANS, PLAN_FILES
from kehoach.check import check


def test_bundled_data_has_no_errors(data):
    report = check(data)
    assert report.errors == [], "\n".join(f"{p.file}:{p.line} {p.message}" for p in report.errors)
    assert report.plans == PLAN_FILES


def test_check_exits_0_on_bundled_data(run):
    result = run("check", "--data", str(Path(__file__).resolve().parent.parent / "data"))
    assert result.exit_code == 0, result.stdout
    assert "0 lỗi" in result.stdout


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_deleting_a_lead_gives_one_error_naming_file_line_and_field(run, data_copy: Path):
    path = data_copy / "plans" / "aec-2026.yaml"
    text = path.read_text(encoding="utf-8")
    task_line = _line_of(text, "- id: IV.2.2")
    lead_line = _line_of(text[text.index("- id: IV.2.2") :], "lead:") + task_line - 1
    lines = text.splitlines(keepends=True)
    del lines[lead_line - 1]
    path.write_text("".join(lines), encoding="utf-8")

    result = run("check", "--data", str(data_copy), "--format", "json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert len(errors) == 1
    (err,) = errors
    assert err["file"] == str(path)
    assert err["line"] == task_line
    assert err["path"].endswith(".lead")
    assert err["code"] == "task.no-lead"
    assert "IV.2.2" in err["message"]


def test_github_format_prints_annotations(run, data_copy: Path):
    path = data_copy / "plans" / "aec-2026.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Sở Dân tộc và Tôn giáo", "Sở Dân Tộc Tôn Giáo"))
    result = run("check", "--data", str(data_copy), "--format", "github")
    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) == 1
    assert errors[0].startswith(f"::error file={path},line=")
    assert "Sở Dân tộc và Tôn giáo" in errors[0]  # the suggestion


def test_plan_id_must_equal_file_stem(run, data_copy: Path):
    src = data_copy / "plans" / "aec-2026.yaml"
    src.rename(data_copy / "plans" / "aec.yaml")
    result = run("check", "--data", str(data_copy), "--format", "json")
    assert result.exit_code == 1
    assert [e["code"] for e in json.loads(result.stdout)["errors"]] == ["plan.id-mismatch"]


def test_unknown_key_is_a_schema_error_with_its_line(run, data_copy: Path):
    path = data_copy / "plans" / "aec-2026.yaml"
    text = path.read_text(encoding="utf-8").replace("        source: Mục IV.1.2\n", "        sourse: Mục IV.1.2\n")
    path.write_text(text, encoding="utf-8")
    result = run("check", "--data", str(data_copy), "--format", "json")
    (err,) = json.loads(result.stdout)["errors"]
    assert err["code"] == "schema.extra_forbidden"
    assert err["path"] == "sections[0].tasks[1].sourse"
    assert err["line"] == _line_of(text, "sourse:")


def test_unparseable_deadline_is_an_error_quoting_it(run, data_copy: Path):
    path = data_copy / "plans" / "aec-2026.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("deadline: Từ khi ban hành kế hoạch đến năm 2035\n        source: Mục IV.3.1",
                        "deadline: Sớm nhất có thể\n        source: Mục IV.3.1")
    path.write_text(text, encoding="utf-8")
    result = run("check", "--data", str(data_copy), "--format", "json")
    (err,) = json.loads(result.stdout)["errors"]
    assert err["code"] == "deadline.unparsed" and "Sớm nhất có thể" in err["message"]


def _bundled_warnings(data) -> list:
    """The warnings about the bundled plans' files: a plan a user added has its own."""
    return [p for p in check(data).warnings if Path(p.file).stem in BUNDLED_PLANS]


def test_warnings_are_true_statements_about_qd74(data):
    warnings = _bundled_warnings(data)
    conflicts = [p for p in warnings if p.code == "deadline.conflict"]
    assert len(conflicts) == 1 and "I.14" in conflicts[0].message and "Quý III/2026" in conflicts[0].message
    assert Path(conflicts[0].file).stem == "qd74-dai-hoi-xx"
    before = [p for p in warnings if p.code == "deadline.before-issue"]
    assert before and all(Path(p.file).stem == "qd74-dai-hoi-xx" for p in before)


def test_empty_lead_cell_of_a_target_table_is_warned(data):
    cells = [p for p in _bundled_warnings(data) if p.code == "target.no-lead" and "PL1.2" in p.message]
    assert len(cells) == 1 and cells[0].path == "targets[2].lead" and "Giá trị xuất khẩu" in cells[0].message


def _errors(run, data_copy: Path) -> list[dict]:
    result = run("check", "--data", str(data_copy), "--format", "json")
    return json.loads(result.stdout)["errors"]


def test_misspelt_key_names_the_allowed_keys_and_the_nearest(run, data_copy: Path):
    path = data_copy / "plans" / "hoi-nhap-quoc-te.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    due: null\n", "    due: null\n    infered: [due]\n", 1), encoding="utf-8")
    (err,) = _errors(run, data_copy)
    assert err["code"] == "schema.extra_forbidden"
    assert err["path"] == "reporting.annual.infered"
    assert "có phải 'inferred'?" in err["message"]
    assert "các khóa được phép: due, to, via, cc, inferred, note, source" in err["message"]


def test_inferred_and_note_are_allowed_on_report_days_reviews_and_periods(run, data_copy: Path):
    path = data_copy / "plans" / "hoi-nhap-quoc-te.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    due: null\n", '    due: "31/12"\n    inferred: [due]\n', 1)
    path.write_text(text, encoding="utf-8")
    result = run("check", "--data", str(data_copy), "--format", "json")
    assert result.exit_code == 0, result.stdout
    warnings = [w for w in json.loads(result.stdout)["warnings"] if w["path"] == "reporting.annual.due"]
    assert [w["code"] for w in warnings] == ["inferred"]
    assert "ngày báo cáo do người mã hóa suy ra" in warnings[0]["message"]


def test_unknown_agency_says_how_to_add_it_and_ignores_place_words(run, data_copy: Path):
    path = data_copy / "plans" / "hoi-nhap-quoc-te.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("lead: [Sở Tài chính]", "lead: [Cục Hải quan  tỉnh Thanh Hoá]", 1), encoding="utf-8")
    (err,) = _errors(run, data_copy)
    assert err["code"] == "agency.unknown"
    message = err["message"]
    # Not "Tỉnh ủy Thanh Hóa, UBND tỉnh Thanh Hóa…", nor "Cục Quản lý thị trường" (quản ≠ quan).
    assert "có phải" not in message
    snippet = (
        '- {id: cuc-hai-quan-tinh-thanh-hoa, name: "Cục Hải quan tỉnh Thanh Hóa", level: province,'
        " jurisdiction: thanh-hoa}"
    )
    assert snippet in message
    assert "agencies.yaml" in message and "docs/encoding.md" in message


def test_agency_suggestions_rank_meaningful_words(data):
    reg = data.registry
    assert reg.suggest("Sở Tài chín")[0] == "Sở Tài chính"
    assert reg.suggest("Công an tinh")[0] == "Công an tỉnh"
    assert reg.suggest("Sở Kế hoạch")[0] == "Sở Kế hoạch và Đầu tư"
    assert reg.suggest("Sở tỉnh Thanh Hóa") == []
    assert reg.suggest("Kho bạc Nhà nước tỉnh Thanh Hóa (cũ)")[0] == "Kho bạc Nhà nước Thanh Hóa"
    assert "Tỉnh ủy Thanh Hóa" not in reg.suggest("Kho bạc Nhà nước Thanh Hóa mới")


def test_check_in_a_git_repository_without_data_refuses_instead_of_checking_the_example(run, tmp_path, monkeypatch):
    """A pre-commit hook in a repository whose plans live in du-lieu/: exit 2, saying where it looked."""
    repo = tmp_path / "kho"
    (repo / ".git").mkdir(parents=True)
    (repo / "du-lieu" / "plans").mkdir(parents=True)
    monkeypatch.chdir(repo / "du-lieu")  # a sub-folder of the repository too
    result = run("check")
    assert result.exit_code == 2 and result.stdout == ""
    assert str(repo / "du-lieu" / "data") in result.stderr and str(repo) in result.stderr
    assert "--data" in result.stderr and "dữ liệu mẫu" in result.stderr


def test_check_says_when_it_checks_the_bundled_example_and_names_the_directory(run, tmp_path, monkeypatch, data):
    from kehoach.resources import bundled_data_dir

    monkeypatch.chdir(tmp_path)  # not a git repository, no ./data
    result = run("check")
    assert result.exit_code == 0
    assert "dữ liệu mẫu kèm gói" in result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith(f"{bundled_data_dir()} (dữ liệu mẫu kèm gói): ")
    as_json = json.loads(run("check", "--format", "json").stdout)
    assert as_json["bundled"] is True and as_json["data_dir"] == str(bundled_data_dir())


def test_check_summary_names_the_directory_it_checked(run, data_copy: Path):
    result = run("check", "--data", str(data_copy))
    assert result.stdout.strip().splitlines()[-1].startswith(f"{data_copy}: {PLAN_FILES} kế hoạch")
    assert "mẫu" not in result.stderr
