"""The glossary of an append's generation, from the live generation's glossary and the documents that
change, equal to the one a full build computes (`glossary.glossary_of`) without reading the whole corpus.

A formulation's entry depends only on the documents holding it (its occurrences, its statements, and
their order, which is the index order: kept documents keep theirs, added ones come last), and on
whether it is a candidate at all (`candidate_terms`: quoted, with a numeral or twice, or curated).
A term that neither an added nor a removed document holds, folded, keeps its entry as it was: no
document holding it changed and, since quoting it would hold it, its candidacy did not either. The
others are made again from their kept documents (the stored `held` and statements, or, for a term
that only now becomes a candidate, the kept documents read for it) and the added documents.
A glossary stored without `held` (written before it was) gives None: then the caller computes it whole.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from retrieval.search.align import fold_text
from retrieval.search.glossary import Term, by_frequency, candidates, doc_statements, quote_stats, term_of
from retrieval.types import Document


def appended(old: Mapping[str, Term], kept: Mapping[str, Document], removed: Sequence[Document],
             added: Sequence[Document]) -> dict[str, Term] | None:
    """The glossary of the documents `kept` (live generation's order) then `added`, given `old`, the
    glossary of `kept` and `removed` (loaded with `held`); None when `old` does not say which documents
    hold each term."""
    if any(sum(n for _, n in t.held) != t.count or len(t.held) != t.documents for t in old.values()):
        return None
    documents = {**kept, **{d.doc_id: d for d in added}}
    held_q, held_n = quote_stats([d.text for d in kept.values()])       # read once for both sides
    removed_q, removed_n = quote_stats([d.text for d in removed])
    added_q, added_n = quote_stats([d.text for d in added])
    before = set(candidates(held_q | removed_q, held_n + removed_n))
    added_folded = {d.doc_id: fold_text(d.text) for d in added}
    changed = [*added_folded.values(), *(fold_text(d.text) for d in removed)]
    kept_folded: dict[str, str] = {}
    order = {d: i for i, d in enumerate(documents)}
    terms = []
    for term in candidates(held_q | added_q, held_n + added_n):
        needle = fold_text(term)
        if not needle:
            continue
        if term in before and not any(needle in f for f in changed):
            if term in old:
                terms.append(old[term])       # no document holding it changed
            continue
        if term in before:                    # its kept documents are known
            prior = old.get(term)
            held = {d: n for d, n in (prior.held if prior else ()) if d in kept}
            found = [st for st in (prior.statements if prior else ()) if st.doc_id in kept]
        else:                                 # a candidate only now: read the kept documents for it
            kept_folded = kept_folded or {k: fold_text(d.text) for k, d in kept.items()}
            held = {d: n for d, f in kept_folded.items() if (n := f.count(needle))}
            found = [st for d in held for st, _ in doc_statements(kept[d], term, needle)]
        for doc_id, folded in added_folded.items():
            if n := folded.count(needle):
                held[doc_id] = n
                found += [st for st, _ in doc_statements(documents[doc_id], term, needle)]
        if held:
            terms.append(term_of(term, held, found, order))
    return by_frequency(terms)
