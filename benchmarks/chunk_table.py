#!/usr/bin/env python
"""Memory of the engine's chunk table against one Python object and string per chunk.

`.venv/bin/python benchmarks/chunk_table.py [--chunks 200000]`: writes a `chunks.jsonl` of
300-character chunks (240 new characters each, as the 300/60 chunker makes them) over
synthetic documents of 48,000 Han characters, then loads it both ways and prints the
memory held after loading and the peak while loading (tracemalloc), and the load time.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.indexing import store  # noqa: E402
from retrieval.indexing.chunktable import ChunkTable  # noqa: E402
from retrieval.types import Chunk, Document  # noqa: E402

DOC_CHARS, SIZE, STEP = 48_060, 300, 240


def write_corpus(path: Path, n_chunks: int) -> dict[str, Document]:
    rng = random.Random(1)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    per_doc = (DOC_CHARS - SIZE) // STEP + 1
    docs = {f"d{i}": Document(f"d{i}", f"d{i}.txt", "t", "".join(rng.choices(han, k=DOC_CHARS)))
            for i in range(-(-n_chunks // per_doc))}
    with open(path, "w", encoding="utf-8") as fh:
        written = 0
        for name, doc in docs.items():
            for s in range(0, per_doc * STEP, STEP):
                if written == n_chunks:
                    break
                fh.write(json.dumps({"doc_id": name, "start": s, "end": s + SIZE, "text": doc.text[s:s + SIZE],
                                     "paragraph": 0}, ensure_ascii=False) + "\n")
                written += 1
    return docs


def as_objects(path: Path, docs) -> list[Chunk]:
    """What the engine did before the chunk table: a `Chunk` (with its text) per row."""
    return [Chunk(r["doc_id"], r["start"], r["end"], r["text"], r["paragraph"]) for r in store.read_jsonl(path)]


def measure(load, path: Path, docs) -> tuple[int, float, float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    table = load(path, docs)
    seconds = time.perf_counter() - started
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return len(table), held / 2**20, peak / 2**20, seconds


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--chunks", type=int, default=200_000)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chunks.jsonl"
        docs = write_corpus(path, args.chunks)
        print("| chunks held as | chunks | held after loading (MiB) | peak while loading (MiB) | load (s) |\n"
              "|---|---:|---:|---:|---:|")
        for label, load in (("a Chunk object and string per row", as_objects),
                            ("ChunkTable (arrays, text sliced from the documents)",
                             lambda path, docs: ChunkTable.read(store.iter_jsonl(path), docs))):
            n, held, peak, seconds = measure(load, path, docs)
            print(f"| {label} | {n:,} | {held:.0f} | {peak:.0f} | {seconds:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
