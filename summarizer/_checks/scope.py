"""What one call checks its replies against, and the reply model that checks them.

The model proposes; code verifies and grades. `Scope` holds the article (or one part of a
long one), its dateline and language, and the call's settings; `checked_model()` builds, for
one call, a subclass of the reply model whose validator checks each reply against that
scope, so the validator needs no hidden channel. What the checks saw, reply by reply, is
kept in the scope's `Ledger`, which the model call reads (as its `Review`) to word a re-ask.

A reply is re-asked only for what a re-ask can fix (`Problem`): a quote that is not in the
article, a name that is not in its own quote, a value the article contradicts, a reply that
contradicts itself. While re-asks remain (setting "reask") any such problem rejects the
reply; on the last reply, or at once with "drop", optional facts that fail are left out and
listed in `meta.dropped`, and only core facts (the agreement's own quote and at least one
party) still reject it. A value code could not prove is kept and graded, never re-asked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import TYPE_CHECKING, Literal

from pydantic import ValidationInfo, model_validator

from .._meta import Dropped
from .._summary import Dateline
from .dateline import read_dateline
from .facts import ReplyChecker
from .quotes import ArticleText
from .verdict import Problem, Verified

if TYPE_CHECKING:
    from .._replies import Reply

__all__ = ["Ledger", "OnFailedDetail", "Scope", "checked_model", "checking"]

OnFailedDetail = Literal["reask", "drop"]


@dataclass
class Ledger:
    """What the checks saw during one call, reply by reply."""

    replies: int = 0
    problems: list[Problem] = field(default_factory=list)  # of the latest reply
    rejected: list[str] = field(default_factory=list)  # of the latest reply, when rejected
    rejected_before: int = 0
    # The latest reply that passed, and the latest whose only faults were optional facts,
    # kept with them dropped in case every later reply is worse.
    accepted: Verified | None = None
    fallback: Verified | None = None

    def new_reply(self) -> None:
        """Start counting a fresh reply; failures of earlier replies are kept as a total."""
        self.replies += 1
        self.rejected_before += len(self.rejected)
        self.problems = []
        self.rejected = []

    def correction(self) -> str | None:
        """The re-ask for the latest reply's problems; None when it had none."""
        return reask_message(self.problems) if self.problems else None

    def add(self, other: Ledger) -> None:
        """Count another call's rejections in this one (a long article's parts): the whole's
        grounding report sums them. Its `replies` are the part's own (`may_drop`), and
        `CallRecord.replies` counts the whole's."""
        self.rejected_before += other.rejected_before


@dataclass
class Scope:
    """One call's checking: the text, its dateline and language, and the settings.

    `whole` is the whole text when `article` is one part of it: then `dateline` is the
    whole's (only the first part holds it), and an agreement's parties may be named in
    another part. `language` is the article's, as an ISO 639-1 code.
    """

    article: ArticleText
    dateline: Dateline | None = None
    language: str = "en"
    whole: ArticleText | None = None
    max_replies: int = 1
    on_failed_detail: OnFailedDetail = "reask"
    keep_unverified: bool = True
    ledger: Ledger = field(default_factory=Ledger)

    def __post_init__(self) -> None:
        if self.dateline is None and self.whole is None:  # a part is given the whole's
            self.dateline = read_dateline(self.article, self.language)

    @property
    def needs_party(self) -> bool:
        """Each reply names a party, but for a part, whose parties may be in another."""
        return self.whole is None

    @cached_property
    def article_id(self) -> str:
        """The text's SHA-256, which names the article in a logged bug."""
        return hashlib.sha256(self.article.text.encode()).hexdigest()

    def may_drop(self) -> bool:
        return self.on_failed_detail == "drop" or self.ledger.replies >= self.max_replies

    def check(self, reply: Reply) -> Verified:
        """Check `reply`; raise ValueError, whose message is the re-ask, when it must be
        asked again.

        Each agreement of a reply that lists several is checked on its own. Only the
        principal one (the first) can fail the reply outright; another whose own quote or
        parties fail is an optional fact like any other.
        """
        self.consistent(reply)
        several = reply.reports_every_agreement
        problems: list[Problem] = []
        checked: list[Verified] = []
        lost: list[Dropped] = []
        for index, entry in enumerate(reply.entries()):
            checker = ReplyChecker(self, prefix=f"agreements[{index}]." if several else "")
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
        principal = replace(
            checked[0], others=tuple(checked[1:]), dropped=checked[0].dropped + lost
        )
        self.ledger.problems = problems
        if problems and (any(p.core for p in problems) or not self.may_drop()):
            self.ledger.rejected = [str(p) for p in problems]
            if not any(p.core for p in problems):
                self.ledger.fallback = principal
            raise ValueError(reask_message(problems))
        self.ledger.accepted = principal
        return principal

    def consistent(self, reply: Reply) -> None:
        """Raise ValueError when the reply contradicts itself (an agreement reported with
        no agreement given, or none reported with facts filled in)."""
        if not reply.reports_agreement:
            filled = reply.filled_when_no_agreement()
            if filled:
                raise self.inconsistent(
                    "reports_agreement",
                    "false",
                    "so leave these empty or null: " + ", ".join(filled),
                )
        elif missing := reply.missing_when_agreement(needs_party=self.needs_party):
            raise self.inconsistent("reports_agreement", "true", missing)

    def inconsistent(self, path: str, value: str, reason: str) -> ValueError:
        """Not a grounding failure, so the call ends in `InvalidReplyError` if it persists."""
        problem = Problem(path, value, reason)
        self.ledger.problems = [problem]
        return ValueError(str(problem))


_LOST = "its own quote or its parties failed the checks"


_SCOPE = "summarizer.scope"


def checking(scope: Scope) -> dict[str, Scope]:
    """The validation context under which a `checked_model()` checks a reply against
    `scope` (pydantic's `context=`, instructor's `context=`)."""
    return {_SCOPE: scope}


@cache
def checked_model(reply_model: type[Reply]) -> type[Reply]:
    """`reply_model` whose validation also checks the reply against the scope it is given
    in the validation context (`checking(scope)`); one class per reply model, built once.

    The subclass keeps the reply model's name and fields, so the schema the model is sent
    is the same (and cached the same). Validated without a scope it refuses, rather than
    pass a reply unchecked.
    """

    def checked(reply: Reply, info: ValidationInfo) -> Reply:
        scope = (info.context or {}).get(_SCOPE)
        if not isinstance(scope, Scope):
            raise RuntimeError(f"{reply_model.__name__} checked without a scope: pass checking()")
        scope.check(reply)
        return reply

    namespace = {
        "__module__": reply_model.__module__,
        "__qualname__": reply_model.__qualname__,
        "__doc__": reply_model.__doc__,  # the schema's description
        "_checked": model_validator(mode="after")(checked),
    }
    return type(reply_model.__name__, (reply_model,), namespace)


def reask_message(problems: list[Problem]) -> str:
    """One short message naming each fact that failed and why."""
    lines = "\n".join(f"- {p}" for p in problems)
    return (
        "Some facts in your reply failed the checks against the article. Send the whole JSON "
        "object again with only these fixed; where the article does not support a fact, "
        f"leave it null or remove it:\n{lines}"
    )
