"""kehoach site without a browser: the files, their determinism, the folder rules, escaping, templates."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kehoach.cli import app
from kehoach.site.build import MARKER
from site_helpers import HOSTILE, TODAY, make_hostile

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
# The small fixture data set, for the folder rules: what is tested there is the folder, not the pages.
FIXTURE = ROOT / "tests" / "fixtures" / "data"


def cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def build(out: Path, *extra: str, data: Path = DATA):
    return cli("site", "-o", str(out), "--today", TODAY, "--data", str(data), *extra)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "web"
    r = build(out)
    assert r.exit_code == 0, r.output
    return out


def test_pages_for_every_plan_and_lead_agency(site: Path, data) -> None:
    from kehoach.status import responsibilities

    home = (site / "index.html").read_text(encoding="utf-8")
    for lp in data.plans:
        page = site / "ke-hoach" / f"{lp.plan.id}.html"
        assert page.is_file()
        assert f'href="ke-hoach/{lp.plan.id}.html"' in home
    leads = {r.agency.id for lp in data.plans for t in lp.plan.tasks for r in responsibilities(data.registry, t)
             if r.agency is not None and not r.collective}
    assert leads
    for agency_id in leads:
        assert (site / "co-quan" / f"{agency_id}.html").is_file(), agency_id
    assert (site / MARKER).is_file()


def test_no_outside_reference(site: Path) -> None:
    for name, content in tree(site).items():
        text = content.decode("utf-8")
        assert not re.search(r"""(src|href|action)\s*=\s*["']?(https?:)?//""", text), name
        assert "@import" not in text and "url(http" not in text, name


def test_qd74_counts_equal_status(site: Path) -> None:
    r = cli("status", "--plan", "qd74-dai-hoi-xx", "--today", TODAY, "--format", "json")
    total = json.loads(r.stdout)[0]
    page = (site / "ke-hoach" / "qd74-dai-hoi-xx.html").read_text(encoding="utf-8")
    table = page.split('<table class="counts">', 1)[1].split("</table>", 1)[0]
    found = dict(re.findall(r'<tr data-code="(\w+)">.*?<td class="num">(\d+)</td>', table))
    codes = [k for k in total if k not in ("scope", "name", "total", "overdue_total", "example")]
    assert {c: int(found[c]) for c in codes} == {c: total[c] for c in codes}
    assert re.search(rf'data-code="total">{total["total"]}<', table)


def test_agency_overdue_equals_due(site: Path) -> None:
    r = cli("due", "--agency", "Sở Tài chính", "--today", TODAY, "--format", "json")
    # overdue tasks; a missed report day is counted apart, as due's own summary line does
    overdue = [f"{i['plan']}/{i['id']}" for i in json.loads(r.stdout) if i["overdue"] and i["kind"] != "report"]
    assert overdue  # the bundled data has some on this day: the comparison means something
    page = (site / "co-quan" / "so-tai-chinh.html").read_text(encoding="utf-8")
    table = page.split('id="qua-han"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'data-task="([^"]+)"', table) == overdue


QUERIES = ("dao me", "KCN", "kkt", "khu kinh te nghi son", "UBND", "HĐND")


@pytest.mark.parametrize("query", QUERIES)
def test_search_index_folds_like_the_cli(site: Path, query: str) -> None:
    from kehoach.typed import search_key

    text = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(text.removeprefix("window.KEHOACH_INDEX = ").rstrip().removesuffix(";"))
    needle = search_key(query)
    found = sorted(f"{e[0]}/{e[1]}" for e in entries if needle in e[3])
    r = cli("tasks", "--search", query, "--format", "json")
    assert found == sorted(f"{t['plan']}/{t['id']}" for t in json.loads(r.stdout))
    assert found  # every query finds something: the comparison means something
    if query == "dao me":
        assert "qd74-dai-hoi-xx/I.14" in found


def test_the_pages_carry_the_clis_abbreviations(site: Path) -> None:
    from kehoach.typed import ABBREVIATIONS

    text = (site / "assets" / "viet-tat.js").read_text(encoding="utf-8")
    assert json.loads(text.removeprefix("window.KEHOACH_ABBR = ").rstrip().removesuffix(";")) == ABBREVIATIONS
    assert 'src="../assets/viet-tat.js"' in (site / "co-quan" / "so-tai-chinh.html").read_text(encoding="utf-8")


