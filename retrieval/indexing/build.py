"""Build or update the index of a corpus folder (incrementally: unchanged text is never re-embedded)."""
from __future__ import annotations

import errno
import logging
import re
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout
from tqdm import tqdm

from retrieval.indexing import store, token_store
from retrieval.indexing.chunk import chunk_document
from retrieval.ingest.corpus import load_corpus
from retrieval.indexing.dense import Dense
from retrieval.indexing.embed import Embedder, text_key
from retrieval.errors import CorpusError, IndexWriteError, RetrievalError
from retrieval.search.glossary import GLOSSARY, glossary_of, save_glossary
from retrieval.indexing.lexical import Lexical
from retrieval.indexing.manifest import built_backend, make_manifest
from retrieval.indexing.seal import read_manifest, seal_folder, verified_file
from retrieval.ingest.sentences import SENTENCE_MIN_HAN, han_count, sentence_spans
from retrieval.indexing.settings import ChunkSettings
from retrieval.ingest.structure import section_headings
from retrieval.tokenize import Tokenizer, load_terms, quoted_terms
from retrieval.types import Chunk, Document, Failure

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]
WRITE_LOCK = ".write.lock"   # held while a build writes and publishes a generation
WRITE_LOCK_WAIT = 600        # seconds a build waits for another one's write to finish
UNIT_TOLERANCE = 1e-3        # a reused vector's norm is 1 within this (the model's vectors are normalised)


@dataclass(frozen=True)
class BuildReport:
    documents: int
    chunks: int
    embedded: int           # chunks embedded by this build
    reused: int             # chunks whose embedding came from the previous index
    failures: tuple[Failure, ...]
    seconds: float
    folder: str
    sentences: int = 0      # sentences embedded on their own (see `chunk_sentences`)
    sentences_embedded: int = 0   # distinct sentence texts embedded by this build (the rest were reused)
    appended: bool = False  # written as an append to the live generation (`retrieval.indexing.append`)
    vectors_inserted: int = 0     # the Milvus store: vectors written to its collections (keys they lacked)

    def to_dict(self) -> dict:
        return asdict(self)


def embed_input(doc: Document, chunk: Chunk) -> str:
    """What the model sees for a chunk: the document title as context, then the chunk."""
    return f"{doc.title}：{chunk.text}"


def lexical_inputs(documents: dict[str, Document], chunks: Sequence[Chunk]) -> list[str]:
    """What BM25 indexes for each chunk: `title：chunk`, with the headings of the chunk's section
    between them (`title：一、heading （一）heading：chunk`), so a heading's words find its section, and
    the document's source, author and editorial credits after its title (`title 郑州日报：chunk`), so a
    question that names them (`郑州日报那篇…`, `在郑州，…`, `…的责任编辑是谁`) finds every chunk of the
    document, not only one that repeats them."""
    headings = {d.doc_id: section_headings(d.text, d.paragraphs) for d in documents.values()}
    out = []
    for c in chunks:
        doc, above = documents[c.doc_id], headings[c.doc_id]
        named = " ".join(x for x in (doc.title, doc.source, doc.author, doc.credits) if x)
        context = " ".join(above[c.paragraph]) if c.paragraph < len(above) else ""
        out.append(f"{named}：{context}：{c.text}" if context else f"{named}：{c.text}")
    return out


@dataclass(frozen=True)
class Sentence:
    """A sentence of chunk `row`, embedded on its own: `text[start:end]` of the chunk's document."""

    row: int
    start: int
    end: int


def chunk_sentences(chunks: Sequence[Chunk]) -> list[Sentence]:
    """The sentences of every chunk with at least SENTENCE_MIN_HAN Han characters, by row."""
    out = []
    for row, c in enumerate(chunks):
        for s, e in sentence_spans(c.text):
            if han_count(c.text[s:e]) >= SENTENCE_MIN_HAN:
                out.append(Sentence(row, c.start + s, c.start + e))
    return out


def sentence_input(doc: Document, sentence: Sentence) -> str:
    """What the model sees for a sentence: the document title as context, then the sentence."""
    return f"{doc.title}：{doc.text[sentence.start:sentence.end]}"


