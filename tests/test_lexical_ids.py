"""BM25 from token ids (`Lexical.from_ids`, what an append-only generation uses) is the index bm25s
builds from the same token lists: every score the same float, the same idf, the same answers."""
import numpy as np

from retrieval.indexing import token_store
from retrieval.indexing.build import lexical_inputs
from retrieval.indexing.chunk import chunk_document
from retrieval.ingest.corpus import load_corpus
from retrieval.indexing.lexical import Lexical
from retrieval.tokenize import Tokenizer

from tests.conftest import CORPUS


def columns(lexical: Lexical) -> dict[str, tuple[list, list]]:
    """{token: (rows, scores)}: the matrix by token (bm25s numbers its vocabulary in set order)."""
    s = lexical.retriever.scores
    out = {}
    for token, j in lexical.vocab.items():
        if j < len(s["indptr"]) - 1:
            lo, hi = s["indptr"][j], s["indptr"][j + 1]
            out[token] = (s["indices"][lo:hi].tolist(), s["data"][lo:hi].tolist())
    return out


def test_bm25_from_ids_is_bm25s_float_for_float(tmp_path):
    documents = {d.doc_id: d for d in load_corpus(CORPUS).documents}
    chunks = [c for d in documents.values() for c in chunk_document(d)]
    tokenizer = Tokenizer()
    tokens = [tokenizer(t) for t in lexical_inputs(documents, chunks)] + [[]]   # and a chunk without tokens
    built = Lexical.build(tokens)
    ids, offsets = token_store.encode(tokens, words := [], {})
    made = Lexical.from_ids(ids, offsets, words)
    assert made.size == built.size == len(tokens)
    assert set(made.vocab) == set(built.vocab) and "" in made.vocab
    assert columns(made) == columns(built)
    for key in ("data", "indices", "indptr"):
        assert made.retriever.scores[key].dtype == built.retriever.scores[key].dtype
    assert all(made.idf(t) == built.idf(t) for t in built.vocab)
    made.save(tmp_path / "lexical")
    loaded = Lexical.load(tmp_path / "lexical", len(tokens))
    for question in ("一岗双责", "机关党建工作责任制", "党支部 战斗堡垒"):
        q = tokenizer(question)
        assert np.array_equal(loaded.scores(q), built.scores(q)) and loaded.search(q, 5) == built.search(q, 5)
