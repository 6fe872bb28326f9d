"""Merging many stories' agreements into one record per signing: time, and whether it is
right, against the plain way of comparing every pair in the same run.

The records are made from the merging gold set's summaries (`eval/merge`, replayed from
their reference replies): each generated signing takes one of them, gives it a pair of
parties from a pool of countries and a day in a three-year span, and is reported by one to
four stories, some dating it a day late. `merge()` compares agreements only within a
group of the same parties; the peer runs the same decision on every pair (then the same
joining), the way a first attempt would. Reported: seconds, records per second, the ratio,
peak memory, and B-cubed F1 against the generated truth.

    python bench/merge.py [--records 10000] [--peer-records 2000] [--quick]
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers.merge_set import merge_set  # noqa: E402

from summarizer import AgreementSummary, merge  # noqa: E402
from summarizer._eval.merging import _Scores  # noqa: E402
from summarizer._merge import cluster  # noqa: E402
from summarizer._merge.records import record_of  # noqa: E402
from summarizer._merge.signing import Signing  # noqa: E402

COUNTRIES = [f"{a}{b}" for a in "ABCDEFGH" for b in "KLMNOP"]  # 48 made-up codes
START = date(2023, 1, 1)


def generated(records: int, seed: int = 7) -> tuple[list[tuple[str, AgreementSummary]], dict]:
    """About `records` agreements, each story one, and the signing each reports."""
    rng = random.Random(seed)
    templates = [s[0] for s, _ in merge_set().values() if s and len(s[0].parties) == 2]
    agreements, truth, signing = [], {}, 0
    while len(agreements) < records:
        template = rng.choice(templates)
        pair = rng.sample(COUNTRIES, 2)
        day = START + timedelta(days=rng.randrange(3 * 365))
        for report in range(rng.randint(1, 4)):
            late = 1 if report and rng.random() < 0.1 else 0
            story = f"story-{len(agreements)}"
            agreements.append((story, _reported(template, pair, day + timedelta(days=late))))
            truth[f"{story}/0"] = f"signing-{signing}"
        signing += 1
    return agreements[:records], truth


def _reported(template: AgreementSummary, pair: list[str], day: date) -> AgreementSummary:
    parties = [
        p.model_copy(update={"kind": "agency", "country": p.country.model_copy(
            update={"code": code, "name": f"Country {code}"})})
        for p, code in zip(template.parties, pair, strict=True) if p.country
    ]  # fmt: skip
    signed = template.agreement.signed
    agreement = template.agreement.model_copy(update={
        "signed": signed.model_copy(update={"on": day, "earliest": day, "latest": day})
        if signed else None, "kind": "memorandum_of_understanding",
    })  # fmt: skip
    dateline = template.dateline.model_copy(update={"filed_on": day}) if template.dateline else None
    return template.model_copy(
        update={"parties": parties, "agreement": agreement, "dateline": dateline}
    )


def every_pair(agreements: list[tuple[str, AgreementSummary]]) -> list:
    """The peer: the same decision and joining over every pair, not within groups."""
    signings = [Signing.of(story, 0, summary) for story, summary in agreements]
    return [record_of(members) for members in cluster._clusters(signings)]


def timed(run, agreements) -> tuple[float, list]:
    started = time.perf_counter()
    records = run(agreements)
    return time.perf_counter() - started, records


def f1(records: list, truth: dict) -> float:
    predicted = [[s.source for s in r.sources] for r in records]
    return _Scores(predicted, truth).bcubed()["f1"] or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--peer-records", type=int, default=2_000)
    parser.add_argument("--quick", action="store_true", help="Small sizes: does it still work?")
    args = parser.parse_args()
    if args.quick:
        args.records, args.peer_records = 600, 300
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    merge_set()  # the templates, replayed before anything is timed
    merge(generated(20)[0])  # and the first records' one-off costs paid
    print("\n| records | merge() s | every pair s | every pair / merge() | B-cubed F1 |")
    print("|---:|---:|---:|---:|---:|")
    agreements, truth = generated(args.peer_records)
    ours, records = timed(merge, agreements)
    peer, peer_records = timed(every_pair, agreements)
    assert f1(records, truth) == f1(peer_records, truth), "the peer must decide the same"
    print(f"| {len(agreements):,} | {ours:.2f} | {peer:.2f} | {peer / ours:.1f} | "
          f"{f1(records, truth):.3f} |")  # fmt: skip
    agreements, truth = generated(args.records)
    ours, records = timed(merge, agreements)
    print(f"| {len(agreements):,} | {ours:.2f} | not run (every pair grows as the square) | — "
          f"| {f1(records, truth):.3f} |")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{len(records):,} records from {len(agreements):,} agreements "
          f"({len(agreements) / ours:,.0f} a second); peak RSS {peak:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
