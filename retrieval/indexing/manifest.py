"""The index manifest: what built the index, and whether it still matches the corpus."""
from __future__ import annotations

import hashlib
import platform
import time
from importlib import metadata as pkg
from pathlib import Path

from retrieval.indexing import store
from retrieval.ingest.corpus import corpus_files, file_digest, relative_path
from retrieval.indexing import dense as dense_types
from retrieval.indexing.embed import Embedder
from retrieval.search.query import encodable
from retrieval.indexing.seal import check_generation
from retrieval.ingest.sentences import SENTENCE_MIN_HAN
from retrieval.indexing.settings import ChunkSettings

PACKAGES = ("sentence-transformers", "torch", "transformers", "onnxruntime", "faiss-cpu", "bm25s", "jieba",
            "OpenCC", "langchain-text-splitters", "numpy")
PIPELINE_FILES = ("ingest/read", "ingest/clean.py", "ingest/metadata.py", "ingest/title.py", "ingest/structure.py",
                  "ingest/corpus.py", "indexing/chunk.py", "tokenize.py", "ingest/sentences.py", "indexing/build.py",
                  "indexing/inputs.py",
                  "indexing/lexical.py", "data/terms.txt",
                  "search/glossary.py", "search/definitions.py", "search/align.py", "indexing/glossary_append.py")   # the stored glossary (glossary.jsonl)
HERE = Path(__file__).resolve().parents[1]      # retrieval/


def pipeline_signature() -> str:
    """Hash of the code that turns files into chunks and tokens: a change means a rebuild."""
    digest = hashlib.sha256()
    for name in PIPELINE_FILES:
        path = HERE / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = pkg.version(name)
        except pkg.PackageNotFoundError:
            pass
    return found


def make_manifest(documents, failures, chunks, embedder, tokenizer, settings: ChunkSettings, dense,
                  sentences: int) -> dict:
    counts: dict[str, int] = {}
    for c in chunks:
        counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
    files = {d.path: {"doc_id": d.doc_id, "sha256": d.sha256, "chunks": counts.get(d.doc_id, 0)}
             for d in documents}
    return {
        "schema_version": store.SCHEMA_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "model": {"name": embedder.name, "path": embedder.path, "dimension": embedder.dim,
                  "backend": embedder.backend, "quantisation": embedder.quantisation,
                  "input": "title：chunk, and title：sentence for every sentence of a chunk "
                           f"with at least {SENTENCE_MIN_HAN} Han characters"},
        "tokenizer": tokenizer.signature,
        "chunking": settings.to_dict(),
        "pipeline": pipeline_signature(),
        "faiss": faiss_choice(len(chunks), sentences),
        "counts": {"documents": len(documents), "chunks": len(chunks), "sentences": sentences,
                   "failures": len(failures)},
        "files": files,
        "failures": [{"path": f.path, "reason": f.reason, "sha256": f.sha256}
                     for f in failures],
        "versions": versions(),
    }


def faiss_choice(chunks: int, sentences: int) -> dict:
    """The FAISS types `retrieval.indexing.dense` chose by size (and the lists an inverted file searches)."""
    probes = {name: f"{dense_types.nprobe_for(dense_types.nlist_for(n))} of {dense_types.nlist_for(n)} lists"
              for name, n in (("chunks", chunks), ("sentences", sentences)) if n > dense_types.EXACT_LIMIT}
    return {"type": dense_types.index_type(chunks), "sentences": dense_types.index_type(sentences),
            "exact_limit": dense_types.EXACT_LIMIT,
            "metric": "inner_product", "normalised": True, "vectors": "stored once, in the FAISS files"} | \
        ({"nprobe": probes} if probes else {})


def corpus_hashes(corpus_dir: Path) -> dict[str, str]:
    """sha256 of every supported corpus file (plus its sidecar), by relative path (as `encodable`,
    the form a failure records for a name that is not valid UTF-8)."""
    return {encodable(relative_path(p, corpus_dir)): file_digest(p, corpus_dir)
            for p in corpus_files(corpus_dir)}


def built_backend(manifest: dict) -> str:
    """The embedding backend that built the index, as `Embedder.label` (older indexes: torch)."""
    model = manifest.get("model", {})
    return f"{model.get('backend', 'torch')}-{model.get('quantisation', 'fp32')}"


def stale_reasons(manifest: dict, corpus_dir: Path | None, model: str,
                  settings: ChunkSettings = ChunkSettings(), backend: str | None = None) -> list[str]:
    """Why the index no longer matches the corpus and settings (empty: it matches); `backend` is the
    label of the embedder that would answer (vectors of another backend are not comparable)."""
    reasons = []
    if backend is not None and built_backend(manifest) != backend:
        reasons.append(f"embedding backend {built_backend(manifest)} != {backend}")
    if manifest.get("schema_version") != store.SCHEMA_VERSION:
        reasons.append(f"schema version {manifest.get('schema_version')} != {store.SCHEMA_VERSION}")
    if manifest.get("model", {}).get("name") != model:
        reasons.append(f"model {manifest.get('model', {}).get('name')} != {model}")
    if manifest.get("chunking") != settings.to_dict() | {"separators": list(settings.separators)}:
        reasons.append("chunk settings changed")
    if manifest.get("pipeline") != pipeline_signature():
        reasons.append("the reading/cleaning/chunking code changed")
    if corpus_dir is not None:
        reasons += corpus_changes(manifest, corpus_dir)
    return reasons


def corpus_changes(manifest: dict, corpus_dir: Path) -> list[str]:
    indexed = {path: f["sha256"] for path, f in manifest.get("files", {}).items()}
    indexed |= {f["path"]: f.get("sha256", "") for f in manifest.get("failures", [])}
    current = corpus_hashes(corpus_dir) if corpus_dir.is_dir() else {}
    changes = [f"added {p}" for p in sorted(current.keys() - indexed.keys())]
    changes += [f"removed {p}" for p in sorted(indexed.keys() - current.keys())]
    changes += [f"changed {p}" for p in sorted(current.keys() & indexed.keys())
                if current[p] != indexed[p]]
    return changes


def needs_build(index_dir: Path, corpus_dir: Path, model: str, backend: str | None = None) -> bool:
    """True when `index_dir` has no intact live index (missing, or damaged: `seal.check_generation`,
    checksums included) or it is stale for the corpus, the model and the embedding backend (`backend`,
    else the one the configured embedder runs on)."""
    try:
        manifest = check_generation(store.current(index_dir))
    except Exception:
        return True
    return bool(stale_reasons(manifest, corpus_dir, model, backend=backend or Embedder(model).label))
