"""Grounded summaries of agreement articles from any OpenAI-compatible model.

>>> from summarizer import summarize
>>> summary = summarize(article_text)
>>> summary.parties, summary.signatories, summary.venue, summary.meta.usage
"""

from .api import asummarize, summarize
from .config import Settings
from .errors import (
    AuthError,
    ConfigError,
    EmptyInputError,
    EndpointError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    InputError,
    InputTooLongError,
    InvalidReplyError,
    NoAgreementError,
    NotTextError,
    PromptError,
    RateLimitedError,
    ReplyError,
    RequestRejectedError,
    ServerFailureError,
    SummarizerError,
    TransientEndpointError,
    TruncatedReplyError,
    UngroundedReplyError,
)
from .schema import (
    Agreement,
    AgreementSummary,
    Aim,
    Designation,
    Evidence,
    Fact,
    GroundingReport,
    Meta,
    Party,
    Signatory,
    ThreatGroupProfile,
    Usage,
    Venue,
)

__version__ = "0.1.0"

__all__ = [
    "Agreement",
    "AgreementSummary",
    "Aim",
    "AuthError",
    "ConfigError",
    "Designation",
    "EmptyInputError",
    "EndpointError",
    "EndpointTimeoutError",
    "EndpointUnreachableError",
    "Evidence",
    "Fact",
    "GroundingReport",
    "InputError",
    "InputTooLongError",
    "InvalidReplyError",
    "Meta",
    "NoAgreementError",
    "NotTextError",
    "Party",
    "PromptError",
    "RateLimitedError",
    "ReplyError",
    "RequestRejectedError",
    "ServerFailureError",
    "Settings",
    "Signatory",
    "SummarizerError",
    "ThreatGroupProfile",
    "TransientEndpointError",
    "TruncatedReplyError",
    "UngroundedReplyError",
    "Usage",
    "Venue",
    "asummarize",
    "summarize",
]
