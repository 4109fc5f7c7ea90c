"""`python -m retrieval ask [--index DIR] [--corpus DIR] [--top-k K] [--json | --jsonl] "QUESTION"`."""
from __future__ import annotations

import json
import math
import sys

from retrieval.indexing import stores
from retrieval.search.cite import citation
from retrieval.cli import add_store_arg, print_json
from retrieval.search.engine import Engine
from retrieval.search.result import by_part, error_result, unexplained_message

ECHO_MAX = 1000    # characters of a bad input line echoed back as its `question`


def register(subparsers) -> None:
    p = subparsers.add_parser("ask", help="answer a question with a verbatim, cited passage")
    p.add_argument("question", nargs="?", help="the question (simplified or traditional)")
    p.add_argument("--index", default="index", help="index folder (default: index/)")
    p.add_argument("--corpus", default="corpus",
                   help="corpus folder; the index is built first when missing or stale (default: corpus/)")
    add_store_arg(p)
    p.add_argument("--top-k", type=int, default=5, help="passages to return (default 5)")
    p.add_argument("--doc", action="append", default=None, help="search only this doc_id (repeatable)")
    p.add_argument("--model", default=None, help="embedding model name or path")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the JSON result")
    out.add_argument("--jsonl", action="store_true",
                     help='read {"question": ...} lines on stdin, write one JSON result a line')
    p.set_defaults(func=run)


def run(args) -> int:
    if not args.jsonl and args.question is None:
        print('error: give a question, e.g. python -m retrieval ask "什么是一岗双责？"', file=sys.stderr)
        return 2
    engine = Engine.open(stores.location(args.index, args.store), args.corpus, model=args.model)
    if args.jsonl:
        return run_lines(engine, args.top_k, args.doc)
    result = engine.ask(args.question, args.top_k, args.doc)
    if args.json:
        print_json(result)
    else:
        print(readable(result))
    return 2 if result.get("error") else 0          # bad input: the result says why, the status too


def run_lines(engine: Engine, top_k: int, doc_ids) -> int:
    """One strict-JSON result a line for every non-blank input line: a line that is not a JSON object
    (too deeply nested, `NaN`, undecodable) or that fails to answer gets its own error result, and
    the stream goes on."""
    for line in input_lines():
        if line.strip():
            sys.stdout.write(strict_json(answer_line(engine, line, top_k, doc_ids)) + "\n")
            sys.stdout.flush()
    return 0


def input_lines():
    """stdin's lines, as UTF-8 whatever the locale: undecodable bytes become surrogates (dropped from
    a question like those of an argument) instead of ending the run."""
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:                                  # a text stream that was never bytes
        yield from sys.stdin
        return
    for line in raw:
        yield line.decode("utf-8", "surrogateescape")


def not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")


def finite(number: str) -> float:
    value = float(number)
    if not math.isfinite(value):
        raise ValueError(f"the number {number[:20]} is out of range")
    return value


def answer_line(engine: Engine, line: str, top_k: int, doc_ids) -> dict:
    try:
        item = json.loads(line.lstrip("\ufeff"), parse_constant=not_json, parse_float=finite)
        if not isinstance(item, dict):
            raise ValueError("not a JSON object")
    except RecursionError:
        return error_result(echo(line), "bad input line: nested too deeply")
    except ValueError as exc:
        return error_result(echo(line), f"bad input line: {exc}")
    try:
        return {**item, **engine.ask(item.get("question"), top_k, doc_ids)}
    except Exception as exc:  # noqa: BLE001  (one line's failure must not end the stream)
        return error_result(item.get("question"), f"cannot answer this line: {type(exc).__name__}: {exc}")


def echo(line: str, limit: int = ECHO_MAX) -> str:
    line = line.strip()
    return line if len(line) <= limit else line[:limit] + "…"


def strict_json(result: dict) -> str:
    """`result` as one line of strict JSON (no NaN or Infinity); an error result when it cannot be."""
    try:
        return json.dumps(result, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError, RecursionError) as exc:
        fallback = error_result(result.get("question"), f"the result cannot be written as JSON: {exc}")
        return json.dumps(fallback, ensure_ascii=False)


def marked(p: dict) -> str:
    text, out, at = p["text"], [], 0
    for s, e in p["highlights"]:
        out += [text[at:s], "【", text[s:e], "】"]
        at = e
    return "".join(out + [text[at:]])


def readable(result: dict) -> str:
    lines = [f"问：{result['question']}"]
    if result.get("error"):
        return "\n".join(lines + [f"无法回答：{result['error']}"])
    if result.get("corrections"):
        lines.append(f"（已按“{result['corrected']}”检索）")
    passages = result["passages"]
    named, parts, after = by_part(passages)
    if result["found"] and parts:          # the parts a document's outline spells out, all of them, in order
        if named:
            lines += ["答（原文，【】为最相关的句子）："] + [f"  {marked(p)}\n出处：{citation(p)}" for p in named]
        lines.append(f"原文分{len(parts)}项列出（按原文顺序）：" if named else f"答（原文分{len(parts)}项列出，按原文顺序）：")
        lines += [f"  第{p['part']}项 {marked(p)}\n     ——{citation(p)}" for p in parts]
        rest, label = after, "其他出处："
    elif result["found"]:
        top = passages[0]
        if result.get("unexplained"):     # the passage only names what is asked: shown as that, not as the answer
            lines += [f"（{unexplained_message(result['unexplained']).rstrip('。')}）",
                      "提到它的原文（【】为最相关的句子）："]
        else:
            lines.append("答（原文，【】为最相关的句子）：")
        lines += [f"  {marked(top)}", f"出处：{citation(top)}"] + \
            ([f"  {top['credits']}"] if top.get("credits") else [])
        rest, label = passages[1:], "其他出处："
    else:
        lines.append("语料库中没有找到这个问题的答案。")
        rest, label = passages, "相关段落（仅供参考，并非答案）："
    if rest:
        lines.append(label)
        lines += [f"  {p['rank']}. {p['text'][:80]}{'…' if len(p['text']) > 80 else ''}\n"
                  f"     ——{citation(p)}" for p in rest]
    return "\n".join(lines)
