"""The 提法 tab: the glossary of formulations, their frequency and the sentences stating them."""
from __future__ import annotations

import gradio as gr

from retrieval.glossary import cached_glossary, term_dict
from ui.context import AppContext
from ui.render import citation, esc, notice

HEADERS = ["提法", "出现次数", "文献数", "阐释/列举"]
KIND_LABELS = {"defines": "阐释", "enumerates": "列举", "mentions": "提及"}


def term_rows(ctx: AppContext) -> list[list]:
    return [[t.term, t.count, t.documents, sum(s.kind != "mentions" for s in t.statements)]
            for t in cached_glossary(ctx.engine).values()]


def term_html(ctx: AppContext, term) -> str:
    """The statements of one formulation (definitions and enumerations first)."""
    found = cached_glossary(ctx.engine).get(term if isinstance(term, str) else "")
    if found is None:
        return notice("在左侧表格中点选一个提法，查看原文中的表述。", "info")
    data = term_dict(ctx.engine, found)
    items = [f'<article class="qa-card qa-more"><span class="qa-badge">{esc(KIND_LABELS[s["kind"]])}</span>'
             f'<blockquote class="qa-quote">{esc(s["text"])}</blockquote>'
             f'<p class="qa-cite">{esc(citation(s["source"]))}</p></article>' for s in data["statements"]]
    head = f'<h4>{esc(found.term)}：出现 {found.count} 次，{found.documents} 篇文献</h4>'
    return head + "".join(items)


def select_row(ctx: AppContext, index) -> str:
    """The statements of the formulation in table row `index` (Gradio gives [row, col])."""
    row = index[0] if isinstance(index, (list, tuple)) else index
    terms = list(cached_glossary(ctx.engine))
    return term_html(ctx, terms[row] if isinstance(row, int) and 0 <= row < len(terms) else None)


def build(ctx: AppContext) -> None:
    """Lay out the 提法 tab inside the current `gr.Tab`."""
    with gr.Row():
        table = gr.Dataframe(term_rows(ctx), headers=HEADERS, interactive=False, scale=2, max_height=640)
        detail = gr.HTML(term_html(ctx, None), apply_default_css=False)

    def select(evt: gr.SelectData) -> str:
        return select_row(ctx, evt.index)

    table.select(select, outputs=detail, api_visibility="private")
    ctx.on_corpus_change(table, lambda: term_rows(ctx))
