"""One summary's model call: the requests, their retries and re-asks.

Each HTTP request goes through the transport policy (`retry.TransportPolicy`); instructor
sits above it and re-asks only on validation errors. Foreign errors are translated at two
boundaries (`failures`): openai's around each HTTP request, instructor's around the call.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import TYPE_CHECKING, Any, TypeVar

import instructor
import openai
import pydantic
from instructor.core.exceptions import (
    ResponseParsingError,
)
from instructor.core.exceptions import ValidationError as InstructorValidationError
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from openai.types.chat.chat_completion import Choice
from pydantic import BaseModel
from tenacity import AsyncRetrying, Retrying

from .._config import ResolvedConfig
from .._exceptions import (
    ConfigError,
    ContentFilteredError,
    EmptyReplyError,
    InvalidReplyError,
    RefusedError,
    TruncatedReplyError,
    UngroundedReplyError,
)
from .._meta import Usage
from .._replies import Reply
from .backends import response_format
from .clients import shared_client
from .failures import failed, http_request, not_a_completion, problems_of, translating_instructor
from .gate import RequestGate
from .record import CallRecord
from .retry import TransportPolicy, reask_retrying

if TYPE_CHECKING:
    # Only its two texts are read: the model call does not load or render prompts.
    from .._prompts import RenderedPrompt

__all__ = [
    "MODE",
    "acomplete",
    "complete",
    "conversation",
    "first_request",
    "request_kwargs",
    "verify_completion",
]

MODE = instructor.Mode.JSON_SCHEMA

# What a call asks the model to fill: a summary's reply model, or another (`_same_signing`).
Answer = TypeVar("Answer", bound=BaseModel)

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
        problems = list(rejected) or problems_of(exc)
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
    reply_model: type[Answer],
    context: dict[str, Any] | None = None,
    client: openai.OpenAI | None = None,
) -> Answer:
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
        else shared_client(config.base_url, config.api_key, timeout)
    )

    def create(**kwargs: Any) -> ChatCompletion:
        kwargs["messages"] = conversation(prompt, record, kwargs["messages"])
        for attempt in policy.retrying():
            with attempt, http_request(record, config, attempt.retry_state.attempt_number):
                completion = http.chat.completions.create(**_for_backend(kwargs, config))
        return _accept(completion, record, config)

    patched = instructor.patch(create=create, mode=MODE)
    with translating_instructor(record):
        reply: Answer = patched(
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
            with attempt, http_request(record, config, number, gate):
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
        with translating_instructor(record):
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


def _accept(completion: object, record: CallRecord, config: ResolvedConfig) -> ChatCompletion:
    """Account for one reply, and stop at once where asking again cannot help: a reply cut
    off, refused or filtered, an answer that is no chat completion, no content twice."""
    if (
        not isinstance(completion, ChatCompletion)
        or not isinstance(completion.choices, list)
        or not completion.choices
        or not all(isinstance(c, Choice) and c.message is not None for c in completion.choices)
    ):
        raise not_a_completion(completion, config)
    choice = completion.choices[0] if completion.choices else None
    message = choice.message if choice else None
    # Counted before its usage is read: a reply whose usage will not parse still counts.
    record.new_reply(message.content if message else None)
    if completion.usage:
        record.spend(
            Usage(
                prompt_tokens=completion.usage.prompt_tokens,
                completion_tokens=completion.usage.completion_tokens,
                total_tokens=completion.usage.total_tokens,
            )
        )
    finish = choice.finish_reason if choice else None
    if message is not None and message.refusal:
        raise RefusedError(message.refusal, usage=record.usage, attempts=record.replies)
    if finish == "length":
        # Re-asking would send the cut reply back and cut again, only dearer.
        raise failed(
            TruncatedReplyError,
            f"the reply was cut off at max_tokens={config.settings.max_output_tokens}; "
            "raise Settings(max_output_tokens=...) or use a model with more room",
            record,
        )
    if finish == "content_filter":
        raise failed(
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
        raise failed(
            InvalidReplyError,
            f"the model called a tool (finish_reason {finish!r}) instead of answering in JSON",
            record,
        )
    record.empty_replies += 1
    if record.empty_replies > 1 or record.replies > config.settings.reasks:
        raise failed(
            EmptyReplyError, f"the model returned no content (finish_reason {finish!r})", record
        )
