"""The two long documents written for the project, with their reference replies, and an
endpoint that reads them a part at a time (`PartReader`): shared by tests/inputs/test_parts.py and
bench/long_and_languages.py."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx2
import openai

from helpers.support import TEST_ARTICLES, completion

LONG = TEST_ARTICLES / "long"
REPORT = "maritime_compact_report"
HEARING = "parliamentary_hearing_transcript"


def text_of(stem: str) -> str:
    return (LONG / f"{stem}.txt").read_text(encoding="utf-8")


def whole_reply(stem: str) -> dict[str, Any]:
    reply: dict[str, Any] = json.loads((LONG / f"{stem}.reply.json").read_text("utf-8"))
    return reply


class PartReader:
    """An endpoint that reads the part in each request and reports the whole document's facts
    whose quotes stand in it; `failing` parts (by their first characters) answer 500."""

    def __init__(self, stem: str, failing: tuple[str, ...] = ()) -> None:
        self.reply = whole_reply(stem)
        self.failing = failing
        self.parts: list[str] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.read())
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        part = user.split("<article>\n", 1)[1].rsplit("\n</article>", 1)[0]
        self.parts.append(part)
        if part.startswith(self.failing):
            return httpx2.Response(500, json={"error": {"message": "overloaded"}})
        return httpx2.Response(200, json=completion(self.answer(part)))

    def answer(self, part: str) -> dict[str, Any]:
        whole = self.reply["agreements"][0]
        mentions = [m for m in self.reply["agreement_mentions"] if m in part]
        headline = self.reply["headline"]
        if not mentions:
            return {
                "reports_agreement": False,
                "no_agreement_reason": "This part does not mention the agreement.",
                "agreements": [],
                "headline": headline,
            }
        agreement = dict(whole["agreement"])
        dated = [m for m in mentions if agreement["date_text"] and agreement["date_text"] in m]
        agreement["evidence"] = (dated or mentions)[0]
        agreement["date_text"] = agreement["date_text"] if dated else None

        def here(item: dict[str, Any]) -> bool:
            return item["evidence"] in part

        groups = []
        for group in filter(here, whole["threat_groups"]):
            group = copy.deepcopy(group)
            for name in ("origin", "size", "leadership", "base"):
                if group[name] and not here(group[name]):
                    group[name] = None
            for name in ("activities", "areas", "designations"):
                group[name] = list(filter(here, group[name]))
            groups.append(group)
        parties = list(filter(here, whole["parties"]))
        signatories = []
        for signatory in filter(here, whole["signatories"]):
            named = signatory["party"] in {p["name"] for p in parties}
            if not named and signatory["party"] not in signatory["evidence"]:
                signatory = {**signatory, "party": None}  # "its director": whose, in this part?
            signatories.append(signatory)
        entry = {
            "agreement": agreement,
            "parties": parties,
            "signatories": signatories,
            "aims": list(filter(here, whole["aims"])),
            "venue": whole["venue"] if whole["venue"] and here(whole["venue"]) else None,
            "threat_groups": groups,
        }
        return {
            "reports_agreement": True,
            "no_agreement_reason": None,
            "agreements": [entry],
            "headline": headline,
        }

    def client(self) -> openai.OpenAI:
        return openai.OpenAI(
            api_key="k",
            base_url="http://model.test/v1",
            http_client=httpx2.Client(transport=httpx2.MockTransport(self)),
        )

    def async_client(self) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(
            api_key="k",
            base_url="http://model.test/v1",
            http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(self)),
        )
