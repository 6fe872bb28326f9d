"""Whether words stand in a quote: together and in order, in any order, or as the full
form of an abbreviation the article spells out; and the words around a mention."""

from __future__ import annotations

import re

from .fold import fold_marks, words

__all__ = ["contains_words", "spells_out", "words_around", "words_in", "written_as_one"]


def contains_words(haystack: str, needle: str) -> bool:
    """True when the words of `needle` stand together, in order, among those of `haystack`.

    Case, punctuation, curly quotes, dashes and spacing are ignored, word boundaries are
    kept: "Somalia" is not in "Somali and".
    """
    wanted = words(needle)
    if not wanted:
        return False
    have = words(haystack)
    size = len(wanted)
    return any(have[i : i + size] == wanted for i in range(len(have) - size + 1))


def written_as_one(text: str, name: str, other: str) -> bool:
    """True when `text` gives `name` and `other` as one thing's two names: one right after
    the other in brackets ("Mara Salvatrucha (MS-13)", "MS-13 (Mara Salvatrucha)"), or
    joined by "known as", "alias", "or". A name that is the tail of a longer one ("Crime
    Agency" in "National Crime Agency (NCA)") does not count."""
    folded = fold_marks(text)
    for first, second in ((name, other), (other, name)):
        pattern = re.compile(
            rf"(?<![\w-])({re.escape(first)})\s*(?:[(\[]\s*|,?\s+(?:{_JOINS})\s+(?:the\s+)?[\"']?)"
            rf"{re.escape(second)}(?![\w-])",
            re.IGNORECASE,
        )
        for found in pattern.finditer(folded):
            before = folded[: found.start()].rstrip()
            previous = re.search(r"(\w+)\W*$", before)
            word = previous.group(1) if previous else ""
            if not word[:1].isupper() or word.casefold() in _DETERMINERS:
                return True
    return False


_JOINS = "also known as|known as|better known as|alias|aka|or|called|also called"
# Capitalised at the start of a sentence, yet no part of the name after them.
_DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "el",
        "la",
        "los",
        "las",
        "le",
        "les",
        "il",
        "lo",
        "gli",
        "die",
        "der",
        "das",
    ]
)


# Words too common to prove anything when checking that a label's words are in its quote.
_FILLER = frozenset({"a", "an", "the", "of", "and", "for", "to", "in", "on", "s"})


def words_in(haystack: str, needle: str) -> bool:
    """True when every word of `needle` is a word of `haystack`, in any order.

    Case, a possessive and a plural ending are ignored ("banned parties" holds "banned
    party", "Interior Minister" holds "Minister of the Interior"); filler words are skipped.
    """
    have = {_stem(w) for w in words(haystack)}
    wanted = [_stem(w) for w in words(needle) if w not in _FILLER]
    return bool(wanted) and all(w in have for w in wanted)


def _stem(word: str) -> str:
    word = word.casefold()
    for ending, replacement in (("ies", "y"), ("s", "")):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + replacement
    return word


def spells_out(text: str, short: str, full: str) -> bool:
    """True when the article spells abbreviation `short` out as `full`.

    `short` must be the initials of `full` (its capitalised words; words both share, like
    "Ottawa" in "NCB Ottawa", aside), and the article must write `full` whole: as
    "Full Name (FN)", "FN (Full Name)", or anywhere in the text.
    """
    short_words, full_words = short.split(), full.split()
    while short_words and full_words and short_words[-1] == full_words[-1]:
        short_words.pop(), full_words.pop()
    while short_words and full_words and short_words[0] == full_words[0]:
        short_words.pop(0), full_words.pop(0)
    if len(short_words) != 1:
        return False
    letters = short_words[0].replace(".", "")
    initials = "".join(word[0] for word in full_words if word[:1].isupper())
    return len(initials) >= 2 and letters == initials and contains_words(text, full)


# A possessive is part of its word here: "Zambia's Drug Enforcement Commission (DEC)" keeps
# Zambia within four words of "DEC".
_WORD_AND_POSSESSIVE = re.compile(r"\w+(?:['\u2019]s\b)?")


def _bare(word: str) -> str:
    """A word without its possessive, folded: "Guard's" is found as "Guard"."""
    return re.sub(r"['\u2019]s\Z", "", word).casefold()


def words_around(quote: str, mention: str, words: int = 4) -> str:
    """The words of `quote` around `mention`: up to `words` either side."""
    found = _WORD_AND_POSSESSIVE.finditer(quote)
    tokens = [(m.start(), m.end(), _bare(m.group())) for m in found]
    wanted = [_bare(w) for w in _WORD_AND_POSSESSIVE.findall(mention)]
    for i in range(len(tokens) - len(wanted) + 1):
        if [t[2] for t in tokens[i : i + len(wanted)]] == wanted:
            first = max(i - words, 0)
            last = min(i + len(wanted) - 1 + words, len(tokens) - 1)
            return quote[tokens[first][0] : tokens[last][1]]
    return quote
