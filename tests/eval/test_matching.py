"""How a value is matched to the gold's: names, titles, cities, and the pairing of lists."""

from __future__ import annotations


def test_titles_may_differ_in_number_but_not_in_rank_and_cities_must_be_equal() -> None:
    from summarizer._eval.matching import same as _same

    assert _same("defence minister", "the defence ministers", title=True)
    assert not _same("director", "deputy director", title=True)
    assert not _same("Santiago", "Santiago de Compostela")
    assert _same("São Paulo", "sao paulo")


def test_matching_pairs_as_many_as_it_can() -> None:
    from summarizer._eval.matching import best_pairs as _match

    assert _match([{"a", "b"}, {"b"}], [{"b"}, {"a"}]) == [(0, 1), (1, 0)]
