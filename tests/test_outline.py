"""A numbered formulation spelled out by a document's outline (`retrieval.search.outline`): the unit on
made-up documents, then the engine on the seed corpus, where `六大行动` is the six sections （一）…（六）
of the mid-year speech and `十大行动` is named once and never listed."""
import pytest

from retrieval.ingest.read.base import Block
from retrieval.ingest.structure import build_structure
from retrieval.search.outline import head_of, parts_of
from retrieval.types import Document

ITEMS = ["实施学习提升行动，着力提高理论水平。正文。", "实施组织强基行动，着力夯实基础。正文。",
         "实施作风转变行动，着力改进作风。正文。"]


def document(lines: list[str]) -> Document:
    text, paragraphs = build_structure([Block(line) for line in lines])
    return Document("d", "d.txt", "标题", text, paragraphs=paragraphs)


def numbered(items: list[str], marks: str = "一二三四五六") -> list[str]:
    return [f"（{marks[i]}）{item}" for i, item in enumerate(items)]


def openings(doc: Document, term: str) -> list[str]:
    return [doc.text[s:e] for s, e, _ in parts_of(doc, term)]


@pytest.mark.parametrize("term, expected", [("三大行动", (3, "行动")), ("“六大行动”", (6, "行动")),
                                            ("5项任务", (5, "任务")), ("两个维护", (2, "维护")),
                                            ("十四五", None), ("一岗双责", None), ("灯下黑", None)])
def test_a_numbered_formulation_has_a_count_and_a_head_word(term, expected):
    assert head_of(term) == expected


def test_the_sections_that_name_the_head_word_spell_it_out():
    doc = document(["今年要实施“三大行动”，推动工作。", "一、总体要求", *numbered(ITEMS), "二、保障措施", "加强领导。"])
    assert openings(doc, "三大行动") == [f"（{n}）{item.split('。')[0]}。" for n, item in zip("一二三", ITEMS)]


def test_sections_before_the_mention_count_too():
    doc = document([*numbered(ITEMS), "以上“三大行动”要统筹推进。"])
    assert len(openings(doc, "三大行动")) == 3


@pytest.mark.parametrize("lines", [
    numbered(ITEMS[:2]) + ["实施“三大行动”。"],                                        # two sections, not three
    numbered(ITEMS + ["实施保障行动，着力落实。"]) + ["实施“三大行动”。"],            # four in a row: not these three
    numbered([ITEMS[0], "加强组织建设，夯实基础。", ITEMS[2]]) + ["实施“三大行动”。"],   # one does not name 行动
    ["（一）" + ITEMS[0], "（三）" + ITEMS[1], "（四）" + ITEMS[2], "实施“三大行动”。"],    # not numbered one to three
    numbered(ITEMS) + ["实施“十大行动”。"],                                            # named once, never listed
])
def test_no_run_of_exactly_n_items_naming_the_head_word_spells_nothing_out(lines):
    doc = document(lines)
    term = "十大行动" if "十大行动" in doc.text else "三大行动"
    assert parts_of(doc, term) == []


def test_a_document_that_does_not_hold_the_formulation_spells_nothing_out():
    assert parts_of(document(numbered(ITEMS) + ["结束。"]), "三大行动") == []


def test_items_of_a_deeper_level_restart_under_each_outer_item():
    lines = ["实施“两大行动”。", "一、第一部分", "（一）实施甲行动，着力甲。", "（二）实施乙行动，着力乙。",
             "二、第二部分", "（一）实施丙行动，着力丙。", "（二）实施丁行动，着力丁。", "（三）实施戊行动，着力戊。"]
    assert [t[:4] for t in openings(document(lines), "两大行动")] == ["（一）实", "（二）实"]


@pytest.mark.parametrize("question", ["六大行动分别是哪六个", "三年行动计划里的六大行动是哪六个？",
                                      "三年行动计划里的“六大行动”都有哪些？", "六大行动包括哪些内容"])
def test_which_the_six_actions_are_is_answered_with_their_six_sections_in_order(seed_engine, question):
    result = seed_engine.ask(question)
    assert result["found"]
    assert sections(seed_engine, result["passages"][:6])       # six parts, more than the five passages asked for


@pytest.mark.parametrize("question", ["什么是六大行动", "如何理解“六大行动”", "六大行动的含义"])
def test_what_the_six_actions_are_is_answered_with_the_passage_naming_them_then_the_six(seed_engine, question):
    result = seed_engine.ask(question)
    assert result["found"] and "“六大行动”" in result["passages"][0]["text"]     # the term in the top passage
    assert sections(seed_engine, result["passages"][1:7])


def sections(engine, passages: list[dict]) -> bool:
    texts = [p["text"] for p in passages]
    doc = engine.documents[passages[0]["doc_id"]]
    return [t[:3] for t in texts] == ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）"] and \
        all("行动" in t.split("，")[0] for t in texts) and all(t in doc.text for t in texts)   # exact slices


@pytest.mark.parametrize("question", ["清廉建设十大行动是哪十个", "清廉建设“十大行动”具体是哪十项？"])
def test_ten_actions_named_but_never_listed_stay_refused(seed_engine, question):
    assert not seed_engine.ask(question)["found"]
