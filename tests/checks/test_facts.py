"""The checks of schema v2: what code proves and how it grades it, what it still refuses (a
quote not in the article, a name not in its quote, a value the article contradicts), and
what a failed optional fact costs (a re-ask, or nothing with on_failed_detail="drop").

Written against prompt v2's reply shape (one agreement). Prompt v3 checks each of its
agreements with these same checks; `tests/test_agreements.py` covers what v3 adds."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest
from helpers.support import V2_NO_WAIT, Script, as_v2, completion, reference_reply

from summarizer import Settings, UngroundedReplyError, summarize

DROP = replace(V2_NO_WAIT, on_failed_detail="drop")
ONE_REPLY = replace(V2_NO_WAIT, reasks=0)


@pytest.fixture
def seed_reply() -> dict[str, Any]:
    return as_v2(reference_reply("interpol_tren_de_aragua"))


def run(article: str, reply: dict[str, Any], settings: Settings = ONE_REPLY):
    """Summarize `article` from one reply, with no re-ask: failed details are dropped."""
    script = Script(completion(reply))
    return summarize(article, client=script.client(), settings=settings), script


def changed(reply: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `reply` with the value at a dotted path ("parties.0.country") replaced."""
    new = copy.deepcopy(reply)
    *parents, last = path.split(".")
    node: Any = new
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    node[int(last) if last.isdigit() else last] = value
    return new


def venue(evidence: str, *, country: str | None = None) -> dict[str, Any]:
    """A venue reply in Ottawa, quoted by `evidence`."""
    return {"event": None, "city": "Ottawa", "country": country, "evidence": evidence}


def dropped(summary) -> dict[str, str]:
    return {d.path: d.reason for d in summary.meta.dropped}


# -- what code cannot prove is kept and graded, never re-asked ------------------------------

VERIFIED_ONLY = replace(ONE_REPLY, keep_unverified=False)


def test_a_country_nothing_in_the_quote_supports_is_kept_unverified(
    seed_article, seed_reply
) -> None:
    reply = changed(seed_reply, "parties.0.country", "Mexico")
    summary, script = run(seed_article, reply, settings=V2_NO_WAIT)
    country = summary.parties[0].country
    assert country is not None and (country.code, country.basis) == ("MX", "unverified")
    assert len(script.requests) == 1 and summary.meta.dropped == []
    summary, _ = run(seed_article, reply, settings=VERIFIED_ONLY)
    assert summary.parties[0].country is None
    assert "was not proved from the article" in dropped(summary)["parties[0].country"]


def test_a_country_that_is_not_a_country_is_left_out_unasked(seed_article, seed_reply) -> None:
    reply = changed(seed_reply, "parties.0.country", "Tren de Aragua")
    summary, script = run(seed_article, reply, settings=V2_NO_WAIT)
    assert len(script.requests) == 1
    assert "is not a country in ISO 3166" in dropped(summary)["parties[0].country"]


def test_a_canonical_name_the_article_never_spells_out_is_unverified(
    seed_article, seed_reply
) -> None:
    reply = changed(seed_reply, "parties.1.name", "National Criminal Bureau Ottawa")
    reply = changed(reply, "parties.1.mention", "National Central Bureau Ottawa")
    summary, _ = run(seed_article, reply)
    party = summary.parties[1]
    assert (party.name, party.basis) == ("National Criminal Bureau Ottawa", "unverified")
    assert not party.verified and summary.meta.dropped == []
    summary, _ = run(seed_article, reply, settings=VERIFIED_ONLY)
    party = summary.parties[1]
    # Left to the words the article uses, never a name nothing proved.
    assert (party.name, party.basis) == ("National Central Bureau Ottawa", "stated")
    assert "parties[1].name" in dropped(summary)


def test_a_venue_city_from_the_dateline_without_a_site_word_is_unverified(
    seed_article, seed_reply
) -> None:
    venue_reply = venue("signed the memorandum on the sidelines")
    summary, _ = run(seed_article, changed(seed_reply, "venue", venue_reply))
    assert summary.venue is not None and summary.venue.city is not None
    assert (summary.venue.city.name, summary.venue.city.basis) == ("Ottawa", "unverified")


def test_a_venue_quoted_from_the_dateline_itself_is_refused(seed_article, seed_reply) -> None:
    venue_reply = venue("OTTAWA (Northwire)")
    summary, _ = run(seed_article, changed(seed_reply, "venue", venue_reply))
    assert summary.venue is None
    assert "is the dateline" in dropped(summary)["venue.evidence"]


def test_a_date_the_article_does_not_write_is_refused(seed_article, seed_reply) -> None:
    summary, _ = run(seed_article, changed(seed_reply, "agreement.date_text", "on Tuesday"))
    assert summary.agreement.date_text is None and summary.agreement.signed is None
    assert "is not in the article" in dropped(summary)["agreement.date_text"]


