"""The fake OpenAI server answers like a real endpoint, through the real `openai` client.

The throughput benchmark and the load tests trust this fake to stand in for a model, so it is
checked here on the wire: reference replies byte for byte, OpenAI's error shapes and retry
headers, latency, reproducible failures, keep-alive, a clean shutdown, and its script mode.
"""

from __future__ import annotations

import http.client
import json
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import openai
import pytest
from helpers.fake_openai import FakeOpenAIServer, Weather, reference_replies
from helpers.support import REFERENCE, ROOT, article

import summarizer

FAKE = ROOT / "tests" / "helpers" / "fake_openai.py"


@pytest.fixture(scope="module")
def replies() -> dict[str, str]:
    return reference_replies()


@pytest.fixture
def server(replies: dict[str, str]) -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(replies) as server:
        yield server


def messages(text: str) -> list[dict[str, str]]:
    """A request shaped like the library's: instructions, then the article inside a prompt."""
    return [
        {"role": "system", "content": "Extract the agreement."},
        {"role": "user", "content": f"Summarize this article.\n\n<article>\n{text}</article>"},
    ]


def ask(client: openai.OpenAI, text: str) -> Any:
    return client.chat.completions.create(model="fake-model", messages=messages(text))  # type: ignore[arg-type]


def client_for(server: FakeOpenAIServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0)


def connection(server: FakeOpenAIServer) -> http.client.HTTPConnection:
    parts = urlsplit(server.base_url)
    assert parts.hostname == "127.0.0.1" and parts.port
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)


def post(conn: http.client.HTTPConnection, path: str, payload: object) -> tuple[int, Any]:
    conn.request(
        "POST", path, body=json.dumps(payload), headers={"Content-Type": "application/json"}
    )
    response = conn.getresponse()
    return response.status, json.loads(response.read())


