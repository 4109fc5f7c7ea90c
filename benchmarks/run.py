#!/usr/bin/env python
"""Benchmarks per corpus and embedding backend: build throughput, query latency, peak memory, index size,
cold start.

`.venv/bin/python benchmarks/run.py [--quick] [--json] [-o FILE] [--only seed|cmrc] [--backend torch|onnx ...]`.
Each corpus is measured with each backend (default: torch, then onnx, interleaved corpus by corpus, so
that both see the same machine) in a fresh child process (`--child`), whose own peak RSS the parent
reads from `os.wait4`; indexes go to a temporary folder, never `index/`. Figures: README, "Benchmarks".
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from functools import reduce
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPORA = {"seed": "seed corpus", "cmrc": "CMRC 2018 dev"}
BACKENDS = ("torch", "onnx")      # the reference first: speed-ups are against it
CMRC = "cmrc2018_dev"
SEED_CORPUS = ROOT / "corpus"
SEED_GOLD = ROOT / "eval" / "seed_gold.jsonl"
WARMUP = 3
INDEX_PARTS = ("dense.faiss", "sentences.faiss", "lexical",
               "chunks.jsonl", "sentences.jsonl", "documents.jsonl")
# CMRC passages have no corpus folder, so `ask --corpus` cannot check freshness against one:
# the same CLI entry point runs with the corpus staleness check switched off.
ASK_WITHOUT_CORPUS = ("import sys, retrieval.search.opening as e; e.needs_build = lambda *a: False; "
                      "from retrieval.cli import main; sys.exit(main(sys.argv[1:]))")


# --- pure helpers (tested in tests/test_benchmarks.py) -------------------------------
def percentile(values, q: float) -> float:
    """The q-th percentile (0-100), linear interpolation between ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered, pos = sorted(values), (len(values) - 1) * q / 100
    lo, hi = int(pos), min(int(pos) + 1, len(values) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "max": percentile(ms, 100)}


def folder_size(path: str | Path) -> int:
    """Bytes of a file, or of all files under a folder."""
    path = Path(path)
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files)


def index_sizes(folder: Path) -> dict:
    parts = {name: folder_size(folder / name) for name in INDEX_PARTS if (folder / name).exists()}
    total = folder_size(folder)
    return {"total": total, **parts, "other": total - sum(parts.values())}


def mib(n: float) -> str:
    return f"{n / 2 ** 20:.2f} MiB"


ROWS = (  # (label, paths into a corpus result, format pattern or function)
    ("embedding backend (what ran)", ("backend",), "{}"),
    ("documents / chunks / sentences", ("build/documents", "build/chunks", "build/sentences"), "{} / {} / {}"),
    ("FAISS index type", ("faiss",), "{}"),
    ("full build from scratch (s)", ("build/seconds",), "{:.1f}"),
    ("build throughput (chunks/s)", ("build/chunks_per_s",), "{:.1f}"),
    ("embedding time in build (s)", ("build/embed_seconds",), "{:.1f}"),
    ("share of build spent embedding", ("build/embed_share",), "{:.0%}"),
    ("embedding throughput (chunks and sentences/s)", ("build/embed_per_s",), "{:.1f}"),
    ("build speed-up over torch fp32 (same run)", ("speedup/build",), "{:.1f}×"),
    ("incremental rebuild, nothing changed (s)", ("rebuild/seconds",), "{:.2f}"),
    ("chunks re-embedded / embedding time (s)", ("rebuild/embedded", "rebuild/embed_seconds"), "{} / {:.2f}"),
    ("queries timed (distinct)", ("latency/queries", "latency/distinct"), "{} ({})"),
    ("query latency `ask` p50 / p95 (ms)", ("latency/ask_ms/p50", "latency/ask_ms/p95"), "{:.0f} / {:.0f}"),
    ("query embedding alone p50 / p95 (ms)", ("latency/embed_query_ms/p50", "latency/embed_query_ms/p95"),
     "{:.0f} / {:.0f}"),
    ("peak RSS, build + queries (MiB)", ("peak_rss_mib",), "{:.0f}"),
    ("peak RSS, cold `ask` process (MiB)", ("cold_start/peak_rss_mib",), "{:.0f}"),
    ("cold start to first answer, median / min (s)", ("cold_start/median", "cold_start/min"), "{:.1f} / {:.1f}"),
    ("model load + first encode in child (s)", ("model_load_seconds",), "{:.1f}"),
    ("index size on disk (generation folder)", ("index_bytes/total",), mib),
    *((f"… {part}", (f"index_bytes/{part}",), mib) for part in INDEX_PARTS + ("other",)),
)


