"""Finding what a manuscript quotes (引文审核, step 1): three rules, each span an exact slice.

- `marks`: a span inside Chinese quotation marks (“…”, 「…」, 『…』, ‘…’) of at least
  MIN_HAN Han characters, on one line; a span inside another one is part of it.
- `introduced`: the rest of a sentence introduced as a quotation without marks
  (`…指出：`, `…强调，`, `《意见》要求…`), to the end of that sentence. When the lead-in is
  in the source too (a corpus sentence that itself says `对标《意见》要求，…`, copied whole),
  the whole sentence is one unmarked borrowing (`corpus`).
- `corpus`: any other sentence that closely matches the corpus though it is not marked
  (an unmarked borrowing): each sentence is aligned (folded, like `verify`) with the
  chunks BM25 ranks first for it, and similarity >= CLOSE makes it a finding.
  Neighbouring matched sentences become one finding. A sentence that close to the
  corpus, character by character, shares its words, so BM25 finds its source; the
  dense side would add an embedding per sentence (16 s for the 250 sentences of a
  10,000-character manuscript on this machine while it was shared, against a 10 s budget).
Offsets are into the manuscript's text: `text[span.start:span.end]` is the quotation.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from retrieval.search.align import align, fold
from retrieval.ingest.sentences import han_count, sentence_spans

MIN_HAN = 8            # Han characters a quotation needs (shorter: a phrase, “两个维护”)
CLOSE = 0.8            # similarity to a corpus sentence that makes an unmarked sentence a finding (dev set)
NEIGHBOURS = 3         # chunks BM25 ranks first for a manuscript sentence, aligned with it
REACH = 80             # characters of corpus text either side of a candidate chunk
JOIN_GAP = 8           # corpus characters between two matched sentences that still make one borrowing
MAX_JOINED = 400       # characters of one joined borrowing (a copied page is several findings, each checkable)
PAIRS = (("“", "”"), ("「", "」"), ("『", "』"), ("‘", "’"))
VERBS = "指出|强调|要求|提出|明确|写道|号召|告诫|重申|规定|阐明|宣布"
OWN = "(?<!需要)(?<!我要)(?<!这里)(?<!特别)(?<!我想)(?<!再次)"      # `需要强调，` introduces the writer's own words
INTRODUCED = re.compile(rf"{OWN}(?:{VERBS})\s*[：:，,]\s*|(?:》|中央|党章|条例|准则|意见|通知|决定|规定)要求[：:，,]?\s*")
RULES = {"marks": "加引号的引文", "introduced": "以“指出：”“强调，”“要求”等引出、未加引号",
         "corpus": "未加引号，与语料原句高度相似"}
OPENERS = {o for o, _ in PAIRS}
STOP = re.compile(r"(?<!\d)\.(?!\d)[”’」』）)]*")
ENDS = re.compile(r"(?:[。！？!?]|\.(?!\d))+[”’」』）)]*|\n")


@dataclass(frozen=True)
class Span:
    """A candidate quotation: `text[start:end]`, with the rule that found it."""

    start: int
    end: int
    marked: bool
    rule: str
    similarity: float = 0.0      # `corpus` rule: similarity to the nearest corpus sentence


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def overlaps(span: Span, others) -> bool:
    return any(span.start < o.end and o.start < span.end for o in others)


def marked_spans(text: str) -> list[Span]:
    """Spans inside quotation marks with MIN_HAN Han characters, outermost only. Marks pair up
    like brackets, line by line (“…“领头雁”…” nests, as writers do); an unclosed mark is ignored."""
    found = [Span(*trimmed(text, s, e), True, "marks") for s, e in paired(text)]
    found = [s for s in found if han_count(text[s.start:s.end]) >= MIN_HAN]
    found.sort(key=lambda s: (s.start, -s.end))
    outer = []
    for span in found:
        if not outer or span.start >= outer[-1].end:
            outer.append(span)
    return outer


def paired(text: str) -> list[tuple[int, int]]:
    """(start, end) of the inside of every pair of matching quotation marks on one line."""
    opening = {c: o for o, c in PAIRS}          # closing mark -> its opening mark
    spans, stack = [], []
    for i, ch in enumerate(text):
        if ch == "\n":
            stack = []
        elif ch in opening and any(o == opening[ch] for o, _ in stack):
            while stack:                        # close the innermost open mark of this kind
                o, at = stack.pop()
                if o == opening[ch]:
                    spans.append((at + 1, i))
                    break
        elif ch in OPENERS:
            stack.append((ch, i))
    return spans


def introduced_spans(text: str, marked: list[Span]) -> list[Span]:
    """The rest of each sentence after `指出：`, `强调，`, `…要求`, unless it opens with a quotation
    mark (then the marks say where the quotation is)."""
    found = []
    for m in INTRODUCED.finditer(text):
        end_mark = ENDS.search(text, m.end())
        start, end = trimmed(text, m.end(), end_mark.end() if end_mark and end_mark.group() != "\n"
                             else (end_mark.start() if end_mark else len(text)))
        span = Span(start, end, False, "introduced")
        if text[start:start + 1] in OPENERS or overlaps(span, found):
            continue
        if han_count(text[start:end]) >= MIN_HAN and not any(crosses(span, s) for s in marked):
            found.append(span)
    return found


def inside(span: Span, outer: Span) -> bool:
    return outer.start <= span.start and span.end <= outer.end


def crosses(a: Span, b: Span) -> bool:
    """The spans overlap without one holding the other."""
    return a.start < b.end and b.start < a.end and not inside(a, b) and not inside(b, a)


def candidate_sentences(text: str, taken: list[Span], marked: list[Span]) -> list[tuple[int, int]]:
    """Sentences no other rule found, with enough Han characters to be a borrowing, and mostly
    outside quotation marks (a sentence that is mostly a marked quotation is that quotation)."""
    out = []
    for s, e in manuscript_sentences(text):
        han = han_count(text[s:e])
        inner = sum(han_count(text[max(s, m.start):min(e, m.end)]) for m in marked if m.start < e and s < m.end)
        if han >= MIN_HAN and 3 * inner <= han and not overlaps(Span(s, e, False, ""), taken):
            out.append((s, e))
    return out


def manuscript_sentences(text: str) -> list[tuple[int, int]]:
    """`sentence_spans`, also split after a Latin full stop that ends a sentence (`质效.`, not `3.5`)."""
    out = []
    for s, e in sentence_spans(text):
        for m in STOP.finditer(text, s, e):
            if m.end() < e:
                out.append(trimmed(text, s, m.end()))
                s = m.end()
        out.append(trimmed(text, s, e))
    return [(s, e) for s, e in out if e > s]


def corpus_spans(engine, folded_docs: dict, text: str, taken: list[Span], marked: list[Span]) -> list[Span]:
    """Sentences closely matching the corpus (see the module docstring)."""
    found = []
    for s, e in candidate_sentences(text, taken, marked):
        best = closest(engine, folded_docs, text[s:e])
        if best and best[0] >= CLOSE:
            found.append((Span(s, e, False, "corpus", round(best[0], 4)), best[1:4]))
    return joined(text, found)


def closest(engine, folded_docs: dict, sentence: str):
    """(similarity, doc_id, start, end, distance) of the corpus slice closest to `sentence`, among
    the chunks BM25 ranks first for it (and REACH characters around them)."""
    needle = fold(sentence).text
    rows = engine.lexical.search(engine.tokenizer(sentence), NEIGHBOURS) if needle else {}
    best = None
    for row in sorted(rows, key=lambda r: -rows[r]):
        chunk = engine.chunks[row]
        folded = folded_docs[chunk.doc_id]
        a, b = bisect_left(folded.offsets, chunk.start - REACH), bisect_left(folded.offsets, chunk.end + REACH)
        found = align(needle, folded.text[a:b])
        if found and (best is None or found.similarity > best[0]):
            start, end = folded.raw_span(a + found.start, a + found.end)
            best = (found.similarity, chunk.doc_id, start, end, found.distance)
    return best


def joined(text: str, found: list) -> list[Span]:
    """Neighbouring matched sentences (only spaces between them in the manuscript, no line
    break; adjacent in one corpus document; MAX_JOINED characters at most) as one finding."""
    spans: list[Span] = []
    last = None
    for span, where in found:
        if spans and last and adjacent(text, spans[-1], span, last, where):
            prev = spans.pop()
            span = Span(prev.start, span.end, False, "corpus", min(prev.similarity, span.similarity))
        spans.append(span)
        last = where
    return spans


def adjacent(text: str, prev: Span, span: Span, prev_where: tuple, where: tuple) -> bool:
    """`span` continues `prev`, in the manuscript and in the source `(doc_id, start, end)`."""
    return (where[0] == prev_where[0] and 0 <= where[1] - prev_where[2] <= JOIN_GAP
            and not text[prev.end:span.start].strip(" \t\u3000") and span.end - prev.start <= MAX_JOINED)


def borrowed_lead_in(engine, folded_docs: dict, text: str, span: Span) -> Span:
    """`span` (found by `introduced`) or, when its lead-in is in the source too (`对标《意见》要求，…`
    copied whole from a document), the whole sentence as an unmarked borrowing."""
    start = next((s for s, e in manuscript_sentences(text) if s <= span.start < e), span.start)
    lead = len(fold(text[start:span.start]).text)
    whole = closest(engine, folded_docs, text[start:span.end]) if lead >= 2 else None
    if not whole or whole[0] < CLOSE:
        return span
    part = closest(engine, folded_docs, text[span.start:span.end])
    part_distance = part[4] if part else len(fold(text[span.start:span.end]).text)
    if whole[4] - part_distance >= lead / 2:
        return span
    return Span(start, span.end, False, "corpus", round(whole[0], 4))


def detect(engine, folded_docs: dict, text: str) -> list[Span]:
    """Every candidate quotation of `text`, in manuscript order. A sentence found by `introduced`
    or `corpus` is one quotation even if part of it is in marks (the source's own marks)."""
    marked = marked_spans(text)
    introduced = [borrowed_lead_in(engine, folded_docs, text, s) for s in introduced_spans(text, marked)]
    borrowed = corpus_spans(engine, folded_docs, text, introduced, marked)
    borrowed = [b for b in borrowed if not any(crosses(b, m) for m in marked)]
    wider = introduced + borrowed
    marked = [m for m in marked if not any(inside(m, w) for w in wider)]
    return sorted(marked + wider, key=lambda s: (s.start, s.end))