def test_every_reference_article_gets_its_reference_reply(
    server: FakeOpenAIServer, replies: dict[str, str]
) -> None:
    assert len(replies) == len(list(REFERENCE.glob("*.json")))
    assert article("talks_without_agreement") in replies
    ids = set()
    with client_for(server) as client:
        for text, reply in replies.items():
            completion = ask(client, text)
            choice = completion.choices[0]
            assert choice.message.content == reply
            assert choice.message.role == "assistant"
            assert choice.finish_reason == "stop"
            assert completion.object == "chat.completion"
            assert completion.model == "fake-model"
            prompt_chars = sum(len(m["content"]) for m in messages(text))
            assert completion.usage is not None
            assert completion.usage.prompt_tokens == prompt_chars // 4
            assert completion.usage.completion_tokens == len(reply) // 4
            assert completion.usage.total_tokens == (prompt_chars // 4) + (len(reply) // 4)
            ids.add(completion.id)
    assert len(ids) == len(replies)
    stats = server.stats
    assert stats.requests == stats.completions == len(replies)
    assert stats.connections == 1, "the client's pooled connection was kept alive"


def test_the_library_summarizes_through_the_fake(server: FakeOpenAIServer) -> None:
    summary = summarizer.summarize(
        article("interpol_tren_de_aragua"),
        base_url=server.base_url,
        api_key="x",
        settings=summarizer.Settings(backend="openai"),
    )
    assert [party.name for party in summary.parties] == [
        "INTERPOL Washington",
        "National Central Bureau Ottawa",
    ]
    assert summary.meta.usage.total_tokens > 0
    assert server.stats.completions == 1


def test_an_unknown_article_is_a_bad_request(server: FakeOpenAIServer) -> None:
    with client_for(server) as client, pytest.raises(openai.BadRequestError) as caught:
        ask(client, "An article no reference reply was written for.")
    assert caught.value.code == "unknown_article"
    assert "unknown article" in caught.value.message
    assert server.stats.unknown_article == 1
    assert server.stats.completions == 0


def test_rate_limits_come_with_openai_retry_headers(replies: dict[str, str]) -> None:
    weather = Weather(rate_limited_share=1.0, retry_after_ms=250)
    with FakeOpenAIServer(replies, weather) as server, client_for(server) as client:
        with pytest.raises(openai.RateLimitError) as caught:
            ask(client, article("interpol_tren_de_aragua"))
        assert server.stats.rate_limited == 1
    assert caught.value.code == "rate_limit_exceeded"
    assert caught.value.response.headers["retry-after-ms"] == "250"
    assert caught.value.response.headers["retry-after"] == "1"


def test_server_errors(replies: dict[str, str]) -> None:
    weather = Weather(server_error_share=1.0)
    with FakeOpenAIServer(replies, weather) as server, client_for(server) as client:
        with pytest.raises(openai.InternalServerError) as caught:
            ask(client, article("interpol_tren_de_aragua"))
        assert server.stats.server_errors == 1
    assert caught.value.status_code == 500
    assert caught.value.type == "server_error"


def test_latency_is_honoured(replies: dict[str, str]) -> None:
    with FakeOpenAIServer(replies, Weather(latency=0.2)) as server, client_for(server) as client:
        started = time.perf_counter()
        ask(client, article("abbreviation_nca"))
        assert time.perf_counter() - started >= 0.2


def test_completions_wait_out_their_latency_side_by_side(replies: dict[str, str]) -> None:
    text = article("abbreviation_nca")
    with FakeOpenAIServer(replies, Weather(latency=0.5)) as server, client_for(server) as client:
        threads = [threading.Thread(target=ask, args=(client, text)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stats = server.stats
    assert stats.completions == 4
    assert stats.peak_in_flight >= 2


def outcomes(replies: dict[str, str], seed: int) -> list[int]:
    weather = Weather(rate_limited_share=0.3, server_error_share=0.3, seed=seed)
    statuses = []
    text = article("interpol_tren_de_aragua")
    with FakeOpenAIServer(replies, weather) as server, client_for(server) as client:
        for _ in range(30):
            try:
                ask(client, text)
                statuses.append(200)
            except openai.APIStatusError as exc:
                statuses.append(exc.status_code)
        stats = server.stats
    assert stats.requests == 30
    assert [stats.completions, stats.rate_limited, stats.server_errors] == [
        statuses.count(200),
        statuses.count(429),
        statuses.count(500),
    ]
    return statuses


def test_the_same_seed_draws_the_same_failures(replies: dict[str, str]) -> None:
    first = outcomes(replies, seed=7)
    assert set(first) == {200, 429, 500}
    assert outcomes(replies, seed=7) == first
    assert outcomes(replies, seed=8) != first


def test_other_paths_and_methods_are_json_404s_on_a_kept_alive_connection(
    server: FakeOpenAIServer,
) -> None:
    conn = connection(server)
    try:
        status, body = post(conn, "/v1/chat/completions", {"messages": messages("unknown")})
        assert status == 400
        sock = conn.sock
        conn.request("GET", "/v1/models")
        response = conn.getresponse()
        assert response.status == 404
        assert response.getheader("Content-Type") == "application/json"
        assert json.loads(response.read())["error"]["message"] == "Invalid URL (GET /v1/models)"
        status, body = post(conn, "/v1/embeddings", {"input": "x"})
        assert status == 404 and body["error"]["type"] == "invalid_request_error"
        status, body = post(conn, "/v1/chat/completions", {"no": "messages"})
        assert status == 400
        status, body = post(
            conn,
            "/v1/chat/completions",
            {"model": "m", "messages": messages(article("abbreviation_nca"))},
        )
        assert status == 200 and body["choices"][0]["message"]["refusal"] is None
        assert conn.sock is sock, "every answer above came over one connection"
    finally:
        conn.close()
    stats = server.stats
    assert (stats.requests, stats.not_found, stats.bad_request, stats.unknown_article) == (
        5,
        2,
        1,
        1,
    )


def test_closing_ends_idle_connections_and_waiting_completions(replies: dict[str, str]) -> None:
    server = FakeOpenAIServer(replies, Weather(latency=60)).start()
    idle = connection(server)
    waiting = connection(server)
    failures: list[BaseException] = []

    def wait_for_a_reply() -> None:
        try:
            post(
                waiting, "/v1/chat/completions", {"messages": messages(article("abbreviation_nca"))}
            )
        except (http.client.HTTPException, OSError) as exc:
            failures.append(exc)

    try:
        post(idle, "/v1/nowhere", {})  # leaves a kept-alive connection open
        thread = threading.Thread(target=wait_for_a_reply)
        thread.start()
        while server.stats.peak_in_flight == 0:
            time.sleep(0.01)
        closer = threading.Thread(target=server.close)
        closer.start()
        closer.join(timeout=10)
        assert not closer.is_alive(), "close() hung on an open connection"
        thread.join(timeout=10)
        assert failures, "the waiting request should have lost its connection"
    finally:
        server.close()
        idle.close()
        waiting.close()


def test_weather_rejects_impossible_shares() -> None:
    with pytest.raises(ValueError):
        Weather(rate_limited_share=0.7, server_error_share=0.7)
    with pytest.raises(ValueError):
        Weather(latency=-1)


def test_runs_as_a_process_until_sigterm(tmp_path: Path) -> None:
    command = [sys.executable, str(FAKE), "--latency", "0.01", "--seed", "3"]
    with subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            readable, _, _ = select.select([proc.stdout], [], [], 10)
            assert readable, "the server never printed its URL"
            base_url = proc.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
            with openai.OpenAI(base_url=base_url, api_key="x", max_retries=0) as client:
                completion = ask(client, article("somali_capital_mogadishu"))
            assert completion.choices[0].message.content
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, err
    assert out == ""
    stats = json.loads(err.strip().splitlines()[-1])
    assert stats["requests"] == stats["completions"] == 1


def test_imports_as_tests_helpers_fake_openai() -> None:
    code = "import tests.helpers.fake_openai as f; print(len(f.reference_replies()))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(list(REFERENCE.glob("*.json")))
