"""Checks that a loaded index generation is whole and consistent: counts agree with the manifest,
sentence rows point at chunks in order, the model is the one that built it. Each failure is a typed
error whose message says what to run."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval import store
from retrieval.chunktable import ChunkTable
from retrieval.dense import Dense
from retrieval.embed import Embedder
from retrieval.errors import IndexCorruptError, IndexStaleError


def sentence_table(path: Path) -> np.ndarray:
    """(row, start, end) of every embedded sentence, one array row each."""
    try:
        flat = np.fromiter((v for r in store.iter_jsonl(path) for v in (r["row"], r["start"], r["end"])),
                           dtype="int64")
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexCorruptError(f"{path.name} has a malformed record ({exc!r}): "
                                "run `python -m retrieval build --rebuild`") from exc
    return flat.reshape(-1, 3)


def check_model(manifest: dict, embedder: Embedder) -> None:
    built = manifest.get("model", {})
    if built.get("name") != embedder.name or built.get("dimension") != embedder.dim:
        raise IndexStaleError(f"index was built with model {built.get('name')} "
                              f"({built.get('dimension')} dims), not {embedder.name}: "
                              "run `python -m retrieval build` with the same model")
    built = f"{built.get('backend', 'torch')}-{built.get('quantisation', 'fp32')}"
    if built != embedder.label:
        raise IndexStaleError(f"index was embedded with the {built} backend, not {embedder.label}: "
                              "run `python -m retrieval build` (or set RETRIEVAL_BACKEND to the one that built it)")


def check_sentences(manifest: dict, chunks, sentences: Dense, rows: np.ndarray, vectors: np.ndarray) -> None:
    n = manifest.get("counts", {}).get("sentences")
    if not (n == sentences.size == len(rows) == len(vectors)) or \
            (len(rows) and (rows.min() < 0 or rows.max() >= len(chunks) or np.any(np.diff(rows) < 0))):
        raise IndexCorruptError(f"sentence files disagree with the manifest ({len(rows)} sentences, "
                                f"{sentences.size} vectors, manifest {n}): "
                                "run `python -m retrieval build --rebuild`")


def check_consistent(manifest: dict, documents: dict, chunks: ChunkTable, dense: Dense) -> None:
    """Counts agree (each chunk's text was checked against its document by `ChunkTable.read`)."""
    counts = manifest.get("counts", {})
    if (counts.get("chunks"), counts.get("documents")) != (len(chunks), len(documents)) or dense.size != len(chunks):
        raise IndexCorruptError("index files disagree with the manifest "
                                f"({len(chunks)} chunks, {dense.size} vectors, manifest {counts}): "
                                "run `python -m retrieval build --rebuild`")
