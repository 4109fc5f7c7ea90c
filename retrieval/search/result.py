"""The JSON result of `ask`: one shape for the CLI, the app and the API."""
from __future__ import annotations

from retrieval.search.answer import Passage
from retrieval.search.query import encodable
from retrieval.search.slices import source_dict


def error_result(question, message: str) -> dict:
    return {"question": encodable(question) if isinstance(question, str) else repr(question),
            "corrected": None, "corrections": [], "found": False, "answer": None, "passages": [], "error": message}


def passage_dict(engine, rank: int, p: Passage, marks) -> dict:
    """The citation fields of the passage (`slices.source_dict`), its text, highlights and score; `part`: k when
    it is the k-th of the parts a document's outline spells out (`六大行动分别是哪六个`), absent otherwise."""
    doc = engine.documents[p.doc_id]
    return {"rank": rank, **source_dict(doc, p.start, p.end), "text": doc.text[p.start:p.end],
            "highlights": [list(h) for h in marks(p)], "score": round(float(p.score), 4)} | \
        ({"part": p.part} if p.part else {})


def by_part(passages: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """A result's passages as (before, parts, after): the parts an outline spells out (`part` 1…N, in order),
    the passages ranked before them (the one naming the formulation) and after them; ([], [], passages)
    when it has no parts."""
    parts = [p for p in passages if p.get("part")]
    if not parts:
        return [], [], list(passages)
    rest = [p for p in passages if not p.get("part")]
    return ([p for p in rest if p["rank"] < parts[0]["rank"]], parts,
            [p for p in rest if p["rank"] > parts[0]["rank"]])


def unexplained_message(term: str) -> str:
    """What an answer that only names the formulation asked about says above it (app and `ask`)."""
    return f"语料库只提到“{term}”，没有解释它的含义或列出具体内容。"


def make_result(engine, question: str, found: bool, passages: list[Passage], marks, correction=None,
                unexplained: str = "") -> dict:
    """The result; when typos were corrected (`retrieval.search.correct`), `corrected` is the question that was
    searched and `corrections` the [wrong, right] pairs (else null and []). `unexplained` (the key absent
    otherwise): the formulation asked about, which the answer only names (`Engine.unexplained`)."""
    items = [passage_dict(engine, rank, p, marks) for rank, p in enumerate(passages, start=1)]
    answer = None
    if found and items:
        top = items[0]
        answer = {"text": top["text"], "doc_id": top["doc_id"], "start": top["start"], "end": top["end"]}
    changes = list(correction.changes) if correction is not None else []
    return {"question": encodable(question), "corrected": correction.text if changes else None,
            "corrections": [list(c) for c in changes],
            "found": bool(found and items), "answer": answer, "passages": items} | \
        ({"unexplained": unexplained} if unexplained and found and items else {})
