"""The summary side of the evidence page: every fact as a row that links to its span, then
the facts dropped and how the summary was made.

A normalised value is shown with how it was reached ("El Salvador - derived: demonym from
'Salvadoran'"), and one code did not prove is marked so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from .._meta import Dropped, Meta
from .._summary import (
    VERIFIED_BASES,
    Agreement,
    AgreementSummary,
    Country,
    Dateline,
    Evidence,
    Named,
    Party,
    Signatory,
    SigningDate,
    ThreatGroupProfile,
    Venue,
)
from .evidence_spans import ElementIds, MarkedSpan

__all__ = ["FieldLinks", "field_links", "summary_column"]


@dataclass(frozen=True)
class FieldLinks:
    """Where each fact's span is, to turn its row into a link to it."""

    ids: ElementIds
    span_of: Mapping[str, int]
    quote_of: Mapping[str, str]

    def row(self, path: str, label: str, value: str, *, sub: bool = False) -> str:
        """A field row: a link to its span, or its quote in place when it has none."""
        kind = "field sub" if sub else "field"
        attrs = f'id="{self.ids.field(path)}" data-path="{escape(path)}"'
        content = f'<span class="label">{escape(label)}</span><span class="value">{value}</span>'
        number = self.span_of.get(path)
        if number is None:
            quote = f'<q class="unplaced">{escape(self.quote_of.get(path, ""))}</q>'
            return f'<div class="{kind} unplaced" {attrs}>{content}{quote}</div>'
        return f'<a class="{kind}" href="#{self.ids.mark(number)}" {attrs}>{content}</a>'


def field_links(
    pairs: list[tuple[str, Evidence]], spans: list[MarkedSpan], ids: ElementIds
) -> FieldLinks:
    span_of = {path: span.number for span in spans for path in span.paths}
    return FieldLinks(ids, span_of, {path: evidence.quote for path, evidence in pairs})


def _normalised(name: str, mention: str | None, basis: str, rule: str | None) -> str:
    """A normalised value and how it was reached: "El Salvador - derived: demonym from ...";
    a value code did not prove is marked so ("unverified", "translated")."""
    how = basis + (f": {rule}" if rule else "")
    source = f" from '{mention}'" if mention and mention != name else ""
    grade = "how" if basis in VERIFIED_BASES else "how unproved"
    return f'<b>{escape(name)}</b> <span class="{grade}">— {escape(how + source)}</span>'


def _country(country: Country | None) -> str | None:
    if country is None:
        return None
    return _normalised(country.name, country.mention, country.basis, country.rule)


def _place(place: Named | None) -> str | None:
    return _normalised(place.name, place.mention, place.basis, place.rule) if place else None


def _signed(signed: SigningDate | None, date_text: str | None) -> str | None:
    if signed is None:
        return f"signed {escape(date_text)} (date not resolved)" if date_text else None
    when = str(signed.on) if signed.on else f"between {signed.earliest} and {signed.latest}"
    return "signed " + _normalised(when, signed.mention, signed.basis, signed.rule)


def _joined(*parts: str | None) -> str:
    return " · ".join(part for part in parts if part)


def _tag(text: str) -> str:
    return f'<span class="tag">{escape(text.replace("_", " "))}</span>'


def _named(label: str, text: str | None) -> str | None:
    return f"{label} {escape(text)}" if text else None


def _agreement_row(agreement: Agreement, links: FieldLinks) -> str:
    title = escape(agreement.title) if agreement.title else None
    value = _joined(title, _tag(agreement.kind), _signed(agreement.signed, agreement.date_text))
    return links.row("agreement", "Agreement", value)


def _party_row(party: Party, path: str, links: FieldLinks) -> str:
    name = _normalised(party.name, party.mention, party.basis, party.rule)
    parent = f"part of {_place(party.parent_body)}" if party.parent_body else None
    return links.row(
        path, "Party", _joined(name, _tag(party.kind), _country(party.country), parent)
    )


def _signatory_row(signatory: Signatory, path: str, links: FieldLinks) -> str:
    name = (
        _normalised(signatory.name, signatory.mention, signatory.basis, signatory.rule)
        if signatory.name and signatory.basis
        else escape(signatory.name or "") or "<i>name not given</i>"
    )
    value = _joined(name, escape(signatory.title or ""), _named("for", signatory.party))
    return links.row(path, "Signed by", value)


def _venue_row(venue: Venue, links: FieldLinks) -> str:
    event = escape(venue.event) if venue.event else None
    return links.row("venue", "Venue", _joined(event, _place(venue.city), _country(venue.country)))


