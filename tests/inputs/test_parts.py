"""Long articles: split at paragraph breaks, each part summarized, the parts merged.

The two long documents in tests/fixtures/articles/long/ (a 118,000-character report and a
111,000-character hearing transcript) were written for the project with their facts spread
out: a party named only in the last few per cent, one named in two far-apart places, the
venue, the date and the group each in a different stretch. Each has a reference reply
holding every fact of the whole text. `PartReader` (helpers/long_articles.py) stands for a
capable model reading one part: it answers with exactly those facts whose quotes lie in the
part it is sent. For any text and part size (hypothesis), the parts cover the text, overlap as
promised and never cut a letter from its marks, and a quote found in a part points at the
same words of the whole.
"""

from __future__ import annotations

import asyncio
import json
import unicodedata
from dataclasses import replace
from datetime import date
from typing import Any

import httpx2
import openai
import pytest
from helpers.long_articles import HEARING, REPORT, PartReader, text_of
from helpers.strategies import article_texts
from helpers.support import NO_WAIT, completion
from hypothesis import example, given, settings
from hypothesis import strategies as st

from summarizer import (
    AgreementSummary,
    InputTooLongError,
    InvalidReplyError,
    NoAgreementError,
    Settings,
    Usage,
    asummarize,
    summarize,
    summarize_all,
)
from summarizer._checks import ArticleText, Scope
from summarizer._checks.checker import AgreementChecks
from summarizer._inputs.parts import Slice, shifted, split_text
from summarizer._summary import Evidence, evidence_in

PARTS = replace(NO_WAIT, max_part_chars=30_000, part_overlap_chars=1_500)


def summarized(stem: str, settings: Settings = PARTS) -> tuple[AgreementSummary, PartReader]:
    reader = PartReader(stem)
    return summarize(text_of(stem), client=reader.client(), settings=settings), reader


def part_of(summary: AgreementSummary, offset: int) -> list[int]:
    """The indexes of the parts holding character `offset`."""
    return [i for i, p in enumerate(summary.meta.parts) if p.start <= offset < p.end]


# -- splitting --------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", [REPORT, HEARING])
def test_the_documents_are_long(stem: str) -> None:
    assert len(text_of(stem)) >= 100_000


@pytest.mark.parametrize("stem", [REPORT, HEARING])
def test_parts_cover_the_text_at_paragraph_breaks_and_overlap(stem: str) -> None:
    text = text_of(stem)
    parts = split_text(text, 30_000, 1_500)
    assert len(parts) >= 4
    assert parts[0].start == 0 and parts[-1].end == len(text)
    for before, after in zip(parts, parts[1:], strict=False):
        assert after.start < before.end <= after.end  # no gap: each part overlaps the last
        assert before.end - after.start <= 1_500
        assert text[after.start - 2 : after.start] == "\n\n"  # a paragraph's first word
    assert all(p.end - p.start <= 30_000 for p in parts)


def test_paragraphs_longer_than_the_overlap_still_overlap_by_sentences() -> None:
    text = ("A sentence of about thirty chars. " * 60 + "\n\n") * 6
    parts = split_text(text, 3_000, 500)
    overlaps = [before.end - after.start for before, after in zip(parts, parts[1:], strict=False)]
    assert all(0 < overlap <= 500 for overlap in overlaps)
    assert all(text[p.start - 2 : p.start] in ("\n\n", ". ") for p in parts[1:])


def test_text_without_spaces_is_cut_after_its_sentences() -> None:
    text = "这是一个很长的句子。" * 400
    parts = split_text(text, 1_000, 100)
    assert all(p.end - p.start <= 1_000 and text[p.end - 1] == "。" for p in parts[:-1])
    assert all(a.end - b.start > 0 for a, b in zip(parts, parts[1:], strict=False))


def test_a_paragraph_longer_than_a_part_is_cut_between_sentences() -> None:
    paragraph = " ".join(f"Sentence number {i} is here." for i in range(400))
    parts = split_text(paragraph, 2_000, 100)
    assert all(p.end - p.start <= 2_000 for p in parts)
    assert all(paragraph[p.end - 1] in ". " for p in parts)
    assert "".join(paragraph[p.start : p.end] for p in parts).count("Sentence number 399") >= 1


def test_one_endless_word_is_cut_by_length() -> None:
    assert split_text("x" * 2_500, 1_000, 0) == [
        Slice(0, 1_000),
        Slice(1_000, 2_000),
        Slice(2_000, 2_500),
    ]


