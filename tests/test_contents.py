"""The contents of a thing the corpus only names (retrieval/search/contents.py)."""
from retrieval.search.contents import as_asked, asked_thing, only_named

CORPUS = "明确了未来五年的奋斗目标，深化践行项目工作法，实施双融双促行动计划，考察工作范围，一岗双责"
COUNTS = {"范围": 12101, "奋斗目标": 3}


def thing(question: str) -> str:
    return asked_thing(question, lambda x: x in CORPUS, lambda w: COUNTS.get(w, 0), lambda: {"一岗双责"})


def test_the_thing_whose_contents_are_asked():
    assert thing("楼阳生报告里未来五年奋斗目标具体有哪些") == "奋斗目标"
    assert thing("报告定下的奋斗目标都包括哪些？") == "奋斗目标"
    assert thing("“项目工作法”具体是什么") == "项目工作法"
    assert thing("报告里的奋斗目标具体是哪几条？") == "奋斗目标"       # 具体是哪几条, 具体有哪些
    assert thing("双融双促行动计划包括哪些") == "双融双促行动计划"[-6:]    # the longest run the corpus holds, 6 at most
    assert thing("奋斗目标是什么意思") == ""             # its meaning: the glossary's and the cosine's business
    assert thing("考察范围包括哪些") == ""              # a word of general Chinese: its contents come in any words
    assert thing("一岗双责包括哪些内容") == ""          # a formulation: the passage naming it answers (issue #11)
    assert thing("一岗双责的奋斗目标具体有哪些") == ""  # ... and so does any question naming one
    assert thing("模范机关的标准是什么") == ""          # the standard of a thing, not a thing called 标准
    assert thing("年度安排包括哪些") == ""              # nothing the corpus holds


def test_a_passage_that_only_names_the_thing():
    assert only_named("奋斗目标", "报告明确了未来五年乃至更长一个时期我省的奋斗目标，明确了以党建引领发展的思路。")
    assert only_named("标兵单位", "认真落实总书记的重要要求，工委评选表彰创建模范机关标兵单位和先进单位。")
    assert not only_named("奋斗目标", "报告谈到发展。")                                    # it does not hold it
    assert not only_named("", "报告谈到发展。") and not only_named("", "", unread=True)    # nothing asked
    # quoted, and followed by another item of the same clause: still only named
    assert only_named("两个确立", "教育引导广大机关党员干部坚定拥护“两个确立”、坚决做到“两个维护”。做实政治素质考察。")


def test_a_passage_that_says_what_the_thing_holds():
    # the thing as the subject of its clause, a list or a definer after it, named after it is described,
    # elaborated after its clause, or the heading of what follows
    assert not only_named("四角", "纸币四角都有阿拉伯数字面值；下方有编号。")
    assert not only_named("履职能力", "持续提高专兼职党务干部履职能力。一是学习能力，二是党务工作能力。")
    assert not only_named("项目工作法", "深化践行项目工作法，按照任务项目化、项目清单化的要求推进。")
    assert not only_named("罗素街事件", "厂内曾发生劳资纠纷，后演变为警民冲突，称为罗素街事件。到了1951年，车厂扩建。")
    assert not only_named("考核内容", "细化考核内容。着重考核机关党委执行指示精神是否坚决。")
    assert not only_named("明责履职行动", "（五）实施明责履职行动，着力提高机关党建制度建设质量。坚持把完善制度作为根本之计。")
    assert not only_named("奋斗目标", "報告明確了我省的奮鬥目標：建設現代化河南。")          # traditional characters too
    assert not only_named("牛鼻子", "必须牢牢牵住责任制这个“牛鼻子”，层层压实责任。")      # what it stands for, said before it
    assert not only_named("最初一公里", "中央和国家机关是贯彻落实党中央决策部署的“最初一公里”，担负主体责任。")  # ... or its subject
    assert only_named("最初一公里", "要打通政策落地的最初一公里，加快推进改革任务。")         # the object of a verb: named
    assert not only_named("两个确立", "深刻领悟“两个确立”：确立习近平同志党中央的核心、全党的核心地位。")  # quoted, then defined


def test_a_question_for_the_contents_of_a_thing_only_named_is_refused(seed_engine):
    assert not seed_engine.ask("省党代会报告里讲的未来五年奋斗目标都包括哪些")["found"]
    # a formulation, named by the question (the analysis's term, the glossary) or joined by 、: the passage naming it
    for question in ("专兼职党务干部的履职能力具体包括哪些", "项目工作法具体包括哪些", "一岗双责包括哪些内容",
                     "书香机关包括哪些内容", "两手抓、两手硬具体包含哪些方面？"):
        assert seed_engine.ask(question)["found"], question


def test_a_formulation_the_corpus_only_names_is_answered_with_a_caveat(seed_engine):
    # the passage naming it is the answer (issue #11), and the result says the corpus never explains it
    # (`“灯下黑”“两张皮”问题`: side by side, quoted items are a list that names them)
    for question in ("一岗双责包括哪些内容", "什么是一岗双责？", "“两个确立”的具体内容是什么", "灯下黑是什么意思"):
        result = seed_engine.ask(question)
        assert result["found"] and result["unexplained"] in question.replace("“", "").replace("”", ""), question
        assert result["unexplained"] in result["passages"][0]["text"].replace("“", "").replace("”", "")
    # one the corpus defines or enumerates, and a question that is not about its meaning: no caveat
    # nor one whose other words ask something else than a word it found rare (收官 of `2025年是什么规划的收官之年`)
    for question in ("什么是四强党支部", "四个带头是啥？", "四好党员是什么", "一岗双责由谁履行", "2025年是什么规划的收官之年",
                     "以责任制为牵引，要推进哪三个方面的融合、结合、契合？"):
        result = seed_engine.ask(question)
        assert result["found"] and "unexplained" not in result, question


def test_a_caller_that_knows_the_corpus_never_defines_the_thing_skips_reading_for_a_definition():
    defining = "所谓书香机关，就是以读书学习为风尚的机关。机关党委要大力推进书香机关建设，今年还要扩面提质。"
    assert not only_named("书香机关", defining)                     # the sentences are read: the first defines it
    assert only_named("书香机关", defining, unread=True)            # not read: each names it at a clause's end


def test_the_formulation_is_named_as_the_question_writes_it():
    corpus = "大力弘扬马上就办真抓实干的作风，发挥好把方向管大局保落实的领导作用"
    holds = lambda text: text.replace("、", "") in corpus         # noqa: E731 (marks ignored, as CorpusText.holds)
    assert as_asked("真抓实干", "请问马上就办、真抓实干指什么", holds) == "马上就办、真抓实干"
    assert as_asked("管大局", "“把方向、管大局、保落实”的内涵", holds) == "把方向、管大局、保落实"
    assert as_asked("真抓实干", "真抓实干是什么意思", holds) == "真抓实干"
    assert as_asked("真抓实干", "少说空话、真抓实干是什么意思", holds) == "真抓实干"   # not joined so in the corpus
