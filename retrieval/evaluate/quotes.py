"""Quotation-check evaluation: verdict and location accuracy on `eval/quotes.jsonl`.

`python -m retrieval verify --eval eval/quotes.jsonl [--json]`. A location is
correct when every expected span (one per part for a stitched quote) is matched
by a reported slice of the same document that covers at least half of it and
lies at least half inside it. Location accuracy counts the quotes that have an
expected location; `not_found` quotes have none. Boundary accuracy is stricter, for
the quotes with one expected span: the reported original begins and ends on the same
letters as the expected span (its first and last non-punctuation characters, by offset),
so a quotation cut one character short counts as wrong. `--split dev|test` evaluates one
half of the set (choose settings on `dev`).
"""
from __future__ import annotations

import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from retrieval.search.align import fold
from retrieval.errors import RetrievalError
from retrieval.tools.verify import Check, Verifier


@dataclass(frozen=True)
class Outcome:
    id: str
    edit: str
    expected: str
    verdict: str
    similarity: float
    located: bool | None      # None: no expected location
    bounded: bool | None = None   # same first and last letters as the one expected span; None: n/a


def load_quotes(path, split: str | None = None) -> list[dict]:
    """The quotation set, or only its `split` half (`dev` / `test`)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        items = [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as exc:
        raise RetrievalError(f"cannot read the quotation set {path}: {exc}") from exc
    return [i for i in items if split is None or i.get("split") == split]


def letters(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Offsets of the first letter of `text[start:end]` and just after its last one."""
    offsets = fold(text[start:end], start).offsets
    return (offsets[0], offsets[-1] + 1) if offsets else None


def bounded(engine, item: dict, check: Check) -> bool | None:
    if len(item["spans"]) != 1 or item["verdict"] not in ("exact", "variant"):
        return None
    span, match = item["spans"][0], check.match
    if match is None or match.doc_id != span["doc_id"]:
        return False
    text = engine.documents[span["doc_id"]].text
    return letters(text, match.start, match.end) == letters(text, span["start"], span["end"])


def overlaps(span: dict, doc_id: str, start: int, end: int) -> bool:
    if span["doc_id"] != doc_id:
        return False
    common = min(end, span["end"]) - max(start, span["start"])
    return common >= 0.5 * (span["end"] - span["start"]) and common >= 0.5 * (end - start)


def reported(check: Check) -> list[tuple[str, int, int]]:
    matches = [check.match] if check.match else [p.match for p in check.parts if p.match]
    return [(m.doc_id, m.start, m.end) for m in matches]


def located(item: dict, check: Check) -> bool | None:
    if not item["spans"]:
        return None
    found = reported(check)
    return all(any(overlaps(span, *r) for r in found) for span in item["spans"])


def evaluate(engine, items: list[dict]) -> list[Outcome]:
    verifier = Verifier(engine)
    outcomes = []
    for item in items:
        check = verifier.check(item["quote"])
        outcomes.append(Outcome(item["id"], item["edit"], item["verdict"], check.verdict,
                                check.similarity, located(item, check), bounded(engine, item, check)))
    return outcomes


def rates(outcomes: list[Outcome]) -> dict:
    with_place = [o for o in outcomes if o.located is not None]
    with_bounds = [o for o in outcomes if o.bounded is not None]
    return {"n": len(outcomes),
            "verdict_accuracy": round(sum(o.verdict == o.expected for o in outcomes) / len(outcomes), 4),
            "location_n": len(with_place),
            "location_accuracy": round(sum(bool(o.located) for o in with_place) / len(with_place), 4)
            if with_place else None,
            "boundary_n": len(with_bounds),
            "boundary_accuracy": round(sum(bool(o.bounded) for o in with_bounds) / len(with_bounds), 4)
            if with_bounds else None}


def summary(outcomes: list[Outcome]) -> dict:
    by_edit, by_expected = defaultdict(list), defaultdict(list)
    confusion = defaultdict(int)
    for o in outcomes:
        by_edit[o.edit].append(o)
        by_expected[o.expected].append(o.similarity)
        confusion[f"{o.expected} -> {o.verdict}"] += 1
    return {"overall": rates(outcomes),
            "by_edit": {edit: rates(group) for edit, group in by_edit.items()},
            "similarity_by_expected": {k: spread(v) for k, v in by_expected.items()},
            "confusion": dict(sorted(confusion.items())),
            "errors": [o.__dict__ for o in outcomes
                       if o.verdict != o.expected or o.located is False or o.bounded is False]}


def spread(values: list[float]) -> dict:
    return {"min": min(values), "median": round(statistics.median(values), 4), "max": max(values)}


def print_summary(data: dict) -> None:
    print(f"{'edit':15} {'n':>4} {'verdict':>8} {'location':>9} {'boundary':>9}")
    rows = list(data["by_edit"].items()) + [("ALL", data["overall"])]
    for edit, r in rows:
        loc = "—" if r["location_accuracy"] is None else f"{r['location_accuracy']:.3f}"
        ends = "—" if r.get("boundary_accuracy") is None else f"{r['boundary_accuracy']:.3f}"
        print(f"{edit:15} {r['n']:>4} {r['verdict_accuracy']:>8.3f} {loc:>9} {ends:>9}")
    print("similarity by expected verdict:",
          {k: v for k, v in data["similarity_by_expected"].items()})
    print("confusion (expected -> got):", data["confusion"])
    for err in data["errors"]:
        print(f"  miss {err['id']} {err['edit']}: expected {err['expected']}, got {err['verdict']} "
              f"({err['similarity']}), located={err['located']}, bounded={err['bounded']}")
