"""Study pack export: Markdown and Word (.docx) with title, topic, cited quotations, source list.

The quotations are the verbatim clean text; Markdown escapes its own markup
characters (`*`, `_`, `#`, ...) with a backslash so that they render as written.
The .docx is an A4 Chinese document (`retrieval.tools.wordfile`: 宋体/黑体 via `w:eastAsia`,
language zh-CN, our own core properties); every string written into it is made
XML-safe first (`wordfile.xml_safe`), so a topic typed with a control character
still gives a file. Citations are in `style`: `default` (作者单位：《标题》，来源，日期，
位置) or `gbt7714` (GB/T 7714-2015, the source list then being a numbered 参考文献 list
that each quotation points to).
"""
from __future__ import annotations

import re
from itertools import groupby

from docx.shared import Pt, RGBColor

from retrieval.search.cite import book_title, cn_date, format_citation, location
from retrieval.tools.study import Excerpt, Pack
from retrieval.tools.wordfile import BODY_FONT, docx_bytes, new_document, set_fonts, xml_safe

TITLE = "学习材料"
NOTE = "以下段落均为语料原文逐字摘录，按文献和原文顺序排列，每段注明出处。"
LIST_TITLE = {"default": "来源列表", "gbt7714": "参考文献"}
MARKUP = re.compile(r"([\\`*_\[\]{}<>#|~])")

__all__ = ["to_markdown", "to_docx", "md_escape", "xml_safe", "source_line", "excerpt_citation"]


def md_escape(text: str) -> str:
    return MARKUP.sub(r"\\\1", text)


def source_line(src: dict) -> str:
    """`作者单位：《标题》，来源，日期（路径，N 段）` (empty fields left out)."""
    fields = [book_title(src["title"]), src.get("source") or "", cn_date(src.get("date") or "")]
    author = src.get("author") or ""
    return ((f"{author}：" if author else "") + "，".join(f for f in fields if f)
            + f"（{src['path']}，{src['count']} 段）")


def check_style(style: str) -> None:
    if style not in LIST_TITLE:
        format_citation({}, style)                       # raises the QueryError naming the styles


def reference_numbers(pack: Pack) -> dict[str, int]:
    return {s["doc_id"]: n for n, s in enumerate(pack.sources, start=1)}


def excerpt_citation(pack: Pack, e: Excerpt, style: str = "default") -> str:
    """The line under a quotation: its citation, or in GB/T style the reference number and place."""
    if style == "default":
        return e.citation
    format_citation(e.source, style)                     # an unknown style is a QueryError here
    return f"[{reference_numbers(pack)[e.doc_id]}] {location(e.source)}".strip()


def list_lines(pack: Pack, style: str = "default") -> list[str]:
    if style == "default":
        return [source_line(s) for s in pack.sources]
    return [format_citation(s, style, n) for n, s in enumerate(pack.sources, start=1)]


def by_document(pack: Pack):
    return [(doc_id, list(group)) for doc_id, group in groupby(pack.excerpts, key=lambda e: e.doc_id)]


def to_markdown(pack: Pack, style: str = "default") -> str:
    check_style(style)
    lines = [f"# {TITLE}：{md_escape(pack.topic)}", "", f"- 主题：{md_escape(pack.topic)}",
             f"- 出处：{len(pack.sources)} 篇文献，{len(pack.excerpts)} 段原文", "", NOTE, ""]
    if not pack.excerpts:
        lines += ["语料中没有与这个主题相关的段落。", ""]
    for n, (doc_id, excerpts) in enumerate(by_document(pack), start=1):
        lines += [f"## {n}. {md_escape(book_title(excerpts[0].source['title']))}", ""]
        for e in excerpts:
            lines += [f"> {line}" if line else ">" for line in md_escape(e.text).split("\n")]
            lines += [">", f"> ——{md_escape(excerpt_citation(pack, e, style))}", ""]
    lines += [f"## {LIST_TITLE[style]}", ""]
    if style == "default":
        lines += [f"{n}. {md_escape(line)}" for n, line in enumerate(list_lines(pack), start=1)]
    else:
        lines += [md_escape(line) + "  " for line in list_lines(pack, style)]
    return "\n".join(lines) + "\n"


def to_docx(pack: Pack, style: str = "default") -> bytes:
    """The pack as a .docx file's bytes (title, topic, quotations with citations, sources)."""
    check_style(style)
    doc = new_document(f"{TITLE}：{pack.topic}", TITLE, pack.topic)

    def para(text: str, style_name: str | None = None):
        return doc.add_paragraph(xml_safe(text), style=style_name)

    doc.add_heading(xml_safe(f"{TITLE}：{pack.topic}"), level=0)
    para(f"主题：{pack.topic}")
    para(f"出处：{len(pack.sources)} 篇文献，{len(pack.excerpts)} 段原文")
    para(NOTE)
    if not pack.excerpts:
        para("语料中没有与这个主题相关的段落。")
    for n, (doc_id, excerpts) in enumerate(by_document(pack), start=1):
        doc.add_heading(xml_safe(f"{n}. {book_title(excerpts[0].source['title'])}"), level=1)
        for e in excerpts:
            para(e.text, style_name="Quote")
            cite = doc.add_paragraph().add_run(xml_safe(f"——{excerpt_citation(pack, e, style)}"))
            cite.font.size, cite.font.color.rgb = Pt(9), RGBColor(0x55, 0x5F, 0x6B)
            set_fonts(cite, BODY_FONT)
    doc.add_heading(LIST_TITLE[style], level=1)
    for line in list_lines(pack, style):
        para(line, style_name="List Number" if style == "default" else None)
    return docx_bytes(doc)
