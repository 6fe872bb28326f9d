"""`merge()`: agreements from many stories grouped into one record per signing.

Only agreements with the same parties can be one signing, so they are compared within
those groups alone: the work grows with the size of a group, not with the square of the
whole. Within a group, pairs are joined closest dates first, and two clusters join only
when every pair across them is "same": a chain of near matches cannot pull a renewal into
its original's record, nor bridge a pair code was unsure of. Where a story reports two
agreements the rules cannot tell apart, another story's report joins one of them only by
its title.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from .._checks.fold import loose_key
from .._summary import AgreementSummary
from .records import AgreementRecord, record_of
from .signing import Signing, Verdict, kinds_fit, span_gap, verdict

__all__ = ["UnsureDecider", "merge"]


# Decides a pair the rules leave unsure: True when both report one signing.
UnsureDecider = Callable[[AgreementSummary, AgreementSummary], bool]


def merge(
    agreements: Iterable[tuple[str, AgreementSummary]], *, unsure: UnsureDecider | None = None
) -> list[AgreementRecord]:
    """One `AgreementRecord` per signing from `(article id, summary)` pairs: every
    agreement of each story, in its order (`ItemResult.summaries`), the principal first.

    A pair the rules leave unsure is kept apart, unless `unsure` decides it (a
    `ModelJudge` asks the model, and counts what that costs).

    Usage:

        >>> records = merge((r.id, s) for r in results for s in r.summaries)
        >>> [(r.id, len(r.sources), r.disagreements) for r in records]
    """
    positions: dict[str, int] = defaultdict(int)
    signings = []
    for article_id, summary in agreements:
        signings.append(Signing.of(article_id, positions[article_id], summary))
        positions[article_id] += 1
    groups: dict[frozenset[str], list[Signing]] = defaultdict(list)
    for signing in signings:
        groups[signing.parties].append(signing)
    clusters = [c for group in groups.values() for c in _clusters(group, unsure)]
    order = {signing.source: index for index, signing in enumerate(signings)}
    clusters.sort(key=lambda members: order[members[0].source])  # members keep input order
    return [record_of(members) for members in clusters]


def _clusters(group: list[Signing], unsure: UnsureDecider | None = None) -> list[list[Signing]]:
    """`group` split into signings: the "same" pairs joined, closest first, never across a
    "different" pair."""
    twins = _twins(group)
    decided: dict[tuple[int, int], Verdict] = {}
    for i in range(len(group)):
        for j in range(i + 1, len(group)):
            said = verdict(group[i], group[j])
            if (
                said == "same"
                and (i in twins or j in twins)
                and not _same_title(group[i], group[j])
            ):
                said = "unsure"  # which of a story's look-alike agreements is the other's?
            if said == "unsure" and unsure is not None:
                said = "same" if unsure(group[i].summary, group[j].summary) else "different"
            decided[i, j] = said
    owner = list(range(len(group)))
    members: dict[int, set[int]] = {i: {i} for i in range(len(group))}
    same = [pair for pair, said in decided.items() if said == "same"]
    for i, j in sorted(same, key=lambda pair: _gap(group[pair[0]], group[pair[1]])):
        a, b = owner[i], owner[j]
        if a == b or _apart(members[a], members[b], decided):
            continue
        for index in members[b]:
            owner[index] = a
        members[a] |= members.pop(b)
    return [[group[i] for i in sorted(cluster)] for cluster in members.values()]


def _apart(one: set[int], other: set[int], decided: Mapping[tuple[int, int], Verdict]) -> bool:
    """Two clusters stay apart unless every pair across them is "same": an unsure pair
    bridged by a third story is as unsure as it was."""
    return any(decided[min(i, j), max(i, j)] != "same" for i in one for j in other)


def _twins(group: list[Signing]) -> set[int]:
    """The agreements of a story that reports another of the same parties and a kind that
    fits (two memoranda signed the same day): another story's report of one of them is
    that one only by its title."""
    by_story: dict[str, list[int]] = defaultdict(list)
    for index, signing in enumerate(group):
        by_story[signing.article_id].append(index)
    return {
        i for indices in by_story.values() for i in indices
        if any(j != i and kinds_fit(group[i].kind, group[j].kind) for j in indices)
    }  # fmt: skip


def _same_title(a: Signing, b: Signing) -> bool:
    first, second = a.summary.agreement.title, b.summary.agreement.title
    return bool(first and second) and loose_key(first, ascii=True) == loose_key(second, ascii=True)


def _gap(a: Signing, b: Signing) -> int:
    """Days between two signings' spans, for joining the closest first; unknown last."""
    gap = span_gap(a, b)
    return 10**6 if gap is None else gap
