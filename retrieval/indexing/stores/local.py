"""The local store: a folder of FAISS and bm25s files (`retrieval.indexing.store`), checked and memory-mapped
by `retrieval.indexing.integrity.read_generation` (the engine reads it so directly, with its repair and
fallback to the previous generation: `Engine.open`)."""
from __future__ import annotations

from pathlib import Path

from retrieval.indexing import store
from retrieval.indexing.integrity import read_generation
from retrieval.indexing.stores import Loaded


def load_local(index_dir: Path, embedder) -> Loaded:
    """The live generation of `index_dir`, checked whole and consistent."""
    folder = store.current(index_dir)
    g = read_generation(folder, embedder)
    return Loaded(folder, g.manifest, g.documents, g.chunks, g.lexical, g.dense, g.sentences, g.spans,
                  g.sentence_vectors, g.terms)
