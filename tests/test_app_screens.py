"""Every tab at 390 px (a phone) and at 1280 px, with its content shown: no sideways scrolling
(`document.documentElement.scrollWidth <= innerWidth`), and the share link at both widths.

Screenshots go to tests/artifacts/ (`tab-NAME-WIDTH.png`). The README's screenshots in docs/
(`phone-NAME.png` at 390 px, `desktop-NAME.png` at 1280 px, `screenshot-answer.png`) are retaken by

    RETRIEVAL_DOCS_SCREENSHOTS=1 .venv/bin/python -m pytest -q tests/test_app_screens.py
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import app
from tests.serving import free_port
from tests.test_app_browser import ARTIFACTS, WAIT, ask, browser, open_tab, seed_url  # noqa: F401
from tests.test_audit import MANUSCRIPT
from ui.context import AppContext

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DOCS_ENV = "RETRIEVAL_DOCS_SCREENSHOTS"
WIDTHS = [1280, 390]
STITCHED = ("各部门党组要牢固树立抓机关党建是本职、不抓机关党建是失职、抓不好机关党建是渎职的理念。"
            "坚持党建工作与业务工作同谋划、同部署、同推进、同考核。")
SHARED = "%E4%BB%80%E4%B9%88%E6%98%AF%E4%B8%80%E5%B2%97%E5%8F%8C%E8%B4%A3"     # 什么是一岗双责


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def screen(browser, request):  # noqa: F811
    """A page in a window `request.param` px wide (`page.width`)."""
    context = browser.new_context(viewport={"width": request.param, "height": 860}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.width = request.param
    yield page
    context.close()


@pytest.fixture(scope="module")
def admin_url(seed_engine, tmp_path_factory):
    """The app with administration on (the panel is only opened, nothing is added)."""
    demo = app.create_app(AppContext(seed_engine, ROOT / "corpus", seed_engine.index_dir, "s3cret"))
    _, url, _ = app.launch(demo, "127.0.0.1", free_port(), block=False)
    yield url
    demo.close()


def fits(page, what: str) -> None:
    wide, window = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert wide <= window, f"{what}: the page is {wide} px wide in a {window} px window"


def shot(page, name: str, full_page: bool = True) -> None:
    """The page (`full_page=False`: the window, for a panel fixed over it) to artifacts (and docs/)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"tab-{name}-{page.width}.png"), full_page=full_page)
    if os.environ.get(DOCS_ENV):
        kind = "phone" if page.width < 600 else "desktop"
        page.screenshot(path=str(DOCS / f"{kind}-{name}.png"), full_page=full_page)


def test_the_first_screen_an_answer_and_the_full_text_fit(screen, seed_url):  # noqa: F811
    screen.goto(seed_url)
    screen.wait_for_selector("#qa-question textarea", timeout=WAIT)
    screen.wait_for_timeout(500)
    fits(screen, "first screen")
    shot(screen, "welcome")
    ask(screen, seed_url, "什么是一岗双责")
    screen.wait_for_selector(".qa-answer .qa-cite")
    fits(screen, "answer")
    shot(screen, "answer")
    if os.environ.get(DOCS_ENV) and screen.width == 1280:
        screen.screenshot(path=str(DOCS / "screenshot-answer.png"))
    screen.click(".qa-answer .qa-open")
    back = screen.locator("#doc-viewer .doc-close")
    back.wait_for(state="visible", timeout=WAIT)
    screen.wait_for_timeout(500)
    assert back.is_visible()
    fits(screen, "full text")
    shot(screen, "fulltext", full_page=False)
    back.click()
    screen.wait_for_function("!document.querySelector('#doc-sidebar').classList.contains('open')")


def test_the_quotation_check_and_the_manuscript_audit_fit(screen, seed_url):  # noqa: F811
    screen.goto(seed_url)
    open_tab(screen, "引文核对")
    screen.get_by_label("待核对的引文").fill(STITCHED)
    screen.get_by_role("button", name="核对", exact=True).click()
    verdict = screen.locator(".vq-verdict")
    verdict.wait_for(state="visible", timeout=WAIT)
    assert verdict.inner_text() == "拼接"
    fits(screen, "quotation check")
    shot(screen, "verify")
    screen.locator("#audit-text textarea").fill(MANUSCRIPT)
    screen.click("#audit-submit")
    screen.wait_for_selector("#audit-report .au-finding", timeout=WAIT)
    assert "5 处引文" in screen.locator("#audit-report .au-summary").inner_text()
    screen.locator("#audit-report").scroll_into_view_if_needed()
    fits(screen, "manuscript audit")
    shot(screen, "audit")


