"""The checks of a threat group's profile: its name in its quote, its aliases in the
article, and each profile fact (origin, size, leadership, base, designations) against its
own quote."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._summary import Designation, Fact, ThreatGroupProfile
from . import languages, places, proofs
from .checker import AgreementChecks
from .words import words_in

if TYPE_CHECKING:
    from .._replies import v2

__all__ = ["ThreatGroupChecks"]


class ThreatGroupChecks(AgreementChecks):
    """The threat-group checks of one agreement of a reply."""

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
