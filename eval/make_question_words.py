"""Derive question words from real questions: `retrieval/data/question_words.txt`.

A question word is a word that people use when they ask and documents do not use
when they state: over the 6,743 questions of CMRC 2018 dev and DRCD dev (written by
people other than this team) against the sentences of their passages, every jieba
word (precise mode, after t2s) that occurs in at least MIN_QUESTIONS questions and is
at least MIN_RATIO times more frequent per question than per passage sentence, asked
about at least MIN_PASSAGES different passages (so a topic word that the questions of
one passage share, such as a fish family in DRCD, is not taken).

    .venv/bin/python eval/make_question_words.py      # rewrites the file; needs ../shared/eval
"""
from __future__ import annotations

import json
import logging
import re
from collections import Counter
from pathlib import Path

import jieba
import opencc

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"
OUT = ROOT / "retrieval" / "data" / "question_words.txt"
SETS = ("cmrc2018_dev", "drcd_dev")
MIN_QUESTIONS, MIN_RATIO, MIN_PASSAGES = 8, 20.0, 8
HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def rows(name: str, part: str) -> list[dict]:
    with open(SHARED / f"{name}.{part}.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def words(text: str) -> set[str]:
    return {w for w in jieba.cut(text) if HAN.match(w)}


def derive() -> list[tuple[str, int, int, float]]:
    t2s = opencc.OpenCC("t2s")
    asked = [(t2s.convert(r["question"]), r["context_id"]) for name in SETS for r in rows(name, "questions")]
    questions = [q for q, _ in asked]
    sentences = [s for name in SETS for r in rows(name, "corpus") for s in re.split(r"[。！？]", t2s.convert(r["text"]))]
    in_questions = Counter(w for q in questions for w in words(q))
    in_sentences = Counter(w for s in sentences for w in words(s))
    passages = Counter(w for w, _ in {(w, c) for q, c in asked for w in words(q)})
    out = []
    for word, n in in_questions.items():
        ratio = (n / len(questions)) / ((in_sentences[word] + 1) / len(sentences))
        if n >= MIN_QUESTIONS and ratio >= MIN_RATIO and passages[word] >= MIN_PASSAGES:
            out.append((word, n, in_sentences[word], ratio))
    return sorted(out, key=lambda r: -r[3])


def main() -> None:
    jieba.setLogLevel(logging.WARNING)
    found = derive()
    header = ["# Question words derived from CMRC 2018 dev and DRCD dev questions by eval/make_question_words.py;",
              "# do not edit by hand (rerun the script). word<TAB>questions<TAB>passage sentences<TAB>ratio"]
    lines = [f"{w}\t{n}\t{s}\t{r:.1f}" for w, n, s, r in found]
    OUT.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"{len(found)} question words -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
