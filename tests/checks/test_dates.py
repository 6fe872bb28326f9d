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


# -- in other languages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mention", "language", "reference", "day", "basis", "rule"),
    [
        ("el 11 de marzo de 2025", "es", None, date(2025, 3, 11), "stated", None),
        ("el 11 de marzo", "es", date(2025, 3, 12), date(2025, 3, 11), "derived",
         "year_from_dateline"),
        ("le 3 avril 2025", "fr", None, date(2025, 4, 3), "stated", None),
        # A day later in the year than the dateline's: the last one before it.
        ("le 30 décembre", "fr", date(2025, 1, 5), date(2024, 12, 30), "derived",
         "year_from_dateline"),
        ("19 июня 2025 года", "ru", None, date(2025, 6, 19), "stated", None),
        ("19 июня", "ru", date(2025, 6, 20), date(2025, 6, 19), "derived", "year_from_dateline"),
        ("вчера", "ru", date(2025, 6, 20), date(2025, 6, 19), "derived", "relative_to_dateline"),
        ("في 14 مايو 2025", "ar", None, date(2025, 5, 14), "stated", None),
        ("في 14 مايو", "ar", date(2025, 5, 15), date(2025, 5, 14), "derived",
         "year_from_dateline"),
    ],
)  # fmt: skip
def test_resolve_date_in_other_languages(
    mention: str, language: str, reference: date | None, day: date, basis: str, rule: str | None
) -> None:
    resolved = resolve_date(mention, reference=reference, language=language)
    assert resolved is not None
    assert (resolved.day, resolved.basis, resolved.rule) == (day, basis, rule)


@pytest.mark.parametrize(
    ("mention", "language", "reference"),
    [
        ("el 11 de marzo", "es", None),  # no year and no dateline to take it from
        ("19 июня", "ru", None),
    ],
)
def test_resolve_date_refuses(mention: str, language: str, reference: date | None) -> None:
    assert resolve_date(mention, reference=reference, language=language) is None


@pytest.mark.parametrize(
    ("written", "language", "day"),
    [
        ("20 июня 2025 года", "ru", date(2025, 6, 20)),
        ("15 مايو 2025", "ar", date(2025, 5, 15)),
        ("20 июня", "ru", None),  # no year
    ],
)
def test_parse_dateline_day(written: str, language: str, day: date | None) -> None:
    assert parse_dateline_day(written, language) == day


@pytest.mark.parametrize(
    ("mention", "language"),
    [("el martes", "es"), ("mardi", "fr"), ("во вторник", "ru"), ("يوم الثلاثاء", "ar")],
)
def test_the_dateline_days_own_weekday_is_that_day(mention: str, language: str) -> None:
    resolved = resolve_date(mention, reference=date(2025, 3, 11), language=language)  # a Tuesday
    assert resolved is not None and resolved.day == date(2025, 3, 11)


def test_a_date_after_the_story_is_a_contradiction_in_other_languages_too() -> None:
    with pytest.raises(ContradictedDate, match="falls after the story's own date"):
        resolve_date("el 11 de marzo de 2026", reference=date(2025, 3, 12), language="es")


def test_a_weekday_that_contradicts_its_date_is_refused_in_other_languages_too() -> None:
    with pytest.raises(ContradictedDate, match="names a weekday that 2025-03-10 was not"):
        resolve_date("el martes 10 de marzo", reference=date(2025, 3, 12), language="es")
    found = resolve_date("el lunes 10 de marzo", reference=date(2025, 3, 12), language="es")
    assert found is not None and found.day == date(2025, 3, 10)
