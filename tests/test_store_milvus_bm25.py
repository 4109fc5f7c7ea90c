"""The Milvus store with Milvus's own BM25 function as its lexical side ($RETRIEVAL_MILVUS_LEXICAL=milvus-bm25):
recorded in the manifest, Milvus tokenizes and scores (our domain dictionary and stop words in its
analyzer), the document filter holds, and the engine answers from it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.indexing.build import previous_cache
from retrieval.indexing.settings import model_name

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from retrieval.search.engine import Engine  # noqa: E402
from retrieval.indexing.stores import StoreError  # noqa: E402
from retrieval.indexing.stores import milvus  # noqa: E402
from retrieval.indexing.stores.milvus import MilvusLexical  # noqa: E402
from retrieval.indexing.stores.milvus_bm25 import BM25, ENV, MilvusBM25, analyzer, lexical_setting  # noqa: E402
from retrieval.indexing.stores.milvus_build import build_milvus  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def bm25_engine(tmp_path_factory, seed_index):
    db = str(tmp_path_factory.mktemp("milvus-bm25") / "bm25.db")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV, BM25)
        report = build_milvus(CORPUS, db, cache=previous_cache(seed_index, model_name(None)))
    assert report.embedded == 0
    yield Engine.open(db, CORPUS, build=False)
    milvus.close(db)


def test_setting(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    assert lexical_setting() == "sparse"
    monkeypatch.setenv(ENV, "bm25s")
    with pytest.raises(StoreError, match="RETRIEVAL_MILVUS_LEXICAL"):
        lexical_setting()


def test_analyzer_has_our_terms_and_stop_words():
    params = analyzer(["一岗双责", "書記抓、抓書記"])
    assert params["tokenizer"]["type"] == "jieba" and params["tokenizer"]["mode"] == "search"
    assert {"一岗双责", "书记抓抓书记", "_default_"} <= set(params["tokenizer"]["dict"])
    assert "什么" in params["filter"][0]["stop_words"]


def test_bm25_function_generation(bm25_engine, seed_engine):
    assert bm25_engine.manifest["milvus"]["lexical"] == BM25
    assert type(bm25_engine.lexical) is MilvusBM25 and type(seed_engine.lexical) is not MilvusLexical
    hits = bm25_engine.lexical.search(bm25_engine.tokenizer("一岗双责"), 10, text="一岗双责")
    assert hits and all(score > 0 for score in hits.values())
    best = max(hits, key=hits.get)
    assert "一岗双责" in bm25_engine.chunks[best].text
    # the local BM25's best chunks for the same words are among Milvus's (another tokenization, another idf)
    local = seed_engine.lexical.search(seed_engine.tokenizer("一岗双责"), 3)
    assert set(local) & set(hits)


def test_bm25_function_mask(bm25_engine):
    mask = np.zeros(bm25_engine.lexical.size, dtype=bool)
    mask[::2] = True
    hits = bm25_engine.lexical.search([], 50, mask, text="机关党建 主体责任")
    assert hits and all(r % 2 == 0 for r in hits)
    assert bm25_engine.lexical.search([], 50, np.zeros_like(mask), text="机关党建") == {}


def test_bm25_function_answers(bm25_engine):
    answer = bm25_engine.ask("什么是一岗双责？")
    assert answer["found"] and "一岗双责" in answer["passages"][0]["text"]
    assert not bm25_engine.ask("火星上的天气如何？")["found"]
