"""The front door: `summarize()` and its async twin, sharing every step but the call."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .backends import mode_name
from .cache import DEFAULT_CACHE_FILE, SummaryCache, cache_key, default_cache_dir
from .config import ResolvedConfig, Settings, resolve
from .errors import NoAgreementError, ReplyError
from .grounding import ArticleText
from .inputs import article_from
from .prompts import PromptTemplate, RenderedPrompt, load_prompt
from .record import CallRecord
from .replies import Reply, reply_model
from .retry import TransportPolicy
from .schema import AgreementSummary, GroundingReport, Meta, Page
from .verify import Verified, checking

if TYPE_CHECKING:
    import openai

    from .limits import RequestGate

__all__ = ["asummarize", "open_cache", "summarize"]

logger = logging.getLogger("summarizer")


def summarize(
    text: str | bytes,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    settings: Settings | None = None,
    client: openai.OpenAI | None = None,
    cache: SummaryCache | bool | None = None,
) -> AgreementSummary:
    """Summarize one agreement article into a grounded `AgreementSummary`.

    Args:
        text: the article, as str or UTF-8 bytes.
        model, base_url, api_key: override `settings` and the environment for this call.
        settings: the rarer knobs (limits, retries, prompt version).
        client: an `openai.OpenAI` to send requests with (its own retries are switched off).
        cache: a `SummaryCache`, or True for the default one; off unless asked for.

    Raises:
        InputError: before any request, when the article is empty, binary or too long.
        NoAgreementError: when the article reports no agreement.
        EndpointError, ReplyError: when no usable reply could be had; see `summarizer.errors`.

    Usage:

        >>> summary = summarize(open("article.txt").read())
        >>> [party.name for party in summary.parties]
        ['INTERPOL Washington', 'NCB Ottawa']
        >>> summary.parties[0].evidence.start, summary.meta.usage.total_tokens
        (43, 3112)
    """
    return Job.prepare(text, model, base_url, api_key, settings, client).run_cached(
        open_cache(cache), client
    )


async def asummarize(
    text: str | bytes,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    settings: Settings | None = None,
    client: openai.AsyncOpenAI | None = None,
    cache: SummaryCache | bool | None = None,
) -> AgreementSummary:
    """Async twin of `summarize()`, with an `openai.AsyncOpenAI` client if one is given."""
    return await Job.prepare(text, model, base_url, api_key, settings, client).arun_cached(
        open_cache(cache), client
    )


def open_cache(cache: SummaryCache | bool | None) -> SummaryCache | None:
    """The cache a `cache=` argument asks for: None or False for none, True for the default.

    A default cache that cannot be opened (a read-only home, a full disk) is a warning, and
    the work goes on without it.
    """
    if isinstance(cache, SummaryCache):
        return cache
    if not cache:
        return None
    try:
        return _default_cache(default_cache_dir())
    except (OSError, sqlite3.Error) as exc:
        logger.warning("no response cache (%s); every article is sent", exc)
        return None


@lru_cache(maxsize=4)
def _default_cache(directory: Path) -> SummaryCache:
    # One connection per process to the default file, opened when first wanted.
    return SummaryCache(directory / DEFAULT_CACHE_FILE)


@dataclass
class Job:
    """Everything one call needs before and after the model speaks."""

    article: ArticleText
    config: ResolvedConfig
    template: PromptTemplate
    prompt: RenderedPrompt
    policy: TransportPolicy
    page: Page | None = None  # the web page the article was extracted from, if it was one
    record: CallRecord = field(default_factory=CallRecord)
    started: float = field(default_factory=time.perf_counter)

    @classmethod
    def prepare(
        cls,
        text: object,
        model: str | None,
        base_url: str | None,
        api_key: str | None,
        settings: Settings | None,
        client: openai.OpenAI | openai.AsyncOpenAI | None,
    ) -> Job:
        settings = settings or Settings()
        article, page = article_from(
            text, max_chars=settings.max_input_chars, input_format=settings.input_format
        )
        if client is not None:
            base_url = base_url or str(client.base_url)
            api_key = api_key or client.api_key
        config = resolve(model=model, base_url=base_url, api_key=api_key, settings=settings)
        template = load_prompt(settings.prompt, settings.prompt_version)
        policy = TransportPolicy(
            attempts=settings.transport_attempts,
            max_seconds=settings.transport_max_seconds,
            wait=settings.transport_wait,
        )
        return cls(
            article=ArticleText(article),
            config=config,
            template=template,
            prompt=template.render(article=article),
            policy=policy,
            page=page,
        )

    def run(self, client: openai.OpenAI | None) -> AgreementSummary:
        """Ask the model (re-asking as the settings allow) and build the summary."""
        from .client import complete  # openai and instructor load on first use, not at import

        with self.grounding():
            try:
                reply = complete(
                    self.config, self.prompt, self.record, self.policy, self.reply_model, client
                )
            except ReplyError as exc:
                return self.finish(self.rescue(exc))
        return self.finish(reply.verified)

    async def arun(
        self, client: openai.AsyncOpenAI | None, gate: RequestGate | None = None
    ) -> AgreementSummary:
        """The async twin of `run()`; `gate` holds a batch's shared rate limits."""
        from .client import acomplete

        with self.grounding():
            try:
                reply = await acomplete(
                    self.config,
                    self.prompt,
                    self.record,
                    self.policy,
                    self.reply_model,
                    client,
                    gate,
                )
            except ReplyError as exc:
                return self.finish(self.rescue(exc))
        return self.finish(reply.verified)

    @cached_property  # asked for by the batch's lock, the lookup and the store
    def cache_key(self) -> str:
        return cache_key(self.article.text, self.config, self.template, self.page)

    def from_cache(self, store: SummaryCache) -> AgreementSummary | None:
        """A stored summary; a stored no-agreement answer is raised as it was the first time."""
        outcome = store.get(self.cache_key)
        if isinstance(outcome, NoAgreementError):
            raise outcome
        return outcome

    def run_cached(
        self, store: SummaryCache | None, client: openai.OpenAI | None
    ) -> AgreementSummary:
        """`run()` behind the cache: a stored outcome, else a fresh one that is then stored."""
        if store is not None and (summary := self.from_cache(store)) is not None:
            return summary
        try:
            summary = self.run(client)
        except NoAgreementError as exc:
            self.remember(store, exc)
            raise
        self.remember(store, summary)
        return summary

    async def arun_cached(
        self,
        store: SummaryCache | None,
        client: openai.AsyncOpenAI | None,
        gate: RequestGate | None = None,
    ) -> AgreementSummary:
        """The async twin of `run_cached()`; the cache is read and written off the event
        loop, which a busy sqlite file would otherwise stall."""
        import asyncio  # here: `import summarizer` stays quick for sync users

        if store is not None and (summary := await asyncio.to_thread(self.from_cache, store)):
            return summary
        try:
            summary = await self.arun(client, gate)
        except NoAgreementError as exc:
            await asyncio.to_thread(self.remember, store, exc)
            raise
        await asyncio.to_thread(self.remember, store, summary)
        return summary

    def remember(
        self, store: SummaryCache | None, outcome: AgreementSummary | NoAgreementError
    ) -> None:
        if store is not None:
            store.put(self.cache_key, outcome)

    @property
    def reply_model(self) -> type[Reply]:
        return reply_model(self.template.reply_schema)

    @contextmanager
    def grounding(self) -> Iterator[None]:
        settings = self.config.settings
        with checking(
            self.article,
            self.record.grounding,
            max_replies=1 + settings.reasks,
            on_failed_detail=settings.on_failed_detail,
        ):
            yield

    def rescue(self, error: ReplyError) -> Verified:
        """An earlier reply that failed only optional facts, when the later ones failed
        worse (broken JSON, a cut-off reply, a core fact); else `error` is raised."""
        fallback = self.record.grounding.fallback
        if fallback is None:
            raise error
        logger.info("later replies failed (%s); keeping an earlier one without its faults", error)
        return fallback

    def finish(self, verified: Verified | None) -> AgreementSummary:
        assert verified is not None, "replies are validated inside grounding()"
        ledger = self.record.grounding
        counts = verified.match_counts()
        meta = Meta(
            model=self.config.model,
            endpoint=self.config.endpoint,
            endpoint_kind=self.config.backend,
            mode=mode_name(self.config.backend),
            prompt_name=self.template.name,
            prompt_version=self.template.version,
            article_sha256=hashlib.sha256(self.article.text.encode()).hexdigest(),
            usage=self.record.usage,
            attempts=self.record.replies,
            http_requests=self.record.http_requests,
            latency_seconds=round(time.perf_counter() - self.started, 4),
            grounding=GroundingReport(
                quotes=sum(counts.values()),
                exact=counts["exact"],
                normalized=counts["normalized"],
                elided=counts["elided"],
                rejected_in_earlier_replies=ledger.rejected_before,
            ),
            dropped=verified.dropped,
            page=self.page,
        )
        logger.info(
            "summarized with %s: %d attempt(s), %d tokens, %.2fs",
            meta.model,
            meta.attempts,
            meta.usage.total_tokens,
            meta.latency_seconds,
        )
        if verified.agreement is None:
            raise NoAgreementError(verified.no_agreement_reason or verified.headline, meta=meta)
        return verified.summary(meta)
