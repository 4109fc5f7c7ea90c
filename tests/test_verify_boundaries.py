"""Quotation check boundaries: the reported original is the source span, exactly, at both ends.

The three failures of issue #14 part 1, then a property test over random spans of the seed
corpus with random edits at the start, the middle and the end (hypothesis, derandomized).
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import opencc
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from retrieval.search.align import fold
from retrieval.tools.verify import Verifier, check_dict, cleaned_quote

ROOT = Path(__file__).resolve().parents[1]
QIZHI_RAW = ROOT / "corpus" / "qizhi-2024-11-luoshi-jiguan-dangjian-zhuti-zeren.txt"
HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方"


@pytest.fixture(scope="module")
def verifier(seed_engine):
    return Verifier(seed_engine)


def result(engine, verifier, quote):
    return check_dict(engine, verifier.check(quote))


def changes(r):
    return [(op["op"], op["quote"], op["source"]) for op in r["diff"] if op["op"] != "equal"]


def assert_diff_rebuilds(r):
    """The diff's source pieces are the original; its quote pieces, the quotation as cleaned."""
    assert "".join(op["source"] for op in r["diff"]) == r["original"]
    assert "".join(op["quote"] for op in r["diff"]) == r["quote"]
    for op in r["diff"]:
        if op["op"] == "equal":
            assert fold(op["quote"]).text == fold(op["source"]).text


# --- the three failures of the issue ---------------------------------------------------
def test_a_changed_last_character_is_a_replacement_not_a_cut(seed_engine, verifier):
    quote = "坚决做到“两个维护”，是党的十八大以来的重大政治成就和宝贵经验，是最重要的政治纪律和政治规定。"
    r = result(seed_engine, verifier, quote)
    assert r["verdict"] == "variant" and r["similarity"] >= 0.9
    assert r["original"].endswith("是最重要的政治纪律和政治规矩。")
    doc = seed_engine.documents[r["source"]["doc_id"]]
    assert doc.text[r["source"]["start"]:r["source"]["end"]] == r["original"]
    assert r["original"].startswith("坚决做到“两个维护”")
    assert changes(r) == [("replace", "就", "果"), ("replace", "定", "矩")]
    assert r["diff"][-1] == {"op": "equal", "quote": "。", "source": "。"}
    assert_diff_rebuilds(r)


def test_a_changed_first_character_is_a_replacement_too(seed_engine, verifier):
    r = result(seed_engine, verifier, "竖决做到“两个维护”，是党的十八大以来的重大政治成果和宝贵经验")
    assert r["verdict"] == "variant" and r["original"].startswith("坚决做到")
    assert changes(r)[0] == ("replace", "竖", "坚")
    assert_diff_rebuilds(r)


@pytest.fixture(scope="module")
def markup_engine(tmp_path_factory):
    """A corpus whose document holds markup as text (a .txt keeps it verbatim)."""
    from retrieval.indexing.build import build_index
    from retrieval.search.engine import Engine

    corpus = tmp_path_factory.mktemp("markup-corpus")
    (corpus / "markup.txt").write_text(
        "网页代码示例说明\n来源：测试来源\n日期：2025-01-01\n"
        "示例代码如下<img src=x onerror=alert(2)>以上代码不会执行。\n"
        "第二段说明原样显示的意义，引文核对必须保留两端的符号。\n", encoding="utf-8")
    index = tmp_path_factory.mktemp("markup-index")
    build_index(corpus, index)
    return Engine.open(index, corpus, build=False)


def test_a_quotation_with_marks_at_both_ends_keeps_them(markup_engine):
    r = result(markup_engine, Verifier(markup_engine), "<img src=x onerror=alert(2)>")
    assert r["verdict"] == "exact" and r["original"] == "<img src=x onerror=alert(2)>"
    assert_diff_rebuilds(r)


def test_a_quotation_with_glued_pinyin_is_cleaned_like_a_document(seed_engine, verifier):
    raw = QIZHI_RAW.read_text(encoding="utf-8")
    quote = raw[raw.index("各部門黨組(黨委)要牢固"):raw.index("瀆職的理念") + 5]
    assert "(guān)" in quote
    r = result(seed_engine, verifier, quote)
    assert r["verdict"] == "exact" and r["similarity"] == 1.0
    assert r["original"] == "各部门党组（党委）要牢固树立抓机关党建是本职、不抓机关党建是失职、抓不好机关党建是渎职的理念"
    assert r["given"] == quote and "guān" not in r["quote"]
    assert_diff_rebuilds(r)


def test_closing_marks_are_taken_in_only_to_balance_an_opening_one(seed_engine, verifier):
    opened = result(seed_engine, verifier, "牵住责任制这个“牛鼻子")
    assert opened["original"] == "牵住责任制这个“牛鼻子”"
    inside = result(seed_engine, verifier, "必须切实加强党的领导，牵住责任制这个")
    assert inside["original"] == "必须切实加强党的领导，牵住责任制这个"


def test_a_final_ascii_stop_takes_the_sources_full_stop(seed_engine, verifier):
    r = result(seed_engine, verifier, "牵住责任制这个“牛鼻子”.")
    assert r["original"] == "牵住责任制这个“牛鼻子”。"


