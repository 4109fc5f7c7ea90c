"""Question analysis: how a question asks (its frame), what it asks about (its content), and its kind.

`什么叫一岗双责`, `如何理解“一岗双责”`, `一岗双责的内涵` and `请解释一下一岗双责` all ask the same
thing: their frames differ, their content (`一岗双责`) does not. Retrieval ranks and the
refusal rule judges on the content; the kind says what an answer must hold (a count, a
date, a person, the formulation's definition).

The frame lexicon is data: question words derived from 6,743 questions written by
other people (`data/question_words.txt`, made by `eval/make_question_words.py`), the
stop words of the tokenizer, and everyday frames (`data/frames.txt`). Frames are cut
as whole words of a jieba pass that knows the domain dictionary, so a frame never cuts
into a formulation (`一岗双责`) or a word (`中央` keeps its `中`).

What remains is the content, kept as the words the user typed. A formulation asked
about is the content when it is one dictionary term or quoted span (`“四强”党支部`).
A year (`2025年`) is taken out of the content: it is matched against the date of a
document and the years in a passage, not counted as a word (README, "How an answer is found").
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba

from retrieval.tokenize import STOPWORDS, fold, normalize

DATA = Path(__file__).parent / "data"
KINDS = ("definition", "enumeration", "who", "when", "where", "count", "why", "how", "yesno", "other")
YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?:\s*年(?!代)|(?=\D*$)|(?=[^\d年]))")
QUOTED = re.compile(r"[“\"「『‘《]([^”\"」』’》]{2,20})[”\"」』’》]")
PUNCT = re.compile(r"^[\W_]+$")
PARTS = re.compile(r"哪[两二三四五六七八九十][^\s]|分别")     # asks for the parts one by one
NUMBERED = re.compile(r"[一二两三四五六七八九十双\d]")
NUMERAL = re.compile(r"^(?:[一二两三四五六七八九十双]|\d)[^一二两三四五六七八九十\d]?$")   # 两个 + 结合, 四下 + 基层: one formulation
# Kinds in order of precedence: the first that matches names the question.
KIND_PATTERNS = (
    ("when", r"哪一?年|何年|何时|什么时[候间]|哪一?[天日]|几号|几月|哪个月|啥时候|多会儿"),
    ("who", r"谁|何人|哪一?位|什么人|哪个人|哪些人|哪个单位|哪些单位|哪家"),
    ("where", r"哪里|哪儿|何处|何地|在哪|什么地方|哪个地方|哪些地方"),
    ("count", r"(?<!第)多少|(?<![第哪])几[个名位项次家批条篇轮种类所支场人方届年点]"),
    ("why", r"为什么|为何|为啥|何故|原因是什么"),
    ("definition", r"什么是|什么叫|何谓|何为|啥是|啥叫|所谓|意思|含义|涵义|内涵|定义|概念|释义|理解|看待|认识"
                   r"|解释|解读|阐释|阐述|诠释|是指|指的是|指什么|指啥|是什么$|是啥$|简述|试述|介绍|谈谈|说说|讲讲"),
    ("enumeration", r"哪些|哪几|包括|包含|涵盖|哪[一二两三四五六七八九十]|分别"),
    ("how", r"怎么|怎样|如何|咋"),
    ("yesno", r"吗$|是否|是不是|有没有|能不能|能否|可不可以|可否"),
)
KIND_RES = tuple((kind, re.compile(pattern)) for kind, pattern in KIND_PATTERNS)


@dataclass(frozen=True)
class Analysis:
    question: str               # the folded question (t2s, width, lower case)
    kind: str                   # one of KINDS
    content: str                # the content words (jieba words), space-separated (frame and years removed)
    frame: tuple[str, ...]      # the frame words found, in order
    term: str = ""              # the formulation asked about, when the content is one
    years: tuple[str, ...] = ()  # years the question names ("2025")
    parts: tuple[str, ...] = ()  # numbered formulations whose parts it asks for (`“四个意识”包括哪四个意识`)


def read_words(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [w for line in lines if line.strip() and not line.startswith("#") for w in line.split("\t")[0].split()]


@lru_cache(maxsize=1)
def frame_words() -> frozenset[str]:
    return frozenset(read_words("frames.txt")) | frozenset(read_words("question_words.txt")) | STOPWORDS


def weaker(word: str, weight: float, idf) -> bool:
    """`word` says less than a formulation of idf `weight`: the corpus uses it more often, or it is a
    short word the corpus does not use and not shaped like a formulation (`名词解释`, not `两个结合`)."""
    known = idf(word)
    return known < weight if known else len(word) <= 4 and not NUMERAL.match(word[:2])


def kind_of(question: str) -> str:
    """The kind of a folded question (see KIND_PATTERNS); `other` when none fits."""
    text = re.sub(r"[\s？?。！!]+$", "", question)
    return next((kind for kind, pattern in KIND_RES if pattern.search(text)), "other")


def years_of(question: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(1) for m in YEAR.finditer(question)))


class Analyzer:
    """Splits questions into frame and content; knows the domain dictionary's formulations."""

    def __init__(self, terms: list[str]):
        self.terms = {fold(t) for t in terms} - {""}
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in frame_words():
            self._jieba.add_word(word, freq=50000)
        for term in terms:      # formulations win over frames: `什么是一岗双责` cuts as 什么是 / 一岗双责
            self._jieba.add_word(normalize(term).replace("、", ""), freq=200000)

    def __call__(self, question: str, idf=None) -> Analysis:
        """The analysis of `question`; `idf(word)` (0 for a word the corpus does not use) lets a
        question of meaning name its formulation among weaker words (`机关党建里说的X是什么意思`)."""
        text = normalize(question).strip()
        years = years_of(text)
        body = YEAR.sub(" ", text) if years else text
        frames, content, glued = [], [], False
        for word in self._jieba.cut(body, HMM=True):
            if PUNCT.match(word) or not word.strip():
                glued = False
            elif word in frame_words():
                frames.append(word)
                glued = False
            elif glued:              # jieba cuts a formulation it does not know after its numeral (两个 / 结合)
                content[-1] += word
                glued = False
            else:
                content.append(word)
                glued = bool(NUMERAL.match(word))
        kind = kind_of(text)
        return Analysis(text, kind, " ".join(content), tuple(frames), self.term_of(text, content, kind, idf), years,
                        self.parts_asked(text, content))

    def parts_asked(self, text: str, words: list[str]) -> tuple[str, ...]:
        """The numbered formulations of the question (`四个意识`, `双抓双促`, `3815`) when it asks for their
        parts one by one (`哪四个`, `分别是`): the corpus must spell them out, naming them is not enough."""
        if not PARTS.search(text):
            return ()
        quoted = {fold(q) for q in QUOTED.findall(text)}
        return tuple(dict.fromkeys(w for w in words if NUMBERED.search(w) and (fold(w) in self.terms or fold(w) in quoted)))

    def term_of(self, text: str, words: list[str], kind: str, idf=None) -> str:
        """The formulation asked about, for questions of meaning, parts or of no stated kind: the whole
        content when it is one dictionary term or the quoted span of the question; for a question of
        meaning also the one term of its content whose other words the corpus uses more often (lower
        idf) or not at all."""
        if kind not in ("definition", "enumeration", "other", "how") or not words:
            return ""
        joined = "".join(words)
        quoted = {fold(q) for q in QUOTED.findall(text)} - {""}
        if fold(joined) in self.terms or fold(joined) in quoted:
            return joined
        terms = [w for w in words if fold(w) in self.terms or fold(w) in quoted]
        if kind != "definition" or idf is None or len(set(terms)) != 1:
            return ""
        term = terms[0]
        weight = idf(term) or float("inf")         # a formulation the index does not hold as one token
        return term if all(w == term or weaker(w, weight, idf) for w in words) else ""


jieba.setLogLevel(logging.WARNING)
