"""One summary's model call: the requests, their retries and re-asks, the clients.

Each HTTP request goes through the transport policy (`retry.TransportPolicy`); instructor
sits above it and re-asks only on validation errors. Foreign errors are translated here,
at two boundaries: openai's around each HTTP request, instructor's around the whole call.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import httpx2
import instructor
import openai
import pydantic
from instructor.core.exceptions import (
    IncompleteOutputException,
    InstructorError,
    InstructorRetryException,
    ResponseParsingError,
)
from instructor.core.exceptions import ValidationError as InstructorValidationError
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from openai.types.chat.chat_completion import Choice
from pydantic import BaseModel
from tenacity import AsyncRetrying, Retrying

from .._config import ResolvedConfig
from .._exceptions import (
    AuthError,
    ConfigError,
    ConnectionCutError,
    ContentFilteredError,
    EmptyReplyError,
    EndpointError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    InvalidReplyError,
    NotChatCompletionError,
    RateLimitedError,
    RefusedError,
    ReplyError,
    RequestRejectedError,
    ServerFailureError,
    SummarizerError,
    TruncatedReplyError,
    UngroundedReplyError,
    redact,
)
from .._replies import Reply
from .._summary import Usage
from .backends import response_format
from .cassettes import REPLAY_BASE_URL, Cassette, ReplayTransport
from .gate import RequestGate
from .record import CallRecord
from .retry import TransportPolicy, reask_retrying

if TYPE_CHECKING:
    # Only its two texts are read: the model call does not load or render prompts.
    from .._prompts import RenderedPrompt

__all__ = [
    "ENDPOINT_ERRORS",
    "MODE",
    "CallRecord",
    "acomplete",
    "async_client_over",
    "batch_client",
    "client_over",
    "complete",
    "completion_from",
    "conversation",
    "first_request",
    "provider_client",
    "replay_client",
    "request_kwargs",
    "verify_completion",
]

MODE = instructor.Mode.JSON_SCHEMA

# instructor logs every failed attempt at ERROR, including the ones we retry or re-ask and
# then recover from. Without a handler those lines would reach stderr through logging's
# last resort; this keeps them for applications that configure logging, and quiet otherwise.
logging.getLogger("instructor").addHandler(logging.NullHandler())

# What instructor treats as "the reply is wrong, ask again"; nothing else is re-asked.
_REASKABLE: tuple[type[BaseException], ...] = (
    pydantic.ValidationError,
    json.JSONDecodeError,
    InstructorValidationError,
    ResponseParsingError,
)


def request_kwargs(config: ResolvedConfig, prompt: RenderedPrompt) -> dict[str, Any]:
    """The chat-completion arguments, with a fresh messages list (instructor extends it)."""
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": prompt.system},
        {"role": "user", "content": prompt.user},
    ]
    return {
        "model": config.model,
        "messages": messages,
        "temperature": config.settings.temperature,
        "max_tokens": config.settings.max_output_tokens,
    }


def first_request(
    config: ResolvedConfig, prompt: RenderedPrompt, reply_model: type[Reply]
) -> dict[str, Any]:
    """The body of a call's first request exactly as `complete()` sends it (instructor's
    JSON_SCHEMA shape, reshaped for the backend): what a Batch API line carries."""
    schema = reply_model.model_json_schema()
    shaped = response_format(config.backend, reply_model.__name__, schema)
    return {**request_kwargs(config, prompt), "response_format": shaped}


def verify_completion(
    completion: ChatCompletion,
    config: ResolvedConfig,
    record: CallRecord,
    reply_model: type[Reply],
    context: dict[str, Any],
) -> Reply:
    """Check one reply that arrived another way (a Batch API output line) as `complete()`
    checks each of its replies, without re-asking; `reply_model` is a checked model
    (`_checks.checked_model`) and `context` holds its scope (`_checks.checking`).

    Raises:
        TruncatedReplyError: the reply was cut off.
        UngroundedReplyError, InvalidReplyError: it failed the checks or the schema.
    """
    _accept(completion, record, config)
    try:
        return reply_model.model_validate_json(record.last_reply or "", context=context)
    except pydantic.ValidationError as exc:
        rejected = record.review.rejected
        error_type = UngroundedReplyError if rejected else InvalidReplyError
        problems = list(rejected) or _problems(exc)
        raise error_type(
            "the model's reply failed the checks: " + "; ".join(problems[:3]),
            last_reply=record.last_reply,
            usage=record.usage,
            attempts=record.replies,
            problems=problems,
        ) from exc


def conversation(
    prompt: RenderedPrompt, record: CallRecord, asked: list[ChatCompletionMessageParam]
) -> list[ChatCompletionMessageParam]:
    """The messages for the next request, built afresh each time.

    The first request is the prompt. A re-ask adds only the latest reply and what was wrong
    with it: our list of failed facts (or the contradiction in it), else instructor's message
    for a reply that broke the JSON or the schema (the last of `asked`). Earlier rejected
    replies are not sent again.
    """
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": prompt.system},
        {"role": "user", "content": prompt.user},
    ]
    if record.replies == 0:
        return messages
    correction = record.review.correction() or asked[-1].get("content")
    return [
        *messages,
        {"role": "assistant", "content": record.last_reply or ""},
        {"role": "user", "content": str(correction)},
    ]


def complete(
    config: ResolvedConfig,
    prompt: RenderedPrompt,
    record: CallRecord,
    policy: TransportPolicy,
    reply_model: type[Reply],
    context: dict[str, Any] | None = None,
    client: openai.OpenAI | None = None,
) -> Reply:
    """Ask the model for a reply, re-asking on invalid or ungrounded replies; `context` is
    the validation context of a checked reply model (`_checks.checking(scope)`)."""
    if isinstance(client, openai.AsyncOpenAI):
        raise ConfigError(
            "summarize() needs an openai.OpenAI client; use asummarize() for AsyncOpenAI"
        )
    timeout = config.settings.timeout_seconds
    http = (
        client.with_options(max_retries=0, timeout=timeout)
        if client
        else _shared_client(config.base_url, config.api_key, timeout)
    )

    def create(**kwargs: Any) -> ChatCompletion:
        kwargs["messages"] = conversation(prompt, record, kwargs["messages"])
        for attempt in policy.retrying():
            with attempt, _http_request(record, config, attempt.retry_state.attempt_number):
                completion = http.chat.completions.create(**_for_backend(kwargs, config))
        return _accept(completion, record, config)

    patched = instructor.patch(create=create, mode=MODE)
    with _translating_instructor(record):
        reply: Reply = patched(
            response_model=reply_model,
            context=context,
            max_retries=reask_retrying(config.settings.reasks, _REASKABLE, Retrying),
            **_unrendered(request_kwargs(config, prompt)),
        )
    return reply


async def acomplete(
    config: ResolvedConfig,
    prompt: RenderedPrompt,
    record: CallRecord,
    policy: TransportPolicy,
    reply_model: type[Reply],
    context: dict[str, Any] | None = None,
    client: openai.AsyncOpenAI | None = None,
    gate: RequestGate | None = None,
) -> Reply:
    """The async twin of `complete()`; in a batch, each request waits its turn at `gate`."""
    if isinstance(client, openai.OpenAI):
        raise ConfigError(
            "asummarize() needs an openai.AsyncOpenAI client; use summarize() for OpenAI"
        )
    timeout = config.settings.timeout_seconds
    http = (
        client.with_options(max_retries=0, timeout=timeout)
        if client
        else openai.AsyncOpenAI(
            api_key=config.api_key, base_url=config.base_url, max_retries=0, timeout=timeout
        )
    )

    async def create(**kwargs: Any) -> ChatCompletion:
        kwargs["messages"] = conversation(prompt, record, kwargs["messages"])
        request = _for_backend(kwargs, config)
        async for attempt in policy.async_retrying():
            number = attempt.retry_state.attempt_number
            with attempt, _http_request(record, config, number, gate):
                async with gate.turn(request) if gate else contextlib.nullcontext():
                    completion = await http.chat.completions.create(**request)
        if gate is not None:
            # Let the item waiting for the slot this answer freed send its request before
            # this one is parsed and checked: our own work then overlaps the model's.
            await asyncio.sleep(0)
        return _accept(completion, record, config)

    # instructor's stubs describe only the sync wrapper; the async one returns a coroutine.
    patched: Any = instructor.patch(create=create, mode=MODE)
    try:
        with _translating_instructor(record):
            reply: Reply = await patched(
                response_model=reply_model,
                context=context,
                max_retries=reask_retrying(config.settings.reasks, _REASKABLE, AsyncRetrying),
                **_unrendered(request_kwargs(config, prompt)),
            )
    finally:
        if client is None:
            await http.close()
    return reply


def _unrendered(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The request as instructor sees it: a placeholder for its messages. `create` builds
    each request's messages itself (`conversation()`), reading only the re-ask instructor
    appends; and instructor would render real ones as Jinja templates with the validation
    context, which costs time and mangles an article that happens to hold "{{"."""
    return {**kwargs, "messages": [{"role": "user", "content": ""}]}


