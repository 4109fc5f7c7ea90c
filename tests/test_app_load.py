"""The app under load, on the real app over HTTP: an API call's Gradio session costs no configuration
build and is not kept, while a session holding state (a browser's conversation) is (ui/sessions.py);
Gradio's queue keeps no growing record of the events it served (app.py)."""
from __future__ import annotations

import json
from pathlib import Path

import gradio as gr
import httpx
import pytest
from gradio.state_holder import SessionState

import app
from ui.context import AppContext
from ui.sessions import LightSession, LightStateHolder
from tests.serving import free_port

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def served(seed_engine):
    demo = app.create_app(AppContext(seed_engine, ROOT / "corpus", seed_engine.index_dir))
    _, url, _ = app.launch(demo, "127.0.0.1", free_port(), block=False)
    yield demo, url.rstrip("/")
    demo.close()


def call_ask(base: str, question: str, top_k: int = 3) -> dict:
    """`/ask` as curl would call it: a new session hash every time."""
    with httpx.Client(timeout=120) as client:
        event = client.post(f"{base}/gradio_api/call/ask", json={"data": [question, top_k]}).json()["event_id"]
        text = client.get(f"{base}/gradio_api/call/ask/{event}").text
    data = [line[5:] for line in text.splitlines() if line.startswith("data:")][-1]
    return json.loads(json.loads(data)[0])


def test_the_launched_app_uses_the_light_holder(served):
    demo, _ = served
    assert isinstance(demo.server_app.state_holder, LightStateHolder)
    assert demo.state_holder is demo.server_app.state_holder


def test_a_light_session_builds_the_same_configuration_as_gradios(served):
    demo, _ = served
    light, full = LightSession(demo), SessionState(demo)
    assert light._config_values == {}                       # nothing built when made
    assert light.config_values == full.config_values
    assert list(light.components) == list(full.components)
    assert set(vars(full)) <= set(vars(light)) | {"config_values"}


def test_api_calls_keep_only_the_recent_sessions_holding_nothing(served, seed_engine):
    demo, base = served
    holder = demo.server_app.state_holder
    holder.pristine_limit = 3
    try:
        questions = ["什么是一岗双责？", "机关党建工作责任制的“牛鼻子”是什么？", "如何破解党建和业务“两张皮”问题？"]
        for i in range(9):
            q = questions[i % 3]
            assert call_ask(base, q) == seed_engine.ask(q, top_k=3)
        assert len(holder.session_data) <= 3 + 1
        assert len(demo._queue.pending_event_ids_session) <= 3 + 1      # Gradio keeps an empty set a call
        assert len(demo._queue.event_analytics) <= 1          # Gradio keeps 10,000 and summarises them
        assert demo._queue.events_recorded >= 9 and demo._queue.cached_event_analytics_summary == {"functions": {}}
    finally:
        holder.pristine_limit = 256


def test_a_session_holding_state_outlives_many_api_sessions(served):
    demo, _ = served
    holder = LightStateHolder(pristine=4)
    holder.set_blocks(demo)
    state_id = next(k for k, b in demo.blocks.items() if isinstance(b, gr.State))
    holder["browser"][state_id] = [{"question": "什么是一岗双责？"}]
    for i in range(40):
        holder[f"api-{i}"]
    assert holder["browser"][state_id] == [{"question": "什么是一岗双责？"}]
    assert len(holder.session_data) == 4 + 1
    assert "api-39" in holder.session_data and "api-0" not in holder.session_data
