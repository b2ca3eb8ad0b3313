"""What failed controls affect, on the 5,000-control synthetic library: medians against 200 ms.

The graph is built once (timed apart, as a process does once per library
release); each question then reads the cached graph. Measured: one failed
control, a deviation register's set of 50 failed controls, and every selected
control's impact alone (what a page of control cards asks).

    .venv/bin/python bench/bench_impact.py [--runs 15]
"""

from __future__ import annotations

import argparse
import time

from harness import median_time
from synthetic import synthetic_library, type2_assessment

from riskapp.domain.graph.build import library_graph
from riskapp.domain.graph.impact import ImpactGraph, failed_controls_impact

TARGET_MS = 200.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    library = synthetic_library()
    controls = list(library.controls)
    assessment = type2_assessment(library, controls)
    start = time.perf_counter()
    library_graph(library)
    print(f"graph built once: {1000 * (time.perf_counter() - start):.0f} ms "
          f"({len(controls)} controls, {len(library.criteria)} criteria, "
          f"{len(library.satisfies)} satisfies edges)")  # fmt: skip
    effective = [c.ref for c in assessment.controls if c.status == "implemented"]
    one = effective[0]
    t, found = median_time(lambda: failed_controls_impact(library, assessment, [one]), args.runs)
    print(
        f"one failed control ({one}): median {1000 * t:.2f} ms (target < {TARGET_MS:.0f} ms): "
        f"{len(found.criteria)} criteria, {len(found.risks)} risks, {len(found.policies)} policies"
    )
    batch = effective[:: max(1, len(effective) // 50)][:50]
    t, found = median_time(lambda: failed_controls_impact(library, assessment, batch), args.runs)
    print(
        f"{len(batch)} failed controls together: median {1000 * t:.2f} ms "
        f"(target < {TARGET_MS:.0f} ms): {len(found.criteria)} criteria, "
        f"{len(found.risks)} risks, {len(found.policies)} policies"
    )
    cards = [c.ref for c in assessment.controls][:150]

    def each() -> int:
        graph = ImpactGraph(library, assessment.custom)
        return sum(
            len(failed_controls_impact(library, assessment, [r], graph).criteria) for r in cards
        )

    t, _ = median_time(each, max(3, args.runs // 3))
    print(f"each of {len(cards)} controls alone (a page of cards): median {1000 * t:.1f} ms")


if __name__ == "__main__":
    main()
