"""Reply schema version 2 (prompt agreement_summary v2): mentions beside canonical names.

The model proposes a canonical value (a party's full name, a country) beside the words the
article uses (`mention`, inside the quote); `summarizer._checks` grades the value by how far
code can derive it from the article. Dates are given only as written: code resolves them.
The schema sent to the model carries no titles, to keep the fixed part of every request small.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic import Field

from .._summary import AgreementKind, AimCategory, PartyKind, ThreatGroupKind
from .base import MAX_GROUP_ITEMS, MAX_ITEMS, Name, PlainQuote, Reply, ReplyObject, Text

__all__ = ["AgreementReply", "compact", "fields_of"]


class Agreement(ReplyObject):
    kind: AgreementKind
    title: Text | None = Field(description="Its name as written, if given.")
    date_text: Name | None = Field(description="As written, e.g. 'on Tuesday'.")
    evidence: PlainQuote


class Party(ReplyObject):
    name: Name
    mention: Name
    kind: PartyKind
    country: Name | None
    parent_body: Name | None
    evidence: PlainQuote


class Signatory(ReplyObject):
    name: Name | None
    title: Name | None
    party: Name | None = Field(description="As in parties.")
    evidence: PlainQuote

    def written_name(self) -> str | None:
        """The name as the quote writes it (from schema 4 on, the mention beside it)."""
        return self.name


class Aim(ReplyObject):
    description: Text
    category: AimCategory
    evidence: PlainQuote


class Venue(ReplyObject):
    event: Text | None
    city: Name | None
    country: Name | None
    evidence: PlainQuote


class Fact(ReplyObject):
    value: Text
    evidence: PlainQuote


class Designation(ReplyObject):
    label: Name
    designated_by: Name | None
    evidence: PlainQuote


class ThreatGroup(ReplyObject):
    name: Name | None
    description: Text | None = Field(description="If unnamed.")
    aliases: list[Name] = Field(max_length=MAX_GROUP_ITEMS)
    kind: ThreatGroupKind
    origin: Fact | None
    designations: list[Designation] = Field(max_length=MAX_GROUP_ITEMS)
    size: Fact | None
    leadership: Fact | None
    base: Fact | None
    activities: list[Fact] = Field(max_length=MAX_GROUP_ITEMS)
    areas: list[Fact] = Field(max_length=MAX_GROUP_ITEMS)
    evidence: PlainQuote

    def written_name(self) -> str | None:
        """The name as the quote writes it (from schema 4 on, the mention beside it)."""
        return self.name


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
        """The schema in few words: no titles (they say nothing the names don't), and a
        nullable string as `"type": ["string", "null"]` rather than an `anyOf` of two.

        Built once per class and copied: instructor asks for it on every call, and
        generating it anew cost more than the rest of our work on a reply.
        """
        if args or kwargs or fields_of(cls) != fields_of(AgreementReply):
            schema = super().model_json_schema(*args, **kwargs)
            compact(schema)
            return schema
        # instructor wraps us in a subclass of its own per call; its fields are ours.
        return copy.deepcopy(_default_schema())


def fields_of(model: type[Reply]) -> tuple[tuple[str, str], ...]:
    """A reply class's fields and their types: instructor's per-call subclass has ours.
    Not cached: every call brings new subclasses, which a cache would keep alive."""
    return tuple((name, repr(field.annotation)) for name, field in model.model_fields.items())


@cache
def _default_schema() -> dict[str, Any]:
    schema = super(AgreementReply, AgreementReply).model_json_schema()
    compact(schema)
    return schema


def compact(node: Any) -> None:
    """Drop titles and write a nullable scalar as `"type": [T, "null"]`, in place."""
    if isinstance(node, list):
        for item in node:
            compact(item)
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("title"), str):
        del node["title"]
    options = node.get("anyOf")
    if (
        isinstance(options, list)
        and len(options) == 2
        and {"type": "null"} in options
        and all(set(o) <= {"type", "maxLength"} and o.get("type") != "array" for o in options)
    ):
        (value,) = [o for o in options if o != {"type": "null"}]
        del node["anyOf"]
        node.update(value, type=[value["type"], "null"])
    for key, value in node.items():
        if key == "properties":
            for prop in value.values():
                compact(prop)
        else:
            compact(value)