def test_the_study_pack_and_the_glossary_fit(screen, seed_url):  # noqa: F811
    screen.goto(seed_url)
    open_tab(screen, "学习材料")
    screen.get_by_label("主题").fill("两张皮")
    screen.get_by_role("button", name="生成学习材料").click()
    screen.wait_for_selector(".qa-card .qa-cite >> visible=true", timeout=WAIT)
    fits(screen, "study pack")
    shot(screen, "study")
    open_tab(screen, "提法")
    screen.locator('#terms-list tr[data-term="两个维护"]').click()
    screen.wait_for_selector("#term-detail .term-head", timeout=WAIT)
    assert "两个维护" in screen.locator("#term-detail .term-head").inner_text()
    assert screen.locator('#terms-list tr[data-term="两个维护"] td').first.is_visible()   # no lost column
    fits(screen, "glossary")
    shot(screen, "terms")


def test_the_corpus_list_marks_the_inferred_titles_and_fits(screen, seed_url):  # noqa: F811
    screen.goto(seed_url)
    open_tab(screen, "语料库")
    screen.wait_for_selector("#corpus-table tbody tr")
    table = screen.locator("#corpus-table").inner_text()
    assert "2024年4月24日" in table and table.count("（推断）") == 2
    assert screen.locator("#corpus-table .rt-inferred").first.is_visible()
    assert "标题由首段推断" in screen.locator(".corpus-summary").first.inner_text()
    fits(screen, "corpus list")
    shot(screen, "corpus")


def test_the_corpus_tab_with_the_admin_panel_open_fits(screen, admin_url):
    screen.goto(admin_url)
    open_tab(screen, "语料库")
    screen.click("#admin-panel button, #admin-panel .label-wrap")
    replace = screen.get_by_label("替换已有文献", exact=False)
    replace.wait_for(state="visible", timeout=WAIT)
    assert not replace.is_checked()
    fits(screen, "admin panel")
    shot(screen, "corpus-admin")


def test_a_share_link_opens_the_answer_with_title_history_and_copy_link(screen, seed_url):  # noqa: F811
    screen.goto(seed_url + "?q=" + SHARED)
    screen.wait_for_selector(".qa-answer .qa-cite", timeout=WAIT)
    assert screen.locator(".qa-question").inner_text().strip() == "什么是一岗双责"
    screen.wait_for_function("document.title.startsWith('什么是一岗双责')")
    screen.click(".qa-answer .qa-link")
    screen.wait_for_selector(".qa-answer .qa-link.qa-done")
    assert screen.evaluate("navigator.clipboard.readText()") == seed_url.rstrip("/") + "/?q=" + SHARED
    fits(screen, "shared answer")
    screen.fill("#qa-question textarea", "\u202e如何破解两张皮问题")
    screen.click("#qa-submit")
    screen.wait_for_function("document.querySelectorAll('.qa-exchange').length == 2", timeout=WAIT)
    assert screen.locator(".qa-question").last.inner_text().strip() == "如何破解两张皮问题"   # not reversed
    screen.wait_for_function("location.search.includes('%E4%B8%A4%E5%BC%A0%E7%9A%AE')")
    screen.goto(seed_url)                     # a new visit: the history is kept in this browser only
    history = screen.locator("#qa-history .qa-history")
    history.wait_for(state="attached", timeout=WAIT)
    history.locator("summary").click()
    assert history.locator("li").all_inner_texts()[:2] == ["如何破解两张皮问题", "什么是一岗双责"]
    fits(screen, "history")
    history.locator("a", has_text="什么是一岗双责").click()
    screen.wait_for_selector(".qa-answer .qa-cite", timeout=WAIT)
    assert screen.locator(".qa-question").inner_text().strip() == "什么是一岗双责"
    shot(screen, "share-link")
