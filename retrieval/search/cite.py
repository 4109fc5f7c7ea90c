"""Citations as people write them: `作者单位：《标题》，来源，日期，二、（三） 第2段`, and the
GB/T 7714-2015 form Chinese publications use (`format_citation(src, "gbt7714")`)."""
from __future__ import annotations

import datetime
import re

from retrieval.errors import QueryError


def cn_date(date: str) -> str:
    """ISO date as written in Chinese citations: 2021-11-15 -> 2021年11月15日."""
    parts = [p for p in (date or "").split("-") if p.isdigit()]
    units = ("年", "月", "日")
    if not parts or len(parts) > 3:
        return date or ""
    return "".join(f"{int(p) if i else p}{units[i]}" for i, p in enumerate(parts))


def book_title(title: str) -> str:
    """《title》, with 《》 inside the title turned into 〈〉 as Chinese usage wants."""
    return "《" + (title or "").replace("《", "〈").replace("》", "〉") + "》"


def location(passage: dict) -> str:
    """`二、（三） 第2段`; PDFs add the page: `第3页 第2段`. A heading line (paragraph number 0) is
    named by its section alone (`二、（三）`): it is no 第N段 of it."""
    parts = [passage.get("section") or ""]
    if passage.get("page"):
        parts.append(f"第{passage['page']}页")
    number = passage.get("paragraph", 1)
    if number != 0:
        parts.append(f"第{number or 1}段")
    return " ".join(p for p in parts if p)


def citation(passage: dict) -> str:
    """`作者单位：《标题》，来源，日期，二、（三） 第2段` (empty fields left out)."""
    fields = [book_title(passage.get("title", "")), passage.get("source") or "",
              cn_date(passage.get("date") or ""), location(passage)]
    author = passage.get("author") or ""
    return (f"{author}：" if author else "") + "，".join(f for f in fields if f)


def quotation(passage: dict) -> str:
    """Ready-to-paste reference: the quoted passage, then its citation."""
    return f"“{passage['text']}”\n——{citation(passage)}"


# --- GB/T 7714-2015 (信息与文献 参考文献著录规则) ---------------------------------------
STYLES = {"default": "常用格式", "gbt7714": "GB/T 7714-2015"}
NEWSPAPER = re.compile(r"(?<![情学画])报(?:社)?$")
WEB = re.compile(r"(?:网|网站|官网|平台|客户端|公众号|微信|微博|头条号|视频号|在线)$")
JOURNAL_ISSUE = re.compile(r"^《?(?P<name>[^《》]+?)》?\s*(?P<year>\d{4})\s*年\s*第\s*(?P<issue>\d{1,3})\s*期$")


def resource_type(src: dict) -> str:
    """The GB/T 7714 type code of a cited document, from its metadata alone: `N` a newspaper
    (`郑州日报`), `J` an issue of a periodical (`《旗帜》2024年第11期`), `EB/OL` a web capture
    (a `url`, or a source that names a site or platform: `旗帜微平台`), `Z` anything else."""
    source = (src.get("source") or "").strip()
    if JOURNAL_ISSUE.match(source):
        return "J"
    if NEWSPAPER.search(source.strip("《》")):
        return "N"
    if src.get("url") or WEB.search(source):
        return "EB/OL"
    return "Z"


def gbt_title(title: str) -> str:
    """A title as GB/T 7714 writes it: no book-title marks around it, no final full stop."""
    title = (title or "").strip()
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]
    return title.rstrip("。.") or "无题名"


def gbt7714(src: dict, number: int | None = None, cited: str | None = None) -> str:
    """One reference in GB/T 7714-2015 form, e.g.
    `[1] 郑州市委市直机关工委. 以党建“第一责任”引领和保障发展[N]. 郑州日报, 2021-11-15.`
    (`src` is a source dict, `retrieval.search.slices.source_dict`; empty fields are left out; `cited`,
    the 引用日期 of a web capture, defaults to today)."""
    kind, source, date = resource_type(src), (src.get("source") or "").strip(), src.get("date") or ""
    author = (src.get("author") or "").strip() or (source if kind == "EB/OL" else "")
    head = (f"{author}. " if author else "") + f"{gbt_title(src.get('title', ''))}[{kind}]. "
    page = f": {src['page']}" if src.get("page") else ""
    if kind == "N":
        tail = ", ".join(f for f in (source.strip("《》"), date) if f) + "."
    elif kind == "J":
        issue = JOURNAL_ISSUE.match(source)
        tail = f"{issue['name']}, {issue['year']}({int(issue['issue'])}){page}."
    elif kind == "EB/OL":
        cited = cited or datetime.date.today().isoformat()
        publisher = f"{source}, " if source and source != author else ""
        tail = f"{publisher}({date})[{cited}]." if date else f"{publisher}[{cited}]."
        tail += f" {src['url']}." if src.get("url") else ""
    else:
        tail = ", ".join(f for f in (source.strip("《》"), date) if f)
        tail = (tail + page + ".") if tail else (page.lstrip(": ") + "." if page else "")
    return (f"[{number}] " if number is not None else "") + (head + tail).strip()


def format_citation(src: dict, style: str = "default", number: int | None = None) -> str:
    """The citation of `src` in `style`: `default` (`作者单位：《标题》，来源，日期，位置`) or
    `gbt7714` (GB/T 7714-2015, numbered `[number]` when given). Raises QueryError on another style."""
    if style == "default":
        text = citation(src)
        return f"[{number}] {text}" if number is not None else text
    if style == "gbt7714":
        return gbt7714(src, number)
    raise QueryError(f"unknown citation style {style!r}: choose one of {', '.join(STYLES)}")


def quotation_in(passage: dict, style: str = "default") -> str:
    """`quotation`, with the citation in `style`."""
    return f"“{passage['text']}”\n——{format_citation(passage, style)}"
