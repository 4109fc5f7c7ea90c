"""Formulations glossary on the real seed corpus."""
from __future__ import annotations

import pytest

from types import SimpleNamespace

from retrieval.search.align import fold
from retrieval.ingest.corpus import load_corpus
from retrieval.search.glossary import build_glossary, kind_of, lookup, term_statement


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
    ("领导干部要履行“一岗双责”，做到明责、履责、尽责。", "一岗双责", "mentions"),
    ("“一岗双责”是指既抓业务工作又抓党风廉政建设。", "一岗双责", "defines"),
    ("“灯下黑”就是离领导最近的地方反而容易被忽视。", "灯下黑", "defines"),
    ("“主题党日”指的是党支部每月固定一天开展的活动。", "主题党日", "defines"),
    ("“三会一课”主要包括支部党员大会、支部委员会、党小组会和党课。", "三会一课", "enumerates"),
    ("“三会一课”包括支部党员大会、支部委员会、党小组会和党课。", "三会一课", "enumerates"),
    ("“两学一做”：学党章党规、学系列讲话，做合格党员。", "两学一做", "enumerates"),
    ("“牛鼻子”，即管党治党的责任制。", "牛鼻子", "defines"),
    ("“三不腐”是一体推进不敢腐、不能腐、不想腐的重要举措。", "三不腐", "defines"),
    ("要牢固树立抓机关党建是本职、不抓机关党建是失职的理念。", "机关党建", "mentions"),
    ("构建包括过程监督、日常考核、年底述职为一体的机关党建工作考核评价程序。", "机关党建", "mentions"),
    ("党建工作的重点即将调整。", "党建工作", "mentions"),
    # a list in front without `的`: as many items as the term counts (双 = 2), else a mention
    ("扎实开展争当高质量发展标兵、争创服务群众标兵“双争”活动。", "双争", "enumerates"),
    ("开展争当标兵、争创先进、争做模范“双争”活动。", "双争", "mentions"),
    ("深化政治建设、思想建设“四强”党支部创建。", "四强党支部", "mentions"),
    ("在破解党建和业务“两张皮”问题上有所突破。", "两张皮", "enumerates"),          # two short words joined by 和
    ("引导中央和国家机关各部门深刻领悟“两个确立”。", "两个确立", "mentions"),      # 中央和国家机关…: no pair
    ("评定命名第三批中央和国家机关“四强”党支部。", "四强党支部", "mentions"),
])
def test_kind_of(sentence, term, kind):
    assert kind_of(sentence, term) == kind


def test_term_statement_prefers_the_spelled_out_sentence(seed_engine, glossary):
    st = term_statement(seed_engine, "四强党支部", glossary)
    assert "政治功能强、支部班子强" in seed_engine.documents[st.doc_id].text[st.start:st.end]
    st = term_statement(seed_engine, "“兩個維護”")
    assert seed_engine.documents[st.doc_id].text[st.start:st.end].startswith("坚决做到“两个维护”，是")


def test_term_statement_none_without_a_definition(seed_engine, glossary):
    assert term_statement(seed_engine, "一岗双责", glossary) is None      # only mentioned
    assert term_statement(seed_engine, "量子计算", glossary) is None


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
    from retrieval.search import glossary as module
    from retrieval.search.engine import Engine
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
    other.reload()                                   # new documents: only that engine reads its glossary again
    assert module.cached_glossary(other) is not first[1] and len(built) == before == 0   # stored with the index
    assert module.cached_glossary(seed_engine) is first[0]


# --- definitions found by term_statement: the seed corpus -----------------------------
def statement_text(engine, st) -> str:
    return engine.documents[st.doc_id].text[st.start:st.end]


@pytest.mark.parametrize("term", ["四强", "“四强”党支部", "四强党支部", "「四強」黨支部", "四强党支部问题"])
def test_term_statement_modifier_list_for_each_spelling(seed_engine, glossary, term):
    st = term_statement(seed_engine, term, glossary)
    assert st.kind == "enumerates"
    assert "着力建设政治功能强、支部班子强、党员队伍强、作用发挥强的“四强”党支部。" in statement_text(seed_engine, st)


def test_term_statement_none_for_mentions_and_unknown_terms(seed_engine, glossary):
    for term in ("一岗双责", "“一岗双责”", "灯下黑", "量子计算", "", "“”"):
        assert term_statement(seed_engine, term, glossary) is None, term
    assert lookup(seed_engine, "“一崗雙責”", glossary).term == "一岗双责"
    assert lookup(seed_engine, "量子计算", glossary) is None


def test_suffix_variant_finds_the_bare_formulation(seed_engine, glossary):
    assert lookup(seed_engine, "四好党员", glossary).term == "四好党员"     # only mentioned as such
    st = term_statement(seed_engine, "四好党员", glossary)
    assert "政治素质好、岗位履责好、作风品行好、群众评价好的“四好”优秀党员" in statement_text(seed_engine, st)
    assert lookup(seed_engine, "灯下黑问题", glossary).term == "灯下黑"


