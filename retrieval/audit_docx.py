"""The audit report as a Word file: the manuscript annotated, a summary table, the details.

The manuscript's own paragraphs (its text as read, one paragraph per line) come
first, each checked quotation highlighted in its verdict's colour and carrying a
Word comment with the finding (verdict, rule, original, full citation, differences).
The page is A4, East Asian text is set in 宋体 (headings 黑体) through `w:eastAsia`,
the language is zh-CN, and the core properties name the report (not python-docx).
"""
from __future__ import annotations

import datetime as dt
import io

from docx import Document as Docx
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from retrieval.audit_report import VERDICTS, finding_lines, summary_line, summary_rows
from retrieval.export import xml_safe

COLOURS = {"exact": WD_COLOR_INDEX.BRIGHT_GREEN, "variant": WD_COLOR_INDEX.YELLOW,
           "stitched": WD_COLOR_INDEX.TURQUOISE, "partial": WD_COLOR_INDEX.TURQUOISE,
           "not_found": WD_COLOR_INDEX.PINK}
BODY_FONT, HEADING_FONT = "宋体", "黑体"
AUTHOR = "引文审核"


def east_asian(style_or_run, font: str) -> None:
    """Set the East Asian font (and the Latin one) of a style or run, and the language zh-CN."""
    style_or_run.font.name = font
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):   # a theme font wins
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:val"), "zh-CN")


def chinese_document(title: str, subject: str) -> Docx:
    doc = Docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for name in ("Normal", "Table Grid"):
        east_asian(doc.styles[name], BODY_FONT)
    doc.styles["Normal"].font.size = Pt(11)
    for name in ("Title", "Heading 1", "Heading 2"):
        east_asian(doc.styles[name], HEADING_FONT)
    props = doc.core_properties
    props.title, props.subject, props.author = title, subject, AUTHOR
    props.last_modified_by, props.comments = AUTHOR, ""
    props.created = props.modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.language = "zh-CN"
    return doc


def cuts(line_start: int, line_end: int, quotations: list[dict]) -> list[tuple[int, int, dict | None]]:
    """The line `[line_start, line_end)` cut into plain pieces and quotation pieces."""
    pieces, at = [], line_start
    for q in quotations:
        s, e = max(q["start"], line_start), min(q["end"], line_end)
        if s >= e or s < at:
            continue
        if s > at:
            pieces.append((at, s, None))
        pieces.append((s, e, q))
        at = e
    if at < line_end:
        pieces.append((at, line_end, None))
    return pieces


def annotated_manuscript(doc: Docx, text: str, quotations: list[dict]) -> None:
    numbers = {id(q): n for n, q in enumerate(quotations, start=1)}
    commented = set()
    offset = 0
    for line in text.split("\n"):
        end = offset + len(line)
        if line.strip():
            para = doc.add_paragraph()
            for s, e, q in cuts(offset, end, quotations):
                run = para.add_run(xml_safe(text[s:e]))
                if q is not None:
                    run.font.highlight_color = COLOURS[q["verdict"]]
                    if id(q) not in commented:
                        commented.add(id(q))
                        tag = para.add_run(f"[{numbers[id(q)]}]")
                        tag.font.superscript = True
                        doc.add_comment([run, tag], xml_safe(comment_text(numbers[id(q)], q)), AUTHOR, "审")
        offset = end + 1


def comment_text(n: int, q: dict) -> str:
    return f"[{n}] " + "\n".join(finding_lines(q))


def summary_table(doc: Docx, result: dict) -> None:
    rows = summary_rows(result)
    table = doc.add_table(rows=len(rows) + 1, cols=2)
    table.style = doc.styles["Table Grid"]
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "数量"
    for i, (label, count) in enumerate(rows, start=1):
        table.cell(i, 0).text, table.cell(i, 1).text = label, str(count)


def details(doc: Docx, quotations: list[dict]) -> None:
    for n, q in enumerate(quotations, start=1):
        mark = "加引号" if q["marked"] else "未加引号"
        doc.add_heading(xml_safe(f"{n}. {VERDICTS[q['verdict']]}（{mark}）"), level=2)
        quote = doc.add_paragraph().add_run(xml_safe(q["text"]))
        quote.font.highlight_color = COLOURS[q["verdict"]]
        for line in finding_lines(q):
            doc.add_paragraph(xml_safe(line))


def legend(doc: Docx) -> None:
    para = doc.add_paragraph("颜色：")
    for verdict in ("exact", "variant", "stitched", "not_found"):
        run = para.add_run(VERDICTS[verdict] if verdict != "stitched" else "拼接或部分出自语料")
        run.font.highlight_color = COLOURS[verdict]
        para.add_run("  ")


def to_docx(result: dict, text: str) -> bytes:
    """The .docx report of `result` (the audit of manuscript `text`), as bytes."""
    doc = chinese_document(f"引文审核报告：{result['file']}", "引文审核")
    doc.add_heading(xml_safe(f"引文审核报告：{result['file']}"), level=0)
    doc.add_paragraph(xml_safe(summary_line(result)))
    summary_table(doc, result)
    doc.add_heading("文稿（引文按核对结论标色，批注为核对结果）", level=1)
    legend(doc)
    annotated_manuscript(doc, text, result["quotations"])
    doc.add_heading("核对明细", level=1)
    details(doc, result["quotations"])
    if not result["quotations"]:
        doc.add_paragraph("文稿中没有发现引文。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
