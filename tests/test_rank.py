"""Answer-aware ranking (retrieval/search/rank.py): a question asking for N named parts prefers a passage
that lists them."""
from retrieval.search.answer import Passage
from retrieval.search.rank import lists, maker_unknown, matches_year, parts_asked, place_unknown, prefer_typed
from retrieval.types import Document


def test_what_parts_a_question_asks_for():
    assert parts_asked("党员干部要不断提升哪三种政治能力？") == (3, "政治能力")
    assert parts_asked("要聚焦哪五个「基本」？") == (5, "基本")
    assert parts_asked("两个维护是什么？") is None
    assert parts_asked("六大行动是哪六个？") is None          # no head: nothing to match the parts on


def test_a_list_counts_when_its_items_are_of_the_kind_asked():
    assert lists("引导党员干部不断提高政治判断力、政治领悟力、政治执行力。", 3, "政治能力")
    assert lists("聚焦基本队伍、基本活动、基本阵地、基本制度和基本保障。", 5, "基本")
    assert not lists("引导党员干部不断提高政治判断力、政治领悟力。", 3, "政治能力")        # two, not three
    assert not lists("推进政治建设、思想建设、组织建设、作风建设。", 3, "能力")             # items of another kind


def test_the_passage_that_lists_the_parts_comes_first_when_it_scores_close():
    texts = {1: "坚持把党的政治建设摆在首位，大力实施政治引领行动。",
             2: "党员干部要学习，提升能力。",
             3: "引导党员干部不断提高政治判断力、政治领悟力、政治执行力。"}
    passages = [Passage("d", i, i + 1, score, 0, [i]) for i, score in ((1, 1.0), (2, 0.9), (3, 0.85))]
    order = prefer_typed("党员干部要不断提升哪三种政治能力？", passages, lambda p: texts[p.start])
    assert [p.start for p in order] == [3, 1, 2]
    far = [Passage("d", i, i + 1, score, 0, [i]) for i, score in ((1, 1.0), (2, 0.9), (3, 0.5))]
    assert [p.start for p in prefer_typed("党员干部要不断提升哪三种政治能力？", far, lambda p: texts[p.start])] == [1, 2, 3]


def test_a_where_question_prefers_the_passage_that_says_where_it_happened():
    texts = {1: "工委召开座谈会，传达重要指示精神。", 2: "2024年7月31日，座谈会在北京召开。"}
    passages = [Passage("d", i, i + 1, score, 0, [i]) for i, score in ((1, 1.0), (2, 0.9))]
    order = prefer_typed("座谈会在哪里召开？", passages, lambda p: texts[p.start])
    assert [p.start for p in order] == [2, 1]
    assert [p.start for p in prefer_typed("座谈会是谁召开的？", passages, lambda p: texts[p.start])] == [1, 2]


def test_which_year_or_which_time_is_no_place():
    from retrieval.search.rank import place_asked

    assert place_asked("忽里台大会在哪一年再次召开?") is None
    assert place_asked("巴西再次主办世界杯是在哪次的世界杯?") is None
    assert place_asked("黄足笛鲷在哪里栖息？").search("多栖息于礁区")


def test_where_something_was_done_needs_a_passage_that_says_where():
    assert place_unknown("研讨会是在哪里召开的", "工委召开第二届全国机关党建理论研讨会。")      # named, not placed
    assert not place_unknown("会议是在哪里召开的", "会议1月26日在京召开。")
    assert not place_unknown("座谈会在哪儿开的", "座谈会在北京召开。")                        # 开 of 召开
    assert not place_unknown("专栏开在哪儿", "在旗帜网、旗帜微平台开设专栏。")
    assert not place_unknown("东征元帅府是1285年在哪里设置的", "1285年于辽阳设置东征元帅府。")
    assert place_unknown("培训班在哪里举办", "工委举办了专题培训班。")
    assert place_unknown("研讨会在哪个城市召开的", "工委召开第二届全国机关党建理论研讨会。")  # 哪个城市, 哪座城市: where
    assert not place_unknown("会议在哪座城市召开", "会议1月26日在京召开。")
    assert not place_unknown("年会在什么地方举行", "年会于台北举行。")
    # where someone lived or something lies is said in too many ways to refuse on it (`到伦敦居住`)
    assert not place_unknown("他决裂之后在哪里居住", "他与家族决裂，到伦敦居住。")
    assert not place_unknown("资源大多集中在哪里", "这些资源十分丰富。")


