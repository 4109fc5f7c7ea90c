"""The refusal decision: pure functions over evidence, with hand-made cases."""
from retrieval.search.refusal import (Evidence, asked_kinds, chinese, coverage, decide, era_years, listed, mentions, numeral,
                                      typed_answer)


def test_strong_coverage_or_cosine_answers():
    assert decide(Evidence(0.9, 0.5)) and decide(Evidence(0.1, 0.9))
    assert not decide(Evidence(0.2, 0.6))
    assert not decide(Evidence(0.55, 0.6))                    # half the question's words are not enough


def test_a_close_sentence_answers_like_a_close_chunk():
    assert decide(Evidence(0.2, 0.6, sentence=0.8))
    assert not decide(Evidence(0.2, 0.6, sentence=0.7))


def test_an_untyped_passage_vetoes_even_strong_signals():
    assert not decide(Evidence(1.0, 0.95, typed=False))


def test_what_a_question_asks_for():
    assert asked_kinds("第三批“四强”党支部一共命名了多少个？") == ["count"]
    assert asked_kinds("这次工作会议有几个部门作会议发言？") == ["count"]
    assert asked_kinds("会议是哪天在哪里召开的？") == ["day"]
    assert asked_kinds("河南省第十一次党代会是哪一天开幕的？") == ["day"]
    assert asked_kinds("条例最近一次是哪一年修订的？") == ["year"]
    assert asked_kinds("什么时候开花？") == ["time"]    # open "when": a date, an era, a season, a time of day answer it
    assert asked_kinds("是百济第多少代国王？") == []
    # an ordinal asks which one (`第九轮`), not how many; enumerations ask for no count
    assert asked_kinds("开展的是第几轮专项督查？") == ["ordinal"]
    assert asked_kinds("项目工作法有哪几个“化”的要求？") == []
    assert asked_kinds("什么是一岗双责？") == []


def test_ordinal_questions_need_the_ordinal_of_the_unit_asked():
    question = "这回机关党建专项督查搞到第几轮了"
    assert typed_answer(question, "工委开展第九轮机关党建专项督查。")
    assert typed_answer(question, "开展第 9 轮督查。") and typed_answer(question, "首轮督查已经完成。")
    assert not typed_answer(question, "工委统筹开展机关党建专项督查，实现督查全覆盖。")
    assert not typed_answer(question, "召开第二届全国机关党建理论研讨会。")     # a session, not a round
    assert not typed_answer("第三轮之后是第几轮", "第三轮督查发现问题。")          # the question's own ordinal
    assert asked_kinds("他在比赛中排第几名？") == []                             # a rank: RANK answers it


def test_count_questions_need_a_count_the_question_does_not_hold():
    question = "第三批“四强”党支部一共命名了多少个？"
    assert not typed_answer(question, "评定命名第三批中央和国家机关“四强”党支部，开展经验交流。")
    assert typed_answer(question, "评定命名第三批“四强”党支部120个。")
    assert typed_answer("有多少个部门作了书面交流？", "另有25个部门作了书面交流。")
    assert typed_answer("一共修改了多少处？", "作者一共修改了2558处。")


def test_date_questions_need_a_date():
    question = "河南省第十一次党代会是哪一天开幕的？"
    assert not typed_answer(question, "在中国共产党百年华诞的历史节点，省第十一次党代会绘就了宏伟蓝图。")
    assert typed_answer("会议是哪天召开的？", "会议1月26日在京召开。")
    assert not typed_answer("会议是哪天召开的？", "2021年，会议在京召开。")       # a year is not a day
    assert typed_answer("学院成立于哪一年？", "学院成立于1985 年。")
    assert typed_answer("永昌大君在哪一年被杀？", "光海君七年，永昌大君被杀。")


def test_share_questions_need_a_share():
    question = "党建述职评议考核结果在年度考核中占多大比重？"
    assert asked_kinds(question) == ["share"]
    assert not typed_answer(question, "将党建工作考核与年度考核挂钩，提高考核结果的含金量。")
    for passage in ("党建考核占年度考核的30%。", "占比三成。", "不少于三分之一。", "按3:7计算。"):
        assert typed_answer(question, passage), passage
    assert not typed_answer("党员占职工的比例是多少？", "建成一支过硬的党员队伍。")


def test_these_few_is_no_count():
    assert asked_kinds("两个维护这几个字什么意思") == []


def test_other_questions_are_always_typed():
    assert typed_answer("什么是一岗双责？", "一岗双责是指……")


def test_a_formulation_the_corpus_does_not_hold_is_never_answered():
    assert not decide(Evidence(1.0, 0.95, sentence=0.95, held=False))


