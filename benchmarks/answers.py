#!/usr/bin/env python
"""The full JSON answers of the seed gold and phrasing dev questions, one line each: run it with two
checkouts (`--code`) on one index and compare the files (`cmp`), to show a change of the engine's speed
left every answer as it was, byte for byte.

`PYTHONHASHSEED=0 OMP_NUM_THREADS=1 .venv/bin/python benchmarks/answers.py --index I [--code DIR] -o FILE`

`PYTHONHASHSEED=0`: the refusal evidence's coverage adds up the weights of a set of words, whose order, and
so the sum's last bit, changes with Python's string hashing from one process to the next (the `bm25` and
`dense` lines print that evidence; the answers of `ask` do not change).

Every dev question is asked (`ask`, as the CLI and the app do); then the seed dev questions again with
`top_k` 10, restricted to the top answer's document (`doc_ids`), and by each retriever alone
(`retrieve`, mode `bm25` and `dense`, as `eval` does); then the first 50 questions once more, after
all the others (what an engine remembers between questions must not change an answer).
`--scale N`: instead, the first N of the scale questions (CMRC 2018 and DRCD dev, `scale.questions`), each
asked once, for an index of the scale corpus (README, Scale).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUESTIONS = (("seed_gold.jsonl", "seed"), ("phrasing.jsonl", "phrasing"))
AGAIN = 50


def dev_questions() -> list[tuple[str, str]]:
    """(set, question) for every dev question of the seed gold and phrasing sets, in file order."""
    out = []
    for name, label in QUESTIONS:
        for line in (HERE.parent / "eval" / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row.get("split") == "dev":
                out.append((label, row["question"]))
    return out


def line(*parts) -> str:
    return json.dumps(parts, ensure_ascii=False, sort_keys=True)


def passages_json(passages) -> list:
    return [[p.doc_id, p.start, p.end, p.score, p.paragraph, p.rows, p.defines] for p in passages]


def answers(engine, questions: list[tuple[str, str]]):
    """The lines of the output file, in order."""
    for label, q in questions:
        yield line(label, "ask", q, engine.ask(q))
    for label, q in questions:
        if label != "seed":
            continue
        top = engine.ask(q)["passages"]
        yield line(label, "top_k 10, doc_ids", q, engine.ask(q, 10, [top[0]["doc_id"]] if top else None))
        for mode in ("bm25", "dense"):
            passages, evidence = engine.retrieve(q, 5, mode=mode)
            yield line(label, mode, q, passages_json(passages), repr(evidence))
    for label, q in questions[:AGAIN]:
        yield line(label, "again", q, engine.ask(q))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--code", type=Path, default=HERE.parent, help="the checkout whose engine runs")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--scale", type=int, metavar="N", help="the first N scale questions instead")
    args = p.parse_args(argv)
    sys.path[:0] = [str(args.code.resolve()), str(HERE)]
    from retrieval.search.engine import Engine

    engine = Engine(args.index, None, None)
    if args.scale:
        from scale import questions

        lines = (line("scale", "ask", q, engine.ask(q)) for q in questions(args.scale))
    else:
        lines = answers(engine, dev_questions())
    with open(args.output, "w", encoding="utf-8") as fh:
        for text in lines:
            fh.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
