"""The Milvus store (Milvus Lite, a `.db` file): build, ask like the local store, incremental update,
removal, alias switch under a reader, and the one-line errors for an unreachable server or another model.

The builds reuse the session seed index's embeddings (`cache`), so nothing is embedded twice.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from retrieval.indexing.build import previous_cache
from retrieval.errors import IndexStaleError, IndexWriteError
from retrieval.indexing.settings import model_name

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from retrieval.search.engine import Engine  # noqa: E402
from retrieval.evaluate.external import set_location  # noqa: E402
from retrieval.indexing.store import current  # noqa: E402
from retrieval.indexing.stores import StoreError, is_milvus, location  # noqa: E402
from retrieval.indexing.stores import milvus  # noqa: E402
from retrieval.indexing.stores import milvus_lock  # noqa: E402
from retrieval.indexing.stores.milvus_build import build_milvus, generations, publish_copy  # noqa: E402
from retrieval.indexing.stores.milvus_lock import LOCK  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
QUESTIONS = ["什么是一岗双责？", "“四强”党支部指什么？", "机关党建工作的主体责任由谁承担？",
             "如何推动党建和业务深度融合？", "模范机关建设有哪些要求？", "四下基层的核心要义是什么？"]


def same(a: dict, b: dict) -> bool:
    """The same answer: passages (text, doc, offsets, citations, highlights), found, answer."""
    keep = ("found", "answer", "passages", "corrected", "corrections")
    return json.dumps({k: a.get(k) for k in keep}, sort_keys=True, ensure_ascii=False) == \
        json.dumps({k: b.get(k) for k in keep}, sort_keys=True, ensure_ascii=False)


@pytest.fixture(scope="session")
def seed_cache(seed_index):
    return previous_cache(seed_index, model_name(None))


@pytest.fixture(scope="session")
def milvus_db(tmp_path_factory, seed_cache) -> str:
    db = str(tmp_path_factory.mktemp("milvus") / "seed.db")
    report = build_milvus(CORPUS, db, cache=seed_cache)
    assert report.embedded == 0 and report.sentences_embedded == 0     # all from the cache
    return db


@pytest.fixture(scope="session")
def milvus_engine(milvus_db):
    return Engine.open(milvus_db, CORPUS, build=False)


def test_locations():
    assert is_milvus("index/milvus.db") and is_milvus("milvus://10.0.0.5:19530/policy")
    assert not is_milvus("index") and location("index") == Path("index")
    assert location("index", "milvus://h:19530") == "milvus://h:19530"      # not folded to milvus:/h
    assert set_location("index/milvus.db", "drcd_dev") == "index/milvus.drcd_dev.db"
    assert set_location("milvus://h:19530/policy", "drcd_dev") == "milvus://h:19530/drcd_dev"


def test_publish_copy_of_a_local_index(tmp_path, seed_index, seed_engine):
    """`eval --store`: an external set's cached local index copied into Milvus once, answering alike."""
    db = str(tmp_path / "copy.db")
    first = publish_copy(current(seed_index), db)
    assert publish_copy(current(seed_index), db) == first       # already live there: not copied again
    copy = Engine(db, None, None)
    for question in QUESTIONS[:3]:
        assert same(copy.ask(question), seed_engine.ask(question)), question
    milvus.close(db)


def test_milvus_answers_like_local(milvus_engine, seed_engine):
    assert milvus_engine.manifest["counts"] == seed_engine.manifest["counts"]
    for question in QUESTIONS:
        local, remote = seed_engine.ask(question), milvus_engine.ask(question)
        assert same(local, remote), question


def test_milvus_bm25_scores_equal_local(milvus_engine, seed_engine):
    for words in ("一岗双责", "机关 党建 主体责任", "书记 抓 抓书记"):
        tokens = seed_engine.tokenizer(words)
        local, remote = seed_engine.lexical.search(tokens, 50), milvus_engine.lexical.search(tokens, 50)
        assert local.keys() == remote.keys() and local
        assert all(abs(local[r] - remote[r]) < 1e-4 for r in local)


