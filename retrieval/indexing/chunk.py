"""Split a clean document into overlapping chunks with exact offsets.

Chunks never cross a paragraph boundary (a citation names one paragraph), and
inside a paragraph they break at sentence ends (`。！？；`) before clauses (`，`):
langchain-text-splitters' recursive splitter with Chinese separators. Every
paragraph is chunked, headings included (a heading line is text someone may look
for), so every character of the clean text but white space lies in some chunk.
"""
from __future__ import annotations

from collections.abc import Iterator

from langchain_text_splitters import RecursiveCharacterTextSplitter

from retrieval.indexing.settings import ChunkSettings
from retrieval.types import Chunk, Document, Paragraph


def make_splitter(settings: ChunkSettings) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=settings.size,
        chunk_overlap=settings.overlap,
        separators=list(settings.separators),
        keep_separator="end",
        strip_whitespace=True,
    )


def locate(text: str, pieces: list[str], base: int) -> Iterator[tuple[int, int]]:
    """Offsets of consecutive, possibly overlapping `pieces` found in order in `text`."""
    cursor = 0
    for piece in pieces:
        at = text.find(piece, cursor)
        if at < 0:  # the splitter never rewrites text; this guards the invariant
            raise ValueError(f"chunk not found in its paragraph: {piece[:30]!r}")
        yield base + at, base + at + len(piece)
        cursor = at + 1


def paragraph_spans(doc: Document) -> list[tuple[int, Paragraph | None]]:
    if doc.paragraphs:
        return list(enumerate(doc.paragraphs))
    return [(0, None)]


def chunk_document(doc: Document, settings: ChunkSettings = ChunkSettings()) -> list[Chunk]:
    """All chunks of `doc`, in text order; a heading paragraph is a chunk like any other."""
    splitter = make_splitter(settings)
    chunks: list[Chunk] = []
    for index, para in paragraph_spans(doc):
        start, end = (para.start, para.end) if para else (0, len(doc.text))
        body = doc.text[start:end]
        if not body.strip():
            continue
        for s, e in locate(body, splitter.split_text(body), start):
            chunks.append(Chunk(doc.doc_id, s, e, doc.text[s:e], index))
    return chunks
