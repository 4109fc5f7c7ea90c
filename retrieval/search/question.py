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
from functools import cached_property

import jieba

from retrieval.search.frames import asks_parts, frame_words, framed_kinds
from retrieval.search.runs import aside, beyond, given_back, referred, spans, spelled_terms
from retrieval.search.refusal import FUNCTION_TAGS, LIST_REQUEST, SOME, numeral
from retrieval.tokenize import TERM_FREQ, dictionary_word, fold, fresh_jieba, normalize, word_tags

KINDS = ("definition", "enumeration", "who", "when", "where", "count", "why", "how", "yesno", "other")
YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?:\s*年(?!代)|(?=\D*$)|(?=[^\d年]))")
QUOTED = re.compile(r"[“\"「『‘《]([^”\"」』’》]{2,20})[”\"」』’》]")
MARKED = re.compile(r"[“\"「『‘]([^”\"」』’]{2,20})[”\"」』’]")     # in quote marks: a formulation, not a title (《…》)
PUNCT = re.compile(r"^[\W_]+$")
CLAUSE_BREAK = re.compile(r"^[，,：:；;]+$")
QUANTITY = re.compile(r"^(?:一[个种样]|[一二两三四五六七八九十百千万\d]+[名年次位批届条项家人天月日号岁])")  # 一个教派, 三名士兵
PARTS_WORDS = re.compile(r"分别|是哪[些几]|有哪[些几]|包括哪|哪几|哪\s*(?:\d{1,2}|[两二三四五六七八九十]{1,2})\s*[个项条种类大方点]")
COUNTED_THING = re.compile(r"(?<![\d第哪几两二三四五六七八九十])(\d{1,2}|[两二三四五六七八九十]{1,2})\s*(?:个方面|个|项|条|大|种|类|方面)")
NUMBERED = re.compile(r"[一二两三四五六七八九十双\d]")
SPECIFIC = 1000       # a word jieba's general dictionary counts fewer times is rare enough to be a formulation
GENERIC_RATIO, GENERIC_FLOOR = 10, 20     # ... and one counted 10x (+20) as often as the formulation says less
HELD_WORD = 3        # a word the corpus holds inside longer tokens names a formulation from this length (双融双促)
GENERIC_MAX = 2       # ... for at most two such words: more make a question about something else
MEANING_REST_MAX = 4  # a question of meaning or parts says at most four other content words beside its formulation
NOUNS = {"n", "nr", "ns", "nt", "nz", "nrt", "nrfg"}    # jieba's tags of nouns (not `vn`: 比作)
KNOWN = 100          # a word jieba's general dictionary counts this often is an established word (天气, 房价)
RARE_IDF = 1.6        # BM25 idf of a word in a fifth of the chunks: a formulation rarer than that is specific
PHRASE_WORDS, PHRASE_CHARS = 3, (4, 6)   # an unknown phrase of meaning: 2-3 short words, 4-6 characters
HAN_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")
NUMERAL = re.compile(r"^(?:[一二两三四五六七八九十双]|\d)[^一二两三四五六七八九十\d]?$")   # 两个 + 结合, 四下 + 基层: one formulation
# Kinds in order of precedence: the first that matches names the question.
KIND_PATTERNS = (
    ("enumeration", rf"{LIST_REQUEST.pattern}|组成部分"),     # a request to list the parts, before a count: `列一下X的几个组成部分`
    ("when", r"哪一?年|何年|何时|什么时[候间]|哪一?[天日]|几号|几月|哪个月|啥时候?|多会儿"),
    ("who", r"谁|何人|哪一?位|什么人|哪个人|哪些人|哪个单位|哪些单位|哪家"),
    ("where", r"哪里|哪儿|何处|何地|在哪|什么地方|哪个地方|哪些地方"),
    ("count", rf"(?<!第)多少|{SOME}[个名位项次家批条篇轮种类所支场人方届年点]"),
    ("why", r"为什么|为何|为啥|何故|原因是什么"),
    ("definition", r"什么是|什么叫|何谓|何为|啥是|啥叫|所谓|意思|含义|涵义|内涵|定义|概念|释义|理解|看待|认识"
                   r"|解释|解读|阐释|阐述|诠释|是指|指的是|指什么|指啥|是什么$|是啥$|简述|试述|介绍|谈谈|说说|讲讲"
                   r"|[讲说]的是?(?:什么|啥)$|讲解|[讲说搞弄][明清]白|[搞弄]懂|[搞弄]清楚"),   # 如何讲解X, 搞明白X
    ("enumeration", r"哪些|哪几|包括|包含|涵盖|哪[一二两三四五六七八九十]|分别"),
    ("how", r"怎么|怎样|如何|咋"),
    ("yesno", r"吗$|是否|是不是|有没有(?!人)|(?:能不能|能否|可不可以|可否)(?![帮给替为跟请])"),   # not a request: 能不能帮我…
)
MEANING = ("definition", "enumeration")      # kinds that ask what a formulation means or holds
ASKS_ABOUT = MEANING + ("how", "other")      # ... and those that may: `我想了解一下X`, `X要求做到什么`
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
    common: tuple[str, ...] = ()  # content words the formulation absorbed as common Chinese (正确): not searched
    asked: str = ""             # the formulation a question of meaning names: its term, or its one content
                                # word shaped like a formulation (`四下基层`), known to the corpus or not
    pieces: tuple[str, ...] = ()  # a dictionary term made of a shorter one and a head word (`两张皮问题`): both
    count: int = 0              # the number of parts it asks for (`哪五个基本`, `6个方面…具体是哪些`): a passage must list them


