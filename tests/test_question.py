"""Question analysis: frame, content, kind, formulation, years (retrieval/search/question.py)."""
import pytest

from retrieval.search.question import Analyzer, kind_of, years_of
from retrieval.tokenize import load_terms, normalize


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(load_terms() + ["四强", "四强党支部", "灯下黑"])


@pytest.mark.parametrize("question", [
    "什么是一岗双责？", "什么叫一岗双责", "如何理解一岗双责", "怎么理解“一岗双责”", "一岗双责的内涵",
    "请解释一下一岗双责", "一岗双责包括哪些内容", "一岗双责是什么意思？", "何谓一岗双责", "一岗双责指的是啥",
    "請問什麼是一崗雙責？", "「一岗双责」的含义", "简述一岗双责", "谈谈对一岗双责的认识"])
def test_the_frame_is_not_content(analyzer, question):
    a = analyzer(question)
    assert a.content == "一岗双责"
    assert a.term == "一岗双责"
    assert a.kind in ("definition", "enumeration")


@pytest.mark.parametrize("question", ["座谈会啥时候开的", "座谈会啥时开的", "座谈会多会儿开的"])
def test_when_asked_colloquially_is_a_frame(analyzer, question):
    a = analyzer(question)
    assert a.kind == "when" and "时候" not in a.content and "座谈会" in a.content


def test_a_formulation_is_never_cut_by_a_frame(analyzer):
    # 中央 keeps its 中 and 国家机关 its 关: frames are whole words, not characters
    a = analyzer("中央和国家机关党的工作会议由谁主持？")
    assert "中央" in a.content and "主持" in a.content and "谁" not in a.content
    assert a.kind == "who" and a.term == ""


def test_content_keeps_the_words_the_corpus_needs(analyzer):
    a = analyzer("对年轻公务员的培养有什么安排")
    assert a.content.split() == ["年轻公务员", "培养", "安排"] or set(a.content.split()) >= {"培养", "安排"}
    assert analyzer("“四强”党支部是什么？").term == "四强党支部"


def test_a_question_about_something_else_has_no_term(analyzer):
    assert analyzer("一岗双责是谁提出的？").term == ""
    assert analyzer("明天北京会下雨吗？").term == ""
    assert analyzer("什么是区块链？").term == ""       # not a formulation of the dictionary


@pytest.mark.parametrize("question, kind", [
    ("2025年中央和国家机关党的工作会议由谁主持？", "who"),
    ("会议是哪一天召开的？", "when"),
    ("河南省第十一次党代会在哪里召开", "where"),
    ("一共命名了多少个“四强”党支部？", "count"),
    ("意见明确了几个方面的履责重点", "count"),
    ("为啥要抓责任制？", "why"),
    ("五学五课是哪几种学法？", "enumeration"),
    ("党建和业务要做到哪三个合", "enumeration"),
    ("怎么把党建和业务结合起来", "how"),
    ("党建干得好，对提拔有没有帮助？", "yesno"),
    ("何谓灯下黑", "definition"),
    ("党建引领", "other"),
    ("两个维护讲的什么", "definition"),
    ("两个维护这个提法出自哪里，讲的什么", "definition"),    # the meaning asked last is what an answer gives
    ("两个维护是哪年提出的，有哪些要求", "enumeration"),
    ("两个维护讲的什么，是哪年提出的", "when"),             # a last clause asking a fact keeps the first kind found
    ("如何向群众通俗讲解“一岗双责”？", "definition"),       # to explain it is to say what it means
    ("灯下黑这个说法我一直没搞明白", "definition"),
    ("有没有人能通俗地解释一下两个维护", "definition"),
    ("一岗双责能不能不落实", "yesno"),
])
def test_kind(question, kind):
    assert kind_of(normalize(question)) == kind


def test_years_are_taken_out_of_the_content(analyzer):
    a = analyzer("2025年中央和国家机关党的工作会议由谁主持？")
    assert a.years == ("2025",) and "2025" not in a.content
    assert years_of("2019年到2021年") == ("2019", "2021")
    assert years_of("7·29重要指示") == () and years_of("20世纪90年代") == ()
    assert years_of("3815战略") == ()


