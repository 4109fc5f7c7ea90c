"""Opening an engine (retrieval/search/opening.py) when its build cannot finish: a full disk is named with the
space a build needs, and the live index answers, saying it is behind the corpus (issue #13, part 3)."""
import errno
import json

import pytest

from retrieval.indexing import append
from retrieval.indexing import build as build_module
from retrieval.indexing import store
from retrieval.indexing.build import build_index
from retrieval.search.engine import Engine
from retrieval.errors import IndexWriteError

NEW_DOC = "党支部要按照打造战斗堡垒的要求，提好年度支部落实机关党建的意见建议。\n"


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("机关党建工作责任制是落实全面从严治党的关键举措。必须牵住责任制这个“牛鼻子”。\n",
                                  encoding="utf-8")
    (folder / "b.txt").write_text("领导班子成员要履行“一岗双责”，做到明责、履责、尽责。\n", encoding="utf-8")
    return folder


def fill_the_disk(monkeypatch, error: OSError):
    def full(*args, **kwargs):
        raise error

    monkeypatch.setattr(build_module, "write_generation", full)
    monkeypatch.setattr(append, "write_rows", full)          # the same write, as an append (retrieval.indexing.append)


def test_a_full_disk_is_named_with_the_space_a_build_needs(corpus, tmp_path, monkeypatch):
    index = tmp_path / "index"
    build_index(corpus, index)
    live = store.current(index)
    size = sum(p.stat().st_size for p in live.rglob("*") if p.is_file())
    (corpus / "c.txt").write_text(NEW_DOC, encoding="utf-8")
    for error in (OSError(errno.ENOSPC, "No space left on device"), OSError("156160 requested and 122848 written")):
        fill_the_disk(monkeypatch, error)
        with pytest.raises(IndexWriteError) as raised:
            build_index(corpus, index)
        message = str(raised.value)
        assert "the disk is full" in message and " is free: free some space and build again" in message
        assert f"a build needs about {build_module.readable_size(size)} (the size of the live index) free" in message
        assert store.current(index) == live and not list(index.glob(".tmp-gen-*"))


def test_open_answers_from_the_live_index_when_its_build_fails(corpus, tmp_path, monkeypatch, capsys):
    from retrieval.cli import main
    from ui.context import AppContext
    from ui.corpus import summary
    index = tmp_path / "index"
    build_index(corpus, index)
    (corpus / "c.txt").write_text(NEW_DOC, encoding="utf-8")
    fill_the_disk(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    engine = Engine.open(index, corpus)
    assert set(engine.documents) == {"a", "b"}
    assert engine.behind.startswith(f"the index {index} is behind the corpus {corpus}: updating it failed")
    assert "the disk is full" in engine.behind
    assert "索引落后于语料库" in summary(AppContext(engine))
    code = main(["ask", "--index", str(index), "--corpus", str(corpus), "--json", "什么是一岗双责？"])
    out, err = capsys.readouterr()
    assert code == 0 and json.loads(out)["found"]
    assert f"warning: the index {index} is behind the corpus" in err and "Traceback" not in err


def test_open_answers_from_the_live_index_when_a_file_breaks_the_build(corpus, tmp_path, monkeypatch):
    index = tmp_path / "index"
    build_index(corpus, index)
    (corpus / "c.txt").write_text(NEW_DOC, encoding="utf-8")

    def bug(*args, **kwargs):
        raise ValueError("a chunker bug")

    monkeypatch.setattr(build_module, "chunk_document", bug)
    monkeypatch.setattr(append, "chunk_document", bug)
    engine = Engine.open(index, corpus)
    assert set(engine.documents) == {"a", "b"} and "ValueError: a chunker bug" in engine.behind
    monkeypatch.undo()
    assert Engine.open(index, corpus).behind is None


def test_open_without_a_live_index_raises_the_build_error(corpus, tmp_path, monkeypatch):
    fill_the_disk(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(IndexWriteError, match="the disk is full"):
        Engine.open(tmp_path / "index", corpus)
