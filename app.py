"""The web app: `python app.py [--host 127.0.0.1] [--port 7860] [--index index/ | --store STORE] [--corpus corpus/]`.

Loads the engine once (building the index first when it is missing or stale),
lays out one tab per `ui` module and serves with a queue. No retrieval logic here.
A Milvus store (`--store` or $RETRIEVAL_STORE) that cannot be reached is said in one line, and the
app serves that line until the store answers (`ui/store_outage.py`).
"""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")   # before gradio is imported
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Gradio's queue records every event for its monitoring dashboard (off here: enable_monitoring=False) and,
# after each event, rebuilds a pandas summary of the last 10,000: ~10 ms of CPU an answer once the app has
# served that many. Keep one record and never summarise (README, "Under load").
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(2**62))

import argparse  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import gradio as gr  # noqa: E402

from retrieval.indexing import stores  # noqa: E402
from retrieval.search.engine import Engine  # noqa: E402
from retrieval.errors import RetrievalError  # noqa: E402
from ui import ask, corpus, sessions, store_outage, study_tab, terms_tab, verify_tab  # noqa: E402
from ui.context import AppContext, admin_password_from_env  # noqa: E402
from ui.render import header_html  # noqa: E402
from ui.theme import launch_options  # noqa: E402
from ui.audit_tab import MANUSCRIPT_TYPES  # noqa: E402
from ui.upload_guard import UploadGuard, UploadPolicy  # noqa: E402
from ui.uploads import ALLOWED  # noqa: E402

TITLE = "政策文献引文问答"
TAGLINE = "逐字引用原文 · 注明确切出处 · 不生成任何文字"
TABS = [("问答", "ask", ask.build), ("引文核对", "verify", verify_tab.build), ("学习材料", "study", study_tab.build),
        ("提法", "terms", terms_tab.build), ("语料库", "corpus", corpus.build)]
CONCURRENCY = 8        # questions answered at once; the rest wait in the queue (README, "Under load": 8 against 4
                       # answered more a second with 50 clients; the embedding runs outside the GIL)
STATUS_EVERY = 1       # seconds between the queue-position updates sent to waiting browsers (Gradio's
                       # "auto" sent one to every waiting event each time an event started)
QUEUE_SIZE = 200


def create_app(ctx: AppContext) -> gr.Blocks:
    """The Blocks of every tab, queued. Later tabs: append `(label, id, build)` to `TABS`."""
    # Gradio keeps a copy of every file it serves (study-pack downloads): delete copies older than an
    # hour, every hour, so a long-running app does not fill the disk.
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        gr.HTML(header_html(TITLE, TAGLINE), js_on_load=None, padding=False)
        with gr.Tabs():
            for label, tab_id, build in TABS:
                with gr.Tab(label, id=tab_id):
                    build(ctx)
        ctx.finish()
    # what `/gradio_api/upload` accepts (ui/upload_guard.py): one manuscript to audit, or the
    # administrator's documents while administration is on
    demo.upload_policy = UploadPolicy(ctx.admin_enabled, ctx.max_upload_mb * 2**20, ALLOWED,
                                      lambda: demo.upload_file_set, MANUSCRIPT_TYPES)
    return demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE, status_update_rate=STATUS_EVERY)


def launch(demo: gr.Blocks, host: str, port: int, block: bool = True, max_upload_mb: int = 20):
    """Serve on `host:port`, never a share link; `block=False` returns at once (tests). Uploads pass
    through `UploadGuard` (refused unless `create_app` enabled them for the administrator)."""
    from starlette.middleware import Middleware

    policy = getattr(demo, "upload_policy", None) or UploadPolicy(False, 0, (), set)
    served = demo.launch(app_kwargs={"middleware": [Middleware(UploadGuard, policy=policy)]},
                         server_name=host, server_port=port, share=False, prevent_thread_lock=True,
                         show_error=False, footer_links=["api"], ssr_mode=False, mcp_server=False,
                         enable_monitoring=False, pwa=False, max_file_size=f"{max_upload_mb}mb",
                         quiet=not block, **launch_options())
    sessions.install(demo)     # an API call's session costs no config build and is not kept (ui/sessions.py)
    if block:
        demo.block_thread()
    return served


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return port


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=f"{TITLE}: the web app.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    parser.add_argument("--port", type=port_number, default=7860, help="port (default: %(default)s)")
    parser.add_argument("--index", default="index", help="index folder (default: %(default)s)")
    parser.add_argument("--store", default=None, help="where the index lives instead of --index: a Milvus Lite "
                        "file (index/milvus.db) or server (milvus://HOST:PORT[/DB]) (default: $RETRIEVAL_STORE)")
    parser.add_argument("--corpus", default="corpus", help="corpus folder (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    where = stores.location(args.index, args.store)
    try:
        engine = Engine.open(where, args.corpus)
    except stores.StoreError as exc:
        if exc.where is None:
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_code
        print(f"error: {exc} (serving that notice until it answers)", file=sys.stderr)
        waiting = store_outage.Reopening(where, lambda: Engine.open(where, args.corpus), exc)
        return serve(store_outage.create_app(waiting, TITLE, TAGLINE), args.host, args.port)
    except RetrievalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    ctx = AppContext(engine, Path(args.corpus), where, admin_password_from_env())
    return serve(create_app(ctx), args.host, args.port, ctx.max_upload_mb)


def serve(demo: gr.Blocks, host: str, port: int, max_upload_mb: int = 20) -> int:
    try:
        launch(demo, host, port, max_upload_mb=max_upload_mb)
    except OSError as exc:           # port taken, address not on this machine
        print(f"error: cannot serve on {host}:{port}: {exc}\n"
              f"choose another port: --port N (make run PORT=N)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
