"""Matching answers in passages, and the summary measures of a run."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from retrieval.tokenize import fold  # answers are matched folded: t2s, width, no punctuation or space


def contains_answer(passage_text: str, answers: list[str]) -> bool:
    folded = fold(passage_text)
    return any(fold(a) and fold(a) in folded for a in answers)


@dataclass
class Tally:
    """Running counts for one retrieval mode."""

    n: int = 0
    counts: dict[str, float] = field(default_factory=dict)
    lengths: list[int] = field(default_factory=list)

    def add(self, **values: float) -> None:
        for key, value in values.items():
            self.counts[key] = self.counts.get(key, 0.0) + float(value)

    def summary(self) -> dict[str, float]:
        out = {k: round(v / self.n, 3) if self.n else 0.0 for k, v in sorted(self.counts.items())}
        out["median_top1_chars"] = statistics.median(self.lengths) if self.lengths else 0
        out["questions"] = self.n
        return out