def test_milvus_doc_filter(milvus_engine, seed_engine):
    doc = next(iter(seed_engine.documents))
    local, remote = seed_engine.ask("什么是一岗双责？", doc_ids=[doc]), milvus_engine.ask("什么是一岗双责？", doc_ids=[doc])
    assert same(local, remote) and all(p["doc_id"] == doc for p in remote["passages"])


def cli_ask(*where):
    return subprocess.run([sys.executable, "-m", "retrieval", "ask", *where, "--corpus", str(CORPUS),
                           "--json", "什么是一岗双责？"], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_cli_ask_with_store(milvus_db, seed_index):
    busy = cli_ask("--store", milvus_db)        # this process has the Milvus Lite file open
    assert busy.returncode == 3 and "Traceback" not in busy.stderr
    assert busy.stderr.strip().splitlines()[-1].startswith(f"error: Milvus Lite {milvus_db} is open in another process")
    milvus.close(milvus_db)
    answers = [cli_ask("--store", milvus_db), cli_ask("--index", str(seed_index))]
    assert all(a.returncode == 0 for a in answers), answers[0].stderr
    assert same(*(json.loads(a.stdout) for a in answers))


def test_incremental_update_removal_and_alias_switch(tmp_path, seed_cache, seed_engine):
    corpus, db = tmp_path / "corpus", str(tmp_path / "m.db")
    shutil.copytree(CORPUS, corpus)
    build_milvus(corpus, db, cache=seed_cache)
    reader = Engine.open(db, corpus, build=False)
    before = reader.ask("什么是一岗双责？")
    files = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")
    removed = files[0]
    removed_id = seed_engine.manifest["files"][removed.name]["doc_id"]
    removed.unlink()
    changed = files[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n新增一段：机关党建要持之以恒抓落实。\n",
                       encoding="utf-8")
    report = build_milvus(corpus, db)                   # embeddings from the live Milvus generation only
    assert 0 < report.embedded <= 3 and report.reused > 0
    assert report.documents == len(seed_engine.documents) - 1
    assert same(reader.ask("什么是一岗双责？"), before)   # opened before the switch: still answers
    after = Engine.open(db, corpus, build=False)
    assert removed_id not in after.documents and len(after.documents) == report.documents
    assert "unknown doc_id" in after.ask("一岗双责", doc_ids=[removed_id])["error"]
    assert after.ask("持之以恒抓落实")["found"]
    assert not milvus.milvus_needs_build(db, corpus, model_name(None))
    build_milvus(corpus, db)
    assert len(generations(milvus.client(db))) == 2     # the live one and the one before


def test_unreachable_server_is_one_line(monkeypatch):
    monkeypatch.setattr(milvus, "TIMEOUT", 1)
    with pytest.raises(StoreError) as err:
        Engine.open("milvus://127.0.0.1:9/policy", CORPUS)
    message = str(err.value)
    assert "milvus://127.0.0.1:9/policy" in message and "docker compose" in message and "\n" not in message


def test_unreachable_server_cli():
    out = subprocess.run([sys.executable, "-c", "import sys; from retrieval.indexing.stores import milvus; milvus.TIMEOUT = 1; "
                          "from retrieval.cli import main; sys.exit(main(sys.argv[1:]))",
                          "build", "--store", "milvus://127.0.0.1:9"], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert out.returncode == 3 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("error: cannot reach milvus://127.0.0.1:9")


def test_other_model_is_one_line(milvus_db):
    with pytest.raises(IndexStaleError) as err:
        milvus.load_milvus(milvus_db, SimpleNamespace(name="other-model", dim=768))
    assert milvus_db in str(err.value) and "--rebuild" in str(err.value)


def test_empty_store_says_what_to_run(tmp_path):
    db = str(tmp_path / "empty.db")
    with pytest.raises(StoreError, match="run `python -m retrieval build --store"):
        Engine.open(db, None)


def test_two_builders_take_turns(tmp_path, seed_cache):
    """Two builds at once: the second waits for the lock, starts from the first one's generation and
    publishes too (without the lock, both start from none and the second's compare-and-set fails)."""
    db = str(tmp_path / "turns.db")
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: build_milvus(CORPUS, db, cache=seed_cache), range(2)))
    mc = milvus.client(db)
    built = {r.folder.split("#")[1] for r in reports}
    assert len(built) == 2 and set(generations(mc)) == built and milvus.live_name(db) in built
    assert LOCK not in mc.list_aliases()["aliases"] and not [c for c in mc.list_collections() if c.startswith(LOCK)]
    milvus.close(db)


