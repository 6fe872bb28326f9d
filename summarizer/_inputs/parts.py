"""Long articles: split at paragraph breaks into overlapping parts, and the parts' summaries
combined back into one per agreement, every quote pointing into the whole text.

Splitting prefers a blank line, then a line break, then the end of a sentence, then a space
(and cuts one endless word by length, never between a letter and its marks); it makes as
few parts as the size allows, of about even size. Each part after the first repeats up to
`overlap_chars` of the one before: whole paragraphs where they fit, else the last sentences
of its last paragraph, so a fact cut by one boundary is whole in a part.

Combining is deterministic. An agreement found in two parts is one agreement when their titles
match, or when their kinds match and they share a party; a part's principal agreement also
joins the story's principal one (the first part's) when the kinds match and the titles do not
differ. Within an agreement, parties, signatories, aims and groups are told apart by their
normalised names (`normality`) or by their quotes: the first of each is kept, completed by a
later one that has a country, a party or a fact it lacks. The agreement's date and the venue
come from the part that states them."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

from .._checks.fold import combines, loose_key
from .._meta import Dropped
from .._summary import AgreementSummary, Aim, Evidence, Fact, Party, Signatory, ThreatGroupProfile

__all__ = ["Slice", "combine", "combine_one", "shifted", "split_text"]

# Break points, best first: the pieces a part is packed from.
_BREAKS = (
    re.compile(r"\n[ \t]*\n\s*"),
    re.compile(r"\n"),
    re.compile(r"(?<=[.!?…])\s+|(?<=[。！？])"),  # Chinese and Japanese put no space after
)
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
    fewest = len(_packed(text, pieces, max_chars, overlap_chars))
    # The smallest part size that still needs no more parts (none is below the longest piece).
    low, high = max(piece.end - piece.start for piece in pieces), max_chars
    while low < high:
        middle = (low + high) // 2
        if len(_packed(text, pieces, middle, overlap_chars)) <= fewest:
            high = middle
        else:
            low = middle + 1
    # Room for the overlap on top of the smallest size, which may have squeezed it out.
    return _packed(text, pieces, min(max_chars, low + overlap_chars), overlap_chars)


def _packed(text: str, pieces: list[Slice], size: int, overlap_chars: int) -> list[Slice]:
    """Pieces packed greedily into parts of at most `size` (a longer piece alone), each part
    after the first starting up to `overlap_chars` back: at a piece if whole pieces fit
    there, else at a sentence or a word inside the last piece."""
    parts: list[Slice] = []
    first, start = 0, pieces[0].start
    while True:
        last = first
        while last + 1 < len(pieces) and pieces[last + 1].end - start <= size:
            last += 1
        end = pieces[last].end
        parts.append(Slice(start, end))
        if last == len(pieces) - 1:
            return parts
        following = last + 1
        reach = pieces[following].end  # the next part must hold at least the next piece
        while (
            following - 1 > first
            and end - pieces[following - 1].start <= overlap_chars
            and reach - pieces[following - 1].start <= size
        ):
            following -= 1
        if following <= last:
            first, start = following, pieces[following].start
        else:
            inner = _inner_start(text, pieces[last], overlap_chars)
            first, start = following, inner if reach - inner <= size else end


def _inner_start(text: str, piece: Slice, overlap_chars: int) -> int:
    """Where to start repeating the end of `piece`: the first sentence (else word) that
    begins in its last `overlap_chars`, or its end when there is none."""
    window = max(piece.end - overlap_chars, piece.start)
    for pattern in (_BREAKS[2], _SPACE):
        ends = (m.end() for m in pattern.finditer(text, window, piece.end))
        found = next(
            (at for at in ends if window < at < piece.end and not combines(text[at])), None
        )
        if found is not None:
            return found
    return piece.end


def _pieces(text: str, start: int, end: int, max_chars: int, level: int) -> list[Slice]:
    """`text[start:end]` cut at breaks of `level` (and finer ones where a piece is too long)."""
    if end - start <= max_chars:
        return [Slice(start, end)]
    pattern = _BREAKS[level] if level < len(_BREAKS) else _SPACE
    # No part begins with a mark: it belongs to what stands before it.
    cuts = [
        m.end()
        for m in pattern.finditer(text, start, end)
        if start < m.end() < end and not combines(text[m.end()])
    ]
    if not cuts:
        if level < len(_BREAKS):
            return _pieces(text, start, end, max_chars, level + 1)
        return _by_length(text, start, end, max_chars)  # one endless word
    pieces: list[Slice] = []
    for piece_start, piece_end in zip([start, *cuts], [*cuts, end], strict=True):
        if piece_end - piece_start <= max_chars:
            pieces.append(Slice(piece_start, piece_end))
        elif level < len(_BREAKS):
            pieces += _pieces(text, piece_start, piece_end, max_chars, level + 1)
        else:  # one word longer than a part
            pieces += _by_length(text, piece_start, piece_end, max_chars)
    return pieces


def _by_length(text: str, start: int, end: int, max_chars: int) -> list[Slice]:
    """`text[start:end]` cut every `max_chars` or a little before: never between a letter
    and its marks (a quote ending the part would cut the letter in the whole text), unless
    one letter with its marks is longer than a part."""
    pieces: list[Slice] = []
    while end - start > max_chars:
        cut = start + max_chars
        while cut > start + 1 and combines(text[cut]):
            cut -= 1
        if combines(text[cut]):
            cut = start + max_chars
        pieces.append(Slice(start, cut))
        start = cut
    return [*pieces, Slice(start, end)]


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


def combine(found: Sequence[Sequence[AgreementSummary]]) -> list[list[AgreementSummary]]:
    """The parts' summaries (already shifted into the whole text), grouped by agreement, the
    first part's principal agreement first; each group is combined by `combine_one`.

    A summary joins an agreement with the same title, or of the same kind sharing a party.
    A part's principal agreement also joins the story's principal one when their kinds
    match and their titles do not differ: a later part often names the story's agreement
    only as "the memorandum", with a party it alone mentions ("X will sign on too").
    """
    groups: list[list[AgreementSummary]] = []
    for summaries in found:
        for index, summary in enumerate(summaries):
            match = next((g for g in groups if any(_same(s, summary) for s in g)), None)
            if match is None and index == 0 and groups and _may_be(groups[0], summary):
                match = groups[0]
            if match is None:
                groups.append([summary])
            else:
                match.append(summary)
    return groups


def combine_one(summaries: Sequence[AgreementSummary]) -> tuple[AgreementSummary, list[Dropped]]:
    """One agreement's summaries from several parts as one (its meta is the first's: the
    caller sets it), and the signatories' links to a party no part verified, dropped."""
    first = summaries[0]
    dated = next((s for s in summaries if s.agreement.signed is not None), None)
    agreement = (dated or first).agreement
    if agreement.title is None:
        title = next((s.agreement.title for s in summaries if s.agreement.title), None)
        agreement = agreement.model_copy(update={"title": title})
    parties = _unique([p for s in summaries for p in s.parties], _party_keys, _better_party)
    signatories, unlinked = _linked(
        _unique([p for s in summaries for p in s.signatories], _signatory_keys, _better_signatory),
        {p.name for p in parties},
    )
    combined = first.model_copy(
        update={
            "agreement": agreement,
            "parties": parties,
            "signatories": signatories,
            "aims": _unique([a for s in summaries for a in s.aims], _aim_keys),
            "venue": next((s.venue for s in summaries if s.venue is not None), None),
            "threat_groups": _unique(
                [g for s in summaries for g in s.threat_groups], _group_keys, _joined_groups
            ),
        }
    )
    return combined, unlinked


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


