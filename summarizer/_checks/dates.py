"""Signing dates from the words the article uses, resolved by code (dateparser).

An absolute date with its year ("on 12 February 2025") is *stated*. A date without a year
("on March 3") or a relative one ("on Tuesday", "yesterday", "last week") is *derived*
against the dateline's date, and only when the story has a dated dateline: the story's
own date is never taken for the signing date. "last week" becomes a range, not a day.
A result after the dateline's date, or whose weekday contradicts the words, is a
contradiction (`ContradictedDate`): the model is asked again about it.
Dates in other languages ("el 11 de marzo de 2025", "20 июня") are read by dateparser in
the article's language; its English rules for weekdays do not apply to them.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

__all__ = ["ContradictedDate", "ResolvedDate", "parse_dateline_day", "resolve_date"]

# A year: digits alone, not inside a longer number ("2025年" in Chinese has no word break).
_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d{2}(?!\d)")
_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_MONTH = re.compile(
    r"\b(?:" + "|".join(m for m in (*calendar.month_name[1:], *calendar.month_abbr[1:])) + r")\b",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_PLACE_AFTER = re.compile(r"\s+(?:in|at|during|near)\s+")
_MONTH_DAY_CJK = re.compile(r"\d{1,2}月\d{1,2}日")
_ELIDED_ARTICLE = re.compile(r"\b(?:l|dell|dall|nell|all|sull)['\u2019](?=\d)", re.IGNORECASE)
_WEEKDAYS = {name.casefold(): index for index, name in enumerate(calendar.day_name)}


class ContradictedDate(ValueError):
    """Raised when the words name a date the article contradicts: after the story's own
    date, or on another weekday than they say."""


_AFTER = "falls after the story's own date ({}); copy the words that date the signing"
_WEEKDAY = "names a weekday that {} was not; copy the date as written"


@dataclass(frozen=True)
class ResolvedDate:
    """A signing date or range and how it was obtained."""

    earliest: date
    latest: date
    basis: Literal["stated", "derived"]
    rule: Literal["relative_to_dateline", "year_from_dateline"] | None

    @property
    def day(self) -> date | None:
        """The day, when the words give one day rather than a range."""
        return self.earliest if self.earliest == self.latest else None


def resolve_date(
    mention: str, *, reference: date | None, language: str = "en"
) -> ResolvedDate | None:
    """The date `mention` names, relative to `reference` (the dateline's date), or None."""
    if language != "en":
        return _resolve_in(mention, reference, language)
    # "Tuesday's signing", "on Feb. 11 in Lyon": the date words alone.
    words = _PLACE_AFTER.split(_POSSESSIVE.sub("", mention))[0]
    has_month = bool(_MONTH.search(words))
    if re.search(r"\d", words) and not has_month and not _ISO.search(words):
        return None  # "on the 11th": a day of which month?
    weekday = next((i for name, i in _WEEKDAYS.items() if name in words.casefold()), None)
    if weekday is not None and not has_month:
        return _weekday(words, weekday, reference)
    if _YEAR.search(words):
        found = _parse(words, base=reference or date.today(), prefer="current_period")
        basis: Literal["stated", "derived"] = "stated"
        rule: Literal["relative_to_dateline", "year_from_dateline"] | None = None
    elif reference is None:
        return None
    else:
        found = _parse(words, base=reference, prefer="current_period")
        if found and found[0] > reference:
            # "on March 3" in a story dated February: the last March 3 before it.
            found = _parse(words, base=reference, prefer="past")
        basis = "derived"
        rule = "year_from_dateline" if has_month else "relative_to_dateline"
    if found is None:
        return None
    if reference is not None and found[0] > reference:
        raise ContradictedDate(_AFTER.format(reference))  # no story reports a later signing
    earliest, latest = found[0], min(found[1], reference or found[1])
    if weekday is not None and (earliest != latest or earliest.weekday() != weekday):
        raise ContradictedDate(_WEEKDAY.format(earliest))  # "on Monday, February 12", a Wednesday
    return ResolvedDate(earliest, latest, basis, rule)


def _resolve_in(words: str, reference: date | None, language: str) -> ResolvedDate | None:
    """A date written in another language: stated with its year, else against the dateline;
    contradicted, as in English, when it falls after the dateline or on another weekday."""
    words = _ELIDED_ARTICLE.sub("", words)  # "l'8 luglio", "dell'11 marzo": the date alone
    has_year = bool(_YEAR.search(words))
    if not has_year and reference is None:
        return None
    base = reference or date.today()
    month_day = _MONTH_DAY_CJK.search(words) if not has_year else None
    if month_day and reference:  # dateparser reads "5月11日" only with its year
        for year in (reference.year, reference.year - 1):
            written = f"{year}年{month_day.group()}"
            found = _parse(written, base=base, prefer="current_period", language=language)
            if found and found[0] <= reference:
                return ResolvedDate(found[0], found[1], "derived", "year_from_dateline")
        return None
    found = _parse(words, base=base, prefer="current_period", language=language)
    if found and reference and not has_year and found[0] > reference:
        # "el 30 de diciembre" in a story dated January: the last such day before it.
        found = _parse(words, base=base, prefer="past", language=language)
    if found is None:
        return None
    if reference is not None and found[0] > reference:
        raise ContradictedDate(_AFTER.format(reference))
    weekday = _weekday_named(words, language)
    if weekday is not None and (found[0] != found[1] or found[0].weekday() != weekday):
        raise ContradictedDate(_WEEKDAY.format(found[0]))  # "el martes 10 de marzo", a Monday
    if has_year:
        return ResolvedDate(found[0], found[1], "stated", None)
    rule: Literal["relative_to_dateline", "year_from_dateline"] = (
        "year_from_dateline" if re.search(r"\d", words) else "relative_to_dateline"
    )
    return ResolvedDate(found[0], min(found[1], base), "derived", rule)


def _weekday_named(words: str, language: str) -> int | None:
    """Which weekday (0 = Monday) `words` name in `language`, by the CLDR's day names."""
    from babel import Locale, UnknownLocaleError

    try:
        days = Locale.parse(language).days["format"]["wide"]
    except (UnknownLocaleError, ValueError, KeyError):
        return None
    folded = words.casefold()
    for index, name in days.items():
        stem = name.casefold()[: max(4, len(name) - 2)]  # "вторник" in "во вторник" and "вторника"
        if re.search(rf"(?<!\w){re.escape(stem)}", folded):
            return int(index)
    return None


def _weekday(words: str, weekday: int, reference: date | None) -> ResolvedDate | None:
    """A weekday named without a date: the latest such day on or before the dateline, or in
    the week before it for "last week", or strictly before it for "last Tuesday"."""
    if reference is None:
        return None
    lowered = words.casefold()
    back = (reference.weekday() - weekday) % 7
    if re.search(r"\b(?:last|previous|past) week\b", lowered):
        monday = reference - timedelta(days=reference.weekday() + 7)
        day = monday + timedelta(days=weekday)
    elif re.search(r"\b(?:last|previous|past)\s+\w+day\b", lowered):
        day = reference - timedelta(days=back or 7)
    elif re.search(r"\bnext\b", lowered):
        return None
    else:
        day = reference - timedelta(days=back)
    return ResolvedDate(day, day, "derived", "relative_to_dateline")


def parse_dateline_day(text: str, language: str = "en") -> date | None:
    """The date in a dateline ("2025-02-14", "Feb. 14, 2025", "12 de marzo de 2025");
    None without a year."""
    if not _YEAR.search(text):
        return None
    with contextlib.suppress(ValueError):
        return date.fromisoformat(text.strip())  # most datelines: no need for dateparser
    found = _parse(text, base=date.today(), prefer="current_period", language=language)
    return found[0] if found and found[0] == found[1] else None


def _parse(text: str, *, base: date, prefer: str, language: str = "en") -> tuple[date, date] | None:
    languages = tuple(dict.fromkeys([language, "en"]))
    data = _date_data(text, languages, base, prefer)
    if data is None:
        from dateparser.search import search_dates

        settings = _settings(base, prefer, _ALL_PARSERS)
        hits = search_dates(text, languages=list(languages), settings=settings)
        if not hits:
            return None
        data = _date_data(hits[0][0], languages, base, prefer)
        if data is None:
            return None
    day = data.date_obj.date()
    if data.period == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if data.period == "month":
        first = day.replace(day=1)
        return first, first.replace(day=calendar.monthrange(day.year, day.month)[1])
    if data.period == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    return day, day


# dateparser's relative-time parser ("yesterday", "this week") compiles every time zone's
# pattern on first use (0.4 s); a written date ("12 February 2025") is read by its
# absolute-time parser alone, so that runs first and the full set only when it finds nothing.
_ABSOLUTE_PARSERS = ("timestamp", "absolute-time")
_ALL_PARSERS = None  # dateparser's own default set


def _date_data(text: str, languages: tuple[str, ...], base: date, prefer: str) -> Any:
    for parsers in (_ABSOLUTE_PARSERS, _ALL_PARSERS):
        data = _parser(languages, base, prefer, parsers).get_date_data(text)
        if data.date_obj is not None:
            return data
    return None


# Bounded: a parser per article's dateline and language; building one reads its locales.
@lru_cache(maxsize=64)
def _parser(
    languages: tuple[str, ...], base: date, prefer: str, parsers: tuple[str, ...] | None
) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=list(languages), settings=_settings(base, prefer, parsers))


def _settings(base: date, prefer: str, parsers: tuple[str, ...] | None) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day, 12),
        "PREFER_DATES_FROM": prefer,
        "RETURN_TIME_AS_PERIOD": True,
    }
    if parsers is not None:
        settings["PARSERS"] = list(parsers)
    return settings
