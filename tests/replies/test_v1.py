"""Prompt v1 and its reply schema keep working: the v1 reference replies, upgraded and checked
with today's rules, give the same facts, and the request still carries the v1 schema."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from helpers.support import NO_WAIT, ROOT, Script, all_evidence, article

from summarizer import NoAgreementError, summarize
from summarizer._model.cassettes import Cassette
from summarizer._replies import ModelReply

V1_REFERENCE = ROOT / "tests" / "fixtures" / "cassettes" / "reference_v1"
V1 = replace(NO_WAIT, prompt_version="1")


def replay_v1(path: Path) -> tuple[object, Script]:
    body = Cassette.load(path).interactions[0]["response"]["body"]
    script = Script(body)
    try:
        return summarize(article(path.stem), client=script.client(), settings=V1), script
    except NoAgreementError as exc:
        return exc, script


@pytest.mark.parametrize("path", sorted(V1_REFERENCE.glob("*.json")), ids=lambda p: p.stem)
def test_v1_reference_replies_still_summarize(path: Path) -> None:
    assert Cassette.load(path).source["prompt"] == "agreement_summary v1"
    outcome, script = replay_v1(path)
    (request,) = script.requests
    assert request["response_format"]["json_schema"] == {
        "name": "ModelReply",
        "schema": ModelReply.model_json_schema(),
    }
    assert (
        "Names you give (parties, signatories, venue, groups)" in request["messages"][0]["content"]
    )
    if path.stem == "talks_without_agreement":
        assert isinstance(outcome, NoAgreementError)
        return
    text = article(path.stem)
    assert outcome.meta.prompt_version == "1"  # type: ignore[attr-defined]
    assert outcome.meta.dropped == []  # type: ignore[attr-defined]
    for item in all_evidence(outcome):  # type: ignore[arg-type]
        assert text[item.start : item.end] == item.quote


def test_v1_party_names_become_their_own_mentions() -> None:
    summary, _ = replay_v1(V1_REFERENCE / "interpol_tren_de_aragua.json")
    assert [(p.name, p.mention, p.basis) for p in summary.parties] == [  # type: ignore[attr-defined]
        ("INTERPOL Washington", "INTERPOL Washington", "stated"),
        ("National Central Bureau Ottawa", "National Central Bureau Ottawa", "stated"),
    ]
    assert summary.venue.country.code == "FR"  # type: ignore[attr-defined]


def test_v1_schema_is_the_released_one() -> None:
    schema = ModelReply.model_json_schema()
    assert schema["title"] == "ModelReply"
    assert "signed_on" in schema["$defs"]["Agreement"]["properties"]
    assert "mention" not in schema["$defs"]["Party"]["properties"]
