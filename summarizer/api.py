"""The front door: `summarize()` and its async twin, sharing every step but the call."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from ._checks import (
    ArticleText,
    Scope,
    Verified,
    checked_model,
    checking,
    detect_language,
    language_code,
    read_dateline,
)
from ._inputs.article import article_from
from ._inputs.parts import merge, merge_one, shifted, split_text
from ._model.backends import mode_name
from ._model.record import CallRecord
from ._model.retry import TransportPolicy
from ._replies import Reply, reply_model
from .cache import DEFAULT_CACHE_FILE, SummaryCache, cache_key, default_cache_dir
from .config import ResolvedConfig, Settings, resolve
from .errors import NoAgreementError, ReplyError, SummarizerError, UngroundedReplyError
from .prompts import PromptTemplate, RenderedPrompt, load_prompt
from .schema import (
    AgreementSummary,
    Dateline,
    Dropped,
    GroundingReport,
    Meta,
    Page,
    PartRun,
    evidence_in,
)

if TYPE_CHECKING:
    import openai

    from ._model.gate import RequestGate

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
    than `Settings.max_part_chars` is summarized in parts and merged (`meta.parts`).

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


@dataclass
class Job:
    """Everything one call needs before and after the model speaks.

    A long article is one job whose `parts` are jobs of their own: each asks the model about
    its slice of the text, and this one merges what they found.
    """

    article: ArticleText
    config: ResolvedConfig
    template: PromptTemplate
    prompt: RenderedPrompt
    policy: TransportPolicy
    language: str
    page: Page | None = None  # the web page the article was extracted from, if it was one
    parts: list[Job] = field(default_factory=list)
    whole: ArticleText | None = None  # the whole text, when this job is one part of it
    offset: int = 0  # where a part starts in the whole text
    dateline: Dateline | None = None  # the whole text's, for a part that does not hold it
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
        whole = ArticleText(article)
        language = (
            language_code(settings.language) if settings.language else detect_language(whole.body)
        )
        job = cls(
            article=whole,
            config=config,
            template=template,
            prompt=template.render(article=article),
            policy=policy,
            language=language,
            page=page,
        )
        slices = split_text(article, settings.max_part_chars, settings.part_overlap_chars)
        if len(slices) > 1:
            dateline = read_dateline(whole, language)
            job.parts = [
                job.part(piece.start, piece.end, (number, len(slices)), dateline)
                for number, piece in enumerate(slices, 1)
            ]
        return job

    def part(self, start: int, end: int, number: tuple[int, int], dateline: Dateline | None) -> Job:
        """The job for `text[start:end]`, told it is part `number[0]` of `number[1]`."""
        text = self.article.text[start:end]
        note = _PART_NOTE.format(which=number[0], total=number[1])
        return Job(
            article=ArticleText(text, part_of=self.article, at=start),
            config=self.config,
            template=self.template,
            prompt=self.template.render(article=text, part=note),
            policy=self.policy,
            language=self.language,
            whole=self.article,
            offset=start,
            dateline=dateline,
        )

    def run(self, client: openai.OpenAI | None) -> list[AgreementSummary]:
        """Ask the model (re-asking as the settings allow) and build the summaries, the
        principal agreement first."""
        if self.parts:
            return self.run_parts(client)
        from ._model.call import complete  # openai and instructor load on first use, not at import

        scope = self.scope()
        try:
            complete(
                self.config,
                self.prompt,
                self.record,
                self.policy,
                checked_model(self.reply_model),
                checking(scope),
                client,
            )
        except ReplyError as exc:
            return self.finish(self.rescue(exc))
        return self.finish(scope.ledger.accepted)

    async def arun(
        self, client: openai.AsyncOpenAI | None, gate: RequestGate | None = None
    ) -> list[AgreementSummary]:
        """The async twin of `run()`; `gate` holds a batch's shared rate limits."""
        if self.parts:
            return await self.arun_parts(client, gate)
        from ._model.call import acomplete

        scope = self.scope()
        try:
            await acomplete(
                self.config,
                self.prompt,
                self.record,
                self.policy,
                checked_model(self.reply_model),
                checking(scope),
                client,
                gate,
            )
        except ReplyError as exc:
            return self.finish(self.rescue(exc))
        return self.finish(scope.ledger.accepted)

    def run_parts(self, client: openai.OpenAI | None) -> list[AgreementSummary]:
        """Each part in its own thread, up to `part_concurrency` at once, then merged."""
        from concurrent.futures import ThreadPoolExecutor

        def outcome(part: Job) -> PartOutcome:
            try:
                return part.run(client)
            except SummarizerError as exc:
                return exc

        workers = min(self.config.settings.part_concurrency, len(self.parts))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="summarizer-part") as pool:
            return self.merged(list(pool.map(outcome, self.parts)))

    async def arun_parts(
        self, client: openai.AsyncOpenAI | None, gate: RequestGate | None
    ) -> list[AgreementSummary]:
        import asyncio

        slots = asyncio.Semaphore(self.config.settings.part_concurrency)

        async def outcome(part: Job) -> PartOutcome:
            async with slots:
                try:
                    return await part.arun(client, gate)
                except SummarizerError as exc:
                    return exc

        return self.merged(list(await asyncio.gather(*(outcome(p) for p in self.parts))))

    def merged(self, outcomes: list[PartOutcome]) -> list[AgreementSummary]:
        """The parts' summaries as one per agreement, with every quote in the whole text.

        A part that failed costs its facts, not the summary: it is listed in `meta.parts`
        and `meta.dropped`. Only when no part found an agreement is the first part's error
        (or else the story's no-agreement answer) raised.
        """
        runs: list[PartRun] = []
        found: list[list[AgreementSummary]] = []
        lost: list[Dropped] = []
        for index, (part, outcome) in enumerate(zip(self.parts, outcomes, strict=True)):
            self.record.add(part.record)
            end = part.offset + len(part.article.text)
            error = None
            status: Literal["summarized", "no_agreement", "failed"]
            if isinstance(outcome, list):
                status = "summarized"
                found.append([_placed(summary, index, part.offset) for summary in outcome])
            elif isinstance(outcome, NoAgreementError):
                status = "no_agreement"
            else:
                status, error = "failed", f"{type(outcome).__name__}: {outcome}"
                where = f"characters {part.offset}-{end}"
                lost.append(Dropped(path=f"parts[{index}]", value=where, reason=error))
            runs.append(
                PartRun(
                    start=part.offset, end=end, outcome=status, usage=part.record.usage,
                    attempts=part.record.replies, http_requests=part.record.http_requests,
                    error=error,
                )
            )  # fmt: skip
        if not found:
            for outcome in outcomes:
                if isinstance(outcome, ReplyError):
                    # What every part cost, not only the one whose error is raised.
                    outcome.usage, outcome.attempts = self.record.usage, self.record.replies
                if isinstance(outcome, SummarizerError) and not isinstance(
                    outcome, NoAgreementError
                ):
                    raise outcome
            reason = next(o.reason for o in outcomes if isinstance(o, NoAgreementError))
            raise NoAgreementError(reason, meta=self.meta(GroundingReport(
                quotes=0, exact=0, normalized=0, rejected_in_earlier_replies=0
            ), [], runs))  # fmt: skip
        if lost:
            logger.warning("%d of %d parts failed; their facts are missing", len(lost), len(runs))
        groups: list[tuple[int, list[AgreementSummary]]] = []
        unnamed: list[tuple[int, list[AgreementSummary]]] = []
        for index, group in enumerate(merge(found)):
            (groups if any(s.parties for s in group) else unnamed).append((index, group))
        if not groups:
            raise UngroundedReplyError(
                "no part of the article named a party of its agreement that the checks could "
                "verify",
                last_reply=None,
                usage=self.record.usage,
                attempts=self.record.replies,
                problems=["parties: no party could be verified in any part"],
            )
        lost += [
            Dropped(path=f"agreements[{index}]", value=group[0].agreement.kind, reason=_UNNAMED)
            for index, group in unnamed
        ]
        summaries = []
        for _, group in groups:
            one, unlinked = merge_one(group)
            # The whole text's dateline, read once when the parts were made.
            one = one.model_copy(update={"dateline": self.parts[0].dateline})
            counts: Counter[str] = Counter(e.match for e in evidence_in(_facts(one)))
            grounding = _grounding(counts, self.record)  # the parts' records are summed in it
            dropped = lost + [d for s in group for d in s.meta.dropped] + unlinked
            meta = self.meta(grounding, dropped, runs, others=len(groups) - 1)
            summaries.append(one.model_copy(update={"meta": meta}))
        return summaries

    @cached_property  # asked for by the batch's lock, the lookup and the store
    def cache_key(self) -> str:
        return cache_key(self.article.text, self.config, self.template, self.page)

    def from_cache(self, store: SummaryCache) -> list[AgreementSummary] | None:
        """Stored summaries; a stored no-agreement answer is raised as it was the first time."""
        outcome = store.get(self.cache_key)
        if isinstance(outcome, NoAgreementError):
            raise outcome
        return outcome

    def run_cached(
        self, store: SummaryCache | None, client: openai.OpenAI | None
    ) -> list[AgreementSummary]:
        """`run()` behind the cache: a stored outcome, else a fresh one that is then stored."""
        if store is not None and (summaries := self.from_cache(store)) is not None:
            return summaries
        try:
            summaries = self.run(client)
        except NoAgreementError as exc:
            self.remember(store, exc)
            raise
        self.remember(store, summaries)
        return summaries

    async def arun_cached(
        self,
        store: SummaryCache | None,
        client: openai.AsyncOpenAI | None,
        gate: RequestGate | None = None,
    ) -> list[AgreementSummary]:
        """The async twin of `run_cached()`; the cache is read and written off the event
        loop, which a busy sqlite file would otherwise stall."""
        import asyncio  # here: `import summarizer` stays quick for sync users

        if store is not None and (summaries := await asyncio.to_thread(self.from_cache, store)):
            return summaries
        try:
            summaries = await self.arun(client, gate)
        except NoAgreementError as exc:
            await asyncio.to_thread(self.remember, store, exc)
            raise
        await asyncio.to_thread(self.remember, store, summaries)
        return summaries

    def remember(
        self, store: SummaryCache | None, outcome: list[AgreementSummary] | NoAgreementError
    ) -> None:
        if store is not None:
            store.put(self.cache_key, outcome)

    @property
    def reply_model(self) -> type[Reply]:
        return reply_model(self.template.reply_schema)

    def scope(self) -> Scope:
        """What this job's replies are checked against, recording into its ledger."""
        settings = self.config.settings
        return Scope(
            self.article,
            dateline=self.dateline,
            language=self.language,
            whole=self.whole,
            max_replies=1 + settings.reasks,
            on_failed_detail=settings.on_failed_detail,
            keep_unverified=settings.keep_unverified,
            ledger=self.record.grounding,
        )

    def rescue(self, error: ReplyError) -> Verified:
        """An earlier reply that failed only optional facts, when the later ones failed
        worse (broken JSON, a cut-off reply, a core fact); else `error` is raised."""
        fallback = self.record.grounding.fallback
        if fallback is None:
            raise error
        logger.info("later replies failed (%s); keeping an earlier one without its faults", error)
        return fallback

    def finish(self, verified: Verified | None) -> list[AgreementSummary]:
        """The summaries of one reply's agreements, the principal first."""
        assert verified is not None, "a reply that came back passed its scope's checks"
        others = len(verified.others)
        meta = self.meta(_grounding_of(verified, self.record), verified.dropped, others=others)
        logger.info(
            "summarized with %s: %d attempt(s), %d tokens, %.2fs",
            meta.model,
            meta.attempts,
            meta.usage.total_tokens,
            meta.latency_seconds,
        )
        if verified.agreement is None:
            raise NoAgreementError(verified.no_agreement_reason or verified.headline, meta=meta)
        return [
            verified.summary(meta),
            *(
                other.summary(
                    self.meta(_grounding_of(other, self.record), other.dropped, others=others)
                )
                for other in verified.others
            ),
        ]

    def meta(
        self,
        grounding: GroundingReport,
        dropped: list[Dropped],
        parts: list[PartRun] | None = None,
        *,
        others: int = 0,
    ) -> Meta:
        """How this job's summaries were made; `others` only counts for a prompt version
        that asks for every agreement."""
        return Meta(
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
            grounding=grounding,
            dropped=dropped,
            page=self.page,
            language=self.language,
            other_agreements=others if self.reply_model.reports_every_agreement else None,
            parts=parts or [],
        )


