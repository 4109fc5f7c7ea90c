#!/usr/bin/env python
"""Do two indexes of one corpus give the same answers? Every seed dev question (answerable and
unanswerable, `eval/seed_gold.jsonl`) asked of both; the whole JSON answers compared.

`OMP_NUM_THREADS=1 .venv/bin/python benchmarks/same_answers.py INDEX_A INDEX_B CORPUS`

Used to check an index made by appends (`retrieval/indexing/append.py`) against one built in full (README, Scale).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.search.engine import Engine  # noqa: E402
from retrieval.evaluate.gold import load_gold  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    a, b, corpus = argv
    engines = [Engine.open(index, corpus, build=False) for index in (a, b)]
    questions = [q["question"] for q in load_gold(split="dev")]
    differ = [q for q in questions if len({json.dumps(e.ask(q), ensure_ascii=False, sort_keys=True)
                                           for e in engines}) > 1]
    print(json.dumps({"questions": len(questions), "differ": len(differ), "examples": differ[:5]},
                     ensure_ascii=False))
    return 0 if not differ else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
