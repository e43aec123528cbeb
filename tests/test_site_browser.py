"""kehoach site as its readers see it: opened from the folder (file://) in headless Chromium.

Needs Playwright's Python package (a dev extra) and a Chromium binary (Debian's ``chromium``; ``.ci/run``
installs it); Playwright's own browser download is never used. Where either is missing the tests are
skipped, saying which. ``KEHOACH_SITE_SHOTS=DIR`` also saves screenshots of the pages there.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kehoach.cli import app
from site_helpers import HOSTILE, TODAY, make_hostile

DATA = Path(__file__).resolve().parent.parent / "data"
CHROMIUM = os.environ.get("KEHOACH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.slow  # a real browser: `make test-slow` (and CI), not `make test`

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright (pip install playwright) is not installed")
if CHROMIUM is None:
    pytest.skip("no chromium binary (apt-get install chromium, or KEHOACH_CHROMIUM=/path)", allow_module_level=True)


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def build(out: Path, data: Path = DATA) -> Path:
    r = cli("site", "-o", str(out), "--today", TODAY, "--data", str(data))
    assert r.exit_code == 0, r.output
    return out


class Browser:
    """One Chromium; every page records its requests, script errors and console errors."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.requests: list[str] = []
        self.errors: list[str] = []

    def page(self, width: int = 1280, height: int = 900) -> Any:
        page = self.browser.new_page(viewport={"width": width, "height": height})
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        return page

    def check_clean(self) -> None:
        assert self.requests, "no request seen: the checks would mean nothing"
        assert [u for u in self.requests if not u.startswith("file:")] == []
        assert self.errors == []


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield Browser(browser)
        finally:
            browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("site") / "web")


