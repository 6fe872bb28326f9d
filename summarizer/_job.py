"""One call's steps: prepare the article and the request, run the model call under the
checks, finish the summaries; a long article's parts are jobs of their own, run and
combined by `_long_article`.

The model call (`_model`) and the checks (`_checks`) do not know each other: the job gives
the checks a `Scope` whose ledger the model call reads as its `Review`.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ._cache import Outcome, SummaryCache, apaid_once, cache_key, longest_hold, paid_once
from ._checks import (
    ArticleText,
    Ledger,
    Scope,
    Verified,
    checked_model,
    checking,
    detect_language,
    language_code,
    read_dateline,
)
from ._config import ResolvedConfig, Settings, resolve
from ._exceptions import NoAgreementError, ReplyError
from ._inputs.article import article_from
from ._inputs.parts import split_text
from ._long_article import arun_parts, run_parts
from ._meta import Dropped, GroundingReport, Meta, Page, PartRun, Usage
from ._model.backends import mode_name
from ._model.record import CallRecord
from ._model.retry import TransportPolicy
from ._prompts import PromptTemplate, RenderedPrompt, load_prompt
from ._replies import Reply, reply_model
from ._summary import AgreementSummary, Dateline

if TYPE_CHECKING:
    from collections.abc import Callable

    import openai
    from openai.types.chat import ChatCompletion

    from ._model.gate import RequestGate

__all__ = ["Job"]

logger = logging.getLogger("summarizer")


@dataclass
class Job:
    """Everything one call needs before and after the model speaks.

    A long article is one job whose `parts` are jobs of their own: each asks the model about
    its slice of the text, and this one combines what they found.
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
    ledger: Ledger = field(default_factory=Ledger)  # what the checks saw, reply by reply
    record: CallRecord = field(init=False)  # what the model call spent, reading the ledger
    started: float = field(default_factory=time.perf_counter)

    def __post_init__(self) -> None:
        self.record = CallRecord(review=self.ledger)

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

    def report_spending(self, on_spent: Callable[[Usage], None]) -> None:
        """Tell `on_spent` what each reply of this job and of its parts cost, as it arrives."""
        for job in (self, *self.parts):
            job.record.on_spent = on_spent

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
            return run_parts(self, client)
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
            return await arun_parts(self, client, gate)
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

    def run_arrived(self, completion: ChatCompletion) -> list[AgreementSummary]:
        """`run()` for a reply that arrived another way (a Batch API output line): checked
        as the first of the call's replies, never re-asked."""
        from ._model.call import verify_completion

        scope = self.scope()
        checked = checked_model(self.reply_model)
        verify_completion(completion, self.config, self.record, checked, checking(scope))
        return self.finish(scope.ledger.accepted)

    @property
    def spent(self) -> Usage:
        """What this job's replies cost so far, its parts' included before they are combined
        (a part that raised leaves them uncombined)."""
        if not self.parts:
            return self.record.usage
        return sum((part.record.usage for part in self.parts), Usage())

    @cached_property  # asked for by the batch's lock, the lookup and the store
    def cache_key(self) -> str:
        return cache_key(self.article.text, self.config, self.template, self.page)

    def from_cache(self, outcome: Outcome) -> list[AgreementSummary]:
        """Stored summaries; a stored no-agreement answer is raised as it was the first time."""
        if isinstance(outcome, NoAgreementError):
            raise outcome
        return outcome

    def run_cached(
        self, store: SummaryCache | None, client: openai.OpenAI | None
    ) -> list[AgreementSummary]:
        """`run()` behind the cache: a stored outcome, else a fresh one that is then stored.
        While another process or thread sharing the file pays for the same article, this one
        waits for its entry (a lease in the file) instead of paying twice."""
        if store is None:
            return self.run(client)
        longest = longest_hold(self.config.settings, len(self.parts))
        with paid_once(store, self.cache_key, longest) as stored:
            if stored is not None:
                return self.from_cache(stored)
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
        loop, which a busy sqlite file would otherwise stall, and the wait sleeps."""
        import asyncio  # here: `import summarizer` stays quick for sync users

        if store is None:
            return await self.arun(client, gate)
        longest = longest_hold(self.config.settings, len(self.parts))
        async with apaid_once(store, self.cache_key, longest) as stored:
            if stored is not None:
                return self.from_cache(stored)
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
            ledger=self.ledger,
        )

    def rescue(self, error: ReplyError) -> Verified:
        """An earlier reply that failed only optional facts, when the later ones failed
        worse (broken JSON, a cut-off reply, a core fact); else `error` is raised."""
        fallback = self.ledger.fallback
        if fallback is None:
            raise error
        logger.info("later replies failed (%s); keeping an earlier one without its faults", error)
        return fallback

    def finish(self, verified: Verified | None) -> list[AgreementSummary]:
        """The summaries of one reply's agreements, the principal first."""
        assert verified is not None, "a reply that came back passed its scope's checks"
        others = len(verified.others)
        meta = self.meta(self.grounding(verified.match_counts()), verified.dropped, others=others)
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
                    self.meta(self.grounding(other.match_counts()), other.dropped, others=others)
                )
                for other in verified.others
            ),
        ]

    def grounding(self, counts: Counter[str]) -> GroundingReport:
        """How the kept facts' quotes matched, and what earlier replies had rejected."""
        return GroundingReport(
            quotes=sum(counts.values()),
            exact=counts["exact"],
            normalized=counts["normalized"],
            elided=counts["elided"],
            rejected_in_earlier_replies=self.ledger.rejected_before,
        )

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


# Told to the model with each part of a long article.
_PART_NOTE = (
    "This is part {which} of {total} of one long article, cut at paragraph breaks. Report "
    "what this part says about each agreement, with quotes from this part only."
)
