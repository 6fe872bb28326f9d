"""Checks on the article before anything is sent: clear errors, no request wasted."""

from __future__ import annotations

import re

from .errors import EmptyInputError, InputTooLongError, NotTextError

__all__ = ["check_article"]

# Share of control characters (other than newline, tab, carriage return, form feed)
# above which "text" is taken to be a binary file decoded by mistake.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def check_article(text: object, *, max_chars: int) -> str:
    """Return the article as `str`, or raise the error that says why it cannot be used."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotTextError(
                f"the article is bytes that are not UTF-8 text (bad byte at offset {exc.start}); "
                "decode it yourself if it uses another encoding"
            ) from exc
    if not isinstance(text, str):
        raise TypeError(f"article must be str or UTF-8 bytes, not {type(text).__name__}")
    if not text.strip():
        raise EmptyInputError("the article is empty or only whitespace")
    if len(text) > max_chars:
        raise InputTooLongError(length=len(text), limit=max_chars)
    if "\x00" in text or len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise NotTextError("the article contains binary data (NUL or control characters), not text")
    return text
