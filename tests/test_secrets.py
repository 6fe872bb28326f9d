"""The API key never appears in an error, a repr, a log line or a cassette."""

from __future__ import annotations

import logging
import re

import httpx2
import pytest
from helpers.support import BASE_URL, NO_WAIT, Script, completion, iter_cassette_files

from summarizer import AuthError, Settings, SummarizerError, summarize
from summarizer._config import resolve
from summarizer._model.cassettes import Cassette, RecordingTransport

CANARY = "sk-canary-0123456789abcdefghijklmnopqrstuv"

LEAK = re.compile(
    r"sk-[A-Za-z0-9_-]{16,}|Bearer\s+[A-Za-z0-9._-]{8,}|set-cookie|\"cookie\"|authorization|api-key",
    re.IGNORECASE,
)


class EchoingEndpoint(Script):
    """An endpoint that repeats the caller's key back in its error message, as some do."""

    def __init__(self, status: int) -> None:
        super().__init__()
        self.status = status

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append({})
        key = request.headers["authorization"].removeprefix("Bearer ")
        message = f"Incorrect API key provided: {key}. Header was: Bearer {key}"
        return httpx2.Response(self.status, json={"error": {"message": message}})


@pytest.mark.parametrize("status", [401, 403, 400, 500, 429])
def test_canary_key_never_reaches_errors_or_logs(seed_article, status, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    endpoint = EchoingEndpoint(status)
    with pytest.raises(SummarizerError) as caught:
        summarize(
            seed_article,
            client=endpoint.client(api_key=CANARY),
            settings=Settings(transport_attempts=2, transport_wait=NO_WAIT.transport_wait),
        )
    error = caught.value
    if status in (401, 403):
        assert isinstance(error, AuthError)
    rendered = [str(error), repr(error), *(str(a) for a in error.args), caplog.text]
    for text in rendered:
        assert CANARY not in text
        assert CANARY[:12] not in text
    assert "<redacted>" in str(error)


def test_canary_key_never_reaches_settings_or_config_repr() -> None:
    settings = Settings(api_key=CANARY)
    assert CANARY not in repr(settings)
    assert CANARY not in repr(resolve(settings=settings, base_url=BASE_URL))


def test_recording_scrubs_both_directions(tmp_path, seed_article, seed_reply) -> None:
    body = completion(seed_reply)
    body["system_fingerprint"] = f"echo {CANARY}"

    def upstream(request: httpx2.Request) -> httpx2.Response:
        assert request.headers["authorization"] == f"Bearer {CANARY}"
        return httpx2.Response(
            200,
            headers={"set-cookie": "__cf_bm=abcdef0123456789", "openai-organization": "org-x"},
            json=body,
        )

    recorder = RecordingTransport(
        Cassette(source={"kind": "recorded", "server": "scripted upstream"}),
        secret=CANARY,
        inner=httpx2.MockTransport(upstream),
    )
    client = Script().client(api_key=CANARY)
    client = client.with_options(http_client=httpx2.Client(transport=recorder))
    summarize(seed_article, client=client, settings=NO_WAIT)
    path = tmp_path / "recorded.json"
    recorder.cassette.save(path)
    saved = path.read_text()
    assert CANARY not in saved
    assert not LEAK.search(saved), LEAK.search(saved)


def test_no_cassette_in_the_repository_holds_a_secret() -> None:
    files = list(iter_cassette_files())
    assert files, "expected the reference cassettes at least"
    for path in files:
        match = LEAK.search(path.read_text(encoding="utf-8"))
        assert match is None, f"{path} holds {match.group(0)!r}"
