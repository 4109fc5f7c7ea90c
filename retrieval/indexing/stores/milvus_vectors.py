"""Vectors in the Milvus store, by content key: each distinct embedded text's vector once.

Two collections per model and embedding backend, shared by the generations:

    retrieval_vectors_<tag>_chunks      content key (primary key), vector: the chunks' embeddings
    retrieval_vectors_<tag>_sentences   content key (primary key), vector: the sentences' embeddings

The content key is the sha256 of the text embedded (`retrieval.indexing.embed.text_key`); `<tag>` names the
model, its dimension and the backend (`vector_tag`). A generation's chunk and sentence tables map their
rows to keys. A build inserts only the keys a collection lacks (`missing`); pruning old generations
deletes the keys that no kept generation holds (`retrieval.indexing.stores.milvus_build.collect`).

A search returns keys: those of the reader's generation are expanded to its rows; keys only other
generations hold (the previous one, a build in progress) are skipped, the search widened when they
took the place of the generation's own (`MilvusDense.search`).
"""
from __future__ import annotations

import hashlib
import json
import threading

import numpy as np

from retrieval.indexing.dense import EXACT_LIMIT, HNSW_EF_SEARCH
from retrieval.indexing.stores.milvus import ALIAS, BATCH, CACHE_MAX, WINDOW, guarded

VECTORS = f"{ALIAS}_vectors"
TOP_MAX = 16_384         # Milvus' largest search limit


def vector_tag(model: str, dim: int, backend: str) -> str:
    return hashlib.sha256(f"{model}|{dim}|{backend}".encode()).hexdigest()[:12]


def vector_names(tag: str) -> dict[str, str]:
    return {part: f"{VECTORS}_{tag}_{part}" for part in ("chunks", "sentences")}


def key_filter(keys) -> str:
    return f"key in {json.dumps(sorted(keys))}"


def missing(mc, collection: str, keys) -> list[str]:
    """The keys `collection` does not hold (asked in pages of BATCH keys)."""
    keys, held = sorted(set(keys)), set()
    for at in range(0, len(keys), BATCH):
        part = keys[at:at + BATCH]
        held |= {r["key"] for r in mc.query(collection, filter=key_filter(part), output_fields=["key"])}
    return [k for k in keys if k not in held]


def count(mc, collection: str) -> int:
    return int(mc.query(collection, filter="", output_fields=["count(*)"])[0]["count(*)"])


class KeyedVectors:
    """A generation's chunk (or sentence) vectors by id: id -> content key -> vector, fetched on demand
    from the shared collection and cached by key."""

    def __init__(self, mc, collection: str, keys: list[str], dim: int, where: str = ""):
        self.mc, self.collection, self.keys, self.dim, self.where = mc, collection, keys, dim, where
        self.size = len(keys)
        self.ids: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            self.ids.setdefault(key, []).append(i)
        self.cache: dict[str, np.ndarray] = {}
        self.lock = threading.Lock()

    def __len__(self) -> int:
        return self.size

    def fetch(self, ids) -> None:
        wanted = sorted({self.keys[int(i)] for i in ids} - self.cache.keys())
        for at in range(0, len(wanted), BATCH):
            found = guarded(self.where, self.mc.query, self.collection, filter=key_filter(wanted[at:at + BATCH]),
                            output_fields=["key", "vector"])
            with self.lock:
                if len(self.cache) > CACHE_MAX:
                    self.cache.clear()
                self.cache.update({r["key"]: np.asarray(r["vector"], dtype="float32") for r in found})

    def rows(self, ids) -> np.ndarray:
        ids = [int(i) for i in ids]
        self.fetch(ids)
        if not ids:
            return np.zeros((0, self.dim), dtype="float32")
        return np.stack([self.cache[self.keys[i]] for i in ids])

    def __getitem__(self, item):
        if isinstance(item, slice):
            return self.rows(range(*item.indices(self.size)))
        item = int(item)
        if self.keys[item] not in self.cache:       # a highlight's sentence: its neighbours come next
            self.fetch(range(max(0, item - WINDOW), min(self.size, item + WINDOW)))
        return self.cache[self.keys[item]]


