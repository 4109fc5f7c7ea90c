"""Opening an engine: build first when the index is missing, damaged or stale; answer from the live
generation when that build fails (`engine.behind`), from the previous intact generation when the live
one is damaged (`engine.fallback`); a Milvus store (`retrieval.indexing.stores`) the same way. `Engine.open`
calls `open_engine`; `cls` is the Engine class (this module does not import it)."""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from retrieval.indexing import store, stores
from retrieval.errors import IndexCorruptError, IndexStaleError, RetrievalError
from retrieval.indexing.integrity import damage_detail, live_damage, preload
from retrieval.indexing.manifest import needs_build, stale_reasons
from retrieval.indexing.settings import model_name

log = logging.getLogger(__name__)


def open_engine(cls, index_dir="index", corpus_dir="corpus", model=None, build=True):
    """Load the index; build it first when it is missing, damaged or stale and `build` is set. When
    that build fails and the live index loads, answer from it: `engine.behind` says why (else None).
    When the live generation is damaged (and not rebuilt), the previous intact generation answers:
    `engine.fallback` says so (else None). Both are logged as warnings. A Milvus store (`retrieval.indexing.stores`)
    is opened by `open_store`; `cls` is the Engine class."""
    if stores.is_milvus(index_dir):
        return open_store(cls, str(index_dir), corpus_dir, model, build)
    index_dir = Path(index_dir)
    can_build = corpus_dir is not None and build
    model_loading = threading.Thread(target=preload, args=(model,), daemon=True)
    model_loading.start()                      # the checksums are read meanwhile
    failed, damage = None, live_damage(index_dir)
    stale = can_build and not damage and needs_build(index_dir, Path(corpus_dir), model_name(model))
    model_loading.join()
    if can_build and (damage or stale):
        failed = repair(index_dir, corpus_dir, model, damage)
        can_build = False                      # built (or tried to) once: not again
    try:
        engine = cls(index_dir, corpus_dir, model)
    except IndexCorruptError as exc:           # a damage the checksums do not show (a file that
        if can_build and repair(index_dir, corpus_dir, model, exc) is None:   # never parsed)
            return open_engine(cls, index_dir, corpus_dir, model, build=False)
        engine = previous_generation(cls, index_dir, corpus_dir, model, exc, failed)
    except RetrievalError:
        if failed is not None:
            raise failed from None
        raise
    engine.behind = failed and build_module().behind_message(index_dir, corpus_dir, failed)   # logged as a warning
    if corpus_dir is not None and not build:
        check_current(engine, index_dir, corpus_dir, "--index")
    return engine

def open_store(cls, where: str, corpus_dir, model, build: bool):
    """`open` on a Milvus store: built first when missing or stale and `build` is set; when that build
    fails and the live generation loads, it answers (`engine.behind` says why)."""
    failed = None
    if corpus_dir is not None and build and stores.needs_build(where, Path(corpus_dir), model_name(model)):
        failed = stores.try_build(corpus_dir, where, model=model)
    try:
        engine = cls(where, corpus_dir, model)
    except RetrievalError:
        if failed is not None:
            raise failed from None
        raise
    engine.behind = failed and build_module().behind_message(where, corpus_dir, failed)
    if corpus_dir is not None and not build:
        check_current(engine, where, corpus_dir, "--store")
    return engine

def check_current(engine, where, corpus_dir, option: str) -> None:
    """The loaded index matches the corpus, the model and the backend; else IndexStaleError naming
    the build to run (`build --index DIR` or `build --store WHERE`)."""
    reasons = stale_reasons(engine.manifest, Path(corpus_dir), engine.embedder.name, backend=engine.embedder.label)
    if reasons:
        raise IndexStaleError(f"index {where} is stale ({'; '.join(reasons[:3])}): "
                              f"run `python -m retrieval build {option} {where}`")

def repair(index_dir: Path, corpus_dir, model, damage: RetrievalError | None) -> RetrievalError | None:
    """Build the index (the build's error, None when built); say so when it repaired a damage."""
    failed = build_module().try_build(corpus_dir, index_dir, model=model)
    if damage is not None and failed is None:
        log.warning("the index %s was damaged (%s): rebuilt it", index_dir, damage_detail(damage))
    return failed

def previous_generation(cls, index_dir: Path, corpus_dir, model, damage: IndexCorruptError,
                        failed: RetrievalError | None):
    """An engine on the newest intact generation other than the damaged live one, with
    `fallback` saying so; the build's error (else the damage) when there is none."""
    live, detail = store.live_folder(index_dir), damage_detail(damage)
    for folder in store.generations(index_dir):
        if folder == live:
            continue
        try:
            engine = cls(index_dir, corpus_dir, model, folder=folder)
        except RetrievalError:
            continue
        engine.fallback = (f"the live index {live} is damaged ({detail}); answers come from the previous "
                           f"generation {folder.name}: run `python -m retrieval build --index {index_dir}` "
                           "to repair it")
        log.warning(engine.fallback)
        return engine
    if failed is None:
        raise damage from None
    raise IndexCorruptError(f"{damage} (and rebuilding it failed: {failed})") from None


def build_module():
    """`retrieval.indexing.build`, imported when a build is needed: opening a current index does not pay for the
    chunker's and the readers' imports."""
    from retrieval.indexing import build

    return build
