"""Many articles in one run: bounded concurrency, shared rate limits, a cache, one result each.

`asummarize_many()` takes `(id, text)` pairs, lazily, and yields one `ItemResult` per item
as it finishes. At most `concurrency` requests are in flight, and a few items more are held
(`ahead()`: being prepared, waiting for a slot, being checked), so that a slot an answer
frees is taken at once while our own work on the others goes on; memory stays flat however
long the input is. An item that fails yields its typed error and what it spent;
the batch goes on. `summarize_many()` is its synchronous twin.

    for result in summarize_many(pairs, concurrency=16, requests_per_minute=500):
        if result.summary:
            store(result.id, result.summary)
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Coroutine,
    Iterable,
    Iterator,
)
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._api import open_cache
from .._cache import SummaryCache
from .._config import Settings, resolve
from .._exceptions import (
    ConfigError,
    NoAgreementError,
    SummarizerError,
)
from .._job import Job
from .._meta import Usage
from .._model.gate import RequestGate
from .._prompts import load_prompt
from .._summary import AgreementSummary
from .item import ItemResult, Items, ItemText, duplicate_item

if TYPE_CHECKING:
    import openai

__all__ = ["DEFAULT_CONCURRENCY", "ahead", "asummarize_many", "summarize_many"]

logger = logging.getLogger("summarizer")

DEFAULT_CONCURRENCY = 8


def ahead(concurrency: int) -> int:
    """How many items a batch holds beyond its requests in flight: enough that one is ready
    to send whenever an answer frees a slot, few enough that memory stays that of the
    slots (a quarter more, and at least two)."""
    return max(2, concurrency // 4)


async def asummarize_many(
    items: Items,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    settings: Settings | None = None,
    client: openai.AsyncOpenAI | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    requests_per_minute: float | None = None,
    tokens_per_minute: float | None = None,
    cache: SummaryCache | bool | None = True,
    on_spent: Callable[[str, Usage], None] | None = None,
) -> AsyncGenerator[ItemResult, None]:
    """Summarize `(id, text)` pairs, yielding each item's result as it finishes.

    Args:
        items: `(id, text)` pairs, from a sync or async iterable; read as slots free up.
        model, base_url, api_key, settings, client: as for `asummarize()`.
        concurrency: requests in flight at once (items held: that and `ahead()` more).
        requests_per_minute, tokens_per_minute: client-side limits shared by every request.
        cache: on by default (the user's cache directory); False to pay for every item.
        on_spent: called with an item's id and a reply's usage as each paid reply arrives,
            before the item's result: what a process killed mid-item has paid stays known
            (`summarizer batch` keeps it in the results file's `.spent` side file). What it
            raises ends that item, with that error as its result.

    Raises:
        ConfigError: before any item, when the settings cannot work.

    An item whose id was already seen fails with `DuplicateItemError`; every other failure
    of an item (bad input, endpoint, reply) is its result, never the batch's end.
    """
    if concurrency < 1:
        raise ConfigError("concurrency must be at least 1")
    settings = settings or Settings()
    # What would fail every item fails the batch instead, before any item is read.
    load_prompt(settings.prompt, settings.prompt_version)
    gate = RequestGate(
        requests_per_minute=requests_per_minute,
        tokens_per_minute=tokens_per_minute,
        max_in_flight=concurrency,
    )
    own_client: openai.AsyncOpenAI | None = None
    if client is None:
        from .._model.clients import batch_client

        config = resolve(model=model, base_url=base_url, api_key=api_key, settings=settings)
        client = own_client = batch_client(config)
    run = _Run(
        store=open_cache(cache),
        same_article=_KeyLocks(),
        gate=gate,
        client=client,
        model=model,
        base_url=base_url,
        api_key=api_key,
        settings=settings,
        on_spent=on_spent,
    )
    held = concurrency + ahead(concurrency)
    try:
        finishing = _as_they_finish(_pairs(items), run.result_of, held)
        async with contextlib.aclosing(finishing) as results:
            async for result in results:
                yield result
    finally:
        if own_client is not None:
            await own_client.close()


async def _as_they_finish(
    source: AsyncGenerator[tuple[str, ItemText], None],
    one: Callable[[str, str | bytes], Coroutine[Any, Any, ItemResult]],
    held: int,
) -> AsyncGenerator[ItemResult, None]:
    """`one(id, text)` for each item of `source`, at most `held` at once, each result
    yielded as it finishes; an id seen before fails as a duplicate, and an item that could
    not be read fails on its own."""
    seen: set[str] = set()
    running: set[asyncio.Task[ItemResult]] = set()
    # The next item is read by a task of its own, so results that finish while a slow
    # source is still producing are yielded at once, not when the next item arrives.
    reading: asyncio.Task[tuple[str, ItemText]] | None = None
    exhausted = False
    try:
        while True:
            if reading is None and not exhausted and len(running) < held:
                reading = asyncio.ensure_future(anext(source))
            waiting: set[asyncio.Future[Any]] = {*running, *([reading] if reading else [])}
            if not waiting:
                break
            finished, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if reading is not None and reading in finished:
                finished.discard(reading)
                try:
                    item_id, text = reading.result()
                except StopAsyncIteration:
                    exhausted = True
                else:
                    # The first occurrence of an id claims it, whatever becomes of it.
                    if item_id in seen:
                        text = duplicate_item(item_id)
                    seen.add(item_id)
                    if isinstance(text, SummarizerError):
                        yield ItemResult(item_id, "failed", error=text)
                    else:
                        running.add(asyncio.create_task(one(item_id, text)))
                reading = None
            for task in finished:
                running.discard(task)
                yield task.result()
    finally:
        pending = [*running, *([reading] if reading else [])]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await source.aclose()


def summarize_many(
    items: Iterable[tuple[str, ItemText]],
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    settings: Settings | None = None,
    client: openai.AsyncOpenAI | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    requests_per_minute: float | None = None,
    tokens_per_minute: float | None = None,
    cache: SummaryCache | bool | None = True,
    on_spent: Callable[[str, Usage], None] | None = None,
) -> Iterator[ItemResult]:
    """The synchronous twin of `asummarize_many()`, for code without an event loop.

    It runs its own event loop, so `client` (if given) is an `openai.AsyncOpenAI` too.
    Items in flight make progress only while this generator is being iterated.
    """
    results = asummarize_many(
        items,
        model=model,
        base_url=base_url,
        api_key=api_key,
        settings=settings,
        client=client,
        concurrency=concurrency,
        requests_per_minute=requests_per_minute,
        tokens_per_minute=tokens_per_minute,
        cache=cache,
        on_spent=on_spent,
    )

    async def next_result() -> ItemResult:
        return await anext(results)

    with asyncio.Runner() as runner:
        try:
            while True:
                try:
                    yield runner.run(next_result())
                except StopAsyncIteration:
                    return
        finally:
            runner.run(results.aclose())


@dataclass(frozen=True)
class _Run:
    """What every item of one batch shares."""

    store: SummaryCache | None
    same_article: _KeyLocks
    gate: RequestGate
    client: openai.AsyncOpenAI | None
    model: str | None
    base_url: str | None
    api_key: str | None
    settings: Settings
    on_spent: Callable[[str, Usage], None] | None

    async def result_of(self, item_id: str, text: str | bytes) -> ItemResult:
        """One item's result: its summaries, or its typed error, and what it spent."""
        job: Job | None = None
        try:
            job = Job.prepare(
                text, self.model, self.base_url, self.api_key, self.settings, self.client
            )
            if self.on_spent is not None:
                job.report_spending(functools.partial(self.on_spent, item_id))
            summaries = await self.summaries(job)
        except NoAgreementError as exc:
            cached = exc.meta.cached
            usage = Usage() if cached else exc.meta.usage
            return ItemResult(item_id, "no_agreement", error=exc, usage=usage, cached=cached)
        except Exception as exc:
            if not isinstance(exc, SummarizerError):
                # A bug of ours or a library's: recorded for this item, loudly; the batch goes on.
                logger.exception("item %r failed unexpectedly", item_id)
            spent = job.spent if job is not None else Usage()
            return ItemResult(item_id, "failed", error=exc, usage=spent)
        meta = summaries[0].meta
        # A cached summary cost nothing this time; its meta keeps what making it cost.
        return ItemResult.summarized(item_id, summaries, Usage() if meta.cached else meta.usage)

    async def summaries(self, job: Job) -> list[AgreementSummary]:
        if self.store is None:
            return await job.arun(self.client, self.gate)
        # A copy of an article already in flight (wire copy runs in many outlets) waits for
        # it and is then answered from the cache, instead of paying twice.
        async with self.same_article.holding(job.cache_key):
            return await job.arun_cached(self.store, self.client, self.gate)


class _KeyLocks:
    """One lock per key while anyone holds or awaits it; forgotten when the last one leaves."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def holding(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        lock = lock or asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


async def _pairs(items: Items) -> AsyncGenerator[tuple[str, ItemText], None]:
    if isinstance(items, AsyncIterable):
        async for pair in items:
            yield pair
    else:
        for pair in items:
            yield pair
