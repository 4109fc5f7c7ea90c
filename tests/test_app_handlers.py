"""The app's handlers and HTML rendering, called directly (no server), on the real seed index."""
from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from retrieval.search.cite import format_citation
from retrieval.search.engine import Engine
from ui import ask, corpus, uploads
from ui.context import AppContext
from ui.document import context_html, document_html
from ui.render import citation, esc, marked, passage_card, quotation
from ui.reply import EMPTY, NOT_FOUND

ROOT = Path(__file__).resolve().parents[1]
YGSZ = "什么是一岗双责？"
HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
TAG = re.compile(r"<\s*(script|img|iframe|svg)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def ctx(seed_engine):
    return AppContext(seed_engine, ROOT / "corpus", Path("unused-index"))


def ask_once(ctx, question, top_k=5, doc_ids=None):
    page, history, box = ask.handle_ask(ctx, question, top_k, doc_ids or [], [])
    return page, (history[-1] if history else None), box


# --- citation and escaping -------------------------------------------------------------
def test_citation_line_has_title_source_date_section_and_paragraph():
    p = {"title": "以党建“第一责任”引领和保障发展", "source": "郑州日报", "date": "2021-11-15",
         "section": "二、（三）", "paragraph": 2, "page": None}
    assert citation(p) == "《以党建“第一责任”引领和保障发展》，郑州日报，2021年11月15日，二、（三） 第2段"
    assert citation({**p, "author": "郑州市委市直机关工委"}) == \
        "郑州市委市直机关工委：《以党建“第一责任”引领和保障发展》，郑州日报，2021年11月15日，二、（三） 第2段"


def test_citation_leaves_out_empty_fields_adds_pdf_page_and_nests_book_marks():
    assert citation({"title": "T", "section": "", "paragraph": 1}) == "《T》，第1段"
    assert citation({"title": "T", "date": "2024-11", "section": "一、", "paragraph": 3, "page": 2}) \
        == "《T》，2024年11月，一、 第2页 第3段"
    assert citation({"title": "落实《意见》", "paragraph": 1}).startswith("《落实〈意见〉》")


def test_a_heading_line_is_cited_by_its_section_alone():
    assert citation({"title": "T", "section": "二、（三）", "paragraph": 0}) == "《T》，二、（三）"
    assert citation({"title": "T", "section": "一、", "paragraph": 0, "page": 2}) == "《T》，一、 第2页"


def test_quotation_is_the_verbatim_text_then_the_citation():
    p = {"title": "T", "source": "S", "date": "2024", "section": "", "paragraph": 1, "text": "原文。"}
    assert quotation(p) == "“原文。”\n——《T》，S，2024年，第1段"


def test_marked_wraps_highlights_and_escapes_every_slice():
    text = "甲<b>乙</b>丙。丁"
    out = marked(text, [[0, 4], [9, 11]])
    assert out == '<mark class="hl">甲&lt;b&gt;</mark>乙&lt;/b&gt;<mark class="hl">丙。</mark>丁'
    assert marked("abc", [[5, 9], [2, 1]]) == "abc"


def test_passage_card_escapes_hostile_text_title_and_doc_id():
    p = {"rank": 1, "doc_id": 'x" onclick="alert(1)', "title": HOSTILE, "source": HOSTILE, "date": "",
         "section": "", "paragraph": 1, "page": None, "start": 0, "end": 5,
         "text": HOSTILE, "highlights": [[0, 8]], "credits": HOSTILE}
    out = passage_card(p, "answer", "")
    assert not TAG.search(out)
    assert 'onclick="alert' not in out and "&lt;script&gt;" in out


def test_the_answer_card_shows_the_pages_editorial_credits(ctx):
    page, result, _ = ask_once(ctx, "郑州日报这篇文章的责任编辑是谁？")
    assert result["found"] and '<p class="qa-credits">责任编辑：蔡东海</p>' in page


# --- asking ------------------------------------------------------------------------------
def test_answer_is_verbatim_highlighted_and_cited(ctx, seed_engine):
    page, result, box = ask_once(ctx, YGSZ)
    assert result["found"] and box == ""
    best = result["passages"][0]
    doc = seed_engine.documents[best["doc_id"]]
    assert best["text"] == doc.text[best["start"]:best["end"]]
    assert marked(best["text"], best["highlights"]) in page
    assert '<mark class="hl">' in page and "一岗双责" in html.unescape(page)
    assert esc(citation(best)) in page
    # the corpus only names 一岗双责: the passage is badged as a mention, under a notice saying so
    assert "提及原文" in page and "语料库只提到“一岗双责”" in page and "复制引用" in page and "查看全文" in page
    assert page.count('class="qa-card ') == len(result["passages"])
    page, result, _ = ask_once(ctx, "什么是四强党支部？")       # one the corpus spells out: the best answer
    assert result["found"] and "最佳答案" in page and "语料库只提到" not in page


def test_answer_citation_for_the_zhengzhou_passage(ctx):
    # only the Zhengzhou passage says how leaders perform 一岗双责 (明责、履责、尽责); 什么是一岗双责 is
    # answered by it or by the 2024 speech, which also names it (both gold documents), by a few hundredths
    _, result, _ = ask_once(ctx, "领导干部怎样履行一岗双责？")
    best = result["passages"][0]
    assert best["doc_id"] == "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren"
    assert best["author"] == "郑州市委市直机关工委 赵惠玲"     # the unit the page states, then the name it signs
    assert citation(best).startswith("郑州市委市直机关工委 赵惠玲：《以党建“第一责任”引领和保障发展》，郑州日报，2021年11月15日，")


def test_traditional_question_gets_the_same_best_passage(ctx):
    _, simplified, _ = ask_once(ctx, YGSZ)
    _, traditional, _ = ask_once(ctx, "什麼是一崗雙責？")
    assert traditional["found"]
    assert traditional["passages"][0]["start"] == simplified["passages"][0]["start"]


def test_copy_citation_source_holds_text_and_citation(ctx):
    page, result, _ = ask_once(ctx, "领导干部怎样履行一岗双责？")     # the Zhengzhou passage (see above)
    src = re.search(r'<textarea class="qa-copy-src" readonly hidden>(.*?)</textarea>', page, re.S)
    assert html.unescape(src.group(1)) == quotation(result["passages"][0])
    gbt = re.search(r'<textarea class="qa-copy-gbt" readonly hidden>(.*?)</textarea>', page, re.S)
    best = result["passages"][0]
    assert html.unescape(gbt.group(1)) == f"“{best['text']}”\n——{format_citation(best, 'gbt7714')}"
    assert "[N]. 郑州日报, 2021-11-15." in html.unescape(gbt.group(1))
    assert 'data-src="qa-copy-gbt"' in page and "复制 GB/T 引用" in page


def test_context_expands_to_neighbouring_paragraphs(ctx, seed_engine):
    page, result, _ = ask_once(ctx, YGSZ)
    best = result["passages"][0]
    doc = seed_engine.documents[best["doc_id"]]
    block = context_html(doc, best["start"], best["end"])
    assert block in page and 'class="qa-context"' in page
    first = doc.paragraph_at(best["start"])
    neighbour = doc.paragraphs[first - 1]
    assert esc(doc.text[neighbour.start:neighbour.end]) in block


def test_top_k_and_document_filter(ctx):
    target = "qianzhu-niubizi-jiguan-dangjian-zerenzhi-yanjiu"
    _, result, _ = ask_once(ctx, YGSZ, top_k=2, doc_ids=[target])
    assert 1 <= len(result["passages"]) <= 2
    assert {p["doc_id"] for p in result["passages"]} == {target}


def test_parts_an_outline_spells_out_are_shown_as_the_answer_in_order(ctx):
    page, result, _ = ask_once(ctx, "六大行动分别是哪六个", top_k=3)
    parts = [p["part"] for p in result["passages"] if "part" in p]
    assert parts == [1, 2, 3, 4, 5, 6]                      # all six, past the three passages asked for
    assert "原文分6项列出（按原文顺序）" in page and "最佳答案" not in page
    badges = re.findall(r'<span class="qa-badge">([^<]*)</span>', page)
    assert badges[:6] == [f"第{k}项 · 共6项" for k in range(1, 7)]
    _, named, _ = ask_once(ctx, "什么是六大行动")         # what it is: the passage naming it first
    assert "part" not in named["passages"][0] and "六大行动" in named["passages"][0]["text"]
    assert [p.get("part") for p in named["passages"][1:7]] == [1, 2, 3, 4, 5, 6]


def test_not_found_says_so_and_labels_related_passages(ctx):
    page, result, _ = ask_once(ctx, "火星上有多少人口？")
    assert result["found"] is False and result["passages"]
    assert esc(NOT_FOUND) in page and "相关段落（非答案）" in page
    assert "最佳答案" not in page
    assert page.count('class="qa-card qa-related"') == len(result["passages"])


@pytest.mark.parametrize("question", ["", "   \n\t", None])
def test_empty_input_is_a_gentle_notice_and_keeps_history(ctx, question):
    earlier = [ctx.engine.ask(YGSZ, 1)]
    page, history, _ = ask.handle_ask(ctx, question, 5, [], earlier)
    assert history == earlier
    assert esc(EMPTY) in page and "qa-notice-info" in page


@pytest.mark.parametrize("question", ["一" * 10_000, "\x00\x01\x02", "？？？"])
def test_unusable_question_is_an_error_notice_not_a_traceback(ctx, question):
    page, result, _ = ask_once(ctx, question)
    assert result["found"] is False
    if result.get("error"):
        assert "qa-notice-error" in page and "无法检索这个问题" in page
    assert "Traceback" not in page


def test_hostile_question_is_shown_as_text(ctx):
    page, _, _ = ask_once(ctx, "一岗双责" + HOSTILE)
    assert not TAG.search(page)
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page


def test_history_is_capped(ctx):
    history = [ctx.engine.ask(YGSZ, 1)] * ask.MAX_TURNS
    page, history, _ = ask.handle_ask(ctx, "什么是模范机关？", 1, [], history)
    assert len(history) == ask.MAX_TURNS and history[-1]["question"] == "什么是模范机关？"
    assert page.count('class="qa-exchange"') == ask.MAX_TURNS


def test_first_screen_lists_the_corpus(ctx, seed_engine):
    page = ask.thread_html(ctx, [])
    assert f"收录 {len(seed_engine.documents)} 篇" in page
    assert all(esc(d.title) in page for d in seed_engine.documents.values())


# --- the original-text pane ------------------------------------------------------------
def test_open_document_marks_the_cited_span(ctx, seed_engine):
    _, result, _ = ask_once(ctx, YGSZ)
    best = result["passages"][0]
    page, opened = ask.handle_open(ctx, {"doc_id": best["doc_id"], "start": best["start"],
                                         "end": best["end"]})
    doc = seed_engine.documents[best["doc_id"]]
    assert opened and page == document_html(doc, best["start"], best["end"])
    assert page.count('id="cited"') == 1
    assert re.sub(r"<[^>]+>", "", page).count(html.escape(best["text"], quote=True)) >= 1


@pytest.mark.parametrize("data", [{"doc_id": "../../etc/passwd"}, None, "x", {"doc_id": 5}])
def test_open_unknown_document_is_a_notice(ctx, data):
    page, _ = ask.handle_open(ctx, data)
    assert "qa-notice-error" in page


def test_open_document_tolerates_bad_offsets(ctx, seed_engine):
    doc_id = next(iter(seed_engine.documents))
    page, _ = ask.handle_open(ctx, {"doc_id": doc_id, "start": "x", "end": -7})
    assert 'class="doc-view"' in page and 'id="cited"' not in page


# --- API function and corpus tab ------------------------------------------------------
def test_api_function_returns_the_engine_json(ctx, seed_engine):
    assert json.loads(ask.api_function(ctx)(YGSZ, 3)) == seed_engine.ask(YGSZ, top_k=3)
    assert json.loads(ask.api_function(ctx)("", 3))["error"]


def test_corpus_rows_match_the_manifest(ctx, seed_engine):
    rows = corpus.document_rows(ctx)
    files = seed_engine.manifest["files"]
    assert len(rows) == len(seed_engine.documents) + len(seed_engine.manifest.get("failures", []))
    for row, doc in zip(rows, seed_engine.documents.values()):
        assert row[0] == doc.title + ("（推断）" if doc.title_from == "inferred" else "") and row[3] == files[doc.path]["chunks"]
        assert row[4].startswith("已索引")


def test_admin_is_off_without_a_password(ctx):
    assert not ctx.admin_enabled
    assert "未启用" in corpus.handle_add(ctx, "anything", [])


# --- uploads: names, checks, storage ---------------------------------------------------
@pytest.mark.parametrize("original, expected", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\evil.md", "evil.md"),
    ("政策 文件（2024）.PDF", "政策-文件（2024）.pdf"),
    (".hidden.txt", "hidden.txt"),
    ("a\x00b<>|:*?.html", "a-b.html"),
    ("....docx", "upload.docx"),
])
def test_safe_name(original, expected):
    assert uploads.safe_name(original) == expected


