"""Articles in other languages, end to end and piece by piece.

- The four project-written articles (Spanish, French, Russian, Arabic), replayed from their
  reference cassettes and checked field by field against their `.expected.json`: parties
  named in another language are "translated", their countries verified; every evidence span
  slices the article; nothing is dropped.
- Language detection, `Settings.language` forcing it, an unknown code refused before any
  request.
- Country, city and nationality words in the article's language; Arabic clitics.
- English articles are unaffected.

Grounding in each script is in test_quotes.py, dates and datelines written in other
languages in test_dates.py and test_dateline.py.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest
from helpers.language_articles import STEMS, expected_of, text_of
from helpers.support import NO_WAIT, Script, article, completion, reference_reply, replay_all
from tenacity import wait_none

from summarizer import AgreementSummary, Settings, summarize
from summarizer._checks.languages import (
    city_mention,
    contains_words_in_language,
    countries_named,
    detect_language,
    language_code,
    nationality_word,
)
from summarizer._checks.words import contains_words as contains_words_anywhere
from summarizer._exceptions import ConfigError
from summarizer._summary import evidence_in


@cache
def replayed(stem: str) -> AgreementSummary:
    """The article's one summary, answered from its reference cassette (once per run)."""
    (summary,) = replay_all(stem, text_of(stem))
    return summary


# -- 1. the four articles, field by field --------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_language_kind_and_signing_date(stem: str) -> None:
    summary, expected = replayed(stem), expected_of(stem)
    assert summary.meta.language == expected["language"]
    assert summary.agreement.kind == expected["kind"]
    assert summary.agreement.signed_on == date.fromisoformat(expected["signed_on"])
    assert summary.meta.dropped == []


@pytest.mark.parametrize("stem", STEMS)
def test_parties_are_translated_and_their_countries_verified(stem: str) -> None:
    summary, expected = replayed(stem), expected_of(stem)
    assert [(p.name, p.mention) for p in summary.parties] == [
        (e["name"], e["mention"]) for e in expected["parties"]
    ]
    for party, wanted in zip(summary.parties, expected["parties"], strict=True):
        # An English name for words in another language: kept, but no code can check it.
        assert not contains_words_anywhere(party.mention, party.name)
        assert party.basis == "translated"
        assert party.mention in party.evidence.quote
        assert party.country is not None
        assert party.country.code == wanted["country"]
        assert party.country.basis in ("stated", "derived")
        assert party.country.mention in party.evidence.quote


@pytest.mark.parametrize("stem", STEMS)
def test_signatories(stem: str) -> None:
    summary, expected = replayed(stem), expected_of(stem)
    assert [(s.name, s.title) for s in summary.signatories] == [
        (e["name"], e["title"]) for e in expected["signatories"]
    ]
    party_names = {p.name for p in summary.parties}
    assert all(s.party in party_names for s in summary.signatories)


@pytest.mark.parametrize("stem", STEMS)
def test_venue_city_and_country(stem: str) -> None:
    venue, expected = replayed(stem).venue, expected_of(stem)["venue"]
    assert venue is not None and venue.city is not None and venue.country is not None
    assert venue.city.name == expected["city"]
    assert venue.country.code == expected["country"]
    assert venue.city.mention in venue.evidence.quote
    if venue.city.mention == venue.city.name:  # "Madrid", "Paris"
        assert venue.city.basis == "stated"
    else:  # "в Гаване" is Havana, "عمّان" Amman, by their GeoNames names
        assert (venue.city.basis, venue.city.rule) == ("derived", "gazetteer")


@pytest.mark.parametrize("stem", STEMS)
def test_dateline(stem: str) -> None:
    dateline, expected = replayed(stem).dateline, expected_of(stem)["dateline"]
    assert dateline is not None and dateline.city is not None and dateline.country is not None
    assert dateline.city.name == expected["city"]
    assert dateline.country.code == expected["country"]
    assert dateline.filed_on == date.fromisoformat(expected["filed_on"])


