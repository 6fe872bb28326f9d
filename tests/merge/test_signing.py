"""Whether two stories' agreements report one signing: the look-alikes of the gold set are
"different" from the signing they resemble, each cluster's stories are "same"."""

from __future__ import annotations

from datetime import timedelta
from itertools import combinations

import pytest
from helpers.merge_set import key_of, merge_set

from summarizer._merge.signing import DATE_SLACK_DAYS, Signing, party_key, verdict


def signings() -> dict[str, Signing]:
    return {
        f"{stem}/{n}": Signing.of(stem, n, summary)
        for stem, (summaries, _) in merge_set().items()
        for n, summary in enumerate(summaries)
    }


def lookalikes() -> list[tuple[str, str]]:
    return [
        (stem, keys["distractor_kind"])
        for stem, (_, keys) in merge_set().items() if keys.get("distractor_of")
    ]  # fmt: skip


@pytest.mark.parametrize(("stem", "kind"), lookalikes(), ids=[s for s, _ in lookalikes()])
def test_a_lookalike_is_a_different_signing_from_the_one_it_resembles(stem, kind) -> None:
    summaries, keys = merge_set()[stem]
    if kind == "to_be_signed":
        assert summaries == [] and keys["agreements"] == []
        return
    every, gold = signings(), key_of()
    resembled = [s for source, s in every.items() if gold[source] == keys["distractor_of"]]
    lookalike = every[f"{stem}/0"]
    assert resembled and all(verdict(lookalike, other) == "different" for other in resembled)


def test_every_pair_of_stories_of_one_signing_is_the_same() -> None:
    by_key: dict[str, list[Signing]] = {}
    for source, signing in signings().items():
        by_key.setdefault(key_of()[source], []).append(signing)
    pairs = [pair for group in by_key.values() for pair in combinations(group, 2)]
    assert len(pairs) >= 15
    assert [(a.source, b.source) for a, b in pairs if verdict(a, b) != "same"] == []


def test_a_day_apart_is_one_signing_a_week_apart_another() -> None:
    es, pt = signings()["merge_a_policia_es/0"], signings()["merge_a_policia_pt/0"]
    assert pt.earliest == es.earliest + timedelta(days=1) and verdict(es, pt) == "same"
    later = es.earliest + timedelta(days=DATE_SLACK_DAYS + 1)
    moved = Signing(**{**pt.__dict__, "earliest": later, "latest": later})
    assert verdict(es, moved) == "different"


def test_two_agreements_of_one_story_are_never_one_signing() -> None:
    one = signings()["merge_b_gdf_albania_training_loi/0"]
    assert verdict(one, one) == "different"


def test_parties_meet_by_country_and_organisations_by_name() -> None:
    europol = merge_set()["merge_b_europol_ecuador_es"][0][0].parties
    kenya = [s.parties for s in merge_set()["merge_a_kenya_somalia_demonyms"][0]][0]
    assert {party_key(p) for p in europol} == {"name:europol", "country:EC"}
    assert {party_key(p) for p in kenya} == {"country:KE", "country:SO"}


def test_with_nothing_that_dates_either_story_only_a_shared_signer_decides() -> None:
    (base,), _ = merge_set()["merge_a_interpol_en_wire"]
    undated = base.model_copy(update={
        "agreement": base.agreement.model_copy(update={"signed": None}), "dateline": None,
    })  # fmt: skip
    others = [s.model_copy(update={"name": f"Someone Else{n}"}) for n, s in
              enumerate(undated.signatories)]  # fmt: skip
    strangers = undated.model_copy(update={"signatories": others})
    one, same, other = (Signing.of(story, 0, s) for story, s in
                        (("a", undated), ("b", undated), ("c", strangers)))  # fmt: skip
    assert verdict(one, same) == "same" and verdict(one, other) == "unsure"
