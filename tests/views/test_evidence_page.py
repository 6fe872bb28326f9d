"""HTML reports: each span marks exactly its quote, fields and spans link both ways, nothing
from an article or a model runs or loads, and a batch page counts and filters its items.

The browser test opens the pages in headless Chromium (Debian's package, installed by the
test when missing) with a check script added to a copy of each page: it reads every mark,
clicks every field and every mark, and writes what it saw into the DOM as JSON, which
Chromium dumps and Python checks.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from helpers.browser import headless, with_script
from helpers.support import REFERENCE, ROOT, TEST_ARTICLES, article, replay_all
from pydantic import BaseModel

from summarizer import AgreementSummary, NoAgreementError, summarize
from summarizer._batch.item import ItemResult
from summarizer._exceptions import InvalidReplyError
from summarizer._meta import Dropped, Usage
from summarizer._model.cassettes import Cassette, ReplayTransport, recording_requested
from summarizer._model.clients import client_over
from summarizer._summary import Evidence, evidence_in
from summarizer._views.evidence_page import batch_page, summary_page

SEED = "interpol_tren_de_aragua"
# Nested and crossing spans, a span shared by two facts, parties derived by demonym.
EXAMPLES = [SEED, "andean_joint_declaration", "demonym_parties_migration_mou"]
SCREENSHOT = ROOT / "docs" / "report-screenshot.png"
# Read at import: the autouse fixture that clears SUMMARIZER_* runs before each test.
RECORDING = recording_requested()
HOSTILE = "<script>alert(1)</script> & \"double\" 'single' <img src=https://evil.example/x.png>"


def replayed(stem: str) -> AgreementSummary:
    """The article's summary, from its reference cassette, offline."""
    transport = ReplayTransport(Cassette.load(REFERENCE / f"{stem}.json"))
    client = client_over(transport, base_url="http://replay.invalid/v1", api_key="x")
    try:
        return summarize(article(stem), client=client)
    finally:
        client.close()


@pytest.fixture(scope="module")
def summaries() -> dict[str, AgreementSummary]:
    return {stem: replayed(stem) for stem in EXAMPLES}


def fact_paths(value: object, path: str = "") -> dict[str, Evidence]:
    """Each fact's path as the report names it ('parties[0]', 'threat_groups[0].origin')."""
    if isinstance(value, Evidence):
        return {path.removesuffix(".evidence"): value}
    found: dict[str, Evidence] = {}
    if isinstance(value, list):
        for i, item in enumerate(value):
            found |= fact_paths(item, f"{path}[{i}]")
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            found |= fact_paths(getattr(value, name), f"{path}.{name}" if path else name)
    return found


