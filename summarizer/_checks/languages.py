"""Articles in other languages: which language, and the country and city names it writes.

- The language is detected with lingua (all of its 75 languages, low-accuracy mode: 0.6 s
  and about 140 MB on first use, against 5 s and 1.3 GB for its preloaded full models),
  from the opening of the story; `Settings.language` forces it.
- Country names in the article's language come from the Unicode CLDR (babel) and from
  the ISO 3166 translations pycountry ships (official forms such as "Reino de España").
- Cities come from GeoNames' alternate names (`places`), which hold most scripts.
- Inflected forms are brought back to the dictionary form first: Russian and Ukrainian
  words through pymorphy3 ("в Гаване" -> "гавана", "России" -> "россия"), Arabic words
  without their clitic prefixes ("بالرباط" -> "الرباط", "وتونس" -> "تونس").

Nationality words in other languages ("français", "المغربية", "колумбийский") are in no
maintained library, so they are never resolved blind. A country the model proposes is
accepted for one only when the word shares a longer beginning with a word of that country's
name than with any other country's, and at least four letters (three in Arabic, without its
article and adjective ending). A word that fits several countries equally proves nothing.
"""

from __future__ import annotations

import gettext
import os
import re
import threading
from collections import Counter
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import regex  # type: ignore[import-untyped]  # no stubs installed

from .._exceptions import ConfigError
from . import words as word_match
from .fold import name_key
from .places import MIN_IMPLYING_POPULATION, City, CountryHit, canonical_country, city

if TYPE_CHECKING:
    from lingua import LanguageDetector

__all__ = [
    "ENGLISH",
    "capitalised_names",
    "city_mention",
    "contains_words_in_language",
    "countries_named",
    "detect_language",
    "dictionary_form",
    "language_code",
    "nationality_word",
]

ENGLISH = "en"
# Enough of a story for lingua to be sure; reading a whole long report would only cost time.
DETECT_CHARS = 3_000
# Below this many letters, lingua's guess between languages in Latin letters is unreliable.
MIN_DETECT_LETTERS = 400
MAX_NAME_WORDS = 4  # "République démocratique du Congo"
# Languages written without spaces between words: a name is a run of characters.
UNSPACED = frozenset({"zh", "ja", "th", "lo", "km", "my"})
MAX_NAME_CHARACTERS = 8  # "阿拉伯联合酋长国"
# Letters with their combining marks (an Arabic shadda, a Devanagari vowel sign), which
# `re`'s \w would cut a word at.
# An elided article is a word of its own ("l'Algérie", "dell'Italia"), so that the name
# after it is read alone.
_WORD = regex.compile(
    r"(?<![\w\p{M}])(?i:[ldjmnstc]|qu|dell|dall|nell|sull|all|un)(?=['\u2019]\w)"
    r"|[\w\p{M}]+(?:['\u2019-][\w\p{M}]+)*"
)
_CHARACTER = regex.compile(r"\w\p{M}*")
# A country's name in Arabic may end in alif or in taa marbuta ("سوريا" and "سورية"):
# two spellings of one name, so each is looked up as the other too.
_ARABIC_ENDING = re.compile(r"[\u0627\u0629]$")
_CYRILLIC_MORPHOLOGY = {"ru": "ru", "uk": "uk"}
# Arabic clitics written onto the next word: "and", "with/in", "for", "so", "like".
_ARABIC_PREFIX = re.compile(r"^(?:[وف]?(?:[بلك])?)(?=ال)|^[وف](?=\w{3})")
_lock = threading.Lock()


