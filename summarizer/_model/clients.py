"""The openai clients: shared per endpoint for single calls, one per batch, over a
transport of ours (a cassette, a mock), and the provider Batch API's own."""

from __future__ import annotations

from functools import lru_cache

import httpx2
import openai
from openai.types.chat import ChatCompletion

from .._config import ResolvedConfig
from .cassettes import REPLAY_BASE_URL, Cassette, ReplayTransport

__all__ = [
    "ENDPOINT_ERRORS",
    "async_client_over",
    "batch_client",
    "client_over",
    "completion_from",
    "provider_client",
    "replay_client",
    "shared_client",
]


def client_over(transport: httpx2.BaseTransport, *, base_url: str, api_key: str) -> openai.OpenAI:
    """An openai client whose requests go through `transport` (a cassette, a mock)."""
    http = httpx2.Client(transport=transport)
    return openai.OpenAI(api_key=api_key, base_url=base_url, http_client=http, max_retries=0)


def replay_client(cassette: Cassette) -> openai.OpenAI:
    """An openai client answered from `cassette`, offline."""
    return client_over(ReplayTransport(cassette), base_url=REPLAY_BASE_URL, api_key="replay")


def async_client_over(
    transport: httpx2.AsyncBaseTransport, *, base_url: str, api_key: str
) -> openai.AsyncOpenAI:
    """The async twin of `client_over()`."""
    http = httpx2.AsyncClient(transport=transport)
    return openai.AsyncOpenAI(api_key=api_key, base_url=base_url, http_client=http, max_retries=0)


def batch_client(config: ResolvedConfig) -> openai.AsyncOpenAI:
    """One async client, and so one connection pool, for every item of a batch."""
    return openai.AsyncOpenAI(
        api_key=config.api_key,
        base_url=config.base_url,
        max_retries=0,
        timeout=config.settings.timeout_seconds,
    )


def provider_client(config: ResolvedConfig) -> openai.OpenAI:
    """The client of the provider Batch API commands (upload, submit, status, download),
    which are not summaries: openai's own retries serve them."""
    return openai.OpenAI(api_key=config.api_key, base_url=config.base_url, max_retries=2)


# What those commands' requests may raise, for the command line to report.
ENDPOINT_ERRORS: tuple[type[BaseException], ...] = (openai.OpenAIError,)


def completion_from(body: object) -> ChatCompletion:
    """A chat completion read from a Batch API output line's body; pydantic's
    ValidationError when it is none."""
    return ChatCompletion.model_validate(body)


@lru_cache(maxsize=8)
def shared_client(base_url: str, api_key: str, timeout: float) -> openai.OpenAI:
    # One connection pool per endpoint, reused across calls; retries are ours alone.
    return openai.OpenAI(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout)