def about_meaning(analysis: Analysis) -> bool:
    """The question asks what its formulation means or holds: a question of meaning or parts, or one of no
    stated kind whose other content words are common Chinese (`我想了解一下X`; not `X又叫什么`,
    `X位于哪个国家`)."""
    if not analysis.term:
        return False
    if analysis.kind in MEANING:
        return True
    rest = [w for w in analysis.content.split() if fold(w) not in fold(analysis.term)]
    return all(w in analysis.common for w in rest)


def quoted_in(text: str) -> set[str]:
    """The spans `text` quotes (`“X”`, `《X》`), folded."""
    return {fold(q) for q in QUOTED.findall(text)} - {""}


def numbered(word: str) -> bool:
    """`word` is a numeral and at most one character more, as formulations open (`两个`, `四下`, `双报`), not a
    function word of that shape (`一直`, `一致`: adverbs)."""
    return bool(NUMERAL.match(word)) and word_tags().get(word) not in FUNCTION_TAGS


def weaker(word: str, weight: float, idf) -> bool:
    """`word` says less than a formulation of idf `weight`: the corpus uses it more often, or it is a
    short word the corpus does not use and not shaped like a formulation (`名词解释`, not `两个结合`)."""
    known = idf(word)
    return known < weight if known else len(word) <= 4 and not numbered(word[:2])


def kind_of(question: str, frames: tuple[str, ...] | list[str] = ()) -> str:
    """The kind of a folded question (see KIND_PATTERNS), or of its last clause when that asks a meaning or the parts;
    else the kind of the first of its `frames` that a section of `data/frames.txt` names (`的核心要义`:
    definition); `other` when none fits."""
    text = re.sub(r"[\s？?。！!]+$", "", question)
    last = re.split(r"[，,；;]", text)[-1]      # `X出自哪里，讲的什么`: the meaning asked last is what an answer gives
    found = next((kind for kind, pattern in KIND_RES if pattern.search(text)), None)
    if last != text and (ends := next((kind for kind, pattern in KIND_RES if pattern.search(last)), None)) in MEANING:
        return ends
    return found or next((framed_kinds()[w] for w in frames if w in framed_kinds()), "other")


def years_of(question: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(1) for m in YEAR.finditer(question)))