def language_code(code: str) -> str:
    """`code` as a known ISO 639-1 code in lower case, or ConfigError."""
    from lingua import IsoCode639_1

    try:
        return IsoCode639_1.from_str(code.strip().lower()).name.lower()
    except ValueError:
        raise ConfigError(
            f"unknown language {code!r}; give an ISO 639-1 code such as 'es'"
        ) from None


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language `text` is written in; English when unsure.

    CLD2 answers first (its tables are compiled in: no model to load, a fraction of a
    millisecond an article); where it is unsure, or names a code outside ISO 639-1, lingua
    decides (its models take 0.4 s to load, once per process).

    A short text in Latin letters is taken for English whatever the detectors say: a
    150-letter English brief full of agency names reads as Esperanto or Tagalog to them,
    and an English article taken for another language would have its party names accepted
    as translations. Set `Settings.language` for short texts in other languages.
    """
    sample = text[:DETECT_CHARS]
    code = _cld2_code(sample)
    if code is None:
        # lingua takes no lone surrogate (from bytes read with "surrogateescape").
        sample = sample.encode("utf-8", "replace").decode("utf-8")
        found = _detector().detect_language_of(sample)
        code = found.iso_code_639_1.name.lower() if found is not None else ENGLISH
    if code == ENGLISH:
        return code
    letters = [ch for ch in sample if ch.isalpha()]
    latin = sum(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters)
    if len(letters) < MIN_DETECT_LETTERS and latin > len(letters) / 2:
        return ENGLISH
    return code


def _cld2_code(sample: str) -> str | None:
    """CLD2's language for `sample` when it is sure and its code is ISO 639-1, else None."""
    import pycld2  # type: ignore[import-untyped]  # it ships no types

    try:
        reliable, _, found = pycld2.detect(sample)
    except (pycld2.error, UnicodeEncodeError):  # control characters, lone surrogates
        return None
    code = found[0][1].split("-")[0]  # "zh-Hant" is Chinese
    if not reliable or code == "un":
        return None
    try:
        return language_code(code)  # CLD2 still says "iw" for Hebrew, "jw" for Javanese
    except ConfigError:
        return None


@cache
def _detector() -> LanguageDetector:
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def countries_named(text: str, language: str) -> list[CountryHit]:
    """The countries `text` names in `language`, or implies by one of their cities; words
    already part of a longer name are not read again on their own."""
    names = _country_names(language)
    hits: list[CountryHit] = []
    taken: set[int] = set()
    for span, mention, keys in _word_groups(text, language):
        if taken & span or not _may_be_a_name(mention):
            continue
        code = next((names[key] for key in keys if key in names), None)
        how = "name"
        if code is None:
            place = next(filter(None, map(city, keys)), None)
            if place is None or not (place.capital or place.population >= MIN_IMPLYING_POPULATION):
                continue
            code, how = place.country_code, "city"
        english = canonical_country(code)
        if english:
            hits.append(CountryHit(english[0], english[1], mention, how))  # type: ignore[arg-type]
            taken |= span
    return hits


def _other_ending(found: re.Match[str]) -> str:
    return "\u0629" if found.group() == "\u0627" else "\u0627"


def _may_be_a_name(words: str) -> bool:
    """A place name is capitalised in a script with capitals, and longer than two letters
    (or, in Chinese or Japanese, than one character)."""
    if "\u3040" <= words[:1] <= "\u9fff":
        return len(words) > 1
    return len(words) > 2 and (words[0].isupper() or not words[0].islower())


def capitalised_names(text: str, language: str) -> Iterator[str]:
    """Each run of up to MAX_NAME_WORDS words of `text` that may be a place's name, longest
    first, as written."""
    for _, mention, _ in _word_groups(text, language):
        if _may_be_a_name(mention):
            yield mention


def city_mention(text: str, proposed: str, language: str) -> tuple[City, str] | None:
    """The GeoNames city `proposed` (an English name) and the words of `text` naming it in
    `language`, or None when no words of `text` are one of that city's names."""
    wanted = city(proposed)
    if wanted is None:
        return None
    for _, mention, keys in _word_groups(text, language):
        if _may_be_a_name(mention) and any(city(key) == wanted for key in keys):
            return wanted, mention
    return None


