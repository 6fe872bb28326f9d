"""Foreign errors into ours, at two boundaries: openai's around each HTTP request, and
instructor's around the whole call (`summarizer._exceptions` draws the tree). What a reply
spent and said is kept on the error, so a failed call still shows its cost.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any

import httpx2
import openai
import pydantic
from instructor.core.exceptions import (
    IncompleteOutputException,
    InstructorError,
    InstructorRetryException,
)
from pydantic import BaseModel

from .._config import ResolvedConfig
from .._exceptions import (
    AuthError,
    ConnectionCutError,
    EndpointError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    InvalidReplyError,
    NotChatCompletionError,
    RateLimitedError,
    ReplyError,
    RequestRejectedError,
    ServerFailureError,
    SummarizerError,
    TruncatedReplyError,
    UngroundedReplyError,
    redact,
)
from .gate import RequestGate
from .record import CallRecord

__all__ = [
    "failed",
    "http_request",
    "not_a_completion",
    "problems_of",
    "retry_after",
    "translate_openai",
    "translating_instructor",
]


def failed(error: type[ReplyError], message: str, record: CallRecord) -> ReplyError:
    return error(
        message,
        last_reply=record.last_reply,
        usage=record.usage,
        attempts=record.replies,
        problems=[message],
    )


def not_a_completion(answer: object, config: ResolvedConfig) -> NotChatCompletionError:
    """What a proxy's, gateway's or web app's answer looks like to the user: a page's title
    or first line of text, or a JSON body's error message."""
    if isinstance(answer, BaseModel):  # JSON, read by openai into an empty ChatCompletion
        data = answer.model_dump(exclude_none=True, warnings=False)
        error = data.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        what, first_line = "JSON", str(message or json.dumps(data, default=str))
    else:
        text = str(answer)[:_PAGE_HEAD]
        page = _PageText()
        page.feed(text)
        looks_like_page = re.search(r"<\s*(?:!doctype|html|head|body|title)\b", text, re.I)
        what = "an HTML page" if looks_like_page else "something" if text.strip() else "nothing"
        first_line = page.title or next(iter(page.lines), "")
    first_line = redact(" ".join(first_line.split())[:200], config.api_key)
    return NotChatCompletionError(
        f"the endpoint answered {what}, not a chat completion ({first_line!r}); check that "
        f"the base URL {config.endpoint} is an OpenAI-compatible API (usually ending in /v1) "
        "and not a web page, a proxy's login or an error page",
        first_line=first_line,
    )


# Enough of a page to find its title or first words; a 20 MB page is not read to the end.
_PAGE_HEAD = 65_536


class _PageText(HTMLParser):
    """A page's title and lines of visible text (not its scripts or styles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.lines: list[str] = []
        self._inside: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._inside.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._inside:
            del self._inside[len(self._inside) - 1 - self._inside[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if {"script", "style"} & set(self._inside) or not data.strip():
            return
        if "title" in self._inside and not self.title:
            self.title = data.strip()
        else:
            self.lines += [line.strip() for line in data.splitlines() if line.strip()]


@contextmanager
def http_request(
    record: CallRecord, config: ResolvedConfig, attempt: int, gate: RequestGate | None = None
) -> Iterator[None]:
    """Count one HTTP request and translate what openai raises for it."""
    record.http_requests += 1
    try:
        yield
    except json.JSONDecodeError as exc:
        # A 200 labelled JSON that is not (a page, nothing, a body cut short): openai reads
        # it itself, so its error is not an openai one.
        raise not_a_completion(exc.doc, config) from exc
    except openai.OpenAIError as exc:
        if isinstance(exc.__cause__, SummarizerError):
            # Raised by a transport of ours (a cassette miss): final, and already clear.
            raise exc.__cause__ from None
        error = translate_openai(exc, config.api_key)
        error.attempts = attempt
        if gate is not None and isinstance(error, RateLimitedError) and error.retry_after:
            gate.pause(error.retry_after)
        raise error from exc


def translate_openai(exc: openai.OpenAIError, api_key: str) -> EndpointError:
    if isinstance(exc, openai.APITimeoutError):
        return EndpointTimeoutError("the request to the model endpoint timed out")
    if isinstance(exc, openai.APIConnectionError):
        cause = redact(str(exc.__cause__ or exc), api_key)
        broken = (httpx2.RemoteProtocolError, httpx2.ReadError, httpx2.WriteError)
        if isinstance(exc.__cause__, broken):
            # Connected, then lost: a different fault from a server that is not there.
            return ConnectionCutError(
                "the connection to the model endpoint was cut before the reply was complete: "
                + cause
            )
        return EndpointUnreachableError(f"could not connect to the model endpoint: {cause}")
    if not isinstance(exc, openai.APIStatusError):
        return EndpointError(redact(str(exc), api_key))
    status = exc.status_code
    body = exc.body
    detail = body.get("message") if isinstance(body, dict) else None
    message = (
        f"HTTP {status} from the model endpoint: {redact(str(detail or exc.message), api_key)}"
    )
    if status in (401, 403):
        return AuthError(message, status_code=status)
    if status == 429:
        return RateLimitedError(message, status_code=status, retry_after=retry_after(exc.response))
    if status == 408:
        return EndpointTimeoutError(message, status_code=status)
    if status >= 500:
        return ServerFailureError(
            message, status_code=status, retry_after=retry_after(exc.response)
        )
    return RequestRejectedError(message, status_code=status)


def retry_after(response: Any) -> float | None:
    """Seconds the server asked us to wait (Retry-After-Ms, Retry-After seconds or date)."""
    headers = response.headers
    try:
        if "retry-after-ms" in headers:
            return float(headers["retry-after-ms"]) / 1000
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(float(value), 0.0)
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(when.timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return None


@contextmanager
def translating_instructor(record: CallRecord) -> Iterator[None]:
    """Turn instructor's wrappers into our errors, keeping usage and the last reply."""
    try:
        yield
    except InstructorRetryException as exc:
        cause = exc.__cause__
        if isinstance(cause, SummarizerError):
            # Transport failures and truncation pass through instructor's loop untouched.
            raise cause from cause.__cause__
        # The last reply's own failures: each fact that failed a check, else schema errors.
        problems = list(record.review.rejected) or problems_of(
            exc.failed_attempts[-1].exception if exc.failed_attempts else cause
        )
        error_type = UngroundedReplyError if record.review.rejected else InvalidReplyError
        raise error_type(
            f"the model's reply was still invalid after {record.replies} attempt(s): "
            + "; ".join(problems[:3]),
            last_reply=record.last_reply,
            usage=record.usage,
            attempts=record.replies,
            problems=problems,
        ) from exc
    except IncompleteOutputException as exc:
        raise TruncatedReplyError(
            "the reply was cut off at the output-token limit",
            last_reply=record.last_reply,
            usage=record.usage,
            attempts=record.replies,
        ) from exc
    except InstructorError as exc:
        raise InvalidReplyError(
            f"the model's reply could not be used: {exc}",
            last_reply=record.last_reply,
            usage=record.usage,
            attempts=record.replies,
            problems=[str(exc)],
        ) from exc


def problems_of(exc: BaseException | None) -> list[str]:
    if isinstance(exc, pydantic.ValidationError):
        return [
            f"{'.'.join(str(p) for p in error['loc']) or 'reply'}: {error['msg']}"
            for error in exc.errors(include_url=False)
        ]
    return [str(exc)] if exc else ["unknown validation failure"]
