"""What an answer needs of its question that no vector gives, and the refusal evidence it is judged on.

`QuestionSide.question_side` is everything `Engine.retrieve` does before it needs the question's vector: the
correction, the analysis, BM25's candidates and weight, the documents the question names, and what the corpus
says of the question alone (`Lookups`: whatever passages are found). `Engine.ask` has it made on a thread of
its own while it embeds the question itself: ONNX Runtime releases the GIL for the run, so none of it adds to
the time of an answer when the run takes longer (issue #12; README, "Benchmarks").
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from retrieval.search.answer import Passage
from retrieval.search.correct import Correction
from retrieval.search.cosines import POOL
from retrieval.search.contents import asked_thing, only_named
from retrieval.search.glossary import Statement, cached_glossary, folded_terms, term_statement
from retrieval.search.outline import asked_parts, parts_answer
from retrieval.search.question import Analysis, about_meaning
from retrieval.search.rank import about_document, content_words, dated, maker_unknown, place_unknown, venue_unknown
from retrieval.search.refusal import Evidence, coverage, listed, mentions, typed_answer

ALPHA = (0.3, 0.7)  # weight of BM25 against dense in the fused score when BM25's best chunk holds none /
                    # all of the question's content words; in between, linear (README, evaluation)
HELPERS = 4         # questions whose side is made at once (the app answers several at a time)


@dataclass(frozen=True)
class Lookups:
    """What the corpus says of the question alone."""

    held: bool                      # it holds the formulation asked about and one form of each one mentioned
    spelled: bool                   # each numbered formulation whose parts are asked for is spelled out
    statement: Statement | None     # the glossary's statement of the formulation whose meaning is asked
    parts: list                     # the parts an outline spells out of the formulation asked about
    contents: str = ""              # a thing (not a formulation) whose contents it asks for (`奋斗目标具体有哪些`)


@dataclass(frozen=True)
class Side:
    """The question's side of an answer (`QuestionSide.question_side`)."""

    fixed: Correction               # the question folded, its typos corrected
    analysis: Analysis
    words: list[str]                # its content words, for the coverage of the top passage
    mask: np.ndarray | None         # the chunks of the documents asked within (None: all)
    lexical: dict[int, float]       # BM25's candidates
    alpha: float                    # BM25's weight in the fusion
    named: set[str]                 # the documents it names
    looked: Lookups


@lru_cache(maxsize=1)
def helpers() -> ThreadPoolExecutor:
    """The threads that make questions' sides, shared by every engine of the process."""
    return ThreadPoolExecutor(HELPERS, thread_name_prefix="question-side")


class QuestionSide:
    """The parts of `Engine` that look at the question and at the top passage's words."""

    def question_side(self, text: str, doc_ids=None, mode: str = "hybrid") -> Side:
        """Everything an answer to `text` needs before its vector (see the module docstring)."""
        fixed = self.correct(text)
        analysis = self.analysed(fixed.text)
        searched = " ".join(w for w in analysis.content.split() if w not in analysis.common)
        tokens = list(self.tokens(searched))
        tokens, query = (tokens, searched) if tokens else (list(self.tokens(fixed.text)), fixed.text)
        mask = self.mask(doc_ids)
        lexical = self.lexical.search(tokens, POOL, mask, text=query)
        # BM25's weight looks at every content word unless the question asks what its formulation means:
        # `X位于哪个国家` is not answered by BM25's best chunk holding X
        alpha = self.lexical_weight(content_words(analysis, tokens, term=False), lexical)
        named = self.named_documents(fixed.text) if mode == "hybrid" and not doc_ids else set()
        return Side(fixed, analysis, content_words(analysis, tokens), mask, lexical, alpha, named,
                    self.look_up(analysis))

    def look_up(self, analysis: Analysis) -> Lookups:
        """`Lookups` of the question."""
        held = (not analysis.asked or self.holds(analysis.asked)) and \
            all(any(self.holds(f) for f in forms) for forms in mentions(analysis.question))
        statement = term_statement(self, analysis.term) if about_meaning(analysis) else None
        return Lookups(held, self.spelled_out(analysis.parts), statement,
                       asked_parts(self, analysis) if statement is None else [],
                       "" if analysis.term else asked_thing(analysis.question, self.holds, self.analyzer.general,
                                                             lambda: folded_terms(cached_glossary(self))))

    def lexical_weight(self, words: list[str], lexical: dict[int, float]) -> float:
        """BM25's weight in the fusion for this question: how much of the question's content its best
        chunk holds. A question in the corpus's own words is found by BM25; a paraphrase is not, and
        its BM25 scores come from a stray word or two."""
        low, high = ALPHA
        if not lexical or low == high:
            return high
        best = max(lexical, key=lambda r: (lexical[r], -r))
        return low + (high - low) * self.coverage(words, self.chunks[best].text)

    def spelled_out(self, formulations: tuple[str, ...]) -> bool:
        """Every formulation has a statement in the glossary that defines or enumerates it."""
        return all(term_statement(self, f) is not None or parts_answer(self, (f,)) for f in formulations)

    def evidence(self, side: Side, passages: list[Passage], qvec: np.ndarray) -> Evidence:
        """Refusal evidence of the top passage: coverage of the question's content words, the cosines,
        whether it holds the count or date asked for, and whether it matches the year asked about."""
        if not passages:
            return Evidence(0.0, 0.0)
        analysis, top = side.analysis, passages[0]
        plain = text = self.passage_text(top)
        cosine = self.chunk_cosine(top.rows, qvec)
        sentence = max((s for s in (self.sentence_cosine(r, qvec) for r in top.rows) if s is not None),
                       default=0.0)
        doc = self.documents[top.doc_id]
        text += dated(doc, analysis.question) or f" {doc.title or ''}"   # the citation's title is shown too
        typed = typed_answer(analysis.question, text) and (not analysis.count or listed(text) >= analysis.count) \
            and (not analysis.years or self.matches_year(top.doc_id, text, analysis.years)) and side.looked.spelled \
            and not venue_unknown(doc, analysis.question, plain, top.doc_id in self.named_documents(analysis.question)) \
            and not place_unknown(analysis.question, plain) and not maker_unknown(doc, analysis.question) \
            and not (side.looked.contents and only_named(side.looked.contents, plain))
        rest = about_document(doc, analysis.question, side.words)
        words = side.words if rest is None else rest
        return Evidence(1.0 if top.defines or rest == [] else self.coverage(words, text), cosine, typed, sentence,
                        side.looked.held)

    def coverage(self, words: list[str], text: str) -> float:
        return coverage(words, text, self.lexical.idf, self.lexical.size)