# --- property: random spans, random edits ----------------------------------------------
def clause_spans(engine) -> list[tuple[str, int, int, int, int]]:
    """(doc_id, start, core_end, end, _) of runs of 1-3 clauses of body paragraphs: `start` at the first
    character of a clause, `core_end` after its last letter, `end` after the punctuation that follows."""
    spans = []
    for doc in engine.documents.values():
        for para in doc.paragraphs:
            if para.heading:
                continue
            text = doc.text[para.start:para.end]
            clauses = [(m.start(), m.end()) for m in re.finditer(r"[^，。；！？：、“”（）《》]+[，。；！？：、“”（）《》]*", text)]
            for i in range(len(clauses)):
                for j in range(i, min(i + 3, len(clauses))):
                    s, e = clauses[i][0], clauses[j][1]
                    core = len(text[:e].rstrip("，。；！？：、“”（）《》"))
                    if not fold(text[s]).text or core <= s:
                        continue
                    spans.append((doc.doc_id, para.start + s, para.start + core, para.start + e, 0))
    return spans


def unique(folded_corpus: str, needle: str) -> bool:
    return folded_corpus.count(needle) == 1


SAME_KIND = {"，": ",", "。": ".", "；": ";", "！": "!", "？": "?", "：": ":", "、": "，",
             "“": '"', "”": '"', "（": "(", "）": ")"}
EDITS = ("replace", "insert", "delete", "punct", "t2s", "pinyin")


def han_positions(text: str, lo: int, hi: int) -> list[int]:
    return [i for i in range(lo, hi) if "\u4e00" <= text[i] <= "\u9fff"]


def apply_edit(rng, edit: str, text: str, i: int) -> str:
    """`text` with one `edit` at character `i` (a Han character of the span's core, or the position
    right after the last one for an insertion at the end)."""
    if edit == "replace":
        return text[:i] + rng.choice([c for c in HAN if c != text[i]]) + text[i + 1:]
    if edit == "insert":
        return text[:i] + rng.choice(HAN) + text[i:]
    if edit == "delete":
        return text[:i] + text[i + 1:]
    if edit == "t2s":
        return text[:i] + opencc.OpenCC("s2t").convert(text[i:i + 4]) + text[i + 4:]
    if edit == "pinyin":
        return text[:i + 1] + rng.choice(["(guān)", "(zé)", "（dǎng）"]) + text[i + 1:]
    return text[:i] + "".join(SAME_KIND.get(c, c) for c in text[i:i + 6]) + text[i + 6:]


class Spans(list):
    """The candidate spans and the folded corpus (short repr: hypothesis prints its arguments)."""

    def __init__(self, engine):
        super().__init__(clause_spans(engine))
        self.folded = "|".join(fold(d.text).text for d in engine.documents.values())

    def __repr__(self) -> str:
        return f"<{len(self)} clause spans of the seed corpus>"


@pytest.fixture(scope="module")
def spans(seed_engine):
    return Spans(seed_engine)


@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(data=st.data())
def test_property_original_is_the_source_span_and_the_diff_gives_back_the_quote(
        data, seed_engine, verifier, spans):
    doc_id, start, core_end, end, _ = data.draw(st.sampled_from(spans), label="span")
    text = seed_engine.documents[doc_id].text
    needle = fold(text[start:end]).text
    assume(16 <= len(needle) <= 120 and unique(spans.folded, needle))
    where = data.draw(st.sets(st.sampled_from(["start", "middle", "end"]), min_size=1), label="where")
    rng = random.Random(data.draw(st.integers(0, 2 ** 32), label="seed"))
    hans = han_positions(text, start, core_end)
    assume(len(hans) >= 12 and hans[0] == start and hans[-1] == core_end - 1)
    picks = {"start": hans[0], "middle": hans[len(hans) // 2], "end": hans[-1]}
    edits = {w: data.draw(st.sampled_from(EDITS), label=w) for w in sorted(where)}
    quote, exp_start, exp_end = text[start:end], start, end
    for w in ("end", "middle", "start"):          # right to left: earlier offsets stay valid
        if w in edits:
            at = picks[w] - start + (w == "end" and edits[w] == "insert")   # insert after the last one
            quote = apply_edit(rng, edits[w], quote, at)
    if edits.get("start") == "delete":
        exp_start += 1
    if edits.get("end") == "delete":
        exp_end = core_end - 1
    if edits.get("end") == "insert":               # an inserted character equal to the next one is no edit
        assume(fold(quote).text[-1:] != fold(text[end:end + 3]).text[:1])
        # nor one before a letter or digit that a break follows (`…在“7·9`): replacing it is as close as
        # inserting, and the verifier then takes the source's character (a changed last character)
        assume(not fold(text[end:end + 2]).text)
    if edits.get("start") == "insert":
        assume(fold(quote).text[:1] != fold(text[max(0, start - 3):start]).text[-1:])
    assume(unique(spans.folded, fold(text[exp_start:exp_end]).text))

    r = result(seed_engine, verifier, quote)
    assert r["verdict"] in ("exact", "variant"), (quote, r["verdict"], r["similarity"])
    assert r["quote"] == cleaned_quote(quote.strip())
    src = r["source"]
    assert src["doc_id"] == doc_id and text[src["start"]:src["end"]] == r["original"]
    assert (src["start"], src["end"]) == (exp_start, exp_end), (quote, r["original"], text[exp_start:exp_end])
    assert_diff_rebuilds(r)


def test_verify_tab_shows_the_cleaned_quotation_and_the_whole_original(seed_engine):
    from ui.context import AppContext
    from ui.verify_tab import verify_html
    ctx = AppContext(seed_engine)
    page = verify_html(ctx, "牽住責(zé)任制這個“牛鼻子”")
    assert "按语料的清洗规则比较" in page and "牵住责任制这个“牛鼻子”" in page
    page = verify_html(ctx, "坚决做到“两个维护”，是党的十八大以来的重大政治成就和宝贵经验，是最重要的政治纪律和政治规定。")
    assert "是最重要的政治纪律和政治规矩。</blockquote>" in page
    assert '<span class="vq-replace"><del>定</del><ins>矩</ins></span>。' in page
    assert "按语料的清洗规则比较" not in page