def test_build_lock_of_another_builder(tmp_path, seed_cache, monkeypatch):
    """A held lock makes a build wait, then fail in one line; a dead builder's (older than LEASE) is broken."""
    db = str(tmp_path / "locked.db")
    mc = milvus.client(db)
    monkeypatch.setattr(milvus_lock, "WAIT", 1)
    busy = f"{LOCK}_{int(time.time())}_busy"
    mc.create_collection(busy, dimension=2)
    mc.create_alias(busy, LOCK)
    with pytest.raises(IndexWriteError, match="another build of .* holds its lock"):
        build_milvus(CORPUS, db, cache=seed_cache)
    assert milvus.live_name(db) is None
    milvus_lock.release(mc, busy)
    dead = f"{LOCK}_{int(time.time()) - milvus_lock.LEASE - 60}_dead"
    mc.create_collection(dead, dimension=2)
    mc.create_alias(dead, LOCK)
    build_milvus(CORPUS, db, cache=seed_cache)
    assert milvus.live_name(db) is not None and dead not in mc.list_collections()
    milvus.close(db)


def test_check_a_milvus_store(tmp_path, seed_cache, capsys):
    from retrieval.cli import main

    db = str(tmp_path / "check.db")
    build_milvus(CORPUS, db, cache=seed_cache)
    assert main(["check", "--store", db]) == 0
    assert capsys.readouterr().out.startswith(f"live     {db}#g")
    live = milvus.live_name(db)
    milvus.client(db).drop_collection(milvus.names(live)["sentences"])
    assert main(["check", "--store", db]) == 3
    out, err = capsys.readouterr()
    assert "DAMAGED" in out and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    milvus.close(db)


def test_the_glossary_is_stored_in_milvus_and_not_built_at_load(milvus_db, seed_engine, monkeypatch):
    """The build writes the formulations into the meta collection; a load reads them (checked against
    the documents), so an app on Milvus does not build the glossary again at every start."""
    from retrieval.search import glossary as glossary_module

    monkeypatch.setattr(glossary_module, "build_glossary", lambda e: pytest.fail("glossary built at load"))
    engine = Engine.open(milvus_db, CORPUS, build=False)
    assert engine.glossary_cache is not None and engine.glossary_cache[0] is engine.documents
    assert engine.glossary_cache[1] == glossary_module.load_glossary(seed_engine.folder / glossary_module.GLOSSARY)
    result = engine.ask("“四强”党支部指什么？")
    assert result["found"] and "政治功能强" in result["passages"][0]["text"]


def test_a_stored_glossary_citing_text_the_store_does_not_hold_is_a_clear_error(seed_engine):
    from retrieval.indexing.stores.milvus import stored_glossary
    from retrieval.search.glossary import GLOSSARY

    class Meta:          # the meta collection's query, as Milvus answers it
        def __init__(self, text):
            self.text = text

        def load_collection(self, name):
            pass

        def query(self, name, filter, output_fields, limit):
            return [] if self.text is None else [{"part": 0, "text": self.text}]

    lines = (seed_engine.folder / GLOSSARY).read_text(encoding="utf-8")
    assert stored_glossary("x.db", Meta(lines), "meta", seed_engine.documents)["两个维护"].count == 9
    assert stored_glossary("x.db", Meta(None), "meta", seed_engine.documents) is None    # written before it was stored
    first = json.loads(lines.splitlines()[0])
    first["statements"][0][2] = 10 ** 9
    with pytest.raises(StoreError, match="glossary.jsonl cites .* --rebuild"):
        stored_glossary("x.db", Meta(json.dumps(first, ensure_ascii=False)), "meta", seed_engine.documents)
