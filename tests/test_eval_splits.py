"""Evaluation data and its dev/test splits: the phrasing set, the gold split, the phrasing scoring."""
from __future__ import annotations

import collections
import importlib.util
import json
from pathlib import Path

import pytest

from retrieval.cli.eval import tables
from retrieval.evaluate import gold, phrasing

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "eval"


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, EVAL / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    import sys
    sys.path.insert(0, str(EVAL))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(EVAL))
    return module


@pytest.fixture(scope="module")
def items():
    return phrasing.load_phrasing()


# --- the phrasing set ---------------------------------------------------------------
def test_phrasing_file_is_what_the_script_makes(items):
    make = load_script("make_phrasing")
    docs = {p.stem: make.fold(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "corpus").glob("*.txt"))}
    assert make.check(docs) == []
    assert items == make.rows(docs)


def test_phrasing_every_term_in_every_frame_and_frames_split_in_half(items):
    frames = collections.Counter(i["frame"] for i in items)
    terms = collections.Counter(i["term"] for i in items)
    assert len(frames) >= 50 and len(items) == len(frames) * len(terms)
    assert sum(not i["answerable"] for i in items) // len(frames) >= 12
    split_of = {}
    for i in items:
        assert split_of.setdefault(i["frame"], i["split"]) == i["split"]
    dev = sum(s == "dev" for s in split_of.values())
    assert abs(dev - (len(split_of) - dev)) <= 1
    assert len({i["id"] for i in items}) == len(items)


def test_phrasing_answerable_terms_name_their_documents(items):
    for i in items:
        assert bool(i["docs"]) == i["answerable"], i


# --- the gold split -----------------------------------------------------------------
def test_gold_split_is_recorded_and_stratified():
    split_gold = load_script("split_gold")
    items = gold.load_gold()
    assert split_gold.assign(items) == {i["id"]: i["split"] for i in items}
    assert all(i["split"] == "dev" for i in items if split_gold.number(i) <= split_gold.DEVELOPED)
    new = [i for i in items if split_gold.number(i) > split_gold.DEVELOPED]
    for t in {i["type"] for i in new}:
        dev = sum(i["split"] == "dev" for i in new if i["type"] == t)
        assert abs(2 * dev - sum(i["type"] == t for i in new)) <= 1, t
    assert {i["id"] for i in gold.load_gold(split="test")} == {i["id"] for i in new if i["split"] == "test"}


def test_offtopic_questions_alternate_between_splits():
    assert [gold.offtopic_split(k) for k in range(4)] == ["dev", "test", "dev", "test"]


# --- phrasing scoring ---------------------------------------------------------------
PRESENT = {"term": "四好党员", "forms": ["四好党员", "四好优秀党员"], "answerable": True}
ABSENT = {"term": "三会一课", "forms": ["三会一课"], "answerable": False}


def result(found: bool, text: str = "") -> dict:
    return {"found": found, "passages": [{"text": text}] if text else []}


@pytest.mark.parametrize("item, res, expected", [
    (PRESENT, result(True, "探索選樹……的“四好”優秀黨員"), phrasing.ANSWERED),   # a form, traditional, quoted
    (PRESENT, result(True, "深化“四好”党员选树"), phrasing.ANSWERED),
    (PRESENT, result(True, "四强党支部创建"), phrasing.WRONG_PASSAGE),
    ({**PRESENT, "term": "一盘棋", "forms": []}, {"found": True, "passages": [
        {"text": "机关党建工作责任制", "title": "牵住“牛鼻子” 下好“一盘棋”"}]}, phrasing.ANSWERED),  # in the citation
    (PRESENT, result(False, "深化“四好”党员选树"), phrasing.FALSE_REFUSAL),
    (PRESENT, result(True), phrasing.FALSE_REFUSAL),                              # found but nothing shown
    (ABSENT, result(False, "三会一课"), phrasing.REFUSED),
    (ABSENT, result(True, "组织生活"), phrasing.FALSE_ANSWER),
])
def test_outcome(item, res, expected):
    assert phrasing.outcome(item, res) == expected


def test_rates_by_split_frame_and_term():
    items = [{**PRESENT, "frame": "{t}是什么", "split": "dev"}, {**PRESENT, "frame": "说说{t}", "split": "test"},
             {**PRESENT, "frame": "{t}是什么", "split": "dev"}, {**ABSENT, "frame": "{t}是什么", "split": "dev"},
             {**ABSENT, "frame": "说说{t}", "split": "test"}]
    outcomes = [phrasing.ANSWERED, phrasing.WRONG_PASSAGE, phrasing.FALSE_REFUSAL, phrasing.REFUSED,
                phrasing.FALSE_ANSWER]
    report = phrasing.summary(items, outcomes)
    assert report["all"] == {"answered_with_term": 0.333, "false_refusals": 0.333, "wrong_passage": 0.333,
                             "absent_refused": 0.5, "right": 0.4, "answerable": 3, "absent": 2}
    dev = report["dev"]
    assert (dev["answered_with_term"], dev["false_refusals"], dev["absent_refused"]) == (0.5, 0.5, 1.0)
    assert list(dev["by_frame"]) == ["{t}是什么"] and dev["by_term"]["三会一课"]["right"] == 1.0
    test = report["test"]
    assert test["right"] == 0.0 and list(test["by_frame"]) == ["说说{t}"]
    assert "phrasing dev" in tables({"phrasing": report})


def test_tables_print_each_split_of_the_seed_report():
    part = {"hybrid": {"hit_at_1": 0.5}, "bm25": {"hit_at_1": 0.4}, "refusal": {"false_refusals": 0.1}}
    text = tables({"seed": {"all": part, "dev": part, "test": part}})
    assert all(f"seed {s}" in text for s in ("all", "dev", "test")) and "| hybrid | 0.5 |" in text