class PageParser(HTMLParser):
    """What a page shows: the text of each span's marks, the article text, tags and links."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: dict[str, dict[str, Any]] = {}
        self.mark_text: defaultdict[str, str] = defaultdict(str)
        self.fields: dict[str, dict[str, str | None]] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.article_text = ""
        self.script_text = ""
        self._open: list[str] = []
        self._in_article = self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "mark":
            self._open.append(attributes["data-ev"] or "")
            if "id" in attributes:
                self.marks[attributes["id"] or ""] = attributes
        elif tag == "div" and attributes.get("class") == "text":
            self._in_article = True
        elif tag == "a" and "field" in (attributes.get("class") or ""):
            self.fields[attributes["data-path"] or ""] = attributes
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._open.pop()
        elif tag == "div":
            self._in_article = False
        self._in_script = False

    def handle_data(self, data: str) -> None:
        for ev in self._open:
            self.mark_text[ev] += data
        if self._in_article:
            self.article_text += data
        if self._in_script:
            self.script_text += data


def parsed(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def spans_of(summary: AgreementSummary) -> dict[tuple[int, int], set[str]]:
    """Each distinct span of the summary, with the paths of the facts it backs."""
    spans: defaultdict[tuple[int, int], set[str]] = defaultdict(set)
    for path, evidence in fact_paths(summary).items():
        spans[evidence.start, evidence.end].add(path)
    return dict(spans)


# -- pure Python ----------------------------------------------------------------------


@pytest.mark.parametrize("stem", EXAMPLES)
def test_every_span_is_marked_at_exactly_its_characters(
    summaries: dict[str, AgreementSummary], stem: str
) -> None:
    summary, text = summaries[stem], article(stem)
    page = parsed(summary_page(summary, text))
    assert page.article_text == text, "marking must neither lose nor repeat any character"
    marked = {
        (int(m["data-start"] or 0), int(m["data-end"] or 0)): ev for ev, m in page.marks.items()
    }
    assert set(marked) == {(e.start, e.end) for e in evidence_in(summary)}
    for (start, end), ev in marked.items():
        assert page.mark_text[ev] == text[start:end]


@pytest.mark.parametrize("stem", EXAMPLES)
def test_each_field_links_to_its_span_and_each_span_to_its_fields(
    summaries: dict[str, AgreementSummary], stem: str
) -> None:
    summary = summaries[stem]
    page = parsed(summary_page(summary, article(stem)))
    for path, evidence in fact_paths(summary).items():
        mark = page.marks[(page.fields[path]["href"] or "").removeprefix("#")]
        assert (mark["data-start"], mark["data-end"]) == (str(evidence.start), str(evidence.end))
        assert path in (mark["data-field"] or "").split()
        assert page.fields[path]["id"] in (mark["data-targets"] or "").split()


def test_normalised_values_show_their_basis_and_rule(
    summaries: dict[str, AgreementSummary],
) -> None:
    page = summary_page(
        summaries["demonym_parties_migration_mou"], article("demonym_parties_migration_mou")
    )
    assert (
        'El Salvador</b> <span class="how">— derived: demonym from &#x27;Salvadoran&#x27;' in page
    )
    seed = summary_page(summaries[SEED], article(SEED))
    assert 'Canada</b> <span class="how">— dateline: gazetteer from &#x27;OTTAWA&#x27;' in seed


def test_meta_and_dropped_facts_are_shown(summaries: dict[str, AgreementSummary]) -> None:
    summary = summaries[SEED]
    dropped = Dropped(path="parties[1].country", value="Atlantis", reason="not a country")
    meta = summary.meta.model_copy(update={"dropped": [dropped]})
    page = summary_page(summary.model_copy(update={"meta": meta}), article(SEED))
    usage = summary.meta.usage
    for shown in (
        "parties[1].country",
        "Atlantis",
        "not a country",
        summary.meta.model,
        f"{summary.meta.prompt_name} v{summary.meta.prompt_version}",
        f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion",
        f"= {usage.total_tokens}",
        "http requests",
        "latency",
    ):
        assert shown in page


def shifted(data: Any, by: int) -> Any:
    """A summary's JSON with every evidence offset moved by `by` characters."""
    if isinstance(data, list):
        return [shifted(item, by) for item in data]
    if not isinstance(data, dict):
        return data
    moved = {key: shifted(value, by) for key, value in data.items()}
    if {"quote", "start", "end"} <= data.keys():
        moved |= {"start": data["start"] + by, "end": data["end"] + by}
    return moved


def hostile(summary: AgreementSummary, text: str) -> tuple[AgreementSummary, str]:
    """The summary of an article with markup in it, quoted, and in a party's name."""
    prefix = HOSTILE + "\n\n"
    data = shifted(summary.model_dump(mode="json"), len(prefix))
    data["agreement"]["evidence"] = {"quote": HOSTILE, "start": 0, "end": len(HOSTILE)}
    data["parties"][0]["name"] = HOSTILE
    data["headline"] = HOSTILE
    data["meta"]["dropped"] = [{"path": HOSTILE, "value": HOSTILE, "reason": HOSTILE}]
    return AgreementSummary.model_validate(data), prefix + text


