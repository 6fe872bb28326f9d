"""The dateline ("2025-02-14 OTTAWA (Agency) -"), read by code into a `Dateline`: where and
when the story was filed, which is not where or when anything was signed."""

from __future__ import annotations

from .._summary import Country, Dateline, Evidence, Place
from . import dates, places
from .quotes import ArticleText

__all__ = ["read_dateline"]


def read_dateline(article: ArticleText, language: str = "en") -> Dateline | None:
    """The article's dateline parsed into place, country, date and agency, if it has one;
    its date is read in `language` (the article's)."""
    parts = article.dateline
    if parts is None:
        return None
    city = places.city(parts.place)
    place = Place(name=city.name, mention=parts.place, basis="dateline") if city else None
    country: Country | None = None
    region = parts.region and places.canonical_country(parts.region)
    if parts.region and region:
        country = Country(code=region[0], name=region[1], mention=parts.region, basis="dateline")
    elif city:
        named = places.canonical_country(city.country_code)
        if named:
            country = Country(
                code=named[0], name=named[1], mention=parts.place, basis="dateline",
                rule="gazetteer",
            )  # fmt: skip
    written_date = parts.iso_date or parts.day
    return Dateline(
        place=parts.place,
        city=place,
        country=country,
        filed_on=dates.parse_dateline_day(written_date, language) if written_date else None,
        agency=parts.agency,
        evidence=Evidence(
            quote=article.text[parts.start : parts.end], start=parts.start, end=parts.end
        ),
    )
