"""Normalisation against maintained registries: countries, demonyms, cities."""

from __future__ import annotations

import pytest

from summarizer._checks.places import canonical_country, city, countries_in, region


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


def test_regions_provinces_and_states_name_their_country() -> None:
    assert (region("Sonora"), region("Tumbes"), region("Bavaria"), region("Bali")) == (
        "MX", "PE", "DE", "ID",
    )  # fmt: skip
    assert region("Крит", "ru") == "GR" and region("Crete") is None


def test_ordinary_words_imply_no_country() -> None:
    # "The" and "She" are alternate names of towns in GeoNames; only a city's own name counts.
    assert not countries_in("The heads said She would sign")
