"""The example articles, summarized from their reference replies (hand-written, not captured)
to prompt v2.

Each test replays the article's reference cassette through the whole pipeline (prompt,
instructor, validation, grounding) and checks the summary field by field.
"""

from __future__ import annotations

from datetime import date

import httpx2
import openai
import pytest
from helpers.support import (
    ARTICLES,
    BASE_URL,
    NO_WAIT,
    REFERENCE,
    Script,
    all_evidence,
    article,
    completion,
    principal,
    reference_reply,
)

from summarizer import AgreementSummary, Country, NoAgreementError, summarize
from summarizer._model.cassettes import Cassette, ReplayTransport


def replay(stem: str) -> tuple[AgreementSummary, ReplayTransport]:
    transport = ReplayTransport(Cassette.load(REFERENCE / f"{stem}.json"))
    client = openai.OpenAI(
        api_key="test-key", base_url=BASE_URL, http_client=httpx2.Client(transport=transport)
    )
    return summarize(article(stem), model="reference", client=client), transport


def test_every_article_has_a_reference_cassette_labelled_as_such() -> None:
    stems = {path.stem for path in ARTICLES.glob("*.txt")}
    assert stems == {path.stem for path in REFERENCE.glob("*.json")}
    for stem in stems:
        cassette = Cassette.load(REFERENCE / f"{stem}.json")
        assert cassette.source["kind"] == "reference"
        assert "not captured" in cassette.source["note"]
        # Where the article was when the reply was written; fixtures are moved, never
        # rewritten, so the label keeps it (it is now in tests/fixtures/articles/examples/).
        assert cassette.source["article"] == f"examples/articles/{stem}.txt"
        assert cassette.source["prompt"] == "agreement_summary v4"


@pytest.mark.parametrize(
    "stem",
    sorted(p.stem for p in ARTICLES.glob("*.txt") if p.stem != "talks_without_agreement"),
)
def test_every_span_slices_the_article_to_its_quote(stem: str) -> None:
    summary, transport = replay(stem)
    text = article(stem)
    evidence = all_evidence(summary)
    assert evidence, "a summary with no evidence grounds nothing"
    for item in evidence:
        assert text[item.start : item.end] == item.quote
    model_quotes = len(evidence) - (summary.dateline is not None)  # the dateline is ours
    assert summary.meta.grounding.quotes == model_quotes
    assert summary.meta.dropped == [], "a reference reply should pass every check"
    assert transport.all_played


def test_seed_story_retold() -> None:
    summary, _ = replay("interpol_tren_de_aragua")
    assert summary.agreement.kind == "memorandum_of_cooperation"
    assert summary.agreement.title == "Memorandum of Cooperation"
    # The dateline says 2025-02-14 OTTAWA: when and where it was filed, not signed.
    assert summary.agreement.signed is None
    assert [(p.name, p.mention, p.basis, p.kind) for p in summary.parties] == [
        ("INTERPOL Washington", "INTERPOL Washington", "stated", "agency"),
        ("National Central Bureau Ottawa", "National Central Bureau Ottawa", "stated", "agency"),
    ]
    # Neither quote names a country; each names a capital city, which implies it.
    assert [p.country for p in summary.parties] == [
        Country(code="US", name="United States", mention="Washington", basis="derived",
                rule="gazetteer"),
        Country(code="CA", name="Canada", mention="Ottawa", basis="derived", rule="gazetteer"),
    ]  # fmt: skip
    assert [(s.name, s.title, s.party) for s in summary.signatories] == [
        ("Jeffrey A. Grimming", "Director", "INTERPOL Washington"),
        ("Marie-Josee Homsy", "Director", "National Central Bureau Ottawa"),
    ]
    assert [a.category for a in summary.aims] == [
        "information_sharing",
        "joint_investigations",
        "border_security",
    ]
    venue = summary.venue
    assert venue is not None and venue.city is not None and venue.country is not None
    assert (venue.city.name, venue.city.basis) == ("Lyon", "stated")
    assert (venue.country.code, venue.country.mention, venue.country.basis) == (
        "FR", "France", "stated",
    )  # fmt: skip
    assert venue.event == "INTERPOL Heads of National Central Bureaus Conference"
    dateline = summary.dateline
    assert dateline is not None and dateline.city is not None and dateline.country is not None
    assert (dateline.place, dateline.city.name, dateline.country.code) == ("OTTAWA", "Ottawa", "CA")
    assert (dateline.filed_on, dateline.agency) == (date(2025, 2, 14), "Northwire")
    assert dateline.evidence.quote == "2025-02-14 OTTAWA (Northwire) -"
    (group,) = summary.threat_groups
    assert (group.name, group.aliases, group.kind) == ("Tren de Aragua", ["TdA"], "gang")
    assert group.origin is not None and group.origin.value == "Venezuela"
    assert [(d.label, d.designated_by) for d in group.designations] == [
        ("Foreign Terrorist Organization", "United States")
    ]
    assert group.size is not None and group.size.value == "more than 5,000 members"
    assert group.base is not None and "Tocoron prison" in group.base.value
    assert group.leadership is not None and "escaped" in group.leadership.evidence.quote
    assert {a.value for a in group.areas} == {"United States and Canada", "Latin America"}
    assert summary.headline.startswith("INTERPOL Washington and NCB Ottawa")


