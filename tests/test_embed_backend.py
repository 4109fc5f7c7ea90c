"""The embedding backends: ONNX Runtime (exported here, cached) against torch, the reference;
the fallback to torch; the manifest and staleness of an index built with another backend."""
import json
import logging
import sys

import numpy as np
import pytest

from retrieval.indexing import embed, onnx_model, store
from retrieval.indexing.build import build_index, previous_cache
from retrieval.indexing.embed import Embedder
from retrieval.search.engine import Engine
from retrieval.errors import BackendError, IndexStaleError
from retrieval.indexing.manifest import needs_build
from retrieval.indexing.onnx_model import pool

TEXTS = ["党支部要按照打造战斗堡垒的要求，提好年度支部落实机关党建的意见建议。",
         "领导班子成员要履行“一岗双责”", "2024年GDP增长目标是多少？", "乡村振兴"]


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("机关党建工作责任制是落实全面从严治党的关键举措。必须牵住责任制这个“牛鼻子”。\n",
                                  encoding="utf-8")
    return folder


def manifest(index):
    return json.loads((store.current(index) / "manifest.json").read_text(encoding="utf-8"))


def test_pooling_in_numpy_matches_hand_computed_values():
    hidden = np.array([[[1.0, 2.0], [3.0, -4.0], [100.0, 100.0]]], dtype="float32")
    mask = np.array([[1, 1, 0]])   # the third token is padding: it counts for nothing
    assert pool(hidden, mask, "mean").tolist() == [[2.0, -1.0]]
    assert pool(hidden, mask, "cls").tolist() == [[1.0, 2.0]]
    assert pool(hidden, mask, "max").tolist() == [[3.0, 2.0]]


def test_onnx_vectors_are_close_to_torch_and_independent_of_batching():
    torch_vectors = Embedder(backend="torch").encode(TEXTS)
    for name, least in (("onnx-int8", 0.97), ("onnx-fp32", 0.9999)):
        onnx = Embedder(backend=name)
        assert onnx.backend == "onnx" and onnx.label == name and onnx.dim == 512
        vectors = onnx.encode(TEXTS)
        assert vectors.dtype == np.float32 and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
        assert (vectors * torch_vectors).sum(axis=1).min() >= least
        alone = np.stack([onnx.encode([t])[0] for t in TEXTS])   # padding in a batch changes nothing
        assert np.allclose(alone, vectors, atol=1e-5)


def test_the_int8_graph_has_no_mask_and_gives_the_masked_graphs_vectors(tmp_path):
    """int8 runs one unpadded text at a time, so its graph is exported without `attention_mask` (faster:
    README, "Benchmarks"); a masked export of the same model, quantised the same way, gives the same vectors."""
    from retrieval.indexing.embed import load_model
    from retrieval.indexing.onnx_export import export_graph, quantise
    from retrieval.indexing.settings import resolve_model

    encoder = Embedder(backend="onnx-int8").onnx
    assert encoder.inputs == ["input_ids", "token_type_ids"]
    assert Embedder(backend="onnx-fp32").onnx.inputs == ["input_ids", "attention_mask", "token_type_ids"]
    transformer = load_model(resolve_model())[0]
    export_graph(transformer.auto_model, transformer.tokenizer, tmp_path / "masked-fp32.onnx", mask=True)
    quantise(tmp_path / "masked-fp32.onnx", tmp_path / "model.onnx")
    for name in ("tokenizer.json", "backend.json"):
        (tmp_path / name).write_bytes((encoder.folder / name).read_bytes())
    masked = onnx_model.OnnxEncoder(tmp_path)
    assert "attention_mask" in masked.inputs
    texts = TEXTS + ["机关党建" * 60]
    assert np.allclose(masked.encode(texts), encoder.encode(texts), atol=1e-6)


