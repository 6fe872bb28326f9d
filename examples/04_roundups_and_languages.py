"""A story with several agreements, and a story in Spanish.

    python examples/04_roundups_and_languages.py        # offline, replays reference replies
    SUMMARIZER_BASE_URL=http://127.0.0.1:8080/v1 \
    SUMMARIZER_MODEL=local python examples/04_roundups_and_languages.py   # a live endpoint

A round-up reports several agreements: `summarize_all()` returns one summary for each, the
principal first, and `summarize()` the principal one with `meta.other_agreements` counting
the rest. An article in another language keeps its quotes in its own words, and its values
say how they were obtained: a country written "España" is verified, an organisation's
English name is `basis="translated"`, which no code can check.
"""

from __future__ import annotations

from _replay import ARTICLES, ROUNDUP_AND_LANGUAGE_CASSETTES, article, live, replay_client

from summarizer import summarize, summarize_all

ROUNDUP = "conference_five_agreements"
SPANISH = "es_colombia_spain_mou"


def client_for(stem: str):  # type: ignore[no-untyped-def]
    if live():
        return None
    return replay_client(stem, folder=ROUNDUP_AND_LANGUAGE_CASSETTES)


if live():
    print("[live] calling the endpoint from the environment\n")

text = article(ROUNDUP, ARTICLES / "roundups")
summaries = summarize_all(text, model=None if live() else "reference", client=client_for(ROUNDUP))
print(f"{ROUNDUP}: {len(summaries)} agreement(s), the principal first")
for number, summary in enumerate(summaries, 1):
    parties = ", ".join(p.name for p in summary.parties)
    quote = summary.agreement.evidence
    print(f"  {number}. {summary.agreement.kind}: {parties}")
    print(f"     text[{quote.start}:{quote.end}] = {text[quote.start : quote.end]!r}")
print(f"  meta.other_agreements of the principal: {summaries[0].meta.other_agreements}\n")

text = article(SPANISH, ARTICLES / "languages")
summary = summarize(text, model=None if live() else "reference", client=client_for(SPANISH))
print(f"{SPANISH}: meta.language = {summary.meta.language!r}")
for party in summary.parties:
    country = party.country
    where = f"{country.code} from {country.mention!r} ({country.basis})" if country else "-"
    print(f"  {party.name!r} [{party.basis}, written {party.mention!r}], country {where}")
if summary.venue and summary.venue.city:
    print(f"  venue: {summary.venue.city.name} from {summary.venue.evidence.quote!r}")
if summary.agreement.signed:
    signed = summary.agreement.signed
    print(f"  signed on {signed.on} from {signed.mention!r} ({signed.basis}: {signed.rule})")
