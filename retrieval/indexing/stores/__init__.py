"""Where an index lives, and what the engine reads from it at query time.

Two stores hold the same index: the local folder of FAISS and bm25s files (`retrieval.indexing.store`, the
default) and Milvus (`retrieval.indexing.stores.milvus`): a Milvus Lite file (`index/milvus.db`, embedded) or
a Milvus server (`milvus://HOST:PORT[/DB]`, standalone or cluster), so that any number of app
processes on any machines answer from one corpus with no local index folder.

A location is chosen by `--store` on `build` / `ask` or by `$RETRIEVAL_STORE`; without either, the
`--index` folder. `load(location, embedder)` returns a `Loaded` index whatever the store:

    documents         {doc_id: Document} (clean text: citations slice it)
    chunks            ChunkTable (doc_id, offsets, paragraph of chunk row r)
    lexical           .search(tokens, k, mask) -> {row: BM25}, .idf(token), .vocab, .df, .size
    dense, sentences  .search(qvec, k, ids) -> {id: cosine}, .vectors(ids), .size
    spans             (row, start, end) of every embedded sentence
    sentence_vectors  indexable by sentence id (an array, or vectors fetched on demand)
    terms, manifest   the tokenizer's domain dictionary; what built the index
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.errors import IndexMissingError

ENV = "RETRIEVAL_STORE"


class StoreError(IndexMissingError):
    """The store cannot be reached or holds no usable index (the message names the address);
    `where` is set when the store could not be reached (the UI says so in one line)."""

    def __init__(self, message: str, where: str | None = None):
        super().__init__(message)
        self.where = where


@dataclass(frozen=True)
class Loaded:
    folder: Any          # the local generation folder, or `milvus://…#generation`
    manifest: dict
    documents: dict
    chunks: Any
    lexical: Any
    dense: Any
    sentences: Any
    spans: Any
    sentence_vectors: Any
    terms: list
    glossary: Any = None     # {term: glossary.Term} as the build stored it; None: the engine builds it at load


def is_milvus(location) -> bool:
    """A Milvus server address or a Milvus Lite file (`….db`); anything else is a local index folder."""
    text = str(location)
    return text.startswith("milvus://") or text.endswith(".db")


def location(index, store: str | None = None):
    """The index location a command uses: `--store`, else $RETRIEVAL_STORE, else the `--index` folder."""
    return as_location(store or os.environ.get(ENV) or index)


def as_location(where):
    """A Milvus address stays a string (a Path would fold `//`); anything else is a folder."""
    return str(where) if is_milvus(where) else Path(where)


def load(where, embedder) -> Loaded:
    if is_milvus(where):
        from retrieval.indexing.stores.milvus import load_milvus

        return load_milvus(str(where), embedder)
    from retrieval.indexing.stores.local import load_local

    return load_local(Path(where), embedder)


def needs_build(where, corpus_dir: Path, model: str) -> bool:
    if is_milvus(where):
        from retrieval.indexing.stores.milvus import milvus_needs_build

        return milvus_needs_build(str(where), corpus_dir, model)
    from retrieval.indexing.manifest import needs_build as local_needs_build

    return local_needs_build(Path(where), corpus_dir, model)


def build(corpus_dir, where, model=None, reuse: bool = True, progress=None):
    """Build or update the index at `where` (a BuildReport)."""
    if is_milvus(where):
        from retrieval.indexing.stores.milvus_build import build_milvus

        return build_milvus(corpus_dir, str(where), model=model, reuse=reuse, progress=progress)
    from retrieval.indexing.build import build_index

    return build_index(corpus_dir, Path(where), model=model, reuse=reuse, progress=progress)


def live(where) -> str:
    """What the live index is called (its folder, or address and generation)."""
    if is_milvus(where):
        from retrieval.indexing.stores.milvus import live_generation

        return live_generation(str(where))
    from retrieval.indexing.store import current

    return str(current(Path(where)))


def try_build(corpus_dir, where, model=None):
    """`build`, returning its error instead of raising it (None: built), as `retrieval.indexing.build.try_build`."""
    from retrieval.indexing.build import try_build as local_try_build

    if not is_milvus(where):
        return local_try_build(corpus_dir, where, model=model)
    from retrieval.errors import IndexWriteError, RetrievalError

    try:
        build(corpus_dir, where, model=model)
    except RetrievalError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001  (whatever stops a build, the live index still answers)
        return IndexWriteError(f"the index could not be built from {corpus_dir} into {where}: "
                               f"{type(exc).__name__}: {exc}")
    return None
