"""Formulations (提法): the quoted and curated terms of the corpus, their frequency and statements.

Terms are the short formulations quoted in the corpus (`retrieval.tokenize.quoted_terms`)
that look like formulations (a Chinese numeral in them, or quoted at least twice) plus
the curated list `retrieval/data/terms.txt`, kept only when they occur in the clean text.
Occurrences are counted on folded text (quotes, punctuation and width ignored, so
`“四强”党支部` counts for 四强党支部). Each sentence holding a term starts a statement,
which `retrieval.search.definitions` reads as `defines`, `enumerates` or `mentions` the term and
which may run on, within its paragraph, into the sentences that explain the term.
Statements are ranked best explanation first: `term_statement` gives it for a bare term.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from retrieval.search.align import fold_text
from retrieval.search.definitions import Reading, kind_of, rank, read  # noqa: F401  (kind_of: public)
from retrieval.ingest.sentences import sentence_spans
from retrieval.search.slices import source_dict
from retrieval.tokenize import SUFFIXES, load_terms, quoted_terms

NUMERAL = re.compile(r"[一二两三四五六七八九十双]")
GLOSSARY = "glossary.jsonl"     # the glossary as the build stores it in a generation


@dataclass(frozen=True)
class Statement:
    """A sentence holding the term, with any sentences explaining it after it in its paragraph:
    `documents[doc_id].text[start:end]`."""

    doc_id: str
    start: int
    end: int
    kind: str
    # the rest of its rank (`definitions.rank`), stored so that an append can merge new statements in
    strong: bool = field(default=False, compare=False)
    explained: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Term:
    term: str
    count: int
    documents: int
    statements: tuple[Statement, ...]   # best explanation first; mentions last
    # (doc_id, occurrences) of each document holding it, in index order: what an append needs
    # (`retrieval.indexing.glossary_append`); the engine's load leaves it empty
    held: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)


def cached_glossary(engine) -> dict[str, Term]:
    """The glossary the index stores (`glossary.jsonl`, read at load), or for an index built before it was
    stored (a local one or a Milvus store's), built once from the documents, kept with the engine and
    rebuilt only when it has reloaded its documents; the engine's load starts that build in a thread
    (`Engine.warm_up`).

    Each engine holds its own (documents, glossary) pair, set in one assignment, so two engines in
    one process (the app and a test, two indexes) do not rebuild each other's glossary in turn.
    """
    with getattr(engine, "glossary_lock", None) or nullcontext():   # the engine's load builds it in a thread
        documents = engine.documents
        cached = getattr(engine, "glossary_cache", None)
        if cached is None or cached[0] is not documents:
            cached = (documents, build_glossary(engine))
            engine.glossary_cache = cached
        return cached[1]


def folded_terms(glossary: dict[str, Term]) -> dict[str, Term]:
    """{folded term: Term} of a glossary, made once per glossary (`variants` looks terms up by it)."""
    cached = _by_fold.get(id(glossary))
    if cached is None or cached[0] is not glossary:
        cached = (glossary, {fold_text(t.term): t for t in glossary.values()})
        _by_fold.clear()          # one glossary at a time is the common case; the next rebuilds its own
        _by_fold[id(glossary)] = cached
    return cached[1]


_by_fold: dict[int, tuple[dict, dict]] = {}


def candidate_terms(texts: list[str]) -> list[str]:
    """The terms a glossary of these texts looks for; the same for the texts in any order."""
    return candidates(*quote_stats(texts))


def quote_stats(texts: list[str]) -> tuple[set[str], Counter]:
    """The quoted terms of the texts (`quoted_terms`) and how often each `“s”` occurs in them: what
    `candidates` reads, and what two sets of texts add up to (`set |`, `Counter +`)."""
    marked = Counter()
    for text in texts:            # text by text: a quote never runs from one document into the next
        marked.update(quote_counts(text))
    return set(quoted_terms(texts)), marked


def candidates(quoted: set[str], marked: Counter) -> list[str]:
    """The quoted terms that look like formulations (a numeral, or quoted twice), and the curated ones."""
    keep = [t for t in quoted if re.search(r"[\u4e00-\u9fff]", t) and (NUMERAL.search(t) or marked[t] >= 2)]
    return sorted(set(keep) | set(load_terms()))


def quote_counts(text: str) -> Counter:
    """{s: how often `“s”` occurs in `text`} for every s without curly quotes, in one pass: each
    occurrence of `“s”` is a match of CURLY, the matches never overlap (`text.count` for each term,
    before, scanned the whole corpus once a term: 14 s of 61 at 100,000 chunks)."""
    return Counter(m.group(1) for m in CURLY.finditer(text))


CURLY = re.compile(r"“([^“”]*)”")


def build_glossary(engine) -> dict[str, Term]:
    """Every formulation that occurs in the engine's documents, most frequent first."""
    return glossary_of(engine.documents)


def glossary_of(documents: dict) -> dict[str, Term]:
    """Every formulation that occurs in the documents ({doc_id: Document}, in index order), most frequent first.

    Counted term by term over the folded documents, then read document by document: each document's
    sentences are found once for all the terms it holds (term by term, a document holding five terms
    was split into sentences five times)."""
    docs = list(documents.values())
    folded = {d.doc_id: fold_text(d.text) for d in docs}
    counts: dict[str, dict[str, int]] = {}       # term -> {doc_id: occurrences}, documents holding it only
    needles: dict[str, str] = {}
    for term in candidate_terms([d.text for d in docs]):
        needle = fold_text(term)
        held = {d: n for d, f in folded.items() if (n := f.count(needle))} if needle else {}
        if held:
            counts[term], needles[term] = held, needle
    holding: dict[str, list[str]] = {}          # doc_id -> the terms it holds, in candidate order
    for term, held in counts.items():
        for doc_id in held:
            holding.setdefault(doc_id, []).append(term)
    found: dict[str, list[tuple[Statement, Reading]]] = {term: [] for term in counts}
    for doc_id, doc in documents.items():
        if doc_id in holding:
            groups = paragraph_sentences(doc)
            for term in holding[doc_id]:
                found[term] += doc_statements(doc, term, needles[term], groups)
    order = {d: i for i, d in enumerate(documents)}
    return by_frequency(term_of(term, held, [st for st, _ in found[term]], order) for term, held in counts.items())


def term_of(term: str, held: dict[str, int], found: list[Statement], order: dict[str, int]) -> Term:
    """The entry of a term held `held` ({doc_id: occurrences}, in index order) with the statements `found`."""
    return Term(term, sum(held.values()), len(held), ranked(found, held, order), tuple(held.items()))


def by_frequency(terms) -> dict[str, Term]:
    """{term: Term}, the most frequent first (then by the term)."""
    return dict(sorted(((t.term, t) for t in terms), key=lambda kv: (-kv[1].count, kv[0])))


def ranked(found: list[Statement], counts: dict[str, int], order: dict[str, int]) -> tuple[Statement, ...]:
    """A term's statements, best first: definitions and enumerations (explicit before a bare
    `X是…`, fuller before shorter, in the document using the term most), then mentions."""
    return tuple(sorted(found, key=lambda st: (*rank(Reading(st.kind, 0, st.explained, st.strong)),
                                               -counts[st.doc_id], order[st.doc_id], st.start)))


def doc_statements(doc, term: str, needle: str, groups=None) -> list[tuple[Statement, Reading]]:
    """Each sentence holding the term starts a statement, unless an earlier one already covers it
    (`groups`: the document's `paragraph_sentences`, when already known)."""
    found = []
    for spans in paragraph_sentences(doc) if groups is None else groups:
        texts = [doc.text[s:e] for s, e in spans]
        i = 0
        while i < len(spans):
            if needle in folded_text(texts[i]):
                reading = read(texts, i, term)
                statement = Statement(doc.doc_id, spans[i][0], spans[reading.last][1], reading.kind,
                                      reading.strong, reading.explained)
                found.append((statement, reading))
                i = reading.last
            i += 1
    return found


@lru_cache(maxsize=16384)
def folded_text(text: str) -> str:
    """`fold(text).text`, remembered: the glossary looks for each of its terms in every sentence."""
    return fold_text(text)


def paragraph_sentences(doc) -> list[list[tuple[int, int]]]:
    """Sentence spans of the document grouped by paragraph (lines when it has no paragraphs)."""
    groups: dict[int, list[tuple[int, int]]] = {}
    for s, e in sentence_spans(doc.text):
        key = doc.paragraph_at(s) if doc.paragraphs else doc.text.count("\n", 0, s)
        groups.setdefault(key, []).append((s, e))
    return list(groups.values())


def term_dict(engine, term: Term) -> dict:
    """JSON of one formulation: term, count, documents, statements with kind, text and source."""
    items = []
    for st in term.statements:
        doc = engine.documents[st.doc_id]
        items.append({"kind": st.kind, "text": doc.text[st.start:st.end],
                      "source": source_dict(doc, st.start, st.end)})
    return {"term": term.term, "count": term.count, "documents": term.documents, "statements": items}


def lookup(engine, term: str, glossary: dict[str, Term] | None = None) -> Term | None:
    """The formulation `term` names, folded (quotes, width, traditional characters ignored);
    failing that, the one with or without a trailing 党支部 / 问题 / 党员 / 党组织."""
    found = variants(engine, term, glossary)
    return found[0] if found else None


def term_statement(engine, term: str, glossary: dict[str, Term] | None = None) -> Statement | None:
    """The best statement defining or enumerating the formulation `term` (as `lookup` finds it,
    trying the suffix variant when the term itself is only mentioned), else None."""
    for found in variants(engine, term, glossary):
        if found.statements and found.statements[0].kind != "mentions":
            return found.statements[0]
    return None


def variants(engine, term: str, glossary: dict[str, Term] | None) -> list[Term]:
    """Glossary entries for the folded term, then for its suffix variants."""
    wanted = fold_text(term or "")
    if not wanted:
        return []
    glossary = cached_glossary(engine) if glossary is None else glossary
    by_fold = folded_terms(glossary)
    cut = [len(s) for s in SUFFIXES if wanted.endswith(s) and len(wanted) > len(s) + 1]
    bare = wanted[:-cut[0]] if cut else wanted
    keys = [wanted, bare] + [bare + s for s in SUFFIXES]
    return [by_fold[k] for k in dict.fromkeys(keys) if k in by_fold]


def save_glossary(path: Path, glossary: dict[str, Term]) -> None:
    """The glossary as JSON lines, most frequent term first: term, count, documents, its statements
    as [doc_id, start, end, kind, strong, explained], best first, and the documents holding it as
    [doc_id, occurrences] (the build writes it beside the index: `glossary.jsonl`)."""
    with open(path, "w", encoding="utf-8") as fh:
        for t in glossary.values():
            statements = [[s.doc_id, s.start, s.end, s.kind, int(s.strong), s.explained] for s in t.statements]
            fh.write(json.dumps({"term": t.term, "count": t.count, "documents": t.documents,
                                 "statements": statements, "held": [list(h) for h in t.held]},
                                ensure_ascii=False) + "\n")


def load_glossary(path: Path, held: bool = False) -> dict[str, Term]:
    """The glossary `save_glossary` wrote, in its order; with `held`, each term's documents too (an
    append reads them; a glossary written before they were stored gives none)."""
    with open(path, encoding="utf-8") as fh:
        return glossary_from_lines(fh, held)


def glossary_from_lines(lines, held: bool = False) -> dict[str, Term]:
    """The glossary from the lines of `glossary.jsonl` (a file, or the Milvus store's copy of it)."""
    out = {}
    for line in lines:
        r = json.loads(line)
        statements = tuple(Statement(x[0], x[1], x[2], x[3], *(bool(x[4]), x[5])[:len(x) - 4])
                           for x in r["statements"])
        docs = tuple((d, n) for d, n in r.get("held", ())) if held else ()
        out[r["term"]] = Term(r["term"], r["count"], r["documents"], statements, docs)
    return out
