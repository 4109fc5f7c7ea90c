"""Lexical retrieval: BM25 (bm25s) over the project tokenizer's tokens."""
from __future__ import annotations

import math
from pathlib import Path

import bm25s
import numpy as np

K1, B = 0.9, 0.4    # Anserini's defaults; measured against 1.2 / 0.75 in README "How an answer is found"


class Lexical:
    """A BM25 index over chunk token lists; row i is chunk i."""

    def __init__(self, retriever: bm25s.BM25, size: int):
        self.retriever = retriever
        self.size = size
        self.vocab: dict[str, int] = retriever.vocab_dict
        indptr = retriever.scores["indptr"]
        self.df = np.diff(indptr)  # documents containing each vocabulary term

    @classmethod
    def build(cls, tokens: list[list[str]]) -> "Lexical":
        retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
        retriever.index([t or [""] for t in tokens], show_progress=False)
        return cls(retriever, len(tokens))

    def save(self, folder: Path) -> None:
        self.retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int) -> "Lexical":
        return cls(bm25s.BM25.load(str(folder), show_progress=False), size)

    def known(self, tokens: list[str]) -> list[str]:
        return [t for t in tokens if t in self.vocab]

    def idf(self, token: str) -> float:
        """Lucene BM25 idf of a token (0 for a token the corpus never uses)."""
        j = self.vocab.get(token)
        if j is None or j >= len(self.df):
            return 0.0
        df = float(self.df[j])
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every row for the query tokens (zeros if none is known)."""
        ids = [self.vocab[t] for t in self.known(tokens)]
        if not ids:
            return np.zeros(self.size, dtype="float32")
        return self.retriever.get_scores(ids).astype("float32")

    def search(self, tokens: list[str], k: int, mask: np.ndarray | None = None,
               text: str | None = None) -> dict[int, float]:
        """Top `k` rows with a positive score, as {row: score}; `mask` keeps rows where True. `text`,
        what `tokens` came from, is for a store that tokenizes itself (`retrieval.stores.milvus_bm25`)."""
        scores = self.scores(tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k] if k < self.size else np.arange(self.size)
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}