def cell(result: dict, paths, pattern) -> str:
    try:
        values = [reduce(lambda data, key: data[key], p.split("/"), result) for p in paths]
        return pattern(*values) if callable(pattern) else pattern.format(*values)
    except (KeyError, TypeError, ValueError, IndexError):
        return "–"


def column(key: str) -> str:
    """`cmrc/onnx` -> `CMRC 2018 dev, onnx`."""
    name, _, backend = key.partition("/")
    return CORPORA.get(name, name) + (f", {backend}" if backend else "")


def speedups(results: dict[str, dict]) -> None:
    """Each backend's build throughput over torch's on the same corpus, in place."""
    for key, result in results.items():
        name, _, backend = key.partition("/")
        reference = results.get(f"{name}/torch", {}).get("build", {}).get("chunks_per_s")
        if reference and backend != "torch" and "build" in result:
            result["speedup"] = {"build": result["build"]["chunks_per_s"] / reference}


def markdown_table(results: dict[str, dict]) -> str:
    names = list(results)
    lines = ["| measure | " + " | ".join(column(n) for n in names) + " |",
             "|---|" + "---:|" * len(names)]
    for label, paths, pattern in ROWS:
        lines.append(f"| {label} | " + " | ".join(cell(results[n], paths, pattern) for n in names) + " |")
    return "\n".join(lines)


def render(report: dict) -> str:
    machine = report["machine"]
    return "\n".join([
        f"# Benchmarks ({report['date']})", "", f"Command: `{report['command']}`", "",
        f"- CPU: {machine['cpu_model']}; os.cpu_count() = {machine['cpu_count']}, "
        f"usable = {machine['cpus_usable']}; torch threads = {machine.get('torch_threads', '?')}",
        f"- embedding model: {machine['model']}; torch {machine.get('torch', '?')}; "
        f"onnxruntime {machine.get('onnxruntime', '?')}; "
        f"Python {machine['python']}; {machine['platform']}",
        f"- load average (1, 5, 15 min) at start: {machine['load_start']}, at end: {machine['load_end']}",
        "", markdown_table(report["corpora"]), ""])


