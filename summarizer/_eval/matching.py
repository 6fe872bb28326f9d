"""When a summary's value is the gold one: names and titles compared folded, and lists paired.

Matching is on normalised text (normality: case, accents, punctuation and spacing folded)
over each fact's names: a party's canonical name and its mention against the gold name
and aliases, so "NCA" and "National Crime Agency" are one party.
"""

from __future__ import annotations

from .._checks.fold import loose_key

__all__ = ["best_pairs", "folded_names", "match_key", "same"]


def match_key(text: str | None) -> str:
    """The form two names are compared in: case, accents, punctuation and spacing folded."""
    return loose_key(text, ascii=True)


def folded_names(*names: str | None) -> set[str]:
    """The folded forms of the names given, those that fold to nothing left out."""
    return {folded for name in names if (folded := match_key(name))}


def same(gold: object, got: object, *, title: bool = False) -> bool:
    """Equal values; text folded. Titles as written may also differ in number and article
    ("the defence ministers" is "defence minister"), but any other word, such as "deputy",
    makes another title."""
    if not (isinstance(gold, str) and isinstance(got, str)):
        return gold == got
    if not title:
        return match_key(gold) == match_key(got)
    return _title_words(gold) == _title_words(got)


def _title_words(title: str) -> list[str]:
    words = [w for w in match_key(title).split() if w not in ("the", "a", "an")]
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words]


def best_pairs(gold: list[set[str]], got: list[set[str]]) -> list[tuple[int, int]]:
    """The most pairs (gold index, got index) sharing a name, each side used at most once
    (augmenting paths: the first pairing found must not block a better one)."""
    owner: dict[int, int] = {}  # got index -> gold index

    def place(i: int, visited: set[int]) -> bool:
        for j, names in enumerate(got):
            if j in visited or not gold[i] & names:
                continue
            visited.add(j)
            if j not in owner or place(owner[j], visited):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        place(i, set())
    return sorted((i, j) for j, i in owner.items())
