"""The 学习材料 tab: a topic (optionally some documents) -> cited passages, Markdown and .docx downloads;
citations in today's form or GB/T 7714-2015 (引用格式)."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from functools import partial
from pathlib import Path

import gradio as gr

from retrieval.search.cite import STYLES, format_citation, location
from retrieval.errors import RetrievalError
from retrieval.tools.export import to_docx, to_markdown
from retrieval.tools.study import Pack, study_pack
from ui.context import AppContext
from ui.messages import zh
from ui.render import book_title, esc, notice, user_text

log = logging.getLogger(__name__)
EXAMPLES = ("落实机关党建主体责任", "两张皮")


def pack_html(pack: Pack, style: str = "default") -> str:
    if not pack.excerpts:
        return (f'<div class="qa-notice qa-notice-empty">语料中没有与“{user_text(pack.topic)}”相关的段落。'
                "</div>")
    parts = [f'<p class="corpus-summary">主题：{user_text(pack.topic)} · {len(pack.sources)} 篇文献 · '
             f'{len(pack.excerpts)} 段原文</p>']
    for e in pack.excerpts:
        parts.append(f'<article class="qa-card qa-more"><div class="qa-card-head"><span class="qa-doc">'
                     f'{esc(book_title(e.source["title"]))}</span></div>'
                     f'<blockquote class="qa-quote">{esc(e.text)}</blockquote>'
                     f'<p class="qa-cite">{esc(card_citation(e, style))}</p></article>')
    return f'<div class="study-pack">{"".join(parts)}</div>'


def card_citation(e, style: str) -> str:
    return e.citation if style == "default" else f"{format_citation(e.source, style)} {location(e.source)}"


# One folder per export, pruned; per user, since /tmp is shared.
EXPORTS = Path(tempfile.gettempdir()) / f"qa-study-exports-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
KEEP_SECONDS = 3600          # Gradio copies a returned file at once; an hour leaves room for a retry


def prune_exports(now: float | None = None, exports: Path = EXPORTS, prefix: str = "study-") -> None:
    """Remove export folders (`exports/prefix*`) older than KEEP_SECONDS, so a long-running app does
    not fill /tmp."""
    now = time.time() if now is None else now
    for folder in exports.glob(f"{prefix}*"):
        try:
            if now - folder.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass                                 # removed by another request meanwhile


def write_files(pack: Pack, style: str = "default") -> list[str]:
    prune_exports()
    EXPORTS.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="study-", dir=EXPORTS))
    name = "".join(c for c in pack.topic if c.isalnum())[:30] or "study"
    md, dx = folder / f"学习材料-{name}.md", folder / f"学习材料-{name}.docx"
    md.write_text(to_markdown(pack, style), encoding="utf-8")
    dx.write_bytes(to_docx(pack, style))
    return [str(md), str(dx)]


def handle_study(ctx: AppContext, topic, doc_ids, style="default") -> tuple[str, list[str] | None]:
    """-> (HTML of the pack, [markdown path, docx path]) ; errors become a notice."""
    style = style if style in STYLES else "default"
    try:
        pack = study_pack(ctx.engine, topic, list(doc_ids or []) or None)
    except RetrievalError as exc:
        return notice(f"无法生成学习材料：{zh(exc)}", "error"), None
    except Exception:
        log.exception("study failed for %r", topic)
        return notice("生成学习材料时出现内部错误，请稍后再试。", "error"), None
    return pack_html(pack, style), (write_files(pack, style) if pack.excerpts else None)


def doc_choices(ctx: AppContext) -> list[tuple[str, str]]:
    return [(doc.title or doc_id, doc_id) for doc_id, doc in ctx.engine.documents.items()]


def build(ctx: AppContext) -> None:
    """Lay out the 学习材料 tab inside the current `gr.Tab`."""
    with gr.Row():
        topic = gr.Textbox(label="主题", placeholder="例如：" + " / ".join(EXAMPLES), scale=3, max_length=200)
        docs = gr.Dropdown(doc_choices(ctx), value=[], multiselect=True, label="限定文献（可选）", scale=2)
    style = gr.Radio([(label, key) for key, label in STYLES.items()], value="default", label="引用格式")
    button = gr.Button("生成学习材料", variant="primary")
    files = gr.File(label="下载（Markdown / Word）", file_count="multiple", interactive=False)
    out = gr.HTML("", apply_default_css=False)
    run = partial(handle_study, ctx)
    inputs = [topic, docs, style]
    button.click(run, inputs=inputs, outputs=[out, files], api_visibility="private", concurrency_id="ask")
    topic.submit(run, inputs=inputs, outputs=[out, files], api_visibility="private", concurrency_id="ask")
    ctx.on_corpus_change(docs, lambda: gr.Dropdown(choices=doc_choices(ctx), value=[]))
