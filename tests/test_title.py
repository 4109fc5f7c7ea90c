"""Titles and where they came from: the seeds, and made-up documents of every shape."""
import json
from pathlib import Path

import docx
import pytest

from retrieval.ingest.corpus import load_corpus, load_document
from retrieval.ingest.title import infer_title, page_title, title_like

ROOT = Path(__file__).resolve().parents[1]
BODY = "各级党组织要把党的政治建设摆在首位，推动机关党建工作高质量发展。这是第二句正文。\n机关党建要走在前、作表率。"

# (file name, content, title, title_from)
STATED = [   # the first line is a proper title: it stays, as a headline
    ("plain.txt", "关于加强新时代机关党的建设的意见\n" + BODY, "关于加强新时代机关党的建设的意见"),
    ("colon.txt", "习近平：在中央和国家机关党的建设工作会议上的讲话\n同志们：\n" + BODY,
     "习近平：在中央和国家机关党的建设工作会议上的讲话"),
    ("quoted.txt", "以党建“第一责任”引领和保障发展\n" + BODY, "以党建“第一责任”引领和保障发展"),
    ("subtitle.txt", "牵住『牛鼻子』 下好『一盘棋』——推动落实机关党建工作责任制研究\n" + BODY,
     "牵住『牛鼻子』 下好『一盘棋』——推动落实机关党建工作责任制研究"),
    ("work.txt", "《中国共产党支部工作条例（试行）》解读\n" + BODY, "《中国共产党支部工作条例（试行）》解读"),
    ("comma.txt", "坚持以党建带群建，抓好机关精神文明建设\n" + BODY, "坚持以党建带群建，抓好机关精神文明建设"),
    ("heading.md", "# 模范机关建设的几点体会\n\n" + BODY.replace("\n", "\n\n"), "模范机关建设的几点体会"),
]
HEADLINE = [  # no title at the top, but a lone title-shaped line a few lines down
    ("lede.txt", "编者按：这是本刊约请的一篇文章。\n深化模范机关建设的三点思考\n" + BODY, "深化模范机关建设的三点思考"),
    ("byline.txt", "本报记者 王明\n走好机关党建第一方阵\n" + BODY, "走好机关党建第一方阵"),
    ("salute.txt", "各位代表、同志们\n在全市机关党建工作会议上的讲话\n" + BODY, "在全市机关党建工作会议上的讲话"),
]
INFERRED = [  # nothing states a title: inferred from the first paragraph
    ("seedlike.txt", "制定出台部门党组（党委）落实机关党建主体责任意见（以下简称《意见》），是深入贯彻落实"
                     "习近平总书记关于机关党建的重要讲话和重要指示精神的重要举措。\n" + BODY,
     "制定出台部门党组（党委）落实机关党建主体责任意见"),
    ("measures.txt", "印发实施《关于加强机关党建工作的若干措施》（以下简称《措施》），是市委推动全面从严治党的重要部署。\n"
                     + BODY, "印发实施《关于加强机关党建工作的若干措施》"),
    ("brokenline.txt", "省委组织部制定的党支部标准化建设规范（以下简称《规范》）\n日前正式施行，各地要认真落实。\n" + BODY,
     "省委组织部制定的党支部标准化建设规范"),
    ("named.txt", "近日，中共中央办公厅印发了《关于加强新时代基层党组织建设的意见》，并发出通知，要求各地区各部门"
                  "结合实际认真贯彻落实。\n" + BODY, "中共中央办公厅印发了《关于加强新时代基层党组织建设的意见》"),
    ("news.txt", "市直机关党建工作会议3月5日在郑州召开。会议总结了去年的工作。\n" + BODY, "市直机关党建工作会议3月5日在郑州召开"),
    ("sections.txt", "一年来，各部门扎实推进机关党建。成效明显。\n聚焦“两个维护”深化政治机关建设\n" + BODY
                     + "\n深化党的创新理论武装，凝心铸魂\n" + BODY, "一年来，各部门扎实推进机关党建"),
    ("speech.txt", "同志们：\n今天我们召开全市机关党建工作推进会，主要任务是总结工作、部署任务。\n" + BODY,
     "今天我们召开全市机关党建工作推进会，主要任务是总结工作、部署任务"),
    ("crumb.txt", "首页 > 期刊杂志\n今年以来，市委市直机关工委围绕中心抓党建。\n" + BODY, "今年以来，市委市直机关工委围绕中心抓党建"),
]


def load(tmp_path: Path, name: str, content: str, sidecar: dict | None = None):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    if sidecar is not None:
        path.with_name(name + ".meta.json").write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
    return load_document(path, tmp_path)


@pytest.mark.parametrize("name, content, title", STATED, ids=[c[0] for c in STATED])
def test_a_first_line_that_is_a_title_stays_the_title(tmp_path, name, content, title):
    doc = load(tmp_path, name, content)
    assert (doc.title, doc.title_from) == (title, "headline")
    assert not any(w.startswith("no title stated") for w in doc.warnings)
    assert not doc.text.startswith(title)        # the title line is metadata, not a paragraph


