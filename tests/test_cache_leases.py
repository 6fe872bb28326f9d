"""Leases: processes, threads and tasks sharing one cache file pay for an article once, the
others waiting for its entry; a holder that fails or is cancelled releases the article at
once, and one that is killed holds the others up no longer than its lease."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
from helpers.fake_openai import FakeOpenAIServer, Weather, reference_replies
from helpers.shared_cache import batches, finish, shared_items, summarize_shared
from helpers.support import BASE_URL, NO_WAIT, ReferenceEndpoint, article, completion

from summarizer import RequestRejectedError, SummaryCache, asummarize, summarize

SEED = "interpol_tren_de_aragua"


def leases(path: Path) -> list[tuple[str, float]]:
    """The lease rows in the file, read as another process would: (holder, expires)."""
    with closing(sqlite3.connect(path)) as db:
        try:
            return db.execute("SELECT holder, expires FROM leases").fetchall()
        except sqlite3.OperationalError:  # no such table: a cache without leases
            return []


def wait_for(condition: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.01)
    return value


def test_three_processes_sharing_a_cache_pay_for_each_article_once(tmp_path) -> None:
    count = len(reference_replies())
    with FakeOpenAIServer(reference_replies(), Weather(latency=0.3)) as server:
        path = tmp_path / "summaries.sqlite"
        with batches(3, path, server.base_url, count, "--concurrency", "4") as children:
            reports = finish(children)
        stats = server.stats
    assert stats.requests == stats.completions == count, reports
    for report in reports:
        statuses: dict[str, int] = report["statuses"]  # type: ignore[assignment]
        assert sum(statuses.values()) == count and "failed" not in statuses, report
    cached = sum(report["cached"] for report in reports)  # type: ignore[misc]
    assert cached == 2 * count, reports
    assert leases(path) == []


def test_a_killed_holders_lease_is_taken_over_at_once_on_its_own_host(tmp_path) -> None:
    path = tmp_path / "summaries.sqlite"
    with FakeOpenAIServer(reference_replies(), Weather(latency=1.5)) as server:
        with batches(1, path, server.base_url, 1, "--lease-seconds", "60") as (victim,):
            ((holder, _),) = wait_for(lambda: leases(path))  # claimed: its request is out
            victim.kill()
            victim.wait()
        started = time.monotonic()
        (result,) = summarize_shared(path, server.base_url, shared_items(1), lease_seconds=60)
        waited = time.monotonic() - started
    assert holder.split(":")[1] == str(victim.pid)
    assert result.status == "summarized" and not result.cached
    assert waited < 30  # not the lease's 60 s: a process known gone is not waited for
    assert leases(path) == []


def test_a_killed_holder_that_cannot_be_probed_holds_the_others_up_for_its_lease(
    tmp_path,
) -> None:
    """A holder of another host (or container): its lease, no longer renewed, expires."""
    path = tmp_path / "summaries.sqlite"
    latency = 1.0
    with FakeOpenAIServer(reference_replies(), Weather(latency=latency)) as server:
        options = ("--lease-seconds", "2", "--foreign-host")
        with batches(1, path, server.base_url, 1, *options) as (victim,):
            wait_for(lambda: leases(path))
            victim.kill()
            victim.wait()
        ((holder, expires),) = leases(path)
        (result,) = summarize_shared(path, server.base_url, shared_items(1), lease_seconds=2)
        finished = time.time()
    assert holder.startswith("elsewhere.invalid:")
    assert result.status == "summarized" and not result.cached
    assert expires + latency <= finished < expires + latency + 20  # paid once it expired
    assert leases(path) == []


def blocking_client(
    answer: Callable[[], httpx2.Response], answer_when: threading.Event, sent: list[float]
) -> openai.OpenAI:
    """A client whose requests are noted in `sent` and answered once `answer_when` is set."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        sent.append(time.monotonic())
        assert answer_when.wait(30)
        return answer()

    transport = httpx2.MockTransport(handle)
    return openai.OpenAI(
        api_key="test-key", base_url=BASE_URL, http_client=httpx2.Client(transport=transport)
    )