@pytest.mark.parametrize("original", ["x.exe", "x.txt.sh", "noext", "x.json", ""])
def test_safe_name_refuses_other_types(original):
    with pytest.raises(uploads.UploadError, match="不支持的文件类型"):
        uploads.safe_name(original)


def test_validate_refuses_empty_large_and_unreadable_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    big = tmp_path / "big.txt"
    big.write_text("党建" * 1000, encoding="utf-8")
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"this is not a pdf at all")
    with pytest.raises(uploads.UploadError, match="为空"):
        uploads.validate(empty, 10_000)
    with pytest.raises(uploads.UploadError, match="过大"):
        uploads.validate(big, 1000)
    with pytest.raises(uploads.UploadError, match="无法读取"):
        uploads.validate(fake, 10_000)


def test_store_never_overwrites_and_avoids_doc_id_clashes(tmp_path):
    src = tmp_path / "src.txt"
    src.write_text("新内容", encoding="utf-8")
    corpus_dir = tmp_path / "corpus"
    (corpus_dir / "uploads").mkdir(parents=True)
    (corpus_dir / "uploads" / "a.md").write_text("旧的", encoding="utf-8")
    first = uploads.store(src, "a.txt", corpus_dir)
    second = uploads.store(src, "a.txt", corpus_dir)
    assert (first.name, second.name) == ("a-2.txt", "a-3.txt")
    assert (corpus_dir / "uploads" / "a.md").read_text(encoding="utf-8") == "旧的"


