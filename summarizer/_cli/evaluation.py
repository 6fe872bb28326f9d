"""`eval`: score a model on a gold set (live, from the cache, or replayed), or compare
two saved runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .._config import Settings
from .._exceptions import ConfigError, SummarizerError

if TYPE_CHECKING:
    pass

from .options import EXIT_UNUSABLE, Backend, BaseUrl, Model, fail


def evaluate(
    gold: Annotated[
        Path | None, typer.Argument(metavar="GOLD_DIR", help="<stem>.txt with <stem>.gold.json.")
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option(metavar="CASSETTE_DIR", help="Score recorded replies: <stem>.json each."),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Save the scorecard as JSON.")] = None,
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option(metavar="A.json B.json", help="Two saved scorecards side by side."),
    ] = None,
    model: Model = None,
    base_url: BaseUrl = None,
    backend: Backend = None,
    reasks: Annotated[int, typer.Option(help="Re-asks after the first reply.")] = Settings.reasks,
    max_output_tokens: Annotated[int, typer.Option()] = Settings.max_output_tokens,
    cache: Annotated[bool, typer.Option(help="Answer repeats from the cache.")] = True,
    concurrency: Annotated[int, typer.Option(help="Articles in flight (live runs).")] = 4,
    price_input: Annotated[
        float | None, typer.Option(help="Price per million input tokens, for the cost.")
    ] = None,
    price_output: Annotated[
        float | None, typer.Option(help="Price per million output tokens.")
    ] = None,
) -> None:
    """Score a model on a gold set (live, from the cache, or replayed), or compare two runs."""
    import asyncio

    from .._eval import harness as evaluation
    from .._eval.merging import evaluate_merge, is_merge_set
    from .._eval.terminal import show_comparison, show_merge_scorecard, show_scorecard

    try:
        if compare is not None:
            first, second = (evaluation.load_scorecard(path) for path in compare)
            show_comparison(first, second)
            return
        if gold is None:
            raise ConfigError("give a GOLD_DIR to score, or --compare A.json B.json")
        if (price_input is None) != (price_output is None):
            raise ConfigError("give both --price-input and --price-output, or neither")
        settings = Settings(backend=backend, reasks=reasks, max_output_tokens=max_output_tokens)
        if is_merge_set(gold):
            merged = evaluate_merge(gold, replay, settings, model=model, base_url=base_url)
            show_merge_scorecard(merged.as_dict())
            if out is not None:
                merged.save(out)
            return
        if replay is not None:
            scorecard = evaluation.evaluate_replayed(gold, replay, settings, model)
        else:
            scorecard = asyncio.run(
                evaluation.evaluate_live(
                    gold,
                    model=model,
                    base_url=base_url,
                    settings=settings,
                    concurrency=concurrency,
                    cache=cache,
                )
            )
    except (OSError, ValueError, SummarizerError) as exc:
        raise fail(str(exc), EXIT_UNUSABLE) from None
    if price_input is not None and price_output is not None:
        scorecard.price_per_million = (price_input, price_output)
    show_scorecard(scorecard.as_dict())
    if out is not None:
        try:
            scorecard.save(out)
        except OSError as exc:
            raise fail(f"cannot write {out}: {exc.strerror}", EXIT_UNUSABLE) from None
