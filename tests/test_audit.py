"""Manuscript audit on the real seed index: each detection rule, the CLI's JSON and reports, bad input."""
from __future__ import annotations

import io
import json

import docx
import pytest

from retrieval.tools.audit import MAX_CHARS, audit
from retrieval.tools.audit_docx import to_docx
from retrieval.cli import main
from retrieval.tools.detect import introduced_spans, marked_spans
from retrieval.tools.verify import Verifier
from tests.conftest import CORPUS

MARKED = "带头做到‘两个维护’，是加强中央和国家机关党的建设的首要任务。"
INTRODUCED = "市直机关必须把政治建设摆在首位，着力打造坚强有力的政治机关，把坚持党的坚强领导落到实处。"
BORROWED = "严格落实机关党建责任，形成整体合力，强化抓落实的恒心和韧劲，提高工作精确发力和精准落地能力。"
EDITED = "党的二十大为推动新时代机关党建发展指明了前进方向。"          # 高质量 dropped: variant
OUTSIDE = "要健全完善党员干部教育培训体系，分级分类开展全员轮训。"
OWN = "结合我们处室这一年的工作来看，这方面还有不少差距，大家要多下功夫。"
MANUSCRIPT = (f"同志们：今天我们一起学习机关党建的有关论述，先说“两个维护”。\n"
              f"习近平总书记强调：“{MARKED}”这句话要牢记。{OWN}\n"
              f"文件明确要求：{INTRODUCED}{BORROWED}\n"
              f"会议指出：{EDITED}我们常说，“{OUTSIDE}”需要强调，学习体会要写出真情实感，不能照抄照搬。")


@pytest.fixture(scope="module")
def result(seed_engine):
    return audit(seed_engine, MANUSCRIPT, "讲稿.txt", Verifier(seed_engine))


def finding(result, text):
    return next(q for q in result["quotations"] if q["text"] == text)


def test_marks_pair_like_brackets_on_one_line_and_need_eight_han():
    text = "他说“基层党组织书记要当好“领头雁”，带动党员建功立业”，又说“两个维护”和「未闭合的引号里有八个字以上\n」。"
    assert [text[s.start:s.end] for s in marked_spans(text)] == ["基层党组织书记要当好“领头雁”，带动党员建功立业"]
    single = "‘这是单引号里的八个汉字’"
    assert [single[s.start:s.end] for s in marked_spans(single)] == ["这是单引号里的八个汉字"]


def test_introduced_rule_takes_the_rest_of_the_sentence_but_not_own_emphasis():
    text = "总书记指出：要把党的政治建设摆在首位。《意见》要求各部门党组落实主体责任。需要强调，学习体会要写出真情实感。"
    found = [text[s.start:s.end] for s in introduced_spans(text, [])]
    assert found == ["要把党的政治建设摆在首位。", "各部门党组落实主体责任。"]
    assert introduced_spans("总书记指出：“要把党的政治建设摆在首位。”", []) == []


def test_each_rule_finds_its_quotation_with_exact_offsets(result):
    for q in result["quotations"]:
        assert MANUSCRIPT[q["start"]:q["end"]] == q["text"]
    assert (finding(result, MARKED)["rule"], finding(result, MARKED)["marked"]) == ("marks", True)
    assert finding(result, MARKED)["verdict"] == "exact"
    assert finding(result, INTRODUCED)["rule"] == "introduced" and finding(result, INTRODUCED)["verdict"] == "exact"
    borrowed = finding(result, BORROWED)
    assert (borrowed["rule"], borrowed["marked"], borrowed["verdict"]) == ("corpus", False, "exact")
    assert borrowed["source"]["doc_id"] == "qizhi-2024-11-luoshi-jiguan-dangjian-zhuti-zeren"
    assert finding(result, EDITED)["verdict"] == "variant"
    assert any(op["op"] == "missing" and op["source"] == "高质量" for op in finding(result, EDITED)["diff"])
    assert finding(result, OUTSIDE)["verdict"] == "not_found"
    texts = [q["text"] for q in result["quotations"]]
    assert not any(OWN in t or "两个维护”。" in t or "真情实感" in t for t in texts)
    assert [q["start"] for q in result["quotations"]] == sorted(q["start"] for q in result["quotations"])


def test_summary_counts(result):
    s = result["summary"]
    assert s["quotations"] == len(result["quotations"]) == 5
    assert (s["exact"], s["variant"], s["not_found"], s["unmarked"]) == (3, 1, 1, 3)


def run(capsys, seed_index, *argv):
    code = main([*argv, "--index", str(seed_index), "--corpus", str(CORPUS)])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json_shape_from_a_docx(capsys, seed_index, tmp_path):
    path = tmp_path / "讲稿.docx"
    document = docx.Document()
    for line in MANUSCRIPT.split("\n"):
        document.add_paragraph(line)
    document.save(path)
    code, out, err = run(capsys, seed_index, "audit", str(path), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"file", "summary", "quotations"} and data["file"] == "讲稿.docx"
    assert set(data["summary"]) == {"quotations", "exact", "variant", "stitched", "partial", "not_found", "unmarked"}
    for q in data["quotations"]:
        assert {"text", "start", "end", "marked", "rule", "verdict", "similarity", "source", "original",
                "diff"} <= set(q)
        assert MANUSCRIPT[q["start"]:q["end"]] == q["text"]
    assert finding(data, BORROWED)["source"]["title"]


