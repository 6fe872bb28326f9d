"""HTML reports: every fact of a summary beside the words of the article it stands on.

`summary_page()` renders one summary as a page: the article on the left with each evidence
span highlighted, the fields on the right. A field links to its span and a span to its
fields, so a reader checks any fact against its source in one click, and sees how each
normalised value was reached ("El Salvador - derived: demonym from 'Salvadoran'").
`batch_page()` renders a batch results file: an index with filters by outcome, and each
item's page below it.

A page is one file with inline CSS and a few lines of inline JavaScript, and its
Content-Security-Policy forbids every network load: it shows the same thing mailed,
archived or opened from disk, and nothing it contains can fetch anything. Everything that
comes from an article or a model is escaped, so a `<script>` in either is shown as text.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, ValidationError

from .._summary import (
    VERIFIED_BASES,
    Agreement,
    AgreementSummary,
    Country,
    Dateline,
    Dropped,
    Evidence,
    Meta,
    Named,
    Party,
    Signatory,
    SigningDate,
    ThreatGroupProfile,
    Venue,
)

__all__ = ["batch_page", "summary_page"]

# The page may run its own inline script and style and show inline images; it may load
# nothing, from anywhere: no fonts, no images, no frames, no fetches, no form posts.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
STATUS_ORDER = ("summarized", "no_agreement", "failed")
ArticleSource = Mapping[str, str] | Callable[[str], str | None]


def summary_page(summary: AgreementSummary, article: str, *, title: str | None = None) -> str:
    """One self-contained HTML page for `summary` of `article`: spans and fields linked.

    `article` must be the text that was summarized: the evidence offsets point into it.
    A quote not found at its offsets (another text, an edited one) is shown by its field,
    unhighlighted, and a warning at the top says so.
    """
    body = _summary_body(summary, article, prefix="", title=title)
    return _document(title or summary.headline, body)


def batch_page(records: Iterable[Mapping[str, Any]], articles: ArticleSource) -> str:
    """One self-contained HTML page for a batch results file (lines of `ItemResult.to_record()`).

    An index row per item (id, outcome, headline or error, tokens, cached), filters by
    outcome, and below it a section per item: its summary page when it was summarized
    (highlighted when `articles` gives its text, by id), its error when it was not.
    """
    article_of = _article_lookup(articles)
    items = [_Item.read(index, record) for index, record in enumerate(records, start=1)]
    counts = Counter(item.status for item in items)
    spent = sum(item.tokens for item in items)
    header = (
        f"<header class='batch' id='top'><h1>Batch results</h1><p class='sub'>{len(items)} items, "
        f"{spent} tokens spent in this run</p>{_filters(counts)}</header>"
    )
    index = _index_table(items)
    sections = "".join(_item_section(item, article_of(item.id)) for item in items)
    return _document("Batch results", header + index + sections)


# -- evidence spans -------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    """A stretch of the article some facts stand on; facts that share one share its mark."""

    number: int
    start: int
    end: int
    paths: tuple[str, ...]


def _evidence_paths(value: object, path: str = "") -> list[tuple[str, Evidence]]:
    """Each Evidence in `value` with the path of the fact it backs, e.g. 'parties[0]'."""
    if isinstance(value, Evidence):
        return [(path.removesuffix(".evidence"), value)]
    if isinstance(value, list):
        return [
            pair for i, item in enumerate(value) for pair in _evidence_paths(item, f"{path}[{i}]")
        ]
    if isinstance(value, BaseModel):
        return [
            pair
            for name in type(value).model_fields
            for pair in _evidence_paths(getattr(value, name), f"{path}.{name}" if path else name)
        ]
    return []


def _placed(evidence: Evidence, article: str | None) -> bool:
    """True when the quote stands at its offsets in this text."""
    return article is not None and article[evidence.start : evidence.end] == evidence.quote


def _spans(pairs: list[tuple[str, Evidence]], article: str | None) -> list[_Span]:
    """The distinct spans of the placed evidence, numbered in reading order."""
    paths: defaultdict[tuple[int, int], list[str]] = defaultdict(list)
    for path, evidence in pairs:
        if evidence.end > evidence.start and _placed(evidence, article):
            paths[evidence.start, evidence.end].append(path)
    ordered = sorted(paths, key=lambda bounds: (bounds[0], -bounds[1]))
    return [
        _Span(number, start, end, tuple(paths[start, end]))
        for number, (start, end) in enumerate(ordered, start=1)
    ]


def _marked_article(article: str, spans: list[_Span], ids: _Ids) -> str:
    """The article as HTML, each span wrapped in `<mark>`s that cover exactly its characters.

    Spans nest where they nest. Where two cross, the inner one is closed at the outer one's
    end and reopened after it as a continuation mark (no id, same `data-ev`), so the marks
    of a span, read in order, always give back its text.
    """
    starting: defaultdict[int, list[_Span]] = defaultdict(list)
    for span in spans:
        starting[span.start].append(span)
    bounds = sorted({0, len(article)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[str] = []
    open_spans: list[_Span] = []
    for here, after in zip(bounds, bounds[1:], strict=False):
        out.append(_close_at(here, open_spans, ids))
        for span in sorted(starting[here], key=lambda s: -s.end):
            open_spans.append(span)
            out.append(_mark_tag(span, ids, first=True))
        out.append(escape(article[here:after]))
    out.append("</mark>" * len(open_spans))
    return "".join(out)


def _close_at(here: int, open_spans: list[_Span], ids: _Ids) -> str:
    """Close the spans ending at `here`, and reopen those closed only to keep HTML nested."""
    ending = [depth for depth, span in enumerate(open_spans) if span.end == here]
    if not ending:
        return ""
    closed = open_spans[ending[0] :]
    del open_spans[ending[0] :]
    out = ["</mark>" * len(closed)]
    for span in closed:
        if span.end != here:
            open_spans.append(span)
            out.append(_mark_tag(span, ids, first=False))
    return "".join(out)


def _mark_tag(span: _Span, ids: _Ids, *, first: bool) -> str:
    mark_id = ids.mark(span.number)
    fields = " ".join(ids.field(path) for path in span.paths)
    attrs = (
        f'class="ev{"" if first else " cont"}" data-ev="{mark_id}" '
        f'data-start="{span.start}" data-end="{span.end}" '
        f'data-field="{escape(" ".join(span.paths))}" data-targets="{fields}" '
        f'title="{escape(", ".join(span.paths))}"'
    )
    return f'<mark id="{mark_id}" {attrs}>' if first else f"<mark {attrs}>"


# -- fields ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ids:
    """Element ids of one summary's marks and fields; a prefix keeps a batch's apart."""

    prefix: str

    def mark(self, number: int) -> str:
        return f"{self.prefix}ev-{number}"

    def field(self, path: str) -> str:
        return f"{self.prefix}field-" + re.sub(r"[\[\].]+", "-", path).strip("-")


@dataclass(frozen=True)
class _Links:
    """Where each fact's span is, to turn its row into a link to it."""

    ids: _Ids
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


