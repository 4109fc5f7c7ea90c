"""Vectors for the scale benchmark: the real ones `benchmarks/scale_embed.py` embedded (m3e-small,
ONNX int8), and, for texts it had no time to embed, a real vector with a small random perturbation
(`perturbed`): cosine about 0.9 to the real vector it came from, unit length. `benchmarks/scale.py`
says in its table how many of each were used.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

NOISE = 0.02     # per-dimension standard deviation: |noise| ~ 0.45 for 512 dimensions, cosine ~ 0.91


def real_vectors(folder: Path) -> tuple[list[str], np.ndarray]:
    """(keys, float32 vectors) of every checkpoint part in `folder`, in the order embedded."""
    keys, vectors = [], []
    for part in sorted(folder.glob("part-*.npz")):
        with np.load(part) as data:
            keys += [str(k) for k in data["keys"]]
            vectors.append(data["vectors"].astype("float32"))
    return keys, (np.concatenate(vectors) if vectors else np.zeros((0, 512), dtype="float32"))


def perturbed(real: np.ndarray, n: int, seed: int, out: np.ndarray | None = None) -> np.ndarray:
    """`n` unit vectors, each a real vector (chosen at random) plus gaussian noise of NOISE per dimension."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, real.shape[1]), dtype="float32") if out is None else out
    for lo in range(0, n, 100_000):
        hi = min(n, lo + 100_000)
        block = real[rng.integers(0, len(real), hi - lo)] + rng.normal(0, NOISE, (hi - lo, real.shape[1]))
        out[lo:hi] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def vector_cache(keys: list[str], folder: Path, seed: int = 1) -> tuple[dict[str, np.ndarray], int]:
    """{key: vector} for `keys` (distinct model inputs): real where embedded, perturbed otherwise;
    and how many were real."""
    real_keys, real = real_vectors(folder)
    have = dict(zip(real_keys, real))
    missing = [k for k in dict.fromkeys(keys) if k not in have]
    made = perturbed(real, len(missing), seed)
    cache = {k: have[k] for k in keys if k in have}
    real_used = len(cache)
    cache |= dict(zip(missing, made))
    return cache, real_used


class Perturbed(Mapping):
    """{key: vector} for every content key, made when asked for (`--lazy-vectors`: a million chunks
    would be 13 GB of float32 held by the benchmark): the real vector where `scale_embed.py` embedded
    the text, else real vector a + noise row b, with a and b read from the key's own hex digits (the
    same key always gets the same vector) and a table of NOISE-per-dimension gaussian rows; unit
    length, cosine about 0.91 to the real vector, as `perturbed`. `lookup` does a block of keys at
    once (`retrieval.indexing.vectors.lookup`); `real_used` counts the real ones given."""

    def __init__(self, folder: Path, seed: int = 1, noise_rows: int = 16_384):
        keys, self.real = real_vectors(folder)
        self.have = {k.encode(): i for i, k in enumerate(keys)}
        self.noise = np.random.default_rng(seed).normal(0, NOISE, (noise_rows, self.real.shape[1])).astype("float32")
        self.real_used = 0

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keys = np.asarray(keys, dtype="S64")
        real = np.array([self.have.get(k, -1) for k in keys.tolist()], dtype="int64")
        digits = np.array([int(k[:16], 16) for k in keys.tolist()], dtype="uint64")
        a = (digits % np.uint64(len(self.real))).astype("int64")
        b = ((digits >> np.uint64(32)) % np.uint64(len(self.noise))).astype("int64")
        out = self.real[a] + self.noise[b]
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        out[real >= 0] = self.real[real[real >= 0]]
        self.real_used += int((real >= 0).sum())
        return np.ones(len(keys), dtype=bool), out

    def __getitem__(self, key: str) -> np.ndarray:
        return self.lookup(np.array([key.encode()], dtype="S64"))[1][0]

    def __contains__(self, key) -> bool:
        return isinstance(key, str) and len(key) == 64

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


def exact_top(vectors, queries: np.ndarray, k: int, block: int = 200_000) -> np.ndarray:
    """Exact top-k rows by inner product of each query, over `vectors` (any float32 row store) in blocks."""
    best_s = np.full((len(queries), k), -np.inf, dtype="float32")
    best_i = np.zeros((len(queries), k), dtype="int64")
    for lo in range(0, len(vectors), block):
        part = np.asarray(vectors[lo:lo + block], dtype="float32")
        scores = queries @ part.T
        s = np.concatenate([best_s, scores], axis=1)
        i = np.concatenate([best_i, np.arange(lo, lo + len(part))[None, :].repeat(len(queries), 0)], axis=1)
        top = np.argpartition(-s, k - 1, axis=1)[:, :k]
        best_s, best_i = np.take_along_axis(s, top, 1), np.take_along_axis(i, top, 1)
    return best_i


def recall_at(dense, queries: np.ndarray, exact: np.ndarray, k: int = 10) -> float:
    """Share of the exact top-k that the index's own search returns in its top-k, over the queries."""
    found = [len(set(dense.search(q, k)) & set(exact[i].tolist())) for i, q in enumerate(queries)]
    return sum(found) / (k * len(queries))
