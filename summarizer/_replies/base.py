"""Pieces every reply shape shares: bounded strings, the quote type, the consistency rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

if TYPE_CHECKING:
    from .v2 import AgreementReply

__all__ = [
    "MAX_GROUP_ITEMS",
    "MAX_ITEMS",
    "MAX_QUOTE_CHARS",
    "Name",
    "PlainQuote",
    "Quote",
    "Reply",
    "Text",
]

# Bounds on every string and list the model fills. Grammar-constrained servers (llama.cpp,
# vLLM, Ollama) build them into the grammar, so a small model cannot loop inside one field
# until max_tokens; pydantic enforces them everywhere else.
Name = Annotated[str, Field(max_length=150)]
Text = Annotated[str, Field(max_length=300)]
MAX_ITEMS = 12
MAX_GROUP_ITEMS = 8

# The longest quote the checks look for; a whole paragraph proves nothing more precisely.
MAX_QUOTE_CHARS = 400

# In v2 the system prompt says what a quote is; v1's schema says it on every quote field.
PlainQuote = Annotated[str, Field(max_length=MAX_QUOTE_CHARS)]
Quote = Annotated[
    str,
    Field(max_length=MAX_QUOTE_CHARS),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": MAX_QUOTE_CHARS,
            "description": "A short exact quote from the article that states this.",
        },
        mode="validation",
    ),
]


class ReplyObject(BaseModel):
    """A closed, immutable object of a reply: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Reply(ReplyObject):
    """A whole reply: plain data, checked against the article by `summarizer._checks`."""

    reports_agreement: bool
    no_agreement_reason: str | None

    # Whether the shape lists every agreement a story reports (v3) or only one (v1, v2).
    reports_every_agreement: ClassVar[bool] = False

    def upgrade(self) -> AgreementReply:
        """This reply in the version-2 shape, for the checks."""
        raise NotImplementedError

    def entries(self) -> list[AgreementReply]:
        """One version-2 reply per agreement, the principal first, for the checks."""
        return [self.upgrade()]

    def filled_when_no_agreement(self) -> list[str]:
        """Fields a reply that reports no agreement must leave empty but did not."""
        names = ("agreement", "parties", "signatories", "aims", "venue", "threat_groups")
        return [name for name in names if getattr(self, name)]

    def missing_when_agreement(self, *, needs_party: bool = True) -> str | None:
        """What a reply that reports an agreement must give but did not (a part of a long
        article, `needs_party` False, may leave the parties to another part)."""
        no_parties = not getattr(self, "parties", None) and needs_party
        if getattr(self, "agreement", None) is None or no_parties:
            return "so give the agreement and its parties"
        return None