def previous_cache(index_dir: Path, model: str, dim: int | None = None,
                   backend: str | None = None) -> dict[str, np.ndarray]:
    """Embeddings of the kept generations (chunks and sentences, the live one first) by content key,
    when they used the same model (and the same embedding backend, `Embedder.label`, when given). Only
    vectors that can be trusted are reused: from a file whose bytes match the checksum its sealed
    manifest records, finite, of the model's dimension and unit length (a generation of an older
    schema, which recorded no checksums, gets the vector checks alone)."""
    live = store.live_folder(index_dir)   # complete or not: an older schema's vectors are reused too
    cache: dict[str, np.ndarray] = {}
    for folder in [live] + [g for g in store.generations(index_dir) if g != live]:
        for key, vector in generation_vectors(folder, model, dim, backend).items():
            cache.setdefault(key, vector)
    return cache


def generation_vectors(folder: Path, model: str, dim: int | None, backend: str | None = None) -> dict[str, np.ndarray]:
    manifest = reusable_manifest(folder)
    if manifest is None or manifest.get("model", {}).get("name") != model or \
            (backend is not None and built_backend(manifest) != backend):
        return {}
    sealed = "index_files" in manifest
    cache = {}
    for rows_file, vectors_file in (("chunks.jsonl", "dense.faiss"), ("sentences.jsonl", "sentences.faiss")):
        if sealed and not (verified_file(folder, manifest, rows_file) and verified_file(folder, manifest, vectors_file)):
            log.warning("not reusing the vectors of %s: %s or %s does not match its checksum",
                        folder.name, rows_file, vectors_file)
            continue
        try:
            rows = store.read_jsonl(folder / rows_file)
            vectors = Dense.load(folder / vectors_file).all_vectors()   # flat: float32, ivf: float16, both exact
        except Exception:  # this part is missing or unreadable: embed it again
            continue
        good = sound_vectors(vectors, dim)
        cache |= {row["key"]: vectors[i] for i, row in enumerate(rows)
                  if i < len(good) and good[i] and isinstance(row, dict) and isinstance(row.get("key"), str)}
    return cache


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


def sound_vectors(vectors, dim: int | None) -> np.ndarray:
    """Per row: finite, of dimension `dim` and unit length (what the model gives); all False when the
    array is not a 2-d float matrix of that dimension."""
    if not isinstance(vectors, np.ndarray) or vectors.ndim != 2 or vectors.dtype.kind != "f" or \
            (dim is not None and vectors.shape[1] != dim):
        return np.zeros(len(vectors) if hasattr(vectors, "__len__") else 0, dtype=bool)
    with np.errstate(all="ignore"):
        finite = np.isfinite(vectors).all(axis=1)
        norms = np.linalg.norm(np.where(np.isfinite(vectors), vectors, 0), axis=1)
    return finite & (np.abs(norms - 1) < UNIT_TOLERANCE)


def build_index(corpus_dir: str | Path, index_dir: str | Path, model: str | None = None,
                progress: Progress | None = None, settings: ChunkSettings = ChunkSettings(),
                reuse: bool = True, cache: dict | None = None) -> BuildReport:
    """Read the corpus folder and (re)build the index at `index_dir`.

    With `reuse`, embeddings of unchanged chunk texts are taken from the live index (or from `cache`,
    {content key: vector}, when given: another store's live index, `retrieval.indexing.stores.milvus_build`).
    """
    report = progress or (lambda f, m: None)
    report(0.0, "reading corpus")
    corpus = load_corpus(corpus_dir)
    return build_from_documents(corpus.documents, corpus.failures, index_dir, model, progress, settings, reuse,
                                cache)


def try_build(corpus_dir: str | Path, index_dir: str | Path, model: str | None = None) -> RetrievalError | None:
    """`build_index`, returning its error instead of raising it (None: built), so that a caller with a
    live index can answer from it: a failed build never touches the live generation."""
    try:
        build_index(corpus_dir, index_dir, model=model)
    except RetrievalError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001  (whatever stops a build, the live index still answers)
        return IndexWriteError(f"the index could not be built from {corpus_dir}: {type(exc).__name__}: {exc}")
    return None


def behind_message(index_dir: str | Path, corpus_dir: str | Path, error: RetrievalError) -> str:
    """What to tell the user who is answered from a live index that a failed build left behind
    (also logged as a warning of the `retrieval` logger, which the CLI prints)."""
    message = (f"the index {index_dir} is behind the corpus {corpus_dir}: updating it failed ({error}); "
               "answers come from the last index built")
    log.warning(message)
    return message


