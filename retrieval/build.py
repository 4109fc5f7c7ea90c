"""Build or update the index of a corpus folder (incrementally: unchanged text is never re-embedded)."""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from retrieval import store
from retrieval.chunk import chunk_document
from retrieval.corpus import load_corpus
from retrieval.dense import Dense
from retrieval.embed import Embedder, text_key
from retrieval.lexical import Lexical
from retrieval.manifest import corpus_hashes, make_manifest
from retrieval.settings import ChunkSettings
from retrieval.tokenize import Tokenizer, load_terms, quoted_terms
from retrieval.types import Chunk, Document, Failure

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class BuildReport:
    documents: int
    chunks: int
    embedded: int           # chunks embedded by this build
    reused: int             # chunks whose embedding came from the previous index
    failures: tuple[Failure, ...]
    seconds: float
    folder: str

    def to_dict(self) -> dict:
        return asdict(self)


def embed_input(doc: Document, chunk: Chunk) -> str:
    """What the model sees for a chunk: the document title as context, then the chunk."""
    return f"{doc.title}：{chunk.text}"


def previous_cache(index_dir: Path, model: str) -> dict[str, np.ndarray]:
    """Embeddings of the live index by content key, when it used the same model."""
    try:
        folder = store.current(index_dir)
        manifest = store.read_json(folder / "manifest.json")
        if manifest.get("model", {}).get("name") != model:
            return {}
        rows = store.read_jsonl(folder / "chunks.jsonl")
        vectors = np.load(folder / "embeddings.npy")
    except Exception:  # no usable previous index: embed everything
        return {}
    return {row["key"]: vectors[i] for i, row in enumerate(rows) if i < len(vectors)}


def build_index(corpus_dir: str | Path, index_dir: str | Path, model: str | None = None,
                progress: Progress | None = None, settings: ChunkSettings = ChunkSettings(),
                reuse: bool = True) -> BuildReport:
    """Read the corpus folder and (re)build the index at `index_dir`.

    With `reuse`, embeddings of unchanged chunk texts are taken from the live index.
    """
    report = progress or (lambda f, m: None)
    report(0.0, "reading corpus")
    corpus = load_corpus(corpus_dir)
    hashes = corpus_hashes(Path(corpus_dir))
    failures = tuple(replace(f, sha256=hashes.get(f.path, "")) for f in corpus.failures)
    return build_from_documents(corpus.documents, failures, index_dir, model, progress, settings, reuse)


def build_from_documents(documents: Sequence[Document], failures: Sequence[Failure],
                         index_dir: str | Path, model: str | None = None,
                         progress: Progress | None = None,
                         settings: ChunkSettings = ChunkSettings(), reuse: bool = True) -> BuildReport:
    started = time.perf_counter()
    report = progress or (lambda f, m: None)
    index_dir = Path(index_dir)
    tokenizer = Tokenizer(load_terms() + quoted_terms(d.text for d in documents))
    by_id = {d.doc_id: d for d in documents}
    chunks = [c for d in documents for c in chunk_document(d, settings)]
    report(0.1, f"{len(documents)} documents, {len(chunks)} chunks")
    embedder = Embedder(model)
    inputs = [embed_input(by_id[c.doc_id], c) for c in chunks]
    cache = previous_cache(index_dir, embedder.name) if reuse else {}
    reused = sum(text_key(t) in cache for t in set(inputs))
    vectors = embed_with_progress(embedder, inputs, cache, report)
    report(0.85, "indexing")
    lexical = Lexical.build([tokenizer(t) for t in inputs])
    dense = Dense.build(vectors, embedder.dim)
    tmp = store.new_generation(index_dir)
    write_generation(tmp, documents, failures, chunks, inputs, vectors, lexical, dense, tokenizer,
                     embedder, settings)
    folder = store.publish(index_dir, tmp)
    report(1.0, "index ready")
    new = len(set(inputs)) - reused
    return BuildReport(len(documents), len(chunks), new, len(chunks) - new if chunks else 0,
                       tuple(failures), round(time.perf_counter() - started, 2), str(folder))


def embed_with_progress(embedder: Embedder, inputs: list[str], cache: dict, report: Progress) -> np.ndarray:
    missing = sorted({text_key(t): t for t in inputs if text_key(t) not in cache}.items())
    batch = 64
    with tqdm(total=len(missing), desc="embedding", unit="chunk", disable=not missing) as bar:
        for at in range(0, len(missing), batch):
            part = missing[at:at + batch]
            cache.update(zip((k for k, _ in part), embedder.encode([t for _, t in part])))
            bar.update(len(part))
            report(0.1 + 0.75 * (at + len(part)) / len(missing), f"embedded {at + len(part)}/{len(missing)}")
    if not inputs:
        return np.zeros((0, embedder.dim), dtype="float32")
    return np.stack([cache[text_key(t)] for t in inputs]).astype("float32")


def write_generation(folder: Path, documents, failures, chunks, inputs, vectors, lexical, dense,
                     tokenizer, embedder, settings) -> None:
    store.write_jsonl(folder / "documents.jsonl", (d.to_dict() for d in documents))
    store.write_jsonl(folder / "chunks.jsonl", (
        {**c.to_dict(), "key": text_key(t)} for c, t in zip(chunks, inputs)))
    np.save(folder / "embeddings.npy", vectors)
    dense.save(folder / "dense.faiss")
    lexical.save(folder / "lexical")
    (folder / "terms.txt").write_text("\n".join(tokenizer.terms) + "\n", encoding="utf-8")
    manifest = make_manifest(documents, failures, chunks, embedder, tokenizer, settings, dense)
    store.write_json(folder / "manifest.json", manifest)
