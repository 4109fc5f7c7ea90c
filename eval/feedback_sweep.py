"""Query-side feedback (`eval/feedback.py`) measured on dev data only (issue #11, paraphrases).

For each setting: the seed gold set's dev part (hybrid hit@1 / hit@5, hit@1 of its paraphrases, answerable
questions wrongly refused, near misses and off-topic questions refused), the phrasing set's dev frames
(answered with the formulation, wrongly refused, absent formulations refused) and DRCD's dev half (passages
with an even crc32 of their context_id: answer in the top-1 passage, and the share answered). One JSON line
per setting; question vectors are computed once.

    OMP_NUM_THREADS=1 .venv/bin/python eval/feedback_sweep.py --index I [--cache .eval-index] \\
        [--configs off,prf_b02_k3,...] [--sets seed,seed3,phrasing,drcd,drcd_dev,cmrc2018_dev] [-o out.jsonl]
    .venv/bin/python eval/feedback_sweep.py --table out.jsonl[,more.jsonl]   # the README's table

(CMRC 2018 is not used to choose: m3e-small was trained on it. The held-out parts are never asked.)
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

import feedback  # noqa: E402  (eval/feedback.py)
from retrieval.evaluate import external, gold, phrasing  # noqa: E402
from retrieval.evaluate.metrics import contains_answer  # noqa: E402
import retrieval.search.cosines as engine_module  # noqa: E402  (where SENTENCE_WEIGHT is read)
from retrieval.search.cosines import SENTENCE_WEIGHT  # noqa: E402
from retrieval.search.engine import Engine  # noqa: E402
from retrieval.search.refusal import decide  # noqa: E402

OFF = dict(DENSE_PRF=0.0, PRF_DEPTH=3, PRF_SOURCE="fused", PRF_VECTORS="chunk", CONTENT_WEIGHT=0.0,
           CONTENT_MODE="vector", RM3_WEIGHT=0.0, RM3_TERMS=10, NEIGHBOURS=0.0, NEIGHBOUR_COUNT=2, NEIGHBOUR_MIN=0.8,
           WEAK=1.0)
CONFIGS = {       # name: the settings of eval/feedback.py that differ from OFF
    "off": {},
    "prf_b02_k3": dict(DENSE_PRF=0.2),
    "prf_b05_k3": dict(DENSE_PRF=0.5),
    "prf_b02_k1": dict(DENSE_PRF=0.2, PRF_DEPTH=1),
    "prf_b02_k3_dense": dict(DENSE_PRF=0.2, PRF_SOURCE="dense"),
    "prf_b02_k1_sentence": dict(DENSE_PRF=0.2, PRF_DEPTH=1, PRF_VECTORS="sentence"),
    "prf_b02_k3_weak03": dict(DENSE_PRF=0.2, WEAK=0.3),
    "prf_b05_k3_weak05": dict(DENSE_PRF=0.5, WEAK=0.5),
    "content_03": dict(CONTENT_WEIGHT=0.3),
    "content_10": dict(CONTENT_WEIGHT=1.0),
    "content_03_mean": dict(CONTENT_WEIGHT=0.3, CONTENT_MODE="mean"),
    "content_03_max": dict(CONTENT_WEIGHT=0.3, CONTENT_MODE="max"),
    "rm3_02_t10": dict(RM3_WEIGHT=0.2),
    "rm3_02_t20": dict(RM3_WEIGHT=0.2, RM3_TERMS=20),
    "rm3_02_t20_weak03": dict(RM3_WEIGHT=0.2, RM3_TERMS=20, WEAK=0.3),
    "rm3_02_t20_weak05": dict(RM3_WEIGHT=0.2, RM3_TERMS=20, WEAK=0.5),
    "rm3_02_t20_k1_weak03": dict(RM3_WEIGHT=0.2, RM3_TERMS=20, PRF_DEPTH=1, WEAK=0.3),
    "rm3_02_t20_k5_weak03": dict(RM3_WEIGHT=0.2, RM3_TERMS=20, PRF_DEPTH=5, WEAK=0.3),
    "rm3_03_t30_weak03": dict(RM3_WEIGHT=0.3, RM3_TERMS=30, WEAK=0.3),
    "neighbours_01_n2_085": dict(NEIGHBOURS=0.1, NEIGHBOUR_COUNT=2, NEIGHBOUR_MIN=0.85),
    "neighbours_01_n2_085_weak03": dict(NEIGHBOURS=0.1, NEIGHBOUR_COUNT=2, NEIGHBOUR_MIN=0.85, WEAK=0.3),
    "neighbours_03_n1_08": dict(NEIGHBOURS=0.3, NEIGHBOUR_COUNT=1, NEIGHBOUR_MIN=0.8),
    "sentence_06": dict(SENTENCE_WEIGHT=0.6),     # the engine's own setting (0.5): chunk against best sentence
    "sentence_07": dict(SENTENCE_WEIGHT=0.7),
}


WHOLE = ("drcd_dev", "cmrc2018_dev")   # whole sets, a guard only: never chosen on (CMRC trained m3e-small)


def half(question: dict) -> str:
    """DRCD's dev half, as in eval/alpha_grid.py: passages with an even crc32 of their context_id."""
    return "dev" if zlib.crc32(question["context_id"].encode()) % 2 == 0 else "test"


