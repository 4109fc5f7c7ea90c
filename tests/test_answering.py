"""What people actually ask (issue #11), on the real seed index: every phrasing of a formulation,
typos, years, counts, honest refusals. The phrasings come from the dev part of
`eval/phrasing.jsonl` (the test part is held out for the README's figures)."""
import json
import random
from pathlib import Path

import pytest

from retrieval.evaluate.metrics import contains_answer

PHRASING = Path(__file__).resolve().parents[1] / "eval" / "phrasing.jsonl"


def dev_phrasings(n: int, answerable: bool, seed: int = 11) -> list[dict]:
    rows = [json.loads(line) for line in PHRASING.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == "dev" and r["answerable"] == answerable]
    return random.Random(seed).sample(rows, n)


def top_text(result: dict) -> str:
    return result["passages"][0]["text"] if result["passages"] else ""


def test_a_formulation_is_answered_in_any_phrasing(seed_engine):
    """A sample of 120 dev phrasings of formulations the corpus holds: at least 95 % are answered with
    the formulation in the top passage (or its title, where the corpus uses it only there)."""
    right = 0
    for item in dev_phrasings(120, answerable=True):
        result = seed_engine.ask(item["question"])
        top = result["passages"][0] if result["passages"] else {}
        right += result["found"] and contains_answer(top.get("text", "") + top.get("title", ""),
                                                     item.get("forms") or [item["term"]])
    assert right >= 0.95 * 120


def test_a_formulation_the_corpus_lacks_is_refused_in_any_phrasing(seed_engine):
    refused = sum(not seed_engine.ask(item["question"])["found"] for item in dev_phrasings(60, answerable=False))
    assert refused >= 0.9 * 60


# Frames written for this test, in none of the evaluation sets: words of everyday Chinese that the
# corpus happens to use (正确, 回答, 说法, 核心) stand around the formulation.
EVERYDAY_FRAMES = ("怎么正确理解{t}", "请简要回答：什么是{t}", "{t}这一说法怎么理解", "{t}的核心要义",
                   "我们单位要学{t}，它指什么")


@pytest.mark.parametrize("frame", EVERYDAY_FRAMES)
@pytest.mark.parametrize("term", ["书香机关", "两个维护", "灯下黑", "双抓双促"])
def test_common_words_around_a_formulation_do_not_refuse_it(seed_engine, frame, term):
    result = seed_engine.ask(frame.format(t=term))
    assert result["found"] and contains_answer(top_text(result), [term])


FRESH_DEV = Path(__file__).resolve().parents[1] / "eval" / "fresh_frames_b_dev.txt"


def test_frames_of_no_stated_kind_are_answered(seed_engine):
    """Frames no kind pattern names (`我想了解一下X`, `X要求做到什么`) and the rest of a dev half of frames
    written in a later session, on a sample of formulations: at least 95 % answered with the formulation."""
    frames = [f for f in FRESH_DEV.read_text(encoding="utf-8").splitlines() if f.strip() and not f.startswith("#")]
    terms = ["一岗双责", "两个维护", "灯下黑", "四强党支部", "书香机关", "第一议题"]
    asked = [(f.format(t=t), t) for f in frames for t in terms]
    right = [q for q, t in asked if (r := seed_engine.ask(q))["found"] and contains_answer(top_text(r), [t])]
    assert len(right) >= 0.95 * len(asked), [q for q, _ in asked if q not in right]


FRESH_C_DEV = FRESH_DEV.with_name("fresh_frames_c_dev.txt")


def test_frames_written_blind_are_answered_and_absent_formulations_refused(seed_engine):
    """The dev half of frames a helper wrote blind (chatter around the formulation: `X到底指啥，一直没搞懂`,
    `支部学习要考X，它的内容是什么？`, `能不能帮我列一下X的几个组成部分？`): at least 95 % of a sample of
    formulations answered with the formulation, and formulations no document holds refused."""
    frames = [f for f in FRESH_C_DEV.read_text(encoding="utf-8").splitlines() if f.strip() and not f.startswith("#")]
    terms = ["一岗双责", "双融双促", "修好三门课", "四强党支部", "牛鼻子"]
    asked = [(f.format(t=t), t) for f in frames for t in terms]
    right = [q for q, t in asked if (r := seed_engine.ask(q))["found"] and contains_answer(top_text(r), [t])]
    assert len(right) >= 0.95 * len(asked), [q for q, _ in asked if q not in right]
    absent = [f.format(t=t) for f in frames for t in ("领头雁", "四下基层")]
    assert not [q for q in absent if seed_engine.ask(q)["found"]]


