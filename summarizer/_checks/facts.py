"""The checks behind `verify`: each value of a reply against the article and the registries.

`ReplyChecker` walks one reply, builds every fact that passes into the summary's types, and
collects a `Problem` for every one that fails instead of stopping at the first, so that a
re-ask can name them all. Whether a problem rejects the reply or only drops the fact is
decided by `verify.check_reply`, not here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from . import dates, languages, places
from .grounding import ArticleText, Span, contains_words, spells_out, words_around, words_in
from .languages import ENGLISH
from .schema import (
    Agreement,
    AgreementSummary,
    Aim,
    Basis,
    Country,
    Dateline,
    Designation,
    Dropped,
    Evidence,
    Fact,
    Meta,
    Party,
    Place,
    Rule,
    Signatory,
    SigningDate,
    ThreatGroupProfile,
    Venue,
    evidence_in,
)

if TYPE_CHECKING:
    from .replies import v2

__all__ = ["Problem", "ReplyChecker", "Verified"]


# Words by which a story places the signing at an unnamed or institutional site, so that the
# dateline's city may stand as the venue city.
_SITE = re.compile(
    r"\b(?:here|headquarters|head office|offices|premises|seat|in (?:the|this) (?:capital|city)"
    # the same in the languages our test articles use: Spanish, French, Russian, Arabic
    r"|aquí|sede|ici|siège|здесь|штаб-квартир\w*|هنا|مقر\w*|بمقر\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Problem:
    """A fact that failed a check: where it is, what it said, why it failed."""

    path: str
    value: str
    reason: str
    core: bool = False

    def __str__(self) -> str:
        return f"{self.path} {self.value!r}: {self.reason}"


@dataclass(frozen=True)
class Verified:
    """The summary's facts that passed the checks, and the optional ones left out."""

    agreement: Agreement | None
    parties: list[Party]
    signatories: list[Signatory]
    aims: list[Aim]
    venue: Venue | None
    threat_groups: list[ThreatGroupProfile]
    headline: str
    dateline: Dateline | None
    no_agreement_reason: str | None
    dropped: list[Dropped]
    # The story's other agreements, checked the same way (a reply shape that lists them).
    others: tuple[Verified, ...] = ()

    def match_counts(self) -> Counter[str]:
        """How the quotes of the kept facts were found: exact, normalized, elided."""
        facts = [self.agreement, self.parties, self.signatories, self.aims, self.venue]
        return Counter(e.match for e in evidence_in([*facts, self.threat_groups]))

    def summary(self, meta: Meta) -> AgreementSummary:
        """The summary of these facts; only for a reply that reports an agreement."""
        assert self.agreement is not None, "the caller raises NoAgreementError first"
        return AgreementSummary(
            agreement=self.agreement,
            parties=self.parties,
            signatories=self.signatories,
            aims=self.aims,
            venue=self.venue,
            threat_groups=self.threat_groups,
            headline=self.headline,
            dateline=self.dateline,
            meta=meta,
        )


