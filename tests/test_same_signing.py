"""Asking the model about a pair merging's rules leave unsure: its answer must quote the
stories, is re-asked when it does not, and what it costs is counted."""

from __future__ import annotations

import pytest
from helpers.merge_set import merge_set
from helpers.support import NO_WAIT, Script, completion

from summarizer import AgreementSummary, InvalidReplyError, merge
from summarizer._merge.signing import Signing, verdict
from summarizer._same_signing import ModelJudge


def undated_in(summary: AgreementSummary, city: str) -> AgreementSummary:
    """`summary` with no signing day, an undated dateline and its venue in `city`."""
    venue = summary.venue.model_copy(
        update={"city": summary.venue.city.model_copy(update={"name": city})}
    )
    return summary.model_copy(update={
        "agreement": summary.agreement.model_copy(update={"signed": None}),
        "dateline": summary.dateline.model_copy(update={"filed_on": None}),
        "venue": venue,
    })  # fmt: skip


@pytest.fixture
def unsure_pair() -> list[tuple[str, AgreementSummary]]:
    (base,), _ = merge_set()["merge_a_interpol_en_wire"]
    pair = [("wire", undated_in(base, "Lyon")), ("paper", undated_in(base, "Ottawa"))]
    one, other = (Signing.of(story, 0, s) for story, s in pair)
    assert verdict(one, other) == "unsure"
    return pair


def answer(same: bool, evidence: str) -> dict:
    return completion({"same_signing": same, "evidence": evidence, "reason": "as quoted"})


def test_without_a_judge_an_unsure_pair_stays_apart(unsure_pair) -> None:
    assert len(merge(unsure_pair)) == 2


def test_the_model_decides_an_unsure_pair_and_its_cost_is_counted(unsure_pair) -> None:
    quote = unsure_pair[0][1].agreement.evidence.quote
    script = Script(answer(True, "a quote that is in neither story"), answer(True, quote))
    judge = ModelJudge(model="test-model", settings=NO_WAIT, client=script.client())
    records = merge(unsure_pair, unsure=judge)
    assert len(records) == 1 and len(records[0].sources) == 2
    assert judge.decisions == 1 and judge.usage.total_tokens == 300  # two replies of 150
    asked = script.requests[1]["messages"][-1]["content"]
    assert "copy one of the quotes given" in asked  # the re-ask names what failed
    shown = script.requests[0]["messages"][1]["content"]
    assert '<story id="A">' in shown and quote in shown


def test_a_no_keeps_the_pair_apart(unsure_pair) -> None:
    quote = unsure_pair[1][1].venue.evidence.quote
    judge = ModelJudge(model="test-model", settings=NO_WAIT,
                       client=Script(answer(False, quote)).client())  # fmt: skip
    assert len(merge(unsure_pair, unsure=judge)) == 2 and judge.decisions == 1


def test_an_answer_that_never_quotes_is_a_typed_error(unsure_pair) -> None:
    bad = answer(True, "nothing like the stories")
    judge = ModelJudge(model="test-model", settings=NO_WAIT, client=Script(bad, bad, bad).client())
    with pytest.raises(InvalidReplyError):
        merge(unsure_pair, unsure=judge)
    assert judge.usage.total_tokens > 0


def test_the_dateline_it_was_shown_is_a_quote_it_may_give(unsure_pair) -> None:
    dateline = unsure_pair[0][1].dateline.evidence.quote
    script = Script(answer(True, dateline))
    judge = ModelJudge(model="test-model", settings=NO_WAIT, client=script.client())
    assert len(merge(unsure_pair, unsure=judge)) == 1 and len(script.requests) == 1
