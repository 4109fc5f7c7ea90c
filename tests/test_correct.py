"""Typo correction (retrieval/search/correct.py): corrections made, and above all those not made."""
from __future__ import annotations

import itertools
import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from retrieval.search.correct import Corrector, corrector_for, jieba_lexicon
from retrieval.ingest.corpus import load_corpus
from retrieval.indexing.lexical import Lexical
from retrieval.tokenize import Tokenizer, load_terms, normalize, quoted_terms

ROOT = Path(__file__).resolve().parents[1]

TYPOS = {
    "什么是一刚双责？": "什么是一岗双责？",       # 刚/岗: same sound
    "如何做到两个纬护": "如何做到两个维护",       # 纬/维: same sound
    "怎样牵住牛鼻孑": "怎样牵住牛鼻子",           # 孑/子: one character off, a rare one
    "四强党之部是什么": "四强党支部是什么",       # 之/支: a function character, in a long formulation
    "如何落实全面从严治档": "如何落实全面从严治党",
}

UNCHANGED = [
    "量子纠缠是什么？", "明天北京会下雨吗？", "什么是区块链？", "一带一路是什么", "三会一课",
    "2025年中央和国家机关党的工作会议由谁主持？", "对年轻公务员的培养有什么安排",
    "第一方面要注意什么", "四号线怎么坐", "北京是中国的首都吗", "今天天气怎么样",
    "谁是机关党建的第一责任人？", "党支部书记的职责是什么", "什么是“两个维护”？",
    "李白是哪个朝代的诗人", "介绍一下chatgpt", "gdp增长率是多少", "请问四风指的是什么",
    "怎样破解党建和业务两张皮", "郑州市直机关有多少个党支部", "蔡奇出席会议传达了什么指示",
    "苹果手机多少钱一台", "日本狼分布在哪里？", "国际联盟是什么地方的一个联盟？",
]


SMALL_TERMS = ["一岗双责", "两个维护", "牛鼻子", "四强党支部", "全面从严治党", "第一方阵"]
SMALL_VOCABULARY = {"机关": 9, "党建": 9, "党支部": 5, "全面从严治党": 4, "主体责任": 4, "维护者": 3,
                    "围护者": 3, "北京市": 6, "第一方阵": 2}


@pytest.fixture(scope="module")
def seed_documents():
    return load_corpus(ROOT / "corpus").documents


@pytest.fixture(scope="module")
def seed_tokenizer(seed_documents):
    return Tokenizer(load_terms() + quoted_terms(d.text for d in seed_documents))


@pytest.fixture(scope="module")
def seed(seed_documents, seed_tokenizer):
    """A corrector over the seed corpus: its words with their document frequency."""
    df = Counter(w for d in seed_documents for w in set(seed_tokenizer(d.text)))
    return Corrector(seed_tokenizer.terms, df, jieba_lexicon())


@pytest.fixture(scope="module")
def small():
    """A synthetic vocabulary: a few formulations and corpus words, no general lexicon."""
    return Corrector(SMALL_TERMS, SMALL_VOCABULARY, lexicon={})


@pytest.mark.parametrize("question, corrected", TYPOS.items())
def test_typos_corrected_with_a_small_vocabulary(small, question, corrected):
    result = small.correct(question)
    assert result.text == corrected
    assert len(result.changes) == 1


@pytest.mark.parametrize("question, corrected", TYPOS.items())
def test_typos_corrected_with_the_seed_vocabulary(seed, question, corrected):
    assert seed.correct(question).text == corrected


def test_changes_name_the_spans_replaced(seed):
    assert seed.correct("什么是一刚双责？").changes == (("一刚双责", "一岗双责"),)
    assert seed.correct("四强党之部").changes == (("四强党之部", "四强党支部"),)
    assert seed.correct("一刚双责和两个纬护").changes == (("一刚双责", "一岗双责"), ("两个纬护", "两个维护"))


