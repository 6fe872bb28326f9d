"""Grade, don't gate: each kind of value the checks once refused, as a capable model gives it.

Every gold article built around one kind (eval/gold, reference replies written by hand for
prompt v4) is summarized with re-asks allowed: none may be needed, nothing may be dropped,
and the value the article is about gets the grade pinned here. Then a bug inside a check.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from helpers.support import ROOT, Script, completion

from summarizer import AgreementSummary, Settings, summarize, verified_only
from summarizer._model.cassettes import Cassette
from summarizer._model.clients import replay_client

GOLD = ROOT / "eval" / "gold"
REFERENCE = ROOT / "eval" / "cassettes" / "reference"


def summary_of(stem: str, settings: Settings | None = None) -> AgreementSummary:
    cassette = Cassette.load(REFERENCE / f"{stem}.json")
    text = (GOLD / f"{stem}.txt").read_text(encoding="utf-8")
    with replay_client(cassette) as client:
        return summarize(text, model="reference", client=client, settings=settings or Settings())


def party(summary: AgreementSummary, name: str) -> tuple[str, str | None, str | None]:
    (found,) = [p for p in summary.parties if p.name == name]
    country = found.country
    return found.basis, found.rule, country and f"{country.code} {country.basis}"


# What each kind now gives: (stem, what is looked at, expected).
KINDS: list[tuple[str, Any, object]] = [
    ("gold_kenyan_authorities", lambda s: party(s, "Kenya"),
     ("derived", "government", "KE derived")),
    ("gold_distributive_coast_guards", lambda s: party(s, "Togo Coast Guard"),
     ("derived", "same_words", "TG stated")),
    ("gold_island_venue", lambda s: (s.venue.city, s.venue.country.code, s.venue.country.basis),
     (None, "GR", "unverified")),  # no maintained package knows "Crete": kept, graded
    ("gold_province_venue", lambda s: (s.venue.country.code, s.venue.country.basis),
     ("MX", "derived")),
    ("gold_es_gobierno_peruano", lambda s: (party(s, "Peru"), s.venue.country.rule),
     (("derived", "government", "PE derived"), "gazetteer")),
    ("gold_headquarters_venue_dateline", lambda s: (s.venue.city.name, s.venue.city.basis),
     ("Addis Ababa", "dateline")),
    ("gold_fr_siege_elision", lambda s: (s.venue.city.basis, party(s, "Algeria")),
     ("dateline", ("translated", None, "DZ stated"))),
    ("gold_country_far_and_elsewhere", lambda s: party(s, "Narcotics Control Commission"),
     ("derived", "elsewhere", "GH derived")),
    ("gold_group_abbreviation",
     lambda s: [(g.name, g.mention, g.basis, g.rule) for g in s.threat_groups],
     [("Mara Salvatrucha", "MS-13", "derived", "alias")]),
    ("gold_well_known_full_name", lambda s: party(s, "Association of Southeast Asian Nations"),
     ("unverified", None, None)),  # "ASEAN" is never spelled out: kept, graded
    ("gold_ar_spelling_variant", lambda s: [x.title for x in s.signatories if x.title],
     ["المدير العام للأمن العام اللبناني", "وزير الداخلية"]),  # "ووزير الداخلية" in its quote
    ("gold_ar_spelling_variant", lambda s: party(s, "Ministry of Interior of Syria"),
     ("translated", None, "SY stated")),  # "سورية", a spelling of "سوريا"
    ("gold_ar_group_daesh", lambda s: [(g.name, g.mention, g.basis) for g in s.threat_groups],
     [("Islamic State", "داعش", "translated")]),
    ("gold_ru_signatory_case", lambda s: [(x.name, x.mention, x.basis) for x in s.signatories],
     [("Andrei Gusev", "Андреем Гусевым", "derived"),
      ("Yerlan Saparov", "Ерланом Сапаровым", "derived")]),
    ("gold_ru_city_country", lambda s: (s.venue.city.name, s.venue.country.basis),
     ("Tashkent", "derived")),
    ("gold_uk_signatory", lambda s: [(x.name, x.rule) for x in s.signatories],
     [("Oleksandr Kovalenko", "transliteration"), ("Marek Nowak", "transliteration")]),
    ("gold_zh_no_spaces",
     lambda s: (party(s, "Brazil"), s.venue.city.name, str(s.agreement.signed_on)),
     (("derived", "demonym", "BR stated"), "Beijing", "2025-05-11")),
    ("gold_it_nazionalita", lambda s: party(s, "Albania"), ("derived", "government", "AL derived")),
]  # fmt: skip


@pytest.mark.parametrize(("stem", "looked_at", "expected"), KINDS)
def test_each_kind_is_kept_with_its_grade_and_never_reasked(stem, looked_at, expected) -> None:
    summary = summary_of(stem)
    assert summary.meta.attempts == 1 and summary.meta.dropped == []
    assert looked_at(summary) == expected


def test_verified_only_leaves_out_what_code_did_not_prove_and_says_so() -> None:
    summary = summary_of("gold_well_known_full_name")
    proved = verified_only(summary)
    asean = next(p for p in proved.parties if p.mention == "ASEAN")
    assert (asean.name, asean.basis) == ("ASEAN", "stated")
    assert [d.path for d in proved.meta.dropped] == ["parties[0].name"]
    # The setting gives what the function gives.
    assert summary_of("gold_well_known_full_name", Settings(keep_unverified=False)).parties == (
        proved.parties
    )


def test_a_bug_inside_a_check_is_logged_never_sent_to_the_model(
    seed_article, seed_reply, monkeypatch, caplog
) -> None:
    from summarizer._checks import proofs

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("Grammeme is unknown: Geox")

    monkeypatch.setattr(proofs, "party_country", broken)
    script = Script(completion(seed_reply))
    with caplog.at_level(logging.ERROR, logger="summarizer"):
        summary = summarize(seed_article, client=script.client(), settings=Settings())
    assert len(script.requests) == 1  # no re-ask: the model cannot fix our bug
    assert all(p.country is None for p in summary.parties)
    assert any("a check failed inside summarizer" in d.reason for d in summary.meta.dropped)
    assert summary.meta.article_sha256 in caplog.text and "Geox" in caplog.text
