"""Structure: paragraphs, offsets, outline sections and heading flags."""
from pathlib import Path

import pytest

from retrieval.ingest.corpus import load_corpus, load_document
from retrieval.ingest.read import Block
from retrieval.ingest.structure import build_structure, outline_token, section_headings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures" / "corpus"


@pytest.fixture(scope="module")
def docs():
    return {d.doc_id: d for d in load_corpus(CORPUS).documents}


def rows(doc):
    return [(p.section, p.number, p.heading, doc.text[p.start:p.end]) for p in doc.paragraphs]


@pytest.mark.parametrize("line, token", [
    ("第三章 附则", (0, "第三章")), ("第二节 要求", (1, "第二节")), ("二、提高认识", (2, "二、")),
    ("第十二条 本办法", (3, "第十二条")), ("（三）实施", (4, "（三）")), ("1．明确", (5, "1．")),
    ("2.完善", (5, "2.")), ("（1）细化", (6, "（1）")), ("2024年是", None), ("1.5亿元", None), ("同志们：", None),
])
def test_outline_tokens(line, token):
    assert outline_token(line) == token


def test_build_structure_offsets_sections_and_numbers():
    blocks = [Block("前言。"), Block("一、总体要求"), Block("正文一。"), Block("（一）第一项。正文。"),
              Block("续一。"), Block("二、任务"), Block("（一）再来。")]
    text, paragraphs = build_structure(blocks)
    assert text == "\n".join(b.text for b in blocks)
    got = [(p.section, p.number, p.heading) for p in paragraphs]
    assert got == [("", 1, False), ("一、", 0, True), ("一、", 1, False), ("一、（一）", 1, False),
                   ("一、（一）", 2, False), ("二、", 0, True), ("二、（一）", 1, False)]
    assert [text[p.start:p.end] for p in paragraphs] == [b.text for b in blocks]


def test_unnumbered_headings_only_inferred_when_asked():
    blocks = [Block("工作回顾"), Block("一年来，成绩显著。")]
    assert build_structure(blocks)[1][0].heading
    assert not build_structure(blocks, infer_headings=False)[1][0].heading
    assert build_structure(blocks)[1][1].section == "工作回顾"


def test_the_last_line_heads_nothing_so_it_is_body():
    _, paragraphs = build_structure([Block("工作回顾"), Block("一年来，成绩显著。"), Block("市直机关工委")])
    assert [(p.section, p.number, p.heading) for p in paragraphs] == [
        ("工作回顾", 0, True), ("工作回顾", 1, False), ("工作回顾", 2, False)]
    assert [(p.number, p.heading) for p in build_structure([Block("建设标准")])[1]] == [(1, False)]
    assert build_structure([Block("一、总体要求")])[1][0].heading         # a numbered line stays a heading


def test_section_headings_are_the_heading_lines_above_each_paragraph():
    blocks = [Block("前言。"), Block("一、总体要求"), Block("正文一。"), Block("（一）第一项。正文。"),
              Block("续一。"), Block("（二）分项标题"), Block("续二。"), Block("二、任务"), Block("工作回顾"),
              Block("正文二。")]
    text, paragraphs = build_structure(blocks)
    assert section_headings(text, paragraphs) == [
        (), (), ("一、总体要求",), ("一、总体要求",), ("一、总体要求",), ("一、总体要求",),
        ("一、总体要求", "（二）分项标题"), (), (), ("工作回顾",)]   # 工作回顾 sits at 二、's level
    assert [p.section for p in paragraphs][-2:] == ["工作回顾", "工作回顾"]


def test_paragraphs_tile_every_seed(docs):
    for doc in docs.values():
        lines = doc.text.split("\n")
        assert [doc.text[p.start:p.end] for p in doc.paragraphs] == lines
        assert all(p.page is None for p in doc.paragraphs)
        for i, p in enumerate(doc.paragraphs):
            assert doc.paragraph_at(p.start) == i and doc.paragraph_at(p.end - 1) == i


def test_speech_outline(docs):
    table = rows(docs["2024-jiguan-dangjian-nianzhong-tuijinhui-jianghua"])
    assert table[0] == ("", 1, False, "同志们：")
    assert ("一、", 0, True, "一、统一思想，充分认清全面提高新时代机关党建质量的意义重大") in table
    third = [r for r in table if r[0] == "二、（三）"]
    assert len(third) == 1 and third[0][1:3] == (1, False)
    assert third[0][3].startswith("（三）实施强基提质行动，着力提高机关基层党组织建设质量。")
    assert ("二、", 1, False) == table[8][:3]             # the lead paragraph under 二、
    assert sum(r[2] for r in table) == 3                   # 一、 二、 三、 headings only


def test_zhengzhou_outline(docs):
    table = rows(docs["zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren"])
    assert [r[3][:2] for r in table if r[2]] == ["一、", "二、", "三、"]
    assert [r[0] for r in table if not r[2]] == ["", "一、", "二、", "三、"]


def test_unnumbered_heading_sections(docs):
    table = rows(docs["qizhi-weipingtai-2025-02-05-jiguan-dangjian-gongzuo-huiyi"])
    headings = [r[3] for r in table if r[2]]
    assert headings[0] == "聚焦“两个维护”深化政治机关建设，当好学习宣传贯彻党的二十届三中全会精神排头兵"
    assert len(headings) == 6
    caption = [r for r in table if r[3].startswith("2024年7月31日")][0]
    assert caption[0] == headings[0] and not caption[2] and caption[1] == 4
    table = rows(docs["qianzhu-niubizi-jiguan-dangjian-zerenzhi-yanjiu"])
    assert [r[3] for r in table if r[2]] == [
        "提高政治站位，深刻认识落实机关党建工作责任制的重要意义", "把握工作重点，不断提高机关党建工作责任制的落实质效",
        "坚持以考促建，建立健全机关党建工作责任考核评价体系", "加强队伍建设，着力提高专兼职党务干部履职尽责能力水平"]
    assert table[0][:3] == ("", 1, False)


def test_regulation_style_outline_and_pdf_pages():
    plain = rows(load_document(FIXTURES / "plain.txt", FIXTURES))
    assert ("第一章", 0, True, "第一章 总则") in plain
    assert ("第一章第二条（一）", 1, False) == [r for r in plain if r[3].startswith("（一）")][0][:3]
    assert ("第二章第三条1．", 1, False) == [r for r in plain if r[3].startswith("1．")][0][:3]
    pdf = load_document(FIXTURES / "two-pages.pdf", FIXTURES)
    assert [p.page for p in pdf.paragraphs] == [1, 1, 2, 2]
    assert pdf.paragraphs[2].heading and pdf.paragraphs[2].section == "二、"


def test_paragraph_at_finds_the_paragraph_holding_an_offset_or_the_one_before_a_gap():
    from retrieval.types import Document, Paragraph
    doc = Document("d", "d.txt", "t", "x" * 40, paragraphs=(Paragraph(2, 10), Paragraph(12, 20), Paragraph(25, 40)))
    assert [doc.paragraph_at(o) for o in (0, 2, 9, 10, 11, 12, 24, 25, 39, 99)] == [0, 0, 0, 0, 0, 1, 1, 2, 2, 2]
    assert Document("e", "e.txt", "t", "x").paragraph_at(5) == 0
