"""Stories that report several agreements (prompt v3): one summary each, the principal first.

The round-ups in tests/fixtures/articles/roundups/ were written for the project, each with a
reference reply (tests/fixtures/cassettes/roundups_languages/reference/) and the facts
expected of each agreement.
"""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import replace
from typing import Any

import pytest
from helpers.support import (
    NO_WAIT,
    TEST_ARTICLES,
    V2_NO_WAIT,
    Script,
    as_v2,
    completion,
    principal,
    replay_all,
)

from summarizer import (
    AgreementSummary,
    NoAgreementError,
    SummaryCache,
    UngroundedReplyError,
    asummarize_all,
    summarize,
    summarize_all,
)
from summarizer._summary import evidence_in

ROUNDUPS = TEST_ARTICLES / "roundups"
STEMS = sorted(p.stem for p in ROUNDUPS.glob("*.txt"))
SHARED = "shared_party_two_agreements"


def text_of(stem: str) -> str:
    return (ROUNDUPS / f"{stem}.txt").read_text(encoding="utf-8")


def expected_of(stem: str) -> list[dict[str, Any]]:
    agreements: list[dict[str, Any]] = json.loads(
        (ROUNDUPS / f"{stem}.expected.json").read_text(encoding="utf-8")
    )["agreements"]
    return agreements


def reply_of(stem: str) -> dict[str, Any]:
    reply: dict[str, Any] = json.loads((ROUNDUPS / f"{stem}.reply.json").read_text("utf-8"))
    return reply


def facts_of(summary: AgreementSummary) -> dict[str, Any]:
    venue = summary.venue
    return {
        "kind": summary.agreement.kind,
        "title": summary.agreement.title,
        "parties": sorted(p.name for p in summary.parties),
        "signatories": [s.name for s in summary.signatories],
        "aim_categories": sorted(a.category for a in summary.aims),
        "venue_city": venue.city.name if venue and venue.city else None,
    }


def test_the_round_ups_report_two_three_and_five_agreements() -> None:
    counts = sorted(len(expected_of(stem)) for stem in STEMS)
    assert counts == [2, 2, 3, 5]


@pytest.mark.parametrize("stem", STEMS)
def test_every_agreement_gets_its_own_summary_principal_first(stem: str) -> None:
    text = text_of(stem)
    summaries = replay_all(stem, text)
    assert [facts_of(s) for s in summaries] == expected_of(stem)
    for summary in summaries:
        assert summary.meta.other_agreements == len(summaries) - 1
        assert summary.meta.dropped == []
        for evidence in evidence_in([summary.agreement, summary.parties, summary.aims]):
            assert text[evidence.start : evidence.end] == evidence.quote


@pytest.mark.parametrize("stem", STEMS)
def test_each_agreements_facts_are_its_own(stem: str) -> None:
    """No agreement borrows another's parties or aims: their quotes differ."""
    summaries = replay_all(stem, text_of(stem))
    aims = [{(a.evidence.start, a.evidence.end) for a in s.aims} for s in summaries]
    for index, mine in enumerate(aims):
        others = set().union(*(a for i, a in enumerate(aims) if i != index))
        assert not mine & others
    assert len({s.agreement.evidence.start for s in summaries}) == len(summaries)


def test_two_agreements_sharing_a_party_both_keep_it() -> None:
    first, second = replay_all(SHARED, text_of(SHARED))
    assert "Europol" in {p.name for p in first.parties} & {p.name for p in second.parties}
    assert {p.name for p in first.parties} != {p.name for p in second.parties}


def test_summarize_returns_the_principal_and_counts_the_others() -> None:
    stem = "conference_five_agreements"
    script = Script(completion(reply_of(stem)))
    summary = summarize(text_of(stem), client=script.client(), settings=NO_WAIT)
    assert facts_of(summary) == expected_of(stem)[0]
    assert summary.meta.other_agreements == 4
    assert len(script.requests) == 1


def test_the_async_twin_returns_every_agreement() -> None:
    stem = "summit_three_agreements"
    script = Script(completion(reply_of(stem)))
    summaries = asyncio.run(
        asummarize_all(text_of(stem), client=script.async_client(), settings=NO_WAIT)
    )
    assert [facts_of(s) for s in summaries] == expected_of(stem)


