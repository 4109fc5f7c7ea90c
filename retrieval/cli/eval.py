"""`python -m retrieval eval [--suite seed|phrasing|cmrc2018_dev|drcd_dev|all] [--limit N] [--json]`.

The seed and phrasing suites report every figure for split "dev" (tune on it) and split
"test" (held out: report it, do not tune on it), and for the whole set ("all"); the seed suite also for
"novel", its test questions that no dev question nearly repeats (`eval/split_gold.py`)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from retrieval.indexing import stores
from retrieval.cli import add_store_arg, print_json
from retrieval.search.engine import Engine
from retrieval.evaluate import external, gold, phrasing

EXTERNAL = ("cmrc2018_dev", "drcd_dev")
OFFTOPIC = 300     # CMRC 2018 questions asked of the seed corpus: none is answerable there


def register(subparsers) -> None:
    p = subparsers.add_parser("eval", help="evaluate on the seed gold set and the external QA sets")
    p.add_argument("--suite", default="all", choices=("seed", "phrasing", *EXTERNAL, "all"))
    p.add_argument("--index", default="index", help="seed index folder (default: index/)")
    p.add_argument("--corpus", default="corpus", help="seed corpus folder (default: corpus/)")
    add_store_arg(p)
    p.add_argument("--cache", default=".eval-index", help="where external-set indexes are kept (built there; "
                   "with a Milvus --store, each set is then copied to its own store: index/milvus.cmrc2018_dev.db)")
    p.add_argument("--limit", type=int, default=None, help="only the first N questions of each external set")
    p.add_argument("--hybrid-only", action="store_true",
                   help="external sets: the hybrid engine only, not BM25 and dense alone (a third of the asks)")
    p.add_argument("--split", choices=("dev", "test", "novel"), default=None,
                   help="seed and phrasing suites: ask only this split's questions (phrasing: about 2000 asks "
                        "instead of 4000); novel (seed suite only): the test questions no dev question nearly repeats")
    p.add_argument("--batch", type=int, choices=range(1, len(gold.BATCHES) + 1), default=None,
                   help="seed suite: only the questions of this batch (3: g263-g362, 4: g363-g462, 5: g463-g562, "
                        "6: g563-g662, 7: g663-g762, 8: g763-g862, 9: g863-g962, 10: g963-g1062, 11: g1063-g1162, 12: g1163-g1262, 13: g1263-; the last eleven written without reading "
                        "the engine)")
    p.add_argument("--model", default=None, help="embedding model name or path")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("-o", "--output", default=None, help="also write the JSON report to this file")
    p.set_defaults(func=run)


def run(args) -> int:
    report, where = {}, stores.location(args.index, args.store)
    if args.split == "novel" and args.suite != "seed":
        print("--split novel is a split of the seed suite only (--suite seed)", file=sys.stderr)
        return 2
    if args.suite in ("seed", "phrasing", "all"):
        engine = Engine.open(where, args.corpus, model=args.model)
    if args.suite in ("seed", "all"):
        offtopic = [q["question"] for q in external.load_questions("cmrc2018_dev", limit=OFFTOPIC)]
        report["seed"] = gold.evaluate(engine, offtopic, gold.load_gold(batch=args.batch), split=args.split)
    if args.suite in ("phrasing", "all"):
        report["phrasing"] = phrasing.evaluate(engine, split=args.split)
    for name in EXTERNAL:
        if args.suite in (name, "all"):
            report[name] = external.evaluate(name, Path(args.cache), args.limit, args.model,
                                             store=where if stores.is_milvus(where) else None,
                                             modes=("hybrid",) if args.hybrid_only else external.MODES)
    if args.output:
        Path(args.output).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print_json(report)
    else:
        print(tables(report))
    return 0


def tables(report: dict) -> str:
    out = []
    for suite, result in report.items():
        if suite == "phrasing":
            out += phrasing_lines(result)
            continue
        parts = [(f"{suite} {split}", result[split]) for split in ("dev", "test", "novel", "all") if split in result]
        for name, part in parts or [(suite, result)]:
            out += mode_lines(name, part)
    return "\n".join(out)


def mode_lines(name: str, result: dict) -> list[str]:
    modes = [m for m in ("hybrid", "bm25", "dense") if m in result]
    keys = list(result[modes[0]].keys())
    out = [f"\n{name}", "| mode | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    out += ["| " + m + " | " + " | ".join(str(result[m].get(k, "–")) for k in keys) + " |" for m in modes]
    for extra in ("refusal", "calibration", "by_type", "highlights", "answered", "questions"):
        if extra in result:
            out.append(f"{extra}: {json.dumps(result[extra], ensure_ascii=False)}")
    return out


def phrasing_lines(result: dict, worst: int = 8) -> list[str]:
    """Per split: the overall rates, then the frames and terms that fail most."""
    out = []
    for split in [s for s in ("dev", "test", "all") if s in result]:
        part = result[split]
        overall = {k: v for k, v in part.items() if not k.startswith("by_")}
        out += [f"\nphrasing {split}: {json.dumps(overall, ensure_ascii=False)}"]
        for key in [k for k in ("by_frame", "by_term") if k in part]:
            rows = list(part[key].items())[:worst]
            out += [f"  worst {key[3:]}s:"] + [f"    {r['right']}  {name}" for name, r in rows]
    return out