def test_a_where_question_of_any_verb_prefers_a_passage_that_says_where():
    from retrieval.search.rank import place_asked
    assert place_asked("资源大多集中在哪里").search("这些资源主要集中在伊尔库茨克盆地。")
    assert place_asked("东征元帅府是1285年在哪里设置的").search("1285年于辽阳设置东征元帅府。")
    assert place_asked("原因到底在哪儿") is None


def test_a_bare_na_asks_where_as_hali_does():
    """`在哪办的`, `在哪召开`, as members type it, asks where; `在哪个会上`, `在哪一年`, `在哪些方面` do not."""
    from retrieval.search.rank import place_asked

    assert place_asked("专题培训班是在哪办的").search("专题培训班在京举办")
    assert place_unknown("座谈会在哪召开", "工委召开座谈会，传达重要指示精神。")
    assert not place_unknown("座谈会在哪召开", "座谈会在北京召开。")
    for question in ("这是总书记在哪个会上说的", "在哪一年召开", "要在哪些方面下功夫", "问题出在哪"):
        assert place_asked(question) is None


def test_where_a_cause_lies_asks_for_no_place():
    for question in ("原因到底在哪儿", "问题出在哪里", "机关党建的短板在哪里", "差距在哪里呢"):
        assert not place_unknown(question, "工作周期长、见效慢。")


def test_the_authors_name_needs_a_citation_that_names_a_person():
    from retrieval.types import Document

    unit = Document("d", "d.txt", "牵住牛鼻子", "……", author="省国资委")
    person = Document("e", "e.txt", "以党建第一责任引领和保障发展", "……", author="郑州市委市直机关工委 赵惠玲")
    assert maker_unknown(unit, "省国资委这篇文章的作者叫什么")
    assert maker_unknown(unit, "那篇文章的作者姓名")
    assert not maker_unknown(person, "这篇文章的作者叫啥")
    assert not maker_unknown(unit, "这篇文章的作者是谁")          # who: the unit answers it
    assert not maker_unknown(unit, "《红楼梦》的作者叫什么")       # not the document itself


def test_who_made_the_document_needs_a_citation_that_names_someone():
    from retrieval.types import Document

    nobody = Document("d", "d.txt", "在年中推进会上的讲话", "同志们：……")
    signed = Document("e", "e.txt", "制定出台意见", "……", credits="编辑：孙丽 签发：钟鸣")
    assert maker_unknown(nobody, "这篇讲话是哪位领导讲的")
    assert maker_unknown(nobody, "这篇文章的作者是谁")
    assert not maker_unknown(signed, "那篇文章是谁签发的")
    assert not maker_unknown(nobody, "讲话里说这是谁指出来的")          # a person in the text, not the maker
    assert not maker_unknown(nobody, "这篇文章提到谁主持了会议")


def test_a_year_asked_about_matches_the_passage_before_the_documents_date():
    report = Document("d", "d.txt", "机关党建工作会议", "…", date="2025-02-05")
    assert matches_year(report, "2025年是“十四五”规划收官之年。", ("2025",))
    assert matches_year(report, "会议1月26日在京召开，郭文奇主持会议。", ("2025",))      # no year of its own: the report's
    assert not matches_year(report, "2024年是不平凡的一年。", ("2025",))                # about another year
    assert matches_year(Document("d", "d.txt", "2025年工作要点", "…", date="2024-11"), "2024年是不平凡的一年。", ("2025",))


def test_who_made_a_text_named_by_its_title_is_asked_of_the_document():
    speech = Document("s", "s.txt", "在2024年机关党建高质量发展年中推进会上的讲话", "正文")
    # the speech named by most of its title and its kind, and signed by no one: no passage says who gave it
    assert maker_unknown(speech, "2024年机关党建年中推进会上的讲话是哪位领导讲的？")
    assert maker_unknown(speech, "年中推进会上的讲话是谁讲的")
    signed = Document("s", "s.txt", "在2024年机关党建高质量发展年中推进会上的讲话", "正文", author="某某")
    assert not maker_unknown(signed, "年中推进会上的讲话是谁讲的")
    # a work the passage is about, or another text than the document: its text may say who made it
    novel = Document("h", "h.txt", "红楼梦", "《红楼梦》是曹雪芹所著的章回体长篇小说。")
    assert not maker_unknown(novel, "红楼梦是谁写的")
    assert not maker_unknown(speech, "全国机关党建理论研讨会上的报告是谁作的")
