#!/usr/bin/env python
"""Short one-line documents, as users put them in a corpus: the passages of an external set cut into
pieces of whole sentences of at most `--max-chars` characters, each piece its own `.txt` file of one
line, built through the real ingest path (`python -m retrieval build`'s `build_index`).

A question is kept when exactly one piece of its passage holds an answer; that piece is its gold
document. For hybrid, BM25 only and dense only: the answer in the top-1 passage (and that passage from
the gold document); for hybrid also the share answered (not refused: all these questions are
answerable). Questions alternate dev / test (even / odd position); choose settings on dev.

Usage: `OMP_NUM_THREADS=1 .venv/bin/python eval/short_passages.py [--set drcd_dev] [--passages 600]
[--max-chars 100] [--split dev|test|all] [--work .eval-index/short-drcd_dev]`
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from retrieval.evaluate.external import SHARED  # noqa: E402


def pieces_of(text: str, max_chars: int) -> list[str]:
    """Consecutive whole sentences, at most `max_chars` characters a piece (a longer sentence alone)."""
    out, current = [], ""
    for sentence in (s for s in re.split(r"(?<=[。！？!?])", text) if s.strip()):
        if current and len(current) + len(sentence) > max_chars:
            out.append(current)
            current = ""
        current += sentence
    return out + ([current] if current.strip() else [])


def make(name: str, passages: int, max_chars: int, corpus: Path) -> list[dict]:
    """Write the pieces into `corpus` and return the questions kept, each with its gold document."""
    rows = [json.loads(line) for line in open(SHARED / f"{name}.corpus.jsonl", encoding="utf-8")][:passages]
    corpus.mkdir(parents=True, exist_ok=True)
    by_passage: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        for k, piece in enumerate(pieces_of(row["text"], max_chars)):
            doc_id = f"{row['context_id']}-{k}"
            path = corpus / f"{doc_id}.txt"
            if not path.exists():
                path.write_text(piece.strip() + "\n", encoding="utf-8")
            by_passage.setdefault(row["context_id"], []).append((doc_id, piece))
    kept = []
    for line in open(SHARED / f"{name}.questions.jsonl", encoding="utf-8"):
        q = json.loads(line)
        gold = [d for d, piece in by_passage.get(q["context_id"], []) if any(a in piece for a in q["answers"])]
        if len(gold) == 1:
            kept.append({"question": q["question"], "answers": q["answers"], "doc": gold[0]})
    return kept


def evaluate(engine, questions: list[dict]) -> dict:
    from retrieval.evaluate.metrics import contains_answer
    from retrieval.search.refusal import decide

    modes = ("hybrid", "bm25", "dense")
    top1 = dict.fromkeys(modes, 0)
    gold1 = dict.fromkeys(modes, 0)
    answered = 0
    for q in questions:
        qvec = engine.embed_query(q["question"])
        for mode in modes:
            passages, evidence = engine.retrieve(q["question"], 5, mode=mode, qvec=qvec)
            if passages:
                p = passages[0]
                text = engine.documents[p.doc_id].text[p.start:p.end]
                gold1[mode] += p.doc_id == q["doc"]
                top1[mode] += p.doc_id == q["doc"] and contains_answer(text, q["answers"])
            if mode == "hybrid":
                answered += decide(evidence, min_cosine=engine.min_cosine)
    n = len(questions) or 1
    return {"questions": len(questions), "answer_in_top1": {m: round(v / n, 3) for m, v in top1.items()},
            "gold_document_at_1": {m: round(v / n, 3) for m, v in gold1.items()}, "answered": round(answered / n, 3)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--set", default="drcd_dev", choices=("drcd_dev", "cmrc2018_dev"))
    p.add_argument("--passages", type=int, default=600)
    p.add_argument("--max-chars", type=int, default=100)
    p.add_argument("--split", default="all", choices=("dev", "test", "all"))
    p.add_argument("--work", type=Path, default=None)
    args = p.parse_args(argv)
    from retrieval.indexing.build import build_index
    from retrieval.search.engine import Engine

    work = args.work or HERE.parent / ".eval-index" / f"short-{args.set}-{args.passages}-{args.max_chars}"
    questions = make(args.set, args.passages, args.max_chars, work / "corpus")
    build_index(work / "corpus", work / "index")       # an append or nothing when it is built already
    engine = Engine.open(work / "index", work / "corpus", build=False)
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    report = {"documents": len(list((work / "corpus").glob("*.txt"))), "set": args.set}
    for split in splits:
        chosen = [q for i, q in enumerate(questions) if (i % 2 == 0) == (split == "dev")]
        report[split] = evaluate(engine, chosen)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
