"""Extractive answers: widen a hit to whole sentences, merge neighbours, mark the best sentences.

A passage is always `document.text[start:end]`; it never leaves the paragraph
of its hit (a citation names one paragraph) and grows sentence by sentence
around the hit, the following sentence first, up to `BUDGET` characters.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from retrieval.ingest.sentences import sentence_spans
from retrieval.types import Chunk, Document

BUDGET = 360          # characters; median top-1 passage stays under 350 (README, evaluation)
HIGHLIGHT_SHARE = 0.6  # a sentence is highlighted when it scores >= this share of the best
HIGHLIGHT_DENSE = 0.5  # weight of the sentence's cosine against its shared rare words (README, evaluation)


@dataclass
class Passage:
    doc_id: str
    start: int
    end: int
    score: float
    paragraph: int
    rows: list[int] = field(default_factory=list)
    defines: bool = False      # the glossary's statement of the formulation asked about
    part: int = 0              # k: the k-th of the parts a document's outline spells out (`search/outline.py`)

    def overlaps(self, other: "Passage") -> bool:
        return self.doc_id == other.doc_id and self.start <= other.end and other.start <= self.end


def paragraph_bounds(doc: Document, chunk: Chunk) -> tuple[int, int]:
    if not doc.paragraphs:
        return 0, len(doc.text)
    para = doc.paragraphs[chunk.paragraph]
    return para.start, para.end


def grow(spans: list[tuple[int, int]], lo: int, hi: int, budget: int) -> tuple[int, int]:
    """Extend the sentence range [lo, hi] one neighbour at a time while it fits `budget`."""
    while True:
        for a, z in ((lo, hi + 1), (lo - 1, hi)):
            if 0 <= a and z < len(spans) and spans[z][1] - spans[a][0] <= budget:
                lo, hi = a, z
                break
        else:
            return lo, hi


def widen(doc: Document, chunk: Chunk, budget: int = BUDGET) -> tuple[int, int]:
    """The chunk widened to whole sentences of its paragraph, up to `budget` characters."""
    p_start, p_end = paragraph_bounds(doc, chunk)
    spans = sentence_spans(doc.text, p_start, p_end)
    inside = [i for i, (s, e) in enumerate(spans) if e > chunk.start and s < chunk.end]
    if not inside:
        return chunk.start, chunk.end
    lo, hi = inside[0], inside[-1]
    if spans[hi][1] - spans[lo][0] > budget:
        return chunk.start, chunk.end
    lo, hi = grow(spans, lo, hi, budget)
    return spans[lo][0], spans[hi][1]


def merge(passages: list[Passage], new: Passage, limit: int = BUDGET) -> bool:
    """Fold `new` into a passage of its document that it overlaps or touches; True if nothing is left.

    The union is kept when it fits `limit` (a passage stays a quotation, not a page);
    otherwise `new` is cut down to the sentences not already shown, so no text is shown twice.
    """
    for p in passages:
        if not p.overlaps(new):
            continue
        if max(p.end, new.end) - min(p.start, new.start) <= limit:
            p.start, p.end = min(p.start, new.start), max(p.end, new.end)
            p.rows.extend(new.rows)
            return True
        if new.start < p.start:
            new.end = min(new.end, p.start)
        else:
            new.start = max(new.start, p.end)
        if new.end <= new.start:
            return True
    return False


def highlights(text: str, start: int, end: int, lexical, cosine=None, spans=None) -> list[tuple[int, int]]:
    """Sentences of `text[start:end]` scoring near the best, as offsets relative to `start`.

    A sentence scores (1 - HIGHLIGHT_DENSE) * its `lexical(sentence)` score as a share of the
    passage's best + HIGHLIGHT_DENSE * its `cosine(s, e)` to the question, min-max scaled over
    the passage's sentences. `cosine` gives None for a sentence with no vector (too short to be
    embedded), which then scores by its words alone; without `cosine` only words count. `spans`: the
    sentences of `text[start:end]` (`sentence_spans`) when the caller has them already.
    """
    spans = sentence_spans(text, start, end) if spans is None else spans
    words = [lexical(text[s:e]) for s, e in spans]
    top = max(words, default=0.0) or 1.0
    near = [cosine(s, e) if cosine else None for s, e in spans]
    known = [c for c in near if c is not None]
    lo, hi = (min(known), max(known)) if known else (0.0, 0.0)
    w = HIGHLIGHT_DENSE if known else 0.0
    scored = [(1 - w) * x / top + w * (0.0 if c is None else (c - lo) / (hi - lo) if hi > lo else 1.0)
              for x, c in zip(words, near)]
    best = max(scored, default=0.0)
    if best <= 0:
        return []
    return [(s - start, e - start) for sc, (s, e) in zip(scored, spans) if sc >= HIGHLIGHT_SHARE * best]
