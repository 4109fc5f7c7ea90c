"""The runs of a question's content words (what lies between its frame words and marks) and what they say:
which run a last clause refers back to, a character jieba glued from the frame, the words after a formulation,
the spans that may name one. Pure functions used by `retrieval.search.question`."""
from __future__ import annotations

import re

from retrieval.search.frames import frame_words
from retrieval.search.refusal import FUNCTION_TAGS
from retrieval.tokenize import fold, word_tags


def beyond(run: list[str], term: str) -> list[str]:
    """The words of `run` after the formulation `term` (all of them when it is elsewhere)."""
    ends = [i for i in range(len(run)) if fold("".join(run[:i + 1])).endswith(fold(term))]
    return run[ends[-1] + 1:] if ends else run


def referred(runs: list[list[str]], breaks: list[int], asides: bool = True) -> list[str] | None:
    """The content words a last clause of frame words only refers back to (`支部学习要考X，它的内容是什么`: the run
    ending the clause before it, X), or None; none when that clause ends in frame words itself, as a question
    (`X的说法是怎么来的，指什么`). Clauses of frame words only in between refer back with it (`学习X，它由哪几部分
    组成，每部分讲的是什么`); with `asides`, clauses of asides too (`可我一直没搞明白它到底讲的是啥`). `breaks`: the index
    in `runs` of the run after each clause break."""
    if not breaks or said(runs[breaks[-1]:], asides):
        return None
    starts = [0, *breaks]
    for before, start in zip(reversed(starts[:-1]), reversed(starts[1:])):
        if said(runs[before:start], asides):
            return runs[start - 1] or None
    return None


def said(runs: list[list[str]], asides: bool = True) -> bool:
    """Some run says something: a word (with `asides`, of two or more characters that is no aside: `可我一直没…`,
    `有没有人能…`)."""
    return any(not asides or (len(w) > 1 and not aside(w)) for r in runs for w in r)


def aside(word: str) -> bool:
    """A function word of general Chinese (`到底`, `一直`) or a one-character verb (`没`, `搞`): no topic."""
    tag = word_tags().get(word)
    return tag in FUNCTION_TAGS or (len(word) == 1 and tag == "v")


def given_back(run: list[str], frames: list[str], contains, general) -> list[str]:
    """A run of content words whose last word jieba glued to the first character of the frame after it
    (`修好三门课是个啥`: 修好 / 三门 / 课是) gives that character back to the frame (`frames`), when the two last
    characters are no word of general Chinese (`general`: 0; `四个自我` keeps its 我) and the corpus holds the
    run without it and not with it."""
    last = run[-1]
    if contains is None or len(last) < 2 or last[-1] not in frame_words() or general(last[-2:]):
        return run
    joined = fold("".join(run))
    if contains(joined) or not contains(joined[:-1]):
        return run
    frames.append(last[-1])
    return run[:-1] + [last[:-1]]


def spans(runs: list[list[str]]) -> list[tuple[str, ...]]:
    """Every run of adjacent content words, longest first: candidates for the formulation."""
    out = [tuple(r[i:j]) for r in runs for i in range(len(r)) for j in range(i + 1, len(r) + 1)]
    return sorted(out, key=len, reverse=True)


def spelled_terms(terms: set[str]):
    """A pattern that finds the folded dictionary terms in a normalized question as typed: inner marks
    (`、`, `·`, spaces) may stand between their characters. Longest first."""
    marks = r"[、·・.\s\-—]?"
    long = sorted((t for t in terms if len(t) >= 2), key=len, reverse=True)
    return re.compile("|".join(marks.join(map(re.escape, t)) for t in long)) if long else None