FRESH_D_DEV = FRESH_DEV.with_name("fresh_frames_d_dev.txt")


def test_frames_of_a_third_blind_writer_are_answered(seed_engine):
    """The dev half of fresh frames d (`X的内涵和要求分别是什么`, `支部书记让我们学习X，它由哪几部分组成，每部分讲的
    是什么？`): at least 94 % of a sample answered with the formulation. Requests for the parts one by one of a
    formulation the corpus never lists (`“X”是指哪几个？分别是什么`) are refused, and count against it."""
    frames = [f for f in FRESH_D_DEV.read_text(encoding="utf-8").splitlines() if f.strip() and not f.startswith("#")]
    terms = ["一岗双责", "两个维护", "灯下黑", "四强党支部", "书香机关", "第一议题"]
    asked = [(f.format(t=t), t) for f in frames for t in terms]
    right = [q for q, t in asked if (r := seed_engine.ask(q))["found"] and contains_answer(top_text(r), [t])]
    assert len(right) >= 0.94 * len(asked), [q for q, _ in asked if q not in right]
    for question in ("支部书记让我们下周学习灯下黑，可我一直没搞明白它到底讲的是啥，有没有人能通俗地解释一下？",
                     "领导开会讲到「灯下黑」，我没太听懂，到底是啥意思啊？"):
        result = seed_engine.ask(question)
        assert result["found"] and contains_answer(top_text(result), ["灯下黑"]), question
    # a formulation of the dictionary asked about amid chatter (写讲话稿, 用到, 梳理, a request: 能不能帮我) is the term
    result = seed_engine.ask("写讲话稿要用到“灯下黑”，它的核心要义是什么，能不能帮我梳理一下要点")
    assert result["found"] and contains_answer(top_text(result), ["灯下黑"])
    # `落实X，具体该怎么落实`: 落实 refers back, so X is what is asked about, and it is searched alone
    result = seed_engine.ask("支部要求落实书香机关，具体该怎么落实呢？")
    assert result["found"] and contains_answer(top_text(result), ["书香机关"])


@pytest.mark.parametrize("question", ["何谓“四下基层”？", "四下基层主要讲什么", "两个务必的核心要义",
                                      "如何理解主题党日", "党员活动日是什么意思"])
def test_a_formulation_no_document_holds_is_refused_however_close_in_meaning(seed_engine, question):
    assert not seed_engine.ask(question)["found"]


@pytest.mark.parametrize("question", ["什么叫一岗双责", "如何理解一岗双责", "怎么理解“一岗双责”", "一岗双责的内涵",
                                      "请解释一下一岗双责", "一岗双责包括哪些内容"])
def test_the_issue_phrasings_of_yigang_shuangze(seed_engine, question):
    result = seed_engine.ask(question)
    assert result["found"] and "一岗双责" in top_text(result)


@pytest.mark.parametrize("question, found", [
    ("党建中领头雁指什么", False), ("党建中第一粒扣子指什么", False),     # beside the frame: a formulation the corpus lacks
    ("党建中一岗双责指什么", True), ("机关党建里说的书香机关是什么意思", True),
    ("项目工作法作何理解", True), ("修好三门课作何理解", True),          # 作何理解, not 法作何 / 课作何
    ("学习领头雁要把握哪些要点", False), ("学习一岗双责要把握哪些要点", True),   # 要点 asks, like 内容
    # 这个提法 names the formulation before it: the clause before 它… ends with the formulation, not with 提法
    ("写心得体会要用到一岗双责这个提法，它具体包括哪些内容呀", True), ("写心得体会要用到领头雁这个提法，它具体包括哪些内容呀", False),
])
def test_the_formulation_beside_the_frame_of_meaning_is_what_is_asked(seed_engine, question, found):
    assert seed_engine.ask(question)["found"] is found


