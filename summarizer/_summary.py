"""What `summarize()` returns: a grounded, normalised `AgreementSummary` (schema version 4).

Every fact carries `evidence`: a quote the model wrote, found in the article by code and
stored as the article's own words with their offsets, so `text[e.start:e.end] == e.quote`.
A quote that is not in the article, or a name that is not in its own quote, is never kept.

Every named value keeps the *mention* as the article writes it and a *normalised* value
we store, graded by its `basis`: how far code could prove it from the article.

Proved by code (`VERIFIED_BASES`):
- "stated": the value is written in its quote ("France" in "in Lyon, France");
- "derived": code derived it by `rule` from the article ("Somali" -> Somalia by demonym,
  "Abuja" -> Nigeria by gazetteer, "NCA" -> National Crime Agency by the abbreviation the
  article spells out, "Сергеем Ивановым" -> Sergei Ivanov by transliteration, "on Tuesday"
  -> 2025-02-11 relative to the dateline);
- "dateline": taken from the dateline, for a venue the body places at "its headquarters".

The model's value, which no rule could prove (kept unless `Settings.keep_unverified` is
False; never re-asked):
- "translated": an organisation's English name for a mention in another language
  ("Policía Nacional de Colombia" -> "National Police of Colombia");
- "unverified": any other value code could neither prove nor contradict ("ASEAN" ->
  "Association of Southeast Asian Nations" when the article never spells it out).

The model never fills these objects directly: it fills a reply (`summarizer._replies`),
and the checks (`summarizer._checks`) build these from what they found.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from ._meta import Meta, StrictModel

__all__ = [
    "Agreement",
    "AgreementSummary",
    "Aim",
    "Basis",
    "Country",
    "Dateline",
    "Designation",
    "Evidence",
    "Fact",
    "Named",
    "Party",
    "Place",
    "Rule",
    "SigningDate",
    "Signatory",
    "ThreatGroupProfile",
    "VERIFIED_BASES",
    "Venue",
    "evidence_in",
]

AgreementKind = Literal[
    "memorandum_of_understanding",
    "memorandum_of_cooperation",
    "treaty",
    "joint_declaration",
    "working_arrangement",
    "letter_of_intent",
    "other",
]
PartyKind = Literal["agency", "government", "international_organization", "other"]
AimCategory = Literal[
    "information_sharing",
    "joint_investigations",
    "border_security",
    "capacity_building",
    "legal_assistance",
    "other",
]
ThreatGroupKind = Literal["gang", "cartel", "terrorist_organization", "insurgent_group", "other"]
Basis = Literal["stated", "derived", "dateline", "translated", "unverified"]
# The grades that code proved from the article; a database filters on these.
VERIFIED_BASES: frozenset[Basis] = frozenset({"stated", "derived", "dateline"})
Rule = Literal[
    "demonym",  # a nationality adjective names the country ("Salvadoran")
    "gazetteer",  # a city names its country ("Abuja"), or a city's other name
    "party",  # the quote names a party whose country is known
    "abbreviation",  # the article spells the abbreviation out ("National Crime Agency (NCA)")
    "relative_to_dateline",  # "on Tuesday" against the dateline's date
    "year_from_dateline",  # "on March 3" takes the dateline's year
    "government",  # "the Kenyan authorities" are Kenya's government
    "same_words",  # the name's words all stand in the mention ("coast guards of Ghana and ...")
    "alias",  # the article writes the name and the mention as one thing's two names
    "transliteration",  # the Latin form of a name in another script ("Сергеем Ивановым")
    "elsewhere",  # the article ties the value to the mention in another sentence
    "name",  # the party's own proved name holds its country ("Ghana Coast Guard")
]


# How a quote was found in the article: as written, once marks and spacing are folded, or
# with a few words left out.
MatchKind = Literal["exact", "normalized", "elided"]


class Evidence(StrictModel):
    """The article's own words supporting a fact, and where they stand: `text[start:end]`."""

    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    match: MatchKind = "exact"


def evidence_in(value: object) -> Iterator[Evidence]:
    """Every `Evidence` inside `value` (a model, a list of them, None), however deep."""
    if isinstance(value, Evidence):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from evidence_in(item)
    elif isinstance(value, BaseModel):
        for field_value in value.__dict__.values():  # the fields' values, read directly
            yield from evidence_in(field_value)


class _Graded(StrictModel):
    basis: Basis
    rule: Rule | None = None

    @property
    def verified(self) -> bool:
        """True when code proved the value from the article (see `VERIFIED_BASES`)."""
        return self.basis in VERIFIED_BASES


class Country(_Graded):
    """A country in ISO 3166-1, with the words it follows from."""

    code: str = Field(description="ISO 3166-1 alpha-2, e.g. 'SV'.")
    name: str = Field(description="Canonical English name, e.g. 'El Salvador'.")
    mention: str = Field(description="The words it follows from, e.g. 'Salvadoran'.")


