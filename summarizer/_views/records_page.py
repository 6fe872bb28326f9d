"""The merged records as one self-contained HTML page: each record's stories side by side,
each value in a row with the words every story gives it in, disagreements marked; and an
index from each article to the records it is a source of."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from html import escape

from .._merge.records import AgreementRecord, SourcedValue
from .evidence_page import document

__all__ = ["records_page"]

# The record's fields in the order they are shown, with their labels.
_FIELDS = (
    ("kinds", "kind"), ("signed_on", "signed on"), ("venues", "venue"), ("titles", "title"),
    ("parties", "party"), ("signatories", "signatory"), ("aims", "aim"),
    ("threat_groups", "threat group"),
)  # fmt: skip


def records_page(records: Sequence[AgreementRecord]) -> str:
    """The page of `records`, with an index of the articles they were merged from."""
    disputed = sum(1 for r in records if r.disagreements)
    header = (
        f"<header class='batch' id='top'><h1>Merged records</h1><p class='sub'>{len(records)} "
        f"records from {sum(len(r.sources) for r in records)} agreements; {disputed} with "
        "stories that disagree</p></header>"
    )
    return document("Merged records", header + _article_index(records)
                    + "".join(_record_section(r) for r in records))  # fmt: skip


def _article_index(records: Sequence[AgreementRecord]) -> str:
    """Each article, and a link to each record it is a source of."""
    of_article: dict[str, list[str]] = defaultdict(list)
    for record in records:
        for source in record.sources:
            of_article[source.article_id].append(record.id)
    rows = "".join(
        f"<tr><td>{escape(article)}</td><td>"
        + " ".join(f"<a href='#{escape(r)}'>{escape(r)}</a>" for r in ids)
        + "</td></tr>"
        for article, ids in sorted(of_article.items())
    )
    return (
        "<table class='index'><thead><tr><th>article</th><th>its records</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _record_section(record: AgreementRecord) -> str:
    sources = [s.source for s in record.sources]
    head = "".join(
        f"<th>{escape(s.source)}<br><span class='how'>{escape(s.language or '')} · "
        f"{escape(s.headline)}</span></th>"
        for s in record.sources
    )
    rows = "".join(
        _value_row(label, value, sources, disputed=name in record.disagreements)
        for name, label in _FIELDS
        for value in getattr(record, name)
    )
    notes = (
        f"<p class='warning'>The stories disagree on: {escape(', '.join(record.disagreements))}"
        " (each value is shown with the stories that give it).</p>"
        if record.disagreements
        else ""
    )
    return (
        f"<section class='record' id='{escape(record.id)}'><h2>{escape(record.id)} "
        f"<a href='#top'>index</a></h2>{notes}<table class='sources'><thead><tr><th>field</th>"
        f"<th>value</th>{head}</tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _value_row(label: str, value: SourcedValue, sources: list[str], *, disputed: bool) -> str:
    """One value, and in each story's column the words it gives it in (empty if none)."""
    given = {s.source: s for s in value.sources}
    cells = []
    for source in sources:
        where = given.get(source)
        if where is None:
            cells.append("<td></td>")
            continue
        quote = f"<q>{escape(where.quote)}</q>" if where.quote else ""
        grade = f" <span class='tag'>{escape(where.basis)}</span>" if where.basis else ""
        kind = "disputed" if disputed else "given"
        cells.append(f"<td class='{kind}'>✓{grade}{quote}</td>")
    return (
        f"<tr><td class='label'>{escape(label)}</td><td>{escape(value.value)}</td>"
        f"{''.join(cells)}</tr>"
    )
