"""BM25 tokens kept with the generation: a build tokenises only the texts it has not seen, when the
tokenizer is the same, from verified files; the BM25 index is the one a build from scratch makes."""

from retrieval.indexing import append, store
from retrieval.indexing.build import build_index
from retrieval.indexing.lexical import Lexical
from retrieval import tokenize
from retrieval.tokenize import Tokenizer
from tests.test_lexical_ids import columns

DOC_A = "一、总体要求\n机关党建工作责任制是落实全面从严治党的关键举措。必须牵住责任制这个“牛鼻子”。\n"
DOC_B = "领导班子成员要履行“一岗双责”，做到明责、履责、尽责。\n"
DOC_C = "党支部要按照打造战斗堡垒的要求，提好年度支部落实机关党建的意见建议。\n"
DOC_D = "要把“四强”党支部建设作为重点任务。\n"     # a quoted term: the tokenizer changes


def counting(monkeypatch) -> list[str]:
    seen = []
    original = Tokenizer.__call__
    monkeypatch.setattr(Tokenizer, "__call__", lambda self, text: seen.append(text) or original(self, text))
    return seen


def scores(index) -> dict:
    """The BM25 matrix by token (the vocabulary's numbering is bm25s's set order, or the append's)."""
    lexical = Lexical.load(store.current(index) / "lexical", 0)
    return columns(lexical) | {"num_docs": lexical.retriever.scores["num_docs"], "vocab": set(lexical.vocab)}


def test_a_new_document_is_the_only_text_tokenised_and_bm25_is_as_from_scratch(tmp_path, monkeypatch):
    corpus, index, scratch = tmp_path / "corpus", tmp_path / "index", tmp_path / "scratch"
    corpus.mkdir()
    (corpus / "a.txt").write_text(DOC_A, encoding="utf-8")
    (corpus / "b.txt").write_text(DOC_B, encoding="utf-8")
    build_index(corpus, index)
    assert sorted(p.name for p in (store.current(index) / "tokens").iterdir()) == \
        ["ids.npy", "keys.npy", "offsets.npy", "vocab.json"]
    (corpus / "c.txt").write_text(DOC_C, encoding="utf-8")
    seen = counting(monkeypatch)
    build_index(corpus, index)
    assert seen and all(DOC_C.strip()[:10] in text for text in seen)        # only c.txt's chunks
    build_index(corpus, scratch, reuse=False)
    assert scores(index) == scores(scratch)


def test_a_full_build_with_a_new_term_tokenises_only_the_texts_holding_it(tmp_path, monkeypatch):
    corpus, index, scratch = tmp_path / "corpus", tmp_path / "index", tmp_path / "scratch"
    corpus.mkdir()
    (corpus / "a.txt").write_text(DOC_A + "各级党组织都要争创四强。\n", encoding="utf-8")
    (corpus / "b.txt").write_text(DOC_B, encoding="utf-8")
    build_index(corpus, index)
    (corpus / "d.txt").write_text(DOC_D, encoding="utf-8")      # adds the term 四强
    seen = counting(monkeypatch)
    with monkeypatch.context() as m:     # a full build (the path of a Milvus store's builds, say)
        m.setattr(append, "make_plan", lambda *a, **k: None)
        build_index(corpus, index)
    assert seen and all("四强" in text for text in seen) and any("争创四强" in text for text in seen)
    build_index(corpus, scratch, reuse=False)
    assert scores(index) == scores(scratch)


def test_tokens_are_not_reused_by_another_tokenizer_or_from_a_damaged_file(tmp_path, monkeypatch):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(DOC_A, encoding="utf-8")
    build_index(corpus, index)
    (corpus / "d.txt").write_text(DOC_D, encoding="utf-8")      # adds the term 四强, and another tokenizer:
    monkeypatch.setattr(tokenize, "NAME", tokenize.NAME + "-other")       # every text again
    seen = counting(monkeypatch)
    with monkeypatch.context() as m:     # in a full build (an append tokenises only the texts holding it)
        m.setattr(append, "make_plan", lambda *a, **k: None)
        build_index(corpus, index)
    assert any("牛鼻子" in text for text in seen)
    ids = store.current(index) / "tokens" / "ids.npy"
    data = bytearray(ids.read_bytes())
    data[-4:] = b"\x7f\x7f\x7f\x7f"                               # damaged after the build
    ids.write_bytes(bytes(data))
    (corpus / "c.txt").write_text(DOC_C, encoding="utf-8")
    seen.clear()
    build_index(corpus, index)
    assert any("牛鼻子" in text for text in seen) and any("四强" in text for text in seen)
