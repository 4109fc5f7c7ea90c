"""The engine under load: what it remembers between questions (corrections, analyses, tokens, the words
of corpus sentences, chunks' widened spans) never changes an answer, nor does it outlive the index generation it
was made from, and threads asking at once get the answers one thread gets."""
from __future__ import annotations

import json
import random
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from retrieval.indexing.build import build_index
from retrieval.search.engine import Engine
from retrieval.tokenize import fold, normalize

ROOT = Path(__file__).resolve().parents[1]
EXTRA = ["什么是一刚双责？", "什麼是模範機關？", "两个纬护是什么", "机关党建 2024年 推进会"]


def dev_questions(n: int = 40) -> list[str]:
    """The first `n` questions of the seed gold set's dev split (the held-out split is not read)."""
    rows = [json.loads(line) for line in (ROOT / "eval" / "seed_gold.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [r["question"] for r in rows if r.get("split") == "dev" and r.get("question")][:n] + EXTRA


@pytest.fixture(scope="module")
def plain(seed_index):
    """A second engine on the same index that remembers nothing: every question computed afresh."""
    engine = Engine.open(seed_index, ROOT / "corpus", build=False)
    engine.corrected = engine.correct_now
    engine.sentence_words = lambda text: frozenset(engine.tokenizer(text))
    engine.tokens = lambda text: tuple(engine.tokenizer(text))
    engine.widened = engine.widen_now
    engine.text.held = engine.text.holds_folded
    engine.chunk_sentences = engine.chunk_sentences.__wrapped__
    engine.passage_spans = engine.passage_spans.__wrapped__
    engine.analysed = lambda text: engine.analyzer(text, engine.lexical.idf, engine.holds)
    return engine


@pytest.fixture(scope="module")
def expected(plain):
    return {q: plain.ask(q, top_k=5) for q in dev_questions()}


def test_what_the_engine_remembers_changes_no_answer(seed_engine, expected):
    for _ in range(2):          # the second round comes from what the first left in memory
        for question, result in expected.items():
            assert seed_engine.ask(question, top_k=5) == result, question
    assert seed_engine.sentence_words.cache_info().hits > 0
    assert seed_engine.corrected.cache_info().hits > 0 and seed_engine.analysed.cache_info().hits > 0
    assert all(memory.cache_info().hits > 0 for memory in (seed_engine.tokens, seed_engine.widened, seed_engine.text.held,
                                                           seed_engine.chunk_sentences, seed_engine.passage_spans))


def test_memories_are_bounded(seed_engine):
    assert all(memory.cache_info().maxsize for memory in
               (seed_engine.sentence_words, seed_engine.corrected, seed_engine.analysed, seed_engine.tokens,
                seed_engine.widened, seed_engine.folded_chunk, seed_engine.text.held, seed_engine.chunk_sentences,
                seed_engine.passage_spans, normalize, fold))


def test_a_reloaded_engine_answers_from_the_new_generation_only(tmp_path):
    """What an engine remembers of one generation's chunks (their widened spans, folded text, sentences) is
    not used for the next one: after a paragraph is put before a document's text, every chunk starts elsewhere."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    name = "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren.txt"
    shutil.copy(ROOT / "corpus" / name, corpus / name)
    build_index(corpus, index)
    engine = Engine.open(index, corpus, build=False)
    questions = ["什么是双抓双促？", "机关党建第一责任是什么", "省第十一次党代会绘就了什么"]
    before = [engine.ask(q) for q in questions]
    text = (corpus / name).read_text(encoding="utf-8")
    (corpus / name).write_text(text.replace("\n\n", "\n\n新增一段文字，使后面每一段的位置都向后移动。\n\n", 1), encoding="utf-8")
    build_index(corpus, index)
    engine.reload()
    fresh = Engine.open(index, corpus, build=False)
    after = [engine.ask(q) for q in questions]
    assert after == [fresh.ask(q) for q in questions]
    assert [a["passages"][0]["start"] for a in after] != [b["passages"][0]["start"] for b in before]


def test_threads_asking_at_once_get_the_single_thread_answers(seed_engine, expected):
    work = list(expected) * 3
    random.Random(13).shuffle(work)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda q: seed_engine.ask(q, top_k=5), work))
    assert [a for a in answers] == [expected[q] for q in work]
