"""The audit report as people read it: plain text (CLI), Markdown and Word (.docx).

All three follow the audit's JSON (`retrieval.tools.audit`): the summary first, then the
quotations in manuscript order with verdict, original, full citation and differences.
The .docx holds the manuscript's own paragraphs with each checked quotation
highlighted in its verdict's colour and the finding attached as a Word comment,
then a summary table and the details (`retrieval.tools.audit_docx`).
"""
from __future__ import annotations

from retrieval.search.cite import citation, format_citation, location
from retrieval.tools.detect import RULES

VERDICTS = {"exact": "原文一致", "variant": "与原文有出入", "stitched": "拼接引文（出自多处）",
            "partial": "部分出自语料", "not_found": "语料中未找到"}
DIFF_MARKS = {"equal": "{quote}", "replace": "[{quote}→{source}]", "extra": "[-{quote}]", "missing": "[+{source}]"}
MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]{}<>#|~"})


def summary_line(result: dict) -> str:
    """`N 处引文：原文一致 a，与原文有出入 b，…；未加引号的借用 d`."""
    s = result["summary"]
    counts = "，".join(f"{VERDICTS[v].split('（')[0]} {s[v]}" for v in VERDICTS if s[v] or v in ("exact", "not_found"))
    return f"{s['quotations']} 处引文：{counts}；其中未加引号、出自语料的借用 {s['unmarked']} 处"


def summary_rows(result: dict) -> list[tuple[str, int]]:
    s = result["summary"]
    return [("引文总数", s["quotations"])] + [(VERDICTS[v], s[v]) for v in VERDICTS] + \
        [("未加引号的借用", s["unmarked"])]


def diff_text(ops: list[dict]) -> str:
    return "".join(DIFF_MARKS[op["op"]].format(**op) for op in ops)


def changed(item: dict) -> bool:
    return any(op["op"] != "equal" for op in item.get("diff") or [])


def cite_line(src: dict, style: str = "default") -> str:
    """The full citation of a source in `style` (GB/T 7714 references name no paragraph: its place follows)."""
    return citation(src) if style == "default" else f"{format_citation(src, style)} {location(src)}".strip()


def verdict_text(q: dict) -> str:
    return f"{VERDICTS[q['verdict']]}（{q['verdict']}，相似度 {q['similarity']:.2f}）"


def finding_lines(q: dict, style: str = "default") -> list[str]:
    """What a reviewer needs about one quotation: verdict, rule, original, citation, differences, parts."""
    lines = [f"结论：{verdict_text(q)}", f"发现方式：{RULES[q['rule']]}"]
    if q["source"]:
        lines += [f"原文：{q['original']}", f"出处：{cite_line(q['source'], style)}"]
        if changed(q):
            lines.append(f"差异：{diff_text(q['diff'])}")
    for n, part in enumerate(q.get("parts") or [], start=1):
        where = f"，出处：{cite_line(part['source'], style)}" if part.get("source") else ""
        lines.append(f"第{n}句：{part['text']} —— {VERDICTS[part['verdict']]}{where}")
    if q["verdict"] == "not_found":
        lines.append("语料中没有找到这段话：请核对出处，或改为自己的表述。")
    return lines


def to_text(result: dict, style: str = "default") -> str:
    """The CLI's readable report."""
    lines = [f"文稿：{result['file']}", summary_line(result), ""]
    for n, q in enumerate(result["quotations"], start=1):
        mark = "加引号" if q["marked"] else "未加引号"
        lines.append(f"[{n}] 第 {q['start'] + 1}–{q['end']} 字（{mark}）：{q['text']}")
        lines += [f"    {line}" for line in finding_lines(q, style)]
        lines.append("")
    if not result["quotations"]:
        lines.append("文稿中没有发现引文。")
    return "\n".join(lines).rstrip() + "\n"


def md(text: str) -> str:
    return (text or "").translate(MD_SPECIAL)


def to_markdown(result: dict, style: str = "default") -> str:
    lines = [f"# 引文审核报告：{md(result['file'])}", "", f"**{md(summary_line(result))}**", "",
             "| 项目 | 数量 |", "| --- | ---: |"]
    lines += [f"| {label} | {count} |" for label, count in summary_rows(result)]
    lines.append("")
    for n, q in enumerate(result["quotations"], start=1):
        mark = "加引号" if q["marked"] else "未加引号"
        lines += [f"## {n}. {md(VERDICTS[q['verdict']])}（{mark}，第 {q['start'] + 1}–{q['end']} 字）", "",
                  f"> {md(q['text'])}", ""]
        lines += [f"- {md(line)}" for line in finding_lines(q, style)]
        lines.append("")
    if not result["quotations"]:
        lines += ["文稿中没有发现引文。", ""]
    return "\n".join(lines)
