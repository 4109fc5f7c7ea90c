"""Whether the best passage answers the question at all (an honest "not found").

Two signals of the top passage: `coverage`, the share of the question's idf
mass found in the passage (rare words weigh most; words the corpus never uses
weigh the most), and `cosine`, its dense similarity to the question. A question
is answered when either signal is strong: lexical coverage catches questions
asked in the corpus's own words, the cosine catches paraphrases. The thresholds
were calibrated for m3e-small by `python -m retrieval eval --suite seed` on the
seed gold set (answerable and unanswerable questions) plus 300 off-topic CMRC
questions; see README "Refusal". Another model needs its own calibration.
"""
from __future__ import annotations

from dataclasses import dataclass

MIN_COVERAGE = 0.5
MIN_COSINE = 0.76


@dataclass(frozen=True)
class Evidence:
    coverage: float
    cosine: float


def decide(evidence: Evidence, min_coverage: float = MIN_COVERAGE,
           min_cosine: float = MIN_COSINE) -> bool:
    """True when the top passage is taken as an answer."""
    return evidence.coverage >= min_coverage or evidence.cosine >= min_cosine
