#!/usr/bin/env python
"""Highlight settings sweep: `.venv/bin/python eval/highlight_sweep.py [--limit N]`.

Retrieves every question of the seed gold set, CMRC 2018 dev and DRCD dev once with the
hybrid engine and, over the questions whose top-1 passage contains the answer, reports for
each setting how often the answer lies inside a highlighted sentence and the share of the
passage highlighted. Settings: the weight of the sentence cosine against shared words
(`HIGHLIGHT_DENSE`; 0 is words only, as before the cosine counted) and the share of the
best score a sentence needs (`HIGHLIGHT_SHARE`). The README "Highlights" figures come from
this script (the default setting's line also from `python -m retrieval eval`).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.search import answer  # noqa: E402
from retrieval.cli.eval import EXTERNAL  # noqa: E402
from retrieval.search.engine import Engine  # noqa: E402
from retrieval.evaluate import external, gold  # noqa: E402
from retrieval.evaluate.metrics import contains_answer  # noqa: E402

SETTINGS = [(0.0, 0.6), (0.3, 0.6), (0.5, 0.6), (0.7, 0.6), (0.5, 0.7), (0.5, 0.8)]   # (dense weight, share)


def answered_tops(engine: Engine, questions: list[tuple[str, list[str], object]]) -> list[tuple]:
    """(question, answers, qvec, top passage, its text) for each question whose top-1 passage answers it;
    `accept(passages)` decides that the top passage is the right one."""
    out = []
    for question, answers, accept in questions:
        qvec = engine.embed_query(question)
        passages, _ = engine.retrieve(question, 5, qvec=qvec)
        if passages and accept(passages):
            top = passages[0]
            text = engine.documents[top.doc_id].text[top.start:top.end]
            if contains_answer(text, answers):
                out.append((question, answers, qvec, top, text))
    return out


def seed_tops(engine: Engine) -> list[tuple]:
    items = [i for i in gold.load_gold(split="dev") if i["doc"]]
    return answered_tops(engine, [(i["question"], i["answer"],
                                   lambda ps, i=i: gold.first_hit(engine, ps[:1], i) == 1) for i in items])


def external_tops(engine: Engine, name: str, limit: int | None) -> list[tuple]:
    qs = external.load_questions(name, limit=limit)
    return answered_tops(engine, [(q["question"], q["answers"],
                                   lambda ps, q=q: ps[0].doc_id == q["context_id"]) for q in qs])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--limit", type=int, default=None, help="first N questions of CMRC and DRCD only")
    args = p.parse_args(argv)
    cache = ROOT / ".eval-index"
    seed = Engine.open(ROOT / "index", ROOT / "corpus")
    sets = {"seed": (seed, seed_tops(seed))}
    for name in EXTERNAL:
        engine = external.open_engine(name, cache)
        sets[name] = (engine, external_tops(engine, name, args.limit))
    print("| cosine weight | share of best | " + " | ".join(
        f"{name} ({len(tops)}): answer in highlight / highlighted" for name, (_, tops) in sets.items())
        + " |\n|---:|---:|" + "---|" * len(sets))
    for weight, share in SETTINGS:
        answer.HIGHLIGHT_DENSE, answer.HIGHLIGHT_SHARE = weight, share
        cells = [gold.highlight_rates(engine, tops) for engine, tops in sets.values()]
        print(f"| {weight} | {share} | " + " | ".join(f"{a:.3f} / {s:.0%}" for a, s in cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
