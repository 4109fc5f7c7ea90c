"""The engine over the real seed corpus, with the real model, FAISS and BM25."""
import json
import numpy as np
import pytest

from retrieval.indexing import store
from retrieval.indexing.dense import Dense
from retrieval.search.fusion import fuse


def check_passages(engine, result):
    for p in result["passages"]:
        doc = engine.documents[p["doc_id"]]
        assert doc.text[p["start"]:p["end"]] == p["text"]
        assert p["path"] == doc.path and p["title"] == doc.title
        for s, e in p["highlights"]:
            assert 0 <= s < e <= len(p["text"])


def test_definition_question_gets_the_cited_passage(seed_engine):
    result = seed_engine.ask("什么是一岗双责？", top_k=3)
    assert result["found"] is True
    top = result["passages"][0]
    assert "一岗双责" in top["text"]
    assert result["answer"] == {k: top[k] for k in ("text", "doc_id", "start", "end")}
    assert any("一岗双责" in top["text"][s:e] for s, e in top["highlights"])
    check_passages(seed_engine, result)


def test_highlight_is_the_sentence_that_answers_not_only_the_one_sharing_words(seed_engine):
    # the answer sentence (同谋划、同部署、同推进、同考核) shares few rare words with the question;
    # its cosine to the question puts it among the highlights
    result = seed_engine.ask("党建工作与业务工作要做到哪“四同”？", top_k=3)
    top = result["passages"][0]
    marked = [top["text"][s:e] for s, e in top["highlights"]]
    assert any("同谋划、同部署、同推进、同考核" in m for m in marked), marked
    assert sum(len(m) for m in marked) < len(top["text"])          # a highlight, not the whole passage
    check_passages(seed_engine, result)


def test_passage_sentences_are_the_embedded_sentences_inside_the_passage(seed_engine):
    passages, _ = seed_engine.retrieve("什么是一岗双责？", 3)
    for p in passages:
        found = seed_engine.passage_sentences(p)
        assert found, "a passage of whole sentences has embedded sentences"
        for (s, e), j in found.items():
            assert p.start <= s < e <= p.end
            assert tuple(seed_engine.sentence_spans[j]) == (s, e)


def test_highlight_cosines_are_each_sentence_alone_times_the_question(seed_engine):
    from retrieval.search.marks import sentence_cosines

    qvec = seed_engine.embed_query("什么是一岗双责？")
    passages, _ = seed_engine.retrieve("什么是一岗双责？", 3, qvec=qvec)
    for p in passages:
        expected = {k: float(seed_engine.sentence_vectors[j] @ qvec) for k, j in seed_engine.passage_sentences(p).items()}
        # one product with every sentence of a flat index (`cosines.Cosines`) rounds its last bit its own way
        assert expected and sentence_cosines(seed_engine, p, qvec) == pytest.approx(expected, abs=1e-6)


def test_json_contract_fields(seed_engine):
    result = seed_engine.ask("四个带头是什么", top_k=4)
    assert set(result) == {"question", "corrected", "corrections", "found", "answer", "passages"}
    assert result["corrected"] is None and result["corrections"] == []
    assert [p["rank"] for p in result["passages"]] == list(range(1, len(result["passages"]) + 1))
    assert set(result["passages"][0]) == {"rank", "doc_id", "path", "title", "source", "date", "author",
                                          "section", "paragraph", "page", "start", "end", "url", "credits", "text", "highlights",
                                          "score"}


def test_traditional_question_matches_simplified_text(seed_engine):
    simplified = seed_engine.ask("机关党建主体责任", top_k=3)
    traditional = seed_engine.ask("機關黨建主體責任", top_k=3)
    assert traditional["found"]
    assert [p["doc_id"] for p in traditional["passages"]] == [p["doc_id"] for p in simplified["passages"]]


def test_section_and_paragraph_are_cited(seed_engine):
    result = seed_engine.ask("实施强基提质行动，着力提高机关基层党组织建设质量", top_k=1)
    top = result["passages"][0]
    assert top["doc_id"] == "2024-jiguan-dangjian-nianzhong-tuijinhui-jianghua"
    assert top["section"] == "二、（三）" and top["paragraph"] >= 1


@pytest.mark.parametrize("question", ["明天北京会下雨吗？", "红烧肉怎么做才肥而不腻？",
                                      "Python 里怎么把一个列表倒序排列？"])
def test_off_topic_questions_are_not_answered(seed_engine, question):
    result = seed_engine.ask(question)
    assert result["found"] is False and result["answer"] is None
    check_passages(seed_engine, result)   # related passages still come, labelled by found=false


@pytest.mark.parametrize("question, message", [
    ("", "empty"), ("   \n\t ", "empty"), ("问" * 10_000, "too long"), ("\x00\x01\x02", "empty"),
    ("？？！！", "no words"), (None, "must be text"), (42, "must be text")])