def test_seed_story_meta() -> None:
    summary, _ = replay("interpol_tren_de_aragua")
    meta = summary.meta
    assert (meta.model, meta.endpoint, meta.endpoint_kind) == (
        "reference",
        BASE_URL,
        "openai-compatible",
    )
    assert (meta.prompt_name, meta.prompt_version, meta.mode, meta.schema_version) == (
        "agreement_summary",
        "4",
        "json_schema",
        "4",
    )
    assert (meta.attempts, meta.http_requests) == (1, 1)
    assert meta.usage.total_tokens == meta.usage.prompt_tokens + meta.usage.completion_tokens > 0
    assert len(meta.article_sha256) == 64
    assert meta.grounding.rejected_in_earlier_replies == 0
    assert meta.latency_seconds >= 0


def test_bilateral_memorandum_without_threat_group() -> None:
    summary, _ = replay("portugal_brazil_forensics_mou")
    assert summary.agreement.kind == "memorandum_of_understanding"
    # "on Monday", and the dateline "LISBON, March 3" has no year: no date is resolved.
    assert summary.agreement.date_text == "on Monday"
    assert summary.agreement.signed is None
    assert summary.dateline is not None and summary.dateline.filed_on is None
    assert [(p.name, p.country and p.country.code) for p in summary.parties] == [
        ("Judicial Police", "PT"),
        ("Federal Police", "BR"),
    ]
    assert [s.name for s in summary.signatories] == ["Ana Ribeiro", "Carlos Mendes"]
    venue = summary.venue
    assert venue is not None and venue.city is not None and venue.country is not None
    # The dateline also says LISBON; the venue is quoted from the story's body.
    assert (venue.city.name, venue.city.basis) == ("Lisbon", "stated")
    assert "headquarters" in venue.evidence.quote
    assert (venue.country.code, venue.country.rule, venue.country.mention) == (
        "PT", "gazetteer", "Lisbon",
    )  # fmt: skip
    assert summary.threat_groups == []
    assert {a.category for a in summary.aims} == {"capacity_building", "information_sharing"}


