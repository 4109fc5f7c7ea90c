"""The engine's chunk table: arrays over the documents, every row checked on load."""
import pytest

from retrieval.indexing.chunktable import ChunkTable
from retrieval.errors import IndexCorruptError
from retrieval.types import Chunk, Document

DOCS = {"a": Document("a", "a.txt", "甲", "第一句话。第二句话。"), "b": Document("b", "b.txt", "乙", "另一篇文献。")}
ROWS = [{"doc_id": "a", "start": 0, "end": 5, "text": "第一句话。", "paragraph": 0},
        {"doc_id": "a", "start": 5, "end": 10, "text": "第二句话。", "paragraph": 1},
        {"doc_id": "b", "start": 0, "end": 6, "text": "另一篇文献。", "paragraph": 0}]


def test_rows_come_back_as_chunks_sliced_from_their_documents():
    table = ChunkTable.read(iter(ROWS), DOCS)
    assert len(table) == 3 and table[1] == Chunk("a", 5, 10, "第二句话。", 1)
    assert [c.text for c in table] == ["第一句话。", "第二句话。", "另一篇文献。"]
    assert table.doc_id(2) == "b" and table[-1].doc_id == "b"
    assert table.rows_of() == {"a": range(0, 2), "b": range(2, 3)}
    with pytest.raises(IndexError):
        table[3]


@pytest.mark.parametrize("bad", [
    {"doc_id": "a", "start": 0, "end": 5, "text": "第一句話。", "paragraph": 0},    # text changed
    {"doc_id": "z", "start": 0, "end": 5, "text": "第一句话。", "paragraph": 0},    # unknown document
    {"doc_id": "a", "start": "x", "end": 5, "text": "第一句话。"},                  # not an offset
    {"doc_id": "a", "start": 0, "end": 5}])                                         # no text
def test_a_row_that_does_not_match_its_document_is_refused(bad):
    with pytest.raises(IndexCorruptError, match=r"chunk 1 .*rebuild"):
        ChunkTable.read(iter([ROWS[0], bad]), DOCS)


def test_a_document_whose_chunks_are_not_consecutive_is_refused():
    table = ChunkTable.read(iter([ROWS[0], ROWS[2], ROWS[1]]), DOCS)
    with pytest.raises(IndexCorruptError, match="not consecutive"):
        table.rows_of()


def test_an_empty_table():
    table = ChunkTable.read(iter([]), DOCS)
    assert len(table) == 0 and list(table) == [] and table.rows_of() == {}
