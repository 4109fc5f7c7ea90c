"""Fault injection on a tiny real index: a damaged file gives a one-line message or the previous
generation answering (with a warning), never a traceback, never a silently different answer; `build`
repairs what `ask` refuses; reused vectors are verified. `benchmarks/faults.py` runs every file ×
every damage; this is a representative set of it (issue #13, part 1)."""
import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from retrieval.indexing import store
from retrieval.indexing.build import build_index, previous_cache, sound_vectors
from retrieval.indexing.dense import Dense
from retrieval.search.engine import Engine
from retrieval.errors import IndexCorruptError
from retrieval.indexing.seal import seal_folder

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_faults", ROOT / "benchmarks" / "faults.py")
faults = importlib.util.module_from_spec(spec)
spec.loader.exec_module(faults)

OFF_TOPIC = "明天北京会下雨吗？"
# the failures issue #13 lists, one of each kind of file and damage
CASES = [("dense.faiss", "truncate"), ("sentences.faiss", "header flip"), ("sentences.faiss", "middle flip"),
         ("lexical/indptr.csc.index.npy", "middle flip"),
         ("lexical/vocab.index.json", "truncate"), ("terms.txt", "empty"), ("chunks.jsonl", "truncate"),
         ("dense.faiss", "middle flip"), ("manifest.json", "dimension changed"), ("CURRENT", "not UTF-8"),
         ("CURRENT", "delete"), ("tokens/ids.npy", "middle flip")]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    work = tmp_path_factory.mktemp("faults")
    corpus = faults.tiny_corpus(work / "corpus")
    base = faults.make_index(corpus, work / "base")
    return base, corpus, work, faults.baselines_for(base, corpus, work, faults.QUESTION)


def fresh(setup, name=None, kind=None) -> Path:
    base, _, work, _ = setup
    index = work / "case"
    shutil.rmtree(index, ignore_errors=True)
    shutil.copytree(base, index)
    if name:
        faults.apply(index, name, kind)
    return index


def drop_previous(index: Path) -> None:
    live = store.current(index)
    for g in store.generations(index):
        if g != live:
            shutil.rmtree(g)


@pytest.mark.parametrize("name, kind", CASES)
def test_a_damaged_file_is_a_one_line_message_or_the_previous_generation_answers(setup, name, kind):
    base, corpus, work, baselines = setup
    index = fresh(setup, name, kind)
    assert faults.check_outcome(index) == "damaged"
    code, out, err = faults.run_cli(faults.ask_argv(index, work / "no-corpus", faults.QUESTION))
    outcome = faults.classify(code, out, err, baselines["no build"])
    assert outcome in {"message", "previous generation"}, (outcome, err)
    if outcome == "previous generation":
        assert json.loads(out)["warnings"][0].startswith("the live index")
        assert "run `python -m retrieval build --index" in err


@pytest.mark.parametrize("name, kind", [("dense.faiss", "middle flip"), ("lexical/indptr.csc.index.npy", "truncate"),
                                        ("manifest.json", "dimension changed"), ("CURRENT", "not UTF-8")])
def test_ask_and_build_repair_what_they_find_damaged(setup, name, kind):
    base, corpus, work, baselines = setup
    index = fresh(setup, name, kind)
    code, out, err = faults.run_cli(faults.ask_argv(index, corpus, faults.QUESTION))
    assert faults.classify(code, out, err, baselines["ask"]) == "rebuilt", err
    assert faults.check_outcome(index) == "intact"
    index = fresh(setup, name, kind)
    code, out, _ = faults.run_cli(["build", "--corpus", str(corpus), "--index", str(index)])
    assert code == 0 and "up to date" not in out and faults.check_outcome(index) == "intact"


def test_check_reports_each_generation(setup):
    index = fresh(setup)
    code, out, err = faults.run_cli(["check", "--index", str(index)])
    assert code == 0 and out.count("intact (") == 2 and out.startswith("live ") and err == ""
    faults.apply(index, "dense.faiss", "middle flip")
    code, out, err = faults.run_cli(["check", "--index", str(index), "--json"])
    live, previous = json.loads(out)
    assert code == 3 and not live["intact"] and previous["intact"]
    assert err.strip() == f"error: {live['problem']}" and "dense.faiss does not match its checksum" in err


