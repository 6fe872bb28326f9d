"""The article side of the evidence page: where each fact's evidence stands in the article,
and the article as HTML with those spans marked.

A mark's id and the ids of the fact rows it backs come from `ElementIds`, so a span links
to its fields and a field to its span; a batch page prefixes them to keep items apart.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from html import escape

from pydantic import BaseModel

from .._summary import Evidence

__all__ = ["ElementIds", "MarkedSpan", "evidence_paths", "marked_article", "placed_spans"]


@dataclass(frozen=True)
class ElementIds:
    """Element ids of one summary's marks and fields; a prefix keeps a batch's apart."""

    prefix: str

    def mark(self, number: int) -> str:
        return f"{self.prefix}ev-{number}"

    def field(self, path: str) -> str:
        return f"{self.prefix}field-" + re.sub(r"[\[\].]+", "-", path).strip("-")


@dataclass(frozen=True)
class MarkedSpan:
    """A stretch of the article some facts stand on; facts that share one share its mark."""

    number: int
    start: int
    end: int
    paths: tuple[str, ...]


def evidence_paths(value: object, path: str = "") -> list[tuple[str, Evidence]]:
    """Each Evidence in `value` with the path of the fact it backs, e.g. 'parties[0]'."""
    if isinstance(value, Evidence):
        return [(path.removesuffix(".evidence"), value)]
    if isinstance(value, list):
        return [
            pair for i, item in enumerate(value) for pair in evidence_paths(item, f"{path}[{i}]")
        ]
    if isinstance(value, BaseModel):
        return [
            pair
            for name in type(value).model_fields
            for pair in evidence_paths(getattr(value, name), f"{path}.{name}" if path else name)
        ]
    return []


def _placed(evidence: Evidence, article: str | None) -> bool:
    """True when the quote stands at its offsets in this text."""
    return article is not None and article[evidence.start : evidence.end] == evidence.quote


def placed_spans(pairs: list[tuple[str, Evidence]], article: str | None) -> list[MarkedSpan]:
    """The distinct spans of the placed evidence, numbered in reading order."""
    paths: defaultdict[tuple[int, int], list[str]] = defaultdict(list)
    for path, evidence in pairs:
        if evidence.end > evidence.start and _placed(evidence, article):
            paths[evidence.start, evidence.end].append(path)
    ordered = sorted(paths, key=lambda bounds: (bounds[0], -bounds[1]))
    return [
        MarkedSpan(number, start, end, tuple(paths[start, end]))
        for number, (start, end) in enumerate(ordered, start=1)
    ]


def marked_article(article: str, spans: list[MarkedSpan], ids: ElementIds) -> str:
    """The article as HTML, each span wrapped in `<mark>`s that cover exactly its characters.

    Spans nest where they nest. Where two cross, the inner one is closed at the outer one's
    end and reopened after it as a continuation mark (no id, same `data-ev`), so the marks
    of a span, read in order, always give back its text.
    """
    starting: defaultdict[int, list[MarkedSpan]] = defaultdict(list)
    for span in spans:
        starting[span.start].append(span)
    bounds = sorted({0, len(article)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[str] = []
    open_spans: list[MarkedSpan] = []
    for here, after in zip(bounds, bounds[1:], strict=False):
        out.append(_close_at(here, open_spans, ids))
        for span in sorted(starting[here], key=lambda s: -s.end):
            open_spans.append(span)
            out.append(_mark_tag(span, ids, first=True))
        out.append(escape(article[here:after]))
    out.append("</mark>" * len(open_spans))
    return "".join(out)


def _close_at(here: int, open_spans: list[MarkedSpan], ids: ElementIds) -> str:
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


def _mark_tag(span: MarkedSpan, ids: ElementIds, *, first: bool) -> str:
    mark_id = ids.mark(span.number)
    fields = " ".join(ids.field(path) for path in span.paths)
    attrs = (
        f'class="ev{"" if first else " cont"}" data-ev="{mark_id}" '
        f'data-start="{span.start}" data-end="{span.end}" '
        f'data-field="{escape(" ".join(span.paths))}" data-targets="{fields}" '
        f'title="{escape(", ".join(span.paths))}"'
    )
    return f'<mark id="{mark_id}" {attrs}>' if first else f"<mark {attrs}>"
