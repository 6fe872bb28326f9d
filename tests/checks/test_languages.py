"""Articles in other languages, end to end and piece by piece.

- The four project-written articles (Spanish, French, Russian, Arabic), replayed from their
  reference cassettes and checked field by field against their `.expected.json`: parties
  named in another language are "translated", their countries verified; every evidence span
  slices the article; nothing is dropped.
- Language detection, `Settings.language` forcing it, an unknown code refused before any
  request.
- Grounding in each script (accented Latin, Cyrillic, Arabic, Greek, Japanese, German):
  a quote the model writes with other quote marks, another Unicode form or without a
  direction mark is found, and the span is the article's own words; a changed letter, a
  missing accent or another word is not.
- Country, city and nationality words in the article's language; Arabic clitics.
- Dates and datelines written in other languages.
- English articles are unaffected.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from functools import cache
from typing import Any

import pytest
from helpers.support import (
    NO_WAIT,
    TEST_ARTICLES,
    Script,
    article,
    completion,
    reference_reply,
    replay_all,
)
from tenacity import wait_none

from summarizer import AgreementSummary, Settings, summarize
from summarizer._checks.dateline import read_dateline
from summarizer._checks.dates import ContradictedDate, parse_dateline_day, resolve_date
from summarizer._checks.languages import (
    city_mention,
    contains_words_in_language,
    countries_named,
    detect_language,
    language_code,
    nationality_word,
)
from summarizer._checks.quotes import ArticleText
from summarizer._checks.words import contains_words as contains_words_anywhere
from summarizer._exceptions import ConfigError
from summarizer._summary import evidence_in

LANGUAGE_ARTICLES = TEST_ARTICLES / "languages"
STEMS = [
    "es_colombia_spain_mou",
    "fr_senegal_france_cooperation",
    "ru_russia_cuba_agreement",
    "ar_morocco_jordan_memorandum",
]
RLM = "\u200f"  # RIGHT-TO-LEFT MARK


def text_of(stem: str) -> str:
    return (LANGUAGE_ARTICLES / f"{stem}.txt").read_text(encoding="utf-8")


def expected_of(stem: str) -> dict[str, Any]:
    return json.loads((LANGUAGE_ARTICLES / f"{stem}.expected.json").read_text(encoding="utf-8"))


@cache
def replayed(stem: str) -> AgreementSummary:
    """The article's one summary, answered from its reference cassette (once per run)."""
    (summary,) = replay_all(stem, text_of(stem))
    return summary


def nfd(text: str) -> str:
    """`text` with its accents as separate combining marks, as some editors write them."""
    return unicodedata.normalize("NFD", text)


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


# -- 3. grounding in each script ---------------------------------------------------------------

FRENCH = text_of("fr_senegal_france_cooperation")
SPANISH = text_of("es_colombia_spain_mou")
RUSSIAN = text_of("ru_russia_cuba_agreement")
ARABIC = text_of("ar_morocco_jordan_memorandum")
# Right to left, with a direction mark inside a sentence, a tatweel and a shadda.
ARABIC_MARKED = (
    "وقعت المديرية العامة للأمن الوطني" + RLM + " مذكرة تفاهم في عمّان، عاصمة الأردن، "
    "ضد شبكة يقودها رجل يلقب بـ«أبو جاسم»."
)
GREEK = "Η Ελληνική Αστυνομία υπέγραψε μνημόνιο συνεργασίας στην Αθήνα με την Αστυνομία της Κύπρου."
JAPANESE = "警察庁は２０２５年５月１日、「日本・フィリピン警察協力覚書」に東京で署名した。"
GERMAN = (
    "Das „Abkommen über polizeiliche Zusammenarbeit“ wurde in München in der Leopoldstraße "
    "unterzeichnet."
)

