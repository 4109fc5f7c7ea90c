"""The 引文核对 tab: paste a quotation, get the verdict, the cited original and coloured differences.

`verify_html(ctx, quote)` is the handler (tested without a server); every piece of
quotation or document text is escaped by `ui.render.esc`.
"""
from __future__ import annotations

import json
import logging
from functools import partial

import gradio as gr

from retrieval.errors import RetrievalError
from retrieval.search.query import encodable
from retrieval.tools.verify import Verifier, check_dict
from ui.context import AppContext
from ui.messages import zh
from ui.render import citation, esc, notice, user_text

log = logging.getLogger(__name__)

VERDICTS = {"exact": ("一致", "ok"), "variant": ("有出入", "warn"), "stitched": ("拼接", "warn"),
            "partial": ("部分", "bad"), "not_found": ("未找到", "bad")}
EXPLAIN = {"exact": "引文与原文逐字一致", "variant": "引文与原文有出入，差异见下",
           "stitched": "引文由几处原文拼接而成", "partial": "引文只有一部分出自语料",
           "not_found": "语料中找不到这段引文"}
LEGEND = ('<p class="vq-legend"><del class="vq-extra">引文多出</del> '
          '<ins class="vq-missing">原文有而引文缺</ins> '
          '<span class="vq-replace"><del>引文</del><ins>原文</ins></span> 替换</p>')
STYLE = ("<style>.vq-extra,.vq-replace del{background:#fde2e2;color:#8a1f1f}"
         ".vq-missing,.vq-replace ins{background:#def5e4;color:#1f6b35;text-decoration:none}"
         ".vq-verdict-ok{color:#2f7d4a}.vq-verdict-warn{color:#8a6411}.vq-verdict-bad{color:#8a1f1f}"
         ".vq-legend{font-size:13px;color:#667;margin:10px 0 0}</style>")
EXAMPLE = "各部门党组要牢固树立抓机关党建是本职、不抓机关党建是失职、抓不好机关党建是渎职的理念。"


def verifier(ctx: AppContext) -> Verifier:
    if getattr(ctx, "_verifier", None) is None or ctx._verifier.engine is not ctx.engine:
        ctx._verifier = Verifier(ctx.engine)
    return ctx._verifier


def diff_html(ops: list[dict]) -> str:
    pieces = []
    for op in ops:
        q, s = esc(op["quote"]), esc(op["source"])
        pieces.append({"equal": s, "extra": f'<del class="vq-extra">{q}</del>',
                       "missing": f'<ins class="vq-missing">{s}</ins>',
                       "replace": f'<span class="vq-replace"><del>{q}</del><ins>{s}</ins></span>'}[op["op"]])
    return "".join(pieces)


def changed(item: dict) -> bool:
    return any(op["op"] != "equal" for op in item.get("diff") or ())


def located_html(item: dict, cite: bool = True) -> str:
    """The original text found for `item`, its differences, and (unless `cite` is off) its citation."""
    more = f"（语料中出现 {item['occurrences']} 次，显示第一处）" if item.get("occurrences", 0) > 1 else ""
    rows = [f'<blockquote class="qa-quote">{esc(item["original"])}</blockquote>']
    if changed(item):
        rows.append(f'<p class="vq-diff">差异：{diff_html(item["diff"])}</p>')
    if cite:
        rows.append(f'<p class="qa-cite">{esc(citation(item["source"]))}{esc(more)}</p>')
    return "".join(rows)


def part_html(n: int, part: dict) -> str:
    label, kind = VERDICTS[part["verdict"]]
    found = located_html(part, cite=False) if part["source"] and part["verdict"] != "exact" else ""
    return (f'<div class="vq-part"><p class="vq-sentence"><b class="vq-tag vq-verdict-{kind}">{esc(label)}</b>'
            f'第{n}句：{user_text(part["text"])}</p>{found}</div>')


def parts_html(parts: list[dict], shown: str) -> list[str]:
    """The sentences, one citation per run of sentences from the same source (none for `shown`)."""
    out = []
    for n, part in enumerate(parts, start=1):
        out.append(part_html(n, part))
        cite = citation(part["source"]) if part["source"] else ""
        following = parts[n] if n < len(parts) else None
        next_cite = citation(following["source"]) if following and following["source"] else ""
        if cite and cite != shown and cite != next_cite:
            out.append(f'<p class="qa-cite vq-group-cite">{esc(cite)}</p>')
    return out


def result_html(r: dict) -> str:
    """The verdict card: a large Chinese verdict, the original(s), one citation per source, and
    the colour legend only when there is a difference to read."""
    label, kind = VERDICTS[r["verdict"]]
    head = (f'<div class="vq-head"><span class="vq-verdict vq-verdict-{kind}">{esc(label)}</span>'
            f'<span class="vq-sub">{esc(EXPLAIN[r["verdict"]])} · 相似度 {r["similarity"]:.0%}</span></div>')
    body = []
    if r.get("given") and r["given"] != r["quote"]:
        body.append(f'<p class="vq-cleaned">按语料的清洗规则比较（去掉拼音注音、繁体转简体、统一全半角）：'
                    f'{user_text(r["quote"])}</p>')
    body += [located_html(r)] if r["source"] else []
    shown = citation(r["source"]) if r["source"] else ""
    body += parts_html(r["parts"], shown)
    note = notice(zh(r["note"]), "info") if r.get("note") else ""
    legend = LEGEND if changed(r) or any(changed(p) for p in r["parts"]) else ""
    return f'{STYLE}<div class="qa-card vq-card">{head}{"".join(body)}{note}{legend}</div>'


def verify_html(ctx: AppContext, quote) -> str:
    """The verdict card for a quotation (errors become a notice, never a traceback)."""
    try:
        return result_html(check_dict(ctx.engine, verifier(ctx).check(quote)))
    except RetrievalError as exc:
        return notice(f"无法核对：{zh(exc)}", "error")
    except Exception:
        log.exception("verify failed for %r", quote)
        return notice("核对时出现内部错误，请稍后再试。", "error")


def verify_json(ctx: AppContext, quote: str) -> str:
    """The API form: the same JSON as `python -m retrieval verify --json` (errors in `"error"`)."""
    try:
        return json.dumps(check_dict(ctx.engine, verifier(ctx).check(quote)), ensure_ascii=False)
    except RetrievalError as exc:
        echo = encodable(quote) if isinstance(quote, str) else repr(quote)[:200]
        return json.dumps({"quote": echo, "verdict": "not_found", "error": str(exc)}, ensure_ascii=False)


def build(ctx: AppContext) -> None:
    """Lay out the 引文核对 tab inside the current `gr.Tab`."""
    quote = gr.Textbox(label="待核对的引文", lines=4, max_length=2000,
                       placeholder=f"粘贴讲稿或幻灯片中的引文，例如：{EXAMPLE}")
    button = gr.Button("核对", variant="primary")
    out = gr.HTML("", apply_default_css=False)
    check = partial(verify_html, ctx)
    button.click(check, inputs=quote, outputs=out, api_visibility="private", concurrency_id="ask")
    quote.submit(check, inputs=quote, outputs=out, api_visibility="private", concurrency_id="ask")

    def verify(quote: str) -> str:
        """Check a quotation; the JSON of `python -m retrieval verify --json`."""
        return verify_json(ctx, quote)

    gr.api(verify, api_name="verify", concurrency_id="ask")

    from ui import audit_tab        # the whole-manuscript audit (引文审核), below the one-quotation check
    audit_tab.build(ctx)
