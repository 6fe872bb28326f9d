"""Shared test helpers: clean environment, scripted transports, chat-completion builders."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
from tenacity import wait_none

from summarizer import AgreementSummary, Evidence, Settings
from summarizer._checks.fold import fold_marks as fold
from summarizer._model.cassettes import Cassette
from summarizer._summary import evidence_in

ROOT = Path(__file__).resolve().parents[2]
# Every fixture, the examples' included, lives in one home.
FIXTURES = ROOT / "tests" / "fixtures"
# The example articles. Beside them in articles/, each set of articles has its own folder
# (roundups/, languages/, long/, pages/): a folder read whole (a batch) reads one set.
ARTICLES = FIXTURES / "articles" / "examples"
# The example articles' reference replies, one cassette per article in ARTICLES.
REFERENCE = FIXTURES / "cassettes" / "reference"
BASE_URL = "http://model.test/v1"

# Retries in tests never sleep: the wait strategy is injected, nothing is patched.
NO_WAIT = Settings(transport_wait=wait_none())
# For tests written against prompt v2's reply shape (one agreement), which stays supported.
V2_NO_WAIT = Settings(transport_wait=wait_none(), prompt_version="2")
ENTRY_KEYS = ("agreement", "parties", "signatories", "aims", "venue", "threat_groups")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own keys and endpoints must never leak into a test."""
    import os

    for name in list(os.environ):
        if name.startswith(("SUMMARIZER_", "OPENAI_")):
            monkeypatch.delenv(name)


def article(stem: str) -> str:
    return (ARTICLES / f"{stem}.txt").read_text(encoding="utf-8")


def reference_reply(stem: str) -> dict[str, Any]:
    """The hand-written reference reply for an article, as the object the model returns."""
    cassette = Cassette.load(REFERENCE / f"{stem}.json")
    body = cassette.interactions[0]["response"]["body"]
    return json.loads(body["choices"][0]["message"]["content"])


def principal(reply: dict[str, Any]) -> dict[str, Any]:
    """The principal agreement's entry of a v3 reply (the dict itself: changes show)."""
    entry: dict[str, Any] = reply["agreements"][0]
    return entry


def as_v2(reply: dict[str, Any]) -> dict[str, Any]:
    """A v3 or v4 reply about one agreement in prompt v2's shape (no mention beside a
    signatory's or a group's name)."""
    (entry,) = reply["agreements"] or [dict.fromkeys(ENTRY_KEYS)]
    entry = {**entry, **{key: [_without_mention(x) for x in entry[key] or []]
                         for key in ("signatories", "threat_groups")}}  # fmt: skip
    v2 = {key: reply[key] for key in ("reports_agreement", "no_agreement_reason", "headline")}
    return {**v2, **{key: entry[key] or ([] if key not in ("agreement", "venue") else None)
                     for key in ENTRY_KEYS}}  # fmt: skip


def _without_mention(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != "mention"}


def completion(
    content: str | dict[str, Any],
    *,
    finish_reason: str = "stop",
    prompt_tokens: int = 100,
    completion_tokens: int = 50,
) -> dict[str, Any]:
    """A chat completion in the wire format servers send."""
    if not isinstance(content, str):
        content = json.dumps(content)
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1763942400,
        "model": "test-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


Step = httpx2.Response | Exception | dict[str, Any]


