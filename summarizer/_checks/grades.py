"""Leaving out what code did not prove, for `Settings(keep_unverified=False)`.

By default a value no rule proves is kept with its grade ("translated", "unverified"). A
user who stores only proved values asks for them to be left out instead: a normalised name
falls back to the words the article writes (which its quote proves), an optional value
(a country, a city, a parent body, a signing date) is removed. Each is listed in
`meta.dropped`, so nothing disappears without a word.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .._meta import Dropped
from .._summary import VERIFIED_BASES, AgreementSummary, Party, Venue

if TYPE_CHECKING:
    from .verdict import Verified

__all__ = ["leave_out_unproved", "verified_only"]

_REASON = "was not proved from the article ({}); left out as Settings.keep_unverified asks"


def leave_out_unproved(
    verified: Verified, prefix: str = "", links: dict[int, int] | None = None
) -> Verified:
    """`verified` with every value code did not prove left out, and listed. `links` says
    which party (by index) each signatory signed for, keyed by the signatory's id()."""
    updates, dropped = _proved(verified, prefix, links or {})
    return replace(verified, **updates, dropped=verified.dropped + dropped)


def verified_only(summary: AgreementSummary) -> AgreementSummary:
    """`summary` as `Settings(keep_unverified=False)` would have made it: every value code
    did not prove left out, and listed in `meta.dropped`."""
    links = {}
    for signatory in summary.signatories:
        index = next((i for i, p in enumerate(summary.parties) if p.name == signatory.party), None)
        if index is not None:
            links[id(signatory)] = index
    updates, dropped = _proved(summary, "", links)
    meta = summary.meta.model_copy(update={"dropped": summary.meta.dropped + dropped})
    return summary.model_copy(update={**updates, "meta": meta})


def _proved(
    facts: Verified | AgreementSummary, prefix: str, links: dict[int, int]
) -> tuple[dict[str, Any], list[Dropped]]:
    dropped: list[Dropped] = []

    def note(path: str, value: object, basis: str) -> None:
        dropped.append(Dropped(path=prefix + path, value=str(value), reason=_REASON.format(basis)))

    parties = [_party(p, f"parties[{i}]", note) for i, p in enumerate(facts.parties)]
    signatories = []
    for index, signatory in enumerate(facts.signatories):
        linked = links.get(id(signatory))
        if linked is not None:  # it names its party by the party's name, now perhaps another
            signatory = signatory.model_copy(update={"party": parties[linked].name})
        if signatory.basis is not None and signatory.basis not in VERIFIED_BASES:
            note(f"signatories[{index}].name", signatory.name, signatory.basis)
            update = {"name": signatory.mention, "basis": "stated", "rule": None}
            signatory = signatory.model_copy(update=update)
        signatories.append(signatory)
    groups = []
    for index, group in enumerate(facts.threat_groups):
        if group.basis is not None and group.basis not in VERIFIED_BASES:
            note(f"threat_groups[{index}].name", group.name, group.basis)
            group = group.model_copy(
                update={"name": group.mention, "basis": "stated", "rule": None}
            )
        groups.append(group)
    agreement = facts.agreement
    if agreement and agreement.signed and not agreement.signed.verified:
        note("agreement.signed", agreement.signed.on or agreement.date_text, agreement.signed.basis)
        agreement = agreement.model_copy(update={"signed": None})
    updates = {
        "agreement": agreement,
        "parties": parties,
        "signatories": signatories,
        "venue": _venue(facts.venue, note),
        "threat_groups": groups,
    }
    return updates, dropped


def _party(party: Party, path: str, note: _Note) -> Party:
    update: dict[str, object] = {}
    if not party.verified:
        note(f"{path}.name", party.name, party.basis)
        update |= {"name": party.mention, "basis": "stated", "rule": None}
    if party.country and not party.country.verified:
        note(f"{path}.country", party.country.name, party.country.basis)
        update["country"] = None
    if party.parent_body and not party.parent_body.verified:
        note(f"{path}.parent_body", party.parent_body.name, party.parent_body.basis)
        update["parent_body"] = None
    return party.model_copy(update=update) if update else party


def _venue(venue: Venue | None, note: _Note) -> Venue | None:
    if venue is None:
        return None
    update: dict[str, object] = {}
    if venue.city and not venue.city.verified:
        note("venue.city", venue.city.name, venue.city.basis)
        update["city"] = None
    if venue.country and not venue.country.verified:
        note("venue.country", venue.country.name, venue.country.basis)
        update["country"] = None
    return venue.model_copy(update=update) if update else venue


if TYPE_CHECKING:
    from collections.abc import Callable

    _Note = Callable[[str, object, str], None]
