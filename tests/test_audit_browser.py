"""The manuscript audit in a real browser: upload a .docx manuscript, read the report, download the
.docx report and open it with python-docx (Playwright driving Debian's chromium, as test_app_browser)."""
from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from tests.test_app_browser import ARTIFACTS, CHROMIUM, FLAGS, WAIT, serve
from tests.test_audit import BORROWED, MANUSCRIPT, MARKED

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def url(seed_engine):
    demo, address = serve(seed_engine, ROOT / "corpus")
    yield address
    demo.close()


@pytest.fixture(scope="module")
def page():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
        yield context.new_page()
        browser.close()


def test_upload_a_docx_manuscript_see_the_report_and_download_the_word_report(page, url, tmp_path):
    manuscript = tmp_path / "讲稿.docx"
    document = docx.Document()
    for line in MANUSCRIPT.split("\n"):
        document.add_paragraph(line)
    document.save(manuscript)
    page.goto(url)
    page.get_by_role("tab", name="引文核对").click()
    page.locator("#audit-upload input[type=file]").set_input_files(str(manuscript))
    page.get_by_text("讲稿.docx").first.wait_for(timeout=WAIT)
    page.click("#audit-submit")
    page.wait_for_selector("#audit-report .au-finding", timeout=WAIT)
    assert "5 处引文" in page.locator("#audit-report .au-summary").inner_text()
    links = page.locator("#audit-report .au-manuscript a.au-q")
    assert links.count() == 5
    borrowed = page.locator("#audit-report .au-manuscript a.au-q", has_text=BORROWED[:12])
    assert "au-ok" in borrowed.get_attribute("class")
    borrowed.click()
    target = page.locator(f"#audit-report {borrowed.get_attribute('href')}")
    assert target.is_visible() and "未加引号，与语料原句高度相似" in target.inner_text()
    assert target.locator(".qa-cite").first.inner_text().startswith("《")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "audit-report.png"), full_page=True)
    word = page.locator("#audit-files tr", has_text=".docx").locator("a").first
    word.wait_for(timeout=WAIT)
    with page.expect_download() as download:
        word.click()
    saved = tmp_path / "report.docx"
    download.value.save_as(saved)
    report = docx.Document(saved)
    comments = list(report.comments)
    assert len(comments) == 5 and any(MARKED[:10] in p.text for p in report.paragraphs)
    assert any("出处：" in c.text and "原文一致" in c.text for c in comments)