@pytest.mark.parametrize("name, content, title", HEADLINE, ids=[c[0] for c in HEADLINE])
def test_a_lone_headline_after_a_lede_or_byline_is_the_title(tmp_path, name, content, title):
    doc = load(tmp_path, name, content)
    assert (doc.title, doc.title_from) == (title, "headline")
    assert title not in doc.text.split("\n")


@pytest.mark.parametrize("name, content, title", INFERRED, ids=[c[0] for c in INFERRED])
def test_a_title_no_line_states_is_inferred_and_marked(tmp_path, name, content, title):
    doc = load(tmp_path, name, content)
    assert (doc.title, doc.title_from) == (title, "inferred")
    assert "no title stated; inferred from the first paragraph" in doc.warnings
    assert doc.text.split("\n")[0] in content    # nothing of the body was taken away


def test_a_sidecar_or_front_matter_fixes_an_inferred_title(tmp_path):
    name, content, _ = INFERRED[0]
    doc = load(tmp_path, name, content, sidecar={"title": "压实机关党建主体责任"})
    assert (doc.title, doc.title_from) == ("压实机关党建主体责任", "sidecar")
    assert not any(w.startswith("no title stated") for w in doc.warnings)
    md = load(tmp_path, "front.md", "---\ntitle: 前置的标题\n---\n" + content)
    assert (md.title, md.title_from) == ("前置的标题", "front matter")
    both = load(tmp_path, "both.md", "---\ntitle: 前置的标题\n---\n" + content, sidecar={"title": "旁注的标题"})
    assert (both.title, both.title_from) == ("旁注的标题", "sidecar")


def test_an_html_page_title_without_the_site_name(tmp_path):
    page = ("<html><head><title>深化模范机关建设_理论_旗帜网</title></head><body><article>"
            + "".join(f"<p>{line}</p>" for line in BODY.split("\n")) + "</article></body></html>")
    doc = load(tmp_path, "page.html", page)
    assert (doc.title, doc.title_from) == ("深化模范机关建设", "page title")
    with_h1 = page.replace("<article>", "<article><h1>页面上的大标题</h1>")
    doc = load(tmp_path, "h1.html", with_h1)
    assert (doc.title, doc.title_from) == ("页面上的大标题", "headline")


def test_a_docx_heading_is_the_title(tmp_path):
    document = docx.Document()
    document.add_heading("关于推进机关党建高质量发展的通知", level=1)
    for line in BODY.split("\n"):
        document.add_paragraph(line)
    document.save(tmp_path / "notice.docx")
    doc = load_document(tmp_path / "notice.docx", tmp_path)
    assert (doc.title, doc.title_from) == ("关于推进机关党建高质量发展的通知", "headline")


def test_the_seeds_two_untitled_documents_are_inferred_and_the_rest_stated():
    docs = {d.doc_id: d for d in load_corpus(ROOT / "corpus").documents}
    sources = {doc_id: d.title_from for doc_id, d in docs.items()}
    assert sources == {
        "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren": "headline",
        "qianzhu-niubizi-jiguan-dangjian-zerenzhi-yanjiu": "headline",
        "2024-jiguan-dangjian-nianzhong-tuijinhui-jianghua": "headline",
        "qizhi-2024-11-luoshi-jiguan-dangjian-zhuti-zeren": "inferred",
        "qizhi-weipingtai-2025-02-05-jiguan-dangjian-gongzuo-huiyi": "inferred"}
    assert docs["qizhi-2024-11-luoshi-jiguan-dangjian-zhuti-zeren"].title == "制定出台部门党组（党委）落实机关党建主体责任意见"
    assert "以下简称" not in "".join(d.title for d in docs.values())


@pytest.mark.parametrize("line, expected", [
    ("关于加强机关党建的意见", True), ("习近平：在会上的讲话", True), ("同志们：", False), ("各位代表、同志们", False),
    ("本报记者 王明", False), ("首页 > 期刊杂志", False), ("首页›理论›正文", False),
    ("<script>x</script>关于一岗双责的说明", True), ("规范（以下简称《规范》）", False),
    ("要坚持党建引领，", False), ("这是一句话。还有一句", False), ("甲" * 61, False), ("2024", False)])
def test_what_is_shaped_like_a_title(line, expected):
    assert title_like(line) is expected


def test_inferred_titles_are_cut_at_a_clause_break():
    assert infer_title("甲" * 80 + "。") == "甲" * 40 + "…"
    assert infer_title("甲" * 30 + "，" + "乙" * 30 + "。") == "甲" * 30
    assert page_title("以党建引领发展 - 人民网") == "以党建引领发展"
    assert page_title("没有站名的标题") == "没有站名的标题"
