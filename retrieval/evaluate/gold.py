"""The seed gold set (`eval/seed_gold.jsonl`): ranking quality and honest refusals.

Answerable questions count a hit when a passage comes from one of the expected
documents and contains one of the expected spans (folded). Unanswerable ones are
right when `found` is false. Off-topic questions from CMRC 2018 asked of the seed
corpus add a larger set of questions the corpus cannot answer. Every figure is reported
for the whole set and for each split: "dev" (tune on it) and "test" (held out, report it), and for
"novel": the test questions that are no near duplicate of a dev question (no `near_dev`, recorded by
`eval/split_gold.py`), the ones nothing tuned on dev has seen in other words.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from retrieval.search.engine import MODES, Engine
from retrieval.evaluate.metrics import contains_answer, highlighted_share, in_highlights
from retrieval.search.refusal import decide

GOLD = Path(__file__).resolve().parents[2] / "eval" / "seed_gold.jsonl"
SPLITS = ("dev", "test", "novel")     # novel: the test questions with no near duplicate among the dev ones
BATCHES = (1, 118, 263, 363, 463, 563, 663, 763, 863, 963, 1063, 1163, 1263)    # first question number of each batch written (eval/README.md): 1 = g001-g117, ...


def load_gold(path: Path = GOLD, split: str | None = None, batch: int | None = None) -> list[dict]:
    """The gold questions, or only those of one split ("dev": tune on these; "test": held out) and of
    one batch (1-7: the order they were written in)."""
    with open(path, encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh if line.strip()]
    return [i for i in items if in_split(i, split) and (batch is None or batch_of(i) == batch)]


def in_split(item: dict, split: str | None) -> bool:
    """`item` belongs to `split` (None: every split; "novel": a test question no dev question nearly repeats)."""
    if split == "novel":
        return item.get("split") == "test" and not item.get("near_dev")
    return split is None or item.get("split") == split


def batch_of(item: dict) -> int:
    number = int(item["id"].lstrip("g"))
    return sum(number >= first for first in BATCHES)


def first_hit(engine: Engine, passages, item: dict) -> int | None:
    """1-based rank of the first passage that answers `item`, or None."""
    docs = set(item.get("docs") or [item["doc"]])
    for rank, p in enumerate(passages, start=1):
        doc = engine.documents[p.doc_id]
        # the passage and its citation as shown (source labelled as `dated` labels it: 来源郑州日报; the date after
        # it, and labelled as a capture labels it: 时间2024-04-24)
        shown = " ".join((doc.text[p.start:p.end], doc.author, doc.title, f"来源{doc.source}" if doc.source else "",
                          doc.date, f"时间{doc.date}" if doc.date else "", doc.credits))
        if p.doc_id in docs and contains_answer(shown, item["answer"]):
            return rank
    return None


def ranking(engine: Engine, items: list[dict], mode: str) -> dict:
    return summary([first_hit(engine, engine.retrieve(i["question"], 5, mode=mode)[0], i) for i in items])


def summary(ranks: list[int | None]) -> dict:
    """hit@1, hit@5 and MRR@5 of first-hit ranks (None: no hit in the top 5)."""
    n = len(ranks) or 1
    return {"hit_at_1": round(sum(r == 1 for r in ranks) / n, 3),
            "hit_at_5": round(sum(r is not None for r in ranks) / n, 3),
            "mrr_at_5": round(sum(1 / r for r in ranks if r) / n, 3), "questions": len(ranks)}


def evidence(engine: Engine, questions: list[str]) -> list:
    return [engine.retrieve(q, 5)[1] for q in questions]


def evidence_and_caveat(engine: Engine, questions: list[str]) -> tuple[list, list[bool]]:
    """Per question, one retrieval: its refusal evidence, and whether an answer would say the corpus only names
    the formulation asked about (`Engine.unexplained`)."""
    sides = [engine.question_side(q) for q in questions]
    runs = [engine.retrieve(q, 5, side=side) for q, side in zip(questions, sides)]
    return [e for _, e in runs], [bool(engine.unexplained(side, p)) for side, (p, _) in zip(sides, runs)]


def refusal(answerable: list, unanswerable: list, offtopic: list, **thresholds) -> dict:
    """Rates for one threshold setting, over evidence lists of the three kinds."""
    def share(items, value):
        return round(sum(decide(e, **thresholds) == value for e in items) / (len(items) or 1), 3)
    return {"refusal_accuracy": share(unanswerable, False),
            "offtopic_refusal": share(offtopic, False),
            "false_refusals": share(answerable, False),
            "false_answers": share(unanswerable + offtopic, True)}


@dataclass
class Run:
    """One retrieval of every gold question: answerable ones in every mode (hybrid also gives the
    refusal evidence), the others and the off-topic questions once, for their evidence."""

    answerable: list[dict]
    qvecs: list
    runs: dict[str, list]            # mode -> [(passages, evidence)] per answerable question
    ranks: dict[str, list]           # mode -> first-hit rank per answerable question
    unanswerable: list[dict]
    unanswerable_evidence: list
    offtopic_evidence: list
    unanswerable_named: list         # per unanswerable question: its answer would say the corpus only names it


def run_gold(engine: Engine, items: list[dict], offtopic_questions: list[str]) -> Run:
    """Each answerable question is embedded once and retrieved once per mode."""
    answerable = [i for i in items if i["doc"]]
    unanswerable = [i for i in items if not i["doc"]]
    qvecs = [engine.embed_query(i["question"]) for i in answerable]
    runs = {mode: [engine.retrieve(i["question"], 5, mode=mode, qvec=v) for i, v in zip(answerable, qvecs)]
            for mode in MODES}
    ranks = {mode: [first_hit(engine, passages, i) for i, (passages, _) in zip(answerable, run)]
             for mode, run in runs.items()}
    unanswerable_evidence, named = evidence_and_caveat(engine, [i["question"] for i in unanswerable])
    return Run(answerable, qvecs, runs, ranks, unanswerable, unanswerable_evidence,
               evidence(engine, offtopic_questions), named)


def offtopic_split(k: int) -> str:
    """The k-th off-topic question's split: even ones dev, odd ones test."""
    return ("dev", "test")[k % 2]


