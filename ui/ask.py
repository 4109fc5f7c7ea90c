"""The 问答 tab: a question box, the answer thread, options, and the original-text pane.

Handlers are plain functions of the `AppContext` (tested without a server);
`build(ctx)` only lays out components and wires events. The same engine call
is exposed as the API endpoint `ask(question, top_k)`, returning the JSON text
that `python -m retrieval ask --json` prints.
"""
from __future__ import annotations

import json
import logging
from functools import partial
from pathlib import Path

import gradio as gr

from retrieval.search.engine import DEFAULT_TOP_K
from retrieval.errors import RetrievalError
from retrieval.search.result import error_result
from retrieval.indexing.stores import StoreError
from ui.context import AppContext
from ui.document import document_html
from ui.terms_tab import shown_terms
from ui.render import notice
from ui.store_outage import store_message
from ui.reply import EMPTY, conversation_html, welcome_html

log = logging.getLogger(__name__)

EXAMPLES = ("什么是一岗双责？", "机关党建工作责任制的“牛鼻子”是什么？",
            "如何破解党建和业务“两张皮”问题？", "什麼是模範機關？")
MAX_TURNS = 10            # turns kept in a session's thread
MAX_TOP_K = 20      # the slider's end; the engine allows up to 50
THREAD_JS = (Path(__file__).with_name("thread.js")).read_text(encoding="utf-8")
SCROLL_TO_LAST = ("() => setTimeout(() => { const t = document.querySelectorAll('.qa-exchange');"
                  " if (t.length) t[t.length - 1].scrollIntoView({behavior: 'smooth', block: 'start'}); }, 80)")
# The full-text pane's own "back" button closes the pane (Gradio's toggle is a small arrow at its edge).
CLOSE_JS = ("element.addEventListener('click', (e) => { if (e.target.closest('.doc-close')) {"
            " const t = document.querySelector('#doc-sidebar .toggle-button'); if (t) t.click(); } });")
# Filled in the browser by thread.js from localStorage: this browser's recent questions, never sent.
HISTORY_HTML = '<details class="qa-history" hidden><summary>最近的提问（仅保存在本浏览器）</summary><ol></ol></details>'
SCROLL_TO_CITED = ("() => setTimeout(() => { const m = document.querySelector('#doc-viewer #cited');"
                   " const y = window.scrollY; if (m) { m.scrollIntoView({block: 'center'});"
                   " window.scrollTo(0, y); } }, 250)")


def run_ask(ctx: AppContext, question, top_k=DEFAULT_TOP_K, doc_ids=None) -> dict:
    """`engine.ask`, with any library error turned into the result's `error` (never raises)."""
    try:
        return ctx.engine.ask(question, top_k=top_k, doc_ids=list(doc_ids or []) or None)
    except StoreError as exc:           # the Milvus store was lost: one line; the next question tries again
        log.warning("%s", exc)
        return error_result(question, store_message(exc.where) if exc.where else str(exc))
    except RetrievalError as exc:
        return error_result(question, str(exc))
    except Exception:  # an unexpected bug must not show a traceback to the reader
        log.exception("ask failed for %r", question)
        return error_result(question, "检索时出现内部错误，请稍后再试或联系管理员。")


BEHIND = "注意：更新索引失败，回答来自上一次建成的索引，可能缺少最近加入或修改的文献（详见“语料库”）。"
DAMAGED = "注意：当前索引文件已损坏，回答来自上一版完好的索引，可能缺少最近加入或修改的文献；请管理员重建索引（详见“语料库”）。"


def thread_html(ctx: AppContext, history: list[dict], extra: str = "") -> str:
    """The conversation (or the welcome screen), under a warning while the index is behind the corpus."""
    warning = notice(DAMAGED, "error") if getattr(ctx.engine, "fallback", None) else ""
    warning += notice(BEHIND, "error") if getattr(ctx.engine, "behind", None) else ""
    if not history and not extra:
        return warning + welcome_html(ctx.engine.documents)
    return warning + conversation_html(history, ctx.engine.documents, extra, glossary_terms(ctx))


def glossary_terms(ctx: AppContext) -> list[str]:
    """The 提法 tab's formulations, linked where an answer passage holds one (none if it fails)."""
    try:
        return list(shown_terms(ctx))
    except Exception:  # the links are an aid: an answer must never fail for them
        log.exception("glossary unavailable")
        return []


def handle_ask(ctx: AppContext, question, top_k, doc_ids, history):
    """-> (thread HTML, new history, text left in the question box)."""
    history = list(history or [])
    if not isinstance(question, str) or not question.strip():
        return thread_html(ctx, history, notice(EMPTY, "info")), history, ""
    result = run_ask(ctx, question, top_k or DEFAULT_TOP_K, doc_ids)
    history = (history + [result])[-MAX_TURNS:]
    return thread_html(ctx, history), history, ""


def shared_question(query_params) -> str:
    """The `q` of a share link (`/?q=什么是一岗双责`), or ""."""
    try:
        value = (query_params or {}).get("q", "")
    except AttributeError:
        return ""
    return value.strip() if isinstance(value, str) else ""


