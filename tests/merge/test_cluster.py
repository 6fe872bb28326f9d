"""`merge()`: the gold set's stories grouped exactly as their keys say; no chain of near
matches joins what a pair across it keeps apart; records stable under reordering."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from helpers.merge_set import key_of, merge_set, pairs

from summarizer import merge


def test_the_gold_set_merges_into_exactly_its_signings() -> None:
    records = merge(pairs())
    found = sorted(sorted(s.source for s in r.sources) for r in records)
    wanted: dict[str, list[str]] = defaultdict(list)
    for source, key in key_of().items():
        wanted[key].append(source)
    assert found == sorted(sorted(group) for group in wanted.values())


def test_the_same_stories_in_any_order_give_the_same_records() -> None:
    stories = list(merge_set().items())
    backward = [(stem, s) for stem, (summaries, _) in reversed(stories) for s in summaries]
    forward = {r.id: sorted(s.source for s in r.sources) for r in merge(pairs())}
    assert forward == {r.id: sorted(s.source for s in r.sources) for r in merge(backward)}


def dated(summary, day: date | None, filed: date):
    """`summary` signed on `day` (or undated), its dateline filed on `filed`."""
    agreement = summary.agreement
    signed = (
        agreement.signed.model_copy(update={"on": day, "earliest": day, "latest": day})
        if day else None
    )  # fmt: skip
    dateline = summary.dateline.model_copy(update={"filed_on": filed})
    return summary.model_copy(
        update={"agreement": agreement.model_copy(update={"signed": signed}), "dateline": dateline}
    )


def test_a_chain_of_near_matches_does_not_join_what_a_pair_keeps_apart() -> None:
    (base,), _ = merge_set()["merge_a_interpol_en_wire"]
    start = date(2025, 10, 14)
    first = dated(base, start, start)
    undated = dated(base, None, start + timedelta(days=5))  # near both the others
    later = dated(base, start + timedelta(days=9), start + timedelta(days=9))
    records = merge([("first", first), ("undated", undated), ("later", later)])
    together = [sorted(s.article_id for s in r.sources) for r in records]
    assert len(records) == 2 and ["first", "later"] not in together


def test_a_story_with_two_lookalike_agreements_is_matched_by_title() -> None:
    (base,), _ = merge_set()["merge_a_interpol_en_wire"]

    def titled(title: str):
        return base.model_copy(
            update={"agreement": base.agreement.model_copy(update={"title": title})}
        )

    records = merge([
        ("both", titled("Security Memorandum")), ("both", titled("Customs Memorandum")),
        ("customs", titled("Customs Memorandum")), ("untitled", titled("")),
    ])  # fmt: skip
    together = sorted(sorted(s.source for s in r.sources) for r in records)
    assert ["both/1", "customs/0"] in together
    assert ["untitled/0"] in together  # which of the two it reports, code cannot tell


def test_an_unsure_pair_is_not_bridged_by_a_third_story() -> None:
    (base,), _ = merge_set()["merge_a_interpol_en_wire"]
    day = date(2025, 10, 14)

    def at(city: str | None):
        undated = dated(base, None, day)
        venue = undated.venue.model_copy(update={
            "city": undated.venue.city.model_copy(update={"name": city}) if city else None
        })  # fmt: skip
        return undated.model_copy(update={"venue": venue})

    records = merge([("paris", at("Paris")), ("nowhere", at(None)), ("lyon", at("Lyon"))])
    assert all({"paris", "lyon"} - {s.article_id for s in r.sources} for r in records)
