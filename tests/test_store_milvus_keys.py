"""The Milvus store's vectors by content key: each distinct text's vector once, shared by the generations;
a rebuild inserts only the keys that are new; keys no kept generation holds are deleted; a reader's
search skips the keys of other generations (and looks deeper when they crowd out its own)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retrieval.indexing.build import previous_cache
from retrieval.indexing.settings import model_name

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from retrieval.search.engine import Engine  # noqa: E402
from retrieval.indexing.stores import milvus  # noqa: E402
from retrieval.indexing.stores.milvus_build import build_milvus  # noqa: E402
from retrieval.indexing.stores.milvus_vectors import count, vector_names  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ADDED = "新增一段：机关党建要持之以恒抓落实，久久为功，驰而不息。"


def generation_keys(db: str) -> dict[str, list[str]]:
    """The live generation's content keys of its chunks and sentences, by id."""
    mc, name = milvus.client(db), milvus.names(milvus.live_name(db))
    out = {}
    for part, pk in (("chunks", "row"), ("sentences", "id")):
        rows = milvus.scan(mc, name[part], [pk, "key"])
        out[part] = [r["key"] for r in sorted(rows, key=lambda r: r[pk])]
    return out


def shared_keys(db: str, engine: Engine) -> dict[str, set[str]]:
    mc, shared = milvus.client(db), vector_names(engine.manifest["milvus"]["vectors"])
    return {part: {r["key"] for r in milvus.scan(mc, name, ["key"])} for part, name in shared.items()}


@pytest.fixture()
def store(tmp_path, seed_index):
    corpus, db = tmp_path / "corpus", str(tmp_path / "keys.db")
    shutil.copytree(CORPUS, corpus)
    first = build_milvus(corpus, db, cache=previous_cache(seed_index, model_name(None)))
    yield corpus, db, first
    milvus.close(db)


def test_each_distinct_text_once(store):
    corpus, db, first = store
    keys, engine = generation_keys(db), Engine.open(db, corpus, build=False)
    held = shared_keys(db, engine)
    assert held == {part: set(k) for part, k in keys.items()}
    assert len(held["sentences"]) < len(keys["sentences"])          # repeated sentences: one vector
    assert first.vectors_inserted == len(held["chunks"]) + len(held["sentences"])
    mc, shared = milvus.client(db), vector_names(engine.manifest["milvus"]["vectors"])
    assert count(mc, shared["sentences"]) == len(set(keys["sentences"]))


def test_rebuild_inserts_only_new_keys_and_deletes_unheld_ones(store):
    corpus, db, _ = store
    before = generation_keys(db)
    changed = sorted(corpus.glob("*.txt"))[1]
    changed.write_text(changed.read_text(encoding="utf-8") + f"\n\n{ADDED}\n", encoding="utf-8")
    report = build_milvus(corpus, db)
    after = generation_keys(db)
    new = sum(len(set(after[p]) - set(before[p])) for p in after)
    assert report.embedded + report.sentences_embedded <= 2 and 0 < report.vectors_inserted == new <= 2
    engine = Engine.open(db, corpus, build=False)
    assert shared_keys(db, engine) == {p: set(before[p]) | set(after[p]) for p in after}   # two generations kept
    removed = sorted(corpus.glob("*.txt"))[0]
    removed.unlink()
    report = build_milvus(corpus, db)
    assert report.embedded == report.vectors_inserted == 0          # nothing new: nothing embedded or inserted
    latest = generation_keys(db)
    engine = Engine.open(db, corpus, build=False)
    assert shared_keys(db, engine) == {p: set(after[p]) | set(latest[p]) for p in after}  # the first one's gone


def test_search_skips_and_outgrows_other_generations_keys(store, seed_engine):
    corpus, db, _ = store
    reader = Engine.open(db, corpus, build=False)
    changed = sorted(corpus.glob("*.txt"))[1]
    changed.write_text(changed.read_text(encoding="utf-8") + f"\n\n{ADDED}\n", encoding="utf-8")
    build_milvus(corpus, db)                              # its new key is the best hit for ADDED
    qvec = reader.embed_query(ADDED)
    local = seed_engine.dense.search(qvec, 5)
    reader.dense.foreign = 0                              # as if opened before that build
    found = reader.dense.search(qvec, 5)
    assert found.keys() == local.keys() and all(abs(found[r] - local[r]) < 1e-4 for r in local)
    assert reader.dense.foreign > 0                       # it looked deeper
    rows = sorted(local)[:2]
    assert reader.dense.search(qvec, 5, rows=rows).keys() == set(rows)
