"""The engine's dense side (`DenseSide`), and every cosine one question needs from a flat index, made at once.

Below `dense.EXACT_LIMIT` both layers are flat: a FAISS search of either computes the question's inner
product with every vector of it. `Cosines` computes them all once (FAISS's own `fvec_inner_products_ny`,
the work of one exact search per layer), and then the two searches (the top ids), the dense score of every
candidate (`dense_scores`), the top passage's cosines (`QuestionSide.evidence`) and the highlights'
sentence cosines (`marks`) are lookups. On the seed corpus these had taken a fifth of what an answer adds
to its question's embedding (README, "Warm `ask` beside the embedding"). An inverted file, a Milvus store
or a search within some documents keeps the searches and the products over the rows asked for.
"""
from __future__ import annotations

import faiss
import numpy as np

from retrieval.indexing.dense import FlatRows
from retrieval.search.sentencescore import best_sentence_cosines

POOL = 50          # candidates taken from each retriever before fusion
SENTENCE_WEIGHT = 0.5   # dense score = (1 - w) * chunk cosine + w * cosine of the chunk's best sentence


class Cosines:
    """The cosines of `qvec` with every chunk (`chunk[r]`) and every sentence (`sentence[j]`), and each
    chunk's best sentence (`best[r]`, NaN for a chunk with no sentence embedded: those of chunk r are
    ptr[r]:ptr[r + 1])."""

    def __init__(self, dense, sentences, ptr: np.ndarray, qvec: np.ndarray):
        self.qvec, self.dense, self.sentences = qvec, dense, sentences     # what they were made of
        self.chunk, self.sentence = products(dense.rows.index, qvec), products(sentences.index, qvec)
        self.best = np.full(len(self.chunk), np.nan, dtype=self.chunk.dtype)
        held = np.flatnonzero(ptr[1:] > ptr[:-1])
        if len(held):       # sentences run in row order: from one holding chunk's first to the next one's
            self.best[held] = np.maximum.reduceat(self.sentence, ptr[held])

    @staticmethod
    def top(scores: np.ndarray, k: int) -> np.ndarray:
        """The ids of the `k` highest of `scores` and of every other one equal to the k-th, best first (equal
        scores by id). FAISS's exact search gives the same scores, bit for bit, but keeps an arbitrary few of
        those equal at its cut (its heap's order): a sentence that two overlapping chunks both hold has one
        vector twice, and which of its chunks became a candidate depended on that."""
        k = min(k, len(scores))
        if k <= 0:
            return np.zeros(0, dtype="int64")
        some = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        some = np.flatnonzero(scores >= scores[some].min())
        return some[np.lexsort((some, -scores[some]))]

    def dense_scores(self, rows, weight: float) -> list[float]:
        """(1 - weight) * chunk cosine + weight * best sentence cosine (the chunk cosine for a chunk with no
        sentence), per row."""
        rows = np.asarray(rows, dtype="int64")
        chunk, best = self.chunk[rows].astype("float64"), self.best[rows].astype("float64")
        return ((1 - weight) * chunk + weight * np.where(np.isnan(best), chunk, best)).tolist()

    def best_sentence(self, row: int) -> float | None:
        value = self.best[row]
        return None if np.isnan(value) else float(value)


def products(index: faiss.IndexFlat, qvec: np.ndarray) -> np.ndarray:
    """The inner product of `qvec` with every vector of a flat index, by FAISS over its (memory-mapped)
    storage: numpy's `matmul` over that storage is 3 to 8 times slower (its floats are not aligned in the
    file, and numpy then leaves BLAS aside)."""
    out = np.empty(int(index.ntotal), dtype="float32")
    if len(out):
        query = np.ascontiguousarray(qvec, dtype="float32")
        faiss.fvec_inner_products_ny(faiss.swig_ptr(out), faiss.swig_ptr(query), index.get_xb(), index.d, len(out))
    return out


class DenseSide:
    """The dense retrieval of `Engine`: its chunk layer `dense`, its sentence layer `sentences` (the vectors
    `sentence_vectors`, those of chunk r ptr[r]:ptr[r + 1], in chunk `sentence_rows`)."""

    def dense_search(self, qvec: np.ndarray, mask: np.ndarray | None) -> dict[int, float]:
        """Dense candidates (the best chunks and the chunks of the best sentences) with their dense scores."""
        if mask is None and (made := self.cosines(qvec, make=True)):
            rows = set(made.top(made.chunk, POOL).tolist())
            rows.update(self.sentence_rows[made.top(made.sentence, 2 * POOL)].tolist())
            return dict(zip(sorted(rows), made.dense_scores(sorted(rows), SENTENCE_WEIGHT)))
        rows = set(self.dense.search(qvec, POOL, None if mask is None else np.flatnonzero(mask)))
        ids = None if mask is None else np.flatnonzero(mask[self.sentence_rows])
        if ids is None or len(ids):
            hits = self.sentences.search(qvec, 2 * POOL, ids)
            rows.update(self.sentence_rows[np.fromiter(hits, dtype="int64", count=len(hits))].tolist())
        return dict(zip(sorted(rows), self.dense_scores(sorted(rows), qvec)))

    def dense_scores(self, rows: list[int], qvec: np.ndarray) -> list[float]:
        """(1 - SENTENCE_WEIGHT) * chunk cosine + SENTENCE_WEIGHT * best sentence cosine, per row.

        A long chunk's one vector blurs the sentence that answers; its best sentence's
        vector does not (README, evaluation). A chunk with no sentence of its own uses
        its chunk cosine for both parts.
        """
        if not rows:
            return []
        if made := self.cosines(qvec):
            return made.dense_scores(rows, SENTENCE_WEIGHT)
        chunk = self.dense.vectors(rows) @ qvec
        bests = best_sentence_cosines(self.sentence_vectors, self.sentence_ptr, rows, qvec)
        return [(1 - SENTENCE_WEIGHT) * c + SENTENCE_WEIGHT * (c if best is None else best)
                for c, best in zip(chunk.tolist(), bests)]

    def chunk_cosine(self, rows: list[int], qvec: np.ndarray) -> float:
        """The best cosine of the chunks `rows`."""
        made = self.cosines(qvec)
        return float(np.max(made.chunk[rows] if made else self.dense.vectors(rows) @ qvec))

    def sentence_cosine(self, row: int, qvec: np.ndarray) -> float | None:
        """Cosine of chunk `row`'s best sentence (None when no sentence of it is embedded)."""
        if made := self.cosines(qvec):
            return made.best_sentence(row)
        lo, hi = self.sentence_ptr[row], self.sentence_ptr[row + 1]
        return float(np.max(self.sentence_vectors[lo:hi] @ qvec)) if hi > lo else None

    def cosines(self, qvec: np.ndarray, make: bool = False) -> Cosines | None:
        """Every cosine of `qvec` with both layers when both are flat: made by `dense_search` (`make`), then
        looked up by the rest of the answer to the same vector; None for an inverted file, a Milvus store,
        a search within some documents, or another vector."""
        made = self.last_cosines
        if made is not None and made.qvec is qvec and made.dense is self.dense and \
                made.sentences is self.sentence_vectors:
            return made
        if not make or type(getattr(self.dense, "rows", None)) is not FlatRows or \
                type(self.sentence_vectors) is not FlatRows:
            return None
        self.last_cosines = made = Cosines(self.dense, self.sentence_vectors, self.sentence_ptr, qvec)
        return made
