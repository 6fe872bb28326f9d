"""The checks of one reply: every fact against the article, graded or re-asked.

`ReplyChecker` walks one reply and builds every fact that holds into the summary's types.
It records a `Problem` only for what a re-ask can fix: a quote that is not in the article,
a name, title or date that is not in its own quote, a value the article contradicts. A
normalised value that no rule proves is kept with its grade (`proofs`); a value that cannot
be stored at all (a country outside ISO 3166) is left out and listed, without a re-ask. An
exception inside a check is a bug of ours, never the model's: it is logged with the
article's hash and costs only the fact it concerned.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from .._summary import (
    Agreement,
    Aim,
    Country,
    Designation,
    Dropped,
    Evidence,
    Fact,
    Named,
    Party,
    Place,
    Signatory,
    SigningDate,
    ThreatGroupProfile,
    Venue,
)
from . import dates, languages, places, proofs
from .grades import leave_out_unproved
from .quotes import Span
from .verdict import Problem, Verified
from .words import words_in

if TYPE_CHECKING:
    from .._replies import v2
    from .scope import Scope

__all__ = ["ReplyChecker"]

logger = logging.getLogger("summarizer")
T = TypeVar("T")
Kept = TypeVar("Kept")

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


@dataclass
class ReplyChecker:
    """Checks one agreement of a reply, collecting problems instead of stopping at the first."""

    scope: Scope
    prefix: str = ""  # "agreements[1]." when the reply lists several
    problems: list[Problem] = field(default_factory=list)
    # Left out without a re-ask: values that cannot be stored, facts lost with another.
    left_out: list[Dropped] = field(default_factory=list)
    failed_parties: set[str] = field(default_factory=set)
    # Which party each kept signatory signed for, by its place among the kept parties: two
    # parties may end with one name, and a name left out for its mention must be followed.
    links: dict[int, int] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return self.scope.language

    @property
    def whole(self) -> ArticleText:
        return self.scope.whole or self.scope.article

    def fail(self, path: str, value: object, reason: str, *, core: bool = False) -> None:
        self.problems.append(Problem(self.prefix + path, str(value), reason, core))

    def leave_out(self, path: str, value: object, reason: str) -> None:
        self.left_out.append(Dropped(path=self.prefix + path, value=str(value), reason=reason))

    def guarded(self, path: str, value: object, check: Callable[[], T]) -> T | None:
        """`check()`, or None when it raised: a bug in our checks, logged, costing this fact."""
        try:
            return check()
        except Exception:
            logger.exception(
                "a check failed on %s%s of article %s", self.prefix, path, self.scope.article_id
            )
            self.leave_out(path, value, "a check failed inside summarizer (logged as a bug)")
            return None

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

    def each(
        self, name: str, items: Sequence[T], check: Callable[[str, T], Kept | None]
    ) -> list[Kept]:
        """Each item checked, guarded against our own bugs; those that held."""
        kept: list[Kept] = []
        for index, item in enumerate(items):
            path = f"{name}[{index}]"
            fact = self.guarded(path, "", lambda: check(path, item))  # noqa: B023
            if fact is not None:
                kept.append(fact)
        return kept

    def verified_only(self, verified: Verified) -> Verified:
        return leave_out_unproved(verified, self.prefix, self.links)

    # -- quotes ---------------------------------------------------------------------------

    def ground(self, path: str, quote: str, *, core: bool = False) -> Evidence | None:
        try:
            span: Span = self.scope.article.locate(quote)
        except ValueError as exc:
            self.fail(path, quote, str(exc).replace(f"quote {quote!r} ", "").strip(), core=core)
            return None
        return Evidence(
            quote=self.scope.article.text[span.start : span.end],
            start=span.start,
            end=span.end,
            match=span.match,
        )

    def contains(self, quote: str, words: str) -> bool:
        """`words` stand in `quote` (in Arabic, also with a clitic written onto them)."""
        return languages.contains_words(quote, words, self.language)

    def in_dateline(self, evidence: Evidence) -> bool:
        return self.scope.article.in_dateline(Span(evidence.start, evidence.end, evidence.match))

    def country(self, path: str, proposed: str) -> tuple[str, str] | None:
        """The ISO country the model named, or None (left out: no re-ask can make a place
        that is no country one)."""
        known = places.canonical_country(proposed)
        if known is None:
            self.leave_out(path, proposed, "is not a country in ISO 3166")
        return known

    # -- facts ----------------------------------------------------------------------------

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

    def group(self, path: str, given: v2.ThreatGroup) -> ThreatGroupProfile | None:
        evidence = self.ground(f"{path}.evidence", given.evidence)
        if evidence is None:
            return None
        written = self.group_mention(given, evidence.quote)
        if given.name and written is None:
            self.fail(
                f"{path}.mention",
                given.written_name(),
                "is not in its quote; quote the words naming it",
            )
            return None
        if not given.name and not given.description:
            self.fail(path, "", "an unnamed group needs the description the article gives it")
            return None
        grade = (
            proofs.name_grade(given.name, written, self.whole, self.language)
            if given.name and written
            else None
        )
        aliases = []
        for alias in given.aliases:
            if self.contains(self.whole.text, alias):
                aliases.append(alias)
            else:
                self.leave_out(f"{path}.aliases", alias, "is not in the article")
        return ThreatGroupProfile(
            name=given.name, mention=written, basis=grade[0] if grade else None,
            rule=grade[1] if grade else None, description=given.description, aliases=aliases,
            kind=given.kind, origin=self.fact(f"{path}.origin", given.origin),
            designations=self.each(f"{path}.designations", given.designations, self.designation),
            size=self.fact(f"{path}.size", given.size),
            leadership=self.fact(f"{path}.leadership", given.leadership),
            base=self.fact(f"{path}.base", given.base),
            activities=self.each(f"{path}.activities", given.activities, self.fact),
            areas=self.each(f"{path}.areas", given.areas, self.fact),
            evidence=evidence,
        )  # fmt: skip

    def group_mention(self, given: v2.ThreatGroup, quote: str) -> str | None:
        """The words naming the group in its quote: its mention, or (a reply without one)
        its name or an alias the article writes for it ("TdA" for "Tren de Aragua")."""
        written = given.written_name()
        if written and self.contains(quote, written):
            return written
        if written != given.name:
            return None
        return next((a for a in given.aliases if self.contains(quote, a)), None)

    def fact(self, path: str, given: v2.Fact | None) -> Fact | None:
        if given is None:
            return None
        evidence = self.ground(f"{path}.evidence", given.evidence)
        if evidence is None:
            return None
        country = places.canonical_country(given.value)
        if country and self.contradicts(evidence.quote, *country):
            self.fail(f"{path}.value", given.value, "is not the country its quote names")
            return None
        return Fact(value=given.value, evidence=evidence)

    def contradicts(self, quote: str, code: str, name: str) -> bool:
        """True when `quote` names countries, and not country `code`."""
        named = {hit.code for hit in places.countries_in(quote)}
        if self.language != languages.ENGLISH:
            named |= {hit.code for hit in languages.countries_named(quote, self.language)}
        return bool(named) and proofs.country_in(quote, code, name, self.language) is None

    def designation(self, path: str, given: v2.Designation) -> Designation | None:
        evidence = self.ground(f"{path}.evidence", given.evidence)
        if evidence is None:
            return None
        if not (
            words_in(evidence.quote, given.label) or self.contains(evidence.quote, given.label)
        ):
            self.fail(f"{path}.label", given.label, "is not in its quote; copy it as written")
            return None
        by = given.designated_by
        if by and not words_in(evidence.quote, by):
            named = places.canonical_country(by)
            if not (named and proofs.country_in(evidence.quote, *named, self.language)):
                self.leave_out(f"{path}.designated_by", by, "is not in its quote")
                by = None
        return Designation(label=given.label, designated_by=by, evidence=evidence)


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
    from .quotes import ArticleText
