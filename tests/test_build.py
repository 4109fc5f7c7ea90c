"""Index builds: manifest, incremental updates, atomic writes, corruption detected on load."""
import json
import shutil

import pytest

from retrieval.indexing import append
from retrieval.indexing import build as build_module
from retrieval.indexing import store
from retrieval.indexing.build import build_index, lexical_inputs
from retrieval.search.cite import citation
from retrieval.search.engine import Engine
from retrieval.errors import IndexCorruptError, IndexMissingError, IndexStaleError, IndexWriteError
from retrieval.indexing.manifest import needs_build

DOC_A = "一、总体要求\n机关党建工作责任制是落实全面从严治党的关键举措。必须牵住责任制这个“牛鼻子”。\n"
DOC_B = "领导班子成员要履行“一岗双责”，做到明责、履责、尽责。\n"
DOC_C = "党支部要按照打造战斗堡垒的要求，提好年度支部落实机关党建的意见建议。\n"


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(DOC_A, encoding="utf-8")
    (folder / "b.txt").write_text(DOC_B, encoding="utf-8")
    return folder


def manifest(index):
    return json.loads((store.current(index) / "manifest.json").read_text(encoding="utf-8"))


def reseal(folder):
    """Record the edited files' new sizes and checksums, as if the build had written them: what the
    checks after the checksums (records, counts, model) see."""
    from retrieval.indexing.seal import seal_folder
    seal_folder(folder)


def test_manifest_records_what_built_the_index(corpus, tmp_path):
    index = tmp_path / "index"
    report = build_index(corpus, index)
    m = manifest(index)
    assert m["schema_version"] == store.SCHEMA_VERSION
    assert m["model"]["name"] == "m3e-small" and m["model"]["dimension"] == 512
    assert m["tokenizer"].startswith("jieba-search")
    assert m["chunking"]["size"] == 300 and m["faiss"]["type"] == "flat-ip"
    assert set(m["files"]) == {"a.txt", "b.txt"}
    assert all(len(f["sha256"]) == 64 for f in m["files"].values())
    assert m["counts"]["chunks"] == report.chunks == sum(f["chunks"] for f in m["files"].values())
    assert {"faiss-cpu", "bm25s", "torch"} <= set(m["versions"])


def test_incremental_build_embeds_only_new_text(corpus, tmp_path):
    index = tmp_path / "index"
    first = build_index(corpus, index)
    assert first.embedded == first.chunks and first.reused == 0
    assert 0 < first.sentences_embedded <= first.sentences
    again = build_index(corpus, index)
    assert again.embedded == 0 and again.reused == first.chunks and again.sentences_embedded == 0
    (corpus / "c.txt").write_text(DOC_C, encoding="utf-8")
    added = build_index(corpus, index)
    assert added.embedded == 1 and added.chunks == first.chunks + 1
    (corpus / "a.txt").unlink()
    removed = build_index(corpus, index)
    assert removed.embedded == 0 and removed.sentences_embedded == 0
    assert set(manifest(index)["files"]) == {"b.txt", "c.txt"}


def test_stale_index_is_rebuilt_by_open_and_refused_without_build(corpus, tmp_path):
    index = tmp_path / "index"
    build_index(corpus, index)
    (corpus / "c.txt").write_text(DOC_C, encoding="utf-8")
    with pytest.raises(IndexStaleError, match="added c.txt"):
        Engine.open(index, corpus, build=False)
    engine = Engine.open(index, corpus)
    assert "c" in engine.documents


def test_a_failed_build_leaves_the_previous_index(corpus, tmp_path, monkeypatch):
    index = tmp_path / "index"
    build_index(corpus, index)
    live = store.current(index)
    (corpus / "c.txt").write_text(DOC_C, encoding="utf-8")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "write_generation", crash)
    monkeypatch.setattr(append, "write_rows", crash)        # the same write, as an append (retrieval.indexing.append)
    with pytest.raises(IndexWriteError, match="cannot write the index to .*: disk full"):
        build_index(corpus, index)
    assert store.current(index) == live and not list(index.glob(".tmp-gen-*"))
    assert set(Engine(index, None, None).documents) == {"a", "b"}