def _links(pairs: list[tuple[str, Evidence]], spans: list[_Span], ids: _Ids) -> _Links:
    span_of = {path: span.number for span in spans for path in span.paths}
    return _Links(ids, span_of, {path: evidence.quote for path, evidence in pairs})


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


def _agreement_row(agreement: Agreement, links: _Links) -> str:
    title = escape(agreement.title) if agreement.title else None
    value = _joined(title, _tag(agreement.kind), _signed(agreement.signed, agreement.date_text))
    return links.row("agreement", "Agreement", value)


def _party_row(party: Party, path: str, links: _Links) -> str:
    name = _normalised(party.name, party.mention, party.basis, party.rule)
    parent = f"part of {_place(party.parent_body)}" if party.parent_body else None
    return links.row(
        path, "Party", _joined(name, _tag(party.kind), _country(party.country), parent)
    )


def _signatory_row(signatory: Signatory, path: str, links: _Links) -> str:
    name = (
        _normalised(signatory.name, signatory.mention, signatory.basis, signatory.rule)
        if signatory.name and signatory.basis
        else escape(signatory.name or "") or "<i>name not given</i>"
    )
    value = _joined(name, escape(signatory.title or ""), _named("for", signatory.party))
    return links.row(path, "Signed by", value)


def _venue_row(venue: Venue, links: _Links) -> str:
    event = escape(venue.event) if venue.event else None
    return links.row("venue", "Venue", _joined(event, _place(venue.city), _country(venue.country)))