def check_writable(index_dir: Path) -> None:
    """Fail before the slow part when the index folder cannot be created or written."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=index_dir):
            pass
    except OSError as exc:
        raise IndexWriteError(f"cannot write the index to {index_dir}: {exc.strerror or exc}") from exc


def build_from_documents(documents: Sequence[Document], failures: Sequence[Failure],
                         index_dir: str | Path, model: str | None = None,
                         progress: Progress | None = None,
                         settings: ChunkSettings = ChunkSettings(), reuse: bool = True,
                         cache: dict | None = None) -> BuildReport:
    started = time.perf_counter()
    report = progress or (lambda f, m: None)
    index_dir = Path(index_dir)
    tokenizer = Tokenizer(load_terms() + quoted_terms(d.text for d in documents))
    embedder = Embedder(model)
    if reuse and cache is None and store.live_folder(index_dir).is_dir():
        from retrieval.indexing.append import try_append     # only what changed, when the live generation allows

        appended = try_append(documents, failures, index_dir, tokenizer, settings, embedder, report)
        if appended is not None:
            return appended
    by_id = {d.doc_id: d for d in documents}
    chunks = [c for d in documents for c in chunk_document(d, settings)]
    if not chunks:
        raise nothing_to_index(failures)
    check_writable(index_dir)
    report(0.1, f"{len(documents)} documents, {len(chunks)} chunks")
    inputs = [embed_input(by_id[c.doc_id], c) for c in chunks]
    sentences = chunk_sentences(chunks)
    sentence_inputs = [sentence_input(by_id[chunks[s.row].doc_id], s) for s in sentences]
    cache = ({} if not reuse else dict(cache) if cache is not None
             else previous_cache(index_dir, embedder.name, embedder.dim, embedder.label))
    reused = sum(text_key(t) in cache for t in set(inputs))
    sentence_keys = {text_key(t) for t in sentence_inputs} - {text_key(t) for t in inputs}
    sentences_new = sum(k not in cache for k in sentence_keys)
    lexical_texts = lexical_inputs(by_id, chunks)
    previous = store.live_folder(index_dir) if reuse else None
    with ThreadPoolExecutor(2) as pool:   # BM25 tokenises while the model embeds (both release the GIL often)
        lexical_job = pool.submit(lexical_index, lexical_texts, tokenizer, previous)
        glossary_job = pool.submit(glossary_of, by_id)     # stored: never built at question time
        vectors = embed_with_progress(embedder, inputs + sentence_inputs, cache, report)
        vectors, sentence_vectors = vectors[:len(inputs)], vectors[len(inputs):]
        report(0.85, "indexing")
        lexical, tokens = lexical_job.result()
    dense = Dense.build(vectors, embedder.dim)
    sentence_dense = Dense.build(sentence_vectors, embedder.dim)

    def write(folder: Path) -> None:
        write_generation(folder, documents, failures, chunks, inputs, vectors, lexical, dense, tokenizer,
                         embedder, settings, len(sentences))
        write_sentences(folder, sentences, sentence_inputs, sentence_vectors, sentence_dense)
        save_glossary(folder / GLOSSARY, glossary_job.result())
        token_store.save(folder, lexical_texts, tokens, tokenizer.signature)
        seal_folder(folder)      # last: every file's size and checksum in the manifest, sealed

    folder = publish_new(index_dir, write)
    report(1.0, "index ready")
    new = len(set(inputs)) - reused
    return BuildReport(len(documents), len(chunks), new, len(chunks) - new if chunks else 0,
                       tuple(failures), round(time.perf_counter() - started, 2), str(folder), len(sentences),
                       sentences_new)


def lexical_index(texts: list[str], tokenizer: Tokenizer, previous: Path | None) -> tuple[Lexical, list[list[str]]]:
    """BM25 over the texts' tokens, reusing the token lists of the `previous` generation (`token_store`)."""
    tokens, _ = token_store.tokenize_all(texts, tokenizer, tokenizer.signature, previous)
    return Lexical.build(tokens), tokens


def nothing_to_index(failures: Sequence[Failure]) -> CorpusError:
    skipped = "; ".join(f"{f.path}: {f.reason}" for f in list(failures)[:3])
    more = " …" if len(failures) > 3 else ""
    return CorpusError("nothing to index: no document of the corpus could be read"
                       + (f" ({len(failures)} skipped: {skipped}{more})" if failures else ""))


