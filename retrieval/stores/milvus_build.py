"""Build or update the index in Milvus: incremental (content keys: unchanged text is never re-embedded),
atomic (a new generation, then one alias switch), removed documents gone with the old generation.

The pipeline is the local one (`retrieval.build`), run into a temporary folder with the embeddings of
the live Milvus generation as its cache; the generation it writes is then copied into new collections.
Two builders take turns: a lock held in Milvus (`retrieval.stores.milvus_lock`) from reading the
live generation to switching the alias; the switch is also a compare-and-set (a builder whose
previous generation is no longer live drops its own and says so).
"""
from __future__ import annotations

import dataclasses
import json
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import scipy.sparse

from retrieval import store
from retrieval.dense import EXACT_LIMIT, HNSW_M, Dense
from retrieval.errors import IndexWriteError
from retrieval.lexical import Lexical
from retrieval.manifest import built_backend
from retrieval.stores import StoreError
from retrieval.stores.milvus import (ALIAS, BATCH, BUILD_HINT, PART, client, describe, live_name, names,
                                     one_line, read_manifest, scan)
from retrieval.stores.milvus_bm25 import BM25, add_bm25, lexical_of, lexical_setting, words
from retrieval.stores.milvus_lock import build_lock

KEEP = 2            # generations kept: the live one and the one before (its readers keep answering)


def previous_vectors(where: str, model: str, backend: str) -> dict[str, np.ndarray]:
    """Embeddings of the live generation (chunks and sentences) by content key, when it used `model`
    on the same embedding backend (`Embedder.label`)."""
    mc = client(where)
    generation = live_name(where, mc)
    if generation is None:
        return {}
    try:
        manifest = read_manifest(where, generation)
        if manifest.get("model", {}).get("name") != model or built_backend(manifest) != backend:
            return {}
        name = names(generation)
        cache = {}
        for part in ("chunks", "sentences"):
            mc.load_collection(name[part])
            cache |= {r["key"]: np.asarray(r["vector"], dtype="float32")
                      for r in scan(mc, name[part], ["key", "vector"])}
        return cache
    except Exception:  # noqa: BLE001  (an unusable previous generation: embed everything)
        return {}


def build_milvus(corpus_dir, where: str, model=None, reuse: bool = True, progress=None, cache: dict | None = None):
    """`retrieval.build.build_index` into Milvus; the report's folder is `where#generation`. `cache`
    adds embeddings by content key to those of the live generation (a local index's, for instance)."""
    from retrieval.build import build_index
    from retrieval.embed import Embedder

    mc = client(where)
    embedder = Embedder(model)           # the model is loaded once per process: the build reuses it
    with build_lock(mc, where):          # another builder's turn ends with its switch: start from its generation
        before = live_name(where, mc)
        cache = (previous_vectors(where, embedder.name, embedder.label) | (cache or {})) if reuse else {}
        with tempfile.TemporaryDirectory(prefix="retrieval-milvus-") as tmp:
            report = build_index(corpus_dir, Path(tmp), model=model, progress=progress, reuse=reuse, cache=cache)
            generation = upload(mc, where, store.current(Path(tmp)))
        switch(mc, where, before, generation)
    return dataclasses.replace(report, folder=f"{where}#{generation}")


def publish_copy(folder: Path, where: str) -> str:
    """Make a copy of the local generation `folder` live in Milvus, unless the live one already has
    its manifest (the evaluation's external sets: `retrieval.evaluate.external`); its generation."""
    mc = client(where)
    with build_lock(mc, where):
        before = live_name(where, mc)
        if before is not None and same_index(read_manifest(where, before), Path(folder)):
            return before
        generation = upload(mc, where, Path(folder))
        switch(mc, where, before, generation)
    return generation


def same_index(live: dict, folder: Path) -> bool:
    """The live generation is a copy of `folder` written with the lexical side set now."""
    built = {k: v for k, v in live.items() if k != "milvus"}
    return built == store.read_json(folder / "manifest.json") and lexical_of(live) == lexical_setting()


def new_generation() -> str:
    return f"g{time.strftime('%Y%m%d_%H%M%S')}_{uuid.uuid4().hex[:6]}"


