"""What a reader sees, in words: Chinese messages, bidi-safe user text, dates, the verdict card,
share links and formulation links (handlers called directly, on the real seed index)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui import ask, corpus, study_tab, terms_tab, verify_tab
from ui.context import AppContext
from ui.messages import UNKNOWN, zh
from ui.render import user_text
from ui.reply import terms_in

ROOT = Path(__file__).resolve().parents[1]
RLO = "\u202e"
LATIN_WORDS = re.compile(r"[A-Za-z]{3,}\s+[A-Za-z]{2,}")
STITCHED = ("各部门党组要牢固树立抓机关党建是本职、不抓机关党建是失职、抓不好机关党建是渎职的理念。"
            "坚持党建工作与业务工作同谋划、同部署、同推进、同考核。")


@pytest.fixture(scope="module")
def ctx(seed_engine):
    return AppContext(seed_engine, ROOT / "corpus", Path("unused-index"))


def visible(html: str) -> str:
    """The text of `html` a reader sees (tags and <style> dropped)."""
    return re.sub(r"<[^>]+>", "", re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL))


# --- Chinese messages --------------------------------------------------------------------
@pytest.mark.parametrize("reason, expected", [
    ("the question is too long (600 characters, at most 500): shorten it", "问题太长（600 个字，最多 500 个字），请缩短后再问"),
    ("evil.txt: not UTF-8 or GB18030 text", "evil.txt：不是 UTF-8 或 GB18030 编码的文本"),
    ("evil.txt：无法读取（evil.txt: not UTF-8 or GB18030 text）", "evil.txt：无法读取（evil.txt：不是 UTF-8 或 GB18030 编码的文本）"),
    ("fake.docx: not a readable .docx file (BadZipFile: File is not a zip file)", "fake.docx：不是可以读取的 Word（.docx）文件"),
    ("scan.pdf: PDF has no extractable text (scanned image?)", "scan.pdf：PDF 中没有可以提取的文字（可能是扫描件）"),
    ("no title stated; inferred from the first paragraph", "未注明标题，标题由首段推断"),
    ("the quotation is longer than 2000 characters", "引文太长（最多 2000 个字），请分段核对"),
    ("已是中文的消息", "已是中文的消息"),
    ("b.txt：内容与语料库中已有的 uploads/a.txt 相同", "b.txt：内容与语料库中已有的 uploads/a.txt 相同"),   # a path is not English
])
def test_library_reasons_are_shown_in_chinese(reason, expected):
    assert zh(reason) == expected


def test_an_unknown_english_reason_becomes_a_generic_chinese_sentence(caplog):
    assert zh("the frobnicator exploded") == UNKNOWN
    assert "frobnicator" in caplog.text           # the English stays in the log


@pytest.mark.parametrize("question", ["一" * 600, "\x00\x01", "？？？"])
def test_question_errors_reach_the_reader_in_chinese(ctx, question):
    page, history, _ = ask.handle_ask(ctx, question, 5, [], [])
    if history[-1].get("error"):
        assert "无法检索这个问题" in page
        assert not LATIN_WORDS.search(visible(page)), visible(page)


def test_verify_and_study_errors_are_chinese(ctx):
    out = verify_tab.verify_html(ctx, "一" * 5000)
    assert "无法核对" in out and "引文太长" in out and not LATIN_WORDS.search(visible(out))
    html, files = study_tab.handle_study(ctx, "", [])
    assert files is None and not LATIN_WORDS.search(visible(html))


def test_the_corpus_tab_speaks_chinese_and_dates_in_chinese(ctx, seed_engine):
    table = corpus.table_html(ctx)
    assert "2024年4月24日" in table and "2024-04-24" not in table
    assert not LATIN_WORDS.search(visible(table)), visible(table)
    assert "未注明来源" in table
    summary = corpus.summary(ctx)
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d（北京时间）", summary)
    assert "m3e" not in summary and "段块" not in summary          # technical details moved out
    assert "m3e-small" in corpus.tech_html(ctx)


def test_index_time_in_words():
    assert corpus.built_at("2024-04-24T02:05:00+0000") == "2024年4月24日 10:05（北京时间）"
    assert corpus.built_at("") == "时间不详"


def test_inferred_titles_are_marked_for_the_curator(ctx, seed_engine):
    rows = {r[0] for r in corpus.document_rows(ctx)}
    marked = {doc.doc_id for doc in seed_engine.documents.values() if doc.title + "（推断）" in rows}
    assert marked == {"qizhi-2024-11-luoshi-jiguan-dangjian-zhuti-zeren",
                      "qizhi-weipingtai-2025-02-05-jiguan-dangjian-gongzuo-huiyi"}
    assert all(doc.title in rows for doc in seed_engine.documents.values() if doc.doc_id not in marked)
    assert "标题由首段推断" in corpus.summary(ctx) and ".meta.json" in corpus.summary(ctx)


# --- user text inside a bidi isolate -------------------------------------------------------
def test_user_text_is_isolated_and_cannot_reverse_itself():
    out = user_text(RLO + "什么是一岗双责<b>")
    assert out == '<bdi class="ut">什么是一岗双责&lt;b&gt;</bdi>'


def test_a_question_starting_with_rlo_is_shown_in_reading_order(ctx):
    page, _, _ = ask.handle_ask(ctx, RLO + "什么是一岗双责", 5, [], [])
    bubble = re.search(r'<div class="qa-question">(.*?)</div>', page).group(1)
    assert bubble == '<bdi class="ut">什么是一岗双责</bdi>'


def test_quotation_sentences_and_study_topic_are_isolated(ctx):
    assert "<bdi" in verify_tab.verify_html(ctx, STITCHED)
    html, _ = study_tab.handle_study(ctx, RLO + "两张皮", [])
    assert '主题：<bdi class="ut">两张皮</bdi>' in html


# --- the verdict card ------------------------------------------------------------------------
def test_verdict_card_is_chinese_with_one_citation_per_source(ctx):
    out = verify_tab.verify_html(ctx, STITCHED)
    assert '<span class="vq-verdict vq-verdict-warn">拼接</span>' in out
    assert not re.search(r"\b(stitched|variant|exact|partial|not_found)\b", visible(out))
    cites = re.findall(r'<p class="qa-cite[^"]*">', out)
    assert len(cites) == 2                         # two sources, two citations
    assert 'class="vq-legend"' in out                   # the first sentence differs from its source


def test_exact_quotation_has_no_legend(ctx, seed_engine):
    doc = next(iter(seed_engine.documents.values()))
    sentence = re.search(r"[^。]{12,60}。", doc.text).group()
    out = verify_tab.verify_html(ctx, sentence)
    assert ">一致</span>" in out and 'class="vq-legend"' not in out
    assert len(re.findall(r'<p class="qa-cite', out)) == 1


def test_each_verdict_has_a_short_chinese_label():
    assert {label for label, _ in verify_tab.VERDICTS.values()} == {"一致", "有出入", "拼接", "部分", "未找到"}


# --- share links and formulation links -------------------------------------------------------
def test_a_share_link_answers_its_question(ctx, seed_engine):
    page, history = ask.handle_shared(ctx, {"q": "什么是一岗双责"})
    assert history[-1]["question"] == "什么是一岗双责" and history[-1]["found"]
    assert 'data-q="什么是一岗双责"' in page and "qa-link" in page
    assert seed_engine.ask("什么是一岗双责", top_k=5)["passages"][0]["text"][:20] in page


@pytest.mark.parametrize("params", [{}, {"q": "   "}, None, {"other": "x"}])
def test_no_question_in_the_address_changes_nothing(ctx, params):
    page, history = ask.handle_shared(ctx, params)
    assert not isinstance(page, str) and not isinstance(history, list)      # gr.skip()


def test_formulations_in_an_answer_link_to_the_glossary(ctx):
    page, _, _ = ask.handle_ask(ctx, "什么是一岗双责", 5, [], [])
    links = re.findall(r'<a class="qa-term" href="\?term=([^"]+)" data-term="([^"]+)"', page)
    assert links and all(terms_tab.handle_pick(ctx, {"term": t}).startswith('<h4') for _, t in links)


def test_terms_in_prefers_the_longest_formulation():
    assert terms_in("建设“四强”党支部，做到两个维护", ["四强", "四强党支部", "两个维护"]) == ["四强党支部", "两个维护"]


def test_glossary_pick_and_unknown_term(ctx):
    assert "列举" in terms_tab.handle_pick(ctx, {"term": "四强党支部"})
    assert "提法列表中没有" in terms_tab.handle_pick(ctx, {"term": "量子计算"})
    assert "qa-notice-info" in terms_tab.handle_pick(ctx, None)
    listing = terms_tab.terms_list_html(ctx)
    assert 'data-term="两个维护"' in listing and 'data-label="出现次数"' in listing


def test_the_formulation_list_leaves_out_plain_words_and_merges_variants(ctx):
    shown = terms_tab.shown_terms(ctx)
    for word in ("大头", "重头", "十四五", "党组", "党委"):
        assert word not in shown
    assert shown["两张皮"] == ["两张皮问题"] and "两张皮问题" not in shown
    assert {"两个维护", "四强党支部", "四风", "一岗双责"} <= set(shown)
    assert terms_tab.handle_pick(ctx, {"term": "两张皮问题"}).startswith('<h4 class="term-head">两张皮：')
    assert "又作 两张皮问题" in terms_tab.terms_list_html(ctx)
    page, _, _ = ask.handle_ask(ctx, "党组要落实什么责任", 5, [], [])
    assert 'data-term="党组"' not in page and 'data-term="党委"' not in page


def test_an_answer_that_only_names_the_formulation_says_so_above_it(ctx):
    page, _, _ = ask.handle_ask(ctx, "一岗双责包括哪些内容", 5, [], [])
    caveat = "语料库只提到“一岗双责”，没有解释它的含义或列出具体内容。下面是提到它的原文。"
    assert caveat in page and page.index(caveat) < page.index("qa-card")
    assert '<span class="qa-badge">提及原文</span>' in page and "最佳答案" not in page
    page, _, _ = ask.handle_ask(ctx, "什么是四强党支部", 5, [], [])
    assert "语料库只提到" not in page and "最佳答案" in page
