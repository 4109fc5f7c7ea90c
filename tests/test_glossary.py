"""Formulations glossary on the real seed corpus."""
from __future__ import annotations

import pytest

from retrieval.glossary import build_glossary, definition_passage, kind_of, question_term


@pytest.fixture(scope="module")
def glossary(seed_engine):
    return build_glossary(seed_engine)


def test_known_formulations_with_counts(glossary):
    for term in ("两个维护", "四个意识", "一岗双责", "四强党支部", "两张皮", "双抓双促"):
        assert term in glossary, term
    assert glossary["两个维护"].count == 9 and glossary["两个维护"].documents == 4
    assert glossary["一岗双责"].count == 2
    assert "不在语料里的提法" not in glossary and "四个全面" not in glossary


def test_statements_are_exact_sentences_holding_the_term(seed_engine, glossary):
    for st in glossary["四强党支部"].statements:
        text = seed_engine.documents[st.doc_id].text[st.start:st.end]
        assert "“四强”党支部" in text


def test_enumeration_comes_first(seed_engine, glossary):
    best = glossary["四强党支部"].statements[0]
    assert best.kind == "enumerates"
    assert "政治功能强、支部班子强、党员队伍强、作用发挥强的“四强”党支部" in \
        seed_engine.documents[best.doc_id].text[best.start:best.end]


@pytest.mark.parametrize("sentence, term, kind", [
    ("坚决做到“两个维护”，是最重要的政治纪律和政治规矩。", "两个维护", "defines"),
    ("着力建设政治功能强、支部班子强、党员队伍强的“四强”党支部。", "四强党支部", "enumerates"),
    ("“三不”，即不敢腐、不能腐、不想腐。", "三不", "enumerates"),
    ("着重考核党支部是否按照要求抓好组织生活。", "党支部", "mentions"),
    ("领导班子其他成员“一岗双责”。", "一岗双责", "mentions"),
])
def test_kind_of(sentence, term, kind):
    assert kind_of(sentence, term) == kind


@pytest.mark.parametrize("question, term", [
    ("什么是“四强”党支部？", "四强党支部"), ("一岗双责是什么意思？", "一岗双责"),
    ("何谓两个维护", "两个维护"), ("四个意识的含义？", "四个意识"), ("党建怎么抓？", "")])
def test_question_term(question, term):
    assert question_term(question) == term


def test_definition_passage_prefers_the_spelled_out_sentence(seed_engine, glossary):
    doc_id, start, end = definition_passage(seed_engine, "什么是四强党支部？", glossary)
    assert "政治功能强、支部班子强" in seed_engine.documents[doc_id].text[start:end]
    doc_id, start, end = definition_passage(seed_engine, "什麼是“兩個維護”？")
    assert seed_engine.documents[doc_id].text[start:end].startswith("坚决做到“两个维护”，是")


def test_definition_passage_none_without_a_definition(seed_engine, glossary):
    assert definition_passage(seed_engine, "一岗双责是什么意思？", glossary) is None
    assert definition_passage(seed_engine, "党建怎么抓？", glossary) is None
    assert definition_passage(seed_engine, "什么是量子计算？", glossary) is None


def test_terms_tab_rows_and_detail(seed_engine):
    from ui.context import AppContext
    from ui.terms_tab import select_row, term_html, term_rows
    ctx = AppContext(seed_engine)
    rows = {r[0]: r for r in term_rows(ctx)}
    assert rows["两个维护"][1] == 9
    html = term_html(ctx, "四强党支部")
    assert "列举" in html and "政治功能强、支部班子强" in html
    assert "qa-notice-info" in select_row(ctx, [10**6, 0])


def test_each_engine_keeps_its_own_glossary(seed_engine, seed_index, monkeypatch):
    from retrieval import glossary as module
    from retrieval.engine import Engine
    from tests.conftest import CORPUS

    other = Engine.open(seed_index, CORPUS, build=False)
    built = []
    real = module.build_glossary
    monkeypatch.setattr(module, "build_glossary", lambda engine: built.append(engine) or real(engine))
    first = module.cached_glossary(seed_engine), module.cached_glossary(other)
    before = len(built)
    again = module.cached_glossary(seed_engine), module.cached_glossary(other)
    assert len(built) == before <= 2                 # alternating engines rebuilds nothing
    assert again[0] is first[0] and again[1] is first[1] and first[0] is not first[1]
    other.reload()                                   # new documents: only that engine rebuilds
    assert module.cached_glossary(other) is not first[1] and built[-1] is other
    assert module.cached_glossary(seed_engine) is first[0]
