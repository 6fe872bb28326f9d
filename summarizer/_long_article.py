"""A long article's parts, each asked on its own, combined into one summary per agreement.

A part that failed costs its facts, not the summary: it is listed in `meta.parts` and
`meta.dropped`. Only when no part found an agreement is the first part's error (or else the
story's no-agreement answer) raised.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, NoReturn, cast

from ._exceptions import (
    NoAgreementError,
    ReplyError,
    ResultsWriteError,
    SummarizerError,
    UngroundedReplyError,
)
from ._inputs.parts import combine, combine_one, shifted
from ._meta import Dropped, GroundingReport, PartRun
from ._summary import AgreementSummary, evidence_in

if TYPE_CHECKING:
    import openai

    from ._job import Job
    from ._model.gate import RequestGate

__all__ = ["PartOutcome", "arun_parts", "combined", "run_parts"]

logger = logging.getLogger("summarizer")

# What one part of a long article came to.
PartOutcome = list[AgreementSummary] | SummarizerError

_UNNAMED = "no part of the article named a party of it that the checks could verify"


@dataclass
class _Tally:
    """The parts' runs, what each found (quotes moved into the whole text), what was lost."""

    runs: list[PartRun] = field(default_factory=list)
    found: list[list[AgreementSummary]] = field(default_factory=list)
    lost: list[Dropped] = field(default_factory=list)


def run_parts(whole: Job, client: openai.OpenAI | None) -> list[AgreementSummary]:
    """Each part in its own thread, up to `part_concurrency` at once, then combined."""
    from concurrent.futures import ThreadPoolExecutor

    def outcome(part: Job) -> PartOutcome:
        try:
            return part.run(client)
        except ResultsWriteError:
            raise  # the batch cannot keep what it pays: the whole item ends, uncached
        except SummarizerError as exc:
            return exc

    workers = min(whole.config.settings.part_concurrency, len(whole.parts))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="summarizer-part") as pool:
        return combined(whole, list(pool.map(outcome, whole.parts)))


async def arun_parts(
    whole: Job, client: openai.AsyncOpenAI | None, gate: RequestGate | None
) -> list[AgreementSummary]:
    """The async twin of `run_parts()`; a part that raises ends the others."""
    import asyncio

    slots = asyncio.Semaphore(whole.config.settings.part_concurrency)

    async def outcome(part: Job) -> PartOutcome:
        async with slots:
            try:
                return await part.arun(client, gate)
            except ResultsWriteError:
                raise  # the batch cannot keep what it pays: the whole item ends, uncached
            except SummarizerError as exc:
                return exc

    running = [asyncio.ensure_future(outcome(part)) for part in whole.parts]
    try:
        outcomes = await asyncio.gather(*running)
    except BaseException:
        # The item has failed (or is cancelled): its other parts stop paying.
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        raise
    return combined(whole, list(outcomes))


def combined(whole: Job, outcomes: list[PartOutcome]) -> list[AgreementSummary]:
    """The summaries of `whole`, one per agreement, from its parts' `outcomes`; every
    part's spending is counted in `whole`'s record and ledger."""
    tally = _tally(whole, outcomes)
    if not tally.found:
        _raise_for_nothing_found(whole, outcomes, tally.runs)
    if tally.lost:
        logger.warning(
            "%d of %d parts failed; their facts are missing", len(tally.lost), len(tally.runs)
        )
    groups: list[list[AgreementSummary]] = []
    for index, group in enumerate(combine(tally.found)):
        if any(s.parties for s in group):
            groups.append(group)
        else:
            kind = group[0].agreement.kind
            tally.lost.append(Dropped(path=f"agreements[{index}]", value=kind, reason=_UNNAMED))
    if not groups:
        raise UngroundedReplyError(
            "no part of the article named a party of its agreement that the checks could verify",
            last_reply=None,
            usage=whole.record.usage,
            attempts=whole.record.replies,
            problems=["parties: no party could be verified in any part"],
        )
    return [_one_summary(whole, group, tally, others=len(groups) - 1) for group in groups]


def _tally(whole: Job, outcomes: list[PartOutcome]) -> _Tally:
    tally = _Tally()
    for index, (part, outcome) in enumerate(zip(whole.parts, outcomes, strict=True)):
        whole.record.add(part.record)
        whole.ledger.add(part.ledger)
        end = part.offset + len(part.article.text)
        error = None
        status: Literal["summarized", "no_agreement", "failed"]
        if isinstance(outcome, list):
            status = "summarized"
            tally.found.append([_placed(summary, index, part.offset) for summary in outcome])
        elif isinstance(outcome, NoAgreementError):
            status = "no_agreement"
        else:
            status, error = "failed", f"{type(outcome).__name__}: {outcome}"
            where = f"characters {part.offset}-{end}"
            tally.lost.append(Dropped(path=f"parts[{index}]", value=where, reason=error))
        tally.runs.append(
            PartRun(
                start=part.offset, end=end, outcome=status, usage=part.record.usage,
                attempts=part.record.replies, http_requests=part.record.http_requests,
                error=error,
            )
        )  # fmt: skip
    return tally


def _raise_for_nothing_found(
    whole: Job, outcomes: list[PartOutcome], runs: list[PartRun]
) -> NoReturn:
    """No part found an agreement: the first part's error, else the no-agreement answer."""
    for outcome in outcomes:
        if isinstance(outcome, ReplyError):
            # What every part cost, not only the one whose error is raised.
            outcome.usage, outcome.attempts = whole.record.usage, whole.record.replies
        if isinstance(outcome, SummarizerError) and not isinstance(outcome, NoAgreementError):
            raise outcome
    reason = next(o.reason for o in outcomes if isinstance(o, NoAgreementError))
    nothing = GroundingReport(quotes=0, exact=0, normalized=0, rejected_in_earlier_replies=0)
    raise NoAgreementError(reason, meta=whole.meta(nothing, [], runs))


def _one_summary(
    whole: Job, group: list[AgreementSummary], tally: _Tally, *, others: int
) -> AgreementSummary:
    """The parts' summaries of one agreement as one, with the whole text's dateline (read
    once when the parts were made) and the whole call's spending."""
    one, unlinked = combine_one(group)
    one = one.model_copy(update={"dateline": whole.parts[0].dateline})
    counts: Counter[str] = Counter(e.match for e in evidence_in(_facts(one)))
    dropped = tally.lost + [d for s in group for d in s.meta.dropped] + unlinked
    meta = whole.meta(whole.grounding(counts), dropped, tally.runs, others=others)
    return one.model_copy(update={"meta": meta})


def _placed(summary: AgreementSummary, index: int, offset: int) -> AgreementSummary:
    """A part's summary with its quotes moved into the whole text, and what it dropped
    named by its part."""
    moved = cast(AgreementSummary, shifted(summary, offset))
    dropped = [
        d.model_copy(update={"path": f"parts[{index}].{d.path}"}) for d in moved.meta.dropped
    ]
    return moved.model_copy(update={"meta": moved.meta.model_copy(update={"dropped": dropped})})


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
