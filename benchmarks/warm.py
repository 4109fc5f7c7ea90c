#!/usr/bin/env python
"""Warm `ask` beside the bare query embedding, in one process (issue #12: p50 ≤ 1.5 times the embedding).

`OMP_NUM_THREADS=1 .venv/bin/python benchmarks/warm.py --index I [--questions seed|scale] [-n 200]
[--code DIR] [--stages] [-o FILE]`

Loads the engine on the index (`Engine(index, None, None)`, as `benchmarks/scale.py` does), asks one
question untimed (the typo corrector and the corpus lookups are made then), then, after `WARMUP` untimed
rounds, times each question's `ask` and then its `embed_query` alone (`run.measure_latency`).
Questions: `seed` — the seed gold set and the phrasing set's dev questions, distinct, on the seed
corpus's topics; `scale` — CMRC 2018 and DRCD dev questions, evenly spaced (`scale.questions`).
Then a pass of `ask` and one of `embed_query` give their mean CPU time (`cpu_ms_mean`); the memories
of what the questions brought are emptied before each pass (`forget`).
`--code DIR` runs another checkout's engine (a commit before a change: side by side on one machine).
`--stages` adds a second pass with the engine's parts timed (inclusive: a part's time holds the parts
it calls), mean ms per `ask`; since the question's side is made on a helper thread while `ask` embeds the
question, the parts of that side (correction, analysis, BM25...) overlap the embedding in wall time. The load average is read before and after: the machine is shared.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from run import measure_latency  # noqa: E402

# (label, owner, attribute): timed in `--stages`; owner `engine` is the Engine, `engine.x` its part x,
# `module` the module retrieval.search.engine (functions it calls by name)
STAGES = (
    ("correct (typos), remembered for 32 questions", "engine", "corrected"),
    ("analyse question", "engine", "analysed"),
    ("tokenize", "engine", "tokenizer"),
    ("tokenize, remembered for 32 texts (a checkout without it: none)", "engine", "tokens"),
    ("BM25 search", "engine.lexical", "search"),
    ("embed query (`encode`: a typo corrected, or before `prepare`)", "engine.embedder", "encode"),
    ("embed query in `ask` (`prepare`d, then run)", "engine.embedder", "prepare"),
    ("question side (on a helper thread beside the embedding)", "engine", "question_side"),
    ("dense search (both layers + scores)", "engine", "dense_search"),
    ("… FAISS chunk layer", "engine.dense", "search"),
    ("… FAISS sentence layer", "engine.sentences", "search"),
    ("dense scores (sentence cosines)", "engine", "dense_scores"),
    ("named documents", "engine", "named_documents"),
    ("corpus phrase lookups (holds)", "engine", "holds"),
    ("fusion weights", "engine", "weigh"),
    ("assemble passages", "engine", "assemble"),
    ("prefer definition (glossary)", "engine", "prefer_definition"),
    ("refusal evidence", "engine", "evidence"),
    ("result: passages' citations and highlights", "module", "make_result"),
)


def seed_questions() -> list[str]:
    root = HERE.parent / "eval"
    rows = [json.loads(line) for name in ("seed_gold.jsonl", "phrasing.jsonl")
            for line in (root / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return list(dict.fromkeys(r["question"] for r in rows if r.get("split") == "dev"))


def asked(kind: str, n: int) -> list[str]:
    if kind == "scale":
        from scale import questions

        return questions(n)
    pool = seed_questions()
    return pool[::max(1, len(pool) // n)][:n]


def cpu_means(engine, questions: list[str]) -> dict[str, float]:
    """Mean CPU ms (this process, all its threads) of an `ask` and of an `embed_query`, a pass each over
    the questions: on a shared machine less bent by the load than wall time."""
    out = {}
    for key, call in (("ask", engine.ask), ("embed_query", engine.embed_query)):
        forget(engine)
        started = time.process_time()
        for q in questions:
            call(q)
        out[key] = 1000 * (time.process_time() - started) / len(questions)
    return out | {"ratio": out["ask"] / out["embed_query"]}


def timed_stages(engine, questions: list[str]) -> dict[str, float]:
    """Mean ms per `ask` spent in each of STAGES (a second pass over the same questions: the last 32
    questions' corrections and analyses are still remembered from the first)."""
    module = sys.modules[type(engine).__module__]      # retrieval.search.engine (retrieval.engine before the grouping)

    spent = {label: 0.0 for label, _, _ in STAGES}
    for label, owner, name in STAGES:
        target = module if owner == "module" else engine if owner == "engine" else getattr(engine, owner[7:])
        if hasattr(target, name):      # an older checkout may lack a part
            setattr(target, name, timing(getattr(target, name), spent, label))
    forget(engine)
    started = time.perf_counter()
    for q in questions:
        engine.ask(q)
    total = time.perf_counter() - started
    return {"ask (this pass)": 1000 * total / len(questions)} | \
        {label: 1000 * s / len(questions) for label, s in spent.items()}


def forget(engine) -> None:
    """Empty the memories of what questions bring (`retrieval.tokenize.normalize` and `fold` remember the
    last 4,096 texts, the corpus phrase lookups the last 4,096 phrases; an older checkout has none), so a
    pass over the questions gains nothing from the pass before it: as in the timed pass, each question's
    text is folded and its phrases looked up anew."""
    tokenize = sys.modules.get("retrieval.tokenize")
    for memory in (getattr(tokenize, "normalize", None), getattr(tokenize, "fold", None),
                   getattr(getattr(engine, "text", None), "held", None)):
        getattr(memory, "cache_clear", lambda: None)()


def timing(call, spent: dict, label: str):
    """`call` timed into `spent[label]`; what `prepare` returns (the call that makes the vector) timed too."""
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            made = call(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started
        return timing(made, spent, label) if getattr(call, "__name__", "") == "prepare" else made
    return timed


def commit(code: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return (code / "COMMIT").read_text().strip() if (code / "COMMIT").exists() else "unknown"


def run(args) -> dict:
    try:
        from retrieval.search.engine import Engine
    except ModuleNotFoundError:          # --code: a checkout from before retrieval/ was grouped by stage
        from retrieval.engine import Engine

    out = {"index": str(args.index), "code": str(args.code), "commit": commit(args.code),
           "loadavg_start": os.getloadavg()}
    started = time.perf_counter()
    engine = Engine(args.index, None, None)
    out["load_seconds"] = time.perf_counter() - started
    questions = asked(args.questions, args.n)
    started = time.perf_counter()
    engine.ask(questions[0])
    out["first_ask_seconds"] = time.perf_counter() - started
    out |= measure_latency(engine, questions)
    out["ratio_p50"] = out["ask_ms"]["p50"] / out["embed_query_ms"]["p50"]
    out["cpu_ms_mean"] = cpu_means(engine, questions)
    if args.stages:
        out["stages_ms_per_ask"] = timed_stages(engine, questions)
    out["loadavg_end"] = os.getloadavg()
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--questions", choices=("seed", "scale"), default="seed")
    p.add_argument("-n", type=int, default=200)
    p.add_argument("--code", type=Path, default=HERE.parent, help="the checkout whose engine runs")
    p.add_argument("--stages", action="store_true", help="also time the engine's parts (a second pass)")
    p.add_argument("-o", "--output", type=Path)
    args = p.parse_args(argv)
    sys.path.insert(0, str(args.code.resolve()))
    result = run(args)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
