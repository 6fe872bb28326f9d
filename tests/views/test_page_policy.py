"""Every page the package writes (a summary's, a batch's, the merged records') runs only its
own script and applies only its own stylesheet, each admitted by its hash: markup that got
into a page unescaped neither runs nor styles it, though escaping is what keeps it out.

The browser tests write a page, insert raw markup into it as a missed escape would, and open
it in headless Chromium. The same page under the policy the pages had before (inline script
and style allowed) is the control: there, each payload does run.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable
from functools import cache
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import pytest
from helpers.browser import hash_source, headless
from helpers.merge_set import pairs
from helpers.support import TEST_ARTICLES, replay_all

from summarizer import AgreementSummary, merge
from summarizer._batch.item import ItemResult
from summarizer._views.evidence_page import CSP, batch_page, summary_page
from summarizer._views.records_page import records_page

CSP_NAME = "Content-Security-Policy"
# What the pages carried until the policy named their script and stylesheet by hash.
OLD_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
# Each runs by itself as the page loads, if inline script may run: each adds its name to
# the title, which Chromium's dump of the DOM shows.
RUNS_ON_LOAD = {
    "script": "<script>document.title += ' ran:script'</script>",
    "onerror": "<img src='data:,' onerror=\"document.title += ' ran:onerror'\">",
    "onload": "<svg onload=\"document.title += ' ran:onload'\"></svg>",
    "ontoggle": "<details open ontoggle=\"document.title += ' ran:ontoggle'\"><p>x</p></details>",
}
# Styles that would outline the body and the div if inline style applied, a handler that runs
# when clicked and a link that runs when followed.
RUNS_ON_USE = (
    "<style>body{outline:7px solid rgb(1, 2, 3)}</style>"
    "<div id='styled' style='outline:7px solid rgb(4, 5, 6)'>styled</div>"
    "<div id='bait' onclick=\"document.title += ' ran:onclick'\">bait</div>"
    "<a id='lure' href=\"javascript:void(document.title += ' ran:javascript-url')\">lure</a>"
)
# Added to a copy of the page from a data: URL, which the copy's policy admits (admitting it
# by hash would switch off the old policy's 'unsafe-inline' in the control): reads what
# applied, clicks the bait and the lure, and writes what it saw into the DOM as JSON.
CHECKS = """
(() => {
  const outline = (el) => getComputedStyle(el).outlineColor;
  document.getElementById('bait').click();
  document.getElementById('lure').click();
  setTimeout(() => {
    const pre = document.createElement('pre');
    pre.id = 'results';
    pre.textContent = JSON.stringify({
      title: document.title, background: getComputedStyle(document.body).backgroundColor,
      body: outline(document.body), styled: outline(document.getElementById('styled')),
    });
    document.body.append(pre);
  }, 200);
})();
"""
# The page's own stylesheet sets this background on the body.
OWN_BACKGROUND = "rgb(246, 247, 249)"


def page_kinds() -> dict[str, Callable[[], tuple[str, list[str]]]]:
    """Each kind of page, built from replayed summaries: the page, and the ids its script
    marks current when the page is opened at the first one (a field and its span, or a record)."""

    def round_up() -> tuple[str, list[AgreementSummary]]:
        text = (TEST_ARTICLES / "roundups" / "summit_three_agreements.txt").read_text("utf-8")
        return text, replay_all("summit_three_agreements", text)

    def summary() -> tuple[str, list[str]]:
        text, every = round_up()
        page = summary_page(every[0], text)
        return page, first_field_and_span(page)

    def batch() -> tuple[str, list[str]]:
        text, every = round_up()
        result = ItemResult.summarized("round-up", every, every[0].meta.usage)
        page = batch_page([json.loads(result.to_json_line())], {"round-up": text})
        return page, first_field_and_span(page)

    def records() -> tuple[str, list[str]]:
        merged = merge(pairs())
        return records_page(merged), [merged[0].id]

    return {"summary": summary, "batch": batch, "records": records}


KINDS = sorted(page_kinds())
# The page's own script and stylesheet as the package ships them.
SHIPPED = files("summarizer._views")
OWN_SCRIPT = SHIPPED.joinpath("evidence_page.js").read_text(encoding="utf-8")
OWN_STYLE = SHIPPED.joinpath("evidence_page.css").read_text(encoding="utf-8")


@cache
def built(kind: str) -> tuple[str, list[str]]:
    """A page of `kind`, built once per test process, and only in a process that needs it."""
    return page_kinds()[kind]()


def first_field_and_span(page: str) -> list[str]:
    found = re.search(r'<a class="field[^"]*" href="#([^"]+)"[^>]* id="([^"]+)"', page)
    assert found, "the page has a field linked to a span"
    return [found.group(2), found.group(1)]


class Tags(HTMLParser):
    """Every start tag's attributes, and the text inside each <script> and <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.inline:
            self._in = tag
            self.inline[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.inline[self._in][-1] += data


def tags_of(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    parser.close()
    return parser


def policy(page: str) -> dict[str, list[str]]:
    """The page's Content-Security-Policy, directive by directive."""
    (content,) = [
        a["content"] or "" for _, a in tags_of(page).tags if a.get("http-equiv") == CSP_NAME
    ]
    return {name: sources for name, *sources in (d.split() for d in content.split(";"))}


def raw(page: str, markup: str) -> str:
    """`page` with `markup` put in unescaped at the top of its body, as a missed escape would."""
    return page.replace("<body>", "<body>" + markup, 1)


def under_old_policy(page: str) -> str:
    """`page` as it would have been written before: its policy put back to the old one."""
    assert page.count(CSP) == 1
    return page.replace(CSP, OLD_POLICY)


# -- pure Python ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_policy_admits_the_pages_own_script_and_style_by_hash_only(kind: str) -> None:
    page, _ = built(kind)
    directives = policy(page)
    inline = tags_of(page).inline
    assert inline == {"script": [OWN_SCRIPT], "style": [OWN_STYLE]}, "one of each, the own"
    assert directives["script-src"] == [hash_source(OWN_SCRIPT)]
    assert directives["style-src"] == [hash_source(OWN_STYLE)]
    assert directives["default-src"] == ["'none'"]
    assert directives["base-uri"] == directives["form-action"] == ["'none'"]
    assert not {"script-src-attr", "script-src-elem", "style-src-attr", "style-src-elem"} & set(
        directives
    ), "nothing widens the policy for elements or attributes"


@pytest.mark.parametrize("kind", KINDS)
def test_no_page_has_an_inline_handler_a_style_attribute_or_a_javascript_link(kind: str) -> None:
    page, _ = built(kind)
    for tag, attributes in tags_of(page).tags:
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)
        assert "style" not in attributes, (tag, attributes)
        for value in attributes.values():
            assert not re.match(r"\s*javascript:", value or "", re.I), (tag, attributes)


# -- in a real browser ----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_in_chromium_raw_script_does_not_run_but_the_pages_own_does(
    chromium: str, tmp_path: Path, kind: str
) -> None:
    page, lit = built(kind)
    hostile = raw(page, "".join(RUNS_ON_LOAD.values()))

    control = headless_title_and_classes(chromium, tmp_path, under_old_policy(hostile), lit)
    assert all(f"ran:{name}" in control[0] for name in RUNS_ON_LOAD), control[0]

    shown_title, classes = headless_title_and_classes(chromium, tmp_path, hostile, lit)
    assert "ran:" not in shown_title, "a payload ran under the page's policy"
    for element in lit:
        assert "current" in classes[element].split(), (element, "the page's script did not run")