def test_numbered_term_spelled_out_by_parallel_sentences(seed_engine, glossary):
    st = term_statement(seed_engine, "四个带头", glossary)
    text = statement_text(seed_engine, st)
    assert st.kind == "enumerates" and "\n" not in text
    assert text.startswith("《意见》明确了部门党组（党委）6个方面履责重点，要聚焦做到“四个带头”")
    assert [s[:6] for s in text.split("。")[1:5]] == ["带头做到“两", "带头深化理论", "带头夯实基层", "带头正风肃纪"]
    assert text.endswith("一体推进不敢腐、不能腐、不想腐。")


def test_a_verb_object_before_shi_is_no_definition(glossary):
    assert all(st.kind == "mentions" for st in glossary["机关党建"].statements)   # 抓机关党建是本职


def test_every_statement_is_an_exact_slice_of_one_paragraph(seed_engine, glossary):
    for term in glossary.values():
        kinds = [st.kind for st in term.statements]
        assert kinds == sorted(kinds, key=lambda k: k == "mentions"), term.term
        for st in term.statements:
            doc = seed_engine.documents[st.doc_id]
            text = doc.text[st.start:st.end]
            assert text and text == text.strip() and doc.paragraph_at(st.start) == doc.paragraph_at(st.end - 1)
            assert fold(term.term).text in fold(text).text, (term.term, text)


# --- definitions found by term_statement: documents written for the test --------------
DOCS = {
    "forms.txt": """关于几个提法的说明
“三会一课”，即支部党员大会、支部委员会、党小组会和党课。
“一岗双责”是指领导干部既要抓业务工作，又要抓党风廉政建设。
“三严三实”就是严以修身、严以用权、严以律己，谋事要实、创业要实、做人要实。
“两学一做”指的是学党章党规、学系列讲话、做合格党员。
“五个一”主要包括读一本书、写一篇心得、讲一次党课、办一件实事、提一条建议。
“三重一大”：重大事项决策、重要干部任免、重大项目安排、大额资金使用。
“三个表率”主要体现在以下三个方面：一是做深入学习的表率；二是做贯彻落实的表率；三是做从严治党的表率。本段其他内容。
要防止“灯下黑”。所谓灯下黑，就是离领导机关最近的地方反而容易被忽视。
要破解党建和业务“两张皮”问题。这是指党建工作和业务工作相互脱节、各搞一套。
要牵住“牛鼻子”。也就是说，要抓住责任制这个关键。
要落实“四个到位”。一是思想到位。二是责任到位。三是措施到位。四是督查到位。
牢固树立党的一切工作到支部的鲜明导向，充分发挥党支部的战斗堡垒作用。一是做好治理。二是强化教育。三是创新载体。
""",
    "ranking.txt": """关于排序的说明
“双融双促”是机关党建的重要载体。
“双融双促”是指党建与业务相互融合并相互促进，以党建促进业务发展。
“双融双促”，就是融合。
“四下基层”要坚持。
""",
    "zz-most-uses.txt": """用得最多的文献
坚持“四下基层”。推动“四下基层”常态化。
""",
    "mentions.txt": """只提及的文献
领导干部要履行“一岗双责”，坚持“双融双促”，落实“四下基层”。
""",
}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("glossary-corpus")
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    engine = SimpleNamespace(documents={d.doc_id: d for d in load_corpus(folder).documents})
    return engine, build_glossary(engine)


@pytest.mark.parametrize("term, kind, expected", [
    ("三会一课", "enumerates", "“三会一课”，即支部党员大会、支部委员会、党小组会和党课。"),
    ("一岗双责", "defines", "“一岗双责”是指领导干部既要抓业务工作，又要抓党风廉政建设。"),
    ("三严三实", "enumerates", "“三严三实”就是严以修身、严以用权、严以律己，谋事要实、创业要实、做人要实。"),
    ("两学一做", "enumerates", "“两学一做”指的是学党章党规、学系列讲话、做合格党员。"),
    ("五个一", "enumerates", "“五个一”主要包括读一本书、写一篇心得、讲一次党课、办一件实事、提一条建议。"),
    ("三重一大", "enumerates", "“三重一大”：重大事项决策、重要干部任免、重大项目安排、大额资金使用。"),
    ("三个表率", "enumerates", "“三个表率”主要体现在以下三个方面：一是做深入学习的表率；二是做贯彻落实的表率；"
                              "三是做从严治党的表率。"),
    ("灯下黑", "defines", "要防止“灯下黑”。所谓灯下黑，就是离领导机关最近的地方反而容易被忽视。"),
    ("两张皮", "defines", "要破解党建和业务“两张皮”问题。这是指党建工作和业务工作相互脱节、各搞一套。"),
    ("“两张皮”问题", "defines", "要破解党建和业务“两张皮”问题。这是指党建工作和业务工作相互脱节、各搞一套。"),
    ("牛鼻子", "defines", "要牵住“牛鼻子”。也就是说，要抓住责任制这个关键。"),
    ("四个到位", "enumerates", "要落实“四个到位”。一是思想到位。二是责任到位。三是措施到位。四是督查到位。"),
    ("双融双促", "defines", "“双融双促”是指党建与业务相互融合并相互促进，以党建促进业务发展。"),
])
def test_term_statement_forms(written, term, kind, expected):
    engine, glossary = written
    st = term_statement(engine, term, glossary)
    assert (st.kind, statement_text(engine, st)) == (kind, expected)