def test_the_cosine_threshold_follows_the_backend_that_made_the_vectors():
    from retrieval.search.refusal import MIN_COSINE, min_cosine_for

    assert min_cosine_for("torch-fp32") == MIN_COSINE == 0.76 and min_cosine_for("onnx-fp32") == 0.76
    assert min_cosine_for("onnx-int8") == 0.75           # int8, recalibrated on the dev parts with the vetoes
    assert not decide(Evidence(0.2, 0.755)) and decide(Evidence(0.2, 0.755), min_cosine=min_cosine_for("onnx-int8"))


def test_an_open_when_question_needs_a_time_of_any_kind():
    question = "楼阳生啥时候当的河南省委书记"
    # `未来五年` is a span, not a time; a date, an era or a season answers
    assert not typed_answer(question, "省委书记楼阳生在大会上所作的报告，明确了未来五年我省的奋斗目标。")
    assert typed_answer(question, "2021年10月，楼阳生在省第十一次党代会上作报告。")
    assert typed_answer("什么时候开花？", "每年春季开花，夜间闭合。")
    assert typed_answer("这座城是何时建成的", "此城建于明朝初年。")


def test_numbered_mentions_and_their_spellings():
    assert mentions("第八轮机关党建专项督查") == [("第8轮", "第八轮")]
    assert mentions("那18项推进措施分别是啥") == [("18项", "十八项")]
    assert mentions("第一批“四强”党支部") == [("第1批", "第一批", "首批")]
    assert mentions("两项制度") == [("2项", "两项", "二项")]
    # no number of the corpus: 哪一期, 这一批, one item, ranks and counts said in other words
    assert mentions("刊登在哪一期？") == mentions("这一批") == mentions("一项工作") == mentions("哪两项") == []
    assert mentions("排名第8名，只输六家") == mentions("开展的是第几轮") == []
    assert mentions("第111届") == [("第111届",)]


def test_numerals_both_ways():
    assert [numeral(t) for t in ("八", "十", "十八", "二十", "二十三", "两", "18", "三四")] == [8, 10, 18, 20, 23, 2, 18, None]
    assert [chinese(v) for v in (0, 8, 10, 18, 20, 23, 99, 100)] == ["零", "八", "十", "十八", "二十", "二十三", "九十九", ""]


def test_every_run_of_numerals_a_question_may_hold_reads_or_is_none():
    from itertools import product

    alphabet = "〇零一二两三四五六七八九十"
    for n in (1, 2, 3):
        for chars in product(alphabet, repeat=n):
            text = "".join(chars)
            value = numeral(text)
            assert value is None or 0 <= value <= 99, text
            mentions(f"第{text}轮督查"), mentions(f"{text}项措施")     # never raises
    assert numeral("十五三") is numeral("三二十") is numeral("二二") is None


def test_party_congresses_plenums_and_anniversaries_are_numbered_mentions():
    assert mentions("党的十九大提出了什么") == [("19大", "十九大")]
    assert mentions("二十届四中全会精神") == [("20届", "二十届"), ("4中全会", "四中全会")]
    assert mentions("新中国成立70周年") == [("70周年", "七十周年")]
    assert mentions("六大行动是哪六个") == mentions("第十大") == []      # six big actions: a count, not a congress


def test_how_many_people_needs_a_count_of_people():
    assert asked_kinds("首批“四好”党员一共评了多少人") == ["count", "people"]
    assert not typed_answer("评了多少人", "《意见》明确了6个方面履责重点")
    assert typed_answer("评了多少人", "评选出100名“四好”党员")


def test_how_long_needs_a_length_of_time_or_a_period():
    assert asked_kinds("述职评议多长时间搞一次？") == ["often"] and asked_kinds("培训要几天") == ["span"]
    assert asked_kinds("哪几年") == asked_kinds("西元几年") == asked_kinds("多久以前") == []
    assert typed_answer("多久一次", "每年开展一次") and typed_answer("用了多长时间", "用3个月时间")
    assert not typed_answer("多久一次", "2024年开展了述职评议")


def test_how_many_parts_a_passage_lists():
    assert listed("聚焦基本队伍、基本活动、基本阵地、基本制度、基本保障，切实抓好") == 5
    assert listed("一是做好治理。二是强化教育。三是创新载体。") == 3
    assert listed("（一）实施政治引领行动 （二）实施凝心铸魂行动") == 2
    assert listed("《意见》明确了6个方面履责重点，要聚焦做到“四个带头”") == 0


def test_a_date_is_not_a_length_of_time():
    assert not typed_answer("多长时间开一次", "会议1月26日在京召开") and not typed_answer("多久", "2024年3月")
    assert typed_answer("多长时间开一次", "会议每季度召开一次") and typed_answer("多久", "历时两个月")


