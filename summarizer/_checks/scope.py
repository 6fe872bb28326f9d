"""Check every value of a reply against the article, and build the summary from what holds.

The model proposes; code verifies. A quote must be found in the article (`grounding`), a
name must stand in its own quote, a country must be a real one that its quote names or
implies (`places`), a date is resolved from its words (`dates`), a venue city comes from
the body or, for "signed here", from the dateline. Each failure is a `Problem` with the
path of the fact and a reason the model can act on.

What happens to problems depends on the reply's place in the call:
- while re-asks remain (and the setting is "reask"), any problem rejects the reply and the
  model is asked again about exactly those facts;
- on the last reply, or at once with the setting "drop", optional facts that fail are left
  out and listed in `meta.dropped`; only core facts (the agreement's own quote and at least
  one party) still reject the reply.

The article and the ledger reach the pydantic validator through a context variable set by
`checking()`, not instructor's validation context, which would render the messages as Jinja.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from .checks import Problem, ReplyChecker, Verified
from .dateline import read_dateline
from .grounding import ArticleText
from .schema import Dateline, Dropped

if TYPE_CHECKING:
    from .replies import Reply

__all__ = [
    "GroundingLedger",
    "OnFailedDetail",
    "Problem",
    "Verified",
    "check_reply",
    "checking",
    "inconsistent",
    "parties_required",
    "reask_message",
]

OnFailedDetail = Literal["reask", "drop"]


@dataclass
class GroundingLedger:
    """What the checks saw during one summarize call, reply by reply."""

    replies: int = 0
    problems: list[Problem] = field(default_factory=list)  # of the latest reply
    rejected: list[str] = field(default_factory=list)  # of the latest reply, when rejected
    rejected_before: int = 0
    # The latest reply whose only faults were optional facts, kept with them dropped in case
    # every later reply is worse.
    fallback: Verified | None = None

    def new_attempt(self) -> None:
        """Start counting a fresh reply; failures of earlier replies are kept as a total."""
        self.replies += 1
        self.rejected_before += len(self.rejected)
        self.problems = []
        self.rejected = []


@dataclass
class _Scope:
    article: ArticleText
    ledger: GroundingLedger
    max_replies: int
    on_failed_detail: OnFailedDetail
    dateline: Dateline | None
    language: str
    whole: ArticleText | None  # the whole text, when `article` is one part of it

    @property
    def needs_party(self) -> bool:
        """Each reply names a party, but for a part, whose parties may be in another."""
        return self.whole is None

    def may_drop(self) -> bool:
        return self.on_failed_detail == "drop" or self.ledger.replies >= self.max_replies


_scope: ContextVar[_Scope | None] = ContextVar("summarizer_verify_scope", default=None)


@contextmanager
def checking(
    article: ArticleText,
    ledger: GroundingLedger,
    *,
    max_replies: int,
    on_failed_detail: OnFailedDetail = "reask",
    dateline: Dateline | None = None,
    language: str = "en",
    whole: ArticleText | None = None,
) -> Iterator[None]:
    """Check replies validated inside this block against `article`, recording into `ledger`.

    `whole` is the whole text when `article` is one part of it: then `dateline` is the
    whole's (only the first part holds it), and an agreement's parties may be named in
    another part. `language` is the article's, as an ISO 639-1 code.
    """
    if dateline is None:
        dateline = read_dateline(article, language)
    scope = _Scope(article, ledger, max_replies, on_failed_detail, dateline, language, whole)
    token = _scope.set(scope)
    try:
        yield
    finally:
        _scope.reset(token)


def check_reply(reply: Reply) -> Verified | None:
    """Check `reply` in the current scope; raise ValueError when it must be re-asked.

    Each agreement of a reply that lists several is checked on its own. Only the principal
    one (the first) can fail the reply outright; another whose own quote or parties fail is
    an optional fact like any other: asked about again while re-asks remain, then dropped.

    Returns None outside `checking()` (a stored reply loaded for inspection).
    """
    scope = _scope.get()
    if scope is None:
        return None
    several = reply.reports_every_agreement
    problems: list[Problem] = []
    checked: list[Verified] = []
    lost: list[Dropped] = []
    for index, entry in enumerate(reply.entries()):
        checker = ReplyChecker(
            scope.article,
            scope.dateline,
            prefix=f"agreements[{index}]." if several else "",
            language=scope.language,
            whole=scope.whole,
        )
        verified = checker.reply(entry)
        core = [p for p in checker.problems if p.core]
        if index > 0 and core:
            checker.problems = [replace(p, core=False) for p in checker.problems]
            what = entry.agreement.title or entry.agreement.kind if entry.agreement else "?"
            reason = f"{_LOST}: " + "; ".join(map(str, core))
            lost.append(Dropped(path=f"agreements[{index}]", value=what, reason=reason))
        else:
            checked.append(verified)
        problems += checker.problems
    principal = replace(checked[0], others=tuple(checked[1:]), dropped=checked[0].dropped + lost)
    ledger = scope.ledger
    ledger.problems = problems
    if problems and (any(p.core for p in problems) or not scope.may_drop()):
        ledger.rejected = [str(p) for p in problems]
        if not any(p.core for p in problems):
            ledger.fallback = principal
        raise ValueError(reask_message(problems))
    return principal


_LOST = "its own quote or its parties failed the checks"


def parties_required() -> bool:
    """False while checking one part of a long article, whose parties may be in another."""
    scope = _scope.get()
    return scope is None or scope.needs_party


def inconsistent(path: str, value: str, reason: str) -> ValueError:
    """A reply that contradicts itself: an error to raise, and a problem the re-ask names.

    Not a grounding failure, so the call ends in `InvalidReplyError` if it persists.
    """
    problem = Problem(path, value, reason)
    scope = _scope.get()
    if scope is not None:
        scope.ledger.problems = [problem]
    return ValueError(str(problem))


def reask_message(problems: list[Problem]) -> str:
    """One short message naming each fact that failed and why."""
    lines = "\n".join(f"- {p}" for p in problems)
    return (
        "Some facts in your reply failed the checks against the article. Send the whole JSON "
        "object again with only these fixed; where the article does not support a fact, "
        f"leave it null or remove it:\n{lines}"
    )
