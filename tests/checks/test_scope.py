"""One call's scope, and the reply model that checks against it; for any reply, the checks
(and `summarize()` around them) fail only in their own typed ways."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pydantic
import pytest
from helpers.strategies import REPLY_MODEL, replies_about_articles
from helpers.support import NO_WAIT, Script, completion, logged_bugs
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer import Settings, SummarizerError, summarize_all
from summarizer._checks import ArticleText, OnFailedDetail, Scope, checked_model, checking
from summarizer._replies import AgreementsReplyV4
from summarizer._summary import evidence_in


def test_each_call_checks_against_its_own_scope(seed_article, seed_reply) -> None:
    import json

    reply = json.dumps(seed_reply)
    checked = checked_model(AgreementsReplyV4)
    assert checked is checked_model(AgreementsReplyV4)  # one class, whatever the call
    seed = checking(Scope(ArticleText(seed_article)))
    assert checked.model_validate_json(reply, context=seed).reports_agreement
    other = checking(Scope(ArticleText("An unrelated text.")))
    with pytest.raises(ValueError, match="is not in the article"):
        checked.model_validate_json(reply, context=other)
    # Without a scope the checked model refuses rather than pass a reply unchecked.
    with pytest.raises(RuntimeError, match="without a scope"):
        checked.model_validate_json(reply)
    # The plain reply model checks nothing: no scope reaches it from elsewhere.
    assert AgreementsReplyV4.model_validate_json(reply).reports_agreement


# -- for any reply ----------------------------------------------------------------------------
# The checks refuse a reply only by their typed problem (a ValueError, which pydantic makes
# its ValidationError and the model call a re-ask or a ReplyError): never by an IndexError,
# a KeyError or a TypeError, and never by a bug of ours swallowed and logged. Replies are
# drawn from the current prompt's reply schema, or are a reference reply with a few values
# changed; strings are stretches and words of the article, names of places and dates, or
# any text at all.


# Only a strategy that failed would have its repr printed: the schema's, whole.
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=120, deadline=None)
@given(
    case=replies_about_articles(),
    part=st.none() | st.tuples(st.floats(0, 1), st.floats(0, 1)),
    on_failed_detail=st.sampled_from(["reask", "drop"]),
    keep_unverified=st.booleans(),
)
def test_a_reply_is_refused_only_by_its_typed_problem(
    case: tuple[str, str, Any],
    part: tuple[float, float] | None,
    on_failed_detail: OnFailedDetail,
    keep_unverified: bool,
) -> None:
    text, language, reply = case
    whole = article = ArticleText(text)
    if part is not None:  # checked as one part of a long article, as the job checks parts
        start, end = sorted(int(at * len(text)) for at in part)
        article = ArticleText(text[start:end], part_of=whole, at=start)
        text = article.text
    scope = Scope(
        article, language=language, whole=whole if part else None,
        on_failed_detail=on_failed_detail, keep_unverified=keep_unverified,
    )  # fmt: skip
    with logged_bugs() as bugs:
        try:
            checked_model(REPLY_MODEL).model_validate(reply, context=checking(scope))
            verified = scope.ledger.accepted
            assert verified is not None
        except pydantic.ValidationError:
            verified = None
    assert not bugs, bugs[0]
    for one in (verified, *verified.others) if verified else ():
        facts = [one.agreement, one.parties, one.signatories, one.aims, one.venue]
        for evidence in evidence_in([*facts, one.threat_groups]):
            assert text[evidence.start : evidence.end] == evidence.quote


# A long article's parts, each checked as a part and combined (about three parts).
IN_PARTS = replace(NO_WAIT, reasks=0, max_part_chars=600, part_overlap_chars=150)


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=40, deadline=None)
@given(
    case=replies_about_articles(),
    settings_=st.sampled_from([replace(NO_WAIT, reasks=0), IN_PARTS]),
    on_failed_detail=st.sampled_from(["reask", "drop"]),
)
def test_summarize_fails_only_with_its_own_errors_whatever_the_reply(
    case: tuple[str, str, Any], settings_: Settings, on_failed_detail: OnFailedDetail
) -> None:
    """Through the front door: the reply parsed, checked, the parts combined; every quote
    kept is the article's own words where its offsets say."""
    text, language, reply = case
    # As text: the offsets are into the text given, never into a page extracted from it.
    chosen = replace(
        settings_, language=language, on_failed_detail=on_failed_detail, input_format="text"
    )
    script = Script(*[completion(reply)] * 8)  # the same reply for every part
    with logged_bugs() as bugs:
        try:
            summaries = summarize_all(text, client=script.client(), settings=chosen)
        except SummarizerError:
            summaries = []
    assert not bugs, bugs[0]
    for summary in summaries:
        for evidence in evidence_in(summary):
            assert text[evidence.start : evidence.end] == evidence.quote
