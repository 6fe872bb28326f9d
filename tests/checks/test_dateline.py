"""The dateline of an article's opening line, read in the article's language."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.language_articles import STEMS, expected_of, text_of

from summarizer._checks.dateline import read_dateline
from summarizer._checks.quotes import ArticleText


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