@pytest.mark.parametrize("question", ["书记抓、抓书记是个啥", "书记抓、抓书记咋回事", "问下书记抓、抓书记是什么"])
def test_a_question_of_meaning_gets_a_passage_holding_the_formulation_whole(seed_engine, question):
    # the chunk on 党组（党委）书记亲自抓 scores as high on 书记 and 抓: the one holding 书记抓、抓书记 comes first
    result = seed_engine.ask(question)
    assert result["found"] and "书记抓、抓书记" in top_text(result)


@pytest.mark.parametrize("question", ["什么是四强党支部？", "四强党支部是什么", "如何理解“四强”党支部", "四強黨支部的含義"])
def test_a_definition_by_the_modifier_in_front(seed_engine, question):
    result = seed_engine.ask(question)
    assert result["found"] and "政治功能强、支部班子强、党员队伍强、作用发挥强" in top_text(result)


@pytest.mark.parametrize("question, term", [("两张皮问题怎么破解？", "两张皮"), ("四风问题怎么纠治", "四风")])
def test_a_formulation_asked_with_its_head_word(seed_engine, question, term):
    # the dictionary holds `两张皮问题` (“两张皮”问题) too; a passage saying `破解“两张皮”顽疾` answers
    result = seed_engine.ask(question)
    assert result["found"] and term in top_text(result)


def test_a_year_does_not_outweigh_the_content(seed_engine):
    result = seed_engine.ask("2025年中央和国家机关党的工作会议由谁主持？")
    assert result["found"] and "主持会议" in top_text(result)
    # a year the corpus does not have for that meeting is not answered by it
    assert not seed_engine.ask("2019年中央和国家机关党的工作会议由谁主持？")["found"]
    # a passage of the 2025 report about 2024 (`2024年是…不平凡的一年`) is not about 2025 for the report's date
    assert top_text(seed_engine.ask("2025年在规划上是怎样的一年")).startswith("2025年是")


def test_a_typo_is_corrected_and_said(seed_engine):
    result = seed_engine.ask("什么是一刚双责？")
    assert "一岗双责" in result["corrected"] and "一刚双责" not in result["corrected"]
    assert result["corrections"] and all(w in "一刚双责" and r in "一岗双责" for w, r in result["corrections"])
    assert result["found"] and "一岗双责" in top_text(result)
    assert seed_engine.ask("什么是一岗双责？")["corrections"] == []


def test_a_count_question_gets_the_passage_with_the_count(seed_engine):
    result = seed_engine.ask("部门党组落实机关党建主体责任的意见明确了几个方面的履责重点")
    assert result["found"] and "6个方面" in top_text(result)


def test_an_ordinal_question_gets_the_passage_with_the_ordinal(seed_engine):
    result = seed_engine.ask("这回机关党建专项督查搞到第几轮了")
    assert result["found"] and "第九轮" in top_text(result)


def test_parts_of_a_formulation_the_corpus_only_names_are_refused(seed_engine):
    # the corpus names “四个意识” and “五个一” but never lists them
    assert not seed_engine.ask("“四个意识”包括哪四个意识？")["found"]
    assert not seed_engine.ask("“修好三门课”是指哪三门课")["found"]       # named in a title, its three courses never
    assert seed_engine.ask("“四好”党员是哪四个“好”？")["found"]
    # 分别 over the meaning and another aspect asks what it means, not its parts: answered like `X的内涵是什么`
    for question, term in (("一岗双责的内涵和要求分别是什么？", "一岗双责"), ("“修好三门课”的含义、意义分别是什么", "修好三门课")):
        result = seed_engine.ask(question)
        assert result["found"] and contains_answer(top_text(result), [term]), question
    assert not seed_engine.ask("“修好三门课”的内容和要求分别是什么")["found"]      # the contents one by one: never listed


@pytest.mark.xfail(reason="paraphrase with words the corpus never uses (公务员, 培养): the right passage is "
                          "first but m3e-small's cosine (0.74) is under the refusal threshold; README, limitations",
                   strict=True)
def test_a_paraphrase_in_other_words(seed_engine):
    result = seed_engine.ask("对年轻公务员的培养有什么安排")
    assert result["found"] and "年轻干部" in top_text(result)


@pytest.mark.parametrize("question", ["明天北京会下雨吗？", "什么是三会一课", "区块链的含义", "红烧肉怎么做"])
def test_off_topic_questions_are_refused(seed_engine, question):
    assert not seed_engine.ask(question)["found"]


