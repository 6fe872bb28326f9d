"""Run an evaluation: score the summarizer on a gold set, live or replayed, and save or
read back the scorecard.

`evaluate_replayed()` scores the replies recorded for each gold article, offline;
`evaluate_live()` scores an endpoint (answers from the cache count, and say so). Either
gives a `Scorecard`: each article's score (`scoring`) and what they add up to (per-field
precision, recall and F1, outcomes by type, the share of the model's facts that passed
the checks, abstention, tokens and cost). `load_scorecard()` reads a saved one back, for
`--compare`.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._api import summarize
from .._config import Settings
from .._exceptions import ConfigError, ReplyError, SummarizerError
from .._meta import Usage
from .._summary import AgreementSummary
from .gold import gold_articles
from .scoring import FIELDS, ArticleScore, FieldScore, score_article

if TYPE_CHECKING:
    from .._model.cassettes import Cassette

__all__ = ["Scorecard", "evaluate_live", "evaluate_replayed", "load_scorecard"]


@dataclass
class Scorecard:
    """A run over a gold set: the articles' scores and what they add up to."""

    run: dict[str, Any]
    articles: list[ArticleScore]
    price_per_million: tuple[float, float] | None = None  # input, output

    def fields(self, *, proved: bool = False) -> dict[str, FieldScore]:
        """Each field's counts over every article; only values code proved with `proved`."""
        totals = {name: FieldScore() for name in FIELDS}
        for article in self.articles:
            scores = article.verified_fields if proved else article.fields
            for name, score in scores.items():
                totals[name] = totals[name] + score
        return totals

    def made_worse(self) -> int | None:
        """Matches re-asks lost against the first reply; None when none was judged."""
        judged = [a.made_worse for a in self.articles if a.made_worse is not None]
        return sum(judged) if judged else None

    def outcomes(self) -> Counter[str]:
        return Counter(article.outcome for article in self.articles)

    def grounding_rate(self) -> float | None:
        """Of the facts the model proposed in its final replies, the share that held."""
        kept = sum(a.quotes for a in self.articles)
        proposed = kept + sum(a.dropped for a in self.articles)
        return kept / proposed if proposed else None

    def abstention(self) -> tuple[int, int]:
        """(facts filled that the gold leaves empty, facts the gold leaves empty)."""
        return (
            sum(len(a.abstention_violations) for a in self.articles),
            sum(a.empty_facts for a in self.articles),
        )

    def usage(self) -> Usage:
        total = Usage()
        for article in self.articles:
            if not article.cached:
                total += article.usage
        return total

    def cost(self) -> float | None:
        if self.price_per_million is None:
            return None
        usage = self.usage()
        price_in, price_out = self.price_per_million
        return (usage.prompt_tokens * price_in + usage.completion_tokens * price_out) / 1e6

    def as_dict(self) -> dict[str, Any]:
        violations, chances = self.abstention()
        cached = sum(a.cached for a in self.articles)
        # What a run costs per article it paid for: answers from the cache cost nothing.
        count = (len(self.articles) - cached) or 1
        cost = self.cost()
        usage = self.usage()
        return {
            "run": self.run,
            "articles": [a.as_dict() for a in self.articles],
            "fields": {name: score.as_dict() for name, score in self.fields().items()},
            "verified_fields": {
                name: score.as_dict() for name, score in self.fields(proved=True).items()
            },
            "grades": dict(sum((a.grades for a in self.articles), Counter[str]())),
            "outcomes": dict(self.outcomes()),
            "grounding_rate": self.grounding_rate(),
            "abstention": {"filled": violations, "empty_in_gold": chances},
            "re_asked": sum(a.attempts > 1 for a in self.articles),
            "re_ask_rate": (
                sum(a.attempts > 1 for a in self.articles) / len(self.articles)
                if self.articles
                else None
            ),
            "made_worse": self.made_worse(),
            "cached": cached,
            "tokens": usage.model_dump(),
            "tokens_per_article": usage.total_tokens / count,
            "cost": cost,
            "cost_per_article": cost / count if cost is not None else None,
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), indent=2, default=str) + "\n")


