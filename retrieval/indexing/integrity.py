"""Checks that a loaded index generation is whole and consistent: every file parses (`loaded`), counts
agree with the manifest, sentence rows point at chunks in order, the model is the one that built it.
The files' sizes and checksums are checked before, by `retrieval.indexing.seal`. Each failure is a typed error
whose message says what to run."""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

from retrieval.indexing import store
from retrieval.indexing.chunktable import ChunkTable
from retrieval.indexing.dense import Dense
from retrieval.indexing.embed import Embedder
from retrieval.types import Document
from retrieval.errors import IndexCorruptError, IndexMissingError, IndexStaleError, RetrievalError
from retrieval.search.glossary import GLOSSARY, load_glossary
from retrieval.indexing.lexical import Lexical
from retrieval.indexing.seal import check_generation, damaged


def live_damage(index_dir: Path) -> IndexCorruptError | None:
    """Why the live generation cannot be used (None: it is intact, or there is no index at all)."""
    try:
        check_generation(store.current(index_dir))
    except (IndexMissingError, IndexStaleError):
        return None
    except IndexCorruptError as exc:
        return exc
    return None


def preload(model: str | None) -> None:
    """Load the model (in a thread, while the index's checksums are read); a failure is raised again,
    as the typed error it is, when the engine loads it for real."""
    try:
        Embedder(model)
    except Exception:  # noqa: BLE001
        pass


def damage_detail(error: RetrievalError) -> str:
    """What is damaged, without the advice (`seal.damaged` keeps it apart; other messages end with it)."""
    return getattr(error, "detail", None) or str(error).split(": run `")[0]


def loaded(folder: Path, name: str, load):
    """`load(folder / name)`; a file that does not parse is an `IndexCorruptError` naming it."""
    try:
        return load(folder / name)
    except RetrievalError:
        raise
    except Exception as exc:  # noqa: BLE001  (faiss, bm25s, numpy and json each fail their own way)
        reason = (str(exc).strip().splitlines() or [""])[-1][:160]
        raise damaged(folder, f"{name} cannot be loaded: {type(exc).__name__}: {reason}", rebuild=True) from exc


def check_dense(folder: Path, name: str, dense: Dense, dim: int) -> None:
    if dense.index.d != dim:
        raise damaged(folder, f"{name} holds {dense.index.d}-dimensional vectors, the model gives {dim}", rebuild=True)


def check_lexical(folder: Path, lexical: Lexical) -> None:
    """The BM25 matrix is a well-formed CSC matrix over the index's rows (a damaged one fails queries)."""
    scores = lexical.retriever.scores
    indptr, indices, data = (np.asarray(scores.get(k, [])) for k in ("indptr", "indices", "data"))
    well_formed = len(indptr) > 0 and indptr[0] == 0 and np.all(np.diff(indptr) >= 0) and \
        indptr[-1] == len(indices) == len(data) and \
        (not len(indices) or (indices.min() >= 0 and indices.max() < lexical.size)) and \
        bool(np.isfinite(data).all()) and scores.get("num_docs") == lexical.size
    if not well_formed:
        raise damaged(folder, "lexical/ is not a well-formed BM25 index for this index's chunks", rebuild=True)


SENTENCE_RECORD = re.compile(rb'^\{"row": (\d+), "start": (\d+), "end": (\d+), "key": "[0-9a-f]{64}"\}$', re.M)


def sentence_table(path: Path) -> np.ndarray:
    """(row, start, end) of every embedded sentence, one array row each. The lines as the build writes
    them are read by one pattern (1.3 s -> 0.8 s at 551,000 sentences); a file with any other line is
    read record by record, as JSON."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise store.unreadable(path, exc) from exc
    records = SENTENCE_RECORD.findall(data)
    if len(records) == data.count(b"\n") and data.endswith(b"\n") or not data:
        return np.fromstring(b" ".join(chain.from_iterable(records)), dtype="int64", sep=" ").reshape(-1, 3) \
            if records else np.zeros((0, 3), dtype="int64")
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


def check_glossary(folder: Path, glossary: dict | None, documents: dict) -> None:
    """Every statement of the stored glossary is a span of one of the index's documents."""
    for term in (glossary or {}).values():
        for st in term.statements:
            doc = documents.get(st.doc_id)
            if doc is None or not 0 <= st.start < st.end <= len(doc.text):
                raise damaged(folder, f"{GLOSSARY} cites {st.doc_id}[{st.start}:{st.end}], not in the index "
                              f"(term {term.term})", rebuild=True)


@dataclass(frozen=True)
class Generation:
    """The parts of an index generation as the engine uses them, read and checked."""

    folder: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: ChunkTable
    lexical: Lexical
    dense: Dense
    sentences: Dense
    spans: np.ndarray               # (chunk row, start, end) of every embedded sentence
    sentence_vectors: object        # the sentence vectors by id, read from sentences.faiss (`dense.FlatRows`)
    terms: list[str]
    glossary: dict | None = None    # the formulations (`glossary.Term`), None for an index built before it was stored


def read_generation(folder: Path, embedder: Embedder) -> Generation:
    """Every file of the generation in `folder`, after checking each one's size and checksum
    (`seal.check_generation`), then that each parses and that they agree with each other."""
    manifest = check_generation(folder)
    check_model(manifest, embedder)
    documents = {d["doc_id"]: Document.from_dict(d) for d in store.iter_jsonl(folder / "documents.jsonl")}
    chunks = ChunkTable.read(store.iter_jsonl(folder / "chunks.jsonl"), documents)
    lexical = loaded(folder, "lexical", lambda path: Lexical.load(path, len(chunks)))
    dense = loaded(folder, "dense.faiss", Dense.load)
    sentences = loaded(folder, "sentences.faiss", Dense.load)
    spans = sentence_table(folder / "sentences.jsonl")
    terms = loaded(folder, "terms.txt", lambda path: path.read_text(encoding="utf-8").split())
    glossary = loaded(folder, GLOSSARY, load_glossary) if (folder / GLOSSARY).exists() else None
    check_lexical(folder, lexical)
    for name, index in (("dense.faiss", dense), ("sentences.faiss", sentences)):
        check_dense(folder, name, index, embedder.dim)
    check_consistent(manifest, documents, chunks, dense)
    check_glossary(folder, glossary, documents)
    check_sentences(manifest, chunks, sentences, spans[:, 0], sentences.rows)
    return Generation(folder, manifest, documents, chunks, lexical, dense, sentences, spans, sentences.rows, terms,
                      glossary)
