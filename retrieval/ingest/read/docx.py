"""Word documents (.docx) with python-docx: body paragraphs and table rows in order.

A paragraph whose style is `Title` or `Heading N` (or a localised `标题 N`) is a
heading block. Table rows become one block each, cells joined by a space.
The text is what Word shows: tracked insertions in, tracked deletions and
moved-away text out, hidden text (`w:vanish`) out.
"""
from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

from retrieval.errors import DocumentError
from retrieval.ingest.read.base import Block, RawText

HEADING_STYLES = ("title", "heading", "标题")
REMOVED = {qn("w:del"), qn("w:moveFrom")}          # tracked deletions and moved-away text
TEXT = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n"}
OFF = {"0", "false", "off"}


def hidden(run) -> bool:
    vanish = run.find(f"{qn('w:rPr')}/{qn('w:vanish')}") if run is not None else None
    return vanish is not None and vanish.get(qn("w:val"), "true").lower() not in OFF


def paragraph_text(paragraph: DocxParagraph) -> str:
    """The paragraph's text as Word displays it (python-docx's `.text` drops tracked insertions
    and keeps hidden runs)."""
    out = []
    for element in paragraph._p.iter(*TEXT):
        ancestors = list(element.iterancestors())
        if any(a.tag in REMOVED for a in ancestors):
            continue
        if hidden(next((a for a in ancestors if a.tag == qn("w:r")), None)):
            continue
        out.append(element.text or "" if TEXT[element.tag] is None else TEXT[element.tag])
    return "".join(out)


def is_heading(paragraph: DocxParagraph) -> bool:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    return style.lower().startswith(HEADING_STYLES)


def table_blocks(table: Table) -> list[Block]:
    blocks = []
    for row in table.rows:
        cells = [" ".join(" ".join(paragraph_text(p) for p in c.paragraphs).split()) for c in row.cells]
        text = " ".join(dict.fromkeys(c for c in cells if c))  # merged cells repeat their text
        if text:
            blocks.append(Block(text))
    return blocks


def body_blocks(document) -> list[Block]:
    blocks = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(table_blocks(item))
        elif (text := paragraph_text(item)).strip():
            blocks.append(Block(text, heading=is_heading(item)))
    return blocks


def read_docx(data: bytes, name: str) -> RawText:
    """python-docx raises whatever its XML code meets in a damaged package (`AttributeError` for a
    zip that holds only `[Content_Types].xml`, `XMLSyntaxError`...): each is this file's failure."""
    try:
        document = docx.Document(io.BytesIO(data))
        return RawText(tuple(body_blocks(document)), format="docx")
    except Exception as exc:  # noqa: BLE001
        raise DocumentError(f"{name}: not a readable .docx file ({type(exc).__name__}: {str(exc)[:200]})") from exc
