"""The highlights of an answer's passages (`answer.highlights`), scored with what the engine holds: the idf
of the question's rare words each sentence shares, and each embedded sentence's cosine to the question."""
from __future__ import annotations

import numpy as np

from retrieval.search.answer import Passage, highlights
from retrieval.search.sentencescore import products, read_rows


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
                          lambda start, end: near.get((start, end)))

    return marks


def sentence_cosines(engine, passage: Passage, qvec: np.ndarray) -> dict[tuple[int, int], float]:
    """{(start, end): cosine to `qvec`} of the embedded sentences inside the passage: one `matmul` over
    them, each cosine a dot product of its own (`sentencescore.products`), as one sentence at a time."""
    found = passage_sentences(engine, passage)
    if not found:
        return {}
    ids = np.fromiter(found.values(), dtype="int64", count=len(found))
    vectors = read_rows(engine.sentence_vectors, ids)
    return dict(zip(found, products(vectors[:, None, :], qvec)[:, 0].tolist()))


def passage_sentences(engine, passage: Passage) -> dict[tuple[int, int], int]:
    """{(start, end): sentence j} for the embedded sentences of the passage's chunks and their
    neighbours (a widened passage reaches into the chunks beside its own)."""
    chunks, ptr, spans = engine.chunks, engine.sentence_ptr, engine.sentence_spans
    rows = {n for r in passage.rows for n in (r - 1, r, r + 1)
            if 0 <= n < len(chunks) and chunks.doc_id(n) == passage.doc_id}
    out = {}
    for r in rows:
        for j in range(ptr[r], ptr[r + 1]):
            s, e = spans[j]
            if passage.start <= s and e <= passage.end:
                out[(int(s), int(e))] = j
    return out
