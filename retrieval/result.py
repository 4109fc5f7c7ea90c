"""The JSON result of `ask`: one shape for the CLI, the app and the API."""
from __future__ import annotations

from retrieval.answer import Passage


def error_result(question, message: str) -> dict:
    return {"question": question if isinstance(question, str) else repr(question),
            "found": False, "answer": None, "passages": [], "error": message}


def passage_dict(engine, rank: int, p: Passage, marks) -> dict:
    doc = engine.documents[p.doc_id]
    para = doc.paragraphs[p.paragraph] if doc.paragraphs else None
    return {
        "rank": rank, "doc_id": doc.doc_id, "path": doc.path, "title": doc.title,
        "source": doc.source, "date": doc.date,
        "section": para.section if para else "", "paragraph": para.number if para else 1,
        "page": para.page if para else None,
        "start": p.start, "end": p.end, "text": doc.text[p.start:p.end],
        "highlights": [list(h) for h in marks(p)], "score": round(float(p.score), 4),
    }


def make_result(engine, question: str, found: bool, passages: list[Passage], marks) -> dict:
    items = [passage_dict(engine, rank, p, marks) for rank, p in enumerate(passages, start=1)]
    answer = None
    if found and items:
        top = items[0]
        answer = {"text": top["text"], "doc_id": top["doc_id"], "start": top["start"], "end": top["end"]}
    return {"question": question, "found": bool(found and items), "answer": answer, "passages": items}
