"""Escaped HTML of a document around a cited span: the surrounding paragraphs, or the whole text.

Both views slice `Document.text` by the paragraph offsets, so what is shown is
exactly the clean text that citations point into; the cited span is marked in
place (`<mark class="cited">`), the first mark carrying `id="cited"` for scrolling.
"""
from __future__ import annotations

from retrieval.types import Document, Paragraph
from ui.messages import zh
from ui.render import book_title, cn_date, esc, location, marked

CONTEXT = 1   # paragraphs shown before and after the cited ones


def paragraphs(doc: Document) -> tuple[Paragraph, ...]:
    return doc.paragraphs or (Paragraph(0, len(doc.text)),)


def cited_rows(doc: Document, start: int, end: int) -> tuple[int, int]:
    """First and last paragraph index overlapping `[start, end)`."""
    if not doc.paragraphs:
        return 0, 0
    return doc.paragraph_at(start), doc.paragraph_at(max(start, end - 1))


def paragraph_html(doc: Document, para: Paragraph, start: int, end: int, anchor: bool) -> str:
    """One paragraph, with the part inside `[start, end)` marked."""
    text = doc.text[para.start:para.end]
    lo, hi = max(start, para.start) - para.start, min(end, para.end) - para.start
    spans = [(lo, hi)] if lo < hi else []
    body = marked(text, spans, "cited")
    if anchor and spans:
        body = body.replace('<mark class="cited">', '<mark class="cited" id="cited">', 1)
    if para.heading:
        return f'<h5 class="doc-heading">{body}</h5>'
    where = {"section": para.section, "paragraph": para.number, "page": para.page}
    cls = "doc-para doc-para-cited" if spans else "doc-para"
    return f'<p class="{cls}"><span class="doc-loc">{esc(location(where))}</span>{body}</p>'


def context_html(doc: Document, start: int, end: int, around: int = CONTEXT) -> str:
    """The cited paragraphs plus `around` paragraphs either side."""
    paras = paragraphs(doc)
    first, last = cited_rows(doc, start, end)
    rows = range(max(0, first - around), min(len(paras), last + around + 1))
    inner = "".join(paragraph_html(doc, paras[i], start, end, False) for i in rows)
    return f'<div class="doc-context">{inner}</div>'


def meta_line(doc: Document) -> str:
    fields = [doc.source, cn_date(doc.date), doc.author, doc.credits]
    return "，".join(esc(f) for f in fields if f) or "来源、日期未注明"


def document_html(doc: Document, start: int = 0, end: int = 0) -> str:
    """The whole clean document, the cited span marked and anchored as `#cited`."""
    body = "".join(paragraph_html(doc, p, start, end, True) for p in paragraphs(doc))
    warnings = "".join(f'<li>{esc(zh(w))}</li>' for w in doc.warnings)
    notes = f'<ul class="doc-warnings">{warnings}</ul>' if warnings else ""
    return (f'<div class="doc-view"><div class="doc-bar"><button type="button" class="doc-close">'
            f'‹ 返回回答</button></div><h3 class="doc-title">{esc(book_title(doc.title))}</h3>'
            f'<p class="doc-meta">{meta_line(doc)} · <code>{esc(doc.path)}</code></p>'
            f'{notes}<div class="doc-body">{body}</div></div>')
