"""Retry policies: one owner per layer.

- Transport: 429, 5xx, timeouts and connection failures are retried here, per HTTP
  request, with exponential backoff and jitter, honouring Retry-After, bounded by attempts
  and by total time. The openai client's own retries are off.
- Validation: instructor re-asks on schema, JSON and grounding errors, with a `Retrying`
  limited to those errors, so no transport error is ever turned into a re-ask.

Worst case per summary: `transport_attempts x (1 + reasks)` HTTP requests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    BaseRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)
from tenacity.wait import wait_base

from .._exceptions import TransientEndpointError

__all__ = [
    "DEFAULT_WAIT",
    "MAX_RETRY_AFTER_SECONDS",
    "TransportPolicy",
    "reask_retrying",
    "wait_retry_after",
]

logger = logging.getLogger("summarizer")
logger.addHandler(logging.NullHandler())  # a library speaks only when the application listens

_R = TypeVar("_R", bound=BaseRetrying)

# A server asking for a longer pause than this is treated as down for this run.
MAX_RETRY_AFTER_SECONDS = 120.0


class wait_retry_after(wait_base):
    """Wait what the server asked for in Retry-After, else fall back to `fallback`."""

    def __init__(self, fallback: wait_base, cap: float = MAX_RETRY_AFTER_SECONDS) -> None:
        self.fallback = fallback
        self.cap = cap

    def __call__(self, retry_state: RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        hint = getattr(exc, "retry_after", None)
        if isinstance(hint, (int, float)) and hint >= 0:
            return float(min(hint, self.cap))
        return float(self.fallback(retry_state))


# What the server asks for in Retry-After, else exponential backoff with full jitter.
DEFAULT_WAIT = wait_retry_after(wait_random_exponential(multiplier=1.0, max=30.0))


def _log_retry(retry_state: RetryCallState) -> None:
    exc = retry_state.outcome.exception() if retry_state.outcome else None
    wait = retry_state.next_action.sleep if retry_state.next_action else 0.0
    # Routine in a night's batch, so shown only when asked for (`summarizer --verbose`).
    logger.info(
        "transport attempt %d failed (%s); retrying in %.1fs",
        retry_state.attempt_number,
        exc,
        wait,
    )


@dataclass(frozen=True)
class TransportPolicy:
    """Bounds and waits for transport retries; `wait` is injectable (tests pass wait_none())."""

    attempts: int
    max_seconds: float
    wait: wait_base | None = None  # None: DEFAULT_WAIT

    def _build(self, cls: type[_R]) -> _R:
        return cls(
            stop=stop_after_attempt(self.attempts) | stop_before_delay(self.max_seconds),
            wait=self.wait or DEFAULT_WAIT,
            retry=retry_if_exception_type(TransientEndpointError),
            before_sleep=_log_retry,
            reraise=True,
        )

    def retrying(self) -> Retrying:
        """A fresh sync `Retrying` for one HTTP request."""
        return self._build(Retrying)

    def async_retrying(self) -> AsyncRetrying:
        """A fresh `AsyncRetrying` for one HTTP request."""
        return self._build(AsyncRetrying)


def reask_retrying(reasks: int, errors: tuple[type[BaseException], ...], cls: type[_R]) -> _R:
    """The validation policy handed to instructor: `1 + reasks` replies, only on `errors`."""
    return cls(stop=stop_after_attempt(1 + reasks), retry=retry_if_exception_type(errors))
