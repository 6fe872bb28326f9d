"""Normalisation against maintained registries: countries, demonyms, cities, dates in words."""

from __future__ import annotations

from datetime import date

import pytest

from summarizer._checks.dates import ContradictedDate, parse_dateline_day, resolve_date
from summarizer._checks.places import canonical_country, city, countries_in


@pytest.mark.parametrize(
    ("words", "code", "name"),
    [
        ("Salvadoran", "SV", "El Salvador"),
        ("Honduran", "HN", "Honduras"),
        ("Somali", "SO", "Somalia"),
        ("Turkish", "TR", "Türkiye"),
        ("French", "FR", "France"),
        ("U.S.", "US", "United States"),
        ("USA", "US", "United States"),
        ("UK", "GB", "United Kingdom"),
    ],
)
def test_demonyms_names_and_abbreviations_resolve_to_iso(words, code, name) -> None:
    assert canonical_country(words) == (code, name)


@pytest.mark.parametrize("words", ["European", "Kurdish", "Bavarian", "Islamic State", "Police"])
def test_words_that_name_no_country(words) -> None:
    assert canonical_country(words) is None


def test_countries_in_a_quote_say_how_they_were_found() -> None:
    found = {(h.code, h.mention, h.how) for h in countries_in("in the Somali capital Mogadishu")}
    assert found == {("SO", "Somali", "demonym"), ("SO", "Mogadishu", "city")}
    assert [(h.code, h.how) for h in countries_in("signed in Lyon, France.")] == [
        ("FR", "city"),
        ("FR", "name"),
    ]
    # Small towns named like common words imply nothing ("Police" is a town in Poland).
    assert not countries_in("the Federal Police said")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("North Korea", [("KP", "North Korea")]),
        ("South Sudan's army", [("SS", "South Sudan")]),
        ("Democratic Republic of the Congo", [("CD", "Democratic Republic of the Congo")]),
        ("U.S.-based", [("US", "U.S.")]),
        ("New Mexico State Police", [("US", "New Mexico")]),
    ],
)
def test_longest_mention_wins_and_hyphens_split(text, expected) -> None:
    assert [(h.code, h.mention) for h in countries_in(text)] == expected


def test_cities_rank_capitals_then_population() -> None:
    ottawa, paris = city("OTTAWA"), city("Paris")
    assert ottawa is not None and (ottawa.country_code, ottawa.capital) == ("CA", True)
    assert paris is not None and paris.country_code == "FR"
    assert city("Nowhereville") is None


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