@pytest.mark.parametrize("question", ["郑州的房价怎么样", "郑州今天会下雨吗", "郑州周末天气怎么样"])
def test_a_topic_the_corpus_lacks_is_refused_beside_a_word_it_has(seed_engine, question):
    """`郑州` is in the corpus, `房价` and `天气` (nouns of general Chinese) are not: the question is about them."""
    assert not seed_engine.ask(question)["found"]
    assert seed_engine.ask("郑州市直机关怎么抓基层党组织建设")["found"]


@pytest.mark.parametrize("asked, found", [("第九轮", True), ("第9轮", True), ("第十轮", False), ("第七轮", False)])
def test_a_round_the_corpus_never_mentions_is_refused(seed_engine, asked, found):
    """The corpus reports the ninth round of 督查: another round is a near miss however close the passage."""
    assert seed_engine.ask(f"{asked}机关党建专项督查是在什么时候开展的")["found"] is found


def test_a_count_the_corpus_never_states_is_refused(seed_engine):
    assert seed_engine.ask("三年行动计划的18项推进措施")["found"]
    assert not seed_engine.ask("三年行动计划的二十项推进措施")["found"]


def test_a_place_that_names_the_source_does_not_pick_the_one_chunk_that_repeats_it(seed_engine):
    """`郑州` is in the source (郑州日报) and author of one document, and in the body of one of its chunks only:
    every chunk of that document matches it, and the content decides among them."""
    result = seed_engine.ask("郑州的市直机关由哪个单位统一领导")
    assert result["found"] and "统一领导市直机关党的工作" in top_text(result)


@pytest.mark.parametrize("question", ["《意见》提出的6个方面履责重点分别是什么", "党的十九大对机关党建有什么要求",
                                      "首批“四好”党员评选了多少人", "四强党支部建设多长时间考核一次"])
def test_what_the_corpus_only_counts_or_never_reports_is_refused(seed_engine, question):
    """The corpus counts the 6 aspects without listing them, reports the 18th and 20th congresses, not the
    19th, names the first batch of 四好 members without a number of people, and gives no period."""
    assert not seed_engine.ask(question)["found"]


@pytest.mark.parametrize("question, cited", [
    ("郑州日报这篇文章是哪天刊登的？", "2021-11-15"),
    ("旗帜微平台那篇会议报道是什么时候发的", "2025-02-05"),
    ("郑州日报这篇文章的作者是谁", "郑州市委市直机关工委 赵惠玲"),
    ("以党建第一责任引领和保障发展 作者叫啥", "赵惠玲"),          # the name the page signs, `（赵惠玲）`
    ("郑州日报那篇啥时候发的", "2021-11-15"),                      # 啥时候 a frame, 啥时候发的 about the document
    # the title that holds the longest run of the question is meant (another shares only `落实机关党建`)
    ("落实机关党建主体责任那篇文章登在旗帜哪一期", "2024年第11期"),
    ("责任制研究那篇文章是哪个单位写的", "省国资委"),              # five characters of one title before 那篇
])
def test_a_question_about_the_document_is_answered_by_its_citation(seed_engine, question, cited):
    result = seed_engine.ask(question)
    top = result["passages"][0]
    assert result["found"] and cited in " ".join(str(v) for v in top.values())


@pytest.mark.parametrize("question, credit", [
    ("郑州日报这篇文章的责任编辑是谁？", "责任编辑：蔡东海"),
    ("旗帜上那篇落实主体责任的文章是谁签发的", "签发：钟鸣"),
    # an adverb the corpus never uses (最后, 到底, 究竟) names no topic the passage lacks
    ("旗帜上那篇落实主体责任的文章到底是谁签发的", "签发：钟鸣"),
    ("郑州日报那篇文章的责任编辑究竟是谁", "责任编辑：蔡东海"),
])
def test_a_question_about_the_documents_credits_is_answered_by_them(seed_engine, question, credit):
    result = seed_engine.ask(question)
    assert result["found"] and credit in result["passages"][0]["credits"]


@pytest.mark.parametrize("question, found", [
    ("制定出台部门党组落实机关党建主体责任意见这篇文章发表在哪本期刊上", True),    # 《旗帜》2024年第11期
    ("以党建第一责任引领和保障发展这篇文章登在哪家报纸上", True),                  # 郑州日报
    ("牵住牛鼻子那篇文章刊登在什么杂志上", False),     # the capture names no source: its citation cannot say
    ("那篇年中推进会上的讲话出处是哪里", False),
])
def test_where_a_document_was_published_is_answered_only_by_a_source_in_its_citation(seed_engine, question, found):
    assert seed_engine.ask(question)["found"] is found