class Analyzer:
    """Splits questions into frame and content; knows the domain dictionary's formulations.

    Its jieba's total grows with the terms and frame words (jieba's own bookkeeping), unlike the BM25
    tokenizer's (`retrieval.tokenize.Tokenizer`, fixed so that an append tokenises again only the chunks
    holding a changed term): the analyser is made at each load from the index's terms and stored
    nowhere, so no append can leave it out of step, and fixing its total would change how every
    question of every corpus is cut for no such gain."""

    def __init__(self, terms: list[str]):
        self.terms = {fold(t) for t in terms} - {""}
        self._jieba = fresh_jieba()
        added = frame_words() | {dictionary_word(t) for t in terms}
        self._general = {w: self._jieba.FREQ.get(w, 0) for w in added}   # before our own weights
        for word in frame_words():
            self._jieba.add_word(word, freq=50000)
        for term in terms:      # formulations win over frames: `什么是一岗双责` cuts as 什么是 / 一岗双责
            self._jieba.add_word(dictionary_word(term), freq=TERM_FREQ)

    @cached_property
    def spelled(self):
        """`spelled_terms` of the dictionary, compiled at first use (about a second for the 100,000-chunk
        index's terms: `Engine.warm_up` makes it at load, in the background)."""
        return spelled_terms(self.terms)

    def general(self, word: str) -> int:
        """How common `word` is in general Chinese: its count in jieba's dictionary (0 when absent)."""
        return self._general.get(word, self._jieba.FREQ.get(word, 0))

    def runs_of(self, body: str) -> tuple[list[str], list[list[str]], list[int], int | None]:
        """The question's frame words and its runs of content words between them (empty runs kept, so that
        indexes hold), the index of the run after each clause break, and that of the run beside the first frame of
        meaning: before it (`X指什么`), or after it (`什么是X`); None when there is no such frame, -1 when no run
        stands beside it."""
        frames, runs, glued, last, breaks, beside = [], [[]], False, "", [], None
        for word in self.cut(body):
            if PUNCT.match(word) or not word.strip() or word in frame_words() or \
                    (last.endswith("哪") and NUMERAL.match(word)):      # `哪五个` asks which five
                if not (PUNCT.match(word) or not word.strip()):
                    frames.append(word)
                    if beside is None and framed_kinds().get(word) in MEANING:     # the run before `指什么`,
                        beside = len(runs) - 1 if runs[-1] else -1                  # or the one after `什么是`
                elif CLAUSE_BREAK.match(word):
                    breaks.append(len(runs))
                runs.append([])
                glued = False
            elif glued:              # jieba cuts a formulation it does not know after its numeral (两个 / 结合)
                runs[-1][-1] += word
                glued = False
            else:
                runs[-1].append(word)
                glued = numbered(word) and fold(word) not in self.terms
                beside = len(runs) - 1 if beside == -1 else beside
            last = word
        tail = [w for r in runs[breaks[-1]:] for w in r] if breaks else []
        if tail and set(tail) <= {w for r in runs[:breaks[-1]] for w in r}:   # `落实X，具体该怎么落实`: it refers back
            frames += tail
            runs[breaks[-1]:] = [[] for _ in runs[breaks[-1]:]]
        return frames, runs, breaks, beside

    def __call__(self, question: str, idf=None, contains=None) -> Analysis:
        """The analysis of `question`. `idf(word)` (0 for a word the corpus does not use) and
        `contains(text)` (the corpus holds `text`, folded) let a question of meaning name its
        formulation among weaker words (`机关党建里说的X是什么意思`, `怎么正确理解书香机关`)."""
        text = normalize(question).strip()
        years = years_of(text)
        body = YEAR.sub(" ", text) if years else text
        frames, runs, breaks, beside = self.runs_of(body)
        runs = [given_back(r, frames, contains, self.general) if r else r for r in runs]
        kind = kind_of(text, frames)
        referent = referred(runs, breaks, asides=kind == "definition")     # `尤其是哪一国`: 国 is no aside
        beside = runs[beside] if beside is not None and beside >= 0 else []
        runs = [r for r in runs if r]
        content = [w for r in runs for w in r]
        vocab = Vocabulary(self, idf, contains)
        term, common = self.term_of(text, runs, kind, vocab, referent)
        if term and kind in MEANING and vocab.unheld(beyond(beside, term)):
            term, common = "", ()     # `党建中领头雁指什么`: what stands by the frame is asked, and the corpus lacks it
        # a formulation that is the whole content (`扩先提中治软分别指什么`) is asked for its parts too
        parts = self.parts_asked(text, content) or ((term,) if asks_parts(text) and term == "".join(content) else ())
        return Analysis(text, kind, " ".join(content), tuple(frames), term, years, parts, common,
                        term or self.named(content, kind, vocab) or self.phrase(runs, kind), self.pieces(term),
                        0 if parts else self.count_asked(text))

    def pieces(self, term: str) -> tuple[str, ...]:
        """A dictionary term that holds a shorter one (`两张皮问题`: “两张皮”问题, `四风问题`, `四好党员`) as that
        term and the words around it: a passage that says `破解“两张皮”顽疾` holds what `两张皮问题` asks
        about. () for any other term: `四个全面` is not covered by 四个 … 全面."""
        folded = fold(term)
        if folded not in self.terms:
            return ()
        inner = [t for t in self.terms if len(t) >= 2 and t != folded and t in folded]
        if not inner:
            return ()
        core = max(inner, key=lambda t: (len(t), t))
        return (core, *(p for p in folded.split(core, 1) if p))

    def named(self, words: list[str], kind: str, vocab: "Vocabulary") -> str:
        """The content word of a question about something (meaning, parts, how, no stated kind) shaped like a formulation, a numbered phrase
        (`四下基层`, `两学一做`; not a quantity: `一个教派`, `三名士兵`) or a word of three or more characters that general Chinese rarely uses,
        when it is the only one and the question's other content words say less (`讲`, `正确`)."""
        if kind not in ASKS_ABOUT or vocab.idf is None:
            return ""
        shaped = [w for w in dict.fromkeys(words) if len(fold(w)) >= 3 and not QUANTITY.match(w) and
                  (NUMBERED.match(w) or self.general(w) < SPECIFIC)]
        if len(shaped) != 1:
            return ""
        rest = [w for w in words if w != shaped[0]]
        if len(rest) > (MEANING_REST_MAX if kind in MEANING else GENERIC_MAX):
            return ""     # a question of many words is about a situation, not a formulation (`那年河南发大水，…`)
        return shaped[0] if all(vocab.weaker(w, (shaped[0],)) for w in rest) else ""

    def phrase(self, runs: list[list[str]], kind: str) -> str:
        """The content of a question of meaning when it is one phrase that jieba cuts into short everyday
        words (`民主生活会`: 民主 / 生活 / 会; `主题党日`) and general Chinese does not know whole: a
        formulation, which the corpus must hold to define it. '' for anything else. Runs of function words and
        one-character verbs are asides (`民主生活会到底指啥，一直没搞懂`), not another content word (`哪一条河`)."""
        runs = [r for r in runs if not all(map(aside, r))]
        if kind not in MEANING or len(runs) != 1 or not 2 <= len(runs[0]) <= PHRASE_WORDS:
            return ""
        joined = "".join(runs[0])
        if not PHRASE_CHARS[0] <= len(joined) <= PHRASE_CHARS[1] or not HAN_ONLY.match(joined):
            return ""
        if any(len(w) > 2 or fold(w) in self.terms for w in runs[0]) or self.general(joined):
            return ""
        return joined

    def cut(self, body: str):
        """jieba's words of `body`, a dictionary formulation kept whole as typed, its inner marks
        included (`书记抓、抓书记`, `7·29`), even where jieba would join it to the next word."""
        start = 0
        for m in self.spelled.finditer(body) if self.spelled else ():
            yield from self._jieba.cut(body[start:m.start()], HMM=True)
            yield m.group()
            start = m.end()
        yield from self._jieba.cut(body[start:], HMM=True)

    def parts_asked(self, text: str, words: list[str]) -> tuple[str, ...]:
        """The numbered formulations of the question (`四个意识`, `双抓双促`, `3815`) when it asks for their
        parts one by one (`哪四个`, `分别是`): the corpus must spell them out, naming them is not enough."""
        if not asks_parts(text):
            return ()
        quoted = quoted_in(text)
        spans = MARKED.findall(text)      # a quoted formulation jieba cut in two (`“修好三门课”是指哪三门课`), not a title
        return tuple(dict.fromkeys(w for w in [*words, *spans]
                                   if NUMBERED.search(w) and (fold(w) in self.terms or fold(w) in quoted)))

    def count_asked(self, text: str) -> int:
        """How many parts the question asks to be listed: the number of the one counted thing it names when it
        asks for its parts (`6个方面履责重点具体是哪些`, `18项措施分别是啥`); 0 for none, for `哪三个问题` alone
        (the corpus may answer it in three paragraphs, one part each), and for a numbered formulation
        (`两个维护`, `“四个带头”`): the glossary says whether the corpus spells it out."""
        if not PARTS_WORDS.search(text) or "、" in text:      # `…分别是政府、法院，还有哪一个`: it lists them itself
            return 0
        quoted = [q.span() for q in QUOTED.finditer(text)]
        counts = [numeral(c.group(1)) for c in COUNTED_THING.finditer(text)
                  if not any(a <= c.start() < b for a, b in quoted) and not self.starts_term(text[c.start():])]
        counts = [c for c in counts if c and c >= 2]
        return counts[0] if len(counts) == 1 else 0

    def starts_term(self, text: str) -> bool:
        head = fold(text[:20])
        return any(head.startswith(t) for t in self.terms)

    def term_of(self, text: str, runs: list[list[str]], kind: str, vocab: "Vocabulary",
                referent: list[str] | None = None) -> tuple[str, tuple[str, ...]]:
        """The formulation asked about, for questions of meaning, parts, how, or of no stated kind
        (`我想了解一下X`, `X要求做到什么`): the whole content when it is one dictionary term or the quoted
        span of the question, else the most specific formulation of its content (a
        dictionary term, the quoted span, adjacent words the corpus holds together, a word rare in
        general Chinese that the corpus uses) when every other content word says less than it: the
        corpus uses it more often, it is common Chinese (`正确`, `说法`), or a short unknown word.
        A last clause of frame words only (`支部学习要考X，它的内容是什么`) asks about the words that end the clause
        before it (`referent`: the formulation is a tail of them).
        Returns the formulation and the common words it absorbed ("" and () when there is none)."""
        words = [w for r in runs for w in r]
        if kind not in ASKS_ABOUT or not words:
            return "", ()
        quoted = quoted_in(text)
        joined = "".join(words)
        if fold(joined) in self.terms or fold(joined) in quoted:
            return joined, ()
        if vocab.idf is None:
            return "", ()
        spanned = [tuple(referent[i:]) for i in range(len(referent))] if referent else spans(runs)
        candidates = [c for c in spanned if vocab.formulation(c, quoted)] or \
            [c for c in spanned if vocab.formulation(c, quoted, inside=True)]
        if not candidates:
            return "", ()
        named = self.terms | quoted
        term = min(candidates, key=lambda c: (fold("".join(c)) not in named, vocab.general("".join(c)),
                                               -vocab.weight(c), -len("".join(c))))
        if referent and kind in (*MEANING, "how"):    # the words before it are context (`支部学习要考`), not searched
            return "".join(term), tuple(w for w in words if fold(w) not in fold("".join(term)))
        rest = [w for w in words if w not in term]
        if kind not in MEANING and (len(rest) > GENERIC_MAX or any(vocab.absent(w) for w in rest)):
            return "", ()     # `X是在什么场合提出的`, `郑州天气怎么样`: asks about something else than X
        common = [w for w in rest if not vocab.rarer(w, term)]     # weaker only as common Chinese
        chatter = kind == "definition" and fold("".join(term)) in self.terms    # a dictionary formulation's meaning
        if all(vocab.weaker(w, term) for w in rest) and (chatter or len(common) <= GENERIC_MAX):
            return "".join(term), tuple(common)
        return "", ()


