"""How far the 2-second closing set is from anything provable: its answer beside the LP bound and
what SCIP proves and finds given much longer.

Run: python bench/bench_closing_reference.py [--sizes 1000 5000] [--seconds 600]
(SCIP runs when pyscipopt is installed: `pip install pyscipopt`; it is not a dependency of
riskapp. Without it the LP bound and the app's own answer are printed.)

The instance is the one bench_scaling.py times: the scaled synthetic library, an assessment
that selects nothing and mitigates every risk, the closing set with risks. Its rows are the
targets `closing_set` reports and its columns their candidate controls, so any cover printed
here is a closing set of that assessment. The yardstick for "within X% of a proven lower
bound": no cover can be closer to the bound than the best one known.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

from bench_scaling import CATEGORIES, FRAMEWORK, scaled_library

from riskapp.domain.assessment.model import AssessmentData, RiskRating, Scope
from riskapp.domain.coverage.closing import closing_set
from riskapp.domain.coverage.report import compute_coverage


def instance(size: int) -> tuple[list[list[int]], int, object]:
    """Return (rows as column indices, number of columns, the app's 2-second closing set)."""
    library = scaled_library(size)
    data = AssessmentData(
        name="Nothing yet",
        organization="Acme Ltd",
        scope=Scope(framework=FRAMEWORK, categories=CATEGORIES, appetite=9),
        risks=[RiskRating(ref, 5, 5, treatment="mitigate") for ref in library.risks],
    )
    coverage = compute_coverage(library, data)
    found = closing_set(library, data, coverage, include_risks=True)
    columns: dict[str, int] = {}
    rows = [
        [columns.setdefault(ref, len(columns)) for ref in t.candidates]
        for t in found.targets
        if t.candidates  # a target nothing closes is reported apart, not covered
    ]
    return rows, len(columns), found


def lp_bound(rows: list[list[int]], n: int) -> float:
    """Return the LP relaxation's optimum (HiGHS through scipy)."""
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    data = np.ones(sum(len(r) for r in rows))
    indices = np.fromiter((c for r in rows for c in r), dtype=np.int64)
    indptr = np.cumsum([0] + [len(r) for r in rows])
    a = csr_matrix((data, indices, indptr), shape=(len(rows), n))
    found = linprog(np.ones(n), A_ub=-a, b_ub=-np.ones(len(rows)), bounds=(0, 1), method="highs")
    return float(found.fun)


def scip(rows: list[list[int]], n: int, seconds: float) -> tuple[int, int, float] | None:
    """Return (best cover, proven bound, seconds to the best cover) from SCIP, or None."""
    try:
        from pyscipopt import SCIP_EVENTTYPE as EVENT
        from pyscipopt import Eventhdlr, Model, quicksum
    except ImportError:
        return None
    model = Model()
    model.hideOutput()
    x = [model.addVar(vtype="B", obj=1.0) for _ in range(n)]
    for row in rows:
        model.addCons(quicksum(x[c] for c in row) >= 1)
    model.setParam("limits/time", seconds)
    model.setParam("parallel/maxnthreads", 1)
    start, found_at = time.perf_counter(), [0.0]

    class Found(Eventhdlr):  # type: ignore[misc]
        def eventinit(self) -> None:
            self.model.catchEvent(EVENT.BESTSOLFOUND, self)

        def eventexec(self, _event: object) -> None:
            found_at[0] = time.perf_counter() - start

    model.includeEventhdlr(Found(), "found", "time of the best cover")
    model.optimize()
    best = model.getBestSol()
    cover = sum(1 for v in x if model.getSolVal(best, v) > 0.5)
    return cover, math.ceil(model.getDualbound() - 1e-6), found_at[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--seconds", type=float, default=600.0, help="SCIP's time limit")
    args = parser.parse_args(argv)
    for size in args.sizes:
        start = time.perf_counter()
        rows, n, found = instance(size)
        took = time.perf_counter() - start
        cover = found.cover  # type: ignore[attr-defined]
        print(
            f"{size:,} controls: {len(rows):,} targets over {n:,} candidates; riskapp's closing "
            f"set {cover.size:,}, its lower bound {cover.lower_bound:,} "
            f"(gap {100 * (cover.size - cover.lower_bound) / cover.lower_bound:.1f}%), "
            f"{'proven minimal' if cover.proven_minimal else 'not proven'} ({took:.1f} s with "
            f"building the library)"
        )
        start = time.perf_counter()
        lp = lp_bound(rows, n)
        print(
            f"  LP relaxation {lp:.3f}, so at least {math.ceil(lp - 1e-6):,} "
            f"({time.perf_counter() - start:.1f} s)"
        )
        reached = scip(rows, n, args.seconds)
        if reached is None:
            print("  SCIP: not installed (pip install pyscipopt)")
            continue
        best, bound, at = reached
        print(
            f"  SCIP, {args.seconds:g} s: best cover {best:,} (found at {at:.0f} s), proven bound "
            f"{bound:,}; gap {100 * (best - bound) / bound:.1f}%. Riskapp's 2-second set is "
            f"{100 * (cover.size - bound) / bound:.1f}% above SCIP's bound; to be within 1% of "
            f"a bound of {bound:,} a cover needs at most {math.floor(1.01 * bound):,} controls"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