def test_multilateral_declaration_naming_two_groups() -> None:
    summary, _ = replay("andean_joint_declaration")
    assert summary.agreement.kind == "joint_declaration"
    assert summary.agreement.title == "Quito Declaration on Border Security"
    assert [p.name for p in summary.parties] == ["Ecuador", "Colombia", "Peru"]
    assert all(p.kind == "government" for p in summary.parties)
    assert [(s.name, s.party) for s in summary.signatories] == [
        ("Lucia Paredes", "Ecuador"),
        ("Andres Rojas", "Colombia"),
        (None, "Peru"),
    ]
    lobos, clan = summary.threat_groups
    assert (lobos.name, lobos.kind) == ("Los Lobos", "gang")
    assert lobos.size is not None and lobos.size.value == "around 8,000 members"
    assert [d.label for d in lobos.designations] == ["Foreign Terrorist Organization"]
    assert (clan.name, clan.kind, clan.aliases) == (
        "Clan del Golfo",
        "cartel",
        ["Gaitanista Army of Colombia"],
    )
    assert clan.designations == []
    venue = summary.venue
    assert venue is not None and venue.city is not None and venue.country is not None
    assert (venue.city.name, venue.country.code, venue.country.rule) == ("Quito", "EC", "gazetteer")


def test_unnamed_signatories() -> None:
    summary, _ = replay("unnamed_signatories_maritime")
    assert summary.agreement.kind == "working_arrangement"
    assert [s.name for s in summary.signatories] == [None, None]
    assert [s.title for s in summary.signatories] == [
        "head of the Civil Guard's maritime service",
        "commander of the Gendarmerie's coastal unit",
    ]
    venue = summary.venue
    assert venue is not None and venue.city is not None and venue.country is not None
    assert (venue.city.name, venue.country.name) == ("Tangier", "Morocco")
    # The Royal Moroccan Gendarmerie: a nationality word implies the country.
    assert [(p.country.code, p.country.mention, p.country.rule) for p in summary.parties] == [
        ("ES", "Spain", None),
        ("MA", "Moroccan", "demonym"),
    ]
    assert summary.threat_groups == []


def test_article_that_does_not_say_where() -> None:
    summary, _ = replay("afp_polri_letter_of_intent")
    assert summary.agreement.kind == "letter_of_intent"
    assert summary.venue is None
    assert [s.title for s in summary.signatories] == ["Commissioner", "Chief"]
    assert [(p.country.name, p.country.rule) for p in summary.parties] == [
        ("Australia", "demonym"),
        ("Indonesia", "demonym"),
    ]


def test_article_without_agreement_raises_no_agreement() -> None:
    with pytest.raises(NoAgreementError) as caught:
        replay("talks_without_agreement")
    assert "no agreement was signed" in caught.value.reason
    assert caught.value.meta.attempts == 1
    assert caught.value.meta.usage.total_tokens > 0


def test_summary_round_trips_through_json() -> None:
    summary, _ = replay("interpol_tren_de_aragua")
    again = AgreementSummary.model_validate_json(summary.model_dump_json())
    assert again == summary


# -- articles written for the checks of schema v2 -------------------------------------------


def countries(summary: AgreementSummary) -> list[tuple[str, str, str, str | None] | None]:
    return [
        p.country and (p.country.code, p.country.mention, p.country.basis, p.country.rule)
        for p in summary.parties
    ]


def test_parties_named_only_by_nationality() -> None:
    summary, _ = replay("demonym_parties_migration_mou")
    assert [(p.name, p.mention, p.basis, p.rule) for p in summary.parties] == [
        ("United States", "United States", "stated", None),
        ("Guatemala", "Guatemalan", "derived", "demonym"),
        ("Honduras", "Honduran", "derived", "demonym"),
        ("El Salvador", "Salvadoran", "derived", "demonym"),
    ]
    assert countries(summary)[1:] == [
        ("GT", "Guatemalan", "derived", "demonym"),
        ("HN", "Honduran", "derived", "demonym"),
        ("SV", "Salvadoran", "derived", "demonym"),
    ]
    assert {p.kind for p in summary.parties} == {"government"}


def test_venue_named_by_a_capital_alone() -> None:
    summary, _ = replay("capital_without_country_abuja")
    venue = summary.venue
    assert venue is not None and venue.city is not None and venue.country is not None
    assert "Nigeria" not in venue.evidence.quote
    assert (venue.city.name, venue.country.name, venue.country.mention, venue.country.rule) == (
        "Abuja", "Nigeria", "Abuja", "gazetteer",
    )  # fmt: skip


