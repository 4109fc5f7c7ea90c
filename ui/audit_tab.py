"""The 引文核对 tab's second section: audit a whole manuscript (引文审核).

Upload a file (the same types and size limit as corpus uploads, read by the corpus's
readers in a temporary folder that is removed at once) or paste the text; the report
shows the summary, the manuscript with each quotation coloured by verdict (a link to
its finding), and one card per finding with the original, its full citation, the
differences and the source paragraph. Downloads: .docx, Markdown and JSON, written to a
per-user temporary folder pruned after an hour. The manuscript itself is never stored.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from functools import partial
from pathlib import Path

import gradio as gr

from retrieval.tools.audit import MAX_CHARS, audit, pasted, read_manuscript
from retrieval.tools.audit_docx import to_docx
from retrieval.tools.audit_report import VERDICTS, cite_line, summary_line, to_markdown
from retrieval.search.cite import STYLES
from retrieval.tools.detect import RULES
from retrieval.errors import DocumentError, RetrievalError
from ui.context import AppContext
from ui.document import context_html
from ui.render import esc, notice
from ui.uploads import UploadError, check_size, safe_name
from ui.study_tab import prune_exports
from ui.verify_tab import diff_html, verifier

MANUSCRIPT_TYPES = (".docx", ".txt", ".md", ".pdf")   # what anyone may upload to audit (ui/upload_guard.py)

log = logging.getLogger(__name__)
KINDS = {"exact": "ok", "variant": "warn", "stitched": "warn", "partial": "bad", "not_found": "bad"}
STYLE = ("<style>.au-q{text-decoration:none;color:inherit;border-radius:3px;padding:0 1px}"
         ".au-ok{background:#d9f2df}.au-warn{background:#fff0b8}.au-bad{background:#fbd5d5}"
         ".au-q sup{color:#667;font-size:11px;margin-left:1px}.au-manuscript p{line-height:1.9;margin:0 0 8px}"
         ".au-summary{font-weight:600}.au-rule{font-size:13px;color:#667}.au-finding{scroll-margin-top:60px}"
         ".au-finding:target{outline:2px solid #c7a24a}</style>")
EXPORTS = Path(tempfile.gettempdir()) / f"qa-audit-exports-{os.getuid() if hasattr(os, 'getuid') else 'user'}"


def manuscript_of(upload, text, max_bytes: int) -> tuple[str, str]:
    """(name, text) of the uploaded file, else of the pasted text; `UploadError`/`DocumentError` says why not."""
    if upload:
        path = Path(upload if isinstance(upload, str) else getattr(upload, "name", upload))
        name = safe_name(path.name)
        if not path.is_file():
            raise UploadError(f"{name}：上传的文件不存在")
        check_size(path, max_bytes)
        with tempfile.TemporaryDirectory(prefix="audit-read-") as tmp:
            trial = Path(tmp) / name
            shutil.copyfile(path, trial)
            path.unlink(missing_ok=True)      # nothing is kept: the upload space is freed at once
            return name, read_manuscript(trial)
    return "粘贴的文稿", pasted(text or "")


def manuscript_html(text: str, quotations: list[dict]) -> str:
    """The manuscript's lines, each quotation a coloured link to its finding card."""
    paras, offset = [], 0
    for line in text.split("\n"):
        end, pieces, at = offset + len(line), [], offset
        for n, q in enumerate(quotations, start=1):
            s, e = max(q["start"], at), min(q["end"], end)
            if s >= e:
                continue
            pieces.append(esc(text[at:s]))
            pieces.append(f'<a class="au-q au-{KINDS[q["verdict"]]}" href="#audit-f{n}" data-n="{n}" '
                          f'title="{esc(VERDICTS[q["verdict"]])}">{esc(text[s:e])}<sup>[{n}]</sup></a>')
            at = e
        pieces.append(esc(text[at:end]))
        if line.strip():
            paras.append(f"<p>{''.join(pieces)}</p>")
        offset = end + 1
    return f'<div class="au-manuscript qa-card">{"".join(paras)}</div>'


def source_html(ctx: AppContext, item: dict, style: str) -> str:
    src = item["source"]
    doc = ctx.engine.documents.get(src["doc_id"])
    around = (f'<details class="qa-context"><summary>查看原文上下文</summary>'
              f'{context_html(doc, src["start"], src["end"])}</details>') if doc else ""
    diff = f'<p class="vq-diff">差异：{diff_html(item["diff"])}</p>' if any(
        op["op"] != "equal" for op in item["diff"]) else ""
    return (f'<blockquote class="qa-quote">{esc(item["original"])}</blockquote>'
            f'<p class="qa-cite">{esc(cite_line(src, style))}</p>{diff}{around}')


