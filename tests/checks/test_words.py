"""Whether words stand in a quote: together and in order, in any order, or as the full form
of an abbreviation the article spells out; the words around a mention; two names written
as one thing."""

from __future__ import annotations

from summarizer._checks.words import contains_words, words_in, written_as_one


def test_words_in_forgives_order_plurals_and_filler_only() -> None:
    assert words_in("Ecuador's Interior Minister Lucia Paredes", "Minister of the Interior")
    assert words_in("one of the banned parties", "banned party")
    assert not words_in("Ecuador's Interior Minister", "Minister of Defense")


def test_contains_words_respects_word_boundaries() -> None:
    assert contains_words("covers Somali and Nigerian networks", "Somali")
    assert not contains_words("covers Somali and Nigerian networks", "Somalia")
    assert contains_words("Marie-Josee Homsy, Director", "Marie Josee Homsy")


def test_contains_words_ignores_case_only_where_asked() -> None:
    assert contains_words("Interpol Washington Director", "INTERPOL Washington")
    assert not contains_words("Interpol Washington Director", "INTERPOL Ottawa")


def test_a_possessive_counts_with_its_word_around_a_mention() -> None:
    from summarizer._checks.words import words_around

    quote = "Zambia's Drug Enforcement Commission (DEC) and the Malawi Police Service"
    assert words_around(quote, "DEC").startswith("Zambia's")
    assert words_around("the NCA and the Dutch police", "NCA", words=1) == "the NCA and"


def test_a_mention_followed_by_a_possessive_is_still_found() -> None:
    from summarizer._checks.words import words_around

    quote = "the Civil Guard's director general signed with the Royal Moroccan Gendarmerie"
    # Four words either side, as for any mention; not the whole quote.
    assert words_around(quote, "Civil Guard") == "the Civil Guard's director general signed with"


def test_two_names_written_as_one_thing() -> None:
    text = "The National Crime Agency (NCA) and Mara Salvatrucha, also known as MS-13, said."
    assert written_as_one(text, "Mara Salvatrucha", "MS-13")
    assert written_as_one(text, "National Crime Agency", "NCA")
    assert not written_as_one(text, "Crime Agency", "NCA")  # the tail of a longer name
