"""The phrasing-variation set (`eval/phrasing.jsonl`): one formulation asked many everyday ways.

Each question is asked of the seed index with `engine.ask`. A formulation the corpus contains
is answered right when `found` is true and the top-1 passage, or the title in its citation
(as in the seed gold set), contains the term (folded, so quote marks, punctuation and
traditional characters do not matter; `forms` lists accepted spellings); it is a false refusal when `found` is false and a wrong passage when the top-1
passage lacks the term. A formulation the corpus lacks is right when `found` is false.
Figures are reported per split of frames ("dev": tune on these; "test": held out), per frame
(which phrasings fail) and per term. `answered_saying_only_named`: the share of the answerable questions
answered with the term whose answer also says the corpus only names it (`unexplained` in the result:
`一岗双责包括哪些内容`).
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from retrieval.evaluate.metrics import contains_answer

PHRASING = Path(__file__).resolve().parents[2] / "eval" / "phrasing.jsonl"
SPLITS = ("dev", "test")
ANSWERED, FALSE_REFUSAL, WRONG_PASSAGE = "answered", "false_refusal", "wrong_passage"
REFUSED, FALSE_ANSWER = "refused", "false_answer"


def load_phrasing(path: Path = PHRASING) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def outcome(item: dict, result: dict) -> str:
    """What happened to one question, given its `ask` result."""
    found = bool(result.get("found")) and bool(result.get("passages"))
    if not item["answerable"]:
        return FALSE_ANSWER if found else REFUSED
    if not found:
        return FALSE_REFUSAL
    top = result["passages"][0]
    shown = f"{top['text']} {top.get('title', '')}"            # the passage and its citation's title
    return ANSWERED if contains_answer(shown, item.get("forms") or [item["term"]]) else WRONG_PASSAGE


def rates(items: list[dict], outcomes: list[str]) -> dict:
    """Shares over the answerable questions and over the absent-term questions."""
    present = [o for i, o in zip(items, outcomes) if i["answerable"]]
    absent = [o for i, o in zip(items, outcomes) if not i["answerable"]]

    def share(group, value):
        return round(sum(o == value for o in group) / len(group), 3) if group else None
    right = sum(o in (ANSWERED, REFUSED) for o in outcomes)
    return {"answered_with_term": share(present, ANSWERED), "false_refusals": share(present, FALSE_REFUSAL),
            "wrong_passage": share(present, WRONG_PASSAGE), "absent_refused": share(absent, REFUSED),
            "right": round(right / len(outcomes), 3) if outcomes else None,
            "answerable": len(present), "absent": len(absent)}


def grouped(items: list[dict], outcomes: list[str], key: str) -> dict:
    groups = defaultdict(lambda: ([], []))
    for item, o in zip(items, outcomes):
        groups[item[key]][0].append(item)
        groups[item[key]][1].append(o)
    return {name: rates(*groups[name]) for name in sorted(groups, key=lambda n: rates(*groups[n])["right"])}


def split_report(items: list[dict], outcomes: list[str]) -> dict:
    """Overall rates, then by frame and by term, worst first."""
    return {**rates(items, outcomes), "by_frame": grouped(items, outcomes, "frame"),
            "by_term": grouped(items, outcomes, "term")}


def summary(items: list[dict], outcomes: list[str]) -> dict:
    report = {"all": rates(items, outcomes)}
    for split in sorted({i["split"] for i in items}, key=SPLITS.index):
        keep = [k for k, i in enumerate(items) if i["split"] == split]
        report[split] = split_report([items[k] for k in keep], [outcomes[k] for k in keep])
    return report


def evaluate(engine, items: list[dict] | None = None, split: str | None = None) -> dict:
    """The report over `items` (default: the whole set), or over one split of them only."""
    items = load_phrasing() if items is None else items
    items = [i for i in items if split is None or i["split"] == split]
    results = [engine.ask(item["question"], 5) for item in items]
    outcomes = [outcome(item, result) for item, result in zip(items, results)]
    report = summary(items, outcomes)
    for name, part in report.items():
        keep = [k for k, item in enumerate(items) if item["answerable"] and name in ("all", item["split"])]
        said = sum(outcomes[k] == ANSWERED and bool(results[k].get("unexplained")) for k in keep)
        part["answered_saying_only_named"] = round(said / len(keep), 3) if keep else None
    return report