def nationality_word(text: str, code: str, language: str) -> str | None:
    """The word of `text` that is a nationality word of country `code` in `language`
    ("français" for FR, "المغربية" for MA), or None.

    A word counts for the country whose name shares the longest beginning with it, at least
    four letters (three in Arabic); a tie proves nothing. So "austriaco" is Austria's, not
    Australia's, and "Federal" or "República", in many countries' names, is no one's.
    """
    shortest = 3 if language == "ar" else 4
    stems = _country_stems(language)
    for found in _WORD.finditer(text):
        stem = _stem(name_key(found.group()), language)
        if len(stem) < shortest:
            continue
        reach = {
            country: max((len(os.path.commonprefix([stem, word])) for word in words), default=0)
            for country, words in stems.items()
        }
        best = max(reach.values())
        if best >= shortest and [c for c, n in reach.items() if n == best] == [code]:
            return str(found.group())
    return None


@cache
def _country_stems(language: str) -> dict[str, frozenset[str]]:
    """ISO code -> the stems of the words of its names in `language` and in English, but
    for words in three or more countries' names ("República", "française" in "Guyane
    française"), which say more about a kind of state than about one."""
    stems: dict[str, set[str]] = {}
    for name, code in _country_names(language).items():
        stems.setdefault(code, set()).update(_stem(word, language) for word in name.split())
    # Counted by their beginnings: "française" and "françaises" are one word here.
    shared = Counter(head for words in stems.values() for head in {w[:_HEAD] for w in words})
    return {
        code: frozenset(word for word in words if shared[word[:_HEAD]] < _COMMON_NAME_WORD)
        for code, words in stems.items()
    }


_COMMON_NAME_WORD = 3
_HEAD = 6


def _stem(word: str, language: str) -> str:
    if language == "ar":  # "والمغربية" -> "مغرب"
        word = dictionary_form(word, language).removeprefix("ال")
        for ending in ("ية", "ي", "ة"):
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[: -len(ending)]
    return word


def contains_words_in_language(haystack: str, needle: str, language: str) -> bool:
    """`words.contains_words`, and in Arabic also with a clitic written onto a word:
    "ومديرية الأمن العام" holds "مديرية الأمن العام", "ووزير الداخلية" holds "وزير الداخلية"."""
    if word_match.contains_words(haystack, needle):
        return True
    if language != "ar":
        return False
    wanted = [name_key(w) for w in _WORD.findall(needle)]
    have = [name_key(w) for w in _WORD.findall(haystack)]
    size = len(wanted)
    return size > 0 and any(
        all(_same_arabic_word(h, w) for h, w in zip(have[i : i + size], wanted, strict=True))
        for i in range(len(have) - size + 1)
    )


def _same_arabic_word(written: str, wanted: str) -> bool:
    """`written` is `wanted`, perhaps with a clitic before it or another ending."""
    if written == wanted or dictionary_form(written, "ar") == wanted:
        return True
    return _stem(written, "ar") == _stem(wanted, "ar")


def _word_groups(text: str, language: str) -> Iterator[tuple[set[int], str, tuple[str, ...]]]:
    """Each run of up to MAX_NAME_WORDS words of `text`, longest first: which words, as
    written, and its look-up keys (folded as written, and folded in dictionary form)."""
    unspaced = language in UNSPACED
    words = [m for m in (_CHARACTER if unspaced else _WORD).finditer(text) if m.group()]
    forms = [dictionary_form(m.group(), language) for m in words]
    joiner = "" if unspaced else " "
    longest = MAX_NAME_CHARACTERS if unspaced else MAX_NAME_WORDS
    for size in range(min(longest, len(words)), 0, -1):
        for first in range(len(words) - size + 1):
            last = first + size
            written = joiner.join(name_key(m.group()) for m in words[first:last])
            dictionary = joiner.join(name_key(form) for form in forms[first:last])
            keys: tuple[str, ...] = (written, dictionary) if dictionary != written else (written,)
            if language == "ar":
                keys += tuple(_ARABIC_ENDING.sub(_other_ending, key) for key in keys)
            mention = text[words[first].start() : words[last - 1].end()]
            yield set(range(first, last)), mention, keys


