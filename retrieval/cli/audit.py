"""`python -m retrieval audit FILE [--json] [--style default|gbt7714] [-o REPORT.docx|.md|.json]`
and `python -m retrieval audit --eval eval/manuscripts.jsonl [--split dev|test]`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from retrieval.indexing import stores
from retrieval.tools.audit import audit, pasted, read_manuscript
from retrieval.tools.audit_docx import to_docx
from retrieval.tools.audit_report import to_markdown, to_text
from retrieval.search.cite import STYLES
from retrieval.cli import add_engine_args, print_json
from retrieval.search.engine import Engine
from retrieval.errors import QueryError, RetrievalError
from retrieval.evaluate.audit import evaluate, load_manuscripts, print_summary
from retrieval.ingest.read.text import decode

REPORTS = (".docx", ".md", ".json")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "audit", help="audit a manuscript's quotations (marked, introduced, unmarked borrowings)",
        description="Find every quotation of a manuscript (.docx .txt .md .pdf .html, or - for stdin) and "
                    "check each against the corpus as `verify` does. Nothing is stored.")
    p.add_argument("file", nargs="?", help="the manuscript; - reads the text from stdin")
    p.add_argument("--json", action="store_true", help="print the JSON result")
    p.add_argument("-o", "--output", metavar="REPORT", help="also write the report: .docx, .md or .json")
    p.add_argument("--style", choices=tuple(STYLES), default="default",
                   help="citation form: default (作者单位：《标题》，来源，日期，位置) or gbt7714 (GB/T 7714-2015)")
    p.add_argument("--eval", metavar="JSONL", help="evaluate on a manuscript set (eval/manuscripts.jsonl)")
    p.add_argument("--split", default="all", choices=("dev", "test", "all"), help="with --eval: which part")
    add_engine_args(p)
    p.set_defaults(func=run)


def manuscript(path: str) -> tuple[str, str]:
    """(name, text) of the manuscript argument."""
    if path == "-":
        raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        if not raw.strip():
            raise QueryError("the manuscript is empty (nothing on stdin)")
        return "-", pasted(decode(raw, "stdin"))
    return Path(path).name, read_manuscript(path)


def run(args) -> int:
    if not args.eval and not args.file:
        raise QueryError("name a manuscript file (or - for stdin), or --eval JSONL")
    if args.output and Path(args.output).suffix.lower() not in REPORTS:
        raise QueryError(f"the report must end in {', '.join(REPORTS)}: {args.output}")
    name, text = manuscript(args.file) if not args.eval else ("", "")
    engine = Engine.open(stores.location(args.index, args.store), args.corpus, model=args.model)
    if args.eval:
        data = evaluate(engine, load_manuscripts(args.eval, args.split))
        print_json(data) if args.json else print_summary(data)
        return 0
    result = audit(engine, text, name)
    if args.output:
        write_report(result, text, Path(args.output), args.style)
    print_json(result) if args.json else sys.stdout.write(to_text(result, args.style))
    return 0


def write_report(result: dict, text: str, path: Path, style: str = "default") -> None:
    suffix = path.suffix.lower()
    data = to_docx(result, text, style) if suffix == ".docx" else \
        (to_markdown(result, style) if suffix == ".md" else json.dumps(result, ensure_ascii=False, indent=2)).encode()
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise RetrievalError(f"cannot write the report {path}: {exc.strerror or exc}") from exc
