"""Build or update the index in Milvus: incremental (content keys: unchanged text is never re-embedded),
atomic (a new generation, then one alias switch), removed documents gone with the old generation.

The pipeline is the local one (`retrieval.indexing.build`), run into a temporary folder with the stored vectors
(by content key) as its cache; the generation it writes is then copied into new collections, and its
vectors into the collections the generations share, only the keys they lack (`milvus_vectors`);
pruning deletes the vectors no kept generation holds (`collect`).
Two builders take turns: a lock held in Milvus (`retrieval.indexing.stores.milvus_lock`) from reading the
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

from retrieval.indexing import store
from retrieval.errors import IndexWriteError
from retrieval.indexing.lexical import Lexical
from retrieval.indexing.manifest import built_backend
from retrieval.indexing.stores import StoreError
from retrieval.indexing.stores.milvus import (ALIAS, BATCH, BUILD_HINT, client, describe, live_name, names, one_line,
                                     read_blob, read_manifest, scan)
from retrieval.indexing.stores.milvus_bm25 import BM25, lexical_of, lexical_setting
from retrieval.indexing.stores.milvus_lock import build_lock
from retrieval.indexing.stores.milvus_vectors import VECTORS, vector_names, vector_tag
from retrieval.indexing.stores.milvus_write import create, put_chunks, put_docs, put_meta, put_sentences, put_vectors

KEEP = 2            # generations kept: the live one and the one before (its readers keep answering)


def previous_vectors(where: str, model: str, backend: str) -> dict[str, np.ndarray]:
    """The stored embeddings (chunks and sentences, of the kept generations) by content key, when the live
    generation used `model` on the same embedding backend (`Embedder.label`)."""
    mc = client(where)
    generation = live_name(where, mc)
    if generation is None:
        return {}
    try:
        manifest = read_manifest(where, generation)
        if manifest.get("model", {}).get("name") != model or built_backend(manifest) != backend:
            return {}
        cache = {}
        for part in vector_names(manifest["milvus"]["vectors"]).values():
            mc.load_collection(part)
            cache |= {r["key"]: np.asarray(r["vector"], dtype="float32") for r in scan(mc, part, ["key", "vector"])}
        return cache
    except Exception:  # noqa: BLE001  (an unusable previous generation: embed everything)
        return {}


def build_milvus(corpus_dir, where: str, model=None, reuse: bool = True, progress=None, cache: dict | None = None):
    """`retrieval.indexing.build.build_index` into Milvus; the report's folder is `where#generation`. `cache`
    adds embeddings by content key to those of the live generation (a local index's, for instance)."""
    from retrieval.indexing.build import build_index
    from retrieval.indexing.embed import Embedder

    mc = client(where)
    embedder = Embedder(model)           # the model is loaded once per process: the build reuses it
    with build_lock(mc, where):          # another builder's turn ends with its switch: start from its generation
        before = live_name(where, mc)
        cache = {**previous_vectors(where, embedder.name, embedder.label), **(cache or {})} if reuse else {}
        with tempfile.TemporaryDirectory(prefix="retrieval-milvus-") as tmp:
            report = build_index(corpus_dir, Path(tmp), model=model, progress=progress, reuse=reuse, cache=cache)
            generation, inserted = upload(mc, where, store.current(Path(tmp)))
        switch(mc, where, before, generation)
    return dataclasses.replace(report, folder=f"{where}#{generation}", vectors_inserted=inserted)


def publish_copy(folder: Path, where: str) -> str:
    """Make a copy of the local generation `folder` live in Milvus, unless the live one already has
    its manifest (the evaluation's external sets: `retrieval.evaluate.external`); its generation."""
    mc = client(where)
    with build_lock(mc, where):
        before = live_name(where, mc)
        if before is not None and same_index(read_manifest(where, before), Path(folder)):
            return before
        generation, _ = upload(mc, where, Path(folder))
        switch(mc, where, before, generation)
    return generation


def same_index(live: dict, folder: Path) -> bool:
    """The live generation is a copy of `folder` written with the lexical side set now."""
    built = {k: v for k, v in live.items() if k != "milvus"}
    return built == store.read_json(folder / "manifest.json") and lexical_of(live) == lexical_setting()


def new_generation() -> str:
    return f"g{time.strftime('%Y%m%d_%H%M%S')}_{uuid.uuid4().hex[:6]}"


def upload(mc, where: str, folder: Path) -> tuple[str, int]:
    """Copy a local generation folder into new collections, its vectors into the shared ones (only the
    keys they lack: `retrieval.indexing.stores.milvus_vectors`); the generation's name, how many vectors were inserted."""
    generation = new_generation()
    name = names(generation)
    kind = lexical_setting()
    manifest = store.read_json(folder / "manifest.json")
    dim = int(manifest["model"]["dimension"])
    tag = vector_tag(manifest["model"]["name"], dim, built_backend(manifest))
    manifest |= {"milvus": {"lexical": kind, "vectors": tag}}
    terms = (folder / "terms.txt").read_text(encoding="utf-8").split() if kind == BM25 else None
    try:
        create(mc, name, terms)
        inserted = put_vectors(mc, vector_names(tag), folder, dim)
        lexical = Lexical.load(folder / "lexical", manifest["counts"]["chunks"])
        put_meta(mc, name["meta"], manifest, folder, lexical)
        put_docs(mc, name["docs"], store.iter_jsonl(folder / "documents.jsonl"))
        put_chunks(mc, name["chunks"], folder, None if kind == BM25 else lexical)
        put_sentences(mc, name["sentences"], folder)
        for part in [*name.values(), *vector_names(tag).values()]:
            mc.flush(part)
    except Exception as exc:  # noqa: BLE001  (vectors inserted for it go with the next pruning)
        drop(mc, generation)
        raise IndexWriteError(f"cannot write the index to {describe(where)} ({one_line(exc)}); "
                              "the live index is unchanged") from None
    return generation, inserted


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
    collect(mc)


def collect(mc) -> int:
    """Delete the shared vectors that no kept generation holds (dropping a model's collections when
    none uses it); how many were deleted. Runs under the build lock: no build is writing meanwhile."""
    held: dict[str, set[str]] = {}
    for generation in generations(mc):
        name = names(generation)
        try:
            manifest = json.loads(read_blob(mc, name["meta"], "manifest"))
            tag = manifest.get("milvus", {}).get("vectors")      # None: an earlier layout, vectors of its own
            for part in ("chunks", "sentences") if tag else ():
                mc.load_collection(name[part])
                held.setdefault(vector_names(tag)[part], set()).update(r["key"] for r in scan(mc, name[part], ["key"]))
        except Exception:  # noqa: BLE001  (a generation that cannot be read: delete nothing this time)
            return 0
    deleted = 0
    for collection in [c for c in mc.list_collections() if c.startswith(f"{VECTORS}_")]:
        if collection not in held:
            mc.drop_collection(collection)
            continue
        mc.load_collection(collection)
        stale = [r["key"] for r in scan(mc, collection, ["key"]) if r["key"] not in held[collection]]
        for at in range(0, len(stale), BATCH):
            mc.delete(collection, ids=stale[at:at + BATCH])
        deleted += len(stale)
    return deleted


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
