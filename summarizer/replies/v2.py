"""Reply schema version 2 (prompt agreement_summary v2): mentions beside canonical names.

The model proposes a canonical value (a party's full name, a country) beside the words the
article uses (`mention`, inside the quote); `summarizer.verify` accepts the value only when
code can derive it from those words. Dates are given only as written: code resolves them.
The schema sent to the model carries no titles, to keep the fixed part of every request small.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..schema import AgreementKind, AimCategory, PartyKind, ThreatGroupKind
from .base import MAX_GROUP_ITEMS, MAX_ITEMS, Name, Part, Quote, Reply, Text

__all__ = ["AgreementReply"]


class Agreement(Part):
    kind: AgreementKind
    title: Text | None = Field(description="Its name as written, if given.")
    date_text: Name | None = Field(
        description="When it was signed, as written in evidence, e.g. 'on Tuesday'."
    )
    evidence: Quote


class Party(Part):
    name: Name = Field(
        description="Full name: the mention, the full form the article spells out for an "
        "abbreviation, or the country for a nationality word ('Salvadoran' -> 'El Salvador')."
    )
    mention: Name = Field(description="The words naming it in evidence.")
    kind: PartyKind
    country: Name | None
    parent_body: Name | None
    evidence: Quote


class Signatory(Part):
    name: Name | None
    title: Name | None
    party: Name | None = Field(description="The party's name, as in parties.")
    evidence: Quote


class Aim(Part):
    description: Text = Field(description="Plain words.")
    category: AimCategory
    evidence: Quote


class Venue(Part):
    event: Text | None
    city: Name | None
    country: Name | None
    evidence: Quote = Field(description="The words saying where it was signed.")


class Fact(Part):
    value: Text
    evidence: Quote


class Designation(Part):
    label: Name
    designated_by: Name | None
    evidence: Quote


class ThreatGroup(Part):
    name: Name | None = Field(description="null if the article gives no name.")
    description: Text | None = Field(description="What the article calls it, if unnamed.")
    aliases: list[Name] = Field(max_length=MAX_GROUP_ITEMS)
    kind: ThreatGroupKind
    origin: Fact | None
    designations: list[Designation] = Field(max_length=MAX_GROUP_ITEMS)
    size: Fact | None
    leadership: Fact | None
    base: Fact | None
    activities: list[Fact] = Field(max_length=MAX_GROUP_ITEMS)
    areas: list[Fact] = Field(max_length=MAX_GROUP_ITEMS)
    evidence: Quote


class AgreementReply(Reply):
    reports_agreement: bool
    no_agreement_reason: Text | None
    agreement: Agreement | None
    parties: list[Party] = Field(max_length=MAX_ITEMS)
    signatories: list[Signatory] = Field(max_length=MAX_ITEMS)
    aims: list[Aim] = Field(max_length=MAX_ITEMS)
    venue: Venue | None
    threat_groups: list[ThreatGroup] = Field(max_length=MAX_GROUP_ITEMS)
    headline: Text

    def upgrade(self) -> AgreementReply:
        return self

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The schema without pydantic's titles, which tell the model nothing new."""
        schema = super().model_json_schema(*args, **kwargs)
        _drop_titles(schema)
        return schema


def _drop_titles(node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("title"), str):
            del node["title"]
        for key, value in node.items():
            if key != "properties":
                _drop_titles(value)
            else:
                for prop in value.values():
                    _drop_titles(prop)
    elif isinstance(node, list):
        for item in node:
            _drop_titles(item)
