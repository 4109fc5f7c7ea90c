#!/usr/bin/env python
"""Scale benchmark (issue #12): the engine at 100,000 chunks, and its dense layer at 1,000,000.

`OMP_NUM_THREADS=1 .venv/bin/python benchmarks/scale.py --vectors /tmp/scale/vectors --work /tmp/scale/work
[--chunks 100000] [--dense-chunks 1000000] [--queries 200] [--lazy-vectors]`

The corpus is real text recombined (`benchmarks/scale_corpus.py`); the vectors are the real ones
`benchmarks/scale_embed.py` had time to embed and, for the rest, real vectors with a small random
perturbation (`benchmarks/scale_vectors.py`): the table says how many of each. Each phase runs in a
fresh child process (`--phase`) whose peak RSS the parent reads from `os.wait4`:

- build: the engine's own `build_from_documents`, every vector given (so: build time without embedding):
  made before the build as a dict, or (`--lazy-vectors`, for a million) made as the build asks for them;
- query: load the index, RSS after loading, 200 questions (CMRC 2018 and DRCD dev) timed warm next to
  the bare query embedding, recall@10 of each FAISS layer against exact search of its stored vectors;
- add: one new document added to the built index, twice (an append to the live generation,
  `retrieval.indexing.append`, when it allows one; else a full build reusing every other vector from the FAISS
  files and the kept tokens), then the first of them removed (`--remove 0`: not), then parts alone:
  reading the previous vectors, BM25 rebuilt from the kept tokens (bm25s) and from the token ids;
- cold: a new `ask` process, launch to printed answer (median of 3);
- dense: at `--dense-chunks` only the two FAISS layers (chunks, and sentences at the 100,000-chunk
  build's sentences per chunk) are built, loaded, searched and checked against exact search.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from run import ASK_WITHOUT_CORPUS, index_sizes, percentile, run_measured, summary_ms  # noqa: E402

WARMUP = 3
NEW_DOCUMENT = 9_000_000      # the number of the document `add` adds (not in any corpus made here)
QUOTED_SERIES = 100           # `--quoted`: the documents added are NEW_DOCUMENT + 101, + 102
OLD_BM25_LIMIT = 200_000       # `add` times BM25 built from kept token lists (the path before token ids) up to this size


def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


def questions(n: int) -> list[str]:
    from retrieval.evaluate.external import load_questions

    pool = [r["question"] for name in ("cmrc2018_dev", "drcd_dev") for r in load_questions(name)]
    return pool[::max(1, len(pool) // n)][:n]


def corpus(n_chunks: int):
    from retrieval.indexing.build import chunk_sentences, embed_input, sentence_input
    from retrieval.indexing.chunk import chunk_document
    from scale_corpus import documents

    docs, keys, n_chunks_made, n_sentences = [], [], 0, 0
    for doc in documents(n_chunks):
        chunks = chunk_document(doc)
        sentences = chunk_sentences(chunks)
        docs.append(doc)
        keys += [embed_input(doc, c) for c in chunks] + [sentence_input(doc, s) for s in sentences]
        n_chunks_made, n_sentences = n_chunks_made + len(chunks), n_sentences + len(sentences)
    return docs, keys, n_chunks_made, n_sentences


def phase_build(args) -> dict:
    from retrieval.indexing import store
    from retrieval.indexing.build import build_from_documents
    from retrieval.indexing.embed import text_key
    from scale_corpus import documents
    from scale_vectors import Perturbed, vector_cache

    if args.lazy_vectors:       # every vector made when the build asks for it (a million: 13 GB of float32)
        docs, cache, real, vectors = list(documents(args.chunks)), Perturbed(args.vectors), None, None
    else:
        docs, inputs, _, _ = corpus(args.chunks)
        keys = [text_key(t) for t in inputs]
        del inputs
        cache, real = vector_cache(keys, args.vectors)
        vectors = len(set(keys))
    started, cpu = time.perf_counter(), time.process_time()
    report = build_from_documents(docs, [], args.index, cache=cache)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    manifest = store.read_json(store.current(args.index) / "manifest.json")
    return {"documents": len(docs), "chunks": report.chunks, "sentences": report.sentences,
            "vectors": vectors, "real_vectors": real if real is not None else cache.real_used,
            "lazy_vectors": args.lazy_vectors, "embedded_in_build": report.embedded,
            "build_seconds": seconds, "build_cpu_seconds": cpu, "faiss": manifest["faiss"],
            "sizes": index_sizes(store.current(args.index))}


def phase_query(args) -> dict:
    from retrieval.search.engine import Engine
    from scale_vectors import exact_top, recall_at

    before = rss_mib()
    started = time.perf_counter()
    engine = Engine(args.index, None, None)
    out = {"load_seconds": time.perf_counter() - started, "rss_before_mib": before, "rss_loaded_mib": rss_mib()}
    asked = questions(args.queries)
    started = time.perf_counter()
    engine.ask(asked[0])
    out["first_ask_seconds"] = time.perf_counter() - started
    times = {"ask": [], "embed": []}
    for i, q in enumerate(asked[:WARMUP] + asked):
        for key, call in (("ask", engine.ask), ("embed", engine.embed_query)):
            started = time.perf_counter()
            call(q)
            if i >= WARMUP:
                times[key].append(time.perf_counter() - started)
    out |= {f"{key}_ms": summary_ms(values) for key, values in times.items()}
    out["rss_after_queries_mib"] = rss_mib()
    qvecs = np.stack([engine.embed_query(q) for q in asked])
    for name, layer in (("chunks", engine.dense), ("sentences", engine.sentences)):
        out[f"recall10_{name}"] = recall_at(layer, qvecs, exact_top(layer.rows, qvecs, 10))
        out[f"search_ms_{name}"] = summary_ms(timed(lambda q: layer.search(q, 50), qvecs))
        out[f"probes_{name}"] = probe_curve(layer, qvecs, 50)
    return out


def probe_curve(layer, qvecs: np.ndarray, k: int) -> dict:
    """Recall@10 and search p50 (top-k) of an inverted file at other numbers of lists probed."""
    from scale_vectors import exact_top, recall_at

    if layer.ivf is None:
        return {}
    chosen, exact, out = layer.ivf.nprobe, exact_top(layer.rows, qvecs, 10), {}
    for share in (16, 8, 4, 2):
        layer.ivf.nprobe = max(1, layer.ivf.nlist // share)
        out[layer.ivf.nprobe] = {"recall10": recall_at(layer, qvecs, exact),
                                 "search_ms": summary_ms(timed(lambda q: layer.search(q, k), qvecs))}
    layer.ivf.nprobe = chosen
    return out


def timed(call, items) -> list[float]:
    seconds = []
    for item in items:
        started = time.perf_counter()
        call(item)
        seconds.append(time.perf_counter() - started)
    return seconds


def phase_add(args) -> dict:
    from retrieval.indexing import store, token_store
    from retrieval.indexing.build import build_from_documents, previous_cache
    from retrieval.indexing.embed import Embedder
    from retrieval.indexing.lexical import Lexical
    from retrieval.tokenize import Tokenizer, load_terms, quoted_terms
    from scale_corpus import document, documents

    logging.basicConfig(stream=sys.stderr, format="[add] %(message)s")
    logging.getLogger("retrieval.indexing.append").setLevel(logging.INFO)    # what an append did, and why not
    docs, out = list(documents(args.chunks)), {}
    added = added_before(args.index)          # documents an earlier `add` left in the index
    docs += [document(NEW_DOCUMENT + n) for n in range(1, added + 1)]
    steps = [("add_1", added + 1), ("add_2", added + 2)] + [("remove_1", -(added + 1))] * args.remove
    if args.quoted:      # the documents of the quoted series, each with a paragraph quoting its own term
        first = QUOTED_SERIES
        indexed = store.read_json(store.current(args.index) / "manifest.json")["files"]
        docs = [document(int(Path(p).stem)) for p in indexed]      # the index's own (earlier adds included)
        steps = [("add_1", first + 1), ("add_2", first + 2)] + [("remove_1", -(first + 1))] * args.remove
    for name, n in steps:    # the second add finds the tokens the first one kept (an index built before had none)
        if n > 0:
            docs.append(quoting(n, args.quoted) if args.quoted else document(NEW_DOCUMENT + n))
        else:
            docs = [d for d in docs if d.doc_id != document(NEW_DOCUMENT - n).doc_id]
        started, cpu = time.perf_counter(), time.process_time()
        report = build_from_documents(docs, [], args.index)
        out[name] = {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
                     "embedded_chunks": report.embedded, "embedded_sentences": report.sentences_embedded,
                     "chunks": report.chunks, "appended": getattr(report, "appended", False)}
    embedder = Embedder()
    started = time.perf_counter()
    cache = previous_cache(args.index, embedder.name, embedder.dim, embedder.label)
    out["read_previous_vectors_seconds"] = time.perf_counter() - started
    del cache
    if args.chunks <= OLD_BM25_LIMIT:     # the old path: every kept token a Python string (10^8 at a million)
        tokens = token_store.previous_tokens(store.current(args.index), Tokenizer(
            load_terms() + quoted_terms(d.text for d in docs)).signature)
        started = time.perf_counter()
        Lexical.build(list(tokens.values()))
        out["bm25_from_kept_tokens_seconds"] = time.perf_counter() - started
        del tokens
    if hasattr(Lexical, "from_ids"):       # the append path's BM25: the same index from the token ids
        _, ids, offsets, words, _ = token_store.read(store.current(args.index))
        started = time.perf_counter()
        Lexical.from_ids(ids, offsets, words)
        out["bm25_from_token_ids_seconds"] = time.perf_counter() - started
    return out


def quoting(n: int, terms: str):
    """Document n of the quoted series: a scale document, then a paragraph quoting the n-th term."""
    from scale_corpus import document

    term = terms.split(",")[n - QUOTED_SERIES - 1]
    return document(NEW_DOCUMENT + n, (f"会议提出“{term}”，要求各级党组织结合实际抓好落实，以{term}推动工作提质增效。",))


def added_before(index: Path) -> int:
    """How many of the documents `add` adds (numbered from NEW_DOCUMENT + 1) the index holds."""
    from retrieval.indexing import store
    from scale_corpus import document

    files = store.read_json(store.current(index) / "manifest.json")["files"]
    n = 0
    while document(NEW_DOCUMENT + n + 1).path in files:
        n += 1
    return n


def phase_dense(args) -> dict:
    """The FAISS layers (`--dense-layers`) at `args.chunks` chunks from perturbed real vectors (the
    sentence vectors through a file on disk, np.memmap); and an inverted file over the real vectors
    alone, as `retrieval.indexing.dense` would make it at that size, for recall on unperturbed vectors."""
    from retrieval.indexing import dense
    from retrieval.indexing.embed import Embedder
    from scale_vectors import exact_top, perturbed, real_vectors, recall_at

    _, real = real_vectors(args.vectors)
    sizes = {"chunks": args.chunks, "sentences": round(args.chunks * args.sentences_per_chunk)}
    layers = [name for name in args.dense_layers.split(",") if name]
    out = {"sizes": {name: sizes[name] for name in layers}, "real_pool": len(real)}
    embedder = Embedder()
    qvecs = np.stack([embedder.encode([q])[0] for q in questions(args.queries)])
    original = {}       # the exact top 10 over the vectors before they became codes (float32)
    for seed, name in enumerate(layers, 2):
        vectors = np.lib.format.open_memmap(args.work / f"{name}.npy", "w+", "float32", (sizes[name], real.shape[1]))
        perturbed(real, sizes[name], seed=seed, out=vectors)
        started, cpu = time.perf_counter(), time.process_time()
        dense.Dense.build(vectors, real.shape[1]).save(args.work / f"{name}.faiss")
        out[f"build_{name}"] = {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
                                "bytes": (args.work / f"{name}.faiss").stat().st_size}
        original[name] = exact_top(vectors, qvecs, 10)
        del vectors
        (args.work / f"{name}.npy").unlink()
    before = rss_mib()
    loaded = {name: dense.Dense.load(args.work / f"{name}.faiss") for name in layers}
    out |= {"rss_before_mib": before, "rss_loaded_mib": rss_mib()}
    for name, layer in loaded.items():
        k = 50 if name == "chunks" else 100          # what `Engine.dense_search` asks of each
        timed(lambda q: layer.search(q, k), qvecs[:WARMUP])
        out[name] = {"type": layer.kind, "search_ms": summary_ms(timed(lambda q: layer.search(q, k), qvecs)),
                     "recall10": recall_at(layer, qvecs, exact_top(layer.rows, qvecs, 10)),
                     "recall10_of_float32": recall_at(layer, qvecs, original[name]),
                     "probes": probe_curve(layer, qvecs, k)}
    out["rss_after_queries_mib"] = rss_mib()
    index = dense.inverted_file(real, real.shape[1], dense.nlist_for(len(real)))
    index.add(real)
    index.make_direct_map()
    out["real_only"] = {"vectors": len(real), "probes": probe_curve(dense.Dense(index), qvecs, 50)}
    return out


PHASES = {"build": phase_build, "query": phase_query, "add": phase_add, "dense": phase_dense}


def child(args) -> None:
    result = PHASES[args.phase](args)
    Path(args.out).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")


def run_phase(phase: str, args, **options) -> dict:
    out = args.work / f"{phase}-{options.get('chunks', args.chunks)}.json"
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in options.items()]
    cmd = [sys.executable, __file__, "--phase", phase, "--vectors", str(args.vectors), "--work", str(args.work),
           "--index", str(args.index), "--chunks", str(args.chunks), "--queries", str(args.queries),
           "--remove", str(args.remove), "--out", str(out), "--quoted", args.quoted, *flags]
    cmd += ["--lazy-vectors"] * args.lazy_vectors
    print(f"[scale] {phase} {options or ''}…", file=sys.stderr, flush=True)
    run = run_measured(cmd, sys.stderr)
    if run["returncode"] != 0:
        raise SystemExit(f"phase {phase} failed ({run['returncode']})")
    return json.loads(out.read_text(encoding="utf-8")) | {"peak_rss_mib": run["peak_rss_mib"],
                                                           "wall_seconds": run["seconds"]}


def cold_start(index: Path, question: str, runs: int = 3) -> dict:
    cmd = [sys.executable, "-c", ASK_WITHOUT_CORPUS, "ask", "--index", str(index), "--json", question,
           "--corpus", "(none)"]
    with open(os.devnull, "w") as null:
        measured = [run_measured(cmd, null, null) for _ in range(runs)]
    if any(m["returncode"] for m in measured):
        raise SystemExit("cold ask failed: " + " ".join(cmd))
    seconds = [m["seconds"] for m in measured]
    return {"median": percentile(seconds, 50), "min": min(seconds), "peak_rss_mib": max(m["peak_rss_mib"] for m in measured)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--vectors", type=Path, required=True, help="checkpoints of benchmarks/scale_embed.py")
    p.add_argument("--work", type=Path, required=True, help="where the index and results go")
    p.add_argument("--index", type=Path, default=None)
    p.add_argument("--chunks", type=int, default=100_000)
    p.add_argument("--dense-chunks", type=int, default=1_000_000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--phases", default="build,query,add,cold,dense")
    p.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    p.add_argument("--dense-layers", default="chunks,sentences", help="the layers `dense` builds")
    p.add_argument("--remove", type=int, default=1, help="`add` then removes the first document it added (0: not)")
    p.add_argument("--quoted", default="", help="`add`: TERM1,TERM2: each added document quotes its term (“TERM”: "
                                               "new to the corpus, the tokenizer's terms change)")
    p.add_argument("--lazy-vectors", action="store_true",
                   help="`build`: each vector made when the build asks for it (`scale_vectors.Perturbed`), none held "
                        "by the benchmark (a million chunks); else all made before, as a dict")
    p.add_argument("--sentences-per-chunk", type=float, default=5.4,
                   help="for `dense` when no build of --chunks was measured in --work (5.4: this corpus)")
    args = p.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    args.index = args.index or args.work / f"index-{args.chunks}"
    if args.phase:
        child(args)
        return 0
    results = {}
    for phase in args.phases.split(","):
        if phase == "cold":
            results["cold"] = cold_start(args.index, questions(1)[0])
        elif phase == "dense":
            built = args.work / f"build-{args.chunks}.json"
            per_chunk = args.sentences_per_chunk if not built.exists() else \
                (lambda b: b["sentences"] / b["chunks"])(json.loads(built.read_text(encoding="utf-8")))
            results["dense"] = run_phase("dense", args, chunks=args.dense_chunks, sentences_per_chunk=per_chunk,
                                         dense_layers=args.dense_layers)
        else:
            results[phase] = run_phase(phase, args)
        print(json.dumps({phase: results[phase]}, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