@pytest.mark.parametrize("stem", STEMS)
def test_threat_group(stem: str) -> None:
    summary = replayed(stem)
    assert [g.name for g in summary.threat_groups][:1] == [expected_of(stem)["threat_group"]]


@pytest.mark.parametrize("stem", STEMS)
def test_every_evidence_span_slices_the_article(stem: str) -> None:
    text, summary = text_of(stem), replayed(stem)
    evidence = list(evidence_in(summary))
    assert len(evidence) >= 8  # agreement, two parties, two signatories, venue, group, dateline
    for e in evidence:
        assert text[e.start : e.end] == e.quote


# -- 2. which language -----------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_detect_language(stem: str) -> None:
    assert detect_language(text_of(stem)) == expected_of(stem)["language"]


@pytest.mark.parametrize(
    ("stem", "forced", "language"),
    [
        ("es_colombia_spain_mou", "fr", "fr"),  # not what detection would say
        ("fr_senegal_france_cooperation", " FR ", "fr"),  # a code as people type it
    ],
)
def test_settings_language_forces_it(stem: str, forced: str, language: str) -> None:
    settings = Settings(language=forced, transport_wait=wait_none())
    (summary,) = replay_all(stem, text_of(stem), settings)
    assert summary.meta.language == language


def test_forced_language_is_the_one_dates_are_read_in() -> None:
    settings = Settings(language="fr", transport_wait=wait_none())
    (summary,) = replay_all("es_colombia_spain_mou", text_of("es_colombia_spain_mou"), settings)
    # "el 11 de marzo" is kept as written, but French cannot read it.
    assert summary.agreement.date_text == "el 11 de marzo"
    assert summary.agreement.signed is None


@pytest.mark.parametrize("code", ["zz", "english", "español"])
def test_unknown_language_is_refused_before_any_request(code: str) -> None:
    endpoint = Script()  # no replies: any request would fail the test
    with pytest.raises(ConfigError, match="unknown language"):
        summarize(
            text_of("es_colombia_spain_mou"),
            client=endpoint.client(),
            settings=Settings(language=code, transport_wait=wait_none()),
        )
    assert endpoint.requests == []


def test_language_code_normalises_known_codes() -> None:
    assert language_code(" ES ") == "es"
    with pytest.raises(ConfigError):
        language_code("xx")


# -- 3. countries, cities and nationality words in the article's language ------------------------


@pytest.mark.parametrize(
    ("text", "language", "found"),
    [
        ("el Reino de España y Colombia", "es", [("ES", "Reino de España"), ("CO", "Colombia")]),
        ("Министерство внутренних дел России и Кубы", "ru", [("RU", "России"), ("CU", "Кубы")]),
        ("تعاون بين المغرب والأردن", "ar", [("MA", "المغرب"), ("JO", "والأردن")]),
        ("la Police nationale du Sénégal", "fr", [("SN", "Sénégal")]),
        ("la Police nationale", "fr", []),
    ],
)
def test_countries_named_in_the_articles_language(
    text: str, language: str, found: list[tuple[str, str]]
) -> None:
    hits = countries_named(text, language)
    assert [(h.code, h.mention) for h in hits] == found
    assert all(h.how == "name" for h in hits)


@pytest.mark.parametrize(
    ("text", "proposed", "language", "name", "country", "mention"),
    [
        ("был подписан 19 июня в Гаване", "Havana", "ru", "Havana", "CU", "Гаване"),
        ("وجرى التوقيع بالرباط أمس", "Rabat", "ar", "Rabat", "MA", "بالرباط"),
        ("في عمّان، عاصمة الأردن", "Amman", "ar", "Amman", "JO", "عمّان"),
    ],
)
def test_city_by_its_name_in_the_articles_language(
    text: str, proposed: str, language: str, name: str, country: str, mention: str
) -> None:
    found = city_mention(text, proposed, language)
    assert found is not None
    place, words = found
    assert (place.name, place.country_code, words) == (name, country, mention)


