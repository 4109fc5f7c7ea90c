"""Metadata: the five seeds exactly, line parsing and curator overrides (titles: test_title.py)."""
import json
import shutil
from pathlib import Path

import pytest

from retrieval.ingest.corpus import load_corpus, load_document
from retrieval.errors import DocumentError
from retrieval.ingest.metadata import (Metadata, check_overrides, issue_date, parse_metadata_line,
                                resolve_metadata, sidecar_path, split_author_tail, with_signed)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures" / "corpus"

SEEDS = {
    "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren": (
        "以党建“第一责任”引领和保障发展", "郑州日报", "2021-11-15", "郑州市委市直机关工委 赵惠玲"),
    "qianzhu-niubizi-jiguan-dangjian-zerenzhi-yanjiu": (
        "牵住『牛鼻子』 下好『一盘棋』——推动落实机关党建工作责任制研究", "", "2024-04-24", "省国资委"),
    "qizhi-2024-11-luoshi-jiguan-dangjian-zhuti-zeren": (
        "制定出台部门党组（党委）落实机关党建主体责任意见", "《旗帜》2024年第11期", "2024-11", ""),
    "2024-jiguan-dangjian-nianzhong-tuijinhui-jianghua": (
        "在2024年机关党建高质量发展年中推进会上的讲话", "", "", ""),
    "qizhi-weipingtai-2025-02-05-jiguan-dangjian-gongzuo-huiyi": (
        "中央和国家机关党的工作暨纪检工作会议1月26日在京召开", "旗帜微平台", "2025-02-05", ""),
}


@pytest.fixture(scope="module")
def docs():
    return {d.doc_id: d for d in load_corpus(CORPUS).documents}


@pytest.mark.parametrize("doc_id", sorted(SEEDS))
def test_seed_metadata_is_exactly_what_the_text_states(docs, doc_id):
    doc = docs[doc_id]
    assert (doc.title, doc.source, doc.date, doc.author) == SEEDS[doc_id]


def test_the_seeds_editorial_credits_are_read_from_their_footers(docs):
    credits = {d: docs[d].credits for d in SEEDS if docs[d].credits}
    assert credits == {"zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren": "责任编辑：蔡东海",
                       "qizhi-2024-11-luoshi-jiguan-dangjian-zhuti-zeren": "编辑：孙丽 送签：孙丽 签发：钟鸣"}


def test_missing_facts_are_warned_not_invented(docs):
    assert set(docs["2024-jiguan-dangjian-nianzhong-tuijinhui-jianghua"].warnings) == {
        "no source stated", "no date stated"}
    assert docs["qianzhu-niubizi-jiguan-dangjian-zerenzhi-yanjiu"].warnings == ("no source stated",)
    assert docs["zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren"].warnings == ()
    for doc_id in ("qizhi-2024-11-luoshi-jiguan-dangjian-zhuti-zeren",
                   "qizhi-weipingtai-2025-02-05-jiguan-dangjian-gongzuo-huiyi"):
        assert docs[doc_id].warnings == ("no title stated; inferred from the first paragraph",)
        assert 0 < len(docs[doc_id].title) <= 41


@pytest.mark.parametrize("line, expected", [
    ("来源： 郑州日报", {"source": "郑州日报"}),
    ("2021-11-15 15:06", {"date": "2021-11-15"}),
    ("时间：2024-04-24", {"date": "2024-04-24"}),
    ("2025年02月05日16:44 来源：旗帜微平台", {"date": "2025-02-05", "source": "旗帜微平台"}),
    ("（来源：《旗帜》2024年第11期）", {"source": "《旗帜》2024年第11期", "date": "2024-11"}),
    ("■省国资委", {"author": "省国资委"}),
    ("作者单位：郑州市委市直机关工委", {"author": "郑州市委市直机关工委"}),
    ("（ 编辑：孙丽 送签：孙丽 签发：钟鸣 ）", {"credits": "编辑：孙丽 送签：孙丽 签发：钟鸣"}),
    ("【责任编辑：蔡东海】", {"credits": "责任编辑：蔡东海"}),
    ("责编：张三｜审核：李四、王五", {"credits": "责编：张三 审核：李四、王五"}),
    ("(编辑:孙丽 签发:钟鸣)", {"credits": "编辑：孙丽 签发：钟鸣"}),
    ("（赵惠玲）", {"signed": "赵惠玲"}), ("(欧阳·修文)", {"signed": "欧阳·修文"}),
])
def test_metadata_lines(line, expected):
    assert parse_metadata_line(line) == expected


