"""Dense retrieval: FAISS over normalised embeddings, inner product (= cosine).

The index type follows the number of vectors (`index_type`, recorded in the manifest): exact
search over float32 (`IndexFlatIP`) up to `EXACT_LIMIT`, where one search takes a few milliseconds;
above it an inverted file over float16 codes (`IndexIVFScalarQuantizer`, `QT_fp16`: half the bytes,
and a vector read back is the one stored, so a later build reuses it without loss), and above
`CODES8_ABOVE` over 8-bit codes (`QT_8bit`, a quarter of the bytes: at a million chunks the
sentence layer's 5.4 million vectors take 2.6 GiB instead of 5.2; an inner product moves by 0.0002 on
average, README "Scale"), searched in `nprobe` of its `nlist` lists. An 8-bit layer's ranges are
trained once and handed on (`ranges`): a vector read back and stored again under the same ranges
keeps its codes, so reuse does not drift there either. The FAISS file is the only copy of the vectors: the engine reads them
from it, memory-mapped (`IO_FLAG_MMAP_IFC`), and a build reuses them from it.
FAISS row i is chunk i; texts and metadata live beside it, never inside it.
"""
from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

EXACT_LIMIT = 50_000      # benchmarks/faiss_flat.py: exact search of 50,000 vectors 6.5 ms, 200,000 64 ms
PROBE_SHARE = 4           # an inverted file searches nlist / PROBE_SHARE of its lists ...
WIDE_LISTS, WIDE_SHARE = 2048, 8   # ... nlist / WIDE_SHARE from WIDE_LISTS lists on (measured recall@10 of
#                            the million-chunk sentence layer, 2,048 lists: 0.9725 at 256, 0.986 at 512, README "Scale")
MIN_PROBE = 8             # ... and at least this many (benchmarks/scale.py: recall@10 against exact)
TRAIN_PER_LIST = 40       # training sample: this many vectors per list (FAISS warns under 39)
TRAIN_ITERATIONS = 10
CODES8_ABOVE = 2_000_000   # vectors: above it 8-bit codes (a million chunks' 5.4 million sentences: RSS, README "Scale")
RANGE_MARGIN = 0.05        # each dimension's 8-bit range: the training sample's, widened by this share on
#                            each side (a vector outside the sample is clipped less; a wider range codes
#                            coarser: the float32 top 10 of a million near-copies kept 0.985 at 0.05, 0.972
#                            at 0.2, 0.9795 at 0; of 52,000 real vectors 0.987-0.992 at any; README "Scale")
HNSW_M, HNSW_EF_SEARCH = 32, 128   # the Milvus store's HNSW above EXACT_LIMIT (`retrieval.indexing.stores`)


