"""The cosine of each chunk's best sentence, for many chunks at once (`Engine.dense_scores`).

One read of every sentence vector the chunks hold, instead of one per chunk: at 100,000 chunks, where
the sentence vectors are decoded from an inverted file's codes, the reads per chunk took more time than
the products. The products stay one per chunk: a single product over all the chunks' sentences gives
cosines that differ in the last bit, enough to change a score's fourth decimal (9 of 2,242 seed answers);
but they are made by one `matmul` call per group of chunks with as many sentences (`products`), not by
a Python loop over the chunks.
"""
from __future__ import annotations

import numpy as np


def sentence_ids(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ids of the sentences of `rows` (those of chunk r are ptr[r]:ptr[r + 1]), concatenated in row
    order, and how many each row has."""
    lo, counts = ptr[rows], ptr[rows + 1] - ptr[rows]
    starts = np.cumsum(counts) - counts
    ids = np.arange(int(counts.sum()), dtype="int64") - np.repeat(starts - lo, counts)
    return ids, counts


def read_rows(vectors, ids: np.ndarray) -> np.ndarray:
    """The vectors of `ids` from an array, a FAISS layer's rows (`dense.FlatRows`, `StoredRows`) or
    another store's vectors (read a run of ids at a time)."""
    if isinstance(vectors, np.ndarray):
        return vectors[ids]
    if hasattr(vectors, "take"):
        return vectors.take(ids)
    return np.concatenate([vectors[int(i):int(i) + 1] for i in ids]) if len(ids) else np.zeros((0, 0), "float32")


def best_sentence_cosines(vectors, ptr: np.ndarray, rows, qvec: np.ndarray) -> list[float | None]:
    """Per row, the cosine of its best sentence with `qvec` (None for a chunk with no sentence embedded):
    the chunks with as many sentences as each other read side by side, one product for each such group."""
    rows = np.asarray(rows, dtype="int64")
    order = np.argsort(ptr[rows + 1] - ptr[rows], kind="stable")
    ids, counts = sentence_ids(ptr, rows[order])
    if not len(ids):
        return [None] * len(rows)
    block, start, sizes = read_rows(vectors, ids), 0, counts.tolist()      # start: a group's first sentence in `block`
    bounds = [0, *(np.flatnonzero(np.diff(counts)) + 1).tolist(), len(sizes)]   # the groups' chunks in `order`
    best = np.zeros(len(rows), dtype=np.result_type(block.dtype, qvec.dtype))   # the products' own type: no rounding
    for first, last in zip(bounds, bounds[1:]):
        n, k = sizes[first], last - first
        if n:
            best[order[first:last]] = products(block[start:start + k * n].reshape(k, n, -1), qvec).max(axis=1)
        start += k * n
    out = best.tolist()
    for i in order[:bounds[1]].tolist() if sizes[0] == 0 else ():       # chunks with no sentence come first
        out[i] = None
    return out


def products(stack: np.ndarray, qvec: np.ndarray) -> np.ndarray:
    """`stack[i] @ qvec` for each i, computed as those products one by one are: `matmul` makes one
    BLAS call (gemv; a dot for one row) per matrix of the stack, the same call as for that matrix
    alone, so each cosine is the same to the last bit (one product over all the rows would round
    differently)."""
    return np.matmul(stack, qvec)
