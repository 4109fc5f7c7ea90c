"""Quotation check (引文核对): is this quotation in the corpus, verbatim, nearly, or stitched?

Verdicts (the thresholds are measured on `eval/quotes.jsonl`, see the README):
- `exact`: the quote equals a slice of one document up to punctuation, width,
  traditional/simplified form and whitespace;
- `variant`: the closest slice of one document has similarity >= VARIANT
  (1 - edit distance / longer length, on folded text); `diff` shows the changes;
- `stitched`: the quote's sentences are found (exact or variant) in different
  places, and those parts explain the quote better than any single slice;
- `partial`: some sentences are found, others are not in the corpus;
- `not_found`: nothing close enough.
Candidates come from retrieval (the whole quote, then each sentence); an exact
occurrence is looked up in every document. Quotes shorter than SHORT folded
characters are only matched exactly (they would match loosely almost anywhere).

The quote is cleaned as a document is (`retrieval.ingest.clean.clean_line`: glued pinyin
dropped, width, traditional -> simplified, punctuation) and both sides are folded
with offsets (`retrieval.search.align.fold`), so a match is a slice of the stored clean
text by construction; its ends take in the punctuation the quote has there
(`retrieval.search.align.take_marks`). `Check.quote` is the cleaned quote, the text the
diff's quote pieces concatenate to; `Check.given` is the quotation as typed.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace

from retrieval.search.align import align, diff, fold, take_marks
from retrieval.ingest.clean import clean_line
from retrieval.search.slices import source_dict
from retrieval.errors import QueryError
from retrieval.search.query import SURROGATE
from retrieval.ingest.sentences import sentence_spans

SHORT = 6            # folded characters; shorter quotes are matched exactly only
VARIANT = 0.75       # minimum similarity of a variant (README, evaluation)
STITCH_GAIN = 0.05   # parts must beat the best single slice by this much
GAP = 4              # raw characters between parts that still count as contiguous
CANDIDATES = 10      # passages retrieved per quote or part
MAX_QUOTE = 2000     # characters


@dataclass(frozen=True)
class Match:
    """Where a quote (or part) is in the corpus: `documents[doc_id].text[start:end]`."""

    doc_id: str
    start: int
    end: int
    similarity: float
    occurrences: int = 1     # exact occurrences in the corpus (> 1: ambiguous)


@dataclass(frozen=True)
class Part:
    text: str
    verdict: str
    match: Match | None


@dataclass(frozen=True)
class Check:
    quote: str
    verdict: str
    similarity: float
    match: Match | None
    parts: tuple[Part, ...] = ()
    note: str = ""
    given: str = ""          # the quotation as typed (stripped); `quote` is it cleaned


class Verifier:
    """Checks quotations against an engine's documents (folded once, on creation)."""

    def __init__(self, engine):
        self.engine = engine
        self.documents, self._folded = None, {}

    @property
    def folded(self) -> dict:
        """Folded text of every document, refreshed when the engine reloads its index."""
        if self.documents is not self.engine.documents:
            self.documents = self.engine.documents
            self._folded = {doc_id: fold(doc.text) for doc_id, doc in self.documents.items()}
        return self._folded

    def check(self, quote: str) -> Check:
        given = clean_quote(quote)
        return replace(self.check_clean(cleaned_quote(given)), given=given)

    def check_clean(self, quote: str) -> Check:
        whole = self.locate(quote)
        if whole and whole.similarity == 1.0:
            return Check(quote, "exact", 1.0, whole, self.parts(quote, whole), ambiguity(whole))
        if len(fold(quote).text) < SHORT:
            return Check(quote, "not_found", 0.0, None, (), f"shorter than {SHORT} characters: "
                                                           "only exact occurrences are reported")
        parts = self.parts(quote, whole)
        return decide(quote, whole, parts)

    def parts(self, quote: str, whole: Match | None) -> tuple[Part, ...]:
        spans = [(s, e) for s, e in sentence_spans(quote) if fold(quote[s:e]).text]
        if len(spans) < 2:
            return ()
        return tuple(self.part(quote[s:e]) for s, e in spans)

    def part(self, text: str) -> Part:
        match = self.locate(text)
        return Part(text, verdict_of(match), match if verdict_of(match) != "not_found" else None)

    def locate(self, text: str) -> Match | None:
        """The exact occurrence of `text`, else its closest slice among retrieved candidates."""
        needle = fold(text).text
        if not needle:
            return None
        match = self.exact(needle) or (self.fuzzy(text, needle) if len(needle) >= SHORT else None)
        if match is None:
            return None
        start, end = take_marks(text, self.engine.documents[match.doc_id].text, match.start, match.end)
        return replace(match, start=start, end=end)

    def exact(self, needle: str) -> Match | None:
        hits = [(doc_id, i) for doc_id, f in self.folded.items() for i in find_all(f.text, needle)]
        if not hits:
            return None
        doc_id, i = hits[0]
        start, end = self.folded[doc_id].raw_span(i, i + len(needle))
        return Match(doc_id, start, end, 1.0, len(hits))

    def fuzzy(self, text: str, needle: str) -> Match | None:
        best = None
        for doc_id, a, b in self.candidates(text):
            folded = self.folded[doc_id]
            found = align(needle, folded.text[a:b], lambda i, a=a, f=folded: f.is_break(a + i))
            if found and (best is None or found.similarity > best.similarity):
                start, end = self.folded[doc_id].raw_span(a + found.start, a + found.end)
                best = Match(doc_id, start, end, round(found.similarity, 4))
        return best

    def candidates(self, text: str) -> list[tuple[str, int, int]]:
        """Folded ranges of the paragraphs holding the retrieved passages, best first."""
        passages, _ = self.engine.retrieve(text, CANDIDATES)
        seen, ranges = set(), []
        for p in passages:
            key = (p.doc_id, p.paragraph)
            if key not in seen:
                seen.add(key)
                ranges.append((p.doc_id, *self.paragraph_range(p.doc_id, p.paragraph)))
        return ranges

    def paragraph_range(self, doc_id: str, index: int) -> tuple[int, int]:
        doc, folded = self.engine.documents[doc_id], self.folded[doc_id]
        if not doc.paragraphs:
            return 0, len(folded.text)
        para = doc.paragraphs[index]
        return bisect_left(folded.offsets, para.start), bisect_left(folded.offsets, para.end)