def memoised(embedder) -> None:
    """Each text is embedded once per run of this script, whatever the setting."""
    encode, seen = embedder.encode, {}

    def cached(texts):
        import numpy as np

        missing = [t for t in texts if t not in seen]
        if missing:
            seen.update(zip(missing, encode(missing)))
        return np.stack([seen[t] for t in texts])
    embedder.encode = cached


def configure(setting: dict) -> None:
    for name, value in OFF.items():
        setattr(feedback, name, setting.get(name, value))
    engine_module.SENTENCE_WEIGHT = setting.get("SENTENCE_WEIGHT", SENTENCE_WEIGHT)


def seed_figures(engine: Engine, offtopic: list[str]) -> dict:
    dev = gold.evaluate(engine, offtopic, gold.load_gold(), split="dev")["dev"]
    return {"hit1": dev["hybrid"]["hit_at_1"], "hit5": dev["hybrid"]["hit_at_5"],
            "paraphrase_hit1": dev["by_type"].get("paraphrase"), "by_type": dev["by_type"],
            "false_refusals": dev["refusal"]["false_refusals"], "near_refused": dev["refusal"]["refusal_accuracy"],
            "offtopic_refused": dev["refusal"]["offtopic_refusal"]}


def batch3_figures(engine: Engine, offtopic: list[str]) -> dict:
    """Hybrid hit@1 of the dev half of batch 3 (g263-, written without reading the engine), and of its paraphrases."""
    dev = gold.evaluate(engine, offtopic, gold.load_gold(batch=3), split="dev")["dev"]
    return {"hit1": dev["hybrid"]["hit_at_1"], "paraphrase_hit1": dev["by_type"].get("paraphrase")}


def phrasing_figures(engine: Engine) -> dict:
    dev = phrasing.evaluate(engine, split="dev")["dev"]
    return {k: dev[k] for k in ("answered_with_term", "false_refusals", "wrong_passage", "absent_refused")}


def drcd_figures(engine: Engine, questions: list[dict]) -> dict:
    top1 = answered = 0
    for q in questions:
        passages, evidence = engine.retrieve(q["question"], 5)
        p = passages[0] if passages else None
        top1 += p is not None and p.doc_id == q["context_id"] and \
            contains_answer(engine.documents[p.doc_id].text[p.start:p.end], q["answers"])
        answered += decide(evidence, min_cosine=engine.min_cosine)
    return {"answer_in_top1": round(top1 / len(questions), 4), "answered": round(answered / len(questions), 4),
            "questions": len(questions)}


