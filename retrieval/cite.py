"""Citations as people write them: `作者单位：《标题》，来源，日期，二、（三） 第2段`."""
from __future__ import annotations


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
