"""ModelReply's shape with evidence as a bare string and no checks: plain instructor's view.

Used by the benchmarks as the "no grounding" baseline and to tell schema-valid replies
from invalid ones.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from summarizer._summary import AgreementKind, AimCategory, PartyKind, ThreatGroupKind


class PFact(BaseModel):
    value: str
    evidence: str


class PAgreement(BaseModel):
    kind: AgreementKind
    title: str | None
    signed_on: date | None
    date_text: str | None
    evidence: str


class PParty(BaseModel):
    name: str
    kind: PartyKind
    country: str | None
    parent_body: str | None
    evidence: str


class PSignatory(BaseModel):
    name: str | None
    title: str | None
    party: str | None
    evidence: str


class PAim(BaseModel):
    description: str
    category: AimCategory
    evidence: str


class PVenue(BaseModel):
    event: str | None
    city: str | None
    country: str | None
    evidence: str


class PDesignation(BaseModel):
    label: str
    designated_by: str | None
    evidence: str


class PGroup(BaseModel):
    name: str
    aliases: list[str]
    kind: ThreatGroupKind
    origin: PFact | None
    designations: list[PDesignation]
    size: PFact | None
    leadership: PFact | None
    base: PFact | None
    activities: list[PFact]
    areas: list[PFact]
    evidence: str


class PlainReply(BaseModel):
    reports_agreement: bool
    no_agreement_reason: str | None
    agreement: PAgreement | None
    parties: list[PParty]
    signatories: list[PSignatory]
    aims: list[PAim]
    venue: PVenue | None
    threat_groups: list[PGroup]
    headline: str


# The fields of reply schema v2 (prompt v2), again as plain instructor would send them.


class PAgreementV2(BaseModel):
    kind: AgreementKind
    title: str | None
    date_text: str | None
    evidence: str


class PPartyV2(BaseModel):
    name: str
    mention: str
    kind: PartyKind
    country: str | None
    parent_body: str | None
    evidence: str


class PGroupV2(PGroup):
    name: str | None  # type: ignore[assignment]
    description: str | None


class PlainReplyV2(PlainReply):
    agreement: PAgreementV2 | None  # type: ignore[assignment]
    parties: list[PPartyV2]  # type: ignore[assignment]
    threat_groups: list[PGroupV2]  # type: ignore[assignment]


# The fields of reply schema v4 (prompt v4, the default): every agreement of a story, and
# the words as written beside each signatory's and group's name.


class PSignatoryV4(PSignatory):
    mention: str | None


class PGroupV4(PGroupV2):
    mention: str | None


class PAgreementEntryV4(BaseModel):
    agreement: PAgreementV2
    parties: list[PPartyV2]
    signatories: list[PSignatoryV4]
    aims: list[PAim]
    venue: PVenue | None
    threat_groups: list[PGroupV4]


class PlainReplyV4(BaseModel):
    reports_agreement: bool
    no_agreement_reason: str | None
    agreements: list[PAgreementEntryV4]
    headline: str