def handle_shared(ctx: AppContext, query_params):
    """On page load: the answer to the share link's question -> (thread HTML, history); nothing to
    change (`gr.skip()`) when the address has no question."""
    question = shared_question(query_params)
    if not question:
        return gr.skip(), gr.skip()
    page, history, _ = handle_ask(ctx, question, DEFAULT_TOP_K, [], [])
    return page, history


def handle_open(ctx: AppContext, data) -> tuple[str, bool]:
    """Whole document for a "查看全文" click `{doc_id, start, end}` -> (HTML, open the pane)."""
    data = data if isinstance(data, dict) else {}
    doc = ctx.engine.documents.get(str(data.get("doc_id", "")))
    if doc is None:
        return notice("找不到这篇文献（索引可能已更新），请重新提问。", "error"), True
    try:
        start, end = int(data.get("start", 0)), int(data.get("end", 0))
    except (TypeError, ValueError):
        start = end = 0
    start, end = max(0, min(start, len(doc.text))), max(0, min(end, len(doc.text)))
    return document_html(doc, start, end), True


def doc_choices(ctx: AppContext) -> list[tuple[str, str]]:
    return [(doc.title or doc_id, doc_id) for doc_id, doc in ctx.engine.documents.items()]


def api_function(ctx: AppContext):
    """The typed function behind the `ask` API endpoint.

    It returns the JSON text that `python -m retrieval ask --json` prints, not a
    dict: gradio_client 2.7 takes any returned dict with a string "path" key (every
    passage has one) for a file and tries to download it.
    """

    def ask(question: str, top_k: int = DEFAULT_TOP_K) -> str:
        """Verbatim, cited passages answering `question`, as JSON text (parse with json.loads)."""
        return json.dumps(run_ask(ctx, question, top_k), ensure_ascii=False, indent=2)

    return ask


def build(ctx: AppContext) -> None:
    """Lay out the 问答 tab inside the current `gr.Tab` and wire its events."""
    history = gr.State([])
    with gr.Column(elem_classes="qa-main"):
        thread = gr.HTML(thread_html(ctx, []), js_on_load=THREAD_JS,
                         elem_id="qa-thread", apply_default_css=False)
        with gr.Row(elem_classes="qa-input-row", equal_height=True):
            question = gr.Textbox(placeholder="输入问题（简体或繁体），例如：什么是一岗双责？",
                                  show_label=False, lines=1, max_lines=4, max_length=2000,
                                  scale=8, autofocus=True, elem_id="qa-question")
            submit = gr.Button("提问", variant="primary", scale=1, min_width=96, elem_id="qa-submit")
        examples = example_buttons()
        gr.HTML(HISTORY_HTML, elem_id="qa-history", apply_default_css=False, padding=False,
                js_on_load="window.dispatchEvent(new Event('qa-history-mounted'));")
        with gr.Accordion("检索选项", open=False, elem_classes="qa-options"):
            with gr.Row():
                top_k = gr.Slider(1, MAX_TOP_K, value=DEFAULT_TOP_K, step=1, label="返回段落数",
                                  info="共列出的段落数，含最佳答案（5 = 最佳答案 + 4 处其他出处）", scale=1)
                docs = gr.Dropdown(doc_choices(ctx), value=[], multiselect=True, scale=2,
                                   label="限定文献", info="只在所选文献中检索；留空则检索全部")
    with gr.Sidebar(label="原文", open=False, position="right", width="46%",
                    elem_id="doc-sidebar") as sidebar:
        viewer = gr.HTML("", elem_id="doc-viewer", apply_default_css=False, js_on_load=CLOSE_JS)
    wire(ctx, thread, question, submit, examples, top_k, docs, history, viewer, sidebar)
    ctx.on_corpus_change(docs, lambda: gr.Dropdown(choices=doc_choices(ctx), value=[]))
    gr.api(api_function(ctx), api_name="ask", concurrency_id="ask")


def example_buttons() -> list[tuple[gr.Button, str]]:
    with gr.Row(elem_classes="qa-examples"):
        gr.HTML('<span class="qa-examples-label">示例问题</span>', apply_default_css=False, js_on_load=None)
        return [(gr.Button(q, size="sm", elem_classes="qa-example"), q) for q in EXAMPLES]


def wire(ctx, thread, question, submit, examples, top_k, docs, history, viewer, sidebar) -> None:
    ask = partial(handle_ask, ctx)
    io = dict(fn=ask, inputs=[question, top_k, docs, history], outputs=[thread, history, question],
              api_visibility="private", concurrency_id="ask", show_progress="minimal")
    submit.click(**io).then(None, js=SCROLL_TO_LAST)
    question.submit(**io).then(None, js=SCROLL_TO_LAST)
    for button, text in examples:
        button.click(constant(text), outputs=question, api_visibility="private", queue=False) \
            .then(**io).then(None, js=SCROLL_TO_LAST)

    def open_document(evt: gr.EventData):
        html, _ = handle_open(ctx, getattr(evt, "_data", None))
        return html, gr.Sidebar(open=True)

    thread.click(open_document, outputs=[viewer, sidebar], api_visibility="private") \
        .then(None, js=SCROLL_TO_CITED)

    def shared(request: gr.Request):
        return handle_shared(ctx, getattr(request, "query_params", None))

    gr.on(None, shared, outputs=[thread, history], api_visibility="private", concurrency_id="ask",
          show_progress="minimal")


def constant(value):
    return lambda: value
