"""Signing dates in words, resolved by code against the dateline's date (dateparser)."""

from __future__ import annotations

from datetime import date

import pytest

from summarizer._checks.dates import ContradictedDate, parse_dateline_day, resolve_date

FRIDAY = date(2025, 2, 14)


@pytest.mark.parametrize(
    ("words", "earliest", "latest", "basis", "rule"),
    [
        ("on Tuesday", date(2025, 2, 11), date(2025, 2, 11), "derived", "relative_to_dateline"),
        ("on Friday", FRIDAY, FRIDAY, "derived", "relative_to_dateline"),
        ("yesterday", date(2025, 2, 13), date(2025, 2, 13), "derived", "relative_to_dateline"),
        ("last week", date(2025, 2, 3), date(2025, 2, 9), "derived", "relative_to_dateline"),
        ("on February 12", date(2025, 2, 12), date(2025, 2, 12), "derived", "year_from_dateline"),
        ("on 12 February 2025", date(2025, 2, 12), date(2025, 2, 12), "stated", None),
        (
            "on Thursday last week",
            date(2025, 2, 6),
            date(2025, 2, 6),
            "derived",
            "relative_to_dateline",
        ),
        ("last Friday", date(2025, 2, 7), date(2025, 2, 7), "derived", "relative_to_dateline"),
        ("Tuesday's", date(2025, 2, 11), date(2025, 2, 11), "derived", "relative_to_dateline"),
        (
            "on Feb. 11 in Lyon",
            date(2025, 2, 11),
            date(2025, 2, 11),
            "derived",
            "year_from_dateline",
        ),
    ],  # fmt: skip
)
def test_dates_in_words(words, earliest, latest, basis, rule) -> None:
    resolved = resolve_date(words, reference=FRIDAY)
    assert resolved is not None
    assert (resolved.earliest, resolved.latest, resolved.basis, resolved.rule) == (
        earliest,
        latest,
        basis,
        rule,
    )
    assert resolved.day == (earliest if earliest == latest else None)


@pytest.mark.parametrize("words", ["next Tuesday", "on the 11th"])
def test_dates_to_come_or_without_a_month_are_not_resolved(words) -> None:
    assert resolve_date(words, reference=FRIDAY) is None


def test_a_date_after_the_dateline_is_a_contradiction() -> None:
    with pytest.raises(ContradictedDate, match="falls after the story's own date"):
        resolve_date("on Wednesday, February 12 2026", reference=FRIDAY)


def test_a_weekday_that_contradicts_the_day_is_refused() -> None:
    with pytest.raises(ContradictedDate, match="names a weekday that 2025-02-12 was not"):
        resolve_date("on Monday, February 12", reference=FRIDAY)


def test_relative_dates_need_a_dated_dateline() -> None:
    assert resolve_date("on Tuesday", reference=None) is None
    stated = resolve_date("on 12 February 2025", reference=None)
    assert stated is not None and stated.day == date(2025, 2, 12)


def test_dateline_days() -> None:
    assert parse_dateline_day("2025-02-14") == FRIDAY
    assert parse_dateline_day("Feb. 14, 2025") == FRIDAY
    assert parse_dateline_day("March 3") is None