def test_an_endless_word_is_never_cut_between_a_letter_and_its_accent() -> None:
    text = "Bogota\u0301" * 2  # the accent as a combining mark, as some editors write it
    parts = [text[p.start : p.end] for p in split_text(text, 6, 0)]
    assert parts == ["Bogot", "a\u0301Bogo", "ta\u0301"]


def test_a_short_article_is_one_part() -> None:
    assert split_text("A short story.\n\nTwo paragraphs.", 1_000, 100) == [Slice(0, 31)]


# -- merging ----------------------------------------------------------------------------------


def test_facts_from_every_part_merge_into_one_summary() -> None:
    summary, reader = summarized(REPORT)
    text = text_of(REPORT)
    names = [p.name for p in summary.parties]
    assert names == [
        "Kenya Coast Guard Service",
        "Tanzania Police Force Marine Unit",
        "Seychelles Coast Guard",
        "Mozambican Navy",
    ]
    assert summary.agreement.signed_on == date(2025, 5, 28)
    assert summary.venue is not None and summary.venue.city is not None
    assert summary.venue.city.name == "Mombasa"
    assert len(summary.signatories) == 2 and all(s.party in names for s in summary.signatories)
    assert len(summary.aims) == 6
    (group,) = summary.threat_groups
    assert group.name == "Msafara syndicate" and group.size is not None
    assert summary.dateline is not None and summary.dateline.filed_on == date(2025, 6, 3)
    assert summary.meta.dropped == []
    # Every quote slices the whole text, wherever its part began.
    for evidence in evidence_in(summary.model_copy(update={"meta": None})):
        assert text[evidence.start : evidence.end] == evidence.quote
    assert len(reader.parts) == len(summary.meta.parts) >= 4


def test_a_party_named_only_in_the_last_part_is_kept() -> None:
    summary, _ = summarized(REPORT)
    (mozambique,) = [p for p in summary.parties if p.name == "Mozambican Navy"]
    assert part_of(summary, mozambique.evidence.start) == [len(summary.meta.parts) - 1]


def test_a_party_named_in_two_parts_is_one_party() -> None:
    summary, _ = summarized(REPORT)
    text = text_of(REPORT)
    name = "Tanzania Police Force Marine Unit"
    places = [i for i in range(len(text)) if text.startswith(name, i)]
    assert len(places) == 2
    assert part_of(summary, places[0]) != part_of(summary, places[1])
    assert [p.name for p in summary.parties].count(name) == 1


def test_an_abbreviation_spelled_out_in_another_part_is_one_party() -> None:
    summary, _ = summarized(HEARING)
    nca = [p for p in summary.parties if p.name == "National Crime Agency"]
    assert len(nca) == 1
    assert "New Zealand Police" in {p.name for p in summary.parties}
    assert summary.agreement.signed_on == date(2025, 8, 14)
    assert summary.meta.dropped == []


def test_meta_shows_each_part_and_what_it_cost() -> None:
    summary, _ = summarized(REPORT)
    parts = summary.meta.parts
    assert [p.outcome for p in parts].count("summarized") >= 3
    assert sum((p.usage for p in parts), Usage()) == summary.meta.usage
    assert sum(p.http_requests for p in parts) == summary.meta.http_requests == len(parts)
    assert summary.meta.attempts == len(parts)
    assert summary.meta.other_agreements == 0


def test_a_part_that_fails_costs_its_facts_not_the_summary() -> None:
    text = text_of(REPORT)
    last = split_text(text, PARTS.max_part_chars, PARTS.part_overlap_chars)[-1]
    reader = PartReader(REPORT, failing=(text[last.start : last.start + 40],))
    settings = replace(PARTS, transport_attempts=2)
    summary = summarize(text, client=reader.client(), settings=settings)
    assert "Mozambican Navy" not in {p.name for p in summary.parties}
    assert summary.meta.parts[-1].outcome == "failed"
    assert "ServerFailureError" in (summary.meta.parts[-1].error or "")
    lost = {d.path: d for d in summary.meta.dropped}
    assert f"parts[{len(summary.meta.parts) - 1}]" in lost
    assert summary.meta.parts[-1].http_requests == 2


