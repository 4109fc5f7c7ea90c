"""An answer's question vector is made while a helper thread corrects and analyses the question and searches
BM25 (`questionside`), and a flat index's cosines are made in one pass per layer (`cosines.Cosines`): the same
answers as before, one at a time or many at once (issue #12)."""
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pytest

from retrieval.indexing.dense import Dense
from retrieval.search import engine as engine_module
from retrieval.search.cosines import Cosines, products

QUESTIONS = ["什么是一岗双责？", "如何理解“四强”党支部", "2025年中央和国家机关党的工作会议由谁主持？", "什么是一刚双责",
             "部门党组落实机关党建主体责任的意见明确了几个方面的履责重点", "量子计算机的原理是什么", "六大行动分别是哪六个",
             "《旗帜》这篇文章刊登在哪一期？", "对年轻公务员的培养有什么安排", "两个维护"]


def test_the_vector_is_made_in_the_callers_thread_while_a_helper_makes_the_questions_side(seed_engine, monkeypatch):
    """`ask` runs the ONNX session itself (the GIL released) and the question's side on a helper thread."""
    encoder, threads = seed_engine.embedder.onnx, {"run": [], "side": []}
    session, side = encoder.session, seed_engine.question_side

    class Watched:           # the session's run, noting the thread it runs on
        def run(self, *args):
            threads["run"].append(threading.current_thread())
            return session.run(*args)

        def __getattr__(self, name):
            return getattr(session, name)

    monkeypatch.setattr(encoder, "session", Watched())
    monkeypatch.setattr(seed_engine, "question_side", lambda *a: threads["side"].append(threading.current_thread())
                        or side(*a))
    seed_engine.ask("什么是一岗双责？")
    assert threads["run"] == [threading.current_thread()]
    assert len(threads["side"]) == 1 and threads["side"][0] is not threading.current_thread()
    for text in QUESTIONS:
        assert np.array_equal(seed_engine.embedder.prepare(text)(), seed_engine.embedder.encode([text])[0])


def test_answers_are_those_of_the_question_side_made_first(seed_engine, monkeypatch):
    """The same answers as with no helper thread: the side made, then the vector (that of the corrected
    question when a typo is corrected)."""
    overlapped = [seed_engine.ask(q) for q in QUESTIONS]

    class Now:
        def submit(self, call, *args):
            done = Future()
            done.set_result(call(*args))
            return done

    monkeypatch.setattr(engine_module, "helpers", lambda: Now())
    vectors, search = [], seed_engine.dense_search
    monkeypatch.setattr(seed_engine, "dense_search", lambda qvec, mask: vectors.append(qvec) or search(qvec, mask))
    assert [seed_engine.ask(q) for q in QUESTIONS] == overlapped
    assert any(r["found"] for r in overlapped) and not all(r["found"] for r in overlapped)
    typo = QUESTIONS.index("什么是一刚双责")
    assert overlapped[typo]["corrected"] == "什么是一岗双责"
    assert np.array_equal(vectors[typo], seed_engine.embedder.encode(["什么是一岗双责"])[0])


def test_many_questions_at_once_get_the_answers_they_get_one_at_a_time(seed_engine):
    alone = {q: seed_engine.ask(q) for q in QUESTIONS}
    with ThreadPoolExecutor(6) as pool:
        together = list(pool.map(seed_engine.ask, QUESTIONS * 3))
    assert together == [alone[q] for q in QUESTIONS * 3]


def test_a_flat_index_scores_the_candidates_faiss_finds(seed_engine, monkeypatch):
    """One product with every vector of both flat layers finds the candidates the two FAISS searches
    find, with the same dense scores (to float32 rounding)."""
    vectors = [seed_engine.embed_query(q) for q in QUESTIONS]
    assert all(seed_engine.cosines(v, make=True) is not None for v in vectors[:1])
    made = [seed_engine.dense_search(v, None) for v in vectors]
    monkeypatch.setattr(seed_engine, "cosines", lambda qvec, make=False: None)
    for scores, vector in zip(made, vectors):
        searched = seed_engine.dense_search(vector, None)
        assert sorted(scores) == sorted(searched)
        assert scores == pytest.approx(searched, abs=1e-6)


def test_the_highest_cosines_are_those_faiss_finds_with_every_one_tied_at_the_cut():
    scores = np.array([0.5, 0.9, 0.7, 0.9, 0.7, 0.1, 0.7], dtype="float32")
    assert Cosines.top(scores, 1).tolist() == [1, 3]
    assert Cosines.top(scores, 3).tolist() == Cosines.top(scores, 5).tolist() == [1, 3, 2, 4, 6]
    assert Cosines.top(scores, 6).tolist() == [1, 3, 2, 4, 6, 0]
    assert Cosines.top(scores, 10).tolist() == [1, 3, 2, 4, 6, 0, 5]
    assert Cosines.top(scores, 0).tolist() == [] and Cosines.top(scores[:0], 3).tolist() == []
    rng = np.random.default_rng(3)
    vectors = np.repeat(rng.normal(size=(40, 16)).astype("float32"), 3, axis=0)     # every vector three times
    dense = Dense.build(vectors, 16)
    for query in rng.normal(size=(20, 16)).astype("float32"):
        scores = products(dense.index, query)
        for k in (1, 5, 10, 31):
            found, taken = dense.search(query, k), Cosines.top(scores, k).tolist()
            assert set(found) <= set(taken) and len(taken) in (k, k + 1, k + 2)      # two more copies at most
            assert [scores[i] for i in found] == list(found.values())               # the same scores, bit for bit
            assert min(scores[taken]) == min(found.values())


def test_a_chunk_without_sentences_scores_its_own_cosine():
    rng = np.random.default_rng(7)
    chunks, sentences = rng.normal(size=(4, 8)).astype("float32"), rng.normal(size=(3, 8)).astype("float32")
    ptr = np.array([0, 2, 2, 3, 3])              # chunk 0: sentences 0-1, chunk 2: sentence 2, chunks 1 and 3: none
    qvec = rng.normal(size=8).astype("float32")
    dense = Dense.build(chunks, 8)
    made = Cosines(dense, Dense.build(sentences, 8).rows, ptr, qvec)
    s = sentences @ qvec
    assert made.best_sentence(0) == pytest.approx(max(s[0], s[1])) and made.best_sentence(2) == pytest.approx(s[2])
    assert made.best_sentence(1) is None and made.best_sentence(3) is None
    c = chunks @ qvec
    assert made.dense_scores([1, 2], 0.5) == pytest.approx([c[1], 0.5 * c[2] + 0.5 * s[2]])
