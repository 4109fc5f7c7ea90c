"""Answer-aware ranking (retrieval/search/rank.py): a question asking for N named parts prefers a passage
that lists them."""
from retrieval.search.answer import Passage
from retrieval.search.rank import lists, parts_asked, prefer_typed


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