def test_bad_input_gives_an_error_result(seed_engine, question, message):
    result = seed_engine.ask(question)
    assert result["found"] is False and result["passages"] == [] and message in result["error"]


def test_hostile_and_odd_unicode_questions_do_not_crash(seed_engine):
    for q in ["<script>alert(1)</script>一岗双责", "<img src=x onerror=alert(1)>", "ｆｕｌｌ　ｗｉｄｔｈ两张皮",
              "一岗双责\u200b\u202e", "😀😀 两个维护 😀"]:
        result = seed_engine.ask(q)
        assert "error" not in result or result["passages"] == []
        check_passages(seed_engine, result)


def test_random_questions_of_corpus_pieces_numerals_and_frames_never_raise(seed_engine):
    """A question made of corpus fragments, numeral runs (`十五三届`), units and frame words, as users
    type them: every one gets a result (a batch of real-style questions once crashed the mentions reader)."""
    import random

    rng = random.Random(11)
    texts = [d.text for d in seed_engine.documents.values()]
    pieces = ["第", "十", "两", "〇", "十五三", "三二十", "几", "多少", "哪", "届", "轮", "批", "项", "中全会", "周年",
              "个", "名", "人", "年", "月", "号", "？", "“", "”", "《", "、", " ", "\u3000", "𠀀", "１２", "Ⅻ", "⑩",
              "什么是", "如何理解", "的内涵", "分别", "具体是哪些", "是谁", "什么时候", "多久", "为什么", "吗", "2025年"]
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(1, 8)):
            text = rng.choice(texts)
            start = rng.randrange(len(text))
            parts.append(text[start:start + rng.randint(1, 8)] if rng.random() < 0.5 else rng.choice(pieces))
        result = seed_engine.ask("".join(parts))
        assert isinstance(result["found"], bool)
        check_passages(seed_engine, result)


def test_document_filter_restricts_the_search(seed_engine):
    doc = "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren"
    result = seed_engine.ask("机关党建", top_k=5, doc_ids=[doc])
    assert result["passages"] and {p["doc_id"] for p in result["passages"]} == {doc}
    assert seed_engine.ask("机关党建", doc_ids=["no-such-doc"])["passages"] == []


def test_passages_of_one_document_never_overlap(seed_engine):
    result = seed_engine.ask("机关党建工作责任制", top_k=10)
    spans = sorted((p["doc_id"], p["start"], p["end"]) for p in result["passages"])
    for (d1, s1, e1), (d2, s2, e2) in zip(spans, spans[1:]):
        assert d1 != d2 or e1 < s2
    assert len(result["passages"]) <= 10


def test_fuse_combines_normalised_scores():
    vectors = np.eye(3, dtype="float32")
    index = Dense.build(vectors, 3)
    qvec = np.array([1.0, 0.0, 0.0], dtype="float32")
    looked_up = []

    def cosines(rows, q):
        looked_up.append(rows)
        return (index.vectors(rows) @ q).tolist()

    alpha = 0.4
    fused = fuse({1: 4.0, 2: 2.0}, {0: 1.0}, cosines, qvec, alpha)
    assert looked_up == [[1, 2]]          # only the BM25-only rows, in one call
    assert fused[1] == pytest.approx(alpha * 1.0 + (1 - alpha) * 0.0)
    assert fused[0] == pytest.approx((1 - alpha) * 1.0)
    assert fused[2] == pytest.approx(alpha * 0.5)
    assert fuse({}, {}, cosines, qvec) == {}


def test_every_chunk_slices_its_document(seed_engine):
    assert seed_engine.chunks
    for chunk in seed_engine.chunks:
        assert seed_engine.documents[chunk.doc_id].text[chunk.start:chunk.end] == chunk.text


def test_contentless_lines_never_answer(seed_engine):
    # "我就讲这么多，谢谢大家！" and "同志们：" are short enough for BM25 to overrate them.
    for question in ("在机关里为啥大家都不乐意去干搞党建的岗位？", "部委机关党组的头头们在党建里该扮演什么角色？"):
        top = seed_engine.ask(question, top_k=3)["passages"][0]["text"]
        assert top not in {"我就讲这么多，谢谢大家！", "同志们："}, (question, top)
        assert len(top) >= 20


def test_dense_score_is_chunk_cosine_mixed_with_its_best_sentence(seed_engine):
    from retrieval.search.cosines import SENTENCE_WEIGHT

    qvec = seed_engine.embed_query("党建工作考核与干部任职挂钩")
    scores = seed_engine.dense_search(qvec, None)
    assert len(scores) >= 50
    folder = seed_engine.folder
    sentences = [r for r in store.read_jsonl(folder / "sentences.jsonl")]
    for row in list(scores)[:10]:
        chunk = float(seed_engine.dense.vectors([row])[0] @ qvec)
        own = [j for j, r in enumerate(sentences) if r["row"] == row]
        best = max(float(seed_engine.sentence_vectors[j] @ qvec) for j in own) if own else chunk
        assert scores[row] == pytest.approx((1 - SENTENCE_WEIGHT) * chunk + SENTENCE_WEIGHT * best, abs=1e-5)
    # the sentence that says it lifts its chunk to the top of the dense ranking
    top = max(scores, key=scores.get)
    assert "干部任职挂钩" in seed_engine.chunks[top].text


