"""Append-only generations (`retrieval.indexing.append`): adding or removing a document writes the new
generation from the live one's files, and gives the index, the answers and the `check` verdict a full
build gives; a crash in the middle leaves the live generation as it was."""
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from retrieval.indexing import append, store
from retrieval.indexing.build import build_index
from retrieval.cli.check import check_folder
from retrieval.indexing.dense import Dense
from retrieval.search.engine import Engine
from retrieval.indexing.lexical import Lexical
from tests.conftest import ROOT
from tests.test_lexical_ids import columns

DOCS = {
    "a.txt": "一、总体要求\n机关党建工作责任制是落实全面从严治党的关键举措。必须牵住责任制这个“牛鼻子”，"
             "层层压实责任，推动机关党建工作全面进步、全面过硬。\n",
    "b.txt": "领导班子成员要履行“一岗双责”，做到明责、履责、尽责。对分管领域的党建工作负领导责任，"
             "既抓业务工作又抓党建工作。\n",
    "c.txt": "党支部要按照打造战斗堡垒的要求，提好年度支部落实机关党建的意见建议。支部书记要带头讲党课，"
             "组织党员开展学习。\n",
}
QUESTIONS = ("什么是一岗双责", "机关党建工作责任制是什么", "党支部书记要做什么", "战斗堡垒")


def corpus_of(folder, names, docs=None):
    """`folder` holding exactly the documents `names` of `docs` (this module's DOCS by default)."""
    docs = DOCS if docs is None else docs
    folder.mkdir(exist_ok=True)
    for p in folder.iterdir():
        p.unlink()
    for name in names:
        (folder / name).write_text(docs[name], encoding="utf-8")
    return folder


def full_build(corpus, index, monkeypatch):
    """A build that may not append (the path every build took before `retrieval.indexing.append`)."""
    with monkeypatch.context() as m:
        m.setattr(append, "make_plan", lambda *a, **k: None)
        report = build_index(corpus, index)
    assert not report.appended
    return report


def same_index(a, b):
    """The two live generations hold the same rows, vectors and BM25 scores, and both pass `check`."""
    ga, gb = store.current(a), store.current(b)
    for name in ("documents.jsonl", "chunks.jsonl", "sentences.jsonl", "terms.txt", "glossary.jsonl"):
        assert (ga / name).read_bytes() == (gb / name).read_bytes(), name
    for name in ("dense.faiss", "sentences.faiss"):
        assert np.array_equal(Dense.load(ga / name).all_vectors(), Dense.load(gb / name).all_vectors()), name
    ma, mb = (json.loads((g / "manifest.json").read_text(encoding="utf-8")) for g in (ga, gb))
    assert ma["files"] == mb["files"] and ma["counts"] == mb["counts"] and ma["faiss"] == mb["faiss"]
    n = ma["counts"]["chunks"]
    assert columns(Lexical.load(ga / "lexical", n)) == columns(Lexical.load(gb / "lexical", n))
    for g in (ga, gb):
        verdict = check_folder(g, live=True)
        assert verdict.intact, verdict.problem


def answers(index, corpus):
    engine = Engine.open(index, corpus, build=False)
    return [json.dumps(engine.ask(q), ensure_ascii=False, sort_keys=True) for q in QUESTIONS]


def test_adding_and_removing_a_document_by_append_is_a_full_build(tmp_path, monkeypatch, caplog):
    corpus, fast, full = tmp_path / "corpus", tmp_path / "fast", tmp_path / "full"
    corpus_of(corpus, ["a.txt", "b.txt"])
    build_index(corpus, fast)
    shutil.copytree(fast, full)
    corpus_of(corpus, ["a.txt", "b.txt", "c.txt"])
    before = store.current(fast)
    with caplog.at_level("INFO", logger="retrieval.indexing.append"):
        added = build_index(corpus, fast)
    assert added.appended and store.current(fast) != before
    assert "glossary carried over" in caplog.text           # not read from the whole corpus again
    assert 0 < added.embedded < added.chunks                    # only c.txt's chunks
    full_build(corpus, full, monkeypatch)
    same_index(fast, full)
    assert answers(fast, corpus) == answers(full, corpus)
    corpus_of(corpus, ["a.txt", "c.txt"])
    removed = build_index(corpus, fast)
    assert removed.appended and removed.embedded == 0 and removed.sentences_embedded == 0
    full_build(corpus, full, monkeypatch)
    same_index(fast, full)
    assert answers(fast, corpus) == answers(full, corpus)


