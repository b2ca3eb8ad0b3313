"""The smallest set of candidates that closes every target: exact set cover where it can be proven.

The work is split before anything is solved: a target with a single candidate
forces that candidate, and what is left falls apart into independent parts
(connected components of the target–candidate graph), each solved on its own.
A part gets a lazy greedy cover, then a Lagrangian relaxation that proves a
lower bound on its size and improves the cover. A part of up to `SOLVER_PART`
candidates then goes (when the bound does not already prove the cover
minimal) to a mixed-integer programme solved by HiGHS, started from the best
cover so far, under the part's share of the time limit; a larger part, where
HiGHS's root relaxation alone outlasts the limit, is improved by local search
(see `localsearch`). A cover is proven minimal when the solver proves it or
its size meets the bound; otherwise the bound is reported beside it. NumPy
and SciPy are imported only when a part needs them, so importing the domain
stays light."""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

EXACT = "exact"
GREEDY = "greedy"
INCUMBENT = "solver-best-so-far"
SEARCHED = "local-search"
DEFAULT_TIME_LIMIT = 2.0
LAGRANGIAN_SHARE = 0.4  # of a part's time, for the bound before the solver runs
SEARCH_SHARE = 0.9  # of a large part's time, for the bound and the local search (the rest: slack)
SMALL_PART = 12  # candidates: such a part goes straight to the solver
SOLVER_PART = 400  # candidates: a larger part is searched locally (HiGHS's root LP outlasts 2 s)


@dataclass(frozen=True)
class Cover:
    """A set of candidates and what is known about it.

    `chosen` is in preference order. `proven_minimal` is true only when no
    smaller set closes every closable target is proven (by the solver, or by a
    lower bound equal to the size). `lower_bound` is the fewest candidates any
    cover needs, as far as is proven (equal to `len(chosen)` when proven).
    `unclosable` lists the targets no candidate closes; they are left out.
    `forced` counts the chosen candidates that were a target's only one, and
    `parts` the independent parts solved apart.
    """

    chosen: tuple[str, ...]
    proven_minimal: bool
    method: str
    lower_bound: int
    unclosable: tuple[str, ...] = ()
    forced: int = 0
    parts: int = 0

    @property
    def size(self) -> int:
        return len(self.chosen)


@dataclass(frozen=True)
class _Part:
    """One solved part: picks (global candidate indexes), proof, bound and method."""

    picks: list[int]
    proven: bool
    lower: int
    method: str


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


def _by_candidate(rows: list[set[int]], n: int) -> list[list[int]]:
    found: list[list[int]] = [[] for _ in range(n)]
    for t, row in enumerate(rows):
        for c in row:
            found[c].append(t)
    return found


def drop_redundant(picked: Sequence[int], rows: list[set[int]], n: int) -> list[int]:
    """Drop every pick whose targets the others close, trying the last pick first."""
    by_candidate = _by_candidate(rows, n)
    times = [0] * len(rows)
    for c in picked:
        for t in by_candidate[c]:
            times[t] += 1
    kept = set(picked)
    for c in reversed(picked):
        if all(times[t] > 1 for t in by_candidate[c]):
            kept.discard(c)
            for t in by_candidate[c]:
                times[t] -= 1
    return sorted(kept)


def greedy_cover(rows: list[set[int]], n: int) -> list[int]:
    """Return a cover by repeatedly taking the candidate that closes most open targets.

    Ties go to the lower index (the preferred candidate). Afterwards every
    pick whose targets the others already close is dropped, latest first.
    A candidate's count only falls, so a stale count in the priority queue is
    an upper bound: the popped candidate is taken once its recount matches.
    """
    by_candidate = _by_candidate(rows, n)
    is_open = [True] * len(rows)
    count = [len(ts) for ts in by_candidate]
    queue = [(-count[c], c) for c in range(n) if count[c]]
    heapq.heapify(queue)
    picked: list[int] = []
    left = len(rows)
    while left and queue:
        stale, c = heapq.heappop(queue)
        if count[c] == 0:
            continue
        if count[c] != -stale:
            heapq.heappush(queue, (-count[c], c))
            continue
        picked.append(c)
        for t in by_candidate[c]:
            if is_open[t]:
                is_open[t] = False
                left -= 1
                for other in rows[t]:
                    count[other] -= 1
    return drop_redundant(picked, rows, n)