_UNNAMED = "no part of the article named a party of it that the checks could verify"

# Told to the model with each part of a long article.
_PART_NOTE = (
    "This is part {which} of {total} of one long article, cut at paragraph breaks. Report "
    "what this part says about each agreement, with quotes from this part only."
)

# What one part of a long article came to.
PartOutcome = list[AgreementSummary] | SummarizerError


def _placed(summary: AgreementSummary, index: int, offset: int) -> AgreementSummary:
    """A part's summary with its quotes moved into the whole text, and what it dropped
    named by its part."""
    moved = cast(AgreementSummary, shifted(summary, offset))
    dropped = [
        d.model_copy(update={"path": f"parts[{index}].{d.path}"}) for d in moved.meta.dropped
    ]
    return moved.model_copy(update={"meta": moved.meta.model_copy(update={"dropped": dropped})})


def _grounding_of(verified: Verified, record: CallRecord) -> GroundingReport:
    return _grounding(verified.match_counts(), record)


def _grounding(counts: Counter[str], record: CallRecord) -> GroundingReport:
    return GroundingReport(
        quotes=sum(counts.values()),
        exact=counts["exact"],
        normalized=counts["normalized"],
        elided=counts["elided"],
        rejected_in_earlier_replies=record.grounding.rejected_before,
    )


def _facts(summary: AgreementSummary) -> list[object]:
    """What a summary's quotes support (not its dateline, which code reads)."""
    return [
        summary.agreement,
        summary.parties,
        summary.signatories,
        summary.aims,
        summary.venue,
        summary.threat_groups,
    ]
