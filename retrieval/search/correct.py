"""Typo correction of a question against the corpus vocabulary and the formulation dictionary.

`什么是一刚双责？` becomes `什么是一岗双责？`: a span of the question that nothing knows is
replaced, character for character, by a formulation or a corpus word that sounds like it
(toneless pinyin) or differs from it by one character. Safety comes first: a span is
corrected only when all of these hold.

- The span is unknown: not a corpus word, not a formulation or part of one, not a word of
  the general lexicon (jieba's dictionary: `四号` is never read as `四好`).
- The target is a formulation (`terms`), or a corpus word of at least `MIN_WORD` Han
  characters that at least `MIN_DF` documents use (one will do for `LONG_WORD` characters:
  `真抓石干` -> `真抓实干`; a corpus word is reached by sound alone).
- Sound: each wrong character's usual reading is the target's (`两个纬护` -> `两个维护`), with
  one wrong character at most (two from four characters on). A near sound (zh/z, ing/in,
  l/n: `双抓双出` -> `双抓双促`) or no sound at all (`牛鼻孑` -> `牛鼻子`; shapes are not
  modelled) is accepted for one character into a formulation of three or more characters
  only, and a sound-unlike change at the edge of the span only replaces a rare character.
- A function character (的, 是, 之 ...) is replaced only in a formulation of four or more
  characters that sounds the same (`四强党之部`), never into a corpus word (`的一个` stays).
- No replaced character belongs to a known word of two or more characters of the question
  (`第一方面` keeps its `方面`); a two-character span has no known neighbour word at all.
- The best target is unique: the longest span, then the surest kind (sound, near sound,
  shape), then a formulation, then the most frequent word; a tie leaves the span alone.

On the questions of CMRC 2018 dev and DRCD dev (typed correctly) it changes 0.1-0.2 %
(eval/typo_false_corrections.py). The input is a question already `normalize`d like the
index (NFKC, traditional -> simplified, lower case): the engine folds before it corrects.
Only runs of Han characters are looked at; Latin text, digits and punctuation stay.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice, product

from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict

from retrieval.tokenize import STOPWORDS

HAN = re.compile(r"[\u4e00-\u9fff]+")
HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
MAX_LEN = 8         # longest span looked at
MIN_WORD = 3        # shortest corpus word a span may become (formulations: 2, if homophone)
MIN_DF = 2          # a corpus word seen in one document only is no correction target ...
LONG_WORD = 4       # ... unless it has this many characters (`真抓实干`): a slip in it only sounds the same
MIN_SHAPE = 3       # shortest formulation a sound-unlike one-character change may give
MAX_READINGS = 8    # polyphonic characters: readings combined per span at most
FUNCTION_CHARS = frozenset(w for w in STOPWORDS if len(w) == 1)
MIN_FUNCTION = 4    # shortest formulation in which a function character (的, 是, 之) may be replaced
RARE_CHAR = 1000    # jieba frequency under which a character is rare enough to be a slip
SPANS = 1 << 16     # spans whose targets a corrector remembers (question frames recur: `是指什么`, `的内涵`)


@dataclass(frozen=True)
class Correction:
    """The corrected question and the (wrong, right) spans replaced, in order."""

    text: str
    changes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Target:
    word: str
    term: bool          # a formulation of the domain dictionary
    df: int             # documents of the corpus holding it (0 if the corpus never uses it)
    key: tuple[str, ...] = field(compare=False)     # toneless pinyin, a syllable per character


@dataclass(frozen=True)
class Match:
    start: int          # offset of the span in its Han run
    target: Target
    kind: int           # SOUND, FUZZY or SHAPE

    @property
    def rank(self) -> tuple[int, int, bool, int]:
        t = self.target
        return len(t.word), self.kind, t.term, t.df


SHAPE, FUZZY, SOUND = 0, 1, 2
FUZZ = ((re.compile(r"^([zcs])h"), r"\1"), (re.compile(r"([ae]n)g$"), r"\1"), (re.compile(r"ing$"), "in"),
        (re.compile(r"^l"), "n"))


@lru_cache(maxsize=None)
def readings(char: str) -> tuple[str, ...]:
    """Toneless pinyin readings of a character, the most common first (() if none)."""
    found = pinyin_dict.get(ord(char), "")
    return tuple(dict.fromkeys(toneless(r) for r in found.split(",") if r))


def toneless(reading: str) -> str:
    plain = unicodedata.normalize("NFKD", reading)
    return "".join(c for c in plain if not unicodedata.combining(c)).replace("u\u0308", "v")


@lru_cache(maxsize=None)
def fuzzy(syllable: str) -> str:
    """The syllable with the distinctions many speakers and pinyin IMEs blur folded away:
    zh/ch/sh -> z/c/s, ang/eng/ing -> an/en/in, l -> n."""
    for pattern, repl in FUZZ:
        syllable = pattern.sub(repl, syllable)
    return syllable


def word_key(word: str) -> tuple[str, ...] | None:
    """The toneless pinyin of a word: its phrase reading if pypinyin knows it, else each
    character's most common reading; None if a character has no reading."""
    phrase = phrases_dict.get(word)
    if phrase and len(phrase) == len(word):
        return tuple(toneless(r[0]) for r in phrase)
    first = [readings(c)[:1] for c in word]
    return tuple(r[0] for r in first) if all(first) else None


