"""Word documents (.docx) with python-docx: body paragraphs and table rows in order.

A paragraph whose style is `Title` or `Heading N` (or a localised `标题 N`) is a
heading block. Table rows become one block each, cells joined by a space.
"""
from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

from retrieval.errors import DocumentError
from retrieval.read.base import Block, RawText

HEADING_STYLES = ("title", "heading", "标题")


def is_heading(paragraph: DocxParagraph) -> bool:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    return style.lower().startswith(HEADING_STYLES)


def table_blocks(table: Table) -> list[Block]:
    blocks = []
    for row in table.rows:
        cells = [" ".join(c.text.split()) for c in row.cells]
        text = " ".join(dict.fromkeys(c for c in cells if c))  # merged cells repeat their text
        if text:
            blocks.append(Block(text))
    return blocks


def body_blocks(document) -> list[Block]:
    blocks = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(table_blocks(item))
        elif item.text.strip():
            blocks.append(Block(item.text, heading=is_heading(item)))
    return blocks


def read_docx(data: bytes, name: str) -> RawText:
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"{name}: not a readable .docx file ({type(exc).__name__}: {exc})") from exc
    return RawText(tuple(body_blocks(document)), format="docx")
