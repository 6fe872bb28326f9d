"""Reply schema version 4 (prompt agreement_summary v4): names in Latin script, as written.

Version 3 with a `mention` beside the name of each signatory and threat group: the words
naming them in their quote, as the article writes them ("Сергеем Ивановым", "داعш"), while
`name` is their usual Latin-script or English form ("Sergei Ivanov", "Islamic State"), which
the checks grade by how far code can prove it from the mention.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic import ConfigDict, Field

from . import v2, v3
from .base import MAX_GROUP_ITEMS, MAX_ITEMS, Name, ReplyObject

__all__ = ["AgreementsReply"]


def _mention_required(schema: dict[str, Any]) -> None:
    schema.setdefault("required", []).append("mention")
    schema["properties"]["mention"].pop("default", None)


# The schema asks for the mention; a reply without one is still read, its name standing
# for the words as written (a server that does not enforce the schema may leave it out).
_ASKED_FOR = ConfigDict(json_schema_extra=_mention_required)


class Signatory(v2.Signatory):
    model_config = _ASKED_FOR
    mention: Name | None = Field(default=None, description="As written in the quote.")

    def written_name(self) -> str | None:
        return self.mention or self.name


class ThreatGroup(v2.ThreatGroup):
    model_config = _ASKED_FOR
    mention: Name | None = Field(default=None, description="As written in the quote.")

    def written_name(self) -> str | None:
        return self.mention or self.name


class AgreementEntry(ReplyObject):
    agreement: v2.Agreement
    parties: list[v2.Party] = Field(max_length=MAX_ITEMS)
    signatories: list[Signatory] = Field(max_length=MAX_ITEMS)
    aims: list[v2.Aim] = Field(max_length=MAX_ITEMS)
    venue: v2.Venue | None
    threat_groups: list[ThreatGroup] = Field(max_length=MAX_GROUP_ITEMS)


class AgreementsReply(v3.AgreementsReply):
    agreements: list[AgreementEntry] = Field(  # type: ignore[assignment]
        description="Principal first.", json_schema_extra={"maxItems": v3.MAX_AGREEMENTS}
    )

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Compact like version 3's, and built once per process."""
        if args or kwargs or v2.fields_of(cls) != v2.fields_of(AgreementsReply):
            schema = super(v3.AgreementsReply, cls).model_json_schema(*args, **kwargs)
            v2.compact(schema)
            return schema
        return copy.deepcopy(_default_schema())


@cache
def _default_schema() -> dict[str, Any]:
    schema = super(v3.AgreementsReply, AgreementsReply).model_json_schema()
    v2.compact(schema)
    return schema
