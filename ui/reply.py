"""One question and its reply as HTML, from the JSON result of `Engine.ask`.

Found: the best passage as the answer card, then the further passages, each
cited. Not found: a plain "the corpus holds no answer" notice, then the closest
passages labelled "related, not an answer". An `error` becomes a notice.
"""
from __future__ import annotations

from collections.abc import Mapping

from retrieval.search.align import fold
from retrieval.search.result import by_part, unexplained_message
from retrieval.types import Document
from ui.document import context_html
from ui.messages import zh
from ui.render import esc, notice, passage_card, question_bubble, section_title, user_text

NOT_FOUND = "语料库中没有能回答这个问题的段落。下面是最接近的段落，仅供参考，不构成答案。"
NOT_FOUND_BARE = "语料库中没有能回答这个问题的段落。"
EMPTY = "请输入一个问题，例如：什么是一岗双责？"


def unexplained_notice(term: str) -> str:
    """What the answer does not hold: the corpus only names the formulation asked about (`Engine.unexplained`)."""
    return unexplained_message(term) + "下面是提到它的原文。"


MAX_TERMS = 8            # formulation links under one passage
MENTION_BADGE = "提及原文"


def terms_in(text: str, terms) -> list[str]:
    """The glossary `terms` occurring in `text` (folded: quotes, width, traditional script ignored),
    longest first, leaving out a term inside a longer one found (四强 in 四强党支部)."""
    folded = fold(text).text
    found = sorted((t for t in terms if fold(t).text and fold(t).text in folded), key=len, reverse=True)
    kept = []
    for term in found:
        if not any(fold(term).text in fold(k).text for k in kept):
            kept.append(term)
    return kept[:MAX_TERMS]


def card(passage: dict, kind: str, documents: Mapping[str, Document], terms=(), badge: str = "") -> str:
    doc = documents.get(passage["doc_id"])
    context = context_html(doc, passage["start"], passage["end"]) if doc else ""
    return passage_card(passage, kind, context, terms_in(passage["text"], terms) if terms else (), badge)


def found_html(result: dict, documents: Mapping[str, Document], terms=()) -> str:
    """The best passage, then the others. When the answer is the parts a document's outline spells out
    (`part` 1..N: `六大行动分别是哪六个`), the passage naming them (if first), then all N as the answer, in order."""
    named, parts, more = by_part(result["passages"])
    if parts:
        html = [card(p, "answer", documents, terms) for p in named]
        html.append(section_title(f"原文分{len(parts)}项列出（按原文顺序）"))
        html.extend(card(p, "answer", documents, terms, f"第{p['part']}项 · 共{len(parts)}项") for p in parts)
    else:
        best, *more = more     # a passage that only names what is asked is labelled as such, not 最佳答案
        html = [card(best, "answer", documents, terms, MENTION_BADGE if result.get("unexplained") else "")]
    if more:
        html.append(section_title(f"其他相关出处（{len(more)}）"))
        html.extend(card(p, "more", documents, terms) for p in more)
    return "".join(html)


def not_found_html(result: dict, documents: Mapping[str, Document]) -> str:
    related = result.get("passages") or []
    if not related:
        return notice(NOT_FOUND_BARE, "empty")
    cards = "".join(card(p, "related", documents) for p in related)
    return notice(NOT_FOUND, "empty") + section_title("相关段落（非答案）") + cards


def corrected_html(result: dict) -> str:
    """`已按“一岗双责”检索（原文为“一刚双责”）` when typos in the question were corrected."""
    pairs = result.get("corrections") or []
    if not pairs:
        return ""
    right = "、".join(f"“{user_text(r)}”" for _, r in pairs)
    wrong = "、".join(f"“{user_text(w)}”" for w, _ in pairs)
    return f'<div class="qa-notice qa-notice-info">已按{right}检索（问题中为{wrong}）。</div>'


def reply_html(result: dict, documents: Mapping[str, Document], terms=()) -> str:
    """The reply; a library error (English, as the CLI's `--json` gives it) is shown in Chinese."""
    if result.get("error"):
        return notice(f"无法检索这个问题：{zh(result['error'])}", "error")
    if result.get("found") and result.get("passages"):
        caveat = notice(unexplained_notice(result["unexplained"]), "empty") if result.get("unexplained") else ""
        return corrected_html(result) + caveat + found_html(result, documents, terms)
    return corrected_html(result) + not_found_html(result, documents)


def exchange_html(result: dict, documents: Mapping[str, Document], terms=()) -> str:
    """Question bubble plus reply, as one chat turn (`data-q`: the question of its share link)."""
    question = result.get("question", "")
    return (f'<section class="qa-exchange" data-q="{esc(question)}">{question_bubble(question)}'
            f'<div class="qa-reply">{reply_html(result, documents, terms)}</div></section>')


def conversation_html(results: list[dict], documents: Mapping[str, Document], extra: str = "",
                      terms=()) -> str:
    """All turns, oldest first, plus an optional trailing notice (e.g. for empty input);
    `terms`: the glossary's formulations, linked under each answer passage that holds one."""
    turns = "".join(exchange_html(r, documents, terms) for r in results)
    return f'<div class="qa-thread">{turns}{extra}</div>'


def welcome_html(documents: Mapping[str, Document]) -> str:
    """The first screen: what the corpus holds and how answers look."""
    titles = "".join(f"<li>{esc(d.title)}</li>" for d in list(documents.values())[:8])
    more = f"<li>……共 {len(documents)} 篇</li>" if len(documents) > 8 else ""
    return (
        '<div class="qa-welcome"><p>每个回答都是语料库中的<b>原文段落</b>，逐字引用，'
        "并注明标题、来源、日期、章节和段落；系统不生成任何文字。"
        "找不到答案时会直接说明，并列出相关段落供参考。</p>"
        f'<p class="qa-welcome-sub">当前语料库收录 {len(documents)} 篇文献：</p>'
        f'<ul class="qa-welcome-docs">{titles}{more}</ul></div>')