def test_venue_country_from_a_nationality_word_beside_the_capital() -> None:
    summary, _ = replay("somali_capital_mogadishu")
    venue = summary.venue
    assert venue is not None and venue.city is not None and venue.country is not None
    assert (venue.city.name, venue.country.code, venue.country.mention) == (
        "Mogadishu", "SO", "Somali",
    )  # fmt: skip
    assert [s.name for s in summary.signatories] == ["Abdirahman Hassan Warsame", None]
    assert [g.name for g in summary.threat_groups] == ["al-Shabaab"]


def test_venue_city_from_the_dateline_for_a_signing_at_headquarters() -> None:
    summary, _ = replay("dateline_headquarters_venue")
    venue = summary.venue
    assert venue is not None and venue.city is not None and venue.country is not None
    assert "Lyon" not in venue.evidence.quote and "headquarters" in venue.evidence.quote
    assert (venue.city.name, venue.city.mention, venue.city.basis) == ("Lyon", "LYON", "dateline")
    assert (venue.country.code, venue.country.basis) == ("FR", "dateline")
    # "today" in a dateline without a date: kept as written, not resolved.
    assert (summary.agreement.date_text, summary.agreement.signed) == ("today", None)


def test_relative_date_resolved_against_a_dated_dateline() -> None:
    summary, _ = replay("relative_date_dated_dateline")
    assert summary.dateline is not None and summary.dateline.filed_on == date(2025, 3, 7)
    signed = summary.agreement.signed
    assert signed is not None
    assert (signed.on, signed.mention, signed.basis, signed.rule) == (
        date(2025, 3, 4), "on Tuesday", "derived", "relative_to_dateline",
    )  # fmt: skip
    assert "on Tuesday" in summary.agreement.evidence.quote


def test_absolute_date_is_stated() -> None:
    summary, _ = replay("abbreviation_nca")
    signed = summary.agreement.signed
    assert signed is not None
    assert (signed.on, signed.basis, signed.rule) == (date(2025, 3, 12), "stated", None)


def test_abbreviation_expanded_where_the_article_spells_it_out() -> None:
    summary, _ = replay("abbreviation_nca")
    nca = summary.parties[0]
    assert (nca.name, nca.mention, nca.basis, nca.rule) == (
        "National Crime Agency", "NCA", "derived", "abbreviation",
    )  # fmt: skip
    assert "National Crime Agency" not in nca.evidence.quote
    assert nca.country is not None and (nca.country.code, nca.country.basis) == ("GB", "stated")
    assert countries(summary)[1] == ("NL", "Dutch", "derived", "demonym")
    assert summary.signatories[0].party == "National Crime Agency"


def test_unnamed_threat_group() -> None:
    summary, _ = replay("unnamed_group_islamic_state")
    (group,) = summary.threat_groups
    assert group.name is None
    assert group.description == "a group affiliated with the Islamic State"
    assert group.kind == "terrorist_organization"


def test_an_optional_detail_that_never_grounds_is_dropped_not_fatal() -> None:
    """Three replies, each quoting one aim in words the article does not use: after the
    re-asks the summary comes back without that aim, and says so."""
    reply = reference_reply("capital_without_country_abuja")
    principal(reply)["aims"][0]["evidence"] = "to share intelligence on cocaine shipments by air"
    script = Script(*[completion(reply) for _ in range(3)])
    summary = summarize(
        article("capital_without_country_abuja"), client=script.client(), settings=NO_WAIT
    )
    assert len(script.requests) == 3
    assert len(summary.aims) == len(principal(reply)["aims"]) - 1
    (dropped,) = summary.meta.dropped
    assert (dropped.path, dropped.value) == (
        "agreements[0].aims[0].evidence",
        principal(reply)["aims"][0]["evidence"],
    )
    assert "is not in the article" in dropped.reason
    assert summary.meta.usage.total_tokens == 3 * 150
