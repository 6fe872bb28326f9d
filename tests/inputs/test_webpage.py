"""Saved web pages and URLs: the story is extracted, and nothing outside it is quoted."""

from __future__ import annotations

import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers.support import ROOT

from summarizer import EmptyInputError, Settings, summarize
from summarizer._cli import main
from summarizer._inputs.article import article_from
from summarizer._inputs.webpage import extract_page, looks_like_html
from summarizer._model.cassettes import Cassette, ReplayTransport
from summarizer._model.clients import client_over
from summarizer._summary import evidence_in

PAGES = ROOT / "tests" / "fixtures" / "articles" / "pages"
# Words that stand only in each page's menus, banners, sidebars, bylines and footers.
AROUND_THE_STORY = {
    "antwerp_port_mou": ["cookies", "Home", "Related stories", "Germany and France", "Europol",
                         "Harbour Media Group", "newsroom@", "Subscribe"],
    "nairobi_wildlife_letter": ["cookies", "Front page", "Sign in", "Amina Otieno", "Most read",
                                "Uganda", "morning briefing", "Reproduction", "Privacy"],
}  # fmt: skip


def summarize_page(stem: str):
    html = (PAGES / f"{stem}.html").read_text(encoding="utf-8")
    transport = ReplayTransport(Cassette.load(PAGES / "cassettes" / f"{stem}.json"))
    with client_over(transport, base_url="http://replay.invalid/v1", api_key="x") as client:
        return summarize(html, client=client)


@pytest.mark.parametrize("stem", sorted(AROUND_THE_STORY))
def test_the_story_is_extracted_and_nothing_around_it_is_quoted(stem) -> None:
    summary = summarize_page(stem)
    page = summary.meta.page
    assert page is not None and page.title and page.published
    for words in AROUND_THE_STORY[stem]:
        assert words not in page.text, words
    # The story starts with its dateline, so the dateline is read as for any wire story.
    assert summary.dateline is not None and page.text.startswith(summary.dateline.place)
    spans = list(evidence_in(summary.model_copy(update={"meta": None})))
    assert len(spans) >= 6
    for span in spans:
        assert page.text[span.start : span.end] == span.quote
    assert len(summary.parties) == 2 and not summary.meta.dropped


def test_a_relative_date_resolves_against_the_dateline_of_the_page() -> None:
    summary = summarize_page("nairobi_wildlife_letter")
    assert str(summary.agreement.signed_on) == "2025-05-19"  # "on Monday", filed Tuesday 20 May


def test_what_counts_as_a_page() -> None:
    assert looks_like_html("<!DOCTYPE html><html><body><p>x</p></body></html>")
    assert looks_like_html("\ufeff\n  <html lang='en'><body>x</body></html>")
    assert not looks_like_html("LYON (Agency) - Two police forces signed <a> memorandum")
    assert not looks_like_html("The <html> tag opens a page, the article said.")
    assert looks_like_html("<div class='story'><p>LYON (Agency) - Two forces signed</p></div>")
    html = (PAGES / "antwerp_port_mou.html").read_text()
    assert article_from(html, max_chars=60_000, input_format="text")[1] is None
    text, page = article_from(html.encode(), max_chars=60_000)
    assert page is not None and text == page.text


def test_a_page_without_a_story_is_an_empty_input() -> None:
    with pytest.raises(EmptyInputError, match="no story text"):
        extract_page("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(EmptyInputError):
        summarize("<!doctype html><html><body></body></html>", settings=Settings())


@pytest.fixture
def page_server():
    handler = partial(SimpleHTTPRequestHandler, directory=str(PAGES))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_cli_fetches_a_url_and_keeps_it_with_the_page(page_server, tmp_path, capsys) -> None:
    import json

    cassette = str(PAGES / "cassettes" / "antwerp_port_mou.json")
    url = f"{page_server}/antwerp_port_mou.html"
    report = tmp_path / "page.html"
    assert main([url, "--replay", cassette, "--json", "--html", str(report)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["meta"]["page"]["url"] == url
    assert summary["parties"][1]["name"] == "Spanish National Police"
    assert "Anne Verbeke" in report.read_text()  # the report marks the extracted story
    assert main([f"{page_server}/missing.html", "--replay", cassette]) == 2
    assert "answered HTTP 404" in capsys.readouterr().err
    assert main([f"{page_server}/cassettes/antwerp_port_mou.json", "--replay", cassette]) == 2
    assert "not a web page" in capsys.readouterr().err


CANARY = "canary-pw-7f3a"


class Tricky(SimpleHTTPRequestHandler):
    """The fixture pages, a redirect loop at /loop and a page too big at /big."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, directory=str(PAGES), **kwargs)

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", self.path)
            self.end_headers()
        elif self.path.startswith("/slow"):  # a byte now and then, for ever
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
        elif self.path.startswith("/big"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>" + b"x" * (6 * 2**20))
        else:
            super().do_GET()


@pytest.fixture
def tricky_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Tricky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_credentials_in_a_url_are_never_printed_or_stored(tricky_server, tmp_path, capsys) -> None:
    import json
    import socket

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed = unused.getsockname()[1]
    base = f"http://reader:{CANARY}@127.0.0.1:{tricky_server}"
    cassette = str(PAGES / "cassettes" / "antwerp_port_mou.json")
    failing = [
        f"{base}/missing.html", f"{base}/cassettes/antwerp_port_mou.json", f"{base}/big",
        f"{base}/loop", f"http://reader:{CANARY}@127.0.0.1:{closed}/x.html",
        f"http://127.0.0.1:{tricky_server}/missing.html?token={CANARY}&page=2",
    ]  # fmt: skip
    for url in failing:
        assert main([url, "--replay", cassette]) == 2
        said = capsys.readouterr().err
        assert CANARY not in said and "127.0.0.1" in said, said
    report = tmp_path / "page.html"
    url = f"{base}/antwerp_port_mou.html?session={CANARY}"
    assert main([url, "--replay", cassette, "--json", "--html", str(report)]) == 0
    out = capsys.readouterr().out
    assert CANARY not in out and CANARY not in report.read_text()
    stored = json.loads(out)["meta"]["page"]["url"]
    assert stored == f"http://127.0.0.1:{tricky_server}/antwerp_port_mou.html?session=REDACTED"


def test_a_page_that_trickles_in_is_cut_off_at_the_deadline(tricky_server) -> None:
    from summarizer import UnreadableInputError
    from summarizer._inputs.webpage import fetch_page

    # Left to finish, the server's 100 bytes over 20 s would be a page like any other.
    with pytest.raises(UnreadableInputError, match="took more than 1 s to fetch"):
        fetch_page(f"http://127.0.0.1:{tricky_server}/slow", seconds=1.0)
