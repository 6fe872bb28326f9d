"""Bad input gets a clear, typed error before any request is made."""

from __future__ import annotations

import pytest
from helpers.support import Script

from summarizer import (
    EmptyInputError,
    InputError,
    InputTooLongError,
    NotTextError,
    Settings,
    summarize,
)


def nothing_sent() -> Script:
    return Script()  # any request would fail with "the script ran out of replies"


@pytest.mark.parametrize("text", ["", "   ", "\n\t \r\n", b"", b"  \n"])
def test_empty_or_whitespace(text) -> None:
    script = nothing_sent()
    with pytest.raises(EmptyInputError, match="empty or only whitespace"):
        summarize(text, client=script.client())
    assert script.requests == []


@pytest.mark.parametrize("text", [None, 42, ["an", "article"], {"text": "x"}])
def test_not_a_string_is_a_type_error(text) -> None:
    with pytest.raises(TypeError, match="article must be str"):
        summarize(text, client=nothing_sent().client())


def test_bytes_that_are_not_utf8() -> None:
    with pytest.raises(NotTextError, match="not UTF-8 text") as caught:
        summarize(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", client=nothing_sent().client())
    assert isinstance(caught.value, InputError) and isinstance(caught.value, ValueError)


def test_text_that_is_binary_junk() -> None:
    junk = "".join(chr(i % 32) for i in range(1, 400))
    with pytest.raises(NotTextError, match="binary data"):
        summarize(junk, client=nothing_sent().client())


def test_utf8_bytes_are_accepted_as_text(seed_article, seed_reply) -> None:
    from helpers.support import completion

    script = Script(completion(seed_reply))
    summary = summarize(seed_article.encode("utf-8"), client=script.client())
    assert summary.parties[0].evidence.quote in seed_article


def test_too_long_names_the_limit() -> None:
    script = nothing_sent()
    with pytest.raises(InputTooLongError, match="limit is 1,000") as caught:
        summarize("word " * 300, client=script.client(), settings=Settings(max_input_chars=1000))
    assert (caught.value.length, caught.value.limit) == (1500, 1000)
    assert script.requests == []
