#!/usr/bin/env python
"""The local store and Milvus Lite side by side on the seed corpus, in one run.

`.venv/bin/python benchmarks/stores.py [--json] [-o FILE] [--questions N]`

Each store is built from scratch (every text embedded) and then asked the dev questions of
`eval/seed_gold.jsonl` in a fresh child process; its peak RSS includes Milvus Lite's
server, which runs in a thread of the same process. The parent compares the two stores' JSON answers
(found, answer, passages with offsets, citations and highlights, corrections): the agreement.
Figures: README, "Milvus store".
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import percentile  # noqa: E402

CORPUS = ROOT / "corpus"
GOLD = ROOT / "eval" / "seed_gold.jsonl"
KEEP = ("found", "answer", "passages", "corrected", "corrections")


def dev_questions(n: int | None) -> list[str]:
    """The dev half of the seed gold set (the test half is held out)."""
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    asked = [r["question"] for r in rows if r.get("split") == "dev"]
    return asked[:n] if n else asked


def answer_key(result: dict) -> str:
    return json.dumps({k: result.get(k) for k in KEEP}, sort_keys=True, ensure_ascii=False)


def child(where: str, n: int | None) -> None:
    """Build `where` from scratch, open it, ask the questions: one JSON line on stdout."""
    from retrieval.indexing import stores
    from retrieval.search.engine import Engine

    started = time.perf_counter()
    report = stores.build(CORPUS, stores.as_location(where), reuse=False)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    engine = Engine.open(where, CORPUS, build=False)
    open_s = time.perf_counter() - started
    asked = dev_questions(n)
    for q in asked[:3]:
        engine.ask(q)                      # warm-up (corrector, caches)
    answers, seconds = [], []
    for q in asked:
        t = time.perf_counter()
        answers.append(answer_key(engine.ask(q)))
        seconds.append(time.perf_counter() - t)
    print(json.dumps({"build_s": round(build_s, 1), "embedded": report.embedded, "open_s": round(open_s, 2),
                      "p50_ms": round(percentile([s * 1000 for s in seconds], 50), 1),
                      "p95_ms": round(percentile([s * 1000 for s in seconds], 95), 1),
                      "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "answers": answers}))


def run_store(where: str, n: int | None) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", where] + (["--questions", str(n)] if n else []),
                         capture_output=True, text=True, cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"})
    if out.returncode:
        raise SystemExit(f"{where}: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-o", type=Path, default=None, help="also write the JSON report here")
    parser.add_argument("--questions", type=int, default=None, help="only the first N dev questions")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.questions)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-stores-") as tmp:
        results = {"local": run_store(str(Path(tmp) / "local"), args.questions),
                   "milvus-lite": run_store(str(Path(tmp) / "milvus.db"), args.questions)}
    a, b = results["local"].pop("answers"), results["milvus-lite"].pop("answers")
    same = sum(x == y for x, y in zip(a, b))
    report = {"questions": len(a), "identical_answers": same, "agreement": round(same / max(1, len(a)), 4),
              "stores": results}
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if args.o:
        args.o.write_text(text + "\n", encoding="utf-8")
    print(text if args.json else render(report))
    return 0


def render(report: dict) -> str:
    rows = ["| store | build (s, all embedded) | open (s) | ask p50 (ms) | ask p95 (ms) | peak RSS (MiB) |",
            "|---|---:|---:|---:|---:|---:|"]
    for name, r in report["stores"].items():
        rows.append(f"| {name} | {r['build_s']} | {r['open_s']} | {r['p50_ms']} | {r['p95_ms']} | "
                    f"{r['peak_rss_mib']} |")
    rows.append(f"\nidentical JSON answers: {report['identical_answers']}/{report['questions']} "
                f"seed gold dev questions ({report['agreement']:.1%})")
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
