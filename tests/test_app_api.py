"""The `ask` API endpoint, called with gradio_client against the app launched on loopback."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import app
from ui.context import AppContext
from tests.serving import free_port

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def app_url(seed_engine):
    """The real app on a free loopback port, in this process; closed at the end."""
    demo = app.create_app(AppContext(seed_engine, ROOT / "corpus", seed_engine.index_dir))
    _, url, _ = app.launch(demo, "127.0.0.1", free_port(), block=False)
    yield url
    demo.close()


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


def ask(client, question, top_k):
    return json.loads(client.predict(question, top_k, api_name="/ask"))


def test_ask_endpoint_returns_the_engine_json(client, seed_engine):
    result = ask(client, "什么是一岗双责？", 3)
    assert result == seed_engine.ask("什么是一岗双责？", top_k=3)
    assert result["found"] and result["answer"]["text"] == result["passages"][0]["text"]
    assert set(result["passages"][0]) >= {"rank", "doc_id", "path", "title", "source", "date", "section",
                                          "paragraph", "page", "start", "end", "text", "highlights", "score"}


def test_ask_endpoint_reports_bad_input_in_the_json(client):
    result = ask(client, "   ", 5)
    assert result["found"] is False and result["passages"] == [] and result["error"]


def test_ask_endpoint_signature_and_private_ui_events(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert [p["parameter_name"] for p in endpoints["/ask"]["parameters"]] == ["question", "top_k"]
    ui_events = {"/handle_ask", "/open_document", "/add", "/lambda", "/<lambda>"}
    assert not ui_events & set(endpoints)


def test_many_people_can_ask_at_once(app_url, seed_engine):
    from gradio_client import Client

    questions = ["什么是一岗双责？", "什么是模范机关？", "火星上有多少人口？", "如何破解“两张皮”问题？"] * 2

    def one(question):
        return ask(Client(app_url, verbose=False), question, 2)

    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        results = list(pool.map(one, questions))
    assert [r["question"] for r in results] == questions
    assert results[0] == seed_engine.ask(questions[0], top_k=2)


def test_app_binds_to_loopback_by_default():
    args = app.parse_args([])
    assert (args.host, args.port, args.index, args.corpus) == ("127.0.0.1", 7860, "index", "corpus")


def test_ask_endpoint_text_is_what_the_cli_prints(client, seed_engine):
    cli = subprocess.run(
        [sys.executable, "-m", "retrieval", "ask", "--json", "--top-k", "3",
         "--index", str(seed_engine.index_dir), "--corpus", str(ROOT / "corpus"), "什么是一岗双责？"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=True)
    assert client.predict("什么是一岗双责？", 3, api_name="/ask") == cli.stdout.rstrip("\n")


def test_verify_endpoint_returns_the_cli_json(client, seed_engine):
    from retrieval.tools.verify import Verifier, check_dict

    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert sorted(endpoints) == ["/ask", "/verify"]
    assert [p["parameter_name"] for p in endpoints["/verify"]["parameters"]] == ["quote"]
    quote = "抓机关党建是本职、不抓机关党建是失职"
    result = json.loads(client.predict(quote, api_name="/verify"))
    assert result == check_dict(seed_engine, Verifier(seed_engine).check(quote))
    assert result["verdict"] in {"exact", "variant"} and result["source"]["doc_id"]
    bad = json.loads(client.predict("   ", api_name="/verify"))
    assert bad["verdict"] == "not_found" and bad["error"]


def call_raw(app_url, endpoint: str, body: str):
    """POST raw JSON to the REST route of an endpoint and return its JSON text output.

    A browser's JSON can carry a lone surrogate (`"\\ud800"`); gradio_client cannot send one."""
    import httpx

    base = app_url.rstrip("/") + f"/gradio_api/call/{endpoint}"
    event = httpx.post(base, content=body.encode(), headers={"content-type": "application/json"}).json()["event_id"]
    stream = httpx.get(f"{base}/{event}", timeout=60).text
    assert "event: complete" in stream, stream
    return json.loads(json.loads(stream.split("event: complete", 1)[1].split("data:", 1)[1].strip())[0])


def test_ask_endpoint_survives_surrogates(app_url, seed_engine):
    result = call_raw(app_url, "ask", '{"data": ["什么是\\ud800一岗双责？", 3]}')
    assert result["question"] == "什么是\ufffd一岗双责？"
    assert result["passages"] == seed_engine.ask("什么是一岗双责？", top_k=3)["passages"]


def test_verify_endpoint_survives_surrogates(app_url):
    assert call_raw(app_url, "verify", '{"data": ["\\ud800"]}')["error"] == "the quotation is empty"
    result = call_raw(app_url, "verify", '{"data": ["坚持党建工作与业务工作同谋划\\udc80、同部署、同推进、同考核"]}')
    assert result["verdict"] == "exact"


def test_served_file_copies_are_deleted_hourly(seed_engine):
    demo = app.create_app(AppContext(seed_engine, ROOT / "corpus", seed_engine.index_dir))
    assert demo.delete_cache == (3600, 3600)


def test_a_taken_port_or_a_bad_port_is_a_clear_error(seed_index, capsys):
    with pytest.raises(SystemExit):
        app.parse_args(["--port", "99999"])
    assert "not a port number" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = app.main(["--port", str(port), "--index", str(seed_index), "--corpus", str(ROOT / "corpus")])
    err = capsys.readouterr().err
    assert code == 1 and f"cannot serve on 127.0.0.1:{port}" in err and "--port N" in err