class ReplyChecker:
    """Checks one reply, collecting problems instead of stopping at the first."""

    def __init__(
        self,
        article: ArticleText,
        dateline: Dateline | None,
        *,
        prefix: str = "",
        language: str = "en",
        whole: ArticleText | None = None,
    ) -> None:
        self.article = article
        # The whole text, when `article` is one part of it: what the article as a whole
        # writes (a title, an abbreviation spelled out, an alias) may stand in another part.
        self.whole = whole or article
        self.dateline = dateline
        self.prefix = prefix  # "agreements[1]." when the reply lists several
        self.language = language
        # False for one part of a long article: its parties may be named in another part.
        self.needs_party = whole is None
        self.problems: list[Problem] = []
        # Facts lost only because another failed (a signatory's link to a dropped party):
        # dropped with it, but not put to the model as faults of their own.
        self.knock_on: list[Dropped] = []
        self.failed_parties: set[str] = set()
        self.renamed: dict[str, str] = {}  # a refused party name -> the mention kept instead

    def fail(self, path: str, value: object, reason: str, *, core: bool = False) -> None:
        self.problems.append(Problem(self.prefix + path, str(value), reason, core))

    def reply(self, reply: v2.AgreementReply) -> Verified:
        if not reply.reports_agreement or reply.agreement is None:
            return Verified(
                None, [], [], [], None, [], reply.headline, self.dateline,
                reply.no_agreement_reason, [],
            )  # fmt: skip
        agreement = self.agreement(reply.agreement)
        parties = [p for i, x in enumerate(reply.parties) if (p := self.party(i, x))]
        if not parties and (reply.parties or self.needs_party):
            self.fail("parties", len(reply.parties), "no party could be verified", core=True)
        verified = Verified(
            agreement=agreement,
            parties=parties,
            signatories=[
                s for i, x in enumerate(reply.signatories) if (s := self.signatory(i, x, parties))
            ],
            aims=[a for i, x in enumerate(reply.aims) if (a := self.aim(i, x))],
            venue=self.venue(reply.venue, parties) if reply.venue else None,
            threat_groups=[g for i, x in enumerate(reply.threat_groups) if (g := self.group(i, x))],
            headline=reply.headline,
            dateline=self.dateline,
            no_agreement_reason=None,
            dropped=[Dropped(path=p.path, value=p.value, reason=p.reason) for p in self.problems]
            + self.knock_on,
        )
        return verified

    # -- quotes ---------------------------------------------------------------------------

    def ground(self, path: str, quote: str, *, core: bool = False) -> Evidence | None:
        try:
            span: Span = self.article.locate(quote)
        except ValueError as exc:
            self.fail(path, quote, str(exc).replace(f"quote {quote!r} ", "").strip(), core=core)
            return None
        return Evidence(
            quote=self.article.text[span.start : span.end],
            start=span.start,
            end=span.end,
            match=span.match,
        )

    def contains(self, quote: str, words: str) -> bool:
        """`words` stand in `quote` (in Arabic, also with a clitic written onto them)."""
        return languages.contains_words(quote, words, self.language)

    def country_in(self, text: str, code: str, name: str) -> Country | None:
        return _country_in(text, code, name, self.language)

    def in_dateline(self, evidence: Evidence) -> bool:
        return self.article.in_dateline(Span(evidence.start, evidence.end, evidence.match))

    # -- facts ----------------------------------------------------------------------------

    def agreement(self, given: v2.Agreement) -> Agreement | None:
        evidence = self.ground("agreement.evidence", given.evidence, core=True)
        if evidence is None:
            return None
        title = given.title
        if title and not self.contains(self.whole.body, title):
            self.fail("agreement.title", title, "is not in the article")
            title = None
        date_text, signed = given.date_text, None
        if date_text and (
            not self.contains(evidence.quote, date_text) or self.in_dateline(evidence)
        ):
            self.fail(
                "agreement.date_text", date_text,
                "is not in the agreement's quote; quote the sentence that says when it was "
                "signed (the dateline says when the story was filed)",
            )  # fmt: skip
            date_text = None
        if date_text:
            reference = self.dateline.filed_on if self.dateline else None
            resolved = dates.resolve_date(date_text, reference=reference, language=self.language)
            if resolved:
                signed = SigningDate(
                    on=resolved.day, earliest=resolved.earliest, latest=resolved.latest,
                    mention=date_text, basis=resolved.basis, rule=resolved.rule,
                )  # fmt: skip
        return Agreement(
            kind=given.kind, title=title, date_text=date_text, signed=signed, evidence=evidence
        )

    def party(self, index: int, given: v2.Party) -> Party | None:
        path = f"parties[{index}]"
        evidence = self.ground(f"{path}.evidence", given.evidence)
        if evidence is not None and not self.contains(evidence.quote, given.mention):
            self.fail(
                f"{path}.mention", given.mention, "is not in its quote; quote the words naming it"
            )
            evidence = None
        if evidence is None:
            self.failed_parties |= {given.name.casefold(), given.mention.casefold()}
            return None
        name, basis, rule = self.party_name(path, given, evidence)
        parent = given.parent_body
        if parent and not self.contains(self.whole.text, parent):
            self.fail(f"{path}.parent_body", parent, "is not in the article")
            parent = None
        country = (
            None
            if not given.country
            else self.country(
                f"{path}.country",
                given.country,
                words_around(evidence.quote, given.mention),
                parent_body=parent,
            )
        )
        return Party(
            name=name, mention=given.mention, basis=basis, rule=rule, kind=given.kind,
            country=country, parent_body=parent, evidence=evidence,
        )  # fmt: skip

    def party_name(
        self, path: str, given: v2.Party, evidence: Evidence
    ) -> tuple[str, Basis, Literal["demonym", "abbreviation"] | None]:
        if contains_words(given.mention, given.name):  # "Judicial Police" in "Portugal's ..."
            return given.name, "stated", None
        if spells_out(self.whole.text, given.mention, given.name):
            return given.name, "derived", "abbreviation"
        as_country = places.canonical_country(given.mention)
        if as_country and as_country == places.canonical_country(given.name):
            return as_country[1], "derived", "demonym"
        if self.language != ENGLISH:
            # "Policía Nacional de Colombia" as "National Police of Colombia": no code can
            # check a translation, so it is kept apart from the verified names.
            return given.name, "translated", None
        self.fail(
            f"{path}.name", given.name,
            f"is neither its mention {given.mention!r}, nor a full form the article spells out "
            "for it, nor the country of a nationality word; use the mention as the name",
        )  # fmt: skip
        self.renamed[given.name.casefold()] = given.mention
        return given.mention, "stated", None

    def country(
        self, path: str, proposed: str, quote: str, *, parent_body: str | None = None
    ) -> Country | None:
        """A party's country: named or implied by the words around its mention in its quote
        ("Spain's Civil Guard", "the Judicial Police of Portugal"), or by its parent body."""
        known = self.known_country(path, proposed)
        if known is None:
            return None
        found = self.country_in(quote, *known)
        if found is None and parent_body:
            found = self.country_in(parent_body, *known)
            found = found and found.model_copy(update={"basis": "derived", "rule": "party"})
        if found is None:
            self.fail_country(path, proposed)
        return found

    def known_country(self, path: str, proposed: str) -> tuple[str, str] | None:
        known = places.canonical_country(proposed)
        if known is None:
            self.fail(path, proposed, "is not a country in ISO 3166; give a country's name")
        return known

    def fail_country(self, path: str, proposed: str) -> None:
        self.fail(
            path, proposed,
            "does not follow from its quote: quote words naming the country, a nationality "
            "word for it or a city in it, or leave it null",
        )  # fmt: skip

    def signatory(self, index: int, given: v2.Signatory, parties: list[Party]) -> Signatory | None:
        path = f"signatories[{index}]"
        evidence = self.ground(f"{path}.evidence", given.evidence)
        if evidence is None:
            return None
        if given.name and not self.contains(evidence.quote, given.name):
            self.fail(
                f"{path}.name", given.name, "is not in its quote; quote the words naming them"
            )
            return None
        title = given.title
        if title and not words_in(evidence.quote, title):
            self.fail(f"{path}.title", title, "is not in its quote")
            title = None
        named = given.party and self.renamed.get(given.party.casefold(), given.party)
        party = _find_party(named, parties) if named else None
        if (
            party is None
            and named
            and not self.needs_party
            and self.contains(evidence.quote, named)
        ):
            party = named  # a part of a long article: the party may be listed in another part
        if given.party and party is None:
            if given.party.casefold() in self.failed_parties:
                reason = "the party it names was dropped"
                self.knock_on.append(
                    Dropped(path=f"{self.prefix}{path}.party", value=given.party, reason=reason)
                )
            else:
                self.fail(f"{path}.party", given.party, "is not one of the parties' names")
        return Signatory(name=given.name, title=title, party=party, evidence=evidence)

    def aim(self, index: int, given: v2.Aim) -> Aim | None:
        evidence = self.ground(f"aims[{index}].evidence", given.evidence)
        if evidence is None:
            return None
        return Aim(description=given.description, category=given.category, evidence=evidence)

    def venue(self, given: v2.Venue, parties: list[Party]) -> Venue | None:
        evidence = self.ground("venue.evidence", given.evidence)
        if evidence is None:
            return None
        if self.in_dateline(evidence):
            self.fail(
                "venue.evidence", given.evidence,
                "is the dateline, which says where the story was filed, not where the "
                "agreement was signed",
            )  # fmt: skip
            return None
        event = given.event
        if event and not words_in(evidence.quote, event):
            self.fail("venue.event", event, "is not in its quote")
            event = None
        city = self.venue_city(given.city, evidence) if given.city else None
        country = (
            self.venue_country(given.country, evidence, city, parties) if given.country else None
        )
        return Venue(event=event, city=city, country=country, evidence=evidence)

    def venue_city(self, proposed: str, evidence: Evidence) -> Place | None:
        if self.contains(evidence.quote, proposed):
            if places.city(proposed) is None:
                self.fail(
                    "venue.city", proposed,
                    "is not a city in the gazetteer (GeoNames, 15,000 people or more); give "
                    "the city's name, or leave it null",
                )  # fmt: skip
                return None
            return Place(name=proposed, mention=proposed, basis="stated")
        if self.language != ENGLISH and (
            found := languages.city_mention(evidence.quote, proposed, self.language)
        ):  # "в Гаване" is Havana by one of its GeoNames names
            return Place(name=found[0].name, mention=found[1], basis="derived", rule="gazetteer")
        dateline_city = self.dateline.city if self.dateline else None
        named = places.city(proposed)
        if (
            dateline_city
            and named is not None
            and named == places.city(dateline_city.mention)
            and (
                _SITE.search(evidence.quote)
                # "signed in the Kenyan capital" under a NAIROBI dateline
                or (named.capital and "capital" in evidence.quote.casefold())
            )
        ):
            return Place(name=dateline_city.name, mention=dateline_city.mention, basis="dateline")
        self.fail(
            "venue.city", proposed,
            "is not in its quote; quote the words naming the city. The dateline's city is "
            "the venue only when the quote places the signing 'here' or at an institution's "
            "headquarters",
        )  # fmt: skip
        return None

    def venue_country(
        self, proposed: str, evidence: Evidence, city: Place | None, parties: list[Party]
    ) -> Country | None:
        """Named or implied by the venue's quote; else the country of its city, of the
        dateline when the city came from there, or of a party the quote names."""
        known = self.known_country("venue.country", proposed)
        if known is None:
            return None
        if city and known[0] not in places.countries_of_city(city.name, evidence.quote):
            self.fail(
                "venue.country", proposed, f"is not the country of the venue city {city.name!r}"
            )
            return None
        found = self.country_in(evidence.quote, *known)
        if found:
            return found
        if city and city.basis == "dateline" and self.dateline and self.dateline.country:
            if self.dateline.country.code == known[0]:
                return self.dateline.country
        elif city:
            found = _country_in(city.name, *known)
            if found:
                return found.model_copy(update={"mention": city.mention})
        for party in parties:
            if (
                party.country
                and party.country.code == known[0]
                and self.contains(evidence.quote, party.mention)
            ):
                return party.country.model_copy(
                    update={"mention": party.mention, "basis": "derived", "rule": "party"}
                )
        self.fail_country("venue.country", proposed)
        return None

    def group(self, index: int, given: v2.ThreatGroup) -> ThreatGroupProfile | None:
        path = f"threat_groups[{index}]"
        evidence = self.ground(f"{path}.evidence", given.evidence)
        if evidence is None:
            return None
        if given.name and not self.contains(evidence.quote, given.name):
            self.fail(f"{path}.name", given.name, "is not in its quote; quote the words naming it")
            return None
        if not given.name and not given.description:
            self.fail(path, "", "an unnamed group needs the description the article gives it")
            return None
        aliases = []
        for alias in given.aliases:
            if self.contains(self.whole.text, alias):
                aliases.append(alias)
            else:
                self.fail(f"{path}.aliases", alias, "is not in the article")
        return ThreatGroupProfile(
            name=given.name,
            description=given.description,
            aliases=aliases,
            kind=given.kind,
            origin=self.fact(f"{path}.origin", given.origin),
            designations=[
                d
                for i, x in enumerate(given.designations)
                if (d := self.designation(f"{path}.designations[{i}]", x))
            ],  # fmt: skip
            size=self.fact(f"{path}.size", given.size),
            leadership=self.fact(f"{path}.leadership", given.leadership),
            base=self.fact(f"{path}.base", given.base),
            activities=[
                f
                for i, x in enumerate(given.activities)
                if (f := self.fact(f"{path}.activities[{i}]", x))
            ],
            areas=[
                f for i, x in enumerate(given.areas) if (f := self.fact(f"{path}.areas[{i}]", x))
            ],
            evidence=evidence,
        )

    def fact(self, path: str, given: v2.Fact | None) -> Fact | None:
        if given is None:
            return None
        evidence = self.ground(f"{path}.evidence", given.evidence)
        if evidence is None:
            return None
        country = places.canonical_country(given.value)
        if country and self.country_in(evidence.quote, *country) is None:
            self.fail(f"{path}.value", given.value, "does not follow from its quote")
            return None
        return Fact(value=given.value, evidence=evidence)

    def designation(self, path: str, given: v2.Designation) -> Designation | None:
        evidence = self.ground(f"{path}.evidence", given.evidence)
        if evidence is None:
            return None
        if not words_in(evidence.quote, given.label):
            self.fail(f"{path}.label", given.label, "is not in its quote")
            return None
        by = given.designated_by
        if by and not words_in(evidence.quote, by):
            named = places.canonical_country(by)
            if not (named and any(h.code == named[0] for h in places.countries_in(evidence.quote))):
                self.fail(f"{path}.designated_by", by, "is not in its quote")
                by = None
        return Designation(label=given.label, designated_by=by, evidence=evidence)


def _country_in(text: str, code: str, name: str, language: str = ENGLISH) -> Country | None:
    """Country `code` as `text` names it, or implies it by a nationality word or a city;
    in the article's language too ("España", "в Гаване") when it is not English."""
    hit = None
    if language != ENGLISH:  # its own names first: rigour calls "España" a demonym of Spain
        found = [h for h in languages.countries_named(text, language) if h.code == code]
        hit = min(found, key=lambda h: h.how != "name", default=None)
    hit = hit or places.best_hit(text, code)
    if hit is None and language != ENGLISH:
        word = languages.nationality_word(text, code, language)
        if word:
            hit = places.CountryHit(code, name, word, "demonym")
    if hit is None:
        return None
    if hit.how == "name":
        return Country(code=code, name=name, mention=hit.mention, basis="stated")
    rule: Rule = "demonym" if hit.how == "demonym" else "gazetteer"
    return Country(code=code, name=name, mention=hit.mention, basis="derived", rule=rule)


def _find_party(name: str, parties: list[Party]) -> str | None:
    wanted = name.casefold()
    for party in parties:
        if wanted in (party.name.casefold(), party.mention.casefold()):
            return party.name
    return None
