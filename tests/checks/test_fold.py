"""How text is folded into words: scripts without spaces, a character at a time."""

from __future__ import annotations

from summarizer._checks.fold import words


def test_scripts_without_spaces_are_matched_character_by_character() -> None:
    assert words("中国和巴西签署合作协议") == tuple("中国和巴西签署合作协议")
    assert words("Policía Nacional, l'Algérie") == ("policía", "nacional", "l", "algérie")
