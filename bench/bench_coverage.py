"""Benchmark coverage: the engine at 5,000 controls, the heatmap page, the closing set.

Run: python bench/bench_coverage.py [--runs N] [--requests N]

Prints medians and their ratio to the coverage issue's targets:
- coverage of a synthetic library (5,000 controls, 1,000 criteria, 20,000
  control-criterion edges, 2,000 risks) for an assessment selecting every
  control: < 1 s median, < 500 MB peak memory (the tracemalloc peak of one
  further, untimed run, and the process's peak RSS);
- the coverage page of the demo assessment through the test client: < 200 ms
  median and < 1 MB;
- the closing set on the shipped library for an assessment that selects
  nothing, has every category in scope and every risk to mitigate: < 2 s.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from harness import median_time, signed_in_demo, traced_peak
from synthetic import synthetic_library, type2_assessment

from riskapp.domain.assessment.model import AssessmentData, RiskRating, Scope
from riskapp.domain.coverage.closing import closing_set
from riskapp.domain.coverage.report import compute_coverage
from riskapp.domain.library.loader import parse_library

ROOT = Path(__file__).resolve().parent.parent


def target(value: float, limit: float, unit: str) -> str:
    return f"[target < {limit:g} {unit}; {100 * value / limit:.1f}% of it]"


def bench_engine(runs: int) -> None:
    start = time.perf_counter()
    library = synthetic_library()
    built = time.perf_counter() - start
    data = type2_assessment(library, list(library.controls))
    print(
        f"synthetic library: {len(library.controls):,} controls, {len(library.criteria):,} "
        f"criteria, {len(library.satisfies):,} satisfies edges, {len(library.risks):,} risks "
        f"(generated in {built:.1f} s); the assessment selects every control"
    )

    def work() -> object:
        return compute_coverage(library, data)

    seconds, coverage = median_time(work, runs)
    totals = coverage.overall.as_dict()  # type: ignore[attr-defined]
    print(
        f"coverage, 5,000 controls: median {seconds * 1000:.0f} ms over {runs} runs "
        f"({totals})  {target(seconds, 1, 's')}"
    )
    peak = traced_peak(work) / 1024 / 1024
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"coverage, 5,000 controls: tracemalloc peak {peak:.0f} MiB, process peak RSS "
        f"{rss:.0f} MiB  {target(max(peak, rss), 500, 'MB')}"
    )


def bench_page(requests: int) -> None:
    with signed_in_demo() as (client, assessment_id):
        url = f"/assessments/{assessment_id}/steps/coverage"
        first = client.get(url)
        assert first.status_code == 200, first.status_code
        seconds, _ = median_time(lambda: client.get(url), requests)
        size = len(first.data)
        print(
            f"coverage page, demo assessment: median {seconds * 1000:.1f} ms over {requests} "
            f"requests  {target(seconds * 1000, 200, 'ms')}"
        )
        print(
            f"coverage page, demo assessment: {size / 1024:.0f} KiB "
            f"{target(size / 1_000_000, 1, 'MB')}"
        )


def bench_closing(runs: int) -> None:
    library = parse_library(ROOT / "seed_library")
    framework = next(iter(library.frameworks.values()))
    data = AssessmentData(
        name="Nothing yet",
        organization="Acme Ltd",
        scope=Scope(
            framework=framework.slug,
            categories=tuple(c.key for c in framework.categories),
            appetite=9,
        ),
        risks=[RiskRating(ref, 5, 5, treatment="mitigate") for ref in library.risks],
    )
    coverage = compute_coverage(library, data)
    for include_risks in (False, True):

        def work(include_risks: bool = include_risks) -> object:
            return closing_set(library, data, coverage, include_risks=include_risks)

        start = time.perf_counter()
        work()
        cold = time.perf_counter() - start
        seconds, found = median_time(work, runs)
        what = f"{coverage.overall.gap} gaps" + (
            f" and {len(coverage.unmitigated_risks)} risks" if include_risks else ""
        )
        proof = "proven minimal" if found.cover.proven_minimal else "not proven minimal"  # type: ignore[attr-defined]
        print(
            f"closing set, shipped library ({what}): median {seconds * 1000:.0f} ms over {runs} "
            f"runs, first call {cold * 1000:.0f} ms; {len(found.refs)} controls, {proof}  "  # type: ignore[attr-defined]
            f"{target(max(seconds, cold), 2, 's')}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of the engine and solver")
    parser.add_argument("--requests", type=int, default=50, help="timed requests of the page")
    args = parser.parse_args(argv)
    bench_closing(args.runs)
    bench_page(args.requests)
    bench_engine(args.runs)  # last: it sets the process's peak memory
    return 0


if __name__ == "__main__":
    sys.exit(main())
