"""Transport retries and validation re-asks, on scripted transports with no real waiting."""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import replace
from typing import Any

import httpx2
import pytest
from helpers.support import NO_WAIT, Script, completion, principal
from tenacity import RetryCallState, wait_fixed
from tenacity.wait import wait_base

from summarizer import (
    AuthError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    InvalidReplyError,
    NoAgreementError,
    RateLimitedError,
    RequestRejectedError,
    ServerFailureError,
    TruncatedReplyError,
    UngroundedReplyError,
    asummarize,
    summarize,
)
from summarizer._model.retry import wait_retry_after


def error_response(status: int, message: str = "boom", **headers: str) -> httpx2.Response:
    return httpx2.Response(status, headers=headers, json={"error": {"message": message}})


def with_bad_quote(reply: dict[str, Any]) -> dict[str, Any]:
    """The seed reply with one party quoted in words the article does not use."""
    bad = copy.deepcopy(reply)
    principal(bad)["parties"][0]["evidence"] = "Jeffrey A. Grimming, Chief of INTERPOL Washington"
    return bad


def with_bad_agreement_quote(reply: dict[str, Any]) -> dict[str, Any]:
    bad = copy.deepcopy(reply)
    principal(bad)["agreement"]["evidence"] = "have signed a Memorandum of Understanding"
    return bad


class RecordingWait(wait_base):
    """Computes what the wrapped strategy would wait, remembers it, and waits nothing."""

    def __init__(self, inner: wait_base) -> None:
        self.inner = inner
        self.asked: list[float] = []

    def __call__(self, retry_state: RetryCallState) -> float:
        self.asked.append(self.inner(retry_state))
        return 0.0


def test_429_then_success_honours_retry_after(seed_article, seed_reply) -> None:
    script = Script(
        error_response(429, "slow down", **{"retry-after": "7"}), completion(seed_reply)
    )
    wait = RecordingWait(wait_retry_after(fallback=wait_fixed(99)))
    summary = summarize(
        seed_article, client=script.client(), settings=replace(NO_WAIT, transport_wait=wait)
    )
    assert wait.asked == [7.0]
    assert (summary.meta.http_requests, summary.meta.attempts) == (2, 1)
    assert summary.parties[0].name == "INTERPOL Washington"


def test_retry_after_ms_and_fallback_backoff(seed_article, seed_reply) -> None:
    script = Script(
        error_response(429, **{"retry-after-ms": "1500"}),
        error_response(429),
        completion(seed_reply),
    )
    wait = RecordingWait(wait_retry_after(fallback=wait_fixed(2)))
    summarize(seed_article, client=script.client(), settings=replace(NO_WAIT, transport_wait=wait))
    assert wait.asked == [1.5, 2.0]


def test_429_until_attempts_run_out(seed_article) -> None:
    script = Script(*[error_response(429, **{"retry-after": "1"}) for _ in range(3)])
    with pytest.raises(RateLimitedError) as caught:
        summarize(
            seed_article, client=script.client(), settings=replace(NO_WAIT, transport_attempts=3)
        )
    assert caught.value.attempts == 3
    assert caught.value.retry_after == 1.0
    assert len(script.requests) == 3


def test_500_then_success(seed_article, seed_reply) -> None:
    script = Script(error_response(500), error_response(503), completion(seed_reply))
    summary = summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert summary.meta.http_requests == 3
    assert summary.meta.usage.total_tokens == 150  # failed HTTP attempts carry no usage


def test_5xx_until_attempts_run_out(seed_article) -> None:
    script = Script(*[error_response(502) for _ in range(4)])
    with pytest.raises(ServerFailureError) as caught:
        summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert (caught.value.status_code, caught.value.attempts) == (502, 4)


def test_timeout_then_success(seed_article, seed_reply) -> None:
    script = Script(httpx2.ReadTimeout("read timed out"), completion(seed_reply))
    summary = summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert summary.meta.http_requests == 2


def test_timeouts_until_attempts_run_out(seed_article) -> None:
    script = Script(*[httpx2.ReadTimeout("read timed out") for _ in range(2)])
    with pytest.raises(EndpointTimeoutError) as caught:
        summarize(
            seed_article, client=script.client(), settings=replace(NO_WAIT, transport_attempts=2)
        )
    assert caught.value.attempts == 2
    assert "(after 2 attempts)" in str(caught.value)


