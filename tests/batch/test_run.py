"""Batches: one result per item, typed failures that do not stop the batch, shared limits."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections import Counter

import httpx2
import openai
import pytest
from helpers.support import (
    BASE_URL,
    NO_WAIT,
    REFERENCE_ROUNDUPS_LANGUAGES,
    TEST_ARTICLES,
    ReferenceEndpoint,
    Script,
    article,
    completion,
    principal,
    reference_reply,
    replay_all,
)

from summarizer import (
    ConfigError,
    DuplicateItemError,
    EmptyInputError,
    ItemResult,
    NotTextError,
    Settings,
    UngroundedReplyError,
    UnreadableInputError,
    asummarize_many,
    summarize_many,
)
from summarizer._batch.run import ahead
from summarizer._model.cassettes import Cassette
from summarizer._model.gate import RequestGate, estimated_tokens

SEED = "interpol_tren_de_aragua"
NO_AGREEMENT = "talks_without_agreement"


def run(items, **options) -> list[ItemResult]:
    return list(summarize_many(items, cache=False, settings=NO_WAIT, **options))


def test_every_item_once_with_its_own_summary() -> None:
    endpoint = ReferenceEndpoint(delay=0.01)
    texts = list(endpoint.contents)
    items = [(f"item-{n}", texts[n % len(texts)]) for n in range(3 * len(texts))]
    results = run(items, client=endpoint.async_client(), concurrency=4)

    assert Counter(r.id for r in results) == Counter(dict.fromkeys((i for i, _ in items), 1))
    by_id = {r.id: r for r in results}
    for item_id, text in items:
        result = by_id[item_id]
        if text == article(NO_AGREEMENT):
            assert result.status == "no_agreement" and result.summary is None
        else:
            assert result.status == "summarized" and result.summary is not None
            assert result.summary.meta.article_sha256 and not result.cached
            quote = result.summary.agreement.evidence
            assert text[quote.start : quote.end] == quote.quote  # its own article's offsets
        assert result.usage.total_tokens == 150  # one reply each
    assert endpoint.requests == len(items)


def test_bad_items_fail_alone_and_the_batch_goes_on() -> None:
    endpoint = ReferenceEndpoint()
    seed = article(SEED)
    items = [
        ("empty", "  \n"),
        ("binary", b"\xff\xfe\x00junk"),
        ("unreadable", UnreadableInputError("cannot read x.txt: Permission denied")),
        ("good", seed),
        ("good", seed),  # the same id again
        ("after", seed),
    ]
    results = {
        (r.id, r.status, type(r.error).__name__) for r in run(items, client=endpoint.async_client())
    }
    assert results == {
        ("empty", "failed", EmptyInputError.__name__),
        ("binary", "failed", NotTextError.__name__),
        ("unreadable", "failed", UnreadableInputError.__name__),
        ("good", "summarized", "NoneType"),
        ("good", "failed", DuplicateItemError.__name__),
        ("after", "summarized", "NoneType"),
    }
    assert endpoint.requests == 2  # nothing was sent for the bad items


def test_a_reply_that_never_grounds_fails_its_item_with_what_it_spent(seed_reply) -> None:
    invented = copy.deepcopy(seed_reply)
    principal(invented)["parties"] = [
        {**principal(seed_reply)["parties"][0], "evidence": "not there"}
    ]
    script = Script(*[completion(invented)] * 3)
    (result,) = run([("x", article(SEED))], client=script.async_client())
    assert result.status == "failed" and isinstance(result.error, UngroundedReplyError)
    assert result.usage.total_tokens == 3 * 150  # three paid replies, all recorded
    record = result.to_record()
    assert record["error"]["type"] == "UngroundedReplyError" and record["error"]["problems"]
    assert json.loads(result.to_json_line()) == record


def test_inputs_are_read_only_as_slots_free_up() -> None:
    endpoint = ReferenceEndpoint(delay=0.01)
    seed = article(SEED)
    pulled = 0

    def items():
        nonlocal pulled
        for n in range(40):
            pulled += 1
            yield f"item-{n}", seed

    results = summarize_many(items(), client=endpoint.async_client(), concurrency=3, cache=False)
    first = next(results)
    assert first.status == "summarized"
    # The slots, the items held ahead of them, and the one that showed the loop it could wait.
    assert pulled <= 3 + ahead(3) + 1
    rest = list(results)
    assert len(rest) == 39 and pulled == 40


def test_requests_in_flight_stay_within_the_concurrency_while_more_items_are_held() -> None:
    endpoint = ReferenceEndpoint(delay=0.05)
    held = 0
    most_held = 0

    async def items():
        nonlocal held, most_held
        for n in range(30):
            held += 1
            most_held = max(most_held, held)
            yield f"item-{n}", article(SEED)

    async def consume() -> int:
        nonlocal held
        done = 0
        client = endpoint.async_client()
        async for result in asummarize_many(items(), client=client, concurrency=4, cache=False):
            assert result.ok
            held -= 1
            done += 1
        return done

    assert asyncio.run(consume()) == 30
    assert endpoint.peak_in_flight == 4  # every slot used, never one more
    assert 4 + ahead(4) <= most_held <= 4 + ahead(4) + 1  # some ready for a slot at once


def test_stopping_early_cancels_what_is_in_flight() -> None:
    endpoint = ReferenceEndpoint(delay=0.05)
    items = ((f"item-{n}", article(SEED)) for n in range(100))
    results = summarize_many(items, client=endpoint.async_client(), concurrency=4, cache=False)
    assert next(results).ok
    results.close()  # no warnings about pending tasks (pytest turns them into errors)
    assert endpoint.requests <= 4 + ahead(4) + 1


def test_a_retry_after_pauses_every_request_of_the_batch() -> None:
    """One 429 asking for 0.5 s: no request may leave before that pause is over."""
    seed_content = json.dumps(reference_reply(SEED))
    sent: list[float] = []
    limited_at: list[float] = []

    async def endpoint(request: httpx2.Request) -> httpx2.Response:
        sent.append(time.monotonic())
        if not limited_at:
            limited_at.append(time.monotonic())
            return httpx2.Response(429, headers={"retry-after-ms": "500"}, json={"error": {}})
        await asyncio.sleep(0.05)
        return httpx2.Response(200, json=completion(seed_content))

    http = httpx2.AsyncClient(transport=httpx2.MockTransport(endpoint))
    client = openai.AsyncOpenAI(api_key="test-key", base_url=BASE_URL, http_client=http)
    items = [(f"item-{n}", article(SEED)) for n in range(9)]
    results = run(items, client=client, concurrency=3)
    assert all(r.status == "summarized" for r in results)
    # The first three requests left together, before the 429 came back; every later one
    # (the retry, and the next items of the two other slots) waited out the pause.
    assert len(sent) == 10 and min(sent[3:]) - limited_at[0] >= 0.5


def test_the_request_limit_holds_requests_back() -> None:
    async def scenario() -> tuple[int, int]:
        gate = RequestGate(requests_per_minute=3)
        passed = 0

        async def one() -> None:
            nonlocal passed
            await gate.wait_turn({"messages": [], "max_tokens": 10})
            passed += 1

        tasks = [asyncio.create_task(one()) for _ in range(4)]
        for _ in range(200):  # the first three pass at once, however busy the machine
            if passed >= 3:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # the fourth needs 20 s of the minute's budget
        held = passed
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return held, len(tasks)

    held, total = asyncio.run(scenario())
    assert held == 3 < total


def test_the_token_limit_counts_input_and_the_reply_allowance() -> None:
    request = {"messages": [{"role": "user", "content": "x" * 4000}], "max_tokens": 500}
    assert 1000 + 500 <= estimated_tokens(request) < 1000 + 500 + 50

    async def scenario() -> tuple[bool, bool]:
        gate = RequestGate(tokens_per_minute=2000)
        await asyncio.wait_for(gate.wait_turn(request), timeout=30)  # 1,5xx of 2,000
        second = asyncio.create_task(gate.wait_turn(request))
        await asyncio.sleep(0.3)
        held = not second.done()
        second.cancel()
        await asyncio.gather(second, return_exceptions=True)
        return True, held

    first_passed, second_held = asyncio.run(scenario())
    assert first_passed and second_held


def test_limits_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="requests_per_minute"):
        RequestGate(requests_per_minute=0)


def test_async_twin_yields_the_same_results() -> None:
    endpoint = ReferenceEndpoint()
    items = [(f"item-{n}", text) for n, text in enumerate(endpoint.contents)]

    async def collect() -> list[ItemResult]:
        return [
            r
            async for r in asummarize_many(
                items, client=endpoint.async_client(), cache=False, settings=NO_WAIT
            )
        ]

    results = asyncio.run(collect())
    assert sorted(r.id for r in results) == sorted(i for i, _ in items)
    assert {r.status for r in results} == {"summarized", "no_agreement"}


def test_results_are_yielded_while_a_slow_source_is_still_producing() -> None:
    endpoint = ReferenceEndpoint()
    seed = article(SEED)
    yielded_at: list[float] = []

    async def slow_source():
        yield "first", seed
        await asyncio.sleep(1.0)  # the next item takes a while to arrive
        yield "second", seed

    async def scenario() -> float:
        started = time.monotonic()
        async for _ in asummarize_many(
            slow_source(), client=endpoint.async_client(), cache=False, settings=NO_WAIT
        ):
            yielded_at.append(time.monotonic() - started)
        return time.monotonic() - started

    total = asyncio.run(scenario())
    assert len(yielded_at) == 2
    assert yielded_at[0] < yielded_at[1] and total >= 1.0  # the first did not wait for it


def test_what_would_fail_every_item_fails_the_batch_before_any_item() -> None:
    from summarizer import PromptError

    consumed = []

    def items():
        consumed.append(1)
        yield "x", article(SEED)

    with pytest.raises(PromptError):
        list(summarize_many(items(), settings=Settings(prompt_version="99"), cache=False))
    assert not consumed


def test_the_first_occurrence_claims_an_id_even_when_it_fails() -> None:
    endpoint = ReferenceEndpoint()
    items = [("x", UnreadableInputError("cannot read")), ("x", article(SEED))]
    results = run(items, client=endpoint.async_client())
    assert [type(r.error).__name__ for r in results] == [
        "UnreadableInputError",
        "DuplicateItemError",
    ]
    assert endpoint.requests == 0


def test_a_cache_that_fails_costs_a_request_never_a_result(tmp_path, caplog) -> None:
    from summarizer import SummaryCache

    store = SummaryCache(tmp_path / "cache.sqlite")
    store.close()  # every read and write now fails
    endpoint = ReferenceEndpoint()
    (result,) = summarize_many([("x", article(SEED))], client=endpoint.async_client(), cache=store)
    assert result.status == "summarized" and endpoint.requests == 1
    assert "could not be written" in caplog.text


def test_a_default_cache_that_cannot_open_is_skipped(monkeypatch, caplog) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", "/proc/no-such-dir")
    endpoint = ReferenceEndpoint()
    (result,) = summarize_many([("x", article(SEED))], client=endpoint.async_client())
    assert result.status == "summarized" and "no response cache" in caplog.text


def test_a_pause_holds_a_request_that_was_already_waiting_for_the_limits() -> None:
    request = {"messages": [], "max_tokens": 300}

    async def scenario() -> float:
        gate = RequestGate(tokens_per_minute=600)  # 10 a second, 600 at once
        await gate.wait_turn(request)  # 301 of the 600
        second = asyncio.create_task(gate.wait_turn(request))  # needs 0.2 s more budget
        await asyncio.sleep(0.05)
        paused_at = time.monotonic()
        gate.pause(1.0)  # a 429 elsewhere, while the second waits for tokens
        await asyncio.wait_for(second, timeout=30)
        return time.monotonic() - paused_at

    assert asyncio.run(scenario()) >= 1.0


def roundup(stem: str = "conference_five_agreements") -> tuple[str, str]:
    """A round-up's text and its reference reply's JSON content."""
    text = (TEST_ARTICLES / "roundups" / f"{stem}.txt").read_text(encoding="utf-8")
    cassette = Cassette.load(REFERENCE_ROUNDUPS_LANGUAGES / f"{stem}.json")
    return text, cassette.interactions[0]["response"]["body"]["choices"][0]["message"]["content"]


def test_a_round_up_keeps_every_agreement_the_principal_first() -> None:
    text, content = roundup()
    alone = replay_all("conference_five_agreements", text)
    endpoint = ReferenceEndpoint({text: content})
    [result] = run([("round-up", text)], client=endpoint.async_client())

    assert len(alone) == 5 and result.summary is result.summaries[0]
    assert [s.agreement for s in result.summaries] == [s.agreement for s in alone]
    assert [s.parties for s in result.summaries] == [s.parties for s in alone]
    assert result.usage == result.summary.meta.usage  # one call, counted once
    record = json.loads(result.to_json_line())
    assert record["summary"]["agreement"] == alone[0].agreement.model_dump(mode="json")
    assert [s["agreement"] for s in record["other_summaries"]] == [
        s.agreement.model_dump(mode="json") for s in alone[1:]
    ]


def test_a_story_with_one_agreement_writes_no_other_summaries() -> None:
    endpoint = ReferenceEndpoint()
    [result] = run([("seed", article(SEED))], client=endpoint.async_client())
    assert len(result.summaries) == 1 and result.others == ()
    assert "other_summaries" not in result.to_record()


def test_spending_that_cannot_be_kept_ends_a_long_article_whole_and_uncached(tmp_path) -> None:
    from dataclasses import replace
    from pathlib import Path

    from helpers.long_articles import REPORT, PartReader, text_of

    from summarizer import ResultsWriteError, SummaryCache

    reader = PartReader(REPORT)
    client = openai.AsyncOpenAI(
        api_key="k",
        base_url="http://model.test/v1",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(reader)),
    )
    noted: list[str] = []

    def on_spent(item_id: str, usage: object) -> None:
        noted.append(item_id)
        raise ResultsWriteError("disk full", path=Path("results.jsonl.spent"), needed=1, free=0)

    settings = replace(NO_WAIT, max_part_chars=30_000, part_overlap_chars=1_500)
    settings = replace(settings, part_concurrency=1)
    with SummaryCache(tmp_path / "cache.sqlite") as cache:
        (result,) = summarize_many(
            [("report", text_of(REPORT))],
            client=client,
            settings=settings,
            cache=cache,
            on_spent=on_spent,
        )
        assert len(cache) == 0  # never a summary with a part missing, kept for later runs
    # Not "summarized" without a part: the item fails with the error, after one paid reply.
    assert isinstance(result.error, ResultsWriteError) and result.status == "failed"
    assert len(reader.parts) == 1 and noted == ["report"]
    assert result.usage.total_tokens > 0  # the reply it did pay for is its usage