def test_broken_file_is_reported_and_the_rest_builds(corpus, tmp_path):
    (corpus / "broken.docx").write_bytes(b"PK\x03\x04 not really a docx")
    report = build_index(corpus, tmp_path / "index")
    assert [f.path for f in report.failures] == ["broken.docx"]
    assert report.documents == 2
    # an unchanged broken file does not make the index stale
    Engine.open(tmp_path / "index", corpus, build=False)


def test_missing_and_corrupt_indexes_say_what_to_run(corpus, tmp_path):
    with pytest.raises(IndexMissingError, match="retrieval build"):
        Engine(tmp_path / "nothing", None, None)
    index = tmp_path / "index"
    build_index(corpus, index)
    folder = store.current(index)
    (folder / "dense.faiss").unlink()
    with pytest.raises(IndexCorruptError, match="rebuild"):
        Engine(index, None, None)
    build_index(corpus, index)
    folder = store.current(index)
    (folder / "chunks.jsonl").write_text('{"doc_id": "a", "start": 0', encoding="utf-8")
    with pytest.raises(IndexCorruptError):
        Engine(index, None, None)


def test_mismatched_model_is_refused(corpus, tmp_path):
    index = tmp_path / "index"
    build_index(corpus, index)
    path = store.current(index) / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["model"]["name"] = "some/other-model"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="manifest.json was changed after the build"):
        Engine(index, None, None)
    reseal(path.parent)                  # an index another model built
    with pytest.raises(IndexStaleError, match="other-model"):
        Engine(index, None, None)


def test_old_generations_are_pruned(corpus, tmp_path):
    index = tmp_path / "index"
    for _ in range(4):
        build_index(corpus, index)
    assert len(list(index.glob("gen-*"))) == store.KEEP_GENERATIONS
    assert not list(index.glob(".tmp-*"))
    shutil.rmtree(index)


def test_sentences_are_indexed_with_their_chunk_and_reused(corpus, tmp_path, monkeypatch):
    index = tmp_path / "index"
    first = build_index(corpus, index)
    folder = store.current(index)
    m = manifest(index)
    rows = store.read_jsonl(folder / "sentences.jsonl")
    chunks = store.read_jsonl(folder / "chunks.jsonl")
    docs = {d["doc_id"]: d["text"] for d in store.read_jsonl(folder / "documents.jsonl")}
    # DOC_A's body has two sentences, DOC_B's one; the heading `一、总体要求` is a chunk too, but with
    # 5 Han characters no sentence of its own
    assert [docs[chunks[r["row"]]["doc_id"]][r["start"]:r["end"]] for r in rows] == [
        "机关党建工作责任制是落实全面从严治党的关键举措。", "必须牵住责任制这个“牛鼻子”。",
        "领导班子成员要履行“一岗双责”，做到明责、履责、尽责。"]
    assert all(chunks[r["row"]]["start"] <= r["start"] < r["end"] <= chunks[r["row"]]["end"] for r in rows)
    assert m["counts"]["sentences"] == first.sentences == len(rows) == 3
    assert m["faiss"]["sentences"] == "flat-ip" and "title：sentence" in m["model"]["input"]
    encoded = []
    original = build_module.Embedder.encode
    monkeypatch.setattr(build_module.Embedder, "encode",
                        lambda self, texts: encoded.extend(texts) or original(self, texts))
    build_index(corpus, index)
    assert encoded == []                              # chunks and sentences all came from the cache


def test_an_index_of_the_older_schema_is_rebuilt_reusing_its_chunk_vectors(corpus, tmp_path, monkeypatch):
    index = tmp_path / "index"
    build_index(corpus, index)
    folder = store.current(index)
    for name in ("sentences.jsonl", "sentences.faiss"):
        (folder / name).unlink()
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    data["schema_version"] = 1
    del data["index_files"], data["checksum"]        # as schemas 1 and 2 wrote it: no checksums
    (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="sentences"):
        Engine(index, None, None)
    encoded = []
    original = build_module.Embedder.encode
    monkeypatch.setattr(build_module.Embedder, "encode",
                        lambda self, texts: encoded.extend(texts) or original(self, texts))
    engine = Engine.open(index, corpus)
    assert len(engine.sentence_rows) == 3
    # only DOC_A's two sentences: DOC_B's one sentence is its whole chunk (same input, same key, reused)
    assert encoded == ["一、总体要求：必须牵住责任制这个“牛鼻子”。",      # shortest first
                       "一、总体要求：机关党建工作责任制是落实全面从严治党的关键举措。"]


