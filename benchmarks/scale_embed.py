#!/usr/bin/env python
"""Embed the real texts of the scale corpus (`benchmarks/scale_corpus.py`) in corpus order, document
by document (its chunks, then its sentences, as the build makes their inputs), into checkpoint files
`OUT/part-NNNNN.npz` (keys and float32 vectors) that `benchmarks/scale.py` reads. Stop it at any time:
what was embedded is kept, and a later run resumes after the last part.

`nice -n 10 env OMP_NUM_THREADS=1 .venv/bin/python benchmarks/scale_embed.py --out /tmp/scale-vectors [--chunks 100000]`
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from retrieval.indexing.build import chunk_sentences, embed_input, sentence_input  # noqa: E402
from retrieval.indexing.chunk import chunk_document  # noqa: E402
from retrieval.indexing.embed import Embedder, text_key  # noqa: E402
from scale_corpus import documents  # noqa: E402

PART = 2000   # texts per checkpoint file


def inputs(n_chunks: int):
    """The model inputs of the corpus, in order: each document's chunks, then its sentences."""
    for doc in documents(n_chunks):
        chunks = chunk_document(doc)
        yield from (embed_input(doc, c) for c in chunks)
        yield from (sentence_input(doc, s) for s in chunk_sentences(chunks))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--chunks", type=int, default=100_000)
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    done = len(list(args.out.glob("part-*.npz")))
    embedder, batch, part, started = Embedder(), [], done, time.perf_counter()
    for n, text in enumerate(inputs(args.chunks)):
        if n < done * PART:
            continue
        batch.append(text)
        if len(batch) == PART:
            vectors = embedder.encode(batch)
            np.savez(args.out / f".part-{part:05d}.npz", keys=np.array([text_key(t) for t in batch]), vectors=vectors)
            (args.out / f".part-{part:05d}.npz").rename(args.out / f"part-{part:05d}.npz")
            part, batch = part + 1, []
            rate = (part - done) * PART / (time.perf_counter() - started)
            print(f"{part * PART} texts embedded ({rate:.1f}/s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
