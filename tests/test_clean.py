"""Cleaning rules: each rule on small strings, then on the five real seeds."""
import re
from pathlib import Path

import pytest

from retrieval.ingest.clean import (boilerplate_rule, clean_line, clean_text, collapse_spaces, drop_boilerplate,
                             fullwidth_punctuation, normalise_width, pull_metadata, repair_shifted_gbk,
                             split_title, strip_pinyin, to_simplified)
from retrieval.ingest.corpus import load_corpus
from retrieval.ingest.metadata import parse_metadata_line
from retrieval.ingest.read import Block, read_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ZHENGZHOU = "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren"
QIANZHU = "qianzhu-niubizi-jiguan-dangjian-zerenzhi-yanjiu"
QIZHI = "qizhi-2024-11-luoshi-jiguan-dangjian-zhuti-zeren"
SPEECH = "2024-jiguan-dangjian-nianzhong-tuijinhui-jianghua"
WEIPINGTAI = "qizhi-weipingtai-2025-02-05-jiguan-dangjian-gongzuo-huiyi"


@pytest.fixture(scope="module")
def docs():
    return {d.doc_id: d for d in load_corpus(CORPUS).documents}


# --- text rules on small strings -------------------------------------------------

def test_strip_pinyin_only_after_cjk_with_tone_marks():
    assert strip_pinyin("機關(guān)黨建主體責(zé)任") == "機關黨建主體責任"
    assert strip_pinyin("習(xí)近平") == "習近平"
    assert strip_pinyin("部門黨組(黨委)落實") == "部門黨組(黨委)落實"
    assert strip_pinyin("意見(以下簡稱《意見》)") == "意見(以下簡稱《意見》)"
    assert strip_pinyin("电话(010)64068010") == "电话(010)64068010"
    assert strip_pinyin("使用 Python (pip) 安装") == "使用 Python (pip) 安装"   # no tone mark, no CJK before


def test_to_simplified():
    assert to_simplified("機關黨建主體責任 旗幟") == "机关党建主体责任 旗帜"


def test_normalise_width():
    assert normalise_width("ＡＢＣ１２３ａｂ") == "ABC123ab"
    assert normalise_width("机关\u3000党建\u00a0工作\u200b") == "机关 党建 工作"
    assert normalise_width("１．，。") == "1．，。"          # punctuation keeps its width


def test_fullwidth_punctuation_in_chinese_context_only():
    assert fullwidth_punctuation("同志们:党的十八大以来,以习近平") == "同志们：党的十八大以来，以习近平"
    assert fullwidth_punctuation("党组(党委)书记") == "党组（党委）书记"
    assert fullwidth_punctuation("(一)全面提高") == "（一）全面提高"
    assert fullwidth_punctuation("计划(2023—2025年)") == "计划（2023—2025年）"
    assert fullwidth_punctuation("做表率;真的吗?好!") == "做表率；真的吗？好！"
    assert fullwidth_punctuation("2021-11-15 15:06") == "2021-11-15 15:06"
    assert fullwidth_punctuation("Hello, world (test): ok?") == "Hello, world (test): ok?"


def test_collapse_spaces():
    assert collapse_spaces("  机关   党建  ") == "机关 党建"
    assert collapse_spaces("建设， 制定本意见。 未经") == "建设，制定本意见。未经"
    assert collapse_spaces("牵住『牛鼻子』 下好『一盘棋』") == "牵住『牛鼻子』 下好『一盘棋』"


def test_repair_shifted_gbk():
    assert repair_shifted_gbk("方向?!兑庖姟访鞔_了部門") == "方向。《意見》明確了部門"
    assert repair_shifted_gbk("真的吗?!我们走吧") == "真的吗?!我们走吧"


def test_clean_line_composes_all_text_rules():
    raw = "要以高質(zhì)量機關(guān)黨建促進高質(zhì)量發(fā)展,黨組(黨委)要帶頭。"
    assert clean_line(raw) == "要以高质量机关党建促进高质量发展，党组（党委）要带头。"
    assert clean_line("  ***总书记指出,  **市要   落实。") == "***总书记指出，**市要 落实。"


