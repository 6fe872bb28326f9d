"""Checks on the article before anything is sent: clear errors, no request wasted.

A saved web page is welcome too: its story is extracted first (`webpage`), and
the summary's offsets then point into that extracted text, which `meta.page` keeps.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from .._exceptions import EmptyInputError, InputTooLongError, NotTextError

if TYPE_CHECKING:
    from .._meta import Page

__all__ = ["InputFormat", "article_from", "check_article"]

InputFormat = Literal["auto", "text", "html"]

# Share of control characters (other than newline, tab, carriage return, form feed)
# above which "text" is taken to be a binary file decoded by mistake.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def article_from(
    text: object, *, max_chars: int, input_format: InputFormat = "auto"
) -> tuple[str, Page | None]:
    """The text to summarize, and the page it was extracted from when the input was HTML
    ("auto": when it looks like a page)."""
    from .webpage import extract_page, looks_like_html

    decoded = _decoded(text)
    if input_format == "html" or (input_format == "auto" and looks_like_html(decoded)):
        page = extract_page(decoded)
        return check_article(page.text, max_chars=max_chars), page
    return check_article(decoded, max_chars=max_chars), None


def _decoded(text: object) -> str:
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            return bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotTextError(
                f"the article is bytes that are not UTF-8 text (bad byte at offset {exc.start}); "
                "decode it yourself if it uses another encoding"
            ) from exc
    if not isinstance(text, str):
        raise TypeError(f"article must be str or UTF-8 bytes, not {type(text).__name__}")
    return text


def check_article(text: object, *, max_chars: int) -> str:
    """Return the article as `str`, or raise the error that says why it cannot be used."""
    text = _decoded(text)
    if not text.strip():
        raise EmptyInputError("the article is empty or only whitespace")
    if len(text) > max_chars:
        raise InputTooLongError(length=len(text), limit=max_chars)
    if "\x00" in text or len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise NotTextError("the article contains binary data (NUL or control characters), not text")
    return text