def test_sentence_files_that_disagree_are_refused(corpus, tmp_path):
    index = tmp_path / "index"
    build_index(corpus, index)
    folder = store.current(index)
    rows = store.read_jsonl(folder / "sentences.jsonl")
    store.write_jsonl(folder / "sentences.jsonl", rows[:-1])
    with pytest.raises(IndexCorruptError, match="sentences.jsonl is .* bytes, the manifest says"):
        Engine(index, None, None)
    reseal(folder)
    with pytest.raises(IndexCorruptError, match="sentence files disagree"):
        Engine(index, None, None)


@pytest.mark.parametrize("name, broken", [
    ("sentences.jsonl", '{"row": 0, "start": 0}\n'),                                 # a record lacks "end"
    ("chunks.jsonl", '{"doc_id": "a", "start": 0, "end": 3, "text": "不是原文", "paragraph": 0}\n')])
def test_malformed_or_mismatched_records_are_refused_with_the_command_to_run(corpus, tmp_path, name, broken):
    index = tmp_path / "index"
    build_index(corpus, index)
    folder = store.current(index)
    path = folder / name
    path.write_text(broken + path.read_text(encoding="utf-8"), encoding="utf-8")
    reseal(folder)
    with pytest.raises(IndexCorruptError, match="build --rebuild"):
        Engine(index, None, None)


def test_a_file_name_that_is_not_utf8_is_skipped_not_fatal(corpus, tmp_path):
    import os

    (corpus / os.fsdecode(b"bad\xffname.txt")).write_text(DOC_C, encoding="utf-8")
    index = tmp_path / "index"
    report = build_index(corpus, index)
    assert [(f.path, "not valid UTF-8" in f.reason) for f in report.failures] == [("bad\ufffdname.txt", True)]
    assert set(manifest(index)["files"]) == {"a.txt", "b.txt"}
    engine = Engine.open(index, corpus)                    # not stale: no rebuild on every open
    assert engine.folder == store.current(index)
    assert needs_build(index, corpus, engine.embedder.name) is False


def test_a_broken_sidecar_skips_its_document_not_the_build(corpus, tmp_path):
    (corpus / "b.txt.meta.json").write_text("{broken json", encoding="utf-8")
    index = tmp_path / "index"
    report = build_index(corpus, index)
    assert [f.path for f in report.failures] == ["b.txt"] and "invalid JSON sidecar" in report.failures[0].reason
    assert set(manifest(index)["files"]) == {"a.txt"}
    assert needs_build(index, corpus, "m3e-small") is False
    (corpus / "b.txt.meta.json").write_text('{"source": "旗帜"}', encoding="utf-8")   # fixed: b.txt comes in
    assert needs_build(index, corpus, "m3e-small") is True
    assert set(manifest(index)["files"]) == {"a.txt"} and build_index(corpus, index).failures == ()
    assert set(manifest(index)["files"]) == {"a.txt", "b.txt"}


def test_a_corpus_with_nothing_readable_is_a_clear_error(tmp_path):
    from retrieval.errors import CorpusError

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "empty.txt").write_text("", encoding="utf-8")
    with pytest.raises(CorpusError, match="nothing to index.*empty.txt: empty file"):
        build_index(folder, tmp_path / "index")
    assert not (tmp_path / "index").exists()


