"""`python -m retrieval terms [--json] [--all] [TERM]`: the formulations (提法) of the corpus."""
from __future__ import annotations

from retrieval.indexing import stores
from retrieval.search.cite import citation
from retrieval.cli import add_engine_args, print_json
from retrieval.search.engine import Engine
from retrieval.errors import QueryError
from retrieval.search.align import fold
from retrieval.search.glossary import Term, cached_glossary, term_dict

KIND_LABELS = {"defines": "阐释", "enumerates": "列举", "mentions": "提及"}
SHOWN = 3     # statements per term in the text listing without --all


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "terms", help="formulations (提法) found in the corpus: frequency and the passages stating them",
        description="List the quoted and curated formulations that occur in the corpus, how often, "
                    "and the sentences that define, enumerate or mention each (definitions first).")
    p.add_argument("term", nargs="?", help="one formulation, e.g. 四强党支部 (quotes and width ignored)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--all", action="store_true", help="every statement, not only the first few")
    add_engine_args(p)
    p.set_defaults(func=run)


def find(glossary: dict[str, Term], wanted: str) -> Term:
    key = fold(wanted).text
    for term in glossary.values():
        if fold(term.term).text == key:
            return term
    raise QueryError(f"{wanted!r} is not a formulation found in the corpus "
                     "(see `python -m retrieval terms` for the list)")


def readable(data: dict, limit: int | None) -> str:
    lines = [f"{data['term']}：出现 {data['count']} 次，{data['documents']} 篇文献"]
    for st in data["statements"][:limit]:
        lines.append(f"  [{KIND_LABELS[st['kind']]}] {st['text']}")
        lines.append(f"      ——{citation(st['source'])}")
    return "\n".join(lines)


def run(args) -> int:
    engine = Engine.open(stores.location(args.index, args.store), args.corpus, model=args.model)
    glossary = cached_glossary(engine)
    terms = [find(glossary, args.term)] if args.term else list(glossary.values())
    data = [term_dict(engine, t) for t in terms]
    if args.json:
        print_json(data[0] if args.term else data)
    elif args.term or args.all:
        print("\n\n".join(readable(d, None if args.all or args.term else SHOWN) for d in data))
    else:
        print("\n".join(f"{d['term']}\t{d['count']}\t{d['documents']} 篇" for d in data))
        print(f"{len(data)} formulations; `python -m retrieval terms TERM` for the passages")
    return 0
