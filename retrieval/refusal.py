"""Whether the best passage answers the question at all (an honest "not found").

Two signals of the top passage: `coverage`, the share of the question's idf
mass found in the passage (rare words weigh most; words the corpus never uses
weigh the most), and `cosine`, its dense similarity to the question. A question
is answered when either signal is strong: lexical coverage catches questions
asked in the corpus's own words, the cosine catches paraphrases. The thresholds
were calibrated for m3e-small by `python -m retrieval eval --suite seed` on the
seed gold set (answerable and unanswerable questions) plus 300 off-topic CMRC
questions; see README "Refusal". Another model needs its own calibration.

A third signal vetoes an answer: a question that asks for a count (`多少个`, `几名`)
or a date (`哪一天`, `何时`) is not answered by a passage holding no count or
date of its own (numbers the question itself contains do not count). Near-miss
questions ("第三批“四强”党支部一共命名了多少个？") match a passage on every word
but the one thing they ask for.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MIN_COVERAGE = 0.5
MIN_COSINE = 0.76


NUM = r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千万两]+)"
ASKS = {"count": re.compile(r"多少|(?<![第哪])几[个名位项次家批条篇轮种类所支场人]"),
        "date": re.compile(r"哪一?[天年日]|何时|什么时候|哪个月|几月|几号")}
GIVES = {"count": re.compile(rf"(?<!第){NUM}(?:多|余)?[个名位项次家批条篇轮种类所支场人万亿%％]"),
         "date": re.compile(r"\d{4}年|\d{1,2}月|\d{1,2}日|[一二三四五六七八九十]{1,3}月")}


@dataclass(frozen=True)
class Evidence:
    coverage: float
    cosine: float
    typed: bool = True     # the passage holds the kind of thing asked for (a count, a date)


def asked_kinds(question: str) -> list[str]:
    """What the question asks for: "count", "date", both or neither."""
    return [kind for kind, pattern in ASKS.items() if pattern.search(question)]


def gives_kind(kind: str, question: str, passage: str) -> bool:
    """The passage states a `kind` (count or date) that the question does not already contain."""
    return any(m.group() not in question for m in GIVES[kind].finditer(passage))


def typed_answer(question: str, passage: str) -> bool:
    return all(gives_kind(kind, question, passage) for kind in asked_kinds(question))


def decide(evidence: Evidence, min_coverage: float = MIN_COVERAGE,
           min_cosine: float = MIN_COSINE) -> bool:
    """True when the top passage is taken as an answer."""
    if not evidence.typed:
        return False
    return evidence.coverage >= min_coverage or evidence.cosine >= min_cosine