def evaluate_replayed(
    folder: Path, cassettes: Path, settings: Settings, model: str | None = None
) -> Scorecard:
    """Score the replies recorded for each gold article (`<cassettes>/<stem>.json`), offline.

    Each cassette is replayed in order, whatever the exact requests: what is scored is what
    the model answered. The model named in a cassette's source is the one reported, and the
    prompt version it names is the one its replies are read with, unless `settings` pins one.
    """
    from .._model.cassettes import Cassette
    from .._model.clients import replay_client

    scores = []
    models: set[str] = set()
    versions: set[str] = set()
    for stem, article, gold in gold_articles(folder):
        path = cassettes / f"{stem}.json"
        if not path.is_file():
            # A missing recording says nothing of the model: no score rather than a wrong one.
            raise ConfigError(f"no recording for {stem} in {cassettes} ({path.name})")
        outcome: AgreementSummary | BaseException
        try:
            cassette = Cassette.load(path)
            cassette.match = "order"
            name = model or cassette.source.get("model") or cassette.source.get("kind", "replay")
            models.add(name)
            recorded = _recorded_prompt_version(cassette.source)
            if settings.prompt_version is None and recorded:
                read_with = replace(settings, prompt_version=recorded)
            else:
                read_with = settings
            versions.add(read_with.prompt_version or "")
            with replay_client(cassette) as client:
                outcome = summarize(article, model=name, client=client, settings=read_with)
        except SummarizerError as exc:
            outcome = exc
        first = None
        if _replies_of(outcome) > 1:  # what the first reply alone would have given
            first = _first_reply(article, cassette, name, read_with)
        score = score_article(stem, gold, outcome, first)
        if first is None:
            score.made_worse = 0  # no re-ask, nothing lost to one
        scores.append(score)
    run = {"gold": str(folder), "source": f"replayed from {cassettes}", "model": sorted(models)}
    (version,) = versions if len(versions) == 1 else {settings.prompt_version}
    return Scorecard(
        run=_describe(run, replace(settings, prompt_version=version or None)), articles=scores
    )


def _replies_of(outcome: AgreementSummary | BaseException) -> int:
    meta = outcome.meta if isinstance(outcome, AgreementSummary) else getattr(outcome, "meta", None)
    if meta is not None:
        return int(meta.attempts)
    return int(getattr(outcome, "attempts", 1)) if isinstance(outcome, ReplyError) else 1


def _first_reply(
    article: str, cassette: Cassette, model: str, settings: Settings
) -> AgreementSummary | BaseException:
    """The outcome of the recording's first reply alone, its failed details dropped."""
    from .._model.cassettes import Cassette
    from .._model.clients import replay_client

    once = replace(settings, reasks=0, on_failed_detail="drop")
    try:
        with replay_client(Cassette(cassette.source, "order", cassette.interactions)) as client:
            return summarize(article, model=model, client=client, settings=once)
    except SummarizerError as exc:
        return exc


def _recorded_prompt_version(source: dict[str, str]) -> str | None:
    """ "2" for a recording whose source says "prompt": "agreement_summary v2"."""
    _, _, version = source.get("prompt", "").rpartition(" v")
    return version if version.isdigit() else None


async def evaluate_live(
    folder: Path,
    *,
    model: str | None,
    base_url: str | None,
    settings: Settings,
    concurrency: int,
    cache: bool,
) -> Scorecard:
    """Score a live endpoint (answers from the cache count, and say so) on a gold set."""
    from .._batch.run import asummarize_many
    from .._config import resolve

    articles = list(gold_articles(folder))  # a gold set is small; read it once
    golds = {stem: gold for stem, _, gold in articles}
    items = ((stem, article) for stem, article, _ in articles)
    scores = {}
    async for result in asummarize_many(
        items,
        model=model,
        base_url=base_url,
        settings=settings,
        concurrency=concurrency,
        cache=cache,
    ):
        outcome = result.summary if result.summary is not None else result.error
        assert outcome is not None
        scores[result.id] = score_article(result.id, golds[result.id], outcome)
    config = resolve(model=model, base_url=base_url, settings=settings)
    run = {"gold": str(folder), "source": config.endpoint, "model": [config.model]}
    return Scorecard(run=_describe(run, settings), articles=[scores[s] for s in sorted(scores)])


def _describe(run: dict[str, Any], settings: Settings) -> dict[str, Any]:
    from .._prompts import load_prompt

    template = load_prompt(settings.prompt, settings.prompt_version)
    return {**run, "prompt": f"{template.name} v{template.version}", "reasks": settings.reasks}


def load_scorecard(path: Path) -> dict[str, Any]:
    """A scorecard saved by `Scorecard.save()`, for `--compare`."""
    try:
        data = json.loads(path.read_text())
    except ValueError as exc:
        raise ConfigError(f"{path} is not an evaluation scorecard: {exc}") from None
    needed = {"run", "fields", "outcomes", "abstention", "tokens_per_article"}
    if not isinstance(data, dict) or not needed <= set(data):
        raise ConfigError(f"{path} is not an evaluation scorecard")
    return data
