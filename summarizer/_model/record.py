"""What one summarize call spent and saw, kept across every attempt.

Its own module so that the job can hold one without importing openai, which the model call
(`summarizer._model.call`) loads on first use. The model call does not know the checks: it
reads what they made of the latest reply through `Review`, which the job wires to the
checks' ledger (`_checks.Ledger`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .._meta import Usage

__all__ = ["CallRecord", "Review", "Unreviewed"]


class Review(Protocol):
    """What the checks made of the latest reply: what the model call needs to word a
    re-ask or to say why the call failed."""

    def new_reply(self) -> None:
        """A reply arrived: what the checks say next is about it."""

    def correction(self) -> str | None:
        """The re-ask naming the latest reply's faults, or None if the checks found none
        (then a re-ask is about broken JSON or schema, in instructor's words)."""

    @property
    def rejected(self) -> list[str]:
        """Why the latest reply was rejected, fact by fact; empty if it was not."""


class Unreviewed:
    """The review of a call whose replies no fact check of ours reads (a comparison of two
    stories): its re-asks are worded by instructor."""

    def new_reply(self) -> None:
        pass

    def correction(self) -> str | None:
        return None

    @property
    def rejected(self) -> list[str]:
        return []


@dataclass
class CallRecord:
    """Tokens, HTTP requests and replies of one summarize call, over every attempt."""

    review: Review
    usage: Usage = field(default_factory=Usage)
    http_requests: int = 0
    replies: int = 0
    last_reply: str | None = None
    empty_replies: int = 0  # replies with no content, asked about again once at most
    # Told of each paid reply as it arrives: a batch keeps them where a kill cannot lose them.
    on_spent: Callable[[Usage], None] | None = None

    def new_reply(self, content: str | None) -> None:
        """Count a reply that arrived and tell the review."""
        self.replies += 1
        self.last_reply = content
        self.review.new_reply()

    def spend(self, usage: Usage) -> None:
        """Count what a reply that arrived cost, and tell `on_spent`."""
        self.usage += usage
        if self.on_spent is not None:
            self.on_spent(usage)

    def add(self, other: CallRecord) -> None:
        """Count another call's spending in this one (a long article's parts in the whole)."""
        self.usage += other.usage
        self.http_requests += other.http_requests
        self.replies += other.replies
