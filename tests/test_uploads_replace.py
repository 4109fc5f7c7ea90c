"""The same file uploaded twice: refused with the existing file's name, or (the administrator's
choice) replacing it; on a copy of the seed index and on a one-document corpus, real model."""
import json
import shutil
from pathlib import Path

import docx
import pytest

from retrieval.search.engine import Engine
from ui import corpus, uploads
from ui.context import AppContext

ROOT = Path(__file__).resolve().parents[1]
REPORT = ["关于“测试责任田”的说明",
          "“测试责任田”是指每名党员干部负责的一块具体工作领域，做到守土有责、守土负责、守土尽责。",
          "各支部要把“测试责任田”落实到岗、到人、到事。"]


def word_file(path: Path, lines: list[str]) -> Path:
    document = docx.Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    document.save(path)
    return path


def corpus_state(ctx) -> dict:
    return {p.relative_to(ctx.corpus_dir).as_posix(): p.read_bytes()
            for p in sorted(ctx.corpus_dir.rglob("*")) if p.is_file()}


def passages_of(ctx, question: str, doc_text_part: str) -> list[str]:
    """doc_ids of the passages answering `question` that contain `doc_text_part`."""
    return [p["doc_id"] for p in ctx.engine.ask(question, 10)["passages"] if doc_text_part in p["text"]]


@pytest.fixture
def admin_ctx(seed_engine, tmp_path):
    corpus_dir, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(ROOT / "corpus", corpus_dir)
    shutil.copytree(seed_engine.index_dir, index_dir)
    return AppContext(Engine.open(index_dir, corpus_dir, build=False), corpus_dir, index_dir, admin_password="s3cret")


def test_the_same_docx_twice_is_refused_with_the_existing_name_then_replaced(admin_ctx, tmp_path):
    (tmp_path / "first").mkdir()
    first = word_file(tmp_path / "first" / "责任田.docx", REPORT)
    assert "已加入：uploads/责任田.docx" in corpus.handle_add(admin_ctx, "s3cret", [str(first)])
    before, generation = corpus_state(admin_ctx), admin_ctx.engine.folder
    (tmp_path / "again").mkdir()
    again = shutil.copyfile(first, tmp_path / "again" / "责任田.docx")
    out = corpus.handle_add(admin_ctx, "s3cret", [str(again)])
    assert "未加入：责任田.docx：内容与语料库中已有的 uploads/责任田.docx 相同，未重复加入" in out
    assert corpus_state(admin_ctx) == before and admin_ctx.engine.folder == generation   # no 责任田-2.docx
    assert passages_of(admin_ctx, "什么是测试责任田？", "守土有责") == ["uploads/责任田"]

    out = corpus.handle_add(admin_ctx, "s3cret", [str(again)], replace=True)
    assert "已替换：uploads/责任田.docx → uploads/责任田.docx（原文件已移除，索引已更新）" in out
    assert "新嵌入 0" in out                                  # same text: the index reused every vector
    assert sorted(p for p in corpus_state(admin_ctx) if p.startswith("uploads/")) == ["uploads/责任田.docx"]
    assert passages_of(admin_ctx, "什么是测试责任田？", "守土有责") == ["uploads/责任田"]
    assert not list(admin_ctx.corpus_dir.glob(".replaced-*"))


def test_a_new_version_with_the_same_name_replaces_the_old_one(admin_ctx, tmp_path):
    for folder in ("v1", "v2"):
        (tmp_path / folder).mkdir()
    corpus.handle_add(admin_ctx, "s3cret", [str(word_file(tmp_path / "v1" / "责任田.docx", REPORT))])
    newer = REPORT[:2] + ["各支部要把“测试责任田”细化为岗位清单，每季度对照检查一次。"]
    upload = word_file(tmp_path / "v2" / "责任田.docx", newer)
    out = corpus.handle_add(admin_ctx, "s3cret", [str(upload)], replace=True)
    assert "已替换：uploads/责任田.docx → uploads/责任田.docx" in out
    assert sorted(p for p in corpus_state(admin_ctx) if p.startswith("uploads/")) == ["uploads/责任田.docx"]
    doc = admin_ctx.engine.documents["uploads/责任田"]
    assert "岗位清单" in doc.text and "落实到岗、到人、到事" not in doc.text
    assert len(admin_ctx.engine.documents) == 6
    assert passages_of(admin_ctx, "测试责任田每季度怎样检查？", "岗位清单") == ["uploads/责任田"]


@pytest.fixture
def tiny_ctx(tmp_path):
    corpus_dir = tmp_path / "tiny-corpus"
    corpus_dir.mkdir()
    (corpus_dir / "one.txt").write_text("\n".join(REPORT), encoding="utf-8")
    (corpus_dir / "one.txt.meta.json").write_text(json.dumps({"title": "策展人定的标题"}, ensure_ascii=False),
                                                 encoding="utf-8")
    return AppContext(Engine.open(tmp_path / "tiny-index", corpus_dir), corpus_dir, tmp_path / "tiny-index",
                      admin_password="s3cret")


def test_a_replacement_in_another_format_keeps_the_doc_id_and_the_sidecar(tiny_ctx, tmp_path):
    upload = word_file(tmp_path / "ONE.docx", ["示范岗的说明", "示范岗是党员亮身份、作表率的岗位。"])
    out = corpus.handle_add(tiny_ctx, "s3cret", [str(upload)], replace=True)
    assert "已替换：one.txt → one.docx（原文件已移除，索引已更新）" in out
    assert sorted(corpus_state(tiny_ctx)) == ["one.docx", "one.docx.meta.json"]
    doc = tiny_ctx.engine.documents["one"]
    assert (doc.path, doc.title, doc.title_from) == ("one.docx", "策展人定的标题", "sidecar")
    assert "作表率" in doc.text


def test_a_failed_rebuild_puts_the_replaced_file_back(tiny_ctx, tmp_path):
    before = corpus_state(tiny_ctx)
    upload = tmp_path / "one.txt"
    upload.write_text("示范岗的说明\n示范岗是党员亮身份、作表率的岗位。", encoding="utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index folder should be", encoding="utf-8")
    report = uploads.add_documents(tiny_ctx.engine, [upload], tiny_ctx.corpus_dir, blocker, 10**6, replace=True)
    assert report.error.startswith("重建索引失败") and report.added == [] and report.replaced == []
    assert corpus_state(tiny_ctx) == before
    assert not list(tiny_ctx.corpus_dir.glob(".replaced-*"))


def test_without_a_match_replace_adds_as_usual(tiny_ctx, tmp_path):
    upload = tmp_path / "two.txt"
    upload.write_text("另一篇的标题\n这是另外一篇文献的正文，讲的是党员先锋岗。", encoding="utf-8")
    report = uploads.add_documents(tiny_ctx.engine, [upload], tiny_ctx.corpus_dir, tiny_ctx.index_dir, 10**6,
                                   replace=True)
    assert report.added == ["uploads/two.txt"] and report.replaced == []
    assert set(tiny_ctx.engine.documents) == {"one", "uploads/two"}