# --- uploads: the whole administrator action on a copy of the seed index -----------------
NEW_DOC = """关于“测试责任田”的说明
来源：测试编辑部
日期：2025-03-01
“测试责任田”是指每名党员干部负责的一块具体工作领域，做到守土有责、守土负责、守土尽责。
各支部要把“测试责任田”落实到岗、到人、到事。
"""


@pytest.fixture
def admin_ctx(seed_engine, tmp_path):
    """An engine over copies of the seed corpus and index, with administration on."""
    corpus_dir, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(ROOT / "corpus", corpus_dir)
    shutil.copytree(seed_engine.index_dir, index_dir)
    engine = Engine.open(index_dir, corpus_dir, build=False)
    return AppContext(engine, corpus_dir, index_dir, admin_password="s3cret")


def corpus_state(ctx) -> dict:
    return {p.relative_to(ctx.corpus_dir).as_posix(): p.read_bytes()
            for p in sorted(ctx.corpus_dir.rglob("*")) if p.is_file()}


def test_wrong_password_changes_nothing(admin_ctx, tmp_path):
    before = corpus_state(admin_ctx)
    upload = tmp_path / "new.txt"
    upload.write_text(NEW_DOC, encoding="utf-8")
    assert "密码不正确" in corpus.handle_add(admin_ctx, "wrong", [str(upload)])
    assert corpus_state(admin_ctx) == before