def test_connection_refused_is_retried_then_raised(seed_article) -> None:
    script = Script(*[httpx2.ConnectError("connection refused") for _ in range(4)])
    with pytest.raises(EndpointUnreachableError):
        summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert len(script.requests) == 4


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, AuthError), (403, AuthError), (400, RequestRejectedError), (404, RequestRejectedError)],
)
def test_client_errors_fail_fast(seed_article, status, error) -> None:
    script = Script(error_response(status, "nope"))
    with pytest.raises(error) as caught:
        summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert caught.value.status_code == status
    assert len(script.requests) == 1


def test_malformed_json_then_valid(seed_article, seed_reply) -> None:
    script = Script(completion('{"reports_agreement": true, "parties": ['), completion(seed_reply))
    summary = summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert (summary.meta.attempts, summary.meta.http_requests) == (2, 2)
    assert summary.meta.usage.total_tokens == 300  # both replies are paid for
    reask = script.requests[1]["messages"]
    assert reask[-2]["role"] == "assistant"
    assert reask[-1]["role"] == "user" and "json" in reask[-1]["content"].lower()


def test_quote_not_in_text_then_corrected(seed_article, seed_reply) -> None:
    script = Script(completion(with_bad_quote(seed_reply)), completion(seed_reply))
    summary = summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert summary.meta.attempts == 2
    assert summary.meta.grounding.rejected_in_earlier_replies == 1
    assert "is not in the article" in script.requests[1]["messages"][-1]["content"]
    # The first request's messages were not grown by the re-ask.
    assert len(script.requests[0]["messages"]) == 2


def test_core_quote_never_corrected_raises_with_last_reply_and_usage(
    seed_article, seed_reply
) -> None:
    bad = completion(with_bad_agreement_quote(seed_reply))
    script = Script(bad, bad, bad)
    with pytest.raises(UngroundedReplyError) as caught:
        summarize(seed_article, client=script.client(), settings=NO_WAIT)
    error = caught.value
    assert error.attempts == 3
    assert error.usage.total_tokens == 450
    assert error.last_reply is not None and "Memorandum of Understanding" in error.last_reply
    assert any(
        "agreement.evidence" in problem and "is not in the article" in problem
        for problem in error.problems
    )


def test_optional_quote_never_corrected_is_dropped_after_the_reasks(
    seed_article, seed_reply
) -> None:
    bad = completion(with_bad_quote(seed_reply))
    script = Script(bad, bad, bad)
    summary = summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert summary.meta.attempts == 3
    assert [p.name for p in summary.parties] == ["National Central Bureau Ottawa"]
    dropped = {d.path: d for d in summary.meta.dropped}
    assert "is not in the article" in dropped["agreements[0].parties[0].evidence"].reason
    # The signatory who signed for the dropped party loses the link, not the person.
    assert "agreements[0].signatories[0].party" in dropped
    assert summary.signatories[0].name == "Jeffrey A. Grimming"
    assert summary.signatories[0].party is None


def test_name_missing_from_its_quote_is_reasked(seed_article, seed_reply) -> None:
    invented = copy.deepcopy(seed_reply)
    signatory = principal(invented)["signatories"][0]
    signatory["name"] = signatory["mention"] = "John Smith"
    script = Script(completion(invented), completion(seed_reply))
    summary = summarize(seed_article, client=script.client(), settings=NO_WAIT)
    reask = script.requests[1]["messages"][-1]["content"]
    assert "- agreements[0].signatories[0].mention 'John Smith': is not in its quote" in reask
    assert summary.signatories[0].name == "Jeffrey A. Grimming"


def test_dateline_is_not_the_venue(seed_article, seed_reply) -> None:
    wrong = copy.deepcopy(seed_reply)
    principal(wrong)["venue"] = {
        "event": None,
        "city": "OTTAWA",
        "country": None,
        "evidence": "OTTAWA (Northwire)",
    }
    script = Script(completion(wrong), completion(seed_reply))
    summary = summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert "is the dateline" in script.requests[1]["messages"][-1]["content"]
    assert summary.venue is not None and summary.venue.city is not None
    assert summary.venue.city.name == "Lyon"


def test_schema_errors_without_grounding_problems_raise_invalid_reply(seed_article) -> None:
    script = Script(*[completion({"headline": "only a headline"}) for _ in range(2)])
    with pytest.raises(InvalidReplyError) as caught:
        summarize(seed_article, client=script.client(), settings=replace(NO_WAIT, reasks=1))
    assert type(caught.value) is InvalidReplyError
    assert any("reports_agreement" in problem for problem in caught.value.problems)


