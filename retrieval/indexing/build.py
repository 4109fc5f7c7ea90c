"""Build or update the index of a corpus folder (incrementally: unchanged text is never re-embedded)."""
from __future__ import annotations

import errno
import logging
import re
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
from retrieval.indexing.inputs import (Inputs, Sentence, SentenceRows, chunk_sentences, embed_input,  # noqa: F401
                                       lexical_inputs, lexical_texts, sentence_input, sentence_rows)
from retrieval.indexing.lexical import Lexical
from retrieval.indexing.manifest import make_manifest
from retrieval.indexing.previous import previous_cache, reusable_manifest, sound_vectors  # noqa: F401
from retrieval.indexing.seal import seal_folder
from retrieval.indexing.settings import ChunkSettings
from retrieval.indexing.vectors import BLOCK, Rows, embed_missing, fill
from retrieval.tokenize import Tokenizer, load_terms, quoted_terms
from retrieval.types import Document, Failure

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]
WRITE_LOCK = ".write.lock"   # held while a build writes and publishes a generation
WRITE_LOCK_WAIT = 600        # seconds a build waits for another one's write to finish


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
                         cache: Mapping | None = None) -> BuildReport:
    """Build a generation of `documents` at `index_dir`. `cache`: {content key: vector} of texts not to
    embed again (else, with `reuse`, the kept generations' vectors, `previous_cache`).

    Nothing is held as one Python object per token or vector: the tokens are ids as they are made
    (`token_store.tokenize_ids`), the vectors rows of one matrix (`vectors.Rows`), the sentences three
    integer arrays and the inputs made when needed (`retrieval.indexing.inputs`)."""
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
    inputs = Inputs(by_id, chunks, sentence_rows(chunks))
    cache = ({} if not reuse else cache if cache is not None
             else previous_cache(index_dir, embedder.name, embedder.dim, embedder.label))
    previous = store.live_folder(index_dir) if reuse else None
    with ThreadPoolExecutor(2) as pool:   # BM25 tokenises while the model embeds (both release the GIL often)
        lexical_job = pool.submit(lexical_index, lexical_texts(by_id, chunks), tokenizer, previous)
        glossary_job = pool.submit(glossary_of, by_id)     # stored: never built at question time
        keys, rows, found = gather_vectors(embedder, inputs, cache, report, index_dir)
        report(0.85, "indexing")
        lexical, tokens = lexical_job.result()
    try:
        dense, sentence_dense = (Dense.build(r, embedder.dim, kept)
                                 for r, kept in zip(rows, previous_ranges(previous, embedder.name)))
    finally:
        for r in rows:
            r.close()

    def write(folder: Path) -> None:
        write_generation(folder, documents, failures, chunks, keys[0], lexical, dense, tokenizer,
                         embedder, settings, len(inputs.sentences))
        write_sentences(folder, inputs.sentences, keys[1], sentence_dense)
        save_glossary(folder / GLOSSARY, glossary_job.result())
        token_store.write(folder, tokens.keys, tokens.ids, tokens.offsets, tokens.words, tokenizer.signature)
        seal_folder(folder)      # last: every file's size and checksum in the manifest, sealed

    folder = publish_new(index_dir, write)
    report(1.0, "index ready")
    distinct = np.unique(keys[0])
    new = len(distinct) - len(np.unique(keys[0][found[0]]))
    sentences_new = len(np.setdiff1d(np.unique(keys[1][~found[1]]), distinct))
    return BuildReport(len(documents), len(chunks), new, len(chunks) - new, tuple(failures),
                       round(time.perf_counter() - started, 2), str(folder), len(inputs.sentences), sentences_new)


def previous_ranges(folder: Path | None, model: str) -> tuple:
    """Per layer (chunks, sentences), the 8-bit ranges of the `folder` generation's layer when it was made
    by `model` (`Dense.ranges`; None otherwise): the vectors it reuses keep their codes."""
    manifest = reusable_manifest(folder) if folder is not None and folder.is_dir() else None
    if manifest is None or manifest.get("model", {}).get("name") != model:
        return None, None
    found = []
    for name in ("dense.faiss", "sentences.faiss"):
        try:
            found.append(Dense.load(folder / name).ranges)
        except Exception:  # missing or unreadable: ranges trained anew
            found.append(None)
    return tuple(found)


def gather_vectors(embedder: Embedder, inputs: Inputs, cache: Mapping, report: Progress,
                   scratch: Path) -> tuple[list[np.ndarray], list[Rows], list[np.ndarray]]:
    """Per layer (chunks, sentences): the inputs' keys, their vectors (from `cache`, the rest embedded)
    and which rows `cache` held."""
    keys = [inputs.keys(0), inputs.keys(1)]
    rows = [Rows(len(k), embedder.dim, scratch) for k in keys]
    try:
        found = [fill(r, k, cache) for r, k in zip(rows, keys)]
        embed_missing(embedder, inputs.text, keys, found, rows, report)
    except BaseException:
        for r in rows:
            r.close()
        raise
    return keys, rows, found


def lexical_index(texts: Iterable[str], tokenizer: Tokenizer, previous: Path | None) -> tuple[Lexical, token_store.TokenIds]:
    """BM25 over the texts' token ids, reusing those of the `previous` generation (`token_store`)."""
    tokens = token_store.tokenize_ids(texts, tokenizer, tokenizer.signature, previous)
    return Lexical.from_ids(tokens.ids, tokens.offsets, tokens.words), tokens


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


def write_generation(folder: Path, documents, failures, chunks, keys: np.ndarray, lexical, dense,
                     tokenizer, embedder, settings, sentences: int) -> None:
    store.write_jsonl(folder / "documents.jsonl", (d.to_dict() for d in documents))
    store.write_jsonl(folder / "chunks.jsonl", (
        {**c.to_dict(), "key": k} for c, k in zip(chunks, decoded(keys))))
    dense.save(folder / "dense.faiss")       # the only copy of the vectors (`Dense`)
    lexical.save(folder / "lexical")
    (folder / "terms.txt").write_text("\n".join(tokenizer.terms) + "\n", encoding="utf-8")
    manifest = make_manifest(documents, failures, chunks, embedder, tokenizer, settings, dense, sentences)
    store.write_json(folder / "manifest.json", manifest)


def write_sentences(folder: Path, sentences: SentenceRows, keys: np.ndarray, dense: Dense) -> None:
    store.write_jsonl(folder / "sentences.jsonl", (
        {"row": r, "start": s, "end": e, "key": k}
        for lo in range(0, len(keys), BLOCK)
        for r, s, e, k in zip(sentences.row[lo:lo + BLOCK].tolist(), sentences.start[lo:lo + BLOCK].tolist(),
                              sentences.end[lo:lo + BLOCK].tolist(), decoded(keys[lo:lo + BLOCK]))))
    dense.save(folder / "sentences.faiss")


def decoded(keys: np.ndarray) -> Iterator[str]:
    """The content keys (S64) as strings, a block at a time."""
    for lo in range(0, len(keys), BLOCK):
        yield from (k.decode() for k in keys[lo:lo + BLOCK].tolist())