def test_upload_is_checked_stored_indexed_and_answerable(admin_ctx, tmp_path):
    upload = tmp_path / "测试 责任田.txt"
    upload.write_text(NEW_DOC, encoding="utf-8")
    fake = tmp_path / "broken.pdf"
    fake.write_bytes(b"%PDF-1.4 broken")
    seen = []
    out = corpus.handle_add(admin_ctx, "s3cret", [str(upload), str(fake)],
                            lambda f, desc="": seen.append(f))
    assert "已加入：uploads/测试-责任田.txt" in out and "broken.pdf" in out and "索引已重建" in out
    assert seen and seen[-1] == 1.0
    assert not (admin_ctx.corpus_dir / "uploads" / "broken.pdf").exists()
    result = admin_ctx.engine.ask("什么是测试责任田？", 3)
    assert result["found"] and result["passages"][0]["doc_id"] == "uploads/测试-责任田"
    assert any(r[0] == "关于“测试责任田”的说明" for r in corpus.document_rows(admin_ctx))


def test_bad_upload_leaves_corpus_and_index_as_they_were(admin_ctx, tmp_path):
    before, generation = corpus_state(admin_ctx), admin_ctx.engine.folder
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"not a zip")
    out = corpus.handle_add(admin_ctx, "s3cret", [str(fake)])
    assert "未加入：fake.docx" in out
    assert corpus_state(admin_ctx) == before and admin_ctx.engine.folder == generation


