"""The checks of one reply: every fact against the article, graded or re-asked.

`ReplyChecker` walks one reply and builds every fact that holds into the summary's types.
It records a `Problem` only for what a re-ask can fix: a quote that is not in the article,
a name, title or date that is not in its own quote, a value the article contradicts. A
normalised value that no rule proves is kept with its grade (`proofs`); a value that cannot
be stored at all (a country outside ISO 3166) is left out and listed, without a re-ask.
What every check shares is in `checker`; a threat group's profile is checked in `groups`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .._meta import Dropped
from .._summary import (
    Agreement,
    Aim,
    Country,
    Evidence,
    Named,
    Party,
    Place,
    Signatory,
    SigningDate,
    Venue,
)
from . import dates, places, proofs
from .grades import leave_out_unproved
from .groups import ThreatGroupChecks
from .verdict import Verified
from .words import words_in

if TYPE_CHECKING:
    from .._replies import v2

__all__ = ["ReplyChecker"]

# Words by which a story places the signing at an unnamed or institutional site, so that the
# dateline's city is proved to be the venue city.
_SITE = re.compile(
    r"\b(?:here|headquarters|head office|offices|premises|seat|in (?:the|this) (?:capital|city)"
    # the same in the languages of our articles: es, pt, fr, it, de, ru, uk, ar
    r"|aquí|aqui|sede|ici|siège|qui|hier|sitz|zentrale|здесь|тут|штаб-квартир\w*"
    r"|هنا|مقر\w*|بمقر\w*)\b"
    r"|总部|本部",  # Chinese and Japanese: no spaces, so no word boundaries
    re.IGNORECASE,
)


class ReplyChecker(ThreatGroupChecks):
    """Checks one agreement of a reply, collecting problems instead of stopping at the first."""

    def reply(self, reply: v2.AgreementReply) -> Verified:
        if not reply.reports_agreement or reply.agreement is None:
            return Verified(
                None, [], [], [], None, [], reply.headline, self.scope.dateline,
                reply.no_agreement_reason, [],
            )  # fmt: skip
        agreement = self.agreement(reply.agreement)
        parties = self.each("parties", reply.parties, self.party)
        if not parties and (reply.parties or self.scope.needs_party):
            self.fail("parties", len(reply.parties), "no party could be verified", core=True)
        signatories = self.each(
            "signatories", reply.signatories, lambda p, x: self.signatory(p, x, parties)
        )
        given_venue = reply.venue
        venue = given_venue and self.guarded("venue", "", lambda: self.venue(given_venue, parties))
        verified = Verified(
            agreement=agreement,
            parties=parties,
            signatories=signatories,
            aims=self.each("aims", reply.aims, self.aim),
            venue=venue or None,
            threat_groups=self.each("threat_groups", reply.threat_groups, self.group),
            headline=reply.headline,
            dateline=self.scope.dateline,
            no_agreement_reason=None,
            dropped=[Dropped(path=p.path, value=p.value, reason=p.reason) for p in self.problems]
            + self.left_out,
        )
        return verified if self.scope.keep_unverified else self.verified_only(verified)

    def verified_only(self, verified: Verified) -> Verified:
        return leave_out_unproved(verified, self.prefix, self.links)

    def agreement(self, given: v2.Agreement) -> Agreement | None:
        evidence = self.ground("agreement.evidence", given.evidence, core=True)
        if evidence is None:
            return None
        title = given.title
        if title and not self.contains(self.whole.body, title):
            self.fail("agreement.title", title, "is not in the article; copy it as written")
            title = None
        date_text, signed = given.date_text, None
        if date_text:
            written = date_text
            signed = self.guarded(
                "agreement.date_text", written, lambda: self.signed(written, evidence)
            )
            if self.problems_at("agreement.date_text"):
                date_text = None
        return Agreement(
            kind=given.kind, title=title, date_text=date_text, signed=signed, evidence=evidence
        )

    def problems_at(self, path: str) -> bool:
        return any(p.path == self.prefix + path for p in self.problems)

    def signed(self, date_text: str, evidence: Evidence) -> SigningDate | None:
        """The signing date: resolved from words in the agreement's quote, or elsewhere in
        the body (unverified: the article does not tie them to the signing)."""
        in_quote = self.contains(evidence.quote, date_text) and not self.in_dateline(evidence)
        if not in_quote and not self.contains(self.whole.body, date_text):
            self.fail(
                "agreement.date_text", date_text, "is not in the article; copy the date as written"
            )
            return None
        reference = self.scope.dateline.filed_on if self.scope.dateline else None
        try:
            resolved = dates.resolve_date(date_text, reference=reference, language=self.language)
        except dates.ContradictedDate as exc:
            self.fail("agreement.date_text", date_text, str(exc))
            return None
        if resolved is None:
            return None
        return SigningDate(
            on=resolved.day, earliest=resolved.earliest, latest=resolved.latest, mention=date_text,
            basis=resolved.basis if in_quote else "unverified", rule=resolved.rule,
        )  # fmt: skip

    def party(self, path: str, given: v2.Party) -> Party | None:
        evidence = self.ground(f"{path}.evidence", given.evidence)
        if evidence is not None and not self.contains(evidence.quote, given.mention):
            self.fail(
                f"{path}.mention", given.mention, "is not in its quote; quote the words naming it"
            )
            evidence = None
        if evidence is None:
            self.failed_parties |= {given.name.casefold(), given.mention.casefold()}
            return None
        basis, rule = proofs.name_grade(given.name, given.mention, self.whole, self.language)
        parent = None
        if given.parent_body:
            in_article = self.contains(self.whole.text, given.parent_body)
            parent = Named(
                name=given.parent_body, mention=given.parent_body if in_article else None,
                basis="stated" if in_article else "unverified",
            )  # fmt: skip
        country = None
        known = given.country and self.country(f"{path}.country", given.country)
        if known:
            proved_name = given.name if basis in ("stated", "derived") else None
            country = self.guarded(f"{path}.country", given.country, lambda: proofs.party_country(
                known, quote=evidence.quote, mention=given.mention, name=proved_name,
                whole=self.whole, language=self.language,
            ))  # fmt: skip
        return Party(
            name=given.name, mention=given.mention, basis=basis, rule=rule, kind=given.kind,
            country=country, parent_body=parent, evidence=evidence,
        )  # fmt: skip

    def signatory(self, path: str, given: v2.Signatory, parties: list[Party]) -> Signatory | None:
        evidence = self.ground(f"{path}.evidence", given.evidence)
        if evidence is None:
            return None
        written = given.written_name()
        if written and not self.contains(evidence.quote, written):
            self.fail(
                f"{path}.mention", written, "is not in its quote; quote the words naming them"
            )
            return None
        title = given.title
        if title and not (words_in(evidence.quote, title) or self.contains(evidence.quote, title)):
            self.fail(f"{path}.title", title, "is not in its quote; copy the title as written")
            title = None
        grade = (
            proofs.person_grade(given.name, written, self.language)
            if given.name and written
            else None
        )
        found = _find_party(given.party, parties) if given.party else None
        party = parties[found].name if found is not None else None
        if (
            party is None
            and given.party
            and not self.scope.needs_party
            and self.contains(evidence.quote, given.party)
        ):
            party = given.party  # a part of a long article: the party may be listed in another part
        if given.party and party is None:
            if given.party.casefold() in self.failed_parties:
                self.leave_out(f"{path}.party", given.party, "the party it names was dropped")
            else:
                self.fail(f"{path}.party", given.party, "is not one of the parties' names")
        signatory = Signatory(
            name=given.name, mention=written, basis=grade[0] if grade else None,
            rule=grade[1] if grade else None, title=title, party=party, evidence=evidence,
        )  # fmt: skip
        if found is not None:
            self.links[id(signatory)] = found
        return signatory

    def aim(self, path: str, given: v2.Aim) -> Aim | None:
        evidence = self.ground(f"{path}.evidence", given.evidence)
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
        if event and not (words_in(evidence.quote, event) or self.contains(evidence.quote, event)):
            self.fail("venue.event", event, "is not in its quote; copy it as written")
            event = None
        city = self.venue_city(given.city, evidence) if given.city else None
        country = None
        if given.country and (known := self.country("venue.country", given.country)):
            country = self.venue_country(known, evidence, city, parties)
        return Venue(event=event, city=city, country=country, evidence=evidence)

    def venue_city(self, proposed: str, evidence: Evidence) -> Place:
        found = proofs.place_in(evidence.quote, proposed, self.language)
        if found:
            return found
        dateline_city = self.scope.dateline.city if self.scope.dateline else None
        named = places.city(proposed)
        if dateline_city and named is not None and named == places.city(dateline_city.name):
            # "signed here", "at the headquarters", "in the Kenyan capital" under its dateline
            if _SITE.search(evidence.quote) or (
                named.capital and "capital" in evidence.quote.casefold()
            ):
                return Place(
                    name=dateline_city.name, mention=dateline_city.mention, basis="dateline"
                )
            return Place(name=dateline_city.name, mention=dateline_city.mention, basis="unverified")
        return Place(name=proposed, mention=None, basis="unverified")

    def venue_country(
        self, known: tuple[str, str], evidence: Evidence, city: Place | None, parties: list[Party]
    ) -> Country | None:
        """Named or implied by the venue's quote; else the country of its proved city, of
        the dateline when the city came from there, or of a party the quote names."""
        code, name = known
        city_is_proved = city is not None and city.verified and places.city(city.name) is not None
        if (
            city
            and city_is_proved
            and code not in places.countries_of_city(city.name, evidence.quote)
        ):
            self.fail("venue.country", name, f"is not the country of the venue city {city.name!r}")
            return None
        found = proofs.country_in(evidence.quote, code, name, self.language)
        found = found or proofs.region_in(evidence.quote, code, name, self.language)
        if found:
            return found
        dateline = self.scope.dateline
        if city and city.basis == "dateline" and dateline and dateline.country:
            if dateline.country.code == code:
                return dateline.country
        elif city and city_is_proved:
            mention = city.mention or city.name
            return Country(code=code, name=name, mention=mention, basis="derived", rule="gazetteer")
        for party in parties:
            if (
                party.country
                and party.country.verified
                and party.country.code == code
                and self.contains(evidence.quote, party.mention)
            ):
                return party.country.model_copy(
                    update={"mention": party.mention, "basis": "derived", "rule": "party"}
                )
        return Country(code=code, name=name, mention=name, basis="unverified")


def _find_party(name: str, parties: list[Party]) -> int | None:
    """Which of `parties` `name` names: by its name first, else by its mention."""
    wanted = name.casefold()
    for index, party in enumerate(parties):
        if party.name.casefold() == wanted:
            return index
    for index, party in enumerate(parties):
        if party.mention.casefold() == wanted:
            return index
    return None


if TYPE_CHECKING:
    pass