def finding_html(ctx: AppContext, n: int, q: dict, style: str) -> str:
    kind = KINDS[q["verdict"]]
    head = (f'<h4 class="vq-verdict-{kind}">[{n}] {esc(VERDICTS[q["verdict"]])}（'
            f'相似度 {q["similarity"]:.0%}）</h4><p class="au-rule">{esc(RULES[q["rule"]])}</p>'
            f'<p>文稿：<span class="au-q au-{kind}">{esc(q["text"])}</span></p>')
    body = [source_html(ctx, q, style)] if q["source"] else []
    for i, part in enumerate(q["parts"], start=1):
        body.append(f'<div class="vq-part"><p>第{i}句：{esc(part["text"])} '
                    f'<b>{esc(VERDICTS[part["verdict"]])}</b></p>'
                    f'{source_html(ctx, part, style) if part["source"] else ""}</div>')
    if q["verdict"] == "not_found":
        body.append(notice("语料中没有找到这段话：请核对出处，或改为自己的表述。", "empty"))
    return f'<article class="qa-card au-finding" id="audit-f{n}">{head}{"".join(body)}</article>'


def report_html(ctx: AppContext, result: dict, text: str, style: str = "default") -> str:
    if not result["quotations"]:
        return notice("文稿中没有发现引文（引号内至少 8 个汉字的文字、“指出：”等引出的话，或与语料原句高度相似的句子）。",
                      "empty")
    cards = "".join(finding_html(ctx, n, q, style) for n, q in enumerate(result["quotations"], start=1))
    legend = ('<p class="vq-legend"><span class="au-q au-ok">原文一致</span> '
              '<span class="au-q au-warn">有出入或拼接</span> <span class="au-q au-bad">部分或未找到</span> '
              '点击文稿中的引文查看核对结果和出处</p>')
    return (f'{STYLE}<p class="au-summary">{esc(summary_line(result))}</p>{legend}'
            f'{manuscript_html(text, result["quotations"])}{cards}')


def write_files(result: dict, text: str, style: str = "default") -> list[str]:
    prune_exports(exports=EXPORTS, prefix="audit-")
    EXPORTS.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="audit-", dir=EXPORTS))
    stem = "".join(c for c in Path(result["file"]).stem if c.isalnum())[:30] or "文稿"
    files = {f"引文审核-{stem}.docx": to_docx(result, text, style),
             f"引文审核-{stem}.md": to_markdown(result, style).encode("utf-8"),
             f"引文审核-{stem}.json": json.dumps(result, ensure_ascii=False, indent=2).encode("utf-8")}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [str(folder / name) for name in files]


def handle_audit(ctx: AppContext, upload, text, style="default",
                 progress=gr.Progress()) -> tuple[str, list[str] | None]:
    """-> (HTML report, [docx, md, json paths]), citations in `style`; every failure becomes a Chinese notice."""
    style = style if style in STYLES else "default"
    try:
        name, manuscript = manuscript_of(upload, text, ctx.max_upload_mb * 2**20)
        result = audit(ctx.engine, manuscript, name, verifier(ctx),
                       progress=lambda fraction, message: progress(fraction, desc=message))
    except UploadError as exc:
        return notice(f"无法审核：{exc}", "error"), None
    except DocumentError as exc:
        return notice(f"无法读取文稿：{exc}", "error"), None
    except RetrievalError as exc:
        return notice(f"无法审核：{message_cn(str(exc))}", "error"), None
    except Exception:
        log.exception("audit failed")
        return notice("审核时出现内部错误，请稍后再试。", "error"), None
    return report_html(ctx, result, manuscript, style), write_files(result, manuscript, style)


def message_cn(message: str) -> str:
    """The library's messages about a manuscript, in Chinese."""
    if "is empty" in message:
        return "请上传文稿或粘贴文稿全文。"
    if "no Chinese text" in message:
        return "文稿中没有中文内容。"
    if "characters; at most" in message:
        return f"文稿过长（一次最多审核 {MAX_CHARS} 字），请分段审核。"
    return message


def build(ctx: AppContext) -> None:
    """The manuscript-audit section, laid out inside the 引文核对 tab."""
    gr.HTML('<h3 class="au-title" style="font-size:17px;font-weight:700;margin:14px 0 4px">整篇文稿审核</h3>'
            '<p class="vq-legend">上传讲稿、课件备注或学习报告'
            '（.docx .txt .md .pdf），或粘贴全文：找出其中的每一处引文（包括未加引号的借用），逐一核对。'
            '文稿不会被保存，也不会加入语料库。</p>', apply_default_css=False)
    with gr.Row(elem_classes="audit-inputs"):
        upload = gr.File(label="上传文稿", file_types=list(MANUSCRIPT_TYPES), elem_id="audit-upload")
        text = gr.Textbox(label="或粘贴文稿全文", lines=6, max_length=MAX_CHARS, elem_id="audit-text")
    style = gr.Radio([(label, key) for key, label in STYLES.items()], value="default", label="引用格式",
                     elem_id="audit-style")
    button = gr.Button("审核全文", variant="primary", elem_id="audit-submit")
    out = gr.HTML("", elem_id="audit-report", apply_default_css=False)
    files = gr.File(label="下载审核报告（Word / Markdown / JSON）", file_count="multiple", interactive=False,
                    elem_id="audit-files")
    button.click(partial(handle_audit, ctx), inputs=[upload, text, style], outputs=[out, files],
                 api_visibility="private", concurrency_id="ask")