def upload(mc, where: str, folder: Path) -> str:
    """Copy a local generation folder into new collections; their generation name."""
    generation = new_generation()
    name = names(generation)
    kind = lexical_setting()
    manifest = store.read_json(folder / "manifest.json") | {"milvus": {"lexical": kind}}
    dim = int(manifest["model"]["dimension"])
    terms = (folder / "terms.txt").read_text(encoding="utf-8").split() if kind == BM25 else None
    try:
        create(mc, name, dim, int(manifest["counts"]["chunks"]), int(manifest["counts"]["sentences"]), terms)
        lexical = Lexical.load(folder / "lexical", manifest["counts"]["chunks"])
        put_meta(mc, name["meta"], manifest, folder, lexical)
        put_docs(mc, name["docs"], store.iter_jsonl(folder / "documents.jsonl"))
        put_chunks(mc, name["chunks"], folder, None if kind == BM25 else lexical)
        put_sentences(mc, name["sentences"], folder)
        for part in name.values():
            mc.flush(part)
    except Exception as exc:  # noqa: BLE001
        drop(mc, generation)
        raise IndexWriteError(f"cannot write the index to {describe(where)} ({one_line(exc)}); "
                              "the live index is unchanged") from None
    return generation


def create(mc, name: dict[str, str], dim: int, chunks: int, sentences: int, terms: list[str] | None = None) -> None:
    """The generation's collections; vectors FLAT (exact) up to EXACT_LIMIT rows, HNSW above (`retrieval.dense`);
    the chunks' lexical side our BM25 weights, or with `terms` Milvus's BM25 function (`milvus_bm25`)."""
    from pymilvus import DataType, MilvusClient

    def collection(collection: str, fields, vector_dim: int, rows: int = 0, sparse: bool = False,
                   primary=("id", DataType.INT64)):
        schema = MilvusClient.create_schema(auto_id=False)
        field, kind = primary
        schema.add_field(field, kind, is_primary=True, **({"max_length": 512} if kind == DataType.VARCHAR else {}))
        for fname, ftype, extra in fields:
            schema.add_field(fname, ftype, **extra)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=vector_dim)
        params = mc.prepare_index_params()
        kind = "FLAT" if rows <= EXACT_LIMIT else "HNSW"
        params.add_index("vector", index_type=kind, metric_type="IP",
                         **({"params": {"M": HNSW_M, "efConstruction": 200}} if kind == "HNSW" else {}))
        if sparse and terms is not None:
            add_bm25(schema, params, terms)
        elif sparse:
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
        mc.create_collection(collection, schema=schema, index_params=params)

    text = {"max_length": 65_535}
    collection(name["meta"], [("blob", DataType.VARCHAR, {"max_length": 64}), ("part", DataType.INT64, {}),
                              ("text", DataType.VARCHAR, text)], 2)
    collection(name["docs"], [("doc_id", DataType.VARCHAR, {"max_length": 512}), ("seq", DataType.INT64, {}),
                              ("part", DataType.INT64, {}), ("text", DataType.VARCHAR, text)], 2)
    collection(name["chunks"], [("key", DataType.VARCHAR, {"max_length": 128}), ("chunk", DataType.VARCHAR, text)],
               dim, chunks, sparse=True, primary=("row", DataType.INT64))
    collection(name["sentences"], [("row", DataType.INT64, {}), ("start", DataType.INT64, {}),
                                   ("end", DataType.INT64, {}), ("key", DataType.VARCHAR, {"max_length": 128})],
               dim, sentences)


def parts(text: str) -> list[str]:
    return [text[i:i + PART] for i in range(0, len(text), PART)] or [""]


def insert(mc, collection: str, rows) -> None:
    page = []
    for row in rows:
        page.append(row)
        if len(page) == BATCH:
            mc.insert(collection, page)
            page = []
    if page:
        mc.insert(collection, page)


def put_meta(mc, collection: str, manifest: dict, folder: Path, lexical: Lexical) -> None:
    vocab = sorted(lexical.vocab, key=lexical.vocab.get)
    blobs = {"manifest": json.dumps(manifest, ensure_ascii=False),
             "terms": (folder / "terms.txt").read_text(encoding="utf-8"),
             "lexicon": json.dumps({"vocab": vocab, "df": lexical.df.tolist()}, ensure_ascii=False)}
    insert(mc, collection, ({"id": n, "blob": blob, "part": i, "text": t, "vector": [0.0, 0.0]}
                            for n, (blob, i, t) in enumerate((b, i, t) for b, text in blobs.items()
                                                             for i, t in enumerate(parts(text)))))


