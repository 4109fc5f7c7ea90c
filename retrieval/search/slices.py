"""The citation fields of a slice of clean text (the `source` object of verify, study and terms)."""
from __future__ import annotations

from retrieval.types import Document


def source_dict(doc: Document, start: int, end: int) -> dict:
    """`{doc_id, path, title, source, date, author, section, paragraph, page, start, end, url, credits}` for
    `doc.text[start:end]`."""
    para = doc.paragraphs[doc.paragraph_at(start)] if doc.paragraphs else None
    return {"doc_id": doc.doc_id, "path": doc.path, "title": doc.title, "source": doc.source,
            "date": doc.date, "author": doc.author, "section": para.section if para else "",
            "paragraph": para.number if para else 1, "page": para.page if para else None,
            "start": start, "end": end, "url": doc.url, "credits": doc.credits}
