"""Record the dev/test split of `eval/seed_gold.jsonl` in its "split" field.

The first 117 questions (g001–g117) are "dev": the engine was developed on them. Every later
question is assigned by a fixed-seed shuffle stratified by type: within each type, half the
questions (the extra one of an odd count alternating between the splits) are "dev", the rest
"test". Each later batch is shuffled on its own, with its own seed, so adding a batch never
moves a question of an earlier one: g118–g262 (batch 2) with seed 2026, g263–g362 (batch 3,
written 2026-12-03) with seed 2027, g363–g462 (batch 4, written 2026-12-03) with seed 2028,
g463–g562 (batch 5, written blind like batches 3 and 4) with seed 2029, g563–g662 (batch 6,
written blind on 2026-12-04) with seed 2030, g663–g762 (batch 7, written blind on 2026-12-04) with seed 2031, g763–g862 (batch 8, written blind on 2026-12-04) with seed 2032, g863–g962 (batch 9, written blind on 2026-12-05) with seed 2033, g963–g1062 (batch 10, written blind on 2026-12-05) with seed 2034, g1063–g1162 (batch 11, written blind on 2026-12-05) with seed 2035, g1163–g1262 (batch 12, written blind on 2026-12-05) with seed 2036, g1263 and above (batch 13, written blind on 2026-12-05, near duplicates of earlier questions replaced) with seed 2037. In a later batch
the extra question of an odd count goes to the split that has fewer of that type in the earlier batches (alternating, as in
batch 2, when they have as many), so every type stays split 50/50 over g118 onwards too. The test part is held out: tune on dev, report test. `check_gold.py` recomputes the
assignment and fails when the file disagrees.

A test question that is a near duplicate of a dev question (`near_dev`: the most similar one, when their
characters, punctuation removed, are at least NEAR_DEV alike by difflib's ratio: `第二届全国机关党建理论研讨会在哪开的`
beside `…在哪儿开的`) is not held out in fact: whatever was tuned on the dev one answers it. Five documents
asked about over a thousand times give many of them (226 of the 621 test questions of batches 2-13). The test
questions without one are split "novel" by the evaluation (`retrieval eval --suite seed --split novel`).

Usage: `.venv/bin/python eval/split_gold.py [--gold eval/seed_gold.jsonl]` (rewrites the file).
"""
from __future__ import annotations

import argparse
import difflib
import json
import random
import re
import sys
from pathlib import Path

SEED = 2026
NEAR_DEV = 0.75          # difflib ratio from which a test question is a near duplicate of a dev question
DEVELOPED = 117          # g001..g117 were written before the split and used during development
# (first id, seed) of each batch split on its own; a batch runs to the next one's first id.
BATCHES = ((DEVELOPED + 1, SEED), (263, 2027), (363, 2028), (463, 2029), (563, 2030), (663, 2031), (763, 2032), (863, 2033), (963, 2034), (1063, 2035), (1163, 2036), (1263, 2037))


def number(item: dict) -> int:
    return int(item["id"].lstrip("g"))


def assign(items: list[dict], seed: int = SEED) -> dict[str, str]:
    """id -> "dev" | "test". `seed` is batch 2's (the later batches keep theirs)."""
    splits = {i["id"]: "dev" for i in items if number(i) <= DEVELOPED}
    batches = ((BATCHES[0][0], seed),) + BATCHES[1:]
    ends = [first for first, _ in batches[1:]] + [None]
    lead: dict[str, int] = {}    # type -> dev minus test over the batches split so far
    for (first, batch_seed), end in zip(batches, ends):
        batch = [i for i in items if number(i) >= first and (end is None or number(i) < end)]
        batch_splits = stratified(batch, batch_seed, lead)
        for i in batch:
            lead[i["type"]] = lead.get(i["type"], 0) + (1 if batch_splits[i["id"]] == "dev" else -1)
        splits.update(batch_splits)
    return splits


def near_dev(items: list[dict], splits: dict[str, str]) -> dict[str, str]:
    """Test id -> the id of the dev question most like it, for the test questions that are near duplicates
    of one (NEAR_DEV)."""
    plain = {i["id"]: re.sub(r"[^\w]", "", i["question"]) for i in items}
    dev = [i["id"] for i in items if splits[i["id"]] == "dev"]
    out = {}
    for i in items:
        if splits[i["id"]] != "test":
            continue
        matcher = difflib.SequenceMatcher(None, b=plain[i["id"]])
        ratios = []
        for d in dev:
            matcher.set_seq1(plain[d])
            if matcher.real_quick_ratio() >= NEAR_DEV and matcher.quick_ratio() >= NEAR_DEV:
                ratios.append((matcher.ratio(), d))
        best = max(ratios, default=(0.0, ""))
        if best[0] >= NEAR_DEV:
            out[i["id"]] = best[1]
    return out


def stratified(batch: list[dict], seed: int, lead: dict[str, int]) -> dict[str, str]:
    """Within each type a seeded shuffle puts half in dev. The extra one of an odd count goes to
    the split the type has fewer of so far (`lead`: dev minus test), else alternates."""
    splits = {}
    rng = random.Random(seed)
    odd = 0
    for type_ in sorted({i["type"] for i in batch}):
        ids = sorted(i["id"] for i in batch if i["type"] == type_)
        rng.shuffle(ids)
        extra_dev = lead.get(type_, 0) < 0 if lead.get(type_, 0) else odd % 2 == 0
        dev = len(ids) // 2 + (len(ids) % 2 and extra_dev)
        odd += len(ids) % 2
        splits.update({id_: ("dev" if k < dev else "test") for k, id_ in enumerate(ids)})
    return splits


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=Path(__file__).resolve().parent / "seed_gold.jsonl")
    args = ap.parse_args()
    items = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    splits = assign(items)
    near = near_dev(items, splits)
    for item in items:
        item["split"] = splits[item["id"]]
        item.pop("near_dev", None)
        if item["id"] in near:
            item["near_dev"] = near[item["id"]]
    args.gold.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    dev = sum(s == "dev" for s in splits.values())
    print(f"{len(items)} questions: {dev} dev, {len(items) - dev} test ({len(near)} of them near duplicates of a "
          f"dev question) -> {args.gold}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
