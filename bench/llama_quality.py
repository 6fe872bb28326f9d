"""What a tiny local model gets right, measured on the replies recorded from llama.cpp.

Reads tests/fixtures/cassettes/llama_cpp/*.json (recorded by `SUMMARIZER_RECORD=1 make integration`
from llama-server running SmolLM2-135M-Instruct) and reports, per article and in total:
replies, how many parse as JSON and fit the reply schema, how many quoted facts the
grounding step found in the article and how many it rejected, the final outcome, latency
and tokens. No server is needed to run it.

    python bench/llama_quality.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from plain_schema import PlainReplyV2  # noqa: E402

from summarizer._checks import ArticleText  # noqa: E402
from summarizer._model.cassettes import Cassette  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
CASSETTES = FIXTURES / "cassettes" / "llama_cpp"


def quotes_in(node: Any) -> list[str]:
    """Every evidence quote in a reply, wherever it sits."""
    if isinstance(node, dict):
        found = [node["evidence"]] if isinstance(node.get("evidence"), str) else []
        return found + [
            q for key, value in node.items() if key != "evidence" for q in quotes_in(value)
        ]
    if isinstance(node, list):
        return [q for item in node for q in quotes_in(item)]
    return []


def main() -> None:
    rows = []
    totals = {"replies": 0, "json": 0, "schema": 0, "facts": 0, "rejected": 0, "tokens": 0}
    latencies = []
    for path in sorted(CASSETTES.glob("*.json")):
        cassette = Cassette.load(path)
        article = ArticleText((FIXTURES / "articles" / "examples" / f"{path.stem}.txt").read_text())
        counts = dict.fromkeys(totals, 0)
        for interaction in cassette.interactions:
            body = interaction["response"]["body"]
            counts["tokens"] += body.get("usage", {}).get("total_tokens", 0)
            content = body["choices"][0]["message"]["content"]
            counts["replies"] += 1
            try:
                reply = json.loads(content)
            except ValueError:
                continue
            counts["json"] += 1
            try:
                PlainReplyV2.model_validate(reply)
                counts["schema"] += 1
            except ValidationError:
                pass
            for quote in quotes_in(reply):
                counts["facts"] += 1
                try:
                    article.locate(quote)
                except ValueError:
                    counts["rejected"] += 1
        for key in totals:
            totals[key] += counts[key]
        latency = float(cassette.source.get("latency_seconds", "nan"))
        latencies.append(latency)
        outcome = cassette.source.get("outcome", "?")
        if outcome == "AgreementSummary":
            outcome = f"summary, {cassette.source.get('dropped', '?')} fact(s) dropped"
        rows.append((path.stem, counts, outcome, latency))

    source = Cassette.load(next(CASSETTES.glob("*.json"))).source
    print(
        f"server: {source.get('server')}  model: {source.get('model')}  "
        f"recorded: {source.get('recorded_on')}\n"
    )
    columns = ["article", "replies", "JSON", "schema-valid", "facts quoted"]
    columns += ["quotes not in article", "outcome", "latency s", "tokens"]
    print("| " + " | ".join(columns) + " |")
    print("|---" * len(columns) + "|")
    for stem, c, outcome, latency in rows:
        share = f"{c['rejected']}/{c['facts']}" if c["facts"] else "0/0"
        print(
            f"| {stem} | {c['replies']} | {c['json']} | {c['schema']} | {c['facts']} | {share} | "
            f"{outcome} | {latency:.1f} | {c['tokens']} |"
        )
    share = totals["rejected"] / totals["facts"] if totals["facts"] else 0.0
    print(
        f"\nreplies: {totals['replies']}, JSON: {totals['json']}, schema-valid: {totals['schema']}"
    )
    rejected = f"{totals['rejected']} ({share:.0%})"
    print(f"facts quoted: {totals['facts']}, quotes not found in the article: {rejected}")
    print(
        f"latency per article: mean {sum(latencies) / len(latencies):.1f} s, "
        f"max {max(latencies):.1f} s; tokens: {totals['tokens']} in all, "
        f"{totals['tokens'] // len(rows)} per article"
    )
    outcomes: dict[str, int] = {}
    for _, _, outcome, _ in rows:
        kind = outcome.split(",")[0]
        outcomes[kind] = outcomes.get(kind, 0) + 1
    print("outcomes: " + ", ".join(f"{n} {kind}" for kind, n in sorted(outcomes.items())))


if __name__ == "__main__":
    main()
