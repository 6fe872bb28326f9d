"""Several processes sharing one response cache file, against the fake OpenAI server: how many
requests they pay for together, when each runs the same batch at the same time.

One process's batch (what the tests start, several at once):

    python tests/helpers/shared_cache.py run --cache FILE --base-url URL --items N \
        [--concurrency C] [--lease-seconds S] [--go FILE] [--foreign-host]

waits for `--go` to exist (so that all start together), summarizes the items and prints one
JSON line: each status's count and how many were answered from the cache.

A measurement (the fake server in this process, the batches in their own):

    python tests/helpers/shared_cache.py measure --processes 3 --items 300 --latency 0.2

Only the public API is used, so the same command measures a release without leases.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "tests") not in sys.path:  # run as a script by path
    sys.path.insert(0, str(ROOT / "tests"))

from helpers.fake_openai import FakeOpenAIServer, Weather, reference_replies  # noqa: E402

if TYPE_CHECKING:
    from summarizer import ItemResult

SCRIPT = Path(__file__).resolve()


def shared_items(count: int) -> list[tuple[str, str]]:
    """`count` distinct articles: the reference ones, then copies made distinct by a last line
    (the fake server still finds its article inside, and the quotes still ground)."""
    texts = sorted(reference_replies())
    items = []
    for n in range(count):
        copy, text = divmod(n, len(texts))
        items.append((f"item-{n}", texts[text] + (f"\n\nCopy {copy}." if copy else "")))
    return items


def summarize_shared(
    cache_file: Path | str,
    base_url: str,
    items: list[tuple[str, str]],
    concurrency: int = 4,
    **options: float,
) -> list[ItemResult]:
    """One process's batch: `items` on the shared `cache_file` (with `SummaryCache` `options`)."""
    from summarizer import Settings, SummaryCache, summarize_many

    with SummaryCache(cache_file, **options) as cache:
        return list(
            summarize_many(
                items,
                base_url=base_url,
                api_key="shared-cache",
                settings=Settings(backend="openai-compatible"),
                concurrency=concurrency,
                cache=cache,
            )
        )


def run_batch(args: argparse.Namespace) -> None:
    # What the cache says (a file locked, no lease taken) goes to stderr, which a test that
    # fails shows.
    logging.basicConfig(stream=sys.stderr, format="%(levelname)s %(message)s")
    logging.getLogger("summarizer").setLevel(logging.DEBUG)
    if args.foreign_host:
        # A holder this host cannot probe (another machine, a container): only expiry frees
        # its lease.
        import summarizer._cache.leases as leases

        leases._HOST = "elsewhere.invalid"
    options = {} if args.lease_seconds is None else {"lease_seconds": args.lease_seconds}
    items = shared_items(args.items)
    if args.go:
        Path(f"{args.go}.{os.getpid()}").touch()  # loaded
        while not Path(args.go).exists():
            time.sleep(0.005)
    results = summarize_shared(args.cache, args.base_url, items, args.concurrency, **options)
    statuses = Counter(result.status for result in results)
    print(json.dumps({"statuses": statuses, "cached": sum(r.cached for r in results)}))


@contextmanager
def batches(
    processes: int, cache_file: Path, base_url: str, items: int, *options: str
) -> Iterator[list[subprocess.Popen[str]]]:
    """`processes` batches started together, once each has loaded; any still running at the
    end of the block is killed."""
    go = cache_file.with_name(cache_file.name + ".go")
    go.unlink(missing_ok=True)
    command = [
        sys.executable, str(SCRIPT), "run", "--cache", str(cache_file), "--base-url", base_url,
        "--items", str(items), "--go", str(go), *options,
    ]  # fmt: skip
    children = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    try:
        deadline = time.monotonic() + 120
        while not all(Path(f"{go}.{child.pid}").exists() for child in children):
            if time.monotonic() > deadline or any(c.poll() is not None for c in children):
                exited = [c.stderr.read() for c in children if c.poll() is not None and c.stderr]
                raise RuntimeError(f"a batch did not start: {exited}")
            time.sleep(0.01)
        go.touch()
        yield children
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.communicate()


def finish(children: list[subprocess.Popen[str]], timeout: float = 120) -> list[dict[str, object]]:
    """Each batch's JSON line; a batch that fails raises with its standard error."""
    reports = []
    for child in children:
        out, err = child.communicate(timeout=timeout)
        if child.returncode != 0:
            raise RuntimeError(f"a batch failed ({child.returncode}):\n{err}")
        report = json.loads(out.strip().splitlines()[-1])
        reports.append({**report, "stderr": err[-2000:]})
    return reports


def measure(args: argparse.Namespace) -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeOpenAIServer(reference_replies(), Weather(latency=args.latency)) as server,
    ):
        cache = Path(folder) / "summaries.sqlite"
        options = ["--concurrency", str(args.concurrency)]
        started = time.perf_counter()
        with batches(args.processes, cache, server.base_url, args.items, *options) as children:
            reports = finish(children, timeout=3600)
        seconds = time.perf_counter() - started
        stats = server.stats
    print(
        f"{args.processes} processes x {args.items} items, concurrency {args.concurrency}, "
        f"latency {args.latency}s: {stats.completions} completions paid "
        f"({stats.requests} requests) for {args.items} articles in {seconds:.1f}s"
    )
    for report in reports:
        print(f"  { {key: value for key, value in report.items() if key != 'stderr'} }")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run")
    run.add_argument("--cache", required=True)
    run.add_argument("--base-url", required=True)
    run.add_argument("--items", type=int, required=True)
    run.add_argument("--concurrency", type=int, default=4)
    run.add_argument("--lease-seconds", type=float)
    run.add_argument("--go")
    run.add_argument("--foreign-host", action="store_true")
    run.set_defaults(act=run_batch)
    timing = commands.add_parser("measure")
    timing.add_argument("--processes", type=int, default=3)
    timing.add_argument("--items", type=int, default=300)
    timing.add_argument("--concurrency", type=int, default=8)
    timing.add_argument("--latency", type=float, default=0.2)
    timing.set_defaults(act=measure)
    args = parser.parse_args()
    args.act(args)


if __name__ == "__main__":
    main()
