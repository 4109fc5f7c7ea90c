"""The Word files we hand out: A4, Chinese fonts via w:eastAsia, language zh-CN, our own core properties."""
from __future__ import annotations

import datetime
import io

import docx
from docx.oxml.ns import qn

from retrieval.tools.wordfile import APP, docx_bytes, new_document, xml_safe


def reopened(doc):
    return docx.Document(io.BytesIO(docx_bytes(doc)))


def east_asia(style) -> str | None:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def assert_chinese_word_file(document, title: str, subject: str) -> None:
    """What every .docx we hand out must be (used by the study pack's tests too)."""
    section = document.sections[0]
    assert abs(section.page_width.mm - 210) < 0.5 and abs(section.page_height.mm - 297) < 0.5
    assert east_asia(document.styles["Normal"]) == "宋体" and east_asia(document.styles["Quote"]) == "宋体"
    assert east_asia(document.styles["Title"]) == "黑体" and east_asia(document.styles["Heading 1"]) == "黑体"
    for name in ("Normal", "Title", "Heading 1"):
        assert document.styles[name].element.rPr.rFonts.get(qn("w:eastAsiaTheme")) is None
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "zh-CN"
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    props = document.core_properties
    assert (props.title, props.subject, props.language) == (title, subject, "zh-CN")
    assert props.author == APP and props.last_modified_by == APP and "python-docx" not in (props.comments or "")
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - props.created.replace(tzinfo=datetime.timezone.utc)).total_seconds()) < 300
    assert props.modified == props.created


def test_new_document_is_a_chinese_a4_document_with_our_properties():
    doc = new_document("学习材料：两张皮", "学习材料", "两张皮")
    doc.add_heading("标题", level=0)
    doc.add_paragraph("正文", style="Quote")
    document = reopened(doc)
    assert_chinese_word_file(document, "学习材料：两张皮", "学习材料")
    assert document.core_properties.keywords == "两张皮"
    assert [p.text for p in document.paragraphs] == ["标题", "正文"]


def test_properties_are_xml_safe():
    document = reopened(new_document("标题\x01\ufffe", "主题\x07"))
    assert (document.core_properties.title, document.core_properties.subject) == ("标题", "主题")
    assert xml_safe("a\x00b\ud800c") == "abc"
