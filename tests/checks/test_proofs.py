"""How code proves a normalised value from the article; a check that fails inside the
package is logged and costs its value, never a re-ask."""

from __future__ import annotations

import logging

import pytest
from helpers.support import Script, completion

from summarizer import Settings, summarize


def test_a_bug_inside_a_check_is_logged_never_sent_to_the_model(
    seed_article, seed_reply, monkeypatch, caplog
) -> None:
    from summarizer._checks import proofs

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("Grammeme is unknown: Geox")

    monkeypatch.setattr(proofs, "party_country", broken)
    script = Script(completion(seed_reply))
    with caplog.at_level(logging.ERROR, logger="summarizer"):
        summary = summarize(seed_article, client=script.client(), settings=Settings())
    assert len(script.requests) == 1  # no re-ask: the model cannot fix our bug
    assert all(p.country is None for p in summary.parties)
    assert any("a check failed inside summarizer" in d.reason for d in summary.meta.dropped)
    assert summary.meta.article_sha256 in caplog.text and "Geox" in caplog.text


@pytest.mark.parametrize(
    ("mention", "country", "language", "is_government"),
    [
        ("the Kenyan authorities", ("KE", "Kenya"), "en", True),
        ("el Gobierno peruano", ("PE", "Peru"), "es", True),
        ("السلطات المغربية", ("MA", "Morocco"), "ar", True),
        ("中国政府", ("CN", "China"), "zh", True),
        ("the Kenyan police", ("KE", "Kenya"), "en", False),  # an agency, not the government
        ("Kenya Ports Authority", ("KE", "Kenya"), "en", False),
    ],
)
def test_a_countrys_government_as_a_whole(mention, country, language, is_government) -> None:
    from summarizer._checks.proofs import government_of

    assert government_of(mention, country, language) is is_government
