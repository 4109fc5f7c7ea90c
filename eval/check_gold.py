#!/usr/bin/env python3
"""Check eval/seed_gold.jsonl against the seed corpus.

Run from the repo top:  .venv/bin/python eval/check_gold.py [--gold FILE] [--corpus DIR]

Checks: JSON validity, required fields, unique ids, allowed types, counts
(>= 80 questions, >= 15 unanswerable, >= 8 traditional, >= 10 per document),
the "split" field ("dev" or "test", as `split_gold.py` assigns it: g001-g117 dev,
later questions a fixed-seed 50/50 split stratified by type),
and that every answer span occurs in its document after folding both sides:
NFKC, removal of pinyin glosses glued after CJK characters (`機關(guān)` -> `機關`),
OpenCC t2s, lower case, and removal of everything that is not a letter or
digit (all punctuation and whitespace); the file name counts as part of the
document (the citation shows its date).  A span that also occurs in a
document not listed for the question is reported as an error, so `docs`
lists stay complete.  Exit status 0 when everything passes.
"""
from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import unicodedata
from pathlib import Path

import opencc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from split_gold import assign, near_dev  # noqa: E402

TYPES = {"definition", "fact", "paraphrase", "traditional", "enumeration", "unanswerable",
         "who", "when", "count", "typo", "keyword"}
SPLITS = ("dev", "test")
MIN_TOTAL, MIN_UNANSWERABLE, MIN_TRADITIONAL, MIN_PER_DOC = 80, 15, 8, 10
SPAN_MIN, SPAN_MAX = 4, 30

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Latin letters incl. tone-marked vowels (Latin-1 Supplement, Latin Extended-A/B, ü).
PINYIN = re.compile(rf"(?<=[{CJK}])\(([a-zA-Z\u00c0-\u024f]+(?: [a-zA-Z\u00c0-\u024f]+)*)\)")

_t2s = opencc.OpenCC("t2s")


def strip_pinyin(text: str) -> str:
    return PINYIN.sub("", text)


