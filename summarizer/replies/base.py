"""Pieces every reply shape shares: bounded strings, the quote type, the consistency rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, WithJsonSchema, model_validator

from ..grounding import MAX_QUOTE_CHARS

if TYPE_CHECKING:
    from ..verify import Verified
    from .v2 import AgreementReply

__all__ = ["MAX_GROUP_ITEMS", "MAX_ITEMS", "Name", "PlainQuote", "Quote", "Reply", "Text"]

# Bounds on every string and list the model fills. Grammar-constrained servers (llama.cpp,
# vLLM, Ollama) build them into the grammar, so a small model cannot loop inside one field
# until max_tokens; pydantic enforces them everywhere else.
Name = Annotated[str, Field(max_length=150)]
Text = Annotated[str, Field(max_length=300)]
MAX_ITEMS = 12
MAX_GROUP_ITEMS = 8

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


class Part(BaseModel):
    """A closed, immutable part of a reply."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Reply(Part):
    """A whole reply. Validated inside `verify.checking()`, it also carries `verified`: the
    summary built from what passed the checks (its meta is filled in by the caller)."""

    reports_agreement: bool
    no_agreement_reason: str | None

    # Whether the shape lists every agreement a story reports (v3) or only one (v1, v2).
    reports_every_agreement: ClassVar[bool] = False

    _verified: Verified | None = PrivateAttr(default=None)

    def upgrade(self) -> AgreementReply:
        """This reply in the version-2 shape, for the checks."""
        raise NotImplementedError

    def entries(self) -> list[AgreementReply]:
        """One version-2 reply per agreement, the principal first, for the checks."""
        return [self.upgrade()]

    @property
    def verified(self) -> Verified | None:
        """The checked summary (without meta), or None outside a verification scope."""
        return self._verified

    def filled_when_no_agreement(self) -> list[str]:
        """Fields a reply that reports no agreement must leave empty but did not."""
        names = ("agreement", "parties", "signatories", "aims", "venue", "threat_groups")
        return [name for name in names if getattr(self, name)]

    def missing_when_agreement(self) -> str | None:
        """What a reply that reports an agreement must give but did not (a part of a long
        article may leave the parties to another part)."""
        from ..verify import parties_required

        no_parties = not getattr(self, "parties", None) and parties_required()
        if getattr(self, "agreement", None) is None or no_parties:
            return "so give the agreement and its parties"
        return None

    @model_validator(mode="after")
    def _consistent_then_checked(self) -> Any:
        from ..verify import check_reply, inconsistent

        if not self.reports_agreement:
            filled = self.filled_when_no_agreement()
            if filled:
                raise inconsistent(
                    "reports_agreement",
                    "false",
                    "so leave these empty or null: " + ", ".join(filled),
                )
        elif missing := self.missing_when_agreement():
            raise inconsistent("reports_agreement", "true", missing)
        self._verified = check_reply(self)
        return self
