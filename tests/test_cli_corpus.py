"""`ingest` and `show` subcommands, through `retrieval.cli.main` and as a real process."""
import json
import subprocess
import sys
from pathlib import Path

from retrieval.cli import main

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures" / "corpus"
ZHENGZHOU = "zhengzhou-ribao-2021-11-15-dangjian-diyi-zeren"
SHOW_KEYS = {"doc_id", "path", "title", "title_from", "source", "date", "author", "credits", "text", "paragraphs", "warnings"}


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_ingest_json_reports_every_seed(capsys):
    report = run_json(capsys, "ingest", "--corpus", str(CORPUS), "--json")
    assert set(report) == {"corpus", "documents", "failures"} and report["failures"] == []
    docs = {d["doc_id"]: d for d in report["documents"]}
    assert len(docs) == 5
    z = docs[ZHENGZHOU]
    assert (z["title"], z["source"], z["date"], z["author"]) == (
        "以党建“第一责任”引领和保障发展", "郑州日报", "2021-11-15", "郑州市委市直机关工委 赵惠玲")
    assert all(d["chars"] > 1000 and d["chunks"] > 0 for d in docs.values())
    assert docs["2024-jiguan-dangjian-nianzhong-tuijinhui-jianghua"]["warnings"] == [
        "no source stated", "no date stated"]


def test_ingest_text_lists_documents_and_failures(capsys):
    assert main(["ingest", "--corpus", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert "plain  (plain.txt)" in out and "title:   关于加强机关党建工作的实施意见（试行）" in out
    assert "FAILED broken/corrupt.docx:" in out and "FAILED broken/truncated.pdf:" in out
    assert out.rstrip().endswith(f"6 documents, 2 failures in {FIXTURES}")


def test_show_json_is_the_clean_document(capsys):
    data = run_json(capsys, "show", "--corpus", str(CORPUS), "--json", ZHENGZHOU)
    assert set(data) == SHOW_KEYS
    assert data["path"] == f"{ZHENGZHOU}.txt" and data["doc_id"] == ZHENGZHOU
    assert data["text"].startswith("在中国共产党百年华诞") and "分享" not in data["text"]
    assert data["credits"] == "责任编辑：蔡东海" and "蔡东海" not in data["text"]
    for p in data["paragraphs"]:
        assert {"start", "end", "section"} <= set(p)
        assert "\n" not in data["text"][p["start"]:p["end"]]
    assert [p["section"] for p in data["paragraphs"] if p["heading"]] == ["一、", "二、", "三、"]


def test_show_accepts_paths(capsys):
    by_id = run_json(capsys, "show", "--corpus", str(CORPUS), "--json", ZHENGZHOU)
    by_rel = run_json(capsys, "show", "--corpus", str(CORPUS), "--json", f"{ZHENGZHOU}.txt")
    by_path = run_json(capsys, "show", "--corpus", str(CORPUS), "--json", str(CORPUS / f"{ZHENGZHOU}.txt"))
    assert by_id == by_rel == by_path


def test_show_text_has_header_and_section_markers(capsys):
    assert main(["show", "--corpus", str(CORPUS), "2024-jiguan-dangjian-nianzhong-tuijinhui-jianghua"]) == 0
    out = capsys.readouterr().out
    assert "title:   在2024年机关党建高质量发展年中推进会上的讲话" in out
    assert "\n## 二、提高认识，牢牢把握全面提高新时代机关党建质量的着力点\n" in out
    assert "[二、（三） ¶1] （三）实施强基提质行动" in out
    pdf = main(["show", "--corpus", str(FIXTURES), "two-pages"])
    assert pdf == 0 and "[二、 ¶1 p.2] 第二页的正文" in capsys.readouterr().out


def test_unknown_document_and_missing_corpus_are_clean_errors(capsys):
    assert main(["show", "--corpus", str(CORPUS), "no-such-doc"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no document 'no-such-doc'")
    assert main(["ingest", "--corpus", str(CORPUS / "missing")]) == 1
    assert "corpus folder not found" in capsys.readouterr().err


def test_broken_document_shown_explicitly_is_a_clean_error(capsys):
    assert main(["show", "--corpus", str(FIXTURES), "broken/corrupt"]) == 1
    assert "not a readable .docx" in capsys.readouterr().err


def test_real_process_has_no_traceback():
    ok = subprocess.run([sys.executable, "-m", "retrieval", "ingest", "--corpus", str(CORPUS), "--json"],
                        cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert ok.returncode == 0 and len(json.loads(ok.stdout)["documents"]) == 5
    bad = subprocess.run([sys.executable, "-m", "retrieval", "show", "--corpus", str(CORPUS), "nope"],
                         cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and bad.stderr.startswith("error:")