def test_no_agreement_with_invented_parties_is_reasked(seed_article) -> None:
    article = "BRUSSELS (Desk) - Police chiefs met on Tuesday. No agreement was signed."
    invented = {
        "reports_agreement": False,
        "no_agreement_reason": "No agreement was signed.",
        "agreements": [{
            "agreement": {"kind": "other", "title": None, "date_text": None,
                          "evidence": "Police chiefs met on Tuesday"},
            "parties": [{"name": "Police", "mention": "Police", "kind": "agency",
                         "country": None, "parent_body": None,
                         "evidence": "Police chiefs met on Tuesday"}],
            "signatories": [], "aims": [], "venue": None, "threat_groups": [],
        }],
        "headline": "Police chiefs met but signed nothing.",
    }  # fmt: skip
    honest = {**invented, "agreements": []}
    script = Script(completion(invented), completion(honest))
    with pytest.raises(NoAgreementError) as caught:
        summarize(article, client=script.client(), settings=NO_WAIT)
    reask = script.requests[1]["messages"][-1]["content"]
    assert "- reports_agreement 'false': so leave these empty or null: agreements" in reask
    assert "errors.pydantic.dev" not in reask and "input_value" not in reask
    assert caught.value.meta.attempts == 2


def test_length_cut_off_fails_fast(seed_article, seed_reply) -> None:
    cut = json.dumps(seed_reply)[:200]
    script = Script(completion(cut, finish_reason="length"))
    with pytest.raises(TruncatedReplyError) as caught:
        summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert len(script.requests) == 1
    assert caught.value.last_reply == cut
    assert caught.value.usage.total_tokens == 150
    assert "max_tokens=4096" in str(caught.value)


def test_transport_retries_inside_reasks(seed_article, seed_reply) -> None:
    script = Script(
        error_response(500),
        completion(with_bad_quote(seed_reply)),
        error_response(429),
        completion(seed_reply),
    )
    summary = summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert (summary.meta.attempts, summary.meta.http_requests) == (2, 4)


def test_async_twin_retries_and_reasks(seed_article, seed_reply) -> None:
    script = Script(
        error_response(429), completion(with_bad_quote(seed_reply)), completion(seed_reply)
    )
    summary = asyncio.run(asummarize(seed_article, client=script.async_client(), settings=NO_WAIT))
    assert (summary.meta.attempts, summary.meta.http_requests) == (2, 3)
    assert summary.parties[1].name == "National Central Bureau Ottawa"


def test_async_twin_translates_errors(seed_article) -> None:
    script = Script(error_response(401))
    with pytest.raises(AuthError):
        asyncio.run(asummarize(seed_article, client=script.async_client(), settings=NO_WAIT))


def test_garbage_replies_raise_invalid_reply_with_the_garbage(seed_article) -> None:
    garbage = "I'm sorry, as a language model I cannot summarize this article."
    script = Script(*[completion(garbage) for _ in range(3)])
    with pytest.raises(InvalidReplyError) as caught:
        summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert caught.value.last_reply == garbage
    assert caught.value.attempts == 3 and len(script.requests) == 3
    assert "json" in " ".join(caught.value.problems).lower()


def test_a_name_nothing_proves_is_kept_unverified_not_reasked(seed_article, seed_reply) -> None:
    invented = copy.deepcopy(seed_reply)
    principal(invented)["parties"][0]["name"] = "Europol"
    script = Script(completion(invented))
    summary = summarize(seed_article, client=script.client(), settings=NO_WAIT)
    assert len(script.requests) == 1 and summary.meta.dropped == []
    party = summary.parties[0]
    assert (party.name, party.mention, party.basis) == (
        "Europol", "INTERPOL Washington", "unverified",
    )  # fmt: skip


def test_verified_only_falls_back_to_the_mention_and_says_so(seed_article, seed_reply) -> None:
    invented = copy.deepcopy(seed_reply)
    principal(invented)["parties"][0]["name"] = "Europol"
    script = Script(completion(invented))
    settings = replace(NO_WAIT, keep_unverified=False)
    summary = summarize(seed_article, client=script.client(), settings=settings)
    party = summary.parties[0]
    assert (party.name, party.basis) == ("INTERPOL Washington", "stated")
    # The signatory who signed for it follows it to its mention.
    assert summary.signatories[0].party == "INTERPOL Washington"
    (left_out,) = summary.meta.dropped
    assert left_out.path == "agreements[0].parties[0].name" and left_out.value == "Europol"
    assert "was not proved from the article (unverified)" in left_out.reason
