"""`app.py` on a Milvus store, without a browser: the `ask` API answers from a Milvus Lite file
($RETRIEVAL_STORE) as the local index does; an unreachable server (`--store milvus://127.0.0.1:1`)
is one line on stderr and one Chinese line in the page and the API, and the app keeps running; a
store lost while serving is the same line for that question."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from retrieval.indexing.build import previous_cache
from retrieval.indexing.settings import model_name

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from retrieval.search.engine import Engine  # noqa: E402
from retrieval.indexing.stores import StoreError, milvus  # noqa: E402
from retrieval.indexing.stores.milvus_build import build_milvus  # noqa: E402
from ui.ask import run_ask  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui import store_outage  # noqa: E402
from ui.store_outage import store_message  # noqa: E402
from tests.serving import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
UNREACHABLE = "milvus://127.0.0.1:1"


def start_app(args: list[str], env: dict | None = None, log: Path | None = None):
    """app.py in its own process on a free port -> (process, base URL), once it serves."""
    port = free_port()
    err = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port), "--corpus", str(CORPUS),
                             *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
                            env={**os.environ, "RETRIEVAL_ADMIN_PASSWORD": "", **(env or {})})
    base, deadline = f"http://127.0.0.1:{port}", time.time() + 300
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/gradio_api/info", timeout=5).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, "the app exited before serving"
        time.sleep(1)
    proc.kill()
    raise AssertionError("the app did not serve within 300 s")


def api_ask(base: str, question: str, top_k: int = 3) -> dict:
    from gradio_client import Client

    return json.loads(Client(base, verbose=False).predict(question, top_k, api_name="/ask"))


@pytest.fixture(scope="module")
def lite_db(tmp_path_factory, seed_index) -> str:
    """The seed corpus in a Milvus Lite file (vectors from the session's seed index), closed here."""
    db = str(tmp_path_factory.mktemp("app-milvus") / "seed.db")
    build_milvus(CORPUS, db, cache=previous_cache(seed_index, model_name(None)))
    milvus.close(db)
    return db


def test_app_api_answers_from_milvus_lite(lite_db, seed_engine, tmp_path):
    proc, base = start_app(["--index", str(tmp_path / "no-index-here")], env={"RETRIEVAL_STORE": lite_db})
    try:
        for question in ("什么是一岗双责？", "模范机关建设有哪些要求？", "火星上有多少人口？"):
            assert api_ask(base, question) == seed_engine.ask(question, top_k=3), question
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    assert not (tmp_path / "no-index-here").exists()          # no local index folder was needed


def test_unreachable_store_is_one_line_and_the_app_keeps_running(tmp_path):
    log = tmp_path / "stderr.txt"
    proc, base = start_app(["--store", UNREACHABLE], log=log)
    try:
        errors = [line for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and errors[0].startswith(f"error: cannot reach {UNREACHABLE}")
        assert "Traceback" not in log.read_text(encoding="utf-8")
        message = store_message(UNREACHABLE)
        assert "\n" not in message and UNREACHABLE in message and "无法连接索引库" in message
        assert message in httpx.get(f"{base}/config", timeout=10).text       # the page says it
        for _ in range(2):
            result = api_ask(base, "什么是一岗双责？")
            assert result["error"] == message and not result["found"] and result["passages"] == []
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_store_lost_while_serving_is_one_chinese_line(tmp_path, seed_index):
    db = str(tmp_path / "lost.db")
    build_milvus(CORPUS, db, cache=previous_cache(seed_index, model_name(None)))
    ctx = AppContext(Engine.open(db, CORPUS, build=False), CORPUS, db)
    assert run_ask(ctx, "什么是一岗双责？")["found"]
    milvus.close(db)                                   # the server goes away under the engine
    result = run_ask(ctx, "如何推动党建和业务深度融合？")
    assert result["error"] == store_message(db) and not result["found"]


def test_store_opened_again_on_a_question(monkeypatch, seed_engine):
    """While unreachable, a question tries the store again (at most every RETRY s) and is answered once it opens."""
    monkeypatch.setattr(store_outage, "RETRY", 0)
    tries = []

    def reopen():
        tries.append(1)
        if len(tries) == 1:
            raise StoreError(f"cannot reach {UNREACHABLE}", where=UNREACHABLE)
        return seed_engine

    waiting = store_outage.Reopening(UNREACHABLE, reopen, StoreError("cannot reach", where=UNREACHABLE))
    assert waiting.ask("什么是一岗双责？")["error"] == store_message(UNREACHABLE)
    assert waiting.ask("什么是一岗双责？", 3) == seed_engine.ask("什么是一岗双责？", top_k=3)
    monkeypatch.setattr(store_outage, "RETRY", 3600)
    assert waiting.ask("什么是模范机关？")["passages"] and len(tries) == 2      # opened: not tried again
