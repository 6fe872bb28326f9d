"""What real endpoints send on a bad day: each is a typed, named error, paid for once.

Scripted transports stand for the endpoint: a refusal (OpenAI structured outputs), a
content filter, a gateway's HTML page with status 200, a connection cut while the body
arrives, a reply with no content. Each runs through the sync and async paths and a batch.
And each of openai's own errors is translated into ours.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx2
import openai
import pytest
from helpers.support import NO_WAIT, Script, article, completion, reference_reply

from summarizer import (
    AgreementSummary,
    ConnectionCutError,
    ContentFilteredError,
    EmptyReplyError,
    InvalidReplyError,
    NotChatCompletionError,
    RefusedError,
    SummarizerError,
    TruncatedReplyError,
    asummarize,
    summarize,
    summarize_many,
)
from summarizer import _exceptions as errors
from summarizer._model.failures import translate_openai

SEED = "interpol_tren_de_aragua"
GATEWAY_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
)


def good() -> dict[str, Any]:
    return completion(reference_reply(SEED))


def without_content(*, finish_reason: str = "stop", **message: Any) -> dict[str, Any]:
    body = completion("", finish_reason=finish_reason)
    body["choices"][0]["message"].update(content=None, **message)
    return body


def refused() -> dict[str, Any]:
    return without_content(refusal="I can't help with summarizing this content.")


def filtered() -> dict[str, Any]:
    return without_content(finish_reason="content_filter")


def gateway_page() -> httpx2.Response:
    return httpx2.Response(200, headers={"content-type": "text/html"}, text=GATEWAY_PAGE)


class _CutBody(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A body that breaks off after its first bytes, as a dropped connection does."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"id": "chatcmpl-x", "object": "chat.completion", "choices": [{"ind'
        raise httpx2.RemoteProtocolError("peer closed connection without sending complete body")

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        yield b'{"id": "chatcmpl-x", "object": "chat.completion", "choices": [{"ind'
        raise httpx2.RemoteProtocolError("peer closed connection without sending complete body")


def cut() -> httpx2.Response:
    return httpx2.Response(200, headers={"content-type": "application/json"}, stream=_CutBody())


def run(*steps: Any, settings=NO_WAIT) -> tuple[object, Script]:  # type: ignore[no-untyped-def]
    script = Script(*steps)
    try:
        outcome: object = summarize(article(SEED), client=script.client(), settings=settings)
    except SummarizerError as exc:
        outcome = exc
    return outcome, script


def arun(*steps: Any, settings=NO_WAIT) -> tuple[object, Script]:  # type: ignore[no-untyped-def]
    script = Script(*steps)
    try:
        outcome: object = asyncio.run(
            asummarize(article(SEED), client=script.async_client(), settings=settings)
        )
    except SummarizerError as exc:
        outcome = exc
    return outcome, script


PATHS = {"sync": run, "async": arun}


@pytest.mark.parametrize("path", PATHS)
def test_a_refusal_is_a_refused_error_at_once(path: str) -> None:
    outcome, script = PATHS[path](refused(), good())
    assert isinstance(outcome, RefusedError)
    assert outcome.refusal == "I can't help with summarizing this content."
    assert "refused" in str(outcome) and outcome.attempts == 1
    assert outcome.usage.total_tokens == 150
    assert len(script.requests) == 1  # not paid twice


@pytest.mark.parametrize("path", PATHS)
def test_a_content_filter_is_named_at_once(path: str) -> None:
    outcome, script = PATHS[path](filtered(), good())
    assert isinstance(outcome, ContentFilteredError)
    assert "content filter" in str(outcome) and "Invalid JSON" not in str(outcome)
    assert len(script.requests) == 1


@pytest.mark.parametrize("path", PATHS)
def test_an_html_page_with_status_200_names_the_base_url(path: str) -> None:
    outcome, script = PATHS[path](gateway_page(), good())
    assert isinstance(outcome, NotChatCompletionError)
    assert outcome.first_line == "502 Bad Gateway"
    message = str(outcome)
    assert "answered an HTML page, not a chat completion" in message
    assert "'502 Bad Gateway'" in message and "http://model.test/v1" in message
    assert "base URL" in message
    assert len(script.requests) == 1  # the same address gives the same page: not retried


def test_json_that_is_no_chat_completion_is_named_too() -> None:
    outcome, _ = run(httpx2.Response(200, json={"status": "ok", "version": "1.2"}))
    assert isinstance(outcome, NotChatCompletionError)
    assert "answered JSON, not a chat completion" in str(outcome)


@pytest.mark.parametrize("path", PATHS)
def test_a_connection_cut_mid_body_is_retried_then_named(path: str) -> None:
    outcome, script = PATHS[path](cut(), cut(), cut(), cut())
    assert isinstance(outcome, ConnectionCutError)
    assert "connection to the model endpoint was cut" in str(outcome)
    assert "could not connect" not in str(outcome)
    assert outcome.attempts == 4 and len(script.requests) == 4


def test_a_cut_connection_then_a_reply_is_a_summary() -> None:
    outcome, script = run(cut(), good())
    assert isinstance(outcome, AgreementSummary)
    assert (outcome.meta.http_requests, outcome.meta.attempts) == (2, 1)


@pytest.mark.parametrize("path", PATHS)
def test_no_content_is_asked_about_once_then_named(path: str) -> None:
    outcome, script = PATHS[path](without_content(), without_content(), good())
    assert isinstance(outcome, EmptyReplyError)
    assert "the model returned no content" in str(outcome)
    assert outcome.attempts == 2 and len(script.requests) == 2
    assert outcome.usage.total_tokens == 300


def test_no_content_once_then_a_reply_is_a_summary() -> None:
    outcome, script = run(without_content(), good())
    assert isinstance(outcome, AgreementSummary) and outcome.meta.attempts == 2


def test_no_content_with_no_reask_allowed_fails_at_once() -> None:
    outcome, script = run(without_content(), good(), settings=replace(NO_WAIT, reasks=0))
    assert isinstance(outcome, EmptyReplyError) and len(script.requests) == 1


# finish_reason values the OpenAI API documents, and what each becomes here.
FINISH_REASONS = {
    "stop": AgreementSummary,
    "length": TruncatedReplyError,
    "content_filter": ContentFilteredError,
    "tool_calls": InvalidReplyError,
    "function_call": InvalidReplyError,
}


@pytest.mark.parametrize("finish_reason", FINISH_REASONS)
def test_every_documented_finish_reason_has_its_outcome(finish_reason: str) -> None:
    if finish_reason == "stop":
        body = good()
    elif finish_reason == "length":
        body = completion('{"reports_agreement": true, "agree', finish_reason="length")
    elif finish_reason == "tool_calls":
        call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
        body = without_content(finish_reason="tool_calls", tool_calls=[call])
    elif finish_reason == "function_call":
        body = without_content(
            finish_reason="function_call", function_call={"name": "f", "arguments": "{}"}
        )
    else:
        body = without_content(finish_reason=finish_reason)
    outcome, script = run(body, good(), good())
    assert type(outcome) is FINISH_REASONS[finish_reason]
    assert len(script.requests) == 1  # none of them is worth a second paid reply
    if isinstance(outcome, InvalidReplyError):
        assert finish_reason in str(outcome) and "Invalid JSON" not in str(outcome)


def test_in_a_batch_each_item_fails_with_its_own_error_and_the_rest_go_on() -> None:
    replies = {
        "refused": refused(),
        "filtered": filtered(),
        "page": gateway_page(),
        "empty": without_content(),
        "fine": good(),
    }
    seen: dict[str, int] = {}

    def endpoint(request: httpx2.Request) -> httpx2.Response:
        import json

        user = json.loads(request.read())["messages"][1]["content"]
        item = next(name for name in replies if f"[{name}]" in user)
        seen[item] = seen.get(item, 0) + 1
        reply = replies[item]
        return reply if isinstance(reply, httpx2.Response) else httpx2.Response(200, json=reply)

    import openai

    client = openai.AsyncOpenAI(
        api_key="k",
        base_url="http://model.test/v1",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(endpoint)),
    )
    text = article(SEED)
    items = [(name, f"{text}\n[{name}]\n") for name in replies]
    results = {r.id: r for r in summarize_many(items, client=client, settings=NO_WAIT, cache=False)}
    assert type(results["refused"].error) is RefusedError
    assert type(results["filtered"].error) is ContentFilteredError
    assert type(results["page"].error) is NotChatCompletionError
    assert type(results["empty"].error) is EmptyReplyError
    assert results["fine"].status == "summarized"
    assert seen == {"refused": 1, "filtered": 1, "page": 1, "empty": 2, "fine": 1}
    assert results["refused"].usage.total_tokens == 150


# -- found in review ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        (b"", "answered nothing"),
        (b'{"id": "chatcmpl-x", "choi', '\'{"id": "chatcmpl-x", "choi\''),
        (b"<html><body>Gateway timeout</body></html>", "'Gateway timeout'"),
    ],
)
def test_a_200_labelled_json_that_is_not_is_named_at_once(body: bytes, shown: str) -> None:
    page = httpx2.Response(200, headers={"content-type": "application/json"}, content=body)
    outcome, script = run(page, good(), good())
    assert isinstance(outcome, NotChatCompletionError) and shown in str(outcome)
    assert len(script.requests) == 1


def test_a_gateways_json_error_shows_its_message() -> None:
    error = {"error": {"message": "Provider returned error: upstream 503", "code": 502}}
    outcome, _ = run(httpx2.Response(200, json=error))
    assert isinstance(outcome, NotChatCompletionError)
    assert outcome.first_line == "Provider returned error: upstream 503"
    assert "answered JSON, not a chat completion" in str(outcome)


@pytest.mark.parametrize("body", [{"choices": [{}]}, {"choices": "x"}, {"choices": []}])
def test_choices_that_are_not_choices_are_no_chat_completion(body: dict[str, Any]) -> None:
    outcome, script = run(httpx2.Response(200, json=body), good())
    assert isinstance(outcome, NotChatCompletionError) and len(script.requests) == 1


def test_a_page_shows_its_title_not_its_scripts_and_never_the_key() -> None:
    key = "sk-canary-0123456789abcdef"
    page = (
        "<html><head><script>var token='abc';</script><style>body{margin:0}</style>"
        f"<title>Sign in &ndash; Gateway</title></head><body>Key {key} is not valid</body></html>"
    )
    script = Script(httpx2.Response(200, headers={"content-type": "text/html"}, text=page))
    with pytest.raises(NotChatCompletionError) as caught:
        summarize(article(SEED), client=script.client(api_key=key), settings=NO_WAIT)
    assert caught.value.first_line == "Sign in – Gateway"
    script = Script(
        httpx2.Response(200, headers={"content-type": "text/html"}, text=f"<p>Key {key} bad</p>")
    )
    with pytest.raises(NotChatCompletionError) as caught:
        summarize(article(SEED), client=script.client(api_key=key), settings=NO_WAIT)
    assert key not in str(caught.value) and key not in caught.value.first_line
    assert "<redacted>" in caught.value.first_line


# -- openai's own errors, translated -------------------------------------------------------------

REQUEST = httpx2.Request("POST", "http://model.test/v1/chat/completions")


def status_error(cls: type[openai.APIStatusError], status: int) -> openai.APIStatusError:
    response = httpx2.Response(status, request=REQUEST, json={"error": {"message": "m"}})
    return cls("m", response=response, body=None)


@pytest.mark.parametrize(
    ("cls", "status", "expected"),
    [
        (openai.BadRequestError, 400, errors.RequestRejectedError),
        (openai.AuthenticationError, 401, errors.AuthError),
        (openai.PermissionDeniedError, 403, errors.AuthError),
        (openai.NotFoundError, 404, errors.RequestRejectedError),
        (openai.ConflictError, 409, errors.RequestRejectedError),
        (openai.UnprocessableEntityError, 422, errors.RequestRejectedError),
        (openai.RateLimitError, 429, errors.RateLimitedError),
        (openai.InternalServerError, 500, errors.ServerFailureError),
        (openai.InternalServerError, 503, errors.ServerFailureError),
        (openai.APIStatusError, 408, errors.EndpointTimeoutError),
    ],
)
def test_status_errors_map_to_our_classes(cls, status, expected) -> None:
    translated = translate_openai(status_error(cls, status), "k")
    assert type(translated) is expected
    assert translated.status_code == status


def test_every_openai_status_error_class_is_covered() -> None:
    covered = {
        openai.BadRequestError, openai.AuthenticationError, openai.PermissionDeniedError,
        openai.NotFoundError, openai.ConflictError, openai.UnprocessableEntityError,
        openai.RateLimitError, openai.InternalServerError,
    }  # fmt: skip
    subclasses = {
        cls
        for cls in (getattr(openai, name) for name in dir(openai))
        if isinstance(cls, type) and issubclass(cls, openai.APIStatusError)
    } - {openai.APIStatusError}
    # OAuthError is an AuthenticationError, so it maps to AuthError through its status.
    assert subclasses - covered <= {getattr(openai, "OAuthError", None)}


def test_connection_errors() -> None:
    timeout = translate_openai(openai.APITimeoutError(request=REQUEST), "k")
    refused = translate_openai(openai.APIConnectionError(request=REQUEST), "k")
    assert type(timeout) is errors.EndpointTimeoutError
    assert type(refused) is errors.EndpointUnreachableError
    assert isinstance(refused, errors.TransientEndpointError)