# --- line rules on small strings -------------------------------------------------

BOILERPLATE_LINES = [
    ("分享", "share"), ("分享到", "share"), ("分享到微信", "share"),
    ("中央和国家机关工委旗帜杂志社版权所有 人民网 中国共产党新闻网承建 版权声明", "copyright_owner"),
    ("中国日报网版权说明：凡注明来源为“中国日报网：XXX（署名）”……", "copyright_notice"),
    ("版权保护：本网登载的内容版权属中国日报网独家所有使用。", "copyright_notice"),
    ("版权声明：转载请注明出处", "copyright_notice"),
    ("转载请注明来源，京ICP备18060497号-1，京公网安备11010102006249号", "icp_licence"),
    ("互联网新闻信息服务许可证10120170065", "icp_licence"),
    ("京公网安备11010102006249号", "icp_licence"),
    ("违法和不良信息举报电话：(010)64068010", "report_hotline"),
    ("（编辑：孙丽，本文有删节）", "editor"),      # the credits alone are metadata (test_metadata.py)
    ("【责任编辑：蔡东海 网友留言请到评论区】", "editor"),
    ("（待续）", "signed_name"),      # a signed name (`（赵惠玲）`) is metadata: the author (test_metadata.py)
    ("- 投稿邮箱：qizhixmt@126.com", "submission_email"),
    ("当前位置：首页 期刊杂志", "breadcrumb"),
    ("相关专题 |", "topic_links"),
    ("· 党建专题 |", "topic_links"),
    ("微信“扫一扫”添加“学习大国”", "wechat_scan"),
    ("免责声明", "disclaimer"),
]


@pytest.mark.parametrize("line, rule", BOILERPLATE_LINES)
def test_boilerplate_lines_are_named(line, rule):
    assert boilerplate_rule(line) == rule


@pytest.mark.parametrize("line", [
    "（一）", "（十一）", "党组（党委）书记要带头。", "分享经验，共同提高。", "要加强版权保护工作。",
    "开展“党建专题”学习，扎实推进。", "***总书记在中央和国家机关党的建设工作会议上指出。",
])
def test_body_lines_are_not_boilerplate(line):
    assert boilerplate_rule(line) is None


def test_disclaimer_takes_the_following_paragraph():
    blocks = [Block("正文。"), Block("免责声明"), Block("我们致力于保护作者版权。"), Block("后文。")]
    kept, dropped = drop_boilerplate(blocks)
    assert [b.text for b in kept] == ["正文。", "后文。"]
    assert [rule for rule, _ in dropped] == ["disclaimer", "disclaimer"]


def test_pull_metadata_lines_and_author_tail():
    blocks = [Block("来源： 郑州日报"), Block("2021-11-15 15:06"), Block("正文。保障！（作者单位：郑州市委市直机关工委）")]
    kept, stated, _ = pull_metadata(blocks)
    assert [b.text for b in kept] == ["正文。保障！"]
    assert (stated.source, stated.date, stated.author) == ("郑州日报", "2021-11-15", "郑州市委市直机关工委")


def test_editorial_credits_are_metadata_and_several_lines_of_them_add_up():
    blocks = [Block("正文。"), Block("【责任编辑：蔡东海】"), Block("（审核：李四 签发：钟鸣）"), Block("编辑：王五说得好。")]
    kept, stated, dropped = pull_metadata(drop_boilerplate(blocks)[0])
    assert [b.text for b in kept] == ["正文。", "编辑：王五说得好。"]
    assert stated.credits == "责任编辑：蔡东海 审核：李四 签发：钟鸣"
    assert ("metadata", "【责任编辑：蔡东海】") in dropped


