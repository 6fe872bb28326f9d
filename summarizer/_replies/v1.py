"""Reply schema version 1 (prompt agreement_summary v1): names as written, no mentions.

Kept so that prompt v1 keeps working; its JSON schema is the one v1 was released with.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from .._summary import AgreementKind, AimCategory, PartyKind, ThreatGroupKind
from . import v2
from .base import MAX_GROUP_ITEMS, MAX_ITEMS, Name, Quote, Reply, ReplyObject, Text

__all__ = ["ModelReply"]


class Agreement(ReplyObject):
    """The agreement itself, as the article reports it."""

    kind: AgreementKind
    title: Text | None = Field(description="The agreement's name as written, if given.")
    signed_on: date | None = Field(
        description="Signing date, only when the article states it; never the story's date."
    )
    date_text: Name | None = Field(description="The signing date as written, e.g. 'on Tuesday'.")
    evidence: Quote


class Party(ReplyObject):
    """An organisation that entered the agreement."""

    name: Name = Field(description="As written, e.g. 'INTERPOL Washington'.")
    kind: PartyKind
    country: Name | None = Field(description="Country the party belongs to, if stated or named.")
    parent_body: Name | None = Field(description="Parent body where stated.")
    evidence: Quote


class Signatory(ReplyObject):
    """A person who signed; the name may be unstated."""

    name: Name | None = Field(description="Full name as written, or null if not named.")
    title: Name | None = Field(description="Title or office as written, e.g. 'Director'.")
    party: Name | None = Field(description="Name of the party they signed for, as in parties.")
    evidence: Quote


class Aim(ReplyObject):
    """One thing the agreement sets out to do."""

    description: Text = Field(description="A short description in plain words.")
    category: AimCategory
    evidence: Quote


class Venue(ReplyObject):
    """Where the agreement was signed (never the dateline city)."""

    event: Text | None = Field(description="Conference or visit during which it was signed.")
    city: Name | None
    country: Name | None
    evidence: Quote


class Fact(ReplyObject):
    """A single stated fact in plain words, with the quote that states it."""

    value: Text
    evidence: Quote


class Designation(ReplyObject):
    """A formal label put on a group, e.g. 'Foreign Terrorist Organization' by 'United States'."""

    label: Name
    designated_by: Name | None
    evidence: Quote


class ThreatGroupProfile(ReplyObject):
    """A criminal or violent group the agreement targets, as the article describes it."""

    name: Name
    aliases: list[Name] = Field(
        description="Other names or abbreviations used in the article.", max_length=MAX_GROUP_ITEMS
    )
    kind: ThreatGroupKind
    origin: Fact | None
    designations: list[Designation] = Field(max_length=MAX_GROUP_ITEMS)
    size: Fact | None = Field(description="Membership as stated, e.g. 'more than 5,000 members'.")
    leadership: Fact | None
    base: Fact | None = Field(description="Base or headquarters as stated.")
    activities: list[Fact] = Field(max_length=MAX_GROUP_ITEMS)
    areas: list[Fact] = Field(
        description="Countries, regions or cities where it operates.", max_length=MAX_GROUP_ITEMS
    )
    evidence: Quote


class ModelReply(Reply):
    """The object the model is asked to fill."""

    reports_agreement: bool = Field(
        description="True only if the article reports an agreement that was signed or concluded."
    )
    no_agreement_reason: Text | None = Field(
        description="When reports_agreement is false: why, in one sentence. Otherwise null."
    )
    agreement: Agreement | None
    parties: list[Party] = Field(max_length=MAX_ITEMS)
    signatories: list[Signatory] = Field(max_length=MAX_ITEMS)
    aims: list[Aim] = Field(max_length=MAX_ITEMS)
    venue: Venue | None = Field(
        description="Null when the article does not say where it was signed."
    )
    threat_groups: list[ThreatGroupProfile] = Field(max_length=MAX_GROUP_ITEMS)
    headline: Text = Field(description="One plain sentence saying who agreed to what.")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The schema exactly as v1 was released, when its quote fields carried no title."""
        schema = super().model_json_schema(*args, **kwargs)
        for node in [schema, *schema.get("$defs", {}).values()]:
            node.get("properties", {}).get("evidence", {}).pop("title", None)
        return schema

    def upgrade(self) -> v2.AgreementReply:
        """The same facts in the version-2 shape: every name is its own mention."""
        agreement = self.agreement
        return v2.AgreementReply.model_construct(
            reports_agreement=self.reports_agreement,
            no_agreement_reason=self.no_agreement_reason,
            agreement=agreement
            and v2.Agreement.model_construct(
                kind=agreement.kind,
                title=agreement.title,
                date_text=agreement.date_text,
                evidence=agreement.evidence,
            ),
            parties=[
                v2.Party.model_construct(mention=p.name, **p.model_dump()) for p in self.parties
            ],
            signatories=[v2.Signatory.model_construct(**s.model_dump()) for s in self.signatories],
            aims=[v2.Aim.model_construct(**a.model_dump()) for a in self.aims],
            venue=self.venue and v2.Venue.model_construct(**self.venue.model_dump()),
            threat_groups=[_group(g) for g in self.threat_groups],
            headline=self.headline,
        )


def _group(group: ThreatGroupProfile) -> v2.ThreatGroup:
    def fact(item: Fact | None) -> v2.Fact | None:
        if item is None:
            return None
        return v2.Fact.model_construct(value=item.value, evidence=item.evidence)

    return v2.ThreatGroup.model_construct(
        name=group.name,
        description=None,
        aliases=group.aliases,
        kind=group.kind,
        origin=fact(group.origin),
        designations=[v2.Designation.model_construct(**d.model_dump()) for d in group.designations],
        size=fact(group.size),
        leadership=fact(group.leadership),
        base=fact(group.base),
        activities=[fact(a) for a in group.activities],
        areas=[fact(a) for a in group.areas],
        evidence=group.evidence,
    )