@pytest.fixture
def tiny_ctx(tmp_path):
    """An engine over a one-document corpus (cheap to rebuild from scratch)."""
    corpus_dir = tmp_path / "tiny-corpus"
    corpus_dir.mkdir()
    (corpus_dir / "one.txt").write_text(NEW_DOC.replace("测试责任田", "示范岗"), encoding="utf-8")
    engine = Engine.open(tmp_path / "tiny-index", corpus_dir)
    return AppContext(engine, corpus_dir, tmp_path / "tiny-index", admin_password="s3cret")


def test_failed_rebuild_removes_the_new_file(tiny_ctx, tmp_path):
    admin_ctx = tiny_ctx
    before = corpus_state(admin_ctx)
    upload = tmp_path / "new.txt"
    upload.write_text(NEW_DOC, encoding="utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index folder should be", encoding="utf-8")
    report = uploads.add_documents(admin_ctx.engine, [upload], admin_ctx.corpus_dir, blocker, 10**6)
    assert report.error.startswith("重建索引失败") and report.added == []
    assert corpus_state(admin_ctx) == before


def test_the_answer_page_says_when_the_index_is_behind_the_corpus(seed_engine):
    from ui.ask import BEHIND, thread_html

    ctx = AppContext(seed_engine, ROOT / "corpus", Path("unused-index"))
    assert BEHIND not in thread_html(ctx, [])
    seed_engine.behind = "the index x is behind the corpus y: updating it failed (disk full)"
    try:
        assert BEHIND in thread_html(ctx, []) and BEHIND in thread_html(ctx, [seed_engine.ask("什么是一岗双责？")])
    finally:
        seed_engine.behind = None


def test_a_file_already_in_the_corpus_is_refused_with_its_name(admin_ctx, tmp_path):
    before, generation = corpus_state(admin_ctx), admin_ctx.engine.folder
    copy = tmp_path / "再次上传.txt"
    copy.write_bytes((ROOT / "corpus" / "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren.txt").read_bytes())
    out = corpus.handle_add(admin_ctx, "s3cret", [str(copy)])
    assert "未加入：再次上传.txt：内容与语料库中已有的 zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren.txt 相同" in out
    assert corpus_state(admin_ctx) == before and admin_ctx.engine.folder == generation


def test_the_same_text_twice_in_one_batch_is_stored_once(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(NEW_DOC, encoding="utf-8")
    second.write_text(NEW_DOC.replace("\n", "\r\n"), encoding="utf-8")     # same clean text
    report = uploads.AddReport()
    stored = uploads.accept([first, second], 2**20, tmp_path / "corpus", report)
    assert [p.name for p in stored] == ["a.txt"]
    assert report.rejected == ["b.txt：内容与语料库中已有的 uploads/a.txt 相同，未重复加入（如要替换，请勾选“替换已有文献”）"]
