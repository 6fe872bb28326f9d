"""One call's scope, and the reply model that checks against it."""

from __future__ import annotations

import pytest

from summarizer._checks import ArticleText, Scope, checked_model, checking
from summarizer._replies import AgreementsReplyV4


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
