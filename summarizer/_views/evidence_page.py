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
comes from an article or a model is escaped, so a `<script>` in either is shown as text;
and should an escape ever be missed, the policy still runs only the page's own stylesheet
and script, each allowed by the hash of its exact text: no other `<script>` or `<style>`,
no `onclick=`-style handler, no `style=` attribute and no `javascript:` link takes effect.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import escape
from importlib.resources import files
from typing import Any

from pydantic import ValidationError

from .._meta import Usage
from .._summary import AgreementSummary
from .evidence_fields import field_links, summary_column
from .evidence_spans import ElementIds, evidence_paths, marked_article, placed_spans

__all__ = ["CSP", "PAGE_SCRIPT", "PAGE_STYLE", "batch_page", "document", "summary_page"]


def _page_asset(name: str) -> str:
    """The page's own stylesheet or script, shipped beside this module as package data."""
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def _hash_source(inline: str) -> str:
    """The CSP source that admits one inline element whose whole content is `inline`."""
    digest = hashlib.sha256(inline.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


# Read once, and both embedded and hashed from these very strings, so the policy always
# admits exactly what the page carries.
PAGE_STYLE = _page_asset("evidence_page.css")
PAGE_SCRIPT = _page_asset("evidence_page.js")
# The page may apply its own stylesheet and run its own script, each by its hash, and show
# inline images. Nothing else inline takes effect: without 'unsafe-inline', no other
# <script> or <style> matches a hash, and a hash never admits an attribute (onclick=,
# style=) or a javascript: URL. It may load nothing, from anywhere: no fonts, no images,
# no frames, no fetches, no form posts.
CSP = (
    f"default-src 'none'; style-src {_hash_source(PAGE_STYLE)}; "
    f"script-src {_hash_source(PAGE_SCRIPT)}; img-src data:; base-uri 'none'; "
    "form-action 'none'"
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
    return document(title or summary.headline, body)


def batch_page(records: Iterable[object], articles: ArticleSource) -> str:
    """One self-contained HTML page for a batch results file (lines of `ItemResult.to_record()`).

    An index row per item (id, outcome, headline or error, tokens, cached), filters by
    outcome, and below it a section per item: its summary page when it was summarized
    (highlighted when `articles` gives its text, by id), its error when it was not. A
    record that is no object (a line that did not read) is shown as an unreadable line.
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
    return document("Batch results", header + index + sections)


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
    ids = ElementIds(prefix)
    pairs = evidence_paths(summary)
    spans = placed_spans(pairs, article)
    links = field_links(pairs, spans, ids)
    unplaced = len({path for path, _ in pairs} - set(links.span_of))
    heading = f"<p class='sub'>{escape(title)}</p>" if title else ""
    source = (
        marked_article(article, spans, ids)
        if article is not None
        else "<i>article text not available</i>"
    )
    return (
        f"<div class='report'><header>{heading}<h1>{escape(summary.headline)}</h1>"
        f"{_warnings(summary, article, unplaced)}</header><div class='columns'>"
        f"<section class='source'><h2>Article</h2><div class='text'>{source}</div></section>"
        f"<section class='facts'><h2>Summary</h2>{summary_column(summary, links)}"
        "</section></div></div>"
    )


def document(title: str, body: str) -> str:
    """A whole page around `body`: the policy first, then the page's own stylesheet and script."""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{PAGE_STYLE}</style></head>"
        f"<body>{body}<script>{PAGE_SCRIPT}</script></body></html>\n"
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
    summaries: list[AgreementSummary]  # every agreement of the story, the principal first
    error: Mapping[str, Any] | None

    @classmethod
    def read(cls, index: int, record: object) -> _Item:
        if not isinstance(record, Mapping):
            message = f"line {index + 1} is not a result object"
            return cls(index, f"line {index + 1}", "failed", False, 0, [],
                       {"type": "UnreadableLine", "message": message})  # fmt: skip
        error = record.get("error")
        if error is not None and not isinstance(error, Mapping):
            error = {"type": "UnreadableError", "message": str(error)}
        # Lines written before a story's other agreements were kept have only "summary".
        given = record.get("other_summaries")
        written = [record.get("summary"), *(given if isinstance(given, list) else [])]
        try:
            summaries = [AgreementSummary.model_validate(s) for s in written if s is not None]
        except ValidationError as exc:
            summaries, error = [], {"type": "UnreadableSummary", "message": str(exc)}
        return cls(
            index=index,
            id=str(record.get("id", "")),
            status=str(record.get("status", "unknown")),
            cached=bool(record.get("cached")),
            tokens=Usage.read(record.get("usage")).total_tokens,
            summaries=summaries,
            error=error,
        )

    @property
    def anchor(self) -> str:
        return f"item-{self.index}"

    @property
    def gist(self) -> str:
        """The headline, or the error's type and message: what a row says in one line."""
        if self.summaries:
            more = len(self.summaries) - 1
            also = f" <i>and {more} more agreement{'s' if more > 1 else ''}</i>" if more else ""
            return escape(self.summaries[0].headline) + also
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
    for number, summary in enumerate(item.summaries):
        # Each agreement of the story, the principal first, under ids of its own.
        which = "principal agreement" if number == 0 else f"agreement {number + 1}"
        title = which if len(item.summaries) > 1 else None
        prefix = f"{item.anchor}-" if number == 0 else f"{item.anchor}-{number}-"
        inner += _summary_body(summary, article, prefix=prefix, title=title)
    return (
        f"<section class='item' id='{item.anchor}' data-status='{escape(item.status)}'>"
        f"{heading}{inner}</section>"
    )