def _dateline_row(dateline: Dateline, links: _Links) -> str:
    filed = _named("filed", str(dateline.filed_on) if dateline.filed_on else None)
    value = _joined(
        escape(dateline.place),
        _place(dateline.city),
        _country(dateline.country),
        filed,
        _named("by", dateline.agency),
    )
    return links.row("dateline", "Dateline", value)


def _threat_rows(group: ThreatGroupProfile, path: str, links: _Links) -> list[str]:
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


def _fields(summary: AgreementSummary, links: _Links) -> str:
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


# -- pages ----------------------------------------------------------------------------


def _warnings(summary: AgreementSummary, article: str | None, unplaced: int) -> str:
    """Say so when the highlights cannot be trusted, or are missing."""
    notes = []
    if article is None:
        notes.append("The article text is not available: quotes are shown by their fields.")
    else:
        if hashlib.sha256(article.encode()).hexdigest() != summary.meta.article_sha256:
            notes.append("This text is not the one that was summarized (its sha256 differs).")
        if unplaced:
            notes.append(
                f"{unplaced} quote(s) are not at their offsets in this text: "
                "they are shown by their fields, without a highlight."
            )
    return "".join(f"<p class='warning'>{escape(note)}</p>" for note in notes)


def _summary_body(
    summary: AgreementSummary, article: str | None, *, prefix: str, title: str | None
) -> str:
    """A summary's report without the document around it, ids prefixed by `prefix`."""
    ids = _Ids(prefix)
    pairs = _evidence_paths(summary)
    spans = _spans(pairs, article)
    links = _links(pairs, spans, ids)
    unplaced = len({path for path, _ in pairs} - set(links.span_of))
    heading = f"<p class='sub'>{escape(title)}</p>" if title else ""
    source = (
        _marked_article(article, spans, ids)
        if article is not None
        else "<i>article text not available</i>"
    )
    return (
        f"<div class='report'><header>{heading}<h1>{escape(summary.headline)}</h1>"
        f"{_warnings(summary, article, unplaced)}</header><div class='columns'>"
        f"<section class='source'><h2>Article</h2><div class='text'>{source}</div></section>"
        f"<section class='facts'><h2>Summary</h2>{_fields(summary, links)}"
        f"{_dropped(summary.meta.dropped)}{_meta(summary.meta)}</section></div></div>"
    )


def _document(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_page_asset('evidence_page.css')}</style></head>"
        f"<body>{body}<script>{_page_asset('evidence_page.js')}</script></body></html>\n"
    )


