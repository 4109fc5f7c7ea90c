"""The 提法 tab: the glossary of formulations, their frequency and the sentences stating them.

The list is HTML (a table on a wide screen, one card per formulation on a phone); a click on
a row, a formulation link under an answer (`qa-open-term`) or a link `/?term=两个维护`
shows that formulation's statements.
"""
from __future__ import annotations

import gradio as gr

from retrieval.search.glossary import cached_glossary, term_dict
from ui.context import AppContext
from ui.render import citation, esc, notice, quote_url

HEADERS = ["提法", "出现次数", "文献数", "阐释/列举"]
KIND_LABELS = {"defines": "阐释", "enumerates": "列举", "mentions": "提及"}
PICK = "在提法列表中点选一个提法，查看原文中的表述。"
# Row clicks and links from the answer thread ask the server for one formulation's statements;
# a link from elsewhere first brings this tab to the front.
# (Gradio mounts a tab the first time it is shown: a link followed before that leaves its term in
# `window.qaPendingTerm`, read here at mount.)
LIST_JS = """
const show = (term) => { trigger('click', {term: term});
  const tab = [...document.querySelectorAll('button[role="tab"]')].find((b) => b.textContent.trim() === '提法');
  if (tab && tab.getAttribute('aria-selected') !== 'true') tab.click(); };
element.addEventListener('click', (e) => {
  const row = e.target.closest('[data-term]');
  if (row) { e.preventDefault(); show(row.dataset.term); }
});
window.addEventListener('qa-open-term', (e) => { window.qaPendingTerm = null; show(e.detail); });
const wanted = window.qaPendingTerm;
window.qaPendingTerm = null;
if (wanted) setTimeout(() => show(wanted), 100);
"""
SCROLL_TO_DETAIL = ("() => setTimeout(() => { const d = document.querySelector('#term-detail');"
                    " if (d && innerWidth < 760) d.scrollIntoView({behavior: 'smooth', block: 'start'}); }, 150)")


NUMERALS = set("一二三四五六七八九十百千两双")
MERGED_SUFFIXES = ("问题", "现象")      # 两张皮问题 is listed under 两张皮


def is_formulation(term: str) -> bool:
    """What the list shows as a 提法: not a bare number (十四五), not a plain two-character word
    (大头, 重头, 党组); a numbered one (四风, 两委) is kept. The engine's lookup keeps them all."""
    han = [c for c in term if "\u4e00" <= c <= "\u9fff"]
    if han and all(c in NUMERALS for c in han):
        return False
    return len(term) > 2 or any(c in NUMERALS for c in term)


def shown_terms(ctx: AppContext) -> dict[str, list[str]]:
    """The listed formulations, most frequent first, each with the variants merged into it."""
    terms = [t for t in cached_glossary(ctx.engine) if is_formulation(t)]
    shown: dict[str, list[str]] = {}
    for term in terms:
        base = next((term[:-len(s)] for s in MERGED_SUFFIXES if term.endswith(s) and term[:-len(s)] in terms), None)
        if base is None:
            shown.setdefault(term, [])
    for term in terms:
        base = next((term[:-len(s)] for s in MERGED_SUFFIXES if term.endswith(s) and term[:-len(s)] in shown), None)
        if base is not None:
            shown[base].append(term)
    return shown


def main_term(ctx: AppContext, term: str) -> str:
    """The listed formulation `term` is shown under (itself, or the one a variant is merged into)."""
    for main, merged in shown_terms(ctx).items():
        if term in merged:
            return main
    return term


def term_rows(ctx: AppContext) -> list[list]:
    glossary = cached_glossary(ctx.engine)
    return [[t.term, t.count, t.documents, sum(s.kind != "mentions" for s in t.statements)]
            for t in (glossary[name] for name in shown_terms(ctx))]


def terms_list_html(ctx: AppContext) -> str:
    """Every formulation as a clickable row; on a phone each row is a small card (`data-label`s)."""
    merged = shown_terms(ctx)
    rows = "".join(
        f'<tr data-term="{esc(term)}" tabindex="0"><th scope="row"><a href="?term={esc(quote_url(term))}">{esc(term)}</a>'
        + "".join(f'<small class="term-variant">又作 {esc(v)}</small>' for v in merged.get(term, ())) + "</th>"
        + "".join(f'<td data-label="{h}">{esc(v)}</td>' for h, v in zip(HEADERS[1:], rest)) + "</tr>"
        for term, *rest in term_rows(ctx))
    head = "".join(f'<th scope="col">{h}</th>' for h in HEADERS)
    return (f'<div class="rt-wrap"><table class="rt rt-terms"><thead><tr>{head}</tr></thead>'
            f'<tbody>{rows}</tbody></table></div>')


def term_html(ctx: AppContext, term) -> str:
    """The statements of one formulation (definitions and enumerations first)."""
    found = cached_glossary(ctx.engine).get(term if isinstance(term, str) else "")
    if found is None:
        return notice(PICK, "info")
    data = term_dict(ctx.engine, found)
    items = [f'<article class="qa-card qa-more"><span class="qa-badge">{esc(KIND_LABELS[s["kind"]])}</span>'
             f'<blockquote class="qa-quote">{esc(s["text"])}</blockquote>'
             f'<p class="qa-cite">{esc(citation(s["source"]))}</p></article>' for s in data["statements"]]
    head = f'<h4 class="term-head">{esc(found.term)}：出现 {found.count} 次，{found.documents} 篇文献</h4>'
    return head + "".join(items)


def select_row(ctx: AppContext, index) -> str:
    """The statements of the formulation in table row `index` (Gradio gives [row, col])."""
    row = index[0] if isinstance(index, (list, tuple)) else index
    terms = list(cached_glossary(ctx.engine))
    return term_html(ctx, terms[row] if isinstance(row, int) and 0 <= row < len(terms) else None)


def handle_pick(ctx: AppContext, data) -> str:
    """A click `{term}` from the list or an answer's formulation link -> that term's statements."""
    term = data.get("term") if isinstance(data, dict) else None
    term = main_term(ctx, term) if isinstance(term, str) else term
    if isinstance(term, str) and term and term not in cached_glossary(ctx.engine):
        return notice(f"提法列表中没有“{term}”。", "empty") + notice(PICK, "info")
    return term_html(ctx, term)


def build(ctx: AppContext) -> None:
    """Lay out the 提法 tab inside the current `gr.Tab`."""
    with gr.Row(elem_classes="terms-row"):
        table = gr.HTML(terms_list_html(ctx), elem_id="terms-list", apply_default_css=False,
                        js_on_load=LIST_JS, min_width=0)
        detail = gr.HTML(term_html(ctx, None), elem_id="term-detail", apply_default_css=False,
                         js_on_load=None, min_width=0)

    def pick(evt: gr.EventData) -> str:
        return handle_pick(ctx, getattr(evt, "_data", None))

    table.click(pick, outputs=detail, api_visibility="private").then(None, js=SCROLL_TO_DETAIL)
    ctx.on_corpus_change(table, lambda: terms_list_html(ctx))
