"""Benchmark the computed checks: a census of 100,000 items through every check kind.

Run: python bench/bench_checks.py [--runs N] [--items N]

Prints the median wall time (and CPU time) to run five checks (one of each kind: date_not_after,
within_days in business days, differs, in_list, not_empty) over every item of
a synthetic population (target, issue 13: under 2 s for 100,000 items), and
how many items failed. The population mixes dates with and without times,
empty cells and failures so every branch of the checks is taken.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from harness import median_time

from riskapp.domain.period.fingerprint import Item
from riskapp.domain.testing.checks import CheckRun, CheckSpec, run_checks

TARGET_S = 2.0
CHECKS = (
    CheckSpec("approved-before-merge", "date_not_after", a="approved_at", b="merged_at"),
    CheckSpec("deployed-in-time", "within_days", a="date", b="deployed_at", days=1, business=True),
    CheckSpec("reviewer-not-author", "differs", a="reviewer", b="author"),
    CheckSpec("state-approved", "in_list", field="state", values=("approved", "merged")),
    CheckSpec("ticket", "not_empty", field="ticket"),
)
COLUMNS = ("approved_at", "merged_at", "deployed_at", "reviewer", "author", "state", "ticket")


def population(n: int, seed: int = 13) -> list[Item]:
    """Return n pull requests over 2026, about 2% of them failing each check."""
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    people = [f"dev{i}" for i in range(40)]
    items = []
    for i in range(n):
        day = start + timedelta(days=rng.randrange(365))
        merged = day.isoformat() + f"T{rng.randrange(8, 19):02d}:{rng.randrange(60):02d}:00"
        approved_day = day - timedelta(days=rng.choice((0, 0, 1, 2)) - (rng.random() < 0.02))
        author = rng.choice(people)
        items.append(
            Item(
                f"PR-{i}",
                day,
                f"Change {i}",
                {
                    "approved_at": approved_day.isoformat() if rng.random() > 0.005 else "",
                    "merged_at": merged,
                    "deployed_at": (
                        day + timedelta(days=3 if rng.random() < 0.02 else rng.choice((0, 1)))
                    ).isoformat(),
                    "reviewer": author if rng.random() < 0.02 else rng.choice(people),
                    "author": author,
                    "state": "approved" if rng.random() > 0.02 else "open",
                    "ticket": f"CHG-{i}" if rng.random() > 0.02 else "",
                },
            )
        )
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    items = population(args.items)
    cpu: list[float] = []

    def work() -> CheckRun:
        start = time.process_time()
        result = run_checks(CHECKS, items, COLUMNS)
        cpu.append(time.process_time() - start)
        return result

    seconds, run = median_time(work, args.runs)
    verdict = "ok" if seconds < TARGET_S else "OVER TARGET"
    print(
        f"computed checks, census of {args.items:,} items x {len(CHECKS)} checks: "
        f"median {seconds:.3f} s over {args.runs} runs (target < {TARGET_S:.0f} s) {verdict}"
    )
    print(f"  CPU time of this process: median {statistics.median(cpu):.3f} s (the wall time")
    print("  above also counts waiting for a CPU on a busy machine)")
    print(f"  {len(run.failures):,} failures on {run.failing_items():,} items")


if __name__ == "__main__":
    main()