def test_the_async_twin_merges_the_same_summary() -> None:
    sync, _ = summarized(HEARING)
    reader = PartReader(HEARING)
    asynced = asyncio.run(
        asummarize(text_of(HEARING), client=reader.async_client(), settings=PARTS)
    )
    exclude = {"meta"}
    assert asynced.model_dump(exclude=exclude) == sync.model_dump(exclude=exclude)


def test_parts_that_report_no_agreement_give_no_agreement() -> None:
    text = "\n\n".join(
        f"Paragraph {i} about harbour weather and nothing signed." for i in range(900)
    )
    reply = {
        "reports_agreement": False,
        "no_agreement_reason": "Weather only.",
        "agreements": [],
        "headline": "Weather.",
    }
    answered: list[int] = []

    def endpoint(request: httpx2.Request) -> httpx2.Response:
        answered.append(1)
        return httpx2.Response(200, json=completion(reply))

    client = openai.OpenAI(
        api_key="k",
        base_url="http://model.test/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(endpoint)),
    )
    with pytest.raises(NoAgreementError) as caught:
        summarize(text, client=client, settings=replace(NO_WAIT, max_part_chars=10_000))
    assert len(answered) == len(caught.value.meta.parts) >= 5
    assert {p.outcome for p in caught.value.meta.parts} == {"no_agreement"}


def test_the_hard_ceiling_is_the_users() -> None:
    text = text_of(REPORT)
    with pytest.raises(InputTooLongError) as caught:
        summarize(text, settings=replace(PARTS, max_input_chars=100_000))
    assert (caught.value.length, caught.value.limit) == (len(text), 100_000)


def test_by_default_a_long_article_is_split_into_even_parts_not_refused() -> None:
    summary, reader = summarized(REPORT, settings=NO_WAIT)
    # 118,552 characters miss two 60,000-character parts by their overlap: three even
    # parts, not two full ones and a sliver that pays a whole prompt for 2,000 characters.
    sizes = [p.end - p.start for p in summary.meta.parts]
    assert len(sizes) == len(reader.parts) == 3 and min(sizes) > max(sizes) * 0.8
    assert len(summary.parties) == 4


# -- merging rules, on a short article cut into two parts ---------------------------------------

FILLER = "\n\n".join(f"Paragraph {i} is about the weather in the port." for i in range(40))
TWO_PARTS = replace(NO_WAIT, max_part_chars=1_500, part_overlap_chars=300)


def entry(quote: str, kind: str, *parties: tuple[str, str], **facts: Any) -> dict[str, Any]:
    return {
        "agreement": {"kind": kind, "title": None, "date_text": None, "evidence": quote},
        "parties": [
            {"name": name, "mention": name, "kind": "agency", "country": None,
             "parent_body": None, "evidence": evidence}
            for name, evidence in parties
        ],
        "signatories": facts.get("signatories", []),
        "aims": facts.get("aims", []),
        "venue": None,
        "threat_groups": [],
    }  # fmt: skip


def by_part(text: str, answers: list[tuple[str, list[dict[str, Any]]]]) -> openai.OpenAI:
    """An endpoint that answers each part with the entries of the first marker it holds."""

    def answer(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.read())
        part = body["messages"][1]["content"]
        entries = next(e for marker, e in answers if marker in part)
        reply = {"reports_agreement": True, "no_agreement_reason": None,
                 "agreements": entries, "headline": "Two stories."}  # fmt: skip
        return httpx2.Response(200, json=completion(reply))

    return openai.OpenAI(
        api_key="k",
        base_url="http://model.test/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
    )


KENYA = "Kenya Police and Uganda Police signed a memorandum of understanding."
TANZANIA = "Tanzania Police and Rwanda Police agreed a cooperation protocol."
FIRST = entry(KENYA, "memorandum_of_understanding",
              ("Kenya Police", KENYA), ("Uganda Police", KENYA))  # fmt: skip
SECOND = entry(TANZANIA, "other", ("Tanzania Police", TANZANIA), ("Rwanda Police", TANZANIA))


def test_a_later_parts_other_agreement_is_not_folded_into_the_principal() -> None:
    text = f"{KENYA}\n\n{FILLER}\n\n{TANZANIA}"
    client = by_part(text, [(KENYA, [FIRST]), (TANZANIA, [SECOND])])
    summaries = summarize_all(text, client=client, settings=TWO_PARTS)
    assert [sorted(p.name for p in s.parties) for s in summaries] == [
        ["Kenya Police", "Uganda Police"],
        ["Rwanda Police", "Tanzania Police"],
    ]
    assert summaries[0].meta.other_agreements == 1


