"""Saved web pages and URLs: the story's text, without menus, banners, links and footers.

Extraction is trafilatura's (precision first: a menu item quoted as a fact is worse than a
sentence left out). The page's title line is taken off the top, so that the story starts
with its dateline as a wire story does, and kept, with the page's date, in `meta.page`.
"""

from __future__ import annotations

import re
import time
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .._config import DEFAULT_FETCH_SECONDS
from .._exceptions import EmptyInputError, UnreadableInputError
from .._meta import Page

__all__ = [
    "MAX_PAGE_BYTES",
    "extract_page",
    "fetch_page",
    "looks_like_html",
    "shown_url",
]

MAX_PAGE_BYTES = 5 * 1024 * 1024
# Fewer words than this is a menu or a caption that extraction fell back on, not a story.
MIN_STORY_WORDS = 12
_HTML_START = re.compile(
    r"\A(?:\ufeff)?\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I
)
_CLOSING_BLOCK = re.compile(r"</(?:p|div|article|section|main|body|html)>", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """True for a document that opens as an HTML page does, or for raw HTML: markup from
    its first character, with closing block tags ("<p>...</p>")."""
    head = text[:5000]
    if _HTML_START.match(head):
        return True
    return head.lstrip("\ufeff \t\r\n").startswith("<") and bool(_CLOSING_BLOCK.search(head))


def extract_page(html: str) -> Page:
    """The story of a page, its title and date.

    Raises:
        EmptyInputError: the page holds no text that reads as a story.
    """
    import trafilatura  # only for pages

    text = trafilatura.extract(
        html, favor_precision=True, include_comments=False, include_tables=False
    )
    if not text or len(text.split()) < MIN_STORY_WORDS:
        raise EmptyInputError(
            "the page holds no story text that could be extracted"
            + (f" (only {text.strip()!r})" if text and text.strip() else "")
        )
    metadata = trafilatura.extract_metadata(html)
    title = metadata.title if metadata else None
    first, _, rest = text.partition("\n")
    if title and rest and first.strip() == title.strip():
        text = rest
    return Page(text=text, title=title, published=_date(metadata.date if metadata else None))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def fetch_page(url: str, *, seconds: float = DEFAULT_FETCH_SECONDS) -> str:
    """The HTML at `url`, at most `MAX_PAGE_BYTES`, fetched within `seconds` from start to
    end (a server that trickles a byte at a time is cut off at the deadline, at most one
    wait for a byte past it). Messages name the page by `shown_url`: no password or secret
    from the address is ever printed.

    Raises:
        UnreadableInputError: the page could not be fetched in time, is too large, or is
            not HTML.
    """
    import httpx2

    shown = shown_url(url)
    deadline = time.monotonic() + seconds
    try:
        # Each wait (to connect, for the next bytes) is bounded by the whole deadline too.
        with httpx2.stream("GET", url, timeout=seconds, follow_redirects=True) as response:
            if response.status_code != 200:
                raise UnreadableInputError(f"{shown} answered HTTP {response.status_code}")
            kind = response.headers.get("content-type", "")
            if "html" not in kind and "text/plain" not in kind:
                raise UnreadableInputError(f"{shown} is {kind or 'untyped'}, not a web page")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_PAGE_BYTES:
                    raise UnreadableInputError(f"{shown} is larger than {MAX_PAGE_BYTES:,} bytes")
                if time.monotonic() > deadline:
                    raise UnreadableInputError(
                        f"{shown} took more than {seconds:g} s to fetch (--fetch-seconds)"
                    )
            return bytes(body).decode(response.encoding or "utf-8", errors="replace")
    except httpx2.HTTPError as exc:
        detail = _without_secrets(str(exc), url)
        # Not chained: the error it would carry names the address whole.
        raise UnreadableInputError(f"could not fetch {shown}: {detail}") from None


# Query parameters whose names say their values are secrets (`?token=`, `&api_key=`, ...).
_SECRET_NAME = re.compile(
    r"token|key|secret|passw|pwd|sig|auth|session|credential|code|ticket", re.IGNORECASE
)
_HIDDEN = "REDACTED"


def shown_url(url: str) -> str:
    """`url` fit to print and to store: without the user and password it may carry, and
    with the values of query parameters named like secrets replaced."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not a URL one can take apart: show nothing of it but its scheme
        return url.split(":", 1)[0] + ":…"
    netloc = f"[{host}]{port}" if ":" in host else f"{host}{port}"
    query = urlencode(
        [(k, _HIDDEN if _SECRET_NAME.search(k) else v)
         for k, v in parse_qsl(parts.query, keep_blank_values=True)],
        safe=":/",
    )  # fmt: skip
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _without_secrets(text: str, url: str) -> str:
    """`text` (an error's message) with what `shown_url` hides of `url` hidden there too."""
    parts = urlsplit(url)
    secrets = [parts.password, parts.username, url]
    secrets += [v for k, v in parse_qsl(parts.query) if _SECRET_NAME.search(k)]
    for secret in sorted((s for s in secrets if s and len(s) >= 3), key=len, reverse=True):
        text = text.replace(secret, _HIDDEN if secret != url else shown_url(url))
    return text
