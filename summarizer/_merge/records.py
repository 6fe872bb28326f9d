"""`AgreementRecord`: one signing, however many stories report it, each value with every
story that gives it and the words it stands on.

Where stories disagree (two dates, two venues, two kinds), each value is kept beside the
others with its own sources, and `disagreements` names the field: nothing is resolved
silently. Parties, signatories, aims and threat groups are the union of the stories', told
apart as merging tells parties apart (`party_key`) and by their folded names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from pydantic import Field

from .._checks.fold import loose_key
from .._meta import StrictModel
from .._summary import Evidence
from .signing import Signing, party_key, person_words, same_person

__all__ = ["AgreementRecord", "RecordSource", "SourcedValue", "ValueSource", "record_of"]


class ValueSource(StrictModel):
    """Where one story gives a value: its agreement and the quote, when there is one."""

    source: str = Field(description="The agreement: '<article id>/<position>'.")
    quote: str | None = None
    start: int | None = None
    end: int | None = None
    basis: str | None = Field(default=None, description="The value's grade in that story.")


class SourcedValue(StrictModel):
    """A value of the record, and every story that gives it."""

    value: str
    sources: list[ValueSource]


class RecordSource(StrictModel):
    """A story's agreement that reports the record's signing."""

    source: str = Field(description="'<article id>/<position>', 0 the story's principal.")
    article_id: str
    article_sha256: str
    headline: str
    language: str | None


class AgreementRecord(StrictModel):
    """One signing, merged from every story that reports it."""

    id: str = Field(description="'rec-' and a hash of its sources: the same sources, one id.")
    sources: list[RecordSource]
    kinds: list[SourcedValue]
    titles: list[SourcedValue]
    signed_on: list[SourcedValue] = Field(description="Each signing day a story gives.")
    venues: list[SourcedValue]
    parties: list[SourcedValue]
    signatories: list[SourcedValue]
    aims: list[SourcedValue]
    threat_groups: list[SourcedValue]

    @property
    def disagreements(self) -> list[str]:
        """The fields whose stories give more than one value, kept side by side."""
        single = {"kinds": self.kinds, "signed_on": self.signed_on, "venues": self.venues}
        return [name for name, values in single.items() if len(values) > 1]


def record_of(members: list[Signing]) -> AgreementRecord:
    """The record of one cluster of stories' agreements."""
    sources = sorted(m.source for m in members)
    digest = hashlib.sha256("\n".join(sources).encode()).hexdigest()[:16]
    return AgreementRecord(
        id=f"rec-{digest}",
        sources=[_record_source(m) for m in members],
        kinds=_grouped(members, lambda m: [(m.kind, m.kind, m.summary.agreement.evidence, None)]),
        titles=_grouped(members, _titles),
        signed_on=_grouped(members, _dates),
        venues=_grouped(members, _venues),
        parties=_grouped(members, _parties),
        signatories=_people(members),
        aims=_grouped(
            members,
            lambda m: [(a.category, a.description, a.evidence, None) for a in m.summary.aims],
        ),  # fmt: skip
        threat_groups=_grouped(members, _groups),
    )


# What a story gives for a field: (key to group on, value to show, evidence, basis).
Given = tuple[str, str, Evidence | None, str | None]


def _grouped(
    members: list[Signing], given: Callable[[Signing], Iterable[Given]]
) -> list[SourcedValue]:
    """Values grouped by key, in the order first given; each shows its most given value."""
    shown: dict[str, list[str]] = {}
    sources: dict[str, list[ValueSource]] = {}
    for member in members:
        for key, value, evidence, basis in given(member):
            shown.setdefault(key, []).append(value)
            sources.setdefault(key, []).append(_value_source(member, evidence, basis))
    return [
        SourcedValue(value=max(values, key=values.count), sources=sources[key])
        for key, values in shown.items()
    ]


def _value_source(member: Signing, evidence: Evidence | None, basis: str | None) -> ValueSource:
    if evidence is None:
        return ValueSource(source=member.source, basis=basis)
    return ValueSource(source=member.source, quote=evidence.quote, start=evidence.start,
                       end=evidence.end, basis=basis)  # fmt: skip


def _record_source(member: Signing) -> RecordSource:
    meta = member.summary.meta
    return RecordSource(source=member.source, article_id=member.article_id,
                        article_sha256=meta.article_sha256, headline=member.summary.headline,
                        language=meta.language)  # fmt: skip


def _titles(member: Signing) -> list[Given]:
    title = member.summary.agreement.title
    evidence = member.summary.agreement.evidence
    return [(loose_key(title, ascii=True), title, evidence, None)] if title else []


def _dates(member: Signing) -> list[Given]:
    signed = member.summary.agreement.signed
    if signed is None or signed.on is None:
        return []
    day = signed.on.isoformat()
    return [(day, day, member.summary.agreement.evidence, signed.basis)]


def _venues(member: Signing) -> list[Given]:
    venue = member.summary.venue
    if venue is None or (venue.city is None and venue.country is None):
        return []
    names = [venue.city.name if venue.city else None, venue.country.name if venue.country else None]
    shown = ", ".join(n for n in names if n)
    key = member.city or loose_key(shown, ascii=True)
    return [(key, shown, venue.evidence, venue.city.basis if venue.city else None)]


def _parties(member: Signing) -> list[Given]:
    return [(party_key(p), p.name, p.evidence, p.basis) for p in member.summary.parties]


def _groups(member: Signing) -> list[Given]:
    return [
        (loose_key(g.name or g.description, ascii=True), g.name or g.description or "?",
         g.evidence, g.basis)
        for g in member.summary.threat_groups
    ]  # fmt: skip


def _people(members: list[Signing]) -> list[SourcedValue]:
    """Signatories, one entry per person: two stories' spellings of one name meet when
    each word of the shorter is alike enough to one of the longer ("Andrey Kurbatov" and
    "Andrei Nikolaevich Kurbatov"; transliterations differ by a letter or two)."""
    people: list[tuple[tuple[str, ...], list[str], list[ValueSource]]] = []
    for member in members:
        for signatory in member.summary.signatories:
            shown = signatory.name or signatory.title or "?"
            words = person_words(shown)
            source = _value_source(member, signatory.evidence, signatory.basis)
            for known, names, sources in people:
                if same_person(known, words):
                    names.append(shown)
                    sources.append(source)
                    break
            else:
                people.append((words, [shown], [source]))
    return [
        SourcedValue(value=max(names, key=names.count), sources=sources)
        for _, names, sources in people
    ]