def test_city_not_named_in_the_text_is_not_found() -> None:
    assert city_mention("был подписан 19 июня в Гаване", "Moscow", "ru") is None


@pytest.mark.parametrize(
    ("text", "code", "language", "word"),
    [
        ("le ministère français de l’Intérieur", "FR", "fr", "français"),
        ("المديرية العامة للأمن الوطني المغربية", "MA", "ar", "المغربية"),
        ("le ministère français de l’Intérieur", "DE", "fr", None),
        ("el embajador mexicano", "CO", "es", None),
        ("la police allemande", "DE", "fr", "allemande"),
        ("el embajador austriaco", "AT", "es", "austriaco"),
        ("la police slovaque", "SK", "fr", "slovaque"),
        # A word of many countries' names proves none of them.
        ("la Policía Federal de México", "DE", "es", None),
        ("el Gobierno de la República de Colombia", "FR", "es", None),
        ("los Estados miembros", "US", "es", None),
        ("el Reino de Marruecos", "GB", "es", None),
        ("Министерство внутренних дел Республики Куба", "FR", "ru", None),
        # A neighbour's nationality word fits its own country better.
        ("el embajador austriaco", "AU", "es", None),
        ("la policía nigeriana", "NE", "es", None),
        ("la police slovaque", "SI", "fr", None),
        ("la policía dominicana", "DM", "es", None),
        ("la policía sudanesa", "SS", "es", None),
    ],
)
def test_nationality_word(text: str, code: str, language: str, word: str | None) -> None:
    assert nationality_word(text, code, language) == word


def test_arabic_words_with_a_clitic_written_onto_them() -> None:
    with_clitic = "وقعت المديرية العامة للأمن الوطني ومديرية الأمن العام الأردنية مذكرة تفاهم"
    without = "وقعت المديرية العامة للأمن الوطني مذكرة تفاهم"
    needle = "مديرية الأمن العام"
    assert not contains_words_anywhere(with_clitic, needle)  # "ومديرية" is another word...
    assert contains_words_in_language(
        with_clitic, needle, "ar"
    )  # ...but "and" + "مديرية" in Arabic
    assert not contains_words_in_language(without, needle, "ar")
    assert not contains_words_in_language(
        with_clitic, needle, "fr"
    )  # the clitic rule is Arabic's only


# -- 4. English is unaffected ---------------------------------------------------------------------


def test_english_article_is_english_and_nothing_is_translated() -> None:
    stem = "interpol_tren_de_aragua"
    endpoint = Script(completion(reference_reply(stem)))
    summary = summarize(article(stem), client=endpoint.client(), settings=NO_WAIT)
    assert len(endpoint.requests) == 1
    assert summary.meta.language == "en"
    assert summary.parties
    assert all(p.basis != "translated" for p in summary.parties)


# -- found in review --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Interpol and Europol signed a memorandum of understanding on Tuesday in Lyon.",
        "AFP and POLRI signed a letter of intent.",
    ],
)
def test_a_short_text_in_latin_letters_is_taken_for_english(text: str) -> None:
    assert detect_language(text) == "en"


def test_a_short_text_in_another_script_keeps_its_language() -> None:
    assert detect_language("МВД России подписало соглашение с МВД Кубы") == "ru"


def test_text_cld2_cannot_take_or_is_unsure_of_goes_to_lingua(monkeypatch) -> None:
    from summarizer._checks import languages

    french = "La police nationale et la gendarmerie ont signé un accord de coopération. " * 8
    assert languages._cld2_code(french) == "fr"
    assert languages._cld2_code("\ud800" + french) is None  # a lone surrogate
    assert languages.detect_language("\ud800" + french) == "fr"
    asked: list[str] = []
    monkeypatch.setattr(languages, "_cld2_code", lambda sample: asked.append(sample))
    assert languages.detect_language(french) == "fr"
    assert asked  # CLD2 was asked first
