"""Long articles: split at paragraph breaks into overlapping parts, and the parts' summaries
merged back into one per agreement, every quote pointing into the whole text.

Splitting prefers a blank line, then a line break, then the end of a sentence, then a space;
a part holds whole pieces up to `max_chars`, and the next part starts far enough back to
repeat the last `overlap_chars` of it, so a fact cut by one boundary is whole in a part.

Merging is deterministic: each part's principal agreement is the story's principal one; any
other agreement joins one with the same title, or of the same kind sharing a party, else is
a new agreement. Within an agreement, parties, signatories, aims and groups are told apart
by their normalised names (`normality`): the first of each is kept, completed by a later one
that has a country or a fact it lacks. The agreement's date and the venue come from the
part that states them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

from .schema import (
    AgreementSummary,
    Dropped,
    Evidence,
    Fact,
    Party,
    Signatory,
    ThreatGroupProfile,
)

__all__ = ["Slice", "merge", "shifted", "split_text"]

# Break points, best first: the pieces a part is packed from.
_BREAKS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n"), re.compile(r"(?<=[.!?…])\s+"))
_SPACE = re.compile(r"\s+")
Item = TypeVar("Item", bound=BaseModel)


@dataclass(frozen=True)
class Slice:
    """A part of the whole text: `text[start:end]`."""

    start: int
    end: int


def split_text(text: str, max_chars: int, overlap_chars: int) -> list[Slice]:
    """Overlapping parts of `text`, each at most `max_chars`, cut at the best break.

    As few parts as `max_chars` allows, of about even size: a 118,000-character text in
    parts of 60,000 is two parts of 60,000, or three of 40,000, never 60, 58 and 2.
    """
    if len(text) <= max_chars:
        return [Slice(0, len(text))]
    pieces = _pieces(text, 0, len(text), max_chars, 0)
    fewest = len(_packed(pieces, max_chars, overlap_chars))
    low, high = 1, max_chars  # the smallest part size that still needs no more parts
    while low < high:
        middle = (low + high) // 2
        if len(_packed(pieces, middle, overlap_chars)) <= fewest:
            high = middle
        else:
            low = middle + 1
    return _packed(pieces, low, overlap_chars)


def _packed(pieces: list[Slice], size: int, overlap_chars: int) -> list[Slice]:
    """Pieces packed greedily into parts of at most `size` (a longer piece alone)."""
    parts: list[Slice] = []
    first = 0
    while True:
        last = first
        while last + 1 < len(pieces) and pieces[last + 1].end - pieces[first].start <= size:
            last += 1
        parts.append(Slice(pieces[first].start, pieces[last].end))
        if last == len(pieces) - 1:
            return parts
        following = last + 1
        while (
            following - 1 > first
            and pieces[last].end - pieces[following - 1].start <= overlap_chars
        ):
            following -= 1
        first = following


def _pieces(text: str, start: int, end: int, max_chars: int, level: int) -> list[Slice]:
    """`text[start:end]` cut at breaks of `level` (and finer ones where a piece is too long)."""
    if end - start <= max_chars:
        return [Slice(start, end)]
    pattern = _BREAKS[level] if level < len(_BREAKS) else _SPACE
    cuts = [m.end() for m in pattern.finditer(text, start, end) if start < m.end() < end]
    if not cuts:
        if level < len(_BREAKS):
            return _pieces(text, start, end, max_chars, level + 1)
        cuts = list(range(start + max_chars, end, max_chars))  # one endless word
    pieces: list[Slice] = []
    for piece_start, piece_end in zip([start, *cuts], [*cuts, end], strict=True):
        if piece_end - piece_start > max_chars and level < len(_BREAKS):
            pieces += _pieces(text, piece_start, piece_end, max_chars, level + 1)
        else:
            pieces.append(Slice(piece_start, piece_end))
    return pieces


def shifted(value: object, by: int) -> object:
    """`value` (a model, a list of them) with every `Evidence` inside moved `by` characters."""
    if isinstance(value, Evidence):
        return value.model_copy(update={"start": value.start + by, "end": value.end + by})
    if isinstance(value, list):
        return [shifted(item, by) for item in value]
    if isinstance(value, BaseModel):
        return value.model_copy(
            update={name: shifted(getattr(value, name), by) for name in type(value).model_fields}
        )
    return value


def merge(found: Sequence[Sequence[AgreementSummary]]) -> list[list[AgreementSummary]]:
    """The parts' summaries (already shifted into the whole text), grouped by agreement, the
    principal first; each group is merged by `merge_one`."""
    groups: list[list[AgreementSummary]] = []
    for summaries in found:
        for index, summary in enumerate(summaries):
            if index == 0 and groups:
                groups[0].append(summary)
                continue
            match = next((g for g in groups[1:] if _same_agreement(g[0], summary)), None)
            if match is None:
                groups.append([summary])
            else:
                match.append(summary)
    return groups


def merge_one(summaries: Sequence[AgreementSummary]) -> tuple[AgreementSummary, list[Dropped]]:
    """One agreement's summaries from several parts as one (its meta is the first's: the
    caller sets it), and the signatories' links to a party no part verified, dropped."""
    first = summaries[0]
    dated = next((s for s in summaries if s.agreement.signed is not None), None)
    agreement = (dated or first).agreement
    if agreement.title is None:
        title = next((s.agreement.title for s in summaries if s.agreement.title), None)
        agreement = agreement.model_copy(update={"title": title})
    parties = _unique([p for s in summaries for p in s.parties], _party_key, _better_party)
    signatories, unlinked = _linked(
        _unique([p for s in summaries for p in s.signatories], _signatory_key, _better_signatory),
        {p.name for p in parties},
    )
    merged = first.model_copy(
        update={
            "agreement": agreement,
            "parties": parties,
            "signatories": signatories,
            "aims": _unique([a for s in summaries for a in s.aims], lambda a: _key(a.description)),
            "venue": next((s.venue for s in summaries if s.venue is not None), None),
            "threat_groups": _unique(
                [g for s in summaries for g in s.threat_groups], _group_key, _joined_groups
            ),
        }
    )
    return merged, unlinked


