"""Record and replay summarizer calls in your own tests, offline by default.

As a pytest plugin, enabled with one line in your `conftest.py`:

    pytest_plugins = ["summarizer.testing"]

    def test_loader(summarizer_cassette):
        summary = summarize(text, client=summarizer_cassette.client())

Each test gets a cassette at `cassettes/<test module>/<test name>.json` beside the test
file. By default it is replayed and a missing or outdated recording fails with
`CassetteMissError`; no request leaves the machine. To record, run against a live
endpoint with the switch on:

    SUMMARIZER_RECORD=1 SUMMARIZER_BASE_URL=http://127.0.0.1:8080/v1 pytest -k test_loader

Outside pytest, `recorded_client(path)` does the same as a context manager, and
`cassette_transport(path, source=...)` gives the transport to put under a client of your
own (`Cassette` is what it records). Recordings keep no request headers and are scrubbed
of the API key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ._config import resolve
from ._model.cassettes import (
    REPLAY_BASE_URL,
    Cassette,
    CassetteMissError,
    cassette_transport,
    recording_requested,
)
from ._model.clients import async_client_over, client_over

if TYPE_CHECKING:
    import openai

__all__ = [
    "Cassette",
    "CassetteMissError",
    "CassetteSession",
    "cassette_transport",
    "recorded_client",
    "summarizer_cassette",
]


class CassetteSession:
    """One cassette, replayed or recorded, handing out clients that go through it."""

    def __init__(
        self,
        path: Path,
        *,
        record: bool | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        source: dict[str, str] | None = None,
    ) -> None:
        self.path = path
        self.recording = recording_requested() if record is None else record
        if self.recording:
            config = resolve(base_url=base_url, api_key=api_key)
            self._base_url, self._api_key = config.base_url, config.api_key
        else:
            self._base_url, self._api_key = REPLAY_BASE_URL, "replay"
        self.transport = cassette_transport(
            path, record=self.recording, source=source, secret=self._api_key
        )
        self._clients: list[openai.OpenAI] = []

    def client(self) -> openai.OpenAI:
        """An `openai.OpenAI` to pass as `summarize(..., client=...)`."""
        client = client_over(self.transport, base_url=self._base_url, api_key=self._api_key)
        self._clients.append(client)
        return client

    def async_client(self) -> openai.AsyncOpenAI:
        """An `openai.AsyncOpenAI` to pass as `asummarize(..., client=...)`; close it yourself."""
        return async_client_over(self.transport, base_url=self._base_url, api_key=self._api_key)

    def close(self) -> None:
        """Close the clients handed out and write the recording, if recording."""
        for client in self._clients:
            client.close()
        if self.recording and self.transport.cassette.interactions:
            self.transport.cassette.save(self.path)


@contextmanager
def recorded_client(
    path: Path,
    *,
    record: bool | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    source: dict[str, str] | None = None,
) -> Iterator[openai.OpenAI]:
    """A client over the cassette at `path`, saved on exit when recording."""
    session = CassetteSession(
        path, record=record, base_url=base_url, api_key=api_key, source=source
    )
    try:
        yield session.client()
    finally:
        session.close()


def cassette_path(test_file: Path, test_name: str) -> Path:
    """Where a test's cassette lives: `cassettes/<module>/<test>.json` beside the test."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name).strip("_")
    return test_file.parent / "cassettes" / test_file.stem / f"{safe}.json"


# The fixture needs pytest; the recording tools above do not.
try:
    from ._pytest_plugin import summarizer_cassette
except ModuleNotFoundError as missing:
    if missing.name != "pytest":
        raise
