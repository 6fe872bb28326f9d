"""The evaluation metric on small cases checked by hand, so its figures can be trusted.
(Gold files themselves: test_gold.py; matching a value: test_matching.py.)"""

from __future__ import annotations

import json

import pytest
from helpers.gold import GOLD
from helpers.support import ARTICLES, REFERENCE

from summarizer import AgreementSummary, NoAgreementError, UngroundedReplyError, Usage
from summarizer._eval.gold import GoldFile
from summarizer._eval.harness import Scorecard
from summarizer._eval.scoring import score_article
from summarizer._meta import Meta
from summarizer._model.cassettes import Cassette, ReplayTransport
from summarizer._model.clients import client_over

STEM = "abbreviation_nca"


@pytest.fixture(scope="module")
def summary() -> AgreementSummary:
    from summarizer import summarize

    transport = ReplayTransport(Cassette.load(REFERENCE / f"{STEM}.json"))
    with client_over(transport, base_url="http://replay.invalid/v1", api_key="x") as client:
        return summarize((ARTICLES / f"{STEM}.txt").read_text(), client=client)


def gold(**changes) -> GoldFile:
    return GoldFile.model_validate({**GOLD, **changes})


def counts(score, name: str) -> tuple[int, int, int]:
    field = score.fields[name]
    return field.tp, field.fp, field.fn


def test_a_perfect_reply_scores_one_everywhere(summary) -> None:
    score = score_article(STEM, gold(), summary)
    assert score.outcome == score.expected == "summary"
    for name, field in score.fields.items():
        assert field.fp == field.fn == 0, name
    assert counts(score, "parties") == (2, 0, 0)  # "NCA" matched through the alias
    assert counts(score, "parties.country") == (2, 0, 0)
    assert counts(score, "aims") == (3, 0, 0)
    assert counts(score, "venue.city") == (1, 0, 0)
    assert counts(score, "dateline.filed_on") == (0, 0, 0)  # empty in gold and in the summary
    assert score.abstention_violations == [] and score.empty_facts >= 2
    assert score.fields["parties"].f1 == 1.0


def test_a_missing_party_is_a_miss_and_its_signatory_too(summary) -> None:
    fewer = summary.model_copy(
        update={"parties": summary.parties[:1], "signatories": summary.signatories[:1]}
    )
    score = score_article(STEM, gold(), fewer)
    assert counts(score, "parties") == (1, 0, 1)
    assert score.fields["parties"].precision == 1.0 and score.fields["parties"].recall == 0.5
    assert score.fields["parties"].f1 == pytest.approx(2 / 3)
    assert counts(score, "signatories") == (1, 0, 1)


def test_an_extra_party_is_a_false_positive(summary) -> None:
    extra = summary.parties[0].model_copy(update={"name": "Europol", "mention": "Europol"})
    more = summary.model_copy(update={"parties": [*summary.parties, extra]})
    score = score_article(STEM, gold(), more)
    assert counts(score, "parties") == (2, 1, 0)
    assert score.fields["parties"].precision == pytest.approx(2 / 3)


def test_an_alias_matches_and_case_and_punctuation_do_not_matter(summary) -> None:
    renamed = [
        summary.parties[0].model_copy(update={"name": "N.C.A.", "mention": "the nca"}),
        summary.parties[1].model_copy(update={"name": "DUTCH  national-police"}),
    ]
    score = score_article(STEM, gold(parties=[
        {"name": "National Crime Agency", "aliases": ["the NCA", "NCA"], "country": "GB"},
        {"name": "Dutch National Police", "aliases": ["Dutch Police"], "country": "NL"},
    ]), summary.model_copy(update={"parties": renamed}))  # fmt: skip
    assert counts(score, "parties") == (2, 0, 0)


def test_a_wrong_venue_is_a_false_positive_and_a_miss(summary) -> None:
    assert summary.venue is not None and summary.venue.city is not None
    city = summary.venue.city.model_copy(update={"name": "Amsterdam"})
    wrong = summary.model_copy(update={"venue": summary.venue.model_copy(update={"city": city})})
    score = score_article(STEM, gold(), wrong)
    assert counts(score, "venue.city") == (0, 1, 1)
    assert counts(score, "venue.country") == (1, 0, 0)


def test_a_fact_the_gold_leaves_empty_and_the_model_fills_is_an_abstention_miss(summary) -> None:
    score = score_article(STEM, gold(venue=None, threat_groups=[]), summary)
    assert counts(score, "venue.city") == (0, 1, 0)
    assert counts(score, "venue.country") == (0, 1, 0)
    assert score.abstention_violations == ["venue.city: Rotterdam", "venue.country: NL"]
    # And an unnamed gold signatory must come back unnamed.
    unnamed = [dict(GOLD["signatories"][0], name=None), GOLD["signatories"][1]]
    nameless = [summary.signatories[0].model_copy(update={"name": None}), summary.signatories[1]]
    score = score_article(
        STEM, gold(signatories=unnamed), summary.model_copy(update={"signatories": nameless})
    )
    assert counts(score, "signatories") == (2, 0, 0) and not score.abstention_violations


def test_an_error_instead_of_a_summary_misses_everything(summary) -> None:
    error = UngroundedReplyError(
        "no", last_reply=None, usage=Usage(prompt_tokens=10, completion_tokens=5, total_tokens=15),
        attempts=3, problems=["x"],
    )  # fmt: skip
    score = score_article(STEM, gold(), error)
    assert score.outcome == "UngroundedReplyError" and counts(score, "outcome") == (0, 1, 1)
    assert counts(score, "parties") == (0, 0, 2) and score.usage.total_tokens == 15
    assert score.attempts == 3


