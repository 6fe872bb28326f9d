"""Scoring `merge()` on a gold set of stories keyed by the signing they report.

A merging gold set is a folder of `<stem>.txt` with `<stem>.keys.json` (gold format 1):
one key per agreement the story reports, in its order, articles about one signing sharing a
key (`eval/merge/README.md`). The stories are summarized (replayed from recordings, offline),
merged, and the records compared with the keys:

- pairwise precision and recall: of the pairs of agreements put in one record, how many
  share a key; of the pairs sharing a key, how many are in one record;
- B-cubed precision and recall: for each agreement, the share of its record that shares
  its key, and the share of its key's agreements in its record, averaged;
- look-alikes merged: records holding a look-alike's agreement and another signing's.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._api import summarize_all
from .._config import Settings
from .._exceptions import ConfigError, NoAgreementError, SummarizerError
from .._merge.cluster import merge
from .._summary import AgreementSummary

__all__ = ["MergeScorecard", "evaluate_merge", "is_merge_set", "merge_keys"]

GOLD_FORMAT = 1


@dataclass
class MergeScorecard:
    """How merging did on a gold set: its scores and what it got wrong."""

    run: dict[str, Any]
    pairwise: dict[str, float | None]
    bcubed: dict[str, float | None]
    records: int
    signings: int
    lookalikes_merged: list[str] = field(default_factory=list)  # record ids
    miscounted: list[str] = field(default_factory=list)  # stories whose agreements != keys
    tokens: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": "merge", "run": self.run, "pairwise": self.pairwise, "bcubed": self.bcubed,
            "records": self.records, "signings": self.signings,
            "lookalikes_merged": self.lookalikes_merged, "miscounted": self.miscounted,
            "tokens": self.tokens,
        }  # fmt: skip

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), indent=2) + "\n", encoding="utf-8")


def is_merge_set(folder: Path) -> bool:
    """True when `folder` is a merging gold set (it holds `*.keys.json`)."""
    return any(folder.glob("*.keys.json"))


def merge_keys(folder: Path) -> dict[str, dict[str, Any]]:
    """Each story's gold file, by stem; ConfigError for one that is not gold format 1."""
    gold = {}
    for path in sorted(folder.glob("*.keys.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("gold_format") != GOLD_FORMAT or not isinstance(data.get("agreements"), list):
            raise ConfigError(f"{path} is not a merging gold file of format {GOLD_FORMAT}")
        gold[path.name.removesuffix(".keys.json")] = data
    return gold


def evaluate_merge(
    folder: Path,
    cassettes: Path | None,
    settings: Settings,
    *,
    model: str | None = None,
    base_url: str | None = None,
) -> MergeScorecard:
    """Summarize each story (from its recording `<cassettes>/<stem>.json`, or live from the
    endpoint when `cassettes` is None), merge them all, and score the records."""
    gold = merge_keys(folder)
    agreements: list[tuple[str, AgreementSummary]] = []
    miscounted, tokens = [], 0
    for stem, keys in gold.items():
        text = (folder / f"{stem}.txt").read_text(encoding="utf-8")
        summaries, spent = _summaries(stem, text, cassettes, settings, model, base_url)
        tokens += spent
        if len(summaries) != len(keys["agreements"]):
            miscounted.append(stem)
        agreements += [(stem, summary) for summary in summaries]
    records = merge(agreements)
    key_of = {
        f"{stem}/{n}": entry["key"]
        for stem, keys in gold.items() for n, entry in enumerate(keys["agreements"])
    }  # fmt: skip
    lookalike_keys = {
        entry["key"] for keys in gold.values() if keys.get("distractor_of")
        for entry in keys["agreements"][:1]
    }  # fmt: skip
    predicted = [[s.source for s in r.sources if s.source in key_of] for r in records]
    scored = _Scores(predicted, key_of)
    return MergeScorecard(
        run={
            "gold": str(folder),
            "source": f"replayed from {cassettes}"
            if cassettes
            else f"live: {model or settings.model or 'the configured model'}",
        },
        pairwise=scored.pairwise(),
        bcubed=scored.bcubed(),
        records=len(records),
        signings=len(set(key_of.values())),
        lookalikes_merged=[
            r.id
            for r, members in zip(records, predicted, strict=True)
            if len({key_of[m] for m in members}) > 1
            and {key_of[m] for m in members} & lookalike_keys
        ],  # fmt: skip
        miscounted=miscounted,
        tokens=tokens,
    )


def _summaries(
    stem: str,
    text: str,
    cassettes: Path | None,
    settings: Settings,
    model: str | None,
    base_url: str | None,
) -> tuple[list[AgreementSummary], int]:
    """A story's summaries (none for no agreement or a failure) and the tokens they cost."""
    from .._model.cassettes import Cassette
    from .._model.clients import replay_client

    try:
        if cassettes is None:
            summaries = summarize_all(text, model=model, base_url=base_url, settings=settings)
        else:
            path = cassettes / f"{stem}.json"
            if not path.is_file():
                raise ConfigError(f"no recording for {stem} in {cassettes} ({path.name})")
            with replay_client(Cassette.load(path)) as client:
                summaries = summarize_all(text, model="replay", client=client, settings=settings)
    except NoAgreementError as exc:
        return [], exc.meta.usage.total_tokens
    except ConfigError:
        raise
    except SummarizerError as exc:
        usage = getattr(exc, "usage", None)
        return [], usage.total_tokens if usage is not None else 0
    return summaries, summaries[0].meta.usage.total_tokens


class _Scores:
    """Pairwise and B-cubed scores of predicted clusters against gold keys."""

    def __init__(self, predicted: list[list[str]], key_of: dict[str, str]) -> None:
        self.predicted = [cluster for cluster in predicted if cluster]
        self.key_of = key_of
        self.gold: dict[str, set[str]] = defaultdict(set)
        for item, key in key_of.items():
            self.gold[key].add(item)

    def pairwise(self) -> dict[str, float | None]:
        found = {frozenset((a, b)) for c in self.predicted for a in c for b in c if a < b}
        wanted = {frozenset((a, b)) for c in self.gold.values() for a in c for b in c if a < b}
        right = len(found & wanted)
        return _prf(right / len(found) if found else None, right / len(wanted) if wanted else None)

    def bcubed(self) -> dict[str, float | None]:
        precision, recall, items = 0.0, 0.0, 0
        for cluster in self.predicted:
            for item in cluster:
                same = sum(1 for other in cluster if self.key_of[other] == self.key_of[item])
                precision += same / len(cluster)
                recall += same / len(self.gold[self.key_of[item]])
                items += 1
        if not items:
            return _prf(None, None)
        return _prf(precision / items, recall / items)


def _prf(precision: float | None, recall: float | None) -> dict[str, float | None]:
    if precision is None or recall is None:
        f1 = None
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
