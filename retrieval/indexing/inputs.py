"""What the model and BM25 see of each row: the inputs of chunks and sentences, made when asked for.

A build holds the chunks and, for the sentences, three integer arrays (`SentenceRows`); the texts
the model embeds and BM25 tokenises are made from them one at a time (`Inputs`, `lexical_texts`),
never held as lists of strings for the whole corpus.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.indexing.embed import text_key
from retrieval.ingest.sentences import SENTENCE_MIN_HAN, han_count, sentence_spans
from retrieval.ingest.structure import section_headings
from retrieval.types import Chunk, Document


def embed_input(doc: Document, chunk: Chunk) -> str:
    """What the model sees for a chunk: the document title as context, then the chunk."""
    return f"{doc.title}：{chunk.text}"


def lexical_texts(documents: dict[str, Document], chunks: Sequence[Chunk]) -> Iterator[str]:
    """What BM25 indexes for each chunk: `title：chunk`, with the headings of the chunk's section
    between them (`title：一、heading （一）heading：chunk`), so a heading's words find its section, and
    the document's source, author and editorial credits after its title (`title 郑州日报：chunk`), so a
    question that names them (`郑州日报那篇…`, `在郑州，…`, `…的责任编辑是谁`) finds every chunk of the
    document, not only one that repeats them."""
    headings = {d.doc_id: section_headings(d.text, d.paragraphs) for d in documents.values()}
    for c in chunks:
        doc, above = documents[c.doc_id], headings[c.doc_id]
        named = " ".join(x for x in (doc.title, doc.source, doc.author, doc.credits) if x)
        context = " ".join(above[c.paragraph]) if c.paragraph < len(above) else ""
        yield f"{named}：{context}：{c.text}" if context else f"{named}：{c.text}"


def lexical_inputs(documents: dict[str, Document], chunks: Sequence[Chunk]) -> list[str]:
    return list(lexical_texts(documents, chunks))


@dataclass(frozen=True)
class Sentence:
    """A sentence of chunk `row`, embedded on its own: `text[start:end]` of the chunk's document."""

    row: int
    start: int
    end: int


@dataclass(frozen=True)
class SentenceRows:
    """The sentences of a build as arrays: sentence j is `text[start[j]:end[j]]` of chunk `row[j]`'s document."""

    row: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.row)


def sentence_rows(chunks: Sequence[Chunk]) -> SentenceRows:
    """The sentences of every chunk with at least SENTENCE_MIN_HAN Han characters, by row."""
    row, start, end = array("q"), array("q"), array("q")
    for r, c in enumerate(chunks):
        for s, e in sentence_spans(c.text):
            if han_count(c.text[s:e]) >= SENTENCE_MIN_HAN:
                row.append(r)
                start.append(c.start + s)
                end.append(c.start + e)
    return SentenceRows(*(np.frombuffer(a, dtype="int64") if len(a) else np.zeros(0, "int64")
                          for a in (row, start, end)))


def chunk_sentences(chunks: Sequence[Chunk]) -> list[Sentence]:
    """`sentence_rows` as a list (for a few documents: an append, a benchmark)."""
    s = sentence_rows(chunks)
    return [Sentence(*t) for t in zip(s.row.tolist(), s.start.tolist(), s.end.tolist())]


def sentence_input(doc: Document, sentence: Sentence) -> str:
    """What the model sees for a sentence: the document title as context, then the sentence."""
    return f"{doc.title}：{doc.text[sentence.start:sentence.end]}"


class Inputs:
    """The model inputs of a build's rows, made when asked for: layer 0 the chunks, layer 1 the sentences."""

    def __init__(self, documents: dict[str, Document], chunks: Sequence[Chunk], sentences: SentenceRows):
        self.documents, self.chunks, self.sentences = documents, chunks, sentences

    def text(self, layer: int, i: int) -> str:
        if layer == 0:
            c = self.chunks[i]
            return embed_input(self.documents[c.doc_id], c)
        doc = self.documents[self.chunks[int(self.sentences.row[i])].doc_id]
        return f"{doc.title}：{doc.text[int(self.sentences.start[i]):int(self.sentences.end[i])]}"

    def texts(self, layer: int) -> Iterator[str]:
        if layer == 0:
            yield from (embed_input(self.documents[c.doc_id], c) for c in self.chunks)
            return
        s = self.sentences
        for r, start, end in zip(s.row.tolist(), s.start.tolist(), s.end.tolist()):
            doc = self.documents[self.chunks[r].doc_id]
            yield f"{doc.title}：{doc.text[start:end]}"

    def keys(self, layer: int) -> np.ndarray:
        """The content key of every row's input (64 ASCII bytes each, `text_key`)."""
        n = len(self.chunks) if layer == 0 else len(self.sentences)
        return np.fromiter((text_key(t).encode() for t in self.texts(layer)), dtype="S64", count=n)
