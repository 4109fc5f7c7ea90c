"""The app in a real browser: Playwright driving Debian's chromium (installed by `make browser`).

Screenshots go to tests/artifacts/ (ignored by git).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import app
from retrieval.search.engine import Engine
from ui.context import AppContext
from retrieval.search.cite import quotation_in
from ui.render import book_title, citation, quotation
from tests.serving import free_port

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WAIT = 90_000   # ms: the first question also warms the model up
HOSTILE_DOC = """<script>window.__xss=3</script>关于一岗双责的说明
来源：<img src=x onerror="window.__xss=5">测试来源
日期：2025-01-01
一岗双责是指领导干部既要抓好分管的业务工作，又要抓好分管领域的党建工作。<img src=x onerror="window.__xss=4">这句话也是原文。
第二段写着<b>加粗</b>与 ${alert(1)} 以及 {{constructor}} 的字样，都应当原样显示。
"""


def serve(engine, corpus_dir):
    demo = app.create_app(AppContext(engine, Path(corpus_dir), engine.index_dir))
    _, url, _ = app.launch(demo, "127.0.0.1", free_port(), block=False)
    return demo, url


@pytest.fixture(scope="module")
def seed_url(seed_engine):
    demo, url = serve(seed_engine, ROOT / "corpus")
    yield url
    demo.close()


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    """An app over a one-document corpus whose title, source and text carry HTML and scripts."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "corpus").mkdir()
    (root / "corpus" / "hostile.txt").write_text(HOSTILE_DOC, encoding="utf-8")
    engine = Engine.open(root / "index", root / "corpus")
    demo, url = serve(engine, root / "corpus")
    yield url
    demo.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def ask(page, url: str, question: str):
    page.goto(url)
    page.wait_for_selector("#qa-question textarea", timeout=WAIT)
    page.fill("#qa-question textarea", question)
    page.click("#qa-submit")
    page.wait_for_selector(".qa-exchange .qa-reply > *", timeout=WAIT)


def test_asking_shows_the_cited_passage_and_its_citation(page, seed_url, seed_engine):
    ask(page, seed_url, "什么是一岗双责")
    best = seed_engine.ask("什么是一岗双责", top_k=5)["passages"][0]
    quote, cite = page.locator(".qa-answer .qa-quote"), page.locator(".qa-answer .qa-cite")
    quote.wait_for(state="visible")
    assert quote.inner_text().strip() == best["text"]
    assert cite.is_visible() and cite.inner_text().strip() == citation(best)
    assert page.locator(".qa-answer mark.hl").first.is_visible()
    assert page.locator(".qa-question").inner_text().strip() == "什么是一岗双责"
    page.evaluate("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "answer.png"))


def test_context_original_text_and_copy_citation(page, seed_url, seed_engine):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=seed_url.rstrip("/"))
    ask(page, seed_url, "什么是一岗双责？")
    best = seed_engine.ask("什么是一岗双责？", top_k=5)["passages"][0]
    page.click(".qa-answer .qa-context summary")
    assert page.locator(".qa-answer .doc-context mark.cited").first.is_visible()
    page.click(".qa-answer .qa-copy")
    page.wait_for_selector(".qa-answer .qa-copy.qa-done")
    assert page.evaluate("navigator.clipboard.readText()") == quotation(best)
    page.click(".qa-answer .qa-copy[data-src='qa-copy-gbt']")
    page.wait_for_selector(".qa-answer .qa-copy[data-src='qa-copy-gbt'].qa-done")
    assert page.evaluate("navigator.clipboard.readText()") == quotation_in(best, "gbt7714")
    page.click(".qa-answer .qa-open")
    cited = page.locator("#doc-viewer #cited")
    cited.wait_for(state="visible", timeout=WAIT)
    assert best["text"].startswith(cited.inner_text()[:20])
    assert page.locator("#doc-viewer .doc-title").inner_text() == book_title(best["title"])


def test_example_question_not_found_and_empty_input(page, seed_url):
    page.goto(seed_url)
    page.wait_for_selector("#qa-question textarea", timeout=WAIT)
    assert page.get_by_text("当前语料库收录").is_visible()
    page.get_by_role("button", name="什么是一岗双责？").click()
    page.wait_for_selector(".qa-answer .qa-cite", timeout=WAIT)
    page.fill("#qa-question textarea", "火星上有多少人口？")
    page.click("#qa-submit")
    page.wait_for_selector(".qa-notice-empty", timeout=WAIT)
    assert page.locator(".qa-exchange").last.locator(".qa-related .qa-badge").first.inner_text() \
        == "相关段落 · 非答案"
    page.fill("#qa-question textarea", "   ")
    page.click("#qa-submit")
    page.wait_for_selector(".qa-notice-info", timeout=WAIT)
    assert page.locator(".qa-exchange").count() == 2


