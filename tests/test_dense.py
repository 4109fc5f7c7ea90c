"""Dense indexes: the FAISS type follows the size and is recorded in the manifest; the FAISS file is
the only copy of the vectors, read back exactly (float32) or as stored (float16 codes), so builds
reuse them without re-embedding and without drift."""
import json

import numpy as np
import pytest

from retrieval.indexing import dense, store
from retrieval.indexing.build import build_from_documents, build_index, previous_cache
from retrieval.indexing.embed import Embedder
from retrieval.ingest.corpus import load_corpus
from retrieval.indexing.dense import Dense, index_type
from retrieval.search.engine import Engine

DOC_A = "一、总体要求\n机关党建工作责任制是落实全面从严治党的关键举措。必须牵住责任制这个“牛鼻子”。\n"
DOC_B = "领导班子成员要履行“一岗双责”，做到明责、履责、尽责。对分管领域的党建工作负领导责任。\n"
DOC_C = "党支部要按照打造战斗堡垒的要求，提好年度支部落实机关党建的意见建议。\n"


def unit_vectors(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype("float32")
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_the_index_type_follows_the_size():
    assert index_type(dense.EXACT_LIMIT) == "flat-ip"
    assert index_type(dense.EXACT_LIMIT + 1) == "ivf256-fp16"
    assert index_type(1_000_000) == "ivf1024-fp16"
    assert index_type(dense.CODES8_ABOVE) == "ivf1024-fp16" and index_type(5_400_000) == "ivf2048-sq8"
    assert dense.nprobe_for(256) == 256 // dense.PROBE_SHARE and dense.nprobe_for(2) == 2
    assert dense.nprobe_for(1024) == 256 and dense.nprobe_for(2048) == 256 and dense.nprobe_for(4096) == 512


def test_a_flat_index_is_read_back_exactly_from_the_mapped_file_not_copied(tmp_path):
    x = unit_vectors(500)
    Dense.build(x, 64).save(tmp_path / "a.faiss")
    loaded = Dense.load(tmp_path / "a.faiss")
    assert loaded.kind == "flat-ip" and np.array_equal(loaded.all_vectors(), x)
    assert not loaded.rows.matrix.flags.owndata          # a view of FAISS's (memory-mapped) storage
    assert np.array_equal(loaded.rows[3:5], x[3:5]) and np.array_equal(loaded.rows[7], x[7])


def test_an_inverted_file_stores_float16_read_back_as_stored(tmp_path, monkeypatch):
    monkeypatch.setattr(dense, "EXACT_LIMIT", 100)
    x = unit_vectors(4000)
    built = Dense.build(x, 64)
    assert built.kind == "ivf64-fp16" == index_type(4000)
    built.save(tmp_path / "a.faiss")
    loaded = Dense.load(tmp_path / "a.faiss")
    back = loaded.all_vectors()
    assert np.abs(back - x).max() < 1e-3 and not np.array_equal(back, x)    # float16 codes
    assert np.array_equal(Dense.build(back, 64).all_vectors(), back)      # no drift when reused
    assert np.array_equal(loaded.rows[10:12], back[10:12]) and np.array_equal(loaded.rows[5], back[5])
    for cut in (slice(3990, 4010), slice(7, 7), slice(None, 3), slice(-3, None), slice(2, 9, 3)):
        assert np.array_equal(loaded.rows[cut], back[cut]), cut      # only the slice's rows are decoded
    assert [next(iter(loaded.search(x[i], 5))) for i in range(20)] == list(range(20))
    rows = np.array([3, 900, 2500])                       # restricted: exact among those rows
    hits = loaded.search(x[900], 2, rows)
    assert list(hits) == [900, int(rows[np.argsort(-(back[rows] @ x[900]))[1]])]


def test_a_large_index_is_an_inverted_file_in_the_manifest_and_its_vectors_are_reused(tmp_path, monkeypatch):
    """Above EXACT_LIMIT (lowered here) both layers are inverted files, the manifest says so, the engine
    answers from them, and adding a document embeds only its own texts, the rest read from the files."""
    monkeypatch.setattr(dense, "EXACT_LIMIT", 2)
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(DOC_A, encoding="utf-8")
    (corpus / "b.txt").write_text(DOC_B, encoding="utf-8")
    first = build_index(corpus, index)
    manifest = json.loads((store.current(index) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["faiss"]["type"] == index_type(first.chunks) and manifest["faiss"]["type"].startswith("ivf")
    assert manifest["faiss"]["sentences"].startswith("ivf") and manifest["faiss"]["exact_limit"] == 2
    assert not list(store.current(index).glob("*.npy"))                   # vectors stored once
    before = Dense.load(store.current(index) / "dense.faiss").all_vectors()
    engine = Engine.open(index, corpus, build=False)
    result = engine.ask("什么是一岗双责")
    assert result["found"] and result["passages"][0]["doc_id"] == "b"
    assert engine.cosines(engine.embed_query("什么是一岗双责"), make=True) is None    # searched, not one product
    (corpus / "c.txt").write_text(DOC_C, encoding="utf-8")
    second = build_index(corpus, index)
    assert second.chunks == first.chunks + 1 and second.embedded == 1 and second.reused == first.chunks
    after = Dense.load(store.current(index) / "dense.faiss").all_vectors()
    keys = [r["key"] for r in store.read_jsonl(store.current(index) / "chunks.jsonl")]
    assert keys[-1] not in keys[:-1]
    assert np.array_equal(after[:first.chunks], before)                  # reused exactly as stored


def test_above_codes8_above_an_inverted_file_stores_8_bit_codes_and_hands_its_ranges_on(tmp_path, monkeypatch):
    """8-bit codes: a quarter of float32; the inner products move by little, a vector lying outside the
    training sample is not clipped away, and a rebuild given the layer's ranges keeps every code."""
    monkeypatch.setattr(dense, "EXACT_LIMIT", 100)
    monkeypatch.setattr(dense, "CODES8_ABOVE", 1000)
    x = unit_vectors(4000)
    built = Dense.build(x, 64)
    assert built.kind == "ivf64-sq8" == index_type(4000) and built.ranges is not None
    built.save(tmp_path / "a.faiss")
    loaded = Dense.load(tmp_path / "a.faiss")
    assert loaded.kind == "ivf64-sq8" and np.array_equal(loaded.ranges, built.ranges)
    back = loaded.all_vectors()
    assert np.abs(back @ x[:50].T - x @ x[:50].T).max() < 0.02
    assert np.abs(np.linalg.norm(back, axis=1) - 1).max() < 0.01    # within previous.CODES8_TOLERANCE
    assert [next(iter(loaded.search(x[i], 5))) for i in range(20)] == list(range(20))
    assert np.array_equal(Dense.build(back, 64, loaded.ranges).all_vectors(), back)    # no drift when reused
    assert not np.array_equal(Dense.build(back, 64).all_vectors(), back)             # (ranges trained anew)
    assert Dense.build(back[:500], 64, loaded.ranges).kind == index_type(500) == "ivf8-fp16"   # fp16 below: no ranges
    layer = Dense.load(tmp_path / "a.faiss", mapped=False)
    layer.extend(x[:3], np.array([5]))
    assert np.array_equal(layer.all_vectors()[:4], np.delete(back, 5, axis=0)[:4])     # kept codes unchanged
    assert np.abs(layer.all_vectors()[-3:] - back[:3]).max() == 0                     # same ranges, same codes


def test_a_rebuild_of_an_8_bit_layer_reuses_its_vectors_and_codes(tmp_path, monkeypatch):
    """A full build over a generation whose sentence layer is 8-bit (the thresholds lowered here): the vectors
    are reused (nothing embedded again), within the 8-bit tolerance of `previous`, with the same codes."""
    monkeypatch.setattr(dense, "EXACT_LIMIT", 2)
    monkeypatch.setattr(dense, "CODES8_ABOVE", 3)
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(DOC_A * 3, encoding="utf-8")
    (corpus / "b.txt").write_text(DOC_B, encoding="utf-8")
    build_index(corpus, index)
    manifest = json.loads((store.current(index) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["faiss"]["sentences"].endswith("-sq8")
    before = Dense.load(store.current(index) / "sentences.faiss").all_vectors()
    embedder = Embedder(None)
    cache = previous_cache(index, embedder.name, embedder.dim, embedder.label)    # a full build, not an append
    again = build_from_documents(load_corpus(corpus).documents, [], index, cache=cache)
    assert again.embedded == 0 and again.sentences_embedded == 0
    assert np.array_equal(Dense.load(store.current(index) / "sentences.faiss").all_vectors(), before)


@pytest.mark.parametrize("n, limit", [(300, dense.EXACT_LIMIT), (12_000, 1_000)])
def test_extend_removes_rows_and_appends_vectors_keeping_row_order(tmp_path, monkeypatch, n, limit):
    """What an append-only generation does to a layer (`retrieval.indexing.append`): the rows after the removed
    ones move up, new vectors become the last rows, an inverted file keeps its lists."""
    monkeypatch.setattr(dense, "EXACT_LIMIT", limit)
    vectors, new = unit_vectors(n), unit_vectors(7, seed=1)
    Dense.build(vectors, 64).save(tmp_path / "layer.faiss")
    layer = Dense.load(tmp_path / "layer.faiss", mapped=False)
    lists = None if layer.ivf is None else faiss_centroids(layer)
    removed = np.r_[10:20, 200:205]
    layer.extend(new, removed)
    want = np.concatenate([np.delete(vectors, removed, axis=0), new])
    assert layer.size == len(want)
    assert np.abs(layer.all_vectors() - want).max() < (1e-3 if layer.ivf is not None else 1e-7)
    if layer.ivf is not None:
        assert np.array_equal(faiss_centroids(layer), lists)
        layer.ivf.nprobe = layer.ivf.nlist
    rows = [0, 9, 10, len(want) // 2, len(want) - 1]
    assert [next(iter(layer.search(want[r], 1))) for r in rows] == rows


def faiss_centroids(layer: Dense) -> np.ndarray:
    import faiss

    quantizer = layer.ivf.quantizer
    return faiss.rev_swig_ptr(faiss.downcast_index(quantizer).get_xb(), quantizer.ntotal * quantizer.d).copy()
