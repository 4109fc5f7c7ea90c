#!/usr/bin/env python
"""Chunk size sweep: `.venv/bin/python eval/chunk_sweep.py [--sizes 200 300 400] [--limit N]`.

For each chunk size (overlap one fifth of it) the CMRC 2018 dev passages and the seed
corpus are indexed from scratch into `.eval-index/sweep-*` and evaluated with the
hybrid engine: CMRC answer in top-1 / gold passage @1 / median top-1 length, and seed
gold hit@1. The README "Chunk size" table comes from this script.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.indexing.build import build_from_documents, build_index  # noqa: E402
from retrieval.search.engine import Engine  # noqa: E402
from retrieval.evaluate import external, gold  # noqa: E402
from retrieval.evaluate.metrics import Tally  # noqa: E402
from retrieval.indexing.settings import ChunkSettings  # noqa: E402


def cmrc(size: int, settings: ChunkSettings, limit: int | None) -> dict:
    folder = ROOT / ".eval-index" / f"sweep-cmrc-{size}"
    build_from_documents(external.load_documents("cmrc2018_dev"), (), folder, settings=settings)
    engine = Engine(folder, None, None)
    tallies = {mode: Tally() for mode in ("hybrid", "bm25", "dense")}
    for q in external.load_questions("cmrc2018_dev", limit=limit):
        external.score_question(engine, q, tallies)
    return {"chunks": engine.manifest["counts"]["chunks"], **tallies["hybrid"].summary()}


def seed(size: int, settings: ChunkSettings) -> dict:
    folder = ROOT / ".eval-index" / f"sweep-seed-{size}"
    build_index(ROOT / "corpus", folder, settings=settings)
    engine = Engine(folder, None, None)
    items = [i for i in gold.load_gold(split="dev") if i["doc"]]
    return gold.ranking(engine, items, "hybrid")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[200, 300, 400])
    p.add_argument("--limit", type=int, default=None, help="first N CMRC questions only")
    args = p.parse_args(argv)
    print("| chunk size (overlap) | CMRC chunks | CMRC answer in top-1 | CMRC gold @1 | "
          "median top-1 chars | seed hit@1 | seed hit@5 |\n|---|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        settings = ChunkSettings(size=size, overlap=size // 5)
        c, s = cmrc(size, settings, args.limit), seed(size, settings)
        print(f"| {size} ({size // 5}) | {c['chunks']} | {c['answer_in_top1']:.3f} | {c['gold_at_1']:.3f} | "
              f"{c['median_top1_chars']:.0f} | {s['hit_at_1']:.3f} | {s['hit_at_5']:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
