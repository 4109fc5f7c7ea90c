#!/usr/bin/env python
"""Load on the real app: N concurrent API clients asking questions, latency p50/p95 next to one
client alone; and a soak (RSS of the app over time under steady load).

`.venv/bin/python benchmarks/load.py [--clients 1,10,50] [--seconds 60] [--soak-minutes 0] [--store STORE] [--baseline DIR]`

The app (`app.py` on the seed corpus, index in a temporary folder built first) runs in its own
process; each client is a thread that calls the `/ask` endpoint over HTTP the way `gradio_client`
does (POST /gradio_api/call/ask, then read the event stream) with questions of the seed gold set's
dev split, one after the other, for `--seconds`. RSS is read from /proc/<pid>/status. With `--store`
(a Milvus Lite file such as /tmp/load.db, or milvus://HOST:PORT), the app serves from that store (built
first when missing; Milvus Lite runs inside the app's process, so its RSS includes it). With
`--baseline DIR` (a checkout of another commit, e.g. `git archive REV | tar -x -C DIR`) that app is
served too, on the same index, and each row is measured on it just before this one, so that both see
the same machine. Figures: README, "Reliability" and "The Milvus store".
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "eval" / "seed_gold.jsonl"


def dev_questions() -> list[str]:
    """The dev split's questions (the held-out split is not read)."""
    out = []
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            if item.get("split") == "dev" and item.get("question"):
                out.append(item["question"])
    return out


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    at = (len(ordered) - 1) * q / 100
    lo, hi = int(at), min(int(at) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (at - lo)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(index: Path, port: int, root: Path = ROOT, store: str | None = None) -> subprocess.Popen:
    env = dict(os.environ, RETRIEVAL_ADMIN_PASSWORD="")
    env.setdefault("RETRIEVAL_MODEL_CACHE", str(ROOT / "models"))      # a baseline checkout reuses the export
    where = ["--store", store] if store else []
    proc = subprocess.Popen([sys.executable, str(root / "app.py"), "--port", str(port), "--index", str(index),
                             "--corpus", str(ROOT / "corpus"), *where], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 900
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/gradio_api/info", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit("the app exited before serving")
        time.sleep(1)
    proc.kill()
    raise SystemExit("the app did not start")


def ask(client: httpx.Client, base: str, question: str) -> bool:
    """One `/ask` call as gradio_client makes it; True when a result came back."""
    posted = client.post(f"{base}/gradio_api/call/ask", json={"data": [question, 5]})
    posted.raise_for_status()
    event = posted.json()["event_id"]
    with client.stream("GET", f"{base}/gradio_api/call/ask/{event}") as stream:
        kind = None
        for line in stream.iter_lines():
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:") and kind in ("complete", "error"):
                return kind == "complete" and "passages" in json.loads(json.loads(line[5:])[0])
    return False


def load(base: str, clients: int, seconds: float, questions: list[str]) -> dict:
    latencies: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def client_loop(n: int) -> None:
        with httpx.Client(timeout=120) as client:
            i = n
            while time.perf_counter() < stop:
                started = time.perf_counter()
                try:
                    ok = ask(client, base, questions[i % len(questions)])
                except (httpx.HTTPError, ValueError, KeyError):
                    ok = False
                with lock:
                    if ok:
                        latencies.append(time.perf_counter() - started)
                    else:
                        errors[0] += 1
                i += clients

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    return {"clients": clients, "requests": len(latencies), "errors": errors[0],
            "p50_s": round(percentile(latencies, 50), 3), "p95_s": round(percentile(latencies, 95), 3),
            "throughput_per_s": round(len(latencies) / wall, 2)}


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def soak(base: str, pid: int, minutes: float, clients: int, questions: list[str]) -> list[dict]:
    """RSS every minute while `clients` clients ask without pause."""
    samples = [{"minute": 0, "rss_mib": rss_mib(pid)}]
    for minute in range(1, int(minutes) + 1):
        result = load(base, clients, 60, questions)
        samples.append({"minute": minute, "rss_mib": rss_mib(pid), "requests": result["requests"],
                        "errors": result["errors"], "p95_s": result["p95_s"]})
        print(json.dumps(samples[-1]), file=sys.stderr, flush=True)
    return samples


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,10,50", help="client counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--soak-minutes", type=float, default=0, help="then a soak at --soak-clients")
    parser.add_argument("--soak-clients", type=int, default=10)
    parser.add_argument("--index", default=None, help="an index of the seed corpus (default: built in a temp folder)")
    parser.add_argument("--store", default=None, help="serve from this Milvus store instead (a Milvus Lite file "
                        "or milvus://HOST:PORT; built from the seed corpus when missing)")
    parser.add_argument("--baseline", default=None, help="a checkout of another commit, measured beside this one")
    args = parser.parse_args(argv)
    questions = dev_questions()
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        index = Path(args.index) if args.index else Path(tmp) / "index"
        apps = {"this": start(index, ROOT, args.store)}
        if args.baseline:
            apps = {"baseline": start(index, Path(args.baseline).resolve(), args.store)} | apps
        try:
            for n in [int(c) for c in args.clients.split(",")]:
                for name, (app, base) in apps.items():
                    row = {"app": name} | load(base, n, args.seconds, questions) | {"rss_mib": rss_mib(app.pid)}
                    print(json.dumps(row), flush=True)
            if args.soak_minutes:
                app, base = apps["this"]
                samples = soak(base, app.pid, args.soak_minutes, args.soak_clients, questions)
                print(json.dumps({"soak": samples}), flush=True)
        finally:
            for app, _ in apps.values():
                app.terminate()
                app.wait(timeout=60)
    return 0


def start(index: Path, root: Path, store: str | None = None) -> tuple[subprocess.Popen, str]:
    """The app of checkout `root` serving `index` (or `store`), warmed up (the corrector is made at the first question)."""
    port = free_port()
    app = start_app(index, port, root, store)
    base = f"http://127.0.0.1:{port}"
    ask(httpx.Client(timeout=120), base, dev_questions()[0])
    print(f"{root}: app pid {app.pid}, RSS after warm-up {rss_mib(app.pid)} MiB; "
          f"load average {os.getloadavg()}", flush=True)
    return app, base


if __name__ == "__main__":
    sys.exit(main())