def _dateline_row(dateline: Dateline, links: FieldLinks) -> str:
    filed = _named("filed", str(dateline.filed_on) if dateline.filed_on else None)
    value = _joined(
        escape(dateline.place),
        _place(dateline.city),
        _country(dateline.country),
        filed,
        _named("by", dateline.agency),
    )
    return links.row("dateline", "Dateline", value)


def _threat_rows(group: ThreatGroupProfile, path: str, links: FieldLinks) -> list[str]:
    """The group's own row, then a row for each fact about it."""
    name = (
        _normalised(group.name, group.mention, group.basis or "stated", group.rule)
        if group.name
        else f"<i>unnamed:</i> {escape(group.description or '')}"
    )
    aliases = _named("also", ", ".join(group.aliases))
    rows = [links.row(path, "Group", _joined(name, aliases, _tag(group.kind)))]
    single = {"origin": group.origin, "size": group.size}
    single |= {"leadership": group.leadership, "base": group.base}
    for field, fact in single.items():
        if fact:
            rows.append(links.row(f"{path}.{field}", field, escape(fact.value), sub=True))
    for j, designation in enumerate(group.designations):
        value = _joined(escape(designation.label), _named("by", designation.designated_by))
        rows.append(links.row(f"{path}.designations[{j}]", "designated", value, sub=True))
    for field, label, facts in (
        ("activities", "activity", group.activities),
        ("areas", "area", group.areas),
    ):
        rows += [
            links.row(f"{path}.{field}[{j}]", label, escape(fact.value), sub=True)
            for j, fact in enumerate(facts)
        ]
    return rows


def _group(title: str, rows: list[str]) -> str:
    inner = "".join(rows) if rows else '<p class="none">not stated</p>'
    return f"<h3>{title}</h3><div class='rows'>{inner}</div>"


def _fields(summary: AgreementSummary, links: FieldLinks) -> str:
    """Every fact of the summary as rows, grouped as the terminal brief groups them."""
    parties = [_party_row(p, f"parties[{i}]", links) for i, p in enumerate(summary.parties)]
    signatories = [
        _signatory_row(s, f"signatories[{i}]", links) for i, s in enumerate(summary.signatories)
    ]
    aims = [
        links.row(f"aims[{i}]", "Aim", _joined(_tag(aim.category), escape(aim.description)))
        for i, aim in enumerate(summary.aims)
    ]
    venue = [_venue_row(summary.venue, links)] if summary.venue else []
    dateline = [_dateline_row(summary.dateline, links)] if summary.dateline else []
    threats = [
        row
        for i, group in enumerate(summary.threat_groups)
        for row in _threat_rows(group, f"threat_groups[{i}]", links)
    ]
    return (
        _group("Agreement", [_agreement_row(summary.agreement, links)])
        + _group("Parties", parties)
        + _group("Signatories", signatories)
        + _group("Aims", aims)
        + _group("Venue", venue)
        + _group("Dateline", dateline)
        + _group("Threat groups", threats)
    )


def _dropped(dropped: list[Dropped]) -> str:
    """The facts left out because code could not verify them, and why."""
    if not dropped:
        return "<h3>Dropped</h3><p class='none'>Nothing was dropped.</p>"
    rows = "".join(
        f"<tr><td><code>{escape(d.path)}</code></td><td>{escape(d.value)}</td>"
        f"<td>{escape(d.reason)}</td></tr>"
        for d in dropped
    )
    head = "<tr><th>path</th><th>value</th><th>reason</th></tr>"
    return f"<h3>Dropped</h3><table class='dropped'>{head}{rows}</table>"


def _meta(meta: Meta) -> str:
    """How the summary was made: model, prompt, cost, effort."""
    usage, grounding = meta.usage, meta.grounding
    entries = {
        "model": meta.model,
        "endpoint": f"{meta.endpoint} ({meta.endpoint_kind}, {meta.mode})",
        "prompt": f"{meta.prompt_name} v{meta.prompt_version}",
        "schema version": meta.schema_version,
        "tokens": f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion "
        f"= {usage.total_tokens}",
        "attempts": str(meta.attempts),
        "http requests": str(meta.http_requests),
        "latency": f"{meta.latency_seconds:.2f} s",
        "cached": "yes" if meta.cached else "no",
        "quotes": f"{grounding.quotes} grounded ({grounding.exact} exact, "
        f"{grounding.normalized} normalized, {grounding.elided} elided); "
        f"{grounding.rejected_in_earlier_replies} rejected in earlier replies",
        "article sha256": meta.article_sha256,
    }
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in entries.items())
    return f"<h3>How it was made</h3><dl class='meta'>{items}</dl>"


def summary_column(summary: AgreementSummary, links: FieldLinks) -> str:
    """The summary's column: its facts as rows, then what was dropped and how it was made."""
    return _fields(summary, links) + _dropped(summary.meta.dropped) + _meta(summary.meta)