@pytest.mark.parametrize("question", UNCHANGED)
def test_ordinary_questions_unchanged(seed, question):
    result = seed.correct(normalize(question))
    assert result.changes == ()
    assert result.text == normalize(question)


@pytest.mark.parametrize("question", ["明天北京会下雨吗？", "北京是中国的首都吗", "维护者是谁"])
def test_ordinary_questions_unchanged_without_a_lexicon(small, question):
    assert small.correct(question).changes == ()


def test_the_general_lexicon_keeps_ordinary_words(small):
    """方面 is no corpus word here: only jieba's dictionary (the default lexicon) knows it."""
    assert small.correct("第一方面要注意什么").text == "第一方阵要注意什么"
    assert Corrector(SMALL_TERMS, SMALL_VOCABULARY).correct("第一方面要注意什么").changes == ()


def test_seed_gold_questions_unchanged_but_the_typos(seed):
    """The gold questions are typed correctly, except those of type `typo`."""
    with open(ROOT / "eval" / "seed_gold.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    changed = [r["question"] for r in rows
               if r["type"] != "typo" and seed.correct(normalize(r["question"])).changes]
    assert changed == []


def test_phrasings_of_formulations_unchanged(seed):
    """eval/phrasing.jsonl: 76 formulations, 20 of them absent from the seed corpus (三会一课,
    四个全面, 两个结合 ...), each in 55 everyday phrasings; none is a typo."""
    with open(ROOT / "eval" / "phrasing.jsonl", encoding="utf-8") as fh:
        questions = [json.loads(line)["question"] for line in fh]
    assert [q for q in questions if seed.correct(normalize(q)).changes] == []


def test_a_tie_is_left_alone(small):
    assert small.correct("纬护者").changes == ()     # 维护者 and 围护者 sound alike, equally frequent


def test_only_han_runs_are_looked_at(small):
    assert small.correct("abc 123 一刚双责！").text == "abc 123 一岗双责！"
    assert small.correct("").changes == ()


def test_traditional_input_once_normalized(seed):
    """The engine folds t2s before it corrects: the corrector sees simplified text."""
    assert seed.correct(normalize("什麼是一剛雙責？")).text == "什么是一岗双责?"
    assert seed.correct(normalize("兩個緯護")).text == "两个维护"


def test_corrector_for_a_lexical_index(seed_documents, seed_tokenizer):
    lexical = Lexical.build([seed_tokenizer(d.text) for d in seed_documents])
    corrector = corrector_for(lexical, seed_tokenizer.terms)
    assert corrector.vocabulary["一岗双责"] >= 1
    assert corrector.correct("什么是一刚双责？").text == "什么是一岗双责？"
    assert corrector.correct("量子纠缠是什么？").changes == ()


def test_fast_over_a_large_vocabulary():
    han = re.compile(r"[\u4e00-\u9fff]{2,8}")
    lexicon = jieba_lexicon()
    words = ((w, 2 + f % 50) for w, f in lexicon.items() if f > 0 and han.fullmatch(w))
    corrector = Corrector(load_terms(), dict(itertools.islice(words, 100_000)), lexicon)
    questions = list(TYPOS) + UNCHANGED
    started = time.process_time()
    for question in itertools.islice(itertools.cycle(questions), 1000):
        corrector.correct(question)
    assert time.process_time() - started < 3.0
    assert corrector.correct("什么是一刚双责？").text == "什么是一岗双责？"


def test_a_long_corpus_word_of_one_document_is_reached_by_sound_only():
    # 真抓实干 is in one document: a homophone slip (石/实) is corrected, a slip of another sound is not,
    # and a three-character word of one document stays no target at all
    corrector = Corrector([], {"真抓实干": 1, "党建": 9, "督查组": 1}, lexicon={})
    assert corrector.correct("马上就办真抓石干的作风").text == "马上就办真抓实干的作风"
    assert corrector.correct("真抓米干").text == "真抓米干"
    assert corrector.correct("督察组").text == "督察组"
