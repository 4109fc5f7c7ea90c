"""The engine: load an index once, answer questions with verbatim, cited passages."""
from __future__ import annotations

import math
import threading
from functools import lru_cache
from itertools import islice
from pathlib import Path

import numpy as np

from retrieval.indexing import store, stores
from retrieval.search import marks
from retrieval.search.answer import BUDGET, Passage, merge, widen
from retrieval.search.contents import as_asked, asks_contents, only_named
from retrieval.search.corpustext import CorpusText
from retrieval.search.cosines import DenseSide
from retrieval.search.questionside import Lookups, QuestionSide, Side, helpers
from retrieval.search.correct import Correction, corrector_for
from retrieval.indexing.embed import Embedder
from retrieval.errors import QueryError
from retrieval.search.fusion import fuse, ranked
from retrieval.search.glossary import cached_glossary, term_statement
from retrieval.search.numerals import in_corpus_form
from retrieval.search.outline import outline_answer
from retrieval.indexing.integrity import read_generation
from retrieval.search.query import clean_question
from retrieval.search.question import Analysis, Analyzer, about_meaning, quoted_in
from retrieval.search.rank import PUBLISHED, TYPED_DEPTH, matches_year, prefer_typed, promoted
from retrieval.search.refusal import Evidence, decide, min_cosine_for
from retrieval.search.result import error_result, make_result
from retrieval.ingest.sentences import HAN
from retrieval.tokenize import Tokenizer, fold, normalize, word_tags
from retrieval.types import Chunk


MODES = ("hybrid", "bm25", "dense")
DEFAULT_TOP_K, MAX_TOP_K = 5, 50   # passages an answer shows
SUBSTANCE = 20     # Han characters a chunk needs to rank on its own merit ("同志们：" has 3)
NAMED_BOOST = 0.2  # passages of a document the question names by title (《…》) score 1.2 times higher
ELSEWHERE = 0.5   # ... and those of other documents half as high when it asks about that document (这篇文章)
TERM_BOOST = 0.2   # chunks that hold the formulation asked about, whole, score 1.2 times higher
YEAR_BOOST = 0.2   # passages that match a year the question names (document date, title or text) score 1.2 times higher
RECENT = 32        # questions whose correction, analysis and tokens are remembered: one answer corrects the same
                   # text 4 times (and its correction, the same folded text, again), analyses and tokenizes it twice
SENTENCE_WORDS = 8192   # corpus sentences whose words (and chunks whose folded text and widened span) are remembered