def span_keys(span: str, folded: bool = False) -> set[tuple[str, ...]]:
    """Readings of the span (each character's readings combined, `MAX_READINGS` at most),
    `fuzzy` folded if `folded`."""
    return set(islice(product(*(char_options(c, folded) for c in span)), MAX_READINGS))


@lru_cache(maxsize=None)
def char_options(char: str, folded: bool) -> tuple[str, ...]:
    found = readings(char) or ("?",)
    return tuple(dict.fromkeys(map(fuzzy, found))) if folded else found


def masks(word: str) -> list[str]:
    return [word[:i] + "?" + word[i + 1:] for i in range(len(word))]


def substrings(word: str) -> Iterable[str]:
    return (word[i:j] for i in range(len(word)) for j in range(i + 2, len(word) + 1))


def differing(a: str, b: str) -> list[int]:
    return [i for i, (x, y) in enumerate(zip(a, b)) if x != y]


def kind_of(span: str, target: Target) -> int:
    """SOUND if each wrong character's usual reading is the target's, FUZZY if only after
    `fuzzy` folding, else SHAPE."""
    wrong = [(readings(span[i])[:1] or ("?",))[0] for i in differing(span, target.word)]
    right = [target.key[i] for i in differing(span, target.word)]
    if wrong == right:
        return SOUND
    return FUZZY if list(map(fuzzy, wrong)) == list(map(fuzzy, right)) else SHAPE


