"""A numbered formulation spelled out by a document's outline: `明确实施“六大行动”` and then the sections
`（一）实施政治引领行动，…` … `（六）实施服务发展行动，…`.

Policy documents often name N things in one sentence and give each its own numbered section later. No
sentence lists them, so the glossary (`retrieval.search.definitions`) finds no statement; the outline
does: a run of exactly N sibling outline items (`（一）`…, `一、`…, `1.`…) numbered 1 to N, the opening
clause of each naming the formulation's head word (`行动` of 六大行动). The answer is those openings, one
cited passage each, in order. A formulation whose document has no such run (`十大行动` named once, never
listed) has none, and a question asking for its parts is still refused.
"""
from __future__ import annotations

import re
from dataclasses import replace

from retrieval.ingest.structure import outline_token
from retrieval.search.answer import Passage
from retrieval.search.definitions import strip_quotes
from retrieval.search.question import about_meaning
from retrieval.search.refusal import numeral
from retrieval.tokenize import fold

# a numbered formulation: one numeral, an optional measure word, then its head word (`六大行动`, `三个方面`, `5项任务`)
NUMBERED = re.compile(r"^(\d{1,2}|[一二两三四五六七八九十]{1,3})(?:大|个|项|条|种|类|方面的?)?(?![一二两三四五六七八九十])([\u4e00-\u9fff]{2,4})$")
OPENING = re.compile(r"^[^，。；：！？]*")     # an item's opening clause, up to its first stop
MAX_PARTS = 12
MAX_DOCUMENTS = 20     # documents holding a formulation whose outline is looked at, best statements first


def head_of(term: str) -> tuple[int, str] | None:
    """(N, head word) of a numbered formulation (`六大行动` -> (6, 行动)), else None."""
    m = NUMBERED.match(strip_quotes(term))
    if not m:
        return None
    n = numeral(m.group(1))
    return (n, m.group(2)) if n and 2 <= n <= MAX_PARTS else None


def parts_of(doc, term: str, held: bool = False) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of the opening sentence of each of the N outline items of `doc` that spell
    out `term`, in order; [] when the document has no such run of items or does not hold `term` (`held`:
    known to hold it, the glossary says so)."""
    found = head_of(term)
    if not found or not (held or fold(strip_quotes(term)) in fold(doc.text)):
        return []
    n, head = found
    runs: dict[int, list[tuple[int, int]]] = {}      # level -> the run of items open at that level: (number, paragraph)
    complete = []
    for i, p in enumerate(doc.paragraphs):
        line = doc.text[p.start:p.end]
        token = outline_token(line)
        if token is None:
            continue
        level, mark = token
        runs = {k: v for k, v in runs.items() if k <= level}     # an item closes the runs inside the one before
        number = item_value(mark)
        run = runs.get(level, [])
        run = run + [(number, i)] if number == len(run) + 1 else ([(1, i)] if number == 1 else [])
        runs[level] = run
        if len(run) == n:
            complete.append(list(run))
        elif len(run) == n + 1 and complete and complete[-1] == run[:n]:
            complete.pop()                                  # the run goes on past N: not these N things
    for run in complete:
        if all(head in fold(OPENING.match(doc.text[doc.paragraphs[i].start:]).group(0)) for _, i in run):
            return [opening(doc, i) for _, i in run]
    return []


def item_value(mark: str) -> int | None:
    """1 for `（一）`, `一、`, `1.`, `第一章`: the number of an outline mark."""
    digits = re.sub(r"[^\d一二两三四五六七八九十百]", "", mark)
    return numeral(digits) if digits else None


def opening(doc, i: int) -> tuple[int, int, int]:
    """The item's first sentence: `（一）实施政治引领行动，着力提高机关党的政治建设质量。`."""
    p = doc.paragraphs[i]
    line = doc.text[p.start:p.end]
    stop = re.search(r"[。！？；]", line)
    return p.start, p.start + (stop.end() if stop else len(line)), i


def parts_answer(engine, terms) -> list[tuple[str, int, int, int]]:
    """(doc_id, start, end, paragraph) of the items spelling out the first of `terms` that a document's outline
    spells out (`parts_of`), looked for in the documents the glossary says hold it; [] for none."""
    from retrieval.search.glossary import lookup

    for term in dict.fromkeys(t for t in terms if t and head_of(t)):
        found = lookup(engine, term)
        held = list(dict.fromkeys(s.doc_id for s in (found.statements if found else ())))
        for doc_id in held[:MAX_DOCUMENTS]:       # a formulation a large corpus names everywhere: its best ones
            parts = parts_of(engine.documents[doc_id], found.term, held=True)
            if parts:
                return [(doc_id, s, e, i) for s, e, i in parts]
    return []


def asked_parts(engine, analysis) -> list[tuple[str, int, int, int]]:
    """The parts an outline spells out (`parts_answer`) of a formulation the question asks about: the numbered
    one whose parts it asks for, the one whose meaning it asks, or a content word of an enumeration question."""
    meaning = about_meaning(analysis)
    asked = analysis.content.split() if analysis.kind == "enumeration" else ()     # `…“六大行动”都有哪些`
    return parts_answer(engine, (*analysis.parts, *((analysis.term,) if meaning else ()), *asked))


def outline_answer(engine, analysis, passages: list[Passage], top_k: int, parts=None) -> list[Passage]:
    """`passages` with the parts an outline spells out first (`asked_parts`, unless given) for a formulation the
    question asks about: what it is (`什么是六大行动`) gets first the passage naming it, then its parts; which they
    are (`六大行动分别是哪六个`, `…都有哪些`), the parts alone. Each part is its own passage, all of them shown
    (`defines`: `Engine.retrieve` keeps every one, past `top_k`). `passages` unchanged when nothing is spelled out."""
    parts = asked_parts(engine, analysis) if parts is None else parts
    if not parts:
        return passages
    score = passages[0].score if passages else 1.0
    items = [Passage(d, s, e, score, i, [engine.row_at(d, s)], defines=True, part=k)
             for k, (d, s, e, i) in enumerate(parts, start=1)]
    rest = [p for p in passages if not any(p.overlaps(o) for o in items)]
    named = [replace(p, defines=True) for p in rest[:1] if analysis.kind == "definition" and not analysis.parts
             and fold(analysis.term) in fold(engine.passage_text(p))]
    return named + items + rest[len(named):][:top_k - 1]
