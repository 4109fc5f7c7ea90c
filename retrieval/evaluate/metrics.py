"""Matching answers in passages, and the summary measures of a run."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from retrieval.tokenize import fold  # answers are matched folded: t2s, width, no punctuation or space


def contains_answer(passage_text: str, answers: list[str]) -> bool:
    folded = fold(passage_text)
    return any(fold(a) and fold(a) in folded for a in answers)


def in_highlights(passage_text: str, marks, answers: list[str]) -> bool:
    """The answer lies inside one highlighted sentence (`marks` are offsets into the passage)."""
    return any(contains_answer(passage_text[s:e], answers) for s, e in marks)


def highlighted_share(passage_text: str, marks) -> float:
    return sum(e - s for s, e in marks) / len(passage_text) if passage_text else 0.0


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
