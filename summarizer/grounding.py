"""Find the model's quotes in the article and turn them into character spans.

A quote matches when it equals a stretch of the article after both are folded the same
way: curly quotes become straight ones, every dash becomes "-", whitespace is ignored.
Nothing else is forgiven: a changed word, letter or case is a miss. Misses are raised as
`ValueError` from inside pydantic validation, so instructor re-asks with the reason.

The article being validated against lives in a context variable set by `grounding_scope()`,
not in pydantic's validation context: instructor renders messages as Jinja templates
whenever a validation context is given, and the article must never be a template.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal

MatchKind = Literal["exact", "normalized"]

MIN_QUOTE_CHARS = 3
MAX_QUOTE_CHARS = 400

_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    }
)  # fmt: skip

# "2025-02-14 OTTAWA (dpa-AFX) -", "LYON, France, March 3 (Reuters) —", "BRUSSELS —":
# where and when the story was filed, which is not where or when anything was signed.
_DATELINE = re.compile(
    r"""\A\s*(?:date\s+)?(?:\d{4}-\d{2}-\d{2}\s+)?
        [A-Z][A-Z.'-]+(?:[ ][A-Z][A-Z.'-]+)*          # CITY in capitals
        (?:,[ ][A-Za-z.]+(?:[ ][A-Za-z.]+)*)?          # , Region
        (?:,[ ][A-Z][a-z]{2,8}\.?[ ]\d{1,2})?          # , Feb. 14
        \s*(?:\([^()\n]{1,40}\))?\s*[-\u2013\u2014]{1,2}""",
    re.VERBOSE,
)
_BOILERPLATE = re.compile(
    r"Copyright\s*(?:\(c\)|©)?|All Rights Reserved|\(c\)\s*\d{4}", re.IGNORECASE
)


def fold(text: str) -> str:
    """Fold quotes and dashes the way grounding compares text (whitespace is kept)."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Span:
    """A located quote: `text[start:end]` is the article's own wording of it."""

    start: int
    end: int
    match: MatchKind


class ArticleText:
    """The article, indexed once for quote look-ups."""

    def __init__(self, text: str) -> None:
        self.text = text
        folded = fold(text)
        keep = [i for i, ch in enumerate(folded) if not ch.isspace()]
        self._squeezed = "".join(folded[i] for i in keep)
        self._offsets = keep
        dateline = _DATELINE.match(text)
        self.dateline = (dateline.start(), dateline.end()) if dateline else None
        boilerplate = _BOILERPLATE.search(text, len(text) // 2)
        self.boilerplate_from = boilerplate.start() if boilerplate else len(text)

    def locate(self, quote: str) -> Span:
        """Return where `quote` stands in the article, or raise ValueError saying why not."""
        squeezed = _squeeze(quote)
        if len(squeezed) < MIN_QUOTE_CHARS:
            raise ValueError(f"quote {quote!r} is too short to locate; quote at least a few words")
        if len(quote) > MAX_QUOTE_CHARS:
            raise ValueError(
                f"quote of {len(quote)} characters is too long; quote at most {MAX_QUOTE_CHARS}"
            )
        found_in_boilerplate = False
        for start, end, kind in self._occurrences(quote, squeezed):
            if start >= self.boilerplate_from:
                found_in_boilerplate = True
                continue
            return Span(start, end, kind)
        if found_in_boilerplate:
            raise ValueError(
                f"quote {quote!r} comes from the copyright or agency notice, not the story"
            )
        raise ValueError(
            f"quote {quote!r} is not in the article; copy the words exactly as written"
        )

    def in_dateline(self, span: Span) -> bool:
        """True when the span lies inside the dateline ("OTTAWA (dpa-AFX) -")."""
        return self.dateline is not None and span.end <= self.dateline[1]

    def _occurrences(self, quote: str, squeezed: str) -> Iterator[tuple[int, int, MatchKind]]:
        start = self.text.find(quote)
        while start != -1:
            yield start, start + len(quote), "exact"
            start = self.text.find(quote, start + 1)
        at = self._squeezed.find(squeezed)
        while at != -1:
            yield self._offsets[at], self._offsets[at + len(squeezed) - 1] + 1, "normalized"
            at = self._squeezed.find(squeezed, at + 1)


def contains_words(haystack: str, needle: str) -> bool:
    """True when `needle` appears in `haystack`, ignoring case, whitespace, curly quotes, dashes."""
    return _squeeze(needle).casefold() in _squeeze(haystack).casefold()


def _squeeze(text: str) -> str:
    return "".join(fold(text).split())


@dataclass
class GroundingLedger:
    """What grounding saw during one summarize call, attempt by attempt."""

    exact: int = 0
    normalized: int = 0
    rejected: list[str] = field(default_factory=list)  # every grounding failure, not only quotes
    rejected_before: int = 0

    def new_attempt(self) -> None:
        """Start counting a fresh reply; misses of earlier replies are kept as a total."""
        self.rejected_before += len(self.rejected)
        self.exact = self.normalized = 0
        self.rejected = []


@dataclass
class _Scope:
    article: ArticleText
    ledger: GroundingLedger


_scope: ContextVar[_Scope | None] = ContextVar("summarizer_grounding_scope", default=None)


@contextmanager
def grounding_scope(article: ArticleText, ledger: GroundingLedger) -> Iterator[None]:
    """Validate model replies inside this block against `article`, recording into `ledger`."""
    token = _scope.set(_Scope(article, ledger))
    try:
        yield
    finally:
        _scope.reset(token)


def current_article() -> ArticleText | None:
    """The article replies are being grounded against, or None outside `grounding_scope()`."""
    scope = _scope.get()
    return scope.article if scope else None


def reject(message: str) -> ValueError:
    """Record a grounding failure (a fact the text does not support); return it to raise."""
    scope = _scope.get()
    if scope is not None:
        scope.ledger.rejected.append(message)
    return ValueError(message)


def ground(quote: str) -> Span:
    """Locate `quote` in the current article and record the outcome in the ledger."""
    scope = _scope.get()
    if scope is None:
        raise RuntimeError("ground() called outside grounding_scope()")
    try:
        span = scope.article.locate(quote)
    except ValueError as exc:
        raise reject(str(exc)) from None
    if span.match == "exact":
        scope.ledger.exact += 1
    else:
        scope.ledger.normalized += 1
    return span
