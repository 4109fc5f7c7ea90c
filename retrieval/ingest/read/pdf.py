"""PDF with pypdf: text per page, so a citation can name the page.

pypdf returns visual lines. Within a page, a line that does not end a sentence
(`。！？；：…` or a closing quote after one) and is about as long as the page's
longest line is a soft wrap and is joined to the next line; short lines without
sentence-final punctuation stay separate (headings). Paragraphs never cross a
page, so every block has exactly one page number.
"""
from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError, PyPdfError

from retrieval.errors import DocumentError
from retrieval.ingest.read.base import Block, RawText
from retrieval.ingest.read.text import join_soft_wrap

SENTENCE_END = ("。", "！", "？", "；", "：", "…", ".", "!", "?", ";", ":")
CLOSERS = "”’」』）)"
WRAP_RATIO = 0.8


def ends_sentence(line: str) -> bool:
    return line.rstrip(CLOSERS).endswith(SENTENCE_END)


def page_paragraphs(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    width = max((len(line) for line in lines), default=0)
    paragraphs, pending = [], []
    for line in lines:
        pending.append(line)
        if ends_sentence(line) or len(line) < WRAP_RATIO * width:
            paragraphs.append(join_soft_wrap(pending))
            pending = []
    if pending:
        paragraphs.append(join_soft_wrap(pending))
    return paragraphs


def open_without_password(reader: PdfReader, name: str) -> bool:
    """Decrypt a PDF whose user password is empty: one that opens in any viewer and only restricts
    copying or printing with an owner password, as published documents often do (RC4 or AES)."""
    try:
        return bool(reader.decrypt(""))
    except DependencyError as exc:
        raise DocumentError(f"{name}: encrypted PDF ({exc})") from exc


def pdf_pages(data: bytes, name: str) -> list[str]:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not open_without_password(reader, name):
            raise DocumentError(f"{name}: encrypted PDF that needs a password to open")
        return [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"{name}: not a readable PDF ({type(exc).__name__}: {exc})") from exc


def read_pdf(data: bytes, name: str) -> RawText:
    blocks = [Block(para, page=number)
              for number, text in enumerate(pdf_pages(data, name), start=1)
              for para in page_paragraphs(text)]
    if not blocks:
        raise DocumentError(f"{name}: PDF has no extractable text (scanned image?)")
    return RawText(tuple(blocks), format="pdf")
