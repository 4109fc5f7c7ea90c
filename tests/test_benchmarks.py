"""The pure helpers of benchmarks/run.py (the benchmark itself runs with `make bench`)."""
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_percentile_interpolates_like_numpy():
    values = [10, 20, 30, 40]
    assert bench.percentile(values, 50) == 25
    assert bench.percentile(values, 0) == 10 and bench.percentile(values, 100) == 40
    assert bench.percentile([7], 95) == 7
    assert bench.percentile(values, 95) == pytest.approx(38.5)


def test_summary_is_in_milliseconds():
    assert bench.summary_ms([0.001, 0.003]) == {"p50": pytest.approx(2), "p95": pytest.approx(2.9),
                                                 "max": pytest.approx(3)}


def test_index_sizes_add_up(tmp_path):
    (tmp_path / "dense.faiss").write_bytes(b"x" * 100)
    (tmp_path / "lexical").mkdir()
    (tmp_path / "lexical" / "a.npy").write_bytes(b"y" * 50)
    (tmp_path / "manifest.json").write_text("{}")
    sizes = bench.index_sizes(tmp_path)
    assert sizes == {"total": 152, "dense.faiss": 100, "lexical": 50, "other": 2}


def test_table_rows_show_a_dash_for_missing_numbers():
    table = bench.markdown_table({"seed": {"build": {"documents": 5, "chunks": 98, "sentences": 269},
                                           "faiss": "flat"}})
    assert "| documents / chunks / sentences | 5 / 98 / 269 |" in table
    assert "| FAISS index type | flat |" in table
    assert "| full build from scratch (s) | – |" in table


def test_chunk_table_benchmark_runs_on_a_small_corpus(capsys):
    spec = importlib.util.spec_from_file_location("bench_chunks", ROOT / "benchmarks" / "chunk_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--chunks", "450"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if "| 450 |" in line]
    assert len(rows) == 2          # both ways loaded every chunk of the written file


def test_backends_side_by_side_get_their_speed_up_over_torch():
    results = {"cmrc/torch": {"build": {"chunks_per_s": 8.0}, "backend": "torch-fp32"},
               "cmrc/onnx": {"build": {"chunks_per_s": 36.0}, "backend": "onnx-int8"}}
    bench.speedups(results)
    assert "speedup" not in results["cmrc/torch"] and results["cmrc/onnx"]["speedup"]["build"] == 4.5
    table = bench.markdown_table(results)
    assert table.splitlines()[0] == "| measure | CMRC 2018 dev, torch | CMRC 2018 dev, onnx |"
    assert "| build speed-up over torch fp32 (same run) | – | 4.5× |" in table
    assert "| embedding backend (what ran) | torch-fp32 | onnx-int8 |" in table
