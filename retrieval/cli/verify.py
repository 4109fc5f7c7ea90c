"""`python -m retrieval verify [--json] "QUOTE"` and `python -m retrieval verify --eval eval/quotes.jsonl`."""
from __future__ import annotations

import sys

from retrieval.indexing import stores
from retrieval.search.cite import citation
from retrieval.cli import add_engine_args, print_json
from retrieval.search.engine import Engine
from retrieval.evaluate.quotes import evaluate, load_quotes, print_summary, summary
from retrieval.tools.verify import Verifier, check_dict

VERDICTS = {"exact": "原文一致", "variant": "与原文有出入", "stitched": "拼接引文（出自多处）",
            "partial": "部分出自语料", "not_found": "语料中未找到"}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "verify", help="check a quotation against the corpus (exact, variant, stitched, not found)",
        description="Check a quotation as written in a draft against the stored clean text. "
                    "Differences are shown as [quote→source], [-extra in quote], [+missing from quote]. "
                    "Without QUOTE, the quotation is read from stdin.")
    p.add_argument("quote", nargs="?", help="the quotation (simplified or traditional, any punctuation)")
    p.add_argument("--json", action="store_true", help="print the JSON result")
    p.add_argument("--eval", metavar="JSONL", help="evaluate on a quotation set (eval/quotes.jsonl)")
    p.add_argument("--split", choices=("dev", "test"), help="with --eval: only this half of the set")
    add_engine_args(p)
    p.set_defaults(func=run)


def run(args) -> int:
    quote = args.quote if args.quote is not None or args.eval else stdin_text()
    engine = Engine.open(stores.location(args.index, args.store), args.corpus, model=args.model)
    if args.eval:
        data = summary(evaluate(engine, load_quotes(args.eval, args.split)))
        print_json(data) if args.json else print_summary(data)
        return 0
    result = check_dict(engine, Verifier(engine).check(quote))
    print_json(result) if args.json else print(readable(result))
    return 0


def stdin_text() -> str:
    """All of stdin as UTF-8 whatever the locale; undecodable bytes become surrogates, which are
    dropped from a quotation like those of an argument."""
    raw = getattr(sys.stdin, "buffer", None)
    return raw.read().decode("utf-8", "surrogateescape") if raw is not None else sys.stdin.read()


def diff_text(ops: list[dict]) -> str:
    marks = {"equal": "{quote}", "replace": "[{quote}→{source}]", "extra": "[-{quote}]", "missing": "[+{source}]"}
    return "".join(marks[op["op"]].format(**op) for op in ops)


def located(item: dict, indent: str = "") -> list[str]:
    lines = [f"{indent}原文：{item['original']}", f"{indent}出处：{citation(item['source'])}"]
    if item.get("occurrences", 0) > 1:
        lines.append(f"{indent}（语料中出现 {item['occurrences']} 次，显示第一处）")
    if any(op["op"] != "equal" for op in item["diff"]):
        lines.append(f"{indent}差异：{diff_text(item['diff'])}")
    return lines


def readable(result: dict) -> str:
    lines = [f"引文：{result.get('given') or result['quote']}"]
    if result.get("given") and result["given"] != result["quote"]:
        lines.append(f"清洗后：{result['quote']}（按语料的清洗规则：去掉拼音注音，繁体转简体，统一全半角）")
    lines.append(f"结论：{VERDICTS[result['verdict']]}（{result['verdict']}，相似度 {result['similarity']:.2f}）")
    if result["source"]:
        lines += located(result)
    for n, part in enumerate(result["parts"], start=1):
        lines.append(f"  第{n}句：{part['text']} —— {VERDICTS[part['verdict']]}")
        if part["source"]:
            lines += located(part, "    ")
    if result.get("note"):
        lines.append(f"说明：{result['note']}")
    return "\n".join(lines)
