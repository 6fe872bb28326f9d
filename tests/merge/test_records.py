"""`AgreementRecord`: every value with the stories that give it; disagreements side by side."""

from __future__ import annotations

from helpers.merge_set import pairs

from summarizer import merge


def records_by_source() -> dict[str, object]:
    return {s.source: r for r in merge(pairs()) for s in r.sources}


def test_two_dates_are_kept_side_by_side_with_their_sources() -> None:
    record = records_by_source()["merge_a_policia_pt/0"]
    assert record.disagreements == ["signed_on"]
    dates = {v.value: sorted(s.source for s in v.sources) for v in record.signed_on}
    assert dates == {
        "2025-11-18": ["merge_a_policia_en/0", "merge_a_policia_es/0"],
        "2025-11-19": ["merge_a_policia_pt/0"],
    }
    quotes = [s.quote for v in record.signed_on for s in v.sources]
    assert all(quotes)


def test_each_party_and_person_is_one_entry_with_every_story_that_names_them() -> None:
    record = records_by_source()["merge_a_pnp_knpa_manila/0"]
    assert len(record.parties) == 2 and all(len(p.sources) == 2 for p in record.parties)
    people = sorted((len(v.sources), v.value) for v in record.signatories)
    assert len(people) == 2 and all(count == 2 for count, _ in people)  # Lee / Rhee Dong-hwan
    russian = records_by_source()["merge_b_mvd_kazakhstan_ru/0"]
    assert len(russian.signatories) == 2  # with and without the patronymic


def test_a_record_id_names_its_sources() -> None:
    first = merge(pairs())
    assert [r.id for r in first] == [r.id for r in merge(pairs())]
    assert all(r.id.startswith("rec-") for r in first)
