"""Choosing a document's title, and saying where it came from (`Document.title_from`).

In order of trust:
  `sidecar`       `NAME.meta.json` beside the file (`{"title": "…"}`): a curator's fix;
  `front matter`  a `.md` file's YAML front matter;
  `page title`    an HTML page's `<title>`, without the site's name (`标题_旗帜网` -> `标题`),
                  when the page has no heading of its own at the top;
  `headline`      the first line when it is shaped like a title (`title_like`), or else a lone
                  title-shaped line among the first few lines, after a lede or a byline, when no
                  other unnumbered heading follows it (a first section heading is not a title);
  `inferred`      nothing stated one: `infer_title` takes it from the first paragraph.

A line is shaped like a title when it is short (at most 60 characters), has no sentence inside
(`。！？；`), does not end in a clause break or colon, defines no abbreviation (`（以下简称《意见》）`
opens the body of a text that names what it is about), and is neither a salutation
(`同志们`, `各位代表`), a byline (`本报记者 王明`) nor a breadcrumb (`首页 > 期刊`). `infer_title` prefers the clause of the
first paragraph that defines an abbreviation, without that parenthetical
(`制定出台部门党组（党委）落实机关党建主体责任意见（以下简称《意见》），是…` ->
`制定出台部门党组（党委）落实机关党建主体责任意见`), then the clause naming the first work in
`《》` (`近日，中共中央印发了《…条例》，要求…` -> `中共中央印发了《…条例》`), then the first sentence;
each trimmed to about 40 characters at a clause break.
"""
from __future__ import annotations

import re

SOURCES = ("sidecar", "front matter", "page title", "headline", "inferred")
TITLE_MAX = 40              # an inferred title is cut to about this many characters
LINE_MAX = 60               # a title line is at most this long
SENTENCE_END = re.compile(r"[。！？!?]")
INNER_SENTENCE = re.compile(r"[。！？；]")
BAD_ENDING = re.compile(r"[，、,：:；;.!?]$|[（(《“‘【]$")
ABBREVIATION = re.compile(r"[（(]\s*(?:以下|下文)?简称[^（）()]{0,40}[)）]")
NAMED_WORK = re.compile(r"《([^《》]{4,80})》")
SALUTATION = re.compile(r"^(?:尊敬的|各位|亲爱的)|(?:同志们|朋友们|同学们)[，：:！!]?$")
BYLINE = re.compile(r"^(?:文|图|文图|记者|通讯员|本报记者|本刊记者|本报讯|本刊讯|特约评论员)(?:[/／｜|:：\s]|$)")
CRUMB_SEPARATOR = re.compile(r"\s*[>＞›»]\s*")
CRUMB = re.compile(r"[^<>。！？，；]{1,20}")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CLAUSE_BREAK = "，；：,;:"
OPEN, CLOSE = "《（(“‘【「『", "》）)”’】」』"
SITE_SEPARATOR = re.compile(r"\s*(?:_|\||｜|\s-\s|--|－－)\s*")
SITE_NAME_MAX = 16


def title_like(line: str) -> bool:
    """A line shaped like a title (see module docstring): short, no sentence inside, no dangling end."""
    line = line.strip()
    return (0 < len(line) <= LINE_MAX and len(CJK.findall(line)) >= 2
            and not INNER_SENTENCE.search(line) and not BAD_ENDING.search(line)
            and not ABBREVIATION.search(line) and not SALUTATION.search(line)
            and not BYLINE.match(line) and not breadcrumb(line))


def breadcrumb(line: str) -> bool:
    """`首页 > 期刊杂志 > 正文`: two or more short parts (no `<`, no sentence) joined by `>`, `›` or `»`."""
    parts = CRUMB_SEPARATOR.split(line.strip())
    return len(parts) >= 2 and all(CRUMB.fullmatch(p) for p in parts)


def page_title(text: str) -> str:
    """An HTML `<title>` without the site and channel names after `_`, `|`, ` - ` or `--`."""
    parts = [p for p in SITE_SEPARATOR.split(text.strip()) if p]
    while len(parts) > 1 and len(parts[-1]) <= SITE_NAME_MAX:
        parts.pop()
    return parts[0] if len(parts) == 1 else text.strip()


def clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of `sentence`: split at `，；：` outside brackets and quotes."""
    spans, depth, start = [], 0, 0
    for i, char in enumerate(sentence):
        depth += (char in OPEN) - (char in CLOSE)
        if char in CLAUSE_BREAK and depth <= 0:
            spans.append((start, i))
            start, depth = i + 1, 0
    return spans + [(start, len(sentence))]


def clause_at(sentence: str, offset: int) -> str:
    """The clause of `sentence` that holds character `offset`."""
    return next(sentence[s:e] for s, e in clauses(sentence) if s <= offset <= e).strip()


def trim(text: str) -> str:
    """`text` cut at its last clause break within ~40 characters (or at 40 with `…`)."""
    text = text.strip()
    if len(text) <= TITLE_MAX:
        return text
    cut = max(text.rfind(c, 0, TITLE_MAX + 1) for c in CLAUSE_BREAK + "、")
    return text[:cut] if cut >= TITLE_MAX // 2 else text[:TITLE_MAX] + "…"


def first_sentence(paragraph: str) -> str:
    return SENTENCE_END.split(paragraph.strip(), maxsplit=1)[0].strip()


def naming_clause(paragraph: str) -> str:
    """The clause that defines an abbreviation (without it), else the one naming the first `《》`."""
    for pattern in (ABBREVIATION, NAMED_WORK):
        match = pattern.search(paragraph)
        if not match:
            continue
        sentence_start = max((m.end() for m in SENTENCE_END.finditer(paragraph, 0, match.start())), default=0)
        sentence = paragraph[sentence_start:]
        sentence = sentence[:SENTENCE_END.search(sentence).start()] if SENTENCE_END.search(sentence) else sentence
        clause = ABBREVIATION.sub("", clause_at(sentence, match.start() - sentence_start)).strip()
        if len(CJK.findall(clause)) >= 6:
            return clause
    return ""


def opening_paragraph(paragraphs: list[str]) -> str:
    """The first paragraph that is not a salutation (`同志们：`), a byline or a breadcrumb: what a title
    is inferred from."""
    return next((p for p in paragraphs if not (SALUTATION.search(p) or BYLINE.match(p) or breadcrumb(p))),
                paragraphs[0] if paragraphs else "")


def infer_title(first_paragraph: str) -> str:
    """A title for a text that states none, from its first paragraph (see module docstring)."""
    chosen = naming_clause(first_paragraph) or ABBREVIATION.sub("", first_sentence(first_paragraph))
    return trim(chosen)


__all__ = ["SOURCES", "title_like", "page_title", "opening_paragraph", "infer_title", "TITLE_MAX"]
