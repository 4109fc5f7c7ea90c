"""Quotation check on the real seed corpus: verdicts, exact slices, diffs, parts, evaluation."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.search.align import align, diff, fold
from retrieval.errors import QueryError
from retrieval.evaluate.quotes import evaluate, load_quotes, summary
from retrieval.tools.verify import Verifier, check_dict

ROOT = Path(__file__).resolve().parents[1]
QIZHI = "qizhi-2024-11-luoshi-jiguan-dangjian-zhuti-zeren"
SOURCE = "各部门党组（党委）要牢固树立抓机关党建是本职、不抓机关党建是失职、抓不好机关党建是渎职的理念"


@pytest.fixture(scope="module")
def verifier(seed_engine):
    return Verifier(seed_engine)


def result(seed_engine, verifier, quote):
    return check_dict(seed_engine, verifier.check(quote))


def assert_exact_slice(engine, item):
    src = item["source"]
    assert engine.documents[src["doc_id"]].text[src["start"]:src["end"]] == item["original"]


def test_fold_keeps_offsets_into_raw_text():
    folded = fold("這一重要論述既深刻闡明瞭，「ＡＢ」")
    assert folded.text == "这一重要论述既深刻阐明了ab"
    assert folded.raw_span(0, 2) == (0, 2) and folded.raw_span(12, 14) == (14, 16)


def test_align_finds_the_closest_slice():
    found = align("抓在日常严在经常", "要坚持抓在平常严在经常久久为功")
    assert "要坚持抓在平常严在经常久久为功"[found.start:found.end] == "抓在平常严在经常"
    assert found.distance == 1


def test_exact_up_to_punctuation_width_and_traditional(seed_engine, verifier):
    quote = "各部門黨組(黨委)要牢固樹立抓機關黨建是本職,不抓機關黨建是失職 抓不好機關黨建是瀆職的理念"
    r = result(seed_engine, verifier, quote)
    assert r["verdict"] == "exact" and r["similarity"] == 1.0
    assert r["original"] == SOURCE and r["source"]["doc_id"] == QIZHI
    assert_exact_slice(seed_engine, r)


def test_line_breaks_do_not_matter(seed_engine, verifier):
    r = result(seed_engine, verifier, "各部门党组（党委）要牢固树立\n抓机关党建是本职、不抓机关党建是失职、\n抓不好机关党建是渎职的理念")
    assert r["verdict"] == "exact" and r["original"] == SOURCE


def test_variant_shows_character_differences(seed_engine, verifier):
    r = result(seed_engine, verifier, "各部门党组要牢固树立抓机关党建是本职、不抓机关党建是失职、抓不好机关党建是犯罪的理念。")
    assert r["verdict"] == "variant" and 0.75 <= r["similarity"] < 1
    assert r["original"] == SOURCE
    assert_exact_slice(seed_engine, r)
    changes = [(op["op"], op["quote"], op["source"]) for op in r["diff"] if op["op"] != "equal"]
    assert ("missing", "", "党委）") in changes
    assert any(op == "replace" and "犯罪" in q and "渎职" in s for op, q, s in changes)
    assert "".join(op["source"] for op in r["diff"]) == r["original"]


def test_stitched_quote_locates_each_part(seed_engine, verifier):
    quote = ("带头夯实基层基础，深化“四强”党支部创建和“四好”党员选树，加大党员培训轮训力度。"
             "全面从严治党永远在路上，党的自我革命永远在路上。")
    r = result(seed_engine, verifier, quote)
    assert r["verdict"] == "stitched" and r["source"] is None
    assert [p["verdict"] for p in r["parts"]] == ["exact", "exact"]
    assert r["parts"][0]["source"]["doc_id"] == QIZHI
    assert r["parts"][1]["source"]["doc_id"] != QIZHI
    for part in r["parts"]:
        assert_exact_slice(seed_engine, part)


def test_contiguous_sentences_are_one_exact_quote_with_parts(seed_engine, verifier):
    doc = seed_engine.documents[QIZHI]
    start = doc.text.index("加强和改进中央和国家机关党的建设")
    end = doc.text.index("发挥好把方向") - 1
    r = result(seed_engine, verifier, doc.text[start:end])
    assert r["verdict"] == "exact" and (r["source"]["start"], r["source"]["end"]) == (start, end)
    assert len(r["parts"]) == 2 and all(p["verdict"] == "exact" for p in r["parts"])


@pytest.mark.parametrize("quote", ["坚定不移推动全面从严治党向纵深发展，以高质量党建引领经济社会高质量发展。",
                                   "明天有中到大雨，请市民出行注意携带雨具。"])
def test_not_found(seed_engine, verifier, quote):
    r = result(seed_engine, verifier, quote)
    assert r["verdict"] == "not_found" and r["source"] is None and r["original"] is None


def test_short_quote_exact_reports_ambiguity_and_never_fuzzy(seed_engine, verifier):
    r = result(seed_engine, verifier, "两个维护")
    assert r["verdict"] == "exact" and r["occurrences"] > 1 and "occurs" in r["note"]
    assert_exact_slice(seed_engine, r)
    assert result(seed_engine, verifier, "两个维稳")["verdict"] == "not_found"


@pytest.mark.parametrize("bad", ["", "   ", "。，！", None])
def test_unusable_quotes_raise_query_error(verifier, bad):
    with pytest.raises(QueryError):
        verifier.check(bad)


def test_diff_pieces_rebuild_both_sides():
    quote, source = "抓在日常、严在经常。", "抓在平常，严在经常"
    ops = diff(quote, fold(quote), source, fold(source))
    assert "".join(o["quote"] for o in ops) == quote and "".join(o["source"] for o in ops) == source
    assert [o["op"] for o in ops] == ["equal", "replace", "equal"]


def test_quotation_set_shape():
    items = load_quotes(ROOT / "eval" / "quotes.jsonl")
    assert len(items) >= 300
    edits = {i["edit"] for i in items}
    assert {"swap", "delete", "insert", "punct", "traditional", "stitched", "not_in_corpus"} <= edits
    assert {"end_swap", "end_insert", "end_delete", "start_swap", "end_punct", "pinyin"} <= edits
    dev, test = load_quotes(ROOT / "eval" / "quotes.jsonl", "dev"), load_quotes(ROOT / "eval" / "quotes.jsonl", "test")
    assert len(dev) + len(test) == len(items) and abs(len(dev) - len(test)) <= len(edits)
    assert {i["edit"] for i in dev} == {i["edit"] for i in test} == edits


@pytest.mark.slow
def test_quotation_set_accuracy(seed_engine):
    """The figures in the README: verdict, location and boundary >= 0.97 on eval/quotes.jsonl."""
    data = summary(evaluate(seed_engine, load_quotes(ROOT / "eval" / "quotes.jsonl")))
    assert data["overall"]["verdict_accuracy"] >= 0.97, json.dumps(data["errors"], ensure_ascii=False)
    assert data["overall"]["location_accuracy"] >= 0.97
    assert data["overall"]["boundary_accuracy"] >= 0.97


def test_verify_tab_escapes_and_colours(seed_engine):
    from ui.context import AppContext
    from ui.verify_tab import verify_html
    ctx = AppContext(seed_engine)
    html = verify_html(ctx, "各部门党组要牢固树立抓机关党建是本职、不抓机关党建是失职。<img src=x onerror=alert(1)>。")
    assert "<img" not in html and "&lt;img" in html and "部分出自语料" in html
    assert '<ins class="vq-missing">党委）</ins>' in html
    assert "qa-notice-error" in verify_html(ctx, "   ")


def test_surrogates_in_a_quotation_are_dropped(seed_engine, verifier):
    r = result(seed_engine, verifier, SOURCE[:20] + "\udc80" + SOURCE[20:])
    assert r["verdict"] == "exact" and r["original"] == SOURCE and r["quote"] == SOURCE
    with pytest.raises(QueryError, match="empty"):
        verifier.check("\ud800\udc80")