@lru_cache(maxsize=65_536)
def dictionary_form(word: str, language: str) -> str:
    """`word` in its dictionary form: without Arabic clitics, or (Russian, Ukrainian) in
    the nominative; other languages' words as they are."""
    if language == "ar":
        word = word.replace("\u0640", "")  # the tatweel, a stretching stroke
        if word.startswith(("لل", "ولل", "فلل")):  # "for the": لـ + الـ, its alif dropped
            return "ال" + word[word.index("لل") + 2 :]
        return _ARABIC_PREFIX.sub("", word)
    if language in _CYRILLIC_MORPHOLOGY and re.search("[\u0400-\u04ff]", word):
        parses = morphology(_CYRILLIC_MORPHOLOGY[language]).parse(word)
        # `grammemes`, not `in p.tag`: the tag checks the name against its own dictionary's
        # grammemes, and the Ukrainian one raises "Grammeme is unknown: Geox".
        parse = next((p for p in parses if "Geox" in p.tag.grammemes), parses[0])
        nominative = parse.inflect({"nomn"})  # "России" -> "россия", not an adjective's lemma
        return str(nominative.word if nominative is not None else parse.normal_form)
    return word


def morphology(language: str) -> Any:
    """One analyser per language for the process; built under the lock, since the parts of
    a long article ask for it from several threads at once."""
    with _lock:
        if language not in _analysers:
            import pymorphy3  # type: ignore[import-untyped]  # it ships no types

            _analysers[language] = pymorphy3.MorphAnalyzer(lang=language)
        return _analysers[language]


_analysers: dict[str, Any] = {}


@cache
def _country_names(language: str) -> dict[str, str]:
    """Folded country name -> ISO code, in `language` and in English."""
    import pycountry
    from babel import Locale, UnknownLocaleError

    index: dict[str, str] = {}
    for lang in dict.fromkeys((language, ENGLISH)):
        try:
            territories = dict(Locale.parse(lang).territories)
        except (UnknownLocaleError, ValueError):
            territories = {}
        for code, name in territories.items():
            if len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code):
                index.setdefault(name_key(_dictionary_key(name, language)), code)
        for code, name in _icu_variants(lang):  # "Czech Republic", "Ivory Coast", "UK"
            if pycountry.countries.get(alpha_2=code):
                index.setdefault(name_key(_dictionary_key(name, language)), code)
        catalogue = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True
        )
        for country in pycountry.countries:
            for field in ("name", "official_name", "common_name"):
                written = getattr(country, field, None)
                if written:
                    key = name_key(_dictionary_key(catalogue.gettext(written), language))
                    index.setdefault(key, country.alpha_2)
    return index


def _icu_variants(language: str) -> Iterator[tuple[str, str]]:
    """The CLDR's other names for countries in `language` (its "short" and "variant" forms),
    which babel leaves out; ICU ships them (through pyicu, which rigour already needs)."""
    import icu  # type: ignore[import-untyped]  # pyicu ships no types

    try:
        bundle = icu.ResourceBundle("ICUDATA-region", icu.Locale(language))
    except icu.ICUError:
        return
    for index in range(bundle.getSize()):
        table = bundle.get(index)
        if table.getKey() in ("Countries%short", "Countries%variant"):
            for entry in range(table.getSize()):
                item = table.get(entry)
                if len(item.getKey()) == 2 and item.getKey().isalpha():
                    yield item.getKey(), item.getString()


def _dictionary_key(name: str, language: str) -> str:
    return " ".join(dictionary_form(word, language) for word in _WORD.findall(name))