# --- child: one corpus, one fresh process ---------------------------------------------
def time_encode(cls) -> dict:
    """Wrap `cls.encode` (in this process only) to add up the seconds and texts it embeds."""
    spent, original = {"seconds": 0.0, "texts": 0}, cls.encode

    def encode(embedder, texts, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original(embedder, texts, *args, **kwargs)
        finally:
            spent["seconds"] += time.perf_counter() - started
            spent["texts"] += len(texts)

    cls.encode = encode
    return spent


def cmrc_documents(limit: int | None) -> list:
    """The CMRC passages as documents: all of them, or the first `limit` (`--documents`)."""
    from retrieval.evaluate.external import load_documents

    return load_documents(CMRC)[:limit] if limit else load_documents(CMRC)


def timed_build(name: str, index_dir: Path, reuse: bool, spent: dict, limit: int | None = None) -> dict:
    """Read the corpus and build (CMRC: its passages as documents), timing the embedding inside."""
    from retrieval.indexing.build import build_from_documents, build_index

    spent |= {"seconds": 0.0, "texts": 0}
    started = time.perf_counter()
    report = build_index(SEED_CORPUS, index_dir, reuse=reuse) if name == "seed" else \
        build_from_documents(cmrc_documents(limit), (), index_dir, reuse=reuse)
    seconds, embed = time.perf_counter() - started, spent["seconds"]
    return {"seconds": seconds, "documents": report.documents, "chunks": report.chunks,
            "sentences": report.sentences, "embedded": report.embedded, "reused": report.reused, "embed_seconds": embed,
            "chunks_per_s": report.chunks / seconds, "embed_share": embed / seconds,
            "embed_per_s": spent["texts"] / embed if embed else None}


def questions(name: str, n: int, limit: int | None = None) -> list[str]:
    """n questions: CMRC questions evenly spaced over the set (over the questions of its first `limit`
    passages with `--documents`); the seed gold set, repeated to n."""
    if name == "seed":
        with open(SEED_GOLD, encoding="utf-8") as fh:
            pool = [json.loads(line)["question"] for line in fh if line.strip()]
    else:
        from retrieval.evaluate.external import load_questions
        rows = load_questions(CMRC)
        if limit:
            kept = {d.doc_id for d in cmrc_documents(limit)}
            rows = [r for r in rows if r["context_id"] in kept]
        pool = [r["question"] for r in rows[::max(1, len(rows) // n)]]
    return [pool[i % len(pool)] for i in range(n)]


def measure_latency(engine, asked: list[str]) -> dict:
    """After WARMUP untimed rounds, each question: `ask` timed, then `embed_query` alone timed."""
    calls = {"ask_ms": engine.ask, "embed_query_ms": engine.embed_query}
    seconds: dict[str, list[float]] = {key: [] for key in calls}
    for i, q in enumerate(asked[:WARMUP] + asked):
        for key, call in calls.items():
            started = time.perf_counter()
            call(q)
            if i >= WARMUP:
                seconds[key].append(time.perf_counter() - started)
    return {"queries": len(asked), "distinct": len(set(asked)), "warmup": WARMUP,
            **{key: summary_ms(values) for key, values in seconds.items()}}


def child(name: str, index_dir: Path, n: int, limit: int | None = None) -> None:
    """Build from scratch, rebuild unchanged, time queries; write the numbers beside the index."""
    import torch

    from retrieval.indexing import store
    from retrieval.indexing.embed import Embedder
    from retrieval.search.engine import Engine

    timer = time_encode(Embedder)
    started = time.perf_counter()
    embedder = Embedder()
    embedder.encode(["预热"])
    result = {"model_load_seconds": time.perf_counter() - started, "backend": embedder.label,
              "torch_threads": torch.get_num_threads(), "torch": torch.__version__}
    result["build"] = timed_build(name, index_dir, False, timer, limit)
    result["rebuild"] = timed_build(name, index_dir, True, timer, limit)
    engine = Engine(index_dir, None, None)
    result["faiss"] = engine.manifest["faiss"]["type"]
    result["latency"] = measure_latency(engine, questions(name, n, limit))
    result["index_bytes"] = index_sizes(store.current(index_dir))
    child_output(index_dir).write_text(json.dumps(result, indent=2), encoding="utf-8")


def child_output(index_dir: Path) -> Path:
    return index_dir.with_name(index_dir.name + ".json")


# --- parent: spawn children, time cold starts, report ----------------------------------
def run_measured(cmd: list[str], stdout, stderr=None) -> dict:
    """Run `cmd` to completion: wall seconds, exit code and the process's own peak RSS."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=stdout, stderr=stderr)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": seconds, "returncode": proc.returncode, "peak_rss_mib": usage.ru_maxrss / 1024}


def cold_command(name: str, index_dir: Path, question: str) -> list[str]:
    ask = ["ask", "--index", str(index_dir), "--json", question]
    if name == "seed":
        return [sys.executable, "-m", "retrieval", *ask, "--corpus", str(SEED_CORPUS)]
    return [sys.executable, "-c", ASK_WITHOUT_CORPUS, *ask, "--corpus", "(none)"]


def cold_start(name: str, index_dir: Path, runs: int, limit: int | None = None) -> dict:
    from retrieval.indexing.store import current

    cmd, live = cold_command(name, index_dir, questions(name, 1, limit)[0]), current(index_dir)
    runs = [cold_ask(cmd) for _ in range(runs)]
    if current(index_dir) != live:
        raise SystemExit(f"cold start rebuilt the index: it was not fresh ({index_dir})")
    seconds = [run["seconds"] for run in runs]
    return {"median": percentile(seconds, 50), "min": min(seconds), "runs": seconds,
            "peak_rss_mib": max(run["peak_rss_mib"] for run in runs), "command": cmd}


def cold_ask(cmd: list[str]) -> dict:
    with tempfile.TemporaryFile() as out:
        run = run_measured(cmd, out, subprocess.DEVNULL)   # the backend comes with the environment
        out.seek(0)
        answer = json.loads(out.read() or b"{}")
    if run["returncode"] != 0 or "passages" not in answer:
        raise SystemExit(f"cold start failed ({run['returncode']}): {' '.join(cmd)}")
    return run


def measure(name: str, backend: str, work: Path, args) -> dict:
    """One corpus with one backend: the child builds and queries, then cold `ask` processes answer."""
    from retrieval.indexing.embed import BACKEND_ENV

    os.environ[BACKEND_ENV] = backend          # inherited by the child and the cold `ask` processes
    index_dir = work / f"{name}-{backend}-index"
    print(f"[bench] {name} ({backend}): building and querying in a fresh process…", file=sys.stderr)
    run = run_measured([sys.executable, __file__, "--child", name, "--index", str(index_dir),
                        "--queries", str(args.queries), *(["--documents", str(args.documents)] if args.documents else [])],
                       sys.stderr)
    if run["returncode"] != 0:
        raise SystemExit(f"benchmark child for {name} ({backend}) failed with exit code {run['returncode']}")
    result = json.loads(child_output(index_dir).read_text(encoding="utf-8"))
    result["peak_rss_mib"] = run["peak_rss_mib"]
    print(f"[bench] {name} ({backend}): cold start x{args.cold_runs}…", file=sys.stderr)
    result["cold_start"] = cold_start(name, index_dir, args.cold_runs, args.documents)
    return result


def machine_facts() -> dict:
    from retrieval.indexing.settings import model_name

    info = Path("/proc/cpuinfo")
    cpus = [line.split(":", 1)[1].strip() for line in info.read_text().splitlines()
            if line.startswith("model name")] if info.exists() else []
    from importlib import metadata

    try:
        runtime = metadata.version("onnxruntime")
    except metadata.PackageNotFoundError:
        runtime = "not installed"
    return {"cpu_model": (cpus or [platform.processor() or "unknown"])[0], "cpu_count": os.cpu_count(),
            "onnxruntime": runtime,
            "cpus_usable": len(os.sched_getaffinity(0)), "model": model_name(),
            "python": platform.python_version(), "platform": platform.platform(),
            "load_start": [round(x, 2) for x in os.getloadavg()]}


def run_all(args) -> dict:
    report = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": machine_facts(),
              "command": " ".join(["benchmarks/run.py", *sys.argv[1:]]), "corpora": {}}
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        for name in args.only or list(CORPORA):
            for backend in args.backend:
                report["corpora"][f"{name}/{backend}"] = measure(name, backend, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    speedups(report["corpora"])
    first = next(iter(report["corpora"].values()), {})
    report["machine"] |= {"torch_threads": first.get("torch_threads"), "torch": first.get("torch"),
                          "load_end": [round(x, 2) for x in os.getloadavg()]}
    return report


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="30 timed queries and one cold start per corpus")
    p.add_argument("--json", action="store_true", help="print the raw numbers as JSON")
    p.add_argument("-o", "--output", help="also write the raw numbers as JSON to this file")
    p.add_argument("--only", action="append", choices=list(CORPORA), help="measure this corpus only")
    p.add_argument("--backend", action="append", choices=BACKENDS,
                   help="measure this embedding backend only (default: torch and onnx, side by side)")
    p.add_argument("--queries", type=int, default=None, help="timed queries per corpus (default 200)")
    p.add_argument("--documents", type=int, default=None,
                   help="CMRC: only its first N passages (a shorter run; throughput hardly depends on size)")
    p.add_argument("--child", choices=list(CORPORA), help=argparse.SUPPRESS)
    p.add_argument("--index", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.queries = args.queries or (30 if args.quick else 200)
    args.cold_runs = 1 if args.quick else 3
    args.backend = args.backend or list(BACKENDS)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        return child(args.child, Path(args.index), args.queries, args.documents) or 0
    report = run_all(args)
    if args.output:
        Path(args.output).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
