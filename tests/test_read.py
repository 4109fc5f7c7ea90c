"""Readers: one per format, on the fixture files in tests/fixtures/corpus."""
from pathlib import Path

import pytest

from retrieval.errors import DocumentError
from retrieval.ingest.read import SUPPORTED, read_file
from retrieval.ingest.read.text import decode

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "corpus"


def texts(raw):
    return [b.text for b in raw.blocks]


def test_supported_extensions():
    assert SUPPORTED == (".docx", ".htm", ".html", ".md", ".pdf", ".txt")


def test_txt_utf8_bom_is_dropped_and_lines_are_blocks():
    raw = read_file(FIXTURES / "plain.txt")
    assert raw.format == "txt"
    assert texts(raw)[0] == "关于加强机关党建工作的实施意见"
    assert "\ufeff" not in "".join(texts(raw))
    assert texts(raw)[-1] == "【责任编辑：张三】"


def test_txt_gb18030_fallback():
    raw = read_file(FIXTURES / "gbk.txt")
    assert texts(raw) == ["党建工作要点", "一、总体要求", "坚持以习近平新时代中国特色社会主义思想为指导。",
                          "二、重点任务", "全面提高机关党建质量，推进**市机关党建工作。"]


def test_decode_prefers_utf8_then_gb18030():
    assert decode("机关党建".encode("utf-8"), "x") == "机关党建"
    assert decode("机关党建".encode("gbk"), "x") == "机关党建"
    assert decode("机关".encode("utf-16"), "x") == "机关"


def test_md_front_matter_headings_and_soft_wraps():
    raw = read_file(FIXTURES / "front-matter.md")
    assert raw.meta == {"title": "前置元数据标题", "source": "测试杂志", "date": "2024-03-01"}
    assert [b.text for b in raw.blocks if b.heading] == ["文档里的标题", "一、总体要求", "二、主要任务"]
    assert "坚持党的领导，加强机关党建。" in texts(raw)       # wrapped lines joined, no space
    assert "列表项：推进**市党建工作。" in texts(raw)        # list marker gone, masked name kept


def test_md_bad_front_matter_is_a_document_error(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [unclosed\n---\n正文。\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="front matter"):
        read_file(bad)


def test_html_main_text_only_and_no_markup():
    raw = read_file(FIXTURES / "hostile.html")
    body = "\n".join(texts(raw))
    assert texts(raw)[0] == "网页正文标题" and raw.blocks[0].heading
    assert "第一段正文，说明机关党建的重要意义。" in body
    assert "第二段正文继续说明。" in body
    assert "最后一段正文，谢谢。" in body
    for leaked in ("<", ">", "alert", "onerror", "xss", "evil-inline", "document.write", "color:red",
                   "新闻导航", "当前位置", "分享到", "版权所有", "ICP", "evil.example"):
        assert leaked not in body, leaked


def test_docx_headings_paragraphs_and_tables():
    raw = read_file(FIXTURES / "outline.docx")
    assert raw.format == "docx"
    assert [b.text for b in raw.blocks if b.heading] == ["Word文档标题", "总体要求", "一、主要任务"]
    assert "（一）深化理论武装。认真学习党的创新理论。" in texts(raw)
    assert "理论学习 **市机关工委" in texts(raw)      # a table row, cells in order


def test_pdf_keeps_page_numbers_and_chinese_text():
    raw = read_file(FIXTURES / "two-pages.pdf")
    pages = {b.text: b.page for b in raw.blocks}
    assert pages["PDF测试标题"] == 1
    assert pages["第一页的第一段正文，说明机关党建的重要意义。"] == 1
    assert pages["二、第二页的标题"] == 2
    assert pages["第二页的正文，落实机关党建主体责任。"] == 2


@pytest.mark.parametrize("name, reason", [("broken/corrupt.docx", "not a readable .docx"),
                                          ("broken/truncated.pdf", "not a readable PDF")])
def test_broken_files_raise_document_error(name, reason):
    with pytest.raises(DocumentError, match=reason):
        read_file(FIXTURES / name)


def test_unsupported_missing_and_empty_files(tmp_path):
    (tmp_path / "a.rtf").write_text("x")
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    with pytest.raises(DocumentError, match="unsupported"):
        read_file(tmp_path / "a.rtf")
    with pytest.raises(DocumentError, match="cannot read"):
        read_file(tmp_path / "missing.txt")
    with pytest.raises(DocumentError, match="empty"):
        read_file(tmp_path / "empty.txt")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_with_only_an_owner_password_is_read(tmp_path, algorithm):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(FIXTURES / "two-pages.pdf"))
    writer.encrypt(user_password="", owner_password="owner", algorithm=algorithm)   # copy/print restricted
    writer.write(tmp_path / "restricted.pdf")
    assert texts(read_file(tmp_path / "restricted.pdf")) == texts(read_file(FIXTURES / "two-pages.pdf"))


def test_pdf_that_needs_a_password_is_a_document_error(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(FIXTURES / "two-pages.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    writer.write(tmp_path / "locked.pdf")
    with pytest.raises(DocumentError, match="needs a password"):
        read_file(tmp_path / "locked.pdf")


def tracked_docx(path):
    """A .docx with a tracked insertion, a tracked deletion and a hidden run, as Word writes them."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def change(tag: str, text_tag: str, text: str):
        mark = OxmlElement(tag)
        for key, value in (("w:id", "1"), ("w:author", "a"), ("w:date", "2024-01-01T00:00:00Z")):
            mark.set(qn(key), value)
        run, t = OxmlElement("w:r"), OxmlElement(text_tag)
        t.text = text
        run.append(t)
        mark.append(run)
        return mark

    document = docx.Document()
    p = document.add_paragraph("机关党建工作要坚持")
    p._p.append(change("w:ins", "w:t", "问题导向"))
    p._p.append(change("w:del", "w:delText", "已删除的文字"))
    p.add_run("，推动整改落实。")
    p = document.add_paragraph("党支部要发挥战斗堡垒作用")
    p.add_run("隐藏的文字").font.hidden = True
    p.add_run("，推动融合。")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).paragraphs[0]._p.append(change("w:ins", "w:t", "表格里新增的文字"))
    document.save(path)


def test_docx_text_is_what_word_shows(tmp_path):
    tracked_docx(tmp_path / "tracked.docx")
    assert texts(read_file(tmp_path / "tracked.docx")) == [
        "机关党建工作要坚持问题导向，推动整改落实。", "党支部要发挥战斗堡垒作用，推动融合。", "表格里新增的文字"]