class Corrector:
    """Corrects questions against `terms` (formulations) and `vocabulary` (corpus word ->
    document frequency). `lexicon` (word -> frequency, known if > 0) holds the ordinary
    words that are never corrected: jieba's dictionary unless given (`{}`: none; the
    engine's tokenizer holds a copy of it, with the terms added, that it may pass)."""

    def __init__(self, terms: Iterable[str], vocabulary: Mapping[str, int],
                 lexicon: Mapping[str, int] | None = None):
        self.terms = frozenset(t for t in (s.replace("、", "") for s in terms) if HAN_WORD.fullmatch(t))
        self.vocabulary = vocabulary
        self.lexicon = jieba_lexicon() if lexicon is None else lexicon
        self.known = set(vocabulary) | {s for t in self.terms for s in substrings(t)}
        self.sounds: dict[tuple[str, ...], list[Target]] = {}
        self.fuzzies: dict[tuple[str, ...], list[Target]] = {}
        self.shapes: dict[str, list[Target]] = {}
        self.candidates = lru_cache(maxsize=SPANS)(self.candidates)     # read only by `matches`
        for target in self.targets():
            self.sounds.setdefault(target.key, []).append(target)
            if target.term and len(target.word) >= MIN_SHAPE:
                self.fuzzies.setdefault(tuple(map(fuzzy, target.key)), []).append(target)
                for mask in masks(target.word):
                    self.shapes.setdefault(mask, []).append(target)

    def targets(self) -> Iterable[Target]:
        for term in self.terms:
            key = word_key(term)
            if len(term) <= MAX_LEN and key:
                yield Target(term, True, int(self.vocabulary.get(term, 0)), key)
        for word, df in self.vocabulary.items():
            if MIN_WORD <= len(word) <= MAX_LEN and df >= (1 if len(word) >= LONG_WORD else MIN_DF) \
                    and word not in self.terms \
                    and HAN_WORD.fullmatch(word) and (key := word_key(word)):
                yield Target(word, False, int(df), key)

    def is_known(self, span: str) -> bool:
        return span in self.known or self.lexicon.get(span, 0) > 0

    def correct(self, text: str) -> Correction:
        """The question with its unknown spans corrected (see the module docstring)."""
        out, changes = list(text), []
        for run in HAN.finditer(text):
            for match in choose(self.matches(run.group())):
                start = run.start() + match.start
                end = start + len(match.target.word)
                changes.append((text[start:end], match.target.word))
                out[start:end] = match.target.word
        return Correction("".join(out), tuple(changes))

    def matches(self, run: str) -> list[Match]:
        """Every admissible (span, target) pair of a Han run."""
        known = self.known_spans(run)
        owned = {i for start, size in known for i in range(start, start + size)}
        found = []
        for size in range(2, min(len(run), MAX_LEN) + 1):
            for start in range(len(run) - size + 1):
                if (start, size) in known or (size == 2 and {start, start + 1} & owned):
                    continue
                span = run[start:start + size]
                for target in self.candidates(span):
                    match = Match(start, target, kind_of(span, target))
                    wrong = differing(span, target.word)
                    if not any(start + i in owned for i in wrong) and self.plausible(span, match):
                        found.append(match)
        return found

    def candidates(self, span: str) -> set[Target]:
        """Targets of the span's length that may sound like it or differ from it by one
        character; at most one character differs (two from four characters on)."""
        limit = 1 if len(span) < 4 else 2
        found = {t for key in span_keys(span) for t in self.sounds.get(key, ())}
        found |= {t for key in span_keys(span, True) for t in self.fuzzies.get(key, ())}
        found = {t for t in found if 1 <= len(differing(span, t.word)) <= limit}
        return found | {t for m in masks(span) for t in self.shapes.get(m, ())}

    def plausible(self, span: str, match: Match) -> bool:
        """A function character (的, 是, 在 ...) is only replaced by a formulation of four or more
        characters that sounds the same (之 -> 支 in 四强党之部); only a formulation of three or more
        characters may differ in sound, and then by one character; a sound-unlike change at
        the edge of the span only replaces a rare character (`RARE_CHAR`): a common one there
        is more likely the next word of the question (日本 + 狼 is no 日本一)."""
        target, wrong = match.target, differing(span, match.target.word)
        if any(span[i] in FUNCTION_CHARS for i in wrong) and \
                not (match.kind == SOUND and target.term and len(span) >= MIN_FUNCTION):
            return False
        if match.kind == SOUND:
            return True
        if not (target.term and len(span) >= MIN_SHAPE and len(wrong) == 1):
            return False
        edge = wrong[0] in (0, len(span) - 1)
        return match.kind == FUZZY or not edge or self.lexicon.get(span[wrong[0]], 0) < RARE_CHAR

    def known_spans(self, run: str) -> set[tuple[int, int]]:
        """(start, length) of the run's spans of 2+ characters that are known words (their characters
        are owned by a word: `matches` corrects none of them alone)."""
        return {(start, size) for size in range(2, min(len(run), MAX_LEN) + 1)
                for start in range(len(run) - size + 1) if self.is_known(run[start:start + size])}


def choose(matches: list[Match]) -> list[Match]:
    """Non-overlapping best matches: longest, then the surest kind, then a formulation, then
    the most frequent; a span whose best targets tie is left alone (and blocks what overlaps it)."""
    by_span: dict[tuple[int, int], list[Match]] = {}
    for m in matches:
        by_span.setdefault((m.start, len(m.target.word)), []).append(m)
    taken: set[int] = set()
    chosen = []
    best_first = sorted(by_span.items(), key=lambda kv: max(m.rank for m in kv[1]), reverse=True)
    for (start, size), found in best_first:
        cells = set(range(start, start + size))
        if cells & taken:
            continue
        taken |= cells
        ranked = sorted(found, key=lambda m: m.rank, reverse=True)
        if len(ranked) == 1 or ranked[0].rank != ranked[1].rank:
            chosen.append(ranked[0])
    return sorted(chosen, key=lambda m: m.start)


def lexical_vocabulary(lexical) -> dict[str, int]:
    """Word -> document frequency of a `retrieval.indexing.lexical.Lexical` index."""
    df = lexical.df
    return {w: int(df[j]) for w, j in lexical.vocab.items() if w and j < len(df)}


@lru_cache(maxsize=1)
def jieba_lexicon() -> Mapping[str, int]:
    """jieba's main dictionary (word -> frequency; prefixes are stored with 0)."""
    import jieba

    jieba.dt.initialize()
    return jieba.dt.FREQ


def corrector_for(lexical, terms: Iterable[str], lexicon: Mapping[str, int] | None = None) -> Corrector:
    """A Corrector over a BM25 index's vocabulary and the tokenizer's terms
    (`Tokenizer.terms`); `lexicon` defaults to jieba's dictionary."""
    return Corrector(terms, lexical_vocabulary(lexical), lexicon)
