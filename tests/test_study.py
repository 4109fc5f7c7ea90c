"""Study pack on the real seed corpus: relevance, order, exact slices, Markdown and .docx export."""
from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from retrieval.errors import QueryError
from retrieval.tools.export import md_escape, to_docx, to_markdown
from retrieval.tools.study import study_pack

ZHENGZHOU = "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren"


@pytest.fixture(scope="module")
def liangzhangpi(seed_engine):
    return study_pack(seed_engine, "两张皮")


def test_every_passage_states_the_topic_and_is_an_exact_slice(seed_engine, liangzhangpi):
    assert len(liangzhangpi.excerpts) >= 3 and len(liangzhangpi.sources) >= 3
    for e in liangzhangpi.excerpts:
        assert "两张皮" in e.text
        assert seed_engine.documents[e.doc_id].text[e.start:e.end] == e.text
        doc = seed_engine.documents[e.doc_id]
        assert e.citation.startswith(f"{doc.author}：《" if doc.author else "《") and "段" in e.citation


def test_grouped_by_document_in_corpus_order_then_by_position(seed_engine, liangzhangpi):
    order = list(seed_engine.documents)
    keys = [(order.index(e.doc_id), e.start) for e in liangzhangpi.excerpts]
    assert keys == sorted(keys)
    for a, b in zip(liangzhangpi.excerpts, liangzhangpi.excerpts[1:]):
        assert a.doc_id != b.doc_id or a.end <= b.start          # no overlaps
    assert sum(s["count"] for s in liangzhangpi.sources) == len(liangzhangpi.excerpts)


def test_topic_passages_cover_the_topic_words(seed_engine):
    pack = study_pack(seed_engine, "落实机关党建主体责任")
    assert len(pack.sources) >= 3
    assert all("主体责任" in e.text and "机关党建" in e.text for e in pack.excerpts)


def test_restricted_to_documents(seed_engine):
    pack = study_pack(seed_engine, "两张皮", [ZHENGZHOU])
    assert pack.excerpts and {e.doc_id for e in pack.excerpts} == {ZHENGZHOU}
    with pytest.raises(QueryError):
        study_pack(seed_engine, "两张皮", ["no-such-doc"])


def test_unrelated_topic_gives_an_empty_pack(seed_engine):
    # not 足球比赛: the seed mentions 歌咏比赛、足球联赛, and that passage's coverage sits at the threshold
    pack = study_pack(seed_engine, "红烧肉的做法")
    assert pack.excerpts == () and "没有" in to_markdown(pack)


def test_markdown_has_title_quotes_citations_and_sources(liangzhangpi):
    md = to_markdown(liangzhangpi)
    assert md.startswith("# 学习材料：两张皮")
    for e in liangzhangpi.excerpts:
        assert f"> ——{md_escape(e.citation)}" in md
    assert "## 来源列表" in md and md.count(".txt，") == len(liangzhangpi.sources)


def test_markdown_escapes_markup():
    assert md_escape("**市 <b>") == r"\*\*市 \<b\>"


def test_docx_opens_and_holds_quotes_citations_and_sources(liangzhangpi):
    document = docx.Document(io.BytesIO(to_docx(liangzhangpi)))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [t for _, t in paragraphs]
    assert texts[0] == "学习材料：两张皮"
    quotes = [t for style, t in paragraphs if style == "Quote"]
    assert quotes == [e.text for e in liangzhangpi.excerpts]
    for e in liangzhangpi.excerpts:
        assert f"——{e.citation}" in texts
    assert "来源列表" in texts
    assert len([1 for style, _ in paragraphs if style == "List Number"]) == len(liangzhangpi.sources)


def test_docx_is_a_chinese_a4_document_and_lists_the_author_unit(liangzhangpi):
    from tests.test_wordfile import assert_chinese_word_file
    document = docx.Document(io.BytesIO(to_docx(liangzhangpi)))
    assert_chinese_word_file(document, "学习材料：两张皮", "学习材料")
    assert document.core_properties.keywords == "两张皮"
    listed = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    authored = [s for s in liangzhangpi.sources if s["author"]]
    assert authored and all(any(t.startswith(f"{s['author']}：《") for t in listed) for s in authored)
    assert "郑州市委市直机关工委 赵惠玲：《以党建“第一责任”引领和保障发展》，郑州日报，2021年11月15日" in "\n".join(listed)


def test_gbt7714_style_numbers_the_references_and_points_each_quotation_to_one(liangzhangpi):
    md = to_markdown(liangzhangpi, "gbt7714")
    assert "## 参考文献" in md and "## 来源列表" not in md
    assert r"郑州市委市直机关工委 赵惠玲. 以党建“第一责任”引领和保障发展\[N\]. 郑州日报, 2021-11-15." in md
    document = docx.Document(io.BytesIO(to_docx(liangzhangpi, "gbt7714")))
    texts = [p.text for p in document.paragraphs]
    refs = texts[texts.index("参考文献") + 1:]
    assert [r[:4] for r in refs] == [f"[{n}] " for n in range(1, len(liangzhangpi.sources) + 1)]
    cites = [t for t in texts if t.startswith("——[")]
    assert len(cites) == len(liangzhangpi.excerpts) and all("段" in c for c in cites)
    with pytest.raises(QueryError, match="citation style"):
        to_markdown(liangzhangpi, "apa")


def test_study_tab_offers_markdown_and_docx(seed_engine):
    from ui.context import AppContext
    from ui.study_tab import handle_study
    html, files = handle_study(AppContext(seed_engine), "两张皮", [])
    assert "两张皮" in html and [f.rsplit(".", 1)[1] for f in files] == ["md", "docx"]
    assert docx.Document(files[1]).paragraphs[0].text == "学习材料：两张皮"
    html, files = handle_study(AppContext(seed_engine), "", [])
    assert files is None and "qa-notice-error" in html
    html, files = handle_study(AppContext(seed_engine), "两张皮", [], "gbt7714")
    assert "[N]. 郑州日报, 2021-11-15." in html and "参考文献" in Path(files[0]).read_text(encoding="utf-8")


def test_surrogates_in_a_topic_are_dropped(seed_engine, liangzhangpi):
    odd = study_pack(seed_engine, "两张\ud800皮")
    assert odd.topic == "两张皮" and odd.to_dict() == liangzhangpi.to_dict()


def test_old_export_folders_are_pruned(seed_engine, liangzhangpi):
    import os
    import time

    from ui import study_tab

    study_tab.EXPORTS.mkdir(parents=True, exist_ok=True)
    old = study_tab.EXPORTS / "study-old-test"
    old.mkdir(exist_ok=True)
    (old / "学习材料-x.md").write_text("x", encoding="utf-8")
    hour_ago = time.time() - study_tab.KEEP_SECONDS - 60
    os.utime(old, (hour_ago, hour_ago))
    files = study_tab.write_files(liangzhangpi)
    assert not old.exists() and all(Path(f).is_file() for f in files)
    assert Path(files[0]).parent.parent == study_tab.EXPORTS
