"""The merging gold set (`eval/merge`), summarized once per test process from its reference
replies: each story's summaries and its gold keys."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from summarizer import AgreementSummary, NoAgreementError, summarize_all
from summarizer._model.cassettes import Cassette
from summarizer._model.clients import replay_client

from .support import NO_WAIT, ROOT

MERGE_SET = ROOT / "eval" / "merge"
MERGE_CASSETTES = MERGE_SET / "cassettes" / "reference"


@cache
def merge_set() -> dict[str, tuple[list[AgreementSummary], dict[str, Any]]]:
    """Each story's summaries (none for a story that reports no signing) and its keys."""
    stories = {}
    for path in sorted(MERGE_SET.glob("*.keys.json")):
        stem = path.name.removesuffix(".keys.json")
        text = (MERGE_SET / f"{stem}.txt").read_text(encoding="utf-8")
        try:
            with replay_client(Cassette.load(MERGE_CASSETTES / f"{stem}.json")) as client:
                summaries = summarize_all(text, model="reference", client=client, settings=NO_WAIT)
        except NoAgreementError:
            summaries = []
        stories[stem] = (summaries, json.loads(path.read_text(encoding="utf-8")))
    return stories


def pairs() -> list[tuple[str, AgreementSummary]]:
    """Every story's agreements as `merge()` takes them."""
    return [(stem, s) for stem, (summaries, _) in merge_set().items() for s in summaries]


def key_of() -> dict[str, str]:
    """The gold key of each agreement, by '<stem>/<position>'."""
    return {
        f"{stem}/{n}": entry["key"]
        for stem, (_, keys) in merge_set().items()
        for n, entry in enumerate(keys["agreements"])
    }


def path_of(stem: str) -> Path:
    return MERGE_SET / f"{stem}.txt"
