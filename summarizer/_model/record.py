"""What one summarize call spent and saw, kept across every attempt.

Its own module so that `summarizer.api` can hold one without importing openai, which the
model call (`summarizer._model.call`) loads on first use. `grounding` is the ledger of the call's
check scope (`_checks.Scope.ledger`): the same object, which the model call reads to word a
re-ask.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .._checks import Ledger
from ..schema import Usage

__all__ = ["CallRecord"]


@dataclass
class CallRecord:
    """Tokens, HTTP requests and replies of one summarize call, over every attempt."""

    usage: Usage = field(default_factory=Usage)
    http_requests: int = 0
    last_reply: str | None = None
    empty_replies: int = 0  # replies with no content, asked about again once at most
    grounding: Ledger = field(default_factory=Ledger)

    @property
    def replies(self) -> int:
        """Model replies received so far (the ledger counts them, reply by reply)."""
        return self.grounding.replies

    def add(self, other: CallRecord) -> None:
        """Count another call's spending in this one (a long article's parts in the whole)."""
        self.usage += other.usage
        self.http_requests += other.http_requests
        self.grounding.replies += other.grounding.replies
        self.grounding.rejected_before += other.grounding.rejected_before
