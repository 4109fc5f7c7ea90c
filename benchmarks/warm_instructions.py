#!/usr/bin/env python
"""The instructions a warm `ask` executes beside its embedding, counted by valgrind: unlike time, they do
not bend with the load of a shared machine.

```sh
OMP_NUM_THREADS=1 .venv/bin/python benchmarks/warm_instructions.py --index I --vectors V.pkl   # once: embeds
PYTHONHASHSEED=0 OMP_NUM_THREADS=1 valgrind --tool=callgrind --toggle-collect='_operator_countOf*' \
    .venv/bin/python benchmarks/warm_instructions.py --index I --vectors V.pkl [--code DIR]
```

Loads the engine (`Engine(index, None, None)`, its warm-up made at once), answers every embedding from
the file `--vectors` (made by a first run without valgrind, with the engine of this checkout), asks 5
questions, then the `seed` questions of `benchmarks/warm.py` inside `operator.countOf`: the one function
callgrind collects in, so its `Collected` count is the instructions of those `ask`s alone.
"""
from __future__ import annotations

import argparse
import operator
import pickle
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--vectors", type=Path, required=True, help="the questions' embeddings (made if missing)")
    p.add_argument("--code", type=Path, default=HERE.parent, help="the checkout whose engine runs")
    args = p.parse_args(argv)
    from warm import asked          # (puts this checkout on sys.path; --code goes before it)

    sys.path.insert(0, str(args.code.resolve()))
    from retrieval.search.engine import Engine

    engine = Engine(args.index, None, None)
    engine.warm_up()
    questions = asked("seed", 200)
    if not args.vectors.exists():
        encode, vectors = engine.embedder.encode, {}
        engine.embedder.encode = lambda texts, progress=False: vectors.setdefault(tuple(texts), encode(texts))
        for q in questions:
            engine.ask(q)
        args.vectors.write_bytes(pickle.dumps(vectors))
        return 0
    vectors = pickle.loads(args.vectors.read_bytes())
    engine.embedder.encode = lambda texts, progress=False: vectors[tuple(texts)]
    for q in questions[:5]:
        engine.ask(q)
    operator.countOf(map(engine.ask, questions), None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
