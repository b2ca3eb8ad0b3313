"""Benchmark the exports: workbook and policies for a demo-like and a 5,000-control assessment.

Run: python bench/bench_exports.py [--runs N] [--big-runs N] [--skip-big]

Prints the median wall time of each build and, for the big workbook, the
tracemalloc peak of one further build (tracemalloc slows the build, so that
run is not timed). Targets (from the exports issue): demo workbook < 1.5 s,
5,000-control workbook < 30 s and < 1 GB peak, all demo policies < 3 s.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from riskapp.domain.assessment import (
    STATUSES,
    TREATMENTS,
    AssessmentData,
    ControlChoice,
    RiskRating,
    Scope,
)
from riskapp.domain.coverage import compute_coverage
from riskapp.domain.evidence_plan import evidence_plan
from riskapp.domain.library import (
    DOMAINS,
    RISK_CATEGORIES,
    Category,
    Control,
    Criterion,
    DocumentedIn,
    EvidencedBy,
    EvidenceType,
    Framework,
    Library,
    LibraryMeta,
    Mitigates,
    PolicyRole,
    PolicySection,
    PolicyTemplate,
    Risk,
    Satisfies,
    Series,
)
from riskapp.domain.loader import read_library
from riskapp.exporters.policies import build_policies_zip, policies_to_export
from riskapp.exporters.workbook import build_workbook

ROOT = Path(__file__).resolve().parent.parent
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))
SETTINGS = {
    "system": "Acme Cloud",
    "cloud_provider": "AWS",
    "identity_provider": "Okta",
    "code_repository": "GitHub",
    "ticketing_system": "Jira",
    "hr_system": "BambooHR",
}
SYNTHETIC_CATEGORIES = (
    "security",
    "availability",
    "confidentiality",
    "processing-integrity",
    "privacy",
)
# Frequencies weighted roughly as in a real library: few daily controls, many periodic ones.
FREQUENCY_WEIGHTS = {
    "continuous": 20,
    "per-event": 25,
    "daily": 5,
    "weekly": 5,
    "monthly": 10,
    "quarterly": 15,
    "semi-annual": 5,
    "annual": 15,
}


def synthetic_library(controls: int = 5000, seed: int = 7) -> Library:
    """Return a valid-shaped library: 61 criteria over five categories and `controls` controls."""
    rng = random.Random(seed)
    categories = SYNTHETIC_CATEGORIES
    framework = Framework(
        slug="soc2-2017",
        name="SOC 2 Trust Services Criteria (synthetic)",
        version="2017",
        categories=tuple(Category(c, c.title(), c == "security") for c in categories),
        series=tuple(Series(f"S{i}", f"Series {i}", categories[i % 5]) for i in range(12)),
    )
    lib = Library(meta=LibraryMeta("synthetic", "1"), frameworks={framework.slug: framework})
    for i in range(61):
        series = framework.series[i % 12]
        ref = f"{series.ref}.{i // 12 + 1}"
        lib.criteria[(framework.slug, ref)] = Criterion(
            framework.slug, ref, series.ref, series.category, f"Criterion {ref}",
            "What the auditor looks for.", ("Point one", "Point two"),
        )  # fmt: skip
    criteria = [key[1] for key in lib.criteria]
    for i in range(controls // 5):
        ref = f"R-SYN-{i:04d}"
        lib.risks[ref] = Risk(
            ref, f"Risk {i}", RISK_CATEGORIES[i % len(RISK_CATEGORIES)], "An attacker",
            "a weakness", "a loss", rng.randint(1, 5), "why", rng.randint(1, 5), "why",
        )  # fmt: skip
    for i in range(controls // 10):
        ref = f"EV-SYN-{i:04d}"
        lib.evidence[ref] = EvidenceType(
            ref, f"Evidence {i}", "An artefact.", "Exported by the owner.", "One record.", "monthly"
        )
    for i in range(40):
        ref = f"POL-SYN-{i:02d}"
        lib.policies[ref] = PolicyTemplate(
            ref, f"Policy {i}", "CISO", "Why {org} has it.", "Everyone.",
            (PolicyRole("CISO", "Owns it."),), (PolicySection("Principles", "Be safe."),),
            "Approved by the CISO.", "Discipline.", "annual",
        )  # fmt: skip
    risks, evidence, policies = list(lib.risks), list(lib.evidence), list(lib.policies)
    frequencies = list(FREQUENCY_WEIGHTS)
    weights = list(FREQUENCY_WEIGHTS.values())
    for i in range(controls):
        ref = f"SYN-{i:05d}"
        lib.controls[ref] = Control(
            ref, f"Synthetic control {i}",
            "Each {frequency}, the {owner} reviews {system} in {identity_provider} and files "
            "the signed record in {ticketing_system}.",
            DOMAINS[i % len(DOMAINS)], ("preventive", "detective", "corrective")[i % 3],
            ("manual", "automated")[i % 2], rng.choices(frequencies, weights)[0], "IT Manager",
        )  # fmt: skip
        picked = rng.sample(criteria, 3)
        lib.satisfies.append(Satisfies(ref, framework.slug, picked[0], "primary"))
        lib.satisfies.extend(Satisfies(ref, framework.slug, c, "supporting") for c in picked[1:])
        lib.mitigates.extend(Mitigates(ref, r, 1, 1) for r in rng.sample(risks, 2))
        lib.evidenced_by.extend(EvidencedBy(ref, e) for e in rng.sample(evidence, 2))
        lib.documented_in.append(DocumentedIn(ref, rng.choice(policies), True))
    return lib


def type2_assessment(
    library: Library, controls: list[str], categories: tuple[str, ...]
) -> AssessmentData:
    """Return a 12-month Type 2 assessment selecting `controls` and rating every risk."""
    return AssessmentData(
        name="Bench 2026",
        organization="Acme Ltd",
        scope=Scope(
            framework="soc2-2017",
            categories=categories,
            report_type="type2",
            period_start=PERIOD[0],
            period_end=PERIOD[1],
        ),
        controls=[
            ControlChoice(ref, owner="Dana Smith" if i % 4 == 0 else "", status=STATUSES[i % 3])
            for i, ref in enumerate(controls)
        ],
        risks=[
            RiskRating(ref, r.likelihood, r.impact, treatment=TREATMENTS[i % 4], owner="CTO")
            for i, (ref, r) in enumerate(library.risks.items())
        ],
        settings=dict(SETTINGS),
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


def median_time(build: Callable[[], bytes], runs: int) -> tuple[float, bytes]:
    times, result = [], b""
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = build()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def traced_peak(build: Callable[[], bytes]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        build()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


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
    big = synthetic_library(5000)
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