def headless_title_and_classes(
    chromium: str, tmp_path: Path, page: str, lit: list[str]
) -> tuple[str, dict[str, str]]:
    """The title and the class of each `lit` element once Chromium has opened `page` at
    `#lit[0]` and run what it may."""
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    dom = headless(chromium, tmp_path, path, "--dump-dom", fragment=lit[0])
    found = re.search(r"<title>(.*?)</title>", dom, re.DOTALL)
    assert found, dom[:2000]
    classes = {a["id"] or "": a.get("class") or "" for _, a in tags_of(dom).tags if a.get("id")}
    return html.unescape(found.group(1)), {element: classes[element] for element in lit}


@pytest.mark.parametrize("kind", KINDS)
def test_in_chromium_raw_style_handlers_and_links_do_nothing_but_the_own_style_applies(
    chromium: str, tmp_path: Path, kind: str
) -> None:
    page, _ = built(kind)
    hostile = raw(page, RUNS_ON_USE)

    control = checked(chromium, tmp_path, under_old_policy(hostile))
    assert control["body"] == "rgb(1, 2, 3)" and control["styled"] == "rgb(4, 5, 6)", control
    assert "ran:onclick" in control["title"] and "ran:javascript-url" in control["title"]

    seen = checked(chromium, tmp_path, hostile)
    assert seen["background"] == OWN_BACKGROUND, "the page's own stylesheet applies"
    assert seen["body"] != "rgb(1, 2, 3)", "a raw <style> applied"
    assert seen["styled"] != "rgb(4, 5, 6)", "a raw style attribute applied"
    assert "ran:" not in seen["title"], "a raw handler or javascript: link ran"


def with_checks(page: str) -> str:
    """A copy of `page` that runs CHECKS from a data: URL, its policy admitting data: scripts."""
    source = "data:text/javascript;base64," + base64.b64encode(CHECKS.encode()).decode()
    admitted = page.replace("script-src ", "script-src data: ", 1)
    head, body_end, tail = admitted.rpartition("</body>")
    return f"{head}<script src='{source}'></script>{body_end}{tail}"


def checked(chromium: str, tmp_path: Path, page: str) -> dict[str, str]:
    """What the check script saw in Chromium, read back from the dumped DOM."""
    path = tmp_path / "checked.html"
    path.write_text(with_checks(page), encoding="utf-8")
    dom = headless(chromium, tmp_path, path, "--dump-dom")
    found = re.search(r'<pre id="results">(.*?)</pre>', dom, re.DOTALL)
    assert found, "the check script did not finish:\n" + dom[-2000:]
    result: dict[str, str] = json.loads(html.unescape(found.group(1)))
    return result
