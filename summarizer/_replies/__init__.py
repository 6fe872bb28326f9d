"""What the model is asked to fill, one reply shape per schema version.

A prompt file names the reply schema it was written for (`reply_schema`, "1" when absent).
Replies are plain structured data: quotes are strings, names are proposals. Nothing here is
trusted; `summarizer._checks` checks every value against the article and builds the
`AgreementSummary`. A version-1 reply is upgraded to the version-2 shape before that; a
version-3 or 4 reply lists several agreements, each checked as a version-2 reply (version
4 adds the mention beside a signatory's or group's name).
"""

from __future__ import annotations

from .base import Reply
from .v1 import ModelReply
from .v2 import AgreementReply
from .v3 import AgreementsReply
from .v4 import AgreementsReply as AgreementsReplyV4

__all__ = [
    "REPLY_MODELS",
    "AgreementReply",
    "AgreementsReply",
    "AgreementsReplyV4",
    "ModelReply",
    "Reply",
    "reply_model",
]

REPLY_MODELS: dict[str, type[Reply]] = {
    "1": ModelReply,
    "2": AgreementReply,
    "3": AgreementsReply,
    "4": AgreementsReplyV4,
}


def reply_model(schema_version: str) -> type[Reply]:
    """The reply class for a prompt's `reply_schema`."""
    return REPLY_MODELS[schema_version]
