"""The 语料库 tab: the table of indexed documents and, for administrators, adding documents.

Administration is off unless an admin password is configured (`RETRIEVAL_ADMIN_PASSWORD`);
then uploads are checked and stored by `ui.uploads` and the index is rebuilt
with a visible progress bar. Other tabs are refreshed through `ctx.refreshers`.
"""
from __future__ import annotations

import hmac
from pathlib import Path

import gradio as gr

from ui.context import ADMIN_ENV, AppContext
from ui.render import esc
from ui.uploads import ALLOWED, AddReport, add_documents, remove

HEADERS = ["标题", "来源", "日期", "段块数", "状态"]


def document_rows(ctx: AppContext) -> list[list]:
    """One row per indexed document, then one per file the index could not read."""
    files = ctx.engine.manifest.get("files", {})
    rows = []
    for doc in ctx.engine.documents.values():
        chunks = files.get(doc.path, {}).get("chunks", "")
        status = f"已索引 · {len(doc.warnings)} 条提示" if doc.warnings else "已索引"
        rows.append([doc.title, doc.source or "—", doc.date or "—", chunks, status])
    for failure in ctx.engine.manifest.get("failures", []):
        rows.append([failure.get("path", ""), "—", "—", 0, f"未收录：{failure.get('reason', '')}"])
    return rows


def summary(ctx: AppContext) -> str:
    manifest = ctx.engine.manifest
    counts = manifest.get("counts", {})
    model = manifest.get("model", {}).get("name", "")
    text = (f"共 **{len(ctx.engine.documents)}** 篇文献、**{counts.get('chunks', 0)}** 个段块；"
            f"向量模型 `{model}`，索引建于 {manifest.get('created', '—')}。")
    fallback = getattr(ctx.engine, "fallback", None)
    if fallback:        # the live index is damaged: the previous generation answers
        text += ("\n\n**注意：当前索引已损坏**，回答来自上一版完好的索引。请运行 `python -m retrieval build` "
                 f"重建索引。详情：{esc(fallback)}")
    behind = getattr(ctx.engine, "behind", None)
    if behind:          # the build at start failed: answers come from the previous index
        text += f"\n\n**注意：索引落后于语料库**，更新索引失败，回答来自上一次建成的索引。原因：{esc(behind)}"
    return text


def password_ok(ctx: AppContext, given) -> bool:
    if not ctx.admin_password or not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode("utf-8"), ctx.admin_password.encode("utf-8"))


def report_html(report: AddReport) -> str:
    """What happened to each file, as escaped HTML."""
    items = [f'<li class="ok">已加入：{esc(p)}</li>' for p in report.added]
    items += [f'<li class="bad">未加入：{esc(r)}</li>' for r in report.rejected]
    if report.error:
        items.append(f'<li class="bad">{esc(report.error)}</li>')
    if report.build is not None and not report.error:
        b = report.build
        items.append(f'<li>索引已重建：{b.documents} 篇文献，{b.chunks} 个段块'
                     f'（新嵌入 {b.embedded}，复用 {b.reused}），用时 {b.seconds} 秒。</li>')
    if not items:
        items.append("<li>没有选择文件。</li>")
    return f'<ul class="admin-report">{"".join(items)}</ul>'


def handle_add(ctx: AppContext, password, files, progress=None) -> str:
    """Check the password, then add `files` (paths) and rebuild; -> report HTML."""
    if not ctx.admin_enabled:
        return report_html(AddReport(error="管理功能未启用。"))
    if not password_ok(ctx, password):
        return report_html(AddReport(error="管理员密码不正确。"))
    paths = [getattr(f, "name", f) for f in (files or [])]
    step = (lambda f, m: progress(f, desc=m)) if progress else None
    report = add_documents(ctx.engine, paths, ctx.corpus_dir, ctx.index_dir,
                           ctx.max_upload_mb * 2**20, step)
    return report_html(report)


def build(ctx: AppContext) -> None:
    """Lay out the 语料库 tab inside the current `gr.Tab` and wire its events."""
    info = gr.Markdown(summary(ctx), elem_classes="corpus-summary")
    table = gr.Dataframe(document_rows(ctx), headers=HEADERS, datatype="str", interactive=False,
                         wrap=True, column_widths=["40%", "16%", "12%", "10%", "22%"],
                         elem_id="corpus-table")
    if not ctx.admin_enabled:
        gr.Markdown(f"添加文献是管理员操作，当前未启用：设置环境变量 `{ADMIN_ENV}` 后重启应用即可开启。",
                    elem_classes="admin-off")
        return
    admin_panel(ctx, [(info, lambda: summary(ctx)), (table, lambda: document_rows(ctx))])


def admin_panel(ctx: AppContext, own_refreshers) -> None:
    with gr.Accordion("添加文献（管理员）", open=False, elem_id="admin-panel"):
        gr.Markdown(f"支持 {' '.join(ALLOWED)}，单个文件不超过 {ctx.max_upload_mb} MB。"
                    "文件先经检查和试读，再存入语料库并重建索引；无法读取的文件会被拒绝，索引保持不变。")
        password = gr.Textbox(type="password", label="管理员密码", elem_id="admin-password")
        files = gr.File(file_count="multiple", file_types=list(ALLOWED), label="选择文件",
                        elem_id="admin-files")
        button = gr.Button("添加并重建索引", variant="primary", elem_id="admin-add")
        result = gr.HTML("", elem_id="admin-report", js_on_load=None, min_height=60)
    ctx.defer(lambda: wire_add(ctx, button, password, files, result, own_refreshers + ctx.refreshers))


def wire_add(ctx: AppContext, button, password, files, result, refreshers) -> None:
    """The add button: report, cleared inputs, then every refreshed component (all tabs)."""
    targets = [c for c, _ in refreshers]

    def add(password_value, file_values, progress=gr.Progress()):
        try:
            html = handle_add(ctx, password_value, file_values, progress)
        finally:        # Gradio's temporary copies: added ones are in the corpus now, the rest refused
            remove(Path(getattr(f, "name", f)) for f in (file_values or []))
        return [html, None, ""] + [fn() for _, fn in refreshers]

    button.click(add, inputs=[password, files], outputs=[result, files, password] + targets,
                 show_progress_on=[files], concurrency_limit=1, concurrency_id="rebuild",
                 api_visibility="private")
