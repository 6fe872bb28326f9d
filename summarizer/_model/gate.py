"""The rate limits a batch shares: every HTTP request of every item passes one gate.

- Requests and tokens per minute are client-side limits (aiolimiter's leaky buckets), so a
  batch stays under what the provider allows instead of learning it from 429s.
- A 429 that says how long to wait (Retry-After) pauses the whole gate, not only the
  request that got it: the provider's limit is shared, so every other request would be
  refused for the same reason.
- At most `max_in_flight` requests are out at once (a batch's concurrency): a slot is
  held from sending a request to its answer, not while its item is prepared or checked, so
  the next item's request leaves as soon as an answer arrives.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiolimiter import AsyncLimiter

from .._exceptions import ConfigError
from .retry import MAX_RETRY_AFTER_SECONDS

__all__ = ["RequestGate", "estimated_tokens"]

# The usual English ratio; providers estimate a request's tokens before counting them too.
_CHARS_PER_TOKEN = 4


def estimated_tokens(request: dict[str, Any]) -> int:
    """What a request counts against a tokens-per-minute limit before it is answered.

    Providers count the input (messages and schema) and the `max_tokens` the request asks
    for, since they cannot know how much of it the reply will use.
    """
    text = json.dumps(request.get("messages", [])) + json.dumps(request.get("response_format"))
    return len(text) // _CHARS_PER_TOKEN + int(request.get("max_tokens") or 0)


class RequestGate:
    """Where every request of one batch waits its turn."""

    def __init__(
        self,
        *,
        requests_per_minute: float | None = None,
        tokens_per_minute: float | None = None,
        max_in_flight: int | None = None,
    ) -> None:
        if max_in_flight is not None and max_in_flight < 1:
            raise ConfigError("max_in_flight must be at least 1")
        for name, value in (
            ("requests_per_minute", requests_per_minute),
            ("tokens_per_minute", tokens_per_minute),
        ):
            if value is not None and value <= 0:
                raise ConfigError(f"{name} must be positive")
        self._requests = AsyncLimiter(requests_per_minute, 60) if requests_per_minute else None
        self._tokens = AsyncLimiter(tokens_per_minute, 60) if tokens_per_minute else None
        self._resume_at = 0.0  # on the event loop's clock
        self._in_flight = asyncio.Semaphore(max_in_flight) if max_in_flight else None
        self.pauses = 0

    @asynccontextmanager
    async def turn(self, request: dict[str, Any]) -> AsyncIterator[None]:
        """Hold a slot among the requests in flight while `request` is sent and answered,
        once it may be sent (`wait_turn`)."""
        if self._in_flight is None:
            await self.wait_turn(request)
            yield
            return
        async with self._in_flight:  # a slot first: the limits' budget is spent on sending
            await self.wait_turn(request)
            yield

    async def wait_turn(self, request: dict[str, Any]) -> None:
        """Return when `request` may be sent: after any pause, within both limits."""
        if self._requests is not None:
            await self._requests.acquire()
        if self._tokens is not None:
            # A request larger than the whole minute's budget still goes, alone.
            await self._tokens.acquire(min(estimated_tokens(request), self._tokens.max_rate))
        # Last, so that a pause that began while this request waited for the limits holds it.
        loop = asyncio.get_running_loop()
        while (delay := self._resume_at - loop.time()) > 0:
            await asyncio.sleep(delay)

    def pause(self, seconds: float) -> None:
        """Hold every request not yet sent for `seconds` (a 429's Retry-After)."""
        loop = asyncio.get_running_loop()
        resume_at = loop.time() + min(seconds, MAX_RETRY_AFTER_SECONDS)
        if resume_at > self._resume_at:
            self._resume_at = resume_at
            self.pauses += 1