def _same(one: AgreementSummary, other: AgreementSummary) -> bool:
    a, b = one.agreement, other.agreement
    if a.title and b.title:
        return loose_key(a.title) == loose_key(b.title)
    shared = {_party_key(p) for p in one.parties} & {_party_key(p) for p in other.parties}
    return a.kind == b.kind and bool(shared)


def _may_be(group: list[AgreementSummary], other: AgreementSummary) -> bool:
    titles = {loose_key(s.agreement.title) for s in group if s.agreement.title}
    differs = (
        other.agreement.title is not None
        and bool(titles)
        and (loose_key(other.agreement.title) not in titles)
    )
    return group[0].agreement.kind == other.agreement.kind and not differs


def _unique(
    items: Iterable[Item],
    keys: Callable[[Item], tuple[Hashable, ...]],
    better: Callable[[Item, Item], Item] = lambda kept, _: kept,
) -> list[Item]:
    """`items` without repeats: an item repeats a kept one when any of its keys (its
    normalised name, its quote's span) is one of that item's; the better of the two stays."""
    kept: list[Item] = []
    owner: dict[Hashable, int] = {}
    for item in items:
        found = keys(item)
        index = next((owner[k] for k in found if k in owner), None)
        if index is None:
            index = len(kept)
            kept.append(item)
        else:
            kept[index] = better(kept[index], item)
        owner.update(dict.fromkeys(found, index))
    return kept


def _span(
    item: Party | Signatory | Aim | ThreatGroupProfile | Fact, *also: object
) -> tuple[object, ...]:
    """The place of an item's quote (with what tells apart items that share one quote)."""
    return ("span", item.evidence.start, item.evidence.end, *also)


def _party_key(party: Party) -> str:
    return loose_key(party.name)


def _party_keys(party: Party) -> tuple[Hashable, ...]:
    return ("name", _party_key(party)), _span(party, loose_key(party.mention))


def _better_party(kept: Party, later: Party) -> Party:
    """The first mention of a party, unless only a later one gives its country."""
    return later if kept.country is None and later.country is not None else kept


def _signatory_keys(signatory: Signatory) -> tuple[Hashable, ...]:
    who = ("who", loose_key(signatory.name or signatory.title), loose_key(signatory.party))
    return who, _span(signatory, loose_key(signatory.name or signatory.title))


def _better_signatory(kept: Signatory, later: Signatory) -> Signatory:
    """The one that says more: the party signed for, then the title."""
    if (kept.party is None, kept.title is None) > (later.party is None, later.title is None):
        return later
    return kept


def _aim_keys(aim: Aim) -> tuple[Hashable, ...]:
    return ("aim", loose_key(aim.description)), _span(aim, aim.category)


def _group_keys(group: ThreatGroupProfile) -> tuple[Hashable, ...]:
    return ("group", loose_key(group.name or group.description)), _span(group, group.kind)


def _joined_groups(kept: ThreatGroupProfile, later: ThreatGroupProfile) -> ThreatGroupProfile:
    """One group described in two parts: each fact from the first part that gives it."""

    def facts(one: list[Fact], other: list[Fact]) -> list[Fact]:
        return _unique([*one, *other], lambda f: (("fact", loose_key(f.value)), _span(f)))

    return kept.model_copy(
        update={
            "aliases": list(dict.fromkeys([*kept.aliases, *later.aliases])),
            "origin": kept.origin or later.origin,
            "size": kept.size or later.size,
            "leadership": kept.leadership or later.leadership,
            "base": kept.base or later.base,
            "designations": _unique(
                [*kept.designations, *later.designations],
                lambda d: (
                    ("label", loose_key(d.label)),
                    ("span", d.evidence.start, d.evidence.end),
                ),
            ),
            "activities": facts(kept.activities, later.activities),
            "areas": facts(kept.areas, later.areas),
        }
    )