def forced_candidates(rows: list[set[int]]) -> tuple[set[int], list[int]]:
    """Return the candidates some target forces and the targets they leave open."""
    forced = {next(iter(row)) for row in rows if len(row) == 1}
    return forced, [t for t, row in enumerate(rows) if not row & forced]


def components(rows: list[set[int]], targets: Sequence[int]) -> list[list[int]]:
    """Group `targets` into parts that share no candidate (connected components)."""
    parent: dict[int, int] = {}

    def root(c: int) -> int:
        while parent.setdefault(c, c) != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for t in targets:
        first, *rest = rows[t]
        a = root(first)
        for c in rest:
            b = root(c)
            if a != b:
                parent[b] = a
    grouped: dict[int, list[int]] = {}
    for t in targets:
        grouped.setdefault(root(next(iter(rows[t]))), []).append(t)
    return list(grouped.values())


def _solve_part(rows: list[set[int]], n: int, time_limit: float) -> _Part:
    """Cover one part given as local rows over candidates 0..n-1 (local preference order)."""
    greedy = greedy_cover(rows, n)
    if len(greedy) == 1:
        return _Part(greedy, True, 1, EXACT)
    start = time.perf_counter()
    best, lower, method = greedy, 1, GREEDY
    if n > SMALL_PART:
        from .lagrangian import lagrangian_bound

        lower, improved = lagrangian_bound(rows, n, len(greedy), time_limit * LAGRANGIAN_SHARE)
        if len(improved) < len(best):
            best = improved
    if n > SOLVER_PART:  # a bound that meets the cover proves it minimal, preference aside
        if len(best) > lower:
            from .localsearch import improve_cover

            left = time_limit * SEARCH_SHARE - (time.perf_counter() - start)
            best = improve_cover(rows, n, best, left, lower)
        if len(best) <= lower:
            return _Part(best, True, len(best), EXACT)
        return _Part(best, False, lower, SEARCHED)
    from .milp import solve_programme

    left = max(time_limit - (time.perf_counter() - start), 0.0)
    picks, proven, solver_lower = solve_programme(rows, n, best, left)
    lower = max(lower, solver_lower)
    if picks is not None and _closes(picks, rows):  # a solver answer is checked, never trusted
        if proven:
            return _Part(picks, True, len(picks), EXACT)
        if len(picks) < len(best):
            best, method = picks, INCUMBENT
    if len(best) <= lower:  # minimal in size; the solver ran out of time to prefer among them
        return _Part(best, True, len(best), EXACT)
    return _Part(best, False, lower, method)


def smallest_cover(
    needs: Mapping[str, Iterable[str]],
    preference: Sequence[str] | None = None,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Cover:
    """Return the fewest candidates such that every target has one of its candidates.

    `needs` maps each target to the candidates that would close it. Among
    covers of the smallest size the one whose candidates come earliest in
    `preference` is preferred (candidates not named there come after, by name);
    that tie-break is exact where the solver proves its answer. The time limit
    is shared among the parts in proportion to their size.
    """
    candidates, targets, rows, unclosable = _normalise(needs, preference)
    if not targets:
        return Cover((), True, EXACT, 0, unclosable)
    forced, open_targets = forced_candidates(rows)
    parts = components(rows, open_targets)
    weight = sum(sum(len(rows[t]) for t in part) for part in parts) or 1
    chosen = set(forced)
    lower, proven, methods = len(forced), True, set()
    for part in parts:
        local = sorted({c for t in part for c in rows[t]})  # global order is preference order
        index = {c: i for i, c in enumerate(local)}
        part_rows = [{index[c] for c in rows[t]} for t in part]
        share = time_limit * sum(len(r) for r in part_rows) / weight
        solved = _solve_part(part_rows, len(local), share)
        chosen.update(local[i] for i in solved.picks)
        lower += solved.lower
        proven = proven and solved.proven
        methods.add(solved.method)
    method = (
        EXACT if proven else next(m for m in (SEARCHED, INCUMBENT, GREEDY, EXACT) if m in methods)
    )
    return Cover(
        chosen=tuple(candidates[c] for c in sorted(chosen)),
        proven_minimal=proven,
        method=method,
        lower_bound=len(chosen) if proven else max(lower, 1),
        unclosable=unclosable,
        forced=len(forced),
        parts=len(parts),
    )