def shot(page: Any, name: str, full: bool = False) -> None:
    folder = os.environ.get("KEHOACH_SITE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full)


def test_every_plan_reachable_from_home(site: Path, chromium: Browser, data) -> None:
    page = chromium.page()
    page.goto((site / "index.html").as_uri())
    shot(page, "home", full=True)
    links = page.eval_on_selector_all(".plans h3 a", "els => els.map(a => [a.href, a.textContent])")
    assert sorted(t for _, t in links) == sorted(lp.plan.title for lp in data.plans)
    for href, title in links:
        page.goto(href)
        assert page.locator("h1").inner_text() == title
    page.goto((site / "ke-hoach" / "qd74-dai-hoi-xx.html").as_uri())
    shot(page, "plan")
    page.locator("[id='nv-I.14'] summary").click()
    assert page.locator("[id='nv-I.14'] details").evaluate("d => d.open")
    chromium.check_clean()


def test_qd74_counts_equal_status(site: Path, chromium: Browser) -> None:
    total = json.loads(cli("status", "--plan", "qd74-dai-hoi-xx", "--today", TODAY, "--format", "json").stdout)[0]
    page = chromium.page()
    page.goto((site / "ke-hoach" / "qd74-dai-hoi-xx.html").as_uri())
    shown = page.eval_on_selector_all(
        "#tinh-trang table.counts tbody tr",
        "rows => rows.map(r => [r.dataset.code, r.querySelector('td').textContent])",
    )
    assert {code: int(n) for code, n in shown} == {code: total[code] for code, _ in shown}
    assert len(shown) == 7
    assert int(page.locator('#tinh-trang td[data-code="total"]').inner_text()) == total["total"]
    chromium.check_clean()


def test_agency_page_lists_what_due_calls_overdue(site: Path, chromium: Browser) -> None:
    items = json.loads(cli("due", "--agency", "Sở Tài chính", "--today", TODAY, "--format", "json").stdout)
    # overdue tasks; a missed report day is counted apart, as due's own summary line does
    overdue = [f"{i['plan']}/{i['id']}" for i in items if i["overdue"] and i["kind"] != "report"]
    assert overdue
    page = chromium.page()
    page.goto((site / "index.html").as_uri())
    page.get_by_role("link", name="Sở Tài chính", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Sở Tài chính"
    shot(page, "agency")
    assert page.eval_on_selector_all("#qua-han tbody tr", "rows => rows.map(r => r.dataset.task)") == overdue
    chromium.check_clean()


def test_search_dao_me(site: Path, chromium: Browser) -> None:
    page = chromium.page()
    page.goto((site / "index.html").as_uri())
    page.fill("header input[name=q]", "dao me")
    page.press("header input[name=q]", "Enter")
    page.wait_for_selector("#ket-qua li")
    shot(page, "search")
    found = page.eval_on_selector_all("#ket-qua li", "els => els.map(e => [e.dataset.task, e.textContent])")
    assert [t for t, _ in found] == ["qd74-dai-hoi-xx/I.14"]
    assert "Đề án Phát triển Khu Kinh tế Nghi Sơn gắn kết với Đảo Mê" in found[0][1]
    page.fill("#q", "ĐẢO MÊ")
    assert page.eval_on_selector_all("#ket-qua li", "els => els.map(e => e.dataset.task)") == ["qd74-dai-hoi-xx/I.14"]
    page.locator("#ket-qua a").first.click()
    assert page.url.endswith("ke-hoach/qd74-dai-hoi-xx.html#nv-I.14")
    chromium.check_clean()


@pytest.mark.parametrize("query", ["KCN", "kkt", "khu kinh te nghi son", "khu kinh tế Nghi Sơn", "UBND"])
def test_search_finds_what_tasks_search_finds(site: Path, chromium: Browser, query: str) -> None:
    said = json.loads(cli("tasks", "--search", query, "--format", "json").stdout)
    want = sorted(f"{t['plan']}/{t['id']}" for t in said)
    assert want
    page = chromium.page()
    page.goto((site / "tim-kiem.html").as_uri())
    page.fill("#q", query)
    page.wait_for_selector("#ket-qua li")
    assert sorted(page.eval_on_selector_all("#ket-qua li", "els => els.map(e => e.dataset.task)")) == want
    chromium.check_clean()


def test_filter_and_phone_width(site: Path, chromium: Browser) -> None:
    page = chromium.page(390, 844)
    page.goto((site / "ke-hoach" / "qd74-dai-hoi-xx.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(page, "phone")
    for rel in ("index.html", "co-quan/so-tai-chinh.html", "tim-kiem.html"):
        page.goto((site / rel).as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, rel
    page.goto((site / "ke-hoach" / "qd74-dai-hoi-xx.html").as_uri())
    rows = page.locator("#nhiem-vu tbody > tr[data-key]")
    everything = rows.count()
    page.select_option("#nhiem-vu .f-status", "no_report_overdue")
    visible = page.eval_on_selector_all(
        "#nhiem-vu tbody > tr[data-key]:not([hidden])", "rows => rows.map(r => r.dataset.status)"
    )
    assert visible and set(visible) == {"no_report_overdue"} and len(visible) < everything
    page.select_option("#nhiem-vu .f-status", "")
    page.fill("#nhiem-vu .f-text", "dao me")
    assert page.eval_on_selector_all(
        "#nhiem-vu tbody > tr[data-key]:not([hidden])", "rows => rows.map(r => r.dataset.task)"
    ) == ["qd74-dai-hoi-xx/I.14"]
    page.emulate_media(media="print")
    assert page.locator("#nhiem-vu .filter").is_hidden()
    chromium.check_clean()


def test_hostile_text_shows_as_text(tmp_path: Path, data_copy: Path, chromium: Browser) -> None:
    make_hostile(data_copy)
    site = build(tmp_path / "web", data_copy)
    page = chromium.page()
    for rel in ("index.html", "ke-hoach/qd74-dai-hoi-xx.html", "co-quan/so-tai-chinh.html"):
        page.goto((site / rel).as_uri())
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img").count() == 0
    page.goto((site / "ke-hoach" / "qd74-dai-hoi-xx.html").as_uri())
    assert page.locator("h1").text_content() == HOSTILE
    assert page.locator("[id='nv-I.14'] summary").text_content() == HOSTILE
    page.goto((site / "co-quan" / "so-tai-chinh.html").as_uri())
    assert HOSTILE in page.locator("dl.facts").text_content()
    page.goto((site / "tim-kiem.html").as_uri() + "?q=pwned")
    page.wait_for_selector("#ket-qua li")
    assert page.locator("#ket-qua a").first.text_content() == HOSTILE
    assert page.evaluate("window.__pwned") is None
    chromium.check_clean()


def test_the_pages_forbid_inline_script_and_outside_requests(site: Path, chromium: Browser, tmp_path: Path) -> None:
    """Defence in depth: were a text ever to reach a page as markup, its policy would still stop it."""
    page_file = tmp_path / "web" / "ke-hoach" / "x.html"
    page_file.parent.mkdir(parents=True)
    for sub in ("assets",):
        shutil.copytree(site / sub, tmp_path / "web" / sub)
    html = (site / "ke-hoach" / "qd74-dai-hoi-xx.html").read_text(encoding="utf-8")
    injected = '<script>window.__ran = 1</script><img src="http://192.0.2.1/x.png" onerror="window.__ran = 2">'
    page_file.write_text(html.replace("<main", injected + "<main", 1), encoding="utf-8")
    browser = Browser(chromium.browser)
    page = browser.page()
    failed: list[tuple[str, str]] = []
    page.on("requestfailed", lambda r: failed.append((r.url, r.failure or "")))
    page.goto(page_file.as_uri())
    assert page.evaluate("window.__ran") is None
    outside = [u for u in browser.requests if not u.startswith("file:")]
    assert outside == ["http://192.0.2.1/x.png"]
    assert failed == [("http://192.0.2.1/x.png", "csp")]  # stopped by the policy, never sent
    assert any("Content Security Policy" in e for e in browser.errors)
    assert page.locator("#nhiem-vu .filter").is_visible()  # the site's own script still runs
