"""Grounded summaries of agreement articles from any OpenAI-compatible model.

>>> from summarizer import summarize
>>> summary = summarize(article_text)
>>> summary.parties, summary.signatories, summary.venue, summary.meta.usage
"""

import typing as _typing

from .__version__ import __version__ as __version__

# Each public name loads its module when first used, so that `import summarizer` (or
# `summarizer.schema` alone, for a type) costs milliseconds and a command loads only what
# it runs.
if _typing.TYPE_CHECKING:
    from ._batch.run import (
        ItemResult,
        asummarize_many,
        summarize_many,
    )
    from ._checks import (
        verified_only,
    )
    from ._views.brief import brief
    from .api import (
        asummarize,
        asummarize_all,
        summarize,
        summarize_all,
    )
    from .cache import (
        SummaryCache,
    )
    from .config import (
        Settings,
    )
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

_HOMES = {
    "Agreement": "schema",
    "AgreementSummary": "schema",
    "Aim": "schema",
    "AuthError": "errors",
    "ConfigError": "errors",
    "ConnectionCutError": "errors",
    "ContentFilteredError": "errors",
    "Country": "schema",
    "Dateline": "schema",
    "Designation": "schema",
    "Dropped": "schema",
    "DuplicateItemError": "errors",
    "EmptyInputError": "errors",
    "EmptyReplyError": "errors",
    "EndpointError": "errors",
    "EndpointTimeoutError": "errors",
    "EndpointUnreachableError": "errors",
    "Evidence": "schema",
    "Fact": "schema",
    "GroundingReport": "schema",
    "InputError": "errors",
    "InputTooLongError": "errors",
    "InvalidReplyError": "errors",
    "ItemResult": "_batch.run",
    "Meta": "schema",
    "Named": "schema",
    "NoAgreementError": "errors",
    "NotChatCompletionError": "errors",
    "NotTextError": "errors",
    "PartRun": "schema",
    "Party": "schema",
    "Place": "schema",
    "PromptError": "errors",
    "RateLimitedError": "errors",
    "RefusedError": "errors",
    "ReplyError": "errors",
    "RequestRejectedError": "errors",
    "ServerFailureError": "errors",
    "Settings": "config",
    "Signatory": "schema",
    "SigningDate": "schema",
    "SummarizerError": "errors",
    "SummaryCache": "cache",
    "ThreatGroupProfile": "schema",
    "TransientEndpointError": "errors",
    "TruncatedReplyError": "errors",
    "UngroundedReplyError": "errors",
    "UnreadableInputError": "errors",
    "Usage": "schema",
    "VERIFIED_BASES": "schema",
    "Venue": "schema",
    "asummarize": "api",
    "asummarize_all": "api",
    "asummarize_many": "_batch.run",
    "brief": "_views.brief",
    "summarize": "api",
    "summarize_all": "api",
    "summarize_many": "_batch.run",
    "verified_only": "_checks",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # the next use is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


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
    "brief",
    "summarize",
    "summarize_all",
    "summarize_many",
    "verified_only",
]
