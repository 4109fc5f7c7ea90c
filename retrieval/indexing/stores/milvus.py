"""The Milvus store: everything needed to answer, in Milvus (a server, or Milvus Lite in a `.db` file).

One index generation is four collections, `retrieval_<gen>_{meta,docs,chunks,sentences}`:

    meta       manifest, domain dictionary (terms), BM25 lexicon (vocabulary, document frequencies)
    docs       the clean documents (JSON, in parts of at most PART characters)
    chunks     row (primary key), content key, chunk JSON, the chunk's lexical side (`milvus_bm25`)
    sentences  sentence id (primary key), chunk row, document offsets, content key

and the vectors live once per content key in two collections shared by the generations
(`retrieval_vectors_<tag>_{chunks,sentences}`, `retrieval.indexing.stores.milvus_vectors`).

The alias `retrieval` names the live generation's meta collection: a build writes a new generation
and switches the alias in one step, so a reader never sees half an index; a reader that resolved the
previous generation keeps answering from it (the previous generation is kept, older ones dropped).
Vectors are fetched on demand (a per-process cache), never loaded whole.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

import numpy as np

from retrieval.indexing.chunktable import ChunkTable
from retrieval.errors import IndexCorruptError, IndexStaleError
from retrieval.indexing.integrity import check_consistent, check_glossary, check_model, check_sentences
from retrieval.indexing.lexical import Lexical
from retrieval.indexing.stores import Loaded, StoreError
from retrieval.search.glossary import glossary_from_lines
from retrieval.types import Document

ALIAS = "retrieval"
PART = 16_000            # characters of a VARCHAR part (4 bytes each at most: under Milvus' 65 535)
BATCH = 1000             # rows a query or insert page holds
TIMEOUT = 10             # seconds to reach a server
CACHE_MAX = 200_000      # vectors a process keeps
WINDOW = 32              # sentence vectors fetched around one that is missing
BUILD_HINT = "python -m retrieval build --store {where}"
_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


def describe(where: str) -> str:
    return where if where.startswith("milvus://") else f"Milvus Lite {where}"


def client(where: str):
    """A MilvusClient for `milvus://HOST:PORT[/DB]` or a Milvus Lite `.db` file (one per process);
    `StoreError` naming the address when it cannot be reached."""
    with _clients_lock:
        if where in _clients:
            return _clients[where]
        os.environ.setdefault("GRPC_VERBOSITY", "NONE")       # gRPC's keep-alive chatter on stderr
        try:
            from pymilvus import MilvusClient
        except ImportError as exc:
            raise StoreError(f"the Milvus store needs pymilvus and milvus-lite: "
                             f"run `pip install -r requirements.txt` ({exc})") from exc
        quiet()
        try:
            if where.startswith("milvus://"):
                address, _, db = where.removeprefix("milvus://").partition("/")
                made = MilvusClient(uri=f"http://{address}", db_name=db or "default", timeout=TIMEOUT)
            else:
                Path(where).parent.mkdir(parents=True, exist_ok=True)
                made = MilvusClient(str(Path(where).resolve()))
        except Exception as exc:  # noqa: BLE001  (pymilvus raises several kinds for one cause)
            if locked(exc) or lite_locked(where):
                raise StoreError(f"{describe(where)} is open in another process (Milvus Lite serves one "
                                 "process at a time): stop it, or serve several processes from a Milvus server "
                                 "(--store milvus://HOST:PORT, README \"The Milvus store\")") from None
            raise StoreError(f"cannot reach {describe(where)} ({one_line(exc)}): start Milvus there "
                             "(`docker compose -f deploy/milvus/docker-compose.yml up -d`) or give the "
                             "right --store / $RETRIEVAL_STORE", where=where) from None
        _clients[where] = made
        return made


def quiet() -> None:
    """pymilvus and Milvus Lite log failures (with tracebacks) that come back here as a StoreError."""
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in ("pymilvus", "milvus_lite"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    for name in ("pymilvus", "milvus_lite"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def locked(exc: BaseException | None) -> bool:
    """Milvus Lite refused the file because another process has it open."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if type(exc).__name__ == "DataDirLockedError" or "holds the lock" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def lite_locked(where: str) -> bool:
    """Another process holds the Milvus Lite file open (its `LOCK` file is flock-ed while open)."""
    if where.startswith("milvus://") or not (Path(where) / "LOCK").is_file():
        return False
    import fcntl

    try:
        with open(Path(where) / "LOCK", "rb") as fh:
            fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(fh, fcntl.LOCK_UN)
    except OSError:
        return True
    return False


