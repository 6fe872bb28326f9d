"""How a summary was made: by which model and prompt, from which page, at what cost, what
was left out and why (`Meta`); kept beside the facts of `_summary`, and read back from
results files, caches and databases, so a field is added, never renamed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_VERSION",
    "Dropped",
    "GroundingReport",
    "Meta",
    "Page",
    "PartRun",
    "StrictModel",
    "Usage",
    "token_count",
]

# The version of the summary's schema, which every summary's meta records; CHANGELOG.md
# says what each version changed.
# 3: basis "translated"; meta.language, other_agreements and parts.
# 4: basis "unverified"; signatories' and groups' mention and basis; parent_body graded.
SCHEMA_VERSION = "4"


class StrictModel(BaseModel):
    """A summary's part: unknown fields refused, never changed after it is built."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Dropped(StrictModel):
    """A fact left out because code could not verify it, and why."""

    path: str = Field(description="Where it was in the reply, e.g. 'parties[1].country'.")
    value: str
    reason: str


class Usage(StrictModel):
    """Tokens spent, summed over every reply requested for one summary."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
        )

    @classmethod
    def read(cls, data: object) -> Usage:
        """A usage as a file gives it (a results line, a batch's side file, a page's
        record), each count read with `token_count`, and no usage at all (not an object)
        as none spent: a file read back never fails on its numbers."""
        if not isinstance(data, Mapping):
            return cls()
        return cls(
            prompt_tokens=token_count(data.get("prompt_tokens")),
            completion_tokens=token_count(data.get("completion_tokens")),
            total_tokens=token_count(data.get("total_tokens")),
        )


class GroundingReport(StrictModel):
    """How the quotes of the accepted reply were found, and how many earlier ones were not."""

    quotes: int
    exact: int
    normalized: int
    elided: int = 0
    rejected_in_earlier_replies: int


class Page(StrictModel):
    """The web page an article was extracted from: every offset points into `text`."""

    text: str = Field(description="The story as extracted: what was summarized.")
    title: str | None
    published: date | None = Field(description="The page's own date, when it states one.")
    url: str | None = None


class PartRun(StrictModel):
    """One part of a long article, summarized on its own: where it lies and what it cost."""

    start: int = Field(ge=0, description="Where the part starts in the whole text.")
    end: int = Field(ge=0)
    outcome: Literal["summarized", "no_agreement", "failed"]
    usage: Usage
    attempts: int
    http_requests: int
    error: str | None = Field(default=None, description="Why the part failed, when it did.")


class Meta(StrictModel):
    """How a summary was made: by which model and prompt, at what cost, in how long."""

    model: str
    endpoint: str
    endpoint_kind: str
    mode: str
    prompt_name: str
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    article_sha256: str
    usage: Usage
    attempts: int = Field(description="Model replies requested (1 + re-asks).")
    http_requests: int = Field(description="HTTP requests sent, transport retries included.")
    latency_seconds: float
    grounding: GroundingReport
    dropped: list[Dropped] = Field(
        default_factory=list, description="Optional facts left out because they failed checks."
    )
    page: Page | None = Field(
        default=None,
        description="Set when the input was a web page: the text the offsets point into.",
    )
    language: str | None = Field(
        default=None, description="The article's language (ISO 639-1), detected or as set."
    )
    other_agreements: int | None = Field(
        default=None,
        description="How many more agreements the story reports beside this one; None when "
        "the prompt version does not ask for every agreement.",
    )
    parts: list[PartRun] = Field(
        default_factory=list,
        description="Set when a long article was summarized in parts: each part and its cost "
        "(usage, attempts and http_requests above are their sums).",
    )
    cached: bool = Field(
        default=False,
        description="Read from the response cache: no request was sent for it this time, and "
        "usage, attempts and latency are those of the call that first made it.",
    )


def token_count(value: object) -> int:
    """A token count as a results line gives it, or 0 for what is none (null, text, 1e999):
    a results file read back never fails on its numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    try:
        return max(int(value), 0)
    except (OverflowError, ValueError):
        return 0
