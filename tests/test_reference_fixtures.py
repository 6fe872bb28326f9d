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
from support import ARTICLES, BASE_URL, REFERENCE, all_evidence, article

from summarizer import AgreementSummary, Country, NoAgreementError, summarize
from summarizer.cassettes import Cassette, ReplayTransport


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
        assert cassette.source["article"] == f"examples/articles/{stem}.txt"
        assert cassette.source["prompt"] == "agreement_summary v2"


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
        "2",
        "json_schema",
        "2",
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
