"""Quotes are found despite whitespace, curly quotes and dashes, never despite other words."""

from __future__ import annotations

import pytest

from summarizer.grounding import (
    ArticleText,
    GroundingLedger,
    contains_words,
    ground,
    grounding_scope,
)

TEXT = (
    "2025-02-14 OTTAWA (Northwire) - The agencies signed a \u201cMemorandum of Cooperation\u201d\n"
    "in Lyon \u2014 France\u2019s third city.Officials said the gang\u2019s   leaders escaped.\n"
    "Copyright (c) 2025 Northwire. All rights reserved. Officials said"
)


def locate(quote: str):
    article = ArticleText(TEXT)
    span = article.locate(quote)
    return span, TEXT[span.start : span.end]


def test_exact_quote() -> None:
    span, found = locate("The agencies signed")
    assert (found, span.match) == ("The agencies signed", "exact")


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        (
            'a "Memorandum of Cooperation" in Lyon',
            "a \u201cMemorandum of Cooperation\u201d\nin Lyon",
        ),
        ("in Lyon - France's third city", "in Lyon \u2014 France\u2019s third city"),
        ("third city. Officials said", "third city.Officials said"),
        ("the gang's leaders escaped", "the gang\u2019s   leaders escaped"),
    ],
)
def test_tolerates_quotes_dashes_and_whitespace(quote, expected) -> None:
    span, found = locate(quote)
    assert (found, span.match) == (expected, "normalized")


@pytest.mark.parametrize(
    "quote",
    ["The agency signed", "the agencies signed", "in Paris - France's third city", "leaders fled"],
)
def test_other_words_or_case_are_a_miss(quote) -> None:
    with pytest.raises(ValueError, match="is not in the article"):
        locate(quote)


def test_quote_only_in_the_copyright_notice_is_rejected() -> None:
    with pytest.raises(ValueError, match="copyright or agency notice"):
        locate("Northwire. All rights reserved")


def test_first_occurrence_outside_the_notice_wins() -> None:
    span, _ = locate("Officials said")
    assert span.start < TEXT.index("Copyright")


@pytest.mark.parametrize("quote", ["a", "  ab ", ""])
def test_too_short_to_locate(quote) -> None:
    with pytest.raises(ValueError, match="too short"):
        locate(quote)


def test_too_long_to_be_a_quote() -> None:
    with pytest.raises(ValueError, match="too long"):
        ArticleText("x" * 1000).locate("x" * 500)


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("2025-02-14 OTTAWA (dpa-AFX) - Story.", "2025-02-14 OTTAWA (dpa-AFX) -"),
        ("LISBON, March 3 (Atlantic Desk) - Story.", "LISBON, March 3 (Atlantic Desk) -"),
        ("QUITO, Ecuador - Story.", "QUITO, Ecuador -"),
        ("NEW YORK (AP) \u2014 Story.", "NEW YORK (AP) \u2014"),
        ("The story starts here - no dateline.", None),
    ],
)
def test_dateline_detection(text, dateline) -> None:
    article = ArticleText(text)
    found = text[article.dateline[0] : article.dateline[1]] if article.dateline else None
    assert found == dateline


def test_ledger_counts_matches_and_misses_per_reply() -> None:
    ledger = GroundingLedger()
    with grounding_scope(ArticleText(TEXT), ledger):
        ground("The agencies signed")
        ground("third city. Officials")
        with pytest.raises(ValueError):
            ground("not there at all")
        assert (ledger.exact, ledger.normalized, len(ledger.rejected)) == (1, 1, 1)
        ledger.new_attempt()
        assert (ledger.exact, ledger.normalized, ledger.rejected, ledger.rejected_before) == (
            0,
            0,
            [],
            1,
        )


def test_ground_outside_a_scope_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError):
        ground("anything")


def test_contains_words_ignores_case_only_where_asked() -> None:
    assert contains_words("Interpol Washington Director", "INTERPOL Washington")
    assert not contains_words("Interpol Washington Director", "INTERPOL Ottawa")
