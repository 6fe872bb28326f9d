"""Plain-text views of a summary, for people rather than databases."""

from __future__ import annotations

from .._summary import AgreementSummary, Country, Place, SigningDate

__all__ = ["brief"]


def brief(summary: AgreementSummary) -> str:
    """A short readable brief: headline, who signed what where, aims, groups, cost."""
    agreement = summary.agreement
    kind = agreement.kind.replace("_", " ")
    lines = [summary.headline, "", f"Agreement: {agreement.title or kind} ({kind})"]
    if agreement.date_text:
        lines.append(f"Signed: {_date(agreement.signed)} ({agreement.date_text!r})")
    lines.append(
        "Parties: "
        + "; ".join(_party(p.name, p.mention, p.country, p.basis) for p in summary.parties)
    )
    for signatory in summary.signatories:
        who = signatory.name or "(name not given)"
        if signatory.name and signatory.mention and signatory.mention != signatory.name:
            who += f" [{signatory.basis}, as {signatory.mention!r}]"
        role = ", ".join(filter(None, [signatory.title, signatory.party]))
        lines.append(f"Signed by: {who}" + (f" ({role})" if role else ""))
    if summary.venue:
        venue = summary.venue
        place = [venue.event, _place(venue.city), _country(venue.country)]
        lines.append("Venue: " + ", ".join(p for p in place if p))
    else:
        lines.append("Venue: not stated")
    if summary.dateline:
        dateline = summary.dateline
        filed = [dateline.place, str(dateline.filed_on or ""), dateline.agency or ""]
        lines.append("Filed: " + ", ".join(p for p in filed if p))
    lines.extend(f"Aim [{aim.category}]: {aim.description}" for aim in summary.aims)
    for group in summary.threat_groups:
        also = f" (also {', '.join(group.aliases)})" if group.aliases else ""
        name = group.name or f"unnamed: {group.description}"
        if group.name and group.mention and group.mention != group.name:
            name += f" [{group.basis}, as {group.mention!r}]"
        lines.append(f"Targets: {name}{also}, {group.kind.replace('_', ' ')}")
        for label, fact in (("size", group.size), ("origin", group.origin), ("base", group.base)):
            if fact:
                lines.append(f"  {label}: {fact.value}")
        lines.extend(
            f"  designated {d.label} by {d.designated_by or '?'}" for d in group.designations
        )
    meta = summary.meta
    lines.extend(f"Dropped {d.path} {d.value!r}: {d.reason}" for d in meta.dropped)
    cost = f"{meta.attempts} attempt(s), {meta.usage.total_tokens} tokens"
    if meta.parts:
        cost += f" over {len(meta.parts)} parts"
    lines += [
        "",
        f"{meta.model} via {meta.endpoint} | prompt {meta.prompt_name} v{meta.prompt_version} | "
        f"{cost}, {meta.latency_seconds:.2f}s | {meta.grounding.quotes} quotes grounded",
    ]
    story = [f"language: {meta.language}"] if meta.language else []
    if meta.other_agreements:
        story.append(f"the story reports {meta.other_agreements} other agreement(s)")
    if story:
        lines.append(" | ".join(story))
    return "\n".join(lines)


def _party(name: str, mention: str, country: Country | None, basis: str) -> str:
    # A value code did not prove says so: "translated from", "unverified, as".
    how = {"translated": "translated from", "unverified": "unverified, as"}.get(basis, "as")
    written = f" [{how} {mention!r}]" if mention != name else ""
    return f"{name}{written} ({_country(country)})" if country else f"{name}{written}"


def _country(country: Country | None) -> str | None:
    if country is None:
        return None
    how = f"{country.basis}: {country.rule}" if country.rule else country.basis
    return f"{country.name} [{how}, from {country.mention!r}]"


def _place(city: Place | None) -> str | None:
    if city is None:
        return None
    return city.name if city.basis == "stated" else f"{city.name} [{city.basis}]"


def _date(signed: SigningDate | None) -> str:
    if signed is None:
        return "date not resolved"
    when = str(signed.on) if signed.on else f"between {signed.earliest} and {signed.latest}"
    return f"{when} [{signed.basis}: {signed.rule}]" if signed.rule else f"{when} [{signed.basis}]"
