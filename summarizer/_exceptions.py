"""Every error summarizer raises, under one base class.

    SummarizerError
    ├── InputError (also a ValueError)        raised before any request is sent
    │   ├── EmptyInputError
    │   ├── NotTextError
    │   ├── InputTooLongError
    │   ├── DuplicateItemError                 a batch item repeats an earlier item's id
    │   └── UnreadableInputError               a batch item's file could not be read
    ├── ConfigError                            settings or prompt files are unusable
    │   └── PromptError
    ├── EndpointError                          the server could not give us a reply
    │   ├── AuthError                          401, 403: never retried
    │   ├── RequestRejectedError               400, 404, 422 and other 4xx: never retried
    │   ├── NotChatCompletionError             200, but a web page (a proxy's), not a completion
    │   └── TransientEndpointError             retried with backoff, raised once retries run out
    │       ├── RateLimitedError               429
    │       ├── ServerFailureError             5xx
    │       ├── EndpointTimeoutError
    │       ├── EndpointUnreachableError       no connection could be made
    │       └── ConnectionCutError             the connection broke while the reply came
    ├── ReplyError                             the model replied, but not with a usable summary
    │   ├── TruncatedReplyError                finish_reason == "length"
    │   ├── RefusedError                       the model refused (`message.refusal`)
    │   ├── ContentFilteredError               finish_reason == "content_filter"
    │   └── InvalidReplyError                  still invalid once the re-asks are spent
    │       ├── EmptyReplyError                no content, twice (or with no re-ask left)
    │       └── UngroundedReplyError           ... because a fact is not supported by the text
    ├── NoAgreementError                       the article reports no agreement
    ├── DatabaseError                          the database could not be opened or written
    └── ResultsWriteError                      a batch's results file could not be written

Usage:

    try:
        summary = summarize(text)
    except NoAgreementError as exc:
        skip(exc.reason)
    except SummarizerError as exc:
        log_failure(exc)

Foreign errors (openai, instructor, SQLAlchemy) are translated where they are met and chained with
`raise ... from exc`. Messages never contain the API key: `redact()` runs over every
message built from a server's words.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from ._meta import Meta, Usage

__all__ = [
    "AuthError",
    "ConfigError",
    "ConnectionCutError",
    "ContentFilteredError",
    "DatabaseError",
    "DuplicateItemError",
    "EmptyInputError",
    "EmptyReplyError",
    "EndpointError",
    "EndpointTimeoutError",
    "EndpointUnreachableError",
    "InputError",
    "InputTooLongError",
    "InvalidReplyError",
    "NoAgreementError",
    "NotChatCompletionError",
    "NotTextError",
    "PromptError",
    "RateLimitedError",
    "RefusedError",
    "ReplyError",
    "RequestRejectedError",
    "ResultsWriteError",
    "ServerFailureError",
    "SummarizerError",
    "TransientEndpointError",
    "TruncatedReplyError",
    "UngroundedReplyError",
    "UnreadableInputError",
]

# Shapes of credentials that a server may echo back in an error body.
_SECRET_PATTERNS = re.compile(
    r"sk-[A-Za-z0-9_*.-]{6,}|Bearer\s+[A-Za-z0-9_*.~+/=-]+|(?i:api[_-]?key)[\"']?\s*[:=]\s*[\"']?[^\s\"',}]+"
)
REDACTED = "<redacted>"


# Shorter "keys" are placeholders for keyless local servers; replacing them would garble text.
MIN_SECRET_CHARS = 8


def redact(message: str, secret: str | None = None) -> str:
    """Return `message` with `secret` and anything shaped like a credential removed."""
    if secret and len(secret) >= MIN_SECRET_CHARS:
        message = message.replace(secret, REDACTED)
    return _SECRET_PATTERNS.sub(REDACTED, message)


class SummarizerError(Exception):
    """Base class of every error raised by summarizer."""


class InputError(SummarizerError, ValueError):
    """Raised when the article cannot be sent; no request has been made."""


class EmptyInputError(InputError):
    """Raised when the article is empty or only whitespace."""


class NotTextError(InputError):
    """Raised when the article is bytes that are not UTF-8, or text that looks binary."""


class InputTooLongError(InputError):
    """Raised when the article is longer than `Settings.max_input_chars`, a ceiling the user
    sets (articles below it but longer than one call should carry are summarized in parts)."""

    def __init__(self, *, length: int, limit: int, hint: str | None = None) -> None:
        self.length = length
        self.limit = limit
        super().__init__(
            f"article is {length:,} characters; the limit is {limit:,} "
            f"({hint or 'Settings(max_input_chars=...) sets it'})"
        )


class DuplicateItemError(InputError):
    """Raised when a batch item has the id of an earlier item in the same batch."""


class UnreadableInputError(InputError):
    """Raised when a batch item's source (a file, a JSONL line) could not be read."""


