#!/usr/bin/env python
"""False corrections of the typo corrector: `.venv/bin/python eval/typo_false_corrections.py`.

The questions of CMRC 2018 dev, DRCD dev, the seed gold set (but those of type `typo`)
and eval/phrasing.jsonl were typed correctly by their authors, so nearly every change
`retrieval.search.correct` makes to them is a false correction. The seed gold `typo` questions
show the other side: how many are corrected, and how many into the word their note names
(`一刚 for 一岗`). Each set is corrected against its own vocabulary: its passages (folded
to simplified characters as `retrieval.evaluate.external.load_documents` does; the seed
corpus for the last two) tokenized with the project tokenizer, with each word's document
frequency, plus the curated and quoted formulations and jieba's dictionary as the general
lexicon. Prints, per set, the number and share of questions changed, a sample of the
changes and the CPU time per question.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.ingest.corpus import load_corpus  # noqa: E402
from retrieval.search.correct import Corrector, jieba_lexicon  # noqa: E402
from retrieval.evaluate import external  # noqa: E402
from retrieval.tokenize import Tokenizer, load_terms, normalize, quoted_terms  # noqa: E402

SEED_GOLD = ROOT / "eval" / "seed_gold.jsonl"
PHRASING = ROOT / "eval" / "phrasing.jsonl"
NOTE = re.compile(r"^(\S+) for (\S+)")


def corrector_over(texts: list[str]) -> Corrector:
    """A corrector over the texts' vocabulary (word -> number of texts using it)."""
    tokenizer = Tokenizer(load_terms() + quoted_terms(texts))
    df = Counter(w for t in texts for w in set(tokenizer(t)))
    return Corrector(tokenizer.terms, df, jieba_lexicon())


def external_set(name: str) -> tuple[list[str], list[str]]:
    texts = [d.text for d in external.load_documents(name)]
    return texts, [q["question"] for q in external.load_questions(name)]


def seed_set(typos: bool) -> tuple[list[str], list[str]]:
    texts = [d.text for d in load_corpus(ROOT / "corpus").documents]
    with open(SEED_GOLD, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return texts, [r["question"] for r in rows if (r["type"] == "typo") == typos]


def phrasing_set() -> tuple[list[str], list[str]]:
    """eval/phrasing.jsonl: formulations the seed corpus has and has not, in everyday phrasings."""
    texts = [d.text for d in load_corpus(ROOT / "corpus").documents]
    with open(PHRASING, encoding="utf-8") as fh:
        return texts, [json.loads(line)["question"] for line in fh]


def typo_recall(texts: list[str]) -> dict:
    """Seed gold `typo` questions corrected, and corrected into the word their note names."""
    corrector = corrector_over(texts)
    with open(SEED_GOLD, encoding="utf-8") as fh:
        rows = [r for r in map(json.loads, fh) if r["type"] == "typo"]
    results = [(r, corrector.correct(normalize(r["question"]))) for r in rows]
    return {"set": "seed_gold typo", "questions": len(rows),
            "changed": sum(bool(c.changes) for _, c in results),
            "into_the_noted_word": sum(bool(c.changes) and noted_word(r) in c.text for r, c in results),
            "missed": [r["question"] for r, c in results if not c.changes]}


def noted_word(row: dict) -> str:
    """`一岗` of the note `一刚 for 一岗` (a note without one gives a word never found)."""
    match = NOTE.match(row.get("note", ""))
    return match.group(2) if match else "\0"


def measure(name: str, texts: list[str], questions: list[str], sample: int, seed: int) -> dict:
    corrector = corrector_over(texts)
    started = time.process_time()
    changed = []
    for question in questions:
        result = corrector.correct(normalize(question))
        if result.changes:
            changed.append((question, result))
    per_question_ms = (time.process_time() - started) * 1000 / max(len(questions), 1)
    shown = random.Random(seed).sample(changed, min(sample, len(changed)))
    return {"set": name, "questions": len(questions), "vocabulary": len(corrector.vocabulary),
            "changed": len(changed), "rate": round(len(changed) / max(len(questions), 1), 4),
            "ms_per_question": round(per_question_ms, 3),
            "sample": [f"{q} -> {r.text}  {r.changes}" for q, r in shown]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=30, help="changes shown per set")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sets = {"cmrc2018_dev": lambda: external_set("cmrc2018_dev"),
            "drcd_dev": lambda: external_set("drcd_dev"), "seed_gold": lambda: seed_set(False),
            "phrasing": phrasing_set}
    for name, load in sets.items():
        report = measure(name, *load(), args.sample, args.seed)
        sample = report.pop("sample")
        print(json.dumps(report, ensure_ascii=False))
        for line in sample:
            print("   ", line)
    print(json.dumps(typo_recall(seed_set(True)[0]), ensure_ascii=False))


if __name__ == "__main__":
    main()