def test_vietnamese_dates_and_labels(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Số liệu tính đến ngày" in home and "21/11/2026" in home
    assert "Chưa có báo cáo, đã quá hạn" in home
    assert not re.search(r">\s*2026-\d\d-\d\d\s*<", home)  # ISO only inside attributes
    css = (site / "assets" / "site.css").read_text(encoding="utf-8")
    assert "@media print" in css and "@media (max-width" in css


def test_deterministic(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert build(again).exit_code == 0
    assert tree(again) == tree(site)
    other = tmp_path / "other"
    assert cli("site", "-o", str(other), "--today", "2026-01-15").exit_code == 0
    assert tree(other)["index.html"] != tree(site)["index.html"]  # --today decides the figures


def test_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "web"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    r = build(out, data=FIXTURE)
    assert r.exit_code == 1
    assert "--force" in r.stderr
    assert tree(out) == {"notes.txt": b"mine"}
    r = build(out, "--force", data=FIXTURE)
    assert r.exit_code == 0, r.output
    assert not (out / "notes.txt").exists() and (out / "index.html").is_file()
    # Its own folder is rebuilt without --force.
    assert build(out, data=FIXTURE).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["web"]  # no temporary folder left beside it


def test_refuses_a_file_in_the_way(tmp_path: Path) -> None:
    target = tmp_path / "web"
    target.write_text("x", encoding="utf-8")
    r = build(target, "--force")
    assert r.exit_code == 1 and "không phải thư mục" in r.stderr
    assert target.read_text(encoding="utf-8") == "x"


def test_empty_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "web"
    out.mkdir()
    assert build(out, data=FIXTURE).exit_code == 0
    assert (out / "index.html").is_file()


def test_title_option(tmp_path: Path) -> None:
    out = tmp_path / "web"
    assert build(out, "--title", "Theo dõi <Sở> & kế hoạch", data=FIXTURE).exit_code == 0
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>Theo dõi &lt;Sở&gt; &amp; kế hoạch</h1>" in home


def test_hostile_text_is_escaped(tmp_path: Path, data_copy: Path) -> None:
    make_hostile(data_copy)
    out = tmp_path / "web"
    r = build(out, data=data_copy)
    assert r.exit_code == 0, r.output
    for name, content in tree(out).items():
        text = content.decode("utf-8")
        assert "<script>window.__pwned" not in text, name
        assert "<img" not in text, name
    plan = (out / "ke-hoach" / "qd74-dai-hoi-xx.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in plan
    assert "{{ 7*7 }} {% if true %}X{% endif %}" in plan
    assert "\u202eRTL-override\u202c" in plan
    agency = (out / "co-quan" / "so-tai-chinh.html").read_text(encoding="utf-8")
    assert "&#34;&gt;&lt;img src=x onerror=" in agency  # the note
    index = (out / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "</script>" not in index and "\\u003cscript\\u003e" in index
    assert HOSTILE.split(" ")[0] not in index


def test_province_template_beside_the_data(tmp_path: Path) -> None:
    root = tmp_path / "tinh"
    shutil.copytree(DATA, root / "data")
    custom = root / "templates" / "site"
    custom.mkdir(parents=True)
    (custom / "site.css").write_text("body { color: #000; } /* tỉnh */\n", encoding="utf-8")
    index = (ROOT / "src" / "kehoach" / "site" / "templates" / "index.html").read_text(encoding="utf-8")
    (custom / "index.html").write_text("<p class=\"tinh\">UBND tỉnh</p>\n" + index, encoding="utf-8")
    out = tmp_path / "web"
    r = build(out, data=root / "data")
    assert r.exit_code == 0, r.output
    assert "mẫu trang" in r.stderr and "index.html" in r.stderr
    assert '<p class="tinh">UBND tỉnh</p>' in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "assets" / "site.css").read_text(encoding="utf-8").endswith("/* tỉnh */\n")


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("{{ site.__class__.__mro__ }}", "mẫu trang plan.html: thẻ Jinja không được phép"),
        ("{% include 'index.html' %}", "include"),
        ("{{ missing_name }}", "biến không có"),
        ("{% for x in range(100000) %}{% endfor %}", "range()"),
        ("{{ 'x' * 2000000 }}", "1.000.000"),
        ("{{ plan.title", "cú pháp"),
    ],
)
def test_hostile_template_is_refused(tmp_path: Path, source: str, said: str) -> None:
    from kehoach.report.render import TemplateProblem
    from kehoach.site.render import render_pages

    (tmp_path / "templates" / "site").mkdir(parents=True)
    (tmp_path / "templates" / "site" / "plan.html").write_text(source, encoding="utf-8")
    ctx = {"site": {"title": "T", "legend": []}, "root": "", "page": "plan", "page_title": "T", "plan": {"title": "P"}}
    with pytest.raises(TemplateProblem, match=re.escape(said)):
        render_pages([("p.html", "plan.html", ctx)], tmp_path / "data")


def test_broken_template_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "tinh"
    shutil.copytree(FIXTURE, root / "data")
    (root / "templates" / "site").mkdir(parents=True)
    (root / "templates" / "site" / "agency.html").write_text("{{ 1 / 0 }}", encoding="utf-8")
    out = tmp_path / "web"
    r = build(out, data=root / "data")
    assert r.exit_code == 1
    assert "mẫu trang agency.html: chia cho 0" in r.stderr
    assert "Traceback" not in r.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tinh"]  # no temporary folder left


def test_a_failed_build_leaves_the_old_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from kehoach.dataset import load_data
    from kehoach.site import build_site

    out = tmp_path / "web"
    data = load_data(FIXTURE)
    build_site(data, dt.date(2026, 11, 21), out)
    before = tree(out)
    written = 0
    real = Path.write_bytes

    def failing(self: Path, content: bytes) -> int:
        nonlocal written
        written += 1
        if written == 10:
            raise OSError(28, "No space left on device", str(self))
        return real(self, content)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OSError, match="No space"):
        build_site(data, dt.date(2026, 1, 15), out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["web"]


def test_a_rebuild_drops_pages_of_removed_plans(tmp_path: Path, data_copy: Path) -> None:
    out = tmp_path / "web"
    assert build(out, data=data_copy).exit_code == 0
    assert (out / "ke-hoach" / "aec-2026.html").is_file()
    (data_copy / "plans" / "aec-2026.yaml").unlink()
    shutil.rmtree(data_copy / "progress" / "aec-2026")
    assert build(out, data=data_copy).exit_code == 0
    assert not (out / "ke-hoach" / "aec-2026.html").exists()
    assert "aec-2026" not in (out / "index.html").read_text(encoding="utf-8")


def test_ranking_agrees_with_each_agency_page(site: Path) -> None:
    """The home page's overdue count of an agency (kehoach status) is the length of its page's overdue list
    (kehoach due): one answer to one question."""
    home = (site / "index.html").read_text(encoding="utf-8")
    ranked = home.split('<table class="ranked">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<a href="(co-quan/[^"]+)">[^<]*</a></th><td class="num">(\d+)</td>', ranked)
    assert len(rows) > 10 and any(int(n) for _, n in rows)
    for href, n in rows:
        page = (site / href).read_text(encoding="utf-8")
        section = page.split('<h2 id="h-qua-han">', 1)[1].split("</section>", 1)[0]
        assert len(re.findall(r"<tr data-task=", section)) == int(n), href


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("plan.html", b"\xff\xfe{{ x }}", "không phải văn bản UTF-8"),
        ("site.css", b"a" * ((1 << 20) + 1), "lớn quá 1 MiB"),
    ],
)
def test_unreadable_template_is_named(tmp_path: Path, name: str, content: bytes, said: str) -> None:
    from kehoach.report.render import TemplateProblem
    from kehoach.site.render import render_pages, static

    (tmp_path / "templates" / "site").mkdir(parents=True)
    (tmp_path / "templates" / "site" / name).write_bytes(content)
    with pytest.raises(TemplateProblem, match=said):
        if name.endswith(".css"):
            static(name, tmp_path / "data")
        else:
            render_pages([], tmp_path / "data")


