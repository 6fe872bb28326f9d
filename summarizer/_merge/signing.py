"""One agreement as merging sees it, and whether two of them report the same signing.

Code decides where the evidence is clear, and says "unsure" where it is not, so that an
unsure pair is kept apart rather than merged on a guess:

- different: two agreements of one story; kinds that cannot name one instrument (a letter
  of intent is no memorandum); parties that differ (matched on their countries, or on the
  names of international organisations, so "Kenyan police" meets "National Police Service
  of Kenya"); signing dates more than `DATE_SLACK_DAYS` apart (a renewal, another year);
  no dates, and datelines more than `FILED_SLACK_DAYS` apart.
- same: the kinds fit, the parties match, and the dates agree within the slack (one outlet
  may date the signing a day late, which the record keeps as a disagreement) or, where a
  story gives no date, its dateline is close to the other's.
- unsure: the rest (no parties to compare; nothing that dates either story and no signer
  named in both; no signing dates and two different cities).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from rapidfuzz.distance import Indel

from .._checks.fold import ascii_letters, loose_key
from .._summary import AgreementSummary, Party

__all__ = [
    "DATE_SLACK_DAYS",
    "FILED_SLACK_DAYS",
    "Signing",
    "Verdict",
    "kinds_fit",
    "party_key",
    "person_words",
    "same_person",
    "span_gap",
    "verdict",
]

Verdict = Literal["same", "different", "unsure"]

# Outlets disagree on a signing's day by a day or two (time zones, a late report).
DATE_SLACK_DAYS = 3
# A story without a signing date is filed within days of the signing.
FILED_SLACK_DAYS = 10
# A story states a signing at most this long before its dateline ("last week", "on Monday").
_FILED_AFTER_SIGNING_DAYS = 7
# Two spellings of one person's name ("Lee Dong-hwan", "Rhee Dong-hwan") are this alike.
_SAME_PERSON = 0.8
# Kinds one instrument is called by different outlets.
_MEMORANDA = frozenset({"memorandum_of_understanding", "memorandum_of_cooperation"})


@dataclass(frozen=True)
class Signing:
    """An agreement of one story, with what merging compares."""

    article_id: str
    position: int  # among the story's agreements, 0 the principal
    summary: AgreementSummary
    parties: frozenset[str]  # `party_key` of each party
    earliest: date | None  # the signing day, or the range the words allow
    latest: date | None
    filed: date | None  # the story's dateline date
    city: str | None  # the venue's city, folded
    people: tuple[tuple[str, ...], ...]  # each named signatory's words, in ASCII

    @classmethod
    def of(cls, article_id: str, position: int, summary: AgreementSummary) -> Signing:
        signed = summary.agreement.signed
        dateline = summary.dateline
        city = summary.venue.city if summary.venue else None
        return cls(
            article_id=article_id,
            position=position,
            summary=summary,
            parties=frozenset(party_key(p) for p in summary.parties),
            earliest=signed.earliest if signed else None,
            latest=signed.latest if signed else None,
            filed=dateline.filed_on if dateline else None,
            city=loose_key(city.name, ascii=True) if city else None,
            people=tuple(person_words(s.name) for s in summary.signatories if s.name),
        )

    @property
    def source(self) -> str:
        """`<article id>/<position>`, as the database names the agreement."""
        return f"{self.article_id}/{self.position}"

    @property
    def kind(self) -> str:
        return self.summary.agreement.kind

    def span(self) -> tuple[date, date] | None:
        """When it was signed: its own dates, else the days before its dateline."""
        if self.earliest and self.latest:
            return self.earliest, self.latest
        if self.filed:
            return self.filed - timedelta(days=_FILED_AFTER_SIGNING_DAYS), self.filed
        return None


def party_key(party: Party) -> str:
    """What names a party across languages: its country for a national body (outlets
    name a police force many ways, its country one way), its name for an international
    organisation or a body of no known country."""
    if party.country is not None and party.kind != "international_organization":
        return f"country:{party.country.code}"
    return f"name:{loose_key(party.name, ascii=True)}"


def verdict(a: Signing, b: Signing) -> Verdict:
    """Whether `a` and `b` report the same signing, as far as code can tell."""
    if a.article_id == b.article_id:
        return "different"  # a story lists each agreement once
    if not kinds_fit(a.kind, b.kind):
        return "different"
    if not a.parties or not b.parties:
        return "unsure"
    if a.parties != b.parties:
        return "different"
    apart = _days_apart(a, b)
    if apart is not None and apart > DATE_SLACK_DAYS:
        return "different"
    if apart is None:
        filed = span_gap(a, b)
        if filed is None:
            # Nothing says when, and the same parties sign again over the years: the same
            # person signing is what tells a report of this signing from another.
            return "same" if _a_signer_in_both(a, b) and _cities_fit(a, b) else "unsure"
        if filed > FILED_SLACK_DAYS:
            return "different"
        if not _cities_fit(a, b):
            return "unsure"
    return "same"


def kinds_fit(a: str, b: str) -> bool:
    """Whether two kinds can name one instrument."""
    return a == b or "other" in (a, b) or {a, b} <= _MEMORANDA


def _days_apart(a: Signing, b: Signing) -> int | None:
    """Days between the two signing dates' ranges (0 when they overlap); None unless both
    stories date the signing."""
    if not (a.earliest and a.latest and b.earliest and b.latest):
        return None
    return max(0, (max(a.earliest, b.earliest) - min(a.latest, b.latest)).days)


def span_gap(a: Signing, b: Signing) -> int | None:
    """Days between the signing spans, with a dateline standing in for a missing date
    (0 when they overlap); None when either has neither."""
    one, other = a.span(), b.span()
    if one is None or other is None:
        return None
    return max(0, (max(one[0], other[0]) - min(one[1], other[1])).days)


def _cities_fit(a: Signing, b: Signing) -> bool:
    return not (a.city and b.city and a.city != b.city)


def _a_signer_in_both(a: Signing, b: Signing) -> bool:
    return any(same_person(one, other) for one in a.people for other in b.people)


def person_words(name: str) -> tuple[str, ...]:
    """A person's name as ASCII words, for comparing its spellings."""
    return tuple(w for w in (ascii_letters(word) for word in name.split()) if w)


def same_person(one: Sequence[str], other: Sequence[str]) -> bool:
    """Whether two spellings name one person: each word of the shorter alike enough to one
    of the longer ("Andrey Kurbatov", "Andrei Nikolaevich Kurbatov"), or the whole names
    alike ("Lee Dong-hwan", "Rhee Dong-hwan"); a lone word meets only itself."""
    shorter, longer = sorted((one, other), key=len)
    if not shorter:
        return False
    if len(shorter) == 1:
        return tuple(shorter) == tuple(longer)
    by_word = all(any(_alike(word, known) for known in longer) for word in shorter)
    return by_word or _alike("".join(shorter), "".join(longer))


def _alike(word: str, other: str) -> bool:
    # Transliterations of one name differ by a letter or two.
    return word == other or Indel.normalized_similarity(word, other) >= _SAME_PERSON
