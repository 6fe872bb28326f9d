"""The four articles written for the project in other languages (Spanish, French, Russian,
Arabic), with what each must give: shared by tests/checks/test_languages.py,
test_quotes.py and test_dateline.py."""

from __future__ import annotations

import json
from typing import Any

from helpers.support import TEST_ARTICLES

LANGUAGE_ARTICLES = TEST_ARTICLES / "languages"
STEMS = [
    "es_colombia_spain_mou",
    "fr_senegal_france_cooperation",
    "ru_russia_cuba_agreement",
    "ar_morocco_jordan_memorandum",
]


def text_of(stem: str) -> str:
    return (LANGUAGE_ARTICLES / f"{stem}.txt").read_text(encoding="utf-8")


def expected_of(stem: str) -> dict[str, Any]:
    return json.loads((LANGUAGE_ARTICLES / f"{stem}.expected.json").read_text(encoding="utf-8"))
