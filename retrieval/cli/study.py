"""`python -m retrieval study "TOPIC" [--doc DOC_ID ...] [--format md|docx|json] [--style default|gbt7714] [-o FILE]`."""
from __future__ import annotations

import sys
from pathlib import Path

from retrieval.indexing import stores
from retrieval.search.cite import STYLES
from retrieval.cli import add_engine_args, print_json
from retrieval.search.engine import Engine
from retrieval.errors import QueryError, RetrievalError
from retrieval.tools.export import to_docx, to_markdown
from retrieval.tools.study import study_pack


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "study", help="study pack: the cited passages on a topic, as Markdown, .docx or JSON",
        description="Gather the passages of the corpus on a topic, de-duplicated, grouped by document "
                    "and ordered by position, each with its citation, plus a source list. "
                    "Without -o, Markdown or JSON goes to stdout (.docx needs -o).")
    p.add_argument("topic", help="the topic, e.g. 落实机关党建主体责任")
    p.add_argument("--doc", action="append", default=None, help="only this doc_id (repeatable)")
    p.add_argument("--format", choices=("md", "docx", "json"), default="md", help="default: md")
    p.add_argument("--style", choices=tuple(STYLES), default="default",
                   help="citation form: default (作者单位：《标题》，来源，日期，位置) or gbt7714 (GB/T 7714-2015)")
    p.add_argument("-o", "--output", help="write to this file")
    add_engine_args(p)
    p.set_defaults(func=run)


def run(args) -> int:
    if args.format == "docx" and not args.output:
        raise QueryError("--format docx needs -o FILE.docx")
    engine = Engine.open(stores.location(args.index, args.store), args.corpus, model=args.model)
    pack = study_pack(engine, args.topic, args.doc)
    if args.format == "json" and not args.output:
        print_json(pack.to_dict())
        return 0
    if args.format == "json":
        import json
        data = (json.dumps(pack.to_dict(), ensure_ascii=False, indent=2) + "\n").encode()
    else:
        data = to_docx(pack, args.style) if args.format == "docx" else to_markdown(pack, args.style).encode()
    if not args.output:
        sys.stdout.write(data.decode())
        return 0
    write(Path(args.output), data)
    print(f"{len(pack.excerpts)} passages from {len(pack.sources)} documents -> {args.output}", file=sys.stderr)
    return 0


def write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise RetrievalError(f"cannot write {path}: {exc}") from exc
