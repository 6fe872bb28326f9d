"""What long articles and other languages cost in our own code, with the model taken away.

- Splitting: `split_text` on the 118,552-character report and on a 2,000,000-character text
  (the default ceiling).
- A long article end to end: the report summarized in parts against an in-memory endpoint
  that answers each part at once with the facts quoted in it (tests/helpers/long_articles.py's
  `PartReader`), against one short article; both time everything but the model.
- Language detection: the first call in a process (lingua loads its models) and later
  ones, and what the process holds afterwards (peak RSS).

    python bench/long_and_languages.py [--runs 5]
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers.long_articles import REPORT, PartReader, text_of  # noqa: E402
from helpers.support import NO_WAIT  # noqa: E402

from summarizer import summarize  # noqa: E402
from summarizer._checks.languages import detect_language  # noqa: E402
from summarizer._inputs.parts import split_text  # noqa: E402

LANGUAGES = ROOT / "tests" / "fixtures" / "articles" / "languages"


def timed(action, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="One run: does it still work?")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Spanish first: a Latin-script text makes lingua load the most models.
    paths = sorted(LANGUAGES.glob("*.txt"), key=lambda p: not p.name.startswith("es_"))
    texts = [path.read_text(encoding="utf-8") for path in paths]
    started = time.perf_counter()
    detect_language(texts[0])
    first = time.perf_counter() - started
    later = timed(lambda: [detect_language(t) for t in texts], runs)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"language detection: first call {first:.2f} s; then "
        f"{statistics.median(later) / len(texts) * 1000:.1f} ms an article; "
        f"peak RSS {rss_before:.0f} -> {rss_after:.0f} MiB"
    )

    report = text_of(REPORT)
    huge = ("A paragraph of forty words or so about a port and its patrols. " * 6 + "\n\n") * 5_300
    for name, text in (("report", report), ("2,000,000 characters", huge[:2_000_000])):
        seconds = timed(lambda text=text: split_text(text, 60_000, 1_500), runs)
        parts = len(split_text(text, 60_000, 1_500))
        print(
            f"split_text, {name} ({len(text):,} chars): {parts} parts in "
            f"{statistics.median(seconds) * 1000:.1f} ms"
        )

    settings = replace(NO_WAIT, max_part_chars=30_000)
    summarize(report, client=PartReader(REPORT).client(), settings=settings)  # warm up
    long_runs = timed(
        lambda: summarize(report, client=PartReader(REPORT).client(), settings=settings), runs
    )
    summary = summarize(report, client=PartReader(REPORT).client(), settings=settings)
    short = "\n\n".join(report.split("\n\n")[:12])  # the opening: one part, the agreement in it
    short_runs = timed(
        lambda: summarize(short, client=PartReader(REPORT).client(), settings=NO_WAIT), runs
    )
    print(
        f"summarize, report in {len(summary.meta.parts)} parts of at most 30,000: "
        f"{statistics.median(long_runs):.2f} s; its first {len(short):,} characters in one "
        f"call: {statistics.median(short_runs):.2f} s (median of {runs}, no model)"
    )


if __name__ == "__main__":
    main()
