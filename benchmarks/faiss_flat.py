#!/usr/bin/env python
"""Exact FAISS search time by index size: where `dense.EXACT_LIMIT` comes from.

`.venv/bin/python benchmarks/faiss_flat.py [--sizes 50000 200000 500000 1000000]`: random
unit vectors of the model's dimension (512) in an `IndexFlatIP`, 50 queries of top-50
each, one at a time as the engine asks them; prints median and p95 milliseconds.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

import faiss
import numpy as np

DIM, QUERIES, K = 512, 50, 50


def unit(rng, n: int) -> np.ndarray:
    x = rng.standard_normal((n, DIM), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[50_000, 200_000, 500_000, 1_000_000])
    args = p.parse_args(argv)
    rng = np.random.default_rng(0)
    queries = unit(rng, QUERIES)
    print(f"| vectors | memory (MiB) | flat search p50 (ms) | p95 (ms) |  (faiss threads: {faiss.omp_get_max_threads()})")
    print("|---:|---:|---:|---:|")
    for n in args.sizes:
        index = faiss.IndexFlatIP(DIM)
        for start in range(0, n, 100_000):
            index.add(unit(rng, min(100_000, n - start)))
        times = []
        for q in queries:
            started = time.perf_counter()
            index.search(q[None, :], K)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"| {n:,} | {n * DIM * 4 / 2**20:.0f} | {statistics.median(times):.1f} | "
              f"{times[int(0.95 * (len(times) - 1))]:.1f} |", flush=True)
        del index
    return 0


if __name__ == "__main__":
    sys.exit(main())