def test_every_agency_page_counts_as_status_agency(site: Path, data) -> None:
    """Each agency page's chart table is `kehoach status --agency NAME` (its total row)."""
    import datetime as dt

    from kehoach.status import status_table

    pages = sorted((site / "co-quan").glob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        table = text.split('<table class="counts">', 1)[1].split("</table>", 1)[0]
        shown = {code: int(n) for code, n in re.findall(r'<tr data-code="(\w+)">.*?<td class="num">(\d+)</td>', table)}
        agency = data.registry.get(page.stem)
        expected = status_table(data, dt.date.fromisoformat(TODAY), agency=agency).rows[0].counts
        assert shown == expected, page.name


def _project(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    proj = tmp_path / "proj"
    shutil.copytree(DATA, proj / "data")
    return proj, tree(proj / "data")


@pytest.mark.parametrize("where", ["data", "project", "cwd", "home", "root"])
def test_never_replaces_the_data_the_current_folder_home_or_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    proj, before = _project(tmp_path)
    monkeypatch.chdir(proj if where in ("cwd", "data") else tmp_path)
    monkeypatch.setenv("HOME", str(proj if where == "home" else tmp_path / "nobody"))
    out = {"data": "data", "project": str(proj), "cwd": ".", "home": str(proj), "root": "/"}[where]
    r = cli("site", "-o", out, "--today", TODAY, "--data", str(proj / "data"), "--force")
    assert r.exit_code == 1, r.output
    assert "không ghi trang web vào" in r.stderr and "Traceback" not in r.output
    why = {"data": "thư mục dữ liệu", "project": "chứa thư mục dữ liệu", "cwd": "thư mục đang làm việc",
           "home": "thư mục nhà", "root": "thư mục gốc"}[where]
    assert why in r.stderr
    assert tree(proj / "data") == before  # agencies.yaml, plans/ and progress untouched
    assert sorted(p.name for p in proj.iterdir()) == ["data"]  # nothing written beside it


@pytest.mark.parametrize("held", ["plans", "agencies.yaml", ".git"])
def test_force_refuses_a_folder_of_data_or_a_project(tmp_path: Path, held: str) -> None:
    out = tmp_path / "web"
    out.mkdir()
    (out / held).mkdir() if held != "agencies.yaml" else (out / held).write_text("agencies: []\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree(out)
    r = build(out, "--force", data=FIXTURE)
    assert r.exit_code == 1 and held in r.stderr and "kể cả với --force" in r.stderr
    assert tree(out) == before and out.joinpath(held).exists()
    # A site's own folder is still rebuilt, whatever it holds.
    (out / MARKER).write_bytes(b"")
    assert build(out, data=FIXTURE).exit_code == 0
    assert (out / "index.html").is_file()


def test_agency_days_are_said_as_the_cli_says_them(site: Path) -> None:
    items = json.loads(cli("due", "--agency", "Sở Tài chính", "--today", TODAY, "--format", "json").stdout)
    page = (site / "co-quan" / "so-tai-chinh.html").read_text(encoding="utf-8")
    cells = re.findall(r'<td class="days" data-days="(-?\d+)">([^<]*)</td>', page)
    assert cells and "<th scope=\"col\">Số ngày</th>" in page
    assert {int(n) for n, _ in cells} <= {i["days_left"] for i in items}
    for n, said in cells:
        assert said == (f"quá {-int(n)} ngày" if int(n) < 0 else "hôm nay" if int(n) == 0 else f"còn {n} ngày")
    assert any(said.startswith("quá ") for _, said in cells)
    assert not re.search(r"<td[^>]*>\s*-\d+\s*</td>", page)  # no negative count anywhere


def test_bundled_templates_fill_in_process_a_provinces_in_a_limited_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    report_render = importlib.import_module("kehoach.report.render")  # kehoach.report.render is also a function
    calls: list[str] = []
    real = report_render.run_limited

    def counted(fn, template_path):  # type: ignore[no-untyped-def]
        calls.append(template_path.name)
        return real(fn, template_path)

    monkeypatch.setattr(report_render, "run_limited", counted)
    assert build(tmp_path / "plain").exit_code == 0
    assert calls == []  # the package's own templates: no child process
    root = tmp_path / "tinh"
    shutil.copytree(DATA, root / "data")
    (root / "templates" / "site").mkdir(parents=True)
    (root / "templates" / "site" / "site.css").write_text("body { color: #000; }\n", encoding="utf-8")
    assert build(tmp_path / "css", data=root / "data").exit_code == 0
    assert calls == []  # a style sheet is not a template
    plan = (ROOT / "src" / "kehoach" / "site" / "templates" / "plan.html").read_text(encoding="utf-8")
    (root / "templates" / "site" / "plan.html").write_text("<p>tỉnh</p>\n" + plan, encoding="utf-8")
    r = build(tmp_path / "tinh-web", data=root / "data")
    assert r.exit_code == 0, r.output
    pages = len(tree(tmp_path / "tinh-web")) - 5  # less the marker and four assets
    assert calls and len(calls) == -(-pages // 64) and set(calls) == {"layout.html"}
    assert tree(tmp_path / "tinh-web")["index.html"] == tree(tmp_path / "css")["index.html"]


def test_pages_speak_to_officials_not_to_the_command_line(site: Path) -> None:
    pages = {rel: text for rel, b in tree(site).items() if rel.endswith(".html") for text in [b.decode("utf-8")]}
    for rel, text in pages.items():
        visible = re.sub(r"<[^>]+>", " ", re.sub(r"<head>.*?</head>", "", text, flags=re.S))
        assert "kehoach " not in visible and "--agency" not in visible and "--plan" not in visible, rel
        assert "example: true" not in visible and "Tổng các dòng" not in visible, rel
        assert "HT đúng hạn" not in visible and "Chưa BC" not in visible, rel
    home = pages["index.html"]
    assert "Số liệu minh họa, không phải báo cáo thật" in home
    assert 'placeholder="Tìm nhiệm vụ"' in home
    card = home[home.index('data-plan="qd74-dai-hoi-xx"'):]
    card = card[: card.index("</li>")]
    assert re.search(r'<p class="docno">74/QĐ-UBND <span>ngày 07/01/2026</span></p>\s*<h3>', card)
    assert "Đã hoàn thành đúng hạn: <b>" in card
