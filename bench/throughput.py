"""Batch throughput against a local OpenAI-compatible server on a bad day.

Starts `tests/helpers/fake_openai.py` in its own process on 127.0.0.1 (each completion takes a
fixed latency; a share of requests gets 429 with Retry-After, a share gets 500), then
summarizes N articles at concurrency C two ways in the same run:

- summarizer: `asummarize_many` (shared limits, Retry-After pauses, our transport retries,
  grounding), cache off so that every item is paid for;
- naive: `asyncio.gather` over plain instructor at the same concurrency (a semaphore),
  with the openai client's own retries (2, honouring Retry-After).

Ideal time is N x latency / C: every slot always busy with a request that succeeds. The
report gives each run's fraction of it, and the items lost (no result) and duplicated.

    python bench/throughput.py [--items 400] [--concurrency 16] [--latency 2.0]
        [--rate-limited-share 0.02] [--retry-after-ms 200] [--server-error-share 0.01]
    python bench/throughput.py --quick   # 40 items, no failures served: every item must land

Exits with status 1 when either run loses or duplicates an item, so that a broken
baseline cannot pass unseen.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import instructor  # noqa: E402
import openai  # noqa: E402
from helpers.fake_openai import reference_replies  # noqa: E402

from summarizer import Settings, asummarize, asummarize_many  # noqa: E402
from summarizer._prompts import load_prompt  # noqa: E402
from summarizer._replies import reply_model  # noqa: E402

SETTINGS = Settings(backend="openai-compatible")
# The plain instructor baseline parses each reply into the default prompt's reply model,
# which is plain pydantic: the same shape, none of our checks.
PLAIN_REPLY = reply_model(load_prompt("agreement_summary").reply_schema)
QUICK = False  # set by --quick: the server serves no failures, so none may be reported


def start_server(args: argparse.Namespace) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable, str(ROOT / "tests" / "helpers" / "fake_openai.py"),
        "--latency", str(args.latency),
        "--rate-limited-share", str(args.rate_limited_share),
        "--retry-after-ms", str(args.retry_after_ms),
        "--server-error-share", str(args.server_error_share),
        "--seed", "7",
    ]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def items(count: int) -> list[tuple[str, str]]:
    texts = list(reference_replies())
    return [(f"item-{n}", texts[n % len(texts)]) for n in range(count)]


async def run_summarizer(url: str, pairs: list[tuple[str, str]], concurrency: int) -> dict:
    ids: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    started = time.perf_counter()
    async for result in asummarize_many(
        pairs,
        base_url=url,
        api_key="bench",
        settings=SETTINGS,
        concurrency=concurrency,
        cache=False,
    ):
        ids[result.id] += 1
        if result.status == "failed":
            failures[type(result.error).__name__] += 1
    return {"seconds": time.perf_counter() - started, "ids": ids, "failures": failures}


async def run_naive(url: str, pairs: list[tuple[str, str]], concurrency: int) -> dict:
    client = instructor.from_openai(
        openai.AsyncOpenAI(base_url=url, api_key="bench"), mode=instructor.Mode.JSON_SCHEMA
    )
    slots = asyncio.Semaphore(concurrency)

    async def one(item_id: str, text: str) -> str:
        async with slots:
            await client.chat.completions.create(
                model="bench",
                response_model=PLAIN_REPLY,
                messages=[{"role": "user", "content": f"Summarize this article.\n\n{text}"}],
                max_retries=1,
            )
        return item_id

    started = time.perf_counter()
    outcomes = await asyncio.gather(*(one(i, t) for i, t in pairs), return_exceptions=True)
    seconds = time.perf_counter() - started
    ids = Counter(o for o in outcomes if isinstance(o, str))
    failures = Counter(type(o).__name__ for o in outcomes if isinstance(o, BaseException))
    return {"seconds": seconds, "ids": ids, "failures": failures}


def report(name: str, run: dict, pairs: list[tuple[str, str]], ideal: float) -> bool:
    """Print the run's row; True when no item was lost or duplicated (and, in a run with no
    failures served, none failed)."""
    expected = {item_id for item_id, _ in pairs}
    lost = len(expected - set(run["ids"]))
    duplicated = sum(count - 1 for count in run["ids"].values() if count > 1)
    failures = ", ".join(f"{k} {v}" for k, v in run["failures"].items()) or "none"
    print(
        f"| {name} | {run['seconds']:.1f} | {ideal / run['seconds']:.2f} | {lost} | "
        f"{duplicated} | {failures} |"
    )
    return lost == 0 and duplicated == 0 and not (QUICK and run["failures"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    # A capable model takes seconds to write a reply of this size; at 0.5 s our ~10 ms of
    # CPU per item (instructor's per-call set-up, validation, grounding) starts to show.
    parser.add_argument("--latency", type=float, default=2.0)
    parser.add_argument("--rate-limited-share", type=float, default=0.02)
    parser.add_argument("--retry-after-ms", type=int, default=200)
    parser.add_argument("--server-error-share", type=float, default=0.01)
    parser.add_argument("--quick", action="store_true", help="A small run: does it still work?")
    args = parser.parse_args()
    global QUICK
    QUICK = args.quick
    if args.quick:
        args.items, args.concurrency, args.latency = 40, 8, 0.05
        args.rate_limited_share = args.server_error_share = 0.0

    server, url = start_server(args)
    try:
        pairs = items(args.items)
        # Load the registries (countries, cities, dates) once, outside the timing.
        asyncio.run(asummarize(pairs[0][1], base_url=url, api_key="bench", settings=SETTINGS))
        ideal = args.items * args.latency / args.concurrency
        ours = asyncio.run(run_summarizer(url, pairs, args.concurrency))
        naive = asyncio.run(run_naive(url, pairs, args.concurrency))
    finally:
        server.terminate()
        _, stats = server.communicate(timeout=30)

    print(
        f"{args.items} articles, concurrency {args.concurrency}, latency {args.latency}s, "
        f"429 share {args.rate_limited_share} (Retry-After {args.retry_after_ms} ms), "
        f"500 share {args.server_error_share}; ideal {ideal:.1f}s\n"
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}\n"
    )
    print("| run | seconds | x ideal | lost | duplicated | failed items |")
    print("|---|---:|---:|---:|---:|---|")
    whole = report("summarizer asummarize_many", ours, pairs, ideal)
    whole &= report("naive gather over plain instructor", naive, pairs, ideal)
    print(f"\nserver: {stats.strip()}")
    if not whole:
        sys.exit("an item was lost, duplicated or (with --quick) failed: see the table")


if __name__ == "__main__":
    main()
