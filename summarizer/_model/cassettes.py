"""Recorded HTTP exchanges with a model endpoint, replayed offline.

A cassette is one JSON file:

    {
      "summarizer_cassette": 1,
      "source": {"kind": "recorded", "server": "...", "model": "...", "recorded_on": "..."}
             or {"kind": "reference", "note": "written by hand to stand for ..."},
      "match": "body" | "order",
      "interactions": [
        {"request": {"method": "POST", "path": "/v1/chat/completions", "body": {...}},
         "response": {"status": 200, "headers": {"content-type": "..."}, "body": {...}}}
      ]
    }

"body" matching serves the interaction whose request body equals the new request's
(as JSON, key order aside); "order" serves interactions one after another and is for
reference replies written by hand, which stand for a model's answer to an article rather
than to one exact request. No request header is ever stored and only the response's
content type is, so keys, tokens and cookies cannot reach a cassette; bodies are scrubbed
of anything shaped like a credential as well.

The transports plug into openai through `http_client=httpx2.Client(transport=...)`, with
no global patching, and work for sync and async clients alike.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import httpx2

from .._exceptions import SummarizerError, redact

__all__ = [
    "Cassette",
    "CassetteMissError",
    "REPLAY_BASE_URL",
    "RecordingTransport",
    "ReplayTransport",
    "cassette_transport",
    "recording_requested",
]

FORMAT_VERSION = 1
# Where replayed requests pretend to go: an address that can never resolve.
REPLAY_BASE_URL = "http://replay.invalid/v1"
RECORD_ENV = "SUMMARIZER_RECORD"
Match = Literal["body", "order"]


class CassetteMissError(SummarizerError):
    """Raised when replaying and no recorded exchange answers the request."""


@dataclass
class Cassette:
    """The exchanges of one cassette file, and where they came from."""

    source: dict[str, str]
    match: Match = "body"
    interactions: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Cassette:
        """Read a cassette file; a missing file is a clear error, not an empty cassette."""
        if not path.is_file():
            raise CassetteMissError(
                f"no cassette at {path}; record it with {RECORD_ENV}=1 against a live endpoint"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("summarizer_cassette") != FORMAT_VERSION:
            raise CassetteMissError(
                f"{path} is not a summarizer cassette (version {FORMAT_VERSION})"
            )
        return cls(source=data["source"], match=data["match"], interactions=data["interactions"])

    def save(self, path: Path) -> None:
        """Write the cassette as stable, reviewable JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "summarizer_cassette": FORMAT_VERSION,
            "source": self.source,
            "match": self.match,
            "interactions": self.interactions,
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _canonical(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return body.decode("utf-8", "replace")


def _response(recorded: dict[str, Any]) -> httpx2.Response:
    return httpx2.Response(
        recorded["status"],
        headers=recorded.get("headers", {}),
        content=json.dumps(recorded["body"]).encode(),
    )


class ReplayTransport(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """Answers requests from a cassette and never touches the network."""

    def __init__(self, cassette: Cassette) -> None:
        self.cassette = cassette
        self._used: set[int] = set()

    @property
    def all_played(self) -> bool:
        """True once every recorded exchange has been served."""
        return len(self._used) == len(self.cassette.interactions)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return _response(self._find(request))

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        return _response(self._find(request))

    def _find(self, request: httpx2.Request) -> dict[str, Any]:
        body = _canonical(request.read())
        for index, interaction in enumerate(self.cassette.interactions):
            if index in self._used:
                continue
            recorded = interaction["request"]
            same_route = (recorded["method"], recorded["path"]) == (
                request.method,
                request.url.path,
            )
            if same_route and (self.cassette.match == "order" or recorded["body"] == body):
                self._used.add(index)
                return dict(interaction["response"])
            if self.cassette.match == "order":
                break
        raise CassetteMissError(
            f"no unplayed recording answers {request.method} {request.url.path} "
            f"({len(self._used)} of {len(self.cassette.interactions)} played); the request "
            f"differs from what was recorded, so re-record with {RECORD_ENV}=1"
        )


class RecordingTransport(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """Passes requests to a live endpoint and keeps scrubbed copies of the exchanges."""

    def __init__(
        self,
        cassette: Cassette,
        *,
        secret: str | None = None,
        inner: httpx2.BaseTransport | None = None,
        async_inner: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self.cassette = cassette
        self._secret = secret
        self._inner = inner
        self._async_inner = async_inner

    def close(self) -> None:
        if self._inner:
            self._inner.close()

    async def aclose(self) -> None:
        if self._async_inner:
            await self._async_inner.aclose()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self._inner = self._inner or httpx2.HTTPTransport()
        response = self._inner.handle_request(request)
        response.read()
        return self._keep(request, response)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self._async_inner = self._async_inner or httpx2.AsyncHTTPTransport()
        response = await self._async_inner.handle_async_request(request)
        await response.aread()
        return self._keep(request, response)

    def _keep(self, request: httpx2.Request, response: httpx2.Response) -> httpx2.Response:
        content_type = response.headers.get("content-type", "application/json")
        asked, served = _canonical(request.content), _canonical(response.content)
        interaction = {
            "request": {"method": request.method, "path": request.url.path, "body": asked},
            "response": {
                "status": response.status_code,
                "headers": {"content-type": content_type},
                "body": served,
            },
        }
        self.cassette.interactions.append(json.loads(redact(json.dumps(interaction), self._secret)))
        self._label(response.headers.get("server"), asked, served)
        return httpx2.Response(
            response.status_code, headers={"content-type": content_type}, content=response.content
        )

    def _label(self, server: str | None, asked: Any, served: Any) -> None:
        # A recording says which server and model produced it, and when; what the caller
        # did not state is taken from the first exchange.
        source = self.cassette.source
        source.setdefault("kind", "recorded")
        source.setdefault("recorded_on", date.today().isoformat())
        if "server" not in source and server:
            source["server"] = server
        if (
            "model" not in source
            and isinstance(asked, dict)
            and isinstance(asked.get("model"), str)
        ):
            source["model"] = asked["model"]
        if isinstance(served, dict) and served.get("model") not in (None, source.get("model")):
            # Local servers answer with the model file's path; its name is enough.
            source.setdefault("served_model", str(served["model"]).rsplit("/", 1)[-1])


def recording_requested() -> bool:
    """True when the environment asks for recording (SUMMARIZER_RECORD=1)."""
    return os.environ.get(RECORD_ENV, "").strip().lower() in {"1", "true", "yes"}


def cassette_transport(
    path: Path,
    *,
    record: bool | None = None,
    source: dict[str, str] | None = None,
    secret: str | None = None,
) -> ReplayTransport | RecordingTransport:
    """Replay `path` offline, or record into a fresh cassette when asked to.

    `record` defaults to `recording_requested()`. A recording starts empty; call
    `.cassette.save(path)` once the calls are done.
    """
    if record if record is not None else recording_requested():
        # The recording labels itself (kind, server, model, date) from its first exchange.
        return RecordingTransport(Cassette(source=dict(source or {})), secret=secret)
    return ReplayTransport(Cassette.load(path))