def test_a_later_part_listing_the_principal_second_joins_it() -> None:
    again = "Kenya Police said the memorandum of understanding would start in May."
    text = f"{KENYA}\n\n{FILLER}\n\n{TANZANIA} {again}"
    later = entry(again, "memorandum_of_understanding", ("Kenya Police", again))
    client = by_part(text, [(TANZANIA, [SECOND, later]), (KENYA, [FIRST])])
    summaries = summarize_all(text, client=client, settings=TWO_PARTS)
    assert len(summaries) == 2
    assert sorted(p.name for p in summaries[0].parties) == ["Kenya Police", "Uganda Police"]
    assert summaries[1].agreement.kind == "other"


def test_a_fact_in_the_overlap_is_kept_once() -> None:
    aim_quote = "to share intelligence on cattle raiders"
    signing = "Jane Wambui of Kenya Police signed it"
    tail = "\n\n".join(f"Line {i} about nothing much at all here." for i in range(28))
    text = f"{FILLER[:1000]}\n\n{KENYA} {signing} {aim_quote}.\n\n{tail}"
    signatory = {"name": "Jane Wambui", "title": None, "party": "Kenya Police",
                 "evidence": signing}  # fmt: skip
    aim = {"description": "Share intelligence.", "category": "information_sharing",
           "evidence": aim_quote}  # fmt: skip
    both = entry(KENYA, "memorandum_of_understanding", ("Kenya Police", KENYA),
                 signatories=[signatory], aims=[aim])  # fmt: skip
    other_words = {**aim, "description": "Exchange information on raiders."}
    unlinked = {**signatory, "party": None}
    again = entry(KENYA, "memorandum_of_understanding", ("Kenya Police", KENYA),
                  signatories=[unlinked], aims=[other_words])  # fmt: skip
    client = by_part(text, [("Paragraph 0 ", [both]), ("Line 27", [again])])
    summary = summarize(text, client=client, settings=TWO_PARTS)
    assert len(summary.meta.parts) == 2
    assert [(s.name, s.party) for s in summary.signatories] == [("Jane Wambui", "Kenya Police")]
    assert [a.description for a in summary.aims] == ["Share intelligence."]


def test_a_credit_line_early_in_the_article_does_not_blank_a_part() -> None:
    """The copyright notice is found in the whole text: a photo credit near the start of
    a part is not the story's notice, and quotes after it still count."""
    credit = "Photo (c) 2024 Harbour Pictures."
    text = f"{credit}\n\n{FILLER}\n\n{KENYA}\n\n{FILLER}"
    client = by_part(text, [(KENYA, [FIRST]), ("Paragraph 0 ", [])])
    summary = summarize(text, client=client, settings=TWO_PARTS)
    assert sorted(p.name for p in summary.parties) == ["Kenya Police", "Uganda Police"]


def test_when_every_part_fails_the_error_counts_what_every_part_cost() -> None:
    text = f"{KENYA}\n\n{FILLER}\n\n{TANZANIA}"
    garbage = completion("not JSON at all")

    def endpoint(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json=garbage)

    client = openai.OpenAI(
        api_key="k",
        base_url="http://model.test/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(endpoint)),
    )
    parts = len(split_text(text, TWO_PARTS.max_part_chars, TWO_PARTS.part_overlap_chars))
    with pytest.raises(InvalidReplyError) as caught:
        summarize(text, client=client, settings=replace(TWO_PARTS, reasks=1))
    assert caught.value.attempts == 2 * parts
    assert caught.value.usage.total_tokens == 150 * 2 * parts


def test_prompt_v2_parts_may_leave_the_parties_to_another_part() -> None:
    venue = "The memorandum of understanding was signed in Nairobi."
    text = f"{KENYA}\n\n{FILLER}\n\n{venue}"
    v2_first = {"reports_agreement": True, "no_agreement_reason": None, **FIRST, "headline": "h"}
    v2_later = {
        **v2_first,
        **entry(venue, "memorandum_of_understanding"),
        "venue": {"event": None, "city": "Nairobi", "country": None, "evidence": venue},
    }

    def answer(request: httpx2.Request) -> httpx2.Response:
        part = json.loads(request.read())["messages"][1]["content"]
        return httpx2.Response(200, json=completion(v2_first if KENYA in part else v2_later))

    client = openai.OpenAI(
        api_key="k",
        base_url="http://model.test/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
    )
    summary = summarize(text, client=client, settings=replace(TWO_PARTS, prompt_version="2"))
    assert [p.outcome for p in summary.meta.parts] == ["summarized", "summarized"]
    assert summary.venue is not None and summary.venue.city is not None
    assert summary.venue.city.name == "Nairobi" and summary.meta.attempts == 2