class ConfigError(SummarizerError):
    """Raised when settings are missing or contradictory (no model, no API key, bad values)."""


class PromptError(ConfigError):
    """Raised when a prompt file is missing, malformed or fails to render."""


class EndpointError(SummarizerError):
    """Raised when the model endpoint fails to return a reply.

    `status_code` is the HTTP status (None for connection failures and timeouts);
    `attempts` counts the HTTP requests made for the failing call.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        retry_after: float | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.retry_after = retry_after
        self.attempts = attempts

    def __str__(self) -> str:
        base = super().__str__()
        return base if self.attempts <= 1 else f"{base} (after {self.attempts} attempts)"


class AuthError(EndpointError):
    """Raised when the server answers 401 or 403: a missing, wrong or powerless key. Not retried."""


class RequestRejectedError(EndpointError):
    """Raised when the server answers 400, 404, 422 or another 4xx: a bad request. Not retried."""


class TransientEndpointError(EndpointError):
    """Raised when a failure that may pass (429, 5xx, timeout, connection) outlasts the retries."""


class RateLimitedError(TransientEndpointError):
    """Raised when the server keeps answering 429; `retry_after` holds its last hint in seconds."""


class ServerFailureError(TransientEndpointError):
    """Raised when the server keeps answering 5xx."""


class EndpointTimeoutError(TransientEndpointError):
    """Raised when requests keep timing out."""


class EndpointUnreachableError(TransientEndpointError):
    """Raised when no connection can be made to the endpoint."""


class ConnectionCutError(TransientEndpointError):
    """Raised when the connection keeps breaking after the request was sent, before the
    whole reply arrived (a proxy's idle timeout, a server restarting mid-reply)."""


class NotChatCompletionError(EndpointError):
    """Raised when the endpoint answers 200 with something that is not a chat completion,
    most often an HTML page from a proxy, a gateway or a web app at the wrong address.
    Not retried: the same address gives the same page. `first_line` is the page's first
    line of text."""

    def __init__(self, message: str, *, first_line: str) -> None:
        super().__init__(message, status_code=200)
        self.first_line = first_line


class ReplyError(SummarizerError):
    """Raised when the model replied but the reply cannot become a summary.

    `last_reply` is the raw text of the model's last reply, `usage` the tokens spent over
    every attempt, `attempts` the number of replies requested, `problems` what was wrong.
    """

    def __init__(
        self,
        message: str,
        *,
        last_reply: str | None,
        usage: Usage,
        attempts: int,
        problems: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.last_reply = last_reply
        self.usage = usage
        self.attempts = attempts
        self.problems = problems or []


class TruncatedReplyError(ReplyError):
    """Raised when the reply was cut off at the output-token limit (finish_reason "length")."""


class RefusedError(ReplyError):
    """Raised when the model refuses (OpenAI structured outputs' `message.refusal`), at once:
    asking again would pay for the same refusal. `refusal` holds the model's words."""

    def __init__(self, refusal: str, *, usage: Usage, attempts: int) -> None:
        super().__init__(
            f"the model refused to answer: {refusal}",
            last_reply=None,
            usage=usage,
            attempts=attempts,
            problems=[f"refusal: {refusal}"],
        )
        self.refusal = refusal


class ContentFilteredError(ReplyError):
    """Raised when the provider's content filter stopped the reply (finish_reason
    "content_filter"), at once: the same article would be filtered again."""


class InvalidReplyError(ReplyError):
    """Raised when replies still fail the schema after every re-ask; `problems` lists why."""


class EmptyReplyError(InvalidReplyError):
    """Raised when the model returns no content: asked again once at most."""


class UngroundedReplyError(InvalidReplyError):
    """Raised when the last reply still states facts its quotes or the article do not support."""


class NoAgreementError(SummarizerError):
    """Raised when the article reports no signed agreement; `reason` is the model's grounded why."""

    def __init__(self, reason: str, *, meta: Meta) -> None:
        super().__init__(f"the article reports no agreement: {reason}")
        self.reason = reason
        self.meta = meta


class DatabaseError(SummarizerError):
    """Raised when the database cannot be opened, read or written: a bad URL, a driver that
    is not installed, a server that refuses, a schema written by a newer summarizer."""


class ResultsWriteError(SummarizerError):
    """Raised when a batch cannot write its results file or the side file beside it (a full
    disk, a quota): the batch stops before paying for more, and the same command run again
    resumes where it stopped."""

    def __init__(self, message: str, *, path: Path, needed: int, free: int | None) -> None:
        super().__init__(message)
        self.path = path
        self.needed = needed  # bytes of the write that failed
        self.free = free  # bytes free on the file's disk then, if the disk would say