def test_markup_from_the_article_or_the_model_is_shown_as_text(
    summaries: dict[str, AgreementSummary],
) -> None:
    summary, text = hostile(summaries[SEED], article(SEED))
    page = summary_page(summary, text, title=HOSTILE)
    assert "<script>alert" not in page
    assert "<img" not in page
    assert page.count("<script") == 1, "only the page's own script"
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;double&quot; &#x27;single&#x27;" in page
    )
    shown = parsed(page)
    first = next(m for m in shown.marks.values() if m["data-start"] == "0")
    assert shown.mark_text[first["data-ev"] or ""] == HOSTILE
    assert shown.article_text == text


def test_the_page_loads_nothing_from_the_network(summaries: dict[str, AgreementSummary]) -> None:
    summary, text = hostile(summaries[SEED], article(SEED))
    page = summary_page(summary, text)
    shown = parsed(page)
    csp = [
        a["content"] for tag, a in shown.tags if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp and "default-src 'none'" in (csp[0] or "")
    assert page.index("Content-Security-Policy") < page.index("<style>")
    for tag, attributes in shown.tags:
        assert tag not in {"link", "img", "iframe", "object", "embed", "base", "form"}
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            assert not re.match(r"\s*(https?:)?//", attributes.get(name) or ""), (tag, attributes)
    assert not re.search(r"url\(|@import|fetch\(|XMLHttpRequest|import\(", page.split("<body>")[0])
    assert not re.search(r"https?:|fetch\(|XMLHttpRequest|import\(", shown.script_text)


def test_an_article_that_is_not_the_summarized_one_is_flagged(
    summaries: dict[str, AgreementSummary],
) -> None:
    page = summary_page(summaries[SEED], "Something else entirely.")
    assert "not the one that was summarized" in page
    assert "not at their offsets" in page
    assert "<mark" not in page
    assert "Memorandum of Cooperation aimed at Tren de Aragua" in page, "quotes shown by fields"


def batch_records(summaries: dict[str, AgreementSummary]) -> list[dict[str, Any]]:
    """Results as a batch writes them: three summarized, one no agreement, one failed."""
    results = [
        ItemResult(stem, "summarized", summary=summary, usage=summary.meta.usage)
        for stem, summary in summaries.items()
    ]
    with pytest.raises(NoAgreementError) as no_agreement:
        replayed("talks_without_agreement")
    results.append(
        ItemResult(
            "talks_without_agreement",
            "no_agreement",
            error=no_agreement.value,
            usage=no_agreement.value.meta.usage,
        )
    )
    problem = "parties[0].evidence: quote <b>not</b> in the article"
    failure = InvalidReplyError(
        "replies failed the schema", last_reply="{}", usage=Usage(), attempts=3, problems=[problem]
    )
    results.append(ItemResult("bad<id>", "failed", error=failure))
    return [json.loads(result.to_json_line()) for result in results]


def test_batch_page_rows_counts_filters_and_sections(
    summaries: dict[str, AgreementSummary],
) -> None:
    records = batch_records(summaries)
    page = batch_page(records, {stem: article(stem) for stem in EXAMPLES})
    shown = parsed(page)
    rows = [a for tag, a in shown.tags if tag == "tr" and a.get("class") == "item"]
    assert [r["data-status"] for r in rows] == ["summarized"] * 3 + ["no_agreement", "failed"]
    boxes = {a["data-filter"] for tag, a in shown.tags if tag == "input"}
    assert boxes == {"summarized", "no_agreement", "failed"}
    assert re.search(r"summarized \(<span class='count'>3</span>\)", page)
    assert re.search(r"no agreement \(<span class='count'>1</span>\)", page)
    assert re.search(r"failed \(<span class='count'>1</span>\)", page)
    assert summaries[SEED].headline in page
    assert "InvalidReplyError</b>: replies failed the schema" in page
    assert "quote &lt;b&gt;not&lt;/b&gt; in the article" in page, "problems listed, escaped"
    assert "bad&lt;id&gt;" in page and "<id>" not in page
    assert "NoAgreementError" in page and "Reason: " in page
    sections = [
        a["id"] for tag, a in shown.tags if tag == "section" and "item" in (a.get("class") or "")
    ]
    assert sections == [f"item-{n}" for n in range(1, 6)]
    assert len(set(shown.marks)) == sum(len(spans_of(s)) for s in summaries.values()), "ids unique"


def test_batch_page_takes_articles_from_a_function_and_copes_without_one(
    summaries: dict[str, AgreementSummary],
) -> None:
    records = batch_records(summaries)
    page = batch_page(records, lambda item_id: article(SEED) if item_id == SEED else None)
    assert len(parsed(page).marks) == len(spans_of(summaries[SEED]))
    assert "The article text is not available" in page


def test_batch_page_shows_every_agreement_of_a_round_up_and_reads_older_lines() -> None:
    text = (TEST_ARTICLES / "roundups" / "summit_three_agreements.txt").read_text("utf-8")
    every = replay_all("summit_three_agreements", text)
    result = ItemResult.summarized("round-up", every, every[0].meta.usage)
    older = {**json.loads(result.to_json_line()), "id": "older"}
    del older["other_summaries"]  # a line written before other agreements were kept
    page = batch_page([json.loads(result.to_json_line()), older], {"round-up": text})
    assert "and 2 more agreements" in page
    assert page.count("principal agreement") == 1
    assert "agreement 2" in page and "agreement 3" in page
    assert all(html.escape(s.headline) in page for s in every)
    marks = parsed(page).marks
    assert len(marks) == len(set(marks)), "each agreement's marks keep ids of their own"


# -- in a real browser ----------------------------------------------------------------

# Added to a copy of a page: reads each span's marks, clicks every field and every mark in
# each scope, unticks and reticks each filter, and writes what it saw as JSON into the DOM.
CHECKS = """
(() => {
  const expected = JSON.parse(document.getElementById('expected').textContent);
  const out = {spans: [], fields: [], marks: [], filters: []};
  const bounds = (m) => m && m.tagName === 'MARK' ? [+m.dataset.start, +m.dataset.end] : null;
  const target = () => document.getElementById(decodeURIComponent(location.hash.slice(1)));
  for (const {scope, spans} of expected) {
    const root = scope ? document.getElementById(scope) : document;
    for (const [start, end] of spans) {
      const first = root.querySelector(`mark[id][data-start="${start}"][data-end="${end}"]`);
      const pieces = first ? [...root.querySelectorAll(`mark[data-ev="${first.id}"]`)] : [];
      const text = pieces.map((p) => p.textContent).join('');
      out.spans.push({scope, start, end, found: !!first, text});
    }
    for (const field of root.querySelectorAll('a.field')) {
      field.click();
      const lit = [...root.querySelectorAll('mark.current')].map(bounds).map(String);
      out.fields.push({scope, path: field.dataset.path, target: bounds(target()),
        targetLit: !!target() && target().classList.contains('current'),
        fieldLit: field.classList.contains('current'), lit: [...new Set(lit)]});
    }
    for (const mark of root.querySelectorAll('mark')) {
      mark.click();
      out.marks.push({scope, bounds: bounds(mark), target: target() && target().dataset.path,
        targetLit: !!target() && target().classList.contains('current'),
        markLit: mark.classList.contains('current'),
        lit: [...root.querySelectorAll('.field.current')].map((f) => f.dataset.path)});
    }
  }
  const shown = () => [...document.querySelectorAll('tr.item')]
    .filter((row) => row.offsetParent !== null).map((row) => row.dataset.status);
  for (const box of document.querySelectorAll('input[data-filter]')) {
    box.click();
    const hidden = shown();
    box.click();
    out.filters.push({status: box.dataset.filter, hidden, after: shown()});
  }
  const pre = document.createElement('pre');
  pre.id = 'results';
  pre.textContent = JSON.stringify(out);
  document.body.append(pre);
})();
"""


def browser_checks(chromium: str, tmp_path: Path, page: str, expected: list[Any]) -> Any:
    """What the check script saw in Chromium, read back from the dumped DOM."""
    copy = tmp_path / "checked.html"
    copy.write_text(with_script(page, CHECKS, expected), encoding="utf-8")
    dom = headless(chromium, tmp_path, copy, "--dump-dom")
    found = re.search(r'<pre id="results">(.*?)</pre>', dom, re.DOTALL)
    assert found, "the check script did not finish:\n" + dom[-2000:]
    return json.loads(html.unescape(found.group(1)))


def assert_linked_both_ways(
    seen: Any, scoped: dict[str, AgreementSummary], texts: dict[str, str]
) -> None:
    """Marks hold their exact slices; a field click lights its span, a mark click its fields."""
    spans = {scope: spans_of(summary) for scope, summary in scoped.items()}
    assert len(seen["spans"]) == sum(len(s) for s in spans.values())
    for span in seen["spans"]:
        assert span["found"], span
        assert span["text"] == texts[span["scope"]][span["start"] : span["end"]], span
    paths = {scope: fact_paths(summary) for scope, summary in scoped.items()}
    assert len(seen["fields"]) == sum(len(p) for p in paths.values())
    for field in seen["fields"]:
        evidence = paths[field["scope"]][field["path"]]
        assert field["target"] == [evidence.start, evidence.end], field
        assert field["targetLit"] and field["fieldLit"], field
        assert field["lit"] == [f"{evidence.start},{evidence.end}"], field
    for mark in seen["marks"]:
        backed = spans[mark["scope"]][tuple(mark["bounds"])]
        assert mark["target"] in backed and mark["targetLit"] and mark["markLit"], mark
        assert set(mark["lit"]) == backed, mark


def test_in_chromium_marks_hold_their_slices_and_clicks_link_both_ways(
    chromium: str, tmp_path: Path, summaries: dict[str, AgreementSummary]
) -> None:
    summary, text = summaries[SEED], article(SEED)
    page = summary_page(summary, text, title=f"{SEED}.txt")
    expected = [{"scope": "", "spans": sorted(spans_of(summary))}]
    seen = browser_checks(chromium, tmp_path, page, expected)
    assert_linked_both_ways(seen, {"": summary}, {"": text})

    # The venue's field clicked, without the jump a click makes, to show a pair lit up.
    click = "const f = document.getElementById('field-venue');"
    click += "f.addEventListener('click', (e) => e.preventDefault()); f.click();"
    shot = with_script(page, click)
    (tmp_path / "shot.html").write_text(shot, encoding="utf-8")
    png = tmp_path / "shot.png"
    args = ("--hide-scrollbars", "--window-size=1400,1000", f"--screenshot={png}")
    headless(chromium, tmp_path, tmp_path / "shot.html", *args)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 50_000, "a blank page compresses to a few kilobytes"
    # The README's copy changes only on purpose: fonts differ from machine to machine.
    if RECORDING or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(png, SCREENSHOT)


def test_in_chromium_a_batch_page_links_each_item_and_filters_by_outcome(
    chromium: str, tmp_path: Path, summaries: dict[str, AgreementSummary]
) -> None:
    page = batch_page(batch_records(summaries), {stem: article(stem) for stem in EXAMPLES})
    scopes = {f"item-{n}": stem for n, stem in enumerate(EXAMPLES, start=1)}
    expected = [
        {"scope": s, "spans": sorted(spans_of(summaries[stem]))} for s, stem in scopes.items()
    ]
    seen = browser_checks(chromium, tmp_path, page, expected)
    scoped = {scope: summaries[stem] for scope, stem in scopes.items()}
    assert_linked_both_ways(seen, scoped, {scope: article(stem) for scope, stem in scopes.items()})
    everything = ["summarized"] * 3 + ["no_agreement", "failed"]
    for outcome in seen["filters"]:
        assert outcome["hidden"] == [s for s in everything if s != outcome["status"]], outcome
        assert outcome["after"] == everything, outcome