def search_params(size: int, limit: int) -> dict:
    """Inner product; HNSW's search depth above EXACT_LIMIT vectors, as `retrieval.indexing.dense` sets it."""
    if size <= EXACT_LIMIT:
        return {"metric_type": "IP"}
    return {"metric_type": "IP", "params": {"ef": max(HNSW_EF_SEARCH, limit)}}


class MilvusDense:
    """`retrieval.indexing.dense.Dense` on a shared vector collection: search by inner product, vectors by id.
    `foreign`: how many keys of the collection this generation does not hold (others' keys)."""

    def __init__(self, vectors: KeyedVectors, after=None, foreign: int = 0):
        self.store, self.after, self.foreign = vectors, after, max(0, foreign)   # after(ids): fetch what comes next

    @property
    def size(self) -> int:
        return self.store.size

    def vectors(self, rows) -> np.ndarray:
        if self.after is not None:
            self.after(rows)
        return self.store.rows(rows)

    def hits(self, query: np.ndarray, limit: int, expr: str = "") -> dict[str, float]:
        store = self.store
        found = guarded(store.where, store.mc.search, store.collection, [query.astype("float32").tolist()],
                        anns_field="vector", limit=limit, filter=expr, output_fields=["key"],
                        search_params=search_params(self.size, limit))
        return {h["entity"]["key"]: float(h["distance"]) for h in found[0]}

    def expand(self, hits: dict[str, float], k: int, allowed: set[int] | None = None) -> dict[int, float]:
        """The best `k` of this generation's ids (of `allowed` ones) under the keys hit."""
        scores = {i: s for key, s in hits.items() for i in self.store.ids.get(key, ())
                  if allowed is None or i in allowed}
        return {i: scores[i] for i in sorted(scores, key=lambda i: (-scores[i], i))[:k]}

    def search(self, query: np.ndarray, k: int, rows: np.ndarray | None = None) -> dict[int, float]:
        if self.size == 0 or (rows is not None and not len(rows)):
            return {}
        own = self.store.ids
        if rows is not None:
            allowed = {int(r) for r in rows}
            keys = {self.store.keys[r] for r in allowed}
            return self.expand(self.hits(query, min(k, len(keys), TOP_MAX), key_filter(keys)), k, allowed)
        wanted = min(k, len(own))          # the best `wanted` keys of ours give at least k ids
        while True:
            limit = min(TOP_MAX, wanted + self.foreign)
            hits = self.hits(query, limit)
            if sum(key in own for key in hits) >= wanted or len(hits) < limit:
                return self.expand(hits, k)
            if limit == TOP_MAX:           # more keys of others than a search returns: ours by name
                return self.expand(self.hits(query, min(wanted, TOP_MAX), key_filter(own)), k)
            self.foreign = 2 * max(self.foreign, wanted)     # a build added keys since: look deeper


def open_vectors(mc, where: str, manifest: dict, chunk_keys: list[str], sentence_keys: list[str], spans: np.ndarray):
    """The chunk and sentence searches of a generation (its keys by id) and its sentence vectors."""
    shared, dim = vector_names(manifest["milvus"]["vectors"]), int(manifest["model"]["dimension"])
    for part in shared.values():
        mc.load_collection(part)
    sentence_vectors = KeyedVectors(mc, shared["sentences"], sentence_keys, dim, where)
    ptr = np.searchsorted(spans[:, 0], np.arange(len(chunk_keys) + 1))

    def with_sentences(rows) -> None:      # dense scores read the chunks' sentences next
        sentence_vectors.fetch(j for r in rows for j in range(ptr[int(r)], ptr[int(r) + 1]))

    chunk_vectors = KeyedVectors(mc, shared["chunks"], chunk_keys, dim, where)
    dense = MilvusDense(chunk_vectors, with_sentences, count(mc, shared["chunks"]) - len(chunk_vectors.ids))
    sentences = MilvusDense(sentence_vectors, foreign=count(mc, shared["sentences"]) - len(sentence_vectors.ids))
    return dense, sentences, sentence_vectors