def test_a_date_written_in_another_sentence_is_kept_unverified() -> None:
    text = DATED.replace("signed a working arrangement on Tuesday", "signed a working arrangement")
    text += " The ceremony took place on Tuesday."
    summary, _ = run(text, dated_reply(agreement__evidence="signed a working arrangement"))
    signed = summary.agreement.signed
    assert signed is not None and (str(signed.on), signed.basis) == ("2025-02-11", "unverified")


def test_a_date_after_the_dateline_is_a_contradiction_reasked() -> None:
    when = "on February 20, 2025"
    text = DATED.replace("on Tuesday", when)
    quote = f"signed a working arrangement {when}"
    reply = dated_reply(agreement__date_text=when, agreement__evidence=quote)
    fixed = dated_reply(agreement__date_text=None, agreement__evidence=quote)
    script = Script(completion(reply), completion(fixed))
    summary = summarize(text, client=script.client(), settings=V2_NO_WAIT)
    reask = script.requests[1]["messages"][-1]["content"]
    assert f"agreement.date_text '{when}': falls after the story's own date" in reask
    assert summary.agreement.signed is None


# -- what is derived and verified -------------------------------------------------------------

DATED = (
    "2025-02-14 LYON (Rhone Wire) - Interpol and the National Crime Agency (NCA) signed a "
    "working arrangement on Tuesday at the organisation's headquarters. The NCA said the "
    "arrangement covers Somali and Nigerian networks. British officials welcomed the deal."
)


def dated_reply(**changes: Any) -> dict[str, Any]:
    reply = {
        "reports_agreement": True,
        "no_agreement_reason": None,
        "agreement": {
            "kind": "working_arrangement",
            "title": None,
            "date_text": "on Tuesday",
            "evidence": "signed a working arrangement on Tuesday",
        },
        "parties": [
            {
                "name": "Interpol",
                "mention": "Interpol",
                "kind": "international_organization",
                "country": None,
                "parent_body": None,
                "evidence": "Interpol and the National Crime Agency (NCA) signed",
            },
            {
                "name": "National Crime Agency",
                "mention": "NCA",
                "kind": "agency",
                "country": None,
                "parent_body": None,
                "evidence": "The NCA said the arrangement covers",
            },
        ],
        "signatories": [],
        "aims": [],
        "venue": {
            "event": None,
            "city": "Lyon",
            "country": "France",
            "evidence": "at the organisation's headquarters",
        },
        "threat_groups": [],
        "headline": "Interpol and the NCA signed a working arrangement.",
    }
    for path, value in changes.items():
        reply = changed(reply, path.replace("__", "."), value)
    return reply


def test_relative_date_resolved_against_the_dateline() -> None:
    summary, _ = run(DATED, dated_reply())
    signed = summary.agreement.signed
    assert signed is not None
    assert (str(signed.on), signed.basis, signed.rule) == (
        "2025-02-11",
        "derived",
        "relative_to_dateline",
    )
    assert summary.agreement.signed_on == signed.on


def test_abbreviation_the_article_spells_out() -> None:
    summary, _ = run(DATED, dated_reply())
    nca = summary.parties[1]
    assert (nca.name, nca.mention, nca.basis, nca.rule) == (
        "National Crime Agency",
        "NCA",
        "derived",
        "abbreviation",
    )


def test_dateline_city_for_a_signing_at_headquarters() -> None:
    summary, _ = run(DATED, dated_reply())
    venue = summary.venue
    assert venue is not None and venue.city is not None and venue.country is not None
    assert (venue.city.name, venue.city.mention, venue.city.basis) == ("Lyon", "LYON", "dateline")
    assert (venue.country.code, venue.country.basis) == ("FR", "dateline")
    assert summary.meta.dropped == []


def test_demonym_party_names_its_country() -> None:
    reply = dated_reply()
    reply["parties"].append(
        {
            "name": "Somalia",
            "mention": "Somali",
            "kind": "government",
            "country": "Somalia",
            "parent_body": None,
            "evidence": "the arrangement covers Somali and Nigerian networks",
        }
    )
    summary, _ = run(DATED, reply)
    somalia = summary.parties[2]
    assert (somalia.name, somalia.basis, somalia.rule) == ("Somalia", "derived", "demonym")
    assert somalia.country is not None
    assert (somalia.country.code, somalia.country.mention) == ("SO", "Somali")


def test_a_country_proposed_in_another_form_is_canonicalised_not_reasked() -> None:
    reply = dated_reply(parties__1__country="UK", parties__1__evidence=(
        "British officials welcomed the deal"
    ), parties__1__mention="British officials")  # fmt: skip
    reply["parties"][1]["name"] = "British officials"
    summary, script = run(DATED, reply, settings=V2_NO_WAIT)
    country = summary.parties[1].country
    assert country is not None
    assert (country.code, country.name, country.mention, country.rule) == (
        "GB",
        "United Kingdom",
        "British",
        "demonym",
    )
    assert len(script.requests) == 1