def test_an_edited_document_re_embeds_only_its_changed_text(tmp_path):
    corpus, index = corpus_of(tmp_path / "corpus", ["a.txt", "b.txt"]), tmp_path / "index"
    first = build_index(corpus, index)
    (corpus / "b.txt").write_text(DOCS["b.txt"] + "党员领导干部要以身作则，带头落实。\n", encoding="utf-8")
    edited = build_index(corpus, index)
    assert edited.appended and edited.chunks >= first.chunks
    assert edited.sentences_embedded <= 2 and edited.embedded <= 1
    assert check_folder(store.current(index), live=True).intact
    assert "以身作则" in json.dumps(Engine.open(index, corpus, build=False).ask("党员领导干部要怎样"),
                                   ensure_ascii=False)


def test_a_build_that_would_change_the_faiss_type_is_a_full_one(tmp_path, monkeypatch):
    corpus, index = corpus_of(tmp_path / "corpus", ["a.txt"]), tmp_path / "index"
    build_index(corpus, index)
    (corpus / "d.txt").write_text("要把“四强”党支部建设作为重点任务。\n", encoding="utf-8")   # a new quoted term:
    assert build_index(corpus, index).appended                                           # tests/test_terms.py
    from retrieval.indexing import dense
    monkeypatch.setattr(dense, "EXACT_LIMIT", 3)           # the new size would choose an inverted file
    corpus_of(corpus, ["a.txt", "b.txt"])
    (corpus / "d.txt").write_text("要把“四强”党支部建设作为重点任务。\n", encoding="utf-8")
    assert not build_index(corpus, index).appended
    assert check_folder(store.current(index), live=True).intact


def test_a_damaged_live_file_is_not_carried_into_an_append(tmp_path):
    corpus, index = corpus_of(tmp_path / "corpus", ["a.txt"]), tmp_path / "index"
    build_index(corpus, index)
    chunks = store.current(index) / "chunks.jsonl"
    data = bytearray(chunks.read_bytes())
    data[-3] ^= 1                                                   # same size, other bytes
    chunks.write_bytes(bytes(data))
    corpus_of(corpus, ["a.txt", "b.txt"])
    report = build_index(corpus, index)
    assert not report.appended and check_folder(store.current(index), live=True).intact


CRASH = """
import os, sys
from retrieval.indexing import append
from retrieval.indexing.build import build_index
real = append.write_lexical
def crash(tmp, *args):
    real(tmp, *args)
    os._exit(9)          # killed after the vectors, rows and tokens of the new generation are written
append.write_lexical = crash
build_index(sys.argv[1], sys.argv[2])
"""


@pytest.mark.parametrize("how", ["exception", "killed"])
def test_a_crash_in_the_middle_of_an_append_leaves_the_live_generation(tmp_path, monkeypatch, how):
    corpus, index = corpus_of(tmp_path / "corpus", ["a.txt", "b.txt"]), tmp_path / "index"
    build_index(corpus, index)
    live, before = store.current(index), answers(index, corpus)
    corpus_of(corpus, ["a.txt", "b.txt", "c.txt"])
    if how == "killed":
        run = subprocess.run([sys.executable, "-c", CRASH, str(corpus), str(index)], cwd=ROOT)
        assert run.returncode == 9
    else:
        monkeypatch.setattr(Lexical, "from_ids", lambda *a: (_ for _ in ()).throw(RuntimeError("crash")))
        with pytest.raises(RuntimeError):
            build_index(corpus, index)
        monkeypatch.undo()
    assert list(index.glob(".tmp-gen-*"))                          # the new generation, half written
    assert store.current(index) == live and check_folder(live, live=True).intact
    assert answers(index, corpus_of(tmp_path / "corpus", ["a.txt", "b.txt"])) == before
    corpus_of(corpus, ["a.txt", "b.txt", "c.txt"])
    assert build_index(corpus, index).appended and not list(index.glob(".tmp-gen-*"))
    assert check_folder(store.current(index), live=True).intact


