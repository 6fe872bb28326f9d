"""Every way the package folds text before comparing it, in one place, each named for its use.

- `fold_marks`: curly quotes, guillemets, corner brackets and every dash made plain, Arabic
  punctuation its Latin twin; spacing kept. Quotes are searched for in this form.
- `comparable`: `fold_marks`, invisible marks gone, Unicode decomposed (NFKD), so that a
  precomposed "é" meets "e" with a combining accent. A quote's characters are compared so.
- `words`: the words of a text, folded and composed, for "do these words stand in that
  quote". In scripts written without spaces (Chinese, Japanese, Thai) each character is a
  word of its own, since nothing marks where words end.
- `name_key`: case, accents, Arabic vowel marks and spacing set aside, for looking a name up
  in an index of names (countries, cities, weekdays).
- `loose_key`: `name_key` without punctuation, optionally in ASCII, for telling whether two
  records name the same thing (combining a long article's parts, scoring against gold).
- `alnum_key`: letters and digits only, case folded, for telling an abbreviation or a
  country's own name ("U.S.", "US") from a demonym.
- `ascii_letters`: letters only, accents stripped, for comparing a name with its
  transliteration letter by letter.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex  # type: ignore[import-untyped]  # no stubs installed

__all__ = [
    "INVISIBLE",
    "alnum_key",
    "ascii_letters",
    "combines",
    "comparable",
    "fold_marks",
    "loose_key",
    "name_key",
    "words",
]

_MARKS = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
        "\u300c": '"', "\u300d": '"', "\u300e": '"', "\u300f": '"',
        "\u060c": ",", "\u061b": ";", "\u061f": "?",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    }
)  # fmt: skip
# Marks that change how text is shown, not what it says: soft hyphen, zero-width space and
# joiners, direction marks and embeddings (right-to-left text), byte-order mark, tatweel; and
# the Arabic short-vowel marks (harakat, shadda, sukun), which writers add or leave out at
# will, unlike a Latin accent.
INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u061c\u0640\u202a\u202b\u202c"
             "\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
             "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"),
)  # fmt: skip

# A word: letters with their combining marks; in a script written without spaces, one
# character. An elided article before an apostrophe is a word of its own.
_WORD = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]"
    r"|(?:[^\W\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]|\p{M})+"
)
_PUNCTUATION = regex.compile(r"[^\w\s]+")


def fold_marks(text: str) -> str:
    """`text` with quote marks and dashes made plain; spacing and length kept."""
    return text.translate(_MARKS)


def combines(char: str) -> bool:
    """Whether `char` belongs to the letter before it: an accent, a vowel sign, a variation
    selector (Unicode category M). By category, not combining class: a Devanagari vowel sign
    or an emoji's variation selector has class 0, yet is no character of its own."""
    return unicodedata.category(char).startswith("M")


def comparable(text: str) -> str:
    """`text` as quote characters are compared: marks folded, invisible ones gone, NFKD."""
    return unicodedata.normalize("NFKD", fold_marks(text).translate(INVISIBLE))


# Bounded: the same quote and the same whole article are asked about for every fact.
@lru_cache(maxsize=1024)
def words(text: str) -> tuple[str, ...]:
    """The words of `text`, case-folded and composed (NFC)."""
    composed = unicodedata.normalize("NFC", fold_marks(text).translate(INVISIBLE)).casefold()
    return tuple(_WORD.findall(composed))  # an apostrophe ends a word: "l'algérie" is two


def name_key(text: str) -> str:
    """`text` for an index of names: case, accents, vowel marks and spacing set aside."""
    decomposed = unicodedata.normalize("NFKD", fold_marks(text).translate(INVISIBLE).casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def loose_key(text: str | None, *, ascii: bool = False) -> str:
    """`text` with punctuation dropped as well, and in ASCII when asked ("Bogotá" and
    "bogota", and with `ascii` "Алексей" and "aleksej", meet)."""
    if not text:
        return ""
    if ascii:
        from normality import normalize  # here: it costs 40 ms at import

        return normalize(text, lowercase=True, ascii=True) or ""
    return " ".join(_PUNCTUATION.sub(" ", name_key(text)).split())


def alnum_key(text: str) -> str:
    """`text`'s letters and digits, case folded ("U.S." and "us" meet)."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def ascii_letters(text: str) -> str:
    """`text`'s letters in ASCII, accents stripped and case folded; letters with no ASCII
    form (another script) are left out."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalpha() and ch.isascii())
