"""`python -m retrieval ingest [--corpus DIR] [--json]`: what the corpus pipeline makes of each file."""
from __future__ import annotations

import argparse
from dataclasses import asdict

from retrieval.indexing.chunk import chunk_document
from retrieval.cli import print_json
from retrieval.ingest.corpus import load_corpus
from retrieval.types import Corpus, Document

DEFAULT_CORPUS = "corpus"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ingest", help="read, clean and structure the corpus; report metadata, sizes and failures",
        description="Read every corpus file and report its metadata, character and chunk counts, "
                    "warnings, and the files that could not be read (exit code 0 either way).")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help="corpus folder (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="one JSON object with documents and failures")
    parser.set_defaults(func=run)


def document_summary(doc: Document) -> dict:
    return {"doc_id": doc.doc_id, "path": doc.path, "title": doc.title, "title_from": doc.title_from,
            "source": doc.source,
            "date": doc.date, "author": doc.author, "credits": doc.credits, "chars": len(doc.text),
            "paragraphs": len(doc.paragraphs), "chunks": len(chunk_document(doc)),
            "warnings": list(doc.warnings)}


def corpus_report(corpus: Corpus) -> dict:
    return {"corpus": corpus.root,
            "documents": [document_summary(doc) for doc in corpus.documents],
            "failures": [asdict(f) for f in corpus.failures]}


def print_text(report: dict) -> None:
    for doc in report["documents"]:
        print(f"{doc['doc_id']}  ({doc['path']})")
        for key in ("title", "source", "date", "author"):
            print(f"  {key + ':':8} {doc[key] or '—'}" + (f"  ({doc['title_from']})" if key == "title" else ""))
        if doc["credits"]:
            print(f"  credits: {doc['credits']}")
        print(f"  chars: {doc['chars']}  paragraphs: {doc['paragraphs']}  chunks: {doc['chunks']}")
        for warning in doc["warnings"]:
            print(f"  warning: {warning}")
    for failure in report["failures"]:
        print(f"FAILED {failure['path']}: {failure['reason']}")
    print(f"{len(report['documents'])} documents, {len(report['failures'])} failures in {report['corpus']}")


def run(args: argparse.Namespace) -> int:
    report = corpus_report(load_corpus(args.corpus))
    if args.json:
        print_json(report)
    else:
        print_text(report)
    return 0
