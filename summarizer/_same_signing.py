"""Asking the model whether two stories report one signing, for the pairs merging's rules
leave unsure (`_merge.signing.verdict`): through the same endpoint, transport retries,
re-asks and typed errors as a summary, its answer checked and its cost counted.

The check: the answer's `evidence` must be one of the quotes the two summaries were shown
with, so a decision stands on words of the stories, not on the model's say-so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from ._checks.fold import loose_key
from ._config import Settings, resolve
from ._meta import Usage
from ._model.record import CallRecord, Unreviewed
from ._model.retry import TransportPolicy
from ._prompts import load_prompt
from ._summary import AgreementSummary, evidence_in

__all__ = ["ModelJudge", "SameSigningReply"]

_QUOTES = "summarizer.same_signing.quotes"


class SameSigningReply(BaseModel):
    """The model's answer: same signing or not, the deciding quote, and why."""

    model_config = ConfigDict(extra="forbid")

    same_signing: bool
    evidence: str = Field(description="One of the quotes given, word for word.")
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _quoted(self, info: ValidationInfo) -> SameSigningReply:
        quotes = (info.context or {}).get(_QUOTES)
        if quotes is not None and loose_key(self.evidence) not in quotes:
            raise ValueError("evidence: copy one of the quotes given, word for word")
        return self


@dataclass
class ModelJudge:
    """Decides unsure pairs with the model; `usage` and `decisions` say what it cost.

    Usage:

        >>> judge = ModelJudge(model="gpt-4o-mini")
        >>> records = merge(pairs, unsure=judge)
        >>> judge.decisions, judge.usage.total_tokens
    """

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    settings: Settings = field(default_factory=Settings)
    client: Any = None  # an openai.OpenAI, e.g. a replaying one in tests
    usage: Usage = field(default_factory=Usage)
    decisions: int = 0

    def __call__(self, first: AgreementSummary, second: AgreementSummary) -> bool:
        """True when the model says the two report one signing (raises the summary's
        typed errors when no usable answer can be had)."""
        from ._model.call import complete

        template = load_prompt("same_signing")
        prompt = template.render(first=_shown(first), second=_shown(second))
        base_url, api_key = self.base_url, self.api_key
        if self.client is not None:  # as a summary does: the client's endpoint and key
            base_url, api_key = (
                base_url or str(self.client.base_url),
                api_key or self.client.api_key,
            )
        config = resolve(model=self.model, base_url=base_url, api_key=api_key,
                         settings=self.settings)  # fmt: skip
        policy = TransportPolicy(
            attempts=self.settings.transport_attempts,
            max_seconds=self.settings.transport_max_seconds,
            wait=self.settings.transport_wait,
        )
        record = CallRecord(review=Unreviewed())
        quotes = {loose_key(e.quote) for s in (first, second) for e in evidence_in(_facts(s))}
        try:
            context = {_QUOTES: quotes}
            reply = complete(config, prompt, record, policy, SameSigningReply, context, self.client)
        finally:
            self.usage += record.usage
            self.decisions += 1
        return reply.same_signing


def _facts(summary: AgreementSummary) -> list[object]:
    """What `_shown` quotes: the answer's evidence must be one of these."""
    return [summary.agreement, summary.parties, summary.signatories, summary.venue,
            summary.dateline]  # fmt: skip


def _shown(summary: AgreementSummary) -> str:
    """What the model is shown of a story's agreement: its facts with their quotes."""
    signed = summary.agreement.signed
    shown = {
        "headline": summary.headline,
        "kind": summary.agreement.kind,
        "title": summary.agreement.title,
        "signed": signed.on.isoformat() if signed and signed.on else summary.agreement.date_text,
        "dateline": summary.dateline.evidence.quote if summary.dateline else None,
        "parties": [{"name": p.name, "quote": p.evidence.quote} for p in summary.parties],
        "signatories": [
            {"name": s.name, "title": s.title, "quote": s.evidence.quote}
            for s in summary.signatories
        ],
        "venue": summary.venue.evidence.quote if summary.venue else None,
        "agreement_quote": summary.agreement.evidence.quote,
    }
    return json.dumps(shown, ensure_ascii=False, indent=1)
