"""The per-question BM25 weight of the fusion (`ALPHA` in retrieval/search/engine.py), chosen on dev parts only.

For each (low, high) setting: seed gold dev hit@1, phrasing dev answered-with-term, and DRCD dev
answer in the top-1 passage on its two halves (a passage's half: crc32 of its context_id, even =
dev, odd = test); the setting is chosen on the dev columns, the DRCD test half is reported beside
them with BM25 only and dense only. Question vectors are computed once per set.

    .venv/bin/python eval/alpha_grid.py [drcd_dev|cmrc2018_dev]   # needs ../shared/eval; builds .eval-index/SET once

(CMRC 2018 is reported, never chosen on: m3e-small was trained on it.)
"""
from __future__ import annotations

import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import retrieval.search.questionside as engine_module  # noqa: E402  (where ALPHA is read)
from retrieval.search.engine import Engine  # noqa: E402
from retrieval.evaluate import external, gold, phrasing  # noqa: E402
from retrieval.evaluate.metrics import contains_answer  # noqa: E402
from retrieval.search.refusal import decide  # noqa: E402

SETTINGS = [(0.5, 0.5), (0.3, 0.6), (0.3, 0.7), (0.4, 0.6), (0.4, 0.7), (0.2, 0.6)]


def half(question: dict) -> str:
    return "dev" if zlib.crc32(question["context_id"].encode()) % 2 == 0 else "test"


def seed_hit1(engine: Engine, items: list[dict], vectors) -> float:
    ranks = [gold.first_hit(engine, engine.retrieve(i["question"], 5, qvec=v)[0], i) for i, v in zip(items, vectors)]
    return sum(r == 1 for r in ranks) / len(ranks)


def phrasing_rate(engine: Engine, items: list[dict], vectors) -> float:
    right = 0
    for item, v in zip(items, vectors):
        passages, evidence = engine.retrieve(item["question"], 5, qvec=v)
        top = engine.documents[passages[0].doc_id] if passages else None
        text = top.text[passages[0].start:passages[0].end] + top.title if top else ""
        right += decide(evidence) and contains_answer(text, item.get("forms") or [item["term"]])
    return right / len(items)


def external_top1(engine: Engine, questions: list[dict], vectors, mode: str = "hybrid") -> dict:
    out = {"dev": [], "test": []}
    for q, v in zip(questions, vectors):
        passages, _ = engine.retrieve(q["question"], 1, mode=mode, qvec=v)
        p = passages[0] if passages else None
        ok = p is not None and p.doc_id == q["context_id"] and \
            contains_answer(engine.documents[p.doc_id].text[p.start:p.end], q["answers"])
        out[half(q)].append(ok)
    return {k: round(sum(v) / len(v), 4) for k, v in out.items()}


def vectors_of(engine: Engine, questions: list[str]):
    return engine.embedder.encode([engine.correct(q).text for q in questions])


def main() -> None:
    seed = Engine.open(ROOT / "index", ROOT / "corpus")
    items = [i for i in gold.load_gold(split="dev") if i["doc"]]
    phr = [i for i in phrasing.load_phrasing() if i["split"] == "dev" and i["answerable"]]
    name = sys.argv[1] if len(sys.argv) > 1 else "drcd_dev"
    drcd = external.open_engine(name, ROOT / ".eval-index")
    questions = external.load_questions(name)
    sv, pv, dv = (vectors_of(seed, [i["question"] for i in items]), vectors_of(seed, [i["question"] for i in phr]),
                  vectors_of(drcd, [q["question"] for q in questions]))
    print(f"{name} BM25 only {external_top1(drcd, questions, dv, 'bm25')}, dense only "
          f"{external_top1(drcd, questions, dv, 'dense')}", flush=True)
    print(f"| BM25 weight (low, high) | seed dev hit@1 | phrasing dev | {name} dev half | {name} test half |")
    for setting in SETTINGS:
        engine_module.ALPHA = setting
        d = external_top1(drcd, questions, dv)
        print(f"| {setting} | {seed_hit1(seed, items, sv):.3f} | {phrasing_rate(seed, phr, pv):.3f} | "
              f"{d['dev']:.4f} | {d['test']:.4f} |", flush=True)


if __name__ == "__main__":
    main()
