"""The front door: `summarize()`, `summarize_all()` and their async twins."""

from __future__ import annotations

import logging
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ._cache import DEFAULT_CACHE_FILE, SummaryCache, default_cache_dir
from ._config import Settings
from ._job import Job
from ._summary import AgreementSummary

if TYPE_CHECKING:
    import openai

__all__ = ["asummarize", "asummarize_all", "open_cache", "summarize", "summarize_all"]

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

    A story that reports several agreements gives its principal one; `meta.other_agreements`
    says how many more it reports, and `summarize_all()` returns every one. An article longer
    than `Settings.max_part_chars` is summarized in parts and combined (`meta.parts`).

    Raises:
        InputError: before any request, when the article is empty, binary or too long.
        NoAgreementError: when the article reports no agreement.
        EndpointError, ReplyError: when no usable reply could be had; the errors page lists each.

    Usage:

        >>> summary = summarize(open("article.txt").read())
        >>> [party.name for party in summary.parties]
        ['INTERPOL Washington', 'National Central Bureau Ottawa']
        >>> summary.parties[0].evidence.start, summary.meta.usage.total_tokens
        (284, 2779)
    """
    every = summarize_all(
        text,
        model=model,
        base_url=base_url,
        api_key=api_key,
        settings=settings,
        client=client,
        cache=cache,
    )
    return every[0]


def summarize_all(
    text: str | bytes,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    settings: Settings | None = None,
    client: openai.OpenAI | None = None,
    cache: SummaryCache | bool | None = None,
) -> list[AgreementSummary]:
    """One summary for each agreement the article reports, the principal one first.

    Same arguments, errors and cost as `summarize()`: one call answers both. Each summary's
    `meta` is that of the whole call, with usage counted once per call, not per agreement.
    With a prompt version older than 3, which asks about one agreement, the list has one.
    """
    return Job.prepare(text, model, base_url, api_key, settings, client).run_cached(
        open_cache(cache), client
    )


async def asummarize_all(
    text: str | bytes,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    settings: Settings | None = None,
    client: openai.AsyncOpenAI | None = None,
    cache: SummaryCache | bool | None = None,
) -> list[AgreementSummary]:
    """Async twin of `summarize_all()`."""
    return await Job.prepare(text, model, base_url, api_key, settings, client).arun_cached(
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
    every = await asummarize_all(
        text,
        model=model,
        base_url=base_url,
        api_key=api_key,
        settings=settings,
        client=client,
        cache=cache,
    )
    return every[0]


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