class Engine(DenseSide, QuestionSide):
    def __init__(self, index_dir: Path, corpus_dir: Path | None, model: str | None, folder: Path | None = None):
        """Load the live generation of `index_dir` (or the generation in `folder`), verified first."""
        self.index_dir, self.corpus_dir = stores.as_location(index_dir), corpus_dir and Path(corpus_dir)
        self.embedder = Embedder(model)
        self.min_cosine = min_cosine_for(self.embedder.label)   # the refusal threshold for these vectors
        self.lock = threading.Lock()
        self.glossary_lock = threading.Lock()
        self.behind = self.fallback = None
        self.reload(folder)

    @classmethod
    def open(cls, index_dir="index", corpus_dir="corpus", model=None, build=True) -> "Engine":
        """Load the index; build it first when it is missing, damaged or stale and `build` is set. When
        that build fails and the live index loads, answer from it: `engine.behind` says why (else None).
        When the live generation is damaged (and not rebuilt), the previous intact generation answers:
        `engine.fallback` says so (else None). Both are logged as warnings. How: `retrieval.search.opening`."""
        from retrieval.search.opening import open_engine

        return open_engine(cls, index_dir, corpus_dir, model, build)

    @property
    def warnings(self) -> list[str]:
        """What a reader of the answers should know: a damaged live index, an index behind its corpus."""
        return [w for w in (self.fallback, self.behind) if w]

    def reload(self, folder: Path | None = None) -> None:
        """(Re)read the live index generation (or the one in `folder`), after checking every file's size
        and checksum (`seal.check_generation`) and that each parses and agrees with the others."""
        if folder is None and stores.is_milvus(self.index_dir):      # everything from Milvus
            g = stores.load(self.index_dir, self.embedder)
            folder = g.folder
        else:
            folder = folder or store.current(self.index_dir)
            g = read_generation(folder, self.embedder)
        manifest, documents, chunks, lexical, dense = g.manifest, g.documents, g.chunks, g.lexical, g.dense
        sentences, sentence_rows, sentence_vectors, spans, terms = \
            g.sentences, g.spans[:, 0], g.sentence_vectors, g.spans, g.terms
        with self.lock:
            self.folder, self.manifest, self.fallback = folder, manifest, None
            stored = getattr(g, "glossary", None)     # stored by the build, an append and the Milvus store
            with self.glossary_lock:    # together: a warm-up thread of the last load never sees the new
                self.documents = documents      # documents with the old glossary (and builds it again)
                self.glossary_cache = None if stored is None else (documents, stored)
            self.chunks, self.lexical, self.dense = chunks, lexical, dense
            if isinstance(sentence_vectors, np.memmap):     # the same mapped memory, without memmap's
                sentence_vectors = sentence_vectors.view(np.ndarray)   # per-slice overhead (~14k slices an answer)
            self.sentences, self.sentence_rows, self.sentence_vectors = sentences, sentence_rows, sentence_vectors
            self.sentence_spans = spans[:, 1:]        # document offsets of sentence j
            # the sentences of chunk r are sentence_vectors[sentence_ptr[r]:sentence_ptr[r + 1]]
            self.sentence_ptr = np.searchsorted(sentence_rows, np.arange(len(chunks) + 1))
            self.last_cosines = None      # the last question's (`DenseSide.cosines`)
            self.tokenizer = tokenizer = Tokenizer(terms)
            self.sentence_words = lru_cache(maxsize=SENTENCE_WORDS)(lambda text: frozenset(tokenizer(text)))
            self.tokens = lru_cache(maxsize=RECENT)(lambda text: tuple(tokenizer(text)))
            self.folded_chunk = lru_cache(maxsize=SENTENCE_WORDS)(lambda row: fold(chunks[row].text))
            self.corrected = lru_cache(maxsize=RECENT)(self.correct_now)
            self.analyzer = analyzer = Analyzer(terms)
            self.analysed = lru_cache(maxsize=RECENT)(lambda text: analyzer(text, lexical.idf, self.holds))
            self.corrector = None
            self.text = CorpusText(documents)
            self.doc_rows = chunks.rows_of()
            self.substance = np.array([substance(c.text) for c in chunks], dtype="float32").tolist()
            self.widened = lru_cache(maxsize=SENTENCE_WORDS)(self.widen_now)
            self.chunk_sentences, self.passage_spans = marks.memories(documents, self.sentence_ptr, self.sentence_spans,
                                                                      SENTENCE_WORDS)
        threading.Thread(target=self.warm_up, daemon=True, name="warm-up").start()

    def warm_up(self) -> None:
        """What the first question would otherwise wait for, made at load in the background: the typo corrector,
        the question analyser's pattern of the dictionary's terms, the corpus text's lookup tables (16-44 s at
        100,000 chunks, README "Scale"), jieba's word tags and, for
        an index that stores none (built before it was stored), the glossary."""
        self.typo_corrector()
        self.analyzer.spelled
        word_tags()
        self.text.prepared()
        cached_glossary(self)

    def ask(self, question, top_k: int = DEFAULT_TOP_K, doc_ids=None) -> dict:
        """The JSON result for a question (never raises for bad input: `error` says why)."""
        try:
            text = clean_question(question)
            top_k, doc_ids = checked_top_k(top_k), self.checked_doc_ids(doc_ids)
        except QueryError as exc:
            return error_result(question, str(exc))
        if self.embedder.onnx is not None:
            # the vector made in this thread (the GIL released) while a helper makes the question's side
            # (`questionside`); from the folded question, which is the corrected one unless a typo is found
            made = self.embedder.prepare(folded := normalize(text))
            pending = helpers().submit(self.question_side, text, doc_ids)
            qvec, side = made(), pending.result()
        else:       # torch runs Python between its operations: a helper would hold them up
            side, qvec, folded = self.question_side(text, doc_ids), None, ""
        fixed = side.fixed
        if qvec is None or fixed.text != folded:        # a typo corrected, a number rewritten
            qvec = self.embedder.encode([fixed.text])[0]
        passages, evidence = self.retrieve(fixed.text, top_k, doc_ids, qvec=qvec, side=side)
        found = decide(evidence, min_cosine=self.min_cosine)
        result = make_result(self, question, found, passages, self.highlighter(fixed.text, qvec), fixed,
                             self.unexplained(side, passages) if found else "")
        return result | {"warnings": self.warnings} if self.warnings else result

    def unexplained(self, side: Side, passages: list[Passage]) -> str:
        """The formulation whose meaning or contents the question asks for when the corpus never defines or
        lists it and the top passage only names it (`一岗双责包括哪些内容`), else "": the answer says so."""
        analysis, looked = side.analysis, side.looked
        if not analysis.term or not passages or passages[0].defines or looked.parts:
            return ""
        meaning = about_meaning(analysis)
        if not meaning and not asks_contents(analysis.question):
            return ""
        term = fold(analysis.term)
        named = term in self.analyzer.terms or term in quoted_in(analysis.question)
        if not named and any(w not in analysis.common and fold(w) not in term
                             for w in analysis.content.split()):
            return ""           # a word it found rare, among others (`2025年是什么规划的收官之年`): not what is asked
        if (looked.statement if meaning else term_statement(self, analysis.term)) is not None:
            return ""           # the glossary defines or lists it (a statement not first: another passage answered)
        if not only_named(analysis.term, self.passage_text(passages[0]), unread=True):
            return ""
        return as_asked(analysis.term, analysis.question, self.holds)     # `马上就办、真抓实干`, not 真抓实干 alone

    def correct(self, text: str) -> Correction:
        """`text` folded like the index, its typos corrected against the corpus (`retrieval.search.correct`);
        the last `RECENT` folded texts' corrections are remembered."""
        return self.corrected(normalize(text))

    def correct_now(self, folded: str) -> Correction:
        """The correction of a text already `normalize`d, not remembered; its numbers first written as the
        corpus writes them (`七十五周年` -> `75周年`, `retrieval.search.numerals`): no typo to report."""
        return self.typo_corrector().correct(in_corpus_form(folded, self.holds))

    def typo_corrector(self):
        """The corrector of this index, made once (by `warm_up` at load, or by the first question that comes
        before it: about a second for a large vocabulary)."""
        with self.lock:
            if self.corrector is None:
                self.corrector = corrector_for(self.lexical, self.tokenizer.terms, self.tokenizer.lexicon)
            return self.corrector

    def checked_doc_ids(self, doc_ids) -> list[str] | None:
        """`doc_ids` as a list of known ids (one id may come as a string), None for no filter;
        `QueryError` naming the ids this index does not have."""
        if not doc_ids:
            return None
        if isinstance(doc_ids, str):
            ids = [doc_ids]
        elif isinstance(doc_ids, (list, tuple, set)):
            ids = list(doc_ids)
        else:
            raise QueryError("doc_ids must be a list of doc_id strings")
        unknown = [d for d in ids if not isinstance(d, str) or d not in self.documents]
        if unknown:
            raise QueryError(f"unknown doc_id {', '.join(repr(d)[:80] for d in unknown[:5])} "
                             "(see `python -m retrieval ingest`)")
        return ids

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.encode([self.correct(text).text])[0]

    def retrieve(self, text: str, top_k: int, doc_ids=None, mode: str = "hybrid",
                 qvec: np.ndarray | None = None, side: Side | None = None) -> tuple[list[Passage], Evidence]:
        """Passages for `text`, best first, and the evidence for the refusal decision.

        The lexical side and the refusal look at the question's content (`question.Analyzer`):
        its frame (`什么叫`, `的内涵`) is neither searched for nor required in the passage.
        `mode` "bm25" or "dense" uses one retriever only (for evaluation). `side`: the question's side
        (`questionside.QuestionSide.question_side`), when already made.
        """
        side = side or self.question_side(text, doc_ids, mode)
        analysis = side.analysis
        qvec = self.embed_query(side.fixed.text) if qvec is None else qvec
        dense = self.dense_search(qvec, side.mask)
        if mode == "bm25":
            fused = side.lexical
        elif mode == "dense":
            fused = dense
        else:
            fused = self.weigh(fuse(side.lexical, dense, self.dense_scores, qvec, side.alpha), side.named, analysis)
        passages = self.assemble(ranked(fused), fused, max(top_k, TYPED_DEPTH))
        if mode == "hybrid":
            passages = prefer_typed(analysis.question, passages, self.passage_text)
            if not doc_ids:
                passages = self.prefer_definition(analysis, passages, top_k, side.looked)
                passages = self.prefer_term(analysis, passages)
        passages = passages[:max(top_k, sum(p.defines for p in passages))]     # every part an outline spells out
        return passages, self.evidence(side, passages, qvec)

    def weigh(self, fused: dict[int, float], named: set[str], analysis: Analysis) -> dict[int, float]:
        """Scale fused scores by the chunk's substance and by the boosts: a document the question names
        (NAMED_BOOST), the formulation a question of its meaning asks about held whole (TERM_BOOST), a year it
        names (YEAR_BOOST)."""
        term, years = fold(analysis.term) if about_meaning(analysis) else "", analysis.years
        that_document = bool(PUBLISHED.search(analysis.question))

        def scale(r: int) -> float:
            doc_id, factor = self.chunks.doc_id(r), self.substance[r]
            if doc_id in named:
                factor *= 1 + NAMED_BOOST
            elif named and that_document:     # `郑州日报这篇文章…`: the question is about that document
                factor *= ELSEWHERE
            if term and term in self.folded_chunk(r):
                factor *= 1 + TERM_BOOST
            if years and self.matches_year(doc_id, self.chunks[r].text, years):
                factor *= 1 + YEAR_BOOST
            return factor
        return {r: v * scale(r) for r, v in fused.items()}

    def matches_year(self, doc_id: str, text: str, years: tuple[str, ...]) -> bool:
        return matches_year(self.documents[doc_id], text, years)

    def named_documents(self, text: str) -> set[str]:
        """Documents the question names, by title, periodical or publisher (`CorpusText.named`)."""
        return self.text.named(text)

    def prefer_definition(self, analysis: Analysis, passages: list[Passage], top_k: int,
                          looked: Lookups) -> list[Passage]:
        """For a question about a formulation (`什么叫X`, `X的内涵`, `X包括哪些内容`, `我想了解一下X`), put first the
        passage that spells X out (the glossary's defining or enumerating statement, `looked.statement`), if any."""
        statement = looked.statement
        if statement is None:     # or the sections of a document's outline spell it out (`六大行动`: （一）…（六）)
            return outline_answer(self, analysis, passages, top_k, looked.parts)
        doc_id, start, end = statement.doc_id, statement.start, statement.end
        row = self.row_at(doc_id, start)
        s, e = widen(self.documents[doc_id], Chunk(doc_id, start, end, "", int(self.chunks.paragraph[row])))
        best = Passage(doc_id, s, e, passages[0].score if passages else 1.0, int(self.chunks.paragraph[row]), [row],
                       defines=True)
        rest = [p for p in passages if not p.overlaps(best)]
        return [best] + rest[:top_k - 1]

    def prefer_term(self, analysis: Analysis, passages: list[Passage]) -> list[Passage]:
        """For a question of the meaning of a formulation of the dictionary (quoted in the corpus, or curated),
        put first the best passage holding it whole when the top one does not (and spells nothing out) and it
        scores at least TYPED_SHARE of the top (`rank.promoted`)."""
        term = fold(analysis.term) if about_meaning(analysis) else ""
        if term not in self.analyzer.terms or not passages or passages[0].defines:
            return passages
        return promoted(passages, lambda p: term in fold(self.passage_text(p)))

    def row_at(self, doc_id: str, start: int) -> int:
        return next(r for r in self.doc_rows[doc_id] if self.chunks.end[r] > start)

    def holds(self, text: str) -> bool:
        """Some document holds `text` in its title or body (folded: marks, width and script do not matter)."""
        return self.text.holds(text)

    def passage_text(self, passage: Passage) -> str:
        return self.documents[passage.doc_id].text[passage.start:passage.end]

    def mask(self, doc_ids) -> np.ndarray | None:
        if not doc_ids:
            return None
        keep = np.zeros(len(self.chunks), dtype=bool)
        for doc_id in doc_ids:
            keep[self.doc_rows.get(doc_id, [])] = True
        return keep

    def assemble(self, order: list[int], fused: dict[int, float], top_k: int) -> list[Passage]:
        passages: list[Passage] = []
        for row in order:
            doc_id, start, end, paragraph = self.widened(row)
            new = Passage(doc_id, start, end, fused[row], paragraph, [row])
            if not merge(passages, new):
                passages.append(new)
            if len(passages) >= top_k:
                break
        return passages

    def widen_now(self, row: int) -> tuple[str, int, int, int]:
        """Chunk `row`'s document, its span widened to whole sentences (`answer.widen`), its paragraph."""
        chunk = self.chunks[row]
        return (chunk.doc_id, *widen(self.documents[chunk.doc_id], chunk, BUDGET), chunk.paragraph)

    def highlighter(self, text: str, qvec: np.ndarray):
        """passage -> its highlights (`retrieval.search.marks`)."""
        return marks.highlighter(self, text, qvec)

    def passage_sentences(self, passage: Passage) -> dict[tuple[int, int], int]:
        """{(start, end): sentence j} for the embedded sentences inside the passage (`retrieval.search.marks`)."""
        return marks.passage_sentences(self, passage)


def substance(text: str) -> float:
    """How much of a chunk's own merit counts: its Han characters up to SUBSTANCE, over SUBSTANCE (the
    first SUBSTANCE are all that is counted: a pass over each chunk at load was 2 s at 100,000 chunks)."""
    return sum(1 for _ in islice(HAN.finditer(text), SUBSTANCE)) / SUBSTANCE


def checked_top_k(top_k) -> int:
    """`top_k` as a whole number from 1 to MAX_TOP_K (DEFAULT_TOP_K when missing or 0);
    `QueryError` when it is not a finite number."""
    if not top_k:
        return DEFAULT_TOP_K
    try:
        value = float(top_k)
    except (TypeError, ValueError):
        raise QueryError(f"top_k must be a number of passages, not {repr(top_k)[:40]}") from None
    if not math.isfinite(value):
        raise QueryError(f"top_k must be a finite number of passages, not {top_k}")
    return max(1, min(int(value), MAX_TOP_K))
