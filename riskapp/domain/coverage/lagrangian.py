"""A proven lower bound on a set cover's size, and a better cover, by Lagrangian relaxation.

Relaxing "every target has a candidate" with multipliers u ≥ 0 gives, for
unit costs, L(u) = Σ u_t + Σ_c min(0, 1 − Σ_{t ∋ c} u_t) ≤ the size of any
cover, for every u: the bound is ⌈max L(u)⌉ over the multipliers tried.
Subgradient steps move u towards the best bound (close to the linear
programme's). Every few steps a greedy cover scored by the multipliers (see
`_cover_from`) is built; the smallest one is kept.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Sequence

HEURISTIC_EVERY = 60
PATIENCE = 20  # steps without a better bound before the step size halves
SMALLEST_STEP = 0.005
TARGET = 1.05  # the step aims a little above the best cover (Beasley's rule)


def _cover_from(rows: list[set[int]], n: int, u: Sequence[float]) -> list[int]:
    """Return a greedy cover by Lagrangian score, pruned of redundant picks (dearest first).

    A candidate's score is g/k when its cost g = 1 − Σ u over its open targets
    is positive, g·k otherwise (k: its open targets); the lowest score is taken.
    Closing targets only raises scores, so stale heap entries are lower bounds.
    """
    by_candidate: list[list[int]] = [[] for _ in range(n)]
    for t, row in enumerate(rows):
        for c in row:
            by_candidate[c].append(t)
    gain = [1.0] * n
    for t, row in enumerate(rows):
        for c in row:
            gain[c] -= u[t]
    reduced = list(gain)
    count = [len(ts) for ts in by_candidate]

    def score(c: int) -> float:
        k = count[c]
        if not k:
            return math.inf
        return gain[c] / k if gain[c] > 0 else gain[c] * k

    is_open = [True] * len(rows)
    queue = [(score(c), c) for c in range(n) if count[c]]
    heapq.heapify(queue)
    picked: list[int] = []
    left = len(rows)
    while left and queue:
        stale, c = heapq.heappop(queue)
        now = score(c)
        if now == math.inf:
            continue
        if now > stale + 1e-12:
            heapq.heappush(queue, (now, c))
            continue
        picked.append(c)
        for t in by_candidate[c]:
            if is_open[t]:
                is_open[t] = False
                left -= 1
                for other in rows[t]:
                    count[other] -= 1
                    gain[other] += u[t]
    times = [0] * len(rows)
    for c in picked:
        for t in by_candidate[c]:
            times[t] += 1
    chosen = set(picked)
    for c in sorted(picked, key=lambda c: (-reduced[c], -c)):
        if all(times[t] > 1 for t in by_candidate[c]):
            chosen.discard(c)
            for t in by_candidate[c]:
                times[t] -= 1
    return sorted(chosen)


def lagrangian_bound(
    rows: list[set[int]], n: int, upper: int, time_limit: float
) -> tuple[int, list[int]]:
    """Return (a proven lower bound on any cover's size, the smallest cover found)."""
    import numpy as np

    m = len(rows)
    row_of = np.fromiter((t for t, row in enumerate(rows) for _ in row), dtype=np.int64)
    col_of = np.fromiter((c for row in rows for c in row), dtype=np.int64)
    width = np.bincount(col_of, minlength=n).astype(float)
    u = np.full(m, np.inf)
    np.minimum.at(u, row_of, 1.0 / width[col_of])
    best_bound, best_cover = 0.0, []  # type: tuple[float, list[int]]
    best_u = u.copy()
    step, stale, heuristic = 2.0, 0, 0.0
    deadline = time.perf_counter() + max(time_limit, 0.0)
    iteration = 0
    while True:
        reduced = 1.0 - np.bincount(col_of, weights=u[row_of], minlength=n)
        take = reduced < 0
        bound = float(u.sum() + reduced[take].sum())
        if bound > best_bound + 1e-9:
            best_bound, best_u, stale = bound, u.copy(), 0
        else:
            stale += 1
            if stale >= PATIENCE:
                step, stale = step / 2, 0
        if iteration % HEURISTIC_EVERY == 0:
            started = time.perf_counter()
            cover = _cover_from(rows, n, u.tolist())
            heuristic = time.perf_counter() - started  # kept free for the last cover
            if not best_cover or len(cover) < len(best_cover):
                best_cover = cover
                upper = min(upper, len(cover))
        iteration += 1
        if (
            math.ceil(best_bound - 1e-6) >= upper
            or step < SMALLEST_STEP
            or time.perf_counter() + heuristic >= deadline
        ):
            break
        gradient = 1.0 - np.bincount(row_of, weights=take[col_of], minlength=m)
        norm = float(gradient @ gradient)
        if norm == 0:  # the relaxed picks are an exact cover: the bound is tight
            break
        u = np.maximum(u + step * (TARGET * upper - bound) / norm * gradient, 0.0)
    cover = _cover_from(rows, n, best_u.tolist())
    if not best_cover or len(cover) < len(best_cover):
        best_cover = cover
    return max(math.ceil(best_bound - 1e-6), 1), best_cover
