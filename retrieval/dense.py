"""Dense retrieval: FAISS over normalised embeddings, inner product (= cosine).

The index type follows the corpus size: exact search (`IndexFlatIP`) up to
`EXACT_LIMIT` vectors, where it answers in milliseconds on 2 cores; HNSW above.
FAISS row i is chunk i; texts and metadata live beside it, never inside it.
"""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

EXACT_LIMIT = 200_000
HNSW_M = 32
HNSW_EF_SEARCH = 128


def index_type(n: int) -> str:
    return "flat-ip" if n <= EXACT_LIMIT else f"hnsw{HNSW_M}-ip"


class Dense:
    def __init__(self, index: faiss.Index):
        self.index = index
        if hasattr(index, "hnsw"):
            index.hnsw.efSearch = HNSW_EF_SEARCH

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @classmethod
    def build(cls, vectors: np.ndarray, dim: int) -> "Dense":
        kind = index_type(len(vectors))
        index = faiss.IndexFlatIP(dim) if kind == "flat-ip" else \
            faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype="float32"))
        return cls(index)

    def save(self, path: Path) -> None:
        """Write the index; a failed write (a full disk) is an `OSError`, as for every other file."""
        try:
            faiss.write_index(self.index, str(path))
        except RuntimeError as exc:
            raise OSError(f"cannot write {path.name}: {str(exc).strip().splitlines()[-1]}") from exc

    @classmethod
    def load(cls, path: Path) -> "Dense":
        return cls(faiss.read_index(str(path)))

    def vectors(self, rows: list[int]) -> np.ndarray:
        return np.stack([self.index.reconstruct(int(r)) for r in rows])

    def search(self, query: np.ndarray, k: int, rows: np.ndarray | None = None) -> dict[int, float]:
        """Top `k` rows by cosine as {row: score}; `rows` restricts the search to those ids."""
        if self.size == 0:
            return {}
        params = None
        if rows is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows.astype("int64")))
        k = min(k, self.size)
        scores, ids = self.index.search(query.reshape(1, -1).astype("float32"), k, params=params)
        return {int(i): float(s) for i, s in zip(ids[0], scores[0]) if i >= 0}