def test_unnamed_threat_group_keeps_its_description() -> None:
    text = (
        "ACCRA (Coast Desk) - Ghana and Togo signed a security pact against a group "
        "affiliated with the Islamic State that has attacked border posts."
    )
    group = {
        "name": None,
        "description": "a group affiliated with the Islamic State",
        "aliases": [],
        "kind": "terrorist_organization",
        "origin": None,
        "designations": [],
        "size": None,
        "leadership": None,
        "base": None,
        "activities": [],
        "areas": [],
        "evidence": "a group affiliated with the Islamic State that has attacked border posts",
    }
    reply = dated_reply(
        agreement__evidence="Ghana and Togo signed a security pact",
        agreement__date_text=None,
        venue=None,
        threat_groups=[group],
    )
    reply["parties"] = [
        {
            "name": "Ghana",
            "mention": "Ghana",
            "kind": "government",
            "country": "Ghana",
            "parent_body": None,
            "evidence": "Ghana and Togo signed a security pact",
        }
    ]
    summary, _ = run(text, reply)
    (kept,) = summary.threat_groups
    assert (kept.name, kept.description) == (None, "a group affiliated with the Islamic State")
    reply["threat_groups"][0]["description"] = None
    summary, _ = run(text, reply)
    assert summary.threat_groups == []
    assert "unnamed group needs the description" in dropped(summary)["threat_groups[0]"]


# -- what a failed detail costs --------------------------------------------------------------


def test_drop_setting_sends_no_second_request(seed_article, seed_reply) -> None:
    bad = changed(seed_reply, "aims.0.evidence", "to swap intelligence at once")
    summary, script = run(seed_article, bad, settings=DROP)
    assert len(script.requests) == 1 and summary.meta.attempts == 1
    assert list(dropped(summary)) == ["aims[0].evidence"]
    assert len(summary.aims) == len(seed_reply["aims"]) - 1


def test_reask_names_exactly_the_failed_facts_in_one_short_message(
    seed_article, seed_reply
) -> None:
    bad = changed(seed_reply, "aims.0.evidence", "to swap intelligence at once")
    bad = changed(bad, "venue.country", "Spain")  # Lyon is in France: a contradiction
    bad = changed(bad, "parties.0.country", "Mexico")  # unproved, graded, never re-asked
    script = Script(completion(bad), completion(seed_reply))
    summary = summarize(seed_article, client=script.client(), settings=V2_NO_WAIT)
    assert summary.meta.dropped == [] and summary.meta.attempts == 2
    first, second = script.requests
    # The re-ask is the prompt, the rejected reply and one message; nothing else grows.
    assert [m["role"] for m in second["messages"]] == ["system", "user", "assistant", "user"]
    assert second["messages"][:2] == first["messages"]
    reask = second["messages"][-1]["content"]
    assert reask.count("\n- ") == 2
    assert "- venue.country 'Spain': is not the country of the venue city 'Lyon'" in reask
    assert "- aims[0].evidence 'to swap intelligence at once': is not in the article" in reask
    assert len(reask) < 700


def test_core_facts_still_fail_the_whole_article_with_drop(seed_article, seed_reply) -> None:
    bad = changed(seed_reply, "agreement.evidence", "agreed a treaty on gangs")
    script = Script(completion(bad), completion(bad), completion(bad))
    with pytest.raises(UngroundedReplyError) as caught:
        summarize(seed_article, client=script.client(), settings=DROP)
    assert caught.value.attempts == 3
    assert caught.value.problems[0].startswith("agreement.evidence")


def test_no_party_left_is_a_core_failure(seed_article, seed_reply) -> None:
    bad = copy.deepcopy(seed_reply)
    for party in bad["parties"]:
        party["evidence"] = "a party nobody named"
    with pytest.raises(UngroundedReplyError) as caught:
        run(seed_article, bad)
    assert any("no party could be verified" in p for p in caught.value.problems)


def test_an_elided_quote_is_accepted_and_stored_as_the_articles_words(
    seed_article, seed_reply
) -> None:
    quote = "the two bureaus will work to share criminal intelligence"
    assert quote not in seed_article
    summary, script = run(seed_article, changed(seed_reply, "aims.0.evidence", quote))
    evidence = summary.aims[0].evidence
    assert evidence.match == "elided"
    assert seed_article[evidence.start : evidence.end] == evidence.quote
    assert summary.meta.grounding.elided == 1 and len(script.requests) == 1


# -- found in review: values that must not pass ------------------------------------------


