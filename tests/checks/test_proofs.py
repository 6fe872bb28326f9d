"""How far code proves a value: a country's government named as a whole."""

from __future__ import annotations

import pytest


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