def publish_new(index_dir: Path, write: Callable[[Path], None]) -> Path:
    """Write a new generation with `write(folder)` and make it live; its folder.

    One writer at a time per index folder (another process may be building it too): publishing prunes
    abandoned temporary generations, which must not include a live one. A write that fails (disk full)
    removes its temporary folder; the live index stays as it was.
    """
    tmp = None
    try:
        with FileLock(index_dir / WRITE_LOCK, timeout=WRITE_LOCK_WAIT):
            tmp = store.new_generation(index_dir)
            write(tmp)
            return store.publish(index_dir, tmp)
    except Timeout as exc:
        raise IndexWriteError(f"another build has been writing {index_dir} for {WRITE_LOCK_WAIT} s; "
                              "try again when it is done") from exc
    except OSError as exc:
        error = write_error(index_dir, tmp, exc)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise error from exc


SHORT_WRITE = re.compile(r"\d+ requested and \d+ written")   # numpy's words for a write the disk cut short


def write_error(index_dir: Path, tmp: Path | None, exc: OSError) -> IndexWriteError:
    """The error of a failed write; a full disk is named as such, with the space a build needs:
    about the size of the live generation (else more than what was written before the disk filled)."""
    written = folder_bytes(tmp) if tmp is not None else 0
    live = folder_bytes(store.live_folder(index_dir))
    free = shutil.disk_usage(index_dir).free if index_dir.is_dir() else 0
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT) or bool(SHORT_WRITE.search(str(exc))) or free < written // 10
    if not full:
        return IndexWriteError(f"cannot write the index to {index_dir}: {exc.strerror or exc}")
    needed = (f"about {readable_size(max(live, written))} (the size of the live index)" if live
              else f"more than {readable_size(written)}")
    return IndexWriteError(f"cannot write the index to {index_dir}: the disk is full ({exc.strerror or exc}); "
                           f"a build needs {needed} free there and {readable_size(free)} is free: free some space "
                           "and build again (the live index, if any, is unchanged)")


def folder_bytes(folder: Path) -> int:
    try:
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    except OSError:
        return 0


def readable_size(size: int) -> str:
    """`size` bytes as people read it: KB under a megabyte, GB from a gigabyte on."""
    for unit, scale in (("GB", 2**30), ("MB", 2**20)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{max(1, round(size / 2**10))} KB"


def embed_with_progress(embedder: Embedder, inputs: list[str], cache: dict, report: Progress) -> np.ndarray:
    """Embed the inputs not in `cache`, shortest first (a batch of like lengths pads little)."""
    missing = sorted({text_key(t): t for t in inputs if text_key(t) not in cache}.items(),
                     key=lambda item: (len(item[1]), item[0]))
    batch = 64
    with tqdm(total=len(missing), desc="embedding", unit="text", disable=not missing) as bar:
        for at in range(0, len(missing), batch):
            part = missing[at:at + batch]
            cache.update(zip((k for k, _ in part), embedder.encode([t for _, t in part])))
            bar.update(len(part))
            report(0.1 + 0.75 * (at + len(part)) / len(missing), f"embedded {at + len(part)}/{len(missing)}")
    if not inputs:
        return np.zeros((0, embedder.dim), dtype="float32")
    return np.stack([cache[text_key(t)] for t in inputs]).astype("float32")


def write_generation(folder: Path, documents, failures, chunks, inputs, vectors, lexical, dense,
                     tokenizer, embedder, settings, sentences: int) -> None:
    store.write_jsonl(folder / "documents.jsonl", (d.to_dict() for d in documents))
    store.write_jsonl(folder / "chunks.jsonl", (
        {**c.to_dict(), "key": text_key(t)} for c, t in zip(chunks, inputs)))
    dense.save(folder / "dense.faiss")       # the only copy of the vectors (`Dense`)
    lexical.save(folder / "lexical")
    (folder / "terms.txt").write_text("\n".join(tokenizer.terms) + "\n", encoding="utf-8")
    manifest = make_manifest(documents, failures, chunks, embedder, tokenizer, settings, dense, sentences)
    store.write_json(folder / "manifest.json", manifest)


def write_sentences(folder: Path, sentences: list[Sentence], inputs: list[str], vectors: np.ndarray,
                    dense: Dense) -> None:
    store.write_jsonl(folder / "sentences.jsonl", (
        {**asdict(s), "key": text_key(t)} for s, t in zip(sentences, inputs)))
    dense.save(folder / "sentences.faiss")