class Script:
    """A scripted endpoint: answers each request with the next step and keeps the requests."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(json.loads(request.read()))
        if not self.steps:
            raise AssertionError("the script ran out of replies: more requests than expected")
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        if isinstance(step, dict):
            return httpx2.Response(200, json=step)
        return step

    def client(self, api_key: str = "test-key") -> openai.OpenAI:
        transport = httpx2.MockTransport(self)
        return openai.OpenAI(
            api_key=api_key, base_url=BASE_URL, http_client=httpx2.Client(transport=transport)
        )

    def async_client(self, api_key: str = "test-key") -> openai.AsyncOpenAI:
        transport = httpx2.MockTransport(self)
        return openai.AsyncOpenAI(
            api_key=api_key, base_url=BASE_URL, http_client=httpx2.AsyncClient(transport=transport)
        )


@pytest.fixture
def script() -> Callable[..., Script]:
    return Script


@pytest.fixture
def seed_article() -> str:
    return article("interpol_tren_de_aragua")


@pytest.fixture
def seed_reply() -> dict[str, Any]:
    return reference_reply("interpol_tren_de_aragua")


def iter_cassette_files() -> Iterator[Path]:
    for folder in ("examples", "tests"):
        yield from sorted((ROOT / folder).glob("**/cassettes/**/*.json"))


def all_evidence(summary: AgreementSummary) -> list[Evidence]:
    """Every Evidence in a summary, however deeply nested (meta has none)."""
    return list(evidence_in(summary.model_copy(update={"meta": None})))


def grounded_in(text: str, evidence: Evidence) -> bool:
    """True when the span slices the text to the quote, up to folded quotes, dashes, spaces."""
    squeeze = "".join
    return squeeze(fold(text[evidence.start : evidence.end]).split()) == squeeze(
        fold(evidence.quote).split()
    )


def reference_contents() -> dict[str, str]:
    """Article text -> the reference reply's content, for every article with a reference."""
    contents = {}
    for path in sorted(REFERENCE.glob("*.json")):
        body = Cassette.load(path).interactions[0]["response"]["body"]
        contents[article(path.stem)] = body["choices"][0]["message"]["content"]
    return contents


class ReferenceEndpoint:
    """An in-memory endpoint that answers each request with the reference reply of the
    article the request carries, so many different articles can be in flight at once."""

    def __init__(self, contents: dict[str, str] | None = None, *, delay: float = 0.0) -> None:
        self.contents = reference_contents() if contents is None else contents
        self.delay = delay
        self.requests = 0
        self.in_flight = 0
        self.peak_in_flight = 0

    def answer(self, request: httpx2.Request) -> httpx2.Response:
        self.requests += 1
        body = json.loads(request.read())
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        for text, content in self.contents.items():
            if text in user:
                return httpx2.Response(200, json=completion(content))
        return httpx2.Response(400, json={"error": {"message": "unknown article"}})

    async def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            return self.answer(request)
        finally:
            self.in_flight -= 1

    def async_client(self) -> openai.AsyncOpenAI:
        transport = httpx2.MockTransport(self)
        return openai.AsyncOpenAI(
            api_key="test-key",
            base_url=BASE_URL,
            http_client=httpx2.AsyncClient(transport=transport),
        )


# The folder of the sets of articles: roundups/, languages/, long/ and the others.
TEST_ARTICLES = FIXTURES / "articles"
# The round-ups' and the articles in other languages' reference replies.
REFERENCE_ROUNDUPS_LANGUAGES = FIXTURES / "cassettes" / "roundups_languages" / "reference"


def replay_all(stem: str, text: str, settings: Settings = NO_WAIT) -> list[AgreementSummary]:
    """`summarize_all(text)` answered by the reference cassette
    `tests/fixtures/cassettes/roundups_languages/reference/<stem>.json`; every recorded
    reply must be asked for."""
    from summarizer import summarize_all
    from summarizer._model.cassettes import ReplayTransport
    from summarizer._model.clients import client_over

    transport = ReplayTransport(Cassette.load(REFERENCE_ROUNDUPS_LANGUAGES / f"{stem}.json"))
    with client_over(transport, base_url="http://replay.invalid/v1", api_key="x") as client:
        summaries = summarize_all(text, model="reference", client=client, settings=settings)
    assert transport.all_played
    return summaries


@contextmanager
def logged_bugs() -> Iterator[list[str]]:
    """The bugs of ours the checks caught and logged (`AgreementChecks.guarded`) while the
    block ran, each with its traceback."""
    logged: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.exc_info:
                logged.append(self.format(record))

    keep, logger = Keep(logging.ERROR), logging.getLogger("summarizer")
    logger.addHandler(keep)
    try:
        yield logged
    finally:
        logger.removeHandler(keep)
