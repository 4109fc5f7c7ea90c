"""Corpus loading: ids, order, failures, hashes, and exact chunk offsets on the real corpus."""
import shutil
from pathlib import Path

import pytest

from retrieval.indexing.chunk import chunk_document
from retrieval.ingest.corpus import doc_id_for, load_corpus, load_document
from retrieval.errors import CorpusError, DocumentError

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures" / "corpus"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(CORPUS)


def test_seed_corpus_loads_completely_in_sorted_order(corpus):
    assert corpus.failures == ()
    assert [d.path for d in corpus.documents] == sorted(p.name for p in CORPUS.glob("*.txt"))
    assert all(d.doc_id == d.path[:-4] for d in corpus.documents)


def test_every_chunk_slices_the_clean_text_exactly(corpus):
    total = 0
    for doc in corpus.documents:
        chunks = chunk_document(doc)
        assert chunks, doc.doc_id
        for chunk in chunks:
            assert doc.text[chunk.start:chunk.end] == chunk.text
            para = doc.paragraphs[chunk.paragraph]
            assert para.start <= chunk.start < chunk.end <= para.end
            if para.heading:                       # a heading line is a chunk of its own, whole
                assert (chunk.start, chunk.end) == (para.start, para.end)
        total += len(chunks)
    assert total > 50


def test_loading_is_deterministic_and_raw_files_untouched(corpus):
    before = {p: p.read_bytes() for p in CORPUS.iterdir()}
    again = load_corpus(CORPUS)
    assert again == corpus
    assert {p: p.read_bytes() for p in CORPUS.iterdir()} == before


def test_doc_id_is_the_relative_path_without_extension(tmp_path):
    assert doc_id_for(tmp_path / "a" / "b.c" / "foo.txt", tmp_path) == "a/b.c/foo"
    assert doc_id_for(tmp_path / "foo.tar.md", tmp_path) == "foo.tar"
    with pytest.raises(DocumentError):
        doc_id_for("/elsewhere/foo.txt", tmp_path)


def test_fixture_corpus_reports_broken_files_and_skips_hidden_ones():
    corpus = load_corpus(FIXTURES)
    assert [d.doc_id for d in corpus.documents] == [
        "front-matter", "gbk", "hostile", "outline", "plain", "two-pages"]
    assert [(f.path, f.reason.split(":")[0]) for f in corpus.failures] == [
        ("broken/corrupt.docx", "corrupt.docx"), ("broken/truncated.pdf", "truncated.pdf")]
    assert "not a readable" in corpus.failures[0].reason


def test_sha256_covers_file_and_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text("标题\n正文。\n", encoding="utf-8")
    first = load_document(tmp_path / "a.txt", tmp_path).sha256
    (tmp_path / "a.txt.meta.json").write_text('{"source": "甲"}', encoding="utf-8")
    second = load_document(tmp_path / "a.txt", tmp_path)
    assert first != second.sha256 and second.source == "甲" and len(first) == 64


def test_doc_id_collisions_are_reported(tmp_path):
    (tmp_path / "x.txt").write_text("正文。\n", encoding="utf-8")
    (tmp_path / "x.md").write_text("正文。\n", encoding="utf-8")
    (tmp_path / "y.txt").write_text("另一篇。\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["y"]
    assert sorted(f.path for f in corpus.failures) == ["x.md", "x.txt"]


def test_a_document_of_only_boilerplate_is_a_failure(tmp_path):
    (tmp_path / "a.txt").write_text("分享到\n版权所有 某网\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("正文。\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [f.path for f in corpus.failures] == ["a.txt"]
    assert "no body text" in corpus.failures[0].reason


def test_missing_or_empty_corpus_raises(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "notes.json").write_text("{}")
    with pytest.raises(CorpusError, match="no supported files"):
        load_corpus(tmp_path)


def test_nested_folders(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "sub" / "dir")
    corpus = load_corpus(tmp_path)
    assert "sub/dir/plain" in [d.doc_id for d in corpus.documents]
    assert all(d.path.startswith("sub/dir/") for d in corpus.documents)