CORPUS = "建设书香机关。机关党建工作责任制。机关党委和党支部。要正确处理好关系。两个维护。一个说法。"
IDF = {"书香": 4.3, "机关": 0.02, "正确": 4.3, "机关党建": 0.1, "党委": 2.3, "党支部": 2.3, "承担": 3.0,
       "责任": 0.7, "工作": 0.2, "责任制": 2.0, "两个维护": 2.1, "说法": 4.3, "核心": 3.2, "讲": 2.6, "想": 3.0}


def analyse(analyzer, question):
    return analyzer(question, lambda w: IDF.get(w, 0.0), lambda text: text in CORPUS)


@pytest.mark.parametrize("question, term", [
    ("怎么正确理解书香机关", "书香机关"),            # adjacent words the corpus holds together; 正确 is common Chinese
    ("两个维护这一说法怎么理解", "两个维护"),        # 说法: common in general, rare in the corpus
    ("“两个维护”的核心要义", "两个维护"),            # 要义 is a frame of meaning: a definition question
])
def test_common_words_beside_a_formulation_are_not_what_is_asked(analyzer, question, term):
    a = analyse(analyzer, question)
    assert a.term == term and a.kind == "definition" and a.asked == term


def test_a_formulation_most_chunks_hold_does_not_absorb_the_question(analyzer):
    # 机关党建 is in most chunks of a corpus about it: the question asks about the duties, not the term
    a = analyse(analyzer, "机关党委和党支部在机关党建中分别承担什么责任？")
    assert a.term == "" and a.asked == ""


def test_a_formulation_the_corpus_lacks_is_still_named(analyzer):
    assert analyse(analyzer, "四下基层主要讲什么").asked == "四下基层"
    assert analyse(analyzer, "何谓“四下基层”？").asked == "四下基层"
    assert analyse(analyzer, "机关党建工作责任制是什么").asked == ""      # several words: a paraphrase may answer


def test_a_quantity_is_not_a_formulation(analyzer):
    # `哪一个教派`, `三名士兵`: a numeral and a measure word count things, they name no formulation
    assert analyse(analyzer, "在第一次大公会议后哪一个教派被认为是异端？").asked == ""
    assert analyse(analyzer, "哪一国的三名士兵被杀？").asked == ""


@pytest.mark.parametrize("question", ["我想了解一下两个维护", "两个维护要求做到什么", "两个维护，具体怎么讲"])
def test_a_question_of_no_stated_kind_names_its_formulation(analyzer, question):
    # no frame of meaning, but the content is the formulation and words that say less than it
    a = analyse(analyzer, question)
    assert a.term == "两个维护" and a.asked == "两个维护"


def test_a_question_of_no_stated_kind_about_something_else_names_none(analyzer):
    # three other content words: the question asks about the occasion, not the formulation's content
    assert analyse(analyzer, "“两个维护”的要求是在什么场合提出的？").term == ""


@pytest.mark.parametrize("question", ["一岗双责这几个字什么意思", "那几个字是什么意思"])
def test_these_few_words_is_no_count(question):
    assert kind_of(normalize(question)) == "definition"


def test_a_numbered_dictionary_term_is_not_glued_to_the_next_word(analyzer):
    # 四风 is a term of the dictionary: `四风到底` is not a formulation of its own
    assert analyzer("咱们常说的四风到底指啥").content.split()[-2:] == ["四风", "到底"]


def test_only_a_question_of_meaning_is_judged_on_its_formulation_alone(analyzer):
    from retrieval.search.question import about_meaning

    assert about_meaning(analyse(analyzer, "什么是两个维护"))
    assert about_meaning(analyse(analyzer, "我想了解一下两个维护"))            # 想: common Chinese
    assert not about_meaning(analyse(analyzer, "两个维护位于哪个国家"))          # asks about something else
    assert not about_meaning(analyse(analyzer, "明天北京会下雨吗？"))


def test_a_term_made_of_a_shorter_one_names_both(analyzer):
    # a passage saying `“四强”党支部` or `“四强”…党支部` holds what the question asks; `四个全面` has no such parts
    assert set(analyzer("什么是四强党支部？").pieces) == {"四强", "党支部"}
    assert analyzer("什么是一岗双责？").pieces == ()
    assert analyzer("什么是四个全面？").pieces == ()


