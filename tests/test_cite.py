"""Citation formats: today's form and GB/T 7714-2015, from the metadata the citations already have."""
from __future__ import annotations

import datetime

import pytest

from retrieval.search.cite import format_citation, gbt7714, quotation_in, resource_type
from retrieval.errors import QueryError

ZHENGZHOU = {"title": "以党建“第一责任”引领和保障发展", "source": "郑州日报", "date": "2021-11-15",
             "author": "郑州市委市直机关工委", "section": "二、（三）", "paragraph": 2, "page": None}
QIZHI = {"title": "制定出台部门党组（党委）落实机关党建主体责任意见（以下简称《意见》）",
         "source": "《旗帜》2024年第11期", "date": "2024-11", "author": "", "paragraph": 1}
WEIPINGTAI = {"title": "中央和国家机关党的工作暨纪检工作会议1月26日在京召开", "source": "旗帜微平台",
              "date": "2025-02-05", "author": "", "paragraph": 3}


def test_newspaper_article():
    assert gbt7714(ZHENGZHOU, 1) == \
        "[1] 郑州市委市直机关工委. 以党建“第一责任”引领和保障发展[N]. 郑州日报, 2021-11-15."


def test_periodical_issue_is_a_journal_article_with_year_and_issue():
    assert gbt7714(QIZHI) == \
        "制定出台部门党组（党委）落实机关党建主体责任意见（以下简称《意见》）[J]. 旗帜, 2024(11)."
    assert gbt7714({**QIZHI, "page": 3}).endswith("旗帜, 2024(11): 3.")


def test_web_capture_has_update_and_citation_dates_and_the_url():
    assert gbt7714(WEIPINGTAI, 2, cited="2026-12-03") == \
        "[2] 旗帜微平台. 中央和国家机关党的工作暨纪检工作会议1月26日在京召开[EB/OL]. (2025-02-05)[2026-12-03]."
    url = "https://www.qizhiwang.org.cn/n1/2025/0205/c1.html"
    with_author = {**WEIPINGTAI, "author": "中央和国家机关工委", "url": url}
    assert gbt7714(with_author, cited="2026-12-03") == (
        "中央和国家机关工委. 中央和国家机关党的工作暨纪检工作会议1月26日在京召开[EB/OL]. "
        f"旗帜微平台, (2025-02-05)[2026-12-03]. {url}.")
    today = datetime.date.today().isoformat()
    assert f"[{today}]" in gbt7714(WEIPINGTAI)
    assert resource_type({"title": "T", "source": "", "url": url}) == "EB/OL"


@pytest.mark.parametrize("source, kind", [("人民日报", "N"), ("学习时报", "N"), ("光明日报社", "N"),
                                          ("求是", "Z"), ("中国人民大学学报", "Z"), ("《党建》2023年第2期", "J"),
                                          ("共产党员网", "EB/OL"), ("学习强国平台", "EB/OL"), ("", "Z")])
def test_resource_types(source, kind):
    assert resource_type({"source": source}) == kind


def test_other_documents_are_z_with_what_is_known():
    speech = {"title": "在2024年机关党建高质量发展年中推进会上的讲话", "source": "", "date": "", "author": ""}
    assert gbt7714(speech) == "在2024年机关党建高质量发展年中推进会上的讲话[Z]."
    assert gbt7714({**speech, "author": "省国资委", "date": "2024-04-24"}) == \
        "省国资委. 在2024年机关党建高质量发展年中推进会上的讲话[Z]. 2024-04-24."
    assert gbt7714({"title": "", "page": 2}) == "无题名[Z]. 2."


def test_format_citation_styles():
    assert format_citation(ZHENGZHOU) == \
        "郑州市委市直机关工委：《以党建“第一责任”引领和保障发展》，郑州日报，2021年11月15日，二、（三） 第2段"
    assert format_citation(ZHENGZHOU, "default", 4).startswith("[4] 郑州市委市直机关工委：《")
    assert format_citation(ZHENGZHOU, "gbt7714", 1) == gbt7714(ZHENGZHOU, 1)
    with pytest.raises(QueryError, match="gbt7714"):
        format_citation(ZHENGZHOU, "apa")
    quote = quotation_in({**ZHENGZHOU, "text": "原文。"}, "gbt7714")
    assert quote == "“原文。”\n——郑州市委市直机关工委. 以党建“第一责任”引领和保障发展[N]. 郑州日报, 2021-11-15."
