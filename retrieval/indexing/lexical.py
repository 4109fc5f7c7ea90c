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

    @classmethod
    def from_ids(cls, ids: np.ndarray, offsets: np.ndarray, words: list[str]) -> "Lexical":
        """The index `build` makes of the same token lists, from token ids (`retrieval.indexing.token_store`):
        chunk i is `words[ids[offsets[i]:offsets[i + 1]]]`. Counted with numpy instead of bm25s's
        loop over every chunk (about 10 s at 100,000 chunks, README "Scale"), with bm25s's formulas
        and float types, so every score is the same float (`tests/test_lexical_ids.py`)."""
        ids, offsets, words = empty_as_token(np.asarray(ids), np.asarray(offsets, "int64"), words)
        n, lengths = len(offsets) - 1, np.diff(offsets)
        present = np.bincount(ids, minlength=len(words)) > 0
        used = np.flatnonzero(present)
        pairs = (np.cumsum(present) - 1)[ids]     # each token's column, then (in place) column * n + row
        del ids
        pairs *= n
        pairs += np.repeat(np.arange(n), lengths)
        pairs, tf = sorted_counts(pairs)
        col, row = np.divmod(pairs, n)      # sorted by column, then row: the CSC order
        del pairs
        df = np.bincount(col, minlength=len(used))
        idf = np.array([math.log(1 + (n - d + 0.5) / (d + 0.5)) for d in df.tolist()], dtype="float32")
        norm = K1 * ((1 - B) + B * lengths.astype("float64") / lengths.mean())
        tf = tf.astype("float32")
        data = (idf[col] * (tf / (norm[row] + tf))).astype("float32")
        retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
        retriever.scores = {"data": data, "indices": row.astype("int32"),
                            "indptr": np.r_[0, np.cumsum(df)].astype("int64"), "num_docs": n}
        retriever.vocab_dict = {words[i]: j for j, i in enumerate(used.tolist())}
        retriever.vocab_dict.setdefault("", len(used))
        retriever.unique_token_ids_set = set(retriever.vocab_dict.values())
        retriever.nonoccurrence_array = None
        return cls(retriever, n)

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
        what `tokens` came from, is for a store that tokenizes itself (`retrieval.indexing.stores.milvus_bm25`)."""
        scores = self.scores(tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k] if k < self.size else np.arange(self.size)
        kept = top[scores[top] > 0]
        return dict(zip(kept.tolist(), scores[kept].tolist()))


def empty_as_token(ids: np.ndarray, offsets: np.ndarray, words: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A chunk without tokens holds the empty token, as `Lexical.build` indexes it."""
    lengths = np.diff(offsets)
    if lengths.all():
        return ids, offsets, words
    words = list(words)
    if "" not in words:
        words.append("")
    ids = np.insert(ids, offsets[:-1][lengths == 0], words.index(""))
    return ids, np.r_[0, np.cumsum(np.maximum(lengths, 1))], words


def sorted_counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(keys, return_counts=True)`, with one plain sort (np.unique's is several times slower);
    `keys` is sorted in place (at a million chunks it is 10^8 int64: no copy of it is made)."""
    keys.sort()
    starts = np.r_[0, np.flatnonzero(keys[1:] != keys[:-1]) + 1] if len(keys) else np.zeros(0, "int64")
    return keys[starts], np.diff(np.r_[starts, len(keys)])