@pytest.mark.parametrize("question, phrase", [("如何理解主题党日", "主题党日"), ("什么叫三会一课", "三会一课"),
                                              ("党员活动日的含义", "党员活动日")])
def test_a_phrase_of_meaning_cut_into_everyday_words_is_what_is_asked(analyzer, question, phrase):
    a = analyzer(question, idf=lambda w: 1.0, contains=lambda t: False)
    assert a.asked == phrase


def test_a_request_is_no_yes_or_no_question():
    # 能不能帮我… asks for help: the frame of meaning (要义) names the kind, as it does with no request
    assert kind_of(normalize("它的核心要义是什么，能不能帮我梳理一下要点"), ("要义",)) == "definition"
    assert kind_of(normalize("它的核心要义是什么，能不能不学"), ("要义",)) == "yesno"


def test_asides_of_adverbs_and_one_character_verbs_leave_the_phrase_asked(analyzer):
    a = analyzer("民主生活会到底指啥，一直没搞懂", idf=lambda w: 1.0, contains=lambda t: False)
    assert a.asked == "民主生活"      # jieba: 民主 / 生活 / 会 (a frame word), 到底 / 一直 / 没: asides


@pytest.mark.parametrize("question", ["党员干部怎样加强作风建设", "什么是工作", "一岗双责是谁提出的",
                                      "汉水最终注入哪一条河"])     # 河 is content, not an aside
def test_no_phrase_outside_questions_of_meaning_or_in_longer_content(analyzer, question):
    a = analyzer(question, idf=lambda w: 1.0, contains=lambda t: False)
    assert a.asked in ("", a.term)


def test_which_n_is_a_frame_not_a_formulation(analyzer):
    # `哪五个基本` asks which five 基本 are meant: 五个 is not glued to 基本, nor is it content
    a = analyzer("机关党建要聚焦哪五个基本？")
    assert "五个基本" not in a.content.split() and "五个" not in a.content.split() and "基本" in a.content.split()
    assert "两个维护" in analyzer("如何做到两个维护").content.split()


def test_a_noun_the_corpus_lacks_is_what_is_asked_not_a_weaker_word(analyzer):
    # 房价 / 天气: nouns of general Chinese the corpus never uses; the question is about them, not about 两个维护
    assert analyse(analyzer, "两个维护，具体怎么讲").term == "两个维护"
    assert analyse(analyzer, "两个维护和房价怎么样").term == ""
    assert analyse(analyzer, "两个维护的天气怎么样").term == ""
    # a verb the corpus lacks (比作, 讲讲) still says less than the formulation
    assert analyse(analyzer, "两个维护，讲讲怎么样").term == "两个维护"


@pytest.mark.parametrize("question, count", [
    ("《意见》的6个方面履责重点具体是哪些", 6), ("6个方面履责重点是哪六个", 6), ("那18项推进措施分别是啥", 18),
    ("要解决哪三个问题", 0),                       # the corpus may give one part a paragraph
    ("《意见》有6个方面履责重点", 0),             # names the count, asks nothing of its parts
    ("两个维护是哪两个", 0), ("“四个带头”分别是什么", 0),   # numbered formulations: the glossary decides
])
def test_the_number_of_parts_asked_for(analyzer, question, count):
    assert analyzer(question).count == count


def test_a_formulation_that_is_the_whole_content_is_asked_for_its_parts(analyzer):
    assert analyzer("“扩先提中治软”分别指什么").parts == ("扩先提中治软",)
    assert analyzer("“扩先提中治软”是什么意思").parts == ()               # its meaning, not its parts one by one
    assert analyzer("“四强”党支部分别指什么").parts == ("四强",)          # a numbered formulation in it, as before
    # a quoted numbered formulation that the cut splits (`修好` / `三门课`) is asked for its parts as a whole
    assert analyzer("“修好三门课”是指哪三门课").parts == ("修好三门课",)
    assert analyzer("“学好三本书”分别是哪三本书").parts == ("学好三本书",)
    assert analyzer("“修好三门课”是什么意思").parts == ()
    assert analyzer("《战国无双3》是由哪两个公司合作开发的？").parts == ()       # a title names a work, not a formulation