def test_an_unwritable_index_folder_fails_before_embedding(corpus, tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    monkeypatch.setattr(build_module, "embed_missing", lambda *a, **k: pytest.fail("embedded"))
    with pytest.raises(IndexWriteError, match="cannot write the index"):
        build_index(corpus, tmp_path / "file" / "index")



def test_a_build_waits_for_another_writer_and_gives_up_cleanly(corpus, tmp_path, monkeypatch):
    import threading
    import time

    from filelock import FileLock

    index = tmp_path / "index"
    build_index(corpus, index)
    live = store.current(index)
    (corpus / "c.txt").write_text(DOC_C, encoding="utf-8")
    other = FileLock(index / build_module.WRITE_LOCK)        # another process writing this index
    other.acquire()
    monkeypatch.setattr(build_module, "WRITE_LOCK_WAIT", 0.5)
    with pytest.raises(IndexWriteError, match="another build"):
        build_index(corpus, index)
    assert store.current(index) == live and not list(index.glob(".tmp-gen-*"))
    monkeypatch.setattr(build_module, "WRITE_LOCK_WAIT", 60)
    done = []
    builder = threading.Thread(target=lambda: done.append(build_index(corpus, index)))
    builder.start()
    time.sleep(1)
    assert not done and store.current(index) == live              # waiting for the other writer
    other.release()
    builder.join(60)
    assert done and done[0].chunks == 4 and store.current(index) != live     # DOC_A's heading is a chunk


ONE_LINE = "中央和国家机关青年理论学习小组建设标准"
SECTIONS = ("一、总体要求\n坚持党的领导，加强机关党建。\n二、巡察反馈问题整改\n各党支部要逐条对照，限期销号。\n"
            "（一）建立台账\n台账由办公室统一管理。\n三、组织保障\n加强领导，压实责任。\n")


def test_a_document_of_one_short_line_is_indexed_and_answerable(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "one.txt").write_text(ONE_LINE + "\n", encoding="utf-8")
    (folder / "b.txt").write_text(DOC_B, encoding="utf-8")
    engine = Engine.open(tmp_path / "index", folder)
    assert engine.manifest["failures"] == [] and engine.manifest["files"]["one.txt"]["chunks"] == 1
    result = engine.ask("青年理论学习小组的建设标准")
    top = result["passages"][0]
    assert result["found"] and (top["doc_id"], top["text"]) == ("one", ONE_LINE)
    assert citation(top) == f"《{ONE_LINE}》，第1段"


def test_a_headings_words_find_its_sections_chunks_through_bm25(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "s.txt").write_text(SECTIONS, encoding="utf-8")
    (folder / "b.txt").write_text(DOC_B, encoding="utf-8")
    engine = Engine.open(tmp_path / "index", folder)

    def found(words):
        return {engine.chunks[r].text for r in engine.lexical.search(engine.tokenizer(words), 50)}

    assert found("巡察反馈") == {"二、巡察反馈问题整改", "各党支部要逐条对照，限期销号。", "（一）建立台账",
                              "台账由办公室统一管理。"}
    assert found("建立") == {"（一）建立台账", "台账由办公室统一管理。"}
    heading = next(p for p in engine.ask("巡察反馈问题整改", top_k=10)["passages"] if p["text"].startswith("二、"))
    assert (heading["section"], heading["paragraph"]) == ("二、", 0) and citation(heading).endswith("，二、")


def test_lexical_input_puts_the_section_headings_between_title_and_chunk(tmp_path):
    from retrieval.indexing.chunk import chunk_document
    from retrieval.ingest.corpus import load_document

    (tmp_path / "s.txt").write_text(SECTIONS, encoding="utf-8")
    doc = load_document(tmp_path / "s.txt", tmp_path)
    chunks = chunk_document(doc)
    by_text = dict(zip((c.text for c in chunks), lexical_inputs({doc.doc_id: doc}, chunks)))
    assert by_text["一、总体要求"] == "一、总体要求：一、总体要求"          # the derived title, then the chunk
    assert by_text["（一）建立台账"] == "一、总体要求：二、巡察反馈问题整改：（一）建立台账"
    assert by_text["台账由办公室统一管理。"] == "一、总体要求：二、巡察反馈问题整改 （一）建立台账：台账由办公室统一管理。"
    assert by_text["加强领导，压实责任。"] == "一、总体要求：三、组织保障：加强领导，压实责任。"


def test_lexical_input_names_the_documents_source_and_author(tmp_path):
    from retrieval.indexing.chunk import chunk_document
    from retrieval.ingest.corpus import load_document

    text = "以党建引领发展\n来源: 郑州日报\n作者: 市直机关工委\n\n要切实抓好基层党组织工作，聚焦基本队伍、基本活动。\n"
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    doc = load_document(tmp_path / "d.txt", tmp_path)
    inputs = lexical_inputs({doc.doc_id: doc}, chunk_document(doc))
    assert (doc.source, doc.author) == ("郑州日报", "市直机关工委")
    assert inputs and all(i.startswith("以党建引领发展 郑州日报 市直机关工委：") for i in inputs)
