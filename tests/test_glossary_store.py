"""The glossary stored with the index (`glossary.jsonl`): the build writes it, loading reads it back
equal to the one computed from the documents, and no question builds it again."""
import json
import shutil

import pytest

from retrieval.search import glossary as glossary_module
from retrieval.indexing import store
from retrieval.search.engine import Engine
from retrieval.errors import IndexCorruptError
from retrieval.search.glossary import GLOSSARY, build_glossary, cached_glossary, load_glossary, save_glossary, term_statement
from retrieval.indexing.seal import seal_folder


def test_the_build_stores_the_glossary_equal_to_the_one_computed(seed_engine):
    stored = load_glossary(seed_engine.folder / GLOSSARY)
    computed = build_glossary(seed_engine)
    assert stored == computed and list(stored) == list(computed)        # same terms, order, statements
    assert stored["两个维护"].count == 9 and stored["两个维护"].statements
    assert cached_glossary(seed_engine) == computed


def test_save_and_load_round_trip(tmp_path, seed_engine):
    computed = build_glossary(seed_engine)
    save_glossary(tmp_path / GLOSSARY, computed)
    assert load_glossary(tmp_path / GLOSSARY) == computed
    save_glossary(tmp_path / "empty.jsonl", {})
    assert load_glossary(tmp_path / "empty.jsonl") == {}


def test_a_loaded_index_answers_definition_questions_without_building_the_glossary(seed_index, monkeypatch):
    engine = Engine.open(seed_index, None, build=False)
    monkeypatch.setattr(glossary_module, "build_glossary", lambda e: pytest.fail("glossary built at question time"))
    result = engine.ask("“四强”党支部指什么？")
    assert result["found"] and "政治功能强" in result["passages"][0]["text"]
    assert term_statement(engine, "两个维护") is not None


@pytest.fixture
def copied(tmp_path, seed_index):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    return index, store.current(index)


def test_an_index_without_a_stored_glossary_builds_it_at_load_in_the_background(copied):
    """An index built before the glossary was stored: the engine's
    load builds the glossary in a thread, so no question waits for all of it; a question that comes
    first waits for that build instead of starting its own."""
    import threading

    index, folder = copied
    (folder / GLOSSARY).unlink()
    seal_folder(folder)
    engine = Engine.open(index, None, build=False)
    for thread in [t for t in threading.enumerate() if t.name == "warm-up"]:
        thread.join(timeout=120)
    assert engine.glossary_cache is not None and engine.glossary_cache[0] is engine.documents   # no question asked
    assert cached_glossary(engine) is engine.glossary_cache[1]
    assert term_statement(engine, "两个维护") is not None


def test_a_glossary_citing_text_the_index_does_not_hold_is_damage(copied):
    index, folder = copied
    lines = (folder / GLOSSARY).read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["statements"][0][2] = 10 ** 9          # an end past its document
    (folder / GLOSSARY).write_text("\n".join([json.dumps(first, ensure_ascii=False)] + lines[1:]) + "\n",
                                   encoding="utf-8")
    seal_folder(folder)                           # the checksums agree: the content is what is wrong
    with pytest.raises(IndexCorruptError, match="glossary.jsonl"):
        Engine(index, None, None)


def test_a_change_to_the_glossary_code_rebuilds_the_index():
    """The stored glossary is the build's output: its code is part of the pipeline signature."""
    from retrieval.indexing.manifest import PIPELINE_FILES

    assert {"search/glossary.py", "search/definitions.py", "search/align.py"} <= set(PIPELINE_FILES)
    from retrieval.indexing.manifest import HERE
    assert all((HERE / name).exists() for name in PIPELINE_FILES)      # every file the signature reads is there