def clean_quote(quote) -> str:
    """The quotation, stripped, without surrogate code points (no character; UTF-8 cannot hold them)."""
    quote = SURROGATE.sub("", quote) if isinstance(quote, str) else quote
    if not isinstance(quote, str) or not quote.strip():
        raise QueryError("the quotation is empty")
    if len(quote) > MAX_QUOTE:
        raise QueryError(f"the quotation is longer than {MAX_QUOTE} characters")
    if not fold(quote).text:
        raise QueryError("the quotation has no characters to compare (only punctuation)")
    return quote.strip()


def cleaned_quote(quote: str) -> str:
    """The quotation cleaned by the rules that made the stored text (`retrieval.ingest.clean.clean_line`),
    so that `機關(guān)` compares as `机关`; line breaks become spaces. Unchanged if cleaning would
    leave nothing to compare."""
    cleaned = clean_line(quote)
    return cleaned if fold(cleaned).text else quote


def find_all(hay: str, needle: str) -> list[int]:
    hits, i = [], hay.find(needle)
    while i >= 0:
        hits.append(i)
        i = hay.find(needle, i + 1)
    return hits


def verdict_of(match: Match | None) -> str:
    if match is None or match.similarity < VARIANT:
        return "not_found"
    return "exact" if match.similarity == 1.0 else "variant"


def ambiguity(match: Match) -> str:
    if match.occurrences > 1:
        return f"occurs {match.occurrences} times in the corpus; the first occurrence is shown"
    return ""


def decide(quote: str, whole: Match | None, parts: tuple[Part, ...]) -> Check:
    """Single slice, stitched parts, partial, or not found (see the module docstring)."""
    single = whole.similarity if whole else 0.0
    joint = parts_similarity(parts)
    found = [p for p in parts if p.match]
    if found and not contiguous(parts) and joint >= single + STITCH_GAIN:
        verdict = "stitched" if len(found) == len(parts) else "partial"
        return Check(quote, verdict, round(joint, 4), None, parts)
    if whole and whole.similarity >= VARIANT:
        return Check(quote, "variant", whole.similarity, whole, parts)
    if found:
        return Check(quote, "partial", round(joint, 4), None, parts)
    return Check(quote, "not_found", round(single, 4), None, parts)


def parts_similarity(parts: tuple[Part, ...]) -> float:
    """Length-weighted similarity of the parts (a part not found counts 0)."""
    sizes = [len(fold(p.text).text) for p in parts]
    total = sum(sizes)
    score = sum(n * (p.match.similarity if p.match else 0.0) for n, p in zip(sizes, parts))
    return score / total if total else 0.0


def contiguous(parts: tuple[Part, ...]) -> bool:
    """All parts found, in one document, in order, each right after the previous one."""
    matches = [p.match for p in parts]
    if not all(matches):
        return False
    return all(b.doc_id == a.doc_id and 0 <= b.start - a.end <= GAP for a, b in zip(matches, matches[1:]))


def check_dict(engine, check: Check) -> dict:
    """The JSON shape of `python -m retrieval verify --json`."""
    data = {"quote": check.quote, "verdict": check.verdict, "similarity": check.similarity}
    data.update(match_dict(engine, check.quote, check.match))
    data["parts"] = [{"text": p.text, "verdict": p.verdict, **match_dict(engine, p.text, p.match)}
                     for p in check.parts]
    data["note"] = check.note
    data["given"] = check.given or check.quote
    return data


def match_dict(engine, quote: str, match: Match | None) -> dict:
    if match is None:
        return {"source": None, "original": None, "diff": [], "occurrences": 0}
    doc = engine.documents[match.doc_id]
    original = doc.text[match.start:match.end]
    return {"similarity": match.similarity, "source": source_dict(doc, match.start, match.end),
            "original": original, "diff": diff(quote, fold(quote), original, fold(original)),
            "occurrences": match.occurrences}
