"""The engine under load: what it remembers between questions (corrections, analyses, the words of
corpus sentences) never changes an answer, and threads asking at once get the answers one thread gets."""
from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from retrieval.search.engine import Engine

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


def test_memories_are_bounded(seed_engine):
    assert all(memory.cache_info().maxsize for memory in
               (seed_engine.sentence_words, seed_engine.corrected, seed_engine.analysed))


def test_threads_asking_at_once_get_the_single_thread_answers(seed_engine, expected):
    work = list(expected) * 3
    random.Random(13).shuffle(work)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda q: seed_engine.ask(q, top_k=5), work))
    assert [a for a in answers] == [expected[q] for q in work]