def fold(text: str) -> str:
    """The comparison form: NFKC, no pinyin glosses, simplified, lower case, letters/digits only."""
    text = unicodedata.normalize("NFKC", text)  # full-width brackets become ASCII
    text = strip_pinyin(text)
    text = _t2s.convert(text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=root / "eval" / "seed_gold.jsonl")
    ap.add_argument("--corpus", type=Path, default=root / "corpus")
    args = ap.parse_args()

    # A span may also be in the file name: a passage's citation carries the document's date, which
    # g137 accepts (20250205; the capture's own time stamp 2025年02月05日16:44 folds differently).
    # The newline keeps a span from matching across the text's end and the name.
    docs = {p.stem: fold(p.read_text(encoding="utf-8")) + "\n" + fold(p.stem)
            for p in sorted(args.corpus.glob("*.txt"))}
    errors: list[str] = []
    warnings: list[str] = []
    items = []
    ids = set()

    for n, line in enumerate(args.gold.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {n}: invalid JSON: {e}")
            continue
        where = f"line {n} ({o.get('id')})"
        for key in ("id", "question", "type", "doc", "answer", "split"):
            if key not in o:
                errors.append(f"{where}: missing field {key!r}")
        if any(k not in o for k in ("id", "question", "type", "answer")):
            continue
        if o["id"] in ids:
            errors.append(f"{where}: duplicate id")
        ids.add(o["id"])
        if o["type"] not in TYPES:
            errors.append(f"{where}: unknown type {o['type']!r}")
        if o.get("split") not in SPLITS:
            errors.append(f"{where}: split must be one of {SPLITS}, not {o.get('split')!r}")
        if not isinstance(o["question"], str) or not o["question"].strip():
            errors.append(f"{where}: empty question")
        if not isinstance(o["answer"], list) or not all(isinstance(s, str) for s in o["answer"]):
            errors.append(f"{where}: answer must be a list of strings")
            continue
        items.append(o)

        if o["type"] == "unanswerable" or o.get("doc") is None:
            if o["type"] != "unanswerable" or o.get("doc") is not None or o["answer"] or o.get("docs"):
                errors.append(f"{where}: unanswerable needs type unanswerable, doc null, answer []")
            continue
        if o["doc"] not in docs:
            errors.append(f"{where}: unknown doc {o['doc']!r}")
            continue
        listed = o.get("docs") or [o["doc"]]
        if o["doc"] not in listed:
            errors.append(f"{where}: doc {o['doc']} missing from docs")
        for d in listed:
            if d not in docs:
                errors.append(f"{where}: unknown doc in docs {d!r}")
        listed = [d for d in listed if d in docs]
        if not o["answer"]:
            errors.append(f"{where}: answerable question without answer spans")
        if o["type"] == "traditional" and _t2s.convert(o["question"]) == o["question"]:
            errors.append(f"{where}: type traditional but the question has no traditional characters")

        for span in o["answer"]:
            f = fold(span)
            if span != _t2s.convert(span):
                errors.append(f"{where}: span {span!r} is not in simplified characters")
            if not SPAN_MIN <= len(f) <= SPAN_MAX:
                errors.append(f"{where}: span {span!r} folds to {len(f)} chars (want {SPAN_MIN}-{SPAN_MAX})")
            if f != span:
                warnings.append(f"{where}: span {span!r} contains punctuation/whitespace")
            found = [d for d, text in docs.items() if f in text]
            if not any(d in found for d in listed):
                errors.append(f"{where}: span {span!r} not found in {listed}")
            extra = [d for d in found if d not in listed]
            if extra:
                errors.append(f"{where}: span {span!r} also occurs in unlisted {extra}")
        for d in listed:
            if not any(fold(s) in docs[d] for s in o["answer"]):
                errors.append(f"{where}: listed doc {d} contains none of the spans")

    errors += split_errors(items)

    # counts
    by_type = collections.Counter(o["type"] for o in items)
    by_doc = collections.Counter(o.get("doc") or "(none)" for o in items)
    by_doc_any = collections.Counter(d for o in items for d in (o.get("docs") or ([o["doc"]] if o.get("doc") else [])))
    if len(items) < MIN_TOTAL:
        errors.append(f"only {len(items)} questions (want >= {MIN_TOTAL})")
    if by_type["unanswerable"] < MIN_UNANSWERABLE:
        errors.append(f"only {by_type['unanswerable']} unanswerable (want >= {MIN_UNANSWERABLE})")
    if by_type["traditional"] < MIN_TRADITIONAL:
        errors.append(f"only {by_type['traditional']} traditional (want >= {MIN_TRADITIONAL})")
    for d in docs:
        if by_doc[d] < MIN_PER_DOC:
            errors.append(f"only {by_doc[d]} questions with doc {d} (want >= {MIN_PER_DOC})")

    print(f"{len(items)} questions, {len(ids)} ids")
    print("by type (all / dev / test):")
    for t in sorted(TYPES):
        dev = sum(o["type"] == t and o.get("split") == "dev" for o in items)
        print(f"  {t:13s} {by_type[t]:3d} / {dev:3d} / {by_type[t] - dev:3d}")
    dev = sum(o.get("split") == "dev" for o in items)
    print(f"  {'all':13s} {len(items):3d} / {dev:3d} / {len(items) - dev:3d}")
    print("by doc (main doc / any listed doc):")
    for d in list(docs) + ["(none)"]:
        print(f"  {d:60s} {by_doc[d]:3d} / {by_doc_any.get(d, by_doc[d]):3d}")
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
    return 0 if not errors else 1


def split_errors(items: list[dict]) -> list[str]:
    """The recorded split must be the one `split_gold.assign` computes."""
    try:
        expected = assign(items)
    except (KeyError, ValueError) as exc:
        return [f"cannot compute the split: {exc}"]
    near = near_dev(items, expected)
    return [f"{o['id']}: split {o.get('split')!r}, split_gold.py assigns {expected[o['id']]!r}"
            for o in items if o.get("split") != expected[o["id"]]] + \
        [f"{o['id']}: near_dev {o.get('near_dev')!r}, split_gold.py finds {near.get(o['id'])!r}"
         for o in items if o.get("near_dev") != near.get(o["id"])]


if __name__ == "__main__":
    sys.exit(main())
