"""A Milvus store that cannot be reached, said in one Chinese line.

While the app serves, a question whose store is lost gets that line as its result's `error`
(`ui.ask.run_ask`). When the store cannot be reached at start, `app.py` serves `create_app`: the
line, a question box and the `ask` API, which open the store again on a question (at most every
RETRY seconds) and answer from it once it is back; the other tabs come with a restart.
"""
from __future__ import annotations

import json
import logging
import threading
import time

import gradio as gr

from retrieval.search.engine import DEFAULT_TOP_K
from retrieval.errors import RetrievalError
from retrieval.search.result import error_result
from ui.render import header_html, notice
from ui.reply import conversation_html

log = logging.getLogger(__name__)

RETRY = 10          # seconds between two attempts to open the store


def store_message(where) -> str:
    """The one line a reader sees while the store at `where` cannot be reached."""
    return f"无法连接索引库 {where}，暂时不能回答；请确认 Milvus 已启动且地址正确，或联系管理员。"


class Reopening:
    """The engine of a store that could not be opened: `engine()` tries again, at most every RETRY s."""

    def __init__(self, where, open_engine, error: RetrievalError):
        self.where, self.open_engine, self.error = where, open_engine, error
        self.opened, self.tried, self.lock = None, time.monotonic(), threading.Lock()

    def engine(self):
        with self.lock:
            if self.opened is None and time.monotonic() - self.tried >= RETRY:
                self.tried = time.monotonic()
                try:
                    self.opened = self.open_engine()
                    log.warning("the store %s answers again", self.where)
                except RetrievalError as exc:
                    self.error = exc
            return self.opened

    def ask(self, question, top_k=DEFAULT_TOP_K) -> dict:
        engine = self.engine()
        if engine is None:
            return error_result(question, store_message(self.where))
        from ui.ask import run_ask
        from ui.context import AppContext

        return run_ask(AppContext(engine), question, top_k)


def create_app(waiting: Reopening, title: str, tagline: str) -> gr.Blocks:
    """The page while the store is unreachable: its line, a question box, and the `ask` API."""
    with gr.Blocks(title=title, analytics_enabled=False) as demo:
        gr.HTML(header_html(title, tagline), padding=False)
        thread = gr.HTML(notice(store_message(waiting.where), "error"), elem_id="qa-thread")
        question = gr.Textbox(placeholder="输入问题", show_label=False, elem_id="qa-question")

        def answer(text):
            result = waiting.ask(text)
            engine = waiting.opened
            if engine is None:
                return notice(store_message(waiting.where), "error")
            return conversation_html([result], engine.documents)

        question.submit(answer, inputs=question, outputs=thread, api_visibility="private")

        def ask(question: str, top_k: int = DEFAULT_TOP_K) -> str:
            """Verbatim, cited passages answering `question`, as JSON text (parse with json.loads)."""
            return json.dumps(waiting.ask(question, top_k), ensure_ascii=False, indent=2)

        gr.api(ask, api_name="ask")
    return demo.queue()
