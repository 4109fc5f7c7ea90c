"""A build without one Python object per token or vector (`token_store.tokenize_ids`, `vectors.Rows`,
`vectors.KeyedVectors`) writes what a build from token lists and a dict of vectors writes."""
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

from retrieval.indexing import dense as dense_module
from retrieval.indexing import store, token_store
from retrieval.indexing.build import build_from_documents, previous_cache
from retrieval.indexing.dense import Dense
from retrieval.indexing.embed import Embedder, text_key
from retrieval.indexing.inputs import chunk_sentences, embed_input, lexical_inputs, sentence_input
from retrieval.indexing.chunk import chunk_document
from retrieval.indexing.lexical import Lexical
from retrieval.indexing.vectors import Rows
from retrieval.ingest.corpus import load_corpus
from retrieval.tokenize import Tokenizer, load_terms, quoted_terms

from tests.conftest import CORPUS, ROOT

BUILD = """
import sys
from retrieval.indexing import vectors
from retrieval.indexing.build import build_index
vectors.STAGE_LIMIT = int(sys.argv[2])
build_index(sys.argv[3], sys.argv[1])
"""


def digests(index) -> dict[str, str]:
    """sha256 of every file of the live generation but the manifest (it holds the time of the build)."""
    live = store.current(index)
    return {str(p.relative_to(live)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(live.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def test_a_build_writes_the_same_bytes_whatever_the_hash_seed_and_wherever_the_rows_wait(tmp_path):
    """Two processes with other string hash seeds (bm25s numbers a vocabulary in set order: the
    `lexical/` files of a build from token lists changed from run to run), one keeping the vectors
    in memory, the other in a scratch file (`Rows` above STAGE_LIMIT)."""
    made = []
    for seed, limit in (("1", str(2**30)), ("2", "0")):
        index = tmp_path / f"index-{seed}"
        env = os.environ | {"PYTHONHASHSEED": seed, "OMP_NUM_THREADS": "1"}
        subprocess.run([sys.executable, "-c", BUILD, str(index), limit, str(CORPUS)], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        made.append(digests(index))
    assert made[0] == made[1] and "lexical/vocab.index.json" in made[0] and "tokens/ids.npy" in made[0]


def test_the_files_are_those_of_token_lists_and_rows_of_inputs(seed_index):
    """The reference, made the old way: every chunk's token list, every sentence a dataclass, every
    input a string; the build's tokens/, lexical/ and sentences.jsonl say the same."""
    live = store.current(seed_index)
    documents = load_corpus(CORPUS).documents
    by_id = {d.doc_id: d for d in documents}
    chunks = [c for d in documents for c in chunk_document(d)]
    tokenizer = Tokenizer(load_terms() + quoted_terms(d.text for d in documents))
    texts = lexical_inputs(by_id, chunks)
    tokens = [tokenizer(t) for t in texts]
    ids, offsets = token_store.encode(tokens, words := [], {})
    keys, kept_ids, kept_offsets, kept_words, signature = token_store.read(live)
    assert keys.tolist() == [text_key(t).encode() for t in texts] and signature == tokenizer.signature
    assert np.array_equal(kept_ids, ids) and np.array_equal(kept_offsets, offsets) and kept_words == words
    built, lexical = Lexical.build(tokens), Lexical.load(live / "lexical", len(chunks))
    for question in ("一岗双责", "机关党建工作责任制", "党支部 战斗堡垒"):
        q = tokenizer(question)
        assert np.array_equal(lexical.scores(q), built.scores(q))
    sentences = chunk_sentences(chunks)
    rows = store.read_jsonl(live / "sentences.jsonl")
    assert rows == [{"row": s.row, "start": s.start, "end": s.end,
                     "key": text_key(sentence_input(by_id[chunks[s.row].doc_id], s))} for s in sentences]
    assert [r["key"] for r in store.read_jsonl(live / "chunks.jsonl")] == \
        [text_key(embed_input(by_id[c.doc_id], c)) for c in chunks]


def test_vectors_reused_from_inverted_files_are_the_stored_ones(tmp_path, monkeypatch):
    """Both layers inverted files over float16 codes: a build given the kept generations' vectors
    (`previous_cache`: keys and rows into the FAISS files, not an array per vector) embeds nothing
    and stores the very vectors the first build stored."""
    monkeypatch.setattr(dense_module, "EXACT_LIMIT", 50)
    documents = load_corpus(CORPUS).documents
    index = tmp_path / "index"
    build_from_documents(documents, [], index)
    first = store.current(index)
    embedder = Embedder()
    cache = previous_cache(index, embedder.name, embedder.dim, embedder.label)
    assert not isinstance(cache, dict) and len(cache) > 300
    key = next(iter(cache))
    assert key in cache and cache[key].shape == (embedder.dim,) and "0" * 64 not in cache
    monkeypatch.setattr(Embedder, "encode", lambda *a, **k: pytest.fail("embedded again"))
    report = build_from_documents(documents, [], index, cache=cache)
    second = store.current(index)
    assert second != first and report.embedded == 0 and report.sentences_embedded == 0
    for name in ("dense.faiss", "sentences.faiss"):
        before, after = Dense.load(first / name), Dense.load(second / name)
        assert after.kind.startswith("ivf") and np.array_equal(before.all_vectors(), after.all_vectors())


def test_rows_in_a_scratch_file_read_back_as_written(tmp_path, monkeypatch):
    monkeypatch.setattr("retrieval.indexing.vectors.STAGE_LIMIT", 0)
    rows = Rows(10, 4, tmp_path)
    assert rows.array is None and not list(tmp_path.iterdir())      # unnamed: nothing left behind
    values = np.arange(40, dtype="float32").reshape(10, 4)
    rows.put(np.array([7, 8, 9, 0, 1, 4]), values[[7, 8, 9, 0, 1, 4]])
    expected = np.where(np.isin(np.arange(10), [0, 1, 4, 7, 8, 9])[:, None], values, 0)
    assert np.array_equal(np.concatenate(list(rows.blocks(3))), expected)
    assert np.array_equal(rows[::4], expected[::4]) and np.array_equal(rows.take(np.array([9, 1])), expected[[9, 1]])
    rows.close()


def test_a_full_build_from_kept_token_ids_writes_the_bytes_of_a_build_from_scratch(tmp_path, monkeypatch):
    """The kept chunks' token ids mapped to the new vocabulary (`token_store.Kept`), in the order of
    first use, with a new document sorting first: tokens/ and lexical/ as a build that tokenises all."""
    from retrieval.indexing import append
    from tests.test_token_store import counting

    corpus, index, scratch = tmp_path / "corpus", tmp_path / "index", tmp_path / "scratch"
    corpus.mkdir()
    seeds = sorted(CORPUS.glob("*.txt"))[:2]
    for path in seeds:
        (corpus / path.name).write_bytes(path.read_bytes())
    build_from_documents(load_corpus(corpus).documents, [], index)
    (corpus / "0-first.txt").write_text("党支部要按照打造战斗堡垒的要求，提好年度支部落实机关党建的意见建议。\n",
                                        encoding="utf-8")
    seen = counting(monkeypatch)
    with monkeypatch.context() as m:     # a full build (no append)
        m.setattr(append, "make_plan", lambda *a, **k: None)
        build_from_documents(load_corpus(corpus).documents, [], index)
    assert seen and all("战斗堡垒" in text for text in seen)
    build_from_documents(load_corpus(corpus).documents, [], scratch, reuse=False)
    mine, fresh = digests(index), digests(scratch)
    assert {k: v for k, v in mine.items() if k.startswith(("tokens/", "lexical/", "chunks"))} == \
        {k: v for k, v in fresh.items() if k.startswith(("tokens/", "lexical/", "chunks"))}