def test_a_share_or_a_length_of_time_is_what_its_how_many_asks_for():
    """`多少比例` asks for a share and `多少天` / `多少日` for a length of time: not for a count as well, so
    `三分之一` and `9日` answer them (DRCD questions over short passages were refused without it)."""
    assert asked_kinds("消灭了帝国多少比例的人口？") == ["share"]
    assert typed_answer("消灭了帝国多少比例的人口？", "大瘟疫消灭了帝国三分之一的人口。")
    assert asked_kinds("天文台可以预测多少日的天气？") == asked_kinds("要多少天") == ["span"]
    assert typed_answer("天文台可以预测多少日的天气？", "天文台发布未来9日天气预报。")
    assert not typed_answer("天文台可以预测多少日的天气？", "天文台3月16日发布预报。")     # a date is no span
    assert not typed_answer("消灭了帝国多少比例的人口？", "大瘟疫造成毁灭性打击。")


def test_counts_in_more_units_and_times_in_more_forms():
    assert typed_answer("有多少起敌对行为？", "史塔西记录有2000起敌对行为。")
    assert typed_answer("度数加上多少可以转换成摄氏？", "其起始点0K=−273.15℃。")
    assert not typed_answer("一共多少个部门？", "各部门作了书面交流。")
    for passage in ("中生代开始于2.51亿年前。", "一直到了第九年才成功。", "在白垩纪中期，海洋过暖。", "东汉时发展出成熟的青瓷。"):
        assert typed_answer("是什么时候的事？", passage), passage
    assert not typed_answer("是什么时候的事？", "明确了未来五年的奋斗目标。")


def test_a_count_word_the_question_copies_from_the_passage_asks_for_no_count():
    question = "东罗马哪位皇帝发动了几次规模巨大的战役，击退了保加利亚第一帝国的攻击？"
    passage = "齐米斯西斯随后称帝，号称约翰一世，他发动了几次规模巨大的战役，击退了保加利亚第一帝国和基辅罗斯人的攻击。"
    assert typed_answer(question, passage)                      # 几次 there means "several": who is asked
    assert typed_answer("東羅馬哪位皇帝發動了幾次規模巨大的戰役？", passage)   # traditional characters alike
    assert not typed_answer("他一共发动了几次战役？", "他发动了规模巨大的战役，击退了攻击。")   # a count is asked
    assert typed_answer("他一共发动了几次战役？", "他一共发动了三次战役。")
    assert not typed_answer("他发动了几次？", "他发动了几次战役，击退了攻击。")   # nothing after 几次: still a question


def test_a_regnal_year_answers_when_but_a_length_of_time_does_not():
    assert typed_answer("汉地十八省是从何时开始产生的？", "康熙六年，江南省分为江苏、安徽二省。康熙七年，分陕西为陕西、甘肃二省。")
    assert typed_answer("赵与莒在什么时候被选入宫内？", "故于嘉定十四年将赵与莒选入宫内，赐名贵诚。")
    assert era_years("建安元年，迁都许昌；光绪二十四年变法") == ["建安元年", "光绪二十四年"]
    assert era_years("未来五年，连续三年，长达十年，近十年来，这三年，历经十年，他在那里工作三年、学习五年") == []
    # nor the tail of a numeral of several characters (`来十五年` in 未来十五年)
    assert era_years("未来十五年，连续三十五年，过去二十年里") == []
    assert era_years("乾隆五十年，嘉定十四年") == ["乾隆五十年", "嘉定十四年"]
    assert not typed_answer("这项工程是什么时候开工的？", "这项工程历时三年，耗资巨大。")


def test_a_function_word_the_corpus_never_uses_weighs_nothing_but_an_unknown_noun_weighs_most():
    def idf(word):
        return {"签发": 2.6, "文章": 1.0}.get(word, 0.0)
    assert coverage(["究竟", "签发"], "编辑：孙丽 签发：钟鸣", idf, 100) == 1.0      # 究竟: jieba tags it `d`
    assert coverage(["到底", "签发"], "签发：钟鸣", idf, 100) == 1.0               # 到底: `d`
    assert coverage(["房价", "签发"], "签发：钟鸣", idf, 100) < 0.4               # 房价: a topic the corpus lacks
    assert coverage(["之前", "签发"], "签发：钟鸣", idf, 100) < 0.4               # 之前 (`f`): a time it may not say


