"""The vectors of a build, row by row, without one Python object per vector.

A build knows its rows (chunk i, sentence j) before it has a single vector: `Rows` is their float32
matrix, filled in any order as vectors come (from a given cache, from the kept generations, from the
model) and read back in row order by the FAISS layer (`Dense.build`). Up to STAGE_LIMIT bytes it is an
array in memory; above it the rows live in an unnamed scratch file beside the index, read and written
with pread/pwrite, so the page cache holds them, not the process (5.5 million sentence vectors are
11 GB of float32).

The kept generations' vectors are `KeyedVectors`: {content key: vector} as sorted key bytes and a
(layer, row) per key into their memory-mapped FAISS files, a vector decoded only when a build asks
for it (`retrieval.indexing.build.previous_cache`).
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np
from tqdm import tqdm

STAGE_LIMIT = 256 * 2**20      # bytes of float32 rows a build keeps in memory; more go to a scratch file
BLOCK = 65_536                 # rows read, looked up or written at a time


class Rows:
    """`n` float32 rows of `dim` numbers: in memory, or in a scratch file in `scratch` when larger than
    STAGE_LIMIT. Rows never written read as zeros."""

    def __init__(self, n: int, dim: int, scratch: Path | None = None):
        self.n, self.dim, self.row_bytes = n, dim, dim * 4
        self.array, self.file = None, None
        if n * self.row_bytes <= STAGE_LIMIT or scratch is None:
            self.array = np.zeros((n, dim), dtype="float32")
        else:
            self.file = tempfile.TemporaryFile(dir=scratch, prefix=".tmp-rows-")
            self.file.truncate(n * self.row_bytes)

    def __len__(self) -> int:
        return self.n

    def close(self) -> None:
        if self.file is not None:
            self.file.close()

    def put(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        """Write `vectors[i]` as row `rows[i]` (a run of consecutive rows in one write)."""
        rows = np.asarray(rows, dtype="int64")
        if self.array is not None:
            self.array[rows] = vectors
            return
        vectors = np.ascontiguousarray(vectors, dtype="float32")
        for lo, hi in runs(rows):
            write_all(self.file.fileno(), memoryview(vectors[lo:hi]).cast("B"), int(rows[lo]) * self.row_bytes)

    def block(self, lo: int, hi: int) -> np.ndarray:
        """Rows lo..hi-1 as a float32 array (a copy when they are in the scratch file)."""
        if self.array is not None:
            return self.array[lo:hi]
        out = np.empty((max(0, hi - lo), self.dim), dtype="float32")
        read_all(self.file.fileno(), memoryview(out).cast("B"), lo * self.row_bytes)
        return out

    def take(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype="int64")
        if self.array is not None:
            return self.array[rows]
        return np.concatenate([self.block(int(rows[lo]), int(rows[lo]) + hi - lo) for lo, hi in runs(rows)]
                              or [np.zeros((0, self.dim), dtype="float32")])

    def __getitem__(self, item: slice) -> np.ndarray:
        return self.take(np.arange(self.n, dtype="int64")[item])

    def blocks(self, size: int = BLOCK) -> Iterator[np.ndarray]:
        for lo in range(0, self.n, size):
            yield self.block(lo, min(self.n, lo + size))


def runs(rows: np.ndarray) -> list[tuple[int, int]]:
    """(lo, hi) positions of the runs of consecutive values in `rows`."""
    if not len(rows):
        return []
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    return list(zip(np.r_[0, breaks].tolist(), np.r_[breaks, len(rows)].tolist()))


def write_all(fd: int, data: memoryview, offset: int) -> None:
    while len(data):
        done = os.pwrite(fd, data, offset)
        data, offset = data[done:], offset + done


def read_all(fd: int, out: memoryview, offset: int) -> None:
    while len(out):
        done = os.preadv(fd, [out], offset)
        if done <= 0:
            raise OSError(f"scratch file ended at byte {offset}")
        out, offset = out[done:], offset + done


class KeyedVectors(Mapping):
    """{content key: float32 vector} over FAISS layers: `keys` (sorted, unique, 64 ASCII bytes each),
    and for each the layer (index into `layers`) and row that hold its vector."""

    def __init__(self, keys: np.ndarray, layer: np.ndarray, row: np.ndarray, layers: list, dim: int):
        self.keys_, self.layer, self.row, self.layers, self.dim = keys, layer, row, layers, dim

    @classmethod
    def empty(cls, dim: int = 0) -> "KeyedVectors":
        return cls(np.zeros(0, "S64"), np.zeros(0, "int32"), np.zeros(0, "int64"), [], dim)

    def positions(self, keys: np.ndarray) -> np.ndarray:
        """Position of each key in `self.keys_`, -1 when absent."""
        if not len(self.keys_):
            return np.full(len(keys), -1, dtype="int64")
        at = np.minimum(np.searchsorted(self.keys_, keys), len(self.keys_) - 1)
        return np.where(self.keys_[at] == keys, at, -1)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which of `keys` (S64) are held, and the vectors of those, in order."""
        at = self.positions(np.asarray(keys, dtype="S64"))
        hit = at >= 0
        at = at[hit]
        out = np.empty((len(at), self.dim), dtype="float32")
        for number, layer in enumerate(self.layers):
            mine = np.flatnonzero(self.layer[at] == number)
            if len(mine):
                out[mine] = layer.vectors(self.row[at[mine]])
        return hit, out

    def __getitem__(self, key: str) -> np.ndarray:
        hit, vectors = self.lookup(np.array([key.encode("ascii", "replace")], dtype="S64"))
        if not hit[0] or len(key) != 64:
            raise KeyError(key)
        return vectors[0]

    def __contains__(self, key) -> bool:
        return isinstance(key, str) and len(key) == 64 and key.isascii() and \
            bool(self.positions(np.array([key.encode()], dtype="S64"))[0] >= 0)

    def __iter__(self) -> Iterator[str]:
        return (k.decode() for k in self.keys_)

    def __len__(self) -> int:
        return len(self.keys_)