@pytest.mark.parametrize("question, parts", [
    ("一岗双责的内涵和要求分别是什么？", ()),          # 分别 goes over 内涵 and 要求: the meaning is asked
    ("“扩先提中治软”的含义、意义分别是什么", ()),
    ("两个维护的定义与要求分别指什么", ()),
    ("一岗双责的内容和要求分别是什么", ("一岗双责",)),   # no meaning among them: the contents, part by part
    ("“扩先提中治软”分别指什么", ("扩先提中治软",)),
    ("四个意识和四个自信分别是什么", ("四个意识", "四个自信")),   # 分别 over two formulations: each one's parts
])
def test_respectively_over_aspects_of_meaning_asks_no_parts(analyzer, question, parts):
    assert analyzer(question).parts == parts


def test_a_question_of_many_words_is_about_a_situation_not_a_formulation(analyzer):
    """A question of meaning or parts names an unknown formulation (`四下基层`) when it says little else; in
    a long colloquial question the one rare word is no formulation (`发大水`, `多学点`, `说来说去`)."""
    assert analyse(analyzer, "四下基层包括哪些内容").asked == "四下基层"
    assert analyse(analyzer, "机关的四下基层具体都有哪些内容").asked == "四下基层"
    assert analyse(analyzer, "那年河南发大水，机关的党员都去干嘛了").asked == ""
    assert analyse(analyzer, "刚参加工作的年轻同志多学点党内事务方面的本事，有啥好处？").asked == ""


@pytest.mark.parametrize("question", ["一岗双责咋回事", "一岗双责咋理解", "问下一岗双责是什么", "解释下一岗双责",
                                      "一岗双责是个啥", "一岗双责都有啥"])
def test_a_frame_as_said_is_a_frame_as_written(analyzer, question):
    # 怎么回事 / 问一下 / 是个什么 said as 咋回事 / 问下 / 是个啥: no leftover word (回事, 问下) stays content
    a = analyzer(question)
    assert a.content == "一岗双责" and a.kind in ("definition", "enumeration", "how")


def test_spoken_forms_of_the_frame_lexicon():
    from retrieval.search.frames import spoken

    assert spoken(["怎么回事", "问一下", "是什么意思"]) >= {"咋回事", "问下", "是啥意思", "怎么回事", "问一下"}
    assert "一一下" not in spoken(["一下", "下"]) and spoken(["正确"]) == {"正确"}


HELD = "建设书香机关。两手抓、两手硬。修好三门课。以双融双促行动计划为载体。四个自信。"


def held_analysis(analyzer, question):
    return analyzer(question, lambda w: {"书香": 4.3, "机关": 0.02, "载体": 3.0}.get(w, 0.0), lambda text: text in HELD)


@pytest.mark.parametrize("question, content", [
    ("修好三门课是个啥", ["修好", "三门课"]),     # jieba: 修好 / 三门 / 课是 / 个 / 啥
    ("修好三门课该怎么去理解", ["修好", "三门课"]),
])
def test_a_character_jieba_glues_from_the_frame_is_given_back(analyzer, question, content):
    assert held_analysis(analyzer, question).content.split() == content


def test_a_word_of_general_chinese_keeps_its_last_character(analyzer):
    # 四个自我 is not in the corpus and 四个自 is (四个自信): 自我 is a word, its 我 no frame
    assert held_analysis(analyzer, "四个自我是个啥").content == "四个自我"


def test_a_word_the_corpus_holds_only_inside_longer_ones_names_the_formulation(analyzer):
    # 双融双促 is no index token (the corpus writes 双融双促行动计划); 讲究 and 说法 say less than it
    for question in ("双融双促有啥讲究", "关于双融双促，有什么说法"):
        assert held_analysis(analyzer, question).term == "双融双促"
    assert held_analysis(analyzer, "双融双促行动计划具体有哪些内容").term == "双融双促行动计划"   # the longer span first