def test_split_title_drops_obfuscated_copy_and_echoed_lede():
    blocks = [Block("在2024年机关D建推进会上的讲话"), Block("在2024年机关党建推进会上的讲话"), Block("同志们：")]
    title, kept, _ = split_title(blocks)
    assert title == "在2024年机关党建推进会上的讲话" and [b.text for b in kept] == ["同志们："]
    blocks = [Block("标题"), Block("第一句。第二句。"), Block("标题"), Block("第一句。中间。第二句。")]
    title, kept, dropped = split_title(blocks)
    assert title == "标题" and [b.text for b in kept] == ["第一句。中间。第二句。"]
    assert ("repeated_lede", "第一句。第二句。") in dropped


def test_split_title_keeps_a_non_echoed_line_and_body_first_lines():
    blocks = [Block("标题"), Block("独有的一句。"), Block("标题"), Block("正文。")]
    assert [b.text for b in split_title(blocks)[1]] == ["独有的一句。", "正文。"]
    assert split_title([Block("第一句是正文。"), Block("第二句。")])[0] == ""
    assert split_title([Block("一、总体要求"), Block("正文。")])[0] == ""


# --- the real seeds --------------------------------------------------------------

GONE = {
    ZHENGZHOU: ["分享", "来源", "2021-11-15 15:06", "赵惠玲", "责任编辑", "蔡东海", "版权", "中国日报网",
                "rx@chinadaily.com.cn", "010-84883777", "作者单位", "郑州市委市直机关工委"],
    QIANZHU: ["当前位置", "期刊杂志", "时间", "2024-04-24", "■", "省国资委", "免责声明", "我们致力于保护作者版权",
              "部分文章是来自各大过期杂志", "牵住『牛鼻子』 下好『一盘棋』"],
    QIZHI: ["投稿邮箱", "qizhixmt", "来源", "《旗帜》2024年第11期", "编辑", "孙丽", "钟鸣", "版权所有", "版权声明",
            "ICP", "公网安备", "许可证", "举报电话", "64068010", "guān", "zé", "（党委）落实机关（"],
    SPEECH: ["机关D建", "在2024年机关党建高质量发展年中推进会上的讲话"],
    WEIPINGTAI: ["2025年02月05日", "16:44", "来源", "相关专题", "党建专题 |", "扫一扫", "学习大国"],
}
KEPT = {
    ZHENGZHOU: [
        "在中国共产党百年华诞的历史节点，在开启全面建设社会主义现代化河南新征程的重要时刻，省第十一次党代会绘就了波澜壮阔的宏伟蓝图，具有里程碑意义。",
        "要建强组织体系，以“双抓双促”为载体，使“双抓双促”成为机关党组织“亮相赛马”的平台，成为践行贯彻省委、市委党代会精神的舞台。",
        "一、坚持党的领导，使机关党建走在前、做表率",
        "为我市谱写新时代中原更加出彩的绚丽篇章提供坚强组织保障！"],
    QIANZHU: [
        "***总书记在中央和国家机关党的建设工作会议上指出，加强和改进机关党的建设，必须切实加强党的领导，牢牢牵住责任制这个“牛鼻子”。",
        "提高政治站位，深刻认识落实机关党建工作责任制的重要意义",
        "机关党建工作责任制是落实全面从严治党的关键举措。",
        "要结合青年党员干部特点，普及党务知识的学习教育，引导青年党员干部加强对党建工作和业务工作深度融合的思考和实践，为今后事业发展锄好地、播好种。"],
    QIZHI: [
        "制定出台部门党组（党委）落实机关党建主体责任意见（以下简称《意见》），是深入贯彻落实习近平总书记关于机关党建的重要讲话和重要指示精神",
        "这是以高质量机关党建促进高质量发展的主攻方向。《意见》明确了部门党组（党委）6个方面履责重点",
        "奋力书写以高质量机关党建促进高质量发展的新答卷。"],
    SPEECH: [
        "同志们：",
        "党的十八大以来，以习近平同志为核心的党中央高度重视机关党的建设，进行一系列顶层设计，作出一系列重大部署，开启了新时代机关党建高质量发展新篇章。",
        "（四）全面提高新时代机关党建质量是以高质量党建引领保障**高质量跨越式发展的现实需要。",
        "为谱写好中国式现代化的**篇章提供坚强组织保证。",
        "近期，市委印发《**市推动新时代机关党的建设高质量发展三年行动计划（2023—2025年）》",
        "抓实“**先锋红旗党支部”“**先锋党建带群建示范点”创建",
        "我就讲这么多，谢谢大家！"],
    WEIPINGTAI: [
        "中央和国家机关党的工作暨纪检工作会议1月26日在京召开。",
        "聚焦“两个维护”深化政治机关建设，当好学习宣传贯彻党的二十届三中全会精神排头兵",
        "2024年7月31日，中央和国家机关学习贯彻党的二十届三中全会精神、推动机关党建高质量发展座谈会在北京召开。",
        "中央党校（国家行政学院）",
        "为推动中央和国家机关各项事业发展提供坚强保证。"],
}


