"""Grounded summaries of agreement articles from any OpenAI-compatible model.

>>> from summarizer import summarize
>>> summary = summarize(article_text)
>>> summary.parties, summary.signatories, summary.venue, summary.meta.usage
"""

import typing as _typing

from ._checks import verified_only
from .api import asummarize, asummarize_all, summarize, summarize_all
from .cache import SummaryCache
from .config import Settings
from .errors import (
    AuthError,
    ConfigError,
    ConnectionCutError,
    ContentFilteredError,
    DuplicateItemError,
    EmptyInputError,
    EmptyReplyError,
    EndpointError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    InputError,
    InputTooLongError,
    InvalidReplyError,
    NoAgreementError,
    NotChatCompletionError,
    NotTextError,
    PromptError,
    RateLimitedError,
    RefusedError,
    ReplyError,
    RequestRejectedError,
    ServerFailureError,
    SummarizerError,
    TransientEndpointError,
    TruncatedReplyError,
    UngroundedReplyError,
    UnreadableInputError,
)
from .schema import (
    VERIFIED_BASES,
    Agreement,
    AgreementSummary,
    Aim,
    Country,
    Dateline,
    Designation,
    Dropped,
    Evidence,
    Fact,
    GroundingReport,
    Meta,
    Named,
    PartRun,
    Party,
    Place,
    Signatory,
    SigningDate,
    ThreatGroupProfile,
    Usage,
    Venue,
)

if _typing.TYPE_CHECKING:
    from .batch import ItemResult, asummarize_many, summarize_many

__version__ = "0.1.0"

# The batch machinery (asyncio, aiolimiter) loads when first named, not with the package.
_LAZY = {"ItemResult", "asummarize_many", "summarize_many"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from . import batch

        return getattr(batch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Agreement",
    "AgreementSummary",
    "Aim",
    "AuthError",
    "ConfigError",
    "ConnectionCutError",
    "ContentFilteredError",
    "Country",
    "Dateline",
    "Designation",
    "Dropped",
    "DuplicateItemError",
    "EmptyInputError",
    "EmptyReplyError",
    "EndpointError",
    "EndpointTimeoutError",
    "EndpointUnreachableError",
    "Evidence",
    "Fact",
    "GroundingReport",
    "InputError",
    "InputTooLongError",
    "InvalidReplyError",
    "ItemResult",
    "Meta",
    "Named",
    "NoAgreementError",
    "NotChatCompletionError",
    "NotTextError",
    "PartRun",
    "Party",
    "Place",
    "PromptError",
    "RateLimitedError",
    "RefusedError",
    "ReplyError",
    "RequestRejectedError",
    "ServerFailureError",
    "Settings",
    "Signatory",
    "SigningDate",
    "SummarizerError",
    "SummaryCache",
    "ThreatGroupProfile",
    "TransientEndpointError",
    "TruncatedReplyError",
    "UngroundedReplyError",
    "UnreadableInputError",
    "Usage",
    "VERIFIED_BASES",
    "Venue",
    "asummarize",
    "asummarize_all",
    "asummarize_many",
    "summarize",
    "summarize_all",
    "summarize_many",
    "verified_only",
]