def test_phrasing_questions_read_as_json_lines():
    first = json.loads((EVAL / "phrasing.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert set(first) >= {"id", "question", "term", "frame", "split", "answerable", "docs"}


# --- on the real seed index (a handful of questions) -----------------------------------
def test_phrasing_evaluate_on_the_seed_engine(seed_engine, items):
    few = [i for i in items if i["term"] in ("两张皮", "三会一课") and i["frame"] in ("什么是{t}？", "说说{t}", "{t}啥意思")]
    report = phrasing.evaluate(seed_engine, few)
    assert set(report) == {"all", "dev", "test"}
    assert report["all"]["answerable"] == 3 and report["all"]["absent"] == 3
    assert set(report["dev"]["by_term"]) <= {"两张皮", "三会一课"}


def test_gold_evaluate_reports_all_dev_and_test(seed_engine):
    items = [i for i in gold.load_gold() if i["id"] in ("g001", "g096", "g118", "g119", "g230", "g231")]
    items += [i for i in gold.load_gold(split="test") if i["type"] in ("who", "unanswerable")][:3]
    report = gold.evaluate(seed_engine, ["明天北京会下雨吗？", "红烧肉怎么做？"], items)
    assert set(report) == {"all", "dev", "test", "novel"}
    for split in ("dev", "test", "novel"):
        assert report[split]["questions"]["offtopic"] == 1
        assert set(report[split]) >= {"hybrid", "bm25", "dense", "refusal", "calibration", "by_type", "highlights"}
    counts = [report[s]["questions"]["answerable"] + report[s]["questions"]["unanswerable"] for s in ("dev", "test")]
    assert sum(counts) == len(items)
    novel = [i for i in items if i["split"] == "test" and "near_dev" not in i]
    assert report["novel"]["questions"]["answerable"] + report["novel"]["questions"]["unanswerable"] == len(novel)


def test_novel_test_questions_are_those_no_dev_question_nearly_repeats():
    """A test question written again in other words by a later helper (`…在哪开的` / `…在哪儿开的`) is no
    held-out question: `near_dev` names the dev question, and the novel split leaves it out."""
    import sys
    sys.path.insert(0, str(EVAL))
    from split_gold import near_dev

    items = [{"id": "g1", "question": "第二届全国机关党建理论研讨会在哪开的", "split": "dev"},
             {"id": "g2", "question": "第二届全国机关党建理论研讨会在哪儿开的？", "split": "test"},
             {"id": "g3", "question": "三年行动计划一共明确了多少项推进措施", "split": "test"}]
    assert near_dev(items, {i["id"]: i["split"] for i in items}) == {"g2": "g1"}
    everything = gold.load_gold()
    dev_ids = {i["id"] for i in everything if i["split"] == "dev"}
    test = gold.load_gold(split="test")
    novel = gold.load_gold(split="novel")
    assert all(i["near_dev"] in dev_ids for i in test if "near_dev" in i)
    recorded = {i["id"]: i["near_dev"] for i in everything if "near_dev" in i}
    assert recorded == near_dev(everything, {i["id"]: i["split"] for i in everything})    # as split_gold.py writes it
    assert {i["id"] for i in novel} == {i["id"] for i in test if "near_dev" not in i}
    assert 0.5 * len(test) < len(novel) < len(test)


def test_gold_evaluate_one_split_asks_only_it(seed_engine, monkeypatch):
    items = [i for i in gold.load_gold() if i["id"] in ("g001", "g096", "g118")]
    items += [{**i, "split": "test"} for i in items[:1]]
    asked = []
    ask = seed_engine.retrieve
    monkeypatch.setattr(seed_engine, "retrieve", lambda text, *a, **k: asked.append(text) or ask(text, *a, **k))
    report = gold.evaluate(seed_engine, ["明天北京会下雨吗？", "红烧肉怎么做？"], items, split="dev")
    assert set(report) == {"dev"} and report["dev"]["questions"]["offtopic"] == 1
    assert report["dev"]["questions"]["answerable"] + report["dev"]["questions"]["unanswerable"] == 3
    assert "红烧肉怎么做？" not in asked


def test_summary_of_one_split_has_no_empty_other():
    items = [{**PRESENT, "frame": "{t}是什么", "split": "dev"}]
    report = phrasing.summary(items, [phrasing.ANSWERED])
    assert set(report) == {"all", "dev"} and "phrasing test" not in tables({"phrasing": report})


def test_batches_are_the_order_the_questions_were_written_in():
    from retrieval.evaluate.gold import load_gold

    everything = load_gold()
    batches = [load_gold(batch=b) for b in range(1, 14)]
    assert [len(b) for b in batches] == [117, 145] + [100] * 11 and sum(map(len, batches)) == len(everything)
    assert all(263 <= int(i["id"][1:]) < 363 for i in batches[2])
    assert all(363 <= int(i["id"][1:]) < 463 for i in batches[3])
    assert all(463 <= int(i["id"][1:]) < 563 for i in batches[4])
    assert all(563 <= int(i["id"][1:]) < 663 for i in batches[5])
    assert all(663 <= int(i["id"][1:]) < 763 for i in batches[6])
    assert all(763 <= int(i["id"][1:]) < 863 for i in batches[7])
    assert all(863 <= int(i["id"][1:]) < 963 for i in batches[8])
    assert all(963 <= int(i["id"][1:]) < 1063 for i in batches[9])
    assert all(1063 <= int(i["id"][1:]) < 1163 for i in batches[10])
    assert all(1163 <= int(i["id"][1:]) < 1263 for i in batches[11])
    assert all(int(i["id"][1:]) >= 1263 for i in batches[12])
    assert not load_gold(split="test", batch=1)      # the engine was developed on batch 1: all dev