FOUND = [
    # (text, quote as the model writes it, the article's own words, how it matched)
    pytest.param(
        FRENCH, "ministère français de l'Intérieur", "ministère français de l’Intérieur",
        "normalized", id="fr-straight-apostrophe",
    ),
    pytest.param(
        FRENCH, '"Marée Haute"', "« Marée Haute »", "normalized", id="fr-guillemets",
    ),
    pytest.param(
        FRENCH, nfd("Police nationale du Sénégal"), "Police nationale du Sénégal",
        "normalized", id="fr-nfd-accents",
    ),
    pytest.param(
        SPANISH, "firmado el 11 de marzo en Madrid, España",
        "firmado el 11 de marzo en Madrid, España", "exact", id="es-exact",
    ),
    pytest.param(
        SPANISH, '"Memorando de Entendimiento sobre Cooperación Policial',
        "“Memorando de Entendimiento sobre Cooperación Policial", "normalized",
        id="es-curly-quotes",
    ),
    pytest.param(
        RUSSIAN, "подписан 19 июня в Гаване, столице Кубы",
        "подписан 19 июня в Гаване, столице Кубы", "exact", id="ru-exact",
    ),
    pytest.param(
        RUSSIAN, 'группировка "Лос Кайманес"', "группировка «Лос Кайманес»", "normalized",
        id="ru-guillemets",
    ),
    pytest.param(
        ARABIC, "مذكرة تفاهم بشأن التعاون الأمني", "مذكرة تفاهم بشأن التعاون الأمني",
        "exact", id="ar-exact",
    ),
    pytest.param(
        ARABIC, "في عمّان, عاصمة الأردن", "في عمّان، عاصمة الأردن", "normalized",
        id="ar-latin-comma-with-shadda",
    ),
    pytest.param(
        ARABIC, 'يلقب ب"أبو جاسم"', "يلقب بـ«أبو جاسم»", "normalized",
        id="ar-without-tatweel-straight-quotes",
    ),
    pytest.param(
        ARABIC_MARKED, "الوطني مذكرة تفاهم", "الوطني" + RLM + " مذكرة تفاهم", "normalized",
        id="ar-without-direction-mark",
    ),
    pytest.param(
        ARABIC_MARKED, nfd("عاصمة الأردن"), "عاصمة الأردن", "normalized",
        id="ar-decomposed-hamza",
    ),
    pytest.param(
        GREEK, "υπέγραψε μνημόνιο συνεργασίας", "υπέγραψε μνημόνιο συνεργασίας", "exact",
        id="el-exact",
    ),
    pytest.param(GREEK, nfd("στην Αθήνα"), "στην Αθήνα", "normalized", id="el-nfd-tonos"),
    pytest.param(
        JAPANESE, '"日本・フィリピン警察協力覚書"', "「日本・フィリピン警察協力覚書」",
        "normalized", id="ja-corner-brackets",
    ),
    pytest.param(
        JAPANESE, "2025年5月1日", "２０２５年５月１日", "normalized", id="ja-full-width-digits"
    ),
    pytest.param(
        GERMAN, '"Abkommen über polizeiliche Zusammenarbeit"',
        "„Abkommen über polizeiliche Zusammenarbeit“", "normalized", id="de-low-high-quotes",
    ),
    pytest.param(GERMAN, nfd("in München in"), "in München in", "normalized", id="de-nfd-umlaut"),
]  # fmt: skip

MISSED = [
    pytest.param(FRENCH, "Police nationale du Senegal", id="fr-missing-accents"),
    pytest.param(FRENCH, "ministere francais de l’Intérieur", id="fr-missing-accents-2"),
    pytest.param(FRENCH, "Police nationale du Se", id="fr-letter-cut-from-its-accent"),
    pytest.param(FRENCH, "le réseau « Marée Basse »", id="fr-other-word"),
    pytest.param(SPANISH, "Policia Nacional de Colombia", id="es-missing-accent"),
    pytest.param(SPANISH, "firmado el 12 de marzo en Madrid", id="es-changed-day"),
    pytest.param(RUSSIAN, "группировка «Лос Кайманос»", id="ru-changed-letter"),
    # A Latin "o" that looks like the Cyrillic one.
    pytest.param(RUSSIAN, "Министерствo внутренних дел России", id="ru-latin-lookalike"),
    pytest.param(ARABIC, "في عمّان، عاصمة المغرب", id="ar-other-word"),
    pytest.param(ARABIC, "شبكة «الهلال الرمادى»", id="ar-alif-maqsura-for-ya"),
    pytest.param(ARABIC_MARKED, "عاصمة الا", id="ar-letter-cut-from-its-hamza"),
    pytest.param(GREEK, "στην Αθηνα με", id="el-missing-tonos"),
    pytest.param(GREEK, "στην Θεσσαλονίκη", id="el-other-city"),
    pytest.param(JAPANESE, "「日本・タイ警察協力覚書」", id="ja-other-word"),
    pytest.param(GERMAN, "in der Leopoldstrasse unterzeichnet", id="de-ss-for-eszett"),
    pytest.param(GERMAN, "wurde in Munchen in", id="de-missing-umlaut"),
]


@pytest.mark.parametrize(("text", "quote", "own_words", "kind"), FOUND)
def test_quote_is_found_as_the_articles_own_words(
    text: str, quote: str, own_words: str, kind: str
) -> None:
    span = ArticleText(text).locate(quote)
    assert span.match == kind
    assert text[span.start : span.end] == own_words


@pytest.mark.parametrize(("text", "quote"), MISSED)
def test_quote_with_other_letters_or_words_is_not_found(text: str, quote: str) -> None:
    with pytest.raises(ValueError, match="not in the article"):
        ArticleText(text).locate(quote)


# -- 4. countries, cities and nationality words in the article's language ------------------------


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


# -- 5. dates and datelines ---------------------------------------------------------------------


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


@pytest.mark.parametrize("stem", STEMS)
def test_read_dateline_of_the_opening_line(stem: str) -> None:
    opening = text_of(stem).splitlines()[0]
    expected = expected_of(stem)
    dateline = read_dateline(ArticleText(opening), expected["language"])
    assert dateline is not None and dateline.city is not None and dateline.country is not None
    assert dateline.city.name == expected["dateline"]["city"]
    assert dateline.country.code == expected["dateline"]["country"]
    assert dateline.filed_on == date.fromisoformat(expected["dateline"]["filed_on"])
    assert opening.startswith(dateline.place)
    assert opening[dateline.evidence.start : dateline.evidence.end] == dateline.evidence.quote


# -- 6. English is unaffected ---------------------------------------------------------------------


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