def nlist_for(n: int) -> int:
    """Lists of an inverted file of `n` vectors: the power of two nearest sqrt(n), fewer when there
    are not TRAIN_PER_LIST vectors a list to train them (only a test's tiny index has so few)."""
    nearest = 2 ** round(math.log2(math.sqrt(max(n, 1))))
    return max(1, min(nearest, 2 ** int(math.log2(max(n // TRAIN_PER_LIST, 1)))))


def codes_for(n: int) -> str:
    """The codes of an inverted file of `n` vectors: "fp16", or "sq8" above CODES8_ABOVE."""
    return "sq8" if n > CODES8_ABOVE else "fp16"


def index_type(n: int) -> str:
    return "flat-ip" if n <= EXACT_LIMIT else f"ivf{nlist_for(n)}-{codes_for(n)}"


def nprobe_for(nlist: int) -> int:
    return min(nlist, max(MIN_PROBE, nlist // (WIDE_SHARE if nlist >= WIDE_LISTS else PROBE_SHARE)))


class Dense:
    def __init__(self, index: faiss.Index):
        self.index = index
        self.ivf = index if isinstance(index, faiss.IndexIVF) else None
        if self.ivf is not None:
            self.ivf.nprobe = nprobe_for(self.ivf.nlist)
        self.rows = FlatRows(index) if self.ivf is None else StoredRows(index)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def codes(self) -> str | None:
        """An inverted file's codes, "fp16" or "sq8" (`codes_for`); None for a flat index."""
        if self.ivf is None:
            return None
        return "sq8" if self.ivf.sq.qtype == faiss.ScalarQuantizer.QT_8bit else "fp16"

    @property
    def kind(self) -> str:
        return "flat-ip" if self.ivf is None else f"ivf{self.ivf.nlist}-{self.codes}"

    @property
    def ranges(self) -> np.ndarray | None:
        """The trained ranges of an 8-bit layer (to hand on to the next build of it), else None."""
        return faiss.vector_to_array(self.ivf.sq.trained).copy() if self.codes == "sq8" else None

    @classmethod
    def build(cls, vectors, dim: int, ranges: np.ndarray | None = None) -> "Dense":
        """The index of `vectors`: a float array, or any row store with `len`, `[::step]` and
        `blocks()` (`retrieval.indexing.vectors.Rows`), added a block at a time. `ranges`: the
        previous generation's 8-bit ranges (`Dense.ranges`), kept when this layer is 8-bit too."""
        blocks = vectors.blocks() if hasattr(vectors, "blocks") else [vectors]
        kind = index_type(len(vectors))
        if kind == "flat-ip":
            index = faiss.IndexFlatIP(dim)
        else:
            index = inverted_file(vectors, dim, nlist_for(len(vectors)), codes_for(len(vectors)), ranges)
        for block in blocks:
            if len(block):
                index.add(np.ascontiguousarray(block, dtype="float32"))
        if kind != "flat-ip":
            index.make_direct_map()      # row -> its code, to read a vector back
        return cls(index)

    def extend(self, vectors: np.ndarray, remove: np.ndarray | None = None) -> None:
        """Drop the rows `remove` (the rows after them move up: row i stays chunk i), then add
        `vectors` as the last rows; an inverted file keeps its lists (no k-means again). A flat index
        compacts itself; in an inverted file the entries are taken out of their lists and the ids
        after them renumbered in place. The index must be read whole (`load(path, mapped=False)`)."""
        remove = np.unique(np.asarray(remove if remove is not None else [], dtype="int64"))
        if len(remove) and self.ivf is None:
            self.index.remove_ids(faiss.IDSelectorBatch(remove))
        elif len(remove):
            self.ivf.set_direct_map_type(faiss.DirectMap.NoMap)
            self.ivf.remove_ids(faiss.IDSelectorBatch(remove))
            lists = self.ivf.invlists
            for number in range(self.ivf.nlist):
                if size := lists.list_size(number):
                    ids = faiss.rev_swig_ptr(lists.get_ids(number), size)
                    ids -= np.searchsorted(remove, ids)
            self.ivf.make_direct_map()
        if len(vectors):
            self.index.add(np.ascontiguousarray(vectors, dtype="float32"))
        self.rows = FlatRows(self.index) if self.ivf is None else StoredRows(self.index)

    def save(self, path: Path) -> None:
        """Write the index; a failed write (a full disk) is an `OSError`, as for every other file."""
        try:
            faiss.write_index(self.index, str(path))
        except RuntimeError as exc:
            raise OSError(f"cannot write {path.name}: {str(exc).strip().splitlines()[-1]}") from exc

    @classmethod
    def load(cls, path: Path, mapped: bool = True) -> "Dense":
        """The index memory-mapped: pages are read when a search or a row needs them (`mapped`;
        else read whole, to be changed: `extend`)."""
        return cls(faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC if mapped else 0))

    def vectors(self, rows) -> np.ndarray:
        """The stored vectors of `rows` (float32), one array row each."""
        return self.rows.take(np.asarray(rows, dtype="int64"))

    def all_vectors(self) -> np.ndarray:
        return self.rows.take(np.arange(self.size, dtype="int64"))

    def search(self, query: np.ndarray, k: int, rows: np.ndarray | None = None) -> dict[int, float]:
        """Top `k` rows by cosine as {row: score}; `rows` restricts the search to those ids."""
        if self.size == 0:
            return {}
        if rows is not None and self.ivf is not None and len(rows) <= EXACT_LIMIT:
            return self.search_rows(query, k, rows)     # the lists probed may hold none of these rows
        params = None if rows is None else faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows.astype("int64")))
        k = min(k, self.size)
        scores, ids = self.index.search(query.reshape(1, -1).astype("float32"), k, params=params)
        return {i: s for i, s in zip(ids[0].tolist(), scores[0].tolist()) if i >= 0}

    def search_rows(self, query: np.ndarray, k: int, rows: np.ndarray) -> dict[int, float]:
        """Exact search among `rows` (their stored vectors read back)."""
        rows = np.asarray(rows, dtype="int64")
        scores = self.vectors(rows) @ query.astype("float32")
        top = np.argsort(-scores, kind="stable")[:k]
        return {int(rows[i]): float(scores[i]) for i in top}


def inverted_file(vectors: np.ndarray, dim: int, nlist: int, codes: str = "fp16",
                  ranges: np.ndarray | None = None) -> faiss.Index:
    """An IVF over float16 (or 8-bit) codes of the vectors, its lists by k-means on an evenly spread
    sample; 8-bit ranges from that sample widened by RANGE_MARGIN, or `ranges` when given (and sized)."""
    quantizer = faiss.IndexFlatIP(dim)
    qtype = faiss.ScalarQuantizer.QT_8bit if codes == "sq8" else faiss.ScalarQuantizer.QT_fp16
    index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, qtype, faiss.METRIC_INNER_PRODUCT)
    index.by_residual = False       # the vector itself as codes: read back as stored, reused as stored
    index.sq.rangestat_arg = RANGE_MARGIN
    index.cp.niter = TRAIN_ITERATIONS
    step = max(1, len(vectors) // (nlist * TRAIN_PER_LIST))
    index.train(vectors[::step])
    if codes == "sq8" and ranges is not None and len(ranges) == index.sq.trained.size():
        faiss.copy_array_to_vector(np.asarray(ranges, dtype="float32"), index.sq.trained)
    return index


class FlatRows:
    """The rows of a flat index as a float32 matrix over its (memory-mapped) storage, not a copy."""

    def __init__(self, index: faiss.Index):
        n, d = int(index.ntotal), index.d
        self.matrix = faiss.rev_swig_ptr(index.get_xb(), n * d).reshape(n, d) if n else \
            np.zeros((0, d), dtype="float32")
        self.index = index          # the matrix lives as long as the index

    def __len__(self) -> int:
        return len(self.matrix)

    def __getitem__(self, item):
        return self.matrix[item]

    def take(self, rows: np.ndarray) -> np.ndarray:
        return self.matrix[rows]

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.matrix, dtype=dtype)


class StoredRows(FlatRows):
    """The rows of an inverted file, decoded from their codes when asked for (`sentence_vectors[lo:hi]`)."""

    def __init__(self, index: faiss.Index):
        self.index, self.n = index, int(index.ntotal)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, item):
        if isinstance(item, slice):     # the rows of the slice alone, not an arange of every row sliced
            return self.take(np.arange(*item.indices(self.n), dtype="int64"))
        return self.take(np.array([item], dtype="int64"))[0]

    def take(self, rows: np.ndarray) -> np.ndarray:
        if not len(rows):
            return np.zeros((0, self.index.d), dtype="float32")
        return self.index.reconstruct_batch(rows)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.take(np.arange(self.n, dtype="int64")), dtype=dtype)
