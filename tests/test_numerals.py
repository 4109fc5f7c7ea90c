"""Numbers of a question written as the corpus writes them (`retrieval.search.numerals`)."""
import pytest

from retrieval.search.numerals import in_corpus_form, other_forms

HELD = ("实施75周年歌咏比赛", "明确了6个方面履责重点", "第九轮专项督查", "党的二十大", "三年行动计划", "第一责任",
        "两个维护", "1月26日在京召开", "2021年7月", "实施六大行动")


def holds(text: str) -> bool:
    return any(text in h for h in HELD)


@pytest.mark.parametrize("question, searched", [
    ("七十五周年的歌咏比赛", "75周年的歌咏比赛"),
    ("意见明确了六个方面", "意见明确了6个方面"),
    ("第9轮督查查什么", "第九轮督查查什么"),
    ("党的20大", "党的二十大"),
    ("2个维护是什么", "两个维护是什么"),               # 2 is 二 or 两: the one the corpus holds
    ("会议一月二十六日在哪开", "会议1月26日在哪开"),
    ("二〇二一年几月", "2021年几月"),
    # as typed: the corpus holds it so (三年), nothing holds the other form (1岗), no unit follows,
    # a name no number (十四五), the count of a question for parts (哪六个)
    ("三年行动计划", "三年行动计划"),
    ("一岗双责", "一岗双责"),
    ("75周年", "75周年"),
    ("有75", "有75"),
    ("十四五规划", "十四五规划"),
    ("六大行动是哪六个", "六大行动是哪六个"),
    ("第一责任", "第一责任"),
    ("版本1.5个", "版本1.5个"),                       # part of a decimal
])
def test_a_number_is_searched_in_the_script_the_corpus_writes_it_in(question, searched):
    assert in_corpus_form(question, holds) == searched


def test_other_forms():
    assert other_forms("七十五") == ["75"] and other_forms("两") == ["2"] and other_forms("9") == ["九"]
    assert other_forms("2") == ["二", "两"] and other_forms("十四五") == [] and other_forms("二〇二一") == ["2021"]


@pytest.mark.parametrize("typed, as_written", [
    ("意见明确了六个方面履责重点是什么", "意见明确了6个方面履责重点是什么"),
    ("第9轮督查的重点是什么", "第九轮督查的重点是什么"),
    ("中央和国家机关党的工作会议一月二十六日在哪召开", "中央和国家机关党的工作会议1月26日在哪召开"),
])
def test_a_number_in_the_other_script_is_answered_as_the_corpus_writes_it(seed_engine, typed, as_written):
    got, want = seed_engine.ask(typed), seed_engine.ask(as_written)
    assert want["found"] and got["found"]
    assert got["passages"][0]["text"] == want["passages"][0]["text"]
    assert got["corrected"] is None         # no typo to report: the question is shown as typed
