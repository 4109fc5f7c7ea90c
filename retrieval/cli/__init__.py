"""`python -m retrieval SUBCOMMAND ...`: one module per subcommand, no logic here.

Each subcommand module exposes `register(subparsers)`, which adds its parser and
sets `func` to a callable `func(args) -> int`.
"""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys

from retrieval.errors import RetrievalError

SUBCOMMANDS = ("ingest", "show", "build", "check", "ask", "eval", "verify", "audit", "study", "terms")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given `argv` naming a subcommand, only that subcommand's module is imported (a cold
    `ask` does not pay for the chunker's and the readers' imports, about 2 s here)."""
    parser = argparse.ArgumentParser(
        prog="python -m retrieval",
        description="Citation-first question answering over Chinese policy documents.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    first = next((a for a in (argv or []) if not a.startswith("-")), None)
    for name in (first,) if first in SUBCOMMANDS else SUBCOMMANDS:
        try:
            module = importlib.import_module(f"retrieval.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"retrieval.cli.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def add_engine_args(p: argparse.ArgumentParser) -> None:
    """--index, --store, --corpus and --model, as every command that opens the engine takes them."""
    p.add_argument("--index", default="index", help="index folder (default: index/)")
    add_store_arg(p)
    p.add_argument("--corpus", default="corpus", help="corpus folder (default: corpus/)")
    p.add_argument("--model", default=None, help="embedding model name or path")


def add_store_arg(p: argparse.ArgumentParser) -> None:
    """--store, as every command that opens an index takes it (`retrieval.indexing.stores.location`)."""
    p.add_argument("--store", default=None, help="where the index lives instead of --index: a Milvus Lite file "
                   "(index/milvus.db) or server (milvus://HOST:PORT[/DB]) (default: $RETRIEVAL_STORE)")


def print_json(data) -> None:
    """Write one JSON value to stdout, UTF-8, no ASCII escaping."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


class StderrWarnings(logging.Handler):
    """The library's warnings (an index behind its corpus) as `warning: …` lines on stderr."""

    def __init__(self):
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        print(f"warning: {record.getMessage()}", file=sys.stderr)


def show_warnings() -> None:
    logger = logging.getLogger("retrieval")
    if not any(isinstance(h, StderrWarnings) for h in logger.handlers):
        logger.addHandler(StderrWarnings())


def main(argv: list[str] | None = None) -> int:
    # Input echoed back (other fields of a `--jsonl` line, an argument with undecodable bytes) may
    # hold surrogate code points, which UTF-8 cannot encode: write them as `\udc80` escapes (inside
    # a JSON string, the same escape JSON itself uses) instead of failing in the middle of a run.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    show_warnings()
    args = build_parser(sys.argv[1:] if argv is None else argv).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except RetrievalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
