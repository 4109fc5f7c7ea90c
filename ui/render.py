"""Escaped HTML for passages, citations and notices (the only place the UI builds HTML).

Every piece of document or question text goes through `esc` before it is put
into markup: a passage that contains `<script>` or `<img onerror=...>` is shown
as text and runs nothing. Offsets (highlights, the cited span) are applied to
the raw text first and each slice is escaped on its own, so escaping never
shifts an offset. Citation strings come from `retrieval.search.cite` (the same as the CLI's).
"""
from __future__ import annotations

import html
import re
import urllib.parse

from retrieval.search.cite import book_title, citation, cn_date, location, quotation, quotation_in

__all__ = ["book_title", "citation", "cn_date", "location", "quotation", "esc", "marked", "user_text",
           "passage_card", "notice", "question_bubble", "section_title", "header_html"]

# Direction controls (embeddings, overrides, isolates, marks): a question starting with U+202E
# would otherwise be shown reversed. User text is shown without them, inside its own isolate.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
LABELS = {"answer": "最佳答案", "more": "更多出处", "related": "相关段落 · 非答案"}


def esc(value) -> str:
    """`value` as HTML text: `<`, `>`, `&` and both quotes escaped."""
    return html.escape("" if value is None else str(value), quote=True)


def user_text(value) -> str:
    """Text a user typed (a question, a quotation, a topic): escaped, without direction controls,
    inside `<bdi>`, so it can neither reverse itself nor reorder what surrounds it."""
    return f'<bdi class="ut">{esc(BIDI_CONTROLS.sub("", "" if value is None else str(value)))}</bdi>'


def marked(text: str, spans, css: str = "hl") -> str:
    """`text` escaped, with each `(start, end)` span (relative to `text`) wrapped in <mark>."""
    out, at = [], 0
    for start, end in sorted((max(0, int(s)), min(len(text), int(e))) for s, e in spans or ()):
        if start < at or start >= end:
            continue
        out.append(esc(text[at:start]))
        out.append(f'<mark class="{css}">{esc(text[start:end])}</mark>')
        at = end
    out.append(esc(text[at:]))
    return "".join(out)


def card_actions(passage: dict) -> str:
    return (
        '<div class="qa-actions">'
        '<button type="button" class="qa-btn qa-copy" title="复制带引文的出处">复制引用</button>'
        '<button type="button" class="qa-btn qa-copy" data-src="qa-copy-gbt" '
        'title="复制引文，出处按 GB/T 7714-2015 参考文献格式">复制 GB/T 引用</button>'
        '<button type="button" class="qa-btn qa-link" title="复制打开这个回答的链接">复制链接</button>'
        f'<button type="button" class="qa-btn qa-open" data-doc="{esc(passage["doc_id"])}" '
        f'data-start="{int(passage["start"])}" data-end="{int(passage["end"])}">查看全文</button>'
        f'<textarea class="qa-copy-src" readonly hidden>{esc(quotation(passage))}</textarea>'
        f'<textarea class="qa-copy-gbt" readonly hidden>{esc(quotation_in(passage, "gbt7714"))}</textarea>'
        "</div>")


def term_links(terms) -> str:
    """`本段提法：` and a link per formulation; the 提法 tab opens at its entry (`?term=`)."""
    if not terms:
        return ""
    links = "".join(f'<a class="qa-term" href="?term={esc(quote_url(t))}" data-term="{esc(t)}">{esc(t)}</a>'
                    for t in terms)
    return f'<p class="qa-terms"><span>本段提法：</span>{links}</p>'


def quote_url(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def passage_card(passage: dict, kind: str = "answer", context: str = "", terms=(), badge: str = "") -> str:
    """One passage: label (`badge`, else the kind's), verbatim text with highlights, citation, formulations,
    actions, context."""
    details = (f'<details class="qa-context"><summary>展开上下文</summary>{context}</details>'
               if context else "")
    return (
        f'<article class="qa-card qa-{kind}" data-rank="{int(passage.get("rank") or 0)}">'
        f'<div class="qa-card-head"><span class="qa-badge">{esc(badge or LABELS[kind])}</span>'
        f'<span class="qa-doc">{esc(book_title(passage.get("title", "")))}</span></div>'
        f'<blockquote class="qa-quote">{marked(passage["text"], passage.get("highlights"))}</blockquote>'
        f'<p class="qa-cite">{esc(citation(passage))}</p>{credits_line(passage)}'
        f"{term_links(terms)}{card_actions(passage)}{details}</article>")


def credits_line(passage: dict) -> str:
    """The editorial credits the cited page states (`责任编辑：蔡东海`), under its citation; '' without."""
    return f'<p class="qa-credits">{esc(passage["credits"])}</p>' if passage.get("credits") else ""


def notice(message: str, kind: str = "info") -> str:
    """A plain message box (`info`, `empty`, `error`)."""
    return f'<div class="qa-notice qa-notice-{kind}">{esc(message)}</div>'


def question_bubble(question: str) -> str:
    return f'<div class="qa-question">{user_text(question)}</div>'


def section_title(text: str) -> str:
    return f'<h4 class="qa-section-title">{esc(text)}</h4>'


def header_html(title: str, tagline: str) -> str:
    return f'<div class="app-header"><h1>{esc(title)}</h1><span>{esc(tagline)}</span></div>'