@pytest.mark.parametrize("name", ["onnx-int8", "onnx-fp32"])
def test_a_builds_texts_run_on_several_threads_give_the_same_vectors_bit_for_bit(monkeypatch, name):
    """`OnnxEncoder.encode` of many texts runs `workers()` at once on a one-thread session: the vectors
    are those of one text (int8) or one batch (fp32) after the other, exactly."""
    texts = [f"{t}（第{i}条）" * (1 + i % 5) for i, t in enumerate(TEXTS * 20)]
    encoder = Embedder(backend=name).onnx
    monkeypatch.setattr(onnx_model, "workers", lambda: 1)
    serial = encoder.encode(texts, 8)
    monkeypatch.setattr(onnx_model, "workers", lambda: 3)
    calls = []
    run = encoder.run
    monkeypatch.setattr(encoder, "run", lambda encodings, session=None: calls.append(session) or run(encodings, session))
    assert np.array_equal(encoder.encode(texts, 8), serial)
    assert calls and all(s is encoder.single for s in calls) and encoder.single is not encoder.session
    calls.clear()
    assert np.array_equal(encoder.encode(texts[:1]), serial[:1]) and calls == [None]   # a question: one run


def test_long_text_is_truncated_like_torch():
    long = "全面从严治党永远在路上。" * 80       # 960 characters, past the 512-token window
    a, b = Embedder(backend="torch").encode([long])[0], Embedder(backend="onnx-fp32").encode([long])[0]
    assert float(a @ b) > 0.9999


def test_unknown_backend_is_a_typed_error():
    with pytest.raises(BackendError, match="unknown embedding backend 'tensorrt'"):
        Embedder(backend="tensorrt")


def test_missing_onnxruntime_falls_back_to_torch_with_one_warning(monkeypatch, caplog):
    embed.onnx_encoder.cache_clear()
    onnx_model.load_encoder.cache_clear()
    monkeypatch.setitem(sys.modules, "onnxruntime", None)      # `import onnxruntime` fails
    try:
        with caplog.at_level(logging.WARNING, logger="retrieval.indexing.embed"):
            first, second = Embedder(backend="onnx"), Embedder(backend="onnx")
        assert first.label == second.label == "torch-fp32"
        warnings = [r.getMessage() for r in caplog.records if r.name == "retrieval.indexing.embed"]
        assert len(warnings) == 1 and "embedding with torch" in warnings[0] and "\n" not in warnings[0]
    finally:
        embed.onnx_encoder.cache_clear()
        onnx_model.load_encoder.cache_clear()


def test_a_model_that_does_not_export_stays_on_torch(tmp_path, monkeypatch, caplog):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Dense

    base = embed.load_model(embed.resolve_model())
    projected = SentenceTransformer(modules=[base[0], base[1], Dense(512, 64)], device="cpu")
    folder = tmp_path / "projected"
    projected.save(str(folder))
    monkeypatch.setenv(onnx_model.CACHE_ENV, str(tmp_path / "cache"))
    with caplog.at_level(logging.WARNING, logger="retrieval.indexing.embed"):
        embedder = Embedder(str(folder), backend="onnx")
    assert embedder.label == "torch-fp32" and embedder.dim == 64
    assert "do not export" in caplog.text
    failed = list((tmp_path / "cache" / "onnx").glob("*/failed.txt"))   # remembered: not tried again
    assert len(failed) == 1 and "Dense" in failed[0].read_text(encoding="utf-8")


def test_manifest_records_the_backend_and_another_backend_makes_the_index_stale(corpus, tmp_path, monkeypatch):
    index = tmp_path / "index"
    monkeypatch.setenv(embed.BACKEND_ENV, "torch")
    build_index(corpus, index)
    assert manifest(index)["model"].items() >= {"backend": "torch", "quantisation": "fp32"}.items()
    assert not needs_build(index, corpus, "m3e-small")
    assert needs_build(index, corpus, "m3e-small", backend="onnx-int8")
    assert previous_cache(index, "m3e-small", backend="torch-fp32") and not previous_cache(index, "m3e-small", backend="onnx-int8")
    monkeypatch.setenv(embed.BACKEND_ENV, "onnx")
    assert needs_build(index, corpus, "m3e-small")
    with pytest.raises(IndexStaleError, match="torch-fp32 backend, not onnx-int8"):
        Engine(index, corpus, None)
    report = build_index(corpus, index)          # nothing reused from the torch vectors
    assert report.embedded == report.chunks and report.sentences_embedded == report.sentences
    assert manifest(index)["model"]["backend"] == "onnx" and manifest(index)["model"]["quantisation"] == "int8"
    assert Engine.open(index, corpus, build=False).ask("责任制")["passages"]
