"""The set-cover programme solved by HiGHS, started from a known cover where the binding allows.

`scipy.optimize.milp` takes no starting point. SciPy ships the HiGHS Python
binding it uses itself (`scipy.optimize._highspy`), whose `setSolution` does;
that binding is private, so it is used only when present and answering as
expected, and `milp` (no start) is the fallback.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def _matrix(rows: list[set[int]], n: int) -> Any:
    """Return the target × candidate incidence matrix, column-wise (CSC)."""
    import numpy as np
    from scipy.sparse import csc_array

    data_rows = [t for t, row in enumerate(rows) for _ in row]
    data_cols = [c for row in rows for c in row]
    return csc_array((np.ones(len(data_cols)), (data_rows, data_cols)), shape=(len(rows), n))


def _lower(bound: float | None) -> int:
    """Return the fewest candidates a dual bound on the weighted objective implies.

    Any cover S weighs less than |S| + 1 (see `solve_programme`), so |S| > B − 1.
    """
    if bound is None or not math.isfinite(bound):
        return 0
    return max(int(math.floor(bound + 1e-9)), 0)


def _with_start(
    matrix: Any, cost: Any, start: Sequence[int], time_limit: float
) -> tuple[list[float] | None, bool, float | None]:
    """Run HiGHS through SciPy's bundled binding, from `start`; return (x, proven, bound)."""
    import numpy as np
    from scipy.optimize._highspy import _core as h  # private: see the module docstring

    m, n = matrix.shape
    lp = h.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    lp.a_matrix_.format_ = h.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.ones(m)
    lp.row_upper_ = np.full(m, h.kHighsInf)
    lp.integrality_ = [h.HighsVarType.kInteger] * n
    highs = h._Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", float(max(time_limit, 0.0)))
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.passModel(lp)
    solution = h.HighsSolution()
    values = np.zeros(n)
    values[list(start)] = 1.0
    solution.col_value = values
    solution.value_valid = True
    highs.setSolution(solution)
    highs.run()
    status = highs.getModelStatus()
    bound = highs.getInfo().mip_dual_bound
    x = list(highs.getSolution().col_value)
    proven = status == h.HighsModelStatus.kOptimal
    return (x if len(x) == n else None), proven, bound


def _without_start(
    matrix: Any, cost: Any, time_limit: float
) -> tuple[list[float] | None, bool, float | None]:
    """Run HiGHS through `scipy.optimize.milp`; return (x, proven, bound)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = matrix.shape[1]
    result = milp(
        cost,
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(matrix, lb=1, ub=np.inf),
        options={"time_limit": max(time_limit, 0.0), "mip_rel_gap": 0.0},
    )
    x = None if result.x is None else list(result.x)
    return x, result.status == 0, getattr(result, "mip_dual_bound", None)


def solve_programme(
    rows: list[set[int]], n: int, start: Sequence[int], time_limit: float
) -> tuple[list[int] | None, bool, int]:
    """Solve the set-cover programme; return (picks or None, proven, lower bound on the count).

    Candidate i costs 1 + i/(n²+1): any set's extra over its count stays below
    1, so the solver minimises the count first and, among sets of that count,
    prefers better-ranked candidates. A dual bound B on that objective means
    every cover needs at least floor(B) candidates.
    """
    import numpy as np

    matrix = _matrix(rows, n)
    cost = 1.0 + np.arange(n, dtype=float) / (n * n + 1)
    try:
        x, proven, bound = _with_start(matrix, cost, start, time_limit)
    except (ImportError, AttributeError, TypeError, ValueError, RuntimeError):
        x, proven, bound = _without_start(matrix, cost, time_limit)
    lower = _lower(bound)
    if x is None:
        return None, False, lower
    picks = [c for c in range(n) if x[c] > 0.5]
    return picks, proven, len(picks) if proven else lower