def test_who_came_first_needs_a_passage_that_ranks_or_awards():
    question = "庆祝新中国成立75周年的歌咏展演，哪支合唱队拿了第一名？"
    assert not typed_answer(question, "18支合唱队一一登台，唱响礼赞新中国的旋律。")
    assert typed_answer(question, "中央宣传部合唱队荣获一等奖。")
    assert typed_answer("巴西于决赛打败西班牙夺得冠军是在哪场比赛", "2013年巴西于联合会杯决赛以3比0打败西班牙夺得冠军。")


def test_how_two_things_differ_needs_a_passage_that_compares_them():
    question = "机关党委的直接责任和党支部的落实责任有什么区别"
    assert not typed_answer(question, "要压紧机关党委的直接责任、党支部的落实责任。")
    assert typed_answer("独裁政体和民主政体的区别在哪", "独裁政体和民主政体的区别，主要在于司法权和立法权受行政权的控制。")
    # which one is more so (`哪个搞得更好`, `哪个标准更严`) asks for a comparison too
    assert not typed_answer("郑州和开封的机关党建哪个搞得更好", "郑州市直机关以双抓双促为载体。")
    assert typed_answer("长江和黄河哪个更长", "长江全长6300公里，比黄河长，居世界第三。")
    assert typed_answer("两座城市哪个人口更多", "甲城人口多于乙城。")
    # `不同` as an adjective asks for no comparison
    assert typed_answer("风力或水力发电用不同方式驱动发电机，但仍遵守什么定理", "它们都遵守法拉第定律。")


def test_why_something_was_chosen_needs_a_passage_that_gives_a_reason():
    question = "这次工作会议为啥选在1月26日开"
    assert not typed_answer(question, "中央和国家机关党的工作暨纪检工作会议1月26日在京召开。")
    assert typed_answer(question, "会议选在1月26日召开，是因为要在春节前部署全年工作。")
    assert not typed_answer("为什么是郭文奇主持会议而不是蔡奇", "蔡奇出席会议并讲话，郭文奇主持会议。")
    assert typed_answer("机关党建为啥要抓责任制", "机关党建工作责任制是落实全面从严治党的关键举措。")   # no choice asked


def test_how_often_needs_a_period_not_a_routine():
    question = "支部书记抓党建述职评议多长时间搞一次？"
    assert not typed_answer(question, "构建起常态化考核的良好氛围。")      # 常态化: a routine, no period
    assert typed_answer(question, "定期检查成效，每年开展一次述职评议。")
    assert not typed_answer("联络员多久来检查一次", "要建立联络员制度，定期检查成效。")   # 定期: regularly, how often unsaid
    # a period said with 按 (`按季度通报`) answers it, and so does a length of time (`每隔两年`); a year does not
    assert asked_kinds("典型案例多久通报一次") == asked_kinds("政治素质考察一年要搞几回") == ["often"]
    assert typed_answer("典型案例多久通报一次", "建立党支部月报机制，按季度通报典型案例")
    assert typed_answer("多久换届一次", "每隔两年换届") and not typed_answer("多久换届一次", "2024年完成换届")
    assert not typed_answer("政治素质考察一年要搞几回", "做实政治素质考察，完善考察办法")   # no 几回 counted either
    assert typed_answer("政治素质考察一年要搞几回", "政治素质考察每年两次")


def test_a_count_is_answered_by_a_list_of_the_things_counted():
    """`能增强党支部的几种力`: `凝聚力、向心力、战斗力` answers it without a number, since each item ends in the
    name of what is counted (the last may run on: `学做联动的学习格局`); other lists do not."""
    assert typed_answer("能增强党支部的几种力", "增强党支部的凝聚力、向心力、战斗力")
    assert typed_answer("理论学习搞成了几个联动的格局", "形成上下联动、内外联动、学做联动的学习格局")
    assert not typed_answer("能增强党支部的几种力", "增强党支部的政治功能和组织功能")
    assert not typed_answer("第三批四强党支部命名了多少个", "评定命名第三批“四强”党支部、先锋党支部")


def test_who_holds_a_post_needs_a_passage_that_names_the_post():
    assert not typed_answer("郑州市委市直机关工委书记是谁", "市委市直机关工委要强化责任担当，履行好统一领导的职责。")
    assert typed_answer("中央和国家机关工委书记是谁", "中央和国家机关工委书记蔡奇出席会议并讲话。")
    assert typed_answer("乐坛风云50年的主持人是谁", "节目由王贤志主持，逢星期日播出。")      # 主持 of 主持人
    assert typed_answer("明尼亚波利斯湖人首位总教练是谁", "球队首任总教练为约翰·库达尔。")
    assert not typed_answer("明尼亚波利斯湖人首位总教练是谁", "其前身为明尼亚波利斯湖人，获得过5个总冠军。")
    assert typed_answer("会议由谁主持", "会议在京召开。")          # not a post: no such check