def test_a_country_elsewhere_in_the_quote_proves_nothing(seed_article, seed_reply) -> None:
    quote = (
        "Marie-Josee Homsy, Director of National Central Bureau Ottawa, signed the memorandum on "
        "the sidelines of the INTERPOL Heads of National Central Bureaus Conference in Lyon, France"
    )
    reply = changed(seed_reply, "parties.1.evidence", quote)
    summary, _ = run(seed_article, changed(reply, "parties.1.country", "France"))
    country = summary.parties[1].country
    assert country is not None and (country.code, country.basis) == ("FR", "unverified")


def test_a_venue_country_must_be_the_venue_citys(seed_article, seed_reply) -> None:
    venue_reply = venue(
        "The heads of the INTERPOL offices in Washington and Ottawa", country="United States"
    )
    summary, _ = run(seed_article, changed(seed_reply, "venue", venue_reply))
    assert summary.venue is not None and summary.venue.country is None
    assert "is not the country of the venue city" in dropped(summary)["venue.country"]


def test_a_venue_city_the_gazetteer_does_not_know_is_unverified(seed_article, seed_reply) -> None:
    summary, _ = run(seed_article, changed(seed_reply, "venue.city", "INTERPOL"))
    assert summary.venue is not None and summary.venue.city is not None
    assert (summary.venue.city.name, summary.venue.city.basis) == ("INTERPOL", "unverified")


def test_quotes_that_start_in_the_dateline_are_refused_for_venue_and_date(
    seed_article, seed_reply
) -> None:
    venue_reply = venue("OTTAWA (Northwire) - The heads of the INTERPOL offices")
    reply = changed(seed_reply, "venue", venue_reply)
    reply = changed(reply, "agreement.date_text", "2025-02-14")
    reply = changed(
        reply, "agreement.evidence", "2025-02-14 OTTAWA (Northwire) - The heads of the INTERPOL"
    )
    summary, _ = run(seed_article, reply)
    assert summary.venue is None and summary.agreement.signed is None
    assert {"venue.evidence", "agreement.date_text"} <= set(dropped(summary))


@pytest.mark.parametrize("name", ["Crime Agency", "y", "LONDON (Rhone Wire) - Interpol"])
def test_an_abbreviation_expands_only_to_its_own_initials(name) -> None:
    summary, _ = run(DATED, dated_reply(parties__1__name=name))
    assert (summary.parties[1].name, summary.parties[1].basis) == (name, "unverified")
    summary, _ = run(DATED, dated_reply(parties__1__name=name), settings=VERIFIED_ONLY)
    assert (summary.parties[1].name, summary.parties[1].basis) == ("NCA", "stated")


def test_a_party_name_from_other_words_of_the_quote_is_unverified(seed_article, seed_reply) -> None:
    reply = changed(
        seed_reply,
        "parties.0.evidence",
        "Jeffrey A. Grimming, Director of INTERPOL Washington, and Marie-Josee Homsy, Director "
        "of National Central Bureau Ottawa",
    )
    reply = changed(reply, "parties.0.name", "National Central Bureau Ottawa")
    summary, _ = run(seed_article, reply)
    assert [(p.name, p.basis) for p in summary.parties] == [
        ("National Central Bureau Ottawa", "unverified"),
        ("National Central Bureau Ottawa", "stated"),
    ]
    summary, _ = run(seed_article, reply, settings=VERIFIED_ONLY)
    assert [p.name for p in summary.parties] == [
        "INTERPOL Washington",
        "National Central Bureau Ottawa",
    ]
    # The signatory linked by the unproved name follows the party to its mention.
    assert summary.signatories[0].party == "INTERPOL Washington"
    assert list(dropped(summary)) == ["parties[0].name"]


def test_a_fact_that_names_a_country_must_follow_from_its_quote(seed_article, seed_reply) -> None:
    reply = changed(seed_reply, "threat_groups.0.origin.value", "Colombia")
    summary, _ = run(seed_article, reply)
    assert summary.threat_groups[0].origin is None
    assert "threat_groups[0].origin.value" in dropped(summary)


def test_an_earlier_usable_reply_is_kept_when_later_ones_are_worse(
    seed_article, seed_reply
) -> None:
    """Reply 1 fails one optional fact; replies 2 and 3 are broken JSON."""
    first = changed(seed_reply, "aims.0.evidence", "to swap intelligence at once")
    script = Script(completion(first), completion('{"reports_'), completion("not json"))
    summary = summarize(seed_article, client=script.client(), settings=V2_NO_WAIT)
    assert summary.meta.attempts == 3 and summary.meta.usage.total_tokens == 450
    assert list(dropped(summary)) == ["aims[0].evidence"]
    assert len(summary.aims) == len(seed_reply["aims"]) - 1
    assert summary.meta.grounding.quotes == 17  # the kept facts' quotes only