def test_cli_reads_stdin_and_writes_a_docx_with_comments(capsys, seed_index, tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(MANUSCRIPT.encode("gb18030"))))
    target = tmp_path / "报告.docx"
    code, out, err = run(capsys, seed_index, "audit", "-", "-o", str(target))
    assert code == 0, err
    assert "5 处引文" in out and "未加引号" in out and "出处：" in out
    report = docx.Document(target)
    comments = list(report.comments)
    assert len(comments) == 5
    assert any("市直机关工委" in c.text and "郑州日报" in c.text for c in comments)   # the full citation
    assert report.core_properties.title.startswith("引文审核报告") and report.core_properties.created.year >= 2025
    normal = report.styles["Normal"].element.rPr.rFonts
    assert normal.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"
    assert any(len(t.rows) == 8 for t in report.tables)                                 # the summary table


def test_gbt7714_citations_in_the_reports(capsys, seed_index, tmp_path):
    (tmp_path / "m.txt").write_text(MANUSCRIPT, encoding="utf-8")
    target = tmp_path / "report.docx"
    code, out, err = run(capsys, seed_index, "audit", str(tmp_path / "m.txt"), "--style", "gbt7714", "-o", str(target))
    assert code == 0, err
    assert "出处：郑州市委市直机关工委 赵惠玲. 以党建“第一责任”引领和保障发展[N]. 郑州日报, 2021-11-15." in out
    assert any("[N]. 郑州日报" in c.text for c in docx.Document(target).comments)


def test_markdown_and_json_reports(capsys, seed_index, tmp_path):
    (tmp_path / "m.txt").write_text(MANUSCRIPT, encoding="utf-8")
    for suffix in (".md", ".json"):
        target = tmp_path / f"report{suffix}"
        code, _, err = run(capsys, seed_index, "audit", str(tmp_path / "m.txt"), "-o", str(target))
        assert code == 0, err
    assert "# 引文审核报告" in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["summary"]["quotations"] == 5


@pytest.mark.parametrize("name, content, message", [
    ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable .docx"),
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"   \n  ", "empty file"),
    ("huge.txt", ("党" * (MAX_CHARS + 1)).encode(), f"at most {MAX_CHARS}"),
    ("latin.txt", b"no Chinese here at all", "no Chinese text"),
    ("image.txt", b"\x89PNG\r\n\x1a\n....", "PNG image"),
])
def test_bad_manuscripts_give_a_clear_message(capsys, seed_index, tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    code, out, err = run(capsys, seed_index, "audit", str(tmp_path / name))
    assert code != 0 and out == "" and message in err and "Traceback" not in err


def test_missing_file_empty_stdin_and_bad_report_type(capsys, seed_index, tmp_path, monkeypatch):
    code, _, err = run(capsys, seed_index, "audit", str(tmp_path / "none.docx"))
    assert code == 1 and "cannot read file" in err
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, _, err = run(capsys, seed_index, "audit", "-")
    assert code == 2 and "empty" in err
    code, _, err = run(capsys, seed_index, "audit", "-", "-o", str(tmp_path / "r.pdf"))
    assert code == 2 and ".docx" in err


def test_docx_report_of_a_manuscript_without_quotations(seed_engine):
    result = audit(seed_engine, "今天天气很好，我们一起去公园散步，看看湖边的柳树。", "x")
    assert result["summary"]["quotations"] == 0
    report = docx.Document(io.BytesIO(to_docx(result, "今天天气很好，我们一起去公园散步，看看湖边的柳树。")))
    assert any("没有发现引文" in p.text for p in report.paragraphs)


def test_a_copied_sentence_that_itself_says_yaoqiu_is_one_borrowing(seed_engine):
    sentence = ("《意见》明确了部门党组（党委）6个方面履责重点，要聚焦做到“四个带头”，对标《意见》要求，"
                "完成好以高质量机关党建促进高质量发展的重点任务。")
    text = f"我们体会很深。{sentence}大家要多下功夫。"
    [q] = audit(seed_engine, text, "x")["quotations"]
    assert (q["text"], q["rule"], q["verdict"]) == (sentence, "corpus", "exact")


def test_app_handler_reports_in_chinese_and_stores_nothing(seed_engine, tmp_path):
    from ui.audit_tab import handle_audit
    from ui.context import AppContext

    ctx = AppContext(seed_engine, CORPUS, seed_engine.index_dir, max_upload_mb=1)
    before = sorted(p.name for p in CORPUS.rglob("*"))
    quiet = lambda *a, **k: None  # noqa: E731

    def upload(name, data):
        (tmp_path / name).write_bytes(data)
        return handle_audit(ctx, str(tmp_path / name), "", progress=quiet)

    html, files = handle_audit(ctx, None, MANUSCRIPT, progress=quiet)
    assert html.count('class="qa-card au-finding"') == 5 and len(files) == 3
    assert [f.rsplit(".", 1)[1] for f in files] == ["docx", "md", "json"]
    assert 'href="#audit-f3"' in html and 'id="audit-f3"' in html
    assert "无法读取文稿" in upload("broken.docx", b"PK\x03\x04 broken")[0]
    assert "文件过大" in upload("big.txt", "党".encode() * 2**20)[0]
    assert "不支持的文件类型" in upload("tool.exe", b"MZ")[0]
    assert "请上传文稿或粘贴文稿全文" in handle_audit(ctx, None, "  ", progress=quiet)[0]
    assert "文稿过长" in handle_audit(ctx, None, "党" * (MAX_CHARS + 1), progress=quiet)[0]
    assert "<script>" not in handle_audit(ctx, None, "<script>alert(1)</script>" + MANUSCRIPT, progress=quiet)[0]
    assert sorted(p.name for p in CORPUS.rglob("*")) == before
