"""The 语料库 tab: the table of indexed documents and, for administrators, adding documents.

Administration is off unless an admin password is configured (`RETRIEVAL_ADMIN_PASSWORD`);
then uploads are checked and stored by `ui.uploads` and the index is rebuilt
with a visible progress bar. Other tabs are refreshed through `ctx.refreshers`.
"""
from __future__ import annotations

import hmac
from datetime import datetime, timedelta, timezone
from pathlib import Path

import gradio as gr

from ui.context import ADMIN_ENV, AppContext
from ui.messages import zh
from ui.render import cn_date, esc
from ui.uploads import ALLOWED, AddReport, add_documents, remove

HEADERS = ["标题", "来源", "日期", "段块数", "状态"]
SHOWN = (0, 1, 2, 4)          # columns of the table on the page; 段块数 goes to 技术信息
INFERRED_MARK = "（推断）"     # after a title the document does not state (`title_from == "inferred"`)
BEIJING = timezone(timedelta(hours=8))


def status(doc) -> str:
    """`已索引`, and each warning of the document, in Chinese."""
    notes = [zh(w) for w in doc.warnings]
    return "已索引" + "".join(f" · {n}" for n in notes)


def inferred(doc) -> bool:
    """The document states no title: the one shown was inferred from its first paragraph."""
    return getattr(doc, "title_from", "") == "inferred"


def document_rows(ctx: AppContext) -> list[list]:
    """One row per indexed document, then one per file the index could not read."""
    files = ctx.engine.manifest.get("files", {})
    rows = []
    for doc in ctx.engine.documents.values():
        chunks = files.get(doc.path, {}).get("chunks", "")
        title = doc.title + (INFERRED_MARK if inferred(doc) else "")
        rows.append([title, doc.source or "—",
                     cn_date(doc.date) or "—", chunks, status(doc)])
    for failure in ctx.engine.manifest.get("failures", []):
        rows.append([failure.get("path", ""), "—", "—", 0, f"未收录：{zh(failure.get('reason', ''))}"])
    return rows


def table_html(ctx: AppContext) -> str:
    """The documents as a table; on a phone each row becomes a card (labels from `data-label`)."""
    head = "".join(f'<th scope="col">{HEADERS[i]}</th>' for i in SHOWN)
    body = "".join(
        f'<tr><th scope="row">{title_cell(row[0])}</th>'
        + "".join(f'<td data-label="{HEADERS[i]}">{esc(row[i])}</td>' for i in SHOWN[1:]) + "</tr>"
        for row in document_rows(ctx))
    return (f'<div class="rt-wrap"><table class="rt rt-corpus"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def title_cell(title: str) -> str:
    """A title as HTML, an inferred one's `（推断）` set apart (muted, never split across lines)."""
    if not title.endswith(INFERRED_MARK):
        return esc(title)
    return f'{esc(title[:-len(INFERRED_MARK)])}<span class="rt-inferred">{INFERRED_MARK}</span>'


def built_at(created: str) -> str:
    """The manifest's `2026-12-03T10:25:51+0000` as `2026年12月3日 18:25（北京时间）`."""
    try:
        when = datetime.strptime(created, "%Y-%m-%dT%H:%M:%S%z").astimezone(BEIJING)
    except (TypeError, ValueError):
        return "时间不详"
    return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}（北京时间）"


def summary(ctx: AppContext) -> str:
    manifest = ctx.engine.manifest
    text = f"共 **{len(ctx.engine.documents)}** 篇文献，索引更新于 {built_at(manifest.get('created', ''))}。"
    if any(inferred(doc) for doc in ctx.engine.documents.values()):
        text += ("标题后注“（推断）”的，文中未写明标题，标题由首段推断；可在文件旁放一个元数据文件改正"
                 "（文件名加 `.meta.json`，内容如 `{\"title\": \"正确的标题\"}`）。")
    fallback = getattr(ctx.engine, "fallback", None)
    if fallback:        # the live index is damaged: the previous generation answers
        text += ("\n\n**注意：当前索引已损坏**，回答来自上一版完好的索引。请运行 `python -m retrieval build` "
                 f"重建索引。详情：{esc(zh(fallback))}")
    behind = getattr(ctx.engine, "behind", None)
    if behind:          # the build at start failed: answers come from the previous index
        text += f"\n\n**注意：索引落后于语料库**，更新索引失败，回答来自上一次建成的索引。原因：{esc(zh(behind))}"
    return text


def tech_html(ctx: AppContext) -> str:
    """What a curator may need and a reader does not: model, chunk counts."""
    manifest = ctx.engine.manifest
    counts = manifest.get("counts", {})
    rows = "".join(f"<li>{esc(title)}：{esc(chunks)} 个段块</li>" for title, _, _, chunks, _ in document_rows(ctx))
    return (f'<details class="corpus-tech"><summary>技术信息</summary>'
            f'<p>向量模型 <code>{esc(manifest.get("model", {}).get("name", ""))}</code>，'
            f'共 {esc(counts.get("chunks", 0))} 个段块、{esc(counts.get("sentences", 0))} 个句子。</p>'
            f"<ul>{rows}</ul></details>")


def password_ok(ctx: AppContext, given) -> bool:
    if not ctx.admin_password or not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode("utf-8"), ctx.admin_password.encode("utf-8"))


