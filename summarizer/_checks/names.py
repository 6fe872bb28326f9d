"""Whether a name in Latin script is the usual form of a name written in another script.

A story in Russian writes "подписали ... с Сергеем Ивановым" (the instrumental case); an
English record wants "Sergei Ivanov". Code checks the model's Latin form against the words
as written: each word is brought to its dictionary form (pymorphy3 for Russian and
Ukrainian), transliterated by ICU's transforms (through pyicu, which rigour already needs),
and compared letter by letter with the proposal. Spellings differ by convention ("Sergei",
"Sergey", "Sergej"), so the comparison has a tolerance; Arabic, written without short
vowels, is compared on its consonants. Words in any order ("Ivanov Sergei") count.
"""

from __future__ import annotations

import threading
import unicodedata
from difflib import SequenceMatcher
from typing import Any

from .fold import ascii_letters, words

__all__ = ["MIN_SIMILARITY", "is_latin_form", "latin_forms"]

# Letter-by-letter similarity (difflib's ratio) from which two Latin forms are one name.
# Pinned by tests: "Sergei Ivanov" for "Сергеем Ивановым" is accepted, "Ivan Petrov" refused.
MIN_SIMILARITY = 0.8
# Pinyin has one spelling per syllable: "Wang Jianjun" is not "王建国" ("wang jian guo").
MIN_SIMILARITY_HAN = 0.9
# ICU transforms, in the order tried: a script's conventional romanisation first.
_TRANSFORMS = {
    "ru": ("Russian-Latin/BGN", "Any-Latin"),
    "uk": ("Ukrainian-Latin/BGN", "Any-Latin"),
    "zh": ("Han-Latin", "Any-Latin"),
}
# Arabic is written without short vowels, and its letters have several Latin spellings
# ("Akiki" and "ʿqyqy" for عقيقي): compared on consonants, q as k, h left out.
_SKELETON = str.maketrans("q", "k", "aeiouywh")
_local = threading.local()


def is_latin_form(name: str, mention: str, language: str) -> bool:
    """True when `name` (Latin script) is a usual Latin form of `mention` (another script)."""
    wanted = ascii_letters(name)
    if not wanted or not name.isascii() and not _is_latin(name) or _is_latin(mention):
        return False
    for form in latin_forms(mention, language):
        if language == "ar" or _is_arabic(mention):
            if _similar(_skeleton(wanted), _skeleton(ascii_letters(form))):
                return True
        elif _is_han(mention):
            if _similar(wanted, ascii_letters(form), MIN_SIMILARITY_HAN):
                return True
        elif _similar(wanted, ascii_letters(form)) or _similar(_sorted(name), _sorted(form)):
            return True
    return False


def latin_forms(mention: str, language: str) -> list[str]:
    """`mention` in Latin letters, as written and in its dictionary form, by each transform."""
    written = [mention]
    if language in ("ru", "uk"):
        dictionary = " ".join(_nominative(word, language) for word in mention.split())
        if dictionary != mention.casefold():
            written.append(dictionary)
    forms: list[str] = []
    for transform in _TRANSFORMS.get(language, ("Any-Latin",)):
        for text in written:
            forms.append(_transliterator(transform).transliterate(text))
    return list(dict.fromkeys(forms))


def _nominative(word: str, language: str) -> str:
    """A personal name's word in the nominative ("Сергеем" -> "сергей")."""
    from .languages import morphology

    parses = morphology(language).parse(word)
    personal = [p for p in parses if {"Name", "Surn", "Patr"} & p.tag.grammemes]
    parse = (personal or parses)[0]
    nominative = parse.inflect({"nomn"})
    return str(nominative.word if nominative is not None else parse.normal_form)


def _transliterator(transform: str) -> Any:
    # One per thread: the parts of a long article are checked in several threads at once,
    # and pyicu does not promise that one transliterator may serve them all.
    made: dict[str, Any] = _local.__dict__.setdefault("transliterators", {})
    if transform not in made:
        import icu  # type: ignore[import-untyped]  # pyicu ships no types

        made[transform] = icu.Transliterator.createInstance(f"{transform}; Latin-ASCII")
    return made[transform]


def _similar(one: str, other: str, least: float = MIN_SIMILARITY) -> bool:
    return bool(one and other) and SequenceMatcher(None, one, other).ratio() >= least


def _skeleton(letters: str) -> str:
    return letters.translate(_SKELETON)


def _sorted(text: str) -> str:
    return "".join(sorted(ascii_letters(word) for word in words(text)))


def _is_latin(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(ch, "") for ch in letters)


def _is_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)