def test_an_append_to_an_index_storing_no_glossary_computes_it_whole(tmp_path, monkeypatch, caplog):
    """An index built before the glossary was stored: the append stores the whole one, as a full build."""
    from retrieval.indexing.seal import seal_folder
    from retrieval.search.glossary import GLOSSARY

    corpus, fast, full = tmp_path / "corpus", tmp_path / "fast", tmp_path / "full"
    corpus_of(corpus, ["a.txt", "b.txt"])
    build_index(corpus, fast)
    (store.current(fast) / GLOSSARY).unlink()
    seal_folder(store.current(fast))
    corpus_of(corpus, ["a.txt", "b.txt", "c.txt"])
    with caplog.at_level("INFO", logger="retrieval.indexing.append"):
        assert build_index(corpus, fast).appended
    assert "glossary computed whole" in caplog.text
    full_build(corpus, full, monkeypatch)
    same_index(fast, full)


@pytest.mark.parametrize("damage", ["a line that does not read", "a statement past its document"])
def test_a_live_glossary_written_wrong_is_not_carried_into_an_append(tmp_path, monkeypatch, caplog, damage):
    """Checksums agree but the content is wrong: the append computes the glossary whole, as a full build."""
    from retrieval.indexing.seal import seal_folder
    from retrieval.search.glossary import GLOSSARY

    corpus, fast, full = tmp_path / "corpus", tmp_path / "fast", tmp_path / "full"
    corpus_of(corpus, ["a.txt", "b.txt"])
    build_index(corpus, fast)
    path = store.current(fast) / GLOSSARY
    lines = path.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["statements"][0][2] = 10 ** 9
    bad = "{not json" if damage.startswith("a line") else json.dumps(first, ensure_ascii=False)
    path.write_text("\n".join([bad] + lines[1:]) + "\n", encoding="utf-8")
    seal_folder(store.current(fast))
    corpus_of(corpus, ["a.txt", "b.txt", "c.txt"])
    with caplog.at_level("INFO", logger="retrieval.indexing.append"):
        assert build_index(corpus, fast).appended
    assert "not carried over" in caplog.text and "glossary computed whole" in caplog.text
    full_build(corpus, full, monkeypatch)
    same_index(fast, full)


def test_a_sentence_line_gets_its_new_row_as_json_would_write_it():
    """A removal renumbers the kept sentences' chunk rows in place (`append.renumbered`): the bytes
    `json.dumps` gives, for a line as the build writes it and for any other line."""
    record = {"row": 123, "start": 4, "end": 56, "key": "ab" * 32}
    for line in (json.dumps(record, ensure_ascii=False) + "\n",                        # as the build writes it
                 json.dumps({"start": 4, "row": 123, "end": 56, "key": "ab" * 32}) + "\n",   # another order
                 '{"row":123,"start":4,"end":56,"key":"' + "ab" * 32 + '"}\n'):          # no spaces
        for row in (0, 7, 122, 10 ** 7):
            got = append.renumbered(line.encode(), row)
            assert json.loads(got) == record | {"row": row} and got.endswith(b"\n")
        if line.startswith('{"row": '):
            assert append.renumbered(line.encode(), 9) == (json.dumps(record | {"row": 9}) + "\n").encode()