def report_html(report: AddReport) -> str:
    """What happened to each file, as escaped HTML."""
    items = [f'<li class="ok">已加入：{esc(p)}</li>' for p in report.added]
    items += [f'<li class="ok">已替换：{esc(r.old)} → {esc(r.now)}（原文件已移除，索引已更新）</li>'
              for r in report.replaced]
    items += [f'<li class="bad">未加入：{esc(zh(r))}</li>' for r in report.rejected]
    if report.error:
        items.append(f'<li class="bad">{esc(zh(report.error))}</li>')
    if report.build is not None and not report.error:
        b = report.build
        items.append(f'<li>索引已重建：{b.documents} 篇文献，{b.chunks} 个段块'
                     f'（新嵌入 {b.embedded}，复用 {b.reused}），用时 {b.seconds} 秒。</li>')
    if not items:
        items.append("<li>没有选择文件。</li>")
    return f'<ul class="admin-report">{"".join(items)}</ul>'


def handle_add(ctx: AppContext, password, files, progress=None, replace: bool = False) -> str:
    """Check the password, then add `files` (paths) and rebuild; -> report HTML. `replace`: an upload
    whose text or name matches a corpus file replaces it (`ui.uploads`)."""
    if not ctx.admin_enabled:
        return report_html(AddReport(error="管理功能未启用。"))
    if not password_ok(ctx, password):
        return report_html(AddReport(error="管理员密码不正确。"))
    paths = [getattr(f, "name", f) for f in (files or [])]
    step = (lambda f, m: progress(f, desc=m)) if progress else None
    report = add_documents(ctx.engine, paths, ctx.corpus_dir, ctx.index_dir,
                           ctx.max_upload_mb * 2**20, step, replace=bool(replace))
    return report_html(report)


def build(ctx: AppContext) -> None:
    """Lay out the 语料库 tab inside the current `gr.Tab` and wire its events."""
    info = gr.Markdown(summary(ctx), elem_classes="corpus-summary")
    table = gr.HTML(table_html(ctx), elem_id="corpus-table", apply_default_css=False, js_on_load=None,
                    padding=False)
    tech = gr.HTML(tech_html(ctx), apply_default_css=False, js_on_load=None, padding=False)
    if not ctx.admin_enabled:
        gr.Markdown(f"添加文献是管理员操作，当前未启用：设置环境变量 `{ADMIN_ENV}` 后重启应用即可开启。",
                    elem_classes="admin-off")
        return
    admin_panel(ctx, [(info, lambda: summary(ctx)), (table, lambda: table_html(ctx)),
                      (tech, lambda: tech_html(ctx))])


# Gradio's browser code refuses a file over `max_file_size` with an English pop-up of its own
# (`File(s) exceed the maximum allowed size of 20.0 MB: "a.pdf"`): reword it in place.
TOO_LARGE_JS = r"""
const reword = (node) => {
  const m = /File\(s\) exceed the maximum allowed size of ([^:]+):?\s*(.*)/.exec(node.nodeValue || '');
  if (m) node.nodeValue = '文件超过大小上限（' + m[1].trim().replace(/\s+/g, ' ') + '）' +
                          (m[2] ? '：' + m[2].replace(/"/g, '') : '') + '，未上传。';
};
new MutationObserver((changes) => changes.forEach((c) => {
  if (c.type === 'characterData') reword(c.target);
  c.addedNodes.forEach((n) => { if (n.nodeType === 3) reword(n); else if (n.nodeType === 1) {
    const walk = document.createTreeWalker(n, NodeFilter.SHOW_TEXT); while (walk.nextNode()) reword(walk.currentNode); } });
})).observe(document.body, {childList: true, subtree: true, characterData: true});
"""


def admin_panel(ctx: AppContext, own_refreshers) -> None:
    with gr.Accordion("添加文献（管理员）", open=False, elem_id="admin-panel"):
        gr.Markdown(f"支持 {' '.join(ALLOWED)}，单个文件不超过 {ctx.max_upload_mb} MB。"
                    "文件先经检查和试读，再存入语料库并重建索引；无法读取的文件会被拒绝，索引保持不变。")
        password = gr.Textbox(type="password", label="管理员密码", elem_id="admin-password")
        files = gr.File(file_count="multiple", file_types=list(ALLOWED), label="选择文件",
                        elem_id="admin-files")
        replace = gr.Checkbox(False, label="替换已有文献：内容或文件名与语料库中某篇文献相同时，用新文件替换它"
                                           "（原文件移除，索引随之更新）", elem_id="admin-replace")
        button = gr.Button("添加并重建索引", variant="primary", elem_id="admin-add")
        result = gr.HTML("", elem_id="admin-report", js_on_load=TOO_LARGE_JS, min_height=60)
    ctx.defer(lambda: wire_add(ctx, button, [password, files, replace], result, own_refreshers + ctx.refreshers))


def wire_add(ctx: AppContext, button, inputs, result, refreshers) -> None:
    """The add button: report, cleared inputs, then every refreshed component (all tabs)."""
    password, files, replace = inputs
    targets = [c for c, _ in refreshers]

    def add(password_value, file_values, replace_value, progress=gr.Progress()):
        try:
            html = handle_add(ctx, password_value, file_values, progress, replace_value)
        finally:        # Gradio's temporary copies: added ones are in the corpus now, the rest refused
            remove(Path(getattr(f, "name", f)) for f in (file_values or []))
        return [html, None, "", False] + [fn() for _, fn in refreshers]

    button.click(add, inputs=[password, files, replace], outputs=[result, files, password, replace] + targets,
                 show_progress_on=[files], concurrency_limit=1, concurrency_id="rebuild",
                 api_visibility="private")