class Named(_Graded):
    """A normalised name and the words of the article it stands for, when it writes any."""

    name: str
    mention: str | None = Field(description="As written; None when the article does not.")


class Place(Named):
    """A place: a city known to the gazetteer, a region, or the dateline's city."""


class SigningDate(_Graded):
    """When the agreement was signed: a day, or a range when the words give no day."""

    on: date | None = Field(description="The day, when known to the day.")
    earliest: date
    latest: date
    mention: str = Field(description="As written, e.g. 'on Tuesday'.")


class Agreement(StrictModel):
    """The agreement itself, as the article reports it."""

    kind: AgreementKind
    title: str | None
    date_text: str | None = Field(description="The signing date as written, e.g. 'on Tuesday'.")
    signed: SigningDate | None
    evidence: Evidence

    @property
    def signed_on(self) -> date | None:
        """The signing day, when the article gives one (stated or resolved)."""
        return self.signed.on if self.signed else None


class Party(_Graded):
    """An organisation or government that entered the agreement."""

    name: str = Field(description="Canonical name, e.g. 'El Salvador', 'National Crime Agency'.")
    mention: str = Field(description="As written in its quote, e.g. 'Salvadoran', 'NCA'.")
    kind: PartyKind
    country: Country | None
    parent_body: Named | None
    evidence: Evidence


class Signatory(StrictModel):
    """A person who signed; the name may be unstated. `basis` grades the name."""

    name: str | None = Field(description="In Latin script, e.g. 'Sergei Ivanov'.")
    mention: str | None = Field(description="As written, e.g. 'Сергеем Ивановым'.")
    basis: Basis | None = Field(description="How the name was obtained; None when unnamed.")
    rule: Rule | None = None
    title: str | None
    party: str | None = Field(description="The canonical name of the party they signed for.")
    evidence: Evidence


class Aim(StrictModel):
    """One thing the agreement sets out to do."""

    description: str
    category: AimCategory
    evidence: Evidence


class Venue(StrictModel):
    """Where the agreement was signed."""

    event: str | None
    city: Place | None
    country: Country | None
    evidence: Evidence


class Fact(StrictModel):
    """A single stated fact in plain words, with the quote that states it."""

    value: str
    evidence: Evidence


class Designation(StrictModel):
    """A formal label put on a group, e.g. 'Foreign Terrorist Organization' by 'United States'."""

    label: str
    designated_by: str | None
    evidence: Evidence


class ThreatGroupProfile(StrictModel):
    """A criminal or violent group the agreement targets, as the article describes it."""

    name: str | None = Field(description="None when the article does not name the group.")
    mention: str | None = Field(description="As written in its quote, e.g. 'داعش'.")
    basis: Basis | None = Field(description="How the name was obtained; None when unnamed.")
    rule: Rule | None = None
    description: str | None = Field(description="How the article describes it, if unnamed.")
    aliases: list[str]
    kind: ThreatGroupKind
    origin: Fact | None
    designations: list[Designation]
    size: Fact | None
    leadership: Fact | None
    base: Fact | None
    activities: list[Fact]
    areas: list[Fact]
    evidence: Evidence


class Dateline(StrictModel):
    """Where and when the story was filed, parsed by code: not where it was signed."""

    place: str = Field(description="As written, e.g. 'OTTAWA'.")
    city: Place | None
    country: Country | None
    filed_on: date | None = Field(description="The dateline's date, when it has a year.")
    agency: str | None
    evidence: Evidence


class AgreementSummary(StrictModel):
    """A grounded summary of one agreement article.

    A summary saved with schema version 3 (a results file, a cache, a database row) still
    reads: its names were their own mentions then, so they are read as `stated`.
    """

    agreement: Agreement
    parties: list[Party]
    signatories: list[Signatory]
    aims: list[Aim]
    venue: Venue | None
    threat_groups: list[ThreatGroupProfile]
    headline: str
    dateline: Dateline | None
    meta: Meta

    @model_validator(mode="before")
    @classmethod
    def _from_schema_3(cls, data: Any) -> Any:
        meta = data.get("meta") if isinstance(data, dict) else None
        if not isinstance(meta, dict) or meta.get("schema_version") != "3":
            return data
        return {
            **data,
            "parties": [_parent_body_named(p) for p in data.get("parties") or []],
            "signatories": [_name_as_written(x) for x in data.get("signatories") or []],
            "threat_groups": [_name_as_written(g) for g in data.get("threat_groups") or []],
        }


def _name_as_written(item: Any) -> Any:
    """A schema-3 signatory or group: its name was the words as written."""
    if not isinstance(item, dict) or "mention" in item:
        return item
    name = item.get("name")
    return {**item, "mention": name, "basis": "stated" if name else None, "rule": None}


def _parent_body_named(party: Any) -> Any:
    """A schema-3 party: its parent body was a name the article writes."""
    if not isinstance(party, dict) or not isinstance(party.get("parent_body"), str):
        return party
    body = party["parent_body"]
    return {**party, "parent_body": {"name": body, "mention": body, "basis": "stated"}}
