"""What every check of a reply shares: its problems and what it left out, quotes located
in the article, and the guard that keeps a bug of ours from costing more than one fact.

A `Problem` is recorded only for what a re-ask can fix; a value that cannot be stored at
all is left out and listed (`Dropped`), without a re-ask. An exception inside a check is a
bug of ours, never the model's: it is logged with the article's hash and costs only the
fact it concerned.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from .._meta import Dropped
from .._summary import Evidence
from . import languages, places
from .quotes import Span
from .verdict import Problem

if TYPE_CHECKING:
    from .quotes import ArticleText
    from .scope import Scope

__all__ = ["AgreementChecks"]

logger = logging.getLogger("summarizer")
T = TypeVar("T")
Kept = TypeVar("Kept")


@dataclass
class AgreementChecks:
    """One agreement of a reply under check: the problems found so far, instead of stopping
    at the first, and what was left out."""

    scope: Scope
    prefix: str = ""  # "agreements[1]." when the reply lists several
    problems: list[Problem] = field(default_factory=list)
    # Left out without a re-ask: values that cannot be stored, facts lost with another.
    left_out: list[Dropped] = field(default_factory=list)
    failed_parties: set[str] = field(default_factory=set)
    # Which party each kept signatory signed for, by its place among the kept parties: two
    # parties may end with one name, and a name left out for its mention must be followed.
    links: dict[int, int] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return self.scope.language

    @property
    def whole(self) -> ArticleText:
        return self.scope.whole or self.scope.article

    def fail(self, path: str, value: object, reason: str, *, core: bool = False) -> None:
        self.problems.append(Problem(self.prefix + path, str(value), reason, core))

    def leave_out(self, path: str, value: object, reason: str) -> None:
        self.left_out.append(Dropped(path=self.prefix + path, value=str(value), reason=reason))

    def guarded(self, path: str, value: object, check: Callable[[], T]) -> T | None:
        """`check()`, or None when it raised: a bug in our checks, logged, costing this fact."""
        try:
            return check()
        except Exception:
            logger.exception(
                "a check failed on %s%s of article %s", self.prefix, path, self.scope.article_id
            )
            self.leave_out(path, value, "a check failed inside summarizer (logged as a bug)")
            return None

    def each(
        self, name: str, items: Sequence[T], check: Callable[[str, T], Kept | None]
    ) -> list[Kept]:
        """Each item checked, guarded against our own bugs; those that held."""
        kept: list[Kept] = []
        for index, item in enumerate(items):
            path = f"{name}[{index}]"
            fact = self.guarded(path, "", lambda: check(path, item))  # noqa: B023
            if fact is not None:
                kept.append(fact)
        return kept

    def ground(self, path: str, quote: str, *, core: bool = False) -> Evidence | None:
        try:
            span: Span = self.scope.article.locate(quote)
        except ValueError as exc:
            self.fail(path, quote, str(exc).replace(f"quote {quote!r} ", "").strip(), core=core)
            return None
        return Evidence(
            quote=self.scope.article.text[span.start : span.end],
            start=span.start,
            end=span.end,
            match=span.match,
        )

    def contains(self, quote: str, words: str) -> bool:
        """`words` stand in `quote` (in Arabic, also with a clitic written onto them)."""
        return languages.contains_words_in_language(quote, words, self.language)

    def in_dateline(self, evidence: Evidence) -> bool:
        return self.scope.article.in_dateline(Span(evidence.start, evidence.end, evidence.match))

    def country(self, path: str, proposed: str) -> tuple[str, str] | None:
        """The ISO country the model named, or None (left out: no re-ask can make a place
        that is no country one)."""
        known = places.canonical_country(proposed)
        if known is None:
            self.leave_out(path, proposed, "is not a country in ISO 3166")
        return known
