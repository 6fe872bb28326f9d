"""Reply schema version 3 (prompt agreement_summary v3): every agreement a story reports.

A round-up ("the ministers signed three memoranda") reports several agreements, each with its
own parties, signatories, aims and venue. The reply lists them, the principal one first; each
entry has the version-2 shape and is checked as a version-2 reply of its own.
"""

from __future__ import annotations

import copy
import logging
from functools import cache
from typing import Any, ClassVar

from pydantic import Field, field_validator

from . import v2
from .base import MAX_GROUP_ITEMS, MAX_ITEMS, Reply, ReplyObject, Text

__all__ = ["AgreementsReply", "MAX_AGREEMENTS"]

# A state visit can sign a dozen; past this many, the first ones are kept (and a warning
# logged) rather than the reply refused.
MAX_AGREEMENTS = 16
logger = logging.getLogger("summarizer")


class AgreementEntry(ReplyObject):
    agreement: v2.Agreement
    parties: list[v2.Party] = Field(max_length=MAX_ITEMS)
    signatories: list[v2.Signatory] = Field(max_length=MAX_ITEMS)
    aims: list[v2.Aim] = Field(max_length=MAX_ITEMS)
    venue: v2.Venue | None
    threat_groups: list[v2.ThreatGroup] = Field(max_length=MAX_GROUP_ITEMS)


class AgreementsReply(Reply):
    reports_agreement: bool
    no_agreement_reason: Text | None
    agreements: list[AgreementEntry] = Field(
        description="Principal first.", json_schema_extra={"maxItems": MAX_AGREEMENTS}
    )
    headline: Text

    reports_every_agreement: ClassVar[bool] = True

    @field_validator("agreements", mode="before")
    @classmethod
    def _the_first_ones(cls, value: Any) -> Any:
        if isinstance(value, list) and len(value) > MAX_AGREEMENTS:
            logger.warning(
                "the reply lists %d agreements; only the first %d are kept",
                len(value),
                MAX_AGREEMENTS,
            )
            return value[:MAX_AGREEMENTS]
        return value

    def entries(self) -> list[v2.AgreementReply]:
        if not self.reports_agreement:
            return [_as_v2(self, None)]
        return [_as_v2(self, entry) for entry in self.agreements]

    def filled_when_no_agreement(self) -> list[str]:
        return ["agreements"] if self.agreements else []

    def missing_when_agreement(self, *, needs_party: bool = True) -> str | None:
        if not self.agreements:
            return "so list the agreements, the principal one first"
        return None

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Compact like version 2's, and built once per process for the same reason."""
        if args or kwargs or v2.fields_of(cls) != v2.fields_of(AgreementsReply):
            schema = super().model_json_schema(*args, **kwargs)
            v2.compact(schema)
            return schema
        return copy.deepcopy(_default_schema())


@cache
def _default_schema() -> dict[str, Any]:
    schema = super(AgreementsReply, AgreementsReply).model_json_schema()
    v2.compact(schema)
    return schema


def _as_v2(reply: AgreementsReply, entry: AgreementEntry | None) -> v2.AgreementReply:
    facts: dict[str, Any] = (
        {name: getattr(entry, name) for name in AgreementEntry.model_fields}
        if entry is not None
        else {"agreement": None, "parties": [], "signatories": [], "aims": [], "venue": None,
              "threat_groups": []}
    )  # fmt: skip
    return v2.AgreementReply.model_construct(
        reports_agreement=entry is not None,
        no_agreement_reason=reply.no_agreement_reason if entry is None else None,
        headline=reply.headline,
        **facts,
    )
