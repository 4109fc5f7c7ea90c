"""Study pack export: Markdown and Word (.docx) with title, topic, cited quotations, source list.

The quotations are the verbatim clean text; Markdown escapes its own markup
characters (`*`, `_`, `#`, ...) with a backslash so that they render as written.
Every string written into a .docx is made XML-safe first: characters XML 1.0 cannot
hold (control characters, U+FFFE, U+FFFF, lone surrogates) are dropped, as cleaning
drops them from the corpus text, so a topic typed with one still gives a file.
"""
from __future__ import annotations

import io
import re
from itertools import groupby

from docx import Document as Docx
from docx.shared import Pt, RGBColor

from retrieval.cite import book_title, cn_date
from retrieval.study import Pack

TITLE = "学习材料"
NOTE = "以下段落均为语料原文逐字摘录，按文献和原文顺序排列，每段注明出处。"
MARKUP = re.compile(r"([\\`*_\[\]{}<>#|~])")
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def md_escape(text: str) -> str:
    return MARKUP.sub(r"\\\1", text)


def xml_safe(text: str) -> str:
    """`text` without the characters an XML 1.0 document cannot hold."""
    return NOT_XML.sub("", text)


def source_line(src: dict) -> str:
    fields = [book_title(src["title"]), src["source"], cn_date(src["date"])]
    return "，".join(f for f in fields if f) + f"（{src['path']}，{src['count']} 段）"


def by_document(pack: Pack):
    return [(doc_id, list(group)) for doc_id, group in groupby(pack.excerpts, key=lambda e: e.doc_id)]


def to_markdown(pack: Pack) -> str:
    lines = [f"# {TITLE}：{md_escape(pack.topic)}", "", f"- 主题：{md_escape(pack.topic)}",
             f"- 出处：{len(pack.sources)} 篇文献，{len(pack.excerpts)} 段原文", "", NOTE, ""]
    if not pack.excerpts:
        lines += ["语料中没有与这个主题相关的段落。", ""]
    for n, (doc_id, excerpts) in enumerate(by_document(pack), start=1):
        lines += [f"## {n}. {md_escape(book_title(excerpts[0].source['title']))}", ""]
        for e in excerpts:
            lines += [f"> {line}" if line else ">" for line in md_escape(e.text).split("\n")]
            lines += [">", f"> ——{md_escape(e.citation)}", ""]
    lines += ["## 来源列表", ""]
    lines += [f"{n}. {md_escape(source_line(s))}" for n, s in enumerate(pack.sources, start=1)]
    return "\n".join(lines) + "\n"


def to_docx(pack: Pack) -> bytes:
    """The pack as a .docx file's bytes (title, topic, quotations with citations, sources)."""
    doc = Docx()

    def para(text: str, style: str | None = None):
        return doc.add_paragraph(xml_safe(text), style=style)

    doc.add_heading(xml_safe(f"{TITLE}：{pack.topic}"), level=0)
    para(f"主题：{pack.topic}")
    para(f"出处：{len(pack.sources)} 篇文献，{len(pack.excerpts)} 段原文")
    para(NOTE)
    if not pack.excerpts:
        para("语料中没有与这个主题相关的段落。")
    for n, (doc_id, excerpts) in enumerate(by_document(pack), start=1):
        doc.add_heading(xml_safe(f"{n}. {book_title(excerpts[0].source['title'])}"), level=1)
        for e in excerpts:
            para(e.text, style="Quote")
            cite = doc.add_paragraph().add_run(xml_safe(f"——{e.citation}"))
            cite.font.size, cite.font.color.rgb = Pt(9), RGBColor(0x55, 0x5F, 0x6B)
    doc.add_heading("来源列表", level=1)
    for s in pack.sources:
        para(source_line(s), style="List Number")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
