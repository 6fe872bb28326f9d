"""One batch item: what it is given (its text, or why it has none) and what becomes of it
(`ItemResult`, and the results line it is written as)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from .._exceptions import DuplicateItemError, NoAgreementError, ReplyError, SummarizerError
from .._meta import Usage
from .._summary import AgreementSummary

__all__ = ["ItemResult", "ItemText", "Items", "Status", "duplicate_item", "error_record"]

Status = Literal["summarized", "no_agreement", "failed"]

# An item's text, or the error met while reading it: a reader that cannot read an item
# (an unreadable file, a bad JSONL line) hands the error over, and the item is recorded as
# failed in its place instead of stopping the batch.
ItemText = str | bytes | SummarizerError
Items = Iterable[tuple[str, ItemText]] | AsyncIterable[tuple[str, ItemText]]


@dataclass(frozen=True)
class ItemResult:
    """What became of one item: its summary, or why there is none, and what it cost.

    `usage` is what this run spent on the item: zero for an answer from the cache (whose
    `summary.meta.usage` keeps what making it cost). A results file's line adds what killed
    runs spent on the item (`ResultsFile.append`), so the file sums to the bill.
    """

    id: str
    status: Status
    summary: AgreementSummary | None = None  # the story's principal agreement
    error: BaseException | None = None
    usage: Usage = field(default_factory=Usage)
    cached: bool = False
    # The story's other agreements, in the order its reply lists them. One call made them
    # all: their meta is the principal's, and `usage` counts the call once.
    others: tuple[AgreementSummary, ...] = ()

    @property
    def ok(self) -> bool:
        """Summarized, or found to report no agreement: an answer either way."""
        return self.status != "failed"

    @property
    def summaries(self) -> tuple[AgreementSummary, ...]:
        """Every agreement the story reports, the principal first; empty without one."""
        return (self.summary, *self.others) if self.summary is not None else ()

    @classmethod
    def summarized(
        cls, item_id: str, summaries: list[AgreementSummary], usage: Usage
    ) -> ItemResult:
        """The result of an item whose story reports `summaries`, the principal first."""
        principal, *others = summaries
        cached = principal.meta.cached
        return cls(
            item_id, "summarized", summary=principal, usage=usage, cached=cached,
            others=tuple(others),
        )  # fmt: skip

    def to_record(self) -> dict[str, Any]:
        """One JSON object for a results file: id, status, the principal agreement's
        summary (`summary`) and the others' (`other_summaries`, when the story reports
        more than one), or the error; and usage."""
        record: dict[str, Any] = {"id": self.id, "status": self.status, "cached": self.cached}
        if self.summary is not None:
            record["summary"] = self.summary.model_dump(mode="json")
        if self.others:
            record["other_summaries"] = [s.model_dump(mode="json") for s in self.others]
        if self.error is not None:
            record["error"] = error_record(self.error)
        record["usage"] = self.usage.model_dump(mode="json")
        return record

    def to_json_line(self) -> str:
        """`to_record()` as one line of JSON, newline included."""
        return json.dumps(self.to_record(), ensure_ascii=False, separators=(",", ":")) + "\n"


def duplicate_item(item_id: str) -> DuplicateItemError:
    """The error recorded for a second item with the same id."""
    return DuplicateItemError(f"id {item_id!r} is already in this batch")


def error_record(error: BaseException) -> dict[str, Any]:
    """An error as data: its type and message, and for a reply error what was wrong."""
    record: dict[str, Any] = {"type": type(error).__name__, "message": str(error)}
    if isinstance(error, ReplyError) and error.problems:
        record["problems"] = error.problems
    if isinstance(error, NoAgreementError):
        record["reason"] = error.reason
    return record
