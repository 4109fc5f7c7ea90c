"""The seed gold set (`eval/seed_gold.jsonl`): ranking quality and honest refusals.

Answerable questions count a hit when a passage comes from one of the expected
documents and contains one of the expected spans (folded). Unanswerable ones are
right when `found` is false. Off-topic questions from CMRC 2018 asked of the seed
corpus add a larger set of questions the corpus cannot answer.
"""
from __future__ import annotations

import json
from pathlib import Path

from retrieval.engine import MODES, Engine
from retrieval.evaluate.metrics import contains_answer, highlighted_share, in_highlights
from retrieval.refusal import decide

GOLD = Path(__file__).resolve().parents[2] / "eval" / "seed_gold.jsonl"


def load_gold(path: Path = GOLD) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def first_hit(engine: Engine, passages, item: dict) -> int | None:
    """1-based rank of the first passage that answers `item`, or None."""
    docs = set(item.get("docs") or [item["doc"]])
    for rank, p in enumerate(passages, start=1):
        doc = engine.documents[p.doc_id]
        shown = " ".join((doc.text[p.start:p.end], doc.author, doc.title, doc.source, doc.date))  # + citation
        if p.doc_id in docs and contains_answer(shown, item["answer"]):
            return rank
    return None


def ranking(engine: Engine, items: list[dict], mode: str) -> dict:
    ranks = []
    for item in items:
        passages, _ = engine.retrieve(item["question"], 5, mode=mode)
        ranks.append(first_hit(engine, passages, item))
    n = len(ranks) or 1
    return {"hit_at_1": round(sum(r == 1 for r in ranks) / n, 3),
            "hit_at_5": round(sum(r is not None for r in ranks) / n, 3),
            "mrr_at_5": round(sum(1 / r for r in ranks if r) / n, 3), "questions": len(ranks)}


def evidence(engine: Engine, questions: list[str]) -> list:
    return [engine.retrieve(q, 5)[1] for q in questions]


def refusal(answerable: list, unanswerable: list, offtopic: list, **thresholds) -> dict:
    """Rates for one threshold setting, over evidence lists of the three kinds."""
    def share(items, value):
        return round(sum(decide(e, **thresholds) == value for e in items) / (len(items) or 1), 3)
    return {"refusal_accuracy": share(unanswerable, False),
            "offtopic_refusal": share(offtopic, False),
            "false_refusals": share(answerable, False),
            "false_answers": share(unanswerable + offtopic, True)}


def evaluate(engine: Engine, offtopic_questions: list[str], items: list[dict] | None = None) -> dict:
    items = load_gold() if items is None else items
    answerable = [i for i in items if i["doc"]]
    unanswerable = [i["question"] for i in items if not i["doc"]]
    report = {mode: ranking(engine, answerable, mode) for mode in MODES}
    ev = [evidence(engine, [i["question"] for i in answerable]), evidence(engine, unanswerable),
          evidence(engine, offtopic_questions)]
    report["refusal"] = refusal(*ev)
    report["calibration"] = {f"coverage>={c} or cosine>={d}": refusal(*ev, min_coverage=c, min_cosine=d)
                             for c in (0.4, 0.5, 0.6, 0.7) for d in (0.74, 0.76, 0.78)}
    report["by_type"] = by_type(engine, answerable)
    report["highlights"] = highlighting(engine, answerable)
    return report


def highlighting(engine: Engine, answerable: list[dict]) -> dict:
    """Over the questions whose top-1 passage contains the answer: the share with the answer inside
    a highlighted sentence, and the share of the passage highlighted."""
    inside, shares = [], []
    for item in answerable:
        qvec = engine.embed_query(item["question"])
        passages, _ = engine.retrieve(item["question"], 5, qvec=qvec)
        if not passages or first_hit(engine, passages[:1], item) != 1:
            continue
        top = passages[0]
        text = engine.documents[top.doc_id].text[top.start:top.end]
        if not contains_answer(text, item["answer"]):
            continue                       # answered by the citation line (author, source), not the text
        marks = engine.highlighter(item["question"], qvec)(top)
        inside.append(in_highlights(text, marks, item["answer"]))
        shares.append(highlighted_share(text, marks))
    n = len(inside) or 1
    return {"answer_in_highlight": round(sum(inside) / n, 3),
            "highlighted_share": round(sum(shares) / n, 3), "questions": len(inside)}


def by_type(engine: Engine, answerable: list[dict]) -> dict:
    types = sorted({i["type"] for i in answerable})
    return {t: ranking(engine, [i for i in answerable if i["type"] == t], "hybrid")["hit_at_1"]
            for t in types}