def test_dense_search_respects_a_document_filter(seed_engine):
    doc = "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren"
    qvec = seed_engine.embed_query("党建工作考核与干部任职挂钩")
    scores = seed_engine.dense_search(qvec, seed_engine.mask([doc]))
    assert scores and {seed_engine.chunks[r].doc_id for r in scores} == {doc}


def test_a_question_naming_a_document_prefers_it(seed_engine):
    qizhi = "qizhi-2024-11-luoshi-jiguan-dangjian-zhuti-zeren"
    assert seed_engine.named_documents("《旗帜》这篇文章刊登在哪一期？") == {qizhi}          # its periodical
    assert seed_engine.named_documents("《牵住“牛鼻子” 下好“一盘棋”》是谁写的") == {        # title start, quote styles
        "qianzhu-niubizi-jiguan-dangjian-zerenzhi-yanjiu"}
    assert seed_engine.named_documents("《以黨建「第一責任」引領和保障發展》") == {             # traditional
        "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren"}
    assert seed_engine.named_documents("《意见》明确了哪些履责重点？") == set()                # names a regulation
    assert seed_engine.named_documents("什么是一岗双责？") == set()
    result = seed_engine.ask("《旗帜》这篇关于落实机关党建主体责任的文章刊登在哪一期？", top_k=3)
    assert result["passages"][0]["doc_id"] == qizhi
    assert "2024年第11期" in result["passages"][0]["source"]


def test_a_single_retriever_mode_that_finds_nothing_returns_nothing(seed_engine):
    # no token of this question is in the BM25 vocabulary: BM25 alone has no candidate
    assert seed_engine.lexical.known(seed_engine.tokenizer("qwxzv")) == []
    passages, _ = seed_engine.retrieve("qwxzv", 5, mode="bm25")
    assert passages == []
    assert seed_engine.retrieve("qwxzv", 5, mode="hybrid")[0]      # the dense side still has candidates


def test_invisible_and_surrogate_characters_in_a_question_are_dropped(seed_engine):
    clean = seed_engine.ask("什么是一岗双责？")
    for odd in ("什么是\ud800一岗\udcff双责？", "什么是一岗\u200b双责\ufeff？"):
        result = seed_engine.ask(odd)
        assert result["passages"] == clean["passages"] and result["found"] == clean["found"]
        json.dumps(result, ensure_ascii=False).encode("utf-8")        # writable as UTF-8
    assert seed_engine.ask("什么是\ud800一岗双责？")["question"] == "什么是\ufffd一岗双责？"
    empty = seed_engine.ask("\udc80\ud800")
    assert "empty" in empty["error"] and empty["question"] == "\ufffd\ufffd"


@pytest.mark.parametrize("top_k, message", [("abc", "must be a number"), (float("nan"), "finite"),
                                            (float("inf"), "finite"), (object(), "must be a number")])
def test_a_top_k_that_is_not_a_number_gives_an_error_result(seed_engine, top_k, message):
    result = seed_engine.ask("什么是一岗双责？", top_k=top_k)
    assert result["passages"] == [] and message in result["error"]


def test_top_k_is_clamped_and_doc_ids_checked(seed_engine):
    assert len(seed_engine.ask("机关党建", top_k=-3)["passages"]) == 1
    assert len(seed_engine.ask("机关党建", top_k="3")["passages"]) == 3
    assert len(seed_engine.ask("机关党建", top_k=10**30)["passages"]) <= 50
    doc = "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren"
    one = seed_engine.ask("机关党建", doc_ids=doc)                 # one id as a string
    assert one["passages"] and {p["doc_id"] for p in one["passages"]} == {doc}
    for bad in (["no-such-doc"], [doc, None], 5):
        result = seed_engine.ask("机关党建", doc_ids=bad)
        assert result["passages"] == [] and ("unknown doc_id" in result["error"] or "list" in result["error"])


def test_the_load_makes_what_the_first_question_would_wait_for(seed_index):
    """The typo corrector and the corpus text's lookup tables are made in a thread at load, not by the
    first question (16-44 s at 100,000 chunks)."""
    import threading

    from retrieval.search.engine import Engine

    engine = Engine.open(seed_index, None, build=False)
    for thread in [t for t in threading.enumerate() if t.name == "warm-up"]:
        thread.join(timeout=120)
    assert engine.corrector is not None and engine.text.folded is not None     # no question asked
    assert engine.ask("什么是一刚双责？")["corrections"]