def close(where: str) -> None:
    """Close this process's client of `where` (Milvus Lite: releases the file for another process)."""
    with _clients_lock:
        made = _clients.pop(where, None)
    if made is not None:
        made.close()
    if not where.startswith("milvus://"):
        from milvus_lite.server_manager import server_manager_instance

        server_manager_instance.release_server(str(Path(where).resolve()))


def guarded(where: str, call, *args, **kwargs):
    """`call(*args, **kwargs)` on a client of `where`; a lost server is a one-line StoreError."""
    try:
        return call(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001  (pymilvus raises several kinds for one cause)
        raise StoreError(f"lost {describe(where)} while answering ({one_line(exc)}): check that Milvus "
                         "is running there", where=where) from None


def one_line(exc: Exception) -> str:
    text = " ".join(str(getattr(exc, "message", None) or exc).split())
    return text[:200] or type(exc).__name__


def names(generation: str) -> dict[str, str]:
    return {part: f"{ALIAS}_{generation}_{part}" for part in ("meta", "docs", "chunks", "sentences")}


def live_name(where: str, mc=None) -> str | None:
    """The live generation's name, None when the alias names none."""
    mc = mc or client(where)
    try:
        if ALIAS not in mc.list_aliases().get("aliases", []):
            return None
        meta = mc.describe_alias(ALIAS)["collection_name"]
    except Exception as exc:  # noqa: BLE001
        raise StoreError(f"cannot read the index at {describe(where)} ({one_line(exc)})") from None
    return meta.removeprefix(f"{ALIAS}_").removesuffix("_meta")


def live_generation(where: str) -> str:
    generation = live_name(where)
    if generation is None:
        raise StoreError(f"no index in {describe(where)}: run `{BUILD_HINT.format(where=where)}`")
    return f"{where}#{generation}"


def scan(mc, collection: str, fields: list[str], where: str = "") -> list[dict]:
    """Every row of `collection` (filter `where`), `fields` only, page by page."""
    rows, it = [], mc.query_iterator(collection, batch_size=BATCH, filter=where, output_fields=fields)
    try:
        while page := it.next():
            rows.extend(page)
    finally:
        it.close()
    return rows


def read_blob(mc, meta: str, name: str) -> str:
    mc.load_collection(meta)
    parts = mc.query(meta, filter=f'blob == "{name}"', output_fields=["part", "text"], limit=16_384)
    if not parts:
        raise StoreError(f"{meta} holds no {name}: run the build again")
    return "".join(p["text"] for p in sorted(parts, key=lambda p: p["part"]))


def read_manifest(where: str, generation: str | None = None) -> dict:
    mc = client(where)
    generation = generation or live_name(where, mc)
    if generation is None:
        raise StoreError(f"no index in {describe(where)}: run `{BUILD_HINT.format(where=where)}`")
    try:
        return json.loads(read_blob(mc, names(generation)["meta"], "manifest"))
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise StoreError(f"cannot read the index {generation} at {describe(where)} ({one_line(exc)}): "
                         f"run `{BUILD_HINT.format(where=where)} --rebuild`") from None


def milvus_needs_build(where: str, corpus_dir: Path, model: str) -> bool:
    from retrieval.indexing.manifest import stale_reasons

    if where.startswith("milvus://"):
        client(where)            # an unreachable server: say so, do not try to build into it
    try:
        manifest = read_manifest(where)
    except StoreError:           # no index yet (or a Lite file another process holds: the build says so)
        return True
    from retrieval.indexing.embed import Embedder

    return bool(stale_reasons(manifest, corpus_dir, model, backend=Embedder(model).label))


class MilvusLexical(Lexical):
    """BM25 on Milvus: each chunk's BM25 weights (bm25s' idf x saturated term frequency) as a sparse
    vector, the query as its token counts, inner product: the same scores as the local bm25s index."""

    def __init__(self, mc, collection: str, vocab: dict[str, int], df: np.ndarray, size: int, where: str = ""):
        self.mc, self.collection, self.size, self.where = mc, collection, size, where
        self.vocab, self.df = vocab, df

    def query_vector(self, tokens: list[str]) -> dict[int, float]:
        counts: dict[int, float] = {}
        for t in self.known(tokens):
            counts[self.vocab[t]] = counts.get(self.vocab[t], 0.0) + 1.0
        return counts

    def search(self, tokens: list[str], k: int, mask: np.ndarray | None = None,
               text: str | None = None) -> dict[int, float]:
        query = self.query_vector(tokens)
        rows = None if mask is None else np.flatnonzero(mask)
        if not query or self.size == 0 or (rows is not None and not len(rows)):
            return {}
        found = guarded(
            self.where, self.mc.search, self.collection, [query], anns_field="sparse", limit=min(k, self.size),
            filter="" if rows is None else f"row in {rows.tolist()}", output_fields=["row"],
            search_params={"metric_type": "IP"})
        return {int(h["entity"]["row"]): float(h["distance"]) for h in found[0] if h["distance"] > 0}

    def scores(self, tokens: list[str]) -> np.ndarray:
        out = np.zeros(self.size, dtype="float32")
        for row, score in self.search(tokens, self.size).items():
            out[row] = score
        return out


def load_milvus(where: str, embedder) -> Loaded:
    """The live generation in Milvus, checked as a local one is."""
    mc = client(where)
    generation = live_name(where, mc)
    if generation is None:
        raise StoreError(f"no index in {describe(where)}: run `{BUILD_HINT.format(where=where)}`")
    name = names(generation)
    try:
        return read_generation(where, mc, generation, name, embedder)
    except IndexStaleError as exc:
        raise IndexStaleError(f"{describe(where)}: {exc} (`{BUILD_HINT.format(where=where)} --rebuild`)") from None
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001  (a dropped collection, another schema, a lost server)
        raise StoreError(f"cannot read the index {generation} at {describe(where)} ({one_line(exc)}): "
                         f"run `{BUILD_HINT.format(where=where)} --rebuild`") from None


def read_generation(where: str, mc, generation: str, name: dict[str, str], embedder) -> Loaded:
    manifest = json.loads(read_blob(mc, name["meta"], "manifest"))
    check_model(manifest, embedder)
    for part in ("docs", "chunks", "sentences"):
        mc.load_collection(name[part])
    documents = read_documents(mc, name["docs"])
    rows = sorted(scan(mc, name["chunks"], ["row", "key", "chunk"]), key=lambda r: r["row"])
    chunks = ChunkTable.read(({**json.loads(r["chunk"]), "key": r["key"]} for r in rows), documents)
    found = sorted(scan(mc, name["sentences"], ["id", "row", "start", "end", "key"]), key=lambda r: r["id"])
    spans = np.array([(r["id"], r["row"], r["start"], r["end"]) for r in found], dtype="int64").reshape(-1, 4)
    keys = [r["key"] for r in found]
    if len(spans) and not np.array_equal(spans[:, 0], np.arange(len(spans))):
        raise StoreError(f"{name['sentences']} misses sentences: run `{BUILD_HINT.format(where=where)} --rebuild`")
    spans = spans[:, 1:]
    lexicon = json.loads(read_blob(mc, name["meta"], "lexicon"))
    terms = read_blob(mc, name["meta"], "terms").split()
    from retrieval.indexing.stores.milvus_bm25 import BM25, MilvusBM25, lexical_of
    from retrieval.indexing.stores.milvus_vectors import open_vectors

    if "vectors" not in manifest.get("milvus", {}):
        raise StoreError(f"{generation} was written by an earlier version of the Milvus store (vectors by row): "
                         f"run `{BUILD_HINT.format(where=where)} --rebuild`")
    dense, sentences, sentence_vectors = open_vectors(mc, where, manifest, [r["key"] for r in rows], keys, spans)
    kind = MilvusBM25 if lexical_of(manifest) == BM25 else MilvusLexical
    lexical = kind(mc, name["chunks"], {w: i for i, w in enumerate(lexicon["vocab"])},
                   np.asarray(lexicon["df"], dtype="int64"), len(chunks), where)
    check_consistent(manifest, documents, chunks, dense)
    check_sentences(manifest, chunks, sentences, spans[:, 0], sentence_vectors)
    return Loaded(f"{where}#{generation}", manifest, documents, chunks, lexical, dense, sentences, spans,
                  sentence_vectors, terms, stored_glossary(where, mc, name["meta"], documents))


def stored_glossary(where: str, mc, meta: str, documents: dict[str, Document]) -> dict | None:
    """The glossary the build stored in the meta collection, checked against the documents; None for
    a generation written before it was stored (the engine then builds it at load)."""
    try:
        text = read_blob(mc, meta, "glossary")
    except StoreError:
        return None
    glossary = glossary_from_lines(text.splitlines())
    try:
        check_glossary(Path(meta), glossary, documents)
    except IndexCorruptError as exc:
        raise StoreError(f"{describe(where)}: {meta} is damaged ({exc.detail}): "
                         f"run `{BUILD_HINT.format(where=where)} --rebuild`") from None
    return glossary


def read_documents(mc, collection: str) -> dict[str, Document]:
    parts: dict[str, list[tuple[int, str]]] = {}
    for r in scan(mc, collection, ["doc_id", "seq", "part", "text"]):
        parts.setdefault(r["doc_id"], []).append((r["part"], r["seq"], r["text"]))
    ordered = sorted(parts.items(), key=lambda item: min(p[1] for p in item[1]))
    return {doc_id: Document.from_dict(json.loads("".join(t for _, _, t in sorted(p))))
            for doc_id, p in ordered}
