"""Find the model's quotes in the article and turn them into character spans.

A quote matches in one of three ways, and the span always slices the article's own words:

- "exact": the quote is a stretch of the article as it stands;
- "normalized": equal once both are folded the same way: curly quotes, guillemets and
  corner brackets become straight quotes, every dash a hyphen, Arabic punctuation its Latin
  twin; Unicode compatibility forms are decomposed (NFKD: a precomposed "é" meets "e" with
  a combining accent, a ligature its letters); whitespace, direction marks, zero-width
  characters, soft hyphens and the Arabic tatweel are ignored;
- "elided": the quote's words occur in the article in the same order, with a few words
  left out between them (smaller models shorten long sentences). No word may be added,
  changed or moved (a word holds its marks: "Bogota" is not "Bogotá"), no negation may
  be left out, and the gaps are bounded.

Anything else (a changed word, letter or case) is a miss, raised as `ValueError` with a
reason the model can act on. The stored quote is always `text[start:end]`, so a caller
can rely on `text[e.start:e.end] == e.quote` whatever the match.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby

import regex  # type: ignore[import-untyped]  # no stubs installed

from .._replies.base import MAX_QUOTE_CHARS
from .._summary import MatchKind
from .fold import INVISIBLE, combines, comparable, fold_marks

__all__ = ["MAX_QUOTE_CHARS", "ArticleText", "DatelineParts", "Span"]

MIN_QUOTE_CHARS = 3
# Elided quotes: enough words to be unambiguous, short gaps, and never more left out than kept.
MIN_ELIDED_WORDS = 4
MAX_GAP_WORDS = 8
MAX_ELIDED_WORDS = 12
MAX_ELIDED_STARTS = 200
# Leaving one of these out can turn a statement into its opposite.
_NEGATIONS = frozenset({"not", "no", "never", "nor", "neither", "without", "t", "cannot"})

# A word holds its letters' combining marks (Python's \w leaves them out): "Bogota\u0301"
# is not "Bogota" left out of a quote, and no span ends between a letter and its accent.
_WORD = regex.compile(r"[\w\p{M}]+")

# "2025-02-14 OTTAWA (dpa-AFX) -", "LYON, France, March 3 (Reuters) —", "BRUSSELS —":
# where and when the story was filed, which is not where or when anything was signed.
_DATELINE = re.compile(
    r"""\A\s*(?:date\s+)?(?:(?P<iso>\d{4}-\d{2}-\d{2})\s+)?
        (?P<place>[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ.'-]+(?:[ ][A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ.'-]+)*)  # CITY, capitals
        (?:,[ ](?P<region>[A-Za-z.]+(?:[ ][A-Za-z.]+)*))?                 # , Region
        (?:,[ ](?P<day>[A-Z][a-z]{2,8}\.?[ ]\d{1,2}(?:,[ ]\d{4})?))?      # , Feb. 14[, 2025]
        \s*(?:\((?P<agency>[^()\n]{1,40})\))?\s*[-\u2013\u2014]{1,2}""",
    re.VERBOSE,
)
# The same in other languages and scripts: "BOGOTÁ, 12 de marzo de 2025 (Agencia) –",
# "МОСКВА, 20 июня 2025 года (ТАСС) –", "الرباط، 15 مايو 2025 (وكالة) –". The place is in
# capitals where the script has them, the date holds a year and the agency follows it
# ("北京，2025年5月12日（通讯社）——" with full-width marks), so
# that an English opening such as "EXCLUSIVE, 2 sources say -" is no dateline.
_DATELINE_ANY = re.compile(
    r"""\A\s*(?P<place>[^\W\d_]+(?:[ '-][^\W\d_]+){0,3})\s*[,\u060c\uff0c\u3001]\s*
        (?P<iso>)(?P<region>)(?P<day>[^()\uff08\uff09\n\u2013\u2014]{0,30}?(?<!\d)(?:19|20)\d{2}(?!\d)
                                   [^()\uff08\uff09\n\u2013\u2014]{0,12}?)
        \s*[(\uff08](?P<agency>[^()\uff08\uff09\n]{1,60})[)\uff09]\s*[-\u2013\u2014]{1,2}""",
    re.VERBOSE,
)
_NON_SPACE = re.compile(r"\S+")
_ASCII_SPACES = dict.fromkeys(i for i in range(128) if chr(i).isspace())
_BOILERPLATE = re.compile(
    r"Copyright\s*(?:\(c\)|©)?|All Rights Reserved|\(c\)\s*\d{4}", re.IGNORECASE
)


@dataclass(frozen=True)
class Span:
    """A located quote: `text[start:end]` is the article's own wording of it."""

    start: int
    end: int
    match: MatchKind


@dataclass(frozen=True)
class DatelineParts:
    """The dateline as written, split into its parts (any of them may be missing)."""

    start: int
    end: int
    place: str
    region: str | None
    iso_date: str | None
    day: str | None
    agency: str | None


class ArticleText:
    """The article, indexed once for quote look-ups."""

    def __init__(self, text: str, *, part_of: ArticleText | None = None, at: int = 0) -> None:
        """`text` is the article, or `part_of.text[at:at + len(text)]` when `part_of` is given:
        a part of a long article has the whole's dateline (if it starts there) and notice."""
        self.text = text
        folded = fold_marks(text)
        self._squeezed, self._offsets = _squeezed(folded)
        self._folded = folded
        self.dateline: DatelineParts | None
        self.boilerplate_from: int
        if part_of is not None:
            self.dateline = part_of.dateline if at == 0 else None
            self.boilerplate_from = min(max(part_of.boilerplate_from - at, 0), len(text))
            return
        self.dateline = _parse_dateline(text)
        boilerplate = _BOILERPLATE.search(text, len(text) // 2)
        self.boilerplate_from = boilerplate.start() if boilerplate else len(text)

    def locate(self, quote: str) -> Span:
        """Return where `quote` stands in the article, or raise ValueError saying why not."""
        squeezed = _squeeze(quote)
        if len(squeezed) < MIN_QUOTE_CHARS:
            raise ValueError(f"quote {quote!r} is too short to locate; quote at least a few words")
        if len(quote) > MAX_QUOTE_CHARS:
            raise ValueError(
                f"quote of {len(quote)} characters is too long; quote at most {MAX_QUOTE_CHARS}"
            )
        found_in_boilerplate = False
        for span in self._occurrences(quote, squeezed):
            if span.start >= self.boilerplate_from:
                found_in_boilerplate = True
                continue
            return span
        if found_in_boilerplate:
            raise ValueError(
                f"quote {quote!r} comes from the copyright or agency notice, not the story"
            )
        raise ValueError(
            f"quote {quote!r} is not in the article; copy the words exactly as written"
        )

    @cached_property
    def _words(self) -> list[tuple[str, int, int]]:
        # Built only when a quote is not found as written: most replies never need it.
        return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(self._folded)]

    @cached_property
    def _positions(self) -> dict[str, list[int]]:
        positions: dict[str, list[int]] = {}
        for index, (word, _, _) in enumerate(self._words):
            positions.setdefault(word, []).append(index)
        return positions

    @cached_property
    def _folded_body(self) -> str:
        # Marks fold one character to one; casefold() may lengthen a rare letter ("ß"),
        # which shifts a window by a character or two: it is only a neighbourhood.
        return fold_marks(self.body).casefold()

    @property
    def body(self) -> str:
        """The story without its dateline and its copyright or agency notice."""
        start = self.dateline.end if self.dateline else 0
        return self.text[start : self.boilerplate_from]

    def around(self, words: str, chars: int = 60) -> Iterator[str]:
        """The body's text around each place it writes `words` (case and marks folded)."""
        wanted = fold_marks(words).casefold()
        if not wanted.strip():
            return
        body = self._folded_body
        at = body.find(wanted)
        while at != -1:
            yield self.body[max(at - chars, 0) : at + len(wanted) + chars]
            at = body.find(wanted, at + 1)

    def in_dateline(self, span: Span) -> bool:
        """True when the span starts inside the dateline ("OTTAWA (dpa-AFX) - The ...")."""
        return self.dateline is not None and span.start < self.dateline.end

    def _occurrences(self, quote: str, squeezed: str) -> Iterator[Span]:
        start = self.text.find(quote)
        while start != -1:
            end = start + len(quote)
            # Whole characters only: "Bogota" is not "Bogotá" written with a combining accent,
            # and a quote that begins with the accent begins inside the letter.
            if not combines(self.text[start]) and (
                end == len(self.text) or not combines(self.text[end])
            ):
                yield Span(start, end, "exact")
            start = self.text.find(quote, start + 1)
        offsets, size = self._offsets, len(squeezed)
        # A quote that begins with an accent begins inside a letter: its marks, put in
        # canonical order, would be sought among another letter's.
        shown = quote.translate(INVISIBLE).lstrip()
        at = self._squeezed.find(squeezed) if not (shown and combines(shown[0])) else -1
        while at != -1:
            last = at + size - 1
            # Whole characters only: "cafe" is not "café" cut before its accent.
            after = last + 1
            if (at == 0 or offsets[at - 1] != offsets[at]) and (
                after == len(offsets)
                # (the text's own character: "¨" decomposes to a mark, yet is no accent)
                or (offsets[after] != offsets[last] and not combines(self.text[offsets[after]]))
            ):
                # Marks put in canonical order may come out of the text's order.
                stretch = offsets[at : last + 1]
                yield Span(min(stretch), self._mark_end(max(stretch) + 1), "normalized")
            at = self._squeezed.find(squeezed, at + 1)
        yield from self._elided(_WORD.findall(fold_marks(quote)))

    def _mark_end(self, end: int) -> int:
        """`end` moved past the marks it stands before: a quote without the Arabic vowel
        marks the article writes still ends with its last letter's, not between them."""
        while end < len(self.text) and combines(self.text[end]):
            end += 1
        return end

    def _elided(self, words: list[str]) -> Iterator[Span]:
        """Stretches holding `words` in order with short gaps and no negation left out."""
        if len(words) < MIN_ELIDED_WORDS:
            return
        starts = self._positions.get(words[0], [])
        for first in starts[:MAX_ELIDED_STARTS]:  # bounded: text of one repeated word
            found = self._follow(words, first)
            if found is None:
                continue
            # The tightest window that ends there, so that the span holds no more than the
            # model quoted ("the gang known as TdA" must not start at an earlier "the").
            found = self._follow(words[::-1], found[-1], backwards=True) or found
            positions = sorted(found)
            gaps = [self._words[a + 1 : b] for a, b in zip(positions, positions[1:], strict=False)]
            skipped = sum(len(gap) for gap in gaps)
            start, end = self._words[positions[0]][1], self._words[positions[-1]][2]
            if (
                skipped <= min(MAX_ELIDED_WORDS, len(words))
                and end - start <= MAX_QUOTE_CHARS
                and not any(w.casefold() in _NEGATIONS for gap in gaps for w, _, _ in gap)
            ):
                yield Span(start, end, "elided")

    def _follow(self, words: list[str], first: int, *, backwards: bool = False) -> list[int] | None:
        """Word positions matching `words` from `first` on (or back), each gap short."""
        found = [first]
        for word in words[1:]:
            positions = self._positions.get(word, [])
            if backwards:
                at = bisect.bisect_left(positions, found[-1]) - 1
                if at < 0 or found[-1] - positions[at] - 1 > MAX_GAP_WORDS:
                    return None
            else:
                at = bisect.bisect_right(positions, found[-1])
                if at == len(positions) or positions[at] - found[-1] - 1 > MAX_GAP_WORDS:
                    return None
            found.append(positions[at])
        return found


def _parse_dateline(text: str) -> DatelineParts | None:
    found = _DATELINE.match(text) or _DATELINE_ANY.match(text)
    if not found or (found.re is _DATELINE_ANY and any(ch.islower() for ch in found["place"])):
        return None
    return DatelineParts(
        start=found.start("place") if not found["iso"] else found.start("iso"),
        end=found.end(),
        place=found["place"],
        region=found["region"] or None,
        iso_date=found["iso"] or None,
        day=found["day"],
        agency=found["agency"],
    )


def _squeezed(folded: str) -> tuple[str, list[int]]:
    """`folded` without its spaces, and where each of its characters stands in `folded`."""
    if folded.isascii():  # most articles: one character for one
        kept = [i for i, ch in enumerate(folded) if not ch.isspace()]
        return folded.translate(_ASCII_SPACES), kept
    chars: list[str] = []
    offsets: list[int] = []
    for run in _NON_SPACE.finditer(folded):  # word by word: most words are ASCII
        word, start = run.group(), run.start()
        if word.isascii():
            chars.append(word)
            offsets.extend(range(start, run.end()))
            continue
        outs: list[str] = []
        where: list[int] = []
        for i, ch in enumerate(word, start):
            # One character may compare as several ("ﬁ" as "fi", "é" as "e" + accent).
            for out in ch if ch.isascii() else comparable(ch):
                outs.append(out)
                where.append(i)
        if not unicodedata.is_normalized("NFKD", "".join(outs)):  # seldom
            outs, where = _in_canonical_order(outs, where)
        chars += outs
        offsets += where
    squeezed = "".join(chars)
    if " " in squeezed:  # "¨" compares as a space and a mark
        kept = [at for at, ch in enumerate(squeezed) if ch != " "]
        return squeezed.replace(" ", ""), [offsets[at] for at in kept]
    return squeezed, offsets


def _in_canonical_order(chars: list[str], offsets: list[int]) -> tuple[list[str], list[int]]:
    """Each run of marks sorted by combining class, as NFKD sorts a whole quote's:
    decomposed one character at a time, "e" + acute + dot below (Hebrew points in any
    order, too) would never meet the same letter in the quote's NFC or NFD form."""
    ordered: list[tuple[str, int]] = []
    pairs = zip(chars, offsets, strict=True)
    for _, run in groupby(pairs, key=lambda pair: unicodedata.combining(pair[0]) > 0):
        ordered += sorted(run, key=lambda pair: unicodedata.combining(pair[0]))  # stable
    return [char for char, _ in ordered], [at for _, at in ordered]


def _squeeze(text: str) -> str:
    return "".join(comparable(text).split())
