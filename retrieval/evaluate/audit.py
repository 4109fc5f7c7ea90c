"""Manuscript-audit evaluation on `eval/manuscripts.jsonl` (built by `eval/make_manuscripts.py`).

`python -m retrieval audit --eval eval/manuscripts.jsonl [--split dev|test] [--json]`.
A gold quotation is *detected* when a finding overlaps it by at least half of the shorter
of the two; a finding is *correct* when it is so matched to a gold quotation. Detection
recall and precision are given for marked quotations (gold in marks; findings of the
`marks` rule) and unmarked ones (gold without marks: introduced or borrowed plainly;
findings of the `introduced` and `corpus` rules). Verdict accuracy counts the detected
gold quotations whose finding has the gold verdict. Thresholds are chosen on `dev`.
"""
from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from retrieval.tools.audit import audit
from retrieval.errors import RetrievalError
from retrieval.tools.verify import Verifier


def load_manuscripts(path, split: str | None = None) -> list[dict]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        items = [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as exc:
        raise RetrievalError(f"cannot read the manuscript set {path}: {exc}") from exc
    return [m for m in items if split in (None, "all") or m.get("split") == split]


def matched(a: dict, b: dict) -> bool:
    common = min(a["end"], b["end"]) - max(a["start"], b["start"])
    return common > 0 and common >= 0.5 * min(a["end"] - a["start"], b["end"] - b["start"])


def score(gold: list[dict], found: list[dict]) -> dict:
    """Counts for one manuscript: per kind (marked/unmarked) gold, detected, findings, correct; verdicts."""
    counts = defaultdict(int)
    for g in gold:
        kind = "marked" if g["marked"] else "unmarked"
        hits = [f for f in found if matched(g, f)]
        counts[f"{kind}_gold"] += 1
        counts[f"{kind}_detected"] += bool(hits)
        if hits:
            counts["verdicts"] += 1
            counts["verdict_right"] += hits[0]["verdict"] == g["verdict"]
            counts[f"confusion {g['verdict']} -> {hits[0]['verdict']}"] += 1
    for f in found:
        kind = "marked" if f["marked"] else "unmarked"
        counts[f"{kind}_found"] += 1
        counts[f"{kind}_correct"] += any(matched(g, f) for g in gold)
    return counts


def ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def evaluate(engine, manuscripts: list[dict]) -> dict:
    verifier, totals, misses, seconds = Verifier(engine), defaultdict(int), [], []
    for m in manuscripts:
        t0 = time.perf_counter()
        result = audit(engine, m["text"], m["id"], verifier)
        seconds.append(time.perf_counter() - t0)
        for k, v in score(m["gold"], result["quotations"]).items():
            totals[k] += v
        misses += errors(m, result["quotations"])
    return summary(totals, len(manuscripts), seconds, misses)


def errors(m: dict, found: list[dict]) -> list[str]:
    out = []
    for g in m["gold"]:
        hits = [f for f in found if matched(g, f)]
        text = m["text"][g["start"]:g["end"]]
        if not hits:
            out.append(f"{m['id']} missed {g['how']}/{g['edit']}: {text}")
        elif hits[0]["verdict"] != g["verdict"]:
            out.append(f"{m['id']} {g['how']}/{g['edit']}: expected {g['verdict']}, got {hits[0]['verdict']} "
                       f"({hits[0]['similarity']}): {text}")
    for f in found:
        if not any(matched(g, f) for g in m["gold"]):
            out.append(f"{m['id']} extra {f['rule']} ({f['verdict']}): {f['text']}")
    return out


def summary(t: dict, n: int, seconds: list[float], misses: list[str]) -> dict:
    return {"manuscripts": n, "quotations": t["marked_gold"] + t["unmarked_gold"],
            "marked": {"gold": t["marked_gold"], "recall": ratio(t["marked_detected"], t["marked_gold"]),
                       "precision": ratio(t["marked_correct"], t["marked_found"])},
            "unmarked": {"gold": t["unmarked_gold"], "recall": ratio(t["unmarked_detected"], t["unmarked_gold"]),
                         "precision": ratio(t["unmarked_correct"], t["unmarked_found"])},
            "verdict_accuracy": ratio(t["verdict_right"], t["verdicts"]),
            "seconds_per_manuscript": round(sum(seconds) / max(1, n), 3),
            "confusion": {k[10:]: v for k, v in sorted(t.items()) if k.startswith("confusion ")},
            "errors": misses}


def print_summary(data: dict) -> None:
    print(f"{data['manuscripts']} manuscripts, {data['quotations']} gold quotations")
    print(f"{'':10} {'gold':>5} {'recall':>7} {'precision':>9}")
    for kind in ("marked", "unmarked"):
        r = data[kind]
        print(f"{kind:10} {r['gold']:>5} {fmt(r['recall']):>7} {fmt(r['precision']):>9}")
    print(f"verdict accuracy (detected quotations): {fmt(data['verdict_accuracy'])}")
    print(f"seconds per manuscript: {data['seconds_per_manuscript']}")
    print("confusion (gold -> got):", data["confusion"])
    for line in data["errors"]:
        print("  " + line)


def fmt(value) -> str:
    return "—" if value is None else f"{value:.3f}"