def measure(name: str, engines: dict, offtopic: list[str], questions: list[dict]) -> dict:
    """One setting's figures on each set of `engines` (the seed index answers "seed", "seed3" and "phrasing";
    a whole external set, by its name, is evaluated from the cache folder given)."""
    configure(CONFIGS[name])
    row, start = {"config": name, "settings": CONFIGS[name]}, time.time()
    if "seed" in engines:
        row["seed_dev"] = seed_figures(engines["seed"], offtopic)
    if "seed3" in engines:
        row["seed_batch3_dev"] = batch3_figures(engines["seed3"], offtopic)
    if "phrasing" in engines:
        row["phrasing_dev"] = phrasing_figures(engines["phrasing"])
    if "drcd" in engines:
        row["drcd_dev_half"] = drcd_figures(engines["drcd"], questions)
    for whole in WHOLE:
        if whole in engines:        # the whole set, as `python -m retrieval eval --suite NAME --hybrid-only` counts it
            report = external.evaluate(whole, engines[whole], modes=("hybrid",))
            row[whole] = {"answer_in_top1": report["hybrid"]["answer_in_top1"], **report["answered"]}
    row["seconds"] = round(time.time() - start)
    return row


def table(rows: list[dict]) -> str:
    """The README's table of a sweep's JSON lines (the lines of one setting merged)."""
    merged: dict[str, dict] = {}
    for r in rows:
        merged.setdefault(r["config"], {}).update(r)
    out = ["| setting | seed dev hit@1 / hit@5 | paraphrases hit@1: all dev / batch 3 dev | wrongly refused | near misses / "
           "off-topic refused | phrasing dev answered / wrongly refused / absent refused | DRCD dev half top-1 / answered |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for name, r in merged.items():
        s, p, d = r["seed_dev"], r["phrasing_dev"], r["drcd_dev_half"]
        b3 = r.get("seed_batch3_dev", {}).get("paraphrase_hit1")
        out.append(f"| {name} | {s['hit1']:.3f} / {s['hit5']:.3f} | {s['paraphrase_hit1']:.3f} / "
                   f"{'–' if b3 is None else f'{b3:.3f}'} | {s['false_refusals']:.3f} | "
                   f"{s['near_refused']:.3f} / {s['offtopic_refused']:.3f} | "
                   f"{p['answered_with_term']:.3f} / {p['false_refusals']:.3f} / {p['absent_refused']:.3f} | "
                   f"{d['answer_in_top1']:.4f} / {d['answered']:.3f} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", default=str(ROOT / "index"))
    ap.add_argument("--cache", default=str(ROOT / ".eval-index"))
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--sets", default="seed,phrasing,drcd")
    ap.add_argument("-o", "--output", default=None, help="append each setting's JSON line to this file")
    ap.add_argument("--table", default=None, help="print the markdown table of these files of JSON lines (comma-separated), and stop")
    args = ap.parse_args()
    if args.table:
        print(table([json.loads(line) for f in args.table.split(",") for line in open(f, encoding="utf-8")]))
        return
    sets, engines, questions = args.sets.split(","), {}, []
    if {"seed", "seed3", "phrasing"} & set(sets):
        seed = Engine.open(Path(args.index), ROOT / "corpus", build=False)
        engines |= {s: seed for s in ("seed", "seed3", "phrasing") if s in sets}
    if "drcd" in sets:
        engines["drcd"] = external.open_engine("drcd_dev", Path(args.cache))
        questions = [q for q in external.load_questions("drcd_dev") if half(q) == "dev"]
    engines |= {name: Path(args.cache) for name in WHOLE if name in sets}
    for engine in {e for e in engines.values() if isinstance(e, Engine)}:
        memoised(engine.embedder)
    offtopic = [q["question"] for q in external.load_questions("cmrc2018_dev", limit=300)]
    with feedback.installed():
        for name in args.configs.split(","):
            line = json.dumps(measure(name, engines, offtopic, questions), ensure_ascii=False)
            print(line, flush=True)
            if args.output:
                with open(args.output, "a", encoding="utf-8") as fh:
                    fh.write(line + "\n")


if __name__ == "__main__":
    main()
