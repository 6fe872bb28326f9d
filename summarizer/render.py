"""Plain-text views of a summary, for people rather than databases."""

from __future__ import annotations

from .schema import AgreementSummary

__all__ = ["brief"]


def brief(summary: AgreementSummary) -> str:
    """A short readable brief: headline, who signed what where, aims, groups, cost."""
    agreement = summary.agreement
    kind = agreement.kind.replace("_", " ")
    lines = [summary.headline, "", f"Agreement: {agreement.title or kind} ({kind})"]
    when = [str(agreement.signed_on or ""), agreement.date_text or ""]
    if any(when):
        lines.append("Signed: " + " ".join(w for w in when if w))
    lines.append("Parties: " + "; ".join(_party(p.name, p.country) for p in summary.parties))
    for signatory in summary.signatories:
        who = signatory.name or "(name not given)"
        role = ", ".join(filter(None, [signatory.title, signatory.party]))
        lines.append(f"Signed by: {who}" + (f" ({role})" if role else ""))
    if summary.venue:
        place = [summary.venue.event, summary.venue.city, summary.venue.country]
        lines.append("Venue: " + ", ".join(p for p in place if p))
    else:
        lines.append("Venue: not stated")
    lines.extend(f"Aim [{aim.category}]: {aim.description}" for aim in summary.aims)
    for group in summary.threat_groups:
        also = f" (also {', '.join(group.aliases)})" if group.aliases else ""
        lines.append(f"Targets: {group.name}{also}, {group.kind.replace('_', ' ')}")
        for label, fact in (("size", group.size), ("origin", group.origin), ("base", group.base)):
            if fact:
                lines.append(f"  {label}: {fact.value}")
        lines.extend(
            f"  designated {d.label} by {d.designated_by or '?'}" for d in group.designations
        )
    meta = summary.meta
    cost = f"{meta.attempts} attempt(s), {meta.usage.total_tokens} tokens"
    lines += [
        "",
        f"{meta.model} via {meta.endpoint} | prompt {meta.prompt_name} v{meta.prompt_version} | "
        f"{cost}, {meta.latency_seconds:.2f}s | {meta.grounding.quotes} quotes grounded",
    ]
    return "\n".join(lines)


def _party(name: str, country: str | None) -> str:
    return f"{name} ({country})" if country else name
