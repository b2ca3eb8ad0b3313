"""Benchmark the exports: workbook and policies for a demo-like and a 5,000-control assessment.

Run: python bench/bench_exports.py [--runs N] [--big-runs N] [--skip-big]

Prints the median wall time of each build and, for the big workbook, the
tracemalloc peak of one further build (tracemalloc slows the build, so that
run is not timed). Targets (from the exports issue): demo workbook < 1.5 s,
5,000-control workbook < 30 s and < 1 GB peak, all demo policies < 3 s.
"""

from __future__ import annotations

import argparse
import resource
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from harness import median_time, traced_peak
from synthetic import CATEGORIES as SYNTHETIC_CATEGORIES
from synthetic import PERIOD, synthetic_library, type2_assessment

from riskapp.domain.assessment.model import AssessmentData
from riskapp.domain.coverage.report import compute_coverage
from riskapp.domain.evidence.plan import evidence_plan
from riskapp.domain.library.loader import read_library
from riskapp.domain.library.model import Library
from riskapp.exporters.policies import build_policies_zip, policies_to_export
from riskapp.exporters.workbook import build_workbook

ROOT = Path(__file__).resolve().parent.parent


def soc2_shaped_library(controls: int = 5000) -> Library:
    """A synthetic library shaped like SOC 2: 61 criteria, three criterion edges per control."""
    return synthetic_library(
        controls, criteria=61, satisfies=3 * controls, risks=controls // 5, series=12
    )


def demo_case() -> tuple[Library, AssessmentData]:
    """The shipped library as far as it parses; every control mapped to Security or Availability."""
    library, problems = read_library(ROOT / "seed_library")
    wanted = {"security", "availability"}
    in_scope = {key for key, c in library.criteria.items() if c.category in wanted}
    controls = sorted(
        {e.control for e in library.satisfies if (e.framework, e.criterion) in in_scope}
        & set(library.controls)
    )
    print(
        f"shipped library: {len(library.criteria)} criteria, {len(library.controls)} controls, "
        f"{len(library.policies)} policies, {len(problems)} load problems; "
        f"demo selects {len(controls)} controls"
    )
    return library, type2_assessment(library, controls, tuple(sorted(wanted)))


def workbook_builder(library: Library, assessment: AssessmentData) -> Callable[[], bytes]:
    def build() -> bytes:
        coverage = compute_coverage(library, assessment)
        return build_workbook(library, assessment, coverage, generated_at=datetime.now(UTC))

    return build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs for the demo figures")
    parser.add_argument("--big-runs", type=int, default=3, help="timed runs for 5,000 controls")
    parser.add_argument("--skip-big", action="store_true", help="only the demo figures")
    args = parser.parse_args(argv)

    library, demo = demo_case()
    seconds, book = median_time(workbook_builder(library, demo), args.runs)
    print(
        f"workbook, demo assessment: median {seconds:.3f} s over {args.runs} runs "
        f"({len(book) / 1024:.0f} KiB)  [target < 1.5 s]"
    )

    def policies() -> bytes:
        return build_policies_zip(library, demo, effective_date=PERIOD[0])

    seconds, archive = median_time(policies, args.runs)
    count = len(policies_to_export(library, demo))
    print(
        f"policies, demo assessment: median {seconds:.3f} s over {args.runs} runs "
        f"({count} documents, {len(archive) / 1024:.0f} KiB zip)  [target < 3 s]"
    )
    if args.skip_big:
        return 0
    big = soc2_shaped_library(5000)
    assessment = type2_assessment(big, list(big.controls), SYNTHETIC_CATEGORIES)
    build = workbook_builder(big, assessment)
    seconds, book = median_time(build, args.big_runs)
    rows = len(evidence_plan(big, assessment))
    print(
        f"workbook, 5,000 controls: median {seconds:.2f} s over {args.big_runs} runs "
        f"({len(book) / 1024 / 1024:.1f} MiB, {rows:,} evidence rows)  [target < 30 s]"
    )
    peak = traced_peak(build)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"workbook, 5,000 controls: tracemalloc peak {peak / 1024 / 1024:.0f} MiB, "
        f"process peak RSS {rss:.0f} MiB  [target < 1 GB]"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