def held(split: str) -> str:
    """The split of the off-topic questions asked with `split`: novel questions are test questions."""
    return "test" if split == "novel" else split


def figures(engine: Engine, run: Run, split: str | None = None) -> dict:
    """Ranking, refusal, calibration, by-type and highlight figures over one split (None: all)."""
    def keep(item):
        return in_split(item, split)
    sel = [k for k, i in enumerate(run.answerable) if keep(i)]
    report = {mode: summary([run.ranks[mode][k] for k in sel]) for mode in MODES}
    hybrid = [run.runs["hybrid"][k] for k in sel]
    ev = [[e for _, e in hybrid],
          [e for i, e in zip(run.unanswerable, run.unanswerable_evidence) if keep(i)],
          [e for k, e in enumerate(run.offtopic_evidence) if split is None or offtopic_split(k) == held(split)]]
    report["refusal"] = refusal(*ev, min_cosine=engine.min_cosine)
    # of the unanswerable questions answered, those whose answer says the corpus only names what is asked
    said = [decide(e, min_cosine=engine.min_cosine) and named
            for i, e, named in zip(run.unanswerable, run.unanswerable_evidence, run.unanswerable_named) if keep(i)]
    report["refusal"]["answered_saying_only_named"] = round(sum(said) / (len(said) or 1), 3)
    report["calibration"] = {f"coverage>={c} or cosine>={d}": refusal(*ev, min_coverage=c, min_cosine=d)
                             for c in (0.4, 0.5, 0.6, 0.7) for d in sorted({0.74, 0.76, 0.78, engine.min_cosine})}
    items, ranks = [run.answerable[k] for k in sel], [run.ranks["hybrid"][k] for k in sel]
    report["by_type"] = by_type(items, ranks)
    report["highlights"] = highlighting(engine, items, [run.qvecs[k] for k in sel], [p for p, _ in hybrid], ranks)
    report["questions"] = {"answerable": len(sel), "unanswerable": len(ev[1]), "offtopic": len(ev[2])}
    return report


def evaluate(engine: Engine, offtopic_questions: list[str], items: list[dict] | None = None,
             split: str | None = None) -> dict:
    """Every figure for the whole set ("all") and for each split ("dev", "test") of one run.
    Off-topic questions are split too (even ones dev, odd ones test). With `split`, only that split's
    questions are asked and reported (the other split is not read)."""
    items = load_gold() if items is None else items
    if split is not None:
        kept = [i for i in items if in_split(i, split)]
        offtopic = [q for k, q in enumerate(offtopic_questions) if offtopic_split(k) == held(split)]
        return {split: figures(engine, run_gold(engine, kept, offtopic))}
    run = run_gold(engine, items, offtopic_questions)
    return {"all": figures(engine, run), **{split: figures(engine, run, split) for split in SPLITS}}


def highlighting(engine: Engine, answerable: list[dict], qvecs, passages: list, ranks: list) -> dict:
    """Over the questions whose top-1 passage contains the answer: the share with the answer inside
    a highlighted sentence, and the share of the passage highlighted."""
    tops = []
    for item, qvec, found, rank in zip(answerable, qvecs, passages, ranks):
        if rank != 1:
            continue
        top = found[0]
        text = engine.documents[top.doc_id].text[top.start:top.end]
        if not contains_answer(text, item["answer"]):
            continue                       # answered by the citation line (author, source), not the text
        tops.append((item["question"], item["answer"], qvec, top, text))
    inside, share = highlight_rates(engine, tops)
    return {"answer_in_highlight": round(inside, 3), "highlighted_share": round(share, 3), "questions": len(tops)}


def highlight_rates(engine: Engine, tops: list[tuple]) -> tuple[float, float]:
    """Over (question, answers, qvec, top passage, its text) tuples: the share whose answer lies
    inside a highlighted sentence, and the mean share of the passage highlighted."""
    inside, shares = [], []
    for question, answers, qvec, top, text in tops:
        marks = engine.highlighter(question, qvec)(top)
        inside.append(in_highlights(text, marks, answers))
        shares.append(highlighted_share(text, marks))
    n = len(tops) or 1
    return sum(inside) / n, sum(shares) / n


def by_type(answerable: list[dict], ranks: list[int | None]) -> dict:
    """Hybrid hit@1 by question type."""
    types = sorted({i["type"] for i in answerable})
    return {t: summary([r for i, r in zip(answerable, ranks) if i["type"] == t])["hit_at_1"] for t in types}