def _linked(
    signatories: list[Signatory], parties: set[str]
) -> tuple[list[Signatory], list[Dropped]]:
    """A part may link a signatory to a party its quote names that no part verified."""
    kept, dropped = [], []
    for signatory in signatories:
        if signatory.party is not None and signatory.party not in parties:
            reason = "no part of the article verified the party it names"
            dropped.append(Dropped(path="signatories.party", value=signatory.party, reason=reason))
            signatory = signatory.model_copy(update={"party": None})
        kept.append(signatory)
    return kept, dropped


def _same_agreement(one: AgreementSummary, other: AgreementSummary) -> bool:
    a, b = one.agreement, other.agreement
    if a.title and b.title:
        return _key(a.title) == _key(b.title)
    shared = {_party_key(p) for p in one.parties} & {_party_key(p) for p in other.parties}
    return a.kind == b.kind and bool(shared)


def _unique(
    items: Iterable[Item],
    key: Callable[[Item], Hashable],
    better: Callable[[Item, Item], Item] = lambda kept, _: kept,
) -> list[Item]:
    kept: dict[Hashable, Item] = {}
    for item in items:
        found = key(item)
        kept[found] = better(kept[found], item) if found in kept else item
    return list(kept.values())


def _key(text: str | None) -> str:
    from normality import normalize  # here: it costs 40 ms at import, and few articles are long

    return normalize(text or "") or ""


def _party_key(party: Party) -> str:
    return _key(party.name)


def _better_party(kept: Party, later: Party) -> Party:
    """The first mention of a party, unless only a later one gives its country."""
    return later if kept.country is None and later.country is not None else kept


def _signatory_key(signatory: Signatory) -> tuple[str, str]:
    return _key(signatory.name or signatory.title), _key(signatory.party)


def _better_signatory(kept: Signatory, later: Signatory) -> Signatory:
    return later if kept.title is None and later.title is not None else kept


def _group_key(group: ThreatGroupProfile) -> str:
    return _key(group.name or group.description)


def _joined_groups(kept: ThreatGroupProfile, later: ThreatGroupProfile) -> ThreatGroupProfile:
    """One group described in two parts: each fact from the first part that gives it."""

    def facts(one: list[Fact], other: list[Fact]) -> list[Fact]:
        return _unique([*one, *other], lambda f: _key(f.value))

    return kept.model_copy(
        update={
            "aliases": list(dict.fromkeys([*kept.aliases, *later.aliases])),
            "origin": kept.origin or later.origin,
            "size": kept.size or later.size,
            "leadership": kept.leadership or later.leadership,
            "base": kept.base or later.base,
            "designations": _unique(
                [*kept.designations, *later.designations], lambda d: _key(d.label)
            ),
            "activities": facts(kept.activities, later.activities),
            "areas": facts(kept.areas, later.areas),
        }
    )
