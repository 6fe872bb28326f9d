"""Peak memory of a batch as it grows: inputs and results must stream, not pile up.

Each size runs in a fresh process: `asummarize_many` over N generated items (the example
articles in turn, each under its own id) against an in-memory endpoint that answers every
request with the article's reference reply, results consumed one by one and dropped, cache
off. Reported: the process's peak RSS (`ru_maxrss`) after the batch.

    python bench/batch_memory.py [--sizes 100 1000 10000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run(size: int, concurrency: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers.support import ReferenceEndpoint

    from summarizer import asummarize_many

    endpoint = ReferenceEndpoint()
    texts = list(endpoint.contents)

    def items():
        for n in range(size):
            yield f"item-{n}", texts[n % len(texts)]

    async def run() -> int:
        done = 0
        async for result in asummarize_many(
            items(), client=endpoint.async_client(), concurrency=concurrency, cache=False
        ):
            done += result.ok
        return done

    started = time.perf_counter()
    answered = asyncio.run(run())
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"items": size, "answered": answered, "seconds": seconds, "peak_mib": peak_kib / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process's size
    parser.add_argument("--quick", action="store_true", help="Small sizes: does it still work?")
    args = parser.parse_args()
    if args.quick:
        args.sizes = [20, 60]
    if args.one:
        print(json.dumps(one_run(args.one, args.concurrency)))
        return

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"concurrency {args.concurrency}, cache off, in-memory endpoint\n")
    print("| items | answered | seconds | ms per item | peak RSS (MiB) | x first size |")
    print("|---:|---:|---:|---:|---:|---:|")
    first = None
    for size in args.sizes:
        command = [
            sys.executable,
            __file__,
            "--one",
            str(size),
            "--concurrency",
            str(args.concurrency),
        ]
        run = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
        if run["answered"] != size:
            sys.exit(f"{size - run['answered']} of {size} items got no summary")
        first = first or run["peak_mib"]
        print(
            f"| {size:,} | {run['answered']:,} | {run['seconds']:.1f} | "
            f"{run['seconds'] / size * 1000:.1f} | {run['peak_mib']:.1f} | "
            f"{run['peak_mib'] / first:.2f} |"
        )


if __name__ == "__main__":
    main()