def test_html_in_documents_and_questions_runs_nothing(page, hostile_url):
    question = '<img src=x onerror="window.__xss=1">一岗双责是什么'
    ask(page, hostile_url, question)
    page.wait_for_selector(".qa-card .qa-quote", timeout=WAIT)
    assert page.locator(".qa-question").inner_text().strip() == question
    quotes = "".join(page.locator(".qa-card .qa-quote").all_inner_texts())
    assert '<img src=x onerror="window.__xss=4">' in quotes and 'onerror="window.__xss=5">' in quotes
    assert "<script>window.__xss=3</script>" in page.locator(".qa-card .qa-doc").first.inner_text()
    page.click(".qa-card .qa-context summary")
    page.click(".qa-card .qa-open")
    page.wait_for_selector("#doc-viewer .doc-view", timeout=WAIT)
    assert "${alert(1)} 以及 {{constructor}}" in page.locator("#doc-viewer").inner_text()
    page.get_by_role("tab", name="语料库").click()
    page.wait_for_selector("#corpus-table", timeout=WAIT)
    assert "<script>window.__xss=3</script>" in page.locator("#corpus-table").inner_text()
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".qa-card img, #doc-viewer img, #corpus-table img, #corpus-table script").count() == 0
    assert page.dialogs == []


@pytest.mark.parametrize("width", [1280, 390])
def test_a_typo_is_corrected_and_the_answer_says_so(browser, seed_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    ask(page, seed_url, "一刚双责的内涵")
    note = page.locator(".qa-exchange .qa-notice-info")
    note.wait_for(state="visible", timeout=WAIT)
    assert "已按“一岗双责”检索" in note.inner_text() and "一刚双责" in note.inner_text()
    assert "一岗双责" in page.locator(".qa-answer .qa-quote").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"typo-corrected-{width}.png"))
    context.close()


# --- formulation links, the upload pop-up (every tab at both widths: test_app_screens.py) ---
def open_tab(page, name: str):
    page.get_by_role("tab", name=name, exact=True).click()
    page.wait_for_timeout(300)


def test_a_formulation_in_an_answer_opens_its_glossary_entry(page, seed_url):
    ask(page, seed_url, "什么是一岗双责")
    term = page.locator(".qa-answer .qa-term").first
    name = term.inner_text()
    term.click()
    page.wait_for_selector("#term-detail .term-head", timeout=WAIT)
    assert page.get_by_role("tab", name="提法", exact=True).get_attribute("aria-selected") == "true"
    assert page.locator("#term-detail .term-head").inner_text().startswith(name + "：")


def test_a_term_link_opens_the_glossary_at_that_entry(page, seed_url):
    page.goto(seed_url + "?term=%E5%9B%9B%E5%BC%BA%E5%85%9A%E6%94%AF%E9%83%A8")       # 四强党支部
    page.wait_for_selector("#term-detail .term-head", timeout=WAIT)
    assert page.locator("#term-detail .term-head").inner_text().startswith("四强党支部：")
    assert "列举" in page.locator("#term-detail").inner_text()


def test_gradios_own_upload_size_popup_is_chinese(browser, seed_engine, tmp_path):
    demo = app.create_app(AppContext(seed_engine, tmp_path, seed_engine.index_dir, "s3cret", max_upload_mb=1))
    _, url, _ = app.launch(demo, "127.0.0.1", free_port(), block=False, max_upload_mb=1)
    try:
        context = browser.new_context(viewport={"width": 390, "height": 860}, locale="zh-CN")
        page = context.new_page()
        page.goto(url)
        open_tab(page, "语料库")
        page.click("#admin-panel button, #admin-panel .label-wrap")
        page.locator("#admin-files input[type=file]").set_input_files(
            [{"name": "big.txt", "mimeType": "text/plain", "buffer": "一".encode() * 700_000}])
        toast = page.get_by_text("文件超过大小上限")
        toast.wait_for(state="visible", timeout=WAIT)
        assert "big.txt" in toast.inner_text()
        assert page.get_by_text("exceed the maximum").count() == 0
        context.close()
    finally:
        demo.close()