# -- batch ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """One line of a results file, read leniently: a bad summary becomes a shown problem."""

    index: int
    id: str
    status: str
    cached: bool
    tokens: int
    summary: AgreementSummary | None
    error: Mapping[str, Any] | None

    @classmethod
    def read(cls, index: int, record: object) -> _Item:
        if not isinstance(record, Mapping):
            message = f"line {index + 1} is not a result object"
            return cls(index, f"line {index + 1}", "failed", False, 0, None,
                       {"type": "UnreadableLine", "message": message})  # fmt: skip
        summary, error = None, record.get("error")
        if error is not None and not isinstance(error, Mapping):
            error = {"type": "UnreadableError", "message": str(error)}
        if record.get("summary") is not None:
            try:
                summary = AgreementSummary.model_validate(record["summary"])
            except ValidationError as exc:
                error = {"type": "UnreadableSummary", "message": str(exc)}
        usage = record.get("usage")
        usage = usage if isinstance(usage, Mapping) else {}
        return cls(
            index=index,
            id=str(record.get("id", "")),
            status=str(record.get("status", "unknown")),
            cached=bool(record.get("cached")),
            tokens=int(usage.get("total_tokens", 0)),
            summary=summary,
            error=error,
        )

    @property
    def anchor(self) -> str:
        return f"item-{self.index}"

    @property
    def gist(self) -> str:
        """The headline, or the error's type and message: what a row says in one line."""
        if self.summary is not None:
            return escape(self.summary.headline)
        if self.error:
            kind, message = self.error.get("type", "Error"), self.error.get("message", "")
            return f"<b>{escape(str(kind))}</b>: {escape(str(message))}"
        return ""


def _article_lookup(articles: ArticleSource) -> Callable[[str], str | None]:
    if isinstance(articles, Mapping):
        return articles.get
    return articles


def _filters(counts: Mapping[str, int]) -> str:
    """A checkbox per outcome, with its count; unticking one hides its items."""
    statuses = [s for s in STATUS_ORDER if s in counts] + sorted(set(counts) - set(STATUS_ORDER))
    boxes = "".join(
        f"<label class='status-{escape(s)}'><input type='checkbox' checked "
        f"data-filter='{escape(s)}'> {escape(s.replace('_', ' '))} "
        f"(<span class='count'>{counts[s]}</span>)</label>"
        for s in statuses
    )
    return f"<div class='filters'>Show: {boxes}</div>"


def _index_table(items: list[_Item]) -> str:
    head = (
        "<tr><th>id</th><th>outcome</th><th>headline or error</th><th>tokens</th>"
        "<th>cached</th></tr>"
    )
    rows = "".join(
        f"<tr class='item' data-status='{escape(item.status)}'>"
        f"<td><a href='#{item.anchor}'>{escape(item.id)}</a></td>"
        f"<td><span class='status status-{escape(item.status)}'>"
        f"{escape(item.status.replace('_', ' '))}</span></td>"
        f"<td>{item.gist}</td><td class='num'>{item.tokens}</td>"
        f"<td>{'yes' if item.cached else ''}</td></tr>"
        for item in items
    )
    return f"<table class='index'><thead>{head}</thead><tbody>{rows}</tbody></table>"


def _error(error: Mapping[str, Any]) -> str:
    """An error record: type, message, and the reason or problems it carries."""
    parts = [
        f"<p><b>{escape(str(error.get('type', 'Error')))}</b>: "
        f"{escape(str(error.get('message', '')))}</p>"
    ]
    if error.get("reason"):
        parts.append(f"<p>Reason: {escape(str(error['reason']))}</p>")
    problems = error.get("problems") or []
    if problems:
        parts.append("<ul>" + "".join(f"<li>{escape(str(p))}</li>" for p in problems) + "</ul>")
    return f"<div class='error'>{''.join(parts)}</div>"


def _item_section(item: _Item, article: str | None) -> str:
    """An item's part of the batch page: its report, or its error."""
    heading = (
        f"<h2 class='item-id'>{escape(item.id)} "
        f"<span class='status status-{escape(item.status)}'>"
        f"{escape(item.status.replace('_', ' '))}</span> <a href='#top'>index</a></h2>"
    )
    inner = _error(item.error) if item.error else ""
    if item.summary is not None:
        inner += _summary_body(item.summary, article, prefix=f"{item.anchor}-", title=None)
    return (
        f"<section class='item' id='{item.anchor}' data-status='{escape(item.status)}'>"
        f"{heading}{inner}</section>"
    )


@cache
def _page_asset(name: str) -> str:
    """The page's own stylesheet or script, shipped beside this module as package data."""
    return files(__package__).joinpath(name).read_text(encoding="utf-8")
