"""Formulations (提法): the quoted and curated terms of the corpus, their frequency and statements.

Terms are the short formulations quoted in the corpus (`retrieval.tokenize.quoted_terms`)
that look like formulations (a Chinese numeral in them, or quoted at least twice) plus
the curated list `retrieval/data/terms.txt`, kept only when they occur in the clean text.
Occurrences are counted on folded text (quotes, punctuation and width ignored, so
`“四强”党支部` counts for 四强党支部). Each sentence holding a term is a statement of kind
- `defines`: the term is followed by 是 / ，是 / 即 / 就是 / 是指 / ：;
- `enumerates`: the term is spelled out by a list of items, e.g.
  `政治功能强、支部班子强、党员队伍强、作用发挥强的“四强”党支部`;
- `mentions`: otherwise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.align import fold
from retrieval.sentences import sentence_spans
from retrieval.slices import source_dict
from retrieval.tokenize import load_terms, normalize, quoted_terms

NUMERAL = re.compile(r"[一二两三四五六七八九十双]")
DEFINES = re.compile(r"^[”’」』]?(?:党支部|党员)?[”’」』]?(?:，?是(?!否)|，?即|就是|是指|指的是|：)")
LIST_BEFORE = re.compile(r"(?:[^、，。；：“”]{2,14}、)+[^、，。；：“”]{2,14}的[“‘「]?$")
LIST_AFTER = re.compile(r"^[”’」』]?(?:党支部|党员)?[”’」』]?(?:，?即|：)(?:[^、。；]{2,14}、)+")
KINDS = {"defines": 0, "enumerates": 1, "mentions": 2}
QUESTION = re.compile(r"^(?:请问)?(?:什么是|何为|何谓|什么叫|怎么理解|如何理解)(.+?)[？?。！!]*$"
                      r"|^(?:请问)?(.+?)(?:是什么(?:意思)?|指什么|指的是什么|的含义|的内涵|是啥)[？?。！!]*$")


@dataclass(frozen=True)
class Statement:
    """A sentence holding the term: `documents[doc_id].text[start:end]`."""

    doc_id: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Term:
    term: str
    count: int
    documents: int
    statements: tuple[Statement, ...]   # definitions first, then enumerations, then mentions


def cached_glossary(engine) -> dict[str, Term]:
    """`build_glossary`, kept with the engine and rebuilt only when it has reloaded its documents.

    Each engine holds its own (documents, glossary) pair, set in one assignment, so two engines in
    one process (the app and a test, two indexes) do not rebuild each other's glossary in turn.
    """
    documents = engine.documents
    cached = getattr(engine, "glossary_cache", None)
    if cached is None or cached[0] is not documents:
        cached = (documents, build_glossary(engine))
        engine.glossary_cache = cached
    return cached[1]


def candidate_terms(texts: list[str]) -> list[str]:
    quoted = [t for t in quoted_terms(texts) if re.search(r"[\u4e00-\u9fff]", t)]
    joined = "".join(texts)
    keep = [t for t in quoted if NUMERAL.search(t) or joined.count(f"“{t}”") >= 2]
    return sorted(set(keep) | set(load_terms()))


def build_glossary(engine) -> dict[str, Term]:
    """Every formulation that occurs in the engine's documents, most frequent first."""
    docs = list(engine.documents.values())
    folded = {d.doc_id: fold(d.text) for d in docs}
    terms = {}
    for term in candidate_terms([d.text for d in docs]):
        needle = fold(term).text
        counts = {d: f.text.count(needle) for d, f in folded.items()} if needle else {}
        if sum(counts.values()):
            terms[term] = Term(term, sum(counts.values()), sum(1 for n in counts.values() if n),
                               statements(engine, term, needle, folded))
    return dict(sorted(terms.items(), key=lambda kv: (-kv[1].count, kv[0])))


def statements(engine, term: str, needle: str, folded: dict) -> tuple[Statement, ...]:
    found = []
    for doc_id, doc in engine.documents.items():
        if needle not in folded[doc_id].text:
            continue
        for s, e in sentence_spans(doc.text):
            if needle in fold(doc.text[s:e]).text:
                found.append(Statement(doc_id, s, e, kind_of(doc.text[s:e], term)))
    order = {d: i for i, d in enumerate(engine.documents)}
    return tuple(sorted(found, key=lambda st: (KINDS[st.kind], order[st.doc_id], st.start)))


def kind_of(sentence: str, term: str) -> str:
    """`defines`, `enumerates` or `mentions`, judged at each occurrence of the term."""
    kinds = {"mentions"}
    for at, length in occurrences(sentence, term):
        before, after = sentence[:at], sentence[at + length:]
        if LIST_BEFORE.search(before) or LIST_AFTER.search(after):
            kinds.add("enumerates")
        elif DEFINES.search(after):
            kinds.add("defines")
    return min(kinds, key=KINDS.get)


def occurrences(sentence: str, term: str) -> list[tuple[int, int]]:
    """Raw (start, length) of the term in the sentence, quote marks inside it allowed."""
    pattern = "[“”‘’「」『』]?".join(re.escape(c) for c in term if c not in "“”‘’「」『』、")
    return [(m.start(), m.end() - m.start()) for m in re.finditer(pattern, sentence)]


def term_dict(engine, term: Term) -> dict:
    """JSON of one formulation: term, count, documents, statements with kind, text and source."""
    items = []
    for st in term.statements:
        doc = engine.documents[st.doc_id]
        items.append({"kind": st.kind, "text": doc.text[st.start:st.end],
                      "source": source_dict(doc, st.start, st.end)})
    return {"term": term.term, "count": term.count, "documents": term.documents, "statements": items}


def question_term(question: str) -> str:
    """The X of `什么是X？` / `X是什么？` / `X的含义`, quote marks removed ('' if no such form)."""
    m = QUESTION.match(normalize(question or "").strip())
    if not m:
        return ""
    return re.sub(r"[“”\"‘’「」『』\s]", "", m.group(1) or m.group(2) or "")


def definition_passage(engine, question: str, glossary: dict[str, Term] | None = None):
    """(doc_id, start, end) of the sentence that spells out X for `什么是X` questions, else None.

    Only statements that define or enumerate the term count; a mere mention gives None.
    """
    wanted = fold(question_term(question)).text
    if not wanted:
        return None
    glossary = cached_glossary(engine) if glossary is None else glossary
    for term in glossary.values():
        if fold(term.term).text == wanted:
            best = term.statements[0] if term.statements else None
            if best and best.kind != "mentions":
                return best.doc_id, best.start, best.end
    return None
