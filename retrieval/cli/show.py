"""`python -m retrieval show [--corpus DIR] [--json] PATH_OR_DOC_ID`: one clean document."""
from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from retrieval.cli import print_json
from retrieval.cli.ingest import DEFAULT_CORPUS
from retrieval.ingest.corpus import corpus_files, doc_id_for, load_document
from retrieval.errors import CorpusError, DocumentError
from retrieval.types import Document

JSON_FIELDS = ("doc_id", "path", "title", "title_from", "source", "date", "author", "credits", "text")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "show", help="print one clean document with its metadata and sections",
        description="Print the clean text of one document (the text citations slice), "
                    "found by doc_id, by path relative to the corpus, or by file path.")
    parser.add_argument("document", metavar="PATH_OR_DOC_ID")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help="corpus folder (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="the document as one JSON object")
    parser.set_defaults(func=run)


def find_file(root: Path, wanted: str) -> Path:
    """The corpus file named by a file path, a corpus-relative path or a doc_id."""
    if not root.is_dir():
        raise CorpusError(f"corpus folder not found: {root}")
    for candidate in (Path(wanted), root / wanted):
        if candidate.is_file():
            return candidate
    for path in corpus_files(root):
        if doc_id_for(path, root) == wanted:
            return path
    raise DocumentError(f"no document {wanted!r} in {root} (see `python -m retrieval ingest` for doc_ids)")


def document_json(doc: Document) -> dict:
    data = {name: getattr(doc, name) for name in JSON_FIELDS}
    data["paragraphs"] = [asdict(p) for p in doc.paragraphs]
    data["warnings"] = list(doc.warnings)
    return data


def paragraph_line(doc: Document, index: int) -> str:
    p = doc.paragraphs[index]
    text = doc.text[p.start:p.end]
    if p.heading:
        return f"\n## {text}"
    page = f" p.{p.page}" if p.page else ""
    return f"[{p.section or '—'} ¶{p.number}{page}] {text}"


def print_document(doc: Document) -> None:
    for key in ("doc_id", "path", "title", "source", "date", "author"):
        print(f"{key + ':':8} {getattr(doc, key) or '—'}" + (f"  ({doc.title_from})" if key == "title" else ""))
    if doc.credits:
        print(f"credits: {doc.credits}")
    for warning in doc.warnings:
        print(f"warning: {warning}")
    print("-" * 40)
    for index in range(len(doc.paragraphs)):
        print(paragraph_line(doc, index))


def run(args: argparse.Namespace) -> int:
    root = Path(args.corpus)
    doc = load_document(find_file(root, args.document), root)
    if args.json:
        print_json(document_json(doc))
    else:
        print_document(doc)
    return 0