def test_what_neither_the_document_nor_its_citation_says_is_refused(seed_engine):
    assert not seed_engine.ask("郑州日报这篇文章的校对是谁？")["found"]
    assert not seed_engine.ask("省国资委这篇文章的责任编辑是谁？")["found"]     # its page credits no one


def test_the_gold_evaluation_counts_the_source_shown_in_the_citation(seed_engine):
    from retrieval.evaluate.gold import first_hit

    doc = "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren"
    passages, _ = seed_engine.retrieve("以党建第一责任引领和保障发展这篇文章登在哪家报纸上", 5)
    assert first_hit(seed_engine, passages, {"doc": doc, "answer": ["来源郑州日报"]}) == 1
    assert first_hit(seed_engine, passages, {"doc": doc, "answer": ["来源人民日报"]}) is None
    assert first_hit(seed_engine, passages, {"doc": doc, "answer": ["来源：郑州日报 2021-11-15"]}) == 1
    doc = "qianzhu-niubizi-jiguan-dangjian-zerenzhi-yanjiu"     # `时间:2024-04-24` under its title
    passages, _ = seed_engine.retrieve("推动落实机关党建工作责任制研究这篇文章是哪天发的", 5)
    assert first_hit(seed_engine, passages, {"doc": doc, "answer": ["时间20240424"]}) == 1
    assert first_hit(seed_engine, passages, {"doc": doc, "answer": ["时间20240425"]}) is None


@pytest.mark.parametrize("question, said", [
    ("年轻同志多学点党务方面的知识，到底有啥好处", "有利于青年党员干部的成长"),
    ("学习二十大精神，说来说去最后要落到哪一个字上", "落到一个“干”字上"),
])
def test_a_long_colloquial_question_is_not_refused_for_a_rare_word_of_its_own(seed_engine, question, said):
    """Its one rare word (`多学点`, `说来说去`) is not a formulation the corpus would have to hold."""
    result = seed_engine.ask(question)
    assert result["found"] and said in result["passages"][0]["text"]


@pytest.mark.parametrize("question, found", [
    ("中央和国家机关党的工作暨纪检工作会议在哪里召开", True),     # 在京召开
    ("支部书记讲四强专栏设在哪里", True),                       # 在旗帜网、旗帜微平台开设
    ("全国机关党建理论研讨会在哪里开的", False),                # named, never placed
    ("省第十一次党代会是在哪儿召开的", False),
])
def test_where_an_event_was_held_is_answered_only_by_a_passage_that_says_where(seed_engine, question, found):
    assert seed_engine.ask(question)["found"] is found


@pytest.mark.parametrize("question, found", [
    ("年中推进会上的那篇讲话是谁讲的", False),          # the speech names no speaker, its citation no one
    ("年中推进会上的这篇讲话，作者是谁", False),
    ("旗帜上那篇落实主体责任的文章是谁签发的", True),    # its page credits 签发：钟鸣
    ("郑州日报那篇文章的作者是谁", True),               # 郑州市委市直机关工委 赵惠玲
    ("旗帜上那篇落实主体责任的文章当时是谁签发的", True),  # 当时, 最终: the citation need not hold them
    ("旗帜上那篇落实主体责任的文章最终由谁签发", True),
    ("年中推进会上的那篇讲话最后是谁讲的", False),
])
def test_who_made_a_document_is_answered_only_by_a_citation_that_names_someone(seed_engine, question, found):
    assert seed_engine.ask(question)["found"] is found


@pytest.mark.parametrize("question", [
    "国庆75周年歌咏展演哪个部门的合唱队夺冠了",        # the corpus reports the show, no ranking
    "中央和国家机关的督查办法和郑州的考核办法有什么不同",  # the corpus describes each, compares none
    "国庆75周年的歌咏展演为什么选在9月20日举行",           # it reports the date, not why
])
def test_a_ranking_or_a_comparison_the_corpus_never_states_is_refused(seed_engine, question):
    assert not seed_engine.ask(question)["found"]
