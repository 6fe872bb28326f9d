"""Grounded summaries of agreement articles from any OpenAI-compatible model.

>>> from summarizer import summarize
>>> summary = summarize(article_text)
>>> summary.parties, summary.signatories, summary.venue, summary.meta.usage
"""

import typing as _typing

from .__version__ import __version__ as __version__

# Each public name loads its module when first used, so that `import summarizer` (or
# `summarizer._summary` alone, for a type) costs milliseconds and a command loads only what
# it runs.
if _typing.TYPE_CHECKING:
    from ._api import (
        asummarize,
        asummarize_all,
        summarize,
        summarize_all,
    )
    from ._batch.item import (
        ItemResult,
    )
    from ._batch.run import (
        asummarize_many,
        summarize_many,
    )
    from ._cache import (
        SummaryCache,
    )
    from ._checks import (
        verified_only,
    )
    from ._config import (
        Settings,
    )
    from ._database.store import Database
    from ._exceptions import (
        AuthError,
        ConfigError,
        ConnectionCutError,
        ContentFilteredError,
        DatabaseError,
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
        ResultsWriteError,
        ServerFailureError,
        SummarizerError,
        TransientEndpointError,
        TruncatedReplyError,
        UngroundedReplyError,
        UnreadableInputError,
    )
    from ._merge.cluster import merge
    from ._merge.records import AgreementRecord, RecordSource, SourcedValue, ValueSource
    from ._meta import Dropped, GroundingReport, Meta, PartRun, Usage
    from ._same_signing import ModelJudge
    from ._summary import (
        VERIFIED_BASES,
        Agreement,
        AgreementSummary,
        Aim,
        Country,
        Dateline,
        Designation,
        Evidence,
        Fact,
        Named,
        Party,
        Place,
        Signatory,
        SigningDate,
        ThreatGroupProfile,
        Venue,
    )
    from ._views.brief import brief

_HOMES = {
    "Agreement": "_summary",
    "AgreementRecord": "_merge.records",
    "AgreementSummary": "_summary",
    "Aim": "_summary",
    "AuthError": "_exceptions",
    "ConfigError": "_exceptions",
    "ConnectionCutError": "_exceptions",
    "ContentFilteredError": "_exceptions",
    "Country": "_summary",
    "Database": "_database.store",
    "DatabaseError": "_exceptions",
    "Dateline": "_summary",
    "Designation": "_summary",
    "Dropped": "_meta",
    "DuplicateItemError": "_exceptions",
    "EmptyInputError": "_exceptions",
    "EmptyReplyError": "_exceptions",
    "EndpointError": "_exceptions",
    "EndpointTimeoutError": "_exceptions",
    "EndpointUnreachableError": "_exceptions",
    "Evidence": "_summary",
    "Fact": "_summary",
    "GroundingReport": "_meta",
    "InputError": "_exceptions",
    "InputTooLongError": "_exceptions",
    "InvalidReplyError": "_exceptions",
    "ItemResult": "_batch.item",
    "Meta": "_meta",
    "ModelJudge": "_same_signing",
    "Named": "_summary",
    "NoAgreementError": "_exceptions",
    "NotChatCompletionError": "_exceptions",
    "NotTextError": "_exceptions",
    "PartRun": "_meta",
    "Party": "_summary",
    "Place": "_summary",
    "PromptError": "_exceptions",
    "RateLimitedError": "_exceptions",
    "RecordSource": "_merge.records",
    "RefusedError": "_exceptions",
    "ReplyError": "_exceptions",
    "RequestRejectedError": "_exceptions",
    "ResultsWriteError": "_exceptions",
    "ServerFailureError": "_exceptions",
    "Settings": "_config",
    "Signatory": "_summary",
    "SigningDate": "_summary",
    "SourcedValue": "_merge.records",
    "SummarizerError": "_exceptions",
    "SummaryCache": "_cache",
    "ThreatGroupProfile": "_summary",
    "TransientEndpointError": "_exceptions",
    "TruncatedReplyError": "_exceptions",
    "UngroundedReplyError": "_exceptions",
    "UnreadableInputError": "_exceptions",
    "Usage": "_meta",
    "VERIFIED_BASES": "_summary",
    "ValueSource": "_merge.records",
    "Venue": "_summary",
    "asummarize": "_api",
    "asummarize_all": "_api",
    "asummarize_many": "_batch.run",
    "brief": "_views.brief",
    "merge": "_merge.cluster",
    "summarize": "_api",
    "summarize_all": "_api",
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
    "AgreementRecord",
    "AgreementSummary",
    "Aim",
    "AuthError",
    "ConfigError",
    "ConnectionCutError",
    "ContentFilteredError",
    "Country",
    "Database",
    "DatabaseError",
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
    "ModelJudge",
    "Named",
    "NoAgreementError",
    "NotChatCompletionError",
    "NotTextError",
    "PartRun",
    "Party",
    "Place",
    "PromptError",
    "RateLimitedError",
    "RecordSource",
    "RefusedError",
    "ReplyError",
    "RequestRejectedError",
    "ResultsWriteError",
    "ServerFailureError",
    "Settings",
    "Signatory",
    "SigningDate",
    "SourcedValue",
    "SummarizerError",
    "SummaryCache",
    "ThreatGroupProfile",
    "TransientEndpointError",
    "TruncatedReplyError",
    "UngroundedReplyError",
    "UnreadableInputError",
    "Usage",
    "VERIFIED_BASES",
    "ValueSource",
    "Venue",
    "asummarize",
    "asummarize_all",
    "asummarize_many",
    "brief",
    "merge",
    "summarize",
    "summarize_all",
    "summarize_many",
    "verified_only",
]
