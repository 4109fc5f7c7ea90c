"""One bad corpus file never stops the corpus (issue #13, part 2): every reader is fed broken files
(generated, truncated, wrong-type, random, huge, deeply nested); each is skipped with its reason
or read, never raised, and the good file still loads and builds."""
import io
import os
import random
import time
import zipfile
from pathlib import Path

from retrieval.ingest import read as read_module
from retrieval.ingest.corpus import load_corpus
from retrieval.search.engine import Engine
from retrieval.indexing.manifest import needs_build
from retrieval.ingest.read import SUPPORTED

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "corpus"
GOOD = "一、总体要求\n机关党建工作责任制是落实全面从严治党的关键举措。必须牵住责任制这个“牛鼻子”。\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def content_types_only() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
    return out.getvalue()


def broken_payloads() -> dict[str, bytes]:
    """Bytes that no reader can make a document of, whatever the extension they are given."""
    docx, pdf = (FIXTURES / "outline.docx").read_bytes(), (FIXTURES / "two-pages.pdf").read_bytes()
    noise = bytes(random.Random(13).randrange(256) for _ in range(4096)) + b"\x00"
    return {"random": noise, "png": PNG, "content-types-only": content_types_only(),
            "truncated-docx": docx[:len(docx) // 2], "truncated-pdf": pdf[:len(pdf) // 2],
            "zip-of-nothing": b"PK\x05\x06" + b"\x00" * 18, "nul-bytes": b"\x00" * 64,
            "whitespace": b" \n\t\r\n"}


def test_each_reader_skips_broken_files_with_a_reason(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    names = []
    for ext in SUPPORTED:               # one folder per reader: `png.txt` and `png.md` would share a doc_id
        (tmp_path / ext[1:]).mkdir()
        for kind, data in broken_payloads().items():
            (tmp_path / ext[1:] / f"{kind}{ext}").write_bytes(data)
            names.append(f"{ext[1:]}/{kind}{ext}")
    corpus = load_corpus(tmp_path)
    assert [d.path for d in corpus.documents] == ["good.txt"]
    reasons = {f.path: f.reason for f in corpus.failures}
    assert sorted(reasons) == sorted(names)
    assert all(r.strip() for r in reasons.values())
    assert "PNG image data" in reasons["docx/png.docx"] and "PNG image data" in reasons["txt/png.txt"]


def test_wrong_type_files_say_what_they_are(tmp_path):
    pdf, docx = (FIXTURES / "two-pages.pdf").read_bytes(), (FIXTURES / "outline.docx").read_bytes()
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "pdf.docx").write_bytes(pdf)
    (tmp_path / "pdf2.txt").write_bytes(pdf)
    (tmp_path / "docx.pdf").write_bytes(docx)
    (tmp_path / "docx2.html").write_bytes(docx)
    reasons = {f.path: f.reason for f in load_corpus(tmp_path).failures}
    assert "holds PDF data, not .docx; rename it to pdf.pdf" in reasons["pdf.docx"]
    assert "holds PDF data, not .txt" in reasons["pdf2.txt"]
    assert "holds zip data, not .pdf; rename it to docx.docx" in reasons["docx.pdf"]
    assert "holds zip data" in reasons["docx2.html"]


def test_a_docx_holding_only_content_types_is_skipped(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.docx").write_bytes(content_types_only())
    corpus = load_corpus(tmp_path)
    assert [(f.path, f.reason.split("(")[0]) for f in corpus.failures] == [
        ("empty.docx", "empty.docx: not a readable .docx file ")]


def test_a_link_out_of_the_corpus_is_not_followed(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("不应被读取的文字。", encoding="utf-8")
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus_dir / "x.txt").symlink_to(outside)
    (corpus_dir / "passwd.txt").symlink_to("/etc/passwd")
    (corpus_dir / "alias.txt").symlink_to(corpus_dir / "good.txt")   # inside: read under its own name
    corpus = load_corpus(corpus_dir)
    assert [d.doc_id for d in corpus.documents] == ["alias", "good"]
    assert {f.path: f.reason for f in corpus.failures} == {
        "passwd.txt": "a symbolic link to a file outside the corpus folder; not followed",
        "x.txt": "a symbolic link to a file outside the corpus folder; not followed"}
    assert "不应被读取" not in repr(corpus)


def md(tmp_path: Path, name: str, head: str) -> Path:
    path = tmp_path / name
    path.write_text(head + "正文第一段，说明机关党建的重要意义。\n", encoding="utf-8")
    return path


def test_front_matter_values_that_are_not_text_or_dates_are_ignored_with_a_warning(tmp_path):
    md(tmp_path, "bad-date.md", "---\ndate: 2024-13-45\ntitle: 标题甲\n---\n")
    md(tmp_path, "mapping.md", "---\ntitle: {a: 1}\nsource: [x, y]\nauthor: true\ndate: 2024-05-01\n---\n")
    md(tmp_path, "number.md", "---\ntitle: 2024\n---\n")
    md(tmp_path, "empty.md", "---\n---\n")
    docs = {d.doc_id: d for d in load_corpus(tmp_path).documents}
    assert (docs["bad-date"].title, docs["bad-date"].date) == ("标题甲", "")
    assert any("date '2024-13-45' is not a date" in w for w in docs["bad-date"].warnings)
    assert docs["mapping"].title == "正文第一段，说明机关党建的重要意义" and docs["mapping"].date == "2024-05-01"
    assert docs["mapping"].source == "" and docs["mapping"].author == ""
    warnings = " | ".join(docs["mapping"].warnings)
    assert "title must be text, not a mapping" in warnings and "source must be text, not a list" in warnings
    assert "author must be text, not true/false" in warnings
    assert docs["number"].title == "2024" and docs["empty"].title == docs["mapping"].title


def test_a_sidecar_value_that_is_not_text_is_ignored_with_a_warning(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "a.txt.meta.json").write_text('{"title": {"a": 1}, "date": "2024-02-30"}', encoding="utf-8")
    doc, = load_corpus(tmp_path).documents
    assert doc.title != "{'a': 1}" and doc.date == ""
    assert any("title must be text" in w for w in doc.warnings)


def test_unclosed_or_invalid_front_matter_is_skipped_with_a_reason(tmp_path):
    md(tmp_path, "unclosed.md", "---\ntitle: 未闭合\n")
    md(tmp_path, "invalid.md", "---\ntitle: [unclosed\n---\n")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["good"]
    reasons = {f.path: f.reason for f in corpus.failures}
    assert "front matter opened by the first `---` line is never closed" in reasons["unclosed.md"]
    assert "invalid YAML front matter" in reasons["invalid.md"]


def test_deeply_nested_html_is_read_quickly(tmp_path):
    depth = 100_000
    (tmp_path / "divs.html").write_text(
        "<html><body>\n" + "<div>\n" * depth + "<p>深层嵌套的正文，应当被读出。</p>\n" + "</div>\n" * depth
        + "</body></html>", encoding="utf-8")
    (tmp_path / "quotes.html").write_text(   # blocks nested beyond reason: skipped, quickly
        "<html><body>" + "<blockquote>" * depth + "文字" + "</blockquote>" * depth + "</body></html>",
        encoding="utf-8")
    started = time.perf_counter()
    corpus = load_corpus(tmp_path)
    assert time.perf_counter() - started < 20
    assert [d.text for d in corpus.documents] == ["深层嵌套的正文，应当被读出。"]
    assert [(f.path, f.reason) for f in corpus.failures] == [
        ("quotes.html", "quotes.html: HTML nested more than 500 levels deep; not read")]


def test_a_file_over_the_size_limit_is_skipped_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(read_module, "MAX_FILE_BYTES", 2**20)
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "huge.txt").write_text(GOOD * (2**20 // len(GOOD.encode()) + 1), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["good"]
    assert [f.reason for f in corpus.failures] == ["huge.txt: 1 MB, larger than the 1 MB a corpus file may have"]


def test_a_reader_bug_is_that_file_s_failure(tmp_path, monkeypatch):
    def bug(data, name):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(read_module.READERS, ".html", bug)
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "page.html").write_text("<p>正文。</p>", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["good"]
    assert corpus.failures[0].reason == ("page.html: not a readable .html file "
                                         "(RecursionError: maximum recursion depth exceeded)")


def test_the_index_builds_and_opens_with_broken_files_beside_one_good_file(tmp_path):
    corpus_dir, index = tmp_path / "corpus", tmp_path / "index"
    corpus_dir.mkdir()
    (corpus_dir / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus_dir / "passwd.txt").symlink_to("/etc/passwd")
    (corpus_dir / "empty.docx").write_bytes(content_types_only())
    md(corpus_dir, "bad-date.md", "---\ndate: 2024-13-45\n---\n")
    md(corpus_dir, "unclosed.md", "---\ntitle: 未闭合\n")
    (corpus_dir / "image.txt").write_bytes(PNG)
    engine = Engine.open(index, corpus_dir)
    assert set(engine.documents) == {"good", "bad-date"}
    assert {f["path"] for f in engine.manifest["failures"]} == {
        "passwd.txt", "empty.docx", "unclosed.md", "image.txt"}
    assert not needs_build(index, corpus_dir, engine.embedder.name)   # skipped files do not make it stale
    assert engine.ask("责任制是什么举措？")["found"] in (True, False)
    os.remove(corpus_dir / "passwd.txt")
    assert needs_build(index, corpus_dir, engine.embedder.name)