def race(
    cache: SummaryCache, holder: openai.OpenAI, holder_sent: list[float], other: openai.OpenAI
) -> tuple[dict[str, Any], threading.Thread]:
    """The seed article summarized by `holder` in one thread and, once its request is out,
    by `other` in a second; returns the outcomes by name (when joined) and the second."""
    outcomes: dict[str, Any] = {}

    def run(name: str, client: openai.OpenAI) -> None:
        try:
            outcomes[name] = summarize(article(SEED), client=client, cache=cache, settings=NO_WAIT)
        except Exception as exc:
            outcomes[name] = exc

    first = threading.Thread(target=run, args=("holder", holder))
    first.start()
    wait_for(lambda: holder_sent)
    second = threading.Thread(target=run, args=("other", other))
    second.start()
    return outcomes, first


def test_a_holder_that_fails_releases_the_article_and_the_one_waiting_pays(
    tmp_path, seed_reply
) -> None:
    path = tmp_path / "summaries.sqlite"
    fail_now, answer_at_once = threading.Event(), threading.Event()
    answer_at_once.set()
    holder_sent: list[float] = []
    other_sent: list[float] = []
    rejected = httpx2.Response(400, json={"error": {"message": "no"}})
    holder = blocking_client(lambda: rejected, fail_now, holder_sent)
    other = blocking_client(
        lambda: httpx2.Response(200, json=completion(seed_reply)), answer_at_once, other_sent
    )
    with SummaryCache(path) as cache:
        outcomes, first = race(cache, holder, holder_sent, other)
        time.sleep(1.0)
        assert other_sent == []  # waiting for the holder's entry, not paying alongside
        fail_now.set()
        first.join()
        wait_for(lambda: "other" in outcomes)
    assert isinstance(outcomes["holder"], RequestRejectedError)
    assert not outcomes["other"].meta.cached and len(other_sent) == 1
    assert other_sent[0] > holder_sent[0]
    assert leases(path) == []


def test_a_holder_slower_than_its_lease_renews_it_and_the_other_is_answered_from_the_cache(
    tmp_path, seed_reply
) -> None:
    path = tmp_path / "summaries.sqlite"
    answer_now, answer_at_once = threading.Event(), threading.Event()
    answer_at_once.set()
    holder_sent: list[float] = []
    other_sent: list[float] = []

    def reply() -> httpx2.Response:
        return httpx2.Response(200, json=completion(seed_reply))

    holder = blocking_client(reply, answer_now, holder_sent)
    other = blocking_client(reply, answer_at_once, other_sent)
    with SummaryCache(path, lease_seconds=0.3) as cache:
        outcomes, first = race(cache, holder, holder_sent, other)
        time.sleep(1.5)  # five leases long
        answer_now.set()
        first.join()
        wait_for(lambda: "other" in outcomes)
    assert not outcomes["holder"].meta.cached and outcomes["other"].meta.cached
    assert other_sent == []


def test_a_cancelled_holder_releases_its_lease(tmp_path) -> None:
    path = tmp_path / "summaries.sqlite"

    async def scenario() -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        in_flight = asyncio.Event()

        async def never_answer(request: httpx2.Request) -> httpx2.Response:
            in_flight.set()
            await asyncio.sleep(60)
            raise AssertionError("cancelled before")

        transport = httpx2.MockTransport(never_answer)
        client = openai.AsyncOpenAI(
            api_key="test-key",
            base_url=BASE_URL,
            http_client=httpx2.AsyncClient(transport=transport),
        )
        with SummaryCache(path) as cache:
            task = asyncio.create_task(
                asummarize(article(SEED), client=client, cache=cache, settings=NO_WAIT)
            )
            await asyncio.wait_for(in_flight.wait(), 30)
            held = leases(path)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return held, leases(path)

    held, after = asyncio.run(scenario())
    assert len(held) == 1 and after == []


def test_tasks_of_one_process_pay_for_an_article_once(tmp_path) -> None:
    endpoint = ReferenceEndpoint(delay=0.3)
    client = endpoint.async_client()

    async def twice() -> list[Any]:
        with SummaryCache(tmp_path / "summaries.sqlite") as cache:
            return await asyncio.gather(
                *(asummarize(article(SEED), client=client, cache=cache) for _ in range(2))
            )

    first, second = asyncio.run(twice())
    assert endpoint.requests == 1
    assert sorted([first.meta.cached, second.meta.cached]) == [False, True]
