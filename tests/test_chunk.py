"""Chunking: every character of body text lies in some chunk, headings included, offsets exact."""
from pathlib import Path

import pytest

from retrieval.indexing.chunk import chunk_document
from retrieval.ingest.corpus import load_corpus, load_document
from retrieval.evaluate.external import SHARED, load_documents

ROOT = Path(__file__).resolve().parents[1]
CORPORA = {"seed": ROOT / "corpus", "fixtures": ROOT / "tests" / "fixtures" / "corpus"}
EXTERNAL = ("cmrc2018_dev", "drcd_dev")


def uncovered(doc) -> list[int]:
    """Offsets of the non-whitespace characters of `doc.text` that no chunk holds; chunks checked exact."""
    covered = bytearray(len(doc.text))
    for chunk in chunk_document(doc):
        assert doc.text[chunk.start:chunk.end] == chunk.text, (doc.doc_id, chunk.start)
        covered[chunk.start:chunk.end] = b"\x01" * (chunk.end - chunk.start)
    return [i for i, c in enumerate(doc.text) if not covered[i] and not c.isspace()]


def assert_covered(documents) -> int:
    missed = {d.doc_id: d.text[i[0]:i[0] + 30] for d in documents if (i := uncovered(d))}
    assert not missed, f"{len(missed)} documents have text in no chunk: {list(missed.items())[:5]}"
    return len(documents)


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_chunks_cover_all_body_text_of_the_project_corpora(name):
    assert assert_covered(load_corpus(CORPORA[name]).documents) > 0


@pytest.mark.parametrize("name", EXTERNAL)
def test_chunks_cover_all_text_of_the_shared_eval_passages(name):
    if not (SHARED / f"{name}.corpus.jsonl").is_file():
        pytest.skip(f"{SHARED / (name + '.corpus.jsonl')} is absent (../shared/eval not checked out here)")
    assert assert_covered(load_documents(name)) > 500


def lines_of(tmp_path, text: str):
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    doc = load_document(tmp_path / "d.txt", tmp_path)
    return doc, {doc.text[c.start:c.end]: c for c in chunk_document(doc)}


def test_numbered_and_short_unpunctuated_lines_are_chunks_of_their_own(tmp_path):
    doc, chunks = lines_of(tmp_path, "关于加强机关党建的通知\n一、总体要求\n坚持党的领导。\n"
                                     "2、健全责任清单\n基层党组织建设\n层层压实责任，逐级传导压力。\n")
    for line in ("一、总体要求", "2、健全责任清单", "基层党组织建设"):
        para = doc.paragraphs[chunks[line].paragraph]
        assert para.heading and para.number == 0 and doc.text[para.start:para.end] == line
    assert {"坚持党的领导。", "层层压实责任，逐级传导压力。"} <= set(chunks)


def test_a_document_of_one_short_line_is_one_body_paragraph(tmp_path):
    doc, chunks = lines_of(tmp_path, "中央和国家机关青年理论学习小组建设标准\n")
    assert doc.title == doc.text == "中央和国家机关青年理论学习小组建设标准"
    assert [(p.number, p.heading) for p in doc.paragraphs] == [(1, False)]
    assert list(chunks) == [doc.text]