def test_no_agreement_is_right_for_failed_talks_and_a_summary_is_all_wrong(summary) -> None:
    talks = GoldFile.model_validate({"gold_format": 1, "reports_agreement": False})
    meta = Meta.model_validate(summary.meta.model_dump())
    score = score_article("talks", talks, NoAgreementError("talks ended", meta=meta))
    assert counts(score, "outcome") == (1, 0, 0) and counts(score, "parties") == (0, 0, 0)
    score = score_article("talks", talks, summary)
    assert counts(score, "outcome") == (0, 1, 1)
    assert counts(score, "parties") == (0, 2, 0) and score.abstention_violations


def test_the_report_adds_articles_up(summary, tmp_path) -> None:
    perfect = score_article(STEM, gold(), summary)
    fewer = score_article(STEM, gold(), summary.model_copy(update={"parties": []}))
    report = Scorecard(
        run={"model": ["m"], "prompt": "p", "source": "s"}, articles=[perfect, fewer]
    )
    report.price_per_million = (1.0, 2.0)
    data = report.as_dict()
    assert data["fields"]["parties"]["tp"] == 2 and data["fields"]["parties"]["fn"] == 2
    assert data["fields"]["parties"]["recall"] == 0.5
    assert data["outcomes"] == {"summary": 2}
    usage = summary.meta.usage
    expected = 2 * (usage.prompt_tokens * 1.0 + usage.completion_tokens * 2.0) / 1e6
    assert data["cost"] == pytest.approx(expected)
    report.save(tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text())["fields"]["aims"]["f1"] == 1.0


def test_nothing_found_is_an_f1_of_zero_and_no_summary_is_no_chance_to_abstain(summary) -> None:
    error = UngroundedReplyError("no", last_reply=None, usage=Usage(), attempts=1)
    score = score_article(STEM, gold(venue=None), error)
    assert score.fields["parties"].f1 == 0.0 and score.fields["parties"].precision is None
    assert score.empty_facts == 0 and score.abstention_violations == []
    report = Scorecard(run={}, articles=[score]).as_dict()
    assert report["fields"]["threat_groups"]["f1"] is None  # nothing to find, none given


def test_a_name_given_to_a_signatory_the_article_leaves_unnamed_is_an_abstention_miss(
    summary,
) -> None:
    unnamed = [dict(s, name=None) for s in GOLD["signatories"]]
    score = score_article(STEM, gold(signatories=unnamed), summary)
    assert counts(score, "signatories") == (0, 2, 2)
    assert score.abstention_violations == [
        "signatories: named Martin Ashby-Reeve",
        "signatories: named Eveline de Graaf",
    ]


def test_a_signatory_given_to_the_wrong_party_is_scored(summary) -> None:
    swapped = [
        summary.signatories[0].model_copy(update={"party": summary.signatories[1].party}),
        summary.signatories[1],
    ]
    score = score_article(STEM, gold(), summary.model_copy(update={"signatories": swapped}))
    assert counts(score, "signatories") == (2, 0, 0)
    assert counts(score, "signatories.party") == (1, 1, 1)


def test_a_reask_that_makes_a_value_worse_is_counted(tmp_path) -> None:
    """Reply 1 misquotes an aim (a re-ask can fix that); reply 2 fixes it but gives another
    venue city: the re-ask lost the venue's match, which the report counts."""
    from helpers.support import completion, reference_reply

    from summarizer import Settings
    from summarizer._eval.harness import evaluate_replayed

    good = reference_reply(STEM)
    first = json.loads(json.dumps(good))
    first["agreements"][0]["aims"][0]["evidence"] = "to swap intelligence at once"
    worse = json.loads(json.dumps(good))
    worse["agreements"][0]["venue"]["city"] = "Amsterdam"  # kept, graded unverified: wrong
    interactions = [
        {
            "request": {"method": "POST", "path": "/v1/chat/completions", "body": None},
            "response": {"status": 200, "headers": {}, "body": completion(reply)},
        }
        for reply in (first, worse)
    ]
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / f"{STEM}.txt").write_text((ARTICLES / f"{STEM}.txt").read_text())
    (tmp_path / "gold" / f"{STEM}.gold.json").write_text(json.dumps(GOLD))
    (tmp_path / "replies").mkdir()
    cassette = Cassette(source={"kind": "reference"}, match="order", interactions=interactions)
    cassette.save(tmp_path / "replies" / f"{STEM}.json")
    report = evaluate_replayed(tmp_path / "gold", tmp_path / "replies", Settings()).as_dict()
    assert report["re_asked"] == 1 and report["re_ask_rate"] == 1.0
    assert report["made_worse"] == 1  # Rotterdam matched in reply 1, not after
    assert report["fields"]["venue.city"]["fp"] == 1 and report["fields"]["aims"]["tp"] == 3
    # Proved values only: the unproved city is left out, a miss rather than a wrong value.
    assert report["verified_fields"]["venue.city"] == {
        "tp": 0, "fp": 0, "fn": 1, "precision": None, "recall": 0.0, "f1": 0.0,
    }  # fmt: skip
    assert report["grades"]["unverified"] == 1
