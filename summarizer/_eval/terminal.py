"""Evaluation scorecards as tables in the terminal (rich), one run or two side by side."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from .scoring import FIELDS

__all__ = ["show_comparison", "show_merge_scorecard", "show_scorecard"]


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def show_scorecard(scorecard: dict[str, Any], console: Console | None = None) -> None:
    """The per-field table (every value, then only values code proved), then outcomes,
    re-asks, grades, grounding, abstention, tokens and cost."""
    console = console or Console()
    run = scorecard["run"]
    table = Table(title=f"{', '.join(run['model'])} · {run['prompt']} · {run['source']}")
    table.add_column("field", no_wrap=True)
    for column in ("P", "R", "F1", "tp", "fp", "fn", "P proved", "R proved", "F1 proved"):
        table.add_column(column, justify="right")
    table.caption = "P, R, F1: every value; proved: only values code proved (--verified-only)"
    # Reports saved before values were graded have no verified fields.
    proved = scorecard.get("verified_fields") or {}
    for name in FIELDS:
        score, only = scorecard["fields"][name], proved.get(name, {})
        table.add_row(
            name,
            _ratio(score["precision"]),
            _ratio(score["recall"]),
            _ratio(score["f1"]),
            str(score["tp"]),
            str(score["fp"]),
            str(score["fn"]),
            _ratio(only.get("precision")),
            _ratio(only.get("recall")),
            _ratio(only.get("f1")),
        )
    console.print(table)
    articles = len(scorecard["articles"])
    outcomes = ", ".join(f"{name} {count}" for name, count in sorted(scorecard["outcomes"].items()))
    filled, empty = scorecard["abstention"]["filled"], scorecard["abstention"]["empty_in_gold"]
    cost = scorecard["cost_per_article"]
    cached = scorecard.get("cached", 0)
    from_cache = f" ({cached} answered from the cache)" if cached else ""
    console.print(f"articles: {articles}{from_cache}; outcomes: {outcomes}")
    worse = scorecard.get("made_worse")
    console.print(
        f"grounding rate: {_ratio(scorecard['grounding_rate'])} of the facts proposed in final "
        f"replies held; re-asked: {scorecard['re_asked']} article(s) "
        f"({_ratio(scorecard.get('re_ask_rate'))}); matches a re-ask lost: "
        + ("not judged" if worse is None else str(worse))
    )
    grades = scorecard.get("grades") or {}
    if grades:
        shown = ", ".join(f"{basis} {count}" for basis, count in sorted(grades.items()))
        console.print(f"normalised values by grade: {shown}")
    console.print(f"abstention: {filled} of {empty} facts the gold leaves empty were filled")
    console.print(
        f"tokens: {scorecard['tokens']['total_tokens']:,} "
        f"({scorecard['tokens_per_article']:,.0f} per article paid for)"
        + (f"; cost {cost:.5f} per article" if cost is not None else "")
    )


def show_comparison(
    first: dict[str, Any], second: dict[str, Any], console: Console | None = None
) -> None:
    """F1 per field for two runs (two models, or two prompt versions) and the difference."""
    console = console or Console()
    if first["run"].get("gold") != second["run"].get("gold"):
        console.print(
            f"[bold]note:[/] the runs scored different gold sets "
            f"({first['run'].get('gold')} and {second['run'].get('gold')})"
        )
    names = [", ".join(r["run"]["model"]) + " · " + r["run"]["prompt"] for r in (first, second)]
    table = Table(title=f"A: {names[0]}   B: {names[1]}")
    for column in ("field", "F1 A", "F1 B", "B - A"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name in FIELDS:
        a, b = first["fields"][name]["f1"], second["fields"][name]["f1"]
        delta = "—" if a is None or b is None else f"{b - a:+.2f}"
        table.add_row(name, _ratio(a), _ratio(b), delta)
    console.print(table)
    for label, scorecard in zip("AB", (first, second), strict=True):
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(scorecard["outcomes"].items()))
        abstention = scorecard["abstention"]
        console.print(
            f"{label}: outcomes {outcomes}; grounding {_ratio(scorecard['grounding_rate'])}; "
            f"abstention {abstention['filled']}/{abstention['empty_in_gold']}"
            f"; {scorecard['tokens_per_article']:,.0f} tokens per article"
        )


def show_merge_scorecard(scorecard: dict[str, Any], console: Console | None = None) -> None:
    """Merging's pairwise and B-cubed scores, then what it got wrong."""
    console = console or Console()
    table = Table(title=f"merging: {scorecard['run']['gold']} ({scorecard['run']['source']})")
    for column in ("measure", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    for name in ("pairwise", "bcubed"):
        score = scorecard[name]
        label = "B-cubed" if name == "bcubed" else name
        table.add_row(label, *(_ratio(score[k]) for k in ("precision", "recall", "f1")))
    console.print(table)
    console.print(
        f"{scorecard['records']} records for {scorecard['signings']} signings; look-alikes "
        f"merged into another signing's record: {len(scorecard['lookalikes_merged'])}; "
        f"stories whose agreements differ from their keys: {len(scorecard['miscounted'])}"
        + (f" ({', '.join(scorecard['miscounted'])})" if scorecard["miscounted"] else "")
        + f"; tokens: {scorecard['tokens']:,}"
    )
