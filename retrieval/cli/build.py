"""`python -m retrieval build [--corpus DIR] [--index DIR | --store STORE] [--model NAME] [--rebuild]`."""
from __future__ import annotations

from pathlib import Path

from retrieval.indexing import stores
from retrieval.indexing.settings import model_name
from retrieval.cli import add_store_arg, print_json


def register(subparsers) -> None:
    p = subparsers.add_parser("build", help="build or update the index (unchanged text is not re-embedded)")
    p.add_argument("--corpus", default="corpus", help="corpus folder (default: corpus/)")
    p.add_argument("--index", default="index", help="index folder (default: index/)")
    add_store_arg(p)
    p.add_argument("--model", default=None, help="sentence-transformers model name or path "
                   "(default: $RETRIEVAL_MODEL or the bundled m3e-small)")
    p.add_argument("--rebuild", action="store_true", help="re-embed everything (the old index stays live until the new one is ready)")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    where = stores.location(args.index, args.store)
    if not args.rebuild and not stores.needs_build(where, Path(args.corpus), model_name(args.model)):
        folder = stores.live(where)
        print_json({"up_to_date": True, "folder": str(folder)}) if args.json else \
            print(f"index is up to date: {folder} (nothing to do; --rebuild re-embeds everything)")
        return 0
    report = stores.build(args.corpus, where, model=args.model, reuse=not args.rebuild)
    if args.json:
        print_json(report.to_dict())
        return 0
    print(f"indexed {report.documents} documents, {report.chunks} chunks "
          f"({report.embedded} embedded, {report.reused} reused) and their {report.sentences} sentences "
          f"({report.sentences_embedded} embedded) "
          f"in {report.seconds}s -> {report.folder}")
    for f in report.failures:
        print(f"skipped {f.path}: {f.reason}")
    return 0
