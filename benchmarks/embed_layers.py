#!/usr/bin/env python
"""What each dense layer costs to embed: the chunk inputs alone, then the sentence inputs alone.

`.venv/bin/python benchmarks/embed_layers.py [--set cmrc2018_dev] [--backend onnx|torch]`: the set's
documents chunked as a build chunks them, the distinct inputs of each layer (`build.embed_input`,
`build.sentence_input`) sorted by length and embedded in batches of 64 as a build embeds them, after
one warm-up call; prints texts, seconds, texts a second and chunks a second of each layer (README,
"Benchmarks": why a build with sentences is slower than the chunk layer alone).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.evaluate.external import load_documents  # noqa: E402
from retrieval.indexing.build import chunk_sentences, embed_input, sentence_input  # noqa: E402
from retrieval.indexing.chunk import chunk_document  # noqa: E402
from retrieval.indexing.embed import Embedder  # noqa: E402

BATCH = 64


def timed(embedder: Embedder, texts: list[str]) -> float:
    started = time.perf_counter()
    for at in range(0, len(texts), BATCH):
        embedder.encode(texts[at:at + BATCH])
    return time.perf_counter() - started


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--set", default="cmrc2018_dev", help="an external set of ../shared/eval (default: %(default)s)")
    p.add_argument("--backend", choices=("onnx", "torch"), default=None, help="default: the configured one")
    args = p.parse_args(argv)
    if args.backend:
        os.environ["RETRIEVAL_BACKEND"] = args.backend
    docs = {d.doc_id: d for d in load_documents(args.set)}
    chunks = [c for d in docs.values() for c in chunk_document(d)]
    layers = {"chunks": {embed_input(docs[c.doc_id], c) for c in chunks},
              "sentences": {sentence_input(docs[chunks[s.row].doc_id], s) for s in chunk_sentences(chunks)}}
    embedder = Embedder(None)
    embedder.encode(["预热"])
    out = {"set": args.set, "backend": embedder.label, "chunk_rows": len(chunks), "loadavg": os.getloadavg()}
    for name, texts in layers.items():
        seconds = timed(embedder, sorted(texts, key=lambda t: (len(t), t)))
        out[name] = {"texts": len(texts), "seconds": round(seconds, 1), "texts_per_s": round(len(texts) / seconds, 1),
                     "chunks_per_s": round(len(chunks) / seconds, 1)}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
