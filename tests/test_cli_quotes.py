"""CLI: verify, study and terms on the seed index (JSON shape, files written, clean errors)."""
from __future__ import annotations

import io
import json

import docx

from retrieval.cli import main
from tests.conftest import CORPUS


def run(capsys, seed_index, *argv):
    code = main([*argv, "--index", str(seed_index), "--corpus", str(CORPUS)])
    out, err = capsys.readouterr()
    return code, out, err


def test_verify_json(capsys, seed_index, seed_engine):
    code, out, _ = run(capsys, seed_index, "verify", "--json", "牵住責任制這個“牛鼻子”")
    data = json.loads(out)
    assert code == 0 and data["verdict"] == "exact"
    assert set(data) >= {"verdict", "similarity", "source", "original", "diff", "parts"}
    src = data["source"]
    assert set(src) >= {"doc_id", "path", "title", "source", "date", "section", "paragraph", "start", "end"}
    assert seed_engine.documents[src["doc_id"]].text[src["start"]:src["end"]] == data["original"]


def test_verify_text_shows_differences(capsys, seed_index):
    code, out, _ = run(capsys, seed_index, "verify", "各部门党组要牢固树立抓机关党建是本职、不抓机关党建是失职")
    assert code == 0 and "variant" in out and "[+党委）]" in out and "出处：《" in out


def test_verify_text_shows_a_changed_last_character_as_a_replacement(capsys, seed_index):
    quote = "坚决做到“两个维护”，是党的十八大以来的重大政治成就和宝贵经验，是最重要的政治纪律和政治规定。"
    code, out, _ = run(capsys, seed_index, "verify", quote)
    assert code == 0 and "原文：坚决做到“两个维护”" in out and "政治纪律和政治规矩。\n" in out
    assert "政治规[定→矩]。" in out and "[-" not in out


def test_verify_text_shows_the_quotation_as_cleaned(capsys, seed_index):
    code, out, _ = run(capsys, seed_index, "verify", "機關(guān)黨建主體責(zé)任")
    assert code == 0 and "引文：機關(guān)黨建主體責(zé)任" in out and "清洗后：机关党建主体责任" in out
    assert "exact" in out


def test_verify_empty_quote_is_a_clean_error(capsys, seed_index):
    code, out, err = run(capsys, seed_index, "verify", "。。")
    assert code == 2 and err.startswith("error:") and "Traceback" not in err


def test_study_markdown_to_stdout_and_docx_file(capsys, seed_index, tmp_path):
    code, out, _ = run(capsys, seed_index, "study", "两张皮")
    assert code == 0 and out.startswith("# 学习材料：两张皮") and "## 来源列表" in out
    target = tmp_path / "pack.docx"
    code, _, err = run(capsys, seed_index, "study", "两张皮", "--format", "docx", "-o", str(target))
    assert code == 0 and "passages" in err
    texts = [p.text for p in docx.Document(io.BytesIO(target.read_bytes())).paragraphs]
    assert "学习材料：两张皮" in texts and any(t.startswith("——《") for t in texts)


def test_study_docx_needs_output(capsys, seed_index):
    code, _, err = run(capsys, seed_index, "study", "两张皮", "--format", "docx")
    assert code == 2 and "-o" in err


def test_terms_list_and_one_term(capsys, seed_index):
    code, out, _ = run(capsys, seed_index, "terms", "--json")
    terms = {t["term"]: t for t in json.loads(out)}
    assert code == 0 and terms["两个维护"]["count"] == 9
    code, out, _ = run(capsys, seed_index, "terms", "--json", "“四强”党支部")
    data = json.loads(out)
    assert data["term"] == "四强党支部" and data["statements"][0]["kind"] == "enumerates"
    code, _, err = run(capsys, seed_index, "terms", "四个全面")
    assert code == 2 and "not a formulation" in err


def test_verify_reads_invalid_utf8_on_stdin_under_a_strict_locale(capsys, seed_index, monkeypatch):
    quote = "牵住責任制這個“牛鼻子”".encode() + b"\xff"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(quote), encoding="utf-8", errors="strict"))
    code, out, _ = run(capsys, seed_index, "verify", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "exact"


def test_study_docx_with_characters_xml_cannot_hold(capsys, seed_index, tmp_path):
    target = tmp_path / "pack.docx"
    code, _, err = run(capsys, seed_index, "study", "两张\uffff皮\x01", "--format", "docx", "-o", str(target))
    assert code == 0, err
    texts = [p.text for p in docx.Document(io.BytesIO(target.read_bytes())).paragraphs]
    assert "学习材料：两张皮" in texts