def test_an_adverb_shaped_like_a_numbered_formulation_is_no_formulation(analyzer):
    # 一直 opens like 一岗 or 两个 but is an adverb: not glued to 没, and it says less than the formulation
    a = held_analysis(analyzer, "一岗双责到底指啥，一直没搞懂")
    assert a.term == "一岗双责" and "一直没" not in a.content.split()


@pytest.mark.parametrize("question", ["能不能帮我列一下一岗双责的几个组成部分？", "请列出一岗双责的主要内容", "列举一岗双责的几个方面"])
def test_a_request_to_list_asks_for_the_parts_not_a_count(analyzer, question):
    a = analyzer(question)
    assert a.kind == "enumeration" and a.term == "一岗双责"


def test_a_request_to_list_needs_no_count_in_the_passage():
    from retrieval.search.refusal import asked_kinds

    assert asked_kinds("列一下一岗双责的几个组成部分") == [] and asked_kinds("一岗双责有几个组成部分") == ["count"]


REFERRING = "建设书香机关。支部要加强学习。两个维护。"


@pytest.mark.parametrize("question, term", [
    ("支部学习要考书香机关，它的内容是什么？", "书香机关"),     # 支部学习要考: context before the formulation
    ("开会时领导说两个维护，这是什么意思？", "两个维护"),
    # clauses of frame words only in between refer back with the last one (由哪几部分组成, 每部分讲的是什么: frames)
    ("支部学习要考书香机关，它由哪几部分组成，每部分讲的是什么？", "书香机关"),
    ("支部学习要考书香机关，它由什么构成？各部分说的是什么", "书香机关"),
    # a last clause whose other words repeat the clause before (落实 … 怎么落实) refers back to it too
    ("支部要求落实书香机关，具体该怎么落实呢？", "书香机关"),
    # ... and so do clauses of asides only, adverbs and one-character words (可我一直没…, 有没有人能…)
    ("支部学习要考书香机关，可我一直没搞明白它到底讲的是啥，有没有人能通俗地解释一下？", "书香机关"),
])
def test_a_clause_of_frame_words_only_asks_about_the_words_ending_the_clause_before_it(analyzer, question, term):
    a = analyzer(question, lambda w: {"支部": 2.1, "学习": 1.1, "书香": 4.3, "两个维护": 2.1}.get(w, 0.0),
                 lambda text: text in REFERRING)
    assert a.term == term


def test_a_formulation_the_corpus_lacks_at_the_end_of_the_clause_is_what_is_asked(analyzer):
    # not 支部, which the corpus holds: the question asks about 领头雁, which it does not
    a = analyzer("支部学习要考领头雁，它的内容是什么？", lambda w: {"支部": 2.1, "学习": 1.1}.get(w, 0.0),
                 lambda text: text in REFERRING)
    assert a.term == "" and a.asked == "领头雁"


def test_a_clause_that_is_a_question_itself_refers_to_nothing_before_it(analyzer):
    # `X的说法是怎么来的，指什么`: the clause before 指什么 ends in frame words, so X is judged as usual
    assert held_analysis(analyzer, "一岗双责的说法是怎么来的，指什么").term == "一岗双责"


def test_several_is_no_count():
    from retrieval.search.refusal import asked_kinds

    assert asked_kinds("一岗双责应该是分好几个方面的吧，都有哪些") == [] and kind_of("好几个方面都有哪些") == "enumeration"
    assert asked_kinds("一岗双责分几个方面") == ["count"]



def test_only_a_question_of_meaning_refers_back_over_asides():
    from retrieval.search.runs import referred

    runs, breaks = [["西方", "列强", "觊觎"], ["尤其", "国"]], [1]      # `…觊觎，尤其是哪一国`: 国 is what is asked
    assert referred(runs, breaks, asides=False) is None
    assert referred(runs, breaks, asides=True) == ["西方", "列强", "觊觎"]


def test_a_verb_of_composition_is_content_outside_a_frame(analyzer):
    # `由哪几部分组成` is a frame; `A与什么龙组成B` asks what B is made of, and 组成 is a word to search
    assert "组成" in analyzer("冠饰角龙类与什么龙组成新角龙类？").content.split()
    assert "组成" not in analyzer("一岗双责由哪几部分组成").content.split()