# -- for any text -----------------------------------------------------------------------------
# Splitting holds for texts in any script and any part size the settings allow, and a quote
# found in a part points, once moved by the part's start, at the same words of the whole.

# Paragraphs and sentences of every kind, so that each break (and the cut by length) is used.
_BREAKS = st.sampled_from(["\n\n", "\r\n\r\n", "\n", "\r\n", ". ", "\u3002", " ", "  "])
long_texts = st.lists(st.one_of(article_texts(max_size=8), _BREAKS), max_size=40).map("".join)


@st.composite
def part_sizes(draw: st.DrawFn) -> tuple[int, int]:
    """A part size and an overlap the settings accept (at most half a part)."""
    size = draw(st.integers(1, 120))
    return size, draw(st.integers(0, size // 2))


def is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def cuts_a_letter(text: str, cut: int, size: int) -> bool:
    """True when `cut` falls between a letter and its marks, and they would fit in a part."""
    return cut < len(text) and is_mark(text[cut]) and len(letter_at(text, cut)) <= size


def letter_at(text: str, cut: int) -> str:
    """The letter (or whatever a mark follows) with all its marks that `cut` falls in."""
    start = cut - 1
    while start > 0 and is_mark(text[start]):
        start -= 1
    end = cut
    while end < len(text) and is_mark(text[end]):
        end += 1
    return text[start:end]


@settings(max_examples=200, deadline=None)
@given(text=long_texts, sizes=part_sizes())
@example(text="ab" + "e\u0301" * 4, sizes=(3, 1))  # was cut by length before an accent
@example(text="the pact \u0301 signed", sizes=(9, 0))  # a mark after a space
def test_parts_cover_the_text_each_within_its_size_overlapping_as_promised(
    text: str, sizes: tuple[int, int]
) -> None:
    size, overlap = sizes
    parts = split_text(text, size, overlap)
    assert parts[0].start == 0 and parts[-1].end == len(text)
    assert all(0 < p.end - p.start <= size for p in parts) or parts == [Slice(0, 0)]
    for before, after in zip(parts, parts[1:], strict=False):
        assert before.start < after.start <= before.end < after.end  # no gap, always on
        assert before.end - after.start <= overlap
    # Never between a letter and its marks: a quote ending a part would cut the letter in
    # the whole.
    cuts = {p.end for p in parts[:-1]} | {p.start for p in parts[1:]}
    assert not any(cuts_a_letter(text, cut, size) for cut in cuts)


@settings(max_examples=150, deadline=None)
@given(text=long_texts, sizes=part_sizes(), where=st.tuples(st.floats(0, 1), st.floats(0, 1)))
@example(text="the" * 8 + " \u0301", sizes=(5, 0), where=(0.0, 1.0))
@example(text="Bogota\u0301" * 2, sizes=(6, 0), where=(0.0, 1.0))
def test_a_quote_found_in_a_part_is_the_same_words_in_the_whole(
    text: str, sizes: tuple[int, int], where: tuple[float, float]
) -> None:
    whole = ArticleText(text)
    size, overlap = sizes
    for piece in split_text(text, size, overlap):
        part = ArticleText(text[piece.start : piece.end], part_of=whole, at=piece.start)
        assert part.dateline is (whole.dateline if piece.start == 0 else None)
        notice = min(max(whole.boilerplate_from, piece.start), piece.end)
        assert part.boilerplate_from + piece.start == notice
        # A quote cut from the part, grounded there as a reply's fact is, moved into the whole.
        first, last = sorted(int(w * len(part.text)) for w in where)
        scope = Scope(part, whole=whole)
        evidence = AgreementChecks(scope).ground("aims[0].evidence", part.text[first:last])
        if evidence is None:
            continue
        moved = shifted(evidence, piece.start)
        assert isinstance(moved, Evidence)
        assert text[moved.start : moved.end] == moved.quote == evidence.quote
        assert not cuts_a_letter(text, moved.end, size)