@dataclass(frozen=True)
class Vocabulary:
    """What the corpus and general Chinese say of a word, for naming a question's formulation."""
    analyzer: Analyzer
    idf: object = None          # word -> corpus idf (0 unknown)
    contains: object = None     # text -> the corpus holds it

    def general(self, word: str) -> int:
        return self.analyzer.general(word)

    def formulation(self, words: tuple[str, ...], quoted: set[str], inside: bool = False) -> bool:
        """`words` (adjacent content words) name a formulation: a dictionary term or quoted span, several
        words the corpus holds as one phrase, or one word rare in general Chinese that the corpus uses;
        `inside`: or holds only inside longer words, from HELD_WORD characters (`双融双促` of `双融双促行动计划`)."""
        joined = "".join(words)
        if fold(joined) in self.analyzer.terms or fold(joined) in quoted:
            return True
        if len(words) > 1:
            return self.contains is not None and self.general(joined) < SPECIFIC and self.contains(joined)
        return len(joined) > 1 and self.general(joined) < SPECIFIC and (bool(self.idf(joined)) or (
            inside and len(joined) >= HELD_WORD and self.contains is not None and self.contains(fold(joined))))

    def unheld(self, words: list[str]) -> bool:
        """`words` are shaped like a formulation (three or more characters, each word rare in general Chinese, not two
        common words run together) and the corpus holds them nowhere: `领头雁`, `第一粒 / 扣子`; not `制备 / 过程`."""
        word = "".join(words)
        if any(min(self.general(word[:i]), self.general(word[i:])) >= SPECIFIC for i in range(2, len(word) - 1)):
            return False          # two common words (`食用方法`, `主要职责`), however rare the compound
        return self.idf is not None and self.contains is not None and len(fold(word)) >= 3 and \
            all(self.general(w) < SPECIFIC for w in words + [word]) and not QUANTITY.match(word) and \
            fold(word) not in self.analyzer.terms and not self.idf(word) and not self.contains(fold(word))

    def absent(self, word: str) -> bool:
        """`word` is a noun of general Chinese that the corpus never uses (`天气`, `房价`): a topic of its own,
        not a frame word jieba happened to cut (`讲讲`, `比作`) nor a rare one (a typo, a coinage)."""
        return self.idf is not None and len(fold(word)) > 1 and self.general(word) >= KNOWN and \
            word_tags().get(word) in NOUNS and not self.idf(word) and not (self.contains and self.contains(fold(word)))

    def weight(self, term: tuple[str, ...]) -> float:
        """The corpus idf of a formulation (its words): as one token, else as its rarest word, else
        infinite (the corpus knows none of them)."""
        return self.idf("".join(term)) or max(self.idf(w) for w in term) or float("inf")

    def rarer(self, word: str, term: tuple[str, ...]) -> bool:
        """`term` is rarer in the corpus than `word`, or `word` is a short word the corpus does not use."""
        return weaker(word, self.weight(term), self.idf)

    def weaker(self, word: str, term: tuple[str, ...]) -> bool:
        """`word` says less than the formulation `term` (its words): the corpus uses it more often, it is a
        short word the corpus does not use and not shaped like a formulation, or it is common in general
        Chinese and the formulation is not, in general or in the corpus (`正确` against `书香机关`, but not
        against `机关党建`, which most chunks of a corpus on it hold). A formulation that is not one index
        token weighs as its rarest word; as infinitely rare if the corpus knows none of them."""
        joined, weight = "".join(term), self.weight(term)
        if self.rarer(word, term):
            return True
        return weight >= RARE_IDF and self.general(word) >= GENERIC_RATIO * (self.general(joined) + GENERIC_FLOOR)



jieba.setLogLevel(logging.WARNING)