@pytest.mark.parametrize("doc_id", sorted(GONE))
def test_named_boilerplate_and_metadata_are_gone(docs, doc_id):
    for needle in GONE[doc_id]:
        assert needle not in docs[doc_id].text, needle


@pytest.mark.parametrize("doc_id", sorted(KEPT))
def test_named_body_sentences_are_kept(docs, doc_id):
    for needle in KEPT[doc_id]:
        assert needle in docs[doc_id].text, needle


def test_first_and_last_body_paragraphs(docs):
    firsts = {ZHENGZHOU: "在中国共产党百年华诞", QIANZHU: "***总书记", QIZHI: "制定出台部门党组",
              SPEECH: "同志们：", WEIPINGTAI: "中央和国家机关党的工作暨纪检工作会议"}
    lasts = {ZHENGZHOU: "提供坚强组织保障！", QIANZHU: "锄好地、播好种。", QIZHI: "新答卷。",
             SPEECH: "谢谢大家！", WEIPINGTAI: "提供坚强保证。"}
    for doc_id, doc in docs.items():
        assert doc.text.startswith(firsts[doc_id]) and doc.text.endswith(lasts[doc_id]), doc_id


def test_no_clean_line_is_boilerplate_or_metadata(docs):
    for doc in docs.values():
        for line in doc.text.split("\n"):
            assert boilerplate_rule(line) is None, (doc.doc_id, line)
            assert parse_metadata_line(line) is None, (doc.doc_id, line)


def test_clean_text_conventions_hold_on_every_seed(docs):
    cjk = "\u4e00-\u9fff"
    for doc in docs.values():
        text = doc.text
        assert to_simplified(text) == text, doc.doc_id
        assert "\n\n" not in text and text == text.strip()
        assert not re.search(r"[ \t\u3000\u00a0]{2,}|^ | $", text, re.M)
        assert not re.search(rf"[{cjk}][,:;?!()]|[,:;?!()][{cjk}]", text), doc.doc_id
        assert not re.search(r"[（(][a-zāáǎàēéěèīíǐìōóǒòūúǔù]+[)）]", text), doc.doc_id
        assert not re.search("[Ａ-Ｚａ-ｚ０-９]", text)


def test_no_line_vanishes_without_a_named_rule():
    """Every cleaned raw line is in the body or was dropped by a named rule; ledes recur in the body."""
    for path in sorted(CORPUS.glob("*.txt")):
        cleaned = clean_text(read_file(path))
        body = "\n".join(b.text for b in cleaned.blocks)
        dropped = {line: rule for rule, line in cleaned.dropped}
        for block in read_file(path).blocks:
            line = clean_line(block.text)
            assert line in body or line in dropped or any(d and d in line for d in dropped), (path.name, line)
        for rule, line in cleaned.dropped:
            if rule == "repeated_lede":
                assert all(s in body for s in re.findall(r"[^。！？]+[。！？]", line))


def test_invisible_bidi_and_control_characters_are_dropped():
    assert normalise_width("党建引领\x01发展\x7f，\u202e深度\u2066融合\u00ad\u200e。") == "党建引领发展，深度融合。"
    assert normalise_width("机关\x0b党建\x1f工作") == "机关 党建 工作"          # white-space controls: a space
