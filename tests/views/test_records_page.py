"""The merged records' page: each record's stories side by side, each value with the words
each story gives it in, disagreements marked, every article linked to its records."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from helpers.merge_set import pairs

from summarizer import merge
from summarizer._views.records_page import records_page


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(found["id"] or "")
        if tag == "a" and (found.get("href") or "").startswith("#"):
            self.links.append((found["href"] or "")[1:])


def test_each_record_shows_its_stories_side_by_side_and_where_they_disagree() -> None:
    records = merge(pairs())
    page = records_page(records)
    shown = Ids()
    shown.feed(page)
    assert set(shown.links) <= set(shown.ids), "every link lands on a record or the top"
    assert {r.id for r in records} <= set(shown.ids)
    policia = next(
        r for r in records if any(s.article_id == "merge_a_policia_pt" for s in r.sources)
    )
    section = page[page.index(f"id='{policia.id}'") :].split("</section>")[0]
    assert "The stories disagree on: signed_on" in section
    assert section.count("<th>merge_a_policia_") == 3
    assert re.search(r"2025-11-19</td>(<td></td>){2}<td class='disputed'>", section)
    assert "script-src" in page


HOSTILE = "<img src=x onerror=alert(1)>"


def test_what_a_story_says_is_shown_as_text() -> None:
    (story, summary), *_ = pairs()
    party = summary.parties[0]
    hostile = summary.model_copy(update={
        "headline": HOSTILE,
        "parties": [party.model_copy(update={
            "name": HOSTILE, "evidence": party.evidence.model_copy(update={"quote": HOSTILE}),
        })],
    })  # fmt: skip
    page = records_page(merge([(f"{story}{HOSTILE}", hostile)]))
    assert HOSTILE not in page and page.count("&lt;img src=x onerror=alert(1)&gt;") >= 4