def _for_backend(kwargs: dict[str, Any], config: ResolvedConfig) -> dict[str, Any]:
    """Reshape instructor's JSON_SCHEMA request into the form the backend accepts."""
    requested = kwargs["response_format"]["json_schema"]
    shaped = response_format(config.backend, requested["name"], requested["schema"])
    return {**kwargs, "response_format": shaped}


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
def _shared_client(base_url: str, api_key: str, timeout: float) -> openai.OpenAI:
    # One connection pool per endpoint, reused across calls; retries are ours alone.
    return openai.OpenAI(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout)


def _accept(completion: object, record: CallRecord, config: ResolvedConfig) -> ChatCompletion:
    """Account for one reply, and stop at once where asking again cannot help: a reply cut
    off, refused or filtered, an answer that is no chat completion, no content twice."""
    if (
        not isinstance(completion, ChatCompletion)
        or not isinstance(completion.choices, list)
        or not completion.choices
        or not all(isinstance(c, Choice) and c.message is not None for c in completion.choices)
    ):
        raise _not_a_completion(completion, config)
    if completion.usage:
        record.usage += Usage(
            prompt_tokens=completion.usage.prompt_tokens,
            completion_tokens=completion.usage.completion_tokens,
            total_tokens=completion.usage.total_tokens,
        )
    choice = completion.choices[0] if completion.choices else None
    message = choice.message if choice else None
    record.new_reply(message.content if message else None)
    finish = choice.finish_reason if choice else None
    if message is not None and message.refusal:
        raise RefusedError(message.refusal, usage=record.usage, attempts=record.replies)
    if finish == "length":
        # Re-asking would send the cut reply back and cut again, only dearer.
        raise _failed(
            TruncatedReplyError,
            f"the reply was cut off at max_tokens={config.settings.max_output_tokens}; "
            "raise Settings(max_output_tokens=...) or use a model with more room",
            record,
        )
    if finish == "content_filter":
        raise _failed(
            ContentFilteredError,
            "the provider's content filter stopped the reply (finish_reason 'content_filter')",
            record,
        )
    if not (record.last_reply or "").strip():
        _no_content(finish, record, config)
    return completion