def test_the_app_and_the_json_result_say_the_previous_generation_answers(setup):
    from ui.ask import DAMAGED, thread_html
    from ui.context import AppContext
    from ui.corpus import summary
    index = fresh(setup, "sentences.faiss", "middle flip")
    engine = Engine.open(index, None)
    assert engine.fallback and "sentences.faiss does not match its checksum" in engine.fallback
    result = engine.ask(faults.QUESTION)
    assert result["found"] and result["warnings"] == [engine.fallback]
    ctx = AppContext(engine, None, index)
    assert DAMAGED in thread_html(ctx, []) and "当前索引已损坏" in summary(ctx)
    with pytest.raises(IndexCorruptError, match="sentences.faiss does not match its checksum"):
        Engine(index, None, None)         # the live generation itself is never used


def test_reused_vectors_come_only_from_verified_files(setup):
    """4 KB flipped in the live dense.faiss (the only copy of the chunk vectors): the next incremental
    build takes no vector from it (issue #13: one chunk scored ~6e24 and made an off-topic question found)."""
    base, corpus, work, _ = setup
    index = fresh(setup, "dense.faiss", "middle flip")
    live = store.current(index)
    rows = store.read_jsonl(live / "chunks.jsonl")
    assert not previous_cache(index, "m3e-small", 512).keys() - {r["key"] for r in rows} - \
        {r["key"] for r in store.read_jsonl(live / "sentences.jsonl")}
    drop_previous(index)                                     # only the live generation's copy is damaged
    cache = previous_cache(index, "m3e-small", 512)     # the damaged file gives nothing: only sentences
    assert cache.keys() == {r["key"] for r in store.read_jsonl(live / "sentences.jsonl")} != set()
    extra = work / "more"
    shutil.copytree(corpus, extra, dirs_exist_ok=True)
    (extra / "c.txt").write_text("党支部要按照打造战斗堡垒的要求，提好年度支部落实机关党建的意见建议。\n", encoding="utf-8")
    report = build_index(extra, index)
    assert sound_vectors(Dense.load(Path(report.folder) / "dense.faiss").all_vectors(), 512).all()
    result = Engine.open(index, extra, build=False).ask(OFF_TOPIC)
    assert not result["found"] and all(p["score"] < 2 for p in result["passages"])


def test_vectors_that_are_not_unit_length_and_finite_are_not_reused(setup):
    """Even when the checksums match (a file resealed after the damage), a vector must look like the
    model's: finite, of its dimension, unit length."""
    vectors = np.eye(4, 8, dtype="float32")
    vectors[1, 0], vectors[2, 0], vectors[3] = np.nan, 6e24, 0.5
    assert sound_vectors(vectors, 8).tolist() == [True, False, False, False]
    assert not sound_vectors(vectors, 16).any() and not sound_vectors(np.zeros(3), 8).any()
    index = fresh(setup)
    live = store.current(index)
    array = Dense.load(live / "dense.faiss").all_vectors()
    array[0] *= 1e24
    Dense.build(array, 512).save(live / "dense.faiss")
    seal_folder(live)
    drop_previous(index)
    first = store.read_jsonl(live / "chunks.jsonl")[0]["key"]
    cache = previous_cache(index, "m3e-small", 512)
    assert first not in cache and store.read_jsonl(live / "chunks.jsonl")[1]["key"] in cache


def test_the_sentence_table_reads_the_builds_lines_and_any_other_json_alike(setup, tmp_path):
    from retrieval.indexing.integrity import sentence_table

    written = store.current(setup[0]) / "sentences.jsonl"
    records = [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines()]
    expected = np.array([[r["row"], r["start"], r["end"]] for r in records], dtype="int64").reshape(-1, 3)
    assert len(records) >= 3 and np.array_equal(sentence_table(written), expected)
    other = tmp_path / "other.jsonl"           # the same records in other spacing and key order: read as JSON
    other.write_text("".join(json.dumps({"end": r["end"], "start": r["start"], "row": r["row"]}, indent=None,
                                        separators=(",", ":")) + "\n" for r in records), encoding="utf-8")
    assert np.array_equal(sentence_table(other), expected)
    other.write_text(written.read_text(encoding="utf-8") + '{"row": 3}\n', encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="malformed record"):
        sentence_table(other)
    other.write_text("", encoding="utf-8")
    assert sentence_table(other).shape == (0, 3)


def test_checksums_are_the_sha256_of_the_bytes(tmp_path):
    import hashlib

    from retrieval.indexing.seal import file_sha256

    for name, data in (("empty", b""), ("small", b"x"), ("large", bytes(range(256)) * 40_000)):
        (tmp_path / name).write_bytes(data)
        assert file_sha256(tmp_path / name) == hashlib.sha256(data).hexdigest()
