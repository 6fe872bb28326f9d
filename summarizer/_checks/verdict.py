"""What the checks of one reply come to: the facts that held (`Verified`) and the faults a
re-ask can fix (`Problem`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .._meta import Dropped, Meta
from .._summary import (
    Agreement,
    AgreementSummary,
    Aim,
    Dateline,
    Party,
    Signatory,
    ThreatGroupProfile,
    Venue,
    evidence_in,
)

__all__ = ["Problem", "Verified"]


@dataclass(frozen=True)
class Problem:
    """A fact a re-ask can fix: where it is, what it said, why it failed."""

    path: str
    value: str
    reason: str
    core: bool = False

    def __str__(self) -> str:
        return f"{self.path} {self.value!r}: {self.reason}"


@dataclass(frozen=True)
class Verified:
    """The summary's facts that held, and those left out."""

    agreement: Agreement | None
    parties: list[Party]
    signatories: list[Signatory]
    aims: list[Aim]
    venue: Venue | None
    threat_groups: list[ThreatGroupProfile]
    headline: str
    dateline: Dateline | None
    no_agreement_reason: str | None
    dropped: list[Dropped]
    # The story's other agreements, checked the same way (a reply shape that lists them).
    others: tuple[Verified, ...] = ()

    def match_counts(self) -> Counter[str]:
        """How the quotes of the kept facts were found: exact, normalized, elided."""
        facts = [self.agreement, self.parties, self.signatories, self.aims, self.venue]
        return Counter(e.match for e in evidence_in([*facts, self.threat_groups]))

    def summary(self, meta: Meta) -> AgreementSummary:
        """The summary of these facts; only for a reply that reports an agreement."""
        assert self.agreement is not None, "the caller raises NoAgreementError first"
        return AgreementSummary(
            agreement=self.agreement,
            parties=self.parties,
            signatories=self.signatories,
            aims=self.aims,
            venue=self.venue,
            threat_groups=self.threat_groups,
            headline=self.headline,
            dateline=self.dateline,
            meta=meta,
        )