def _no_content(finish: str | None, record: CallRecord, config: ResolvedConfig) -> None:
    """A reply without content: a tool call (never asked for) fails at once; an empty answer
    is asked about once, as a model may stumble once, and fails the second time."""
    if finish in ("tool_calls", "function_call"):
        raise _failed(
            InvalidReplyError,
            f"the model called a tool (finish_reason {finish!r}) instead of answering in JSON",
            record,
        )
    record.empty_replies += 1
    if record.empty_replies > 1 or record.replies > config.settings.reasks:
        raise _failed(
            EmptyReplyError, f"the model returned no content (finish_reason {finish!r})", record
        )


def _failed(error: type[ReplyError], message: str, record: CallRecord) -> ReplyError:
    return error(
        message,
        last_reply=record.last_reply,
        usage=record.usage,
        attempts=record.replies,
        problems=[message],
    )


def _not_a_completion(answer: object, config: ResolvedConfig) -> NotChatCompletionError:
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
def _http_request(
    record: CallRecord, config: ResolvedConfig, attempt: int, gate: RequestGate | None = None
) -> Iterator[None]:
    """Count one HTTP request and translate what openai raises for it."""
    record.http_requests += 1
    try:
        yield
    except json.JSONDecodeError as exc:
        # A 200 labelled JSON that is not (a page, nothing, a body cut short): openai reads
        # it itself, so its error is not an openai one.
        raise _not_a_completion(exc.doc, config) from exc
    except openai.OpenAIError as exc:
        if isinstance(exc.__cause__, SummarizerError):
            # Raised by a transport of ours (a cassette miss): final, and already clear.
            raise exc.__cause__ from None
        error = _translate_openai(exc, config.api_key)
        error.attempts = attempt
        if gate is not None and isinstance(error, RateLimitedError) and error.retry_after:
            gate.pause(error.retry_after)
        raise error from exc


def _translate_openai(exc: openai.OpenAIError, api_key: str) -> EndpointError:
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
        return RateLimitedError(message, status_code=status, retry_after=_retry_after(exc.response))
    if status == 408:
        return EndpointTimeoutError(message, status_code=status)
    if status >= 500:
        return ServerFailureError(
            message, status_code=status, retry_after=_retry_after(exc.response)
        )
    return RequestRejectedError(message, status_code=status)


def _retry_after(response: Any) -> float | None:
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
def _translating_instructor(record: CallRecord) -> Iterator[None]:
    """Turn instructor's wrappers into our errors, keeping usage and the last reply."""
    try:
        yield
    except InstructorRetryException as exc:
        cause = exc.__cause__
        if isinstance(cause, SummarizerError):
            # Transport failures and truncation pass through instructor's loop untouched.
            raise cause from cause.__cause__
        # The last reply's own failures: each fact that failed a check, else schema errors.
        problems = list(record.review.rejected) or _problems(
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


def _problems(exc: BaseException | None) -> list[str]:
    if isinstance(exc, pydantic.ValidationError):
        return [
            f"{'.'.join(str(p) for p in error['loc']) or 'reply'}: {error['msg']}"
            for error in exc.errors(include_url=False)
        ]
    return [str(exc)] if exc else ["unknown validation failure"]
