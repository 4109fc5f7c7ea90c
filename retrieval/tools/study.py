"""Study pack (学习材料): the passages of the corpus on a topic, grouped by document, cited.

Candidates are the engine's top RETRIEVE passages for the topic; a passage is kept
when its *coverage* (share of the topic's idf mass whose tokens occur in it, as
used by the engine's refusal) reaches MIN_COVERAGE. Overlapping passages are
merged, then grouped by document in corpus order and ordered by position.
"""
from __future__ import annotations

from dataclasses import dataclass

from retrieval.search.cite import citation
from retrieval.search.query import clean_question
from retrieval.search.slices import source_dict

RETRIEVE = 30        # candidate passages
MIN_COVERAGE = 0.6   # README, evaluation: all topic words (or nearly) must occur in the passage


@dataclass(frozen=True)
class Excerpt:
    """One verbatim passage: `documents[doc_id].text[start:end] == text`."""

    doc_id: str
    start: int
    end: int
    text: str
    source: dict          # retrieval.search.slices.source_dict
    citation: str         # 《标题》，来源，日期，二、（三） 第2段
    coverage: float


@dataclass(frozen=True)
class Pack:
    topic: str
    excerpts: tuple[Excerpt, ...]
    sources: tuple[dict, ...]     # one per cited document, corpus order: doc_id, title, source, date,
                                  # author, url, path, count

    def to_dict(self) -> dict:
        return {"topic": self.topic, "count": len(self.sources), "passages": len(self.excerpts),
                "sources": list(self.sources),
                "excerpts": [{**e.source, "text": e.text, "citation": e.citation,
                              "coverage": e.coverage} for e in self.excerpts]}


def study_pack(engine, topic, doc_ids=None) -> Pack:
    """The study pack on `topic`, optionally only from `doc_ids`."""
    topic = clean_question(topic)
    passages, _ = engine.retrieve(topic, RETRIEVE, engine.checked_doc_ids(doc_ids))
    tokens = engine.tokenizer(topic)
    spans = []
    for p in passages:
        score = engine.coverage(tokens, engine.documents[p.doc_id].text[p.start:p.end])
        if score >= MIN_COVERAGE:
            spans.append((p.doc_id, p.start, p.end, score))
    excerpts = tuple(excerpt(engine, *s) for s in in_corpus_order(engine, merge_overlaps(spans)))
    return Pack(topic, excerpts, sources(engine, excerpts))


def merge_overlaps(spans: list[tuple[str, int, int, float]]) -> list[tuple[str, int, int, float]]:
    """Union of overlapping spans of the same document (the best coverage kept)."""
    merged: list[list] = []
    for doc_id, start, end, score in sorted(spans):
        last = merged[-1] if merged else None
        if last and last[0] == doc_id and start < last[2]:
            last[2], last[3] = max(last[2], end), max(last[3], score)
        else:
            merged.append([doc_id, start, end, score])
    return [tuple(m) for m in merged]


def in_corpus_order(engine, spans):
    order = {doc_id: i for i, doc_id in enumerate(engine.documents)}
    return sorted(spans, key=lambda s: (order[s[0]], s[1]))


def excerpt(engine, doc_id: str, start: int, end: int, score: float) -> Excerpt:
    doc = engine.documents[doc_id]
    src = source_dict(doc, start, end)
    return Excerpt(doc_id, start, end, doc.text[start:end], src, citation(src), round(score, 4))


def sources(engine, excerpts: tuple[Excerpt, ...]) -> tuple[dict, ...]:
    counts: dict[str, int] = {}
    for e in excerpts:
        counts[e.doc_id] = counts.get(e.doc_id, 0) + 1
    docs = engine.documents
    return tuple({"doc_id": d, "title": docs[d].title, "source": docs[d].source, "date": docs[d].date,
                  "author": docs[d].author, "url": getattr(docs[d], "url", ""), "path": docs[d].path,
                  "count": n} for d, n in counts.items())