def test_items_that_do_not_spell_out_the_term_are_no_enumeration(written):
    engine, glossary = written
    assert term_statement(engine, "党支部", glossary) is None
    assert term_statement(engine, "四下基层", glossary) is None


def test_ranking_explicit_and_fuller_first_then_mentions(written):
    engine, glossary = written
    texts = [(st.kind, statement_text(engine, st)) for st in glossary["双融双促"].statements]
    assert [t[:8] for _, t in texts] == ["“双融双促”是指", "“双融双促”，就", "“双融双促”是机", "领导干部要履行“"]
    assert [k for k, _ in texts] == ["defines", "defines", "defines", "mentions"]
    first = glossary["四下基层"].statements[0]                 # among mentions: the document using it most
    assert first.doc_id == "zz-most-uses" and list(engine.documents).index("zz-most-uses") == 3


def test_the_next_sentence_explains_a_quoted_term(written):
    engine, glossary = written
    st = term_statement(engine, "灯下黑", glossary)
    assert engine.documents[st.doc_id].text[st.start:st.end].startswith("要防止“灯下黑”。所谓灯下黑")
    assert term_statement(engine, "四下基层", glossary) is None


def test_fold_text_is_fold_without_its_offsets(seed_engine):
    """The glossary's fast fold gives the text `fold` gives, on every document and sentence of the seed
    corpus and on random strings of characters whose NFKC, case or script changes (full width,
    ligatures, combining marks, circled and Roman numerals, traditional characters, other planes)."""
    import random

    from retrieval.ingest.sentences import sentence_spans
    from retrieval.search.align import fold_text

    texts = [d.text for d in seed_engine.documents.values()] + [d.title for d in seed_engine.documents.values()]
    texts += [d.text[s:e] for d in seed_engine.documents.values() for s, e in sentence_spans(d.text)]
    pool = list("「机关黨建」（一）：１２ＡＢｃ，。！？ﬁΩΩé\u0301\u200b\u3000①Ⅻ㈱㍿𠀀😀\t\n_-·“”‘’兩個維護髮發後后乾干") + ["e\u0301"]
    rng = random.Random(7)
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 30))) for _ in range(2000)]
    for text in texts:
        assert fold_text(text) == fold(text).text, text


def test_quote_counts_are_the_counts_of_each_quoted_term(seed_engine):
    from retrieval.search.glossary import quote_counts
    from retrieval.tokenize import quoted_terms

    texts = [d.text for d in seed_engine.documents.values()]
    joined = "".join(texts) + "“两个维护”“甲“两个维护”乙”“”“四强”党支部”"
    counted = quote_counts(joined)
    for term in quoted_terms(texts + [joined]) + ["", "甲", "乙"]:     # terms hold no curly quotes (QUOTED)
        assert counted[term] == joined.count(f"“{term}”"), term


def test_the_glossary_is_the_term_by_term_reading(seed_engine):
    """`glossary_of` (counts in one pass, sentences found once a document) gives what reading the
    corpus term by term gives: the same terms, counts, statements and order."""
    import re

    from retrieval.search import glossary as g
    from retrieval.search.definitions import rank
    from retrieval.tokenize import load_terms, quoted_terms

    documents = seed_engine.documents
    texts, joined = [d.text for d in documents.values()], "".join(d.text for d in documents.values())
    quoted = [t for t in quoted_terms(texts) if re.search(r"[\u4e00-\u9fff]", t)]
    candidates = sorted({t for t in quoted if g.NUMERAL.search(t) or joined.count(f"“{t}”") >= 2} | set(load_terms()))
    folded = {d.doc_id: fold(d.text).text for d in documents.values()}
    order = {d: i for i, d in enumerate(documents)}
    expected = {}
    for term in candidates:
        needle = fold(term).text
        counts = {d: f.count(needle) for d, f in folded.items()}
        if sum(counts.values()):
            found = [x for doc_id, doc in documents.items() if counts[doc_id]
                     for x in g.doc_statements(doc, term, needle)]
            found.sort(key=lambda x: (*rank(x[1]), -counts[x[0].doc_id], order[x[0].doc_id], x[0].start))
            expected[term] = g.Term(term, sum(counts.values()), sum(1 for n in counts.values() if n),
                                    tuple(st for st, _ in found))
    expected = dict(sorted(expected.items(), key=lambda kv: (-kv[1].count, kv[0])))
    got = g.glossary_of(documents)
    assert list(got) == list(expected) and got == expected
