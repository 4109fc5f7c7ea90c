"""eval/feedback.py: the query-side feedback techniques measured by eval/feedback_sweep.py (none is in the engine)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from retrieval.search.engine import Engine

EVAL = Path(__file__).resolve().parents[1] / "eval"
PARAPHRASE = "单位里那种上班混日子啥也不想干的人，有没有专门治的"


@pytest.fixture(scope="module")
def feedback():
    spec = importlib.util.spec_from_file_location("feedback", EVAL / "feedback.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def settings(feedback):
    """Every setting back to off after the test."""
    names = ("DENSE_PRF", "PRF_DEPTH", "PRF_SOURCE", "CONTENT_WEIGHT", "RM3_WEIGHT", "RM3_TERMS", "NEIGHBOURS", "WEAK")
    saved = {n: getattr(feedback, n) for n in names}
    yield feedback
    for n, v in saved.items():
        setattr(feedback, n, v)


def test_rocchio_adds_the_mean_of_the_feedback_vectors_and_renormalises(feedback):
    q = np.array([1.0, 0.0], dtype="float32")
    out = feedback.rocchio(q, np.array([[0.0, 1.0], [0.0, 1.0]]), 1.0)
    assert np.allclose(out, [2 ** -0.5, 2 ** -0.5])
    assert feedback.rocchio(q, np.array([[0.0, 1.0]]), 0.0) is q


def test_relevance_model_weighs_words_by_their_share_of_a_chunk_times_its_score(feedback):
    docs = [(["党建", "党建", "业务", "工作"], 3.0), (["业务", "了"], 1.0)]
    model = feedback.relevance_model(docs, lambda w: 0.0 if w == "工作" else 1.0, {"党建"}, 5)
    # 业务: 1/4 * 3/4 + 1/2 * 1/4 = 5/16, the only word left (党建 excluded, 工作 unknown, 了 one character)
    assert model == {"业务": 1.0}


def test_all_settings_off_is_the_engine_and_the_block_puts_it_back(seed_engine, feedback):
    plain, retrieve = seed_engine.retrieve(PARAPHRASE, 5), Engine.retrieve
    with feedback.installed():
        assert Engine.retrieve is not retrieve and seed_engine.retrieve(PARAPHRASE, 5) == plain
    assert Engine.retrieve is retrieve


def test_dense_feedback_searches_with_the_rocchio_vector(seed_engine, settings):
    settings.DENSE_PRF, settings.PRF_DEPTH = 1.0, 1
    seen = []
    search = seed_engine.dense_search
    seed_engine.dense_search = lambda vector, mask: seen.append(vector) or search(vector, mask)
    try:
        with settings.installed():
            seed_engine.retrieve(PARAPHRASE, 5)
    finally:
        del seed_engine.dense_search
    first, second = seen
    assert 0.2 < float(first @ second) < 0.9999 and abs(float(np.linalg.norm(second)) - 1) < 1e-5


def test_lexical_feedback_adds_words_of_the_best_chunks(seed_engine, settings):
    settings.RM3_WEIGHT, settings.RM3_TERMS = 0.2, 20
    tokens = seed_engine.tokenizer("躺平")
    first = {int(r): 1.0 for r in seed_engine.lexical.search(tokens, 3)}
    widened = settings.lexical_feedback(seed_engine, tokens, first, None)
    plain = seed_engine.lexical.search(tokens, 50)
    assert set(plain) < set(widened)       # chunks that share only a feedback word with the query
