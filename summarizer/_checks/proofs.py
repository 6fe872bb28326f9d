"""How code proves a normalised value from the article, and the grade it earns.

Each function takes the model's proposal and the words it stands for, and says how far code
could establish it: "stated" (written there), "derived" by a rule, "dateline", or, where no
rule reaches, "translated" or "unverified" — kept, and graded so a user can filter on it. A
proof never rejects a value; only `facts` decides what a re-ask can fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._summary import Basis, Country, Place, Rule
from . import languages, names, places
from .fold import name_key, words
from .languages import ENGLISH
from .words import contains_words, spells_out, words_around, words_in, written_as_one

if TYPE_CHECKING:
    from .quotes import ArticleText

__all__ = [
    "country_in",
    "government_of",
    "name_grade",
    "party_country",
    "person_grade",
    "place_in",
    "region_in",
]

Grade = tuple[Basis, Rule | None]

# Nouns by which a story names a country's government as a whole ("the Kenyan authorities",
# "el Gobierno peruano", "السلطات المغربية"), in the languages our articles come in; with the
# articles and prepositions around them. Any other word makes the mention an agency's.
_GOVERNMENT_WORDS = """
    government governments authorities authority administration state cabinet executive
    gobierno autoridades estado ejecutivo gouvernement autorités état exécutif
    governo autorità stato regierung behörden bundesregierung staat
    правительство власти власть уряд влада حكومة الحكومة السلطات سلطات الدولة
    政府 当局 pamahalaan kerajaan
"""
_GOVERNMENT = frozenset(name_key(word) for word in _GOVERNMENT_WORDS.split())
_ARTICLE_WORDS = """
    the of its el la los las del de le les du des l il lo gli i dei della
    o a os as do da die der das den
"""
_ARTICLES = frozenset(_ARTICLE_WORDS.split())


def name_grade(name: str, mention: str, whole: ArticleText, language: str) -> Grade:
    """A party's or group's canonical name for the words naming it in its quote."""
    if contains_words(mention, name):  # "Judicial Police" in "Portugal's Judicial Police"
        return "stated", None
    if spells_out(whole.text, mention, name):  # "NCA" for "National Crime Agency (NCA)"
        return "derived", "abbreviation"
    country = places.canonical_country(name)
    if country:
        if places.canonical_country(mention) == country:
            return "derived", "demonym"  # "Salvadoran" for El Salvador
        if government_of(mention, country, language):
            return "derived", "government"
    if language == ENGLISH and words_in(mention, name):
        return "derived", "same_words"  # "the coast guards of Ghana and Togo"
    if written_as_one(whole.text, name, mention):  # "Mara Salvatrucha (MS-13)"
        return "derived", "alias"
    if words_in(name, mention) and contains_words(whole.body, name):
        return "derived", "elsewhere"  # "the commission" after "Narcotics Control Commission"
    if language != ENGLISH:
        if names.is_latin_form(name, mention, language):  # "Los Caimanes" for "Лос Кайманес"
            return "derived", "transliteration"
        return "translated", None
    return "unverified", None


def person_grade(name: str, mention: str, language: str) -> Grade:
    """A signatory's name in Latin script for the words naming them in their quote."""
    if contains_words(mention, name):
        return "stated", None
    if names.is_latin_form(name, mention, language):  # "Sergei Ivanov" for "Сергеем Ивановым"
        return "derived", "transliteration"
    return "unverified", None


def government_of(mention: str, country: tuple[str, str], language: str) -> bool:
    """True when `mention` names country `country`'s government as a whole: its name or
    nationality word with only such nouns as "authorities" or "government" around it."""
    found = country_in(mention, *country, language)
    if found is None:
        return False
    rest = [w for w in words(mention) if w not in set(words(found.mention))]
    rest = [w for w in rest if w not in _ARTICLES]
    if language in languages.UNSPACED:  # "中国政府": the characters left are one word
        rest = ["".join(rest)] if rest else []
    return bool(rest) and all(_is_government_word(w, language) for w in rest)


def _is_government_word(word: str, language: str) -> bool:
    dictionary = name_key(languages.dictionary_form(word, language))
    return dictionary in _GOVERNMENT or word in _GOVERNMENT


def party_country(
    proposed: tuple[str, str],
    *,
    quote: str,
    mention: str,
    name: str | None,
    whole: ArticleText,
    language: str,
) -> Country:
    """A party's country: named or implied next to its mention, by its own proved name, or
    next to the same name elsewhere in the article; otherwise the model's, unverified. A
    country named elsewhere in the quote proves nothing: "NCB Ottawa ... in Lyon, France"
    is no French party. `name` is given only when code proved it."""
    code, english = proposed
    found = country_in(words_around(quote, mention), code, english, language)
    if found:
        return found
    if name and (found := country_in(name, code, english, language)):
        return found.model_copy(update={"basis": "derived", "rule": "name"})
    for words_for_it in dict.fromkeys(filter(None, (mention, name))):
        for around in whole.around(words_for_it):
            found = country_in(around, code, english, language)
            if found:
                return found.model_copy(update={"basis": "derived", "rule": "elsewhere"})
    return Country(code=code, name=english, mention=mention, basis="unverified")


def country_in(text: str, code: str, name: str, language: str = ENGLISH) -> Country | None:
    """Country `code` as `text` names it, or implies it by a nationality word, a city or a
    region; in the article's language too ("España", "в Гаване", "l'Algérie")."""
    hit = None
    if language != ENGLISH:  # its own names first: rigour calls "España" a demonym of Spain
        found = [h for h in languages.countries_named(text, language) if h.code == code]
        hit = min(found, key=lambda h: h.how != "name", default=None)
    hit = hit or places.best_hit(text, code)
    if hit is None and language != ENGLISH:
        word = languages.nationality_word(text, code, language)
        if word:
            hit = places.CountryHit(code, name, word, "demonym")
    if hit is None:
        return None
    if hit.how == "name":
        return Country(code=code, name=name, mention=hit.mention, basis="stated")
    rule: Rule = "demonym" if hit.how == "demonym" else "gazetteer"
    return Country(code=code, name=name, mention=hit.mention, basis="derived", rule=rule)


def place_in(quote: str, proposed: str, language: str) -> Place | None:
    """A city or region `proposed` names, proved by the words of `quote` naming it."""
    if contains_words(quote, proposed) or languages.contains_words_in_language(
        quote, proposed, language
    ):
        if places.city(proposed) or places.region(proposed, language):
            return Place(name=proposed, mention=proposed, basis="stated")
        return None
    if language != ENGLISH and (found := languages.city_mention(quote, proposed, language)):
        # "в Гаване" is Havana by one of its GeoNames names
        return Place(name=found[0].name, mention=found[1], basis="derived", rule="gazetteer")
    return None


def region_in(text: str, code: str, name: str, language: str) -> Country | None:
    """Country `code` implied by a region, province or state of it that `text` names
    ("in the state of Sonora", "en la región de Tumbes")."""
    for mention in languages.capitalised_names(text, language):
        if places.region(mention, language) == code:
            return Country(code=code, name=name, mention=mention, basis="derived", rule="gazetteer")
    return None
