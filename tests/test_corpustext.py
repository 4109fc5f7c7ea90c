"""Phrases and names looked up in the corpus text (`retrieval.search.corpustext`): the narrowed lookups give
what a scan of every document gives, on the seed corpus and on documents written for the test."""
import pytest

from retrieval.search.corpustext import BUCKETS, CorpusText, pair_buckets, pair_sets
from retrieval.tokenize import fold
from retrieval.types import Document


def scanned(documents: dict, text: str) -> bool:
    """What `holds` answered before: the needle in every document's folded title and text, joined."""
    return fold(text) in "\n".join(fold(f"{d.title or ''}\n{d.text}") for d in documents.values())


def doc(doc_id: str, text: str, title: str = "", source: str = "") -> Document:
    return Document(doc_id=doc_id, title=title, author="", source=source, date="", path=f"{doc_id}.txt", text=text)


def test_holds_agrees_with_a_scan_of_every_document_on_the_seed_corpus(seed_engine):
    docs = seed_engine.documents
    text = CorpusText(docs)
    body = next(iter(docs.values())).text
    phrases = ["一岗双责", "“四强”党支部", "四強黨支部", "机关党建", "两个维护", "不存在的说法呢", "", "，",
               "ＡＢＣ", body[100:108], body[-6:], "党建书记", "牛鼻子", "3815", "三会一课", "政治建设摆在首位"]
    phrases += [d.title for d in docs.values()]
    assert [text.holds(p) for p in phrases] == [scanned(docs, p) for p in phrases]
    assert text.holds("一岗双责") and not text.holds("不存在的说法呢")


def test_holds_does_not_join_two_documents_but_joins_title_and_text():
    docs = {"a": doc("a", "甲乙丙。", title="标题一"), "b": doc("b", "丁戊己", title="标题二")}
    text = CorpusText(docs)
    for phrase in ("丙丁", "标题一甲乙", "己", "丙标题", "标题", "乙、丙", "庚"):
        assert text.holds(phrase) == scanned(docs, phrase), phrase
    assert not CorpusText({}).holds("甲") and CorpusText({}).holds("")


def test_holds_agrees_with_a_scan_on_many_random_documents():
    import random

    rng = random.Random(7)
    alphabet = "党建机关一岗双责四强支部，。、“”ＡＢ12"      # few characters: pairs recur, buckets collide
    docs = {f"d{i}": doc(f"d{i}", "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 300))),
                         title="".join(rng.choice(alphabet) for _ in range(4))) for i in range(70)}
    text = CorpusText(docs)
    phrases = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 9))) for _ in range(400)]
    assert [text.holds(p) for p in phrases] == [scanned(docs, p) for p in phrases]
    assert any(text.holds(p) for p in phrases) and not all(text.holds(p) for p in phrases)


def test_pair_sets_mark_each_text_holding_a_pair_of_characters():
    where = pair_sets(["甲乙", "乙丙", "", "丙甲乙"])
    assert where.shape == (BUCKETS, 1)
    bits = lambda pair: int(where[pair_buckets(pair)[0], 0]) >> 4      # texts 0-3: the byte's top four bits
    assert bits("甲乙") == 0b1001 and bits("乙丙") == 0b0100 and bits("丙甲") == 0b0001
    assert pair_buckets("一").size == 0 and pair_buckets("\ud800甲").size == 1      # a lone surrogate too


@pytest.mark.parametrize("question, expected", [
    ("《旗帜》上说了什么", {"q1", "q2"}),
    ("郑州日报这篇文章讲了什么", {"z"}),
    ("《关于加强机关党建》怎么说", {"t"}),
    ("《关于加强》怎么说", {"t"}),
    ("人民日报社论", set()),          # four documents share the publisher: it names none
])
def test_named_finds_documents_by_title_periodical_and_publisher(question, expected):
    docs = {"q1": doc("q1", "正文", title="甲", source="《旗帜》2024年第11期"),
            "q2": doc("q2", "正文", title="乙", source="《旗帜》2025年第1期"),
            "z": doc("z", "正文", title="丙", source="郑州日报"),
            "t": doc("t", "正文", title="关于加强机关党建的意见", source="")}
    docs |= {f"r{i}": doc(f"r{i}", "正文", title=f"社论{i}", source="人民日报社论") for i in range(4)}
    assert CorpusText(docs).named(question) == expected


def test_a_question_about_a_document_names_it_by_a_run_of_its_title_or_its_periodical():
    docs = {"a": doc("a", "正文。", title="制定出台部门党组落实机关党建主体责任意见", source="《旗帜》2024年第11期"),
            "b": doc("b", "正文。", title="以党建“第一责任”引领和保障发展", source="郑州日报")}
    text = CorpusText(docs)
    assert text.named("落实机关党建主体责任那篇原来登在哪本刊物上") == {"a"}
    assert text.named("旗帜上那篇文章是谁签发的") == {"a"}
    assert text.named("第一责任引领和保障发展这篇文章的作者是谁") == {"b"}
    # six characters of a title in a row name nothing in a question about the text, not the document
    assert text.named("落实机关党建主体责任要做到什么") == set()


def test_a_document_is_named_by_the_longest_run_of_its_title_or_a_short_one_before_napian():
    docs = {"a": doc("a", "正文。", title="制定出台部门党组落实机关党建主体责任意见", source="《旗帜》2024年第11期"),
            "b": doc("b", "正文。", title="牵住『牛鼻子』——推动落实机关党建工作责任制研究"),
            "c": doc("c", "正文。", title="机关党建工作会议召开")}
    named = CorpusText(docs).named
    assert named("落实机关党建主体责任那篇文章登在哪一期") == {"a"}      # b's title holds only 落实机关党建
    assert named("推动落实机关党建那篇文章是谁写的") == {"b"}
    assert named("责任制研究那篇文章是哪个单位写的") == {"b"}            # five characters, one title
    assert named("牵住牛鼻子这篇文章的作者是谁") == {"b"}                # quote marks folded away
    assert named("机关党建那篇文章是谁写的") == set()                     # four characters of three titles
    assert named("旗帜上那篇文章是哪天发的") == {"a"}                     # the periodical of its source
    # both the title and the periodical name one: that one is meant; neither is dropped when they disagree
    assert named("旗帜上落实机关党建工作那篇") == {"a", "b"}
    assert named("旗帜上推动落实机关党建那篇") == {"a", "b"}

