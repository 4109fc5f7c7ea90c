"""The vectors of the kept generations, reused by the next build: {content key: vector} read as keys and
rows into their memory-mapped FAISS files (`vectors.KeyedVectors`), never one array per vector."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from retrieval.indexing import store
from retrieval.indexing.dense import Dense
from retrieval.indexing.manifest import built_backend
from retrieval.indexing.seal import read_manifest, verified_file
from retrieval.indexing.vectors import BLOCK, KeyedVectors

log = logging.getLogger(__name__)
UNIT_TOLERANCE = 1e-3        # a reused vector's norm is 1 within this (the model's vectors are normalised)
CODES8_TOLERANCE = 2e-2      # ... read back from 8-bit codes: within this (measured: 0.0081 at worst, README "Scale")
LAYER_FILES = (("chunks.jsonl", "dense.faiss"), ("sentences.jsonl", "sentences.faiss"))


def previous_cache(index_dir: Path, model: str, dim: int | None = None,
                   backend: str | None = None) -> KeyedVectors:
    """Embeddings of the kept generations (chunks and sentences, the live one first) by content key,
    when they used the same model (and the same embedding backend, `Embedder.label`, when given). Only
    vectors that can be trusted are reused: from a file whose bytes match the checksum its sealed
    manifest records, finite, of the model's dimension and unit length (a generation of an older
    schema, which recorded no checksums, gets the vector checks alone). A key held by several rows
    gives the live generation's vector, and in a generation the last row's (sentences after chunks)."""
    live = store.live_folder(index_dir)   # complete or not: an older schema's vectors are reused too
    layers: list[Dense] = []
    parts = []
    for folder in [live] + [g for g in store.generations(index_dir) if g != live]:
        keys, layer, rows = generation_rows(folder, model, dim, backend, layers)
        last = len(keys) - 1 - np.unique(keys[::-1], return_index=True)[1]     # a generation's last row of a key
        parts.append((keys[last], layer[last], rows[last]))
    if not layers:
        return KeyedVectors.empty(dim or 0)
    keys, layer, rows = (np.concatenate([p[i] for p in parts]) for i in range(3))
    _, first = np.unique(keys, return_index=True)         # the first generation's (the live one first)
    return KeyedVectors(keys[first], layer[first], rows[first], layers, layers[0].index.d)


def generation_rows(folder: Path, model: str, dim: int | None, backend: str | None,
                    layers: list[Dense]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keys, layer numbers (into `layers`, to which this generation's FAISS files are appended) and rows
    of the sound vectors of the generation in `folder`, chunks then sentences."""
    empty = (np.zeros(0, "S64"), np.zeros(0, "int32"), np.zeros(0, "int64"))
    manifest = reusable_manifest(folder)
    if manifest is None or manifest.get("model", {}).get("name") != model or \
            (backend is not None and built_backend(manifest) != backend):
        return empty
    sealed, parts = "index_files" in manifest, [empty]
    for rows_file, vectors_file in LAYER_FILES:
        if sealed and not (verified_file(folder, manifest, rows_file) and verified_file(folder, manifest, vectors_file)):
            log.warning("not reusing the vectors of %s: %s or %s does not match its checksum",
                        folder.name, rows_file, vectors_file)
            continue
        try:
            keys = row_keys(folder / rows_file)
            layer = Dense.load(folder / vectors_file)     # flat: float32, ivf: float16 or 8-bit codes, as stored
            good = sound_rows(layer, dim if dim is not None else (layers[0].index.d if layers else None))
        except Exception:  # this part is missing or unreadable: embed it again
            continue
        n = min(len(keys), len(good))
        rows = np.flatnonzero(good[:n] & (keys[:n] != b""))
        layers.append(layer)
        parts.append((keys[rows], np.full(len(rows), len(layers) - 1, dtype="int32"), rows))
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))


def row_keys(path: Path) -> np.ndarray:
    """The `key` of every line of a generation's rows file (b"" where a line has none that could be one)."""
    def key(row) -> bytes:
        k = row.get("key") if isinstance(row, dict) else None
        return k.encode() if isinstance(k, str) and len(k) == 64 and k.isascii() else b""

    return np.fromiter((key(r) for r in store.iter_jsonl(path)), dtype="S64")


def sound_rows(layer: Dense, dim: int | None) -> np.ndarray:
    """`sound_vectors` of every row of a FAISS layer, read a block at a time."""
    if dim is not None and layer.index.d != dim:
        return np.zeros(layer.size, dtype=bool)
    tolerance = CODES8_TOLERANCE if layer.codes == "sq8" else UNIT_TOLERANCE
    return np.concatenate([sound_vectors(layer.vectors(np.arange(lo, min(layer.size, lo + BLOCK))), dim, tolerance)
                           for lo in range(0, layer.size, BLOCK)] or [np.zeros(0, dtype=bool)])


def reusable_manifest(folder: Path) -> dict | None:
    """The generation's manifest when it is sealed and unaltered, or of an older schema (unsealed);
    None when it is missing, unreadable or altered."""
    try:
        manifest = store.read_json(folder / "manifest.json")
        if manifest.get("schema_version") == store.SCHEMA_VERSION or "checksum" in manifest:
            manifest = read_manifest(folder)
        return manifest if isinstance(manifest, dict) else None
    except Exception:  # noqa: BLE001  (no usable previous index: embed everything)
        return None


def sound_vectors(vectors, dim: int | None, tolerance: float = UNIT_TOLERANCE) -> np.ndarray:
    """Per row: finite, of dimension `dim` and unit length within `tolerance` (what the model gives);
    all False when the array is not a 2-d float matrix of that dimension."""
    if not isinstance(vectors, np.ndarray) or vectors.ndim != 2 or vectors.dtype.kind != "f" or \
            (dim is not None and vectors.shape[1] != dim):
        return np.zeros(len(vectors) if hasattr(vectors, "__len__") else 0, dtype=bool)
    with np.errstate(all="ignore"):
        finite = np.isfinite(vectors).all(axis=1)
        norms = np.linalg.norm(np.where(np.isfinite(vectors), vectors, 0), axis=1)
    return finite & (np.abs(norms - 1) < tolerance)
