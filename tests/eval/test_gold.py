"""Gold files: what is not one is refused, typos included."""

from __future__ import annotations

import json

import pytest
from helpers.gold import GOLD

from summarizer._eval.gold import GoldFile


def test_a_gold_file_with_an_unknown_key_is_refused(tmp_path) -> None:
    from summarizer import ConfigError

    path = tmp_path / "x.gold.json"
    path.write_text(json.dumps({**GOLD, "partys": []}))
    with pytest.raises(ConfigError, match="not a gold file"):
        GoldFile.load(path)


@pytest.mark.parametrize(
    "change",
    [
        {"agreement": {"kind": "memorandum_of_understandin"}},
        {"parties": [{"name": "X", "country": "UK"}]},
        {"aims": ["intelligence"]},
        {"signatories": [{"name": "A", "party": "Nobody"}]},
    ],
)
def test_a_gold_file_with_a_typo_is_refused(change) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        GoldFile.model_validate({**GOLD, **change})