def lookup(cache, keys: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Which of `keys` (S64) `cache` holds and their vectors: any mapping {content key: vector}; one
    with a `lookup` of its own (`KeyedVectors`) answers a block of keys at once."""
    if hasattr(cache, "lookup"):
        return cache.lookup(keys)
    names = [k.decode() for k in keys.tolist()]
    hit = np.array([k in cache for k in names], dtype=bool)
    found = [np.asarray(cache[k], dtype="float32") for k, h in zip(names, hit) if h]
    return hit, (np.stack(found) if found else np.zeros((0, dim), dtype="float32"))


def fill(rows: Rows, keys: np.ndarray, cache) -> np.ndarray:
    """Write the vectors `cache` holds for the rows' `keys` into `rows`; which rows were found."""
    found = np.zeros(len(keys), dtype=bool)
    for lo in range(0, len(keys), BLOCK):
        hit, vectors = lookup(cache, keys[lo:lo + BLOCK], rows.dim)
        rows.put(lo + np.flatnonzero(hit), vectors)
        found[lo:lo + len(hit)] = hit
    return found


def embed_missing(embedder, text: Callable[[int, int], str], keys: list[np.ndarray], found: list[np.ndarray],
                  rows: list[Rows], report, batch: int = 64) -> int:
    """Embed the inputs of the rows not `found` (layer n's row i is `text(n, i)`, its key `keys[n][i]`),
    each distinct key once, shortest first (a batch of like lengths pads little; ties by key), and
    write each vector to every row of its key. How many were embedded."""
    layer = np.concatenate([np.full(int((~f).sum()), n, dtype="int32") for n, f in enumerate(found)])
    row = np.concatenate([np.flatnonzero(~f) for f in found])
    if not len(row):
        return 0
    unique, first, inverse = np.unique(np.concatenate([k[~f] for k, f in zip(keys, found)]),
                                       return_index=True, return_inverse=True)
    lengths = np.fromiter((len(text(n, i)) for n, i in zip(layer[first].tolist(), row[first].tolist())),
                          dtype="int64", count=len(first))
    order = np.argsort(lengths, kind="stable")            # `unique` is sorted by key: ties stay by key
    holders = np.argsort(inverse, kind="stable")          # the rows of key u: holders[starts[u]:starts[u + 1]]
    starts = np.r_[0, np.cumsum(np.bincount(inverse, minlength=len(unique)))]
    with tqdm(total=len(unique), desc="embedding", unit="text") as bar:
        for at in range(0, len(unique), batch):
            part = order[at:at + batch]
            vectors = embedder.encode([text(int(layer[first[u]]), int(row[first[u]])) for u in part.tolist()])
            counts = starts[part + 1] - starts[part]
            where = np.concatenate([holders[starts[u]:starts[u + 1]] for u in part.tolist()])
            which = np.repeat(np.arange(len(part)), counts)
            for n, target in enumerate(rows):
                mine = layer[where] == n
                if mine.any():
                    target.put(row[where[mine]], vectors[which[mine]])
            bar.update(len(part))
            report(0.1 + 0.75 * (at + len(part)) / len(unique), f"embedded {at + len(part)}/{len(unique)}")
    return len(unique)