def test_another_agreement_whose_own_quote_fails_is_dropped_not_the_story() -> None:
    stem = "visit_two_memoranda"
    reply = copy.deepcopy(reply_of(stem))
    reply["agreements"][1]["agreement"]["evidence"] = "signed a treaty of eternal friendship"
    script = Script(completion(reply))
    summaries = summarize_all(
        text_of(stem), client=script.client(), settings=replace(NO_WAIT, reasks=0)
    )
    assert [facts_of(s) for s in summaries] == expected_of(stem)[:1]
    assert summaries[0].meta.other_agreements == 0
    lost = {d.path: d for d in summaries[0].meta.dropped}
    reason = lost["agreements[1]"].reason
    assert reason.startswith("its own quote or its parties failed the checks: ")
    assert "agreements[1].agreement.evidence 'signed a treaty of eternal friendship'" in reason


def test_a_failed_fact_of_another_agreement_is_reasked_by_its_path() -> None:
    stem = "visit_two_memoranda"
    good = reply_of(stem)
    bad = copy.deepcopy(good)
    signatory = bad["agreements"][1]["signatories"][0]
    signatory["name"] = signatory["mention"] = "John Smith"
    script = Script(completion(bad), completion(good))
    summaries = summarize_all(text_of(stem), client=script.client(), settings=NO_WAIT)
    reask = script.requests[1]["messages"][-1]["content"]
    assert "- agreements[1].signatories[0].mention 'John Smith': is not in its quote" in reask
    assert [facts_of(s) for s in summaries] == expected_of(stem)


def test_the_principal_agreements_core_facts_still_fail_the_story() -> None:
    stem = "visit_two_memoranda"
    bad = copy.deepcopy(reply_of(stem))
    principal(bad)["agreement"]["evidence"] = "signed a treaty of eternal friendship"
    script = Script(completion(bad))
    with pytest.raises(UngroundedReplyError) as caught:
        summarize_all(text_of(stem), client=script.client(), settings=replace(NO_WAIT, reasks=0))
    assert any("agreements[0].agreement.evidence" in p for p in caught.value.problems)


def test_no_agreement_lists_none() -> None:
    reply = {
        "reports_agreement": False,
        "no_agreement_reason": "Only talks were held.",
        "agreements": [],
        "headline": "Ministers met; nothing was signed.",
    }
    script = Script(completion(reply))
    with pytest.raises(NoAgreementError) as caught:
        summarize_all(text_of(SHARED), client=script.client(), settings=NO_WAIT)
    assert caught.value.meta.other_agreements == 0


def test_prompt_v2_asks_about_one_agreement_and_cannot_count_others() -> None:
    stem = "visit_two_memoranda"
    one = reply_of(stem)
    one = {**one, "agreements": one["agreements"][:1]}
    script = Script(completion(as_v2(one)))
    summaries = summarize_all(text_of(stem), client=script.client(), settings=V2_NO_WAIT)
    assert len(summaries) == 1 and summaries[0].meta.other_agreements is None
    assert summaries[0].meta.prompt_version == "2"


def test_the_cache_keeps_every_agreement(tmp_path) -> None:
    stem = "summit_three_agreements"
    cache = SummaryCache(tmp_path / "cache.sqlite")
    script = Script(completion(reply_of(stem)))
    first = summarize_all(text_of(stem), client=script.client(), settings=NO_WAIT, cache=cache)
    again = summarize_all(text_of(stem), client=script.client(), settings=NO_WAIT, cache=cache)
    assert len(script.requests) == 1
    assert [facts_of(s) for s in again] == [facts_of(s) for s in first]
    assert all(s.meta.cached for s in again) and not any(s.meta.cached for s in first)
    assert summarize(
        text_of(stem), client=script.client(), settings=NO_WAIT, cache=cache
    ).meta.cached


def test_more_agreements_than_the_schema_allows_keeps_the_first_ones(caplog) -> None:
    stem = "visit_two_memoranda"
    reply = reply_of(stem)
    many = {**reply, "agreements": [reply["agreements"][0]] + [reply["agreements"][1]] * 19}
    script = Script(completion(many))
    summaries = summarize_all(text_of(stem), client=script.client(), settings=NO_WAIT)
    assert len(script.requests) == 1
    assert len(summaries) == 16  # the repeats are not told apart here: each is checked
    assert "the reply lists 20 agreements; only the first 16 are kept" in caplog.text