@pytest.mark.parametrize("line", [
    "2024年7月31日，中央和国家机关学习贯彻党的二十届三中全会精神座谈会在北京召开。",
    "来源于群众，服务于群众。", "一、坚持党的领导", "2024年是不平凡的一年。",
    "责任编辑：蔡东海同志介绍了经验。", "编辑部要求：认真校对", "签发：钟鸣 2024年",
    "（待续）", "（全文完）", "（三）", "（赵惠玲同志介绍了经验）",
])
def test_body_lines_are_not_metadata(line):
    assert parse_metadata_line(line) is None


@pytest.mark.parametrize("stated, author", [
    ({"author": "郑州市委市直机关工委", "signed": "赵惠玲"}, "郑州市委市直机关工委 赵惠玲"),   # the page's order
    ({"signed": "赵惠玲"}, "赵惠玲"), ({"author": "省国资委"}, "省国资委"),
    ({"author": "赵惠玲", "signed": "赵惠玲"}, "赵惠玲"),
])
def test_a_signed_name_is_the_author_after_the_unit_stated(stated, author):
    assert with_signed(dict(stated)) == {"author": author}


def test_author_tail_and_issue_dates():
    assert split_author_tail("提供坚强组织保障！（作者单位：郑州市委市直机关工委）") == (
        "提供坚强组织保障！", "郑州市委市直机关工委")
    assert split_author_tail("（作者单位：某单位）") == ("（作者单位：某单位）", "")
    assert split_author_tail("正文。") == ("正文。", "")
    assert issue_date("《旗帜》2024年第11期") == "2024-11"
    assert issue_date("《求是》2024年第21期") == ""        # not a month: no date invented


def test_resolve_never_leaves_the_title_empty():
    meta, warnings = resolve_metadata(Metadata(), "", [])
    assert meta.title == "(untitled)" and "no date stated" in warnings


def test_overrides_apply_in_order_and_bad_values_warn():
    meta, warnings = resolve_metadata(
        Metadata(title="原标题", date="2021-11-15"), "正文。",
        [("front matter", {"source": "甲"}), ("sidecar", {"title": "新标题", "date": "15/11/2021", "titel": "x"})])
    assert (meta.title, meta.source, meta.date) == ("新标题", "甲", "2021-11-15")
    assert any("unknown field 'titel'" in w for w in warnings)
    assert any("date '15/11/2021'" in w for w in warnings)


def test_front_matter_and_sidecar_override_the_text():
    md = load_document(FIXTURES / "front-matter.md", FIXTURES)
    assert (md.title, md.source, md.date) == ("前置元数据标题", "测试杂志", "2024-03-01")
    txt = load_document(FIXTURES / "plain.txt", FIXTURES)
    assert txt.title == "关于加强机关党建工作的实施意见（试行）"          # sidecar fixes the title
    assert (txt.source, txt.date, txt.author) == ("测试日报", "2023-05-06", "测试机关工委")


def test_sidecar_on_a_seed_copy(tmp_path):
    name = "2024-jiguan-dangjian-nianzhong-tuijinhui-jianghua.txt"
    shutil.copy(CORPUS / name, tmp_path / name)
    before = load_document(tmp_path / name, tmp_path)
    sidecar_path(tmp_path / name).write_text(json.dumps({"date": "2024"}), encoding="utf-8")
    after = load_document(tmp_path / name, tmp_path)
    assert after.date == "2024" and "no date stated" not in after.warnings
    assert after.sha256 != before.sha256 and after.text == before.text
    sidecar_path(tmp_path / name).write_text("{not json", encoding="utf-8")
    with pytest.raises(DocumentError, match="invalid JSON sidecar"):
        load_document(tmp_path / name, tmp_path)


def test_a_web_capture_url_from_a_sidecar_or_the_text():
    kept, warnings = check_overrides({"url": "https://www.qizhiwang.org.cn/a.html"}, "sidecar")
    assert kept == {"url": "https://www.qizhiwang.org.cn/a.html"} and not warnings
    kept, warnings = check_overrides({"url": "javascript:alert(1)"}, "sidecar")
    assert kept == {} and "not an http(s) address" in warnings[0]
    assert parse_metadata_line("原文链接：https://example.org/x.html") == {"url": "https://example.org/x.html"}


def test_override_values_lose_control_and_invisible_characters():
    kept, _ = check_overrides({"title": "控制\x01字符\u202e标题", "source": "  旗帜\x07  2024 "}, "sidecar")
    assert kept == {"title": "控制字符标题", "source": "旗帜 2024"}
