"""The smallest set of candidates that closes every target: exact set cover, greedy fallback.

The exact answer comes from a mixed-integer programme solved by HiGHS (through
`scipy.optimize.milp`), under a time limit. When the solver stops at the limit,
or fails, the answer is the better of its best incumbent and a greedy cover,
and says that it is not proven minimal. SciPy is imported only when a cover is
asked for, so importing the domain stays light.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

EXACT = "exact"
GREEDY = "greedy"
INCUMBENT = "solver-best-so-far"
DEFAULT_TIME_LIMIT = 2.0


@dataclass(frozen=True)
class Cover:
    """A set of candidates and what is known about it.

    `chosen` is in preference order. `proven_minimal` is true only when the
    solver proved that no smaller set closes every closable target.
    `lower_bound` is the fewest candidates any cover needs, as far as is known
    (equal to `len(chosen)` when proven). `unclosable` lists the targets no
    candidate closes; they are left out of the programme.
    """

    chosen: tuple[str, ...]
    proven_minimal: bool
    method: str
    lower_bound: int
    unclosable: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.chosen)


def _normalise(
    needs: Mapping[str, Iterable[str]], preference: Sequence[str] | None
) -> tuple[list[str], list[str], list[set[int]], tuple[str, ...]]:
    """Return candidate names (best first), closable targets, each target's candidate indexes."""
    options = {t: set(c) for t, c in needs.items()}
    unclosable = tuple(t for t, c in options.items() if not c)
    named = set().union(*options.values()) if options else set()
    order = {name: i for i, name in enumerate(preference or ())}
    candidates = sorted(named, key=lambda c: (order.get(c, len(order)), c))
    index = {c: i for i, c in enumerate(candidates)}
    targets = [t for t, c in options.items() if c]
    columns = [{index[c] for c in options[t]} for t in targets]
    return candidates, targets, columns, unclosable


def _closes(chosen: Iterable[int], rows: list[set[int]]) -> bool:
    picked = set(chosen)
    return all(row & picked for row in rows)


def greedy_cover(rows: list[set[int]], n: int) -> list[int]:
    """Return a cover by repeatedly taking the candidate that closes most open targets.

    Ties go to the lower index (the preferred candidate). Afterwards every
    pick whose targets the others already close is dropped, latest first.
    """
    by_candidate: list[set[int]] = [set() for _ in range(n)]
    for t, row in enumerate(rows):
        for c in row:
            by_candidate[c].add(t)
    open_targets = set(range(len(rows)))
    picked: list[int] = []
    while open_targets:
        best = max(range(n), key=lambda c: (len(by_candidate[c] & open_targets), -c))
        picked.append(best)
        open_targets -= by_candidate[best]
    for c in reversed(list(picked)):
        rest = [p for p in picked if p != c]
        if _closes(rest, rows):
            picked = rest
    return sorted(picked)


def _exact_cover(
    rows: list[set[int]], n: int, time_limit: float
) -> tuple[list[int] | None, bool, int]:
    """Solve the set-cover programme; return (picks or None, proven, lower bound on the count).

    Candidate i costs 1 + i/(n²+1): any set's extra over its count stays below
    1, so the solver minimises the count first and, among sets of that count,
    prefers better-ranked candidates. A dual bound B on that objective means
    every cover needs at least floor(B) candidates.
    """
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    data_rows = [t for t, row in enumerate(rows) for _ in row]
    data_cols = [c for row in rows for c in sorted(row)]
    matrix = coo_array(
        (np.ones(len(data_cols)), (data_rows, data_cols)), shape=(len(rows), n)
    ).tocsr()
    cost = 1.0 + np.arange(n, dtype=float) / (n * n + 1)
    result = milp(
        cost,
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(matrix, lb=1, ub=np.inf),
        options={"time_limit": max(time_limit, 0.0), "mip_rel_gap": 0.0},
    )
    bound = getattr(result, "mip_dual_bound", None)
    lower = int(np.floor(bound + 1e-9)) if bound is not None and np.isfinite(bound) else 0
    if result.x is None:
        return None, False, lower
    picks = [c for c in range(n) if result.x[c] > 0.5]
    if not _closes(picks, rows):  # a solver answer is checked, never trusted
        return None, False, lower
    proven = result.status == 0
    return picks, proven, len(picks) if proven else lower


def smallest_cover(
    needs: Mapping[str, Iterable[str]],
    preference: Sequence[str] | None = None,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Cover:
    """Return the fewest candidates such that every target has one of its candidates.

    `needs` maps each target to the candidates that would close it. Among
    covers of the smallest size the one whose candidates come earliest in
    `preference` is preferred (candidates not named there come after, by name).
    """
    candidates, targets, rows, unclosable = _normalise(needs, preference)
    if not targets:
        return Cover((), True, EXACT, 0, unclosable)
    n = len(candidates)
    picks, proven, lower = _exact_cover(rows, n, time_limit)
    if picks is not None and proven:
        chosen, method = picks, EXACT
    else:
        greedy = greedy_cover(rows, n)
        if picks is not None and len(picks) < len(greedy):
            chosen, method = picks, INCUMBENT
        else:
            chosen, method = greedy, GREEDY
    return Cover(
        chosen=tuple(candidates[c] for c in chosen),
        proven_minimal=method == EXACT,
        method=method,
        lower_bound=len(chosen) if method == EXACT else max(lower, 1),
        unclosable=unclosable,
    )