def put_docs(mc, collection: str, documents) -> None:
    def rows():
        n = 0
        for seq, doc in enumerate(documents):
            for i, t in enumerate(parts(json.dumps(doc, ensure_ascii=False))):
                yield {"id": n, "doc_id": doc["doc_id"], "seq": seq, "part": i, "text": t, "vector": [0.0, 0.0]}
                n += 1
    insert(mc, collection, rows())


def bm25_rows(lexical: Lexical) -> scipy.sparse.csr_matrix:
    """bm25s' precomputed scores (idf x saturated tf) as chunk rows x vocabulary columns."""
    s = lexical.retriever.scores
    return scipy.sparse.csc_matrix((s["data"], s["indices"], s["indptr"]),
                                   shape=(lexical.size, len(s["indptr"]) - 1)).tocsr()


def put_chunks(mc, collection: str, folder: Path, lexical: Lexical | None) -> None:
    """The chunk rows with their BM25 weights, or (`lexical` None) their text for Milvus's BM25 function."""
    vectors = Dense.load(folder / "dense.faiss").rows
    weights = bm25_rows(lexical) if lexical is not None else None

    def rows():
        for r, chunk in enumerate(store.iter_jsonl(folder / "chunks.jsonl")):
            key = chunk.pop("key")
            if weights is None:
                yield {"row": r, "key": key, "chunk": json.dumps(chunk, ensure_ascii=False),
                       "vector": vectors[r].tolist(), "words": words(chunk["text"])}
                continue
            lo, hi = weights.indptr[r], weights.indptr[r + 1]
            sparse = {int(j): float(v) for j, v in zip(weights.indices[lo:hi], weights.data[lo:hi]) if v > 0}
            yield {"row": r, "key": key, "chunk": json.dumps(chunk, ensure_ascii=False),
                   "vector": vectors[r].tolist(), "sparse": sparse or {len(lexical.vocab): 1e-9}}
    insert(mc, collection, rows())


def put_sentences(mc, collection: str, folder: Path) -> None:
    vectors = Dense.load(folder / "sentences.faiss").rows
    insert(mc, collection, ({"id": j, "row": s["row"], "start": s["start"], "end": s["end"], "key": s["key"],
                             "vector": vectors[j].tolist()}
                            for j, s in enumerate(store.iter_jsonl(folder / "sentences.jsonl"))))


def switch(mc, where: str, before: str | None, generation: str) -> None:
    """Make `generation` live in one step if the live one is still `before` (else another builder
    published meanwhile: drop ours and say so); then drop all but the newest KEEP generations."""
    if live_name(where, mc) != before:
        drop(mc, generation)
        raise IndexWriteError(f"another build published to {describe(where)} meanwhile: "
                              f"run `{BUILD_HINT.format(where=where)}` again (only what changed is embedded)")
    meta = names(generation)["meta"]
    try:
        if before is None:
            mc.create_alias(meta, ALIAS)
        else:
            mc.alter_alias(meta, ALIAS)
    except Exception as exc:  # noqa: BLE001
        drop(mc, generation)
        raise IndexWriteError(f"cannot publish the index in {describe(where)} ({one_line(exc)})") from None
    prune(mc, generation)


def generations(mc) -> list[str]:
    found = {c.removeprefix(f"{ALIAS}_").rsplit("_", 1)[0] for c in mc.list_collections()
             if c.startswith(f"{ALIAS}_g")}
    return sorted(found)


def prune(mc, live: str) -> None:
    old = [g for g in generations(mc) if g != live]
    for generation in old[:-(KEEP - 1) or None]:
        drop(mc, generation)


def drop(mc, generation: str) -> None:
    for collection in names(generation).values():
        try:
            mc.drop_collection(collection)
        except Exception:  # noqa: BLE001  (already gone)
            pass


def check_reachable(where: str) -> None:
    """`StoreError` naming the address when Milvus cannot be reached."""
    try:
        client(where).list_collections()
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise StoreError(f"cannot reach {describe(where)} ({one_line(exc)})") from None
