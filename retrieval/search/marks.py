"""The highlights of an answer's passages (`answer.highlights`), scored with what the engine holds: the idf
of the question's rare words each sentence shares, and each embedded sentence's cosine to the question."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from retrieval.ingest.sentences import sentence_spans
from retrieval.search.answer import Passage, highlights
from retrieval.search.sentencescore import products, read_rows


def memories(documents: dict, ptr: np.ndarray, spans: np.ndarray, size: int):
    """What the highlighter reads again and again of an index generation, remembered for the last `size`
    chunks and passages: (start, end, j) of each embedded sentence j of chunk r (those of chunk r are
    ptr[r]:ptr[r + 1], their document offsets `spans[j]`), and the sentences of `doc_id`'s text[start:end]."""
    def chunk_sentences(r: int) -> tuple[tuple[int, int, int], ...]:
        lo, hi = int(ptr[r]), int(ptr[r + 1])
        return tuple((s, e, j) for j, (s, e) in enumerate(spans[lo:hi].tolist(), start=lo))

    def passage_spans(doc_id: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
        return tuple(sentence_spans(documents[doc_id].text, start, end))

    return lru_cache(maxsize=size)(chunk_sentences), lru_cache(maxsize=size)(passage_spans)


def highlighter(engine, text: str, qvec: np.ndarray):
    """passage -> its highlights: sentences sharing the rare words of the question's content (not its
    frame: `如何理解`, `的内涵`) and near it in meaning."""
    content = engine.analysed(engine.correct(text).text).content
    tokens = set(engine.tokens(content) or engine.tokens(text))

    def words(sentence: str) -> float:
        return sum(engine.lexical.idf(t) for t in tokens & engine.sentence_words(sentence))

    def marks(passage: Passage) -> list[tuple[int, int]]:
        near = sentence_cosines(engine, passage, qvec)
        return highlights(engine.documents[passage.doc_id].text, passage.start, passage.end, words,
                          lambda start, end: near.get((start, end)),
                          engine.passage_spans(passage.doc_id, passage.start, passage.end))

    return marks


def sentence_cosines(engine, passage: Passage, qvec: np.ndarray) -> dict[tuple[int, int], float]:
    """{(start, end): cosine to `qvec`} of the embedded sentences inside the passage: one `matmul` over
    them, each cosine a dot product of its own (`sentencescore.products`), as one sentence at a time."""
    found = passage_sentences(engine, passage)
    if not found:
        return {}
    ids = np.fromiter(found.values(), dtype="int64", count=len(found))
    if made := engine.cosines(qvec):
        return dict(zip(found, made.sentence[ids].tolist()))
    vectors = read_rows(engine.sentence_vectors, ids)
    return dict(zip(found, products(vectors[:, None, :], qvec)[:, 0].tolist()))


def passage_sentences(engine, passage: Passage) -> dict[tuple[int, int], int]:
    """{(start, end): sentence j} for the embedded sentences of the passage's chunks and their
    neighbours (a widened passage reaches into the chunks beside its own)."""
    chunks, start, end = engine.chunks, passage.start, passage.end
    rows = {n for r in passage.rows for n in (r - 1, r, r + 1)
            if 0 <= n < len(chunks) and chunks.doc_id(n) == passage.doc_id}
    return {(s, e): j for r in rows for s, e, j in engine.chunk_sentences(r) if start <= s and e <= end}
