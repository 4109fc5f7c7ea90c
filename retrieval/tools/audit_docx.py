"""The audit report as a Word file: the manuscript annotated, a summary table, the details.

The manuscript's own paragraphs (its text as read, one paragraph per line) come
first, each checked quotation highlighted in its verdict's colour and carrying a
Word comment with the finding (verdict, rule, original, full citation, differences).
The document is `retrieval.tools.wordfile.new_document`'s: A4, 宋体 body and 黑体 headings set for
East Asian text (`w:eastAsia`), language zh-CN, our own core properties.
"""
from __future__ import annotations

from docx.document import Document as Docx
from docx.enum.text import WD_COLOR_INDEX

from retrieval.tools.audit_report import VERDICTS, finding_lines, summary_line, summary_rows
from retrieval.tools.wordfile import docx_bytes, new_document, xml_safe

COLOURS = {"exact": WD_COLOR_INDEX.BRIGHT_GREEN, "variant": WD_COLOR_INDEX.YELLOW,
           "stitched": WD_COLOR_INDEX.TURQUOISE, "partial": WD_COLOR_INDEX.TURQUOISE,
           "not_found": WD_COLOR_INDEX.PINK}
AUTHOR = "引文审核"


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


def annotated_manuscript(doc: Docx, text: str, quotations: list[dict], style: str) -> None:
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
                        doc.add_comment([run, tag], xml_safe(comment_text(numbers[id(q)], q, style)), AUTHOR, "审")
        offset = end + 1


def comment_text(n: int, q: dict, style: str) -> str:
    return f"[{n}] " + "\n".join(finding_lines(q, style))


def summary_table(doc: Docx, result: dict) -> None:
    rows = summary_rows(result)
    table = doc.add_table(rows=len(rows) + 1, cols=2)
    table.style = doc.styles["Table Grid"]
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "数量"
    for i, (label, count) in enumerate(rows, start=1):
        table.cell(i, 0).text, table.cell(i, 1).text = label, str(count)


def details(doc: Docx, quotations: list[dict], style: str) -> None:
    for n, q in enumerate(quotations, start=1):
        mark = "加引号" if q["marked"] else "未加引号"
        doc.add_heading(xml_safe(f"{n}. {VERDICTS[q['verdict']]}（{mark}）"), level=2)
        quote = doc.add_paragraph().add_run(xml_safe(q["text"]))
        quote.font.highlight_color = COLOURS[q["verdict"]]
        for line in finding_lines(q, style):
            doc.add_paragraph(xml_safe(line))


def legend(doc: Docx) -> None:
    para = doc.add_paragraph("颜色：")
    for verdict in ("exact", "variant", "stitched", "not_found"):
        run = para.add_run(VERDICTS[verdict] if verdict != "stitched" else "拼接或部分出自语料")
        run.font.highlight_color = COLOURS[verdict]
        para.add_run("  ")


def to_docx(result: dict, text: str, style: str = "default") -> bytes:
    """The .docx report of `result` (the audit of manuscript `text`), citations in `style`, as bytes."""
    doc = new_document(f"引文审核报告：{result['file']}", "引文审核")
    doc.add_heading(xml_safe(f"引文审核报告：{result['file']}"), level=0)
    doc.add_paragraph(xml_safe(summary_line(result)))
    summary_table(doc, result)
    doc.add_heading("文稿（引文按核对结论标色，批注为核对结果）", level=1)
    legend(doc)
    annotated_manuscript(doc, text, result["quotations"], style)
    doc.add_heading("核对明细", level=1)
    details(doc, result["quotations"], style)
    if not result["quotations"]:
        doc.add_paragraph("文稿中没有发现引文。")
    return docx_bytes(doc)
